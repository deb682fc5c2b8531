"""Images for the scan tests, made without a registry: a Debian-like root filesystem (busybox,
os-release, a dpkg status file) imported with `docker import`, and images built on it.

Trivy reads installed packages from what an image holds: `/var/lib/dpkg/status` for Debian,
`*.dist-info/METADATA` for Python. The base image carries a `pip` script that writes that
metadata for each `name==version` argument, so a Dockerfile's `RUN pip install requests==2.19.0`
installs what Trivy will find, offline.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
from collections.abc import Mapping
from pathlib import Path

SITE_PACKAGES = "usr/local/lib/python3.12/site-packages"

OS_RELEASE = (
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n'
    'VERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n'
)

FAKE_PIP = f"""#!/bin/sh
# Installs nothing but the metadata of each name==version argument, as pip would leave it.
for arg in "$@"; do
  case "$arg" in
    *==*)
      name="${{arg%%==*}}"; version="${{arg##*==}}"
      dir="/{SITE_PACKAGES}/$name-$version.dist-info"
      mkdir -p "$dir"
      printf 'Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n' "$name" "$version" > "$dir/METADATA"
      ;;
  esac
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


def debian_rootfs(packages: list[DebPackage], point_release: str, extra: Mapping[str, str] | None = None) -> bytes:
    """A tar of a root filesystem that Trivy takes for Debian 12 with `packages` installed."""
    busybox = shutil.which("busybox")
    if busybox is None:
        raise RuntimeError("busybox is not installed (apt-get install busybox-static)")
    applets = subprocess.run([busybox, "--list"], capture_output=True, check=True, timeout=30).stdout.decode().split()
    files = {
        "etc/os-release": OS_RELEASE,
        "etc/debian_version": f"{point_release}\n",
        "etc/passwd": "root:x:0:0:root:/root:/bin/sh\n",
        "var/lib/dpkg/status": dpkg_status(packages),
        "usr/local/bin/pip": FAKE_PIP,
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for directory in ("bin", "etc", "tmp", "root", "usr/local/bin"):
            info = tarfile.TarInfo(directory)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if directory == "tmp" else 0o755
            tar.addfile(info)
        tar.add(busybox, arcname="bin/busybox")
        for applet in applets:
            if applet != "busybox":
                link = tarfile.TarInfo(f"bin/{applet}")
                link.type = tarfile.SYMTYPE
                link.linkname = "busybox"
                tar.addfile(link)
        for path, content in sorted(files.items()):
            data = content.encode()
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mode = 0o755 if path.endswith("/pip") else 0o644
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def docker(host: str, *args: str, stdin: bytes | None = None) -> str:
    done = subprocess.run(
        ["docker", *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, "DOCKER_HOST": host, "DOCKER_CLI_HINTS": "false"},
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout.decode().strip()


def import_image(host: str, rootfs: bytes, tag: str) -> str:
    """`docker import` a root filesystem tar; the image ID."""
    docker(host, "image", "import", "-", tag, stdin=rootfs)
    return docker(host, "image", "inspect", "--format", "{{.Id}}", tag)


def build_image(host: str, context: Path, dockerfile: str, tag: str) -> str:
    """Build `dockerfile` (its text) in `context`; the image ID."""
    context.mkdir(parents=True, exist_ok=True)
    (context / "Dockerfile").write_text(dockerfile, encoding="utf-8")
    docker(host, "build", "--quiet", "--tag", tag, str(context))
    return docker(host, "image", "inspect", "--format", "{{.Id}}", tag)
