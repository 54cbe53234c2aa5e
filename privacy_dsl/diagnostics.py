"""Diagnostics: one immutable value per finding, rendered by reporters, never printed by rules.

Every code, the rules' and the others (unreadable files, syntax, unresolved names, verify-cookies,
export, notice), is an entry of the catalogue (``privacy_dsl.lint.catalogue``), so that every
message a user sees can be looked up with ``privacy-dsl explain``; ``builtin`` makes the diagnostic
of a code that is not a lint rule from its entry in ``privacy_dsl.codes.STATIC``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import field, replace

from .codes import DOCS_URL, STATIC, Severity
from .records import dataclass
from .span import Span

__all__ = ["DOCS_URL", "Diagnostic", "Related", "Severity", "builtin"]


@dataclass(frozen=True, slots=True)
class Related:
    """Another object one finding is about, and where it is (SARIF ``relatedLocations``): a finding
    about a value fourteen purposes inherit names the fourteen (``lint.facts.grouped``)."""

    span: Span
    label: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    name: str
    category: str
    severity: Severity
    message: str
    span: Span
    hint: str | None = None
    url: str | None = None
    #: True for problems that make the input unusable (exit code 2): unreadable file, syntax error.
    fatal: bool = False
    #: The reason given by an inline suppression, when the finding was suppressed.
    suppressed: str | None = None
    #: Extra machine-readable arguments of the message (pyflakes style).
    args: tuple[tuple[str, str], ...] = field(default=())
    #: The id of the code's message template that ``message`` was formatted from (None: free text).
    message_id: str | None = None
    #: The other objects the finding is about, when it is one finding for several (``lint.facts``).
    related: tuple[Related, ...] = ()

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.span.path, self.span.line, self.span.column, self.code)

    def with_severity(self, severity: Severity) -> Diagnostic:
        return replace(self, severity=severity)


def builtin(
    code: str,
    message: str | None,
    span: Span,
    hint: str | None = None,
    args: Iterable[tuple[str, str]] = (),
    message_id: str | None = None,
) -> Diagnostic:
    """A diagnostic for a code of the catalogue that is not a lint rule (input, resolution,
    verify-cookies, export and notice codes). With ``message`` None, the text is the code's template
    ``message_id`` (its first one when not given) filled from ``args``."""
    meta = STATIC[code]
    pairs = tuple(args)
    if message is None:
        message = meta.template(message_id).format_map(dict(pairs))
        message_id = message_id or next(iter(meta.messages), None)
    return Diagnostic(
        code=code,
        name=meta.name,
        category=meta.category,
        severity=meta.severity,
        message=bound_message(message),
        span=span,
        hint=bound_hint(hint),
        url=meta.url,
        fatal=meta.fatal,
        args=pairs,
        message_id=message_id,
    )


def shorten(text: str, width: int = 60) -> str:
    """``text`` cut to ``width`` characters with an ellipsis in the middle, for names and paths
    quoted in messages: both ends stay (a path's file name, a name's distinguishing suffix)."""
    if len(text) <= width:
        return text
    head = (width - 3) * 2 // 3
    return text[:head] + "..." + text[len(text) - (width - 3 - head):]


#: A name or string quoted in a message: in backticks or double quotes.
_QUOTED = re.compile(r"`[^`]*`|\"[^\"]*\"")  # every pair, left to right: never the prose between two
#: The longest message (or hint) a diagnostic carries, whatever it quotes.
MAX_MESSAGE = 400


def bound_message(text: str) -> str:
    """``text`` with every quoted name shortened to 60 characters, and at most ``MAX_MESSAGE`` long.

    Messages quote names and values from the input (`` `name` `` or ``"text"``); input is hostile
    and may hold a 10,000-character name, so every diagnostic's message and hint go through here
    (``builtin``, the rules' and the suppression rules' diagnostics) rather than each call site.
    """
    if len(text) <= 60:
        return text

    def cut(match: re.Match[str]) -> str:
        quoted = match.group()
        return quoted if len(quoted) <= 62 else f"{quoted[0]}{shorten(quoted[1:-1])}{quoted[0]}"

    text = _QUOTED.sub(cut, text)
    return shorten(text, MAX_MESSAGE)


_LONG_WORD = re.compile(r"\S{61,}")


def bound_hint(text: str | None) -> str | None:
    """A hint (``None`` stays ``None``) with every word of more than 60 characters shortened, and at
    most ``MAX_MESSAGE`` long. A hint quotes statements to write (`` `basis legitimate_interests {
    interest "..." }` ``), which ``bound_message`` would cut in the middle as if each were one name;
    here only the long words in them (a hostile name) are cut, so the statement stays one to copy."""
    if text is None or len(text) <= 60:
        return text
    return shorten(_LONG_WORD.sub(lambda match: shorten(match.group()), text), MAX_MESSAGE)


#: Characters that must never reach a terminal or a CI log raw: C0 and C1 controls, DEL, the
#: line and paragraph separators, bidirectional controls, and lone surrogates (a file name that is
#: not UTF-8, decoded with ``surrogateescape``).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\x1b": "\\x1b"}


def escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    point = ord(char)
    if 0xDC80 <= point <= 0xDCFF:  # a byte of a non-UTF-8 file name: show the byte
        return f"\\x{point - 0xDC00:02x}"
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def printable(text: str, keep_lines: bool = False) -> str:
    """``text`` safe to print for people: control characters escaped (ESC is ``\\x1b``, a newline
    ``\\n``, U+202E ``\\u202e``, the byte 0xff of a file name ``\\xff``), so data can neither
    start a line of its own (a GitHub workflow command), send terminal escapes, reorder the
    display, nor fail to encode on a strict UTF-8 stream. Every text format uses it; JSON and
    SARIF keep the data exact (see ``json_text``). ``keep_lines`` leaves CR and LF for a format
    that escapes them its own way (the github format's ``%0A``)."""
    if _UNPRINTABLE.search(text) is None:
        return text
    if keep_lines:
        return _UNPRINTABLE.sub(lambda m: m.group() if m.group() in "\r\n" else escape_char(m), text)
    return _UNPRINTABLE.sub(escape_char, text)


def printable_document(text: str) -> str:
    """``printable`` for a whole document made from data (a notice, a diff of a policy): line breaks
    (LF, CRLF) and tabs stay as they are, every other control character is escaped (a lone CR too:
    it would overwrite the line on a terminal)."""
    if _UNPRINTABLE.search(text) is None:
        return text

    def escape(m: re.Match[str]) -> str:
        char = m.group()
        kept = char in "\t\n" or (char == "\r" and text.startswith("\n", m.end()))
        return char if kept else escape_char(m)

    return _UNPRINTABLE.sub(escape, text)


def printable_line(text: str) -> str:
    """``printable(text)`` for a line that starts with data: it can never start with ``::``."""
    text = printable(text)
    stripped = text.lstrip()
    if stripped.startswith("::"):
        text = text[: len(text) - len(stripped)] + "\\x3a" + stripped[1:]
    return text


#: What ``json.dumps(..., ensure_ascii=False)`` leaves raw although a terminal or a log reader may
#: act on it: DEL, C1 controls (NEL is a line break to some), the line and paragraph separators,
#: bidirectional controls; and lone surrogates, which cannot be written as UTF-8 at all.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def json_text(document: str) -> str:
    """A JSON text made safe to print: the characters of ``_JSON_UNSAFE`` are written as JSON
    ``\\uXXXX`` escapes (the same data), except a lone surrogate of a non-UTF-8 file name, which
    becomes the text ``\\xNN`` (its byte), so the document encodes on any UTF-8 stream. They
    only occur inside JSON strings, where an escape is valid."""
    def escape(match: re.Match[str]) -> str:
        point = ord(match.group())
        if 0xD800 <= point <= 0xDFFF:
            return f"\\\\x{point - 0xDC00:02x}" if 0xDC80 <= point <= 0xDCFF else f"\\\\u{point:04x}"
        return f"\\u{point:04x}"

    return _JSON_UNSAFE.sub(escape, document) if _JSON_UNSAFE.search(document) else document


#: Bidirectional embeddings, overrides and isolates: the characters of rustc's
#: `text_direction_codepoint_in_literal` lint (Trojan Source). The direction marks (U+200E,
#: U+200F, U+061C) are not here: Arabic and Hebrew text uses them legitimately, and they cannot
#: reorder a span the way an override does. Text formats escape them all the same (``printable``).
BIDI_CONTROLS = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING", "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING", "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE", "\u2066": "LEFT-TO-RIGHT ISOLATE", "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE", "\u2069": "POP DIRECTIONAL ISOLATE",
}
_BIDI = re.compile("[" + "".join(BIDI_CONTROLS) + "]")
#: At most this many E020 per file: one is enough to look, and a hostile file could hold millions.
MAX_BIDI_REPORTS = 20


def bidi_controls(text: str, path: str) -> list[Diagnostic]:
    """An ``E020`` warning at each bidirectional-control character of a policy file's text."""
    if _BIDI.search(text) is None:
        return []
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    out: list[Diagnostic] = []
    for match in _BIDI.finditer(text):
        if len(out) == MAX_BIDI_REPORTS:
            break
        start = match.start()
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        char = match.group()
        out.append(builtin(
            "E020", None, Span(path, line, column, line, column + 1),
            hint="delete it: it can make the policy read differently in an editor or a review (Trojan Source)",
            args=(("codepoint", f"U+{ord(char):04X}"), ("character", BIDI_CONTROLS[char]))))
    return out


def did_you_mean(word: str, options: Iterable[str]) -> str | None:
    """The closest option to ``word``, if one is close enough to be a likely typo."""
    opts = list(options)
    if len(word) > 200:  # no option is that long; skip the quadratic comparison
        return None
    lowered = {o.lower(): o for o in opts}
    if word.lower() in lowered and lowered[word.lower()] != word:
        return lowered[word.lower()]
    import difflib  # here: a clean lint never guesses

    matches = difflib.get_close_matches(word, opts, n=1, cutoff=0.75)
    if not matches:
        matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.75)
        matches = [lowered[m] for m in matches]
    return matches[0] if matches else None


def suggestion_hint(word: str, options: Iterable[str], what: str = "") -> str | None:
    guess = did_you_mean(word, options)
    return f"did you mean `{guess}`?" if guess else (f"expected {what}" if what else None)
