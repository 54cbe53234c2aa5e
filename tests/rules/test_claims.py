"""TRN013 claim-contradicted: each claim fires on the declarations that contradict it, at the
claim, once, and never on what the policy leaves out."""

from __future__ import annotations

import pytest
from conftest import codes, diagnose, example, findings


def policy(*claims: str) -> str:
    return f'policy "P" {{\n  claims {", ".join(claims)}\n}}\n'


#: Per claim: a declaration that contradicts it, what the finding names, and one that does not.
CASES = [
    ("no_transfers_outside_eea", "recipient r {\n  countries NO, US\n}\n", "recipient `r` (US)",
     "recipient r {\n  countries NO, EU, EEA\n}\n"),
    ("no_transfers_outside_eea", "transfer t {\n  country IN\n  mechanism sccs\n}\n", "transfer `t` (IN)",
     "recipient r {\n  countries SE\n}\n"),
    ("no_transfers_outside_eea", 'recipient g {\n  name "Google Ireland Limited"\n  countries IE\n}\n',
     "recipient `g` (Google, US)", 'recipient h {\n  name "Hotjar Ltd"\n  countries MT\n}\n'),
    ("no_transfers_outside_eea", 'cookie _ga {\n  provider "Google Analytics"\n}\n', "cookie `_ga` (Google, US)",
     'cookie _pk_id {\n  provider "Matomo on our own server"\n}\n'),
    ("no_transfers_outside_eea", 'cookie _fbp {\n  kind pixel\n  domains ".facebook.com"\n}\n'
     'cookie fr {\n  domains ".facebook.com"\n}\n', "2 cookies of Meta, US (pixel `_fbp`, ...)",
     'cookie _fbp {\n  kind pixel\n  domains ".example.org"\n}\n'),
    ("no_cookies", "cookie _fbp {\n  kind pixel\n}\n", "pixel `_fbp`", "purpose p {\n  use essential.service\n}\n"),
    ("no_cookies", "cookie fp {\n  kind fingerprint\n}\n", "fingerprint `fp`", ""),
    ("no_cookies", "cookie cart {\n  kind local_storage\n}\n", "local storage `cart`", ""),
    ("no_cookies", "cookie sid {\n  party first\n}\n", "cookie `sid`", ""),
    ("no_profiling", "purpose p {\n  profiling\n}\n", "purpose `p` (`profiling`)", "purpose p {\n  profiling no\n}\n"),
    ("no_profiling", "purpose ads {\n  use marketing.advertising.third_party.targeted\n}\n",
     "purpose `ads` (`use marketing.advertising.third_party.targeted`)",
     "purpose ads {\n  use marketing.advertising.first_party.contextual\n}\n"),
    ("no_special_categories", "category h {\n  taxonomy user.health_and_medical\n}\n", "category `h` (health)",
     "category e {\n  taxonomy user.contact.email\n}\n"),
    ("not_for_children", "subject pupil {\n  children\n}\n", "subject `pupil` (`children`)",
     "subject pupil {\n  children no\n}\n"),
    ("no_automated_decisions", "purpose score {\n  automated_decisions\n}\n",
     "purpose `score` (`automated_decisions`)", "purpose score {\n  automated_decisions no\n}\n"),
    ("only_named_recipients", 'recipient partners {\n  name "Our partners"\n  category_only\n}\n',
     "recipient `partners` (only a category of recipients)", 'recipient mailer {\n  name "Mailer Inc."\n}\n'),
    ("only_named_recipients", 'cookie _fbp {\n  party third\n  provider "Meta"\n}\n',
     "cookie `_fbp` (a third party not declared as a recipient)",
     'recipient meta {\n  name "Meta"\n}\ncookie _fbp {\n  party third\n  provider meta\n}\n'),
    ("aggregate_only", "category ip {\n  taxonomy user.device.ip_address\n}\n", "category `ip` (an IP address)",
     "category ip {\n  taxonomy user.device.ip_address\n  identifiability anonymous\n}\n"),
    ("aggregate_only", "category visits {\n  taxonomy user.behavior\n  identifiability pseudonymous\n}\n",
     "category `visits` (`identifiability pseudonymous`)", "category visits {\n  taxonomy user.behavior\n}\n"),
]


@pytest.mark.parametrize(("claim", "contradiction", "named", "consistent"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_trn013_fires_on_a_contradiction_and_not_otherwise(claim: str, contradiction: str, named: str,
                                                           consistent: str) -> None:
    (d,) = diagnose(policy(claim) + contradiction, "TRN013")
    assert (d.span.line, d.span.column, d.span.end_column) == (2, 10, 10 + len(claim))
    assert dict(d.args)["claim"] == claim and dict(d.args)["found"] == named
    assert codes(policy(claim) + consistent, "TRN013") == []


def test_trn013_an_omission_never_contradicts_a_claim() -> None:
    """A purpose that does not say whether it profiles, a cookie-less policy: nothing to hold against."""
    text = policy("no_profiling", "no_cookies", "not_for_children") + "purpose p {\n  use analytics.reporting\n}\n"
    assert codes(text, "TRN013") == []


def test_trn013_one_finding_per_claim_names_every_contradiction_up_to_five() -> None:
    cookies = "".join(f"cookie c{i} {{\n  party first\n}}\n" for i in range(7))
    (d,) = diagnose(policy("no_cookies", "no_cookies") + cookies, "TRN013")
    assert dict(d.args)["found"] == "cookie `c0`, cookie `c1`, cookie `c2`, cookie `c3`, cookie `c4` and 2 more"


def test_an_unknown_claim_is_reported_and_the_others_are_kept() -> None:
    text = policy("no_cookie", "no_profiling") + "purpose p {\n  profiling\n}\n"
    assert codes(text, ["E204", "TRN013"]) == [("E204", 2, 10), ("TRN013", 2, 21)]
    (e,) = diagnose(text, "E204")
    assert e.hint == "did you mean `no_cookies`?"


WHOLE = {
    "TRN013": [
        ("TRN013", (2, 10), (2, 34), {"claim": "no_transfers_outside_eea", "says": "no data leaves the EEA",
                                      "found": "recipient `analytics` (US)"}),
    ],
}


@pytest.mark.parametrize("code", sorted(WHOLE))
def test_the_documented_example_gives_the_whole_finding(code: str) -> None:
    assert findings(example(code), code) == WHOLE[code]
