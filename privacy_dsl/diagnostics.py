"""Diagnostics: one immutable value per finding, rendered by reporters, never printed by rules.

Input problems (unreadable files, syntax, unresolved names) have codes too, from the table
``BUILTIN`` below, so that every message a user sees can be looked up with ``privacy-dsl explain``.
"""

from __future__ import annotations

import difflib
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


BUILTIN: dict[str, Builtin] = {
    b.code: b
    for b in (
        Builtin("E001", "unreadable-file", "The file could not be read.", True,
                "The file does not exist, is not a regular file, or permission was denied."),
        Builtin("E002", "invalid-encoding", "The file is not valid UTF-8.", True,
                "Policy files are UTF-8 text. The message gives the byte offset of the first "
                "invalid byte; re-save the file as UTF-8."),
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
                "privacy-dsl reads only files under the paths it is given (and its configuration). A "
                "symbolic link to a file elsewhere is refused rather than followed; links to directories "
                "are not followed at all."),
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
        severity=Severity.ERROR,
        message=message,
        span=span,
        hint=hint,
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
        return Diagnostic(code=code, name=name, category=self.category, severity=severity, message=message,
                          span=span, hint=hint, url=f"{self.docs}#{code.lower()}-{name}")


def shorten(text: str, width: int = 60) -> str:
    """``text`` cut to ``width`` characters with an ellipsis, for names quoted in messages."""
    return text if len(text) <= width else text[: width - 3] + "..."


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
