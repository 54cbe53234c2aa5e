"""Hostile input to every reader except policy discovery and caches (issue 13, item 9 and the "low" items).

Each table row is run through the real CLI in a subprocess with a timeout: the exit code is the one
documented, the output names a code, holds no traceback and no "internal error", and is bounded.
Then hypothesis feeds each reader (configuration, HAR, cookie jar, header file, fides manifest)
arbitrary input at the function level: only the reader's own error type, or diagnostics, come out.

Readers and their codes: policy values E204 (lint exit 1, notice refuses with 2), configuration
E080, captures VC100 (unusable, exit 2) / VC102 (an entry skipped or a value capped: a warning),
fides manifests E081.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import POLICIES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privacy_dsl.configfile import explicit_table, read_toml
from privacy_dsl.interop.observed import Capture, read_cookies_txt, read_har, read_inspection, read_set_cookie
from privacy_dsl.lint.config import ConfigError, parse_config

FJORDKAFFE = POLICIES / "fjordkaffe"
EXAMPLES = int(os.environ.get("PRIVACY_DSL_FUZZ_EXAMPLES", "200"))
TIMEOUT = 60
MAX_OUTPUT = 60_000  # excerpts of a 10,000-character line are bounded by the excerpt work (item 8)
HUGE = "9" * 5000  # int() of more than 4,300 digits raises ValueError in Python 3.11
CODE = re.compile(r"\b(E\d{3}|VC\d{3})\b")

try:
    import yaml  # type: ignore[import-untyped,unused-ignore]  # noqa: F401
    HAVE_YAML = True
except ImportError:  # pragma: no cover - the fides extra is installed for the tests
    HAVE_YAML = False


def cli(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("PRIVACY_DSL_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "privacy_dsl", *args], cwd=cwd, capture_output=True,
                          timeout=TIMEOUT, env=env, input=stdin)
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


def assert_clean(proc: subprocess.CompletedProcess[str], exit_code: int, code: str) -> str:
    out = proc.stdout + proc.stderr
    assert "internal error" not in out, out[:2000]
    assert "Traceback" not in out, out[:2000]
    assert len(out) < MAX_OUTPUT, f"{len(out)} characters of output"
    assert proc.returncode == exit_code, out[:2000]
    assert code in CODE.findall(out), out[:2000]
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder holding a copy of the fjordkaffe policy as `p/` and no configuration."""
    shutil.copytree(FJORDKAFFE, tmp_path / "p")
    (tmp_path / "privacy-dsl.toml").write_text("", encoding="utf-8")  # stops the upward search here
    return tmp_path


# ---------------------------------------------------------------- policy values

#: (id, file, text replaced, replacement, expected "file:line:col: E204" and a message fragment)
POLICY_VALUES = [
    ("expiry-5000-digits", "cookies.privacy", "expiry 12 months", f"expiry {HUGE} days", "16:10", "too long"),
    ("expiry-over-1000-years", "cookies.privacy", "expiry 12 months", "expiry 1001 years", "16:10", "at most 1000"),
    ("expiry-seconds", "cookies.privacy", "expiry 12 months", "expiry 99999999999 seconds", "16:10", "too long"),
    ("expiry-leading-zeros", "cookies.privacy", "expiry 12 months", f"expiry {'0' * 5000}{HUGE} days", "16:10",
     "too long"),
    ("retention-30-digits", "purposes.privacy", "retention 90 days", f"retention {'9' * 30} years", "46:13",
     "too long"),
    ("retention-5000-digits", "purposes.privacy", "retention 90 days", f"retention {HUGE} years", "46:13",
     "too long"),
    ("retention-law", "purposes.privacy", "5 years after financial_year_end", f"{HUGE} years after financial_year_end",
     "28:40", "too long"),
    ("record-retention", "purposes.privacy", "record_retention 3 years", f"record_retention {HUGE} minutes", "99:20",
     "too long"),
    ("valid-for", "purposes.privacy", "record_retention 3 years", f"record_retention 3 years valid_for {HUGE} weeks",
     "99:38", "too long"),
    ("minimum-age", "purposes.privacy", "record_retention 3 years", f"record_retention 3 years minimum_age {HUGE}",
     "99:40", "age is too high"),
    ("minimum-age-151", "purposes.privacy", "record_retention 3 years", "record_retention 3 years minimum_age 151",
     "99:40", "at most 150"),
    ("date-february-30", "controller.privacy", "updated 2026-09-01", "updated 2026-02-30", "7:11", "not a date"),
    ("date-zero", "controller.privacy", "updated 2026-09-01", "updated 0000-00-00", "7:11", "not a date"),
    ("date-month-13", "controller.privacy", "updated 2026-09-01", "updated 2026-13-01", "7:11", "not a date"),
    ("date-day-00", "controller.privacy", "updated 2026-09-01", "updated 2026-09-00", "7:11", "not a date"),
]


@pytest.mark.parametrize(("file", "old", "new", "where", "message"), [c[1:] for c in POLICY_VALUES],
                         ids=[c[0] for c in POLICY_VALUES])
def test_policy_values_out_of_range_are_e204_at_their_position(project: Path, file: str, old: str, new: str,
                                                               where: str, message: str) -> None:
    path = project / "p" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    out = assert_clean(cli(["lint", "--no-cache", "--format", "concise", "p"], project), 1, "E204")
    assert re.search(rf"{re.escape(file)}:{where}: E204 .*{message}", out), out[:2000]
    # the notice refuses a policy with errors, so the value is never printed into it
    notice = cli(["notice", "--lang", "en", "p"], project)
    assert_clean(notice, 2, "E204")
    assert new.split()[-1][:20] not in notice.stdout


def test_a_duration_of_1000_years_and_a_real_date_are_accepted(project: Path) -> None:
    cookies = project / "p" / "cookies.privacy"
    cookies.write_text(cookies.read_text(encoding="utf-8").replace("expiry 12 months", "expiry 1000 years"),
                       encoding="utf-8")
    controller = project / "p" / "controller.privacy"
    controller.write_text(controller.read_text(encoding="utf-8").replace("updated 2026-09-01", "updated 2028-02-29"),
                          encoding="utf-8")
    out = cli(["lint", "--no-cache", "--format", "concise", "p"], project)
    assert "E204" not in out.stdout + out.stderr
    assert "29 February 2028" in cli(["notice", "--lang", "en", "p"], project).stdout  # the day, in words


def test_fmt_keeps_a_number_of_thousands_of_digits(project: Path) -> None:
    cookies = project / "p" / "cookies.privacy"
    cookies.write_text(cookies.read_text(encoding="utf-8").replace("expiry 12 months", f"expiry 0{HUGE} days"),
                       encoding="utf-8")
    proc = cli(["fmt", "p"], project)
    assert proc.returncode == 0, proc.stderr
    assert f"expiry {HUGE} days" in cookies.read_text(encoding="utf-8")


# ---------------------------------------------------------------- configuration

#: (id, file name, content, message fragment); every one is E080 with exit 2
CONFIGS: list[tuple[str, str, str | bytes, str]] = [
    ("tool-is-int", "pyproject.toml", "tool = 1\n", "`tool` is an integer"),
    ("tool-is-string", "pyproject.toml", 'tool = "x"\n', "`tool` is a string"),
    ("table-is-int", "pyproject.toml", "[tool]\nprivacy-dsl = 5\n", "`tool.privacy-dsl` is an integer"),
    ("table-is-array", "pyproject.toml", "[tool]\nprivacy-dsl = [1]\n", "`tool.privacy-dsl` is an array"),
    ("max-file-bytes-true", "privacy-dsl.toml", "max-file-bytes = true\n", "max-file-bytes"),
    ("max-file-bytes-float", "privacy-dsl.toml", "max-file-bytes = 1.5\n", "max-file-bytes"),
    ("max-file-bytes-string", "privacy-dsl.toml", 'max-file-bytes = "100"\n', "max-file-bytes"),
    ("max-file-bytes-zero", "privacy-dsl.toml", "max-file-bytes = 0\n", "max-file-bytes"),
    ("max-capture-bytes-false", "privacy-dsl.toml", "max-capture-bytes = false\n", "max-capture-bytes"),
    ("max-manifest-bytes-negative", "privacy-dsl.toml", "max-manifest-bytes = -1\n", "max-manifest-bytes"),
    ("select-empty", "privacy-dsl.toml", "select = []\n", "no rule would run"),
    ("select-string", "privacy-dsl.toml", 'select = "ALL"\n', "select"),
    ("ignore-int", "privacy-dsl.toml", "ignore = [1]\n", "ignore"),
    ("jurisdictions-bool", "privacy-dsl.toml", "jurisdictions = [true]\n", "jurisdictions"),
    ("policy-int", "privacy-dsl.toml", "policy = 5\n", "policy"),
    ("rules-int", "privacy-dsl.toml", "rules = 5\n", "rules"),
    ("rule-int", "privacy-dsl.toml", "[rules]\nCK003 = 5\n", "CK003"),
    ("severity-list", "privacy-dsl.toml", '[rules.CK003]\nseverity = ["x"]\n', "severity"),
    ("option-bool-for-number", "privacy-dsl.toml", "[rules.CK003]\nmax-months = true\n", "max-months"),
    ("option-bool-in-a-table", "privacy-dsl.toml", "[rules.RET004]\nmax-years = { marketing = true }\n",
     "max-years"),
    ("option-number-for-bool", "privacy-dsl.toml", "[rules.CK001]\nfunctional-session-exempt = 1\n",
     "functional-session-exempt"),
    ("int-5000-digits", "privacy-dsl.toml", f"max-file-bytes = {HUGE}\n", "4,300 digits"),
    ("date-out-of-range", "privacy-dsl.toml", "policy = 2026-02-30\n", "not valid TOML"),
    ("arrays-100k-deep", "privacy-dsl.toml", "a = " + "[" * 100_000 + "]" * 100_000 + "\n", "nested too deeply"),
    ("inline-tables-10k-deep", "privacy-dsl.toml", "a = " + "{a=" * 10_000 + "1" + "}" * 10_000 + "\n",
     "nested too deeply"),
    ("dotted-key-50k", "privacy-dsl.toml", "a" + ".a" * 50_000 + " = 1\n", "dotted parts"),
    ("table-header-50k", "privacy-dsl.toml", "[a" + ".a" * 50_000 + "]\n", "dotted parts"),
    ("tables-60-deep", "privacy-dsl.toml", "[rules.CK003" + ".a" * 60 + "]\n", "levels deep"),
    ("pyproject-table-60-deep", "pyproject.toml", "[tool.privacy-dsl.rules.CK003" + ".a" * 60 + "]\n", "levels deep"),
    ("not-utf8", "privacy-dsl.toml", b"select = [\"\xff\"]\n", "invalid UTF-8"),
    ("nul-byte", "privacy-dsl.toml", b"select = [\"ALL\"]\x00\n", "not valid TOML"),
    ("utf16", "privacy-dsl.toml", 'select = ["ALL"]\n'.encode("utf-16"), "UTF-8"),
    ("over-1-mib", "privacy-dsl.toml", "# " + "x" * (1024 * 1024) + "\n", "over the limit"),
    ("unknown-key", "privacy-dsl.toml", "selekt = [\"ALL\"]\n", "did you mean"),
]


@pytest.mark.parametrize(("name", "content", "message"), [c[1:] for c in CONFIGS], ids=[c[0] for c in CONFIGS])
def test_broken_configuration_is_e080_exit_2(project: Path, name: str, content: str | bytes, message: str) -> None:
    (project / "privacy-dsl.toml").unlink()
    data = content.encode("utf-8") if isinstance(content, str) else content
    (project / name).write_bytes(data)
    # found by the upward search, and named with --config, by one of the commands that read it
    other = [["lint", "--no-cache", "p"], ["notice", "--lang", "en", "p"],
             ["verify-cookies", "p", "--set-cookie", name]][len(message) % 3]
    for args in (["lint", "--no-cache", "--config", name, "p"], other):
        out = assert_clean(cli(args, project), 2, "E080")
        assert message in out, out[:2000]


def _special_files(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    yield "fifo", fifo
    yield "dev-zero", Path("/dev/zero")
    yield "dev-null", Path("/dev/null")
    yield "directory", tmp_path
    try:
        os.mknod(tmp_path / "chardev", 0o600 | 0o020000, os.makedev(1, 5))  # a copy of /dev/zero
    except PermissionError:
        return
    yield "mknod-chardev", tmp_path / "chardev"


SPECIAL = ["fifo", "dev-zero", "dev-null", "directory", "mknod-chardev"]


@pytest.mark.parametrize("kind", SPECIAL)
def test_a_pipe_or_device_given_as_an_input_is_refused_without_blocking(project: Path, tmp_path_factory:
                                                                        pytest.TempPathFactory, kind: str) -> None:
    specials = dict(_special_files(tmp_path_factory.mktemp("special")))
    if kind not in specials:
        pytest.skip("mknod is not permitted here (not root)")
    path = str(specials[kind])
    for args, code in ((["lint", "--no-cache", "--config", path, "p"], "E080"),
                       (["verify-cookies", "p", "--config", path, "--har", "x.har"], "E080"),
                       (["verify-cookies", "p", "--har", path], "VC100"),
                       (["verify-cookies", "p", "--cookies", path], "VC100"),
                       (["verify-cookies", "p", "--set-cookie", path], "VC100")):
        out = assert_clean(cli(args, project), 2, code)
        assert "not a regular file" in out, out
    if HAVE_YAML:
        out = assert_clean(cli(["import", "fides", path], project), 2, "E081")
        assert "not a regular file" in out, out


# ---------------------------------------------------------------- HAR

def _entry(url: str = "https://www.fjordkaffe.no/", **over: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"startedDateTime": "2026-01-01T00:00:00Z",
                             "request": {"method": "GET", "url": url, "headers": [], "cookies": []},
                             "response": {"status": 200, "headers": [
                                 {"name": "Set-Cookie", "value": "tracker=1; Max-Age=60"}], "cookies": []}}
    entry.update(over)
    return entry


def _har(entries: Any = None, **log: Any) -> str:
    return json.dumps({"log": {"version": "1.2", "entries": [_entry()] if entries is None else entries, **log}})


def _page(started: str, on_load: Any = 1000) -> dict[str, Any]:
    return {"id": "page_1", "startedDateTime": started, "title": "https://www.fjordkaffe.no/",
            "pageTimings": {"onLoad": on_load}}


def _set_cookie(value: str) -> str:
    return _har([_entry(response={"headers": [{"name": "Set-Cookie", "value": value}]})])


#: (id, HAR text, exit code, a code the output must hold, a message fragment)
HARS: list[tuple[str, str | bytes, int, str, str]] = [
    ("pages-int", _har(pages=5), 2, "VC100", "`log.pages` is a number"),
    ("pages-string", _har(pages="x"), 2, "VC100", "`log.pages` is a string"),
    ("entries-int", json.dumps({"log": {"entries": 5}}), 2, "VC100", "`log.entries` is a number"),
    ("entries-object", json.dumps({"log": {"entries": {}}}), 2, "VC100", "`log.entries` is an object"),
    ("log-int", json.dumps({"log": 5}), 2, "VC100", "`log` is a number"),
    ("top-list", "[]", 2, "VC100", "no `log.entries`"),
    ("top-null", "null", 2, "VC100", "no `log.entries`"),
    ("headers-int", _har([_entry(request={"url": "https://a.example/", "headers": 5},
                                 response={"headers": 5})]), 1, "VC102", "`response.headers` is a number"),
    ("header-item-int", _har([_entry(response={"headers": [5]})]), 1, "VC102", "not an object"),
    ("header-name-int", _har([_entry(response={"headers": [{"name": 5, "value": "x=1"}]})]), 1, "VC102",
     "no text `name`"),
    ("cookies-int", _har([_entry(request={"url": "https://a.example/", "cookies": 5})]), 1, "VC102",
     "`request.cookies` is a number"),
    ("cookie-name-int", _har([_entry(request={"url": "https://a.example/", "cookies": [{"name": 5}]})]), 1, "VC102",
     "no text `name`"),
    ("response-cookie-name-list", _har([_entry(response={"cookies": [{"name": [1]}]})]), 1, "VC102",
     "no text `name`"),
    ("response-int", _har([_entry(response=5)]), 1, "VC102", "`response` is a number"),
    ("request-int", _har([_entry(request=5), _entry()]), 1, "VC102", "no request URL"),
    ("url-int", _har([_entry(request={"url": 5}), _entry()]), 1, "VC102", "no request URL"),
    ("entry-int", _har([5, _entry()]), 1, "VC102", "no request URL"),
    ("postdata-int", _har([_entry(request={"url": "https://a.example/", "postData": 5, "method": 5})]), 1, "VC001",
     "tracker"),
    ("max-age-5000-digits", _set_cookie(f"tracker=1; Max-Age={HUGE}"), 1, "VC102", "over 1000 years"),
    ("max-age-400-digits", _set_cookie(f"tracker=1; Max-Age={'9' * 400}"), 1, "VC102", "over 1000 years"),
    ("max-age-negative-5000-digits", _set_cookie(f"tracker=1; Max-Age=-{HUGE}"), 1, "VC101", "no cookie"),
    ("expires-year-9999-negative-offset", _set_cookie("tracker=1; Expires=Fri, 31 Dec 9999 23:00:00 -0500"), 1,
     "VC001", "tracker"),
    ("date-header-year-9999", _har([_entry(response={"headers": [
        {"name": "Date", "value": "Fri, 31 Dec 9999 23:00:00 -0500"},
        {"name": "Set-Cookie", "value": "tracker=1; Expires=Wed, 01 Jan 2031 00:00:00 GMT"}]})]), 1, "VC001",
     "tracker"),
    ("entry-date-year-9999-negative-offset", _har([_entry(startedDateTime="9999-12-31T23:00:00-05:00"), _entry()]),
     1, "VC001", "tracker"),
    ("entry-date-year-1-positive-offset", _har([_entry(startedDateTime="0001-01-01T00:00:00+05:00"), _entry()]), 1,
     "VC001", "tracker"),
    ("page-year-9999", _har(pages=[_page("9999-12-31T23:00:00-05:00")]), 1, "VC001", "tracker"),
    ("page-year-1", _har(pages=[_page("0001-01-01T00:00:00+05:00"), _page("0001-01-01T00:00:00Z")]), 1, "VC001",
     "tracker"),
    ("page-year-9999-onload", _har(pages=[_page("9999-12-31T23:59:59Z", 10_000_000)]), 1, "VC001", "tracker"),
    ("onload-1e308", _har(pages=[_page("2026-01-01T00:00:00Z", 1e308)]), 1, "VC001", "tracker"),
    ("onload-nan", _har(pages=[_page("2026-01-01T00:00:00Z")]).replace('"onLoad": 1000', '"onLoad": NaN'), 1,
     "VC001", "tracker"),
    ("onload-infinity", _har(pages=[_page("2026-01-01T00:00:00Z")]).replace('"onLoad": 1000', '"onLoad": Infinity'),
     1, "VC001", "tracker"),
    ("onload-minus-infinity",
     _har(pages=[_page("2026-01-01T00:00:00Z")]).replace('"onLoad": 1000', '"onLoad": -Infinity'), 1, "VC001",
     "tracker"),
    ("onload-bool", _har(pages=[_page("2026-01-01T00:00:00Z", True)]), 1, "VC001", "tracker"),
    ("onload-string", _har(pages=[_page("2026-01-01T00:00:00Z", "1000")]), 1, "VC001", "tracker"),
    ("int-5000-digits", '{"log": {"entries": [], "x": ' + HUGE + "}}", 2, "VC100", "4,300 digits"),
    ("json-100k-deep", "[" * 100_000 + "]" * 100_000, 2, "VC100", "nested too deeply"),
    ("json-object-100k-deep", '{"a":' * 100_000 + "1" + "}" * 100_000, 2, "VC100", "nested too deeply"),
    ("not-json", "{log", 2, "VC100", "not JSON"),
    ("not-utf8", b'{"log": "\xff"}', 2, "VC100", "invalid UTF-8"),
    ("empty", "", 2, "VC100", "not JSON"),
]


@pytest.mark.parametrize(("text", "exit_code", "code", "message"), [c[1:] for c in HARS], ids=[c[0] for c in HARS])
def test_hostile_har(project: Path, text: str | bytes, exit_code: int, code: str, message: str) -> None:
    (project / "x.har").write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    out = assert_clean(cli(["verify-cookies", "p", "--har", "x.har", "--format", "concise"], project), exit_code,
                       code)
    assert message in out, out[:2000]


# ---------------------------------------------------------------- website-evidence-collector inspection.json

def _inspection(cookies: Any, **top: Any) -> str:
    return json.dumps({"uri_ins": "https://www.fjordkaffe.no/", "start_time": "2026-01-01T00:00:00Z",
                       "localStorage": {}, "cookies": cookies, **top})


_TRACKER = {"name": "tracker", "domain": "www.fjordkaffe.no", "path": "/", "expires": 1767225660}

#: (id, text, exit code, a code the output must hold, a message fragment)
INSPECTIONS: list[tuple[str, str | bytes, int, str, str]] = [
    ("cookies-int", _inspection(5), 2, "VC100", "`cookies` is a number"),
    ("cookies-object", _inspection({}), 2, "VC100", "`cookies` is an object"),
    ("cookies-null", _inspection(None), 2, "VC100", "`cookies` is null"),
    ("cookie-int", _inspection([5, _TRACKER]), 1, "VC104", "`cookies[0]` is a number"),
    ("name-list", _inspection([{"name": [1]}, _TRACKER]), 1, "VC104", "no text `name`"),
    ("domain-int", _inspection([{**_TRACKER, "domain": 5}]), 1, "VC104", "`domain` is a number"),
    ("path-object", _inspection([{**_TRACKER, "path": {}}]), 1, "VC104", "`path` is an object"),
    ("secure-string", _inspection([{**_TRACKER, "secure": "yes"}]), 1, "VC104", "`secure` is a string"),
    ("log-list", _inspection([{**_TRACKER, "log": [1]}]), 1, "VC104", "`log` is a list"),
    ("log-fields-wrong", _inspection([{**_TRACKER, "log": {"stack": 5, "type": [], "timestamp": 5}}]), 1, "VC001",
     "tracker"),
    ("expires-words", _inspection([{**_TRACKER, "expires": "soon"}]), 1, "VC104", "not a time"),
    ("expires-5000-digits", _inspection([{**_TRACKER}]).replace("1767225660", HUGE), 2, "VC100", "4,300 digits"),
    ("expires-400-digits", _inspection([{**_TRACKER, "expires": int("9" * 400)}]), 1, "VC104", "over 1000 years"),
    ("expires-nan", _inspection([{**_TRACKER}]).replace("1767225660", "NaN"), 1, "VC001", "tracker"),
    ("expires-year-9999", _inspection([{**_TRACKER, "expires": "9999-12-31T23:00:00-05:00"}]), 1, "VC104",
     "not a time"),
    ("start-time-int", _inspection([_TRACKER], start_time=5), 1, "VC001", "tracker"),
    ("uri-int", _inspection([_TRACKER], uri_ins=5), 1, "VC001", "tracker"),
    ("empty-cookies", _inspection([]), 1, "VC101", "lists no cookie"),
    ("local-storage-list", _inspection([_TRACKER], localStorage=[1]), 1, "VC104", "`localStorage` is a list"),
    ("local-storage-origin-not-url", _inspection([_TRACKER], localStorage={"x": {"k": {}}}), 1, "VC104",
     "not an origin"),
    ("local-storage-items-int", _inspection([_TRACKER], localStorage={"https://a.example": 5}), 1, "VC104",
     "a number, not an object"),
    ("local-storage-empty-key", _inspection([_TRACKER], localStorage={"https://a.example": {" ": 1}}), 1, "VC104",
     "empty key"),
    ("local-storage-bad-url", _inspection([_TRACKER], localStorage={"https://[::1": {"k": 1}}), 1, "VC104",
     "not an origin"),
]


@pytest.mark.parametrize(("text", "exit_code", "code", "message"), [c[1:] for c in INSPECTIONS],
                         ids=[c[0] for c in INSPECTIONS])
def test_hostile_inspection(project: Path, text: str | bytes, exit_code: int, code: str, message: str) -> None:
    (project / "inspection.json").write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    out = assert_clean(cli(["verify-cookies", "p", "--har", "inspection.json", "--format", "concise"], project),
                       exit_code, code)
    assert message in out, out[:2000]


def test_an_inspection_of_10000_bad_entries_gives_a_short_report(project: Path) -> None:
    """Each bad entry is a VC104 warning; after the first 20, one more counts the rest."""
    bad = [{"name": n, "domain": n} for n in range(10_000)] + [{**_TRACKER, "domain": 5}] * 10_000
    (project / "inspection.json").write_text(_inspection(bad), encoding="utf-8")
    out = assert_clean(cli(["verify-cookies", "p", "--har", "inspection.json", "--format", "full"], project), 1,
                       "VC104")
    assert len(out) < 20_000, len(out)
    assert "19,980 more malformed entries" in out
    assert out.count("VC104 warning") == 21


# ---------------------------------------------------------------- cookie jar and header file

JAR_LINE = ".fjordkaffe.no\tTRUE\t/\tFALSE\t{expires}\ttracker\tv\n"

#: (id, text, exit code, code, message fragment)
JARS: list[tuple[str, str | bytes, int, str, str]] = [
    ("expiry-5000-digits", JAR_LINE.format(expires=HUGE), 1, "VC102", "over 1000 years"),
    ("expiry-400-digits", JAR_LINE.format(expires="9" * 400), 1, "VC102", "over 1000 years"),
    ("expiry-fraction-5000-digits", JAR_LINE.format(expires=f"1.{HUGE}"), 1, "VC101", "no cookie"),
    ("expiry-negative", JAR_LINE.format(expires=f"-{HUGE}"), 1, "VC101", "no cookie"),
    ("expiry-words", JAR_LINE.format(expires="soon"), 1, "VC102", "not a cookies.txt line"),
    ("too-few-fields", "a\tb\tc\n", 1, "VC102", "not a cookies.txt line"),
    ("too-many-fields", "\t".join("a" * 9) + "\n", 1, "VC102", "not a cookies.txt line"),
    ("no-name", ".a.example\tTRUE\t/\tFALSE\t0\t\tv\n", 1, "VC102", "names no cookie"),
    ("binary", b"\x00\x01\x02\xff\xfe", 2, "VC100", "invalid UTF-8"),
    ("utf16", JAR_LINE.format(expires="0").encode("utf-16"), 2, "VC100", "invalid UTF-8"),
]


@pytest.mark.parametrize(("text", "exit_code", "code", "message"), [c[1:] for c in JARS], ids=[c[0] for c in JARS])
def test_hostile_cookie_jar(project: Path, text: str | bytes, exit_code: int, code: str, message: str) -> None:
    (project / "jar.txt").write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    out = assert_clean(cli(["verify-cookies", "p", "--cookies", "jar.txt", "--first-party", "fjordkaffe.no",
                            "--captured-at", "2026-01-01T00:00:00Z", "--format", "concise"], project),
                       exit_code, code)
    assert message in out, out[:2000]


HEADERS: list[tuple[str, str | bytes, int, str, str]] = [
    ("max-age-5000-digits", f"Set-Cookie: tracker=1; Max-Age={HUGE}\n", 1, "VC102", "over 1000 years"),
    ("max-age-negative-5000-digits", f"Set-Cookie: tracker=1; Max-Age=-{HUGE}\n", 1, "VC101", "no Set-Cookie"),
    ("date-year-9999", "Date: Fri, 31 Dec 9999 23:00:00 -0500\nSet-Cookie: tracker=1; Expires=Wed, 01 Jan 2031 "
     "00:00:00 GMT\n", 1, "VC001", "tracker"),
    # the year 0001 is read as 2001 (two-digit years), so this is a deletion
    ("expires-year-1", "Set-Cookie: tracker=1; Expires=Mon, 01 Jan 0001 00:00:00 +0500\n", 1, "VC101", "no Set-Cookie"),
    ("expires-garbage", f"Set-Cookie: tracker=1; Expires={HUGE}\n", 1, "VC001", "tracker"),
    ("no-name", "Set-Cookie: =1\n", 1, "VC102", "not a Set-Cookie header"),
    ("binary", b"\xff\xfe\x00", 2, "VC100", "invalid UTF-8"),
    ("long-line", "Set-Cookie: tracker=1; " + "a=b; " * 20_000 + "\n", 1, "VC001", "tracker"),
]


@pytest.mark.parametrize(("text", "exit_code", "code", "message"), [c[1:] for c in HEADERS],
                         ids=[c[0] for c in HEADERS])
def test_hostile_header_file(project: Path, text: str | bytes, exit_code: int, code: str, message: str) -> None:
    (project / "headers.txt").write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    out = assert_clean(cli(["verify-cookies", "p", "--set-cookie", "headers.txt", "--first-party", "fjordkaffe.no",
                            "--captured-at", "2026-01-01T00:00:00Z", "--format", "concise"], project),
                       exit_code, code)
    assert message in out, out[:2000]


def test_captured_at_outside_the_calendar_in_utc_is_a_usage_error(project: Path) -> None:
    (project / "headers.txt").write_text("Set-Cookie: tracker=1\n", encoding="utf-8")
    proc = cli(["verify-cookies", "p", "--set-cookie", "headers.txt", "--captured-at", "9999-12-31T23:00:00-05:00"],
               project)
    assert proc.returncode == 2 and "outside the years" in proc.stderr and "internal error" not in proc.stderr


@pytest.mark.parametrize("option", ["--har", "--cookies", "--set-cookie"])
def test_captures_over_the_configured_limit_are_refused_and_the_limit_is_named(project: Path, option: str) -> None:
    (project / "privacy-dsl.toml").write_text("max-capture-bytes = 100\n", encoding="utf-8")
    (project / "capture").write_text(_har() + " " * 200, encoding="utf-8")
    out = assert_clean(cli(["verify-cookies", "p", option, "capture"], project), 2, "VC100")
    assert "over the limit of 100 bytes" in out and "max-capture-bytes" in out


# ---------------------------------------------------------------- fides manifests

MANIFEST = """\
system:
  - fides_key: shop
    name: Shop
    privacy_declarations:
      - name: Orders
        data_use: essential.service
        data_categories: [user.contact.email]
        data_subjects: [customer]
"""

BILLION_LAUGHS = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]\n" for k in range(1, 9)) + "system: [{fides_key: *a8}]\n"

#: (id, YAML, message fragment); every one is E081 with exit 2
MANIFESTS: list[tuple[str, str | bytes, str]] = [
    ("date-february-30", MANIFEST + "    updated: 2026-02-30\n", "m.yml:9:14"),
    ("date-zero", MANIFEST + "    updated: 0000-00-00\n", "not a date"),
    ("datetime-offset-25h", MANIFEST + "    updated: 2026-01-01T00:00:00+25:00\n", "not a date"),
    ("int-5000-digits", MANIFEST + f"    size: {HUGE}\n", "4,300 digits"),
    ("int-underscores", MANIFEST + f"    size: 1_{'0' * 5000}\n", "4,300 digits"),
    ("flow-100k-deep", "system: " + "[" * 100_000 + "\n", "nesting depth"),
    ("block-1200-deep", "".join("  " * k + "- \n" for k in range(1200)), "nesting depth"),
    ("mapping-200-deep", "system:\n" + "".join("  " * k + " a:\n" for k in range(1, 200)), "levels deep"),
    ("alias-refers-to-itself", "a: &a [*a]\nsystem: *a\n", "refers to a value that holds it"),
    ("billion-laughs", BILLION_LAUGHS, "more than 1,000,000 values"),
    ("not-a-mapping", "- a\n- b\n", "not a fides manifest"),
    ("scalar", "5\n", "not a fides manifest"),
    ("empty", "", "not a fides manifest"),
    ("python-tag", "system: !!python/object/apply:os.system [echo hi]\n", "not valid YAML"),
    ("not-utf8", b"system: \xff\n", "invalid UTF-8"),
    ("unhashable-key", "system:\n  ? [a, b]\n  : c\n", "not valid YAML"),
]


@pytest.mark.skipif(not HAVE_YAML, reason="PyYAML (the fides extra) is not installed")
@pytest.mark.parametrize(("text", "message"), [c[1:] for c in MANIFESTS], ids=[c[0] for c in MANIFESTS])
def test_hostile_manifest_is_e081_exit_2(project: Path, text: str | bytes, message: str) -> None:
    (project / "m.yml").write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    out = assert_clean(cli(["import", "fides", "m.yml"], project), 2, "E081")
    assert message in out, out[:2000]
    assert not (project / "out.privacy").exists()


@pytest.mark.skipif(not HAVE_YAML, reason="PyYAML (the fides extra) is not installed")
def test_manifests_over_the_limit_are_refused_from_a_file_and_from_stdin(project: Path) -> None:
    (project / "m.yml").write_text(MANIFEST + "#" + "x" * 3 * 1024 * 1024 + "\n", encoding="utf-8")
    out = assert_clean(cli(["import", "fides", "m.yml"], project), 2, "E081")
    assert "over the limit of 2,097,152 bytes" in out and "max-manifest-bytes" in out
    (project / "privacy-dsl.toml").write_text("max-manifest-bytes = 100\n", encoding="utf-8")
    out = assert_clean(cli(["import", "fides", "-"], project, stdin=MANIFEST.encode() * 2), 2, "E081")
    assert "over the limit of 100 bytes" in out
    (project / "privacy-dsl.toml").write_text("max-manifest-bytes = 5000000\n", encoding="utf-8")
    assert cli(["import", "fides", "m.yml"], project).returncode == 0


WRONG_VALUES: list[Any] = [-1, True, None, "", [5], {"a": 5}, dt.date(2026, 1, 1)]


def _paths(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*at, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _paths(child, (*at, i))


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], new)
    return copy


def _exported_manifest() -> dict[str, Any]:
    from privacy_dsl.interop.export import to_fides
    from privacy_dsl.lint.loader import load_one

    data, _ = to_fides(load_one(FJORDKAFFE, run_rules=False).policy, "en")
    return data


@pytest.mark.skipif(not HAVE_YAML, reason="PyYAML (the fides extra) is not installed")
def test_a_wrong_type_in_any_field_of_a_manifest_never_raises() -> None:
    """Every field of the fjordkaffe export (and the legacy fields the importer reads, a dataset and a
    policy rule) replaced by every value of WRONG_VALUES: the importer writes a policy (and its tests)
    or raises ImportProblem, nothing else."""
    from privacy_dsl.interop.importer import ImportProblem, import_fides

    data = _exported_manifest()
    data["system"][0].update({"third_country_transfers": ["US"], "does_international_transfers": True,
                              "legal_basis_for_transfers": ["SCC"], "responsibility": ["Controller"],
                              "dpa_location": "x", "joint_controller_info": "x", "dpo": "x",
                              "legal_name": "x", "legal_address": "x"})
    data["dataset"] = [{"fides_key": "d", "data_categories": ["user"], "collections": [
        {"name": "c", "data_categories": ["user.name"], "fields": [
            {"name": "f", "data_categories": ["user.contact.email"], "fields": [{"name": "g"}]}]}]}]
    data["policy"] = [{"fides_key": "p", "rules": [{
        "name": "r", "description": "x", "data_categories": {"matches": "ANY", "values": ["user"]},
        "data_uses": {"matches": "OTHER", "values": ["essential"]},
        "data_subjects": {"matches": "ANY", "values": ["customer"]}}]}]
    # every field of the first item of each list (the others have the same fields)
    paths = [p for p in _paths(data) if p and all(k == 0 for k in p if isinstance(k, int))]
    assert len(paths) > 80
    failures = []
    for path in paths:
        for new in WRONG_VALUES:
            try:
                import_fides(_replaced(data, path, new))
            except ImportProblem:
                pass
            except Exception as exc:
                failures.append(f"{'.'.join(map(str, path))} = {new!r}: {type(exc).__name__}: {exc}")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:200])


# ---------------------------------------------------------------- pytest plugin

PLUGIN_TEST = "def test_uses_the_policy(privacy_policy):\n    assert privacy_policy.model is not None\n"


def _pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (project / "test_policy.py").write_text(PLUGIN_TEST, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=project,
                          capture_output=True, text=True, timeout=TIMEOUT)


def test_pytest_plugin_a_missing_policy_path_is_a_usage_error(project: Path) -> None:
    proc = _pytest(project, "--privacy-policy=nowhere")
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR
    assert "privacy-dsl: --privacy-policy=nowhere: no such policy" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.parametrize(("setup", "message"), [
    ("syntax", "E100"),
    ("config", "E080"),
    ("config-types", "E080"),
])
def test_pytest_plugin_reports_a_bad_policy_or_configuration_without_a_traceback(project: Path, setup: str,
                                                                              message: str) -> None:
    if setup == "syntax":
        with (project / "p" / "cookies.privacy").open("a", encoding="utf-8") as f:
            f.write("cookie {{\n")
    elif setup == "config":
        (project / "privacy-dsl.toml").write_text("select = [\n", encoding="utf-8")
    else:
        (project / "privacy-dsl.toml").write_text("select = []\n", encoding="utf-8")
    proc = _pytest(project, "--privacy-policy=p")
    out = proc.stdout + proc.stderr
    assert proc.returncode == pytest.ExitCode.TESTS_FAILED, out
    assert "privacy-dsl: cannot load the policy (--privacy-policy=p)" in out
    assert message in out or setup.startswith("config"), out
    assert "Traceback" not in out and "During handling of the above exception" not in out, out
    assert "site-packages" not in out and "privacy_dsl/" not in out, out


# ---------------------------------------------------------------- hypothesis: each reader at the function level

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12))
HAR_KEYS = ["log", "entries", "pages", "request", "response", "url", "headers", "cookies", "name", "value",
            "startedDateTime", "pageTimings", "onLoad", "onContentLoad", "id", "pageref", "title", "postData",
            "text", "method", "domain", "path", "expires"]
TIMES = st.sampled_from(["2026-01-01T00:00:00Z", "9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00",
                         "2026-02-30T00:00:00Z", "Fri, 31 Dec 9999 23:00:00 -0500", "x"])
SET_COOKIES = st.sampled_from(["a=1", "a=1; Max-Age=" + HUGE, "a=1; Max-Age=-" + HUGE, "=1", "a=1; Expires=x",
                               "a=1; Domain=.x; Path=/", "a=1; Max-Age=99999999999999999999"])
har_values = st.recursive(
    st.one_of(json_scalars, TIMES, SET_COOKIES, st.sampled_from(HAR_KEYS)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(HAR_KEYS), inner,
                                                                         max_size=6)),
    max_leaves=40)
hars = st.one_of(
    har_values,
    st.builds(lambda entries, pages: {"log": {"entries": entries, "pages": pages}},
              st.lists(st.builds(lambda req, resp, started: {"request": req, "response": resp,
                                                             "startedDateTime": started},
                                 har_values, har_values, TIMES), max_size=4),
              st.one_of(har_values, st.lists(st.fixed_dictionaries(
                  {"id": st.text(max_size=3), "startedDateTime": TIMES,
                   "pageTimings": st.dictionaries(st.sampled_from(["onLoad", "onContentLoad"]), json_scalars)}),
                  max_size=3))))

_SCRATCH = Path(tempfile.mkdtemp(prefix="privacy-dsl-hostile-"))


def _capture_of(reader: Any, data: bytes, **kw: Any) -> Capture:
    path = _SCRATCH / "capture"
    path.write_bytes(data)
    capture: Capture = reader(path, "capture", **kw)
    assert all(d.code.startswith("VC") for d in capture.problems)
    return capture


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hars, st.sampled_from(["first-load", "first-page", "all", "none"]))
def test_read_har_never_raises(data: Any, pre_consent: str) -> None:
    text = json.dumps(data)
    _capture_of(read_har, text.encode(), pre_consent=pre_consent, consent_markers=[re.compile("consent")])


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_read_har_of_any_bytes_never_raises(data: bytes) -> None:
    _capture_of(read_har, data)


INSPECTION_KEYS = ["cookies", "localStorage", "uri_ins", "start_time", "name", "domain", "path", "expires",
                   "expiry", "expiresDays", "session", "httpOnly", "secure", "sameSite", "firstPartyStorage", "log",
                   "stack", "type", "timestamp", "location", "fileName", "Cookie.HTTP", "Cookie.JS"]
inspection_values = st.recursive(
    st.one_of(json_scalars, TIMES, st.sampled_from(INSPECTION_KEYS), st.sampled_from([-1, 1e300, 10 ** 400])),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(INSPECTION_KEYS), inner, max_size=6)),
    max_leaves=40)
inspections = st.one_of(
    inspection_values,
    st.builds(lambda cookies, start, storage: {"cookies": cookies, "start_time": start, "uri_ins": "https://a.example/",
                                               "localStorage": storage},
              st.lists(st.dictionaries(st.sampled_from(INSPECTION_KEYS), inspection_values, max_size=8),
                       max_size=5), TIMES,
              st.one_of(inspection_values, st.dictionaries(
                  st.sampled_from(["https://a.example", "http://b.example:8080", "https://[::1", "x", ""]),
                  st.one_of(inspection_values, st.dictionaries(st.text(max_size=4), inspection_values, max_size=3)),
                  max_size=3))))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inspections, st.sampled_from(["first-load", "all", "none", None]))
def test_read_inspection_never_raises(data: Any, pre_consent: str | None) -> None:
    text = json.dumps(data)
    _capture_of(read_inspection, text.encode(), pre_consent=pre_consent)
    if isinstance(data, dict) and "log" not in data and "cookies" in data:
        assert _capture_of(read_har, text.encode(), pre_consent=pre_consent).kind == "inspection"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(hars, inspections), st.sampled_from(["none", "rejected"]), st.booleans())
def test_read_har_before_consent_or_after_reject_never_raises(data: Any, choice: str, marker: bool) -> None:
    """--before-consent and --after-reject read any HAR or inspection without raising; nothing is
    both before consent and after the rejection, and only a rejected capture has anything after it."""
    capture = _capture_of(read_har, json.dumps(data).encode(), choice=choice,
                          consent_markers=[re.compile("consent")] if marker else [])
    assert capture.choice == choice
    assert not any(o.pre_consent and o.after_reject for o in capture.observations)
    assert choice == "rejected" or not any(o.after_reject for o in capture.observations)
    assert capture.choice_at is None or (choice == "rejected" and marker)


jar_fields = st.one_of(st.text(max_size=8), st.sampled_from(["TRUE", "FALSE", ".a.example", "/", HUGE, "-" + HUGE,
                                                             "0", "1.5", "99999999999999999999", f"1.{HUGE}"]))
jar_lines = st.lists(jar_fields, min_size=0, max_size=8).map("\t".join)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(jar_lines, max_size=6).map("\n".join), st.sampled_from([None, dt.datetime(2026, 1, 1, tzinfo=dt.UTC)]))
def test_read_cookies_txt_never_raises(text: str, captured_at: dt.datetime | None) -> None:
    _capture_of(read_cookies_txt, text.encode("utf-8", "surrogatepass"), captured_at=captured_at)


header_lines = st.one_of(st.text(max_size=30), SET_COOKIES.map("Set-Cookie: {}".format),
                         TIMES.map("Date: {}".format), st.sampled_from(["# url: https://a.example/", "HTTP/1.1 200"]))


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(header_lines, max_size=6).map("\n".join))
def test_read_set_cookie_never_raises(text: str) -> None:
    _capture_of(read_set_cookie, text.encode("utf-8", "surrogatepass"))


CONFIG_KEYS = ["select", "ignore", "extend-select", "jurisdictions", "max-file-bytes", "max-capture-bytes",
               "max-manifest-bytes", "policy", "rules", "CK003", "LAW001", "severity", "max-months", "max-years",
               "marketing", "functional-session-exempt", "ALL", "eu"]
toml_scalars = st.one_of(st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8),
                         st.sampled_from(CONFIG_KEYS), st.dates())
toml_values = st.recursive(toml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(CONFIG_KEYS), inner, max_size=4)), max_leaves=20)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.dictionaries(st.sampled_from(CONFIG_KEYS), toml_values, max_size=5))
def test_parse_config_raises_only_config_error(table: dict[str, Any]) -> None:
    with contextlib.suppress(ConfigError):
        parse_config(table, "fuzz.toml")


toml_text = st.lists(st.one_of(st.text(max_size=20), st.sampled_from(
    ["[tool]", "[tool.privacy-dsl]", "tool = 1", "privacy-dsl = 5", "select = []", 'select = ["ALL"]', "a = [[[",
     "max-file-bytes = true", f"n = {HUGE}", "d = 2026-02-30", "[rules.CK003]", "x.y.z = 1", "\x00", "'''"])),
    max_size=8).map("\n".join)


@settings(max_examples=EXAMPLES, deadline=None)
@given(toml_text, st.sampled_from(["pyproject.toml", "privacy-dsl.toml"]))
def test_reading_a_config_file_raises_only_config_error(text: str, name: str) -> None:
    path = _SCRATCH / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        read_toml(path)
        parse_config(explicit_table(path), name)
    except ConfigError:
        pass


yaml_text = st.lists(st.one_of(st.text(max_size=20), st.sampled_from(
    ["system:", "  - fides_key: a", "    privacy_declarations:", "      - data_use: x", "organization: 5",
     "- [", "a: &a [*a]", "b: *a", "d: 2026-02-30", f"n: {HUGE}", "  ? [x]", "!!binary x", "\t", "'", "{"])),
    max_size=10).map("\n".join)


@pytest.mark.skipif(not HAVE_YAML, reason="PyYAML (the fides extra) is not installed")
@settings(max_examples=EXAMPLES, deadline=None)
@given(yaml_text)
def test_load_yaml_and_import_raise_only_import_problem(text: str) -> None:
    from privacy_dsl.interop.importer import ImportProblem, from_fides, load_yaml

    with contextlib.suppress(ImportProblem):
        from_fides(load_yaml(text, "fuzz.yml"))


FIDES_KEYS = ["system", "organization", "data_category", "data_subject", "fides_key", "name", "description",
              "privacy_declarations", "data_use", "data_categories", "data_subjects", "legal_basis_for_processing",
              "special_category_legal_basis", "egress", "retention_period", "meta", "privacy_dsl", "id", "role",
              "countries", "transfers", "purposes", "declaration", "cookies", "responsibility", "dpa_location",
              "website", "third_country_transfers", "controller", "data_protection_officer", "consent", "domain",
              "recipient_system", "provider_system", "provider", "expiry", "party", "category", "mechanism"]
fides_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(), st.dates(),
              st.text(alphabet="abcxyz._ 19", max_size=8), st.sampled_from(FIDES_KEYS)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIDES_KEYS), inner,
                                                                         max_size=6)),
    max_leaves=40)


@pytest.mark.skipif(not HAVE_YAML, reason="PyYAML (the fides extra) is not installed")
@settings(max_examples=EXAMPLES * 5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({"system": fides_values}, optional={"organization": fides_values,
                                                                 "data_category": fides_values,
                                                                 "data_subject": fides_values}))
def test_from_fides_of_any_structure_raises_only_import_problem(data: dict[str, Any]) -> None:
    """Text is drawn from a safe alphabet: the escaping of what the importer writes is tested in test_import."""
    from privacy_dsl.interop.importer import ImportProblem, from_fides

    with contextlib.suppress(ImportProblem):
        from_fides(data)

