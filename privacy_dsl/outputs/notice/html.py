"""The notice as a standalone, accessible HTML page: no scripts, no external resources.

Accessibility (WCAG 2.1 AA, checked in a real browser by ``tests/test_notice.py``): the page
declares its language, and text in another language carries its own ``lang``; headings go h1, h2,
h3 without skipping a level; the table has a caption, and every header cell a ``scope``; the table
scrolls in a focusable, labelled region on narrow screens instead of overflowing the page, and a
long word, address or heading wraps, so the page never widens a 320 px viewport; colours
have a contrast of at least 7:1 against their background; links are underlined and have a visible
focus outline. Everything from the policy is escaped.
"""

from __future__ import annotations

import re
from html import escape

from ...version import __version__
from .document import Block, Bullets, Code, Facts, Foreign, Inline, Inlines, Link, Notice, Para, Section, Table

#: Colours (foreground on background, WCAG contrast): text #1a1a1a on #ffffff (17.4:1), muted #4d4d4d
#: on #ffffff (8.5:1), links #0b4a8f on #ffffff (9.0:1), table head #1a1a1a on #e6edf5 (14.9:1).
CSS = """\
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #ffffff; color: #1a1a1a; overflow-wrap: break-word;
  font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 52rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1 { font-size: clamp(1.5rem, 1rem + 3vw, 2rem); line-height: 1.2; margin: 0 0 .5rem; }
h2 { font-size: 1.45rem; line-height: 1.3; margin: 2.5rem 0 .75rem; padding-top: .75rem;
  border-top: 1px solid #c8d2dd; }
h3 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; }
p, ul, dl { margin: 0 0 1rem; }
a { color: #0b4a8f; text-decoration: underline; text-underline-offset: .15em; }
a:focus-visible, .table-wrap:focus-visible { outline: 3px solid #0b4a8f; outline-offset: 2px; }
.updated, .generated { color: #4d4d4d; }
nav ol { padding-left: 1.25rem; }
dl { display: grid; grid-template-columns: minmax(9rem, max-content) minmax(0, 1fr); gap: .35rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .92em;
  background: #f1f3f5; color: #1a1a1a; padding: .05em .3em; border-radius: 3px; }
.table-wrap { overflow-x: auto; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: 0 0 .5rem; }
th, td { border: 1px solid #c8d2dd; padding: .45rem .6rem; text-align: left; vertical-align: top; }
thead th { background: #e6edf5; color: #1a1a1a; }
tbody th { font-weight: normal; }
@media (max-width: 36rem) { main { padding: 1.25rem 1rem 3rem; } dl { grid-template-columns: minmax(0, 1fr); }
  dd { margin-bottom: .5rem; } }
@media print { a { color: #1a1a1a; } nav { display: none; } h2 { break-after: avoid; } }
"""


def _inline(part: Inline) -> str:
    if isinstance(part, str):
        return escape(part, quote=False)
    if isinstance(part, Code):
        return f"<code>{escape(part.text, quote=False)}</code>"
    if isinstance(part, Link):
        if not re.match(r"(https?|mailto|tel):", part.href):
            return escape(part.text, quote=False)
        return f'<a href="{escape(part.href)}">{escape(part.text, quote=False)}</a>'
    assert isinstance(part, Foreign)
    return f'<span lang="{escape(part.lang)}">{escape(part.text, quote=False)}</span>'


def inline(content: Inlines) -> str:
    return "".join(_inline(p) for p in content)


def _block(block: Block, ids: dict[str, int]) -> str:
    if isinstance(block, Para):
        return f"<p>{inline(block.content)}</p>"
    if isinstance(block, Bullets):
        items = "".join(f"<li>{inline(item)}</li>" for item in block.items)
        return f"<ul>{items}</ul>"
    if isinstance(block, Facts):
        rows = "".join(f"<dt>{escape(label, quote=False)}</dt><dd>{inline(value)}</dd>" if label
                       else f"<dd>{inline(value)}</dd>" for label, value in block.items)
        return f"<dl>{rows}</dl>"
    assert isinstance(block, Table)
    caption_id = _unique("table-caption", ids)
    head = "".join(f'<th scope="col">{escape(c, quote=False)}</th>' for c in block.columns)
    body = []
    for row in block.rows:
        first, *rest = row
        cells = "".join(f"<td>{inline(c)}</td>" for c in rest)
        body.append(f'<tr><th scope="row">{inline(first)}</th>{cells}</tr>')
    return (f'<div class="table-wrap" role="region" aria-labelledby="{caption_id}" tabindex="0">'
            f'<table><caption id="{caption_id}">{escape(block.caption, quote=False)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _unique(base: str, ids: dict[str, int]) -> str:
    n = ids.get(base, 0)
    ids[base] = n + 1
    return base if n == 0 else f"{base}-{n + 1}"


def _section(section: Section, level: int, ids: dict[str, int]) -> str:
    ident = _unique(section.id, ids)
    parts = [f'<section aria-labelledby="{ident}">',
             f'<h{level} id="{ident}">{inline(section.heading)}</h{level}>']
    parts.extend(_block(b, ids) for b in section.blocks)
    parts.extend(_section(child, level + 1, ids) for child in section.children)
    parts.append("</section>")
    return "\n".join(parts)


def render(notice: Notice) -> str:
    from .catalogue import phrases_for

    p = phrases_for(notice.lang)
    ids: dict[str, int] = {}
    body = [_section(s, 2, ids) for s in notice.sections]
    toc = "".join(f'<li><a href="#{s.id}">{inline(s.heading)}</a></li>' for s in notice.sections)
    dated = ([f'{escape(p.updated, quote=False)}: <time datetime="{escape(notice.updated)}">'
              f'{escape(p.date(notice.updated), quote=False)}</time>'] if notice.updated else [])
    dated += [f"{escape(p.version, quote=False)}: {escape(notice.version, quote=False)}"] if notice.version else []
    updated = f'<p class="updated">{" · ".join(dated)}</p>' if dated else ""
    return f"""<!DOCTYPE html>
<html lang="{escape(notice.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="privacy-dsl {escape(__version__)}">
<title>{escape(notice.title, quote=False)}</title>
<style>
{CSS}</style>
</head>
<body>
<main>
<header>
<h1>{escape(notice.title, quote=False)}</h1>
{updated}
</header>
<nav aria-labelledby="contents"><h2 id="contents">{escape(notice.contents, quote=False)}</h2><ol>{toc}</ol></nav>
{chr(10).join(body)}
<footer><p class="generated">{escape(notice.generated, quote=False)}</p></footer>
</main>
</body>
</html>
"""
