import pytest

from tests.support.linting import fixed, lint


class TestAptRecommends:
    RULE = "DH103"

    def test_hit_with_suggestion_that_silences_the_rule(self) -> None:
        text = "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
        findings = lint(text, self.RULE)
        assert [f.line for f in findings] == [2]
        assert findings[0].suggestion is not None
        assert "apt-get install --no-install-recommends -y curl" in findings[0].suggestion.replacement
        assert lint(fixed(text, self.RULE), self.RULE) == []

    def test_miss(self) -> None:
        text = "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n"
        assert lint(text, self.RULE) == []

    def test_apt_config_option_counts_as_the_flag(self) -> None:
        text = "FROM debian:12\nRUN apt-get install -y -o APT::Install-Recommends=false curl\n"
        assert lint(text, self.RULE) == []

    def test_every_install_in_a_run_gets_the_flag(self) -> None:
        text = (
            "FROM debian:12\n"
            "RUN apt-get install -y curl \\\n"
            "    && apt-get install --no-install-recommends -y git \\\n"
            "    && apt-get -q install jq\n"
        )
        after = fixed(text, self.RULE)
        assert after.count("--no-install-recommends") == 3
        assert lint(after, self.RULE) == []

    def test_builder_stages_are_not_reported(self) -> None:
        text = "FROM debian:12 AS build\nRUN apt-get install -y gcc\nFROM debian:12\nCOPY --from=build /a /a\n"
        assert lint(text, self.RULE) == []

    def test_heredoc_run(self) -> None:
        text = "# syntax=docker/dockerfile:1\nFROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n"
        findings = lint(text, self.RULE)
        assert [f.line for f in findings] == [3]
        assert lint(fixed(text, self.RULE), self.RULE) == []


class TestAptLists:
    RULE = "DH104"

    def test_hit_with_suggestion_that_silences_the_rule(self) -> None:
        text = "FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl\n"
        findings = lint(text, self.RULE)
        assert [(f.line, f.end_line) for f in findings] == [(2, 3)]
        suggestion = findings[0].suggestion
        assert suggestion is not None
        assert suggestion.replacement.endswith("curl \\\n    && rm -rf /var/lib/apt/lists/*")
        assert lint(fixed(text, self.RULE), self.RULE) == []

    def test_single_line_run(self) -> None:
        text = "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n"
        assert lint(fixed(text, self.RULE), self.RULE) == []

    def test_heredoc_gets_a_line_before_the_terminator(self) -> None:
        text = (
            "FROM debian:12\nRUN <<EOF\nset -e\napt-get update\napt-get install -y --no-install-recommends curl\nEOF\n"
        )
        finding = lint(text, self.RULE)[0]
        assert finding.suggestion is not None
        assert finding.suggestion.replacement.endswith("curl\nrm -rf /var/lib/apt/lists/*\nEOF")
        assert lint(fixed(text, self.RULE), self.RULE) == []

    def test_miss_when_lists_are_removed(self) -> None:
        text = "FROM debian:12\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*\n"
        assert lint(text, self.RULE) == []

    def test_miss_with_a_cache_mount(self) -> None:
        text = (
            "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y x\n"
        )
        assert lint(text, self.RULE) == []

    def test_no_suggestion_when_the_last_line_ends_in_a_comment(self) -> None:
        text = "FROM debian:12\nRUN apt-get update && apt-get install -y x # tools\n"
        findings = lint(text, self.RULE)
        assert len(findings) == 1
        assert findings[0].suggestion is None


class TestPipCache:
    RULE = "DH105"

    @pytest.mark.parametrize(
        "command",
        ["pip install -r requirements.txt", "pip3 install flask", "python3 -m pip install flask", "pip3.12 install x"],
    )
    def test_hit_with_suggestion_that_silences_the_rule(self, command: str) -> None:
        text = f"FROM python:3.12\nRUN {command}\n"
        findings = lint(text, self.RULE)
        assert [f.line for f in findings] == [2]
        assert findings[0].suggestion is not None
        assert lint(fixed(text, self.RULE), self.RULE) == []

    def test_miss_with_the_flag(self) -> None:
        assert lint("FROM python:3.12\nRUN pip install --no-cache-dir flask\n", self.RULE) == []

    def test_miss_when_the_env_disables_the_cache(self) -> None:
        assert lint("FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n", self.RULE) == []

    def test_miss_with_a_cache_mount(self) -> None:
        text = "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n"
        assert lint(text, self.RULE) == []

    def test_uv_pip_is_not_pip(self) -> None:
        assert lint("FROM python:3.12\nRUN uv pip install flask\n", self.RULE) == []


def test_overlapping_suggestions_are_merged_into_one() -> None:
    text = "FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y curl\n"
    findings = {f.rule: f for f in lint(text)}
    combined = findings["DH103"].suggestion
    assert combined is not None
    assert findings["DH104"].suggestion is None
    assert "fixed by the suggestion on DH103" in findings["DH104"].message
    assert combined.replacement == (
        "RUN apt-get update \\\n    && apt-get install --no-install-recommends -y curl \\\n"
        "    && rm -rf /var/lib/apt/lists/*"
    )
