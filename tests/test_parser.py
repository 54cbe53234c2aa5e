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
  description "Our notice" claims no_cookies bases contract, legal_obligation "Act § 9",
    legitimate_interests { interest "x" } }
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
  retention up_to 30 years after contract_end for email
  retention law "Act § 5" up_to 10 years
  retention law_permits "Act § 6" for email, health
  retention criteria { nb "Mengden og arten" en "The amount and nature" }
  retention criteria "the risk" for health
  retention archive "Archives Act § 7"
  retention temporarily
  retention no_general_period
  retention not_stored for health
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

RIGHTS = '''\
rights {
  offered information, object_by_automated_means, complaint
  limited access law "§ 34 BDSG"
  limited erasure, objection { sv "under vissa förutsättningar" }
  denied erasure, portability for petitions, signatures law "Art. 17(3)(b), 20(3)" "a public task"
  denied withdraw_consent for journalism
  denied objection
}
defaults purpose here { recipients host }
defaults cookie here { party third }
'''


def test_rights_limited_denied_and_scoped_defaults_are_modelled() -> None:
    result = parse_text(RIGHTS, "r.privacy")
    assert result.diagnostics == ()
    doc = result.document
    assert doc is not None
    rights, purpose_defaults, cookie_defaults = doc.blocks
    assert isinstance(rights, m.Rights)
    assert rights.offered == (m.Right.INFORMATION, m.Right.OBJECT_BY_AUTOMATED_MEANS, m.Right.COMPLAINT)
    first, second = rights.limited
    assert first.rights == (m.Right.ACCESS,) and first.law == "§ 34 BDSG" and first.reason is None
    assert second.rights == (m.Right.ERASURE, m.Right.OBJECTION) and second.law is None
    assert second.reason is not None and second.reason.get("sv") == "under vissa förutsättningar"
    public, journalism, objection = rights.denied
    assert public.rights == (m.Right.ERASURE, m.Right.PORTABILITY)
    assert [r.name for r in public.purposes] == ["petitions", "signatures"]
    assert public.law == "Art. 17(3)(b), 20(3)" and public.reason is not None and public.reason.get() == "a public task"
    assert (public.span.line, public.span.column, public.span.end_column) == (5, 3, 99)
    assert (public.span_of("law").column, public.span_of("purposes").column) == (57, 31)
    assert journalism.covers("journalism") and not journalism.covers("petitions")
    assert objection.purposes == () and objection.covers("anything") and objection.law is None
    assert rights.tells(m.Right.ACCESS) and not rights.tells(m.Right.PORTABILITY)
    assert rights.denial(m.Right.OBJECTION) is objection and rights.denial(m.Right.ERASURE) is None
    assert rights.denial(m.Right.ERASURE, "petitions") is public
    assert isinstance(purpose_defaults, m.Defaults) and purpose_defaults.scope == "file"
    assert purpose_defaults.target == "purpose"
    assert isinstance(cookie_defaults, m.Defaults) and cookie_defaults.scope == "file"
    assert cookie_defaults.target == "cookie"


def test_policy_bases_and_policy_wide_defaults_scope() -> None:
    doc = parse_text(FULL, "full.privacy").document
    assert doc is not None
    info = doc.blocks[0]
    assert isinstance(info, m.PolicyInfo)
    assert [b.basis for b in info.bases] == [m.BasisKind.CONTRACT, m.BasisKind.LEGAL_OBLIGATION,
                                             m.BasisKind.LEGITIMATE_INTERESTS]
    assert info.bases[1].citation == "Act § 9" and info.bases[2].interest is not None
    assert info.claims == (m.Claim.NO_COOKIES,)
    assert all(b.scope == "policy" for b in doc.blocks if isinstance(b, m.Defaults))


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
    assert [r.rule for r in purpose.retention] == [
        "duration", "until", "law", "law", "as_long_as_necessary", "unspecified", "indefinite", "at_discretion",
        "duration", "law", "law_permits", "criteria", "criteria", "archive", "temporarily", "no_general_period",
        "not_stored"]
    assert [r.up_to for r in purpose.retention[:9]] == [False] * 8 + [True]
    assert [[c.name for c in r.categories] for r in purpose.retention] == [[]] * 8 + [
        ["email"], [], ["email", "health"], [], ["health"], [], [], [], ["health"]]
    up_to, law_up_to, permits, criteria, criteria_for, archive = purpose.retention[8:14]
    assert up_to.duration == m.Duration(amount=30, unit=m.TimeUnit.YEAR) and up_to.after == "contract_end"
    assert law_up_to.law == "Act § 5" and law_up_to.up_to and law_up_to.duration is not None
    assert permits.law == "Act § 6" and permits.duration is None and not permits.up_to
    assert criteria.criteria is not None and criteria.criteria.get("en") == "The amount and nature"
    assert criteria_for.criteria == m.Text(plain="the risk")
    assert archive.law == "Archives Act § 7"
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
    assert transfer.certification == m.Text(plain="c")
    assert isinstance(consent, m.ConsentMechanism) and consent.methods == (m.ConsentMethod.OPT_IN,)
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
    assert purpose.span.end_line == 63 and purpose.span.end_column == 2
    basis = purpose.span_of("bases")
    assert (basis.line, basis.column, basis.end_line, basis.end_column) == (31, 3, 31, 17)
    assert purpose.categories[1].span.line == 38 and purpose.categories[1].span.column == 21
    cookie = doc.blocks[11]
    expiry = cookie.span_of("expiry")
    assert (expiry.line, expiry.column, expiry.end_column) == (73, 43, 57)


def test_a_certification_is_a_text_that_can_be_translated() -> None:
    """Issue 17: `certification { nb ... en ... }` was a syntax error; the mechanism's detail stays a citation."""
    result = parse_text('transfer t {\n  mechanism sccs "2021/914, module 2"\n'
                        '  certification { nb "Oppført på listen" en "On the list" }\n}\n')
    assert result.diagnostics == ()
    assert result.document is not None
    (transfer,) = result.document.blocks
    assert isinstance(transfer, m.Transfer) and transfer.mechanism_detail == "2021/914, module 2"
    assert transfer.certification == m.Text(by_lang={"nb": "Oppført på listen", "en": "On the list"})
    assert (transfer.span_of("certification").line, transfer.span_of("certification").column) == (3, 3)


def test_layout_is_free_and_comments_are_collected() -> None:
    one_line = 'purpose p { use essential.service basis contract } # trailing\n# own line\n'
    result = parse_text(one_line)
    assert result.diagnostics == ()
    assert [(c.line, c.text) for c in result.comments] == [(1, "# trailing"), (2, "# own line")]


def test_a_retention_for_categories_spans_from_its_value_to_the_last_category() -> None:
    text = "purpose p {\n  retention up_to 6 months after collection for logs,\n    account\n}\n"
    result = parse_text(text, "x.privacy")
    assert result.diagnostics == ()
    assert result.document is not None
    (purpose,) = result.document.blocks
    assert isinstance(purpose, m.Purpose)
    (ret,) = purpose.retention
    assert [c.name for c in ret.categories] == ["logs", "account"]
    assert [(c.span.line, c.span.column) for c in ret.categories] == [(2, 49), (3, 5)]
    assert (ret.span.line, ret.span.column, ret.span.end_line, ret.span.end_column) == (2, 13, 3, 12)
    assert str(ret) == "up to 6 months after collection for logs, account"


@pytest.mark.parametrize("source", [
    'retention archive "A" "B"',         # one law or basis
    "retention up_to until x",           # `up_to` takes a duration
    "retention 6 months for",            # `for` takes categories
    'retention criteria "x" "y"',
    "retention law_permits up_to",
])
def test_incomplete_retention_forms_are_syntax_errors(source: str) -> None:
    result = parse_text(f"purpose p {{\n  {source}\n}}\n", "x.privacy")
    assert result.document is None
    assert [d.code for d in result.diagnostics] == ["E100"]


def test_the_new_retention_words_are_names_everywhere_else() -> None:
    """`archive`, `criteria`, `temporarily`, `up_to`, `for`, ... are keywords only after `retention`:
    as ids (a category `archive`) and as events they are names, as before."""
    text = ("category archive { taxonomy user }\ncategory criteria { taxonomy user }\n"
            "purpose temporarily { categories archive, criteria retention until for }\n")
    result = parse_text(text, "x.privacy")
    assert result.diagnostics == ()
    assert result.document is not None
    purpose = result.document.blocks[2]
    assert isinstance(purpose, m.Purpose) and purpose.id == "temporarily"
    assert purpose.retention[0].until == "for"


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
        ("purpose p { retention up_to 3 yeers }", "E100", 1, 31, "did you mean `years`?"),
        ("purpose p { retention temporarly }", "E100", 1, 23, "did you mean `temporarily`?"),
        ("rights { denied erasure law }", "E100", 1, 29, "quoted string"),
        ("rights { denied erasure \"x\" for p }", "E100", 1, 29, "`for`"),
        ("rights { denied for p }", "E100", 1, 21, "unexpected `p`"),  # `for` is a (wrong) right here
        ("defaults purpose there { }", "E100", 1, 18, "`here`"),
        ('policy "P" { bases }', "E100", 1, 20, "a legal basis"),
        ('policy "P" { bases contrat }', "E100", 1, 20, "did you mean `contract`?"),
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
        ("rights { denied erasre }", "E204", "did you mean `erasure`?"),
        ("rights { limited acces law \"x\" }", "E204", "did you mean `access`?"),
        ("cookie c { party thrid }", "E204", "did you mean `third`?"),
        ("purpose p { name \"a\" name \"b\" }", "E205", "given twice"),
        ("consent c { method opt_in, continued_brwosing }", "E204", "did you mean `continued_browsing`?"),
        ("consent c { withdraw_via fotter_button }", "E204", "did you mean `footer_button`?"),
        ('consent c { withdraw_via footer_button "x" }', "E204", "only `link`, `email`, `phone`, `post` take"),
        ('consent c { withdraw_via email "nobody" }', "E204", "name@example.org"),
        ("consent c { shown_in eu }", "E204", "`EU`"),
        ('consent c { given_on "a.example", " " }', "E204", "empty"),
        ('consent c { withdraw_via link "" }', "E204", "empty"),
        ("consent c { shown_in Norway }", "E204", "write `NO`"),
    ],
)
def test_invalid_values_are_diagnosed_with_suggestions(text: str, code: str, needle: str) -> None:
    result = parse_text(text, "x.privacy")
    assert result.document is not None  # the rest of the file is still modelled
    assert [d.code for d in result.diagnostics] == [code]
    diag = result.diagnostics[0]
    assert not diag.fatal
    assert needle in f"{diag.message} {diag.hint}"


# ---------------------------------------------------------------- consent as it is really collected


CONSENT = """\
consent banner {
  method opt_in, continued_browsing
  method browser_settings, opt_in
  refusal_degrades_service
  shown_in EU, NO
  given_on "https://acme.example", "https://shop.acme.example"
  withdraw_via footer_button, email "privacy@acme.example",
    link "https://acme.example/cookies"
  withdraw_via browser_settings
}
"""


def test_consent_takes_lists_of_methods_places_sites_and_routes() -> None:
    result = parse_text(CONSENT, "x.privacy")
    assert result.diagnostics == ()
    assert result.document is not None
    (c,) = result.document.blocks
    assert isinstance(c, m.ConsentMechanism)
    # Each method once, in the order first written; each method's own statement for the findings.
    assert c.methods == (m.ConsentMethod.OPT_IN, m.ConsentMethod.CONTINUED_BROWSING, m.ConsentMethod.BROWSER_SETTINGS)
    assert c.span_of_method(m.ConsentMethod.CONTINUED_BROWSING).line == 2
    assert c.span_of_method(m.ConsentMethod.BROWSER_SETTINGS).line == 3
    assert c.span_of_method(m.ConsentMethod.NONE).line == 2  # not named: the first `method` statement
    assert c.refusal_degrades_service is True and c.condition_of_service is None
    assert c.shown_in == ("EU", "NO")
    assert c.given_on == ("https://acme.example", "https://shop.acme.example")
    assert [(r.route, r.value) for r in c.withdraw_via] == [
        (m.WithdrawRoute.FOOTER_BUTTON, None), (m.WithdrawRoute.EMAIL, "privacy@acme.example"),
        (m.WithdrawRoute.LINK, "https://acme.example/cookies"), (m.WithdrawRoute.BROWSER_SETTINGS, None)]
    assert [(r.span.line, r.span.column, r.span.end_column) for r in c.withdraw_via] == [
        (7, 16, 29), (7, 31, 59), (8, 5, 40), (9, 16, 32)]
    assert c.span_of("withdraw_via").line == 7 and not c.gives_consent


def test_consent_flags_left_out_are_not_stated() -> None:
    result = parse_text("consent c {\n  method opt_in\n}\n", "x.privacy")
    assert result.document is not None
    (c,) = result.document.blocks
    assert isinstance(c, m.ConsentMechanism) and c.gives_consent
    assert (c.reject_button, c.granular, c.explicit, c.condition_of_service, c.refusal_degrades_service,
            c.parental_consent) == (None,) * 6
    assert (c.shown_in, c.given_on, c.withdraw_via) == ((), (), ())
    (empty,) = parse_text("consent c {}", "x.privacy").document.blocks  # type: ignore[union-attr]
    assert isinstance(empty, m.ConsentMechanism) and empty.methods == () and not empty.gives_consent


def test_invalid_values_in_consent_lists_keep_the_valid_ones() -> None:
    text = ('consent c {\n  method opt_in, bogus, acknowledge\n  shown_in EU, XX, NO\n'
            '  withdraw_via footer_button, nope, email "bad", cookie_settings "x"\n}\n')
    result = parse_text(text, "x.privacy")
    assert result.document is not None
    (c,) = result.document.blocks
    assert isinstance(c, m.ConsentMechanism)
    assert c.methods == (m.ConsentMethod.OPT_IN, m.ConsentMethod.ACKNOWLEDGE)
    assert c.shown_in == ("EU", "NO")
    # An invalid address or an address where none belongs is reported; the route itself stands.
    assert [(r.route.value, r.value) for r in c.withdraw_via] == [
        ("footer_button", None), ("email", None), ("cookie_settings", None)]
    assert sorted((d.code, d.span.line, d.span.column) for d in result.diagnostics) == [
        ("E204", 2, 18), ("E204", 3, 16), ("E204", 4, 31), ("E204", 4, 43), ("E204", 4, 66)]


def test_the_old_one_method_form_is_unchanged() -> None:
    result = parse_text("consent c { method browser_settings withdraw \"x\" }", "x.privacy")
    assert result.diagnostics == ()
    (c,) = result.document.blocks  # type: ignore[union-attr]
    assert isinstance(c, m.ConsentMechanism) and c.methods == (m.ConsentMethod.BROWSER_SETTINGS,)


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


# ---------------------------------------------------------------- cookies as notices describe them


def _cookie(text: str) -> m.Cookie:
    result = parse_text(text, "x.privacy")
    assert result.document is not None and result.diagnostics == (), result.diagnostics
    (block,) = result.document.blocks
    assert isinstance(block, m.Cookie)
    return block


@pytest.mark.parametrize(("expiry", "lifetime", "duration", "minimum", "shown"), [
    ("13 months", "persistent", m.Duration(amount=13, unit=m.TimeUnit.MONTH), None, "13 months"),
    ("30 seconds to 1 year", "persistent", m.Duration(amount=1, unit=m.TimeUnit.YEAR),
     m.Duration(amount=30, unit=m.TimeUnit.SECOND), "30 seconds to 1 year"),
    ("session", "session", None, None, "session"),
    ("persistent", "persistent", None, None, "persistent"),
    ("never", "never", None, None, "never"),
])
def test_expiry_as_notices_write_it(expiry: str, lifetime: str, duration: m.Duration | None,
                                    minimum: m.Duration | None, shown: str) -> None:
    got = _cookie(f"cookie c {{ expiry {expiry} }}").expiry
    assert got is not None
    assert (got.lifetime, got.duration, got.minimum, str(got)) == (lifetime, duration, minimum, shown)


def test_an_expiry_range_spans_both_ends() -> None:
    got = _cookie("cookie c {\n  expiry 30 seconds to 1 year\n}").expiry
    assert got is not None
    assert (got.span.line, got.span.column, got.span.end_line, got.span.end_column) == (2, 10, 2, 30)


@pytest.mark.parametrize(("text", "needle", "kept"), [
    ("cookie c { expiry 1 year to 30 seconds }", "write the shorter end first: `expiry 30 seconds to 1 year`",
     "30 seconds to 1 year"),
    ("cookie c { expiry 1 year to 12 months }", "write the one duration: `expiry 12 months`", "12 months"),
])
def test_an_expiry_range_in_the_wrong_order_is_reported_and_kept_in_order(text: str, needle: str, kept: str) -> None:
    result = parse_text(text, "x.privacy")
    assert result.document is not None
    (diag,) = result.diagnostics
    assert (diag.code, diag.span.line, diag.span.column, dict(diag.args)["what"]) == ("E204", 1, 19, "expiry range")
    assert needle in str(diag.hint)
    (cookie,) = result.document.blocks
    assert isinstance(cookie, m.Cookie) and str(cookie.expiry) == kept


@pytest.mark.parametrize(("text", "needle"), [
    ("cookie c { expiry 1 year to }", "a whole number"),
    ("cookie c { expiry 1 year to session }", "a whole number"),
    ("cookie c { expiry nevr }", "an expiry"),
])
def test_expiry_syntax_errors(text: str, needle: str) -> None:
    result = parse_text(text, "x.privacy")
    assert result.document is None
    (diag,) = result.diagnostics
    assert diag.code == "E100" and needle in f"{diag.message} {diag.hint}"


def test_a_cookie_the_notice_does_not_name() -> None:
    cookie = _cookie("cookie unnamed { provider google }")
    assert cookie.name is None
    assert cookie.label() == "an unnamed cookie of provider `google` (line 1)"


@pytest.mark.parametrize(("text", "name"), [
    ('cookie "unnamed" { }', "unnamed"),         # a cookie literally named "unnamed"
    ("cookie unnamed_id { }", "unnamed_id"),     # a name that starts with the keyword
    ("cookie Unnamed { }", "Unnamed"),           # names are case-sensitive; the keyword is not this
])
def test_a_cookie_named_unnamed_is_written_as_a_string(text: str, name: str) -> None:
    assert _cookie(text).name == name


def test_unnamed_is_a_keyword_only_where_a_cookie_name_goes() -> None:
    result = parse_text("purpose unnamed { }\nrecipient r { name \"unnamed\" }\ncookie c { purpose unnamed }")
    assert result.diagnostics == () and result.document is not None
    assert [getattr(b, "id", None) for b in result.document.blocks] == ["unnamed", "r", None]


def test_cache_storage_is_a_storage_kind() -> None:
    assert _cookie("cookie unnamed { kind cache_storage }").storage is m.StorageKind.CACHE_STORAGE
    result = parse_text("cookie c { kind cache_storag }", "x.privacy")
    assert [d.code for d in result.diagnostics] == ["E204"]
    assert "did you mean `cache_storage`?" in str(result.diagnostics[0].hint)


@pytest.mark.parametrize(("statement", "value"), [("category_only", True), ("category_only yes", True),
                                                  ("category_only no", False), ("", None)])
def test_a_recipient_may_be_only_a_category_of_recipients(statement: str, value: bool | None) -> None:
    result = parse_text(f'recipient customers {{ name "Our customers" {statement} }}', "x.privacy")
    assert result.document is not None and result.diagnostics == ()
    (recipient,) = result.document.blocks
    assert isinstance(recipient, m.Recipient) and recipient.category_only is value


def test_the_fast_path_and_lark_agree_on_the_new_constructs() -> None:
    from privacy_dsl.language.parser import _parse_with_lark
    from privacy_dsl.outputs.fmt import model_signature

    text = ('cookie unnamed { kind cache_storage expiry never }\ncookie "unnamed" { expiry 1 day to 2 years }\n'
            'recipient r { name "R" category_only }\n')
    fast, slow = parse_text(text, "x.privacy"), _parse_with_lark(text, "x.privacy")
    assert fast.document is not None and slow.document is not None
    assert model_signature(fast.document) == model_signature(slow.document)


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


def test_the_fast_constructors_build_what_the_classes_build() -> None:
    """``new_span`` and ``new_ref`` (the parser's cheap constructors) give the same frozen objects as
    the dataclasses' own ``__init__``, with every field set (a field added to the class and not to
    the constructor fails here)."""
    import dataclasses

    from privacy_dsl.span import Span, new_span

    span = new_span("a.privacy", 1, 2, 3, 4)
    assert type(span) is Span and span == Span("a.privacy", 1, 2, 3, 4)
    ref = m.new_ref("x", span)
    assert type(ref) is m.Ref and ref == m.Ref(name="x", span=span)
    for made in (span, ref):
        assert all(hasattr(made, f.name) for f in dataclasses.fields(made))
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(made, dataclasses.fields(made)[0].name, None)
    assert ref.field_spans == {} and ref.field_spans is not m.new_ref("y", span).field_spans
