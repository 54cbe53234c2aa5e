"""What the tool prints is safe whatever the input holds (issue 13, items 7b, 8, 9):

- control characters in data are escaped in every human-readable format, so a policy or a HAR
  cannot write a GitHub workflow command (``::add-mask::``) or a terminal escape;
- bidirectional controls in policy text are reported (E020, Trojan Source);
- excerpts are a bounded window and messages quote at most 60 characters of a name, so output
  is bounded by the number of findings, not by the length of a line;
- file names that are not UTF-8 and hostile test names never break JSON, SARIF, JUnit or a
  strict UTF-8 stream.

The end-to-end cases run the real CLI in a subprocess, as CI does.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy_dsl.diagnostics import MAX_MESSAGE, bound_message, printable, printable_line
from privacy_dsl.language.parser import parse_text
from privacy_dsl.lint.engine import lint_text
from privacy_dsl.outputs.reporters.full import WINDOW, window

TEXT_FORMATS = ("full", "concise", "github")
ALL_FORMATS = ("full", "concise", "github", "json", "sarif", "junit")
#: The lines GitHub Actions reads as workflow commands: only the github format's own may start so.
_OWN_COMMAND = re.compile(r"::(error|warning|notice) file=[^\n:]*,line=\d+,col=\d+,endLine=\d+(,endColumn=\d+)?,"
                          r"title=[A-Z]+\d+ [a-z-]+::")

EVIL = "\x1b]0;title\x07\x1b[31m::add-mask::secret\x85\u2028::error file=a::forged"
POLICY = (
    'policy "Shop \\n::add-mask::secret \x1b[2J" {\n  url "https://shop.example"\n}\n'
    f'cookie "{EVIL}\\n::warning::x" {{\n  party first\n}}\n'
    'cookie "bi\u202edi" { party first }  # a comment \u2066 with an isolate\n'
)


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PRIVACY_DSL"))}
    environ.update({"NO_COLOR": "1", **(env or {})})
    return subprocess.run([sys.executable, "-m", "privacy_dsl", *args], capture_output=True, cwd=cwd, env=environ,
                          timeout=300, check=False)


def assert_safe(out: bytes, fmt: str = "full") -> str:
    """No raw ESC or other control byte; no line from data that GitHub reads as a command."""
    text = out.decode("utf-8")
    assert "Traceback" not in text and "internal error" not in text
    assert "\x1b" not in text and "\x07" not in text and "\x85" not in text and "\u2028" not in text
    assert "\u202e" not in text and "\u2066" not in text
    for line in text.split("\n"):
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", line), line
        if line.lstrip().startswith("::"):
            assert fmt == "github" and _OWN_COMMAND.match(line), line
    return text


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    (tmp_path / "a.privacy").write_text(POLICY, encoding="utf-8")
    return tmp_path


# ---------------------------------------------------------------- the one escaping function


def test_printable_escapes_every_control_and_keeps_text() -> None:
    assert printable("a\x1b[31mb") == "a\\x1b[31mb"
    assert printable("x\ny\rz\t") == "x\\ny\\rz\\t"
    assert printable("\x00\x7f\x85\x9f") == "\\x00\\x7f\\x85\\x9f"
    assert printable("\u2028\u2029\u202e\u2066\u200f\u061c") == "\\u2028\\u2029\\u202e\\u2066\\u200f\\u061c"
    assert printable("\udcff.privacy") == "\\xff.privacy"  # a non-UTF-8 file name shows its byte
    assert printable("Ünïcödé — 日本語 🍪") == "Ünïcödé — 日本語 🍪"
    assert printable("a\nb", keep_lines=True) == "a\nb"
    assert printable_line("::add-mask::x") == "\\x3a:add-mask::x"
    assert printable_line("  ::error::x") == "  \\x3a:error::x"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_printable_output_is_one_safe_line(text: str) -> None:
    shown = printable_line(text)
    assert "\n" not in shown and "\r" not in shown
    assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]", shown)
    assert not shown.lstrip().startswith("::")
    shown.encode("utf-8")  # strict: never fails


# ---------------------------------------------------------------- injection, end to end


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_lint_output_of_a_hostile_policy_is_safe(hostile: Path, fmt: str) -> None:
    result = run("lint", str(hostile), "--format", fmt)
    assert result.returncode == 1, result.stderr
    text = assert_safe(result.stdout, fmt)
    assert_safe(result.stderr)
    if fmt == "json":
        doc = json.loads(text)
        names = [d["message"] for d in doc["diagnostics"]]
        # JSON keeps the data exact (escaped by JSON itself); the name is shortened in the middle
        assert any(EVIL[:30] in n for n in names)
    elif fmt == "sarif":
        json.loads(text)
    elif fmt == "junit":
        ET.fromstring(result.stdout)
    else:
        assert "\\x1b]0;title\\x07\\x1b[31m::add-mask::secret\\x85\\u2028" in text
    if fmt == "github":
        commands = [line for line in text.split("\n") if line.startswith("::")]
        assert commands and all(_OWN_COMMAND.match(line) for line in commands)


def test_a_file_named_like_a_workflow_command_is_not_one(tmp_path: Path) -> None:
    (tmp_path / "::error::forged.privacy").write_text('cookie c { party first }\n', encoding="utf-8")
    for fmt in TEXT_FORMATS:
        result = run("lint", "::error::forged.privacy", "--format", fmt, cwd=tmp_path)
        assert result.returncode == 1
        text = assert_safe(result.stdout, fmt)
        assert "./::error::forged.privacy:1:1" in text or fmt == "github"


def test_query_listing_escapes_names(hostile: Path) -> None:
    result = run("query", "cookies", "--policy", str(hostile))
    assert result.returncode == 0, result.stderr
    text = assert_safe(result.stdout)
    assert "\\x1b]0;title" in text
    doc = run("query", "cookies", "--policy", str(hostile), "--format", "json")
    assert any(c["name"].startswith("\x1b]0;title") for c in json.loads(doc.stdout)["cookies"])


def test_policy_test_output_and_junit_with_control_characters(hostile: Path) -> None:
    (hostile / "a.privacy-test").write_text(
        'test "t\x1b[31m \x01 \x0b x ::error::y" {\n  cookie "\x1b[2J::error::x" needs consent\n  no errors\n}\n',
        encoding="utf-8")
    result = run("test", "--junit", "report.xml", cwd=hostile)
    assert result.returncode == 1
    assert_safe(result.stdout)
    assert_safe(result.stderr)
    root = ET.parse(hostile / "report.xml").getroot()  # well-formed XML 1.0
    names = [case.get("classname") for case in root.iter("testcase")]
    assert names and all(n is not None and "\\x1b[31m \\x01 \\x0b" in n for n in names)


def test_verify_cookies_escapes_cookie_names_from_a_har(hostile: Path) -> None:
    from test_observed import entry, har

    path = har(hostile, [entry("https://shop.example/", 0.1, set_cookies=[f"{EVIL}=1", "\x1b[2J::error::x=2"])])
    for fmt in ALL_FORMATS:
        result = run("verify-cookies", str(hostile), "--har", str(path), "--format", fmt)
        assert result.returncode == 1, result.stderr
        text = assert_safe(result.stdout, fmt)
        if fmt in ("json", "sarif"):
            json.loads(text)
        if fmt == "full":
            assert "\\x1b[2J" in text


# ---------------------------------------------------------------- Trojan Source


def test_bidi_controls_are_warned_at_their_position() -> None:
    text = 'cookie "bi\u202edi" { party first }\n# \u2066 isolate\npolicy "x\u202a\u200f" { }\n'
    found = [d for d in lint_text(text, "a.privacy") if d.code == "E020"]
    assert [(d.span.line, d.span.column, dict(d.args)["codepoint"]) for d in found] == [
        (1, 11, "U+202E"), (2, 3, "U+2066"), (3, 10, "U+202A")]  # a direction mark (U+200F) is not reported
    assert all(d.severity.label == "warning" and not d.fatal for d in found)
    assert "RIGHT-TO-LEFT OVERRIDE" in found[0].message
    others = {d.code for d in lint_text(text, "a.privacy")} - {"E020"}
    assert "CK002" in others  # not fatal: the rules still ran


def test_bidi_warning_in_json_is_not_fatal(hostile: Path) -> None:
    doc = json.loads(run("lint", str(hostile), "--format", "json").stdout)
    e020 = [d for d in doc["diagnostics"] if d["code"] == "E020"]
    assert [(d["line"], d["column"]) for d in e020] == [(7, 11), (7, 45)]
    assert not doc["summary"]["fatal"]


def test_bidi_reports_are_bounded() -> None:
    found = [d for d in lint_text("# " + "\u202e" * 10_000 + "\ncookie c { party first }\n", "a.privacy")
             if d.code == "E020"]
    assert 1 <= len(found) <= 20


# ---------------------------------------------------------------- amplification


def test_window_keeps_the_caret_under_the_span() -> None:
    line = "x" * 1000 + "TARGET" + "y" * 1000
    text, offset, width = window(line, 1000, 1006)
    assert len(text) <= WINDOW and text[offset:offset + width] == "TARGET"
    assert text.startswith("…") and text.endswith("…")
    text, offset, width = window("ab\x1bcd", 3, 4)  # an escaped character before the span
    assert text == "ab\\x1bcd" and text[offset:offset + width] == "c"
    text, offset, width = window("a" * 10 + "b" * 5000, 10, 5010)  # a span longer than the window
    assert len(text) <= WINDOW and text[offset:].startswith("bbb") and text.endswith("…")
    assert window("short", 0, 5) == ("short", 0, 5)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.integers(0, 400), st.integers(0, 400))
def test_window_is_bounded_and_aligned(line: str, a: int, b: int) -> None:
    start, end = sorted((min(a, len(line)), min(b, len(line))))
    text, offset, width = window(line, start, end)
    assert len(text) <= max(WINDOW, 0) and 0 <= offset <= len(text) and offset + width <= len(text)
    if start < end and len(printable(line)) <= WINDOW:
        assert text[offset:offset + width] == printable(line[start:end].replace("\t", " "))  # tabs show as spaces


def _lines_bounded(text: str, bound: int) -> None:
    longest = max((len(line) for line in text.split("\n")), default=0)
    assert longest <= bound, longest


def test_a_105_kb_one_line_policy_gives_bounded_output(tmp_path: Path) -> None:
    blocks = " ".join(f'cookie c{i:05d} {{ party first description "{"d" * 40}" }}' for i in range(1700))
    (tmp_path / "one.privacy").write_text(blocks + "\n", encoding="utf-8")
    assert (tmp_path / "one.privacy").stat().st_size > 105_000
    (tmp_path / "one.toml").write_text("group-findings = false\n")  # one finding per cookie: 1700 excerpts
    result = run("lint", str(tmp_path), "--format", "full", "--config", str(tmp_path / "one.toml"))
    assert result.returncode == 1
    findings = result.stdout.count(b": CK0")
    assert findings >= 1700
    assert len(result.stdout) <= findings * 700  # about 400 bytes a finding; was the 105 KB line each
    _lines_bounded(result.stdout.decode(), 400)


def test_a_2_mb_one_line_har_gives_bounded_output(tmp_path: Path) -> None:
    from test_observed import entry

    (tmp_path / "p.privacy").write_text('policy "x" { url "https://shop.example" }\ncookie sid { party first }\n')
    entries = [entry(f"https://shop.example/{'p' * 200}{i}", 0.1 + i / 1000, set_cookies=[f"c{i}=v; Max-Age=60"])
               for i in range(4000)]
    doc = {"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
                   "pages": [{"id": "page_1", "startedDateTime": "2026-11-25T10:00:00.000Z", "title": "x",
                              "pageTimings": {"onContentLoad": 500, "onLoad": 1000}}], "entries": entries}}
    har_path = tmp_path / "visit.har"
    har_path.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")  # minified: one line
    assert har_path.stat().st_size > 2_000_000 and har_path.read_text().count("\n") == 0
    for fmt in ("full", "concise", "github"):
        result = run("verify-cookies", str(tmp_path), "--har", str(har_path), "--format", fmt)
        assert result.returncode == 1, result.stderr
        findings = result.stdout.count(b"VC001")
        assert findings >= 4000
        assert len(result.stdout) <= findings * 1000
        _lines_bounded(result.stdout.decode(), 1000)


LONG = "n" * 10_000
LONG_POLICY = (
    f'policy "{LONG}" {{ url "{LONG}" languages {LONG} }}\n'
    f'controller "{LONG}" {{ email "{LONG}" country {LONG} }}\n'
    f'category {LONG} {{ taxonomy user.{LONG} }}\n'
    f'purpose {LONG} {{ use {LONG}.x basis {LONG} categories {LONG}x subjects {LONG}y recipients {LONG}z '
    f'retention until {LONG} }}\n'
    f'purpose {LONG} {{ basis consent consent {LONG}c }}\n'
    f'cookie "{LONG}" {{ party first kind {LONG} category {LONG} provider {LONG}p }}\n'
    f'cookie "{LONG}" {{ party first }}\n'
    f'transfer {LONG} {{ recipient {LONG}r country {LONG} mechanism {LONG} }}\n'
    f'# privacy-dsl: ignore[{LONG}] {LONG}\n'
)


@pytest.mark.parametrize("text", [LONG_POLICY, f"cookie c {{ party first }} {LONG}", f"cookie {LONG}! {{ }}"])
def test_ten_thousand_character_names_give_bounded_messages(tmp_path: Path, text: str) -> None:
    (tmp_path / "a.privacy").write_text(text, encoding="utf-8")
    for fmt in ALL_FORMATS:
        result = run("lint", str(tmp_path), "--format", fmt)
        assert result.returncode in (1, 2), result.stderr
        out = result.stdout.decode()
        assert "Traceback" not in out + result.stderr.decode()
        if fmt == "json":
            for d in json.loads(out)["diagnostics"]:
                assert len(d["message"]) <= MAX_MESSAGE and len(d["hint"] or "") <= MAX_MESSAGE
        elif fmt == "sarif":
            for r in json.loads(out)["runs"][0]["results"]:
                assert len(r["message"]["text"]) <= 2 * MAX_MESSAGE + 10
        elif fmt == "junit":
            ET.fromstring(result.stdout)
        else:
            _lines_bounded(out, 1000 if fmt == "github" else 500)


def test_bound_message_shortens_quoted_names() -> None:
    assert bound_message(f"cookie `{LONG}` is bad") == f"cookie `{'n' * 38}...{'n' * 19}` is bad"
    assert bound_message(f'law "{LONG}" is bad') == f'law "{"n" * 38}...{"n" * 19}" is bad'
    assert bound_message(f"see `/{'d' * 100}/notes.privacy`").endswith("/notes.privacy`")  # a path keeps its file
    assert len(bound_message("x" * 5000)) == MAX_MESSAGE
    assert bound_message("short `name`") == "short `name`"


def test_e100_for_a_stray_character_names_a_few_alternatives() -> None:
    base = 'policy "x" { }\npurpose p { name "n" }\n'
    for i in range(len(base) + 1):
        result = parse_text(base[:i] + "~" + base[i:])
        for d in result.diagnostics:
            assert len(d.message) <= 300, d.message
            assert d.message.count("`") <= 2 * 8 + 40
    base = ('policy "x" { }\ncontroller "c" { dpo { email "a" } }\n'
            'purpose p { name "n" basis legitimate_interests { } retention 5 years }\n')
    d = parse_text(base[:59] + " zz " + base[59:]).diagnostics[0]
    assert d.code == "E100" and re.search(r"or one of \d+ others$", d.message)
    assert "a block such as" in d.message  # the friendly group stays


# ---------------------------------------------------------------- file names that are not UTF-8


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "utf-8:strict"}, {"LC_ALL": "C", "LANG": "C"}])
@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_a_non_utf8_file_name_in_every_format(tmp_path: Path, fmt: str, env: dict[str, str]) -> None:
    try:
        name = os.fsdecode(b"bad\xff\x1b.privacy")
        (tmp_path / name).write_text("cookie c { party first }\n", encoding="utf-8")
    except (OSError, UnicodeError) as exc:
        pytest.skip(f"this file system does not take non-UTF-8 names: {exc}")
    # Twice with the cache (recorded, then answered from it) and once without: the same output.
    runs = [run("lint", *extra, str(tmp_path), "--format", fmt, env=env) for extra in ((), (), ("--no-cache",))]
    result = runs[0]
    assert result.returncode == 1, result.stderr
    assert all(r.returncode == 1 and r.stdout == result.stdout for r in runs), [r.stderr for r in runs]
    text = assert_safe(result.stdout, fmt)
    assert "\\xff" in text or fmt == "sarif"  # SARIF: percent-encoded in the URI
    if fmt == "sarif":
        uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in json.loads(text)["runs"][0]["results"]]
        assert all("bad%FF%1B.privacy" in u for u in uris)
    elif fmt == "json":
        assert all(d["path"].endswith("bad\\xff\x1b.privacy") for d in json.loads(text)["diagnostics"])
    elif fmt == "junit":
        ET.fromstring(result.stdout)


def test_bidi_warning_can_be_suppressed_on_its_line() -> None:
    text = ('cookie "bi\u202edi" { party first } '
            '# privacy-dsl: ignore[E020] -- the override is part of the vendor name\n')
    (d,) = [d for d in lint_text(text, "a.privacy") if d.code == "E020"]
    assert d.suppressed == "the override is part of the vendor name"


def test_documents_made_from_data_escape_controls_but_keep_lines_and_tabs() -> None:
    from privacy_dsl.diagnostics import printable_document

    assert printable_document("a\tb\nc\r\nd") == "a\tb\nc\r\nd"
    assert printable_document("x\x1b[2Jy\rz\u202e") == "x\\x1b[2Jy\\rz\\u202e"


def test_fmt_diff_and_the_notice_carry_no_raw_control_character(tmp_path: Path) -> None:
    policy = tmp_path / "p"
    policy.mkdir()
    (policy / "a.privacy").write_text(
        'controller "Evil \x1b]0;x\x07 AS" {\n  email "a@b.example"\n    country NO\n}\n', encoding="utf-8")
    diff = run("fmt", "--diff", str(policy))
    assert diff.returncode == 1, diff.stderr
    assert b"-    country NO" in diff.stdout  # the diff itself is intact
    for fmt in ("md", "html"):
        notice = run("notice", str(policy), "--lang", "en", "--format", fmt, "--allow-missing")
        assert b"Evil" in notice.stdout, notice.stderr
        for out in (diff, notice):
            assert b"\x1b" not in out.stdout and b"\x07" not in out.stdout
