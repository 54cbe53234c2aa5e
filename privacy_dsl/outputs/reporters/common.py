"""What every reporter shares: the ``Report`` it renders, the ``RuleInfo`` of each code (SARIF
rules, JUnit cases), display paths and the per-rule statistics. The format modules import this, and
the package's ``render`` imports them, so there is no cycle."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import field
from typing import TYPE_CHECKING

from ...diagnostics import Diagnostic, Severity, printable
from ...records import dataclass
from ...version import __version__

if TYPE_CHECKING:
    from ...codes import Code
    from ...lint.rules.base import Rule

FORMATS = ("full", "concise", "json", "sarif", "github", "junit")
#: Formats whose output is read by a program: nothing else may be mixed into their stream.
MACHINE_FORMATS = frozenset({"json", "sarif", "junit"})


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a reporter needs to know about a rule or an input code (SARIF rules, JUnit cases)."""

    code: str
    name: str
    category: str
    severity: Severity  # effective severity in this run
    summary: str
    description: str  # the "What it does" section, plain paragraphs
    doc: str  # the full documentation, Markdown
    url: str
    #: The code's message templates (id -> text with ``{arg}`` fields), as the catalogue has them.
    messages: Mapping[str, str] = field(default_factory=dict)


def code_info(code: Code, severity: Severity | None = None) -> RuleInfo:
    """A catalogue entry as reporters need it, with the severity the configuration gives it."""
    return RuleInfo(code.code, code.name, code.category, severity or code.severity, code.summary,
                    _section(code.doc, "What it does") or code.doc or code.summary, code.explain(), code.url,
                    code.messages)


def rule_info(rule: Rule, severity: Severity | None = None) -> RuleInfo:
    """A lint rule's metadata, with the severity the configuration gives it."""
    from ...lint.catalogue import from_rule

    return code_info(from_rule(rule), severity)


def builtin_infos() -> tuple[RuleInfo, ...]:
    """The input and resolution codes of ``lint`` (E001-E206) as rules: they are results too."""
    from ...lint.catalogue import codes

    return tuple(code_info(c) for c in codes("input"))


def lookup_info(code: str) -> RuleInfo | None:
    """Metadata for a code that the report's rule list does not hold (defensive)."""
    from ...lint.catalogue import get

    found = get(code)
    return None if found is None else code_info(found)


def _section(doc: str, title: str) -> str:
    """The text of one ``## title`` section of a rule docstring."""
    lines = doc.split("\n")
    try:
        start = lines.index(f"## {title}") + 1
    except ValueError:
        return ""
    body: list[str] = []
    for line in lines[start:]:
        if line.startswith("## "):
            break
        body.append(line)
    paragraphs = "\n".join(body).strip().split("\n\n")
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


@dataclass(slots=True)
class Report:
    diagnostics: list[Diagnostic]
    sources: dict[str, str] = field(default_factory=dict)
    files: int = 0
    color: bool = False
    show_suppressed: bool = False
    #: The rules that ran (with their effective severity), for SARIF and JUnit.
    rules: tuple[RuleInfo, ...] = ()
    #: Files whose policy could not be parsed, so no rule ran on them.
    skipped: frozenset[str] = frozenset()
    #: The lowest severity that fails the run (JUnit marks such findings as failures).
    fail_level: Severity = Severity.INFO
    #: No summary lines: only the findings.
    quiet: bool = False
    tool_version: str = __version__

    @property
    def shown(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if self.show_suppressed or d.suppressed is None]

    @property
    def active(self) -> list[Diagnostic]:
        """The findings that count: not suppressed."""
        return [d for d in self.diagnostics if d.suppressed is None]

    @property
    def paths(self) -> list[str]:
        """Every file the report is about: the files read and the paths of any diagnostic."""
        return sorted(set(self.sources) | {d.span.path for d in self.diagnostics})

    def counts(self) -> dict[Severity, int]:
        found = Counter(d.severity for d in self.active)
        return {s: found.get(s, 0) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)}

    @property
    def suppressed(self) -> int:
        return sum(d.suppressed is not None for d in self.diagnostics)

    def summary(self) -> str:
        """One line: what was checked and what was found."""
        active = self.active
        c = self.counts()
        files = _plural(self.files, "file")
        if not active:
            line = f"All clear: {files} checked, no findings."
        else:
            line = (f"Found {_plural(len(active), 'finding')} in {files}: {_plural(c[Severity.ERROR], 'error')}, "
                    f"{_plural(c[Severity.WARNING], 'warning')}, {c[Severity.INFO]} info.")
        if self.suppressed:
            line += f" ({self.suppressed} suppressed{', shown above' if self.show_suppressed else ''})"
        return line


def display_path(path: str) -> str:
    """A file name as text formats print it at the start of a line: control characters and the
    bytes of a non-UTF-8 name escaped, and ``./`` before a name that starts with ``:`` (a file
    named ``::error::x.privacy`` must not read as a GitHub workflow command)."""
    path = printable(path)
    return f"./{path}" if path.startswith(":") else path


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class Statistic:
    code: str
    name: str
    severity: Severity
    count: int


def statistics(diagnostics: Iterable[Diagnostic]) -> list[Statistic]:
    """Unsuppressed findings counted per rule: most frequent first, then by code."""
    counts: Counter[tuple[str, str, Severity]] = Counter(
        (d.code, d.name, d.severity) for d in diagnostics if d.suppressed is None)
    stats = [Statistic(code, name, severity, n) for (code, name, severity), n in counts.items()]
    return sorted(stats, key=lambda s: (-s.count, s.code, -s.severity))


@dataclass(frozen=True, slots=True)
class Fact:
    """What one rule found, over all its findings: how many, and about how many objects."""

    code: str
    name: str
    severity: Severity
    findings: int
    objects: int
    #: What the objects are ("purposes", "cookies", ...), when they are all of one kind.
    noun: str


def _noun(label: str) -> str:
    return label.split("`", 1)[0].strip()


def _kinds(d: Diagnostic) -> set[str]:
    """The nouns of the objects one finding is about ("purpose", "local storage"); none for a
    finding about the notice as a whole."""
    from ...lint.facts import SUBJECT_ARGS, label

    args = dict(d.args)
    key = next((k for k in SUBJECT_ARGS if k in args), None)
    if key is None:
        return set()
    return {_noun(label(key, args[key])), *(_noun(r.label) for r in d.related)}


#: The nouns of the kinds of browser storage (``model.StorageKind.noun``): mixed, they are "trackers"
#: (the CNIL's word for all of them).
_TRACKERS = frozenset({"cookie", "local storage", "session storage", "IndexedDB", "pixel", "SDK", "fingerprint",
                       "cache storage"})


def facts(diagnostics: Iterable[Diagnostic]) -> list[Fact]:
    """Unsuppressed findings per rule with the objects they are about: errors first, then the rule
    that affects the most objects (what the end of the full and github formats summarises)."""
    from ...lint.facts import PLURALS, affected

    rows: dict[tuple[str, Severity], list[Diagnostic]] = {}
    for d in diagnostics:
        if d.suppressed is None:
            rows.setdefault((d.code, d.severity), []).append(d)
    out = []
    for (code, severity), found in rows.items():
        objects = sum(affected(d) for d in found)
        kinds: set[str] = set().union(*(_kinds(d) for d in found))
        if not kinds or not all(_kinds(d) for d in found):
            noun = ""
        elif len(kinds) == 1:
            kind = next(iter(kinds))
            noun = PLURALS.get(kind, kind) if objects > 1 else kind
        else:
            noun = ("trackers" if objects > 1 else "tracker") if kinds <= _TRACKERS else "objects"
        out.append(Fact(code, found[0].name, severity, len(found), objects, noun))
    return sorted(out, key=lambda f: (-f.severity, -f.objects, f.code))


def render_facts(report: Report) -> list[str]:
    """The summary by fact that ends the full format (when there are two findings or more)."""
    found = facts(report.diagnostics)
    if sum(f.findings for f in found) < 2:
        return []
    code_width = max(len(f.code) for f in found)
    name_width = max(len(f.name) for f in found)
    out = ["By rule, most serious and most widespread first:"]
    for f in found:
        count = f"{f.findings} finding{'s' if f.findings > 1 else ''}"
        about = f", {f.objects} {f.noun}" if f.noun else ""
        out.append(f"  {f.severity.label:<7}  {f.code:<{code_width}}  {f.name:<{name_width}}  {count}{about}")
    return [*out, ""]


def render_statistics(report: Report) -> str:
    """The ``--statistics`` table: count, code, name, severity."""
    stats = statistics(report.diagnostics)
    if not stats:
        return "" if report.quiet else "No findings.\n"
    width = max(len(str(s.count)) for s in stats)
    code_width = max(len(s.code) for s in stats)
    name_width = max(len(s.name) for s in stats)
    return "".join(f"{s.count:>{width}}  {s.code:<{code_width}}  {s.name:<{name_width}}  [{s.severity.label}]\n"
                   for s in stats)
