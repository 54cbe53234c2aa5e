"""Known cookies: the Open Cookie Database as package data, and its free-text retention parsed.

The data (``data/open_cookie_database.json``) is derived from the Open Cookie Database
(jkwakman/Open-Cookie-Database, Apache-2.0; see ``data/NOTICE-open-cookie-database.md``) by
``scripts/regen_cookie_db.py``. It is evidence to cite, not law: some rows are debatable.

Loading is lazy and cached per process: nothing is read until a rule or command asks for a name,
and nothing here imports pydantic or lark.

Category mapping, Open Cookie Database -> ``CookieCategory``:

=================  =====================  ===========================================================
OCD category       ours                   compatible declarations (``category_contradicts``)
=================  =====================  ===========================================================
Necessary          strictly_necessary     strictly_necessary, security, functional, preferences
Security           security               strictly_necessary, security, functional, preferences
Functional         functional             strictly_necessary, security, functional, preferences,
                                          personalization (OCD's "Functional" also holds the
                                          strictly necessary cookies: it has no separate class)
Personalization    personalization        functional, preferences, personalization
Analytics          analytics              analytics
Marketing          marketing              marketing
=================  =====================  ===========================================================

A declaration that is *stricter* than the database (``marketing`` for an OCD Analytics cookie, say)
is not a contradiction by default: it asks for consent where the database would too.

Retention: see ``parse_retention``. A value is stored as ``[low, high]`` where each bound is a
number of seconds, ``"session"`` (ends with the browser session) or ``"persistent"`` (no end
stated: "forever", "Unlimited", ...). A single value has ``low == high``; a range ("30 seconds till
1 year", "Session to 30 days") keeps both ends. Rules that say "too short" compare with ``low``
(the least the platform is known to keep it, so they never fire on a value the database allows);
suggestions declare ``high`` (the longest the cookie may live, which is what a notice must tell).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

DATA = Path(__file__).resolve().parents[1] / "data" / "open_cookie_database.json"

# ---------------------------------------------------------------- durations

YEAR = 31_557_600  # 365.25 days, as in model.Duration
MONTH = YEAR // 12  # 2_629_800
WEEK = 604_800
DAY = 86_400
HOUR = 3_600
MINUTE = 60

#: DSL time units, largest first, with their length in seconds (model._UNIT_DAYS in seconds).
UNITS: tuple[tuple[str, int], ...] = (
    ("year", YEAR), ("month", MONTH), ("week", WEEK), ("day", DAY),
    ("hour", HOUR), ("minute", MINUTE), ("second", 1),
)

_UNIT_WORDS = {
    "year": YEAR, "years": YEAR, "yr": YEAR, "yrs": YEAR, "y": YEAR,
    "month": MONTH, "months": MONTH,
    "week": WEEK, "weeks": WEEK, "w": WEEK,
    "day": DAY, "days": DAY, "d": DAY,
    "hour": HOUR, "hours": HOUR, "hr": HOUR, "hrs": HOUR, "h": HOUR,
    "minute": MINUTE, "minutes": MINUTE, "min": MINUTE, "mins": MINUTE,
    "second": 1, "seconds": 1, "sec": 1, "secs": 1, "s": 1,
}

Bound = int | str  # seconds, "session" or "persistent"

_SESSION = {"session", "sessions", "session cookie", "end of session", "end of session (browser)",
            "browser session"}
_PERSISTENT = {"forever", "unlimited", "permanent", "no expiration", "no expiry", "never expires",
               "persistent"}
#: Suffixes that restate how the period runs without changing its length: the cookie is re-set
#: with the same lifetime on activity, so its max-age is the stated period.
_NEUTRAL_SUFFIXES = ("after last activity", "from set/ update", "from set/update", "from last update")
_PART = re.compile(r"^(\d+)\s*([a-z]+)\.?$")
_RANGE = re.compile(r"^(.+?)\s+(?:till|until|to|-|–)\s+(.+)$")


def _single(text: str) -> Bound | None:
    text = text.strip()
    if text in _SESSION:
        return "session"
    if text in _PERSISTENT:
        return "persistent"
    for suffix in _NEUTRAL_SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)].strip()
            break
    parts = [p.strip() for p in re.split(r",|\band\b", text)]
    if not parts or not all(parts):
        return None
    total = 0
    for part in parts:
        match = _PART.match(part)
        if not match or match.group(2) not in _UNIT_WORDS:
            return None
        total += int(match.group(1)) * _UNIT_WORDS[match.group(2)]
    return total


def parse_retention(text: str) -> tuple[Bound, Bound] | None:
    """The Open Cookie Database's free-text retention as ``(low, high)``, or None if unreadable.

    Read: "2 years", "13 Months", "30 mins", "session", "Sessions", "End of session (browser)",
    "1 year, 1 month" (summed), "2 years after last activity" (a rolling period: its length),
    "forever"/"Unlimited"/"permanent" (persistent, no end), and ranges "A till B", "A to B"
    ("30 seconds till 1 year", "Session to 30 days"). Anything else - "Unknown", "Varies",
    "1 hour or longer", "13 months by default, modifiable", a calendar date, a storage kind - is
    None: reported by the regeneration script, never guessed.
    """
    norm = " ".join(text.replace("\u00a0", " ").split()).lower()
    if not norm:
        return None
    single = _single(norm)
    if single is not None:
        return (single, single)
    match = _RANGE.match(norm)
    if match:
        low, high = _single(match.group(1)), _single(match.group(2))
        if low is not None and high is not None and _order(low) <= _order(high):
            return (low, high)
    return None


def _order(bound: Bound) -> float:
    if bound == "session":
        return -1.0
    if bound == "persistent":
        return float("inf")
    assert isinstance(bound, int)
    return float(bound)


def dsl_duration(seconds: int) -> str:
    """A DSL duration (``13 months``) for exactly ``seconds``, in the largest unit that divides it."""
    for unit, size in UNITS:
        if seconds and seconds % size == 0:
            amount = seconds // size
            return f"{amount} {unit}{'' if amount == 1 else 's'}"
    return f"{seconds} seconds"


def dsl_duration_at_least(seconds: float) -> str:
    """A round DSL duration for an observed lifetime, never shorter than it (beyond clock skew).

    Exact multiples of a day keep their exact unit (``400 days``); otherwise the largest unit whose
    rounded amount is within +2 % / -0.5 % of the lifetime (``2 years`` for an ``Expires`` two
    years and a few seconds away), else whole seconds.
    """
    s = max(1, round(seconds))
    if s % DAY == 0:
        return dsl_duration(s)
    for unit, size in UNITS:
        amount = round(s / size)
        if amount >= 1 and s * 0.995 - 30 <= amount * size <= s * 1.02 + 60:
            return f"{amount} {unit}{'' if amount == 1 else 's'}"
    return f"{s} seconds"


def describe_bound(bound: Bound) -> str:
    return str(bound) if isinstance(bound, str) else dsl_duration(bound)


def dsl_expiry(low: Bound | None, high: Bound | None) -> str | None:
    """What follows ``expiry`` for a retention of the database: a range (``30 seconds to 1 year``)
    when both ends are durations and differ, else the longer end (``1 year``, ``session``,
    ``persistent``); None when the database states none."""
    if high is None:
        return None
    if isinstance(low, int) and isinstance(high, int) and 0 < low < high and dsl_duration(low) != dsl_duration(high):
        return f"{dsl_duration(low)} to {dsl_duration(high)}"
    return describe_bound(high)


# ---------------------------------------------------------------- categories

#: Open Cookie Database category -> ``model.CookieCategory`` value.
CATEGORY_MAP = {
    "Necessary": "strictly_necessary",
    "Security": "security",
    "Functional": "functional",
    "Personalization": "personalization",
    "Analytics": "analytics",
    "Marketing": "marketing",
}

_EXEMPT_LIKE = frozenset({"strictly_necessary", "security", "functional", "preferences"})
#: Declared categories that agree with each database category (see the module docstring).
COMPATIBLE: dict[str, frozenset[str]] = {
    "Necessary": _EXEMPT_LIKE,
    "Security": _EXEMPT_LIKE,
    "Functional": _EXEMPT_LIKE | {"personalization"},
    "Personalization": frozenset({"functional", "preferences", "personalization"}),
    "Analytics": frozenset({"analytics"}),
    "Marketing": frozenset({"marketing"}),
}
#: How much a category needs consent, for "stricter than the database" (higher: more intrusive).
RANK = {"strictly_necessary": 0, "security": 0, "functional": 1, "preferences": 1, "personalization": 1,
        "analytics": 2, "marketing": 3}


def category_contradicts(declared: str, ocd_category: str, allow_stricter: bool = True) -> bool:
    """Whether a declared ``CookieCategory`` value contradicts a database category."""
    compatible = COMPATIBLE.get(ocd_category)
    if compatible is None or declared in compatible:
        return False
    if allow_stricter:
        ours = CATEGORY_MAP[ocd_category]
        return RANK.get(declared, 0) < RANK[ours]
    return True


# ---------------------------------------------------------------- the database

#: Fields of a shipped row, in order (the JSON stores rows as lists to stay small and fast).
FIELDS = ("id", "platform", "category", "name", "domain", "description", "retention", "controller",
          "wildcard", "low", "high")


class KnownCookie(NamedTuple):
    """One Open Cookie Database row (only the fields we use). A named tuple: 2,000 of them are
    built in about 1 ms, where frozen dataclasses took 20 ms."""

    id: str
    platform: str
    category: str  # as in the database: Functional, Analytics, Marketing, ...
    name: str
    domain: str
    description: str
    retention: str  # the database's text
    controller: str
    wildcard: bool  # ``name`` is a prefix
    low: Bound | None  # parsed retention, None when unreadable
    high: Bound | None

    @property
    def our_category(self) -> str | None:
        return CATEGORY_MAP.get(self.category)

    @property
    def provider(self) -> str:
        return self.controller or self.platform

    @property
    def label(self) -> str:
        return f"{self.name}{'*' if self.wildcard else ''}"

    def evidence(self) -> str:
        """The row, cited: platform, category, retention and the row id."""
        return (f"Open Cookie Database: `{self.label}` ({self.platform}) is {self.category}, "
                f"retention {self.retention or 'not given'!r} [row {self.id}]")


class CookieDatabase:
    """Lookup by cookie name: exact rows, then prefix (wildcard) rows, longest prefix first."""

    def __init__(self, rows: Iterable[KnownCookie], source: str = "", licence: str = "") -> None:
        self.source = source
        self.licence = licence
        self.rows: tuple[KnownCookie, ...] = tuple(rows)
        self._exact: dict[str, list[KnownCookie]] = {}
        self._prefix: dict[str, list[KnownCookie]] = {}
        for row in self.rows:
            (self._prefix if row.wildcard else self._exact).setdefault(row.name, []).append(row)
        self._lengths = sorted({len(p) for p in self._prefix}, reverse=True)

    def __len__(self) -> int:
        return len(self.rows)

    def matches(self, name: str) -> list[list[KnownCookie]]:
        """Every group of rows that matches ``name``, best first: exact rows, then prefix rows by
        decreasing prefix length."""
        groups: list[list[KnownCookie]] = []
        if name in self._exact:
            groups.append(self._exact[name])
        for length in self._lengths:
            if length <= len(name) and name[:length] in self._prefix:
                groups.append(self._prefix[name[:length]])
        return groups

    def lookup(self, name: str, provider: str | None = None) -> list[KnownCookie]:
        """The best-matching rows for a cookie name (empty when the database does not know it).

        With a ``provider`` that names a matching row's platform or controller, only such rows are
        considered, so a provider disambiguates names that several platforms use.
        """
        return _best(self.matches(name), provider)

    @functools.cached_property
    def _domains(self) -> dict[str, frozenset[str]]:
        """Host -> the providers of the rows set on it (``doubleclick.net (3rd party)`` -> Google)."""
        index: dict[str, set[str]] = {}
        for row in self.rows:
            for host in hosts(row.domain):
                if row.provider:
                    index.setdefault(host, set()).add(row.provider)
        return {host: frozenset(providers) for host, providers in index.items()}

    @functools.cached_property
    def _providers(self) -> tuple[_Name, ...]:
        """Every platform and controller the database names, read once for ``provider_names``."""
        return tuple(_name(n) for n in dict.fromkeys(n for r in self.rows for n in (r.platform, r.controller)
                                                     if n.strip()))

    def providers_for_domain(self, domain: str) -> list[str]:
        """The providers the database knows to set cookies on ``domain`` or a domain it is under
        (``.google.com``, ``accounts.google.com`` -> Google); empty for a host it does not know."""
        labels = domain.strip().lower().lstrip(".").split(".")
        for start in range(0, max(len(labels) - 1, 0)):
            found = self._domains.get(".".join(labels[start:]))
            if found:
                return sorted(found)
        return []

    @functools.cached_property
    def _provider_texts(self) -> frozenset[str]:
        """Every platform and controller the database names, lower-cased and stripped."""
        return frozenset(n.strip().lower() for r in self.rows for n in (r.platform, r.controller) if n.strip())

    def is_known_provider(self, provider: str) -> bool:
        """Whether a declared provider names a platform or controller of the database. A name the
        database has as it is (the usual case) is answered without reading every name's words."""
        given = _name(provider)
        if given[0] in self._provider_texts and _names(given, _name(given[0])):
            return True
        return any(_names(given, name) for name in self._providers)

    def lookup_pattern(self, pattern: str, provider: str | None = None) -> list[KnownCookie]:
        """Rows that hold for *every* name a declared pattern matches.

        A pattern is a literal prefix followed by ``*`` wildcards (or, with no ``*``, a prefix).
        A row qualifies when it is a prefix row whose prefix starts the pattern's literal prefix:
        then every matching name is a name that row describes.
        """
        literal = pattern.split("*", 1)[0]
        if not literal:
            return []
        return _best([g for g in self.matches(literal) if g[0].wildcard], provider)


def _best(groups: list[list[KnownCookie]], provider: str | None) -> list[KnownCookie]:
    """The first group's rows; with a ``provider``, the first group that has rows of that provider, only those."""
    if provider:
        narrowed = [[r for r in g if _provider_matches(provider, r)] for g in groups]
        narrowed = [g for g in narrowed if g]
        if narrowed:
            return narrowed[0]
    return list(groups[0]) if groups else []


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


#: Platforms of the database that are software a site runs itself (a framework, a CMS), not a
#: company that sets its cookies: `PHPSESSID` is PHP's, whoever runs PHP.
SOFTWARE = frozenset({
    "asp.net", "cakephp", "perl", "craftcms", "nginx ingresss", "j2ee", "next", "php.net", "typo3", "magento",
    "nextauth.js", "next.js", "ruby on rails", "wordpress", "codeigniter", "joomla!", "django", "drupal cms",
    "joomlart", "laravel", "joomla! engagebox", "phpmyadmin", "rack", "devise (ruby on rails)", "wpml",
})

#: Names of one company group: a cookie of Facebook's is Meta's, YouTube's is Google's (the
#: database names brands as platforms and, for some rows, the brand as controller too).
_GROUPS = (
    frozenset({"meta", "facebook", "instagram", "whatsapp"}),
    frozenset({"google", "youtube", "doubleclick", "recaptcha", "alphabet"}),
    frozenset({"microsoft", "linkedin", "bing", "clarity", "azure"}),
    frozenset({"cookiebot", "usercentrics", "cybot"}),
    frozenset({"twitter", "x corp"}),
    frozenset({"adobe", "omniture", "demdex", "everesttech"}),
    frozenset({"oracle", "bluekai", "addthis"}),
    frozenset({"salesforce", "pardot", "krux", "exacttarget"}),
    frozenset({"hotjar", "contentsquare"}),
)


#: Each company group as its one-word names (matched as words) and its names of several words
#: (matched as text).
_GROUP_NAMES = tuple((frozenset(w for w in group if " " not in w), tuple(w for w in group if " " in w))
                     for group in _GROUPS)


def _groups(name: str, words: set[str]) -> frozenset[int]:
    """The company groups (indices into ``_GROUPS``) a lower-cased name with ``words`` is of."""
    return frozenset(i for i, (single, several) in enumerate(_GROUP_NAMES)
                     if not single.isdisjoint(words) or any(w in name for w in several))


#: A provider's name as ``provider_names`` compares it: lower-cased and stripped, its words, its groups.
_Name = tuple[str, set[str], frozenset[int]]


def _name(text: str) -> _Name:
    low = text.strip().lower()
    words = _words(low)
    return low, words, _groups(low, words)


def provider_names(given: str, candidate: str) -> bool:
    """Whether a declared provider (``given``) names the platform or controller ``candidate``:
    the words of one are among the other's, one contains the other (names of five letters or
    more), or both are of one company group (Meta and Facebook, Google and YouTube)."""
    return _names(_name(given), _name(candidate))


def _names(given: _Name, candidate: _Name) -> bool:
    """``provider_names`` of two names already read by ``_name``."""
    (low_given, words_given, groups_given), (low_cand, words_cand, groups_cand) = given, candidate
    if not low_given or not low_cand:
        return False
    if (words_cand and words_cand <= words_given) or (words_given and words_given <= words_cand):
        return True
    # "hubspot" in "hubspotcorp"; not "x" (X, formerly Twitter) in "conseiluxtraining.com"
    shorter, longer = sorted((low_given, low_cand), key=len)
    if len(shorter) >= 5 and shorter in longer:
        return True
    return bool(groups_given & groups_cand)


def _provider_matches(provider: str, row: KnownCookie) -> bool:
    return any(provider_names(provider, candidate) for candidate in (row.platform, row.controller))


_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}")


def hosts(field: str) -> list[str]:
    """The host names in a database ``domain`` field (``.bing.com (3rd party) or .microsoft.com``)."""
    return _HOST.findall(field.lower())


def from_json(data: dict[str, Any]) -> CookieDatabase:
    fields = tuple(data["fields"])
    if fields != FIELDS:
        raise ValueError(f"open_cookie_database.json has fields {fields}, expected {FIELDS}")
    make = KnownCookie._make
    rows = [make(r) for r in data["rows"]]
    return CookieDatabase(rows, data.get("source", ""), data.get("licence", ""))


@functools.cache
def database() -> CookieDatabase:
    """The shipped database, read once per process on first use."""
    return from_json(json.loads(DATA.read_bytes()))


def row_to_json(row: KnownCookie) -> list[Any]:
    return [row.id, row.platform, row.category, row.name, row.domain, row.description, row.retention,
            row.controller, bool(row.wildcard), row.low, row.high]
