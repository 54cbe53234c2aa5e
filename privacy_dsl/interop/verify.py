"""``verify-cookies``: compare a policy's declared cookies with the cookies a browser observed.

The findings are ``Diagnostic`` values with codes of their own (``VC001``-``VC008`` for
mismatches, ``VC100``-``VC104`` for problems with the capture), entries of the catalogue
(``privacy_dsl.lint.catalogue``), documented in ``docs/verify-cookies.md`` and by ``privacy-dsl explain
VC001``. They are rendered by the same reporters as ``lint``.

Matching an observed cookie to a declaration: only declarations of ``kind cookie`` (the default)
take part. A name matches a declaration with that exact name; a ``pattern`` declaration matches
with ``*`` as a wildcard (``"_pk_id.*"``), or as a prefix when it has no ``*``. A declaration with
``domains`` matches only cookies of those domains or their subdomains. Exact names win over
patterns.

After a rejection (captures given with ``--after-reject``): a declaration that needs consent
(``needs_consent``) whose cookie is set after the rejection is VC007, one only sent after it VC008,
one finding per observed name (``Verifier._after_reject``); undeclared cookies are left to VC001.

First or third party: the *first-party sites* are the ``--first-party`` values, else the host of
the first page in the HAR and the hosts of the policy's ``url`` and the controller's ``website``.
A cookie is first party when the host that set (or was sent) it and its ``Domain`` belong to one of
those sites: the same host, a subdomain of it, or a parent domain (``www.`` is ignored). A
``--first-party`` origin with a port (``http://127.0.0.1:8001``) also requires that port, for local
test servers where two ports stand for two sites.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import field
from urllib.parse import urlsplit

from ..diagnostics import Diagnostic
from ..language import model as m
from ..lint.cookiedb import CookieDatabase, KnownCookie, database, dsl_duration_at_least, dsl_expiry
from ..records import dataclass
from .observed import Capture, Observation, Position, problem

# ---------------------------------------------------------------- sites

_SECOND_LEVEL = {"co", "com", "net", "org", "gov", "ac", "edu", "or", "ne", "go", "mil", "ltd", "plc"}


def site_of(host: str) -> str:
    """An approximation of the registrable domain (no public-suffix list is shipped)."""
    host = host.lower().strip(".")
    if re.fullmatch(r"[\d.]+", host) or ":" in host or "." not in host:
        return host
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


@dataclass(frozen=True, slots=True)
class FirstParty:
    host: str
    port: int | None = None  # only for an origin given with an explicit port

    @classmethod
    def parse(cls, value: str) -> FirstParty | None:
        text = value.strip()
        if not text:
            return None
        parsed = urlsplit(text if "//" in text else f"//{text}")
        try:
            port = parsed.port
        except ValueError:
            return None
        host = (parsed.hostname or "").lower()
        return cls(host, port) if host else None

    def covers(self, host: str, port: int | None = None, check_port: bool = True) -> bool:
        host = host.lower().strip(".")
        if self.port is not None and check_port and port is not None and port != self.port:
            return False
        mine = self.host.removeprefix("www.")
        if host == self.host or host == mine or host.endswith("." + mine):
            return True
        site = site_of(self.host)
        # a parent domain of the site (a cookie `Domain`), or another host of the same site; never a
        # public suffix such as `example` or `co.uk`
        return "." in site and (host == site or host.endswith("." + site))


def _default_port(url: str) -> tuple[str | None, int | None]:
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return None, None
    return (parts.hostname or "").lower() or None, port


# ---------------------------------------------------------------- declarations

@dataclass(slots=True)
class _Declared:
    cookie: m.Cookie
    regex: re.Pattern[str] | None  # None: exact name
    seen: list[Observation] = field(default_factory=list)

    def domain_ok(self, domain: str) -> bool:
        if not self.cookie.domains:
            return True
        d = domain.lower().strip(".")
        for allowed in self.cookie.domains:
            a = allowed.lower().strip().lstrip(".")
            a = a.split("://", 1)[-1].split("/", 1)[0]
            if d == a or d.endswith("." + a):
                return True
        return False


def _pattern(name: str) -> re.Pattern[str]:
    if "*" not in name:
        return re.compile(re.escape(name) + ".*", re.S)
    return re.compile(".*".join(re.escape(part) for part in name.split("*")), re.S)


class Matcher:
    """Observed name (+ domain) -> the declaration it falls under; built once, O(1) per exact name.

    Only declarations of the ``storages`` kinds take part (``cookie``; ``local_storage`` too when a
    capture records local storage), and an observation matches only declarations of its own kind.
    An unnamed declaration (``cookie unnamed``) matches nothing: it is kept in ``unnamed``, for the
    hint of an undeclared item of its kind.
    """

    def __init__(self, cookies: Iterable[m.Cookie], storages: frozenset[str] = frozenset({"cookie"})) -> None:
        self.exact: dict[tuple[str, str], list[_Declared]] = {}
        self.patterns: list[_Declared] = []
        self.all: list[_Declared] = []
        self.unnamed: dict[str, list[m.Cookie]] = {}
        for cookie in cookies:
            if cookie.storage.value not in storages:
                continue
            if cookie.name is None:
                self.unnamed.setdefault(cookie.storage.value, []).append(cookie)
                continue
            if cookie.pattern:
                decl = _Declared(cookie, _pattern(cookie.name))
                self.patterns.append(decl)
            else:
                decl = _Declared(cookie, None)
                self.exact.setdefault((cookie.storage.value, cookie.name), []).append(decl)
            self.all.append(decl)
        self._cache: dict[tuple[str, str], list[_Declared]] = {}

    def candidates(self, name: str, storage: str = "cookie") -> list[_Declared]:
        key = (storage, name)
        if key not in self._cache:
            found = list(self.exact.get(key, ()))
            found += [d for d in self.patterns if d.cookie.storage.value == storage and d.regex is not None
                      and d.regex.fullmatch(name)]
            self._cache[key] = found
        return self._cache[key]

    def match(self, obs: Observation) -> tuple[_Declared | None, list[_Declared]]:
        """The declaration, and the candidates by name that the domain ruled out."""
        by_name = self.candidates(obs.name, obs.storage)
        for decl in by_name:
            if decl.domain_ok(obs.domain):
                return decl, []
        return None, by_name


# ---------------------------------------------------------------- verification

@dataclass(slots=True)
class VerifyOptions:
    first_party: tuple[str, ...] = ()
    tolerance_ratio: float = 0.02
    tolerance_seconds: float = 60.0
    ignore: frozenset[str] = frozenset()


_NEEDS_CONSENT = {"analytics", "marketing", "personalization"}
_ESSENTIAL = {"strictly_necessary", "security"}


def needs_consent(policy: m.Policy, cookie: m.Cookie) -> bool:
    """Whether the policy itself says the cookie needs consent (see VC005)."""
    category = cookie.category.value if cookie.category is not None else None
    if category in _ESSENTIAL:
        return False
    if cookie.consents:
        return True
    if any(b.basis is m.BasisKind.CONSENT for p in policy.purposes_of(cookie) for b in p.bases):
        return True
    return category in _NEEDS_CONSENT


def _where(obs: Observation) -> str:
    return _where_at(obs.position)


def _where_at(pos: Position) -> str:
    return f"{pos.path}:{pos.line}"


def _lifetime_text(seconds: float) -> str:
    return dsl_duration_at_least(seconds)


class Verifier:
    def __init__(self, policy: m.Policy, captures: list[Capture], options: VerifyOptions | None = None,
                 db: CookieDatabase | None = None) -> None:
        self.policy = policy
        self.captures = captures
        self.options = options or VerifyOptions()
        self._db = db
        self._party: dict[tuple[str, str | None, bool], bool] = {}
        self._origins: dict[str, tuple[str | None, int | None]] = {}
        self._rows: dict[str, KnownCookie] = {}  # suggested pattern -> its Open Cookie Database row
        self._unnamed: dict[str, list[m.Cookie]] = {}  # storage kind -> its unnamed declarations
        self.first_party: list[FirstParty] = []
        #: Every capture was made without a consent (``--before-consent``, ``--after-reject``).
        self._consentless = bool(captures) and all(c.choice != "unknown" for c in captures)
        self._choice_at = {c.path: c.choice_at for c in captures if c.choice == "rejected"}
        sources = list(self.options.first_party)
        if not sources:
            sources += [c.pages[0] for c in captures if c.pages]
            if policy.info is not None and policy.info.url:
                sources.append(policy.info.url)
            sources += [c.website for c in policy.controllers if c.website]
        for value in sources:
            fp = FirstParty.parse(value)
            if fp is not None and fp not in self.first_party:
                # a page URL from a capture names a site, not a port-bound origin
                if not self.options.first_party:
                    fp = FirstParty(fp.host)
                self.first_party.append(fp)

    @property
    def db(self) -> CookieDatabase:
        if self._db is None:
            self._db = database()
        return self._db

    def third_party(self, obs: Observation) -> bool | None:
        """True/False, or None when no first-party site is known."""
        if not self.first_party:
            return None
        key = (obs.domain, obs.url, obs.how == "sent")
        if key not in self._party:
            host, port = self._origin(obs.url) if obs.url else (None, None)
            if obs.how == "sent":
                port = None  # cookies ignore ports: the port tells who *set* a cookie, not where it is sent
            checks: list[tuple[str, int | None]] = [(obs.domain, None)]
            if host:
                checks.append((host, port))
            self._party[key] = not all(any(fp.covers(h, p) for fp in self.first_party) for h, p in checks if h)
        return self._party[key]

    def _origin(self, url: str) -> tuple[str | None, int | None]:
        if url not in self._origins:
            self._origins[url] = _default_port(url)
        return self._origins[url]

    def run(self) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        storages = frozenset({"cookie"} | ({"local_storage"} if any(c.local_storage for c in self.captures) else set()))
        matcher = Matcher(self.policy.cookies, storages)
        self._unnamed = matcher.unnamed
        # undeclared items by name; a local-storage key as "local_storage\0" + name, apart from cookies
        undeclared: dict[str, list[Observation]] = {}
        ruled_out: dict[str, list[_Declared]] = {}
        observed_any = False
        for capture in self.captures:
            out.extend(capture.problems)
            for obs in capture.observations:
                observed_any = True
                decl, excluded = matcher.match(obs)
                if decl is None:
                    key = obs.name if obs.storage == "cookie" else f"{obs.storage}\0{obs.name}"
                    undeclared.setdefault(key, []).append(obs)
                    if excluded:
                        ruled_out.setdefault(key, excluded)
                else:
                    decl.seen.append(obs)
        if self.captures and not self.first_party and observed_any:
            out.append(problem("VC103", "no first-party site is known: first and third party are not "
                               "compared", Position(self.captures[0].path),
                               hint="give `--first-party example.com` (or set `url` in the policy block)"))
        for key, names in self._groups(list(undeclared)).items():
            head = names[0]
            covering = [o for n in names for o in undeclared[n]]
            out.extend(self._undeclared(head, undeclared[head], ruled_out.get(head, []), covering=covering,
                                        suggested=key))
            for name in names[1:]:
                out.extend(self._undeclared(name, undeclared[name], ruled_out.get(name, []), covered_by=head,
                                            suggested=key))
        for decl in matcher.all:
            out.extend(self._declared(decl, observed_any))
        return sorted((d for d in out if d.code not in self.options.ignore), key=_order)

    def _groups(self, names: list[str]) -> dict[str, list[str]]:
        """Suggested declaration -> the undeclared names it covers, in the order they were first seen.

        A name the Open Cookie Database knows by a prefix row is covered by that prefix's pattern
        (``_chartbeat*``), every other name by a declaration of its own. A pattern whose prefix starts
        with another suggested pattern's (``_gat_gtag_*`` under ``_gat*``) is merged into it: pasted
        side by side, the wider one would take the narrower one's cookies (patterns are tried in
        order), leaving it unobserved."""
        self._rows = {}
        key_of: dict[str, str] = {}
        for name in names:
            known = self.db.lookup(name) if "\0" not in name else []  # local storage: not in the database
            if known and known[0].wildcard:
                key_of[name] = f"{known[0].name}*"
                self._rows.setdefault(key_of[name], known[0])
            else:
                key_of[name] = name
        prefixes = sorted({k[:-1] for k in self._rows}, key=len)
        root = {f"{p}*": f"{next(q for q in prefixes if p.startswith(q))}*" for p in prefixes}
        groups: dict[str, list[str]] = {}
        for name in names:
            key = key_of[name]
            groups.setdefault(root.get(key, key) if key in self._rows else key, []).append(name)
        return groups

    # -- observed, not declared
    def _undeclared(self, key: str, seen: list[Observation], ruled_out: list[_Declared], *,
                    covering: list[Observation] | None = None, covered_by: str | None = None,
                    suggested: str | None = None) -> list[Diagnostic]:
        """VC001 (and VC005) for one undeclared name. The first name of a group (``covering``: the
        observations of every name the suggestion covers) carries the suggested declaration; the
        others (``covered_by``: that first name) say which suggestion covers them, so that pasting
        every suggestion declares each cookie once (no HYG003)."""
        first = seen[0]
        name, storage = first.name, first.storage
        known = self.db.lookup(name) if storage == "cookie" else []
        why = ""
        if ruled_out:
            domains = ", ".join(sorted({d for r in ruled_out for d in r.cookie.domains}))
            why = f" (a declaration of `{name}` covers only {domains}; it was seen on {first.domain})"
        message = f"{_noun(storage)} `{name}` is {_verb(first)} by the site but not declared in the policy{why}"
        if covered_by is not None:
            covered_by = covered_by.rpartition("\0")[2]
            declared = (suggested or name).rpartition("\0")[2]
            out = [problem(
                "VC001", message, first.position,
                hint=f"covered by the declaration suggested for `{covered_by}` (`{declared}`)",
                args=(("name", name), ("domain", first.domain), ("covered_by", declared)))]
        else:
            group = covering or seen
            parties = {self.third_party(o) for o in group}
            party = None if None in parties else ("third" if True in parties else "first")
            row = self._rows.get(suggested or "")
            block = suggest_block(name, known=[row] if row is not None else known, observed=group, party=party,
                                  one_line=True, storage=storage)
            canonical = canonical_block(block)
            hint = f"declare it: {block}"
            unnamed = self._unnamed.get(storage, [])
            if unnamed:  # the policy may describe it without a name: naming that declaration is the fix
                which = (f"the unnamed declaration at {unnamed[0].span}" if len(unnamed) == 1 else
                         f"one of the {len(unnamed)} unnamed declarations (the first at {unnamed[0].span})")
                hint += f"; or, if it is {which}, give it this name"
            if ruled_out:
                # a second declaration whose domains overlap the first's is a duplicate (HYG003): then
                # widening the first is the fix
                needed = suggest_domains((o.domain for o in group), collapse=False)
                wanted = (", ".join(fmt_quote(d) for d in needed) if len(needed) <= MAX_SUGGESTED_HOSTS
                          else f"the {len(needed):,} domains it was seen on")
                hint += (f"; or add {wanted} to the `domains` of the declaration at "
                         f"{ruled_out[0].cookie.span_of('domains')}")
            out = [problem(
                "VC001", message, first.position, hint=hint,
                args=(("name", name), ("domain", first.domain), ("suggestion", canonical)))]
        if all(r.category in ("Analytics", "Marketing") for r in known) and known:
            pre = next((o for o in seen if o.pre_consent), None)
            if pre is not None:
                row = known[0]
                out.append(problem(
                    "VC005", f"cookie `{name}` ({row.platform}, {row.category} in the Open Cookie Database) is "
                    f"{_verb(pre)} before any consent choice", pre.position,
                    hint="load this tag only after the user consents; evidence: " + row.evidence(),
                    args=(("name", name),)))
        return out

    # -- declared: compare with what was seen
    def _declared(self, decl: _Declared, observed_any: bool) -> list[Diagnostic]:
        cookie = decl.cookie
        assert cookie.name is not None  # unnamed declarations are never matched (``Matcher.unnamed``)
        out: list[Diagnostic] = []
        if not decl.seen:
            # a capture made without consenting (before any choice, after a rejection) is expected not
            # to show a cookie that needs consent: only a capture that may hold a consent says it is stale
            if observed_any and not (self._consentless and needs_consent(self.policy, cookie)):
                out.append(problem(
                    "VC006", f"{_noun(cookie.storage.value)} `{cookie.name}` is declared but was not observed in the "
                    "capture",
                    cookie.span, hint="if the site no longer sets it, remove the declaration; if it is set only "
                    "after login or consent, record that part of the site too", args=(("name", cookie.name),)))
            return out
        expiry = cookie.expiry
        known = [o for o in decl.seen if o.expiry_known]
        if expiry is not None and known:
            if expiry.lifetime == "session" and expiry.duration is None:
                persistent = [o for o in known if o.persistent]
                if persistent:
                    obs = max(persistent, key=lambda o: o.lifetime or 0.0)
                    out.append(problem(
                        "VC003", f"cookie {_shown(cookie, obs)} is declared a session cookie but is set to last "
                        f"{_lifetime_text(obs.lifetime or 0.0)} ({_where(obs)}: {obs.evidence})",
                        cookie.span_of("expiry"),
                        hint=f"declare `expiry {_lifetime_text(obs.lifetime or 0.0)}`, or drop the expiry on the site",
                        args=(("name", obs.name), ("observed", str(obs.lifetime)))))
            elif expiry.duration is not None:
                declared = expiry.duration.days * 86_400
                limit = declared * (1 + self.options.tolerance_ratio) + self.options.tolerance_seconds
                longer = [o for o in known if o.lifetime is not None and o.lifetime > limit]
                if longer:
                    obs = max(longer, key=lambda o: o.lifetime or 0.0)
                    lasts = _lifetime_text(obs.lifetime or 0.0)
                    out.append(problem(
                        "VC002", f"cookie {_shown(cookie, obs)} is set to last {lasts}, "
                        f"longer than the declared {expiry.duration} ({_where(obs)}: {obs.evidence})",
                        cookie.span_of("expiry"),
                        hint=f"declare `expiry {_lifetime_text(obs.lifetime or 0.0)}`, or shorten it on the site",
                        args=(("name", obs.name), ("observed", str(obs.lifetime)))))
        if cookie.party is m.Party.FIRST:
            third = next((o for o in decl.seen if self.third_party(o)), None)
            if third is not None:
                obs = third
                by = _host_of(obs)
                out.append(problem(
                    "VC004", f"{_noun(cookie.storage.value)} {_shown(cookie, obs)} is declared first party but is "
                    f"{_verb(obs)} by {by} ({_where(obs)})", cookie.span_of("party"),
                    hint="declare `party third` and name the provider, or give `--first-party` for every "
                    "domain of the site", args=(("name", obs.name), ("domain", obs.domain))))
        if needs_consent(self.policy, cookie):
            pre = next((o for o in decl.seen if o.pre_consent), None)
            if pre is not None:
                out.append(problem(
                    "VC005", f"{_noun(cookie.storage.value)} {_shown(cookie, pre)} needs consent but is "
                    f"{_verb(pre)} before any consent choice", pre.position,
                    hint=f"set it only after consent (declared at {cookie.span})",
                    args=(("name", pre.name),)))
            out.extend(self._after_reject(decl))
        return out

    def _after_reject(self, decl: _Declared) -> list[Diagnostic]:
        """VC007 for each name of a declaration that needs consent set (or stored) after the
        rejection, else VC008 for each one only sent after it: one finding per name."""
        out: list[Diagnostic] = []
        by_name: dict[str, list[Observation]] = {}
        for o in decl.seen:
            if o.after_reject:
                by_name.setdefault(o.name, []).append(o)
        declared = f"declared at {decl.cookie.span}"
        for name, seen in by_name.items():
            stored = next((o for o in seen if o.how != "sent"), None)
            if stored is not None:
                rejected = self._rejection(stored)
                if stored.how == "set":
                    args: tuple[tuple[str, str], ...] = (
                        ("name", name), ("host", _host_of(stored)), ("rejected", rejected))
                    message_id = "set"
                else:
                    args = (("storage", _noun(stored.storage)), ("name", name), ("rejected", rejected))
                    message_id = "stored"
                out.append(problem("VC007", None, stored.position, args=args, message_id=message_id,
                                   hint=f"set it only after consent: on a rejection, load nothing that sets it "
                                   f"({declared})"))
                continue
            sent = seen[0]
            before = next((o for o in decl.seen if o.name == name and not o.after_reject
                           and o.position.path == sent.position.path), None)
            args = (("name", name), ("host", sent.domain), ("rejected", self._rejection(sent)))
            if before is not None:
                args += (("before", _where(before)),)
                hint = (f"expire it when the user rejects (`Set-Cookie: {name}=; Max-Age=0`), and load nothing "
                        f"that reads it ({declared})")
            else:
                hint = f"load what writes or reads it only after consent, and expire it on a rejection ({declared})"
            out.append(problem("VC008", None, sent.position, args=args,
                               message_id="kept" if before is not None else "sent", hint=hint))
        return out

    def _rejection(self, obs: Observation) -> str:
        """Where the capture of ``obs`` records the rejection: the consent request's line, or
        ``before the capture`` (a capture recorded after it)."""
        at = self._choice_at.get(obs.position.path)
        return _where_at(at) if at is not None else "before the capture"


def _host_of(obs: Observation) -> str:
    host = None
    if obs.url:
        try:
            parts = urlsplit(obs.url)
            host = parts.netloc
        except ValueError:
            host = None
    return host or obs.domain


def _shown(cookie: m.Cookie, obs: Observation) -> str:
    """The observed name in backticks, and the declaration's name when it is a pattern."""
    return f"`{obs.name}`" if cookie.name == obs.name else f"`{obs.name}` (declared as `{cookie.name}`)"


def _noun(storage: str) -> str:
    return "cookie" if storage == "cookie" else "local storage item"


def _verb(obs: Observation) -> str:
    return {"set": "set", "sent": "read (sent in a request)", "jar": "stored"}[obs.how]


def _order(d: Diagnostic) -> tuple[str, int, int, str]:
    return d.sort_key()


def verify(policy: m.Policy, captures: list[Capture], options: VerifyOptions | None = None) -> list[Diagnostic]:
    """All findings for one policy against its captures, sorted by file and position."""
    return Verifier(policy, captures, options).run()


# ---------------------------------------------------------------- suggested declarations

def quote(text: str) -> str:
    """A DSL string literal."""
    clean = " ".join(text.split())
    return '"' + clean.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cookie_name(name: str) -> str:
    """``name`` as ``fmt`` (and ``export``, ``import``) write a cookie's name: bare when it is a name
    and none of the grammar's keywords (``fmt.is_bare_name``, from grammar.lark), else quoted."""
    from ..outputs.fmt import is_bare_name  # the formatter's rule, so a suggestion is already canonical

    return name if is_bare_name(name) else fmt_quote(name)


def fmt_quote(text: str) -> str:
    """``text`` as a DSL string literal, exactly (a name or a domain must survive unchanged)."""
    from ..outputs.fmt import quote as exact

    return exact(text)


def suggest_block(name: str, *, known: list[KnownCookie], observed: list[Observation] | None = None,
                  party: str | None = None, one_line: bool = False, comments: bool = False,
                  storage: str = "cookie") -> str:
    """A ``cookie`` declaration to start from: observed facts first, the database's for the rest
    (``storage`` another kind than ``cookie``: a ``kind`` statement first)."""
    row = known[0] if known else None
    pattern = bool(row and row.wildcard)
    shown_name = f"{row.name}*" if pattern and row else name
    lines: list[str] = []
    notes: list[str] = []
    if storage != "cookie":
        lines.append(f"kind {storage}")
    if pattern:
        lines.append("pattern")
    if row is not None:
        lines.append(f"provider {quote(row.provider)}")
    if party is not None:
        lines.append(f"party {party}")
    expiry = _suggest_expiry(observed, row)
    if expiry is not None:
        lines.append(f"expiry {expiry}")
    elif row is not None:
        notes.append(f"expiry: the database says {row.retention or 'nothing'!r}; state it")
    domains = suggest_domains(_cookie_domains(observed)) if observed else []
    if domains:
        lines.append("domains " + ", ".join(fmt_quote(d) for d in domains))
    if row is not None and row.our_category:
        lines.append(f"category {row.our_category}")
    if row is not None and row.description and not one_line:
        lines.append(f"description {{ en {quote(row.description)} }}")
    head = f"cookie {cookie_name(shown_name) if not pattern else fmt_quote(shown_name)}"
    if one_line:
        return f"{head} {{ {' '.join(lines)} }}"
    out = []
    if comments:
        if row is not None:
            out.append(f"# {row.evidence()}")
            if row.domain:
                notes.append(f"the database lists the domain {row.domain!r}: check `party`")
        out.extend(f"# {n}" for n in notes)
    out.append(f"{head} {{")
    out.extend(f"  {line}" for line in lines)
    out.append("}")
    return "\n".join(out)


#: More hosts than this in a suggestion's ``domains`` are collapsed to their sites.
MAX_SUGGESTED_HOSTS = 8
#: More sites than this: no ``domains`` at all (which covers every domain), so that a hint stays short.
MAX_SUGGESTED_SITES = 50


def suggest_domains(domains: Iterable[str], collapse: bool = True) -> list[str]:
    """The ``domains`` of a suggested declaration: every domain a cookie was seen on is covered
    (a declaration matches its domains and their subdomains). Subdomains of a listed domain are left
    out; beyond ``MAX_SUGGESTED_HOSTS`` domains, each is replaced by its site (``site_of``). Empty
    (a declaration without ``domains`` covers every domain) beyond ``MAX_SUGGESTED_SITES`` sites, and
    when a sighting has no domain (a header file without ``# url:``). Without ``collapse``: the
    domains themselves, however many."""
    seen = {d.lower().strip(".") for d in domains}
    if not seen or "" in seen:
        return []
    kept = _outermost(seen)
    if not collapse:
        return sorted(kept)
    if len(kept) > MAX_SUGGESTED_HOSTS:
        kept = _outermost({site_of(d) for d in kept})
    return sorted(kept) if len(kept) <= MAX_SUGGESTED_SITES else []


def _cookie_domains(observed: list[Observation]) -> list[str]:
    """The domains the sightings show a cookie on: a ``Set-Cookie``'s ``Domain`` (else the host that
    set it), a jar's domain; for a cookie only sent in requests (a ``Cookie`` header names no domain),
    the common parent of the hosts of one site it was sent to, the narrowest ``Domain`` one cookie
    sent to all of them can have (``nytimes.com`` for ``www.nytimes.com`` and ``et.nytimes.com``)."""
    out: list[str] = []
    sent: dict[str, set[str]] = {}
    for o in observed:
        if o.how == "sent" and o.domain:
            sent.setdefault(site_of(o.domain), set()).add(o.domain.lower().strip("."))
        else:
            out.append(o.domain)
    for site, hosts in sent.items():
        common: list[str] = []
        for labels in zip(*(h.split(".")[::-1] for h in hosts), strict=False):  # from the top-level label
            if len(set(labels)) > 1:
                break
            common.append(labels[0])
        shared = ".".join(reversed(common))
        out.append(shared if len(shared) >= len(site) else site)
    return out


def _outermost(domains: set[str]) -> list[str]:
    """The domains that are not a subdomain of another one of them."""
    return [d for d in domains if not any(p in domains for p in _parents(d))]


def _parents(domain: str) -> Iterable[str]:
    labels = domain.split(".")
    return (".".join(labels[i:]) for i in range(1, len(labels)))


def canonical_block(text: str) -> str:
    """A suggested declaration as ``privacy-dsl fmt`` writes it (the text itself if it does not
    parse, which would be a bug of ``suggest_block``)."""
    from ..outputs.fmt import format_text

    result = format_text(text + "\n", "<suggestion>", check=False)
    return (result.output or text + "\n").rstrip("\n")


def _suggest_expiry(observed: list[Observation] | None, row: KnownCookie | None) -> str | None:
    if observed:
        known = [o for o in observed if o.expiry_known]
        if known:
            lifetimes = [o.lifetime for o in known if o.lifetime is not None]
            return dsl_duration_at_least(max(lifetimes)) if lifetimes else "session"
    if row is not None and row.high is not None:
        return dsl_expiry(row.low, row.high)  # a range where the database gives one
    return None
