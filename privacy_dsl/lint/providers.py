"""Known providers: major trackers and service vendors, who acts for EU users and where data goes.

The data (``data/known_providers.json``) is written by hand, with sources and an "as of" date per
provider, and normalised by ``scripts/regen_known_providers.py``; see ``data/NOTICE.md``. It is
evidence to cite, not law: a provider's entities, data centres and Data Privacy Framework listing
change, so every entry says when it was true and where to check it.

Lookup is by name (a recipient's or a cookie's ``provider`` text: an alias appears in it as whole
words, ``Google Ireland Limited (YouTube)`` is Google) and by domain (a cookie's ``domains`` or a
recipient's ``website``: ``www.youtube-nocookie.com`` ends with ``.youtube-nocookie.com``). Loading is
lazy and cached per process; nothing here imports pydantic or lark.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from ..language import jurisdictions as jur

DATA = Path(__file__).resolve().parents[1] / "data" / "known_providers.json"

#: Fields of a provider entry, in the order the regeneration script writes them.
FIELDS = ("id", "name", "entity", "entity_country", "parent", "parent_country", "data_countries", "dpf",
          "as_of", "aliases", "exact_aliases", "domains", "sources", "note")


class KnownProvider(NamedTuple):
    """One provider of the dataset."""

    id: str
    name: str
    #: The legal entity that acts for users in the EU (the controller or processor they deal with).
    entity: str
    entity_country: str
    #: The group's parent, and where it is.
    parent: str
    parent_country: str
    #: Where the provider says the data is stored or accessed (ISO 3166-1 alpha-2).
    data_countries: tuple[str, ...]
    #: Whether the US parent is on the Data Privacy Framework List; None: not checked or not US.
    dpf: bool | None
    as_of: str
    aliases: tuple[str, ...]
    #: Aliases that name the provider only as the whole name ("X", "Segment", "Meta").
    exact_aliases: tuple[str, ...]
    domains: tuple[str, ...]
    sources: tuple[str, ...]
    note: str

    def third_countries(self) -> tuple[str, ...]:
        """The countries outside the EEA the data is in: where the entity is and where data goes."""
        codes = (self.entity_country, *self.data_countries)
        return tuple(c for c in dict.fromkeys(codes) if jur.is_third_country(c))

    def dpf_text(self) -> str:
        """The parent's Data Privacy Framework status as a message says it, with its date."""
        if self.dpf is None:
            return f"{self.parent}'s Data Privacy Framework status is not recorded"
        listed = "is" if self.dpf else "is not"
        return f"{self.parent} {listed} on the Data Privacy Framework List as of {self.as_of}"


def words(text: str) -> tuple[str, ...]:
    """Lower-case words of a name: letters and digits, so ``Meta Platforms, Inc.`` is
    ``meta platforms inc``."""
    return tuple(re.findall(r"[a-z0-9]+", text.lower()))


def host(text: str) -> str:
    """A domain as a bare lower-case host: no scheme, path, port or leading dot."""
    value = text.strip().lower()
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value)
    value = re.split(r"[/:?#\s]", value, maxsplit=1)[0]
    return value.lstrip(".")


_HOST = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}")


class ProviderDatabase:
    """Lookup by name or alias, and by domain."""

    def __init__(self, providers: Iterable[KnownProvider]) -> None:
        self.providers: tuple[KnownProvider, ...] = tuple(providers)
        self.by_id = {p.id: p for p in self.providers}
        self._aliases: list[tuple[tuple[str, ...], KnownProvider]] = []
        self._exact: dict[tuple[str, ...], KnownProvider] = {}
        for p in self.providers:
            for alias in (p.name, *p.aliases):
                self._aliases.append((words(alias), p))
            for alias in p.exact_aliases:
                self._exact[words(alias)] = p
        # Longest alias first, so "Google Analytics" wins over a shorter alias of another provider.
        self._aliases.sort(key=lambda item: -len(item[0]))
        # The aliases by their first word, with their place in that order: a name is compared with
        # the few aliases that start with one of its words, not with every alias (by_name runs for
        # every recipient and cookie of every policy).
        self._by_first: dict[str, list[tuple[int, tuple[str, ...], KnownProvider]]] = {}
        self._wordless: KnownProvider | None = None
        for rank, (key, provider) in enumerate(self._aliases):
            if key:
                self._by_first.setdefault(key[0], []).append((rank, key, provider))
            elif self._wordless is None:
                self._wordless = provider
        self._domains = {host(d): p for p in self.providers for d in p.domains}

    def __len__(self) -> int:
        return len(self.providers)

    def by_name(self, name: str | None) -> KnownProvider | None:
        """The provider a name names: an exact alias as the whole name, else the longest alias that
        appears in it as whole words, else a host name in it (``youtube.com / ...``)."""
        if not name:
            return None
        have = words(name)
        if not have:
            return None
        if have in self._exact:
            return self._exact[have]
        best: tuple[int, KnownProvider] | None = None
        for i, word in enumerate(have):
            for rank, alias, provider in self._by_first.get(word, ()):
                if (best is None or rank < best[0]) and have[i:i + len(alias)] == alias:
                    best = (rank, provider)
        if best is not None:
            return best[1]
        if self._wordless is not None:
            return self._wordless
        for found in _HOST.findall(name.lower()):
            at = self.by_domain(found)
            if at is not None:
                return at
        return None

    def by_domain(self, domain: str | None) -> KnownProvider | None:
        """The provider whose domain the host is, or is under (``www.youtube.com``, ``.google.com``)."""
        if not domain:
            return None
        name = host(domain)
        while name:
            if name in self._domains:
                return self._domains[name]
            if "." not in name:
                return None
            name = name.split(".", 1)[1]
        return None


def from_json(data: dict[str, Any]) -> ProviderDatabase:
    providers = []
    for entry in data["providers"]:
        missing = [f for f in FIELDS if f not in entry]
        if missing:
            raise ValueError(f"known_providers.json: {entry.get('id')!r} lacks {missing}")
        values: list[Any] = [tuple(entry[f]) if isinstance(entry[f], list) else entry[f] for f in FIELDS]
        providers.append(KnownProvider._make(values))
    return ProviderDatabase(providers)


@functools.cache
def database() -> ProviderDatabase:
    """The shipped dataset, read once per process on first use."""
    return from_json(json.loads(DATA.read_bytes()))


def to_json(provider: KnownProvider) -> dict[str, Any]:
    return {f: list(v) if isinstance(v := getattr(provider, f), tuple) else v for f in FIELDS}
