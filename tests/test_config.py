"""Configuration: selection, severities, options, jurisdictions, discovery, and the errors a user sees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import codes, diagnose

from privacy_dsl.lint import catalogue
from privacy_dsl.lint.config import Config, ConfigError, load_config, parse_config
from privacy_dsl.lint.engine import active_rules
from privacy_dsl.lint.rules import REGISTRY
from privacy_dsl.lint.rules.base import Context, Finding, Options, rule

# A purpose that fires HYG004 (no categories), HYG005 (no use) and TRN005 would need a rights
# block; it is used to see which rules a configuration turns on.
BARE = "purpose p {\n  basis contract\n}\n"


def active_codes(table: dict[str, object]) -> set[str]:
    return {a.rule.code for a in active_rules(parse_config(table))}


# ---------------------------------------------------------------- selection


def test_defaults_select_every_rule() -> None:
    config = Config()
    assert config.select == ("ALL",) and config.ignore == () and config.jurisdictions == ("eu",)
    assert active_codes({}) == {code for code, r in REGISTRY.items() if not r.jurisdictions or "eu" in r.jurisdictions}


#: The hygiene rules, from the catalogue (a new hygiene rule changes no test here).
HYGIENE = {c.code for c in catalogue.codes("rule") if c.category == "hygiene"}


@pytest.mark.parametrize(("selector", "expected"), [
    ("HYG005", {"HYG005"}),                                   # a code
    ("purpose-without-data-use", {"HYG005"}),                 # a rule name
    ("HYG00", {c for c in HYGIENE if c.startswith("HYG00")}),  # a code prefix
    ("hygiene", HYGIENE),                                     # a category
])
def test_selectors(selector: str, expected: set[str]) -> None:
    assert "HYG005" in expected and active_codes({"select": [selector]}) == expected


def test_ignore_wins_over_select_and_extend_select_adds() -> None:
    assert active_codes({"select": ["hygiene"], "ignore": ["HYG002", "purpose-without-categories"]}) == (
        HYGIENE - {"HYG002", "HYG004"})
    assert active_codes({"select": ["HYG005"], "extend-select": ["TRN011"]}) == {"HYG005", "TRN011"}


def test_selection_changes_what_is_reported() -> None:
    assert [c for c, _, _ in codes(BARE, ["HYG004", "HYG005"])] == ["HYG004", "HYG005"]
    config = parse_config({"select": ["HYG004", "HYG005"], "ignore": ["HYG004", "HYG002"]})
    assert [c for c, _, _ in codes(BARE, config=config)] == ["HYG005"]


@pytest.mark.parametrize(("selector", "guess"), [("HYG05", None), ("hygeine", "hygiene"), ("hyg005", "HYG005"),
                                                 ("purpose-without-data-uses", "purpose-without-data-use")])
def test_a_selector_that_selects_nothing_is_an_error_with_a_suggestion(selector: str, guess: str | None) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"ignore": [selector]}, "cfg.toml")
    message = str(err.value)
    assert message.startswith("cfg.toml: ") and f"`{selector}`" in message
    if guess:
        assert f"did you mean `{guess}`?" in message


def test_builtin_input_codes_may_be_selected_or_ignored() -> None:
    parse_config({"ignore": ["E200"]})  # input and resolution problems are always reported; harmless


# ---------------------------------------------------------------- severities and options


@pytest.mark.parametrize("key", ["HYG005", "purpose-without-data-use"])
def test_per_rule_severity_by_code_or_name(key: str) -> None:
    (diag,) = diagnose(BARE, config=parse_config({"select": ["HYG005"], "rules": {key: {"severity": "error"}}}))
    assert (diag.code, diag.severity.label) == ("HYG005", "error")


def test_severity_off_turns_a_rule_off() -> None:
    config = parse_config({"select": ["HYG004", "HYG005"], "rules": {"HYG004": {"severity": "off"}}})
    assert [c for c, _, _ in codes(BARE, config=config)] == ["HYG005"]


def test_bad_severity_is_an_error_listing_the_choices() -> None:
    with pytest.raises(ConfigError, match="expected one of error, warning, info, off"):
        parse_config({"rules": {"HYG005": {"severity": "warn"}}})


def test_rule_options_change_behaviour() -> None:
    text = 'controller "Shop AS" {\n  email "a@shop.example"\n}\n'
    assert codes(text, "TRN001") == [("TRN001", 1, 1)]
    config = parse_config({"select": ["TRN001"],
                           "rules": {"TRN001": {"require-address-or-registration": False}}})
    assert codes(text, config=config) == []


def test_options_and_severity_together() -> None:
    text = 'controller "Shop AS" {\n  website "https://shop.example"\n}\n'
    config = parse_config({"select": ["TRN002"],
                           "rules": {"controller-contact-missing": {"severity": "info", "accept-website": False}}})
    (diag,) = diagnose(text, config=config)
    assert diag.severity.label == "info"


def test_unknown_option_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"rules": {"TRN002": {"accept-websites": True}}}, "pyproject.toml")
    assert "did you mean `accept-website`?" in str(err.value)
    assert "[rules.TRN002]" in str(err.value)


def test_bad_option_value_is_an_error_naming_the_option() -> None:
    with pytest.raises(ConfigError, match="accept-website"):
        parse_config({"rules": {"TRN002": {"accept-website": "sometimes"}}})


def test_options_for_a_rule_without_options_are_an_error() -> None:
    with pytest.raises(ConfigError, match="takes no options"):
        parse_config({"rules": {"HYG005": {"max-months": 3}}})


def test_unknown_rule_in_rules_table_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(ConfigError, match="did you mean `HYG005`"):
        parse_config({"rules": {"HYG0005": {"severity": "off"}}})


def test_a_rules_entry_must_be_a_table() -> None:
    with pytest.raises(ConfigError, match=r"rules\.HYG005"):
        parse_config({"rules": {"HYG005": "off"}})


# ---------------------------------------------------------------- unknown keys and bad values


@pytest.mark.parametrize(("key", "guess"), [("selct", "select"), ("ignores", "ignore"),
                                            ("jurisdiction", "jurisdictions"), ("colour", None)])
def test_unknown_top_level_key_with_suggestion(key: str, guess: str | None) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({key: ["x"]}, "privacy-dsl.toml")
    message = str(err.value)
    assert f"unknown key `{key}`" in message
    assert (f"did you mean `{guess}`?" in message) if guess else ("known keys:" in message)


@pytest.mark.parametrize("table", [
    {"jurisdictions": ["eu", "nor"]},
    {"max-file-bytes": 0},
    {"select": "ALL"},
])
def test_bad_values_are_errors_naming_the_key(table: dict[str, object]) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(table, "privacy-dsl.toml")
    assert str(err.value).startswith("privacy-dsl.toml: `" + next(iter(table)))


def test_snake_case_keys_are_accepted_like_kebab_case() -> None:
    assert parse_config({"extend_select": ["HYG005"]}).extend_select == ("HYG005",)


# ---------------------------------------------------------------- jurisdictions


@pytest.fixture
def profiled_rules(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Two throwaway rules: one with jurisdiction profiles, one that only exists in Norway."""

    class Opts(Options):
        limit: int = 10
        label: str = "eu"

    @rule("ZZZ901", "test-profiled", category="hygiene", severity="info", references=("test",), options=Opts,
          profiles={"no": {"limit": 13, "label": "no"}, "fr": {"limit": 15}})
    def profiled(ctx: Context) -> Iterator[Finding]:
        """Doc."""
        return iter(())

    @rule("ZZZ902", "test-norway-only", category="hygiene", severity="info", references=("test",),
          jurisdictions=("no",))
    def norway_only(ctx: Context) -> Iterator[Finding]:
        """Doc."""
        return iter(())

    monkeypatch.setitem(REGISTRY, "ZZZ901", profiled)
    monkeypatch.setitem(REGISTRY, "ZZZ902", norway_only)
    monkeypatch.setattr(catalogue, "_full", None)  # the catalogue reads the rules again
    yield


def _options(table: dict[str, object]) -> tuple[int, str] | None:
    for active in active_rules(parse_config({"select": ["ZZZ"], **table})):
        if active.rule.code == "ZZZ901":
            return active.options.limit, active.options.label  # type: ignore[attr-defined,no-any-return]
    return None


@pytest.mark.usefixtures("profiled_rules")
def test_jurisdiction_profiles_set_option_defaults() -> None:
    assert _options({}) == (10, "eu")
    assert _options({"jurisdictions": ["eu", "no"]}) == (13, "no")
    assert _options({"jurisdictions": ["eu", "fr"]}) == (15, "eu")
    # later jurisdictions override earlier ones, key by key
    assert _options({"jurisdictions": ["no", "fr"]}) == (15, "no")
    assert _options({"jurisdictions": ["fr", "no"]}) == (13, "no")


@pytest.mark.usefixtures("profiled_rules")
def test_configured_options_override_profiles() -> None:
    assert _options({"jurisdictions": ["eu", "no"], "rules": {"ZZZ901": {"limit": 16}}}) == (16, "no")


@pytest.mark.usefixtures("profiled_rules")
def test_jurisdiction_only_rules_need_their_jurisdiction() -> None:
    assert "ZZZ902" not in active_codes({"select": ["ZZZ"]})
    assert "ZZZ902" in active_codes({"select": ["ZZZ"], "jurisdictions": ["eu", "no"]})


def test_every_shipped_profile_is_valid_for_its_rule() -> None:
    for code, r in REGISTRY.items():
        for jurisdiction, values in r.profiles.items():
            assert jurisdiction in ("eu", "no", "fr"), code
            assert r.options is not None, f"{code} has profiles but no options"
            r.options.model_validate(values)


# ---------------------------------------------------------------- finding the configuration file


def test_pyproject_table_found_upward_from_a_subdirectory(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.privacy-dsl]\nignore = ["HYG002"]\n')
    sub = tmp_path / "policies" / "shop"
    sub.mkdir(parents=True)
    config = load_config(start=sub)
    assert config.ignore == ("HYG002",)
    assert config.source == str(tmp_path / "pyproject.toml")


def test_pyproject_without_the_table_is_skipped_on_the_way_up(tmp_path: Path) -> None:
    (tmp_path / "privacy-dsl.toml").write_text('ignore = ["HYG002"]\n')
    inner = tmp_path / "repo"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_config(start=inner).source == str(tmp_path / "privacy-dsl.toml")


def test_privacy_dsl_toml_is_preferred_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.privacy-dsl]\nignore = ["HYG002"]\n')
    (tmp_path / "privacy-dsl.toml").write_text('ignore = ["HYG004"]\n')
    config = load_config(start=tmp_path)
    assert config.ignore == ("HYG004",) and config.source == str(tmp_path / "privacy-dsl.toml")


def test_the_nearest_file_wins(tmp_path: Path) -> None:
    (tmp_path / "privacy-dsl.toml").write_text('ignore = ["HYG004"]\n')
    inner = tmp_path / "team"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[tool.privacy-dsl]\nignore = ["HYG002"]\n')
    assert load_config(start=inner).ignore == ("HYG002",)


def test_no_file_gives_the_defaults(tmp_path: Path) -> None:
    if any((d / "privacy-dsl.toml").exists() or (d / "pyproject.toml").exists() for d in tmp_path.parents):
        pytest.skip("a configuration file above the temporary directory")
    config = load_config(start=tmp_path)
    assert config == Config() and config.source is None


def test_explicit_file(tmp_path: Path) -> None:
    own = tmp_path / "strict.toml"
    own.write_text('select = ["TRN"]\n[rules.TRN011]\nseverity = "error"\n')
    config = load_config(explicit=own)
    assert config.select == ("TRN",) and config.rules == {"TRN011": {"severity": "error"}}
    project = tmp_path / "pyproject.toml"
    project.write_text('[tool.privacy-dsl]\nselect = ["HYG"]\n')
    assert load_config(explicit=project).select == ("HYG",)


def test_errors_in_a_file_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "privacy-dsl.toml"
    bad.write_text('selct = ["ALL"]\n')
    with pytest.raises(ConfigError) as err:
        load_config(start=tmp_path)
    assert str(err.value).startswith(str(bad)) and "did you mean `select`?" in str(err.value)


def test_invalid_toml_and_unreadable_files_are_config_errors(tmp_path: Path) -> None:
    bad = tmp_path / "privacy-dsl.toml"
    bad.write_text('select = ["ALL"\n')
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(start=tmp_path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(explicit=tmp_path / "missing.toml")


def test_cli_reports_a_bad_config_with_exit_code_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from privacy_dsl.cli.main import main

    (tmp_path / "p.privacy").write_text(BARE)
    (tmp_path / "privacy-dsl.toml").write_text('[rules.HYG005]\nseverity = "warn"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "p.privacy"]) == 2
    err = capsys.readouterr().err
    assert "privacy-dsl.toml" in err and "expected one of error, warning, info, off" in err
    assert "Traceback" not in err


# ---------------------------------------------------------------- docs/configuration.md

DOC = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


def _blocks(lang: str) -> list[str]:
    import re

    return re.findall(rf"```{lang}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("block", _blocks("toml"))
def test_configuration_doc_toml_examples_are_valid(block: str) -> None:
    import tomllib

    data = tomllib.loads(block)
    table = data.get("tool", {}).get("privacy-dsl", data)
    parse_config(table, "docs/configuration.md")


def test_configuration_doc_policy_example_suppresses_what_it_says() -> None:
    import datetime as dt

    from privacy_dsl.lint.engine import lint_text

    (block,) = _blocks("privacy")
    select = parse_config({"select": ["HYG002", "HYG006", "SUP"]})  # the rules the example is about
    diags = lint_text(block, "p.privacy", select, today=dt.date(2026, 11, 25))
    assert [(d.code, d.span.line) for d in diags if d.suppressed is None] == []
    assert [(d.code, d.span.line) for d in diags if d.suppressed] == [("HYG006", 6), ("HYG002", 13)]
    expired = lint_text(block, "p.privacy", select, today=dt.date(2027, 3, 2))
    assert [(d.code, d.span.line) for d in expired if d.suppressed is None] == [("HYG002", 13), ("SUP004", 13)]


def test_configuration_doc_lists_every_key() -> None:
    text = DOC.read_text(encoding="utf-8")
    for key in Config.known_keys():
        assert f"| `{key}` |" in text, f"docs/configuration.md does not document `{key}`"


def test_one_rule_configured_under_its_code_and_its_name_is_an_error() -> None:
    from privacy_dsl.lint.config import ConfigError, parse_config

    with pytest.raises(ConfigError, match=r"configure the same rule \(CK002 cookie-without-expiry\)"):
        parse_config({"rules": {"CK002": {"severity": "warning"}, "cookie-without-expiry": {"severity": "off"}}})


def test_defaults_built_without_validation_equal_validated_defaults() -> None:
    """A cold start skips building validators for empty settings; the values must be the same."""
    from privacy_dsl.lint.config import Config, parse_config
    from privacy_dsl.lint.rules import REGISTRY

    assert parse_config({}, "x") == Config.model_validate({}).model_copy(update={"source": "x"})
    for entry in REGISTRY.values():
        if entry.options is not None:
            built, validated = entry.options.model_construct(), entry.options.model_validate({})
            assert built == validated and repr(built) == repr(validated), entry.code


def test_a_misspelt_jurisdiction_gets_a_suggestion() -> None:
    from privacy_dsl.lint.config import ConfigError, parse_config

    with pytest.raises(ConfigError, match=r"`nor` is not one of eu, no, fr; did you mean `no`\?"):
        parse_config({"jurisdictions": ["eu", "nor"]})


# ---------------------------------------------------------------- whose configuration a run reads


def _cli(cwd: Path, *args: str) -> tuple[int, str]:
    """``privacy-dsl`` as a user runs it: a fresh process in ``cwd``."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT), "PRIVACY_DSL_CACHE_KEY_DIR": str(cwd / ".keys")}
    done = subprocess.run([sys.executable, "-m", "privacy_dsl", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("command", [["lint", "--no-cache", "--format", "concise"], ["test"]])
def test_a_run_over_another_tree_reads_that_trees_configuration(tmp_path: Path, command: list[str]) -> None:
    """Issue 17 (item 7's kin): linting /other/tree from /elsewhere read /elsewhere's configuration;
    now the search starts from the linted paths, as the Python API's does."""
    tree, elsewhere = tmp_path / "tree", tmp_path / "elsewhere"
    (tree / "policy").mkdir(parents=True)
    elsewhere.mkdir()
    (tree / "policy" / "p.privacy").write_text(BARE, encoding="utf-8")
    (tree / "privacy-dsl.toml").write_text('select = ["HYG005"]\n', encoding="utf-8")
    (elsewhere / "privacy-dsl.toml").write_text('select = ["TRN005"]\n', encoding="utf-8")
    if command[0] == "lint":
        code, out = _cli(elsewhere, *command, str(tree / "policy"))
        assert code == 1 and "HYG005" in out and "TRN005" not in out, out
        code, out = _cli(tree, *command, "policy")  # from inside the tree: the same file, found upward
        assert code == 1 and "HYG005" in out and "TRN005" not in out, out
    else:  # a configuration error in the tree's file is reported for the tree, not hidden by cwd's
        (tree / "privacy-dsl.toml").write_text('select = "HYG005"\n', encoding="utf-8")
        code, out = _cli(elsewhere, *command, str(tree / "policy"))
        assert code == 2 and "E080" in out and str(tree / "privacy-dsl.toml") in out, out


def test_plainly_valid_tables_are_read_as_pydantic_reads_them() -> None:
    """``model_validate`` takes plainly valid tables without pydantic: the values must be the ones
    pydantic's model of the same declarations makes (ints for floats, lists for tuples, ...)."""
    from privacy_dsl.lint.config import Config, _pydantic_config
    from privacy_dsl.lint.rules import REGISTRY

    table = {"select": ["ALL"], "ignore": ("HYG002",), "extend_select": [], "jurisdictions": ["no", "fr"],
             "max-file-bytes": 7, "policy": "p", "referred-findings": "keep", "group-findings": False,
             "rules": {"CK003": {"max-months": 12}}}
    ours, theirs = Config.model_validate(table), _pydantic_config().model_validate(table)
    assert ours.model_dump() == {name: getattr(theirs, name) for name in ours.model_dump()}
    samples = {"float": 3, "int": 14, "bool": False, "str": "2019-01-01", "list[str]": ["analytics"],
               "float | None": 2, "dict[str, float]": {"marketing": 2}, "dict[str, list[str]]": {"a": ["user.name"]}}
    checked = 0
    for entry in REGISTRY.values():
        for values in [*entry.profiles.values(), *(
                {name: samples[annotation]} for name, (annotation, _) in (entry.options or Options)._fields.items()
                if annotation in samples)]:
            assert entry.options is not None
            model = entry.options.pydantic_model()
            try:
                expected = model.model_validate(values)
            except Exception:  # not valid for this option (a bound, a validator): pydantic's error then
                with pytest.raises(Exception, match="validation error"):
                    entry.options.model_validate(values)
                continue
            got = entry.options.model_validate(values)
            assert vars(got) == {name: getattr(expected, name) for name in vars(got)}, (entry.code, values)
            assert all(type(v) is type(getattr(expected, k)) for k, v in vars(got).items()), (entry.code, values)
            checked += 1
    assert checked > 30
