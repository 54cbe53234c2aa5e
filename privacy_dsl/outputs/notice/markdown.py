"""The notice as Markdown (CommonMark with GitHub tables): for a static-site generator or a wiki.

Text from the policy is escaped, so a policy cannot inject Markdown or HTML. Text in another
language than the notice's (a reported missing translation) is followed by its language tag.
"""

from __future__ import annotations

import re

from .document import Block, Bullets, Code, Facts, Foreign, Inline, Inlines, Link, Notice, Para, Section, Table

_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")
_LINE_START = re.compile(r"^([-+>=#]|\d+[.)])")


def escape(text: str) -> str:
    """Markdown-safe text: specials backslash-escaped, line breaks and runs of spaces made one space."""
    return _SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", text))


def _at_line_start(text: str) -> str:
    """Escape what would start a list, quote, heading or ordered list at the start of a line."""
    return _LINE_START.sub(lambda mm: mm.group(1)[:-1] + "\\" + mm.group(1)[-1], text)


def _code(text: str) -> str:
    ticks = max((len(t) for t in re.findall(r"`+", text)), default=0) + 1
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{'`' * ticks}{pad}{text}{pad}{'`' * ticks}"


def _url(href: str) -> str:
    return re.sub(r"[\s()<>]", lambda mm: f"%{ord(mm.group()):02X}", href)


def inline(content: Inlines, line_start: bool = False) -> str:
    text = "".join(_inline(part) for part in content)
    return _at_line_start(text) if line_start else text


def _inline(part: Inline) -> str:
    if isinstance(part, str):
        return escape(part)
    if isinstance(part, Code):
        return _code(part.text)
    if isinstance(part, Link):
        return f"[{escape(part.text)}]({_url(part.href)})"
    assert isinstance(part, Foreign)
    return f"{escape(part.text)} *({escape(part.lang)})*"


def _block(block: Block) -> str:
    if isinstance(block, Para):
        return inline(block.content, line_start=True)
    if isinstance(block, Bullets):
        return "\n".join(f"- {inline(item, line_start=True)}" for item in block.items)
    if isinstance(block, Facts):
        return "\n".join(f"- **{escape(label)}:** {inline(value)}" if label else f"- {inline(value, line_start=True)}"
                         for label, value in block.items)
    assert isinstance(block, Table)
    cells = [[c.replace("\n", " ") for c in (inline(cell) for cell in row)] for row in block.rows]
    lines = [f"*{escape(block.caption)}*", "",
             "| " + " | ".join(escape(c) for c in block.columns) + " |",
             "|" + "|".join("---" for _ in block.columns) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in cells)
    return "\n".join(lines)


def _section(section: Section, level: int) -> list[str]:
    out = [f"{'#' * level} {inline(section.heading)}"]
    out.extend(_block(b) for b in section.blocks)
    for child in section.children:
        out.extend(_section(child, level + 1))
    return out


def render(notice: Notice) -> str:
    parts = [f"# {escape(notice.title)}"]
    if notice.updated or notice.version:
        from .catalogue import phrases_for

        p = phrases_for(notice.lang)
        dated = [f"{escape(p.updated)}: {escape(p.date(notice.updated))}"] if notice.updated else []
        dated += [f"{escape(p.version)}: {escape(notice.version)}"] if notice.version else []
        parts.append(" · ".join(dated))
    for section in notice.sections:
        parts.extend(_section(section, 2))
    parts.append(f"*{escape(notice.generated)}*")
    return "\n\n".join(parts) + "\n"
