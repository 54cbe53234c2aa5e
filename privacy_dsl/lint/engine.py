"""The lint pipeline: read -> parse -> resolve -> rules -> suppressions, per policy directory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import field
from pathlib import Path

from ..diagnostics import Diagnostic, Severity, bidi_controls, bound_hint, bound_message
from ..language import model as m
from ..language.parser import gc_paused, parse_text
from ..language.resolve import resolve
from ..language.sources import PolicySources, SourceFile, discover, display_path, read_source
from ..language.suppressions import Suppression, parse_suppressions
from ..records import dataclass
from .catalogue import full
from .config import Config, ignored_input_codes, reported_input_codes, selects
from .facts import grouped, places_in, without_implied
from .rules import REGISTRY
from .rules.base import Context, Rule, referred
from .rules.suppressions import apply_suppressions


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
        if not parsed.document.blocks and not parsed.comments:  # comments only: an author's notes
            from ..diagnostics import builtin

            span = m.Span(path=source.path, line=1, column=1, end_line=1, end_column=1)
            diagnostics.append(builtin("E004", None, span, hint="write at least one block, or delete the file"))
            fatal = True
            continue
        documents.append(parsed.document)
        suppressions[source.path] = parse_suppressions(
            parsed.comments, parsed_text(source.text), _block_ends(parsed.document))
    ignored = ignored_input_codes(config)  # E020, E200, ...: those `ignore` names are not reported
    if fatal:
        return PolicyResult(root, None, _sorted(d for d in diagnostics if d.code not in ignored), texts)
    policy, problems = resolve(root, documents)
    diagnostics.extend(problems)
    if ignored:
        diagnostics = [d for d in diagnostics if d.code not in ignored]
    for active in rules if rules is not None else active_rules(config):
        if active.rule.category == "suppressions":
            continue
        ctx = Context(policy=policy, options=active.options, jurisdictions=tuple(config.jurisdictions))
        for found in active.rule.run(ctx):  # the text is formatted here, at the edge, from the template
            # Information the notice leaves to the notice it refers to (a layered notice): see `referred`.
            reported = referred(active.rule, found, policy.info, active.severity, config.referred_findings)
            if reported is None:
                continue
            finding, severity = reported
            diagnostics.append(Diagnostic(
                code=active.rule.code, name=active.rule.name, category=active.rule.category,
                severity=severity, message=bound_message(active.rule.message(finding)), span=finding.span,
                hint=bound_hint(finding.hint), url=active.rule.url,
                args=finding.args, message_id=finding.message_id or next(iter(active.rule.messages))))
    diagnostics = _apply_suppressions(diagnostics, suppressions, config, today or dt.date.today(), rules)
    diagnostics = without_implied(_sorted(diagnostics))
    if config.group_findings:
        diagnostics = grouped(diagnostics, places_in(policy))
    return PolicyResult(root, policy, diagnostics, texts)


def parsed_text(text: str) -> str:
    from ..language.parser import normalise_newlines

    return normalise_newlines(text.removeprefix("\ufeff"))


def _apply_suppressions(diagnostics: list[Diagnostic], suppressions: dict[str, list[Suppression]],
                        config: Config, today: dt.date, rules: list[ActiveRule] | None) -> list[Diagnostic]:
    """The suppression rules (SUP001-SUP005, ``rules/suppressions.py``) over one policy's findings."""
    active = rules if rules is not None else active_rules(config)
    enabled = {a.rule.code: a.severity for a in active if a.rule.category == "suppressions"}
    reported = {a.rule.code for a in active} | reported_input_codes(config)
    return apply_suppressions(diagnostics, suppressions, today, enabled, reported, full())


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
