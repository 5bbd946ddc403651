"""Outside text in Markdown: the same in a file, on a Git host and in a chat tool.

No backslash escapes (a chat tool shows them): text that could mean something becomes a
code span, text that cannot stays as typed; only ``|`` in a table cell is escaped.
"""

from __future__ import annotations

import pytest

from autus_tui.core import markdown as md


@pytest.mark.parametrize("text", [
    "에러율 < 1% 확인", "v1.0.0 → v0.9.10", "#2 주의 에러율 > 1%", "2 * 3 = 6", "snake_case",
    "a@b.com", "DB pool 41/100 — 지켜볼 것", "git tag -l 'v1.0*'", "100%", "x | y",
    "`main` 브랜치 태그: `v1.0.0`", "use `make` or `make -j`",  # its own code spans
])
def test_plain_text_stays_as_typed(text: str) -> None:
    assert md.inline(text) == text


@pytest.mark.parametrize(("text", "shown"), [
    ("Gate *이벤트* 정상 기록", "`Gate *이벤트* 정상 기록`"),
    ("[link](http://x)", "`[link](http://x)`"),
    ("<script>x</script>", "`<script>x</script>`"),
    ("# not a heading", "`# not a heading`"),
    ("- not a bullet", "`- not a bullet`"),
    ("1. not a list", "`1. not a list`"),
    ("> not a quote", "`> not a quote`"),
    ("ping @channel", "`ping @channel`"),
    ("AT&amp;T", "`AT&amp;T`"),
    ("`a` and `b` *x*", "`` `a` and `b` *x* ``"),  # padded: CommonMark strips one space
    ("back\\slash", "`back\\slash`"),
    ("~~gone~~", "`~~gone~~`"),
    ("[@click=app.quit]", "`[@click=app.quit]`"),
])
def test_text_that_could_mean_something_is_a_code_span(text: str, shown: str) -> None:
    assert md.inline(text) == shown


def test_control_characters_go_and_only_table_pipes_are_escaped() -> None:
    assert md.inline("ok\x1b[2J\x07 done") == "ok done"
    assert md.table(["A", "B"], [[md.inline("eve|x"), md.inline("*a* | b")]]) == [
        "| A | B |", "|---|---|", "| eve\\|x | `*a* \\| b` |"]


def test_a_note_of_several_lines_is_one_nested_item_per_line() -> None:
    assert md.note_item("09:30 alice", "Spike over.") == ["- 09:30 alice: Spike over."]
    assert md.note_item("09:30 alice", "Spike over.\n\n# not a heading | pipe\n") == [
        "- 09:30 alice:", "  - Spike over.", "  - `# not a heading | pipe`"]
