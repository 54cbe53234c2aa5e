"""The notice as a small document tree: sections of paragraphs, facts, bullets and tables, whose
inline text is plain strings, code, links and text in another language. ``build`` makes it, the
Markdown and HTML writers write it out."""

from __future__ import annotations

from dataclasses import field

from ...records import dataclass


@dataclass(frozen=True, slots=True)
class Code:
    text: str


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True, slots=True)
class Foreign:
    """Policy text in another language than the notice's (a missing translation)."""

    text: str
    lang: str


Inline = str | Code | Link | Foreign
Inlines = tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Para:
    content: Inlines


@dataclass(frozen=True, slots=True)
class Facts:
    """Label / value pairs (a description list)."""

    items: tuple[tuple[str, Inlines], ...]


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[Inlines, ...]


@dataclass(frozen=True, slots=True)
class Table:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Inlines, ...], ...]  # the first cell of a row is its header


Block = Para | Facts | Bullets | Table


@dataclass(slots=True)
class Section:
    id: str
    heading: Inlines
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)


@dataclass(slots=True)
class Notice:
    lang: str
    title: str
    updated: str | None
    sections: list[Section]
    generated: str
    contents: str
    #: The notice's own version label, as the policy gives it.
    version: str | None = None
