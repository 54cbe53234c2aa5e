"""The known-providers dataset as package data: valid, normalised, and looked up by name and domain."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

from privacy_dsl.language import jurisdictions as jur
from privacy_dsl.language import taxonomy
from privacy_dsl.lint.providers import database


def test_the_shipped_dataset_is_valid_and_normalised() -> None:
    result = subprocess.run([sys.executable, "scripts/regen_known_providers.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr


def test_every_entry_has_countries_a_date_and_sources() -> None:
    known = set(taxonomy.countries())
    db = database()
    assert len(db) >= 15
    for p in db.providers:
        assert {p.entity_country, p.parent_country, *p.data_countries} <= known, p.id
        assert p.as_of[:4].isdigit() and p.sources and p.domains, p.id


@pytest.mark.parametrize(("name", "expected"), [
    ("Google Ireland Limited (YouTube)", "google"),
    ("Meta Platforms, Inc.", "meta"),
    ("Hubspot", "hubspot"),
    ("Twitter International Company (X)", "x"),
    ("X", "x"),
    ("youtube.com / www.youtube-nocookie.com", "google"),
    ("Company X", None),  # a one-letter alias names X only as the whole name
    ("Customer segment team", None),
    ("Prezi", None),
    ("", None),
])
def test_lookup_by_name(name: str, expected: str | None) -> None:
    found = database().by_name(name)
    assert (found.id if found else None) == expected


@pytest.mark.parametrize(("domain", "expected"), [
    ("www.youtube-nocookie.com", "google"),
    (".doubleclick.net", "google"),
    ("https://www.facebook.com/tr", "meta"),
    ("static.hotjar.com", "hotjar"),
    ("notgoogle.com", None),
    ("elmah.io", None),
])
def test_lookup_by_domain(domain: str, expected: str | None) -> None:
    found = database().by_domain(domain)
    assert (found.id if found else None) == expected


def test_third_countries_leave_out_the_eea() -> None:
    db = database()
    assert db.by_id["google"].third_countries() == ("US",)
    assert db.by_id["hotjar"].third_countries() == ()  # Malta, data in Ireland
    assert all(not jur.is_eea(c) for p in db.providers for c in p.third_countries())
