import io

import pytest
from ruamel.yaml.error import MarkedYAMLError

from bot.parsing.yamlbounds import LimitExceeded, YamlRefused, bounded_yaml, is_depth_error, load_yaml


def bomb(levels: int, width: int = 10) -> str:
    lines = ['a0: &a0 ["x"]'] + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * width)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_aliases_count_what_they_would_expand_to() -> None:
    text = bomb(3)  # aliases add 10 x 2 nodes on line 2, then 21 each on line 3
    assert bounded_yaml(max_alias_nodes=10_000).load(io.StringIO(text))["a2"][0][0] == ["x"]
    with pytest.raises(LimitExceeded) as raised:
        bounded_yaml(max_alias_nodes=100).load(io.StringIO(text))
    assert raised.value.problem_mark is not None and raised.value.problem_mark.line + 1 == 3


def test_a_large_document_without_aliases_is_not_limited_by_the_alias_count() -> None:
    text = "".join(f"k{n}: [1, 2, 3]\n" for n in range(20_000))
    assert len(bounded_yaml(max_alias_nodes=1_000).load(io.StringIO(text))) == 20_000


def test_a_billion_laughs_is_refused_before_it_is_expanded() -> None:
    with pytest.raises(LimitExceeded) as raised:
        bounded_yaml(max_alias_nodes=100_000, kind="lock file").load(io.StringIO(bomb(12) + "z: *a11\n"))
    assert "alias bomb, or a document far larger than a lock file" in str(raised.value.problem)


def test_depth_is_refused_with_its_own_error() -> None:
    with pytest.raises(MarkedYAMLError) as raised:
        bounded_yaml(max_depth=10).load(io.StringIO("a: " + "[" * 50 + "]" * 50 + "\n"))
    assert is_depth_error(raised.value)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("? " * 40 + "\n", 1),  # nested complex keys: ruamel.yaml takes minutes to hash 16 of them
        ("services:\n  ? {a: [1]}\n  : x\n", 2),
        ("a: 1\n? [b, c]\n: 2\n", 2),
    ],
)
def test_complex_keys_are_refused_at_their_line_before_anything_is_built(text: str, line: int) -> None:
    with pytest.raises(YamlRefused) as raised:
        load_yaml(text, "Compose file")
    assert (raised.value.line, raised.value.limit) == (line, False)
    assert raised.value.message == (
        "not valid YAML here: a mapping key that is itself a mapping or a list is not supported"
    )


def test_plain_complex_keys_and_merge_keys_still_load() -> None:
    [data] = load_yaml("base: &b {x: 1}\nsvc:\n  <<: *b\n  ? plain\n  : 2\n", "Compose file")
    assert data["svc"]["x"] == 1 and data["svc"]["plain"] == 2
