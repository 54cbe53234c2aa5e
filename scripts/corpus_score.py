"""Recall, false positives per notice and output lines per fact on the corpus of real notices.

    python scripts/corpus_score.py            # the table and the totals
    python scripts/corpus_score.py --details  # and every finding with its verdict, every miss
    python scripts/corpus_score.py --draft    # a line to complete for each finding not yet reviewed

Each notice in tests/corpus/ has a ``REVIEW.txt``: what a careful reviewer expects of it, one fact
per line, and a verdict on everything the linter says that is not expected::

    # verdict  code    subjects                      rationale
    expect     LAW001  purpose=a,purpose=b           no Art. 6(1) basis is stated anywhere
    false      CK102   cookie=li_gc                  LinkedIn documents 6 months; the database is dated
    unsure     CK101   cookie=lidc                   the database's category may be the one that is off
    expect     -       recipient=google              Google LLC is in the US, no transfer stated (no rule)

- ``expect``: a defect the notice has, stated once however many objects it concerns. It is
  *found* when a finding of that code names one of its subjects (``*``: any finding of the code;
  ``-``: a finding about the notice as a whole). Code ``-`` is a defect no rule reports (a miss).
  ``TRN016|LAW001``: one fact that either code states (each says it in its own words). A subject
  with spaces is quoted: ``cookie="Swappi ApS"``.
- ``false``: a finding that is wrong (a false positive); ``unsure``: one the reviewer cannot call.
- A finding no line matches is *unreviewed*; tests/test_corpus.py fails on it, so a change in what
  a notice is told is always reviewed.

Recall = expected facts found / expected facts. False positives = findings matched by a ``false``
line, per notice. Lines per fact = every finding (one output line each, as ``--format concise``
prints them) / expected facts found: 1.0 means no fact is said twice.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from privacy_dsl.lint.engine import LintResult

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
#: The day the corpus is linted as of (the tests' TODAY): findings that depend on dates stay put.
TODAY = dt.date(2026, 11, 25)
VERDICTS = ("expect", "false", "unsure")
#: The arguments that name what a finding is about (``privacy_dsl.lint.facts.SUBJECT_ARGS``).
_LINE = re.compile(r'(?P<verdict>\w+)\s+(?P<code>[A-Z]+\d+(?:\|[A-Z]+\d+)*|-)\s+(?P<subjects>(?:[^\s"]|"[^"]*")+)'
                   r"\s*(?P<why>.*)")
#: One subject of a review line: ``key=name`` or ``key="a name with spaces"``.
_SUBJECT = re.compile(r'(?P<key>\w+)=(?:"(?P<quoted>[^"]+)"|(?P<name>[^,"]+))(?:,|$)')


@dataclass(frozen=True, slots=True)
class Entry:
    verdict: str
    code: str
    #: (argument, name) pairs; empty with ``any_subject`` (``*``) or for the notice itself (``-``).
    subjects: frozenset[tuple[str, str]]
    any_subject: bool
    why: str
    line: int


@dataclass(frozen=True, slots=True)
class Said:
    """One finding as the score sees it: its code, the objects it names, its output line."""

    code: str
    subjects: frozenset[tuple[str, str]]
    text: str


@dataclass(slots=True)
class Score:
    notice: str
    expected: int = 0
    found: int = 0
    lines: int = 0
    false: int = 0
    unsure: int = 0
    unreviewed: list[str] = field(default_factory=list)
    missed: list[Entry] = field(default_factory=list)
    verdicts: list[tuple[str, str]] = field(default_factory=list)


class ReviewError(ValueError):
    pass


def read_review(path: Path) -> list[Entry]:
    entries = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        match = _LINE.fullmatch(text)
        if match is None or match["verdict"] not in VERDICTS:
            raise ReviewError(f"{path}:{number}: expected `verdict code subjects rationale`, got {text!r}")
        if not match["why"].strip():
            raise ReviewError(f"{path}:{number}: give the reviewer's rationale after the subjects")
        raw_subjects = match["subjects"]
        subjects: set[tuple[str, str]] = set()
        if raw_subjects not in ("*", "-"):
            at = 0
            while at < len(raw_subjects):
                item = _SUBJECT.match(raw_subjects, at)
                if item is None:
                    raise ReviewError(f'{path}:{number}: a subject is `argument=name` or `argument="a name"`, '
                                      f"got {raw_subjects[at:]!r}")
                subjects.add((item["key"], item["quoted"] or item["name"]))
                at = item.end()
        if match["code"] == "-" and match["verdict"] != "expect":
            raise ReviewError(f"{path}:{number}: only an `expect` line may have no code (a defect no rule reports)")
        entries.append(Entry(match["verdict"], match["code"], frozenset(subjects), raw_subjects == "*",
                             match["why"].strip(), number))
    return entries


def _name(value: str) -> str:
    """A subject argument's object name: a cookie argument is a phrase (``pixel `1.gif```)."""
    found = re.search(r"`([^`]*)`", value)
    return found.group(1) if found else value


@cache
def lint_notice(name: str) -> LintResult:
    """Lint one notice of the corpus as its snapshot does: from the repository root, on TODAY; once
    per process (the snapshot test and the review test read the same result; do not mutate it)."""
    from privacy_dsl.lint.config import Config
    from privacy_dsl.lint.engine import lint_paths

    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        return lint_paths([(CORPUS / name).relative_to(ROOT)], Config(), today=TODAY)
    finally:
        os.chdir(cwd)


def said(name: str) -> list[Said]:
    """What the linter says about one notice of the corpus, as the snapshot pins it."""
    from privacy_dsl.lint.facts import SUBJECT_ARGS
    from privacy_dsl.outputs.reporters import Report, render

    out = []
    for d in lint_notice(name).diagnostics:
        if d.suppressed is not None:
            continue
        args = dict(d.args)
        key = next((k for k in SUBJECT_ARGS if k in args), None)
        subjects: set[tuple[str, str]] = set()
        if key is not None:
            subjects.add((key, _name(args[key])))
            subjects.update((key, _name(r.label)) for r in d.related)
        text = render("concise", Report([d])).strip()
        out.append(Said(d.code, frozenset(subjects), text))
    return out


def _matches(entry: Entry, finding: Said) -> bool:
    if finding.code not in entry.code.split("|"):
        return False
    if entry.any_subject:
        return True
    if not entry.subjects:
        return not finding.subjects
    return bool(entry.subjects & finding.subjects)


def score(name: str) -> Score:
    review = CORPUS / name / "REVIEW.txt"
    entries = read_review(review) if review.is_file() else []
    result = Score(name)
    findings = said(name)
    result.lines = len(findings)
    expected = [e for e in entries if e.verdict == "expect"]
    result.expected = len(expected)
    found = set()
    for f in findings:
        hits = [e for e in entries if _matches(e, f)]
        if not hits:
            result.unreviewed.append(draft(f))
            result.verdicts.append(("UNREVIEWED", f.text))
            continue
        # One finding, one verdict: a wrong one if any line says so, else unsure, else true.
        verdicts = {e.verdict for e in hits}
        if "expect" in verdicts:
            found.update(e.line for e in hits if e.verdict == "expect")
            result.verdicts.append(("true", f.text))
        elif "false" in verdicts:
            result.false += 1
            result.verdicts.append(("FALSE", f.text))
        else:
            result.unsure += 1
            result.verdicts.append(("unsure", f.text))
    result.found = len(found)
    result.missed = [e for e in expected if e.line not in found]
    return result


def draft(finding: Said) -> str:
    """A review line for a finding no line matches, for the reviewer to give a verdict and a why."""
    subjects = ",".join(f'{k}="{v}"' if re.search(r'[\s,"]', v) else f"{k}={v}"
                        for k, v in sorted(finding.subjects)) or "-"
    message = finding.text.split(": ", 1)[-1]
    return f"unsure  {finding.code}  {subjects}  TODO verdict and why -- {message}"


def notices() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--details", action="store_true", help="every finding with its verdict, and every miss")
    parser.add_argument("--draft", action="store_true",
                        help="print a review line to complete for every unreviewed finding, per notice")
    parser.add_argument("notice", nargs="*", help="the notices to score (default: every one)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    try:
        scores = [score(n) for n in args.notice or notices()]
    except ReviewError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.draft:
        for s in scores:
            if s.unreviewed:
                print(f"# {s.notice}/REVIEW.txt\n" + "\n".join(s.unreviewed))
        return 1 if any(s.unreviewed for s in scores) else 0
    width = max(len(s.notice) for s in scores)
    print(f"{'notice':<{width}}  expected  found  recall  lines  lines/fact  false  unsure  unreviewed")
    for s in scores:
        recall = s.found / s.expected if s.expected else 1.0
        per_fact = s.lines / s.found if s.found else float(s.lines)
        print(f"{s.notice:<{width}}  {s.expected:>8}  {s.found:>5}  {recall:>6.0%}  {s.lines:>5}  {per_fact:>10.2f}"
              f"  {s.false:>5}  {s.unsure:>6}  {len(s.unreviewed):>10}")
        if args.details:
            for verdict, text in s.verdicts:
                print(f"    {verdict:<10} {text}")
            for e in s.missed:
                subjects = ",".join(f"{k}={v}" for k, v in sorted(e.subjects)) or "-"
                print(f"    {'MISSED':<10} {e.code} {subjects}: {e.why}")
    expected = sum(s.expected for s in scores)
    found = sum(s.found for s in scores)
    lines = sum(s.lines for s in scores)
    false = sum(s.false for s in scores)
    recall = found / expected if expected else 1.0
    per_fact = lines / found if found else float(lines)
    print(f"\n{len(scores)} notices: recall {found}/{expected} = {recall:.1%}; "
          f"false positives {false} = {false / len(scores):.2f} per notice; "
          f"{lines} lines for {found} facts found = {per_fact:.2f} lines per fact; "
          f"{sum(s.unsure for s in scores)} unsure; {sum(len(s.unreviewed) for s in scores)} unreviewed")
    unsure = sum(s.unsure for s in scores)
    if found:  # how often a true fact is said twice, leaving out what is false or unsure
        print(f"lines of true findings per fact found: {(lines - false - unsure) / found:.2f}")
    return 1 if any(s.unreviewed for s in scores) else 0


if __name__ == "__main__":
    raise SystemExit(main())
