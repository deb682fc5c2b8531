"""DH201 plaintext secrets and DH202 default credentials in a Compose file.

Values are never put in a message or a suggestion's `original`: the finding names the variable
or flag, and `original` shows the line with the value masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.lint.compose.project import env_file_paths
from bot.lint.compose.subject import ComposeReview
from bot.lint.context import LintContext
from bot.lint.credentials import command_credentials, is_weak, split_words
from bot.model import Severity, Suggestion
from bot.parsing.compose import EnvVar, Service, parse_compose, scalar_text
from bot.parsing.envfile import read_env_file
from bot.parsing.interpolation import is_literal, literal_defaults, unescape
from bot.parsing.yamllines import item_line
from bot.rule import Hit, rule
from bot.secrets import is_literal_value, is_secret_name, url_password
from bot.suggestions import apply_suggestion

MASK = "******"
_EXAMPLE_FILE = re.compile(r"(example|sample|template|dist|defaults?)", re.IGNORECASE)
"""Env files meant to be copied and filled in, whose values are placeholders."""
_FILE_VARIABLES = {
    "postgres": re.compile(r"^POSTGRES_(PASSWORD|USER|DB|INITDB_ARGS)$"),
    "mysql": re.compile(r"^MYSQL_(ROOT_PASSWORD|PASSWORD|USER|DATABASE)$"),
    "mariadb": re.compile(r"^(MARIADB|MYSQL)_(ROOT_PASSWORD|PASSWORD|USER|DATABASE)$"),
    "mongo": re.compile(r"^MONGO_INITDB_ROOT_(USERNAME|PASSWORD)$"),
}


@dataclass(frozen=True)
class Credential:
    """A credential-looking setting of a service; `value` stays inside the rules."""

    where: str
    """How the finding names it: "`POSTGRES_PASSWORD`", "`--requirepass` in `command`"."""
    value: str
    line: int
    literal: bool
    env: EnvVar | None = None
    in_url: bool = False


@rule("DH201", "compose-plaintext-secret", Severity.HIGH, "A secret is written in plain text in the Compose file")
def plaintext_secret(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Finds credentials written as literal values: `environment` entries (mapping and list
    syntax) and build `args` whose name says password, secret, token or key, passwords
    embedded in URLs (`postgres://app:pw@db/app`), and `command`, `entrypoint` and health check
    arguments such as `--requirepass X`, `--password=X`, `redis-cli -a X` or `mysql -pX`
    (inside `sh -c` scripts too). A value taken from the environment (`${DB_PASSWORD}`,
    `$$DB_PASSWORD` for the container's shell), a `*_FILE` path and a `secrets:` reference
    are not literals and are not reported. An `env_file:` committed to the repository with such
    a variable in it is reported on the `env_file:` line (files named like `.env.example` or
    `*.template`, meant to be copied and filled in, are not). The value is never shown, in the
    report or anywhere.

    ## Why it matters
    Whatever is in the file is in the repository's history for good, visible to everyone who
    can clone it, and in `docker inspect` of every container. Build args are worse: they are
    stored in the image's history for anyone who pulls it.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16
        environment:
          POSTGRES_PASSWORD: s3cr3t-value
    ```

    ## Fix
    Use a Docker secret and the image's `_FILE` variable, which reads the value from a file
    mounted under `/run/secrets/` (when the service already lists a matching secret, the
    suggestion makes this change):
    ```yaml
    services:
      db:
        image: postgres:16
        environment:
          POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password
        secrets: [postgres_password]
    secrets:
      postgres_password:
        file: ./secrets/postgres_password.txt
    ```
    Or take it from the environment: `POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}`.
    An env file with real values belongs outside git: remove it from the repository (`git rm
    --cached`), list it in `.gitignore`, rotate the values it held, and commit a `.env.example`
    with placeholders instead.
    """
    for service in review.services:
        for credential in credentials(service):
            if not credential.literal or is_weak(credential.value, _user_of(service, credential)):
                continue
            if not is_literal_value(credential.value):
                continue
            kind = "a password in a URL" if credential.in_url else "a literal value"
            message = f"service `{service.name}`: {credential.where} has {kind} in the file (value not shown)"
            yield Hit(credential.line, message, suggestion=_file_suggestion(review, service, credential))
        yield from _committed_env_file_secrets(review, service)


def _committed_env_file_secrets(review: ComposeReview, service: Service) -> Iterator[Hit]:
    """An `env_file:` committed with secrets in it: reported on the `env_file:` line that uses it."""
    for path, line in env_file_paths(service, review.file.base_dir):
        text = review.project.env_files.get(path)
        if text is None or _EXAMPLE_FILE.search(path.rsplit("/", 1)[-1]):
            continue
        names = list(
            dict.fromkeys(
                a.name
                for a in read_env_file(text)
                if is_secret_name(a.name) and is_literal_value(a.value) and not is_weak(a.value)
            )
        )
        if names:
            more = f" and {len(names) - 3} more" if len(names) > 3 else ""
            shown = ", ".join(f"`{name}`" for name in names[:3]) + more
            yield Hit(
                line,
                f"service `{service.name}`: `env_file` `{path}` is committed to the repository with {shown} "
                "in plain text (values not shown)",
            )


@rule("DH202", "compose-default-credentials", Severity.HIGH, "A credential is a well-known default or guessable")
def default_credentials(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports credentials whose value is a well-known default or a placeholder: `admin`,
    `postgres`, `changeme`, `guest`, values containing `change_in_production`, and a password
    equal to its user name (`admin`/`admin`). It also checks the fallback of an interpolated
    value, `${DB_PASSWORD:-postgres}`, which is what runs whenever the variable is not set.

    ## Why it matters
    Default credentials are the first thing scanners try. A Grafana at `admin`/`admin` or a
    database at `postgres`/`postgres` with a published port is open to anyone who can reach
    the host, and placeholders such as `secure_password_change_in_production` reach
    production because nothing fails when nobody changes them.

    ## Example
    ```yaml
    services:
      grafana:
        image: grafana/grafana:11.1.0
        environment:
          GF_SECURITY_ADMIN_PASSWORD: admin
    ```

    ## Fix
    Generate a strong value, keep it out of the file (a Docker secret or an environment
    variable) and make Compose fail when it is missing rather than fall back to a default:
    ```yaml
        environment:
          GF_SECURITY_ADMIN_PASSWORD__FILE: /run/secrets/grafana_admin_password
    ```
    """
    for service in review.services:
        for credential in credentials(service):
            user = _user_of(service, credential)
            if credential.literal and is_weak(credential.value, user):
                reason = "equals the user name" if _is_user(credential.value, user) else "is a well-known default"
                yield Hit(credential.line, f"service `{service.name}`: {credential.where} {reason}")
            elif not credential.literal and any(is_weak(d, user) for d in literal_defaults(credential.value)):
                message = f"service `{service.name}`: {credential.where} falls back to a well-known default when unset"
                yield Hit(credential.line, message)


def credentials(service: Service) -> Iterator[Credential]:
    """Every credential-looking setting of the service: environment, build args, command lines."""
    for env in service.environment:
        yield from _from_pair(env.name, env.value, env.line, f"`{env.name}`", env)
    if service.build is not None:
        for arg in service.build.args:
            yield from _from_pair(arg.name, arg.value, arg.line, f"build argument `{arg.name}`", None)
    for key in ("command", "entrypoint"):
        for words, line in _command_lines(service, key):
            for flag, value in command_credentials(words):
                yield Credential(f"`{flag}` in `{key}`", unescape(value), line, is_literal(value))
    healthcheck = service.healthcheck
    if healthcheck is not None and healthcheck.test is not None:
        test = healthcheck.test
        words = split_words(test if isinstance(test, str) else " ".join(test[1:]))
        for flag, value in command_credentials(words):
            yield Credential(f"`{flag}` in the health check", unescape(value), healthcheck.test_line, is_literal(value))


def _from_pair(name: str, value: str | None, line: int, where: str, env: EnvVar | None) -> Iterator[Credential]:
    if value is None:
        return
    literal = is_literal(value)
    if is_secret_name(name):
        yield Credential(where, unescape(value) if literal else value, line, literal, env)
        return
    found = url_password(value)
    if found is not None and "$" not in found[1]:
        yield Credential(where, found[1], line, literal, env, in_url=True)


def _command_lines(service: Service, key: str) -> Iterator[tuple[list[str], int]]:
    value = service.get(key)
    line = service.value_line(key)
    if isinstance(value, list):
        words = [scalar_text(item) or "" for item in value]
        lines = [item_line(value, index) or line for index in range(len(value))]
        for index, word in enumerate(words):
            if word.count(" ") and index > 0 and words[index - 1] == "-c":
                yield [*words[index - 2 : index], word], lines[index]
        yield words, lines[0] if lines else line
    elif isinstance(value, str):
        yield split_words(value), line


def _user_of(service: Service, credential: Credential) -> str | None:
    """The user name that goes with a password variable (`POSTGRES_USER` for `POSTGRES_PASSWORD`)."""
    if credential.env is None:
        return None
    name = credential.env.name.upper()
    candidates = {re.sub(r"PASS(WORD|WD)?", replacement, name) for replacement in ("USER", "USERNAME")}
    for env in service.environment:
        if env.name.upper() in candidates - {name} and env.value is not None and is_literal(env.value):
            return env.value
    if name == "MYSQL_ROOT_PASSWORD" or name == "MARIADB_ROOT_PASSWORD":
        return "root"
    return None


def _is_user(value: str, user: str | None) -> bool:
    return user is not None and value.strip().lower() == user.strip().lower()


def _file_suggestion(review: ComposeReview, service: Service, credential: Credential) -> Suggestion | None:
    """`NAME_FILE: /run/secrets/<secret>` when the image reads `_FILE` and the secret is mounted."""
    env = credential.env
    if env is None or credential.in_url or not _image_reads_file_variable(service.image or "", env.name):
        return None
    secret = _mounted_secret(review.whole(service), env.name.lower())
    if secret is None or secret not in review.project.definitions.get("secrets", frozenset()):
        return None
    text = review.file.lines[env.line - 1] if 0 < env.line <= len(review.file.lines) else ""
    name = re.escape(env.name)
    if env.list_syntax:
        match = re.match(rf"^(\s*-\s*['\"]?){name}=.*?(['\"]?)\s*$", text)
        new, masked = f"{env.name}_FILE=/run/secrets/{secret}", f"{env.name}={MASK}"
    else:
        match = re.match(rf"^(\s*['\"]?){name}(['\"]?\s*:)(\s*).*$", text)
        new, masked = f"{env.name}_FILE", env.name
    if match is None:
        return None
    if env.list_syntax:
        suggestion = Suggestion(
            env.line, env.line, f"{match.group(1)}{new}{match.group(2)}", f"{match.group(1)}{masked}{match.group(2)}"
        )
    else:
        head, colon = match.group(1), match.group(2)
        replacement = f"{head}{new}{colon} /run/secrets/{secret}"
        suggestion = Suggestion(env.line, env.line, replacement, f"{head}{masked}{colon} {MASK}")
    return suggestion if _fixes(review, service.name, env.name, suggestion) else None


def _fixes(review: ComposeReview, service_name: str, name: str, suggestion: Suggestion) -> bool:
    """The edited file still parses and the service reads the variable from the secret file."""
    fixed = parse_compose(review.file.path, apply_suggestion("\n".join(review.file.lines) + "\n", suggestion))
    service = fixed.service(service_name)
    if fixed.problems or service is None:
        return False
    names = {env.name: env.value for env in service.environment}
    return name not in names and (names.get(f"{name}_FILE") or "").startswith("/run/secrets/")


def _image_reads_file_variable(image: str, name: str) -> bool:
    repository = image.split("@", 1)[0].rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
    base = repository.rsplit("/", 1)[-1]
    official = repository.count("/") == 0 or repository.startswith(("library/", "docker.io/library/"))
    pattern = _FILE_VARIABLES.get(base)
    return official and pattern is not None and bool(pattern.match(name))


def _mounted_secret(service: Service, wanted: str) -> str | None:
    value = service.get("secrets")
    if not isinstance(value, list):
        return None
    for item in value:
        source = scalar_text(item.get("source")) if isinstance(item, dict) else scalar_text(item)
        target = scalar_text(item.get("target")) if isinstance(item, dict) else None
        if source == wanted and target in (None, wanted):
            return source
    return None
