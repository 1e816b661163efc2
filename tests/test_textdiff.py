"""archive.store.textdiff: edits shown as a reader sees them (words; characters for Japanese)."""

from __future__ import annotations

from archive.store.textdiff import change_size, describe, diff, render_html, render_terminal, tokens


def test_tokens_keep_the_text_and_cut_japanese_per_character():
    text = "日露首脳会談で、北方領土を協議。The talks, it’s said, went well.\n次の段落"
    assert "".join(tokens(text)) == text
    assert tokens("北方領土")[:2] == ["北", "方"]
    assert "it’s" in tokens(text) and "talks" in tokens(text)


def test_a_japanese_edit_shows_the_characters_that_changed():
    pieces = diff("政府は北方領土問題を協議した。", "政府は北方四島問題を協議した。")
    assert [p for p in pieces if p[0] != "="] == [("-", "領土"), ("+", "四島")]
    assert change_size(pieces) == {"added": 2, "removed": 2, "changes": 1}


def test_an_english_edit_shows_the_words_that_changed():
    pieces = diff("The quick brown fox. It’s done", "The quick red fox jumps. It’s done")
    assert render_terminal(pieces, color=False) == \
        "The quick [-brown-]{+red+} fox{+ jumps+}. It’s done"
    assert describe(change_size(pieces)) == "+2 -1 in 2 places"
    assert render_html(pieces).count("<del>") == 1 and "<ins> jumps</ins>" in render_html(pieces)


def test_no_change():
    assert describe(change_size(diff("同じ文。", "同じ文。"))) == "no change"


def test_html_is_escaped():
    assert "&lt;script&gt;" in render_html(diff("a", "a <script>"))
