"""What makes a parsed YAML document not a valid Compose file, at the offending line.

A hand-written subset of the Compose Specification's JSON schema: the keys Compose knows (an
unknown key fails `docker compose config`), the shape of every value (mapping, list, scalar,
either), and the enumerations users get wrong. Value checks stop at shapes: an int where a
string is expected is left alone, because interpolation makes both legal in practice.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from bot.parsing.yamllines import item_line, key_line, line_or

TOP_LEVEL_KEYS = ("version", "name", "include", "services", "models", "networks", "volumes", "secrets", "configs")
NAMED_SECTIONS = ("networks", "volumes", "secrets", "configs", "models")

# Shapes: "scalar", "list", "mapping", "list_or_dict", "string_or_list", "scalar_or_mapping",
# "list_or_mapping", "mapping_or_null".
SERVICE_KEYS: dict[str, str] = {
    "annotations": "list_or_dict",
    "attach": "scalar",
    "blkio_config": "mapping",
    "build": "scalar_or_mapping",
    "cap_add": "list",
    "cap_drop": "list",
    "cgroup": "scalar",
    "cgroup_parent": "scalar",
    "command": "string_or_list",
    "configs": "list",
    "container_name": "scalar",
    "cpu_count": "scalar",
    "cpu_percent": "scalar",
    "cpu_period": "scalar",
    "cpu_quota": "scalar",
    "cpu_rt_period": "scalar",
    "cpu_rt_runtime": "scalar",
    "cpu_shares": "scalar",
    "cpus": "scalar",
    "cpuset": "scalar",
    "credential_spec": "mapping",
    "depends_on": "list_or_mapping",
    "deploy": "mapping_or_null",
    "develop": "mapping_or_null",
    "device_cgroup_rules": "list",
    "devices": "list",
    "dns": "string_or_list",
    "dns_opt": "list",
    "dns_search": "string_or_list",
    "domainname": "scalar",
    "entrypoint": "string_or_list",
    "env_file": "string_or_list",
    "environment": "list_or_dict",
    "expose": "list",
    "extends": "scalar_or_mapping",
    "external_links": "list",
    "extra_hosts": "list_or_dict",
    "gpus": "string_or_list",
    "group_add": "list",
    "healthcheck": "mapping",
    "hostname": "scalar",
    "image": "scalar",
    "init": "scalar",
    "ipc": "scalar",
    "isolation": "scalar",
    "label_file": "string_or_list",
    "labels": "list_or_dict",
    "links": "list",
    "logging": "mapping",
    "mac_address": "scalar",
    "mem_limit": "scalar",
    "mem_reservation": "scalar",
    "mem_swappiness": "scalar",
    "memswap_limit": "scalar",
    "models": "list_or_mapping",
    "network_mode": "scalar",
    "networks": "list_or_mapping",
    "oom_kill_disable": "scalar",
    "oom_score_adj": "scalar",
    "pid": "scalar_or_null",
    "pids_limit": "scalar",
    "platform": "scalar",
    "ports": "list",
    "post_start": "list",
    "pre_stop": "list",
    "privileged": "scalar",
    "profiles": "list",
    "provider": "mapping",
    "pull_policy": "scalar",
    "pull_refresh_after": "scalar",
    "read_only": "scalar",
    "restart": "scalar",
    "runtime": "scalar",
    "scale": "scalar",
    "secrets": "list",
    "security_opt": "list",
    "shm_size": "scalar",
    "stdin_open": "scalar",
    "stop_grace_period": "scalar",
    "stop_signal": "scalar",
    "storage_opt": "mapping",
    "sysctls": "list_or_dict",
    "tmpfs": "string_or_list",
    "tty": "scalar",
    "ulimits": "mapping",
    "use_api_socket": "scalar",
    "user": "scalar",
    "userns_mode": "scalar",
    "uts": "scalar",
    "volumes": "list",
    "volumes_from": "list",
    "working_dir": "scalar",
}
HEALTHCHECK_KEYS = ("test", "interval", "timeout", "retries", "start_period", "start_interval", "disable")
DEPENDENCY_CONDITIONS = ("service_started", "service_healthy", "service_completed_successfully")
_RESTART = re.compile(r"^(?:no|always|unless-stopped|on-failure(?::\d+)?)$")
_NAME = re.compile(r"^[a-zA-Z0-9._-]+$")
_SHAPE_WORDS = {
    "scalar": "a single value",
    "scalar_or_null": "a single value",
    "list": "a list",
    "mapping": "a mapping",
    "mapping_or_null": "a mapping",
    "list_or_dict": "a mapping or a list of NAME=value",
    "string_or_list": "a string or a list",
    "scalar_or_mapping": "a string or a mapping",
    "list_or_mapping": "a list or a mapping",
}

Problem = tuple[int, str]


def validate_compose(data: Any) -> list[Problem]:
    """Problems as (line, message); an empty file (None) is valid."""
    if data is None:
        return []
    if not isinstance(data, dict):
        return [(1, "the top level of a Compose file must be a mapping")]
    problems: list[Problem] = []
    for key in data:
        text = str(key)
        if text not in TOP_LEVEL_KEYS and not text.startswith("x-"):
            problems.append((_line(data, key), f"unknown top-level key {text!r}{did_you_mean(text, TOP_LEVEL_KEYS)}"))
    services = data.get("services")
    if services is not None and not isinstance(services, dict):
        problems.append((_line(data, "services"), "'services' must be a mapping of service names to services"))
    elif isinstance(services, dict):
        for name, service in services.items():
            problems.extend(_service_problems(services, name, service))
    for section in NAMED_SECTIONS:
        value = data.get(section)
        if value is not None and not isinstance(value, dict):
            problems.append((_line(data, section), f"'{section}' must be a mapping of names to definitions"))
        elif isinstance(value, dict):
            for name, entry in value.items():
                if entry is not None and not isinstance(entry, dict):
                    problems.append((_line(value, name), f"{section}.{name} must be a mapping (or empty)"))
    include = data.get("include")
    if include is not None and not isinstance(include, list):
        problems.append((_line(data, "include"), "'include' must be a list of files"))
    return sorted(problems)


def _service_problems(services: Any, name: Any, service: Any) -> Iterator[Problem]:
    where = f"services.{name}"
    if not _NAME.match(str(name)):
        yield _line(services, name), f"{where}: a service name may only hold letters, digits, '.', '_' and '-'"
    if service is None:
        return
    if not isinstance(service, dict):
        yield _line(services, name), f"{where} must be a mapping of settings"
        return
    for key, value in service.items():
        text = str(key)
        if text.startswith("x-"):
            continue
        shape = SERVICE_KEYS.get(text)
        if shape is None:
            yield _line(service, key), f"{where}: unknown key {text!r}{did_you_mean(text, tuple(SERVICE_KEYS))}"
            continue
        if not fits(shape, value):
            yield _line(service, key), f"{where}.{text} must be {_SHAPE_WORDS[shape]}"
            continue
        yield from _value_problems(service, key, value, f"{where}.{text}")


def _value_problems(service: Any, key: Any, value: Any, where: str) -> Iterator[Problem]:
    if key in ("environment", "labels", "annotations", "sysctls", "extra_hosts") and isinstance(value, dict):
        for name, item in value.items():
            if isinstance(item, dict | list):
                yield _line(value, name), f"{where}.{name} must be a single value, not a {_kind(item)}"
    elif key == "restart" and isinstance(value, str) and "$" not in value and not _RESTART.match(value):
        policies = "no, always, on-failure, unless-stopped"
        yield _line(service, key), f"{where}: {value!r} is not a restart policy ({policies})"
    elif key == "healthcheck" and isinstance(value, dict):
        for name in value:
            if str(name) not in HEALTHCHECK_KEYS and not str(name).startswith("x-"):
                yield _line(value, name), f"{where}: unknown key {name!r}{did_you_mean(str(name), HEALTHCHECK_KEYS)}"
    elif key == "depends_on" and isinstance(value, dict):
        for name, spec in value.items():
            condition = spec.get("condition") if isinstance(spec, dict) else None
            if spec is not None and not isinstance(spec, dict):
                yield _line(value, name), f"{where}.{name} must be a mapping with a condition"
            elif isinstance(condition, str) and condition not in DEPENDENCY_CONDITIONS:
                choices = ", ".join(DEPENDENCY_CONDITIONS)
                yield _line(spec, "condition"), f"{where}.{name}: unknown condition {condition!r} ({choices})"
    elif key in ("ports", "volumes") and isinstance(value, list):
        for index, item in enumerate(value):
            if not isinstance(item, dict | str | int | float):
                yield _item_line(value, index, service, key), f"{where}[{index}] must be a string or a mapping"


def fits(shape: str, value: Any) -> bool:
    scalar = isinstance(value, str | int | float | bool)
    if shape == "scalar":
        return scalar
    if shape == "scalar_or_null":
        return scalar or value is None
    if shape == "list":
        return isinstance(value, list)
    if shape == "mapping":
        return isinstance(value, dict)
    if shape == "mapping_or_null":
        return isinstance(value, dict) or value is None
    if shape == "list_or_dict":
        return isinstance(value, dict | list) or value is None
    if shape == "string_or_list":
        return isinstance(value, str | list) or value is None
    if shape == "scalar_or_mapping":
        return scalar or isinstance(value, dict)
    return isinstance(value, list | dict)


def did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word.replace("-", "_").lower(), choices, n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _kind(value: Any) -> str:
    return "mapping" if isinstance(value, dict) else "list"


def _line(mapping: Any, key: Any) -> int:
    return line_or(1, key_line(mapping, key))


def _item_line(sequence: Any, index: int, mapping: Any, key: Any) -> int:
    return line_or(_line(mapping, key), item_line(sequence, index))
