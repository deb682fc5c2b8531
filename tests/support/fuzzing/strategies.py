"""Hypothesis strategies for hostile inputs: seeds mutated by a drawn `Random` (shrinkable), and
token soups drawn token by token from the format's own vocabulary and hostile strings."""

from __future__ import annotations

from hypothesis import strategies as st

from tests.support.fuzzing.mutate import HOSTILE_STRINGS, SYNTAX, TOKENS, as_file_text, generate
from tests.support.fuzzing.seeds import seeds


def mutated_seeds(target: str) -> st.SearchStrategy[str]:
    """A real file of the target's format, changed by the fuzz harness's mutations."""
    return st.randoms(use_true_random=False).map(lambda rng: generate(target, rng, seeds(target)))


def token_soups(target: str) -> st.SearchStrategy[str]:
    """Text made of the format's tokens, hostile strings and arbitrary characters."""
    pieces = st.one_of(
        st.sampled_from(TOKENS[SYNTAX[target]]),
        st.sampled_from(HOSTILE_STRINGS).map(lambda s: s[:300]),
        st.text(max_size=20),
    )
    return st.lists(pieces, max_size=60).map(
        lambda parts: as_file_text("".join(parts).encode("utf-8", "surrogatepass"))
    )


def hostile_texts(target: str) -> st.SearchStrategy[str]:
    return st.one_of(mutated_seeds(target), token_soups(target))


def hostile_pair(target: str) -> st.SearchStrategy[tuple[str, str]]:
    """(head, base): two hostile versions of one file, for parsers whose output is diffed."""
    return st.tuples(hostile_texts(target), hostile_texts(target))
