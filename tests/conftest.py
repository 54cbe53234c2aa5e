"""Shared helpers: lint a snippet and get (code, line, column) triples, or whole findings, back."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from privacy_dsl.diagnostics import Diagnostic
from privacy_dsl.lint.config import Config, parse_config
from privacy_dsl.lint.engine import lint_text

ROOT = Path(__file__).resolve().parent.parent
# The repository's `benchmarks` package (its policy generator) for the tests that use it. Appended,
# not prepended, so that `privacy_dsl` still comes from the installed package, as users get it.
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))
POLICIES = ROOT / "policies"
TODAY = dt.date(2026, 11, 25)


def diagnose(text: str, select: str | list[str] = "ALL", config: Config | None = None,
             path: str = "policy.privacy") -> list[Diagnostic]:
    """All diagnostics for ``text`` with only the selected rules on, one per object: a rule's tests
    pin what the rule finds; tests/test_facts.py pins how the engine groups findings of one fact."""
    if config is None:
        config = parse_config({"select": [select] if isinstance(select, str) else select})
    config = config.model_copy(update={"group_findings": False})
    return [d for d in lint_text(text, path, config, today=TODAY) if d.suppressed is None]


def codes(text: str, select: str | list[str] = "ALL", **kw: object) -> list[tuple[str, int, int]]:
    """(code, line, column) of every unsuppressed finding, sorted by position."""
    return [(d.code, d.span.line, d.span.column) for d in diagnose(text, select, **kw)]  # type: ignore[arg-type]


Whole = tuple[str, tuple[int, int], tuple[int, int], dict[str, str]]


def example(code: str, section: str = "Example") -> str:
    """The policy of a rule's documented ``## Example`` (or ``Use instead``), as its docs show it."""
    import re

    from privacy_dsl.lint.rules import REGISTRY

    body = re.search(rf"^## {section}\n(.*?)(?=^## |\Z)", REGISTRY[code].doc, re.S | re.M)
    assert body, f"{code}: no '## {section}' section"
    (text,) = re.findall(r"```privacy\n(.*?)```", body.group(1), re.S)
    return text


def findings(text: str, code: str | list[str] = "ALL", **kw: object) -> list[Whole]:
    """The whole of every unsuppressed finding (Regal style): code, start (line, column), end
    (line, column, exclusive) and the message's arguments, so that a span or an argument that
    changes cannot pass unnoticed; the wording is the template's, pinned by the goldens."""
    return [(d.code, (d.span.line, d.span.column), (d.span.end_line, d.span.end_column), dict(d.args))
            for d in diagnose(text, code, **kw)]  # type: ignore[arg-type]


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(autouse=True, scope="session")
def _private_cache_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The lint caches' secret (privacy_dsl/cache.py) lives in a user-private folder of the test
    run, not in the real ~/.cache; subprocesses inherit it. Tests about the key move it again."""
    import os

    from privacy_dsl.cache import KEY_DIR_ENV

    was = os.environ.get(KEY_DIR_ENV)
    os.environ[KEY_DIR_ENV] = str(tmp_path_factory.mktemp("cache-key") / "privacy-dsl")
    yield
    if was is None:
        os.environ.pop(KEY_DIR_ENV, None)
    else:
        os.environ[KEY_DIR_ENV] = was
