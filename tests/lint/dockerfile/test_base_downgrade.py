"""DH135: a base image going down a version, between the base and head versions of a Dockerfile."""

from __future__ import annotations

from bot.model import Finding
from tests.support.checks import review
from tests.support.gitrepo import GitRepoFactory

SEED_002 = "FROM python:{builder}-slim AS builder\nRUN pip wheel -w /w flask\nFROM python:{runtime}-slim\nUSER 1000\n"


def downgrades(make_repo: GitRepoFactory, base: str, head: str) -> list[Finding]:
    repo = make_repo({"Dockerfile": base}, {"Dockerfile": head})
    return [f for f in review(repo).findings if f.rule == "DH135"]


def test_hit_the_seed_002_builder_moved_back_a_python_version(make_repo: GitRepoFactory) -> None:
    base = SEED_002.format(builder="3.12", runtime="3.12")
    head = SEED_002.format(builder="3.11", runtime="3.12")
    (finding,) = downgrades(make_repo, base, head)
    assert (finding.line, finding.in_diff, finding.new) == (1, True, True)
    assert finding.message == "`python` goes down from 3.12-slim to 3.11-slim (stage `builder`)"


def test_hit_stages_matched_by_name_then_position_and_arg_defaults(make_repo: GitRepoFactory) -> None:
    base = "ARG NODE=20\nFROM node:${NODE}-alpine AS deps\nFROM node:20-alpine\n"
    head = "ARG NODE=18\nFROM node:22-alpine\nFROM node:${NODE}-alpine AS deps\n"  # stages swapped
    found = downgrades(make_repo, base, head)
    assert [(f.line, f.message) for f in found] == [(3, "`node` goes down from 20-alpine to 18-alpine (stage `deps`)")]


def test_miss_upgrades_floating_tags_unversioned_tags_other_images_and_new_files(make_repo: GitRepoFactory) -> None:
    cases = [
        ("FROM python:3.11-slim\n", "FROM python:3.12-slim\n"),  # an upgrade
        ("FROM python:3.12.8-slim\n", "FROM python:3.12-slim\n"),  # 3.12 floats to the newest 3.12.x
        ("FROM debian:bookworm\n", "FROM debian:bullseye\n"),  # codenames are not versions
        ("FROM node:20\n", "FROM python:3.11\n"),  # another image
        ("FROM python:3.12\n", "FROM ghcr.io/acme/python:3.11\n"),  # another repository
    ]
    for base, head in cases:
        assert downgrades(make_repo, base, head) == [], (base, head)
    new_file = make_repo({"README.md": "x\n"}, {"Dockerfile": "FROM python:3.11\n"})
    assert [f for f in review(new_file).findings if f.rule == "DH135"] == []


def test_switched_off_by_an_ignore_comment(make_repo: GitRepoFactory) -> None:
    head = "# dockhand ignore=DH135 wheels for pyarrow stop at 3.11\nFROM python:3.11-slim\n"
    assert downgrades(make_repo, "FROM python:3.12-slim\n", head) == []
