"""``privacy-dsl export``: JSON against the published schema, fides YAML written without a YAML
library (checked by PyYAML), and validated for real by fideslang in a separate virtual environment."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
import venv
from pathlib import Path
from typing import Any

import pytest
from conftest import POLICIES
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy_dsl.api import load_text
from privacy_dsl.cli.main import main
from privacy_dsl.interop.export import dump_yaml, fides_key, max_age_seconds, retention_text, to_fides
from privacy_dsl.language import model as m
from privacy_dsl.language.modeldata import from_dict
from privacy_dsl.language.parser import parse_text
from privacy_dsl.lint.loader import load_one

FJORDKAFFE = POLICIES / "fjordkaffe"
CIFERO = POLICIES / "cifero"
yaml = pytest.importorskip("yaml")


def fides(path: Path, lang: str | None = "en") -> dict[str, Any]:
    data, _ = to_fides(load_one(path, run_rules=False).policy, lang)
    return data


# ---------------------------------------------------------------- JSON


def test_json_export_is_the_model_and_matches_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert main(["export", str(FJORDKAFFE), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, schema)
    assert set(data["purposes"]) == set(load_one(FJORDKAFFE, run_rules=False).policy.purposes)
    assert from_dict(m.Policy, data) == load_one(FJORDKAFFE, run_rules=False).policy


# ---------------------------------------------------------------- the fides mapping


def test_fides_organization_and_main_system() -> None:
    data = fides(FJORDKAFFE)
    (org,) = data["organization"]
    assert org["fides_key"] == "fjordkaffe_as"
    assert org["controller"] == {"name": "Fjordkaffe AS", "address": "Bryggen 1, 5003 Bergen",
                                 "email": "personvern@fjordkaffe.example", "phone": "+47 55 00 00 00"}
    main_system = data["system"][0]
    assert main_system["fides_key"] == "fjordkaffe" and main_system["organization_fides_key"] == "fjordkaffe_as"
    assert main_system["responsibility"] == ["Controller"]
    assert main_system["privacy_policy"] == "https://fjordkaffe.example/personvern"
    assert main_system["does_international_transfers"] is True
    assert main_system["legal_basis_for_transfers"] == ["Adequacy Decision"]  # DPF is an Art. 45 decision
    assert main_system["uses_cookies"] is True and main_system["uses_non_cookie_access"] is False
    assert main_system["cookie_max_age_seconds"] == math.ceil(13 * 365.25 / 12 * 86400)  # _pk_id.*: 13 months


def test_fides_declarations_per_purpose() -> None:
    policy = load_one(FJORDKAFFE, run_rules=False).policy
    decls = {d["data_use"]: d for d in fides(FJORDKAFFE)["system"][0]["privacy_declarations"]}
    assert len(decls) == len(policy.purposes)
    orders = decls["essential.service"]
    assert orders["name"] == "Delivering orders"
    assert orders["legal_basis_for_processing"] == "Contract"
    assert orders["flexible_legal_basis_for_processing"] is False
    assert orders["data_subjects"] == ["customer"]
    assert "user.contact.email" in orders["data_categories"]
    assert orders["retention_period"] == "3 years after last_order"
    assert orders["data_shared_with_third_parties"] is True
    assert orders["egress"] == ["recipient_posten", "recipient_payments"]
    fraud = decls["essential.fraud_detection"]
    assert fraud["legal_basis_for_processing"] == "Legitimate interests"
    assert fraud["impact_assessment_location"].startswith("LIA-2026-01")
    books = decls["essential.legal_obligation"]
    assert books["retention_period"] == 'law "bokføringsloven § 13" 5 years after financial_year_end'


def test_fides_recipients_are_systems_with_flows_both_ways() -> None:
    systems = {s["fides_key"]: s for s in fides(FJORDKAFFE)["system"]}
    mailer = systems["recipient_mailer"]
    assert mailer["responsibility"] == ["Processor"]
    assert mailer["dpa_location"].startswith("DPA 2025-06-01")
    assert mailer["ingress"] == [{"fides_key": "fjordkaffe", "type": "system",
                                  "data_categories": ["user.contact.email", "user.name"]}]
    assert mailer["meta"]["privacy_dsl"]["countries"] == ["US"]
    egress = {f["fides_key"] for f in systems["fjordkaffe"]["egress"]}
    assert egress == {k for k in systems if k.startswith("recipient_")}


def test_fides_meta_keeps_cookies_and_transfers() -> None:
    meta = fides(FJORDKAFFE)["system"][0]["meta"]["privacy_dsl"]
    cookies = {c["name"]: c for c in meta["cookies"]}
    assert cookies["_pk_id.*"] == {"name": "_pk_id.*", "storage": "cookie", "pattern": True,
                                   "provider": "Fjordkaffe AS", "party": "first",
                                   "expiry": "persistent", "duration": "13 months",
                                   "max_age_seconds": 34187400, "category": "analytics", "purposes": ["statistics"],
                                   "data_uses": ["analytics.reporting"], "consents": ["cookie_banner"],
                                   "description": "Matomo, run by us: tells visits apart in the statistics."}
    assert cookies["session_id"]["expiry"] == "session" and "max_age_seconds" not in cookies["session_id"]
    assert meta["transfers"] == [{"id": "mailer_us", "recipient": "mailer", "recipient_system": "recipient_mailer",
                                  "country": "US", "mechanism": "dpf",
                                  "certification": "Listed on the Data Privacy Framework List, checked 2026-08-15"}]


def test_unknown_cookie_duration_makes_the_maximum_unknown() -> None:
    data = fides(CIFERO, "nb")
    assert "cookie_max_age_seconds" not in data["system"][0]  # Webtemp: persistent, no duration


def test_custom_subjects_become_data_subject_resources() -> None:
    data, _ = to_fides(load_one(CIFERO, run_rules=False).policy, "nb")
    assert {s["fides_key"] for s in data["data_subject"]} == {"contact_person"}
    decls = data["system"][0]["privacy_declarations"]
    assert any("contact_person" in d["data_subjects"] for d in decls)


def test_what_fides_cannot_hold_is_reported_at_its_source() -> None:
    policy = load_one(CIFERO, run_rules=False).policy
    _, problems = to_fides(policy, "nb")
    lost = {(d.code, d.span.line) for d in problems if d.code == "EXP001"}
    assert lost == {("EXP001", p.span.line) for p in policy.purposes.values() if not p.uses}
    assert all(d.severity.label == "error" for d in problems if d.code == "EXP001")


def test_several_bases_and_untranslated_text_are_warnings() -> None:
    from privacy_dsl.api import load_text

    policy = load_text('purpose p {\n  name { nb "Navn" }\n  use essential.service\n  basis contract\n'
                       '  basis consent\n}\n').model
    data, problems = to_fides(policy, "en")
    assert sorted((d.code, d.severity.label, d.span.line) for d in problems) == [
        ("EXP002", "warning", 5), ("EXP004", "warning", 2)]
    decl = data["system"][0]["privacy_declarations"][0]
    assert decl["legal_basis_for_processing"] == "Contract" and decl["name"] == "Navn"


def test_retention_text_is_the_dsl_syntax() -> None:
    for source in ("5 years", "3 years after last_order", 'until "account closed"', "as long as necessary",
                   'law "bokføringsloven § 13" 5 years after financial_year_end', "law", "indefinite",
                   "at controller discretion", "unspecified", "1 day", "up_to 30 years",
                   "up_to 7 days after collection", 'law "HGB, AO" up_to 10 years after contract_end',
                   'law_permits "Act § 4"', "law_permits", 'law_permits "Act § 4" 10 years',
                   'criteria "the amount and nature of the data"', 'criteria { nb "arten" en "the nature" }',
                   'archive "Arkivlova § 6"', "temporarily", "no_general_period", "not_stored", "6 months for logs",
                   "2 years after last_login for account, profile", 'criteria "x" for logs', "archive",
                   "archive for logs"):
        result = parse_text(f"purpose p {{ retention {source} }}")
        assert result.document is not None
        purpose = result.document.blocks[0]
        assert isinstance(purpose, m.Purpose)
        assert retention_text(purpose.retention[0]) == source


def test_retention_for_categories_names_their_taxonomy_keys_in_meta() -> None:
    policy = load_text('category logs { taxonomy user.behavior }\ncategory account { taxonomy user.account }\n'
                       'purpose p {\n  use essential.service\n  categories logs, account\n'
                       '  retention 6 months for logs\n  retention criteria { nb "arten" en "the nature" }\n}\n').model
    data, problems = to_fides(policy, "en")
    assert problems == []
    (decl,) = data["system"][0]["privacy_declarations"]
    assert decl["retention_period"] == '6 months for logs; criteria "the nature"'  # the export's language
    (meta,) = data["system"][0]["meta"]["privacy_dsl"]["purposes"]
    assert meta["retention_categories"] == {"logs": "user.behavior"}


def test_keys_and_max_age() -> None:
    assert fides_key("Fjordkaffe AS") == "fjordkaffe_as"
    assert fides_key("Blåbær Øl & Co.") == "blabaer_ol_co"
    assert fides_key("###") == "x"
    assert max_age_seconds(m.Duration(amount=30, unit=m.TimeUnit.MINUTE)) == 1800
    assert max_age_seconds(m.Duration(amount=1, unit=m.TimeUnit.YEAR)) == 31557600


# ---------------------------------------------------------------- YAML


def test_yaml_export_loads_back_to_the_same_data() -> None:
    for path in (FJORDKAFFE, CIFERO):
        data = fides(path, "nb")
        assert yaml.safe_load(dump_yaml(data, "a header\nwith two lines")) == data


def test_yaml_quotes_what_yaml_would_misread() -> None:
    text = dump_yaml({"a": "yes", "b": "12", "c": "null", "d": "x: y", "e": "- z", "f": "#", "g": "plain.key_1",
                      "h": "", "i": [], "j": {}, "k": None, "l": True, "m": 7, "n": "ON", "o": "1e3", "p": "~"})
    assert "g: plain.key_1\n" in text and 'a: "yes"\n' in text and "i: []\n" in text and "j: {}\n" in text
    assert yaml.safe_load(text) == {"a": "yes", "b": "12", "c": "null", "d": "x: y", "e": "- z", "f": "#",
                                    "g": "plain.key_1", "h": "", "i": [], "j": {}, "k": None, "l": True, "m": 7,
                                    "n": "ON", "o": "1e3", "p": "~"}


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.text(max_size=30))
_keys = st.text(min_size=1, max_size=12)
_values = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(_keys, inner, max_size=4)), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_keys, _values, max_size=6))
def test_property_any_data_round_trips_through_our_yaml(data: dict[str, Any]) -> None:
    assert yaml.safe_load(dump_yaml(data)) == (data or None)


# ---------------------------------------------------------------- the command


def test_cli_fides_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "fides" / "fjordkaffe.yml"
    assert main(["export", str(FJORDKAFFE), "--format", "fides", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# fides manifest generated by privacy-dsl")
    assert yaml.safe_load(text)["system"][0]["privacy_declarations"][0]["name"] == "Levere bestillinger"  # nb first
    assert main(["export", str(FJORDKAFFE), "--format", "fides", "--lang", "en"]) == 0
    assert "Delivering orders" in capsys.readouterr().out


def test_cli_lossy_export_exits_1_and_writes_nothing_unless_allowed(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cifero.yml"
    assert main(["export", str(CIFERO), "--format", "fides", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "purposes.privacy" in err and "EXP001" in err and not out.exists()
    assert main(["export", str(CIFERO), "--format", "fides", "-o", str(out), "--allow-missing"]) == 0
    assert out.exists()


def test_cli_unusable_policy_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.privacy").write_text("purpose p {\n", encoding="utf-8")
    assert main(["export", str(tmp_path), "--format", "fides"]) == 2
    assert "E102" in capsys.readouterr().err


# ---------------------------------------------------------------- fideslang itself, in its own environment

VALIDATE = textwrap.dedent('''
    import json, sys, warnings
    import yaml
    from fideslang import models as fm
    from fideslang.default_taxonomy import DEFAULT_TAXONOMY

    def fields(model):
        return set(model.model_fields) | {f.alias for f in model.model_fields.values() if f.alias}

    results = {}
    for path in sys.argv[1:]:
        data = yaml.safe_load(open(path, encoding="utf-8"))
        problems = []
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a deprecated field (cookies) would warn
            taxonomy = fm.Taxonomy.model_validate(data)
        def check(obj, model, where):
            problems.extend(f"{where}: {model.__name__} has no field {k!r}" for k in sorted(set(obj) - fields(model)))
        for org in data.get("organization", []):
            check(org, fm.Organization, "organization")
            for part in ("controller", "data_protection_officer", "representative"):
                if part in org:
                    check(org[part], fm.ContactDetails, "organization." + part)
        for subject in data.get("data_subject", []):
            check(subject, fm.DataSubject, "data_subject")
        cats = {c.fides_key for c in DEFAULT_TAXONOMY.data_category}
        uses = {u.fides_key for u in DEFAULT_TAXONOMY.data_use}
        subjects = {s.fides_key for s in DEFAULT_TAXONOMY.data_subject} | {s["fides_key"] for s in
                                                                          data.get("data_subject", [])}
        systems = {s["fides_key"] for s in data["system"]}
        for system in data["system"]:
            check(system, fm.System, "system " + system["fides_key"])
            for flow in (system.get("egress") or []) + (system.get("ingress") or []):
                check(flow, fm.DataFlow, "flow")
                if flow["fides_key"] not in systems:
                    problems.append("flow to an unknown system " + flow["fides_key"])
                problems.extend("unknown data category " + c for c in flow.get("data_categories") or []
                                if c not in cats)
            for decl in system["privacy_declarations"]:
                check(decl, fm.PrivacyDeclaration, "declaration")
                if decl["data_use"] not in uses:
                    problems.append("unknown data use " + decl["data_use"])
                problems.extend("unknown data category " + c for c in decl["data_categories"] if c not in cats)
                problems.extend("unknown data subject " + s for s in decl["data_subjects"] if s not in subjects)
        results[path] = {"systems": len(taxonomy.system), "declarations":
                         sum(len(s.privacy_declarations) for s in taxonomy.system), "problems": problems}
    print(json.dumps(results))
''')


@pytest.fixture(scope="module")
def fideslang_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with fideslang (it pins pydantic < 2.13, so never ours)."""
    where = tmp_path_factory.mktemp("fideslang-venv")
    venv.create(where, with_pip=True)
    python = where / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    try:
        done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                               "fideslang"], capture_output=True, text=True, timeout=180, check=False)
    except subprocess.TimeoutExpired:
        pytest.skip("installing fideslang took over 3 minutes; no package index reachable?")
    if done.returncode != 0:
        pytest.skip(f"fideslang cannot be installed here (no package index?): {done.stderr.strip()[-300:]}")
    return python


@pytest.mark.integration
@pytest.mark.network
def test_fideslang_accepts_the_exports(fideslang_python: Path, tmp_path: Path) -> None:
    from benchmarks.generate import policy_text

    bench = tmp_path / "bench"
    bench.mkdir()
    (bench / "policy.privacy").write_text(policy_text(8, True), encoding="utf-8")
    manifests = []
    for name, path in (("fjordkaffe", FJORDKAFFE), ("cifero", CIFERO), ("bench", bench)):
        out = tmp_path / f"{name}.yml"
        assert main(["export", str(path), "--format", "fides", "-o", str(out), "--allow-missing"]) == 0
        manifests.append(str(out))
    script = tmp_path / "validate.py"
    script.write_text(VALIDATE, encoding="utf-8")
    done = subprocess.run([str(fideslang_python), str(script), *manifests], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout)
    for path, result in results.items():
        assert result["problems"] == [], path
    assert results[manifests[0]]["declarations"] == len(load_one(FJORDKAFFE, run_rules=False).policy.purposes)
    assert results[manifests[0]]["systems"] == 1 + len(load_one(FJORDKAFFE, run_rules=False).policy.recipients)
