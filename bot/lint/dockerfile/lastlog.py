"""DH138: `useradd` with a high UID writes a lastlog file as large as the UID, into the layer."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.image.sizes import human
from bot.lint.context import LintContext
from bot.lint.dockerfile.edits import insert_flag_after
from bot.lint.dockerfile.runs import runs
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile
from bot.parsing.shell import Command
from bot.rule import Hit, rule

HIGH_UID = 100_000
"""From here on (hadolint's DL3046 draws the line at six digits) lastlog alone is ~30 MB."""
LASTLOG_ENTRY_BYTES = 292
"""`struct lastlog` on 64-bit Linux: the file holds one entry per UID up to the highest."""
_HAS_L = r"(?:^|\s)(?:-[a-zA-Z]*l[a-zA-Z]*|--no-log-init)\b"
_UID = re.compile(r"^(?:-u|--uid)=?(\d+)$")


@rule(
    "DH138",
    "useradd-lastlog",
    Severity.MEDIUM,
    "useradd with a high UID and without -l fills the layer with a huge lastlog",
    aliases=("DL3046",),
)
def useradd_lastlog(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `useradd -u <UID>` with a UID of 100000 or more and without `-l`
    (`--no-log-init`), in the stages that make up the final image, with the size of the file
    it writes.

    ## Why it matters
    `useradd` records the new user in `/var/log/lastlog` (and `/var/log/faillog`), at the
    offset of its UID: 292 bytes per UID below it. On disk the file is sparse, but an image
    layer stores every byte: `useradd -u 123456` adds 36 MB of zeros to the image, and the
    UIDs some platforms hand out (`-u 1000680000`) add hundreds of gigabytes, or fill the
    builder's disk.

    ## Example
    ```dockerfile
    RUN useradd -u 123456 -m app
    ```

    ## Fix
    ```dockerfile
    RUN useradd -l -u 123456 -m app
    ```
    `-l` skips the lastlog and faillog entries, which a container never reads.
    """
    for _stage, ins, commands in runs(dockerfile):
        high = [uid for cmd in commands if (uid := _unlogged_uid(cmd)) is not None and uid >= HIGH_UID]
        if not high:
            continue
        size = human((max(high) + 1) * LASTLOG_ENTRY_BYTES)
        yield Hit(
            ins.line,
            f"`useradd -u {max(high)}` without `-l` writes a {size} /var/log/lastlog into the layer: add `-l`",
            ins.end_line,
            insert_flag_after(
                dockerfile, ins, r"\buseradd\b", "-l", r"(?:^|\s)(?:-[a-zA-Z]*l[a-zA-Z]*|--no-log-init)\b"
            ),
        )


def _unlogged_uid(cmd: Command) -> int | None:
    """The UID a `useradd` without `-l` is given (None: not that, or not a literal number)."""
    if cmd.program != "useradd" or cmd.has_flag("l", "no-log-init"):
        return None
    args = cmd.args
    for index, arg in enumerate(args):
        if arg in ("-u", "--uid") and index + 1 < len(args) and args[index + 1].isdigit():
            return int(args[index + 1])
        match = _UID.match(arg)
        if match:
            return int(match.group(1))
    return None
