"""Resolution across the files of a policy: references, duplicates, defaults."""

from __future__ import annotations

import itertools

from conftest import codes

from privacy_dsl.language import model as m
from privacy_dsl.language.sources import SourceFile
from privacy_dsl.lint.config import Config
from privacy_dsl.lint.engine import lint_sources

FILES = {
    "a.privacy": (
        "purpose news {\n  use essential.service\n  basis contract\n  categories email\n  recipients mailer\n}\n"
    ),
    "b.privacy": "category email { taxonomy user.contact.email }\n",
    "c.privacy": 'recipient mailer { name "Mailer" role processor countries NO contract "DPA" }\n',
}


def _lint(files: dict[str, str]) -> tuple[m.Policy | None, list[tuple[str, str, int, int]]]:
    result = lint_sources("p", [SourceFile(k, v) for k, v in files.items()], Config(select=("E",)))
    return result.policy, [(d.code, d.span.path, d.span.line, d.span.column) for d in result.diagnostics]


def test_names_resolve_across_files_in_any_order() -> None:
    for order in itertools.permutations(FILES):
        policy, found = _lint({name: FILES[name] for name in order})
        assert found == []
        assert policy is not None and set(policy.purposes) == {"news"} and set(policy.categories) == {"email"}


def test_undefined_reference_with_suggestion() -> None:
    text = "category email { taxonomy user.contact.email }\npurpose p { categories emial }\n"
    assert codes(text, "E") == [("E200", 2, 24)]


def test_wrong_kind_of_reference() -> None:
    text = "category email { taxonomy user.contact.email }\npurpose p { recipients email }\n"
    assert codes(text, "E") == [("E202", 2, 24)]


def test_duplicates_across_files_point_at_the_second() -> None:
    _, found = _lint({"a.privacy": "subject s\n", "b.privacy": "\n\nsubject s\n"})
    assert found == [("E201", "b.privacy", 3, 1)]


def test_two_controllers() -> None:
    assert codes('controller "A" { }\ncontroller "B" { }\n', "E") == [("E206", 2, 1)]


def test_defaults_fill_only_what_a_block_does_not_say() -> None:
    text = (
        "subject customer\nsubject visitor\n"
        "defaults purpose { subjects customer retention 1 year }\n"
        "purpose a { }\n"
        "purpose b { subjects visitor }\n"
        "defaults cookie { party first expiry session }\n"
        "cookie c { party third }\n"
    )
    policy, found = _lint({"x.privacy": text})
    assert found == []
    assert policy is not None
    a, b = policy.purposes["a"], policy.purposes["b"]
    assert [r.name for r in a.subjects] == ["customer"] and a.retention[0].duration is not None
    assert a.span_of("subjects").line == 3  # points at the defaults block statement
    # whom the purpose is about: the block's own answer replaces the default's
    assert [r.name for r in b.subjects] == ["visitor"]
    assert b.span_of("subjects").line == 5
    (cookie,) = policy.cookies
    assert cookie.party is m.Party.THIRD and cookie.expiry is not None and cookie.expiry.lifetime == "session"


def test_lists_of_things_involved_add_up_and_alternatives_are_replaced() -> None:
    text = (
        "subject customer\nsubject visitor\ncategory email { taxonomy user.contact.email }\n"
        "category ip { taxonomy user.device.ip_address }\n"
        'recipient host { name "H" }\nrecipient mailer { name "M" }\n'
        "defaults purpose {\n  categories ip\n  subjects customer\n  recipients host\n"
        "  basis contract\n  retention 10 years\n}\n"
        "purpose news {\n  categories email, ip\n  subjects visitor\n  recipients mailer, host\n"
        "  basis consent\n  retention until consent_withdrawn\n}\n"
        "purpose p {\n  categories email\n}\n"
        "purpose cookies_p { }\npurpose stats { }\n"
        'defaults cookie {\n  purpose cookies_p\n  domains ".acme.example"\n}\n'
        'cookie c {\n  purpose stats\n  domains "tracker.example"\n}\n'
    )
    policy, found = _lint({"x.privacy": text})
    assert found == []
    assert policy is not None
    news = policy.purposes["news"]
    assert [r.name for r in news.categories] == ["ip", "email"]  # each once, the default's first
    assert [r.name for r in news.subjects] == ["visitor"]  # replaced
    assert [r.name for r in news.recipients] == ["host", "mailer"]
    assert [b.basis.value for b in news.bases] == ["consent"]  # replaced
    assert [r.rule for r in news.retention] == ["until"]  # replaced
    p = policy.purposes["p"]
    assert [r.name for r in p.categories] == ["ip", "email"] and [b.basis.value for b in p.bases] == ["contract"]
    assert [r.name for r in p.subjects] == ["customer"] and p.span_of("subjects").line == 9
    (cookie,) = policy.cookies
    assert [r.name for r in cookie.purposes] == ["cookies_p", "stats"]
    assert cookie.domains == ("tracker.example",)


SECTIONS = {
    "stats.privacy": (
        "defaults cookie here {\n  category analytics\n  purpose statistics\n  party third\n}\n"
        "cookie _pk_id { expiry 13 months }\ncookie _own { party first }\n"
    ),
    "ads.privacy": (
        "defaults cookie here {\n  category marketing\n  purpose ads\n}\n"
        "cookie _fbp { expiry 90 days }\n"
    ),
    "other.privacy": (
        "defaults cookie {\n  category strictly_necessary\n  party first\n  purpose service\n}\n"
        "cookie session { expiry session }\n"
        "purpose statistics { }\npurpose ads { }\npurpose service { }\n"
    ),
}


def test_two_file_scoped_defaults_apply_each_to_its_own_file_only() -> None:
    policy, found = _lint(SECTIONS)
    assert found == []
    assert policy is not None
    by_name = {c.name: c for c in policy.cookies}
    pk, fbp, session = by_name["_pk_id"], by_name["_fbp"], by_name["session"]
    assert pk.category is m.CookieCategory.ANALYTICS and fbp.category is m.CookieCategory.MARKETING
    assert session.category is m.CookieCategory.STRICTLY_NECESSARY
    assert pk.span_of("category").path == "stats.privacy" and fbp.span_of("category").path == "ads.privacy"


def test_a_file_scoped_default_wins_over_the_policy_wide_one_and_the_block_over_both() -> None:
    policy, _ = _lint(SECTIONS)
    assert policy is not None
    by_name = {c.name: c for c in policy.cookies}
    pk, own, fbp = by_name["_pk_id"], by_name["_own"], by_name["_fbp"]
    assert pk.party is m.Party.THIRD and pk.span_of("party").path == "stats.privacy"  # here > policy-wide
    assert own.party is m.Party.FIRST and own.span_of("party").path == "stats.privacy"  # the block > here
    assert fbp.party is m.Party.FIRST and fbp.span_of("party").path == "other.privacy"  # only the policy-wide
    # lists that add up take all three: policy-wide, the file's, the block's
    assert [r.name for r in pk.purposes] == ["service", "statistics"]
    assert [r.name for r in fbp.purposes] == ["service", "ads"]


def test_one_defaults_block_of_each_kind_per_scope() -> None:
    _, found = _lint({
        "a.privacy": "defaults cookie here { party first }\ndefaults cookie here { party third }\n"
                     "defaults purpose here { }\ndefaults cookie { }\n",
        "b.privacy": "defaults cookie here { party first }\ndefaults cookie { }\n",
    })
    assert found == [("E201", "a.privacy", 2, 1), ("E201", "b.privacy", 2, 1)]


def test_file_scoped_defaults_are_checked_like_the_others() -> None:
    _, found = _lint({"a.privacy": "defaults purpose here { recipients nobody }\npurpose p { }\n"})
    assert found == [("E200", "a.privacy", 1, 36)]
