"""``import fides`` with hostile manifests: every value the importer writes is a string literal
or a name, so no manifest text can add a block, a statement or a comment line to the policy, and
the values come back exactly (issue 13, item 7a)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privacy_dsl.interop.importer import _UNWRITABLE, from_fides
from privacy_dsl.language import model as m
from privacy_dsl.language.parser import parse_text
from privacy_dsl.lint.engine import lint_text

pytest.importorskip("yaml")

HOSTILE = [
    'x" }\ncookie evil { kind cookie }\n# "',
    "5 years } cookie injected { kind cookie } purpose y { retention 1 days",
    "a\\\"b\\nc\\",
    "tab\there\r\nCR and LF\rlone CR",
    "::add-mask::secret\n::error file=x::forged",
    "\x1b[31mred\x1b[0m \x07 bell \x00 nul \x7f del \x85 nel",
    "# not a comment } { ]] >",
    "Trojan \u202e\u2066evil\u2069\u202c source \u200f \u061c",
    "line\u2028separator\u2029para",
    "Ünïcödé — 日本語 ✓ 🍪",
]


def _manifest(v: str, k: str) -> dict[str, Any]:
    """A manifest with ``v`` in every text field the importer writes and ``k`` in every key."""
    return {
        "organization": [{
            "fides_key": k, "name": v, "description": v,
            "controller": {"name": v, "address": v, "email": v, "phone": v},
            "representative": {"name": v, "address": v},
            "data_protection_officer": {"name": v, "email": v, "phone": v, "address": v},
        }],
        "data_category": [{"fides_key": f"user.{k}", "name": v, "description": v}],
        "data_subject": [{"fides_key": k, "name": v, "description": v}],
        "system": [
            {"fides_key": k, "name": v, "description": v, "privacy_policy": v, "data_security_practices": v,
             "third_country_transfers": [v], "does_international_transfers": True,
             "legal_basis_for_transfers": [v], "cookie_max_age_seconds": v,
             "privacy_declarations": [{
                 "name": v, "data_use": v, "data_categories": [f"user.{k}", v], "data_subjects": [k, v],
                 "legal_basis_for_processing": "Legitimate interests", "impact_assessment_location": v,
                 "special_category_legal_basis": v, "retention_period": v, "egress": [f"{k}_r", v],
                 "data_shared_with_third_parties": True, "third_parties": v,
             }],
             "meta": {"privacy_dsl": {
                 "purposes": [{"declaration": v, "id": k, "consent": k, "transfers": [k, {"x": 1}]}],
                 "transfers": [{"id": k, "recipient_system": f"{k}_r", "country": v, "mechanism": "scc",
                                "mechanism_detail": v, "certification": v, "tia": v, "description": v}],
                 "cookies": [{"name": v, "storage": v, "provider": v, "party": v, "duration": v, "expiry": v,
                              "domains": [v], "category": v, "purpose": v, "consent": k, "description": v}],
                 "notice_version": v, "updated": v, "history": [{"date": "2020-04", "text": v}, {"date": v}],
                 "scope": [{"kind": "site", "names": [v]}, {"kind": v}], "cites": [v],
                 "refers_to": [{"target": v, "name": v, "covers": [v, "rights"]}],
                 "privacy_contact": {"title": v, "name": v, "address": v}, "representative_country": v,
             }}},
            {"fides_key": f"{k}_r", "name": v, "description": v, "dpa_location": v, "responsibility": [v],
             "meta": {"privacy_dsl": {"id": k, "website": v, "countries": [v], "role": v}}},
        ],
    }


def _expected(value: str) -> str:
    """What a policy string can hold of ``value``: characters it cannot carry become U+FFFD."""
    return _UNWRITABLE.sub("\ufffd", value.strip())


def _blocks(text: str) -> dict[str, list[Any]]:
    result = parse_text(text, "imported.privacy")
    assert result.document is not None, result.diagnostics
    assert not [d for d in result.diagnostics if d.fatal]
    out: dict[str, list[Any]] = {}
    for block in result.document.blocks:
        out.setdefault(block.kind, []).append(block)
    return out


def _check(v: str, k: str) -> None:
    text, notes = from_fides(_manifest(v, k), source=f"{v}.yml")
    blocks = _blocks(text)
    # never extra blocks: exactly those the manifest describes
    assert {kind: len(bs) for kind, bs in blocks.items()} == {
        "policy": 1, "controller": 1, "purpose": 1, "consent": 1, "category": len(blocks["category"]),
        "subject": len(blocks["subject"]), "recipient": len(blocks["recipient"]), "transfer": 1, "cookie": 1}
    assert 1 <= len(blocks["category"]) <= 2 and 1 <= len(blocks["subject"]) <= 2
    assert 1 <= len(blocks["recipient"]) <= 2
    # no comment line of the output is anything but a comment
    for line in text.splitlines():
        assert not _UNWRITABLE.search(line)
    want = _expected(v)
    policy: m.PolicyInfo = blocks["policy"][0]
    assert policy.title == want and policy.url == want
    assert policy.description is not None and policy.description.plain == want
    assert policy.security is not None and policy.security.plain == want
    controller: m.Controller = blocks["controller"][0]
    assert controller.representative is not None
    assert (controller.name, controller.address, controller.phone, controller.representative.name,
            controller.representative.address) == (want,) * 5
    assert controller.dpo is not None and (controller.dpo.name, controller.dpo.phone, controller.dpo.address) == (
        want, want, want)
    contact = controller.privacy_contact
    assert contact is not None and contact.title is not None and contact.title.plain == want
    assert (contact.name, contact.address) == (want, want)
    assert (policy.version, policy.cites, policy.updated) == (want, (want,), None)
    assert [(e.date, e.text.plain) for e in policy.history] == [("2020-04", want)]
    assert [(s.what.value, s.names) for s in policy.scope] == [("site", (want,))]
    assert [(r.target, r.name.plain if r.name else None, r.covers) for r in policy.refers_to] == [
        (want, want, (m.Topic.RIGHTS,))]
    purpose: m.Purpose = blocks["purpose"][0]
    assert purpose.name is not None and purpose.name.plain == want
    assert purpose.bases and purpose.bases[0].balancing_test == want
    assert len(purpose.retention) <= 1
    cookie: m.Cookie = blocks["cookie"][0]
    assert cookie.name == _UNWRITABLE.sub("\ufffd", v) and cookie.provider == want and cookie.domains == (want,)
    assert cookie.description is not None and cookie.description.plain == want
    transfer: m.Transfer = blocks["transfer"][0]
    assert transfer.certification is not None
    assert (transfer.mechanism_detail, str(transfer.certification), transfer.tia) == (want,) * 3
    names = {r.name.plain for r in blocks["recipient"] if r.name is not None}
    assert want in names
    assert any(r.contract == want for r in blocks["recipient"])
    if want != v.strip():
        assert any("U+FFFD" in n for n in notes)
    diags = lint_text(text, "imported.privacy")
    assert not [d.code for d in diags if d.fatal], [d.code for d in diags]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_in_every_field_round_trips(value: str) -> None:
    _check(value, "acme")


@pytest.mark.parametrize("key", [*HOSTILE, "yes", "no", "1st", "purpose", "cookie", "x" * 5000, "é.ü"])
def test_hostile_keys_become_names(key: str) -> None:
    _check("Acme", key)


def test_a_newline_in_retention_period_is_not_a_block() -> None:
    manifest = _manifest("Acme", "acme")
    decl = manifest["system"][0]["privacy_declarations"][0]
    decl["retention_period"] = "5 years\n}\ncookie injected { kind cookie }\npurpose y { retention 1 days"
    text, _ = from_fides(manifest)
    blocks = _blocks(text)
    assert len(blocks["cookie"]) == 1 and len(blocks["purpose"]) == 1
    assert "injected" not in [c.name for c in blocks["cookie"]]
    for brace_form in ("5 years } cookie injected { kind cookie } purpose y { retention 1 days", "5 years # x"):
        decl["retention_period"] = brace_form
        blocks = _blocks(from_fides(manifest)[0])
        assert len(blocks["cookie"]) == 1 and len(blocks["purpose"]) == 1
        assert not blocks["purpose"][0].retention


def test_retention_in_our_syntax_is_still_carried_over() -> None:
    manifest = _manifest("Acme", "acme")
    manifest["system"][0]["privacy_declarations"][0]["retention_period"] = '30 Days; law "Bokføringsloven § 13 }"'
    purpose = _blocks(from_fides(manifest)[0])["purpose"][0]
    assert [r.rule for r in purpose.retention] == ["duration", "law"]
    assert purpose.retention[1].law == "Bokføringsloven § 13 }"


_TEXT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40).map(str.strip).filter(bool)
_KEY = st.text(min_size=1, max_size=30).filter(lambda s: bool(s.strip()))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_TEXT, key=_KEY)
def test_arbitrary_text_in_every_field(value: str, key: str) -> None:
    _check(value, re.sub(r"\s", "_", key))
