"""The one key scheme of the lint cache (``privacy_dsl/cache.py``): what every key holds.

A key is the run's fingerprint (entry layout, kind, the environment — privacy-dsl and its package
files, the Python, lark and pydantic —, the date and the settings) and the entry's content. These
tests pin that each part changes the key, for the results and the replay alike.
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
import time
import tomllib
from pathlib import Path

import pytest
from conftest import POLICIES

from privacy_dsl import cache
from privacy_dsl.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
NOW = 1_900_000_000 * 10**9  # a fixed moment: package files are long settled by then


def context(today: str = "2030-01-02") -> cache.Context:
    return cache.Context(now_ns=NOW, today=today)


def fingerprints() -> tuple[str | None, str | None]:
    """The results' and the replay's fingerprint in one fresh context."""
    ctx = context()
    return cache.fingerprint(ctx, "results", {}), cache.fingerprint(ctx, "replay", {})


@pytest.fixture
def metadata_versions(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Versions as importlib.metadata reports them, no dist-info folder on sys.path to read instead."""
    versions = {name: "1.0" for name in cache.DEPENDENCIES}
    monkeypatch.setattr(sys, "path", [])
    monkeypatch.setattr(importlib.metadata, "version", lambda name: versions[name])
    return versions


@pytest.mark.parametrize("name", cache.DEPENDENCIES)
def test_the_key_changes_with_the_version_of_lark_and_pydantic(metadata_versions: dict[str, str],
                                                                name: str) -> None:
    before = fingerprints()
    assert None not in before
    metadata_versions[name] = "2.0"
    after = fingerprints()
    assert after[0] != before[0] and after[1] != before[1]


def test_a_dist_info_folder_gives_the_version_importlib_metadata_gives(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for name in cache.DEPENDENCIES:
        assert cache.installed_version(name) == importlib.metadata.version(name)
    before = fingerprints()
    info = tmp_path / "lark-0.0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: lark\nVersion: 0.0.1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cache.installed_version("lark") == importlib.metadata.version("lark") == "0.0.1"
    assert fingerprints()[0] != before[0]


def test_the_dependencies_are_pyprojects() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = tuple(spec.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip()
                  for spec in project["dependencies"])
    assert tuple(name for name in names if name != "shtab") == cache.DEPENDENCIES  # shtab: completion scripts only


def test_the_key_changes_with_the_python(monkeypatch: pytest.MonkeyPatch) -> None:
    before = fingerprints()
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert fingerprints()[0] != before[0]


def test_the_key_changes_with_any_file_of_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    files = cache.package_files()
    from privacy_dsl.language import tables as lark_tables

    assert os.path.realpath(lark_tables.grammar_path()) in {os.path.realpath(f) for f in files}
    assert os.path.realpath(lark_tables.TABLES) in {os.path.realpath(f) for f in files}
    before = fingerprints()
    real = cache.signature
    monkeypatch.setattr(cache, "signature", lambda path: [*real(path)[:4], 1, 1] if path == files[0] else real(path))
    assert fingerprints()[0] != before[0]


def test_the_key_changes_with_the_date_the_settings_the_kind_and_the_content() -> None:
    ctx = context()
    base = cache.fingerprint(ctx, "results", {"select": ["CK"]})
    assert base is not None
    others = [cache.fingerprint(context("2030-01-03"), "results", {"select": ["CK"]}),
              cache.fingerprint(ctx, "results", {"select": ["LAW"]}),
              cache.fingerprint(ctx, "replay", {"select": ["CK"]})]
    assert base not in others and len(set(others)) == 3
    assert len({cache.key(base, "policy", "a", "bc"), cache.key(base, "policy", "ab", "c"),
                cache.key(base, "policy", "abc"), cache.key(base, "policy a", "bc")}) == 4


def test_a_package_file_changed_just_now_disables_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The racy-file guard for the package: a rule edited within the clock's granularity could be
    edited again without its status changing, so no entry is read or written in that run."""
    import shutil

    shutil.copytree(POLICIES / "cifero", tmp_path / "policies" / "cifero")
    monkeypatch.chdir(tmp_path)
    files = cache.package_files()
    settled = cache.signature(files[0])
    assert settled is not None
    monkeypatch.setattr(cache, "signature",  # as if written at the moment its status is taken
                        lambda path, real=cache.signature: [*settled[:4], time.time_ns(), time.time_ns()]
                        if path == files[0] else real(path))
    assert cache.Context().environment is None
    assert cache.fingerprint(cache.Context(), "results", {}) is None
    fresh = main(["lint", "policies", "--no-cache"]), capsys.readouterr()
    for _ in range(2):
        assert (main(["lint", "policies"]), capsys.readouterr()) == fresh
    assert not list((tmp_path / cache.CACHE_DIR_NAME).glob("*.json"))
