"""The corpus of real notices (tests/corpus/): each parses and resolves, its findings are pinned,
and its source is recorded. See tests/corpus/README.md."""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT, TODAY

from privacy_dsl.outputs.fmt import format_text
from privacy_dsl.outputs.reporters import Report, render

CORPUS = ROOT / "tests" / "corpus"
SNAPSHOTS = ROOT / "tests" / "snapshots" / "corpus"
NOTICES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
#: The repositories kept to measure the tool independently (outside this repository).
EXCLUDED = ROOT.parent / "shared" / "corpus-exclude.txt"


def _score_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_score", ROOT / "scripts" / "corpus_score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_score"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


SCORE = _score_script()


def _lint(name: str) -> tuple[list[str], list[str]]:
    result = SCORE.lint_notice(name)
    fatal = [f"{d.span}: {d.code} {d.message}" for d in result.diagnostics if d.fatal]
    return render("concise", Report(result.diagnostics)).splitlines(), fatal


def test_the_corpus_holds_at_least_twelve_notices_in_four_languages() -> None:
    assert len(NOTICES) >= 12
    assert len({n.split("-")[0] for n in NOTICES}) >= 4


@pytest.mark.parametrize("name", NOTICES)
def test_each_notice_parses_resolves_and_its_findings_are_pinned(name: str) -> None:
    lines, fatal = _lint(name)
    assert fatal == []
    actual = "\n".join(lines) + "\n"
    snapshot = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(actual, encoding="utf-8")
    assert actual == snapshot.read_text(encoding="utf-8"), f"{name}: review, then UPDATE_SNAPSHOTS=1"


@pytest.mark.parametrize("name", NOTICES)
def test_each_notice_is_in_the_canonical_layout(name: str) -> None:
    for path in sorted((CORPUS / name).glob("*.privacy")):
        text = path.read_text(encoding="utf-8")
        assert format_text(text, str(path)).output == text, f"{path}: run `privacy-dsl fmt`"


@pytest.mark.parametrize("name", NOTICES)
def test_each_notice_records_its_source(name: str) -> None:
    source = (CORPUS / name / "SOURCE.md").read_text(encoding="utf-8")
    assert re.search(r"\*\*Repository:\*\* [\w.-]+/[\w.-]+", source), name
    assert re.search(r"\*\*Commit:\*\* [0-9a-f]{40}\b", source), name
    assert "## What the language cannot express" in source, name
    assert name in (CORPUS / "README.md").read_text(encoding="utf-8")


@pytest.mark.skipif(not EXCLUDED.is_file(), reason="the list of excluded repositories is not on this machine")
def test_no_notice_comes_from_an_excluded_repository() -> None:
    excluded = {line.strip().lower() for line in EXCLUDED.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")}
    for name in NOTICES:
        repo = re.search(r"\*\*Repository:\*\* ([\w.-]+/[\w.-]+)", (CORPUS / name / "SOURCE.md").read_text("utf-8"))
        assert repo is not None and repo.group(1).lower() not in excluded, name


def test_the_score_lints_the_corpus_on_the_tests_day() -> None:
    assert SCORE.TODAY == TODAY


@pytest.mark.parametrize("name", NOTICES)
def test_every_finding_on_a_notice_has_a_reviewers_verdict(name: str) -> None:
    """A change in what a real notice is told is reviewed: each finding matches a line of the
    notice's REVIEW.txt (`python scripts/corpus_score.py --draft NAME` prints the lines to add)."""
    assert (CORPUS / name / "REVIEW.txt").is_file(), f"{name}: no REVIEW.txt"
    result = SCORE.score(name)
    assert result.unreviewed == [], "\n".join(["add to REVIEW.txt:", *result.unreviewed])


def test_a_review_line_that_does_not_parse_is_an_error_naming_its_line(tmp_path: Path) -> None:
    review = tmp_path / "REVIEW.txt"
    review.write_text("# header\nexpect  LAW001  purpose=a  no basis\nmaybe LAW001 * why\n", encoding="utf-8")
    with pytest.raises(SCORE.ReviewError, match=r"REVIEW.txt:3: expected `verdict code subjects rationale`"):
        SCORE.read_review(review)
    review.write_text("false  -  -  a finding no rule gives cannot be false\n", encoding="utf-8")
    with pytest.raises(SCORE.ReviewError, match="only an `expect` line may have no code"):
        SCORE.read_review(review)


def test_the_score_counts_a_fact_once_however_many_findings_state_it() -> None:
    entry = SCORE.Entry("expect", "RET001", frozenset({("purpose", "a"), ("purpose", "b")}), False, "why", 1)
    said = [SCORE.Said("RET001", frozenset({("purpose", "a")}), "x"),
            SCORE.Said("RET001", frozenset({("purpose", "b")}), "y"),
            SCORE.Said("RET002", frozenset({("purpose", "a")}), "z")]
    assert [SCORE._matches(entry, s) for s in said] == [True, True, False]
    anything = SCORE.Entry("expect", "TRN001", frozenset(), False, "why", 2)
    assert SCORE._matches(anything, SCORE.Said("TRN001", frozenset(), "t"))
    assert not SCORE._matches(anything, SCORE.Said("TRN001", frozenset({("purpose", "a")}), "t"))
