"""The canonical layout of ``.privacy`` files: ``privacy-dsl fmt``.

One layout, no options (like ``gofmt``), so that a policy diff shows what changed in the policy,
never how someone likes to indent. The rules, also in ``docs/formatting.md``:

* Two spaces per level of nesting; one statement per line; ``}`` on its own line.
* Statements inside a block are put in a fixed order per block kind (``ORDER`` below: identity
  and description first, then lawfulness, data, sharing, retention). Statements of the same kind
  keep their relative order, so ``basis`` and ``retention`` lists mean what they meant. Top-level
  blocks are never reordered: their order is the author's.
* Comments stay where they belong: own-line comments before a statement or block move with it;
  a comment at the end of a line stays at the end of that line. Trailing comments of consecutive
  lines at the same depth are aligned two spaces after the longest of those lines.
* Blank lines: at most one in a row, none at the start or end of a block or the file; where the
  author left one between blocks or statements it is kept.
* Strings are re-quoted with the fewest escapes (``\\\\``, ``\\"``, ``\\n``, ``\\t``); cookie names
  and events are written bare when they are plain names, else quoted; ``yes`` after a flag is
  dropped (``granular yes`` is ``granular``); durations agree in number (``1 year``, ``2 years``).
* A localised text ``{ nb "..." en "..." }`` stays on one line when the author wrote it on one
  line and it fits in 120 columns; otherwise it is written one language per line.
* Lists of names wrap at 120 columns, continuation lines indented one more level.
* Line endings (LF, CRLF or CR) and a byte-order mark are kept as the file had them; the file ends
  with exactly one line ending.

The formatter reads the concrete syntax tree (its own Lark parser with every keyword token kept,
so it sees exactly what was written) and the comments with their positions. It checks its own
work: the output must parse to the same model (spans aside) and keep every comment, or it refuses
(``FormatterBug``) instead of writing a changed policy.
"""

from __future__ import annotations

import bisect
import dataclasses
import gc
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import field
from functools import cache
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from ..diagnostics import Diagnostic
from ..language.parser import lark_parser, normalise_newlines, parse_text, scan_comments
from ..records import dataclass

#: Maximum line width the formatter aims for (a long string cannot be broken and may exceed it).
WIDTH = 120
INDENT = "  "

#: Canonical statement order per block kind (the grammar's rule or alias names). Statements not
#: listed (a newer grammar) keep their relative order after the listed ones.
_PURPOSE = ("name", "description", "use", "basis", "special_condition", "consent_ref", "profiling",
            "automated_decisions", "categories", "subjects", "recipients", "transfers", "retention", "source",
            "security")
_COOKIE = ("pattern", "kind", "provider", "party", "expiry", "domains", "cookie_category", "purpose_ref",
           "consent_ref", "description")
_CONTROLLER = ("registration", "address", "country", "email", "phone", "website", "representative",
               "representative_block", "public_authority", "offers_to", "description", "privacy_contact", "dpo")
ORDER: dict[str, tuple[str, ...]] = {
    "policy": ("languages", "version", "updated", "history", "url", "scope", "refers_to", "cites", "description",
               "security", "claims", "context", "bases"),
    "refers_to": ("name", "covers"),
    "controller": _CONTROLLER,
    "representative_block": ("name", "address", "country", "email", "phone"),
    "privacy_contact": ("title", "name", "email", "phone", "address"),
    "dpo": ("required", "name", "email", "phone", "address"),
    "authority": ("name", "country", "email", "phone", "address", "website"),
    "subject": ("taxonomy", "name", "description", "children"),
    "category": ("taxonomy", "name", "description", "source", "received_from", "special", "criminal", "children",
                 "identifiability"),
    "purpose": _PURPOSE,
    "defaults_purpose": _PURPOSE,
    "defaults_purpose_here": _PURPOSE,
    "basis_legitimate_interests": ("interest", "balancing_test"),
    "automated_decisions": ("exception", "safeguards", "logic"),
    "recipient": ("name", "category_only", "description", "role", "countries", "contract", "website", "receives",
                  "only_when"),
    "transfer": ("recipient_ref", "country", "mechanism", "certification", "tia", "description"),
    "consent": ("method", "reject_button", "granular", "explicit", "condition_of_service", "refusal_degrades_service",
                "shown_in", "given_on", "withdraw", "withdraw_via", "record_retention", "valid_for", "minimum_age",
                "parental_consent", "description"),
    "cookie": _COOKIE,
    "defaults_cookie": _COOKIE,
    "defaults_cookie_here": _COOKIE,
    "rights": ("offered", "limited", "denied", "how", "complaints"),
    "processing": ("name", "description", "on_behalf_of", "categories", "subjects", "transfers", "security"),
    "on_behalf_of": _CONTROLLER,
}
#: Statements written in two forms that are one statement (``representative "..."`` and
#: ``representative { ... }``): they share a place in the order, keeping the order they were given in.
_SAME_SLOT = {"representative_block": "representative"}
#: Constructs whose braces may be left out; empty braces there are dropped.
_OPTIONAL_BRACES = frozenset({"subject", "automated_decisions", "basis_legitimate_interests", "refers_to"})
#: Where a string is written bare when it is a plain name (it means the same quoted or not): events
#: (``until consent_withdrawn``) and cookie names (``cookie _ga``).
_BARE_OK = frozenset({"event", "cookie"})
_NAME = re.compile(r"[^\W\d][\w\-]*")
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "t": "\t"}
#: A suppression comment (``suppressions.py`` reads the rest of it).
_DIRECTIVE = re.compile(r"#\s*privacy-dsl\s*:")


class FormatterBug(RuntimeError):
    """The formatted text would not mean what the original meant; nothing is written."""


@dataclass(frozen=True, slots=True)
class FormatResult:
    path: str
    source: str
    #: The formatted text, or None when the source does not parse (see ``diagnostics``).
    output: str | None
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def changed(self) -> bool:
        return self.output is not None and self.output != self.source


# ---------------------------------------------------------------- the concrete-syntax parser


def _cst_parser() -> Lark:
    """The policy parser (``parser.lark_parser``: the shipped table, never Lark's ``cache=True``, a
    pickle in $TMPDIR), whose ``parse`` gives the concrete syntax tree: every keyword token kept.
    Shared, and holds nothing of a parse: the comments come from the text (``scan_comments``)."""
    return lark_parser()


@cache
def _keywords() -> frozenset[str]:
    return frozenset(str(t.pattern.value) for t in _cst_parser().terminals if t.pattern.type == "str")


def _unquote(token: str) -> str:
    return _ESCAPE.sub(lambda mm: _ESCAPES.get(mm.group(1), mm.group(1)), token[1:-1])


def quote(value: str) -> str:
    """A DSL string literal for ``value`` with the fewest escapes."""
    out = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"'


def is_bare_name(value: str) -> bool:
    """Whether ``value`` can be written without quotes where a name or a string is accepted."""
    return _NAME.fullmatch(value) is not None and value not in _keywords()


# ---------------------------------------------------------------- source positions


@dataclass(frozen=True, slots=True)
class _Comment:
    start: int
    line: int
    column: int
    text: str
    own_line: bool
    #: An own-line comment aligned under the trailing comment of the line above: it continues that
    #: comment and stays aligned under it.
    cont: bool = False


class _Source:
    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        lines = text.split("\n")
        self.blank_prefix = [0]
        for line in lines:
            self.blank_prefix.append(self.blank_prefix[-1] + (0 if line.strip() else 1))

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def blank_between(self, above: int, below: int) -> bool:
        """Whether a blank line lies strictly between lines ``above`` and ``below``."""
        if below - above < 2:
            return False
        return self.blank_prefix[below - 1] - self.blank_prefix[above] > 0


@dataclass(slots=True)
class _Line:
    depth: int
    code: str
    comment: str | None = None
    raw: bool = False  # verbatim: ``code`` carries its own indentation
    cont: bool = False  # only a comment, aligned under the trailing comment of the line above


_Out = list[_Line | None]  # None is a blank line


@dataclass(slots=True)
class _Entry:
    node: Tree[Token]
    index: int
    start: int
    end_line: int
    blank_before: bool
    leading: list[tuple[bool, _Comment]]
    gap_before_node: bool
    inner: list[_Comment]
    trailing: list[_Comment] = field(default_factory=list)


class _Formatter:
    def __init__(self, text: str, comments: list[_Comment]) -> None:
        self.src = _Source(text)
        self.comments = comments
        self._extent: dict[int, tuple[int, int]] = {}

    # -- extents
    def extent(self, node: Tree[Token] | Token) -> tuple[int, int]:
        if isinstance(node, Token):
            return node.start_pos or 0, node.end_pos or 0
        key = id(node)
        if key not in self._extent:
            first, last = node.children[0], node.children[-1]
            self._extent[key] = (self.extent(first)[0], self.extent(last)[1])
        return self._extent[key]

    def line(self, offset: int) -> int:
        return self.src.line_of(offset)

    # -- the file
    def format(self, tree: Tree[Token]) -> str:
        items = [c for c in tree.children if isinstance(c, Tree)]
        out, header = self.items(items, self.comments, 0, 0, None)
        for c in header:  # cannot happen at top level; keep the comment anyway
            out.insert(0, _Line(0, c.text))
        return _assemble(out)

    # -- a sequence of blocks or statements with the comments among them
    def items(self, items: list[Tree[Token]], comments: list[_Comment], open_line: int, depth: int,
              order: tuple[str, ...] | None) -> tuple[_Out, list[_Comment]]:
        entries: list[_Entry] = []
        header: list[_Comment] = []
        pending: list[tuple[bool, _Comment]] = []
        prev_line = open_line
        ci = 0

        last: list[Any] = [None, None]  # the trailing comment that may continue, and its list

        def trailing(c: _Comment) -> None:
            if entries and entries[-1].end_line == c.line:
                entries[-1].trailing.append(c)
                last[:] = [c, entries[-1].trailing]
            elif not entries and c.line == open_line:
                header.append(c)
                last[:] = [c, header]
            else:  # not reachable for a parsed file: a comment after code belongs to that code
                pending.append((False, dataclasses.replace(c, own_line=True)))

        def own_line(c: _Comment, into: list[tuple[bool, _Comment]]) -> None:
            nonlocal prev_line
            above = last[0]
            if above is not None and c.column == above.column and c.line == above.line + 1 and not pending:
                cont = dataclasses.replace(c, cont=True)
                last[1].append(cont)
                last[0] = cont
            else:
                into.append((self.src.blank_between(prev_line, c.line), c))
                last[:] = [None, None]
            prev_line = c.line

        for index, node in enumerate(items):
            start, end = self.extent(node)
            while ci < len(comments) and comments[ci].start < start:
                c = comments[ci]
                ci += 1
                if c.own_line:
                    own_line(c, pending)
                else:
                    trailing(c)
            inner: list[_Comment] = []
            while ci < len(comments) and comments[ci].start < end:
                inner.append(comments[ci])
                ci += 1
            first_line = self.line(start)
            gap = self.src.blank_between(prev_line, first_line)
            blank = pending[0][0] if pending else gap
            entries.append(_Entry(node, index, start, self.line(end - 1), blank, pending,
                                  gap if pending else False, inner))
            pending = []
            prev_line = self.line(end - 1)
            last[:] = [None, None]
        dangling: list[tuple[bool, _Comment]] = pending
        for c in comments[ci:]:
            if c.own_line:
                own_line(c, dangling)
            else:
                trailing(c)
        if order is not None:
            rank = {key: i for i, key in enumerate(order)}
            for form, slot in _SAME_SLOT.items():  # one statement in two forms: the first given is the one
                if form in rank and slot in rank:  # used (E205 for the second), so neither moves past the other
                    rank[form] = rank[slot]
            entries.sort(key=lambda e: (rank.get(str(e.node.data), len(rank)), e.index))

        out: _Out = []
        for k, entry in enumerate(entries):
            if k and entry.blank_before:
                out.append(None)
            for j, (blank, c) in enumerate(entry.leading):
                if j and blank:
                    out.append(None)
                out.append(_Line(depth, c.text))
            if entry.leading and entry.gap_before_node:
                out.append(None)
            lines, hoisted = self.node(entry.node, depth, entry.inner)
            if depth == 0 and len(lines) > 1 and self.line(entry.start) == entry.end_line:
                # A suppression at the end of a top-level block written on one line covers all of the
                # block; expanded, it would cover only its `}`. On a line of its own before the block
                # it covers the whole block again (suppressions.py): the same findings.
                moved = [c for c in entry.trailing if _DIRECTIVE.match(c.text)]
                if moved and not any(c.cont for c in entry.trailing):
                    entry.trailing = [c for c in entry.trailing if c not in moved]
                    hoisted.extend(moved)
            placed = False
            for c in entry.trailing:
                if c.cont and placed:
                    lines.append(_Line(depth, "", c.text, cont=True))
                elif not c.cont and lines[-1].comment is None and not lines[-1].raw:
                    lines[-1].comment = c.text
                    placed = True
                else:
                    hoisted.append(c)
            out.extend(_Line(depth, c.text) for c in hoisted)
            out.extend(lines)
        for j, (blank, c) in enumerate(dangling):
            if (entries or j) and blank:
                out.append(None)
            out.append(_Line(depth, c.text))
        return out, header

    # -- one block or statement
    def node(self, node: Tree[Token], depth: int, inner: list[_Comment]) -> tuple[list[_Line], list[_Comment]]:
        """The lines of ``node`` and the comments inside it that are moved to before it."""
        pieces: list[Any] = []
        if not self.flatten(node, pieces) or any(isinstance(p, tuple) for p in pieces[:-1]):
            return self.verbatim(node, depth), []
        tail = pieces[-1] if pieces and isinstance(pieces[-1], tuple) else None
        words = pieces[:-1] if tail is not None else pieces
        head = _join(words)
        if tail is None:
            line = _Line(depth, head)
            return [line], list(inner)
        kind, tree = tail
        if kind == "list":
            region = self.extent(tree)[0]
            hoisted = [c for c in inner if c.start < region]
            rest = [c for c in inner if c.start >= region]
            return self.list_lines(head, tree, rest, depth), hoisted
        return self.braces(head, tree, depth, inner)

    def flatten(self, tree: Tree[Token], out: list[Any], at_end: bool = True) -> bool:
        """Append ``tree``'s words to ``out``; a brace group or a trailing list becomes a tuple.
        ``at_end``: ``tree`` ends its statement (a list inside it that does not, as in
        ``denied erasure for a, b law "..."``, is words).

        Returns False when the shape is not one this formatter knows (then the node is copied).
        """
        children = tree.children
        for i, child in enumerate(children):
            last = at_end and i == len(children) - 1
            # Something after a closing brace: only a localised text on one line, which stays on it
            # (`retention criteria { nb "..." en "..." } for logs`; no comment can be inside).
            if out and isinstance(out[-1], tuple) and out[-1][0] == "braces" and not self.inline_text(out):
                return False
            if isinstance(child, Token):
                if child == "{" and child.type != "STRING":
                    if children[-1] != "}":
                        return False
                    out.append(("braces", tree))
                    return True
                out.append(self.word(child, str(tree.data)))
                continue
            data = str(child.data)
            if data in ("names", "strings", "routes", "citations") and last and tree.data != "names":
                out.append(("list", child))
            elif data == "duration":
                amount = _digits(str(child.children[0]))
                unit = str(child.children[1]).rstrip("s")
                out.append(f"{amount} {unit}{'' if amount == '1' else 's'}")
            elif data == "flag":
                if str(child.children[0]) != "yes":
                    out.append(str(child.children[0]))
            elif not self.flatten(child, out, last):
                return False
        return True

    def inline_text(self, out: list[Any]) -> bool:
        """Replace the brace group at the end of ``out`` by its words when it is a localised text
        written on one line; False when it is not one."""
        group = out[-1][1]
        start, end = self.extent(group)
        if str(group.data) != "text_localised" or self.line(start) != self.line(max(start, end - 1)):
            return False
        words: list[str] = []
        for item in group.children:
            if isinstance(item, Tree):
                parts: list[Any] = []
                self.flatten(item, parts)
                words.append(_join(parts))
        out[-1] = "{ " + " ".join(words) + " }" if words else "{}"
        return True

    def word(self, token: Token, context: str) -> str:
        if token.type == "STRING":
            value = _unquote(token)
            if context in _BARE_OK and is_bare_name(value):
                return value
            return quote(value)
        if token.type == "INT":
            return _digits(str(token))
        return str(token)

    def braces(self, head: str, tree: Tree[Token], depth: int, inner: list[_Comment]
               ) -> tuple[list[_Line], list[_Comment]]:
        children = tree.children
        open_index = next(i for i, c in enumerate(children) if isinstance(c, Token) and c == "{"
                          and c.type != "STRING")
        open_tok = children[open_index]
        assert isinstance(open_tok, Token)
        open_pos = open_tok.start_pos or 0
        hoisted = [c for c in inner if c.start < open_pos]
        inside = [c for c in inner if c.start >= open_pos]
        items = [c for c in children[open_index + 1:-1] if isinstance(c, Tree)]
        data = str(tree.data)
        if not items and not inside:
            if data in _OPTIONAL_BRACES:
                return [_Line(depth, head)], hoisted
            return [_Line(depth, f"{head} {{}}")], hoisted
        open_line = self.line(open_pos)
        if data == "text_localised" and not inside and self.line(self.extent(items[0])[0]) == open_line:
            words = []
            for item in items:
                parts: list[Any] = []
                self.flatten(item, parts)
                words.append(_join(parts))
            one = f"{head} {{ {' '.join(words)} }}"
            if len(INDENT * depth + one) <= WIDTH:
                return [_Line(depth, one)], hoisted
        order = ORDER.get(data)
        body, header = self.items(items, inside, open_line, depth + 1, order)
        first = _Line(depth, f"{head} {{", header[0].text if header else None)
        lines: list[_Line] = [first]
        for c in header[1:]:
            if c.cont:
                lines.append(_Line(depth, "", c.text, cont=True))
            else:
                hoisted.append(c)
        lines.extend(line if line is not None else _Line(-1, "") for line in body)
        lines.append(_Line(depth, "}"))
        return lines, hoisted

    def list_lines(self, head: str, tree: Tree[Token], comments: list[_Comment], depth: int) -> list[_Line]:
        items: list[tuple[str, int]] = []
        for child in tree.children:
            if isinstance(child, Token) and child == "," and child.type != "STRING":
                continue
            parts: list[Any] = []
            if isinstance(child, Token):
                parts.append(self.word(child, str(tree.data)))
            else:
                self.flatten(child, parts)
            items.append((_join(parts), self.extent(child)[0]))
        lines: list[_Line] = []
        current = _Line(depth, f"{head} {items[0][0]}")
        ci = 0
        last = len(items) - 1
        for i, (text, start) in enumerate(items[1:], start=1):
            between: list[_Comment] = []
            while ci < len(comments) and comments[ci].start < start:
                between.append(comments[ci])
                ci += 1
            if between:
                current.code += ","
                own = [c for c in between if c.own_line]
                trail = [c for c in between if not c.own_line]
                if trail:
                    current.comment = trail[0].text
                    own = sorted(own + trail[1:], key=lambda c: c.start)
                lines.append(current)
                lines.extend(_Line(depth + 1, c.text) for c in own)
                current = _Line(depth + 1, text)
                continue
            candidate = f"{current.code}, {text}"
            if len(INDENT * current.depth + candidate) + (1 if i < last else 0) <= WIDTH:
                current.code = candidate
            else:
                current.code += ","
                lines.append(current)
                current = _Line(depth + 1, text)
        lines.append(current)
        for c in comments[ci:]:  # after the last item but inside the list: cannot happen
            lines.insert(0, _Line(depth, c.text))
        return lines

    def verbatim(self, node: Tree[Token], depth: int) -> list[_Line]:
        start, end = self.extent(node)
        text = self.src.text[start:end].split("\n")
        lines = [_Line(depth, text[0].rstrip())]
        lines.extend(_Line(0, raw.rstrip(), raw=True) for raw in text[1:])
        return lines


def _join(words: Iterable[Any]) -> str:
    out = ""
    for w in words:
        if w == ",":
            out += ","
        elif out:
            out += " " + w
        else:
            out = w
    return out


def _assemble(out: _Out) -> str:
    lines: list[_Line | None] = []
    for line in out:
        if line is None or line.depth < 0:
            if lines and lines[-1] is not None:
                lines.append(None)
            continue
        lines.append(line)
    while lines and lines[-1] is None:
        lines.pop()
    # Align the trailing comments of consecutive lines.
    i = 0
    while i < len(lines):
        line = lines[i]
        if line is None or line.comment is None or not line.code:
            i += 1
            continue
        j = i + 1
        while j < len(lines):
            nxt = lines[j]
            if nxt is None or nxt.comment is None or nxt.depth != line.depth or nxt.raw or not (
                    nxt.code or nxt.cont):
                break
            j += 1
        run = [ln for ln in lines[i:j] if ln is not None]
        column = max(len(_code(ln)) for ln in run if ln.code) + 2
        for ln in run:
            ln.code = _code(ln).ljust(column) + (ln.comment or "")
            ln.comment = None
            ln.raw = True
        i = j
    return "".join((_code(ln) or (INDENT * ln.depth + (ln.comment or "") if ln.cont else "") if ln is not None
                    else "") + "\n" for ln in lines)


def _code(line: _Line) -> str:
    return line.code if line.raw else (INDENT * line.depth + line.code if line.code else "")


# ---------------------------------------------------------------- entry points


def _newline_of(text: str) -> str:
    match = re.search(r"\r\n|\r|\n", text)
    return match.group() if match else "\n"


def format_text(text: str, path: str = "<string>", *, check: bool = True) -> FormatResult:
    """Format one file's text.

    Never raises for bad input: a file that does not parse comes back with ``output=None`` and
    the syntax diagnostics. With ``check`` (the default), changed output is re-parsed and its
    model and comments compared with the input's (``FormatterBug`` if they differ), and so is what
    each suppression covers: when the layout would make a ``# privacy-dsl: ignore[...]`` start or
    stop hiding a finding, the result has ``output=None`` and an ``E190`` diagnostic at the
    suppression, and nothing may be written.
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    newline = _newline_of(text)
    body = normalise_newlines(text.removeprefix("\ufeff"))
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the collector makes big parses non-linear; nothing here is cyclic garbage
    try:
        try:
            tree = _cst_parser().parse(body)
        except UnexpectedInput:
            parsed = parse_text(text, path)
            return FormatResult(path, text, None, parsed.diagnostics)
        comments = []
        for start, line, column, comment in scan_comments(body):
            line_start = body.rfind("\n", 0, start) + 1
            own = not body[line_start:start].strip()
            comments.append(_Comment(start, line, column, comment.rstrip(), own))
        formatted = _Formatter(body, comments).format(tree)
    finally:
        if gc_was_enabled:
            gc.enable()
    if newline != "\n":
        formatted = formatted.replace("\n", newline)
    output = bom + formatted
    if check and output != text:
        moved = _check(text, output, path)
        if moved is not None:
            return FormatResult(path, text, None, (moved,))
    return FormatResult(path, text, output)


def _check(source: str, output: str, path: str) -> Diagnostic | None:
    before, after = parse_text(source, path), parse_text(output, path)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        _compare(before, after, path)
        return _compare_suppressions(source, before, output, after, path)
    finally:
        if gc_was_enabled:
            gc.enable()


def _compare(before: Any, after: Any, path: str) -> None:
    if before.document is None:
        raise FormatterBug(f"{path}: the formatter parsed text that the linter cannot parse")
    if after.document is None:
        raise FormatterBug(f"{path}: the formatted text does not parse: {after.diagnostics[0].message}")
    if model_signature(before.document) != model_signature(after.document):
        raise FormatterBug(f"{path}: formatting would change the meaning of the policy")
    if comment_texts(before.comments) != comment_texts(after.comments):
        raise FormatterBug(f"{path}: formatting would lose or change a comment")


# ---------------------------------------------------------------- suppressions keep their coverage


def _compare_suppressions(source: str, before: Any, output: str, after: Any, path: str) -> Diagnostic | None:
    """``E190`` at a suppression whose coverage the formatted text would change, else None.

    Two checks (a suppression covers findings by line, and formatting moves lines):

    * for every span of the model (each node and each statement, in model order, which is the
      same before and after), the suppressions whose range holds its first line, in file order,
      must be the same: this holds for any finding any rule could make there, also findings
      that need the policy's other files;
    * linting the file on its own (every rule, every jurisdiction) must give the same findings
      and the same suppressed ones: per (code, message without positions, suppression reason).
    """
    from ..language.suppressions import parse_suppressions

    if not any(_DIRECTIVE.search(c.text) for c in before.comments):
        return None  # no suppression: nothing to compare (the common case costs nothing)
    sups_before = parse_suppressions(before.comments, _body(source), _block_ends(before.document))
    sups_after = parse_suppressions(after.comments, _body(output), _block_ends(after.document))
    lines_before = _span_lines(before.document)
    lines_after = _span_lines(after.document)
    if len(lines_before) != len(lines_after):  # not expected: the models are equal
        return _moved(path, sups_before, None, "change")
    for line_b, line_a in zip(lines_before, lines_after, strict=True):
        covering_b = [s for s in sups_before if s.first_line <= line_b <= s.last_line]
        covering_a = [s for s in sups_after if s.first_line <= line_a <= s.last_line]
        if [_effect(s) for s in covering_b] != [_effect(s) for s in covering_a]:
            if not covering_b:
                return _moved(path, sups_before, covering_a[0], "start")
            return _moved(path, sups_before, covering_b[0], "stop" if not covering_a else "change")
    if _lint_outcome(source, path) != _lint_outcome(output, path):
        return _moved(path, sups_before, None, "change")
    return None


def _body(text: str) -> str:
    return normalise_newlines(text.removeprefix("\ufeff"))


def _block_ends(document: Any) -> dict[int, int]:
    return {b.span.line: b.span.end_line for b in document.blocks}


def _effect(sup: Any) -> tuple[Any, ...]:
    return (sup.codes, sup.reason, sup.until, sup.problem)


def _span_lines(document: Any) -> list[int]:
    """The first line of every span of ``document``, in model order (``field_spans`` by name)."""
    out: list[int] = []
    stack: list[Any] = [dataclasses.asdict(document)]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            span = value.get("span")
            if isinstance(span, dict) and "line" in span:
                out.append(span["line"])
            spans = value.get("field_spans")
            if isinstance(spans, dict):
                out.extend(spans[k]["line"] for k in sorted(spans) if isinstance(spans[k], dict))
            stack.extend(reversed([v for k, v in value.items() if k not in ("span", "field_spans")]))
        elif isinstance(value, (list, tuple)):
            stack.extend(reversed(value))
    return out


_POSITION = re.compile(r"\S*:\d+:\d+")


def _lint_outcome(text: str, path: str) -> Counter[tuple[str, str, str | None]]:
    from ..lint.config import Config
    from ..lint.engine import lint_text

    config = Config(jurisdictions=("eu", "no", "fr"))
    return Counter((d.code, _POSITION.sub("<position>", d.message), d.suppressed)
                   for d in lint_text(text, path, config))


def _moved(path: str, sups: list[Any], sup: Any, how: str) -> Diagnostic:
    """``E190`` at ``sup`` (a suppression of the source, or the one of the source that reads the same
    as ``sup`` of the output; the first suppression of the file if there is none)."""
    from ..diagnostics import builtin
    from ..span import Span

    if sup is not None and sup not in sups:
        sup = next((s for s in sups if _effect(s) == _effect(sup)), None)
    if sup is None and sups:
        sup = sups[0]
    what = {"start": "start hiding findings it does not hide now",
            "stop": "stop hiding findings it hides now"}.get(how, "change which findings it hides")
    if sup is None:
        span = Span(path=path, line=1, column=1, end_line=1, end_column=1)
    else:
        span = Span(path=path, line=sup.line, column=sup.column, end_line=sup.line, end_column=sup.end_column)
    return builtin("E190", f"formatting would move this suppression so that it would {what}: the file is "
                           "left as it is", span,
                   hint="put the suppression on a line of its own just before the statement or block it is "
                        "for, or at the end of that statement's line, then format again")


def model_signature(document: Any) -> Any:
    """The model of a document without positions: what formatting must not change."""
    return _strip(dataclasses.asdict(document))


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in ("span", "field_spans", "path")}
    if isinstance(value, (list, tuple)):
        return [_strip(v) for v in value]
    return value


def comment_texts(comments: Iterable[Any]) -> list[str]:
    return sorted(str(c.text).rstrip() for c in comments)


def format_string(text: str) -> str:
    """The formatted text; ``ValueError`` with the first diagnostic when it does not parse."""
    result = format_text(text)
    if result.output is None:
        first = result.diagnostics[0]
        raise ValueError(f"{first.span}: {first.message}")
    return result.output


def _digits(number: str) -> str:
    """A whole number without leading zeros; not through ``int()``, which refuses 4,300 digits."""
    return number.lstrip("0") or "0"
