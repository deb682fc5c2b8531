"""What analyzers leave for later analyzers, and what must be cleaned up when the review ends.

The image analyzer builds images that the scan analyzer scans; both are temporary. The pipeline
creates one Workspace per review, hands it to every analyzer in order, and closes it at the end
(also on errors and Ctrl-C), which runs every cleanup registered on it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.changes import ChangeSet
from bot.lint.repoview import RepoView
from bot.parsing.cache import ParsedFiles


@dataclass(frozen=True)
class ImageConfig:
    """What the built image itself says (`docker image inspect` .Config); never env values."""

    user: str = ""
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    healthcheck: tuple[str, ...] = ()
    """The Healthcheck.Test list (`["CMD-SHELL", "..."]`); empty when the image has none."""
    exposed_ports: tuple[str, ...] = ()
    env_names: tuple[str, ...] = ()
    programs: frozenset[str] | None = None
    """Paths of the files in the image's bin directories (`usr/bin/curl`), read from its layers;
    None when the layers were not listed."""

    def has_program(self, name: str) -> bool | None:
        """Whether `curl` (or `/usr/bin/curl`) is in the image; None when its files are unknown."""
        if self.programs is None:
            return None
        if "/" in name:
            return name.lstrip("/") in self.programs
        return any(path.rpartition("/")[2] == name for path in self.programs)


@dataclass(frozen=True)
class BuiltImage:
    """An image built for this review from one side (base or head) of one Dockerfile."""

    side: str
    """"base" or "head"."""
    dockerfile: str
    """Repository path of the Dockerfile."""
    context: str
    """Repository path of the build context ("." for the root)."""
    image_id: str
    tag: str
    """Empty when the image was left untagged (it stays as the builder's cache): use image_id."""
    target: str | None = None
    config: ImageConfig | None = None


@dataclass
class Workspace:
    images: list[BuiltImage] = field(default_factory=list)
    parsed: ParsedFiles = field(default_factory=ParsedFiles)
    """Files parsed for this review, shared by every analyzer (see bot/parsing/cache.py)."""
    builds_started: threading.Event = field(default_factory=threading.Event)
    """Set as the first build starts (or once the image analyzer knows it starts none): the
    analyzers beside the builds wait for it, so that loading their modules does not hold up the
    work before the first build (checkout, reuse check)."""
    _views: dict[str, RepoView] = field(default_factory=dict)
    _views_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _cleanups: list[Callable[[], None]] = field(default_factory=list)

    def view(self, changes: ChangeSet, side: str) -> RepoView:
        """The review's one view of a side ("head" or "base"): a commit's file list is built once,
        whichever analyzers read it."""
        with self._views_lock:
            view = self._views.get(side)
            if view is None or view.changes is not changes:
                view = self._views[side] = RepoView(changes, side, self.parsed)
            return view

    def on_close(self, cleanup: Callable[[], None]) -> None:
        self._cleanups.append(cleanup)

    def images_of(self, side: str) -> list[BuiltImage]:
        return [image for image in self.images if image.side == side]

    def close(self) -> None:
        """Run the cleanups, last registered first; one failing does not stop the others."""
        while self._cleanups:
            cleanup = self._cleanups.pop()
            with contextlib.suppress(Exception):
                cleanup()
