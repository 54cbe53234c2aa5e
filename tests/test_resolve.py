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
    assert [r.name for r in b.subjects] == ["visitor"]
    (cookie,) = policy.cookies
    assert cookie.party is m.Party.THIRD and cookie.expiry is not None and cookie.expiry.lifetime == "session"
