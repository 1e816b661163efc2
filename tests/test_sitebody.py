"""The site fallback's body by structure (pipelines/extract/sitebody.py)."""

from __future__ import annotations

from pipelines.extract import chrome, sitebody
from pipelines.extract.page import extract_page
from pipelines.extract.sitechrome import SiteChrome
from sites.base import parse_html

CHROME = SiteChrome(("この筆者のコラム", "Read more", "写真:"), ("プロフィール",))
PARA = ("日本とロシアの外務・防衛閣僚協議が東京で開かれ、"
        "北方領土での共同経済活動や安全保障をめぐって意見を交わした。")
PAGE = f"""<html><body>
<div class="x1"><a href="/">HOME</a> <a href="/c/">コラム</a></div>
<div class="x2">山本美咲（本誌記者）</div>
<h1>日露2プラス2が開催</h1><div class="x3">2024年01月31日（水）15時00分</div>
<div class="x4"><img src="a.jpg"><p>会談に臨む両国の閣僚 写真:ロイター</p></div>
<div class="x5"><p>{PARA}</p><p>{PARA}</p><h4>残る課題</h4><p>{PARA}</p>
<div class="x6"><b>Read more</b><br><a href="/r">関連する別の記事の見出しがここに入る</a></div>
<p>{PARA}</p></div>
<div class="x7"><i>この筆者のコラム</i><ul><li><a href="/1">別のコラムの見出し一</a></li>
<li><a href="/2">別のコラムの見出し二</a></li></ul></div>
<div class="x8"><i>プロフィール</i><p>山本美咲</p>
<p>ニューズウィーク日本版記者。東京生まれ。</p></div>
<div class="x9"><p>2024.02.01</p><p>別の記事の見出しがここに</p><p>2024.02.01</p></div>
</body></html>"""


def test_the_body_is_the_run_of_paragraphs_without_its_chrome():
    tree = parse_html(PAGE)
    heads = chrome.headlines(tree, "日露2プラス2が開催")
    text = sitebody.find_body(tree, CHROME, heads, author="山本美咲")
    assert text is not None
    lines = text.split("\n")
    assert lines == [PARA, PARA, "残る課題", PARA, PARA]  # subheading kept, boxes gone


def test_no_run_crosses_the_headline_and_a_short_page_has_no_body():
    assert sitebody.best_run([5.0, None, 3.0, -1.0, 2.0]) == (0, 1, 5.0)
    assert sitebody.best_run([1.0, None, 3.0, -1.0, 2.0]) == (2, 5, 4.0)
    tree = parse_html(f"<html><body><p>{PARA[:30]}</p></body></html>")
    assert sitebody.find_body(tree, CHROME, set()) is None


def test_lines_know_links_headings_and_images():
    tree = parse_html("<html><body><h3>見出し</h3><img src=x><p>説明 <a href=/>リンク</a></p>"
                      "<figure><figcaption>図の説明</figcaption></figure></body></html>")
    lines = sitebody.page_lines(tree.find("body"))
    assert [(x.text, x.heading, x.image_before, x.figure, x.linked) for x in lines] == [
        ("見出し", "h3", False, False, 0), ("説明 リンク", "", True, False, 3),
        ("図の説明", "", False, True, 0)]
    assert sitebody.is_date("2024年01月31日（水）15時00分")
    assert sitebody.is_date("28.07.2012, 12:30")
    assert not sitebody.is_date("2024年1月に始まった協議は続いている。")


def test_the_site_fallback_says_it_read_the_body_by_structure():
    from bench import drift, quality

    case = quality.load_cases("newsweekjapan")[0]
    pages = quality.case_pages(case)
    (url, html), parts = pages[0], pages[1:]
    renamed = drift.variant_html(html, "rename-all", "test", case["text"])
    result = extract_page(url, renamed, site="newsweekjapan", parts=parts)
    assert result.method.endswith("+structure+chrome"), result.method
    got = result.article["text"]
    assert quality.score_shingles(got, case["text"]).f1 >= 0.9
    assert not drift.leaks_of("newsweekjapan", got, case["text"])


LONG = ("Russia and Japan held their first talks of defence and foreign ministers in Tokyo on "
        "Saturday, agreeing to hold joint drills and to fight piracy together at sea.")
EN = SiteChrome(("Posting rules", "Read more"), ("Profile",))


def _body(html: str, chrome_rules: SiteChrome = EN, heads: tuple[str, ...] = ("talks",)) -> list:
    text = sitebody.find_body(parse_html(html), chrome_rules, {chrome.core(h) for h in heads})
    return text.split("\n") if text else []


def test_captions_by_place_embedded_posts_and_signatures_count_nothing():
    caption = "The ministers, flanked by their deputies, meet in Tokyo. " * 4  # a long caption
    page = (f"<html><body><h1>Talks</h1><p>{LONG}</p>"
            f"<div><img src=a.jpg alt='x'><p>{caption}</p></div>"
            f"<div><img src=b.jpg alt='Shinzo Abe meets Sergey Lavrov in Tokyo'></div>"
            f"<p>Shinzo Abe meets Sergey Lavrov in Tokyo, with a long credit line after it, "
            f"as photo agencies write them (AFP Photo / Toru Yamanaka) and more words</p>"
            f"<blockquote><p>Protest at Westminster this morning over the aid budget.</p>"
            f"&mdash; Someone (@someone) <a href='https://twitter.com/someone/status/1'>"
            f"April 1, 2016</a></blockquote><p>{LONG}</p>"
            f"<div>Posting rules</div><p>Good news for fishermen, if it lasts.</p>"
            f"<p>pacific_watcher 02.11.2013 22:30</p>"
            f"<p>Sixty-eight years without a peace treaty. Time to finish it.</p>"
            f"<p>Vladimir K. 02.11.2013 21:48</p></body></html>")
    assert _body(page) == [LONG, LONG]


def test_a_section_heading_owns_its_text_a_box_label_does_not():
    profile = "Jane Doe covers Russia and Japan for the paper from Tokyo since 2010 and more."
    page = (f"<html><body><h1>Talks</h1><p>{LONG}</p><div>Read more</div>"
            f"<p><a href='/x'>Another story about the same talks in Tokyo</a></p><p>{LONG}</p>"
            f"<h4>Profile</h4><p>{profile}</p><p>{profile}</p></body></html>")
    assert _body(page) == [LONG, LONG]
    label_after_links = page.replace("<div>Read more</div><p>", "<p>").replace(
        f"</a></p><p>{LONG}", f"</a></p><div>Read more</div><p>{LONG}")
    assert _body(label_after_links) == [LONG, LONG]


def test_a_standfirst_moved_away_from_the_body_stays_and_leftovers_go():
    lead = "The Wikileaks publisher has been put on lockdown in prison, his wife reports"
    page = (f"<html><body><h1>Talks</h1><p>{lead}</p><div>Read more</div>"
            f"<p><a href='/a'>Share</a> <a href='/b'>this story on social media</a></p>"
            f"<p>{LONG}</p><p>{LONG}</p><p>Business</p><p>Inflation gauge rises to two</p>"
            "</body></html>")
    assert _body(page) == [lead, LONG, LONG]


def test_a_site_s_chrome_ends_are_chrome_lines_when_short():
    ends = SiteChrome(("関連記事",), (), ("好評発売中",))
    assert ends.is_chrome_line("アステイオン99号 特集「日露関係の150年」 好評発売中")
    assert not ends.is_chrome_line("新刊は" + "あ" * 90 + "好評発売中")  # too long for chrome
    assert not ends.is_chrome_line("好評発売中の新刊について、著者に話を聞いた。")


def test_an_author_box_above_the_author_s_name_is_no_body():
    bio = "Jane Doe covers Russia and Japan for the paper from Tokyo since 2010, and more."
    page = (f"<html><body><h1>Talks</h1><p>{LONG}</p><p>{LONG}</p><p>1</p>"
            f"<p>{bio}</p><h3>Jane Doe</h3><h4>Profile</h4></body></html>")
    tree = parse_html(page)
    assert sitebody.find_body(tree, EN, {"talks"}, author="Jane Doe").split("\n") == [LONG, LONG]
    # a sign-off after the last paragraph takes nothing with it: no separator before them
    signed = page.replace("<p>1</p>", "")
    tree = parse_html(signed)
    assert sitebody.find_body(tree, EN, {"talks"}, author="Jane Doe").split("\n") == [
        LONG, LONG, bio]
