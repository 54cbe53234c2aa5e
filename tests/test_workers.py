"""Worker processes (``runner._lint_forked``, ``runner._lint_spawned``) report exactly what one
process reports: every field of every diagnostic, in the same order, for policies that have
findings with related locations, suppressed findings and a syntax error. Real processes, no mocks."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, TODAY

from privacy_dsl import cache
from privacy_dsl.diagnostics import Diagnostic
from privacy_dsl.lint import runner

CORPUS = ROOT / "tests" / "corpus"


def _repo(tmp_path: Path) -> Path:
    """The corpus's notices, each its own policy, and two more: one that does not parse, and one
    whose finding is suppressed."""
    repo = tmp_path / "repo"
    for notice in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        shutil.copytree(notice, repo / notice.name, ignore=shutil.ignore_patterns("*.txt", "*.md"))
    (repo / "broken").mkdir()
    (repo / "broken" / "policy.privacy").write_text('controller "X" {\n  country\n', encoding="utf-8")
    (repo / "quiet").mkdir()
    (repo / "quiet" / "policy.privacy").write_text(
        "subject customer\n"
        "purpose stats { # privacy-dsl: ignore[HYG004] -- mapped later, PRIV-7\n"
        "  use analytics.reporting\n  basis consent\n  subjects customer\n}\n", encoding="utf-8")
    return repo


def _lint(repo: Path, jobs: int) -> list[Diagnostic]:
    request = runner.Request(paths=[repo], use_cache=False, jobs=jobs, context=cache.Context(today=TODAY.isoformat()))
    return runner.run(request).diagnostics


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Diagnostic]]:
    repo = _repo(tmp_path_factory.mktemp("workers"))
    return repo, _lint(repo, 1)


def test_the_repository_has_what_a_worker_must_carry(alone: tuple[Path, list[Diagnostic]]) -> None:
    _, diagnostics = alone
    assert any(d.fatal for d in diagnostics)
    assert any(d.suppressed for d in diagnostics)
    assert any(d.related for d in diagnostics)
    assert any(d.args for d in diagnostics)
    assert len({d.span.path.split("/")[-2] for d in diagnostics}) > 8


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork here")
@pytest.mark.parametrize("jobs", [2, 3])
def test_forked_workers_report_what_one_process_reports(alone: tuple[Path, list[Diagnostic]], jobs: int) -> None:
    repo, diagnostics = alone
    assert _lint(repo, jobs) == diagnostics
    assert runner._WORKER is None  # only the workers hold the work


def test_spawned_workers_report_what_one_process_reports(alone: tuple[Path, list[Diagnostic]],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    repo, diagnostics = alone
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert _lint(repo, 2) == diagnostics
