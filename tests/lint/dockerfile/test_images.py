from bot.config import Config
from tests.support.checks import hits


def test_latest_and_missing_tags() -> None:
    text = "FROM node\nFROM python:latest\nFROM alpine:3.20\n"
    assert [f.line for f in hits("DH116", text)] == [1, 2]


def test_arg_values_are_resolved_in_from() -> None:
    text = "ARG PYTHON=3.12\nFROM python:${PYTHON}-slim\n"
    assert hits("DH116", text) == []
    (latest,) = hits("DH116", "ARG TAG=latest\nFROM python:$TAG\n")
    assert latest.message.startswith("`python:latest`")


def test_an_unset_arg_is_not_judged() -> None:
    assert hits("DH116", "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n") == []


def test_stage_names_and_scratch_are_not_images() -> None:
    text = "FROM golang:1.22 AS build\nFROM build AS test\nFROM scratch\nCOPY --from=build /a /a\n"
    assert hits("DH116", text) == []


def test_digest_pin() -> None:
    assert [f.line for f in hits("DH118", "FROM python:3.12-slim\n")] == [1]
    assert hits("DH118", "FROM python:3.12-slim@sha256:" + "a" * 64 + "\n") == []


def test_trusted_registries() -> None:
    config = Config(trusted_registries=("registry.example.com", "*.corp.example"))
    text = (
        "FROM registry.example.com/python:3.12\n"
        "FROM mirror.corp.example/node:20\n"
        "FROM python:3.12\n"
        "COPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/uv\n"
    )
    found = hits("DH117", text, config=config)
    assert [f.line for f in found] == [3, 4]
    assert "docker.io" in found[0].message


def test_no_trusted_registries_configured_is_quiet() -> None:
    assert hits("DH117", "FROM quay.io/x/y:1\n") == []
