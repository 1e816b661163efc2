"""asyura2.com (阿修羅♪ bulletin board): message pages, board indexes, comments, follow-ups.

Over 400 lines on purpose: one site, one module (boards, index pages, four eras of markup).

More: docs/modules.md, ``sites/asyura.py``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml.etree import _Element

from sites import register
from sites.base import BLOCK_TAGS, SiteExtraction, SiteRules, clean_ws
from sites.dates import normalise_datetime
from sites.wayback import original_url

HOSTS = ("www.asyura2.com", "asyura2.com")
JST = "+09:00"

#: message page: /<YY>/<board><gen>/msg/<n>.html
MSG_URL = re.compile(
    r"^https?://(?:www\.)?asyura2\.com/(?P<yy>\d\d)/(?P<board>[a-z]+\d+)/msg/(?P<n>\d+)\.html$"
)
#: board index page: /<YY>/<board><gen>/ or index.html, index2.html, ...
INDEX_URL = re.compile(
    r"^https?://(?:www\.)?asyura2\.com/(?P<yy>\d\d)/(?P<board>[a-z]+\d+)/"
    r"(?:index(?P<page>\d*)\.html)?$"
)
#: the only asyura URLs the spider follows (shared/sites/README.md §1.1)
FOLLOW_URL = re.compile(
    r"^http://(www\.)?asyura2\.com/\d\d/[a-z]+\d+/(index\d*\.html|msg/\d+\.html)$"
)

HEADER = re.compile(
    r"^投稿者\s*(?P<poster>.+?)\s+日時\s*"
    r"(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*\d{1,2}:\d{2}(?::\d{2})?)"
    r"(?:\s*[:：]\s*(?P<ids>[A-Za-z0-9./+=]+(?:\s+[A-Za-z0-9./+=]+)*))?"
)
PARENT = re.compile(r"^[(（]\s*回答先\s*[:：]")
COMMENT_HEAD = re.compile(
    r"^(?P<n>\d{2,4})\.\s*(?P<who>.*?)\s*"
    r"(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*\d{1,2}:\d{2}(?::\d{2})?)"
    r"(?:\s*[:：]\s*(?P<ids>.*))?$"
)
FOLLOWUP_HEAD = re.compile(r"^フォローアップ\s*[：:]")
SHARE_LINE = re.compile(r"^(?:Tweet|ツイート|Check|いいね！?)(?:\s*[|｜].*)?$")
PRINTED_URL = re.compile(r"^https?://(?:www\.)?asyura2\.com/\d\d/[a-z]+\d+/msg/\d+\.html$")
CITATION = re.compile(
    r"^(?:(?:出典|引用元|転載元|ソース|元記事|記事元|参照|情報源|source)\s*[:：]?\s*)?"
    r"[(（<＜]?(?P<url>https?://[^\s<>\"'　（）()]+)[)）>＞]?$",
    re.IGNORECASE,
)
#: lines that end the body (the first one after the header wins)
BODY_END = (
    re.compile(r"^拍手はせず、?拡散をお願いします"),
    FOLLOWUP_HEAD,
    re.compile(r"^★登録無しでコメント可能"),
    re.compile(r"^▲上へ"),
    re.compile(r"^▲このページのＴＯＰへ"),
    re.compile(r"^★阿修羅♪\s*[>＞]"),
    COMMENT_HEAD,
)
#: lines that end the comment list
COMMENTS_END = (
    re.compile(r"^★登録無しでコメント可能"),
    re.compile(r"^▲上へ"),
    re.compile(r"^▲このページのＴＯＰへ"),
    re.compile(r"^★阿修羅♪\s*[>＞]"),
    FOLLOWUP_HEAD,
)
ROW_DATE = re.compile(
    r"(?P<y>\d{4})\s*[/\-年]\s*(?P<m>\d{1,2})\s*[/\-月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
# -- known chrome (text) ------------------------------------------------------------------
#: The board's own chrome, as text: a line starting with one of these is never post text,
#: wherever it sits on the page (it ends the body when it follows the body's first line and
#: is skipped before it). Where each was seen (``../shared/sites/README.md`` §1.3, §1.4):
CHROME_STRINGS: tuple[str, ...] = (
    "★阿修羅♪",  # breadcrumb and footer: text captures of /20/senkyo275/msg/113.html, /07/...
    "▲コメTop",  # jump links: text captures of 2011-2025 message pages
    "▼コメBtm",  # the same
    "拍手はせず、拡散をお願いします",  # README §1.3 (recalled)
    "拍手はせず、拍手一覧を見る",  # issue 18: pages in other markup than ours
    "コメントはまだありません",  # issue 18: the empty comment section
    "★登録無しでコメント可能",  # comment form, README §1.3 (recalled)
    "フォローアップ：",  # follow-up tree heading, README §1.3 (recalled)
    "▲上へ",  # bottom navigation, README §1.3 (recalled)
    "▲このページのＴＯＰへ",  # bottom navigation of old pages (fixture 07/senkyo31)
    "投稿コメント全ログ",  # footer links, README §1.3 (recalled)
    "コメント即時配信",  # the same
    "スレ建て依頼",  # the same
    "削除コメント確認方法",  # the same
    "最新投稿・コメント全文リスト",  # README §1.4 (recalled)
    "すべてのページの引用、転載、リンクを許可します",  # footer notice, README §1.3 (recalled)
    "スパムメールの激増により",  # footer notice (fixtures, after the recalled notice)
)
#: whole lines that are chrome (too short or too common to be matched as a line's start)
CHROME_LINES: tuple[str, ...] = (
    "コメント",  # the comment section's heading: issue 18
    "Tweet |",  # share link: a text capture of http://asyura2.com/17/senkyo223/msg/206.html
)


def _norm_line(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


_CHROME_STARTS = tuple(_norm_line(s) for s in CHROME_STRINGS)
_CHROME_WHOLE = frozenset(_norm_line(s) for s in CHROME_LINES)


def is_chrome_line(text: str) -> bool:
    """Whether a page line is the board's chrome (:data:`CHROME_STRINGS`,
    :data:`CHROME_LINES`)."""
    line = _norm_line(text)
    return line in _CHROME_WHOLE or line.startswith(_CHROME_STARTS)


# -- end of known chrome ---------------------------------------------------------------------

TITLE_SUFFIX = re.compile(r"\s*[:：]\s*阿修羅♪\s*$")
_SKIP_TAGS = frozenset(
    "script style noscript form button select textarea template iframe object embed".split()
)
_LINE_TAGS = BLOCK_TAGS | {"td", "th", "li"}


# -- URLs ------------------------------------------------------------------------------------


def canonical_asyura(url: str) -> str:
    """``asyura2.com`` -> ``www.asyura2.com``; fragment dropped; other URLs unchanged."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host not in HOSTS:
        return url
    return urlunsplit(parts._replace(netloc="www.asyura2.com", fragment=""))


def is_asyura(url: str) -> bool:
    """Is the URL on asyura2.com (either host name)?"""
    try:
        return (urlsplit(url).hostname or "").lower() in HOSTS
    except ValueError:
        return False


# -- crawl: boards and their generations (what ``scrapy crawl asyura`` asks) -----------------

#: The boards a run without arguments follows (their current generations): ``senkyo``
#: (政治・選挙・NHK) carries Japanese politics and diplomacy, where posts on Japan–Russia
#: relations (territorial talks, summits, sanctions, energy) land; every public capture of the
#: site we know (2007–2025) is from it. ``warb`` (戦争b) carries war and military affairs: the
#: project's seed post (the 2013 2+2 talks, reposting RT and Voice of Russia) is in warb12, and
#: reposts of foreign war coverage go there. Other boards are given with ``-a board=``.
DEFAULT_BOARDS = ("senkyo", "warb")
SITE_TOP = "http://www.asyura2.com/"
#: a board generation's directory as the site top links it
_TOP_LINK = re.compile(r"^https?://(?:www\.)?asyura2\.com/(\d\d)/([a-z]+)(\d+)/(?:index\.html)?$")
#: board generations whose directory year is known (seen in public captures of their pages)
KNOWN_BOARDS: dict[str, str] = {
    "senkyo31": "07",
    "senkyo119": "11",
    "warb12": "13",
    "senkyo216": "16",
    "senkyo223": "17",
    "senkyo275": "20",
    "senkyo298": "25",
}
_BOARD_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?asyura2\.com/(\d\d)/([a-z]+\d+)(?:/(?:index\d*\.html)?)?$"
)
_BOARD_PATH = re.compile(r"^/?(\d\d)/([a-z]+\d+)/?$")


def is_board_code(spec: str) -> bool:
    """A bare board code (``senkyo``): its current generation is read from the site top."""
    return re.fullmatch(r"[a-z]+", spec) is not None


def newest_known(code: str) -> str | None:
    """Index URL of the newest generation of board ``code`` in :data:`KNOWN_BOARDS`."""
    known = [(int(b[len(code):]), b) for b in KNOWN_BOARDS
             if b.startswith(code) and b[len(code):].isdigit()]
    if not known:
        return None
    board = max(known)[1]
    return f"http://www.asyura2.com/{KNOWN_BOARDS[board]}/{board}/index.html"


def current_generations(base: str, hrefs: list[str], codes: list[str]) -> dict[str, str]:
    """``{code: index URL}`` of the highest generation of each board code that the site top's
    links (``hrefs``, relative to ``base``) show."""
    best: dict[str, tuple[int, str]] = {}
    for href in hrefs:
        m = _TOP_LINK.match(urljoin(base, href.strip()))
        if not m or m.group(2) not in codes:
            continue
        gen = int(m.group(3))
        if gen > best.get(m.group(2), (-1, ""))[0]:
            best[m.group(2)] = (gen, f"http://www.asyura2.com/{m.group(1)}/"
                                     f"{m.group(2)}{m.group(3)}/index.html")
    return {code: url for code, (_, url) in best.items()}


def top_page_generations(url: str, tree: _Element, codes: list[str]) -> dict[str, str]:
    """:func:`current_generations` over every link (``<a href>``) of the site's top page."""
    hrefs = [a.get("href") for a in tree.iter("a") if a.get("href") is not None]
    return current_generations(url, hrefs, codes)


def board_index_url(spec: str) -> str:
    """First index page of a board given as ``13/warb12``, a board URL, or a bare code listed
    in :data:`KNOWN_BOARDS`. Raises ValueError otherwise."""
    spec = spec.strip()
    m = _BOARD_URL.match(spec) or _BOARD_PATH.match(spec)
    if m:
        yy, board = m.group(1), m.group(2)
    elif re.fullmatch(r"[a-z]+\d+", spec) and spec in KNOWN_BOARDS:
        yy, board = KNOWN_BOARDS[spec], spec
    else:
        raise ValueError(
            f"board {spec!r}: give it as YY/<board><gen> (e.g. 13/warb12), as its URL, as a "
            f"board code (senkyo: its current generation) or as one of "
            f"{', '.join(sorted(KNOWN_BOARDS))}"
        )
    return f"http://www.asyura2.com/{yy}/{board}/index.html"


# -- leak markers: more strings that must never reach an article's text ------------------

#: Checked by bench/quality.py and tests/test_sites.py together with ``CHROME_STRINGS`` (a
#: string leaks when it is in our text but not in the expected text); unlike those, they are
#: not removed by the extractor: they are too short or too common to cut a line by (fixtures).
LEAK_MARKERS: tuple[str, ...] = (
    "拍手はせず", "登録無しでコメント可能", "引用元リンクを表示してください", "フォローアップ",
    "確認メールは不要です", "htmltag可",
)


# -- flattening a page into lines ------------------------------------------------------------


@dataclass
class Line:
    """One visible line of a page, with the links it holds (absolute URL, anchor text)."""

    text: str
    links: list[tuple[str, str]] = field(default_factory=list)
    hr: bool = False


def page_lines(tree: _Element, base_url: str) -> list[Line]:
    """The page's visible lines, in order: one per block element, table cell, list item or
    ``<br>``; ``<hr>`` gives an empty line with ``hr=True``. Scripts, styles, forms (their
    fields and labels), iframes and comments are skipped; whitespace is collapsed."""
    lines: list[Line] = []
    buf: list[str] = []
    links: list[tuple[str, str]] = []

    def flush() -> None:
        text = clean_ws("".join(buf))
        if text:
            lines.append(Line(text, list(links)))
        buf.clear()
        links.clear()

    def walk(el: _Element) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or tag in _SKIP_TAGS:
            return
        block = tag in _LINE_TAGS
        if block:
            flush()
        if tag == "br":
            flush()
        elif tag == "hr":
            flush()
            lines.append(Line("", hr=True))
        else:
            if tag == "a" and el.get("href"):
                href = el.get("href", "").strip()
                if not href.startswith(("#", "javascript:", "mailto:")):
                    links.append((urljoin(base_url, href), clean_ws(el.text_content())))
            if el.text:
                buf.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                buf.append(child.tail)
        if block:
            flush()

    body = tree.find("body")
    walk(body if body is not None else tree)
    flush()
    return lines


# -- message pages ---------------------------------------------------------------------------


@dataclass
class Comment:
    """A numbered reader comment."""

    n: int
    name: str | None
    date: str | None  #: ISO 8601, JST
    text: str


@dataclass
class Followup:
    """A follow-up (``Re:``) post listed under フォローアップ："""

    url: str
    title: str


@dataclass
class Post:
    """Everything read from one message page."""

    url: str  #: canonical (www) message URL
    title: str | None
    poster: str | None
    poster_id: str | None
    published: str | None
    body: list[str]
    cites: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    followups: list[Followup] = field(default_factory=list)
    parent: str | None = None
    board: str | None = None
    msg: int | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.body)

    def meta(self) -> dict[str, Any]:
        """The facts the spider writes to the row's ``meta``."""
        return {
            "board": self.board,
            "msg": self.msg,
            "poster_id": self.poster_id,
            "comments": [asdict(c) for c in self.comments],
            "followups": [asdict(f) for f in self.followups],
            "cites": list(self.cites),
            "parent": self.parent,
        }


def _matches(text: str, patterns: tuple[re.Pattern[str], ...]) -> bool:
    return any(p.search(text) for p in patterns)


def _msg_link(line: Line, own: str | None = None) -> tuple[str, str] | None:
    for href, anchor in line.links:
        url = canonical_asyura(href)
        if MSG_URL.match(url) and url != own:
            return url, anchor
    return None


def _title(lines: list[Line], header_at: int, tree: _Element) -> str | None:
    for i in range(header_at - 1, 0, -1):
        if PRINTED_URL.match(lines[i].text) and not lines[i - 1].hr:
            return lines[i - 1].text
    title = tree.find(".//title")
    if title is not None and title.text_content():
        return TITLE_SUFFIX.sub("", clean_ws(title.text_content())) or None
    return None


def parse_post(url: str, tree: _Element) -> Post | None:
    """Read a message page; None if ``url`` is not a message URL or no 投稿者…日時 line exists.

    ``url`` may be a Wayback capture URL of a message page (its original URL counts).
    """

    own = canonical_asyura(original_url(url))
    m_url = MSG_URL.match(own)
    if not m_url:
        return None
    lines = page_lines(tree, url)
    header_at = next((i for i, ln in enumerate(lines) if HEADER.match(ln.text)), None)
    if header_at is None:
        return None
    head = HEADER.match(lines[header_at].text)
    assert head is not None
    printed = next(
        (canonical_asyura(ln.text) for ln in lines[:header_at] if PRINTED_URL.match(ln.text)),
        None,
    )
    post = Post(
        url=printed if printed and MSG_URL.match(printed) else own,
        title=_title(lines, header_at, tree),
        poster=clean_ws(head["poster"]) or None,
        poster_id=head["ids"],
        published=normalise_datetime(head["date"], JST),
        body=[],
        board=m_url["board"],
        msg=int(m_url["n"]),
    )

    i = header_at + 1
    # header extras: the parent line (follow-up posts) and share links
    while i < len(lines) and (
        lines[i].hr or SHARE_LINE.match(lines[i].text) or PARENT.match(lines[i].text)
    ):
        if PARENT.match(lines[i].text):
            link = _msg_link(lines[i], post.url)
            post.parent = link[0] if link else None
        i += 1
    body: list[Line] = []
    # the body ends at the first ``<hr>``, end marker or chrome line after its first line
    # (the board separates its sections by ``<hr>``; a post is form text, without one);
    # chrome before it (a block of the page rendered elsewhere) is skipped
    while i < len(lines):
        text = lines[i].text
        if lines[i].hr or _matches(text, BODY_END) or is_chrome_line(text):
            if any(ln.text for ln in body) or COMMENT_HEAD.match(text) \
                    or FOLLOWUP_HEAD.match(text):
                break
        else:
            body.append(lines[i])
        i += 1
    post.body = [ln.text for ln in body if not ln.hr]
    post.cites = _citations(body)
    post.comments = _comments(lines[i:])
    post.followups = _followups(lines[i:], post.url)
    return post


def _citations(body: list[Line]) -> list[str]:
    cites: list[str] = []
    for line in body:
        m = CITATION.match(line.text)
        if not m:
            continue
        url = m["url"]
        # prefer the link target when the line is a link whose text is the URL
        for href, anchor in line.links:
            if anchor and anchor.rstrip("/") == url.rstrip("/"):
                url = href
        if not is_asyura(url) and url not in cites:
            cites.append(url)
    return cites


def _comment_name(who: str) -> str | None:
    name = clean_ws(who.split("[", 1)[0]) if "[" in who else clean_ws(who)
    return name or None


def _comments(lines: list[Line]) -> list[Comment]:
    comments: list[Comment] = []
    current: Comment | None = None
    text: list[str] = []

    def close() -> None:
        nonlocal current
        if current is not None:
            current.text = "\n".join(text)
            comments.append(current)
        current = None
        text.clear()

    for line in lines:
        head = COMMENT_HEAD.match(line.text)
        if head:
            close()
            current = Comment(
                n=int(head["n"]),
                name=_comment_name(head["who"]),
                date=normalise_datetime(head["date"], JST),
                text="",
            )
        elif line.hr:
            close()
        elif _matches(line.text, COMMENTS_END):
            close()
            if not FOLLOWUP_HEAD.match(line.text):
                break
        elif current is not None:
            text.append(line.text)
    close()
    return comments


def _followups(lines: list[Line], own: str) -> list[Followup]:
    start = next((i for i, ln in enumerate(lines) if FOLLOWUP_HEAD.match(ln.text)), None)
    if start is None:
        return []
    found: list[Followup] = []
    # the heading line itself may carry the first link ("フォローアップ： Re: ...")
    for line in lines[start:]:
        if line is not lines[start] and (line.hr or _matches(line.text, COMMENTS_END)):
            break
        for href, anchor in line.links:
            url = canonical_asyura(href)
            if MSG_URL.match(url) and url != own and all(f.url != url for f in found):
                found.append(Followup(url, anchor))
    return found


# -- board index pages -----------------------------------------------------------------------


@dataclass
class IndexRow:
    """One row of a board index: message URL, title, and the row's date (JST, naive)."""

    url: str
    title: str
    date: datetime | None


def row_date(text: str) -> datetime | None:
    """The first date in an index row (``2013/11/03 09:18:24``, ``2013-11-03``,
    ``2013 年 11 月 03 日 09:18:24``), naive JST; None if there is none."""
    m = ROW_DATE.search(text)
    if not m:
        return None
    try:
        return datetime(int(m["y"]), int(m["m"]), int(m["d"]),
                        int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0))
    except ValueError:
        return None


def parse_index(url: str, tree: _Element) -> list[IndexRow]:
    """Message rows of a board index page, in page order (newest first on the real site).

    A row is a line holding a link to a ``msg/<n>.html`` page of the same board; its date is
    the first date on that line.
    """
    m = INDEX_URL.match(canonical_asyura(url))
    board_dir = f"/{m['yy']}/{m['board']}/msg/" if m else None
    rows: list[IndexRow] = []
    seen: set[str] = set()
    for line in page_lines(tree, url):
        for href, anchor in line.links:
            target = canonical_asyura(href)
            mm = MSG_URL.match(target)
            if not mm or target in seen:
                continue
            if board_dir and urlsplit(target).path.rsplit("/", 1)[0] + "/" != board_dir:
                continue
            seen.add(target)
            rows.append(IndexRow(target, anchor, row_date(line.text)))
            break
    return rows


def index_page_number(url: str) -> int:
    """1 for ``index.html`` (or the board directory), n for ``index<n>.html``; 0 if not an
    index URL."""
    m = INDEX_URL.match(canonical_asyura(url))
    if not m:
        return 0
    return int(m["page"]) if m["page"] else 1


def next_index_url(url: str, tree: _Element) -> str | None:
    """The link to the next (older) index page: ``index<n+1>.html`` of the same board, if the
    page links to it (the naming is unverified, so the page's own links decide)."""
    n = index_page_number(url)
    if not n:
        return None
    base = canonical_asyura(url).rsplit("/", 1)[0] + "/"
    want = base + f"index{n + 1}.html"
    for el in tree.iter("a"):
        href = (el.get("href") or "").strip()
        if href and canonical_asyura(urljoin(url, href)) == want:
            return want
    return None


# -- rules -----------------------------------------------------------------------------------


class Asyura2016(SiteRules):
    """Responsive pages (``<meta name=viewport>``): comments, 拍手 notice, Tweet embeds."""

    name = "asyura"
    era = "2016"
    hosts = HOSTS
    language = "ja"
    timezone = JST
    marker: ClassVar[str | None] = "meta[name='viewport']"

    def is_article(self, url: str, tree: _Element) -> bool:
        return parse_post(url, tree) is not None

    def extract(self, url: str, tree: _Element) -> SiteExtraction | None:
        post = parse_post(url, tree)
        if post is None:
            return None
        meta = post.meta()
        meta["comment_count"] = len(post.comments)
        meta.pop("comments")
        return SiteExtraction(
            text=post.text,
            title=post.title,
            author=post.poster,
            published=post.published,
            canonical_url=post.url,
            language=self.language,
            meta=meta,
        )


class Asyura2011(Asyura2016):
    """Table/``<font>`` pages with numbered comments (``▲コメTop ▼コメBtm`` in the header)."""

    era = "2011"
    marker = None

    def applies(self, url: str, tree: _Element) -> bool:
        body = tree.find("body")
        text = (body if body is not None else tree).text_content()
        return "▲コメTop" in text or "▼コメBtm" in text


class Asyura2007(Asyura2016):
    """Old pages: no comment section, フォローアップ tree of ``Re:`` posts."""

    era = "2007"
    marker = None


register(Asyura2016, Asyura2011, Asyura2007)
