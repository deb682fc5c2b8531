from tests.support.checks import hits


def test_copy_from_a_misspelled_stage() -> None:
    text = "FROM golang:1.22 AS builder\nFROM alpine:3.20\nCOPY --from=biulder /out/app /app\n"
    found = hits("DH130", text)
    assert [f.line for f in found] == [3] and "`builder`" in found[0].message


def test_copy_from_itself_and_from_a_missing_index() -> None:
    text = "FROM alpine:3.20 AS app\nCOPY --from=app /a /b\nCOPY --from=5 /a /b\n"
    assert [f.line for f in hits("DH130", text)] == [2, 3]


def test_from_a_stage_defined_later() -> None:
    text = "FROM builder AS test\nFROM golang:1.22 AS builder\n"
    found = hits("DH130", text)
    assert [f.line for f in found] == [1] and "later" in found[0].message


def test_mount_from_a_misspelled_stage() -> None:
    text = "FROM node:20 AS deps\nFROM node:20\nRUN --mount=type=bind,from=dep,source=/n,target=/n ls\n"
    assert [f.line for f in hits("DH130", text)] == [3]


def test_images_and_real_stages_are_quiet() -> None:
    text = (
        "FROM golang:1.22 AS builder\n"
        "FROM alpine:3.20\n"
        "COPY --from=builder /a /a\n"
        "COPY --from=busybox:1.36 /bin/wget /wget\n"
        "COPY --from=0 /b /b\n"
    )
    assert hits("DH130", text) == []


def test_duplicate_stage_names() -> None:
    text = "FROM node:20 AS build\nFROM golang:1.22 AS Build\n"
    found = hits("DH131", text)
    assert [f.line for f in found] == [2] and "line 1" in found[0].message
    assert hits("DH131", "FROM node:20 AS web\nFROM golang:1.22 AS api\n") == []


def test_from_with_an_argument_no_global_arg_declares_is_always_empty() -> None:
    text = "FROM busybox:1.36 AS tools\nARG TAG\nFROM python:${TAG}-slim\n"
    (found,) = hits("DH144", text)  # the engine: "invalid reference format", with --build-arg TAG=3.12 too
    assert found.line == 3
    assert found.message.startswith("`FROM python:${TAG}-slim` uses `TAG`, which no ARG before the first FROM declares")


def test_from_arguments_that_are_declared_defaulted_or_the_builders_own() -> None:
    for text in (
        "ARG TAG=3.12\nFROM python:${TAG}-slim\n",
        "ARG TAG\nFROM python:${TAG}\n",  # declared: --build-arg gives it
        "FROM python:${TAG:-3.12}\n",
        "FROM --platform=$BUILDPLATFORM golang:1.22\n",
        "FROM ${TARGETARCH}/alpine:3.20\n",
    ):
        assert hits("DH144", text) == [], text
