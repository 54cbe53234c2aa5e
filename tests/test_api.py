"""The Python API: load once, ask many times; decisions with reasons at policy lines."""

from __future__ import annotations

import doctest
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import POLICIES, ROOT

import privacy_dsl
from privacy_dsl.api import PolicyError, load, load_text
from privacy_dsl.lint.config import parse_config
from privacy_dsl.query.engine import PolicyHandle, UnknownName

# Line numbers matter: the tests assert the policy line each reason points at.
POLICY = """\
subject customer
subject visitor
category email { taxonomy user.contact.email }
category phone { taxonomy user.contact.phone_number }
category ip { taxonomy user.device.ip_address }
category device { taxonomy user.device }
purpose newsletter {
  use marketing.communications.email
  basis consent
  consent signup
  categories email
  subjects customer
  recipients mailer
  transfers mailer_us
  retention until consent_withdrawn
}
purpose orders {
  use essential.service
  basis contract
  categories email, phone
  subjects customer
  retention 3 years
}
purpose ads {
  use marketing.advertising.third_party.targeted
  basis legitimate_interests
  categories ip
}
purpose support {
  use essential.service
  basis contract
  categories device
}
purpose nobasis {
  use essential.service
  categories email
}
consent signup { method opt_in }
recipient mailer { role processor countries US }
transfer mailer_us { recipient mailer country US mechanism dpf }
cookie sid { party first expiry session category strictly_necessary }
cookie "_ga*" { party third expiry 13 months category analytics }
cookie mystery { expiry session }
"""


def handle(text: str = POLICY, select: list[str] | None = None) -> PolicyHandle:
    return load_text(text, "p.privacy", config=parse_config({"select": select or ["LAW003"]}))


@pytest.fixture(scope="module")
def policy() -> PolicyHandle:
    return handle()


def _line(span: object) -> int:
    return int(str(span).split(":")[1])


# ---------------------------------------------------------------- permits


def test_allowed_with_basis_conditions_and_the_line_it_rests_on(policy: PolicyHandle) -> None:
    d = policy.permits("newsletter", ["email"])
    assert d.allowed and bool(d)
    assert d.purpose == "newsletter" and d.basis == ("consent",) and d.covered == ("email",)
    assert [_line(r.span) for r in d.reasons] == [11]  # `categories email`
    kinds = [c.kind for c in d.conditions]
    assert kinds == ["subjects", "consent", "retention", "recipients", "transfers"]
    consent = d.conditions[1]
    assert "`signup`" in consent.text and "opt_in" in consent.text and _line(consent.span) == 10
    assert _line(d.conditions[0].span) == 12 and _line(d.conditions[4].span) == 14


def test_the_consent_condition_names_every_method_and_where_consent_is_asked() -> None:
    text = POLICY.replace("consent signup { method opt_in }", "consent signup { method opt_in, continued_browsing\n"
                                                              "  shown_in EU, NO }")
    assert text != POLICY
    d = handle(text, select=["CK002"]).permits("newsletter", ["email"])
    (consent,) = [c for c in d.conditions if c.kind == "consent"]
    assert consent.text.endswith("given through `signup` (opt_in, continued_browsing), which is asked only in EU, NO")


def test_a_category_the_purpose_does_not_list_is_denied_at_its_categories_line(policy: PolicyHandle) -> None:
    d = policy.permits("newsletter", ["email", "phone"])
    assert not d.allowed and not d.rejected
    (reason,) = d.reasons
    assert (reason.span.line, reason.span.column) == (11, 3)  # type: ignore[union-attr]
    assert reason.code is None and reason.fix is not None and "phone" in reason.fix
    assert d.covered == ("email", "phone")


def test_a_single_string_is_one_category(policy: PolicyHandle) -> None:
    assert policy.permits("orders", "phone").covered == ("phone",)


def test_taxonomy_key_covers_every_declared_category_under_it(policy: PolicyHandle) -> None:
    assert policy.permits("orders", ["user.contact"]).allowed
    d = policy.permits("newsletter", ["user.contact"])
    assert not d.allowed and d.covered == ("email", "phone")
    assert policy.permits("newsletter", ["user.contact.email"]).allowed


def test_taxonomy_key_falls_back_to_the_nearest_broader_category(policy: PolicyHandle) -> None:
    # No category is declared as user.device.cookie_id; `device` (user.device) covers it.
    d = policy.permits("support", ["user.device.cookie_id"])
    assert d.allowed and d.covered == ("device",)


def test_a_known_key_the_policy_does_not_declare_is_denied_not_unknown(policy: PolicyHandle) -> None:
    d = policy.permits("orders", ["user.health_and_medical"])
    assert not d.allowed and "no category of kind" in d.reasons[0].text


def test_data_use_key_covers_the_purposes_under_it(policy: PolicyHandle) -> None:
    d = policy.permits("marketing", ["email"])
    assert d.allowed and d.purpose == "newsletter"
    assert [c.purpose for c in d.candidates] == ["newsletter", "ads"]
    assert [c.allowed for c in d.candidates] == [True, False]
    denied = policy.permits("marketing", ["phone"])
    assert not denied.allowed and denied.purpose is None and len(denied.candidates) == 2


def test_a_use_no_purpose_has_is_denied(policy: PolicyHandle) -> None:
    d = policy.permits("analytics", ["email"])
    assert not d.allowed and d.candidates == () and "no purpose with data use" in d.reasons[0].text


def test_never_yes_to_what_the_linter_rejects(policy: PolicyHandle) -> None:
    d = policy.permits("ads", ["ip"])
    assert not d.allowed and d.rejected
    (reason,) = d.reasons
    assert reason.code == "LAW003" and "declared, but its legal basis is invalid: LAW003" in reason.text
    assert (reason.span.line, reason.span.column) == (26, 3)  # type: ignore[union-attr]


def test_the_same_purpose_is_allowed_when_the_rule_is_not_selected() -> None:
    assert handle(select=["CK002"]).permits("ads", ["ip"]).allowed


def test_a_suppressed_finding_does_not_deny() -> None:
    text = POLICY.replace("purpose ads {", "# privacy-dsl: ignore[LAW003] -- contextual only, reviewed\npurpose ads {")
    assert handle(text).permits("ads", ["ip"]).allowed


def test_no_legal_basis_is_denied_even_without_a_rule(policy: PolicyHandle) -> None:
    d = policy.permits("nobasis", ["email"])
    assert not d.allowed and "no legal basis" in d.reasons[0].text and _line(d.reasons[0].span) == 34


def test_subject_restriction(policy: PolicyHandle) -> None:
    d = policy.permits("newsletter", ["email"], subject="visitor")
    assert not d.allowed and _line(d.reasons[0].span) == 12
    ok = policy.permits("newsletter", ["email"], subject="customer")
    assert ok.allowed and "subjects" not in [c.kind for c in ok.conditions]
    assert policy.permits("support", ["device"], subject="visitor").allowed  # support names no subjects


def test_recipient_restriction(policy: PolicyHandle) -> None:
    assert policy.permits("newsletter", ["email"], recipient="mailer").allowed
    d = policy.permits("orders", ["email"], recipient="mailer")
    assert not d.allowed and "mailer" in d.reasons[0].text


def test_findings_in_a_declaration_the_purpose_relies_on_deny_it() -> None:
    # E204 (an invalid country) is an error inside the recipient block: newsletter discloses to it.
    text = POLICY.replace("recipient mailer { role processor countries US }",
                          "recipient mailer { role processor countries USA }")
    d = handle(text).permits("newsletter", ["email"])
    assert not d.allowed
    (reason,) = d.reasons
    assert reason.code == "E204" and "relies on recipient `mailer`" in reason.text and _line(reason.span) == 39


def test_findings_in_a_defaults_block_go_to_the_purposes_that_inherit_the_value() -> None:
    text = """\
defaults purpose { basis legitimate_interests }
category ip { taxonomy user.device.ip_address }
purpose ads { use marketing.advertising.third_party.targeted categories ip }
purpose fraud { use essential.fraud_detection categories ip }
"""
    h = handle(text)
    ads = h.permits("ads", ["ip"])
    assert not ads.allowed and ads.reasons[0].code == "LAW003" and _line(ads.reasons[0].span) == 1
    assert h.permits("fraud", ["ip"]).allowed


@pytest.mark.parametrize(("call", "kind", "suggestion"), [
    (lambda p: p.permits("newslettr", ["email"]), "purpose", "newsletter"),
    (lambda p: p.permits("newsletter", ["emial"]), "category", "email"),
    (lambda p: p.permits("newsletter", ["email"], subject="custmer"), "subject", "customer"),
    (lambda p: p.permits("newsletter", ["email"], recipient="mailr"), "recipient", "mailer"),
    (lambda p: p.purposes_for("user.contact.emial"), "category", "user.contact.email"),
    (lambda p: p.categories_for("markting"), "purpose", "marketing"),
])
def test_unknown_names_raise_with_a_suggestion(policy: PolicyHandle, call: object, kind: str,
                                                suggestion: str) -> None:
    with pytest.raises(UnknownName) as exc:
        call(policy)  # type: ignore[operator]
    assert exc.value.kind == kind and exc.value.suggestion == suggestion
    assert f"did you mean `{suggestion}`?" in str(exc.value)


# ---------------------------------------------------------------- the other questions


def test_purposes_for_a_taxonomy_key(policy: PolicyHandle) -> None:
    found = policy.purposes_for("user.contact")
    assert [(d.purpose, d.allowed, d.covered) for d in found] == [
        ("newsletter", True, ("email",)), ("orders", True, ("email", "phone")), ("nobasis", False, ("email",))]
    assert [d.purpose for d in policy.purposes_for("email", subject="visitor")] == ["nobasis"]


def test_categories_for_a_purpose_and_a_use(policy: PolicyHandle) -> None:
    assert [(c.id, c.taxonomy, c.allowed) for c in policy.categories_for("orders")] == [
        ("email", "user.contact.email", True), ("phone", "user.contact.phone_number", True)]
    assert [(c.id, c.purposes, c.allowed) for c in policy.categories_for("marketing")] == [
        ("email", ("newsletter",), True), ("ip", ("ads",), False)]


def test_cookies_need_consent_unless_strictly_necessary(policy: PolicyHandle) -> None:
    assert [(c.name, c.needs_consent) for c in policy.cookies()] == [
        ("sid", False), ("_ga*", True), ("mystery", True)]
    assert [c.name for c in policy.cookies(needs_consent=True, party="third")] == ["_ga*"]
    assert [c.name for c in policy.cookies(party="unstated")] == ["mystery"]
    assert policy.cookie("_ga*").span.line == 42
    with pytest.raises(UnknownName):
        policy.cookies(party="second")
    with pytest.raises(UnknownName):
        policy.cookie("_gaa")


def test_recipients_and_transfers(policy: PolicyHandle) -> None:
    (mailer,) = policy.recipients(country="us")
    assert (mailer.id, mailer.purposes, mailer.transfers) == ("mailer", ("newsletter",), ("mailer_us",))
    assert policy.recipients(country="NO") == ()
    (t,) = policy.transfers()
    assert (t.id, t.recipient, t.country, t.mechanism, t.purposes, t.allowed) == (
        "mailer_us", "mailer", "US", "dpf", ("newsletter",), True)
    with pytest.raises(UnknownName):
        policy.recipients(country="XX")


def test_decision_json_shape(policy: PolicyHandle) -> None:
    data = json.loads(json.dumps(policy.permits("newsletter", ["email"], subject="customer").to_dict()))
    assert set(data) == {"allowed", "asked", "purpose", "name", "uses", "covered", "basis", "conditions", "reasons",
                         "source", "candidates"}
    assert data["asked"] == {"purpose": "newsletter", "categories": ["email"], "subject": "customer",
                             "recipient": None}
    assert data["source"] == "p.privacy:7:1"
    assert data["reasons"][0]["source"] == "p.privacy:11:3" and data["reasons"][0]["span"]["end_line"] == 11


def test_assert_permits_message_names_the_line_and_the_fix(policy: PolicyHandle) -> None:
    assert policy.assert_permits("newsletter", ["email"]).allowed
    with pytest.raises(AssertionError) as exc:
        policy.assert_permits("newsletter", ["email", "phone"])
    message = str(exc.value)
    assert "p.privacy:11:3" in message and "to allow it: add phone to `categories`" in message
    with pytest.raises(AssertionError, match=r"p\.privacy:11:3"):
        policy.assert_denies("newsletter", ["email"])
    assert not policy.assert_denies("ads", ["ip"]).allowed


# ---------------------------------------------------------------- loading


def test_load_a_directory_or_one_of_its_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    a = privacy_dsl.load("policies/fjordkaffe")
    b = load(Path("policies/fjordkaffe/cookies.privacy"))
    assert a.root == b.root == "policies/fjordkaffe"
    assert a.permits("newsletter", ["email", "name"]).allowed
    assert a.errors == ()


def test_load_refuses_a_folder_of_several_policies_and_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="holds 2 policies"):
        load(POLICIES)
    with pytest.raises(PolicyError) as exc:
        load(tmp_path / "nope")
    assert exc.value.diagnostics[0].code == "E001"


def test_load_reports_syntax_errors_as_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "a.privacy").write_text("purpose x {\n  basis maybe\n}\n")
    with pytest.raises(PolicyError) as exc:
        load(tmp_path)
    (diag,) = exc.value.diagnostics
    assert (diag.code, diag.span.line, diag.span.column) == ("E100", 2, 9)
    assert "2:9: E100" in str(exc.value)


def test_importing_the_package_stays_cheap() -> None:
    code = ("import sys, privacy_dsl; heavy = [m for m in ('lark', 'pydantic') if m in sys.modules]; "
            "print(heavy); privacy_dsl.load; print('pydantic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["[]", "False"]  # the API's model is plain dataclasses: pydantic comes with modeldata


def test_questions_reuse_what_load_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load once, ask many times: after `load` no question lints, parses or resolves again.
    (How fast 10,000 calls are is measured by the benchmarks, not asserted here.)"""
    import privacy_dsl.language.parser
    import privacy_dsl.language.resolve
    import privacy_dsl.lint.engine

    monkeypatch.chdir(ROOT)
    policy = load("policies/fjordkaffe")

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a question re-ran the linter")

    for module, name in ((privacy_dsl.lint.engine, "lint_sources"), (privacy_dsl.language.parser, "parse_text"),
                         (privacy_dsl.language.resolve, "resolve")):
        monkeypatch.setattr(module, name, forbidden)
    questions = [("newsletter", ["email", "name"]), ("orders", ["user.contact"]), ("marketing", ["phone"]),
                 ("statistics", ["ip_address"])]
    answers = {policy.permits(purpose, cats).allowed for i in range(1_000) for purpose, cats in [questions[i % 4]]}
    assert answers == {True, False}


def test_docs_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python examples in docs/query.md are doctests."""
    monkeypatch.chdir(ROOT)
    result = doctest.testfile(str(ROOT / "docs" / "query.md"), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 10 and result.failed == 0


def test_cookies_of_one_name_get_the_findings_of_their_own_block() -> None:
    """Three `_ga` rows on different domains are three blocks: a finding in one is not the others'
    (issue 16: `query cookies` listed every `_ga` finding on every `_ga` row)."""
    row = ('cookie _ga {{\n  party third\n  provider "Google"\n  domains "{domain}"\n  expiry 2 years\n'
           '  category analytics\n  purpose stats\n{consent}}}\n')
    text = ("purpose stats {\n  use analytics.reporting\n  basis consent\n}\n"
            "consent banner { method opt_in  reject_button yes  withdraw_via footer_button }\n"
            + row.format(domain=".example.com", consent="")
            + row.format(domain=".example.org", consent="  consent banner\n")
            + row.format(domain=".example.net", consent="  consent banner\n"))
    got = [(c.span.line, c.findings) for c in load_text(text).cookies()]
    assert got == [(6, ("CK001", "TRF001")), (14, ("TRF001",)), (23, ("TRF001",))]
