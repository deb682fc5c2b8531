"""A pull request written to break the report: hostile paths, names, messages and quoted lines,
and the checks that what dockhand renders from it stays inert.

`hostile_files()` is a repository whose directories, service names, package names, copied
paths and ignore-comment reasons carry markdown and HTML payloads (`|`, backticks, `<details>`,
`</table>`, a fake `<!-- dockhand:report -->` marker, `@org/team`, `#123`, `javascript:`
links, a newline followed by a workflow command, very long lines). Every finding it gets
quotes some of them. `check_markdown` parses a rendered report with markdown-it-py (GitHub's
flavour: tables, strikethrough, linkified URLs) and checks token by token that none of it
became markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.report.markdown import MARKER
from bot.rule import DOCS_URL

LONG = "L" * 180
PAYLOADS = (
    "pipe|a|b",
    "tick`x`y``z",
    "<details><summary>open",
    "<!-- dockhand:report -->",
    "@org",
    "#123",
    "[x](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "**bold** _it_ ~~s~~",
    "https:",
    LONG,
)
"""Path components (no `/`); `</table>` and `@org/team` are made of two."""
WORKFLOW_COMMAND = "x\n::error::pwned\n::set-output name=verdict::pass"
DOCKERFILE = """\
FROM python:3.12
WORKDIR /app
COPY ["{payload}", "./"]
RUN pip install -r requirements.txt
# dockhand ignore=DH102 reason: {payload} | </table> <!-- dockhand:report --> @org/team #123
CMD python app.py
"""


def hostile_paths() -> list[str]:
    dirs = [*PAYLOADS, "<", "@org/team", f"</table>/{LONG}/{LONG}"]
    return [f"{d}/Dockerfile" for d in dirs] + [f"{WORKFLOW_COMMAND}/Dockerfile"]


def hostile_files() -> dict[str, str]:
    files = {path: DOCKERFILE.format(payload=path.rsplit("/", 1)[0]) for path in hostile_paths()}
    services = {p: {"image": f"nginx:{i}", "privileged": True} for i, p in enumerate(PAYLOADS)}
    files["compose.yaml"] = json.dumps({"services": services}, indent=2) + "\n"
    packages = {f"{p}/{i}" if p.startswith("@") else p: "github:org/repo" for i, p in enumerate(PAYLOADS)}
    files["package.json"] = json.dumps({"name": "x", "dependencies": packages}, indent=2) + "\n"
    files[".dockerignore"] = "\n".join(["[", *PAYLOADS]) + "\n"
    return files


def inline_tokens(markdown: str) -> list[Token]:
    parser = MarkdownIt("commonmark", {"html": True, "linkify": True}).enable(["table", "strikethrough", "linkify"])
    parser.validateLink = lambda url: True  # type: ignore[method-assign]  # so that a `javascript:` link shows
    flat: list[Token] = []
    for token in parser.parse(markdown):
        flat.append(token)
        flat.extend(token.children or [])
    return flat


_OWN_HTML = re.compile(
    r"\s*(<details><summary>[^<>]*</summary>|<details><summary>[^<>]*|</summary>|</details>|<sub>|</sub>"
    r"|<sub>dockhand [^<>]*|" + re.escape(MARKER) + r"|<!-- dockhand:review -->"
    r"|<!-- dockhand:(?:finding|resolved) [0-9a-f]{8,64} -->)\s*"
)


def check_markdown(markdown: str, *, sticky: bool = True, allowed_links: Iterable[str] = ()) -> None:
    """Everything from the pull request is text: no HTML but dockhand's own, no link but to its
    docs (or `allowed_links`), no mention, no issue reference, no autolink, one marker, and every
    table row with as many cells as its header."""
    if sticky:
        assert markdown.startswith(MARKER) and markdown.count(MARKER) == 1, "the sticky marker is not unique"
    else:
        assert MARKER not in markdown
    tokens = inline_tokens(markdown)
    html = [t.content for t in tokens if t.type in {"html_inline", "html_block"}]
    assert all(_OWN_HTML.fullmatch(h) for h in html), [h for h in html if not _OWN_HTML.fullmatch(h)]
    allowed = (DOCS_URL, *allowed_links)
    hrefs = [str(t.attrs.get("href")) for t in tokens if t.type == "link_open"]
    assert all(href.startswith(allowed) for href in hrefs), hrefs
    in_link = 0
    for token in tokens:
        in_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
        if token.type == "text" and not in_link:
            assert not re.search(r"(?<![\w`])@[A-Za-z0-9]", token.content), token.content
            assert not re.search(r"(?<![\w&])#\d", token.content), token.content
            assert "://" not in token.content, token.content
    assert not [t for t in tokens if t.type == "image"]
    _check_tables(markdown.split("\n"), tokens)


def _check_tables(lines: list[str], tokens: list[Token]) -> None:
    """Each row of each table, as written, has as many cells as its header (GitHub drops the
    cells a stray `|` adds, and shifts the rest)."""
    for token in tokens:
        if token.type == "table_open" and token.map is not None:
            start, end = token.map
            header = cell_count(lines[start])
            for line in lines[start + 2 : end]:
                assert cell_count(line) == header, f"{cell_count(line)} cells under {header} headers: {line[:300]}"


def cell_count(row: str) -> int:
    """Cells of a markdown table row: split at every `|` no backslash escapes (the outer ones frame it)."""
    count, escaped, trailing = 1, False, False
    for char in row.strip().removeprefix("|"):
        trailing = False
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            count += 1
            trailing = True
    return count - 1 if trailing else count


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


HTML_TAGS = frozenset(
    {"html", "head", "meta", "title", "style", "body", "h2", "h3", "p", "strong", "em", "code", "pre", "table"}
    | {"thead", "tbody", "tr", "th", "td", "details", "summary", "sub", "a", "ul", "li", "hr", "s", "br"}
)


def check_html(page: str) -> None:
    """Only the report's own tags and attributes; links only to the docs; one marker comment."""
    parser = _Tags()
    parser.feed(page)
    assert {tag for tag, _ in parser.tags} <= HTML_TAGS, {tag for tag, _ in parser.tags} - HTML_TAGS
    for tag, attrs in parser.tags:
        for name, value in attrs:
            allowed = (
                (tag == "a" and name == "href" and str(value).startswith(DOCS_URL))
                or (tag in {"th", "td"} and name == "style" and str(value).startswith("text-align:"))
                or (tag == "code" and name == "class" and str(value) in {"language-diff", "language-suggestion"})
                or (tag == "meta" and name == "charset")
                or (tag == "html" and name == "lang")
            )
            assert allowed, (tag, name, value)
    assert parser.comments == [MARKER[4:-3]], parser.comments
