"""Proof that nothing opened a file: Linux inotify on canary files and directories.

`Watch(paths)` reports every open, read or directory listing of the watched paths by ANY
process of the machine (dockhand, git, the docker client, the Docker engine), so a test can show
that a review never read outside the repository, not only that nothing leaked into its report.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path

IN_ACCESS = 0x001
IN_OPEN = 0x020
IN_ISDIR = 0x40000000
IN_NONBLOCK = 0o4000
_EVENT = struct.Struct("iIII")


class InotifyUnavailable(Exception):
    pass


@dataclass
class Watch:
    paths: list[Path]
    _fd: int = -1
    _names: dict[int, Path] = field(default_factory=dict)
    events: list[tuple[Path, str, int]] = field(default_factory=list)

    def __enter__(self) -> Watch:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        self._libc = libc
        self._fd = libc.inotify_init1(IN_NONBLOCK)
        if self._fd < 0:
            raise InotifyUnavailable(os.strerror(ctypes.get_errno()))
        for path in self.paths:
            wd = libc.inotify_add_watch(self._fd, os.fsencode(path), IN_OPEN | IN_ACCESS)
            if wd < 0:
                raise InotifyUnavailable(f"{path}: {os.strerror(ctypes.get_errno())}")
            self._names[wd] = path
        return self

    def __exit__(self, *exc: object) -> None:
        self.read()
        os.close(self._fd)
        self._fd = -1

    def read(self) -> list[tuple[Path, str, int]]:
        """Events so far: (watched path, name inside it or "", mask)."""
        while self._fd >= 0:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                break
            except OSError as error:
                if error.errno == errno.EAGAIN:
                    break
                raise
            offset = 0
            while offset < len(data):
                wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
                name = data[offset + _EVENT.size : offset + _EVENT.size + length].rstrip(b"\0").decode()
                self.events.append((self._names.get(wd, Path("?")), name, mask))
                offset += _EVENT.size + length
        return self.events

    def touched(self, ignore: tuple[str, ...] = ()) -> list[str]:
        """Watched files opened or read, and watched directories opened (listed) themselves."""
        return sorted(
            {f"{path}/{name}" if name else str(path) for path, name, _mask in self.read() if name not in ignore}
        )
