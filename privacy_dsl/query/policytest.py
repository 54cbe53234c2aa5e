"""Policy tests: ``*.privacy-test`` files next to a policy, run by ``privacy-dsl test``.

A test file is written in the policy language (the ``test_file`` start symbol of grammar.lark)::

    test "the newsletter" {
      allow newsletter email, name for customer to mailer
      deny newsletter phone
      cookie "_pk_id.*" needs consent
      cookie session_id needs no consent
      finding LAW003 at purpose marketing
      no finding LAW003 at purpose newsletter
      no errors
    }

Each expectation is checked against the policy in the same directory, loaded and linted once
(``PolicyHandle``). Results carry the expectation's position; coverage reports the purposes,
cookies and recipients that no expectation exercises. See docs/policy-tests.md.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from ..diagnostics import Diagnostic, did_you_mean, printable_line, shorten
from ..language import model as m
from ..language.parser import normalise_newlines, syntax_diagnostic, unquote
from ..records import dataclass
from .engine import PolicyHandle, UnknownName

if TYPE_CHECKING:
    from ..lint.config import Config

SUFFIX = ".privacy-test"

Kind = Literal["allow", "deny", "cookie_consent", "cookie_no_consent", "finding", "no_finding", "no_errors"]
Status = Literal["pass", "fail", "error"]

#: Targets written without a name: `at controller`, `at policy`, `at rights`.
SINGLETONS = ("controller", "policy", "rights")


# ---------------------------------------------------------------- the parsed file


@dataclass(frozen=True, slots=True)
class Expectation:
    kind: Kind
    span: m.Span
    text: str  # as written, whitespace collapsed
    test: str  # the name of the enclosing `test` block
    purpose: str | None = None
    categories: tuple[str, ...] = ()
    subject: str | None = None
    recipient: str | None = None
    cookie: str | None = None
    code: str | None = None
    target: tuple[str, str] | None = None  # (kind, id); id "" for controller / policy / rights


@dataclass(frozen=True, slots=True)
class TestCase:
    __test__ = False  # not a pytest test class

    name: str
    span: m.Span
    expectations: tuple[Expectation, ...]


@dataclass(frozen=True, slots=True)
class TestFile:
    __test__ = False  # not a pytest test class

    path: str
    cases: tuple[TestCase, ...]


@cache
def test_parser() -> Lark:
    """The Lark parser for ``*.privacy-test`` files (grammar.lark, start symbol ``test_file``)."""
    from ..language.tables import lark_parser  # the shipped table: never Lark's cache=True (a pickle in $TMPDIR)

    return lark_parser("test")


def parse_test_text(text: str, path: str = "<string>") -> tuple[TestFile | None, Diagnostic | None]:
    """Parse one test file. A syntax error comes back as a diagnostic (E100-E102), never raised."""
    text = normalise_newlines(text.removeprefix("\ufeff"))
    try:
        tree = test_parser().parse(text)
    except UnexpectedInput as exc:
        return None, syntax_diagnostic(exc, text, path)
    return TestFile(path, tuple(_case(c, text, path) for c in tree.children if isinstance(c, Tree))), None


def _span(tree: Tree[Token], path: str) -> m.Span:
    meta = tree.meta
    return m.Span(path=path, line=meta.line, column=meta.column, end_line=meta.end_line, end_column=meta.end_column)


def _name(node: Tree[Token] | Token) -> str:
    """The text of an ident / key subtree or a (possibly quoted) token."""
    if isinstance(node, Tree):
        return _name(node.children[0])
    return unquote(str(node)) if node.type == "STRING" else str(node)


def _case(tree: Tree[Token], text: str, path: str) -> TestCase:
    name = unquote(str(tree.children[0]))
    out = []
    for child in tree.children[1:]:
        if isinstance(child, Tree):
            source = " ".join(text[child.meta.start_pos:child.meta.end_pos].split())
            out.append(_expectation(child, name, source, _span(child, path)))
    return TestCase(name, _span(tree, path), tuple(out))


def _expectation(tree: Tree[Token], test: str, source: str, span: m.Span) -> Expectation:
    kind = str(tree.data).removeprefix("expect_")
    kids = [c for c in tree.children if not (isinstance(c, Token) and c.type == "NO")]
    if kind in ("allow", "deny"):
        subject = recipient = None
        for extra in kids[2:]:
            assert isinstance(extra, Tree)
            if extra.data == "for_subject":
                subject = _name(extra.children[0])
            else:
                recipient = _name(extra.children[0])
        keys = kids[1]
        assert isinstance(keys, Tree)
        return Expectation(kind, span, source, test, purpose=_name(kids[0]),  # type: ignore[arg-type]
                           categories=tuple(_name(k) for k in keys.children), subject=subject, recipient=recipient)
    if kind in ("cookie_consent", "cookie_no_consent"):
        return Expectation(kind, span, source, test, cookie=_name(kids[0]))  # type: ignore[arg-type]
    if kind in ("finding", "no_finding"):
        target = None
        if len(kids) > 1:
            at = kids[1]
            assert isinstance(at, Tree)
            node = at.children[0]
            assert isinstance(node, Tree)
            target_kind = str(node.data).removeprefix("target_")
            target = (target_kind, _name(node.children[0]) if node.children else "")
        return Expectation(kind, span, source, test, code=_name(kids[0]), target=target)  # type: ignore[arg-type]
    return Expectation("no_errors", span, source, test)


# ---------------------------------------------------------------- running


@dataclass(frozen=True, slots=True)
class Outcome:
    expectation: Expectation
    status: Status
    message: str = ""
    details: tuple[str, ...] = ()


@dataclass(slots=True)
class Coverage:
    """What the tests of one policy exercise: purposes, cookies and recipients."""

    policy: str
    #: How many test files test this policy (0: a policy under the given paths with no tests).
    tests: int = 0
    items: dict[tuple[str, str], m.Span] = field(default_factory=dict)
    exercised: set[tuple[str, str]] = field(default_factory=set)

    @property
    def missing(self) -> list[tuple[tuple[str, str], m.Span]]:
        return [(k, s) for k, s in self.items.items() if k not in self.exercised]

    @property
    def covered(self) -> int:
        return sum(1 for k in self.items if k in self.exercised)

    @property
    def percent(self) -> float:
        return 100.0 if not self.items else 100.0 * self.covered / len(self.items)


@dataclass(slots=True)
class TestRun:
    __test__ = False  # not a pytest test class

    outcomes: list[Outcome] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)
    #: Syntax errors in test files, unusable policies, no test files: the run cannot be trusted (exit 2).
    problems: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def percent(self) -> float:
        total = sum(len(c.items) for c in self.coverage)
        done = sum(c.covered for c in self.coverage)
        return 100.0 if not total else 100.0 * done / total


def discover_tests(paths: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """``*.privacy-test`` files under ``paths`` (files or directories), in a stable order.

    Paths are classified and directories searched as ``sources.discover`` does (bounded depth, no
    links to folders); whether a test file may be read is decided by ``sources.read_source``.
    """
    from ..language.sources import classify, walk

    found: list[Path] = []
    problems: list[Diagnostic] = []
    for given in paths:
        kind = classify(given, SUFFIX)
        if not isinstance(kind, str):
            if kind.code == "E006":
                kind = replace(kind, hint=f"policy tests are files ending in `{SUFFIX}`")
            problems.append(kind)
            continue
        if kind == "file":
            found.append(given)
            continue
        before = len(found)
        walked: list[Diagnostic] = []
        for folder, names in walk(given, (SUFFIX,), walked):
            found.extend(Path(folder) / name for name in names)
        problems.extend(walked)
        if len(found) == before and not walked:
            from ..diagnostics import builtin
            from ..language.sources import display_path

            shown = display_path(given)
            span = m.Span(path=shown, line=1, column=1, end_line=1, end_column=1)
            problems.append(builtin("E006", f"no `{SUFFIX}` files under `{shown}`", span,
                                    hint=f"write tests in a `{SUFFIX}` file next to the policy's `.privacy` files "
                                         "(see https://github.com/privacy-dsl/privacy-dsl/blob/main/docs/policy-tests.md)"))
    return sorted(dict.fromkeys(found)), problems


def run_tests(paths: Iterable[Path], config: Config) -> TestRun:
    """Discover the test files under ``paths``, load each policy once, check every expectation."""
    from ..language.sources import SUFFIX as POLICY_SUFFIX
    from ..language.sources import (
        PolicySources,
        discover,
        display_path,
        policy_dir_files,
        policy_directory,
        read_source,
    )
    from ..lint.engine import active_rules, lint_policy

    run = TestRun()
    paths = list(paths)
    files, run.problems = discover_tests(paths)
    # A test file tests the policy in the folder that holds it as reached, not where a link leads.
    by_dir: dict[Path, list[Path]] = {}
    for f in files:
        by_dir.setdefault(Path(policy_directory(f)), []).append(f)
    if files:  # policies under the given directories that have no tests count, with nothing exercised
        for policy in discover([p for p in paths if p.is_dir()]).policies:
            by_dir.setdefault(policy.root, [])
    active = {a.rule.code for a in active_rules(config)}
    for root, tests in sorted(by_dir.items()):
        parsed: list[TestFile] = []
        for path in tests:
            source = read_source(path, config.max_file_bytes)
            run.files.append(source.path)
            if source.text is None:
                run.problems.extend(source.diagnostics)
                continue
            run.sources[source.path] = source.text
            test_file, problem = parse_test_text(source.text, source.path)
            if problem is not None:
                run.problems.append(problem)
            elif test_file is not None:
                parsed.append(test_file)
        policy_files = [root / name for name in policy_dir_files(root, POLICY_SUFFIX)]
        if not policy_files:
            from ..diagnostics import builtin

            for t in tests:
                shown = display_path(t)
                run.problems.append(builtin("E006", f"no `{POLICY_SUFFIX}` files next to `{shown}`",
                                            m.Span(path=shown, line=1, column=1, end_line=1, end_column=1),
                                            hint="a test file tests the policy in its own directory"))
            continue
        result = lint_policy(PolicySources(root, policy_files), config)
        fatal = [d for d in result.diagnostics if d.fatal and d.suppressed is None]
        if fatal or result.policy is None:
            run.problems.extend(fatal or result.diagnostics)
            run.sources.update(result.sources)
            continue
        handle = PolicyHandle(result.policy, result.diagnostics, result.sources)
        run.sources.update(result.sources)
        coverage = _coverage_items(handle)
        coverage.tests = len(tests)
        for test_file in parsed:
            for case in test_file.cases:
                for exp in case.expectations:
                    run.outcomes.append(check(handle, exp, active, coverage))
        run.coverage.append(coverage)
    return run


def _coverage_items(handle: PolicyHandle) -> Coverage:
    cov = Coverage(handle.root)
    model = handle.model
    for pid, p in model.purposes.items():
        cov.items[("purpose", pid)] = p.span
    for c in model.cookies:
        if c.name is not None:  # an unnamed cookie cannot be named by a test, so it is not counted
            cov.items.setdefault(("cookie", c.name), c.span)
    for rid, r in model.recipients.items():
        cov.items[("recipient", rid)] = r.span
    return cov


def check(handle: PolicyHandle, exp: Expectation, active_codes: set[str] | None = None,
          coverage: Coverage | None = None) -> Outcome:
    """Check one expectation against a loaded policy."""
    try:
        return _check(handle, exp, active_codes, coverage)
    except UnknownName as exc:
        return Outcome(exp, "error", str(exc))


def _check(handle: PolicyHandle, exp: Expectation, active_codes: set[str] | None,
           coverage: Coverage | None) -> Outcome:
    exercised = coverage.exercised if coverage is not None else set()
    if exp.kind in ("allow", "deny"):
        assert exp.purpose is not None
        decision = handle.permits(exp.purpose, exp.categories, exp.subject, exp.recipient)
        ids, _ = handle.resolve_purpose(exp.purpose)
        exercised.update(("purpose", i) for i in ids)
        if exp.recipient:
            exercised.add(("recipient", exp.recipient))
        want = exp.kind == "allow"
        if decision.allowed == want:
            return Outcome(exp, "pass")
        got = "allowed" if decision.allowed else "not allowed"
        lines = [f"{r.span}: {r.text}" if r.span else r.text for r in decision.reasons]
        lines += [f"  to allow it: {r.fix}" for r in decision.reasons if r.fix and want]
        return Outcome(exp, "fail", f"expected {'allowed' if want else 'not allowed'}, but {got}: "
                       f"{decision.headline()}", tuple(lines))
    if exp.kind in ("cookie_consent", "cookie_no_consent"):
        assert exp.cookie is not None
        info = handle.cookie(exp.cookie)
        exercised.add(("cookie", exp.cookie))
        want = exp.kind == "cookie_consent"
        if info.needs_consent == want:
            return Outcome(exp, "pass")
        return Outcome(exp, "fail", f"expected cookie `{shorten(exp.cookie)}` to "
                       f"{'need' if want else 'not need'} consent, "
                       f"but it {'does' if info.needs_consent else 'does not'}: {info.why}", (f"{info.span}",))
    if exp.kind in ("finding", "no_finding"):
        assert exp.code is not None
        problem = _unknown_code(exp.code, active_codes)
        if problem:
            return Outcome(exp, "error", problem)
        if exp.target is None:
            there = [d for d in handle.diagnostics if d.suppressed is None]
            where = "in the policy"
        else:
            key = handle.declared(*exp.target)
            exercised.add(key)
            there = list(handle.findings_in(*key))
            where = f"at {key[0]} `{shorten(key[1])}`" if key[0] not in SINGLETONS else f"at the {key[0]} block"
        found = [d for d in there if d.code == exp.code]
        want = exp.kind == "finding"
        if bool(found) == want:
            return Outcome(exp, "pass")
        if want:
            near = [d for d in there if d.code != exp.code] if exp.target is not None else []
            return Outcome(exp, "fail", f"expected {exp.code} {where}, but it is not raised" +
                           (f"; found there: {', '.join(sorted({d.code for d in near}))}" if near else ""),
                           tuple(f"{d.span}: {d.code} {d.message}" for d in near[:5]))
        return Outcome(exp, "fail", f"expected no {exp.code} {where}, but it is raised",
                       tuple(f"{d.span}: {d.code} {d.message}" for d in found[:5]))
    errors = handle.errors
    if not errors:
        return Outcome(exp, "pass")
    return Outcome(exp, "fail", f"expected no error-level findings, but there are {len(errors)}",
                   tuple(f"{d.span}: {d.code} {d.message}" for d in errors[:10]))


def _unknown_code(code: str, active_codes: set[str] | None) -> str | None:
    from ..lint.catalogue import codes, get, redirect

    found = get(code)
    if found is not None and found.code == code:
        moved = redirect(code)
        if moved is not None:
            return f"`{code}` is retired" + (f"; its findings are now `{moved[1]}`: expect that" if moved[1] else
                                             " and no longer reported")
        if found.source not in ("rule", "input"):
            return f"`{code}` is reported by `privacy-dsl {found.command}`, not by `lint`"
        if found.source == "input":
            return None
    else:
        lint_codes = [c.code for c in codes("rule", "input")]
        guess = did_you_mean(code, lint_codes)
        return f"no rule `{shorten(code)}`" + (f"; did you mean `{guess}`?" if guess else "; see `privacy-dsl rules`")
    if active_codes is not None and code not in active_codes:
        return f"rule `{code}` is not enabled by the configuration, so the expectation cannot be checked"
    return None


# ---------------------------------------------------------------- reports


def _coverage_lines(run: TestRun) -> list[str]:
    out = []
    for cov in run.coverage:
        untested = "" if cov.tests else "; the policy has no test file"
        out.append(f"coverage of {cov.policy}: {cov.percent:.1f}% ({cov.covered}/{len(cov.items)} purposes, "
                   f"cookies and recipients exercised{untested})")
        for (kind, name), span in cov.missing:
            out.append(f"  not exercised: {kind} `{shorten(name)}` [{span}]")
    return out


def render_text(run: TestRun, verbose: bool = True) -> str:
    """One line per expectation (``path:line:col: pass|FAIL|ERROR: text``), details, coverage, summary."""
    lines: list[str] = []
    for o in run.outcomes:
        if o.status == "pass" and not verbose:
            continue
        label = {"pass": "pass", "fail": "FAIL", "error": "ERROR"}[o.status]
        lines.append(f"{o.expectation.span}: {label}: {o.expectation.text}")
        if o.message:
            lines.append(f"    {o.message}")
        lines.extend(f"      {d}" for d in o.details)
    cov = _coverage_lines(run)
    if cov:
        lines.append("")
        lines.extend(cov)
    passed, failed, errors = run.count("pass"), run.count("fail"), run.count("error")
    files = len(run.files)
    lines.append("")
    coverage = f"; coverage {run.percent:.1f}%" if any(c.items for c in run.coverage) else ""
    lines.append(f"{passed} passed, {failed} failed, {errors} error{'s' if errors != 1 else ''} in {files} test "
                 f"file{'s' if files != 1 else ''}{coverage}")
    return "\n".join(printable_line(line) for line in lines) + "\n"  # a test's text is data


def render_junit(run: TestRun) -> str:
    """JUnit XML: a testsuite per test file, a testcase per expectation."""
    root = ET.Element("testsuites", name="privacy-dsl test", tests=str(len(run.outcomes)),
                      failures=str(run.count("fail")), errors=str(run.count("error") + len(run.problems)))
    props = ET.SubElement(root, "properties")
    ET.SubElement(props, "property", name="coverage", value=f"{run.percent:.1f}")
    suites: dict[str, list[Outcome]] = {}
    for o in run.outcomes:
        suites.setdefault(o.expectation.span.path, []).append(o)
    others = [d for d in run.problems if d.span.path not in run.files]
    for path in [*run.files, *(["(policy input)"] if others else [])]:
        outcomes = suites.get(path, [])
        problems = [d for d in run.problems if d.span.path == path] if path in run.files else others
        suite = ET.SubElement(root, "testsuite", name=path, tests=str(len(outcomes) + len(problems)),
                              failures=str(sum(o.status == "fail" for o in outcomes)),
                              errors=str(sum(o.status == "error" for o in outcomes) + len(problems)))
        for d in problems:
            case = ET.SubElement(suite, "testcase", classname=path, name=f"{d.code} {d.span}",
                                 file=d.span.path, line=str(d.span.line))
            ET.SubElement(case, "error", message=d.message, type=d.code).text = f"{d.span}: {d.message}"
        for o in outcomes:
            e = o.expectation
            case = ET.SubElement(suite, "testcase", classname=e.test, name=f"{e.text} ({e.span.line}:{e.span.column})",
                                 file=path, line=str(e.span.line))
            if o.status != "pass":
                tag = "failure" if o.status == "fail" else "error"
                ET.SubElement(case, tag, message=o.message).text = "\n".join([f"{e.span}: {o.message}", *o.details])
    from ..outputs.reporters.junit import clean_tree

    ET.indent(clean_tree(root))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def problems_text(run: TestRun) -> str:
    """Syntax errors and unusable policies, in the lint command's full format."""
    from ..outputs.reporters import Report, render

    if not run.problems:
        return ""
    text = render("full", Report(list(run.problems), run.sources, len(run.files)))
    return "\n".join(line for line in text.splitlines() if not line.startswith(("Found ", "All clear"))) + "\n"
