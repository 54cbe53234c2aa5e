"""Suppressions: keep ``# privacy-dsl: ignore[...]`` comments honest.

These rules need to know which findings each suppression matched, so they run after all other
rules: the engine (``lint``) calls ``apply_suppressions`` below with every finding of a policy and
the suppressions of its files; their check functions find nothing on their own. Each rule's logic
is the function named after it (``malformed_codes`` for SUP005, ``unused`` for SUP003, ...).

What a suppression can name (one rule for inline suppressions and the configuration's ``ignore``,
read from the catalogue, ``privacy_dsl.lint.catalogue``): any code that ``lint`` reports and that leaves the
input usable (the rules, the warnings and the resolution errors such as E200-E206 and E020). A code
that makes the input unusable (``fatal``: E100, E001, ...) cannot be suppressed, nor a code of
another command (VC001, EXP001); naming one, or a code that does not exist, is SUP005. A retired
code is read as its successor, with a SUP005 note to rename it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping
from dataclasses import replace

from ...codes import Catalogue, Code, Source
from ...diagnostics import Diagnostic, Severity, bound_hint, bound_message, did_you_mean
from ...language import model as m
from ...language.suppressions import Suppression
from ...records import dataclass
from .base import Context, Finding, Rule, rule

_REFS = ("ruff: unused-noqa (RUF100) and blanket-noqa (PGH004), the model for these rules",)


@rule("SUP001", "suppression-without-reason", category="suppressions", severity="warning", references=_REFS,
       messages={
           "no-reason": "suppression without a reason: it hides nothing until one is given",
       })
def suppression_without_reason(ctx: Context) -> Iterator[Finding]:
    """A suppression that gives no reason after `--`.

    ## What it does
    Flags `# privacy-dsl: ignore[CODE]` with no `-- reason`. The reason is required: until one is
    given, the suppression hides nothing and the findings it names are reported.

    ## Why it matters
    A suppressed finding is a decision about a legal risk. The reason is the record of that
    decision (GDPR Art. 5(2), accountability): who reviewed it and why it is acceptable.

    ## Example
    ```privacy
    cookie Webtemp { # privacy-dsl: ignore[CK002]
      party first
    }
    ```

    ## Use instead
    ```privacy
    cookie Webtemp { # privacy-dsl: ignore[CK002] -- expiry confirmed with the vendor, ticket PRIV-12
      party first
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(2) (accountability).
    """
    return iter(())


@rule("SUP002", "blanket-suppression", category="suppressions", severity="warning", references=_REFS,
       messages={
           "blanket": "blanket suppression hides every rule on its line or block",
       })
def blanket_suppression(ctx: Context) -> Iterator[Finding]:
    """A suppression that names no rule code and so hides every finding.

    ## What it does
    Flags `# privacy-dsl: ignore -- reason` without `[CODE]`. The suppression still works.

    ## Why it matters
    A blanket suppression also hides findings that nobody has reviewed, including ones from
    rules added later.

    ## Example
    ```privacy
    cookie Webtemp { # privacy-dsl: ignore -- legacy
      party first
    }
    ```

    ## Use instead
    ```privacy
    cookie Webtemp { # privacy-dsl: ignore[CK002] -- legacy cookie, removed in release 4.2
      party first
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(2) (accountability).
    """
    return iter(())


@rule("SUP003", "unused-suppression", category="suppressions", severity="warning", references=_REFS,
       messages={
           "unused": "suppression matches no finding",
           "unused-codes": "suppression of {codes} matches no finding",
       })
def unused_suppression(ctx: Context) -> Iterator[Finding]:
    """A suppression that no longer matches any finding.

    ## What it does
    Flags a suppression (or one code in it) that matched nothing in this run.

    ## Why it matters
    Stale suppressions hide the next real finding at that place.

    ## Example
    ```privacy
    cookie Webtemp { # privacy-dsl: ignore[CK002] -- vendor gave no expiry
      party first
      expiry 30 days
    }
    ```

    ## Use instead
    ```privacy
    cookie Webtemp {
      party first
      expiry 30 days
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(2) (accountability).
    """
    return iter(())


@rule("SUP004", "expired-suppression", category="suppressions", severity="warning", references=_REFS,
       messages={
           "expired": "suppression expired on {until}; its findings are reported again",
       })
def expired_suppression(ctx: Context) -> Iterator[Finding]:
    """A suppression whose `until` date has passed: it no longer hides anything.

    ## What it does
    Flags `# privacy-dsl: ignore[CODE] until YYYY-MM-DD -- reason` after that date; from then on
    the findings it covered are reported again.

    ## Why it matters
    Time-boxed exceptions are how a privacy team tracks remediation; an expired one is overdue.

    ## Example
    ```privacy
    cookie Webtemp { # privacy-dsl: ignore[CK002] until 2020-01-01 -- fix in Q4
      party first
    }
    ```

    ## Use instead
    ```privacy
    cookie Webtemp {
      party first
      expiry 30 days
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(2) (accountability).
    """
    return iter(())


@rule("SUP005", "malformed-suppression", category="suppressions", severity="warning", references=_REFS,
       messages={
           "unreadable": "malformed suppression: {problem}",
           "unknown": "suppression names no such code: {codes}",
           "retired": "`{code}` is retired and has no successor: the suppression hides nothing for it",
           "redirected": "`{code}` is retired; read as its successor `{successor}`",
           "not-lint": (
            "`{code}` is reported by `privacy-dsl {command}`, not by `lint`: the suppression hides "
            "nothing for it"
        ),
           "fatal": (
            "`{code}` ({name}) makes the input unusable, so it cannot be suppressed: the suppression "
            "hides nothing for it"
        ),
       })
def malformed_suppression(ctx: Context) -> Iterator[Finding]:
    """A `# privacy-dsl:` comment that cannot be read, or names a code it cannot suppress.

    ## What it does
    Flags unknown directives, unreadable `until` dates and codes a suppression cannot name: a code
    that does not exist (with a suggestion), a code that makes the input unusable (E100, E001, ...:
    such a file is never checked), a code of another command (VC001, EXP001) and a retired code
    (read as its successor until it is renamed). An unreadable suppression suppresses nothing.

    ## Why it matters
    A typo in a suppression silently fails to suppress, or silently suppresses the wrong thing.

    ## Example
    ```privacy
    cookie Webtemp { # privacy-dsl: ignore[CK999] -- no such rule
      party first
      expiry 30 days
    }
    ```

    ## Use instead
    ```privacy
    cookie Webtemp {
      party first
      expiry 30 days
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(2) (accountability).
    """
    return iter(())


RULES = (suppression_without_reason, blanket_suppression, unused_suppression, expired_suppression,
         malformed_suppression)
_BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}

#: Where a code comes from when ``lint`` can report it.
_LINT_SOURCES: tuple[Source, ...] = ("rule", "input")


@dataclass(slots=True)
class _Emit:
    """Makes the SUP findings of one run, at the severity the configuration gives each rule."""

    enabled: Mapping[str, Severity]
    out: list[Diagnostic]

    def __call__(self, code: str, path: str, sup: Suppression, message_id: str, args: Mapping[str, str] | None = None,
                 hint: str | None = None) -> None:
        if code not in self.enabled:
            return
        meta = _BY_CODE[code]
        pairs = tuple((args or {}).items())
        span = m.Span(path=path, line=sup.line, column=sup.column, end_line=sup.line, end_column=sup.end_column)
        self.out.append(Diagnostic(code=code, name=meta.name, category=meta.category, severity=self.enabled[code],
                                   message=bound_message(meta.template(message_id).format_map(dict(pairs))),
                                   span=span, hint=bound_hint(hint), url=meta.url,
                                   args=pairs, message_id=message_id))


def suppressible(code: Code) -> str | None:
    """Why a suppression or the configuration's ``ignore`` cannot name this code (None: it can)."""
    if code.source not in _LINT_SOURCES:
        return f"`{code.code}` is reported by `privacy-dsl {code.command}`, not by `lint`"
    if code.fatal:
        return f"`{code.code}` ({code.name}) makes the input unusable, so it cannot be suppressed"
    return None


def malformed_codes(sup: Suppression,
                    catalogue: Catalogue) -> tuple[list[str], list[tuple[str, str | None]], list[Code]]:
    """SUP005's reading of a suppression's codes: (unknown codes, retired codes with their successor,
    codes that cannot be suppressed, ``suppressible`` says why). Rewrites ``sup.codes`` so that a
    retired code stands for its successor."""
    unknown: list[str] = []
    moved: list[tuple[str, str | None]] = []
    refused: list[Code] = []
    effective: list[str] = []
    for name in sup.codes:
        found = catalogue.get(name)
        if found is None or found.code != name:  # unknown, or a name or a lower-case code: not a code
            unknown.append(name)
        elif found.status == "retired":
            live = catalogue.lookup(name)
            moved.append((name, None if live is None else live.code))
            if live is not None:
                effective.append(live.code)
                continue
        elif suppressible(found) is not None:
            refused.append(found)
        effective.append(name)
    sup.codes = tuple(effective)
    return unknown, moved, refused


def malformed(emit: _Emit, path: str, sup: Suppression, catalogue: Catalogue) -> tuple[list[str], bool]:
    """SUP005: an unreadable directive, or codes that do not exist, are retired or cannot be
    suppressed. Returns the codes that are unknown and whether the suppression was unreadable."""
    if sup.problem:
        emit("SUP005", path, sup, "unreadable", {"problem": sup.problem})
        return [], True
    unknown, moved, refused = malformed_codes(sup, catalogue)
    if unknown:
        guess = did_you_mean(unknown[0], [c.code for c in catalogue.codes(*_LINT_SOURCES) if c.suppressible])
        emit("SUP005", path, sup, "unknown", {"codes": ", ".join(unknown)},
             hint=f"did you mean `{guess}`?" if guess else "see `privacy-dsl rules` for the codes")
    for old, new in moved:
        if new is None:
            emit("SUP005", path, sup, "retired", {"code": old},
                 hint=f"remove `{old}` from the suppression")
        else:
            emit("SUP005", path, sup, "redirected", {"code": old, "successor": new},
                 hint=f"write `{new}` instead of `{old}`")
    for found in refused:  # the two reasons of ``suppressible``, in its order
        if found.source not in _LINT_SOURCES:
            emit("SUP005", path, sup, "not-lint", {"code": found.code, "command": found.command},
                 hint="fix the input: an unusable file is never checked, so there is nothing to hide")
            continue
        emit("SUP005", path, sup, "fatal", {"code": found.code, "name": found.name},
             hint="fix the input: an unusable file is never checked, so there is nothing to hide")
    return unknown, False


def expired(emit: _Emit, path: str, sup: Suppression, today: dt.date) -> bool:
    """SUP004: the ``until`` date has passed."""
    if not sup.expired(today):
        return False
    emit("SUP004", path, sup, "expired", {"until": str(sup.until)},
         hint="fix the findings, or extend the date with a new reason")
    return True


def without_reason(emit: _Emit, path: str, sup: Suppression) -> bool:
    """SUP001: no ``-- reason`` (and SUP002 as well when it is blanket too)."""
    if sup.reason:
        return False
    emit("SUP001", path, sup, "no-reason",
         hint="add `-- <why this is acceptable>`")
    blanket(emit, path, sup)
    return True


def blanket(emit: _Emit, path: str, sup: Suppression) -> bool:
    """SUP002: no ``[CODE]`` list."""
    if sup.codes:
        return False
    emit("SUP002", path, sup, "blanket",
         hint="name the codes: `# privacy-dsl: ignore[CODE] -- reason`")
    return True


def unused(emit: _Emit, path: str, sup: Suppression, unknown: list[str], reported: Collection[str]) -> None:
    """SUP003: a suppression, or a code in it, that matched no finding of a code this run reports."""
    if not sup.codes:
        if not sup.used:
            emit("SUP003", path, sup, "unused", hint="remove it")
        return
    stale = [c for c in sup.codes if c not in sup.used and c not in unknown and c in reported]
    if stale:
        emit("SUP003", path, sup, "unused-codes", {"codes": ", ".join(stale)},
             hint="remove the code from the suppression")


def apply_suppressions(diagnostics: list[Diagnostic], suppressions: Mapping[str, list[Suppression]],
                       today: dt.date, enabled: Mapping[str, Severity],
                       reported: Collection[str], catalogue: Catalogue) -> list[Diagnostic]:
    """The findings with those a suppression hides marked ``suppressed``, and the SUP findings.

    ``enabled`` maps each SUP code that runs to its severity; ``reported`` holds every code this run
    can report (the active rules, the input codes not ignored): SUP003 is only for those.
    ``catalogue`` is the table of codes a suppression may name (the engine passes the full one; this
    module is itself a rule, so it does not build it).
    """
    out: list[Diagnostic] = []
    emit = _Emit(enabled, out)
    checked: dict[int, tuple[list[str], bool]] = {}
    for path, sups in suppressions.items():  # read the codes first: a retired code stands for its successor
        for sup in sups:
            checked[id(sup)] = malformed(emit, path, sup, catalogue)
    for diag in diagnostics:
        reason = None
        for sup in suppressions.get(diag.span.path, ()):
            # The reason is required: a suppression without one hides nothing (SUP001 says so).
            if sup.problem is None and sup.reason and not sup.expired(today) and sup.covers(diag.code, diag.span.line):
                sup.used.add(diag.code)
                reason = sup.reason
                break
        out.append(replace(diag, suppressed=reason) if reason else diag)
    for path, sups in suppressions.items():
        for sup in sups:
            unknown, unreadable = checked[id(sup)]
            if unreadable or expired(emit, path, sup, today) or without_reason(emit, path, sup):
                continue
            blanket(emit, path, sup)
            unused(emit, path, sup, unknown, reported)
    return out
