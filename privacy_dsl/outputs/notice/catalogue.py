"""The notice's fixed wording, read from gettext message catalogues: one per language, in
``privacy_dsl/locale/<lang>/LC_MESSAGES/notice.po`` (edited by people) and ``notice.mo`` (compiled
from it by ``scripts/regen_catalogues.py``, read here with the standard library's ``gettext``).

A message id is a key, not English text: ``basis.contract``, ``title``, ``unit.day``. The keys are
defined here, from the fields of ``Phrases`` and the values of the model's enums, so the code and
the catalogues cannot disagree on what must be translated: ``tests/test_notice.py`` checks that
every catalogue has every key, with the placeholders of the English one. A placeholder is a
``{name}`` (Python's ``str.format``); a unit is a plural message (``ngettext``, with the language's
own ``Plural-Forms``) whose translation includes ``{n}``.

The languages are the catalogues present (``privacy_dsl.locale.available``): adding
``locale/xx/LC_MESSAGES/notice.po`` (``scripts/regen_catalogues.py --new xx``) and compiling it
adds ``--lang xx``.
"""

from __future__ import annotations

import dataclasses
import gettext
from enum import StrEnum
from functools import cache

from ...language import model as m
from ...locale import DOMAIN, LOCALE_DIR, available
from ...records import dataclass
from .phrases import Phrases

__all__ = ["DOMAIN", "LOCALE_DIR", "Key", "NoCatalogue", "available", "message_keys", "phrases_for"]

#: The retention events the notice words: "until <event>" (and the same events after a duration).
EVENTS_UNTIL = (
    "consent_withdrawn", "consent_withdrawal", "withdrawal", "last_order", "last_purchase", "financial_year_end",
    "end_of_financial_year", "contract_end", "end_of_contract", "account_closed", "account_deleted",
    "account_deletion", "erasure_request", "deletion_request", "unsubscribe", "unsubscribed", "session_end",
    "employment_end", "case_closed", "purpose_fulfilled",
)
#: The events worded after a duration only ("2 years after your last login").
EVENTS_AFTER = (*EVENTS_UNTIL, "last_login", "last_activity", "last_visit", "collection")
#: The regions a country list may name besides the ISO 3166-1 codes.
REGIONS = ("EU", "EEA", "OUTSIDE_EEA", "ADEQUATE")
#: The columns of the cookie table, in order.
COOKIE_COLUMNS = ("name", "provider", "party", "category", "purpose", "expiry", "consent")


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(v.value for v in enum)


#: Each dict field of ``Phrases``: the keys it has (``<field>.<key>`` in the catalogue).
DICTS: dict[str, tuple[str, ...]] = {
    "basis": _values(m.BasisKind),
    "special_conditions": _values(m.SpecialCondition),
    "consent_methods": _values(m.ConsentMethod),
    "withdraw_routes": _values(m.WithdrawRoute),
    "automated_exceptions": _values(m.AutomatedException),
    "identifiability": _values(m.Identifiability),
    "retention_vague": tuple(m.RETENTION_WORDS),
    "events_until": EVENTS_UNTIL,
    "events_after": EVENTS_AFTER,
    "roles": _values(m.Role),
    "mechanisms": _values(m.Mechanism),
    "parties": _values(m.Party),
    "storage": _values(m.StorageKind),
    "cookie_categories": _values(m.CookieCategory),
    "rights": _values(m.Right),
    "claims": _values(m.Claim),
    "scope_kinds": _values(m.ScopeKind),
    "topics": _values(m.Topic),
}

#: Each phrase with placeholders: its key and the names of its placeholders.
FORMATS: dict[str, tuple[str, ...]] = {
    "title": ("controller",),
    "controller_intro": ("name",),
    "basis_citation": ("letter",),
    "special_citation": ("letter",),
    "retention_until": ("event",),
    "retention_after": ("duration", "event"),
    "retention_law": ("law",),
    "retention_up_to": ("duration",),
    "retention_law_permits": ("law",),
    "retention_archive": (),
    "retention_archive_under": ("law",),
    "expiry_range": ("shortest", "longest"),
    "date.day": ("day", "month", "year"),
    #: The first of a month, which some languages write as an ordinal (French "1er septembre").
    "date.first_day": ("month", "year"),
    "date.month": ("month", "year"),
}

#: The fields built from several keys (or none): not a key of their own.
_COMPOSED = {"lang", "date", "unit", "retention_archive", "cookie_columns", "countries", *DICTS, *FORMATS}


@dataclass(frozen=True, slots=True)
class Key:
    """One message of the catalogue: its id, its placeholders, and whether it has plural forms."""

    msgid: str
    placeholders: tuple[str, ...] = ()
    plural: bool = False


def country_codes() -> tuple[str, ...]:
    from ...language.taxonomy import countries

    return (*REGIONS, *countries())


def message_keys() -> tuple[Key, ...]:
    """Every message a catalogue must have, in the order the template lists them."""
    out = [Key(f.name) for f in dataclasses.fields(Phrases) if f.name not in _COMPOSED]
    out += [Key(name, placeholders) for name, placeholders in FORMATS.items()]
    out += [Key(f"month.{i}") for i in range(1, 13)]
    out += [Key(f"unit.{u.value}", ("n",), plural=True) for u in m.TimeUnit]
    out += [Key(f"cookie_column.{c}") for c in COOKIE_COLUMNS]
    out += [Key(f"{field}.{k}") for field, ks in DICTS.items() for k in ks]
    out += [Key(f"country.{code}") for code in country_codes()]
    return tuple(out)


def plural_id(key: Key) -> str:
    """The ``msgid_plural`` of a plural key."""
    return f"{key.msgid}.plural"


class NoCatalogue(ValueError):
    """A language without a catalogue."""


def translations(lang: str) -> gettext.GNUTranslations:
    if lang not in available():
        raise NoCatalogue(f"no notice catalogue for language {lang!r}; available: {', '.join(available())}")
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as f:
        return gettext.GNUTranslations(f)


@cache
def phrases_for(lang: str) -> Phrases:
    """The ``Phrases`` of ``lang`` from its catalogue (``NoCatalogue`` when it has none)."""
    t = translations(lang)
    g = t.gettext

    def date(value: str) -> str:
        parts = value.split("-")
        if len(parts) == 3 and int(parts[2]) == 1:
            return g("date.first_day").format(month=g(f"month.{int(parts[1])}"), year=parts[0])
        if len(parts) == 3:
            return g("date.day").format(day=int(parts[2]), month=g(f"month.{int(parts[1])}"), year=parts[0])
        if len(parts) == 2:
            return g("date.month").format(month=g(f"month.{int(parts[1])}"), year=parts[0])
        return value

    def unit(name: str, n: int) -> str:
        return t.ngettext(f"unit.{name}", f"unit.{name}.plural", n).format(n=n)

    def archive(law: str | None) -> str:
        return g("retention_archive_under").format(law=law) if law else g("retention_archive")

    countries = {code: name for code in country_codes() if (name := g(f"country.{code}")) != f"country.{code}"}
    values: dict[str, object] = {
        f.name: g(f.name) for f in dataclasses.fields(Phrases) if f.name not in _COMPOSED}
    values |= {field: {k: g(f"{field}.{k}") for k in ks} for field, ks in DICTS.items()}
    values |= {
        "lang": lang,
        "title": lambda controller: g("title").format(controller=controller),
        "controller_intro": lambda name: g("controller_intro").format(name=name),
        "basis_citation": lambda letter: g("basis_citation").format(letter=letter),
        "special_citation": lambda letter: g("special_citation").format(letter=letter),
        "retention_until": lambda event: g("retention_until").format(event=event),
        "retention_after": lambda duration, event: g("retention_after").format(duration=duration, event=event),
        "retention_law": lambda law: g("retention_law").format(law=law),
        "retention_up_to": lambda duration: g("retention_up_to").format(duration=duration),
        "retention_law_permits": lambda law: g("retention_law_permits").format(law=law),
        "retention_archive": archive,
        "expiry_range": lambda shortest, longest: g("expiry_range").format(shortest=shortest, longest=longest),
        "date": date,
        "unit": unit,
        "cookie_columns": tuple(g(f"cookie_column.{c}") for c in COOKIE_COLUMNS),
        "countries": countries,
    }
    return Phrases(**values)  # type: ignore[arg-type]
