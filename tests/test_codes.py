"""The catalogue of codes (privacy_dsl.lint.catalogue): invariants that hold for every entry, whatever the codes
are, so that adding a rule touches the rule, its fixtures and its docs and no list of codes here;
and retired codes, which redirect (tested with a synthetic entry: none is retired yet)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

from privacy_dsl import codes as code_types
from privacy_dsl.cli.main import main
from privacy_dsl.codes import CATEGORIES, COMMANDS, RULE_CATEGORIES, STATUSES, Code, Severity
from privacy_dsl.lint import catalogue as codes
from privacy_dsl.lint.config import parse_config
from privacy_dsl.lint.docs import generated_pages, generated_sections
from privacy_dsl.lint.engine import lint_text
from privacy_dsl.lint.rules import REGISTRY

ALL = list(codes.catalogue().values())


def test_every_code_is_unique_and_every_name_within_its_command() -> None:
    assert len({c.code for c in ALL}) == len(ALL)
    names = [(c.command, c.name) for c in ALL if c.status != "retired"]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("entry", ALL, ids=lambda c: c.code)
def test_every_entry_is_complete(entry: Code) -> None:
    assert re.fullmatch(r"[A-Z]{1,3}\d{3}", entry.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry.name)
    assert entry.category in CATEGORIES and entry.source in COMMANDS and entry.status in STATUSES
    assert entry.summary and entry.url.startswith(f"{code_types.DOCS_ROOT}/") and entry.url.endswith(f"#{entry.anchor}")
    assert (ROOT / "docs" / entry.page).is_file()
    assert isinstance(entry.severity, Severity)
    if entry.source == "rule":
        assert entry.category in RULE_CATEGORIES and entry.doc
    elif entry.status != "retired":
        assert entry.messages, f"{entry.code} has no message template"
        assert entry.category not in RULE_CATEGORIES or entry.source == "verify"
    for template in entry.messages.values():
        template.format_map({f: "x" for f in entry.fields()})  # every template is a valid format string


def test_every_redirect_points_to_a_live_code_and_only_retired_codes_redirect() -> None:
    for entry in ALL:
        if entry.status == "retired":
            assert entry.redirect is None or codes.lookup(entry.redirect) is not None, entry.code
        else:
            assert entry.redirect is None, entry.code


def test_every_implied_code_exists_and_is_not_the_code_itself() -> None:
    for entry in ALL:
        for other in entry.implies:
            code, _, message_id = other.partition(":")
            implied = codes.get(code)
            assert code != entry.code and implied is not None, (entry.code, other)
            assert not message_id or message_id in implied.messages, (entry.code, other)


def test_the_rules_are_the_registry() -> None:
    assert [c.code for c in codes.codes("rule")] == sorted(REGISTRY)
    assert all(c.code in REGISTRY for c in codes.codes("rule"))


def test_lookup_takes_a_code_in_any_case_or_a_name() -> None:
    assert codes.lookup("law003") is codes.lookup("LAW003") is codes.lookup("marketing-without-consent")
    assert codes.lookup("E200") is code_types.STATIC["E200"]
    assert codes.lookup("NOPE123") is None


def test_law003_implies_law001_so_only_law003_is_reported_on_a_purpose_with_no_basis() -> None:
    entry = codes.lookup("LAW003")
    assert entry is not None and entry.implies == ("LAW001",)
    text = "purpose news {\n  use marketing.communications.email\n}\n"
    found = {(d.code, d.span.line) for d in lint_text(text, config=parse_config({"select": ["LAW001", "LAW003"]}))}
    assert found == {("LAW003", 1)}  # one finding per fact: the implied LAW001 is not reported
    alone = {(d.code, d.span.line) for d in lint_text(text, config=parse_config({"select": ["LAW001"]}))}
    assert alone == {("LAW001", 1)}  # with LAW003 off, LAW001 says it


# ---------------------------------------------------------------- docs list exactly the catalogue


def test_the_rule_docs_list_exactly_the_rules() -> None:
    pages = generated_pages()
    listed = set(re.findall(r"^\| ([A-Z]+\d{3}) \|", pages["README.md"], re.M))
    assert listed == {c.code for c in codes.codes("rule")}
    documented = {code for name, text in pages.items() if name not in ("README.md", "input.md", "options.md")
                  for code in re.findall(r"^## ([A-Z]+\d{3}) ", text, re.M)}
    assert documented == listed
    assert set(re.findall(r"^## ([A-Z]\d{3}) ", pages["input.md"], re.M)) == {c.code for c in codes.codes("input")}


@pytest.mark.parametrize(("page", "source"), [("verify-cookies.md", "verify"), ("interop.md", "export"),
                                              ("ropa.md", "export"), ("banner.md", "export"),
                                              ("notice.md", "notice")])
def test_the_command_pages_list_exactly_their_codes(page: str, source: code_types.Source) -> None:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    found = set(re.findall(r"^## ([A-Z]+\d{3}) |^\| <a id=\"[^\"]+\"></a>`([A-Z]+\d{3})`", text, re.M))
    assert {a or b for a, b in found} == {c.code for c in codes.codes(source) if c.page == page}


def test_generated_code_sections_are_up_to_date() -> None:
    for path, text in generated_sections(ROOT / "docs").items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run `python -m privacy_dsl.lint.docs`"


@pytest.mark.parametrize("entry", [c for c in ALL if c.status != "retired"], ids=lambda c: c.code)
def test_explain_prints_every_code(entry: Code, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", entry.code]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"# {entry.code} {entry.name}\n") and entry.summary in out


# ---------------------------------------------------------------- retired codes redirect


@pytest.fixture
def retired(monkeypatch: pytest.MonkeyPatch) -> Iterator[Code]:
    """HYG905, retired: its findings are HYG005's now."""
    old = Code("HYG905", "purpose-without-use", "hygiene", "rule", Severity.WARNING,
               "A purpose with no `use` (now HYG005).", "", "rules/hygiene.md", status="retired", redirect="HYG005")
    monkeypatch.setattr(code_types, "RETIRED", (old,))
    monkeypatch.setattr(codes, "_full", None)
    yield old


PURPOSE = "purpose stats {\n  name \"Statistics\"\n}\n"


def test_lookup_follows_a_redirect(retired: Code) -> None:
    assert codes.get("HYG905") is retired
    live = codes.lookup("HYG905")
    assert live is not None and live.code == "HYG005"
    assert codes.redirect("HYG905") == ("HYG905", "HYG005") and codes.redirect("HYG005") is None
    assert "HYG905" not in {c.code for c in codes.codes("rule")}  # never listed as a rule to run


@pytest.mark.parametrize("key", ["select", "ignore", "extend-select"])
def test_a_retired_code_in_the_configuration_is_read_as_its_successor(retired: Code, key: str) -> None:
    base = {"select": ["HYG004"]} if key != "select" else {}
    config = parse_config({**base, key: ["HYG905"]}, "cfg.toml")
    assert getattr(config, key.replace("-", "_")) == ("HYG005",)
    assert config.notes == (f"cfg.toml: `{key}` names `HYG905`, which is retired; read as `HYG005`: "
                            "write `HYG005` instead",)


def test_a_retired_code_in_a_rule_table_configures_its_successor(retired: Code) -> None:
    config = parse_config({"rules": {"HYG905": {"severity": "info"}}}, "cfg.toml")
    assert config.rules == {"HYG005": {"severity": "info"}} and len(config.notes) == 1


def test_the_cli_prints_the_redirect_note_on_stderr(retired: Code, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p.privacy").write_text(PURPOSE, encoding="utf-8")
    assert main(["lint", str(tmp_path), "--select", "HYG905", "--format", "concise", "--no-cache"]) == 1
    out, err = capsys.readouterr()
    assert "HYG005" in out and "HYG905" not in out
    assert "privacy-dsl: warning: configuration: `select` names `HYG905`, which is retired; read as `HYG005`" in err


def test_a_retired_code_in_an_inline_suppression_hides_its_successors_findings(retired: Code) -> None:
    text = "# privacy-dsl: ignore[HYG905] -- mapped later\n" + PURPOSE
    diags = lint_text(text, config=parse_config({"select": ["HYG005", "SUP"]}))
    assert [(d.code, d.suppressed) for d in diags] == [("SUP005", None), ("HYG005", "mapped later")]
    assert diags[0].message == "`HYG905` is retired; read as its successor `HYG005`"
    assert diags[0].hint == "write `HYG005` instead of `HYG905`"


def test_explain_of_a_retired_code_says_where_it_went(retired: Code, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "HYG905"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# HYG905 purpose-without-use\n\nRetired: this code is no longer emitted; it was replaced "
                          "by `HYG005`.")
    assert "\n# HYG005 purpose-without-data-use\n" in out  # the successor's documentation follows


def test_a_retired_code_is_listed_in_the_docs_as_retired(retired: Code) -> None:
    pages = generated_pages()
    assert "| HYG905 | [purpose-without-use](hygiene.md#hyg905-purpose-without-use) | hygiene | warning | " \
           "Retired; use HYG005. |" in pages["README.md"]
    assert "## HYG905 purpose-without-use" in pages["hygiene.md"]


def test_policytest_says_a_retired_code_is_retired(retired: Code) -> None:
    from privacy_dsl.query.policytest import _unknown_code

    assert _unknown_code("HYG905", None) == "`HYG905` is retired; its findings are now `HYG005`: expect that"


# ---------------------------------------------------------------- cheap to import


def test_version_and_a_non_rule_lookup_import_no_rule() -> None:
    script = ("import sys; from privacy_dsl.lint import catalogue as codes; "
              "codes.lookup('E200'); codes.codes('verify'); "
              "from privacy_dsl.cli.main import main; "
              "print(sorted(m for m in sys.modules if m.startswith('privacy_dsl.lint.rules')))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------- templates and args


BAD_INPUTS = [
    "purpose {",                                              # E100 at the end
    "purpose p { use essential\n",                            # E102
    'purpose p {\n  name "open\n}\n',                          # E101
    "purpose p ~",                                             # E100, a character
    "purpose p {\n  use essential\n  subjects ghost\n}\n",     # E200
    "purpose p {\n  use nonsense.key\n}\n",                    # E203
    "purpose p {\n  use essential\n  basis nonsense\n}\n",     # E204
    "purpose p {\n  name \"a\"\n  name \"b\"\n}\n",      # E205
    "purpose p { use essential }\npurpose p { use essential }\n",  # E201
    'controller a { name "A" }\ncontroller b { name "B" }\n',  # E206
    'purpose p {\n  use essential\n  name "a\u202eb"\n}\n',     # E020
]


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_input_diagnostics_carry_args_their_templates_name(text: str) -> None:
    found = lint_text(text, config=parse_config({"select": ["SUP"]}))
    diags = [d for d in found if d.category in ("input", "resolution")]
    assert diags
    for d in diags:
        entry = codes.lookup(d.code)
        assert entry is not None and entry.source == "input"
        assert set(dict(d.args)) <= entry.fields(), (d.code, d.args, entry.messages)


def test_a_diagnostic_without_text_is_its_template_filled_from_its_args() -> None:
    (d,) = [d for d in lint_text(BAD_INPUTS[-1]) if d.code == "E020"]
    assert d.message == ("invisible bidirectional control U+202E RIGHT-TO-LEFT OVERRIDE: the text may display in "
                         "another order than it is read")
    assert dict(d.args) == {"codepoint": "U+202E", "character": "RIGHT-TO-LEFT OVERRIDE"}
    assert d.category == "input" and d.url == codes.lookup("E020").url  # type: ignore[union-attr]
