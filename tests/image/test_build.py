"""Where a failed build stopped, read from each builder's own output."""

from __future__ import annotations

from pathlib import Path

from bot.image.build import BuildRequest, build_command, locate_failure, mask_assignments
from bot.parsing.dockerfile import parse_dockerfile

LOGS = Path(__file__).parent / "logs"
DOCKERFILE = parse_dockerfile(
    "Dockerfile",
    "ARG BASE=bb:test\n"
    "FROM $BASE AS build\n"
    "ENV TOKEN=s3cret-value\n"
    "RUN echo one \\\n"
    "    && echo two\n"
    "FROM build AS test\n"
    "RUN exit 7\n"
    "FROM $BASE\n"
    "COPY --from=build /etc/passwd /p\n",
)


def test_classic_builder_step_numbers_count_global_args_and_earlier_stages() -> None:
    failure = locate_failure((LOGS / "classic_target_failure.txt").read_text(), DOCKERFILE, buildx=False)
    assert (failure.line, failure.end_line, failure.instruction) == (7, 7, "RUN exit 7")
    assert failure.reason == "the command exits with code 7"  # it printed nothing
    assert failure.log_tail[-1] == "The command '/bin/sh -c exit 7' returned a non-zero code: 7"
    assert failure.log_tail[0] == "Sending build context to Docker daemon  2.048kB"  # no deprecation notice
    assert not any("s3cret" in line for line in failure.log_tail)
    assert "Step 3/6 : ENV TOKEN=…" in failure.log_tail


def test_buildkit_location_line_wins() -> None:
    failure = locate_failure((LOGS / "buildkit_failure.txt").read_text(), DOCKERFILE, buildx=True)
    assert (failure.line, failure.instruction) == (7, "RUN exit 7")
    assert failure.reason == "the command exits with code 7"


def test_a_failed_command_is_explained_by_the_last_line_it_printed() -> None:
    classic = (
        "Step 6/8 : RUN exit 7\n ---> Running in 0a1b2c3d4e5f\nfetching\n/bin/sh: adduser: not found\n"
        "Removing intermediate container 0a1b2c3d4e5f\nThe command '/bin/sh -c exit 7' returned a non-zero code: 127\n"
    )
    buildkit = (
        '#6 [test 1/1] RUN exit 7\n#6 0.245 /bin/sh: adduser: not found\n#6 ERROR: process "/bin/sh -c exit 7" did'
        " not complete successfully: exit code: 127\n------\n > [test 1/1] RUN exit 7:\n0.201 fetching\n"
        "0.245 /bin/sh: adduser: not found\n------\nDockerfile:7\n--------------------\n   7 | >>> RUN exit 7\n"
        '--------------------\nERROR: failed to solve: process "/bin/sh -c exit 7" did not complete successfully:'
        " exit code: 127\n"
    )
    for log, buildx in ((classic, False), (buildkit, True)):
        failure = locate_failure(log, DOCKERFILE, buildx=buildx)
        assert (failure.line, failure.reason) == (7, "/bin/sh: adduser: not found (exit code 127)")


def test_buildkit_step_header_when_there_is_no_location() -> None:
    log = '#6 [build 2/3] RUN echo one     && echo two\n#6 ERROR: process "/bin/sh -c ..." did not complete\n'
    failure = locate_failure(log, DOCKERFILE, buildx=True)
    assert (failure.line, failure.end_line) == (4, 5)


def test_classic_parse_error_names_its_line() -> None:
    log = "Error response from daemon: dockerfile parse error line 2: unknown instruction: FROBNICATE\n"
    failure = locate_failure(log, DOCKERFILE, buildx=False)
    assert failure.line == 2
    assert "unknown instruction: FROBNICATE" in failure.reason


def test_mask_assignments_hides_values_of_env_arg_and_label() -> None:
    assert mask_assignments('Step 3/6 : ENV A=1 B="two words"') == "Step 3/6 : ENV A=… B=…"
    assert mask_assignments("   3 | >>> ARG TOKEN=abc") == "   3 | >>> ARG TOKEN=…"
    assert mask_assignments("Step 2/3 : ENV LEGACY some value") == "Step 2/3 : ENV LEGACY …"
    assert mask_assignments("Step 4/6 : RUN echo A=1") == "Step 4/6 : RUN echo A=1"


def test_build_command_is_an_argument_list_with_every_option() -> None:
    request = BuildRequest(
        Path("/w/Dockerfile"), Path("/w/ctx"), "t:1", "runtime", {"V": "1"}, "linux/arm64", "none", 60
    )
    classic = build_command(request, buildx=False, iidfile=Path("/tmp/iid"))
    assert classic[:2] == ["build", "--force-rm"]
    assert classic[-2:] == ["--", "/w/ctx"]
    for pair in (["--target", "runtime"], ["--build-arg", "V=1"], ["--platform", "linux/arm64"], ["--network", "none"]):
        assert any(classic[i : i + 2] == pair for i in range(len(classic)))
    assert build_command(request, buildx=True, iidfile=Path("/tmp/iid"))[:4] == [
        "buildx",
        "build",
        "--load",
        "--progress=plain",
    ]


def test_a_buildkit_error_chain_keeps_its_cause() -> None:
    log = (
        '#7 [build 2/3] COPY missing.txt /\n#7 ERROR: failed to calculate checksum of ref 9x::4y: "/missing.txt": not'
        " found\n------\n > [build 2/3] COPY missing.txt /:\n------\n"
        "ERROR: failed to solve: failed to compute cache key:"
        ' failed to calculate checksum of ref 9x::4y: "/missing.txt": not found\n'
    )
    failure = locate_failure(log, DOCKERFILE, buildx=True)
    assert failure.reason == 'failed to calculate checksum of ref 9x::4y: "/missing.txt": not found'
