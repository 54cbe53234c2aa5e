"""Output formats (full, concise, json, sarif, github, junit), the lint options and exit codes.

Golden files in tests/golden/ pin every format for tests/fixtures/reporting, a policy with an
error, a warning, an info, a suppressed finding, an input error (E200), a name with `,:%` and
non-ASCII text before a finding. After an intended change: ``UPDATE_GOLDEN=1 pytest
tests/test_reporters.py`` and review the diff.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import POLICIES, ROOT

from privacy_dsl import __version__
from privacy_dsl.cli.main import main
from privacy_dsl.diagnostics import Diagnostic, Severity
from privacy_dsl.language.model import Span
from privacy_dsl.lint.catalogue import codes
from privacy_dsl.outputs.reporters import Report, github, junit, sarif
from privacy_dsl.outputs.reporters import json as json_reporter

FIXTURE = ROOT / "tests" / "fixtures" / "reporting"
CONFIG = FIXTURE / "privacy-dsl.toml"
GOLDEN = ROOT / "tests" / "golden"
BAD = "cookie Webtemp {\n  party first\n  expiry persistent\n}\n"


def sarif_schema_path() -> Path:
    """The official schema beside the repository (CI layout), else the copy in tests/data."""
    shared = ROOT.parent / "shared" / "data" / "sarif" / "sarif-schema-2.1.0.json"
    return shared if shared.is_file() else ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    return ROOT


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["lint", *args])
    out, err = capsys.readouterr()
    return code, out, err


def fixture_args(*extra: str) -> list[str]:
    return [str(FIXTURE.relative_to(ROOT)), "--config", str(CONFIG.relative_to(ROOT)), "--no-cache", *extra]


def _normalise(fmt: str, text: str) -> str:
    """Make golden files independent of the release and of rule documentation wording (the
    documentation in SARIF is checked against its source in test_sarif_rules_carry_the_docs)."""
    if fmt == "json":
        doc = json.loads(text)
        doc["tool"]["version"] = "<version>"
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "sarif":
        doc = json.loads(text)
        driver = doc["runs"][0]["tool"]["driver"]
        driver["version"] = "<version>"
        if "semanticVersion" in driver:
            driver["semanticVersion"] = "<version>"
        # Input codes no result uses are left out, so that a new E-code does not churn the file
        # (test_sarif_results_locations_and_suppressions checks that all of them are listed).
        results = doc["runs"][0]["results"]
        used = {r["ruleId"] for r in results}
        kept = [r for r in driver["rules"] if not re.fullmatch(r"E\d+", r["id"]) or r["id"] in used]
        index = {r["id"]: n for n, r in enumerate(kept)}
        for result in results:
            result["ruleIndex"] = index[result["ruleId"]]
        driver["rules"] = kept
        for rule in kept:
            rule["fullDescription"]["text"] = f"<what it does: {rule['id']}>"
            rule["help"] = {"text": f"<doc: {rule['id']}>", "markdown": f"<doc: {rule['id']}>"}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return text


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    assert path.is_file(), f"missing golden file {path}: run with UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from the golden file; if intended, run with UPDATE_GOLDEN=1"


GOLDEN_CASES = [
    ("full.txt", "full", ["--color", "never"]),
    ("full-color-suppressed.txt", "full", ["--color", "always", "--show-suppressed"]),
    ("concise.txt", "concise", []),
    ("json.json", "json", []),
    ("sarif.json", "sarif", []),
    ("github.txt", "github", []),
    ("junit.xml", "junit", []),
    ("junit-fail-level-error.xml", "junit", ["--fail-level", "error"]),
]


@pytest.mark.parametrize(("name", "fmt", "extra"), GOLDEN_CASES, ids=[c[0] for c in GOLDEN_CASES])
def test_golden(name: str, fmt: str, extra: list[str], at_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = lint(capsys, *fixture_args("--format", fmt, *extra))
    assert code == 1
    check_golden(name, _normalise(fmt, out))


AFTER_REJECT = ROOT / "tests" / "fixtures" / "after-reject"
VERIFY_FORMATS = [("full.txt", "full"), ("concise.txt", "concise"), ("json.json", "json"), ("sarif.json", "sarif"),
                  ("github.txt", "github"), ("junit.xml", "junit")]


def verify_after_reject(capsys: pytest.CaptureFixture[str], fmt: str) -> tuple[int, str]:
    """verify-cookies on a rejection that is not honoured: VC005 before the choice, VC007 (`set`,
    `stored`) and VC008 (`kept`, `sent`) after it."""
    fixture = AFTER_REJECT.relative_to(ROOT)
    code = main(["verify-cookies", str(fixture / "policy"), "--after-reject", str(fixture / "after-reject.har"),
                 "--after-reject", str(fixture / "inspection.json"), "--consent-marker", "choice=reject",
                 "--format", fmt, "--color", "never"])
    return code, capsys.readouterr().out


@pytest.mark.parametrize(("name", "fmt"), VERIFY_FORMATS, ids=[c[0] for c in VERIFY_FORMATS])
def test_golden_verify_after_reject(name: str, fmt: str, at_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = verify_after_reject(capsys, fmt)
    assert code == 1
    check_golden(f"verify-after-reject/{name}", _normalise(fmt, out))
    if fmt == "sarif":
        doc = json.loads(out)
        validate_sarif(doc)
        run = doc["runs"][0]
        rules = run["tool"]["driver"]["rules"]
        templated = [r for r in run["results"] if "id" in r["message"]]
        for result in templated:  # formatted from its template: the arguments rebuild the text
            template = rules[result["ruleIndex"]]["messageStrings"][result["message"]["id"]]["text"]
            assert result["message"]["text"].split("\nHint: ")[0] == template.format(*result["message"]["arguments"])
        assert sorted((r["ruleId"], r["message"]["id"]) for r in templated) == [
            ("VC007", "set"), ("VC007", "stored"), ("VC008", "kept"), ("VC008", "sent")]


def test_golden_statistics_and_job_summary(at_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = lint(capsys, *fixture_args("--format", "github", "--statistics", "--quiet"))
    assert code == 1
    assert summary.read_text().startswith("earlier step\n### privacy-dsl\n")  # appended, not replaced
    check_golden("github-summary.md", summary.read_text().removeprefix("earlier step\n"))
    check_golden("statistics.txt", "".join(line for line in out.splitlines(keepends=True)
                                           if not line.startswith("::")))


def test_fixture_has_every_severity_a_suppression_and_an_input_error(at_root: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = lint(capsys, *fixture_args("--format", "json"))
    diags = json.loads(out)["diagnostics"]
    assert {d["severity"] for d in diags} == {"error", "warning", "info"}
    assert any(d["suppressed"] for d in diags) and any(d["code"].startswith("E") for d in diags)


# --- JSON -----------------------------------------------------------------------------------------

def test_json_validates_against_its_documented_schema(at_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = lint(capsys, *fixture_args("--format", "json"))
    doc = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(json_reporter.SCHEMA)
    jsonschema.Draft202012Validator(json_reporter.SCHEMA).validate(doc)
    assert doc["version"] == 1 and doc["tool"]["version"] == __version__
    assert doc["summary"] == {"files": 2, "findings": 5, "errors": 3, "warnings": 1, "info": 1, "suppressed": 1,
                              "fatal": False}
    webtemp = next(d for d in doc["diagnostics"] if d["suppressed"])
    assert (webtemp["code"], webtemp["line"], webtemp["column"], webtemp["end_column"]) == ("CK002", 11, 3, 20)
    assert webtemp["suppression_reason"].startswith("vendor confirms")


def test_json_schema_in_the_docs_is_the_one_in_the_code() -> None:
    text = (ROOT / "docs" / "output-formats.md").read_text(encoding="utf-8")
    section = text[text.index("## JSON schema"):]
    block = re.search(r"```json\n(.*?)\n```", section, re.S)
    assert block, "docs/output-formats.md: no ```json block under '## JSON schema'"
    assert json.loads(block.group(1)) == json_reporter.SCHEMA


def test_json_reports_fatal_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.privacy").write_text("cookie {\n")
    code, out, _ = lint(capsys, str(tmp_path), "--format", "json")
    doc = json.loads(out)
    assert code == 2 and doc["summary"]["fatal"] is True
    assert doc["diagnostics"][0]["code"].startswith("E1") and doc["diagnostics"][0]["fatal"] is True


# --- SARIF ----------------------------------------------------------------------------------------

def _sarif(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    _, out, _ = lint(capsys, *args, "--format", "sarif")
    doc: dict[str, Any] = json.loads(out)
    return doc


def validate_sarif(doc: dict[str, Any]) -> None:
    schema = json.loads(sarif_schema_path().read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_sarif_schema_copy_is_the_official_one() -> None:
    copy = ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"
    shared = ROOT.parent / "shared" / "data" / "sarif" / "sarif-schema-2.1.0.json"
    assert copy.is_file()
    if shared.is_file():
        assert copy.read_bytes() == shared.read_bytes()


def test_sarif_validates_against_the_official_schema(at_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    validate_sarif(_sarif(capsys, *fixture_args()))


def test_sarif_message_ids_and_arguments_rebuild_the_text(capsys: pytest.CaptureFixture[str]) -> None:
    """A SARIF consumer that formats ``messageStrings[id]`` with ``arguments`` gets the message the
    text shows (before its hint), and ``properties.args`` are the JSON format's ``args``."""
    run = _sarif(capsys, str(POLICIES))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = [r for r in run["results"] if "id" in r["message"]]
    grouped = [r for r in run["results"] if "relatedLocations" in r]  # one finding for several: its own text
    assert grouped and not any("id" in r["message"] for r in grouped)
    # every other finding of the shipped policies has a template
    assert len(results) + len(grouped) == len(run["results"]) and results
    for result in results:
        template = rules[result["ruleIndex"]]["messageStrings"][result["message"]["id"]]["text"]
        text = template.format(*result["message"].get("arguments", []))
        assert result["message"]["text"].split("\nHint: ")[0] == text
        named = result.get("properties", {}).get("args", {})
        assert set(named.values()) >= set(result["message"].get("arguments", []))


def test_json_findings_carry_their_message_id_and_args(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = lint(capsys, str(POLICIES), "--format", "json")
    found = json.loads(out)["diagnostics"]
    assert found and all(d["message_id"] for d in found)
    about_purposes = [d for d in found if "purpose" in d["args"]]
    assert about_purposes and all(f"purpose `{d['args']['purpose']}`" in d["message"] for d in about_purposes)


def test_sarif_validates_for_input_errors_and_clean_policies(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "a.privacy").write_text("cookie x {\n  expiry \"unterminated\n}\n")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "b.privacy").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")  # (\xff\xfe is UTF-16: E002)
    doc = _sarif(capsys, str(tmp_path))
    validate_sarif(doc)
    assert {r["ruleId"] for r in doc["runs"][0]["results"]} >= {"E003"}
    assert all(r["level"] == "error" for r in doc["runs"][0]["results"])
    clean = _sarif(capsys, str(POLICIES / "fjordkaffe"))
    validate_sarif(clean)
    assert clean["runs"][0]["results"] == []


def test_sarif_results_locations_and_suppressions(at_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _sarif(capsys, *fixture_args())
    run = doc["runs"][0]
    assert doc["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    selected = ["CK002", "LAW003", *(c.code for c in codes("rule") if c.category == "suppressions")]
    assert ids[:len(selected)] == selected  # the selected rules, in code order
    assert {c.code for c in codes("input")} <= set(ids)  # input codes are rules too
    assert rules[ids.index("SUP003")]["defaultConfiguration"]["level"] == "note"  # configured down to info
    for rule in rules:
        assert rule["helpUri"].startswith("https://") and rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["properties"]["tags"]
    got = []
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert "\\" not in loc["artifactLocation"]["uri"]
        region = loc["region"]
        got.append((result["ruleId"], result["level"], loc["artifactLocation"]["uri"].rsplit("/", 1)[1],
                     region["startLine"], region["startColumn"], region["endLine"], region["endColumn"],
                     bool(result.get("suppressions"))))
    assert got == [
        ("CK002", "error", "cookies.privacy", 4, 1, 6, 2, False),
        ("CK002", "error", "cookies.privacy", 11, 3, 11, 20, True),
        ("SUP001", "warning", "cookies.privacy", 14, 21, 14, 49, False),
        ("LAW003", "error", "purposes.privacy", 4, 1, 9, 2, False),
        ("SUP003", "note", "purposes.privacy", 5, 50, 5, 93, False),  # code points, not UTF-8 bytes
        ("E200", "error", "purposes.privacy", 7, 14, 7, 19, False),
    ]
    suppressed = run["results"][1]
    assert suppressed["suppressions"] == [{"kind": "inSource",
                                           "justification": "vendor confirms a 30-day expiry, ticket PRIV-12"}]


def test_sarif_rules_carry_the_docs(at_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from privacy_dsl.lint.docs import explain_rule
    from privacy_dsl.lint.rules import REGISTRY

    rules = {r["id"]: r for r in _sarif(capsys, *fixture_args())["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["CK002"]["help"]["markdown"] == explain_rule(REGISTRY["CK002"])
    assert rules["CK002"]["fullDescription"]["text"].startswith("Flags a `cookie` block")
    assert "```" not in rules["CK002"]["help"]["text"] and "## " not in rules["CK002"]["help"]["text"]
    assert rules["CK002"]["helpUri"] == REGISTRY["CK002"].url


def test_sarif_uris_are_percent_encoded_and_absolute_paths_are_file_uris() -> None:
    assert sarif.artifact_location(os.path.join("my policies", "a#b.privacy")) == {
        "uri": "my%20policies/a%23b.privacy", "uriBaseId": "%SRCROOT%"}
    absolute = sarif.artifact_location(str(Path("/tmp/x y.privacy").resolve()))
    assert absolute["uri"].startswith("file:///") and "uriBaseId" not in absolute


def test_sarif_fingerprints_survive_moved_lines_and_are_unique(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "p"
    policy.mkdir()
    # two findings of one rule (with two messages: alike, they would be one finding for both)
    twice = "cookie a {\n  party first\n}\n\ncookie b {\n  party first\n  expiry persistent\n}\n"
    (policy / "c.privacy").write_text(twice)

    def prints() -> list[str]:
        results = _sarif(capsys, str(policy), "--select", "CK002")["runs"][0]["results"]
        return [r["partialFingerprints"][sarif.FINGERPRINT] for r in results]

    before = prints()
    assert len(before) == 2 and len(set(before)) == 2
    (policy / "c.privacy").write_text("# a comment that moves every line down\n\n" + twice)
    assert prints() == before


# --- GitHub ---------------------------------------------------------------------------------------

def _diag(message: str, path: str = "p/a.privacy", line: int = 3, end_line: int = 3, hint: str | None = None,
          severity: Severity = Severity.ERROR, suppressed: str | None = None) -> Diagnostic:
    span = Span(path=path, line=line, column=5, end_line=end_line, end_column=9)
    return Diagnostic(code="CK002", name="cookie-without-expiry", category="cookies", severity=severity,
                      message=message, span=span, hint=hint, suppressed=suppressed)


def test_github_escaping_of_data_and_properties() -> None:
    assert github.escape_data("100% a:b, c\r\nd") == "100%25 a:b, c%0D%0Ad"
    assert github.escape_property("100% a:b, c\r\nd") == "100%25 a%3Ab%2C c%0D%0Ad"
    line = github.command(_diag("50% off: a, b\nnext", path="we:ird,dir/a.privacy", hint="do x: y"))
    assert line == ("::error file=we%3Aird%2Cdir/a.privacy,line=3,col=5,endLine=3,endColumn=9,"
                    "title=CK002 cookie-without-expiry::50%25 off: a, b%0Anext%0Ahint: do x: y")
    assert "\n" not in line and "\r" not in line


def test_github_levels_and_multiline_spans() -> None:
    assert github.command(_diag("m", severity=Severity.WARNING)).startswith("::warning ")
    assert github.command(_diag("m", severity=Severity.INFO)).startswith("::notice ")
    assert github.command(_diag("m", suppressed="ok")).startswith("::notice ")
    multi = github.command(_diag("m", line=3, end_line=5))
    assert "endLine=5" in multi and "endColumn" not in multi


def test_github_is_the_default_inside_github_actions(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "c.privacy").write_text(BAD)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = lint(capsys, str(tmp_path), "--select", "CK002")
    assert code == 1 and out.startswith("::error file=") and ",line=3,col=3," in out
    code, out, _ = lint(capsys, str(tmp_path), "--select", "CK002", "--format", "concise")
    assert code == 1 and not out.startswith("::")
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert not lint(capsys, str(tmp_path), "--select", "CK002")[1].startswith("::")


def test_github_job_summary_failure_is_a_warning_not_a_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "c.privacy").write_text(BAD)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no" / "such" / "dir" / "summary.md"))
    code, _, err = lint(capsys, str(tmp_path), "--select", "CK002", "--format", "github")
    assert code == 1 and "cannot write the job summary" in err


# --- JUnit ----------------------------------------------------------------------------------------

def test_junit_escapes_markup_and_control_characters() -> None:
    diag = _diag('bad <tag> & "quote" \x01\x1b[31m end', hint="a]]>b")
    report = Report([diag], {"p/a.privacy": "x\n"}, 1)
    root = ET.fromstring(junit.render(report).encode("utf-8"))
    failure = root.find("./testsuite/testcase/failure")
    assert failure is not None and failure.text is not None
    assert failure.get("message") == 'bad <tag> & "quote" \\x01\\x1b[31m end'
    assert "hint: a]]>b" in failure.text


def test_junit_counts_fail_level_skips_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, broken = tmp_path / "good", tmp_path / "broken"
    good.mkdir()
    broken.mkdir()
    (good / "c.privacy").write_text(BAD)
    (broken / "a.privacy").write_text("cookie x {\n  party first\n}\n")
    (broken / "b.privacy").write_text("cookie {\n")
    code, out, _ = lint(capsys, str(tmp_path), "--format", "junit", "--select", "CK002,SUP001")
    assert code == 2
    root = ET.fromstring(out.encode("utf-8"))
    cases = {(f"{Path(c.get('classname', '')).parent.name}/{Path(c.get('classname', '')).name}",
              c.get("name", "").split()[0]): c for c in root.iter("testcase")}
    assert cases[("good/c.privacy", "CK002")].find("failure") is not None
    assert cases[("good/c.privacy", "SUP001")].find("failure") is None
    assert cases[("broken/a.privacy", "CK002")].find("skipped") is not None  # its policy did not parse
    error_case = next(c for (path, code_), c in cases.items() if path == "broken/b.privacy" and code_.startswith("E"))
    assert error_case.find("error") is not None
    assert root.get("tests") == str(len(cases))
    assert (root.get("failures"), root.get("errors"), root.get("skipped")) == ("1", "1", None)  # junit-10.xsd
    assert sum(int(s.get("skipped", "")) for s in root.iter("testsuite")) == 4
    # below the fail level a finding passes, listed in system-out
    (tmp_path / "cfg.toml").write_text('[rules.CK002]\nseverity = "warning"\n')
    code, out, _ = lint(capsys, str(good), "--format", "junit", "--select", "CK002", "--fail-level", "error",
                        "--config", str(tmp_path / "cfg.toml"))
    assert code == 0
    case = ET.fromstring(out.encode("utf-8")).find("./testsuite/testcase")
    assert case is not None and case.find("failure") is None
    out_el = case.find("system-out")
    assert out_el is not None and "CK002 [warning]" in (out_el.text or "")


# --- options and exit codes -----------------------------------------------------------------------

@pytest.fixture
def policies(tmp_path: Path) -> dict[str, Path]:
    """One policy per outcome: clean, info only, warning only, error, suppressed only, syntax error."""
    texts = {
        "clean": "cookie a {\n  party first\n  expiry session\n}\n",
        "info": "cookie a {\n  party first\n  expiry session\n}\n# privacy-dsl: ignore[CK002] -- unused\n"
                "cookie b {\n  party first\n  expiry session\n}\n",
        "warning": "cookie a { # privacy-dsl: ignore[CK002]\n  party first\n  expiry session\n}\n",
        "error": BAD,
        "suppressed": "# privacy-dsl: ignore[CK002] -- vendor confirms expiry\ncookie a {\n  party first\n}\n",
        "syntax": "cookie a {\n  party first\n",
    }
    out = {}
    for name, text in texts.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "p.privacy").write_text(text)
        out[name] = tmp_path / name
    (tmp_path / "cfg.toml").write_text('select = ["CK002", "SUP"]\n[rules.SUP003]\nseverity = "info"\n')
    out["config"] = tmp_path / "cfg.toml"
    return out


EXIT_CASES = [
    # (policy, options, exit code)
    ("clean", [], 0), ("info", [], 1), ("warning", [], 1), ("error", [], 1), ("suppressed", [], 0), ("syntax", [], 2),
    ("info", ["--fail-level", "warning"], 0), ("warning", ["--fail-level", "warning"], 1),
    ("warning", ["--fail-level", "error"], 0), ("error", ["--fail-level", "error"], 1),
    ("syntax", ["--fail-level", "error"], 2),
    ("error", ["--exit-zero"], 0), ("syntax", ["--exit-zero"], 2), ("clean", ["--exit-zero"], 0),
    ("error", ["--statistics"], 1), ("clean", ["--statistics"], 0), ("syntax", ["--statistics"], 2),
    ("error", ["--quiet"], 1), ("clean", ["--quiet"], 0), ("syntax", ["--quiet"], 2),
    ("error", ["--show-suppressed"], 1), ("suppressed", ["--show-suppressed"], 0),
    *[(p, ["--format", f], c) for f in ("full", "concise", "json", "sarif", "github", "junit")
      for p, c in (("clean", 0), ("error", 1), ("syntax", 2))],
    ("error", ["--output", "OUT"], 1), ("clean", ["--output", "OUT"], 0), ("syntax", ["--output", "OUT"], 2),
    ("error", ["--output", "OUT", "--exit-zero"], 0),
]


@pytest.mark.parametrize(("policy", "options", "expected"), EXIT_CASES,
                         ids=[f"{p}-{' '.join(o) or 'default'}" for p, o, _ in EXIT_CASES])
def test_exit_codes(policy: str, options: list[str], expected: int, policies: dict[str, Path], tmp_path: Path,
                    capsys: pytest.CaptureFixture[str]) -> None:
    options = [str(tmp_path / "out" / "report") if o == "OUT" else o for o in options]
    code, _, _ = lint(capsys, str(policies[policy]), "--config", str(policies["config"]), *options)
    assert code == expected


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for bad in (["--format", "xml"], ["--fail-level", "fatal"], ["--output"]):
        with pytest.raises(SystemExit) as exc:
            main(["lint", *bad])
        assert exc.value.code == 2
    capsys.readouterr()


def test_unwritable_output_exits_2_and_keeps_the_old_file(policies: dict[str, Path], tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")

    def fail(src: object, dst: object, **dir_fds: object) -> None:  # the cache renames relative to a folder
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", fail)
    code, _, err = lint(capsys, str(policies["error"]), "--format", "json", "--output", str(target))
    assert code == 2 and "cannot write" in err and "Permission denied" in err
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".report")) == []  # no temp file left
    code, _, err = lint(capsys, str(policies["error"]), "--output", str(target / "x" / "under-a-file"))
    assert code == 2 and "cannot write" in err


def test_output_is_atomic_complete_and_keeps_permissions(policies: dict[str, Path], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(policies["error"]), "--config", str(policies["config"]), "--format", "sarif"]
    _, stdout_report, _ = lint(capsys, *args)
    target = tmp_path / "reports" / "privacy.sarif"
    code, out, _ = lint(capsys, *args, "--output", str(target))
    assert code == 1 and target.read_text(encoding="utf-8") == stdout_report
    assert out.startswith("Found 1 finding") and str(target) in out  # a one-line summary on stdout
    assert [p.name for p in target.parent.iterdir()] == ["privacy.sarif"]
    if os.name == "posix":
        target.chmod(0o640)
        lint(capsys, *args, "--output", str(target))
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert lint(capsys, *args, "--output", str(target), "--quiet")[1] == ""
    if os.name == "posix":
        link = tmp_path / "latest.sarif"
        link.symlink_to(target)
        target.write_text("old")
        lint(capsys, *args, "--output", str(link))
        assert link.is_symlink() and target.read_text(encoding="utf-8") == stdout_report


def test_statistics(policies: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(policies["error"].parent), "--config", str(policies["config"])]
    code, out, _ = lint(capsys, *args, "--statistics", "--format", "concise")
    lines = out.splitlines()
    assert code == 2  # the syntax-error policy is among them
    stats = [line.split() for line in lines if re.match(r"^\d+\s", line)]
    assert [(s[0], s[1]) for s in stats] == [("1", "CK002"), ("1", "E102"), ("1", "SUP001"),
                                             ("1", "SUP003")]
    # machine formats keep stdout parseable: the table goes to stderr
    _, out, err = lint(capsys, *args, "--statistics", "--format", "json")
    assert json.loads(out)["statistics"][0] == {"code": "CK002", "name": "cookie-without-expiry",
                                                "severity": "error", "count": 1}
    assert re.search(r"^1\s+CK002\s+cookie-without-expiry\s+\[error\]$", err, re.M)
    _, out, _ = lint(capsys, str(policies["clean"]), "--config", str(policies["config"]), "--statistics")
    assert out.endswith("All clear: 1 file checked, no findings.\nNo findings.\n")


def test_quiet_prints_only_findings(policies: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    config = ["--config", str(policies["config"])]
    assert lint(capsys, str(policies["clean"]), *config, "--quiet") == (0, "", "")
    assert lint(capsys, str(policies["clean"]), *config, "--quiet", "--format", "github") == (0, "", "")
    _, out, _ = lint(capsys, str(policies["error"]), *config, "--quiet", "--color", "never")
    assert "p.privacy:3:3: CK002 error:" in out.splitlines()[0]
    hint = "state the duration, e.g. `expiry 13 months`, or `expiry never` if it does not expire"
    assert "Found" not in out and out.endswith(hint + "\n")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("no_color", "flag", "colored"), [
    (None, "auto", True), ("1", "auto", False), ("", "auto", True), ("1", "always", True), (None, "never", False),
])
def test_color_follows_the_terminal_and_no_color(no_color: str | None, flag: str, colored: bool,
                                                 policies: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    if no_color is not None:
        monkeypatch.setenv("NO_COLOR", no_color)
    tty = _Tty()
    monkeypatch.setattr(sys, "stdout", tty)
    main(["lint", str(policies["error"]), "--color", flag])
    assert ("\x1b[" in tty.getvalue()) is colored


def test_lint_command_offers_every_format() -> None:
    from privacy_dsl.cli.commands import lint as lint_command
    from privacy_dsl.outputs.reporters import FORMATS

    assert lint_command.FORMATS == FORMATS


def test_output_dash_is_standard_output(policies: dict[str, Path], tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = lint(capsys, str(policies["error"]), "--config", str(policies["config"]), "--format", "json",
                        "--output", "-")
    assert code == 1 and json.loads(out)["summary"]["findings"] == 1 and not (tmp_path / "-").exists()


def test_lint_help_imports_nothing_heavy() -> None:
    code = ("import sys, contextlib, io\nfrom privacy_dsl.cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n        main(['lint', '--help'])\n    except SystemExit: pass\n"
            "print([m for m in ('lark', 'pydantic', 'privacy_dsl.language.model') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- JUnit with real readers ---------------------------------------------------------------------

def _junit_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A report with every kind of case: passing, failing, an input error and skipped rules."""
    good, broken = tmp_path / "good", tmp_path / "broken"
    good.mkdir()
    broken.mkdir()
    (good / "c.privacy").write_text(BAD)
    (broken / "a.privacy").write_text("cookie x {\n  party first\n}\n")
    (broken / "b.privacy").write_text("cookie {\n")
    _, out, _ = lint(capsys, str(tmp_path), "--format", "junit")
    return out


def test_junit_is_read_by_junitparser(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from junitparser import Error, Failure, JUnitXml, Skipped

    out = _junit_report(tmp_path, capsys)
    (tmp_path / "report.xml").write_text(out, encoding="utf-8")
    xml = JUnitXml.fromfile(str(tmp_path / "report.xml"))
    results: dict[str, set[str]] = {}
    for suite in xml:
        for case in suite:
            kinds = {type(r).__name__ for r in case.result if isinstance(r, (Failure, Error, Skipped))}
            results.setdefault(Path(case.classname).name, set()).update(kinds or {"passed"})
    assert results["c.privacy"] == {"Failure", "passed"}
    assert "Error" in results["b.privacy"] and "Skipped" in results["a.privacy"]
    root = ET.fromstring(out.encode("utf-8"))
    assert sum(s.tests for s in xml) == int(root.get("tests", ""))
    assert sum(s.failures for s in xml) == int(root.get("failures", "")) > 0


def _as_gitlab_reads_it(xml: str) -> dict[tuple[str, str], str]:
    """(classname, name) -> status, read as GitLab's unit test reports read JUnit
    (https://docs.gitlab.com/ci/testing/unit_test_reports/, "JUnit XML format specification"; the
    parser is lib/gitlab/ci/parsers/test/junit.rb): one top-level `testsuites`, `testsuite`s
    (nested or not) holding `testcase`s; a case's `classname` is shown as its suite, `name` as the
    test; its status is failed with a `failure` child, else error with `error`, else skipped with
    `skipped`, else success; of two cases with the same key only the first counts."""
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "testsuites"
    cases: dict[tuple[str, str], str] = {}
    for case in root.iter("testcase"):
        key = (case.get("classname", ""), case.get("name", ""))
        status = next((s for tag, s in (("failure", "failed"), ("error", "error"), ("skipped", "skipped"))
                       if case.find(tag) is not None), "success")
        cases.setdefault(key, status)
    return cases


def test_junit_is_read_as_gitlab_reads_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every case has a classname (the file) and a name, none shares its key with another (GitLab
    keeps the first of two), and each kind of case gets the status GitLab gives it."""
    out = _junit_report(tmp_path, capsys)
    cases = _as_gitlab_reads_it(out)
    root = ET.fromstring(out.encode("utf-8"))
    assert len(cases) == int(root.get("tests", "")) == len(list(root.iter("testcase")))
    assert all(classname and name for classname, name in cases)
    by_file: dict[str, set[str]] = {}
    for (classname, _), status in cases.items():
        by_file.setdefault(Path(classname).name, set()).add(status)
    # b.privacy does not parse: its syntax error is an error, its rules are skipped (as in a.privacy, same policy)
    assert by_file == {"c.privacy": {"failed", "success"}, "a.privacy": {"skipped"}, "b.privacy": {"error", "skipped"}}
    assert len(out.encode("utf-8")) < 30 * 1024 * 1024  # GitLab's limit per report file
    # verify-cookies' report of a real capture: its cases are (capture or policy file, code)
    capture = Path(__file__).parent / "fixtures" / "captures" / "linkedin-firefox.har"
    main(["verify-cookies", str(POLICIES / "fjordkaffe"), "--har", str(capture), "--format", "junit"])
    verified = capsys.readouterr().out
    cases = _as_gitlab_reads_it(verified)
    assert len(cases) == len(list(ET.fromstring(verified.encode("utf-8")).iter("testcase")))
    of_capture = {name: status for (classname, name), status in cases.items() if classname.endswith(capture.name)}
    assert of_capture["VC001 undeclared-cookie"] == "failed" and of_capture["VC100 unreadable-capture"] == "success"


#: Jenkins' junit-10.xsd (xunit-plugin, MIT licence, Copyright (c) 2014 Gregory Boissinot), as pytest
#: ships it in its source distribution; tests/data/junit/README.md says where it comes from.
JENKINS_JUNIT_XSD = Path(__file__).parent / "data" / "junit" / "junit-10.xsd"


@pytest.mark.parametrize("args", [[], ["--fail-level", "error"]])
def test_junit_is_valid_against_jenkins_junit_10_xsd(tmp_path: Path, args: list[str],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import xmlschema

    schema = xmlschema.XMLSchema(str(JENKINS_JUNIT_XSD))
    out = _junit_report(tmp_path, capsys)
    errors = [f"{e.path}: {e.reason}" for e in schema.iter_errors(out)][:5]
    assert errors == []
    _, shipped, _ = lint(capsys, str(POLICIES), "--format", "junit", *args)
    assert [f"{e.path}: {e.reason}" for e in schema.iter_errors(shipped)][:5] == []
    # and verify-cookies' report of a real capture
    capture = Path(__file__).parent / "fixtures" / "captures" / "mytoys-chrome-har.har"
    main(["verify-cookies", str(POLICIES / "fjordkaffe"), "--har", str(capture), "--format", "junit", *args])
    verified = capsys.readouterr().out
    assert "<failure" in verified and [f"{e.path}: {e.reason}" for e in schema.iter_errors(verified)][:5] == []


@pytest.mark.parametrize(("env", "tty", "coloured"), [
    ({"TERM": "xterm-256color"}, True, True),
    ({"TERM": "dumb"}, True, False),                         # a terminal that cannot show colour
    ({"TERM": "xterm-256color", "NO_COLOR": "1"}, True, False),
    ({"TERM": "xterm-256color"}, False, False),               # a pipe
    ({"TERM": "dumb", "FORCE_COLOR": "1"}, False, True),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, True, False),     # NO_COLOR wins
])
@pytest.mark.parametrize("command", [["lint"], ["verify-cookies", "--cookies"]])
def test_colour_follows_the_terminal_and_the_conventions(tmp_path: Path, env: dict[str, str], tty: bool,
                                                         coloured: bool, command: list[str]) -> None:
    """In a real pseudo-terminal (or a pipe), in a fresh process: --color auto."""
    import os
    import pty
    import subprocess
    import sys

    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.privacy").write_text(BAD)
    argv = [sys.executable, "-m", "privacy_dsl", *command]
    if command[0] == "verify-cookies":
        jar = tmp_path / "jar.txt"
        jar.write_text("# Netscape HTTP Cookie File\n.example.com\tTRUE\t/\tFALSE\t1999999999\t_unknown\tv\n")
        argv += [str(jar), str(tmp_path / "p")]
    else:
        argv += ["--no-cache", str(tmp_path / "p")]
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM", "GITHUB_ACTIONS")}
    full_env = {**clean, **env, "COLUMNS": "100"}
    if tty:
        leader, follower = pty.openpty()
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=follower, stderr=subprocess.DEVNULL, env=full_env,
                              timeout=60, check=False)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        out = b"".join(chunks).decode("utf-8", "replace")
    else:
        proc = subprocess.run(argv, capture_output=True, text=True, env=full_env, timeout=60, check=False)
        out = proc.stdout
    assert proc.returncode == 1, out
    assert ("\x1b[" in out) is coloured, out[:500]
