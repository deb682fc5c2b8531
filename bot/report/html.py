"""Review -> a standalone HTML page: the markdown report rendered with markdown-it-py."""

from __future__ import annotations

import html

from bot.model import Review
from bot.report.markdown import render_markdown

_STYLE = """
body { font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 1100px;
       margin: 2rem auto; padding: 0 1rem; color: #1f2328; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: left; vertical-align: top; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; background: #f6f8fa; }
pre { padding: 0.75rem; overflow-x: auto; }
details { margin: 0.5rem 0 1rem; }
"""


def markdown_to_html(markdown: str) -> str:
    """The report's markdown as HTML. Raw HTML passes through: the report's own <details>; every
    string from the PR was escaped when the markdown was made."""
    from markdown_it import MarkdownIt  # only the HTML format needs it: not loaded for every review

    parser = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(["table", "strikethrough"])
    return str(parser.render(markdown))


def render_html(review: Review) -> str:
    body = markdown_to_html(render_markdown(review))
    title = html.escape(f"dockhand review {review.head[:12]}: {review.verdict.decision}")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
