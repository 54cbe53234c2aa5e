"""Unnamed cookies, categories of recipients, expiry ranges and `expiry never`, through every output:
the formatter, the notice (en, nb), the fides export and import, verify-cookies and the queries."""

from __future__ import annotations

import math
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
from test_observed import entry, har

from privacy_dsl.api import load_text
from privacy_dsl.interop.export import to_fides
from privacy_dsl.interop.observed import read_har
from privacy_dsl.interop.verify import VerifyOptions, verify
from privacy_dsl.language import model as m
from privacy_dsl.outputs.fmt import format_string
from privacy_dsl.outputs.notice import build, render

POLICY = dedent('''\
    controller "Shop AS" {
      country NO
    }
    recipient partners {
      name { en "Similar third-party services" nb "Lignende tredjepartstjenester" }
      category_only
      role controller
    }
    recipient google {
      name "Google Ireland Ltd"
      role controller
    }
    cookie unnamed {
      provider google
      party third
      expiry 30 seconds to 1 year
      category analytics
    }
    cookie unnamed {
      kind local_storage
      party first
      expiry never
      category functional
    }
    cookie cart {
      kind cache_storage
      party first
      expiry session
    }
    cookie "unnamed" {
      expiry 13 months
    }
    ''')


def policy(text: str = POLICY) -> m.Policy:
    return load_text(text).model


# ---------------------------------------------------------------- fmt


def test_fmt_keeps_the_keyword_bare_and_the_name_quoted() -> None:
    assert format_string(POLICY) == POLICY
    out = format_string('cookie unnamed { expiry 30  second  to 1 years }\ncookie "unnamed" { }\n')
    assert out == 'cookie unnamed {\n  expiry 30 seconds to 1 year\n}\ncookie "unnamed" {}\n'


def test_fmt_puts_category_only_after_the_name() -> None:
    out = format_string('recipient r { role processor category_only yes name "Our suppliers" }\n')
    assert out == 'recipient r {\n  name "Our suppliers"\n  category_only\n  role processor\n}\n'


# ---------------------------------------------------------------- the notice


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["| Name not stated | Google Ireland Ltd | Third party | Analytics | not stated | 30 seconds to 1 year "
            "| No |",
            "| Name not stated (local storage) | not stated | First party | Functional | not stated | "
            "Does not expire: kept "
            "until it is deleted | No |",
            "| `cart` (cache storage) |",
            "| `unnamed` |",
            "We share personal data with these recipients and categories of recipients",
            "A category of recipients: the recipients in it are not named."]),
    ("nb", ["| Navn ikke oppgitt | Google Ireland Ltd | Tredjepart | Analyse | ikke oppgitt | 30 sekunder til 1 år "
            "| Nei |",
            "Utløper ikke: lagres til den slettes",
            "| `cart` (hurtigbufferlagring (Cache Storage)) |",
            "Vi deler personopplysninger med disse mottakerne og kategoriene av mottakere",
            "En kategori av mottakere: mottakerne i den er ikke navngitt."]),
])
def test_the_notice_says_what_the_policy_says(lang: str, expected: list[str]) -> None:
    notice, problems = build(policy(), lang)
    md = render(notice, "md")
    for needle in expected:
        assert needle in md, needle
    assert all(p.code != "NTC002" for p in problems)


def test_a_notice_without_categories_of_recipients_keeps_its_intro() -> None:
    md = render(build(policy(POLICY.replace("  category_only\n", "")), "en")[0], "md")
    assert "We share personal data with these recipients, for the purposes named above." in md
    assert "A category of recipients" not in md


# ---------------------------------------------------------------- fides export and import


def _cookies(data: dict[str, Any]) -> list[dict[str, Any]]:
    return list(data["system"][0]["meta"]["privacy_dsl"]["cookies"])


def test_export_keeps_both_ends_of_a_range_and_never_has_no_max_age() -> None:
    data, _ = to_fides(policy(), "en")
    unnamed, local, cart, literal = _cookies(data)
    year = math.ceil(365.25 * 86400)
    assert (unnamed.get("name"), unnamed["unnamed"], unnamed["expiry"], unnamed["duration"], unnamed["minimum"],
            unnamed["max_age_seconds"]) == (None, True, "persistent", "1 year", "30 seconds", year)
    assert (local["unnamed"], local["expiry"], local["storage"]) == (True, "never", "local_storage")
    assert "max_age_seconds" not in local and "duration" not in local
    assert (cart["name"], cart["storage"]) == ("cart", "cache_storage")
    assert literal["name"] == "unnamed" and "unnamed" not in literal
    # storage that never expires has no maximum age, so the system's maximum is not known
    assert "cookie_max_age_seconds" not in data["system"][0]
    ranged, _ = to_fides(policy(POLICY.replace("expiry never", "expiry 1 day").replace("13 months", "1 day")), "en")
    assert ranged["system"][0]["cookie_max_age_seconds"] == year  # a range counts by its longer end
    partners = next(s for s in data["system"] if s["meta"]["privacy_dsl"].get("id") == "partners")
    assert partners["meta"]["privacy_dsl"]["category_only"] is True
    google = next(s for s in data["system"] if s["meta"]["privacy_dsl"].get("id") == "google")
    assert "category_only" not in google["meta"]["privacy_dsl"]  # not stated


def test_export_then_import_keeps_unnamed_cookies_ranges_never_and_categories() -> None:
    pytest.importorskip("yaml")
    from privacy_dsl.interop.export import dump_yaml
    from privacy_dsl.interop.importer import from_fides, load_yaml

    original = policy()
    data, _ = to_fides(original, "en")
    text, _ = from_fides(load_yaml(dump_yaml(data)), lang="en")
    back = load_text(text).model
    assert [(c.name, c.storage, str(c.expiry)) for c in back.cookies] == [
        (c.name, c.storage, str(c.expiry)) for c in original.cookies]
    assert "cookie unnamed {" in text and 'cookie "unnamed" {' in text
    assert back.recipients["partners"].category_only is True
    assert back.recipients["google"].category_only is None


# ---------------------------------------------------------------- verify-cookies


def test_an_unnamed_declaration_matches_nothing_and_the_hint_points_at_it(tmp_path: Path) -> None:
    text = dedent('''\
        policy "Shop" {
          url "https://shop.example/privacy"
        }
        cookie unnamed {
          party first
          expiry 1 day
        }
        cookie sid {
          party first
          expiry session
        }
        ''')
    path = har(tmp_path, [entry("https://shop.example/", 0.1, ["sid=1; Path=/", "mystery=2; Max-Age=60"])])
    found = verify(policy(text), [read_har(path, "visit.har")], VerifyOptions())
    assert [(d.code, dict(d.args).get("name")) for d in found] == [("VC001", "mystery")]  # no VC006 for unnamed
    assert "if it is the unnamed declaration at policy.privacy:4:1, give it this name" in str(found[0].hint)


def test_verify_on_a_range_compares_the_longer_end(tmp_path: Path) -> None:
    text = 'policy "Shop" { url "https://shop.example/privacy" }\ncookie sid { party first expiry 1 minute to 1 day }\n'
    short = har(tmp_path, [entry("https://shop.example/", 0.1, ["sid=1; Max-Age=3600"])])
    assert verify(policy(text), [read_har(short, "visit.har")], VerifyOptions()) == []
    (tmp_path / "long").mkdir()
    long = har(tmp_path / "long", [entry("https://shop.example/", 0.1, ["sid=1; Max-Age=864000"])])
    assert [d.code for d in verify(policy(text), [read_har(long, "visit.har")], VerifyOptions())] == ["VC002"]


# ---------------------------------------------------------------- queries


def test_queries_list_unnamed_cookies_but_cannot_look_them_up_by_name() -> None:
    handle = load_text(POLICY)
    infos = handle.cookies()
    assert [(c.name, c.label) for c in infos] == [
        (None, "an unnamed cookie of provider `google` (line 13)"),
        (None, "an unnamed functional local storage item (line 19)"),
        ("cart", "cache storage `cart`"),
        ("unnamed", "cookie `unnamed`"),
    ]
    assert infos[0].to_dict()["name"] is None and infos[0].expiry == "30 seconds to 1 year"
    assert handle.cookie("unnamed").label == "cookie `unnamed`"  # the cookie named "unnamed"


# ---------------------------------------------------------------- the Open Cookie Database's ranges


@pytest.mark.parametrize(("low", "high", "expiry"), [
    (30, 31_557_600, "30 seconds to 1 year"),          # "30 seconds till 1 year"
    (86_400, 86_400, "1 day"),                          # one value
    ("session", 2_592_000, "30 days"),                  # "Session to 30 days": the longer end
    (60, "persistent", "persistent"),
    (None, None, None),
])
def test_database_retention_as_an_expiry(low: object, high: object, expiry: str | None) -> None:
    from privacy_dsl.lint.cookiedb import dsl_expiry

    assert dsl_expiry(low, high) == expiry  # type: ignore[arg-type]
    if expiry is not None:  # and it is what the language reads
        assert load_text(f"cookie c {{ expiry {expiry} }}").model.cookies[0].expiry is not None


def test_suggestions_from_the_database_keep_its_range() -> None:
    from privacy_dsl.interop.verify import suggest_block
    from privacy_dsl.lint.cookiedb import database

    row = next(r for r in database().rows if isinstance(r.low, int) and isinstance(r.high, int)
               and 0 < r.low < r.high and not r.wildcard and r.name.isidentifier())
    block = suggest_block(row.name, known=[row])
    assert " to " in block.split("expiry ", 1)[1].splitlines()[0]
    assert load_text(block + "\n").model.cookies[0].expiry.minimum is not None  # type: ignore[union-attr]
