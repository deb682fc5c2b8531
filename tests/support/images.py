"""Images for the scan tests, made without a registry: busybox images (tests/support/docker.py)
that Trivy takes for Debian 12 (os-release, a dpkg status file), and images built on them.

Trivy reads installed packages from what an image holds: `/var/lib/dpkg/status` for Debian,
`*.dist-info/METADATA` for Python. The base images carry a `pip` script that writes that
metadata for each `name==version` argument, so a Dockerfile's `RUN pip install requests==2.19.0`
installs what Trivy will find, offline.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.docker import DockerEngine

SITE_PACKAGES = "usr/local/lib/python3.12/site-packages"

OS_RELEASE = (
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n'
    'VERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n'
)

FAKE_PIP = f"""#!/bin/sh
# Installs nothing but the metadata of each name==version argument (or line of a -r file),
# as pip would leave it.
install() {{
  name="${{1%%==*}}"; version="${{1##*==}}"
  dir="/{SITE_PACKAGES}/$name-$version.dist-info"
  mkdir -p "$dir"
  printf 'Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n' "$name" "$version" > "$dir/METADATA"
}}
while [ $# -gt 0 ]; do
  case "$1" in
    -r) shift; for spec in $(grep '==' "$1"); do install "$spec"; done ;;
    *==*) install "$1" ;;
  esac
  shift
done
"""


DebPackage = tuple[str, str, str]
"""(binary package, source package, version)."""


def dpkg_status(packages: list[DebPackage]) -> str:
    entries = []
    for name, source, version in packages:
        source_line = f"Source: {source}\n" if source != name else ""
        entries.append(
            f"Package: {name}\nStatus: install ok installed\nPriority: optional\nSection: libs\n"
            f"Architecture: amd64\n{source_line}Version: {version}\nDescription: {name}\n"
        )
    return "\n".join(entries) + "\n"


def dist_info(name: str, version: str) -> dict[str, str]:
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    return {f"{SITE_PACKAGES}/{name}-{version}.dist-info/METADATA": metadata}


def debian_files(packages: list[DebPackage], point_release: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """What makes a busybox image Debian 12 with `packages` installed, to Trivy (and `pip` work)."""
    return {
        "etc/os-release": OS_RELEASE,
        "etc/debian_version": f"{point_release}\n",
        "var/lib/dpkg/status": dpkg_status(packages),
        "bin/pip": FAKE_PIP,
        **(extra or {}),
    }


def debian_image(
    engine: DockerEngine, packages: list[DebPackage], point_release: str, tag: str, extra: dict[str, str] | None = None
) -> str:
    """Import a Debian-like busybox image under `tag`; its image ID."""
    engine.busybox_image(debian_files(packages, point_release, extra), tag=tag)
    return engine.docker("image", "inspect", "--format", "{{.Id}}", tag)


def build_image(engine: DockerEngine, context: Path, dockerfile: str, tag: str) -> str:
    """Build `dockerfile` (its text) in `context`; the image ID."""
    context.mkdir(parents=True, exist_ok=True)
    (context / "Dockerfile").write_text(dockerfile, encoding="utf-8")
    engine.docker("build", "--quiet", "--tag", tag, str(context))
    return engine.docker("image", "inspect", "--format", "{{.Id}}", tag)
