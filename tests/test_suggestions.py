"""A suggestion is narrowed to the lines it changes, and makes the same edit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.model import Suggestion
from bot.suggestions import apply_suggestion, narrowed

TEXT = "FROM x\nRUN a \\\n  b \\\n  c\nUSER 1\n"
RUN = "RUN a \\\n  b \\\n  c"


def test_a_fix_to_the_first_line_of_a_run_is_a_one_line_suggestion() -> None:
    fixed = narrowed(Suggestion(2, 4, "RUN set -o pipefail && a \\\n  b \\\n  c", RUN))
    assert fixed == Suggestion(2, 2, "RUN set -o pipefail && a \\", "RUN a \\")


def test_added_lines_keep_one_line_of_the_original_to_hold_them() -> None:
    assert narrowed(Suggestion(2, 4, RUN + " \\\n  d", RUN)) == Suggestion(4, 4, "  c \\\n  d", "  c")
    assert narrowed(Suggestion(2, 4, "RUN z\n" + RUN, RUN)) == Suggestion(2, 2, "RUN z\nRUN a \\", "RUN a \\")


def test_a_removed_line_in_the_middle_is_a_deletion_of_that_line() -> None:
    assert narrowed(Suggestion(2, 4, "RUN a \\\n  c", RUN)) == Suggestion(3, 3, "", "  b \\")


def test_a_suggestion_without_its_original_text_stays_as_it_is() -> None:
    unknown = Suggestion(2, 4, "RUN a \\\n  b \\\n  d")
    assert narrowed(unknown) is unknown
    deleted = Suggestion(2, 4, "", RUN)
    assert narrowed(deleted) == deleted


lines = st.lists(st.sampled_from(["a", "b", "c", "", "RUN x \\"]), min_size=1, max_size=8)


@given(lines, st.data())
def test_the_narrowed_suggestion_makes_the_same_edit_within_the_same_lines(
    text_lines: list[str], data: st.DataObject
) -> None:
    start = data.draw(st.integers(1, len(text_lines)))
    end = data.draw(st.integers(start, len(text_lines)))
    replacement = data.draw(st.lists(st.sampled_from(["a", "b", "c", "", "RUN x \\"]), max_size=8))
    text = "\n".join(text_lines) + "\n"
    wide = Suggestion(start, end, "\n".join(replacement), "\n".join(text_lines[start - 1 : end]))
    narrow = narrowed(wide)
    assert apply_suggestion(text, narrow) == apply_suggestion(text, wide)
    assert wide.start <= narrow.start <= narrow.end <= wide.end
    assert narrow.original == "\n".join(text_lines[narrow.start - 1 : narrow.end])
