"""Diagnostics: one immutable value per finding, rendered by reporters, never printed by rules.

Input problems (unreadable files, syntax, unresolved names) have codes too, from the table
``BUILTIN`` below, so that every message a user sees can be looked up with ``privacy-dsl explain``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Span

DOCS_URL = "https://github.com/privacy-dsl/privacy-dsl/blob/main/docs/rules"


class Severity(IntEnum):
    """Ordered so that ``severity >= fail_level`` decides the exit code."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        return cls[value.upper()]


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

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.span.path, self.span.line, self.span.column, self.code)

    def with_severity(self, severity: Severity) -> Diagnostic:
        return replace(self, severity=severity)


@dataclass(frozen=True, slots=True)
class Builtin:
    """Metadata of a diagnostic that is not a lint rule (input and resolution problems)."""

    code: str
    name: str
    summary: str
    fatal: bool
    doc: str
    severity: Severity = Severity.ERROR


BUILTIN: dict[str, Builtin] = {
    b.code: b
    for b in (
        Builtin("E001", "unreadable-file", "The file could not be read.", True,
                "The file does not exist, is a symbolic-link loop, is not a regular file (a named pipe, a "
                "device or a socket: these are never opened, so a hook cannot hang on them), or permission "
                "was denied; or a folder could not be searched (also a path too long for the system, or "
                "folders nested more than 100 levels deep, which are not searched)."),
        Builtin("E002", "invalid-encoding", "The file is not valid UTF-8.", True,
                "Policy files are UTF-8 text. The message gives the byte offset of the first "
                "invalid byte; re-save the file as UTF-8. A UTF-16 or UTF-32 file (with a byte-order "
                "mark, or mostly ASCII text with NUL bytes in between, as Windows PowerShell's `>` "
                "writes) is named as such."),
        Builtin("E003", "binary-file", "The file holds NUL bytes: it is not text.", True,
                "A policy file must be text; a NUL byte means a binary or corrupted file."),
        Builtin("E004", "empty-file", "The file holds no declarations.", True,
                "An empty policy file is usually a mistake (a failed save, a stub). Write at least "
                "one block, or delete the file."),
        Builtin("E005", "file-too-large", "The file is larger than the configured limit.", True,
                "Very large files are refused so that a hook never hangs. Raise `max-file-bytes` "
                "in the configuration if the file is genuine."),
        Builtin("E006", "no-policy-files", "No .privacy files were found under the given path.", True,
                "privacy-dsl lints files ending in `.privacy`. Check the path."),
        Builtin("E007", "outside-path", "A linked file points outside the path being linted.", True,
                "A `.privacy` file that is a symbolic link is read only when it leads to a `.privacy` file "
                "inside its own policy directory (the folder that holds the link, or a folder below it "
                "that is not hidden). A link anywhere else is refused and not opened, however the file is "
                "reached: a directory searched, or a file given, as pre-commit gives. Links to "
                "directories are not followed at all."),
        Builtin("E020", "bidi-control", "The text holds an invisible bidirectional-control character.", False,
                "Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) change "
                "the order in which text is *displayed* without changing what it *is*: a policy can read "
                "one way in an editor or a code review and mean another (\"Trojan Source\", "
                "CVE-2021-42574). The message names the character and its position; delete it, or write "
                "the text without it. Like rustc's `text_direction_codepoint_in_literal` and GitHub's "
                "warning, this is a warning: the policy is still checked. The direction marks U+200E, "
                "U+200F and U+061C, which right-to-left text uses legitimately, are not reported. Where "
                "an override is meant, suppress it on its line: `# privacy-dsl: ignore[E020] -- reason`.",
                Severity.WARNING),
        Builtin("E080", "invalid-configuration", "The configuration file cannot be used.", True,
                "`pyproject.toml` (`[tool.privacy-dsl]`), `privacy-dsl.toml` or the file given with `--config` "
                "is not valid TOML, is not a regular file, is over 1 MiB, or holds a key or value the "
                "configuration does not accept (a wrong type, an empty `select`, an unknown rule). The "
                "message says which key and why; nothing is linted, and the exit code is 2."),
        Builtin("E081", "unreadable-manifest", "The fides manifest given to `import` cannot be read.", True,
                "The file is not a regular file, is larger than `max-manifest-bytes` (default 2 MiB), is "
                "not UTF-8, is not valid YAML (or is nested too deeply, or holds an impossible date such "
                "as 2026-02-30), or is not a fides manifest (no top-level `system:` or `organization:`), "
                "or a field holds a value of the wrong type. The message gives the line and column where "
                "YAML gives one; nothing is written, and the exit code is 2."),
        Builtin("E100", "syntax-error", "The text does not follow the policy grammar.", True,
                "The message says what was found and what the grammar expected at that point."),
        Builtin("E101", "unterminated-string", "A quoted string is not closed on its line.", True,
                "Strings are written in double quotes and end on the line they start on. "
                "Write `\\\"` for a quote inside a string."),
        Builtin("E102", "unclosed-block", "The file ends inside a block.", True,
                "Every `{` needs a matching `}`. The message names the block that is still open."),
        Builtin("E190", "fmt-moves-suppression", "Formatting would change what a suppression hides.", True,
                "Reported by `privacy-dsl fmt` (also with `--check` and `--diff`), which then leaves the "
                "file as it is. A `# privacy-dsl: ignore[...]` comment hides findings by line: at the end "
                "of a line it covers what starts on that line, on a line of its own the next line (or "
                "the whole block that line opens). `fmt` keeps a suppression at the end of the line of "
                "the statement it was on and checks that every suppression hides the same findings after "
                "formatting; where the canonical layout cannot keep that (a suppression at the end of a "
                "continuation line, or after several statements on one line), it refuses rather than "
                "silently hiding or revealing a finding. Put the suppression on a line of its own before "
                "the statement or block it is for, and format again."),
        Builtin("E200", "undefined-reference", "A name refers to nothing declared in the policy.", False,
                "References resolve across all `.privacy` files of one policy directory. Declare "
                "the block, or fix the name (a suggestion is given when one is close)."),
        Builtin("E201", "duplicate-definition", "Two blocks of the same kind have the same id.", False,
                "Ids must be unique within a policy across all its files."),
        Builtin("E202", "wrong-reference-kind", "A name refers to a block of another kind.", False,
                "For example, `recipients` must name `recipient` blocks, not categories."),
        Builtin("E203", "unknown-taxonomy-key", "A taxonomy key is not in the fideslang taxonomy.", False,
                "Data categories use fideslang data-category keys (`user.contact.email`), purposes "
                "use data-use keys (`marketing.communications.email`). See `privacy-dsl taxonomy`."),
        Builtin("E204", "invalid-value", "A value is not one of those the statement accepts.", False,
                "Enumerated values (roles, mechanisms, methods, rights, countries, ...) are checked; "
                "the message lists what is accepted and suggests the closest."),
        Builtin("E205", "duplicate-statement", "A statement that takes one value is given twice.", False,
                "Only the first is used; remove the other."),
        Builtin("E206", "duplicate-controller", "More than one controller block in a policy.", False,
                "Joint controllers are declared as recipients with `role joint_controller`."),
    )
}


def builtin(
    code: str,
    message: str,
    span: Span,
    hint: str | None = None,
    args: Iterable[tuple[str, str]] = (),
) -> Diagnostic:
    """A diagnostic for one of the ``BUILTIN`` codes."""
    meta = BUILTIN[code]
    return Diagnostic(
        code=code,
        name=meta.name,
        category="input" if code < "E200" else "resolution",
        severity=meta.severity,
        message=bound_message(message),
        span=span,
        hint=None if hint is None else bound_message(hint),
        url=f"{DOCS_URL}/input.md#{code.lower()}-{meta.name}",
        fatal=meta.fatal,
        args=tuple(args),
    )


@dataclass(frozen=True, slots=True)
class CodeTable:
    """The codes of one non-rule category (export, notice): call it to make one of its diagnostics.

    ``codes`` maps each code to its name and severity; ``docs`` is the page that documents them, with
    an anchor ``#<code>-<name>`` for each.
    """

    category: str
    docs: str
    codes: dict[str, tuple[str, Severity]]

    def __call__(self, code: str, message: str, span: Span, hint: str | None = None) -> Diagnostic:
        name, severity = self.codes[code]
        return Diagnostic(code=code, name=name, category=self.category, severity=severity,
                          message=bound_message(message), span=span,
                          hint=None if hint is None else bound_message(hint), url=f"{self.docs}#{code.lower()}-{name}")


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
    (``builtin``, ``CodeTable``, the rules' and verify's diagnostics) rather than each call site.
    """
    if len(text) <= 60:
        return text

    def cut(match: re.Match[str]) -> str:
        quoted = match.group()
        return quoted if len(quoted) <= 62 else f"{quoted[0]}{shorten(quoted[1:-1])}{quoted[0]}"

    text = _QUOTED.sub(cut, text)
    return shorten(text, MAX_MESSAGE)


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
    from .model import Span

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
            "E020", f"invisible bidirectional control U+{ord(char):04X} {BIDI_CONTROLS[char]}: the text may "
            "display in another order than it is read", Span(path, line, column, line, column + 1),
            hint="delete it: it can make the policy read differently in an editor or a review (Trojan Source)",
            args=(("codepoint", f"U+{ord(char):04X}"),)))
    return out


def did_you_mean(word: str, options: Iterable[str]) -> str | None:
    """The closest option to ``word``, if one is close enough to be a likely typo."""
    opts = list(options)
    if len(word) > 200:  # no option is that long; skip the quadratic comparison
        return None
    lowered = {o.lower(): o for o in opts}
    if word.lower() in lowered and lowered[word.lower()] != word:
        return lowered[word.lower()]
    matches = difflib.get_close_matches(word, opts, n=1, cutoff=0.75)
    if not matches:
        matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.75)
        matches = [lowered[m] for m in matches]
    return matches[0] if matches else None


def suggestion_hint(word: str, options: Iterable[str], what: str = "") -> str | None:
    guess = did_you_mean(word, options)
    return f"did you mean `{guess}`?" if guess else (f"expected {what}" if what else None)
