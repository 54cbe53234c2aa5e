"""The Open Cookie Database as package data: retention parser, lookup, category mapping, load time."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from privacy_dsl.lint import cookiedb
from privacy_dsl.lint.cookiedb import (
    CATEGORY_MAP,
    DAY,
    MONTH,
    YEAR,
    category_contradicts,
    database,
    dsl_duration,
    dsl_duration_at_least,
    parse_retention,
)

CSV = ROOT.parent / "shared" / "data" / "open-cookie-database" / "open-cookie-database.csv"


@pytest.mark.parametrize(("text", "expected"), [
    ("2 years", (2 * YEAR, 2 * YEAR)),
    ("13 months", (13 * MONTH, 13 * MONTH)),
    ("13 Months", (13 * MONTH, 13 * MONTH)),
    ("1 year, 1 month", (13 * MONTH, 13 * MONTH)),
    ("30 mins", (1800, 1800)),
    ("90 sec", (90, 90)),
    ("1440 Minutes", (DAY, DAY)),
    ("session", ("session", "session")),
    ("Session", ("session", "session")),
    ("Sessions", ("session", "session")),
    ("End of session (browser)", ("session", "session")),
    ("forever", ("persistent", "persistent")),
    ("Unlimited", ("persistent", "persistent")),
    ("30 seconds till 1 year", (30, YEAR)),
    ("Session to 30 days", ("session", 30 * DAY)),
    ("1 week to 1 year", (7 * DAY, YEAR)),
    ("2 years after last activity", (2 * YEAR, 2 * YEAR)),
])
def test_parse_retention_reads(text: str, expected: tuple[object, object]) -> None:
    assert parse_retention(text) == expected


@pytest.mark.parametrize("text", [
    "Unknown", "Varies", "various", "undefined", "", "Local Storage", "1 hour or longer", "10 Nov 2030",
    "13 months by default, modifiable", "Seesion", "Awin", "1 year till 30 seconds", "2 parsecs",
    "180 days after last activity or 10 years when opting out",
])
def test_parse_retention_refuses_to_guess(text: str) -> None:
    assert parse_retention(text) is None


def test_dsl_durations() -> None:
    assert dsl_duration(13 * MONTH) == "13 months"
    assert dsl_duration(2 * YEAR) == "2 years"
    assert dsl_duration(365 * DAY) == "365 days"
    assert dsl_duration(90) == "90 seconds"
    assert dsl_duration_at_least(400 * DAY) == "400 days"
    assert dsl_duration_at_least(2 * YEAR - 5) == "2 years"
    assert dsl_duration_at_least(3599) == "1 hour"
    for seconds in (1, 59, 61, 3601, 86_399, 10**7 + 7, 2 * YEAR + 1234):
        text = dsl_duration_at_least(seconds)
        amount, unit = text.split()
        size = dict(cookiedb.UNITS)[unit.rstrip("s")]
        # never shorter than the observation beyond verify-cookies' tolerance (2 % + 60 s)
        assert int(amount) * size * 1.02 + 60 >= seconds, text


def test_category_mapping_covers_the_database() -> None:
    from privacy_dsl.language.model import CookieCategory

    assert set(CATEGORY_MAP.values()) <= {c.value for c in CookieCategory}
    assert {r.category for r in database().rows} <= set(CATEGORY_MAP)


@pytest.mark.parametrize(("declared", "ocd", "contradicts"), [
    ("strictly_necessary", "Analytics", True),
    ("functional", "Marketing", True),
    ("analytics", "Marketing", True),
    ("marketing", "Analytics", False),  # stricter
    ("strictly_necessary", "Functional", False),
    ("preferences", "Functional", False),
    ("strictly_necessary", "Personalization", True),
    ("security", "Security", False),
])
def test_category_contradicts(declared: str, ocd: str, contradicts: bool) -> None:
    assert category_contradicts(declared, ocd) is contradicts


def test_lookup_exact_then_longest_prefix() -> None:
    db = database()
    assert [r.name for r in db.lookup("_ga")] == ["_ga"]
    assert db.lookup("_ga")[0].category == "Analytics"
    assert [(r.name, r.wildcard) for r in db.lookup("_ga_ABC123")] == [("_ga_", True)]
    # `_gat` and `_gat_gtag_` are both prefixes of this name: the longer one wins
    assert db.lookup("_gat_gtag_UA_1234_1")[0].name == "_gat_gtag_"
    assert db.lookup("no-such-cookie-name-here") == []
    # prefix rows never match a shorter name
    assert all(not r.wildcard or "_ga_".startswith(r.name) for r in db.lookup("_ga_"))


def test_lookup_provider_narrows() -> None:
    db = database()
    assert {r.platform for r in db.lookup("_pk_id.1.abcd", "Matomo")} == {"Matomo"}
    assert db.lookup("_ga", "someone else entirely") == db.lookup("_ga")


def test_lookup_pattern_only_rows_that_hold_for_every_match() -> None:
    db = database()
    assert [r.name for r in db.lookup_pattern("_ga_*")] == ["_ga_"]
    assert db.lookup_pattern("_g*") == []  # `_g*` also matches names the `_ga_` row does not describe
    assert db.lookup_pattern("*_id") == []


def test_shipped_rows_agree_with_the_parser() -> None:
    for row in database().rows:
        parsed = parse_retention(row.retention)
        assert (row.low, row.high) == (parsed if parsed else (None, None)), row


def test_shipped_data_keeps_attribution_and_licence() -> None:
    data_dir = ROOT / "privacy_dsl" / "data"
    notice = (data_dir / "NOTICE-open-cookie-database.md").read_text(encoding="utf-8")
    assert "Apache License, Version 2.0" in notice and "jkwakman/Open-Cookie-Database" in notice
    assert "Apache License" in (data_dir / "LICENSE-open-cookie-database").read_text(encoding="utf-8")
    meta = json.loads((data_dir / "open_cookie_database.json").read_text(encoding="utf-8"))
    assert "Apache-2.0" in meta["licence"]


@pytest.mark.skipif(not CSV.exists(), reason="the shared Open Cookie Database CSV is not on this machine")
def test_shipped_data_matches_the_csv() -> None:
    with CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    db = database()
    assert len(db) == sum(1 for r in rows if r["Cookie / Data Key name"].strip())
    assert {r.id for r in db.rows} == {r["ID"].strip() for r in rows if r["Cookie / Data Key name"].strip()}


@pytest.mark.skipif(not CSV.exists(), reason="the shared Open Cookie Database CSV is not on this machine")
def test_regen_script_reports_unparsed_values(tmp_path: Path) -> None:
    # run it on a small CSV so the shipped file is not touched
    small = tmp_path / "ocd.csv"
    with CSV.open(encoding="utf-8", newline="") as fh:
        lines = fh.read().splitlines()
    header = lines[0]
    small.write_text("\n".join([header, *lines[1:4],
                                'x1,P,Analytics,weird,,d,Varies,C,,0',
                                'x2,P,Marketing,fine,,d,"1 year, 1 month",C,,0']) + "\n", encoding="utf-8")
    out = tmp_path / "out.json"
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "regen_cookie_db.py"), str(small), "--out", str(out)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "not parsed: 1 rows" in proc.stdout and "'Varies'" in proc.stdout
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    fine = next(r for r in rows if r[3] == "fine")
    assert fine[9] == fine[10] == 13 * MONTH


def test_load_is_lazy_and_once() -> None:
    """Not loaded by importing the rules; loaded once per process. (Its load time is measured, not asserted.)"""
    code = ("import privacy_dsl.lint.rules, privacy_dsl.lint.cookiedb as c;"
            "assert c.database.cache_info().currsize == 0;"
            "db = c.database(); assert c.database() is db; print(len(db))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(proc.stdout) > 2000


def test_a_provider_named_as_the_database_has_it_is_answered_as_by_reading_every_name() -> None:
    """``is_known_provider``'s shortcut for a name the database has as it is gives the full scan's answer."""
    c = cookiedb
    db = c.database()
    names = sorted({n for r in db.rows for n in (r.platform, r.controller) if n.strip()})
    for given in [*names[::7], " Google ", "GOOGLE", "Nobody Corp Ltd", "x", "+++", "Meta Platforms"]:
        full = any(c._names(c._name(given), name) for name in db._providers)
        assert db.is_known_provider(given) is full, given
