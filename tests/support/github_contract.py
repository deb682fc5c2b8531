"""GitHub's REST contract (the official OpenAPI description, as JSON Schema) for the fake server.

Every request the fake receives and every response it sends is checked against the operation's
schemas; a mismatch is recorded as a violation and fails the test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

CONTRACT_DIR = Path(__file__).parent / "github_openapi"


@dataclass(frozen=True)
class Operation:
    key: str
    """"METHOD /path/{template}" as the description names it."""
    spec: dict[str, Any]
    params: dict[str, str]


class Contract:
    def __init__(self) -> None:
        doc = json.loads((CONTRACT_DIR / "subset.jsonschema.json").read_text(encoding="utf-8"))
        extra = json.loads((CONTRACT_DIR / "extra-operations.json").read_text(encoding="utf-8"))
        self.defs: dict[str, Any] = doc["$defs"]
        self.operations: dict[str, dict[str, Any]] = {**doc["operations"], **extra["operations"]}
        self._routes = [(key, _template_regex(key)) for key in self.operations]
        self._validators: dict[tuple[int, bool], Draft202012Validator] = {}

    def match(self, method: str, path: str) -> Operation | None:
        for key, (verb, regex) in self._routes:
            if verb == method:
                found = regex.fullmatch(path)
                if found:
                    return Operation(key, self.operations[key], found.groupdict())
        return None

    def request_problems(self, operation: Operation, query: dict[str, str], body: Any) -> list[str]:
        problems = []
        for param in operation.spec.get("parameters", []):
            value = (operation.params if param["in"] == "path" else query).get(param["name"])
            if value is None:
                if param.get("required"):
                    problems.append(f"missing parameter {param['name']}")
                continue
            kind = param.get("schema", {}).get("type")
            if kind == "integer" and not re.fullmatch(r"-?\d+", value):
                problems.append(f"parameter {param['name']}={value!r} is not an integer")
            enum = param.get("schema", {}).get("enum")
            if enum and value not in enum:
                problems.append(f"parameter {param['name']}={value!r} not one of {enum}")
        request = operation.spec.get("requestBody")
        if request is None:
            if body is not None:
                problems.append("a body was sent to an operation that takes none")
            return problems
        if body is None:
            if request.get("required"):
                problems.append("the request body is required")
            return problems
        schema = request["content"]["application/json"]
        problems.extend(self._problems(schema, body, formats=True))
        return problems

    def response_problems(self, operation: Operation, status: int, body: Any, headers: dict[str, str]) -> list[str]:
        response = operation.spec["responses"].get(str(status))
        if response is None:
            if status < 400:
                return [f"status {status} is not a documented response of {operation.key}"]
            schema: Any = {"$ref": "#/$defs/basic-error"}
        else:
            for header in response.get("headers", []):
                if header.lower() not in {h.lower() for h in headers} and header != "Link":
                    return [f"response header {header} missing"]
            schema = response.get("content", {}).get("application/json")
        if schema is None:
            return [] if body is None else [f"status {status} of {operation.key} has no body"]
        return self._problems(schema, body, formats=False)

    def _problems(self, schema: Any, value: Any, formats: bool) -> list[str]:
        key = (id(schema), formats)
        validator = self._validators.get(key)
        if validator is None:
            validator = Draft202012Validator(
                {**schema, "$defs": self.defs}, format_checker=FormatChecker() if formats else None
            )
            self._validators[key] = validator
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}"
            for e in validator.iter_errors(value)
        ]


def _template_regex(key: str) -> tuple[str, re.Pattern[str]]:
    method, template = key.split(" ", 1)
    pattern = re.sub(r"\\\{(\w+)\\\}", lambda m: f"(?P<{m.group(1)}>[^/]+)", re.escape(template))
    return method, re.compile(pattern)


def observed_review_422() -> dict[str, Any]:
    """A real 422 body GitHub sends for a review comment outside the diff."""
    data = json.loads((CONTRACT_DIR / "observed-errors.json").read_text(encoding="utf-8"))
    return dict(data["create_review_422"][1]["body"])


def event_template(name: str) -> dict[str, Any]:
    return dict(json.loads((CONTRACT_DIR / "events" / f"{name}.json").read_text(encoding="utf-8")))
