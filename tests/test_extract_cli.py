"""``python -m archive extract``: one saved page, decoded and extracted as in a crawl."""

from __future__ import annotations

import codecs
import gzip
import json
import subprocess
import sys

from archive.cli import main
from archive.cli.extract import extract_bytes
from tests.conftest import BUNDLED_WEB, ROOT, load_expected

NEWS = BUNDLED_WEB / "news.example"
CASES = {case["url"]: case for case in load_expected("news.example")}
CEASEFIRE = "https://news.example/2024/05/ceasefire-talks.html"

RU_TITLE = "Переговоры о рыболовстве возобновятся в марте"
RU_TEXT = ("Представители двух стран договорились возобновить переговоры о квотах на вылов "
           "рыбы в спорных водах, сообщили в министерстве. Первый раунд пройдёт в Москве.")


def ru_page(meta_charset: str) -> str:
    return (f"<!DOCTYPE html><html lang='ru'><head><meta charset='{meta_charset}'>"
            f"<title>{RU_TITLE}</title><meta property='og:type' content='article'></head>"
            f"<body><article><h1>{RU_TITLE}</h1><p>{RU_TEXT}</p></article></body></html>")


def run_main(capsysbinary, *argv: str) -> tuple[int, str, str]:
    code = main(["extract", *argv])
    out, err = capsysbinary.readouterr()
    return code, out.decode("utf-8"), err.decode("utf-8")


def test_cli_prints_the_text_the_crawl_expects():
    proc = subprocess.run(
        [sys.executable, "-m", "archive", "extract", "--url", CEASEFIRE,
         str(NEWS / "2024/05/ceasefire-talks.html")],
        cwd=ROOT, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode("utf-8") == CASES[CEASEFIRE]["text"] + "\n"


def test_json_has_the_article_method_and_reason(capsysbinary):
    code, out, _ = run_main(capsysbinary, "--url", CEASEFIRE, "--json",
                            str(NEWS / "2024/05/ceasefire-talks.html"))
    assert code == 0
    data = json.loads(out)
    case = CASES[CEASEFIRE]
    assert data["reason"] == "article" and data["method"] == "trafilatura"
    for key in ("title", "author", "published", "canonical_url", "language", "text"):
        assert data["article"][key] == case[key], key
    assert data["encoding"] == "utf-8" and data["outlinks"]


def test_not_an_article_prints_its_text_with_a_note(capsysbinary):
    # the front page is a listing: a crawl keeps no article, the command still prints the text
    code, out, err = run_main(capsysbinary, "--url", "https://news.example/",
                              str(NEWS / "index.html"))
    assert code == 0 and out.strip()
    assert "not keep this page as an article (not-article:" in err and "--articles-only" in err
    code, out, err = run_main(capsysbinary, "--url", "https://news.example/", "--json",
                              str(NEWS / "index.html"))
    data = json.loads(out)
    assert code == 0 and data["article"] is None and data["reason"].startswith("not-article")
    assert data["text"] and data["text"] + "\n" == run_main(
        capsysbinary, "--url", "https://news.example/", str(NEWS / "index.html"))[1]


def test_articles_only_keeps_the_refusal_with_exit_1(capsysbinary):
    code, out, err = run_main(capsysbinary, "--articles-only", "--url", "https://news.example/",
                              str(NEWS / "index.html"))
    assert code == 1 and out == ""
    assert "not an article (not-article:" in err
    code, out, err = run_main(capsysbinary, "--articles-only", "--json", "--url",
                              "https://news.example/", str(NEWS / "index.html"))
    assert code == 1 and json.loads(out)["article"] is None
    assert json.loads(out)["reason"].startswith("not-article")
    # an article is printed with or without the flag, the same text
    code, out, err = run_main(capsysbinary, "--articles-only", "--url", CEASEFIRE,
                              str(NEWS / "2024/05/ceasefire-talks.html"))
    assert code == 0 and out == CASES[CEASEFIRE]["text"] + "\n" and err == ""


def test_a_page_without_text_exits_1_whatever_the_flag(capsysbinary, tmp_path):
    path = tmp_path / "empty.html"
    path.write_bytes(b"<html><head><title>x</title></head><body><nav></nav></body></html>")
    code, out, err = run_main(capsysbinary, "--url", "https://x.example/", str(path))
    assert code == 1 and out == "" and "not an article (not-article: no text)" in err


def test_stdin(capsysbinary, monkeypatch):
    import io

    data = (NEWS / "2024/05/ceasefire-talks.html").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = run_main(capsysbinary, "--url", CEASEFIRE, "-")
    assert code == 0 and out == CASES[CEASEFIRE]["text"] + "\n"


def test_meta_charset_decides_without_an_http_charset():
    body = ru_page("windows-1251").encode("cp1251")
    data = extract_bytes("https://ru.example/a.html", body)
    assert data["encoding"] == "cp1251"
    assert data["article"]["title"] == RU_TITLE and RU_TEXT in data["article"]["text"]


def test_http_charset_beats_meta_and_bom_beats_both():
    # a crawl trusts the Content-Type header over <meta>: UTF-8 bytes whose <meta> claims
    # windows-1251 (which would decode them, wrongly, without an error)
    body = ru_page("windows-1251").encode("utf-8")
    data = extract_bytes("https://ru.example/a.html", body,
                         content_type="text/html; charset=utf-8")
    assert data["encoding"] == "utf-8" and RU_TEXT in data["article"]["text"]
    # ... and a BOM over both
    body = codecs.BOM_UTF8 + ru_page("windows-1251").encode("utf-8")
    data = extract_bytes("https://ru.example/a.html", body,
                         content_type="text/html; charset=windows-1251")
    assert data["encoding"] == "utf-8" and RU_TEXT in data["article"]["text"]


def test_shift_jis_page_as_the_crawl_reads_it():
    # charset only in <meta http-equiv>: Scrapy reads Shift_JIS as cp932
    body = (BUNDLED_WEB / "example.test" / "sjis.html").read_bytes()
    assert extract_bytes("https://example.test/sjis.html", body)["encoding"] == "cp932"
    title = "北方領土の漁業協定、交渉が再開"
    text = ("日本とロシアの両政府は、北方領土周辺の水域での漁業協定をめぐる交渉を来月再開すると"
            "発表した。昨年の交渉は操業の条件をめぐって折り合わなかった。")
    page = ("<html lang='ja'><head><meta http-equiv='Content-Type' "
            "content='text/html; charset=Shift_JIS'><meta property='og:type' content='article'>"
            f"<title>{title}</title></head><body><article><h1>{title}</h1><p>{text}</p>"
            "</article></body></html>")
    data = extract_bytes("https://kaigai.example/a.html", page.encode("shift_jis"))
    assert data["encoding"] == "cp932"
    assert data["article"]["title"] == title and text in data["article"]["text"]


def test_content_encoding_is_removed_by_scrapy(capsysbinary, tmp_path):
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress((NEWS / "2024/05/ceasefire-talks.html").read_bytes()))
    code, out, _ = run_main(capsysbinary, "--url", CEASEFIRE, "--content-encoding", "gzip",
                            str(path))
    assert code == 0 and out == CASES[CEASEFIRE]["text"] + "\n"


def test_site_rules_apply_by_host(capsysbinary):
    page = BUNDLED_WEB / "www.newsweekjapan.jp" / "reizei" / "2024" / "01" / "no-thank-you.php"
    code, out, _ = run_main(capsysbinary, "--json", "--url",
                            "https://www.newsweekjapan.jp/reizei/2024/01/no-thank-you.php",
                            str(page))
    assert code == 0
    assert json.loads(out)["method"].startswith("site:newsweekjapan/")


def test_not_html_and_unreadable_files(capsysbinary, tmp_path):
    pdf = BUNDLED_WEB / "news.example" / "files" / "annual-report.pdf"
    code, _, err = run_main(capsysbinary, "--url", "https://news.example/files/annual-report.pdf",
                            "--content-type", "application/pdf", str(pdf))
    assert code == 1 and "not html" in err
    code, _, err = run_main(capsysbinary, "--url", "https://x.example/", str(tmp_path / "no"))
    assert code == 2 and "No such file" in err


def test_a_script_calling_main_per_page_builds_the_parser_once(capsysbinary, monkeypatch):
    import archive.cli as cli

    built = []
    real = cli.build_parser
    monkeypatch.setattr(cli, "_PARSERS", {})
    monkeypatch.setattr(cli, "build_parser", lambda only=None: built.append(only) or real(only))
    outs = [run_main(capsysbinary, "--url", CEASEFIRE, str(NEWS / "2024/05/ceasefire-talks.html"))
            for _ in range(3)]
    assert built == ["extract"]
    assert outs[0] == outs[1] == outs[2] and outs[0][0] == 0
    assert run_main(capsysbinary, "--url", CEASEFIRE, "--json",
                    str(NEWS / "2024/05/ceasefire-talks.html"))[0] == 0
    assert built == ["extract"]


def test_plain_text_skips_trafilatura_metadata_json_computes_it(capsysbinary, monkeypatch,
                                                                 tmp_path):
    from pipelines.extract import page as extractor

    calls = []
    for name in ("_trafilatura_metadata", "_trafilatura_title_author"):
        real = getattr(extractor, name)
        monkeypatch.setattr(extractor, name,
                            lambda *a, _r=real, _n=name: calls.append(_n) or _r(*a))
    # no og:title, no author, no date markup: title, author and date need trafilatura's search
    body = "".join(f"<p>{RU_TEXT} {i}</p>" for i in range(6))
    path = tmp_path / "page.html"
    path.write_text(f"<html lang='ru'><head><meta charset='utf-8'><title>{RU_TITLE}</title>"
                    f"<meta property='og:type' content='article'></head><body><article>"
                    f"<h1>{RU_TITLE}</h1>{body}</article></body></html>", "utf-8")
    code, out, _ = run_main(capsysbinary, "--url", "https://ru.example/a.html", str(path))
    assert code == 0 and RU_TEXT in out and calls == []
    code, js, _ = run_main(capsysbinary, "--json", "--url", "https://ru.example/a.html",
                           str(path))
    assert code == 0 and calls and json.loads(js)["text"] + "\n" == out
