"""The grammar and the transformer: every construct, positions, and syntax errors."""

from __future__ import annotations

import pytest

from privacy_dsl.language import model as m
from privacy_dsl.language.parser import parse_text

FULL = '''\
policy "Acme notice" {
  languages nb, en
  updated 2026-01-31
  url "https://acme.example/privacy"
  security { en "TLS everywhere" }
  description "Our notice"
}
controller "Acme AS" {
  email "privacy@acme.example"
  phone "+47 1"
  address "Street 1"
  registration "NO 1"
  country NO
  website "https://acme.example"
  representative "Rep Ltd"
  public_authority no
  description { nb "Hei" en "Hello" }
  dpo { required yes name "Dee" email "dpo@acme.example" phone "+47 2" }
}
authority dt { name "Datatilsynet" country NO email "post@dt.example" phone "1" address "a" website "w" }
subject customer
subject child { name "Child" description "Under 13" children }
category email { taxonomy user.contact.email name "E-mail" description "d" source "the user" }
category health {
  taxonomy user.health_and_medical special health criminal no children yes identifiability pseudonymous
}
purpose care {
  name "Care"
  description "d"
  use essential.service
  basis contract
  basis legal_obligation "Act § 1"
  basis public_task "Act § 2"
  basis vital_interests
  basis consent
  basis legitimate_interests { interest "fraud" balancing_test "LIA-1" }
  special_condition health_care "Act § 3"
  categories email, health
  subjects customer, child
  recipients vendor
  transfers vendor_us
  retention 5 years after contract_end
  retention until "the account is closed"
  retention law "Act § 4" 10 years after financial_year_end
  retention law
  retention as long as necessary
  retention unspecified
  retention indefinite
  retention at controller discretion
  consent banner
  profiling
  automated_decisions { exception contract safeguards "human review" logic "score" }
  source "partners"
}
recipient vendor { name "Vendor" description "d" role processor countries US, NO contract "DPA" website "w" }
transfer vendor_us {
  recipient vendor country US mechanism sccs "2021/914" certification "c" tia "TIA-1" description "d"
}
consent banner {
  method opt_in reject_button granular yes explicit no condition_of_service no
  withdraw "link" record_retention 1 year valid_for 6 months minimum_age 13 parental_consent description "d"
}
cookie "_ga_*" {
  kind cookie provider vendor party third expiry 2 years domains ".acme.example", "acme.example"
  purpose care category analytics consent banner pattern description "d"
}
cookie sid { provider "Acme" expiry session }
cookie remember { expiry persistent kind local_storage }
rights { offered access, erasure how "mail us" complaints dt }
defaults purpose { subjects customer }
defaults cookie { party first }
'''


def test_every_construct_is_modelled() -> None:
    result = parse_text(FULL, "full.privacy")
    assert result.diagnostics == ()
    doc = result.document
    assert doc is not None
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["policy", "controller", "authority", "subject", "subject", "category", "category",
                     "purpose", "recipient", "transfer", "consent", "cookie", "cookie", "cookie", "rights",
                     "defaults", "defaults"]
    info, controller = doc.blocks[0], doc.blocks[1]
    assert isinstance(info, m.PolicyInfo) and [r.name for r in info.languages] == ["nb", "en"]
    assert info.updated == "2026-01-31" and info.security is not None and info.security.get("en") == "TLS everywhere"
    assert isinstance(controller, m.Controller)
    assert controller.country == "NO" and controller.public_authority is False
    assert controller.dpo is not None and controller.dpo.required is True and controller.dpo.email == "dpo@acme.example"
    assert controller.description is not None and controller.description.get("en") == "Hello"
    purpose = doc.blocks[7]
    assert isinstance(purpose, m.Purpose)
    assert [b.basis.value for b in purpose.bases] == ["contract", "legal_obligation", "public_task",
                                                      "vital_interests", "consent", "legitimate_interests"]
    assert purpose.bases[1].citation == "Act § 1"
    li = purpose.bases[5]
    assert li.interest is not None and li.interest.get() == "fraud" and li.balancing_test == "LIA-1"
    assert purpose.special_condition is not None
    assert purpose.special_condition.condition is m.SpecialCondition.HEALTH_CARE
    assert [r.rule for r in purpose.retention] == ["duration", "until", "law", "law", "as_long_as_necessary",
                                                   "unspecified", "indefinite", "at_discretion"]
    first = purpose.retention[0]
    assert first.duration == m.Duration(amount=5, unit=m.TimeUnit.YEAR) and first.after == "contract_end"
    assert purpose.retention[1].until == "the account is closed"
    assert purpose.retention[2].law == "Act § 4" and purpose.retention[2].after == "financial_year_end"
    assert purpose.retention[3].law is None
    assert purpose.profiling is True
    ad = purpose.automated_decisions
    assert ad is not None and ad.exception is m.AutomatedException.CONTRACT
    recipient, transfer, consent = doc.blocks[8], doc.blocks[9], doc.blocks[10]
    assert isinstance(recipient, m.Recipient) and recipient.countries == ("US", "NO")
    assert recipient.role is m.Role.PROCESSOR
    assert isinstance(transfer, m.Transfer) and transfer.mechanism is m.Mechanism.SCCS
    assert transfer.mechanism_detail == "2021/914" and transfer.tia == "TIA-1"
    assert isinstance(consent, m.ConsentMechanism) and consent.method is m.ConsentMethod.OPT_IN
    assert consent.reject_button is True and consent.explicit is False and consent.parental_consent is True
    assert consent.valid_for == m.Duration(amount=6, unit=m.TimeUnit.MONTH) and consent.minimum_age == 13
    ga, sid, remember = doc.blocks[11], doc.blocks[12], doc.blocks[13]
    assert isinstance(ga, m.Cookie) and ga.name == "_ga_*" and ga.pattern and ga.party is m.Party.THIRD
    assert ga.provider_ref is not None and ga.provider_ref.name == "vendor"
    assert ga.domains == (".acme.example", "acme.example")
    assert ga.expiry is not None and ga.expiry.duration == m.Duration(amount=2, unit=m.TimeUnit.YEAR)
    assert isinstance(sid, m.Cookie) and sid.provider == "Acme" and sid.expiry is not None
    assert sid.expiry.lifetime == "session"
    assert isinstance(remember, m.Cookie) and remember.storage is m.StorageKind.LOCAL_STORAGE
    rights = doc.blocks[14]
    assert isinstance(rights, m.Rights) and rights.offered == (m.Right.ACCESS, m.Right.ERASURE)


def test_positions_of_blocks_and_statements() -> None:
    doc = parse_text(FULL, "full.privacy").document
    assert doc is not None
    purpose = doc.blocks[7]
    assert isinstance(purpose, m.Purpose)
    assert (purpose.span.line, purpose.span.column) == (27, 1)
    assert purpose.span.end_line == 54 and purpose.span.end_column == 2
    basis = purpose.span_of("bases")
    assert (basis.line, basis.column, basis.end_line, basis.end_column) == (31, 3, 31, 17)
    assert purpose.categories[1].span.line == 38 and purpose.categories[1].span.column == 21
    cookie = doc.blocks[11]
    expiry = cookie.span_of("expiry")
    assert (expiry.line, expiry.column, expiry.end_column) == (64, 43, 57)


def test_layout_is_free_and_comments_are_collected() -> None:
    one_line = 'purpose p { use essential.service basis contract } # trailing\n# own line\n'
    result = parse_text(one_line)
    assert result.diagnostics == ()
    assert [(c.line, c.text) for c in result.comments] == [(1, "# trailing"), (2, "# own line")]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings_and_bom(newline: str) -> None:
    text = "\ufeff" + newline.join(["# c", "cookie x {", "  expiry 13 monts", "}"])
    (diag,) = parse_text(text, "x.privacy").diagnostics
    assert (diag.code, diag.span.line, diag.span.column) == ("E100", 3, 13)
    assert diag.hint == "did you mean `months`?"


@pytest.mark.parametrize(
    ("text", "code", "line", "column", "needle"),
    [
        ("purpose p { retension 2 years }", "E100", 1, 13, "did you mean `retention`?"),
        ("purpose p {\n  basis consnet\n}", "E100", 2, 9, "did you mean `consent`?"),
        ("purpose p {\n  basis\n}", "E100", 3, 1, "a legal basis"),
        ("controller Acme { }", "E100", 1, 12, 'put the text in double quotes: "Acme"'),
        ('purpose p { description "no end }', "E101", 1, 25, "close it"),
        ("purpose p {\n  use essential.service\n", "E102", 2, 24, "`purpose`"),
        ("purpose p { } }", "E100", 1, 15, "a block such as"),
        ("cookie c { expiry 13 }", "E100", 1, 22, "time unit"),
        ("purpose p { basis contract } $", "E100", 1, 30, "unexpected character"),
    ],
)
def test_syntax_errors_say_what_was_expected(text: str, code: str, line: int, column: int, needle: str) -> None:
    result = parse_text(text, "x.privacy")
    assert result.document is None
    (diag,) = result.diagnostics
    assert (diag.code, diag.span.line, diag.span.column) == (code, line, column)
    assert diag.fatal
    assert needle in f"{diag.message} {diag.hint}"


@pytest.mark.parametrize(
    ("text", "code", "needle"),
    [
        ("category c { taxonomy user.contact.emial }", "E203", "did you mean `user.contact.email`?"),
        ("category c { taxonomy user.contact.zzz }", "E203", "known keys under `user.contact`"),
        ("purpose p { use marketing.comunications }", "E203", "did you mean `marketing.communications`?"),
        ("recipient r { role procesor }", "E204", "did you mean `processor`?"),
        ('controller "A" { country Norway }', "E204", "write `NO`"),
        ('controller "A" { country no }', "E204", "`NO`"),
        ("recipient r { countries UK }", "E204", "write `GB`"),
        ("cookie c { expiry 0 days }", "E204", "zero"),
        ('controller "A" { email "not-an-address" }', "E204", "name@example.org"),
        ("rights { offered acess }", "E204", "did you mean `access`?"),
        ("cookie c { party thrid }", "E204", "did you mean `third`?"),
        ("purpose p { use essential use analytics }", "E205", "given twice"),
    ],
)
def test_invalid_values_are_diagnosed_with_suggestions(text: str, code: str, needle: str) -> None:
    result = parse_text(text, "x.privacy")
    assert result.document is not None  # the rest of the file is still modelled
    assert [d.code for d in result.diagnostics] == [code]
    diag = result.diagnostics[0]
    assert not diag.fatal
    assert needle in f"{diag.message} {diag.hint}"


# ---------------------------------------------------------------- what mirrors the grammar


def test_every_builder_method_builds_a_node_of_the_grammar() -> None:
    """The builder's public methods are the nodes it builds (``_handlers``, derived): a method whose
    name no rule or alias has (a typo, a renamed rule) would never be called."""
    from privacy_dsl.language import parser as p

    nodes = {str(rule.alias or rule.origin.name) for rule in p.lark_parser().rules}
    methods = {name for name, value in vars(p._Builder).items() if not name.startswith("_") and callable(value)}
    assert methods <= nodes, sorted(methods - nodes)
    assert set(p._handlers()) == methods
    # and every other node is a statement, read by the block it is in (by its key)
    assert {"start", "cookie", "purpose", "basis_consent", "retention_duration", "ident"} <= methods


def test_every_group_of_keywords_is_described_from_the_grammar() -> None:
    """``_GROUP_WORDS`` names rules of the grammar, and the keywords each description shows start
    that rule (all of them where the description is not "such as"); every block's statements are a
    group, under the keyword that opens the block."""
    import re

    from privacy_dsl.language import parser as p

    firsts = p._first_terminals()
    for rule, words in p._GROUP_WORDS.items():
        assert rule in firsts, rule
        starts = {p._keyword_text(t) for t in firsts[rule]}
        shown = {example.split()[0] for example in re.findall(r"`([^`]+)`", words)}
        keywords = {w for w in shown if not w[0].isdigit()}  # `5 years`: a duration
        assert keywords <= starts, (rule, keywords - starts)
        if "such as" not in words:
            assert keywords == starts, (rule, starts - keywords)
    blocks = p._stmt_blocks()
    rules = {rule.origin.name for rule in p.lark_parser().rules}
    assert set(blocks) == {name for name in rules if name.endswith("_stmt")}
    assert blocks["policy_stmt"] == "policy" and blocks["dpo_stmt"] == "dpo"
    assert blocks["interest_stmt"] == "legitimate_interests"
    keywords = {str(t.pattern.value) for t in p.lark_parser().terminals if t.pattern.type == "str"}
    assert set(blocks.values()) <= keywords
    described = [words for words, _ in p._keyword_groups()]
    assert described[0] == p._GROUP_WORDS["_item"]
    assert all(any(f"a `{block}` statement" in words for words in described) for block in blocks.values())


# ---------------------------------------------------------------- notice-level facts (issue 15.7)

NOTICE = '''\
policy "P" {
  version "1.3"
  updated 2020-04
  history 2020-04 "Cookies"
  history 2019 { en "First" }
  scope site "https://a.example", "b.example"
  scope app
  refers_to "https://a.example/privacy" { name "Full notice" covers rights, retention }
  refers_to "Our cookie policy"
  cites "GDPR", "ekomloven § 3-15"
  cites "LSSICE art. 22"
}
controller "C" {
  representative { name "Rep" address "1 St" country IE email "rep@r.example" phone "+353 1" }
  privacy_contact { title { nb "Personvernansvarlig" } name "Kari" email "k@c.example" phone "1" address "A" }
  dpo { address "Postboks 1" }
}
'''


def test_the_notice_level_statements_are_modelled() -> None:
    result = parse_text(NOTICE, "n.privacy")
    assert result.diagnostics == ()
    assert result.document is not None
    info, controller = result.document.blocks
    assert isinstance(info, m.PolicyInfo) and isinstance(controller, m.Controller)
    assert (info.version, info.updated) == ("1.3", "2020-04")
    assert [(e.date, e.text.get("en")) for e in info.history] == [("2020-04", "Cookies"), ("2019", "First")]
    assert [(s.what, s.names) for s in info.scope] == [(m.ScopeKind.SITE, ("https://a.example", "b.example")),
                                                       (m.ScopeKind.APP, ())]
    full, cookies = info.refers_to
    assert full.target == "https://a.example/privacy" and full.name is not None and full.name.get() == "Full notice"
    assert full.covers == (m.Topic.RIGHTS, m.Topic.RETENTION) and cookies.covers == ()
    assert info.referrals_for(m.Topic.RIGHTS) == (full,) and info.referrals_for(m.Topic.BASES) == (cookies,)
    assert info.cites == ("GDPR", "ekomloven § 3-15", "LSSICE art. 22")
    spans = [info.field_spans[f"cites.{i}"] for i in range(3)]
    assert [(s.line, s.column, s.end_column) for s in spans] == [(10, 9, 15), (10, 17, 35), (11, 9, 25)]
    rep = controller.representative
    assert rep is not None
    assert (rep.name, rep.address, rep.country, rep.email, rep.phone) == ("Rep", "1 St", "IE", "rep@r.example",
                                                                          "+353 1")
    contact = controller.privacy_contact
    assert contact is not None and contact.title is not None and contact.title.get("nb") == "Personvernansvarlig"
    assert (contact.name, contact.email, contact.phone, contact.address) == ("Kari", "k@c.example", "1", "A")
    assert controller.dpo is not None and controller.dpo.address == "Postboks 1"


def test_a_representative_written_as_a_string_is_its_name_as_written() -> None:
    doc = parse_text('controller "C" {\n  representative "Rep Ltd, Dublin"\n}\n').document
    assert doc is not None
    (controller,) = doc.blocks
    assert isinstance(controller, m.Controller) and controller.representative is not None
    assert controller.representative.name == "Rep Ltd, Dublin" and controller.representative.country is None


def test_the_string_and_the_block_form_of_the_representative_are_one_statement() -> None:
    text = 'controller "C" {\n  representative "A"\n  representative { name "B" }\n}\n'
    result = parse_text(text)
    assert [(d.code, d.span.line, dict(d.args)) for d in result.diagnostics] == [
        ("E205", 3, {"statement": "representative", "line": "2"})]


@pytest.mark.parametrize(("value", "precision", "first", "last"), [
    ("2026-09-01", "day", "2026-09-01", "2026-09-01"),
    ("2020-04", "month", "2020-04-01", "2020-04-30"),
    ("2024-02", "month", "2024-02-01", "2024-02-29"),
    ("2020-12", "month", "2020-12-01", "2020-12-31"),
    ("2019", "year", "2019-01-01", "2019-12-31"),
])
def test_a_date_is_kept_at_its_precision(value: str, precision: str, first: str, last: str) -> None:
    import datetime as dt

    doc = parse_text(f'policy "P" {{\n  updated {value}\n}}\n').document
    assert doc is not None
    (info,) = doc.blocks
    assert isinstance(info, m.PolicyInfo) and info.updated == value
    assert m.date_precision(value) == precision
    assert m.date_range(value) == (dt.date.fromisoformat(first), dt.date.fromisoformat(last))


@pytest.mark.parametrize("value", ["2020-4", "2020-13", "2020-02-30", "20", "2020-04-01-02", "202604"])
def test_a_date_that_is_no_day_month_or_year_is_an_invalid_value(value: str) -> None:
    result = parse_text(f'policy "P" {{\n  updated {value}\n  history {value} "x"\n}}\n')
    errors = [(d.code, d.span.line, d.span.column, d.span.end_column, dict(d.args)) for d in result.diagnostics]
    assert errors == [("E204", 2, 11, 11 + len(value), {"value": value, "what": "date"}),
                      ("E204", 3, 11, 11 + len(value), {"value": value, "what": "date"})]
    assert "YYYY-MM" in (result.diagnostics[0].hint or "")
    assert result.document is not None
    (info,) = result.document.blocks
    assert isinstance(info, m.PolicyInfo) and info.updated is None and info.history == ()


def test_an_unknown_scope_or_topic_is_reported_and_the_valid_topics_are_kept() -> None:
    text = 'policy "P" {\n  scope website "a"\n  refers_to "x" { covers rights, retension }\n}\n'
    result = parse_text(text)
    got = [(d.code, d.span.line, d.span.column, d.hint) for d in result.diagnostics]
    assert got == [("E204", 2, 9, "one of `site`, `app`, `service`"),
                   ("E204", 3, 34, "did you mean `retention`?")]
    assert result.document is not None
    (info,) = result.document.blocks
    assert isinstance(info, m.PolicyInfo) and info.scope == ()
    assert info.refers_to[0].covers == (m.Topic.RIGHTS,)


def test_a_privacy_contact_or_representative_email_is_checked() -> None:
    text = 'controller "C" {\n  privacy_contact { email "kari" }\n  representative { email "rep" country ie }\n}\n'
    assert [(d.code, d.span.line, d.span.column) for d in parse_text(text).diagnostics] == [
        ("E204", 2, 27), ("E204", 3, 26), ("E204", 3, 40)]


def test_an_unknown_statement_in_the_new_blocks_names_what_they_take() -> None:
    (d,) = parse_text('controller "C" {\n  privacy_contact { role "x" }\n}\n').diagnostics
    assert d.code == "E100"
    assert "`privacy_contact` statement (`address`, `email`, `name`, `phone`, `title`)" in d.message
