"""``privacy-dsl import fides``: our own exports come back (nearly) whole, other manifests map as
documented, and what cannot be mapped is kept in comments, never dropped."""

from __future__ import annotations

import builtins
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import POLICIES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privacy_dsl.api import load_text
from privacy_dsl.cli.main import main
from privacy_dsl.diagnostics import Diagnostic
from privacy_dsl.interop.export import dump_yaml, to_fides
from privacy_dsl.interop.fides_rules import Imported, rule_lines
from privacy_dsl.interop.importer import (
    MANIFEST_PARTS,
    ImportProblem,
    YamlMissing,
    from_fides,
    import_fides,
    load_yaml,
)
from privacy_dsl.language import model as m
from privacy_dsl.lint.engine import lint_text
from privacy_dsl.lint.loader import load_one
from privacy_dsl.outputs.fmt import format_string

pytest.importorskip("yaml")
FJORDKAFFE = POLICIES / "fjordkaffe"

LEGACY = textwrap.dedent("""\
    # fideslang 1 style, as people wrote them
    organization:
      - fides_key: acme
        name: Acme Analytics Ltd
        controller: {name: Acme Analytics Ltd, email: privacy@acme.example}
        data_protection_officer: {name: Dana Officer, email: dpo@acme.example}
    data_category:
      - fides_key: user.contact.email.work
        name: Work e-mail
        parent_key: user.contact.email
    system:
      - fides_key: analytics_system
        name: Analytics System
        description: Analyses how customers use the shop.
        system_type: Service
        third_country_transfers: [USA]
        privacy_declarations:
          - name: Analyse behaviour to improve the shop.
            data_categories: [user.contact, user.device.cookie_id, user.contact.email.work]
            data_use: improve.system
            data_subjects: [customer]
            retention_period: No retention or erasure policy
            egress: [ad_vendor]
          - name: Show ads
            data_categories: [user.device.cookie_id]
            data_use: advertising.third_party.targeted
            data_subjects: [customer, prospect]
            legal_basis_for_processing: Legitimate interests
            impact_assessment_location: https://acme.example/lia
            special_category_legal_basis: Explicit consent
            retention_period: 30 Days
            cookies:
              - name: _ga
                domain: .acme.example
      - fides_key: ad_vendor
        name: Ad Vendor Inc.
        system_type: Third Party
        responsibility: [Processor]
        dpa_location: https://vendor.example/dpa
        privacy_declarations: []
    """)


def imported(data: dict[str, Any], lang: str | None = None) -> tuple[str, m.Policy]:
    text, _ = from_fides(data, lang=lang)
    handle = load_text(text, "imported.privacy")
    return text, handle.model


def input_errors(text: str) -> list[str]:
    return [f"{d.span.line}: {d.code} {d.message}" for d in lint_text(text, "imported.privacy")
            if d.category in ("input", "resolution")]


# ---------------------------------------------------------------- round trip of our own export


#: What the model holds about the files, not the policy.
_NOT_THE_POLICY = frozenset({"span", "field_spans", "root", "files", "path"})


def _facts(value: Any, lang: str | None) -> Any:
    """The model as plain data without positions; a text is its text in ``lang`` (a fides manifest
    holds one language, and `import --lang` writes it as `{ lang "..." }`)."""
    if isinstance(value, dict):
        if set(value) == {"plain", "by_lang"}:
            return value["by_lang"].get(lang) or value["plain"] or next(iter(value["by_lang"].values()), None)
        return {k: _facts(v, lang) for k, v in value.items() if k not in _NOT_THE_POLICY}
    if isinstance(value, list):
        return [_facts(v, lang) for v in value]
    return value


def losses(original: m.Policy, back: m.Policy, lang: str | None) -> list[str]:
    """Every field of ``original`` that ``back`` does not hold alike: `path: before -> after`."""
    from privacy_dsl.language.modeldata import to_jsonable

    before, after = _facts(to_jsonable(original), lang), _facts(to_jsonable(back), lang)
    if before.get("info") and lang:  # the manifest's one language
        before["info"]["languages"] = [{"name": lang}]
    out: list[str] = []

    def walk(a: Any, b: Any, where: str) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b)):
                walk(a.get(key), b.get(key), f"{where}.{key}")
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{where}[{i}]")
        elif a != b:
            out.append(f"{where}: {a!r} -> {b!r}")
    walk(before, after, "")
    return out


def round_trip(policy: m.Policy, lang: str | None) -> tuple[list[Diagnostic], str, m.Policy]:
    data, problems = to_fides(policy, lang)
    text, _ = from_fides(load_yaml(dump_yaml(data)), lang=lang)
    return problems, text, load_text(text, "imported.privacy").model


@pytest.mark.parametrize("name", ["fjordkaffe", "cifero"])
def test_export_then_import_loses_nothing_but_what_export_reports(name: str) -> None:
    """The whole model, field by field. Fjordkaffe comes back whole (in the exported language: EXP005
    names the other); Cifero loses only its two purposes without a `use` (EXP001, at each)."""
    original = load_one(POLICIES / name, run_rules=False).policy
    problems, text, back = round_trip(original, "nb")
    assert input_errors(text) == []
    lost = losses(original, back, "nb")
    if name == "fjordkaffe":
        assert [d.code for d in problems] == ["EXP005"] and lost == []
    else:
        assert [(d.code, d.span.line) for d in problems] == [("EXP001", 36), ("EXP001", 48)]
        assert [line.split(":")[0] for line in lost] == [".purposes.further_use", ".purposes.other_processing"]


_TEXT = st.text(st.sampled_from('abc æøå§;,."\\-'), min_size=1, max_size=12).filter(str.strip).map(
    lambda t: t.strip())
_RETENTION = st.sampled_from([
    "30 days", "5 years after contract_end", "up_to 30 years", "up_to 7 days after collection",
    "until consent_withdrawn", 'until "the account is deleted"', 'law "bokføringsloven § 13" 5 years after '
    "financial_year_end", 'law "HGB, AO" up_to 10 years after contract_end', "law", 'law_permits "Act § 4"',
    "law_permits", 'criteria "the amount; nature"', "no_general_period", 'archive "Arkivlova § 6"', "archive",
    "as long as necessary", "temporarily", "unspecified", "indefinite", "at controller discretion", "not_stored"])


@st.composite
def _policies(draw: st.DrawFn) -> str:
    """A policy using every statement the export maps, with texts that need escaping."""
    def q(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def maybe(line: str) -> list[str]:
        return [line] if draw(st.booleans()) else []

    out = [f'policy {q(draw(_TEXT))} {{ languages nb }}',
           f'controller {q(draw(_TEXT))} {{ registration {q(draw(_TEXT))} country NO ' +
           " ".join(maybe("public_authority no")) + " dpo { required no } }",
           f"authority dt {{ name {q(draw(_TEXT))} country NO }}"]
    taxa = ["user.contact.email", "user.contact.email", "user.behavior", "user.device.ip_address", "user.name"]
    categories = [f"c{i}" for i in range(draw(st.integers(1, 4)))]
    for i, ident in enumerate(categories):
        identifiability = draw(st.sampled_from(["identified", "pseudonymous", "anonymous"]))
        lines = [f"taxonomy {taxa[i]}", *maybe(f"name {q(draw(_TEXT))}"), *maybe(f"source {q(draw(_TEXT))}"),
                 *maybe(f"identifiability {identifiability}"), *maybe("children no"), *maybe("criminal yes")]
        out.append(f"category {ident} {{ {' '.join(lines)} }}")
    if draw(st.booleans()):  # one fides cannot see (EXP003), kept in meta
        categories.append("untaxed")
        out.append(f"category untaxed {{ description {q(draw(_TEXT))} }}")
    out.append(f"subject customer {{ taxonomy customer name {q(draw(_TEXT))} }}")
    out.append(f"subject elev {{ description {q(draw(_TEXT))} }}")
    recipients = [f"r{i}" for i in range(draw(st.integers(0, 2)))]
    for ident in recipients:
        lines = [f"role {draw(st.sampled_from(['processor', 'controller', 'joint_controller']))}",
                 *maybe(f"name {q(draw(_TEXT))}"), *maybe(f"contract {q(draw(_TEXT))}"), *maybe("countries US"),
                 *maybe(f"receives pseudonymous {q(draw(_TEXT))}"), *maybe("category_only")]
        out.append(f"recipient {ident} {{ {' '.join(lines)} }}")
    if recipients and draw(st.booleans()):
        out.append(f"transfer t {{ recipient {recipients[0]} country US mechanism sccs {q(draw(_TEXT))} }}")
    out.append("consent banner { method opt_in reject_button yes }")
    purposes = [f"p{i}" for i in range(draw(st.integers(1, 3)))]
    for ident in purposes:
        bases = draw(st.lists(st.sampled_from([
            "consent", "contract", "vital_interests", f"legal_obligation {q(draw(_TEXT))}", "legal_obligation",
            f"public_task {q(draw(_TEXT))}", "legitimate_interests",
            f"legitimate_interests {{ interest {q(draw(_TEXT))} balancing_test {q(draw(_TEXT))} }}",
            f"legitimate_interests {{ interest {q(draw(_TEXT))} }}"]), min_size=1, max_size=2, unique=True))
        named = draw(st.lists(st.sampled_from(categories), min_size=1, unique=True))
        lines = [f"use {draw(st.sampled_from(['essential.service', 'marketing.communications.email']))}",
                 *(f"basis {b}" for b in bases), f"categories {', '.join(named)}",
                 f"subjects {draw(st.sampled_from(['customer', 'elev', 'customer, elev']))}",
                 *(f"retention {r}" for r in draw(st.lists(_RETENTION, max_size=3, unique=True))),
                 *maybe(f"retention 6 months for {named[-1]}"), *maybe(f"description {q(draw(_TEXT))}"),
                 *maybe("profiling no"), *maybe(f"special_condition explicit_consent {q(draw(_TEXT))}"),
                 *maybe(f"automated_decisions {{ exception contract safeguards {q(draw(_TEXT))} }}"),
                 *maybe("consent banner"), *maybe(f"source {q(draw(_TEXT))}")]
        named_recipients = draw(st.lists(st.sampled_from(recipients), unique=True)) if recipients else []
        if named_recipients:
            lines.append(f"recipients {', '.join(named_recipients)}")
        out.append(f"purpose {ident} {{\n  " + "\n  ".join(lines) + "\n}")
    if draw(st.booleans()):
        out.append(f'cookie "_ga" {{ party first expiry 2 years purpose {purposes[0]} consent banner }}')
    out.append(f"rights {{ offered access, erasure limited access law {q(draw(_TEXT))} "
               f"denied portability for {purposes[0]} {q(draw(_TEXT))} how {q(draw(_TEXT))} complaints dt }}")
    return "\n".join(out) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_policies())
def test_property_export_then_import_loses_nothing_fides_or_its_meta_can_hold(source: str) -> None:
    """Legal-obligation laws, legitimate interests and balancing tests, several bases, every
    retention form, categories sharing a taxonomy key, rights and authorities all come back."""
    handle = load_text(source, "gen.privacy")
    assert [d for d in handle.diagnostics if d.category in ("input", "resolution")] == []
    problems, text, back = round_trip(handle.model, "nb")
    assert input_errors(text) == []
    assert {d.code for d in problems} <= {"EXP002", "EXP003"}  # held by meta only: several bases, no key
    assert losses(handle.model, back, "nb") == []


def test_what_only_meta_holds_comes_back_too() -> None:
    """A category without a taxonomy key (EXP003: fides does not see it) comes back, with its
    retention; so do received_from, automated decisions, the law of an Art. 9(2) condition and the
    controller's facts."""
    handle = load_text(textwrap.dedent("""\
        policy "P" { languages en }
        controller "C" { public_authority yes offers_to NO, SE }
        recipient lab { role processor receives pseudonymous "hashed" }
        recipient anon { role controller }
        category health { taxonomy user.health_and_medical special health received_from lab }
        category logs { description "server logs" }
        subject patient { children no }
        purpose care {
          use essential.service
          basis public_task "Helsepersonelloven § 39"
          special_condition health_care "Pasientjournalloven § 6"
          categories health, logs
          subjects patient
          recipients lab, anon
          automated_decisions { exception law safeguards "a doctor reviews" logic "a score" }
          profiling yes
          retention law "Pasientjournalforskriften § 15" 10 years after last_visit
          retention 6 months for logs
        }
        """), "x.privacy")
    problems, text, back = round_trip(handle.model, "en")
    assert [(d.code, d.span.line) for d in problems] == [("EXP003", 6)]
    assert input_errors(text) == []
    assert losses(handle.model, back, "en") == []


def test_export_then_import_keeps_the_policy() -> None:
    original = load_one(FJORDKAFFE, run_rules=False).policy
    data, _ = to_fides(original, "en")
    text, back = imported(load_yaml(dump_yaml(data)), lang="en")
    assert input_errors(text) == []  # parses, and every name resolves
    assert format_string(text) == text  # formatted
    assert set(back.purposes) == set(original.purposes)
    for ident, purpose in original.purposes.items():
        got = back.purposes[ident]
        assert got.uses == purpose.uses
        assert [b.basis for b in got.bases] == [purpose.bases[0].basis]
        assert [str(r) for r in got.retention] == [str(r) for r in purpose.retention]
        assert {back.categories[r.name].taxonomy for r in got.categories} == {
            original.categories[r.name].taxonomy for r in purpose.categories}
        assert [r.name for r in got.subjects] == [r.name for r in purpose.subjects]
        assert [r.name for r in got.recipients] == [r.name for r in purpose.recipients]
        assert [r.name for r in got.transfers] == [r.name for r in purpose.transfers]
        assert (got.consent.name if got.consent else None) == (purpose.consent.name if purpose.consent else None)
        assert got.name is not None and purpose.name is not None
        assert got.name.by_lang == {"en": purpose.name.by_lang["en"]}
    for ident, recipient in original.recipients.items():
        got_r = back.recipients[ident]
        assert (got_r.role, got_r.countries, got_r.contract) == (recipient.role, recipient.countries,
                                                                  recipient.contract)
    transfer = back.transfers["mailer_us"]
    assert (transfer.recipient and transfer.recipient.name, transfer.country, transfer.mechanism) == (
        "mailer", "US", m.Mechanism.DPF)
    assert [(c.name, str(c.expiry), c.category, c.party, tuple(r.name for r in c.purposes), c.pattern)
            for c in back.cookies] == [
        (c.name, str(c.expiry), c.category, c.party, tuple(r.name for r in c.purposes), c.pattern)
        for c in original.cookies]
    controller = back.controller
    assert controller is not None and controller.email == "personvern@fjordkaffe.example"
    assert back.info is not None and back.info.url == "https://fjordkaffe.example/personvern"


def test_consent_mechanisms_come_back_from_meta_whole() -> None:
    original = load_one(FJORDKAFFE, run_rules=False).policy
    data, _ = to_fides(original, "en")
    text, back = imported(load_yaml(dump_yaml(data)), lang="en")
    assert input_errors(text) == []
    assert set(back.consents) == set(original.consents)
    assert "not in fides" not in text
    for ident, mech in original.consents.items():
        got = back.consents[ident]
        for field in ("methods", "reject_button", "granular", "explicit", "condition_of_service",
                      "refusal_degrades_service", "shown_in", "given_on", "record_retention", "valid_for",
                      "minimum_age", "parental_consent"):
            assert getattr(got, field) == getattr(mech, field), (ident, field)
        assert [(r.route, r.value) for r in got.withdraw_via] == [(r.route, r.value) for r in mech.withdraw_via]
        assert got.withdraw is not None and mech.withdraw is not None
        assert got.withdraw.by_lang == {"en": mech.withdraw.by_lang["en"]}


def test_every_consent_statement_goes_through_fides_and_back() -> None:
    text = textwrap.dedent("""\
        purpose stats {
          use analytics.reporting
          basis consent
          consent banner
        }
        consent banner {
          method opt_in, continued_browsing
          reject_button no
          explicit
          refusal_degrades_service
          shown_in EU, NO
          given_on "https://acme.example"
          withdraw_via footer_button, email "privacy@acme.example", link "https://acme.example/c", browser_settings
          minimum_age 13
          parental_consent no
        }
        """)
    original = load_text(text).model
    data, _ = to_fides(original)
    (entry,) = data["system"][0]["meta"]["privacy_dsl"]["consents"]
    assert "granular" not in entry and "condition_of_service" not in entry  # not stated is not "no"
    assert entry["reject_button"] is False and entry["parental_consent"] is False
    assert entry["withdraw_via"][1] == {"route": "email", "value": "privacy@acme.example"}
    back_text, back = imported(load_yaml(dump_yaml(data)))
    assert input_errors(back_text) == []
    got, mech = back.consents["banner"], original.consents["banner"]
    assert (got.methods, got.reject_button, got.granular, got.explicit, got.refusal_degrades_service, got.shown_in,
            got.given_on, got.minimum_age, got.parental_consent) == (
        mech.methods, mech.reject_button, mech.granular, mech.explicit, mech.refusal_degrades_service, mech.shown_in,
        mech.given_on, mech.minimum_age, mech.parental_consent)
    assert [str(r) for r in got.withdraw_via] == [str(r) for r in mech.withdraw_via]


def test_consent_values_the_language_does_not_know_stay_in_comments() -> None:
    data = {"system": [{"fides_key": "s", "privacy_declarations": [], "meta": {"privacy_dsl": {"consents": [
        {"id": "banner", "methods": ["opt_in", "wink", 3], "shown_in": ["EU", "Mars"],
         "withdraw_via": [{"route": "carrier_pigeon"}, {"route": "footer_button", "value": "ignored"}, "email"],
         "minimum_age": "thirteen", "reject_button": "yes"}]}}}]}
    text, back = imported(data)
    assert input_errors(text) == []
    mech = back.consents["banner"]
    assert mech.methods == (m.ConsentMethod.OPT_IN,) and mech.shown_in == ("EU",)
    assert [str(r) for r in mech.withdraw_via] == ["footer_button", "email"]
    assert mech.minimum_age is None and mech.reject_button is None
    assert "fides consent `methods` 'wink'" in text and "'carrier_pigeon'" in text and "'Mars'" in text
    assert "fides consent `minimum_age` 'thirteen'" in text and "fides consent `reject_button` 'yes'" in text



def test_retention_per_category_comes_back_with_the_imported_categories() -> None:
    original = load_text('category logs { taxonomy user.behavior }\ncategory konto { taxonomy user.account }\n'
                         'purpose p {\n  use essential.service\n  basis contract\n  categories logs, konto\n'
                         '  retention up_to 6 months for logs\n  retention 2 years after last_login for konto\n'
                         '  retention criteria "the nature of the data"\n  retention law_permits "Act § 4"\n'
                         '  retention archive "Arkivlova § 6"\n}\n').model
    data, _ = to_fides(original, "en")
    text, back = imported(load_yaml(dump_yaml(data)), lang="en")
    assert input_errors(text) == []
    # fides knows categories by taxonomy key; `meta.privacy_dsl` gives them back their ids
    assert [str(r) for r in back.purposes["p"].retention] == [
        "up to 6 months for logs", "2 years after last_login for konto", 'criteria "the nature of the data"',
        'law_permits "Act § 4"', 'archive "Arkivlova § 6"']


@pytest.mark.parametrize("period", [
    "6 months for logs",              # no meta: which imported category is `logs`?
    '5 years source "x"',             # another statement
    "5 years; retention 6 months",
])
def test_a_retention_that_cannot_be_written_stays_a_comment(period: str) -> None:
    data = {"system": [{"fides_key": "s", "privacy_declarations": [
        {"name": "P", "data_use": "essential.service", "data_categories": ["user.behavior"],
         "retention_period": period}]}]}
    text, back = imported(data)
    assert input_errors(text) == []
    assert back.purposes and all(not p.retention for p in back.purposes.values())
    assert f"# fides retention period: {period}" in text



def test_bases_listed_for_the_whole_notice_go_out_and_come_back() -> None:
    policy = load_text('policy "P" {\n  bases contract, legal_obligation "Act § 1", consent\n}\n'
                       'purpose p {\n  use essential.service\n}\n').model
    data, _ = to_fides(policy, "en")
    meta = data["system"][0]["meta"]["privacy_dsl"]
    assert meta["bases"] == [{"basis": "contract"}, {"basis": "legal_obligation", "law": "Act § 1"},
                             {"basis": "consent"}]
    meta["bases"] += [{"basis": "not_a_basis"}, "consent"]  # unknown or malformed entries are left out
    text, back = imported(load_yaml(dump_yaml(data)), lang="en")
    assert input_errors(text) == []
    assert back.info is not None
    assert [(b.basis, b.citation) for b in back.info.bases] == [
        (m.BasisKind.CONTRACT, None), (m.BasisKind.LEGAL_OBLIGATION, "Act § 1"), (m.BasisKind.CONSENT, None)]


def test_consent_mechanisms_without_meta_come_back_as_stubs_that_say_what_to_fill_in() -> None:
    data, _ = to_fides(load_one(FJORDKAFFE, run_rules=False).policy, "en")
    del data["system"][0]["meta"]["privacy_dsl"]["consents"]
    text, back = imported(data)
    assert set(back.consents) == {"cookie_banner", "newsletter_signup"}
    assert "# How consent is asked, recorded and withdrawn is not in fides" in text
    assert all(not c.methods for c in back.consents.values())


# ---------------------------------------------------------------- other manifests


def test_legacy_manifest_maps_and_keeps_what_it_cannot_map_in_comments() -> None:
    text, policy = imported(load_yaml(LEGACY))
    assert input_errors(text) == []
    analyse = policy.purposes["analyse_behaviour_to_improve_the_shop"]
    assert analyse.uses == ("functional.service.improve",)
    assert "# fides data use `improve.system` (fideslang 1) is `functional.service.improve` in fideslang 2" in text
    assert "# fides retention period: No retention or erasure policy" in text
    assert analyse.retention == ()
    ads = policy.purposes["show_ads"]
    assert ads.uses == ("marketing.advertising.third_party.targeted",)
    assert [b.basis for b in ads.bases] == [m.BasisKind.LEGITIMATE_INTERESTS]
    assert ads.bases[0].balancing_test == "https://acme.example/lia"
    assert ads.special_condition is not None and ads.special_condition.condition is m.SpecialCondition.EXPLICIT_CONSENT
    assert [str(r) for r in ads.retention] == ["30 days"]
    work = policy.categories["work"]
    assert work.taxonomy == "user.contact.email" and work.name is not None and work.name.plain == "Work e-mail"
    assert "`user.contact.email.work` is not a fideslang default; its nearest default is `user.contact.email`" in text
    vendor = policy.recipients["ad_vendor"]
    assert vendor.role is m.Role.PROCESSOR and vendor.contract == "https://vendor.example/dpa"
    assert [r.name for r in analyse.recipients] == ["ad_vendor"]
    assert "transfers data outside the EU/EEA (to USA)" in text
    (cookie,) = policy.cookies
    assert cookie.name == "_ga" and cookie.domains == (".acme.example",)
    controller = policy.controller
    assert controller is not None and controller.dpo is not None and controller.dpo.email == "dpo@acme.example"


def test_flow_style_manifest_from_the_benchmarks() -> None:
    from benchmarks.generate import fides_manifest

    text, policy = imported(load_yaml(fides_manifest(3)))
    assert input_errors(text) == []
    assert len(policy.purposes) == 9
    assert policy.categories["email"].taxonomy == "user.contact.email"


def test_lang_makes_texts_localised() -> None:
    text, policy = imported(load_yaml(LEGACY), lang="nb")
    assert 'name { nb "Show ads" }' in text
    assert policy.info is not None and [r.name for r in policy.info.languages] == ["nb"]


# ---------------------------------------------------------------- bad input


def test_invalid_yaml_is_reported_with_its_position() -> None:
    with pytest.raises(ImportProblem, match=r"m\.yml:2:16: not valid YAML: .*found character '@'"):
        load_yaml("system:\n  - fides_key: @x\n", "m.yml")
    with pytest.raises(ImportProblem, match="not a fides manifest"):
        load_yaml("- just\n- a list\n", "m.yml")


def test_missing_pyyaml_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_yaml(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "yaml":
            raise ImportError("No module named 'yaml'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_yaml)
    with pytest.raises(YamlMissing, match=r"pip install 'privacy-dsl\[fides\]'"):
        load_yaml("system: []\n")


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = tmp_path / "legacy.yml"
    manifest.write_text(LEGACY, encoding="utf-8")
    out = tmp_path / "acme" / "imported.privacy"
    assert main(["import", "fides", str(manifest), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("# Imported from the fides manifest legacy.yml")
    assert main(["lint", str(out.parent), "--select", "E"]) == 0  # no input errors
    capsys.readouterr()
    bad = tmp_path / "bad.yml"
    bad.write_text("system: [\n", encoding="utf-8")
    assert main(["import", "fides", str(bad)]) == 2
    assert "bad.yml:2:1: not valid YAML" in capsys.readouterr().err
    assert main(["import", "fides", str(tmp_path / "missing.yml")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["import", "fides", str(manifest), "--lang", "Norsk!"]) == 2


def test_a_purpose_with_several_uses_is_one_declaration_per_use_and_comes_back_whole() -> None:
    original = load_text('purpose stats {\n  name "Statistics"\n  use analytics.reporting, marketing.advertising\n'
                         '  basis consent\n}\n').model
    data, _ = to_fides(original, "en")
    (system,) = data["system"]
    assert [d["data_use"] for d in system["privacy_declarations"]] == ["analytics.reporting", "marketing.advertising"]
    text, back = imported(load_yaml(dump_yaml(data)), lang="en")
    assert input_errors(text) == []
    assert list(back.purposes) == ["stats"]
    assert back.purposes["stats"].uses == ("analytics.reporting", "marketing.advertising")


# ---------------------------------------------------------------- notice-level facts (issue 15.7)

NOTICE = textwrap.dedent("""\
    policy "P" {
      languages en
      version "1.3"
      updated 2020-04
      history 2020-04 "Cookie table"
      history 2019 "First version"
      scope site "https://a.example", "b.example"
      scope service "Portal"
      refers_to "https://a.example/privacy" { name "Privacy Policy" covers rights, retention }
      refers_to "Our cookie notice"
      cites "GDPR", "ekomloven § 3-15"
    }
    controller "C" {
      address "Street 1"
      email "c@c.example"
      representative { name "Rep Ltd" address "1 Main St, Dublin" country IE email "rep@r.example" }
      privacy_contact { title "Privacy manager" name "Kari" email "kari@c.example" phone "1" address "A" }
      dpo { name "Dee" address "Postboks 1" }
    }
    """)


def test_the_notice_level_facts_go_through_fides_and_come_back() -> None:
    original = load_text(NOTICE, "n.privacy").model
    data, problems = to_fides(original)
    assert problems == []
    org = data["organization"][0]
    assert org["representative"] == {"name": "Rep Ltd", "address": "1 Main St, Dublin", "email": "rep@r.example"}
    assert org["data_protection_officer"] == {"name": "Dee", "address": "Postboks 1"}
    meta = data["system"][0]["meta"]["privacy_dsl"]
    assert meta["updated"] == "2020-04"  # the month, as the notice gives it: no invented day
    assert meta["notice_version"] == "1.3" and meta["cites"] == ["GDPR", "ekomloven § 3-15"]
    assert meta["history"] == [{"date": "2020-04", "text": "Cookie table"}, {"date": "2019", "text": "First version"}]
    assert meta["refers_to"][1] == {"target": "Our cookie notice"}
    assert meta["representative_country"] == "IE"
    text, back = imported(load_yaml(dump_yaml(data)))
    assert input_errors(text) == []
    info, controller = back.info, back.controller
    assert info is not None and controller is not None and original.info is not None
    assert (info.version, info.updated, info.cites) == ("1.3", "2020-04", ("GDPR", "ekomloven § 3-15"))
    assert [(e.date, str(e.text)) for e in info.history] == [("2020-04", "Cookie table"), ("2019", "First version")]
    assert [(s.what, s.names) for s in info.scope] == [(s.what, s.names) for s in original.info.scope]
    assert [(r.target, r.covers, str(r.name) if r.name else None) for r in info.refers_to] == [
        ("https://a.example/privacy", (m.Topic.RIGHTS, m.Topic.RETENTION), "Privacy Policy"),
        ("Our cookie notice", (), None)]
    rep = controller.representative
    assert rep is not None and (rep.name, rep.address, rep.country, rep.email) == (
        "Rep Ltd", "1 Main St, Dublin", "IE", "rep@r.example")
    contact = controller.privacy_contact
    assert contact is not None and str(contact.title) == "Privacy manager"
    assert (contact.name, contact.email, contact.phone, contact.address) == ("Kari", "kari@c.example", "1", "A")
    assert controller.dpo is not None and controller.dpo.address == "Postboks 1"


def test_a_representative_with_only_a_name_comes_back_as_the_string_form() -> None:
    text, back = imported({"organization": [{"fides_key": "o", "name": "O", "representative": {"name": "Rep"}}]})
    assert 'representative "Rep"' in text
    assert back.controller is not None and back.controller.representative is not None


@pytest.mark.parametrize("meta", [
    {"updated": "2020-4", "history": [{"date": "2020-02-30", "text": "x"}, {"date": "2020", "text": ""}, "x"]},
    {"scope": [{"kind": "website", "names": ["a"]}, "site"], "refers_to": [{"covers": ["rights"]}, 3]},
    {"cites": [{"a": 1}, None, ""], "representative_country": "XX", "privacy_contact": "Kari"},
    {"updated": 2019.5, "notice_version": ["1"], "refers_to": [{"target": "x", "covers": ["bogus", 1]}]},
])
def test_notice_meta_that_is_not_what_export_writes_is_left_out(meta: dict[str, Any]) -> None:
    data = {"system": [{"fides_key": "s", "name": "S", "meta": {"privacy_dsl": meta},
                        "privacy_declarations": [{"name": "P", "data_use": "essential.service"}]}]}
    text, _ = imported(data)
    assert input_errors(text) == []


# ---------------------------------------------------------------- real manifests, and what became of each part

REAL = Path(__file__).parent / "fixtures" / "fides"
POLICY_ONLY = {"demo_policy.yml", "sample_policy.yml", "fides_policies.yml"}


@pytest.mark.parametrize("path", sorted(REAL.glob("*.yml")), ids=lambda p: p.name)
def test_real_manifests_import_and_say_what_became_of_each_part(path: Path) -> None:
    """Each of the 13 manifests of ethyca/fides: a policy with no input errors, one line per
    organization, system, dataset and policy saying what became of it; a manifest of only
    `policy:` rules is nothing to import (E082)."""
    data = load_yaml(path.read_text(encoding="utf-8"), path.name)
    done = import_fides(data, source=path.name)
    keys = [str(r["fides_key"]) for part in MANIFEST_PARTS for r in data.get(part) or []]
    for key in keys:
        assert any(f"`{key}`" in line for line in done.parts), (key, done.parts)
    if path.name in POLICY_ONLY:
        assert done.empty is not None and done.tests is None
        assert all("not imported: its rules are tests of a policy" in line for line in done.parts)
        return
    assert done.empty is None
    assert input_errors(done.policy) == []
    first = load_text(done.policy, "imported.privacy").model  # and it goes through fides again unchanged
    problems, _, back = round_trip(first, None)
    assert losses(first, back, None) == [] and [d.code for d in problems if d.code != "EXP003"] == []
    if data.get("policy"):
        assert done.tests is not None
        assert parse_tests(done.tests) == []


def parse_tests(text: str) -> list[str]:
    from privacy_dsl.query.policytest import parse_test_text

    _, problem = parse_test_text(text, "t.privacy-test")
    return [f"{problem.span.line}: {problem.code} {problem.message}"] if problem else []


def test_a_dataset_alone_becomes_categories_and_says_so() -> None:
    done = import_fides(load_yaml((REAL / "demo_dataset.yml").read_text(encoding="utf-8")))
    back = load_text(done.policy, "imported.privacy").model
    assert {c.taxonomy for c in back.categories.values()} == {
        "system.operations", "user.contact.email", "user.name", "user.contact.address.state", "user.unique_id"}
    assert back.purposes == {}
    assert done.parts == [
        "dataset `demo_users_dataset`: the data categories of its fields are the categories operations, email, "
        "name, state, unique_id; no purpose uses them: a dataset says what is stored, not why",
        "no system has privacy declarations, so the policy has no purposes: declare them"]
    assert "# from the fides dataset `demo_users_dataset`; no purpose uses it" in done.policy


def test_systems_without_declarations_become_recipients_and_say_so() -> None:
    done = import_fides({"system": [{"fides_key": "crm", "name": "CRM", "privacy_declarations": []}]})
    assert done.empty is None
    assert done.parts == ["system `crm` has no privacy declarations: it became recipient `crm`",
                          "no system has privacy declarations, so the policy has no purposes: declare them"]


def test_cli_policy_alone_is_nothing_to_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "imported.privacy"
    assert main(["import", "fides", str(REAL / "demo_policy.yml"), "-o", str(out),
                 "--tests", str(tmp_path / "t.privacy-test")]) == 2
    err = capsys.readouterr().err
    assert "policy `demo_privacy_policy`: not imported: its rules are tests of a policy, and the manifest " \
           "declares no processing to test" in err
    assert "E082" in err and "nothing written" in err
    assert list(tmp_path.iterdir()) == []


def test_cli_writes_the_policy_tests_and_privacy_dsl_test_runs_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Fjordkaffe through fides with two fides rules: its newsletter (e-mail, marketing) breaks the
    first, so that `deny` fails; nothing breaks the second, so its `deny` passes; the imported policy
    has no errors, so the denies mean what `fides evaluate` means."""
    data, _ = to_fides(load_one(FJORDKAFFE, run_rules=False).policy, "nb")
    data["policy"] = [{"fides_key": "house_rules", "rules": [
        _rule(("ANY", ["user.contact.email"]), ("ANY", ["marketing"])) | {"name": "no e-mail marketing"},
        _rule(("ANY", ["user.device.ip_address"]), ("ANY", ["marketing"])) | {"name": "no IP addresses"}]}]
    manifest = tmp_path / "m.yml"
    manifest.write_text(dump_yaml(data), encoding="utf-8")
    policy = tmp_path / "policy"
    assert main(["import", "fides", str(manifest), "--lang", "nb", "-o", str(policy / "imported.privacy"),
                 "--tests", str(policy / "fides.privacy-test")]) == 0
    assert "policy `house_rules`: of its 2 rules, 2 became policy tests" in capsys.readouterr().err
    assert main(["test", str(policy)]) == 1
    out = capsys.readouterr().out
    assert "pass: no errors" in out
    assert "FAIL: deny marketing email for customer" in out
    assert "pass: deny marketing ip_address for customer" in out
    assert "2 passed, 1 failed, 0 errors" in out


def _rule(categories: tuple[str, list[str]], uses: tuple[str, list[str]],
          subjects: tuple[str, list[str]] = ("ANY", ["customer"])) -> dict[str, Any]:
    return {"name": "r", **{part: {"matches": matches, "values": values} for part, (matches, values) in (
        ("data_categories", categories), ("data_uses", uses), ("data_subjects", subjects))}}


IMPORTED = Imported(categories={"email": "user.contact.email", "phone": "user.contact.phone_number",
                                "ip": "user.device.ip_address"},
                    subjects={"customer": "customer", "employee": "staff"},
                    uses=["essential.service", "marketing.advertising.first_party"], purposes={"orders"})


@pytest.mark.parametrize(("rule", "lines"), [
    (_rule(("ANY", ["user.contact"]), ("ANY", ["marketing"])),
     ["deny marketing email for customer", "deny marketing phone for customer"]),
    (_rule(("ALL", ["user.contact.email", "user.device"]), ("ALL", ["marketing"])),
     ["deny marketing email, ip for customer"]),
    (_rule(("OTHER", ["user.contact"]), ("OTHER", ["essential"]), ("OTHER", ["customer"])),
     ["deny marketing.advertising.first_party ip for staff"]),
    (_rule(("ANY", ["user.contact.email"]), ("NONE", ["marketing"]), ("ANY", ["customer", "employee"])),
     ["deny essential.service email for customer", "deny essential.service email for staff"]),
    (_rule(("ANY", ["user.financial"]), ("ANY", ["marketing"])), []),  # nothing imported can match it
])
def test_fides_rules_become_deny_lines(rule: dict[str, Any], lines: list[str]) -> None:
    assert rule_lines(rule, IMPORTED) == (lines, None)


@pytest.mark.parametrize(("rule", "reason"), [
    (_rule(("NONE", ["user"]), ("ANY", ["marketing"])), "`NONE` of data categories asks that a declaration use "
     "none of them; a policy test can only deny uses of categories"),
    (_rule(("ANY", ["user"]), ("ALL", ["marketing", "essential"])), "`ALL` of several data uses: a declaration has "
     "one data use, so fides never matches it"),
    (_rule(("ANY", ["user"]), ("ANY", ["improve.system"])), "data use `improve.system` is not a fideslang key"),
    (_rule(("ANY", ["user"]), ("ANY", ["marketing"]), ("NONE", ["customer"])), "`NONE` of data subjects: a test "
     "line names one subject, and a purpose may list several"),
    ({"name": "r", "data_categories": {"values": ["user"]}}, "`data_categories` has no `matches` of ANY, ALL, "
     "NONE, OTHER"),
])
def test_fides_rules_that_do_not_map_say_why(rule: dict[str, Any], reason: str) -> None:
    assert rule_lines(rule, IMPORTED) == ([], reason)


def test_rules_that_do_not_map_stay_in_the_test_file_as_comments_with_the_reason() -> None:
    data = load_yaml((REAL / "passing_declaration_taxonomy.yml").read_text(encoding="utf-8"))
    data["policy"][0]["rules"][0]["data_categories"]["matches"] = "NONE"
    done = import_fides(data, source="m.yml")
    assert done.tests is not None and "no errors" not in done.tests  # no `deny` for it to make exact
    assert "# fides policy primary_privacy_policy, rule reject_targeted_marketing: not a policy test: `NONE` of " \
           "data categories asks that a declaration use none of them" in done.tests
    assert done.parts[-1] == "policy `primary_privacy_policy`: of its 1 rule, 0 became policy tests, 1 does not map"
    assert done.notes == ["policy `primary_privacy_policy`: rule `reject_targeted_marketing` does not map to a "
                          "policy test: `NONE` of data categories asks that a declaration use none of them; a "
                          "policy test can only deny uses of categories"]
