"""Steps matched by instruction text first, position second."""

from __future__ import annotations

from bot.image.compare import compare_steps
from bot.image.history import Step


def step(text: str, size: int, line: int) -> Step:
    return Step(text.split()[0], text, line, line, (line,), size, size // 2, key=text.lower())


def test_equal_changed_added_and_removed_steps() -> None:
    base = [step("FROM a", 10, 1), step("RUN x", 5, 2), step("RUN old", 7, 3), step("COPY . /", 1, 4)]
    head = [step("FROM a", 10, 1), step("RUN new", 9, 2), step("COPY . /", 3, 3), step("RUN added", 4, 4)]
    deltas = compare_steps(base, head)
    summary = [(d.status, d.text, d.delta) for d in deltas]
    assert summary == [
        ("same", "FROM a", 0),
        ("changed", "RUN new", 4),
        ("removed", "RUN old", -7),
        ("same", "COPY . /", 2),
        ("added", "RUN added", 4),
    ]


def test_a_moved_instruction_is_matched_by_its_text() -> None:
    base = [step("FROM a", 1, 1), step("RUN big", 50, 2), step("RUN small", 1, 3)]
    head = [step("FROM a", 1, 1), step("RUN small", 1, 2), step("RUN big", 50, 3)]
    assert sum(d.delta for d in compare_steps(base, head)) == 0
