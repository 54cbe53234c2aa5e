"""The lint pipeline: read -> parse -> resolve -> rules -> suppressions, per policy directory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import model as m
from .config import Config, selects
from .diagnostics import Diagnostic, Severity, bidi_controls, bound_message, did_you_mean
from .parser import gc_paused, parse_text
from .resolve import resolve
from .rules import REGISTRY
from .rules.base import Context, Rule
from .sources import PolicySources, SourceFile, discover, display_path, read_source
from .suppressions import Suppression, parse_suppressions


@dataclass(slots=True)
class PolicyResult:
    root: str
    policy: m.Policy | None
    diagnostics: list[Diagnostic]
    sources: dict[str, str]


@dataclass(slots=True)
class LintResult:
    policies: list[PolicyResult] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)  # path-level problems (no such file, ...)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        out = list(self.problems)
        for result in self.policies:
            out.extend(result.diagnostics)
        return out

    @property
    def sources(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for result in self.policies:
            out.update(result.sources)
        return out

    @property
    def files(self) -> int:
        return sum(len(r.sources) for r in self.policies)


@dataclass(frozen=True, slots=True)
class ActiveRule:
    rule: Rule
    severity: Severity
    options: object


def active_rules(config: Config) -> list[ActiveRule]:
    """The rules the configuration turns on, with their effective severity and options."""
    out = []
    for rule in REGISTRY.values():
        chosen = any(selects(s, rule.code, rule.name, rule.category) for s in (*config.select, *config.extend_select))
        if not chosen or any(selects(s, rule.code, rule.name, rule.category) for s in config.ignore):
            continue
        if rule.jurisdictions and not set(rule.jurisdictions) & set(config.jurisdictions):
            continue
        settings = config.rules.get(rule.code) or config.rules.get(rule.name) or {}
        level = settings.get("severity")
        if level == "off":
            continue
        severity = Severity.parse(level) if level else rule.severity
        raw: dict[str, object] = {}
        for jurisdiction in config.jurisdictions:
            raw.update(rule.profiles.get(jurisdiction, {}))
        raw.update({k: v for k, v in settings.items() if k != "severity"})
        if rule.options is None:
            options = None
        else:  # only the defaults: no validator needed (building all of them costs a cold start)
            options = rule.options.model_validate(raw) if raw else rule.options.model_construct()
        out.append(ActiveRule(rule, severity, options))
    return out


def _block_ends(document: m.Document | None) -> dict[int, int]:
    if document is None:
        return {}
    return {b.span.line: b.span.end_line for b in document.blocks}


def lint_policy(sources: PolicySources, config: Config, today: dt.date | None = None,
                rules: list[ActiveRule] | None = None) -> PolicyResult:
    files = [read_source(path, config.max_file_bytes) for path in sources.files]
    return lint_sources(display_path(sources.root), files, config, today, rules)


def lint_sources(root: str, files: list[SourceFile], config: Config, today: dt.date | None = None,
                 rules: list[ActiveRule] | None = None) -> PolicyResult:
    """Lint the already-read files of one policy (with the garbage collector paused: ``gc_paused``)."""
    with gc_paused():
        return _lint_sources(root, files, config, today, rules)


def _lint_sources(root: str, files: list[SourceFile], config: Config, today: dt.date | None,
                  rules: list[ActiveRule] | None) -> PolicyResult:
    diagnostics: list[Diagnostic] = []
    documents: list[m.Document] = []
    suppressions: dict[str, list[Suppression]] = {}
    texts: dict[str, str] = {}
    fatal = False
    for source in files:
        diagnostics.extend(source.diagnostics)
        if source.text is None:
            fatal = True
            continue
        texts[source.path] = source.text
        parsed = parse_text(source.text, source.path)
        diagnostics.extend(parsed.diagnostics)
        diagnostics.extend(bidi_controls(source.text, source.path))
        if parsed.document is None:
            fatal = True
            continue
        if not parsed.document.blocks:
            from .diagnostics import builtin

            span = m.Span(path=source.path, line=1, column=1, end_line=1, end_column=1)
            diagnostics.append(builtin("E004", "the file holds no declarations", span,
                                       hint="write at least one block, or delete the file"))
            fatal = True
            continue
        documents.append(parsed.document)
        suppressions[source.path] = parse_suppressions(
            parsed.comments, parsed_text(source.text), _block_ends(parsed.document))
    if fatal:
        return PolicyResult(root, None, _sorted(diagnostics), texts)
    policy, problems = resolve(root, documents)
    diagnostics.extend(problems)
    for active in rules if rules is not None else active_rules(config):
        if active.rule.category == "suppressions":
            continue
        ctx = Context(policy=policy, options=active.options, jurisdictions=tuple(config.jurisdictions))
        for finding in active.rule.run(ctx):
            diagnostics.append(Diagnostic(
                code=active.rule.code, name=active.rule.name, category=active.rule.category,
                severity=active.severity, message=bound_message(finding.message), span=finding.span,
                hint=None if finding.hint is None else bound_message(finding.hint), url=active.rule.url))
    diagnostics = _apply_suppressions(diagnostics, suppressions, config, today or dt.date.today(), rules)
    return PolicyResult(root, policy, _sorted(diagnostics), texts)


def parsed_text(text: str) -> str:
    from .parser import normalise_newlines

    return normalise_newlines(text.removeprefix("\ufeff"))


def _apply_suppressions(diagnostics: list[Diagnostic], suppressions: dict[str, list[Suppression]],
                        config: Config, today: dt.date, rules: list[ActiveRule] | None) -> list[Diagnostic]:
    active = {a.rule.code: a for a in (rules if rules is not None else active_rules(config))}
    out: list[Diagnostic] = []
    for diag in diagnostics:
        reason = None
        for sup in suppressions.get(diag.span.path, ()):
            # The reason is required: a suppression without one hides nothing (SUP001 says so).
            if sup.problem is None and sup.reason and not sup.expired(today) and sup.covers(diag.code, diag.span.line):
                sup.used.add(diag.code)
                reason = sup.reason
                break
        out.append(replace(diag, suppressed=reason) if reason else diag)

    def emit(code: str, path: str, sup: Suppression, message: str, hint: str | None = None) -> None:
        if code not in active:
            return
        rule = active[code]
        span = m.Span(path=path, line=sup.line, column=sup.column, end_line=sup.line, end_column=sup.end_column)
        out.append(Diagnostic(code=code, name=rule.rule.name, category=rule.rule.category,
                              severity=rule.severity, message=bound_message(message), span=span,
                              hint=None if hint is None else bound_message(hint), url=rule.rule.url))

    for path, sups in suppressions.items():
        for sup in sups:
            if sup.problem:
                emit("SUP005", path, sup, f"malformed suppression: {sup.problem}")
                continue
            unknown = [c for c in sup.codes if c not in REGISTRY and not c.startswith("E")]
            if unknown:
                guess = did_you_mean(unknown[0], REGISTRY)
                emit("SUP005", path, sup, f"suppression names no such rule: {', '.join(unknown)}",
                     hint=f"did you mean `{guess}`?" if guess else "see `privacy-dsl rules` for the codes")
            if sup.expired(today):
                emit("SUP004", path, sup, f"suppression expired on {sup.until}; its findings are reported again",
                     hint="fix the findings, or extend the date with a new reason")
                continue
            if not sup.reason:
                emit("SUP001", path, sup, "suppression without a reason: it hides nothing until one is given",
                     hint="add `-- <why this is acceptable>`")
                if not sup.codes:
                    emit("SUP002", path, sup, "blanket suppression hides every rule on its line or block",
                         hint="name the codes: `# privacy-dsl: ignore[CODE] -- reason`")
                continue
            if not sup.codes:
                emit("SUP002", path, sup, "blanket suppression hides every rule on its line or block",
                     hint="name the codes: `# privacy-dsl: ignore[CODE] -- reason`")
                if not sup.used:
                    emit("SUP003", path, sup, "suppression matches no finding", hint="remove it")
                continue
            unused = [c for c in sup.codes if c not in sup.used and c not in unknown and c in active]
            if unused:
                emit("SUP003", path, sup, f"suppression of {', '.join(unused)} matches no finding",
                     hint="remove the code from the suppression")
    return out


def _sorted(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=Diagnostic.sort_key)


def lint_paths(paths: list[Path], config: Config, today: dt.date | None = None) -> LintResult:
    found = discover(paths)
    result = LintResult(problems=list(found.problems))
    rules = active_rules(config)
    for sources in found.policies:
        result.policies.append(lint_policy(sources, config, today, rules))
    return result


def lint_text(text: str, path: str = "policy.privacy", config: Config | None = None,
              today: dt.date | None = None) -> list[Diagnostic]:
    """Lint one policy given as text (tests, docs examples, editor integrations)."""
    return lint_sources(".", [SourceFile(path, text)], config or Config(), today).diagnostics
