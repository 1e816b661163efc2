"""pipelines.extract.chrome: the Japanese news chrome layer of pages without site rules.

By text, only whole short lines go: a gate, a credit, a share prompt, the headline repeated
above the body; an article sentence that merely contains 会員, ランキング, 写真 or シェア stays.
By structure, a chrome heading takes its section only when that section is links (a related
list, teasers); an article section under a heading that happens to read like one stays.
The phrase file is data with provenance: every entry says where it was seen.
"""

from __future__ import annotations

import tomllib

import pytest

from pipelines.extract import chrome
from pipelines.extract.page import MIN_CHARS_WITH_SIGNAL, extract_page
from sites.base import parse_html

RULES = chrome.rules()
URL = "https://news.example.jp/articles/20240501/a1.html"

BODY = [
    "政府は1日、北方領土周辺の水域での日本漁船の操業をめぐる交渉を来月再開すると発表した。",
    "昨年の交渉は操業条件で折り合わず、漁業者からは早期の妥結を求める声が上がっていた。",
    "日本漁業協同組合の会員は全国で約17万人に上り、今回の交渉の行方に注目が集まっている。",
    "同組合の会員に登録すると割引が受けられる仕組みだが、加入者はこの10年で2割減った。",
    "水産庁によると、昨年の漁獲量ランキングでは北海道が首位を保ったという。",
    "写真の展示会も同時に開かれ、漁の様子を記録した作品約50点が並んだ。",
    "記者会見では「この記事は会員限定です」という表示で有料記事を読めなかった読者の声も紹介され"
    "、関係者は情報公開のあり方を見直す考えを示した。",
]


def page(body: str, title: str = "北方領土の漁業交渉、来月再開へ") -> str:
    return (f"<html lang='ja'><head><title>{title} | 北方新報</title>"
            f"<meta property='og:type' content='article'></head><body>{body}</body></html>")


def article(extra_before: str = "", extra_after: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY)
    return (f"<article><h1>北方領土の漁業交渉、来月再開へ</h1>{extra_before}{paragraphs}"
            f"{extra_after}</article>")


# -- text: whole short lines only --------------------------------------------------------


@pytest.mark.parametrize("line", [
    "この記事は会員限定です。登録すると続きをお読みいただけます。",
    "この記事は有料会員記事です。残り362文字有料会員になると続きをお読みいただけます。",
    "残り985文字",
    "有料会員になると続きをお読みいただけます。",
    "紙の新聞の定期購読者の方は、追加料金なしでデジタル版をご利用いただけます。",
    "有料会員に登録すると、すべての記事が読み放題です。",
    "写真：共同", "（写真：ロイター）", "提供：北方新報", "Image: Amazon.co.jp",
    "PHOTOGRAPH COURTESY OF MONOTYPE", "Copyright © 北方新報 All Rights Reserved.", "©北方新報",
    "シェア", "ツイート", "この記事をシェアしよう", "北方新報をフォローしよう！",
    "北方新報の記事を毎朝メールでまとめ読み（無料）", "関連記事", "・関連キーワード",
    "- 記事一覧へ", "| ※ | 記載されている会社名および商品名は、各社の商標または登録商標です。 |",
])
def test_chrome_lines_go(line):
    assert RULES.is_chrome_line(line), line


@pytest.mark.parametrize("line", BODY)
def test_article_sentences_that_contain_chrome_words_stay(line):
    assert not RULES.is_chrome_line(line), line


def test_clean_text_keeps_the_article_and_drops_headline_date_and_gate():
    heads = {chrome.core("北方領土の漁業交渉、来月再開へ")}
    text = "\n".join(["北方領土の漁業交渉、来月再開へ", "2024年5月1日 19時30分", *BODY,
                      "この記事は会員限定です。", "ログイン", "写真：共同"])
    assert chrome.clean_text(text, RULES, heads) == "\n".join(BODY)
    # the headline's words deeper in the text, or a date inside a sentence, are the article
    later = "\n".join([*BODY[:3], "北方領土の漁業交渉、来月再開へ", "2024年5月1日 19時30分"])
    assert chrome.clean_text(later, RULES, heads) == later


def test_core_normalises_width_decoration_bullets_and_table_cells():
    assert chrome.core("【関連記事】") == "関連記事"
    assert chrome.core("- ・関連キーワード：") == "関連キーワード"
    assert chrome.core("| ※ | ＡＢＣ　写真 |") == "abc 写真"
    assert chrome.core("ＰＲ") == "pr"


def test_latin_prefixes_and_suffixes_end_at_a_word_boundary():
    assert RULES.is_heading("PR情報") and RULES.is_heading("-PR-企画特集")
    assert not RULES.is_heading("Projects") and not RULES.is_heading("Pranking news")
    assert RULES.is_heading("ACCESS RANKING") and not RULES.is_heading("Crankings")


# -- structure: a heading takes its section only when the section is links ---------------


def related(heading: str, items: int = 5) -> str:
    lis = "".join(f"<li><a href='/a/{i}.html'>北方領土の漁業をめぐる過去の記事その{i}</a></li>"
                  for i in range(items))
    return f"<div><h2>{heading}</h2><ul>{lis}</ul></div>"


@pytest.mark.parametrize("heading", ["関連記事", "あわせて読みたい", "本日の人気記事ランキング",
                                     "北方新報の関連記事", "関連キーワード", "おすすめ情報"])
def test_a_chrome_heading_takes_its_link_list(heading):
    tree = parse_html(page(article(extra_after=related(heading))))
    assert chrome.prune(tree, RULES) == 1
    text = tree.text_content()
    assert heading not in text and "過去の記事" not in text
    assert all(p in text for p in BODY)


def test_a_heading_in_a_wrapper_takes_the_list_after_the_wrapper():
    lis = "".join(f"<li><a href='/a/{i}.html'><h3>会員限定の特集記事その{i}</h3></a>"
                  f"<p>特集の要約、その{i}。</p></li>" for i in range(4))
    block = (f"<section><div class='title'><h2>Scan PREMIUM 会員限定記事</h2>"
             f"<a href='/premium/'>もっと見る</a></div><ul>{lis}</ul></section>")
    tree = parse_html(page(article(extra_after=block)))
    chrome.prune(tree, RULES)
    text = tree.text_content()
    assert "特集記事" not in text and "もっと見る" not in text and "会員限定記事" not in text
    assert all(p in text for p in BODY)


def test_an_article_section_titled_like_chrome_stays():
    # a subheading that ends like a ranking heading, over a table and a paragraph of the story
    table = ("<h2>漁獲量ランキング</h2><table><tr><th>道県</th><th>漁獲量</th></tr>"
             "<tr><td>北海道</td><td>95万トン</td></tr><tr><td>茨城</td><td>30万トン</td></tr>"
             "</table><p>北海道は12年連続で首位となり、全国の漁獲量の2割余りを占めた。</p>")
    tree = parse_html(page(article(extra_after=table)))
    assert chrome.prune(tree, RULES) == 0
    assert "漁獲量ランキング" in tree.text_content() and "12年連続" in tree.text_content()


def test_an_affiliate_widget_goes_whole():
    widget = ("<div class='box'><div class='name'><a href='https://www.amazon.co.jp/x'>"
              "北方領土問題の本</a></div><div>posted with <a href='http://www.amazlet.com/'>"
              "amazlet</a> at 19.03.02</div><div>北方太郎<br>北方出版<br>売り上げランキング: 6,808"
              "</div></div>")
    tree = parse_html(page(article(extra_after=widget)))
    assert chrome.prune(tree, RULES) == 1
    text = tree.text_content()
    assert "amazlet" not in text and "北方出版" not in text and BODY[-1] in text


# -- through the extractor ---------------------------------------------------------------


def test_extract_page_removes_the_chrome_of_a_japanese_page():
    gate = "<div class='gate'><p>この記事は会員限定です。登録すると続きをお読みいただけます。</p>" \
           "<a href='/login'>ログイン</a></div>"
    share = "<div><span>シェア</span> <span>ツイート</span></div>"
    credit = "<figure><img src='a.jpg'><p>写真：共同</p></figure>"
    html = page(share + article(extra_before=credit, extra_after=gate + related("関連記事")))
    result = extract_page(URL, html)
    assert result.reason == "article"
    assert result.article["text"] == "\n".join(BODY)


def test_pages_in_other_languages_are_untouched(monkeypatch):
    english = ("<html lang='en'><head><title>Talks</title><meta property='og:type' "
               "content='article'></head><body><article><h1>Talks</h1><p>Share</p>"
               "<p>The talks resume in March, officials said on Monday in Tokyo.</p>"
               "<p>Copyright © Example News</p></article></body></html>")
    calls = []
    monkeypatch.setattr(chrome, "prune", lambda *a: calls.append(a) or 0)
    extract_page("https://news.example/a.html", english)
    assert calls == []
    assert not chrome.is_japanese(parse_html(english), "en")
    assert chrome.is_japanese(parse_html(page("")), None)  # undeclared, kana in the title


# -- the data file -----------------------------------------------------------------------


def test_every_entry_says_where_it_was_seen():
    data = tomllib.loads(chrome.DATA.read_text("utf-8"))
    entries = [e for kind in ("heading", "line", "pattern", "widget") for e in data[kind]]
    assert len(entries) >= 50 and data["max_line_chars"] <= 120
    for entry in entries:
        assert entry["seen"], entry
        for seen in entry["seen"]:
            assert seen["site"], entry
            assert seen["url"].startswith(("http://", "https://")) or seen.get("how"), entry


def test_the_rules_are_read_once_and_reload_from_another_file(tmp_path):
    assert chrome.rules() is chrome.rules()
    path = tmp_path / "x.toml"
    path.write_text('[[line]]\ntext = ["おしまい"]\nseen = [{site = "x", url = "https://x/"}]\n',
                    "utf-8")
    other = chrome.load(path)
    assert other.is_chrome_line("おしまい") and not other.is_chrome_line("シェア")


def test_a_short_item_whose_headline_was_repeated_stays_an_article():
    # 70 characters of body, below MIN_CHARS_WITH_SIGNAL: the article test counts the
    # headline line trafilatura found, the text kept has only the body
    body = ("政府は1日、北方領土周辺の水域での漁業交渉を来月再開すると発表した。"
            "昨年の交渉は操業条件をめぐって折り合わず、半年にわたり中断していた。")
    assert len(body) < MIN_CHARS_WITH_SIGNAL
    html = page(f"<article><h1>北方領土の漁業交渉、来月再開へ</h1><p>{body}</p></article>")
    result = extract_page(URL, html)
    assert result.reason == "article" and result.article["text"] == body
