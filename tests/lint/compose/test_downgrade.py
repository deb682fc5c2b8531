"""DH219: a service's image going down a version between the base and head Compose file."""

from __future__ import annotations

from bot.model import Finding
from tests.support.checks import review
from tests.support.gitrepo import GitRepoFactory

COMPOSE = "services:\n  db:\n    image: {db}\n  cache:\n    image: {cache}\n"


def downgrades(make_repo: GitRepoFactory, base: str, head: str) -> list[Finding]:
    repo = make_repo({"compose.yaml": base}, {"compose.yaml": head})
    return [f for f in review(repo).findings if f.rule == "DH219"]


def test_hit_a_datastore_and_a_cache_going_back(make_repo: GitRepoFactory) -> None:
    base = COMPOSE.format(db="postgres:16.4-alpine", cache="redis:7.4")
    head = COMPOSE.format(db="postgres:15.8-alpine", cache="${CACHE_IMAGE:-redis:7.2}")
    found = downgrades(make_repo, base, head)
    assert [(f.line, f.message, f.in_diff) for f in found] == [
        (3, "service `db`: `postgres` goes down from 16.4-alpine to 15.8-alpine", True),
        (5, "service `cache`: `redis` goes down from 7.4 to 7.2", True),
    ]


def test_miss_upgrades_other_images_unset_variables_and_new_services(make_repo: GitRepoFactory) -> None:
    base = COMPOSE.format(db="postgres:15", cache="redis:7.4")
    for head in (
        COMPOSE.format(db="postgres:16", cache="redis:7"),  # an upgrade; 7 floats to the newest 7.x
        COMPOSE.format(db="mariadb:11", cache="valkey/valkey:7.2"),  # other images
        COMPOSE.format(db="postgres:${PG_TAG}", cache="redis:7.4"),  # a tag from a variable without default
        "services:\n  store:\n    image: postgres:14\n",  # not the same service
    ):
        assert downgrades(make_repo, base, head) == [], head
