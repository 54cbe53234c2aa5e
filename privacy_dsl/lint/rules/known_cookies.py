"""Known cookies: declared cookies checked against the Open Cookie Database.

The database (``privacy_dsl.lint.cookiedb``, derived from jkwakman/Open-Cookie-Database, Apache-2.0) is
loaded only when a policy declares cookies, once per process. Its rows are cited as evidence in
each finding; they describe what a platform documents, so a site that configured the platform
differently can say so in a suppression with a reason.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...language import model as m
from ..cookiedb import RANK, SOFTWARE, KnownCookie, category_contradicts, database, dsl_expiry, provider_names
from .base import Context, Field, Finding, Options, all_uses_under, rule


def _provider(ctx: Context, cookie: m.Cookie) -> str | None:
    """The declared provider as text: the string, or the name the recipient declares (in every
    language it gives). Never the recipient's id: that is the author's own name for it, and
    `recipient google { name "Hotjar" }` is Hotjar."""
    if cookie.provider:
        return cookie.provider
    if cookie.provider_ref is not None:
        recipient = ctx.policy.recipients.get(cookie.provider_ref.name)
        if recipient is None or recipient.name is None:
            return None
        names = [recipient.name.plain, *recipient.name.by_lang.values()]
        return " ".join(dict.fromkeys(n for n in names if n)) or None
    return None


def known_rows(ctx: Context, cookie: m.Cookie) -> list[KnownCookie]:
    """The database rows for a declared cookie (by name, or for every name its pattern matches);
    none for an unnamed cookie, which cannot be looked up (CK008 says so)."""
    if cookie.name is None:
        return []
    db = database()
    provider = _provider(ctx, cookie)
    if cookie.pattern:
        return db.lookup_pattern(cookie.name, provider)
    return db.lookup(cookie.name, provider)


def _cookies_with_rows(ctx: Context) -> Iterator[tuple[m.Cookie, list[KnownCookie]]]:
    if not ctx.policy.cookies:
        return
    cache = ctx._cache.setdefault("known_cookies.rows", {})
    for index, cookie in enumerate(ctx.policy.cookies):
        if index not in cache:
            cache[index] = known_rows(ctx, cookie)
        if cache[index]:
            yield cookie, cache[index]


def _needs_consent(category: str) -> bool:
    """Analytics and marketing: the categories no consent exemption covers (WP194)."""
    return RANK.get(category, 0) >= RANK["analytics"]


class CategoryOptions(Options):
    allow_stricter: bool = Field(
        True, description="A declared category that needs consent more than the database's (marketing "
        "for an Analytics cookie) is not reported.")
    consent_alike: bool = Field(
        True, description="Analytics declared for a Marketing cookie is not reported: both need consent, "
        "and where the database draws the line between the two is itself debatable.")
    analytics_may_be_exempt: bool = Field(
        False, description="Do not report first-party audience-measurement cookies declared "
        "strictly_necessary (the CNIL's consent exemption; on with the `fr` jurisdiction).")


@rule(
    "CK101",
    "known-cookie-category-contradiction",
    messages={
        "contradiction": (
            "{cookie} is declared {declared}, but the Open Cookie Database gives `{label}` "
            "(platform {platform}) the category {known_category}"
        ),
        "essential-purpose": (
            "{cookie} serves only essential purposes ({purposes}), but the Open Cookie Database gives "
            "`{label}` (platform {platform}) the category {known_category}"
        ),
    },
    category="cookies",
    severity="error",
    options=CategoryOptions,
    object_args=("label",),
    profiles={"fr": {"analytics-may-be-exempt": True}},
    references=(
        "Directive 2002/58/EC (ePrivacy) Art. 5(3)",
        "CJEU C-673/17 Planet49 (1 October 2019), operative part, point 2",
        "GDPR Art. 12(1), 13(1)(c)",
        "Article 29 Working Party, Opinion 04/2012 on Cookie Consent Exemption (WP194)",
        "CNIL, Délibération n° 2020-091 (guidelines on cookies and other trackers), on audience "
        "measurement (citation not verified)",
        "Open Cookie Database (jkwakman/Open-Cookie-Database, Apache-2.0)",
    ),
)
def known_cookie_category_contradiction(ctx: Context) -> Iterator[Finding]:
    """A known cookie declared in a category the Open Cookie Database contradicts.

    ## What it does
    Looks up each declared cookie's name (or, for a `pattern`, the prefix every matching name
    shares) in the Open Cookie Database shipped with privacy-dsl, and flags a `category` that is
    less intrusive than the database's: `_ga` (Google Analytics, *Analytics*) declared
    `strictly_necessary`, `_fbp` (Facebook, *Marketing*) declared `functional`. A `provider` that
    names the platform picks the right row when several platforms use one name. The database's
    *Functional* class also holds strictly necessary cookies, so `strictly_necessary`, `security`,
    `functional` and `preferences` all agree with it; *Analytics* agrees only with `analytics`,
    *Marketing* only with `marketing` (the full table is in `privacy_dsl/lint/cookiedb.py`). A cookie
    with no `category` whose purposes are all `essential` (`use essential.service`, ...) claims the
    same exemption, and is reported when the database gives the name *Analytics* or *Marketing*.
    The finding cites the database row. An unnamed cookie (`cookie unnamed`) cannot be looked up and is not
    checked (CK008 reports that it has no name).

    ## Why it matters
    Only storage that is strictly necessary for a service the user asked for is exempt from
    consent under ePrivacy Art. 5(3); the Article 29 Working Party's Opinion 04/2012 (WP194) names
    analytics and advertising cookies as outside the exemption. A tracking cookie filed as
    necessary is set without consent, and the notice misinforms (GDPR Art. 12(1), 13(1)(c);
    Planet49 on the information owed about cookies). The database is evidence, not law: some rows
    are debatable, and a platform can be configured differently. National rules differ: the French
    CNIL exempts first-party audience measurement that meets strict conditions from consent (its
    2020 guidelines, Délibération n° 2020-091; citation not verified), so with the `fr` jurisdiction
    an Analytics cookie declared `strictly_necessary` is not reported, unless it is declared
    `party third`: the exemption is for the site's own measurement, not a third party's cookie.

    ## Example
    ```privacy
    cookie _ga {
      provider "Google"
      category strictly_necessary
      expiry 2 years
    }
    ```

    ## Use instead
    ```privacy
    cookie _ga {
      provider "Google"
      category analytics
      expiry 2 years
      consent cookie_banner
    }
    ```

    ## Options
    - `allow-stricter` (default `true`): a declared category that needs consent more than the
      database's (`marketing` for an *Analytics* cookie) is not reported. Set `false` to report
      every disagreement.
    - `consent-alike` (default `true`): a cookie declared `analytics` that the database calls
      *Marketing* is not reported: both need consent, which is what the finding is about, and the
      database's line between measuring and marketing is itself debatable (HubSpot files
      `hubspotutk` under analytics, the database under Marketing). Set `false` to report it.
    - `analytics-may-be-exempt` (default `false`; `true` with the `fr` jurisdiction): an
      *Analytics* cookie declared `strictly_necessary` (or serving only essential purposes) is not
      reported, unless it is `party third`.

    ## References
    ePrivacy Art. 5(3); CJEU C-673/17 Planet49, operative part point 2; GDPR Art. 12(1), 13(1)(c);
    WP29 Opinion 04/2012 (WP194); CNIL Délibération n° 2020-091 (citation not verified); the Open
    Cookie Database.
    """
    opts: CategoryOptions = ctx.options or CategoryOptions()
    for cookie, rows in _cookies_with_rows(ctx):
        purposes = ctx.policy.purposes_of(cookie)
        if cookie.category is not None:
            declared = cookie.category.value
        elif purposes and all(all_uses_under(p, "essential") for p in purposes):
            declared = "strictly_necessary"  # what the purposes say; only a tracking row contradicts it
            if not all(r.category in ("Analytics", "Marketing") for r in rows):
                continue
        else:
            continue
        # The CNIL's exemption is for the site's own audience measurement: never a third party's cookie.
        if (opts.analytics_may_be_exempt and declared == "strictly_necessary" and cookie.party is not m.Party.THIRD
                and all(r.category == "Analytics" for r in rows)):
            continue
        if not all(category_contradicts(declared, r.category, opts.allow_stricter) for r in rows):
            continue
        # Less strict than the database but needing consent all the same (a stricter one is allow-stricter's).
        if opts.consent_alike and all(_needs_consent(declared) and _needs_consent(r.our_category or "")
                                      and RANK.get(declared, 0) < RANK[r.our_category or ""] for r in rows):
            continue
        row = rows[0]
        ours = row.our_category or row.category.lower()
        args = {"cookie": cookie.label(), "label": row.label, "platform": row.platform, "known_category": row.category}
        same_name = f"evidence: {row.evidence()}. If this is another {cookie.storage.noun} with the same name, " \
                    "suppress with the reason"
        if cookie.category is not None:
            yield Finding(cookie.span_of("category"), args | {"declared": declared},
                          hint=f"declare `category {ours}`; {same_name}")
        else:
            yield Finding(cookie.span_of("purposes"),
                          args | {"purposes": ", ".join(f"`{p.id}`" for p in purposes)}, "essential-purpose",
                          hint=f"declare `category {ours}` and the purpose it serves; {same_name}")


class ExpiryOptions(Options):
    ratio: float = Field(
        0.5, gt=0, le=1, description="Report a declared expiry shorter than this fraction of the "
        "shortest retention the database knows for the cookie.")
    session_threshold_days: float = Field(
        1.0, ge=0, description="Report `expiry session` when the database's shortest retention is at "
        "least this many days (or persistent).")


@rule(
    "CK102",
    "known-cookie-expiry-too-short",
    messages={
        "session": (
            "{cookie} is declared to end with the session, but the Open Cookie Database gives "
            "`{label}` (platform {platform}) a retention of {retention!r}"
        ),
        "too-short": (
            "{cookie} is declared to expire after {duration}, but the Open Cookie Database "
            "gives `{label}` (platform {platform}) a retention of {retention!r}"
        ),
    },
    category="cookies",
    severity="info",
    options=ExpiryOptions,
    references=(
        "CJEU C-673/17 Planet49 (1 October 2019), operative part, point 2",
        "GDPR Art. 5(1)(a), 13(2)(a)",
        "Open Cookie Database (jkwakman/Open-Cookie-Database, Apache-2.0)",
    ),
)
def known_cookie_expiry_too_short(ctx: Context) -> Iterator[Finding]:
    """A known cookie declared with an expiry far shorter than the platform's known retention.

    ## What it does
    Compares a declared cookie's `expiry` with the retention the Open Cookie Database gives for its
    name (parsed from the database's text: "2 years", "13 months", "session", ...). It reports a
    duration shorter than half (option `ratio`) of the *shortest* retention the database allows for
    the cookie (for a range such as "30 seconds till 1 year", the 30 seconds), and `expiry session`
    for a cookie the database says lives a day or more. A declared range (`expiry 1 day to 1 year`)
    is compared by its longer end: the notice understates only if even that is too short. Storage
    declared `expiry never` or `expiry persistent` is never too short. Rows whose retention the
    database does not state in a readable way ("Unknown", "Varies") are never compared, and unnamed
    cookies (`cookie unnamed`) cannot be looked up.

    ## Why it matters
    The information owed for cookie consent includes how long the cookies operate (Planet49,
    operative part point 2) and the storage period (GDPR Art. 13(2)(a)). A notice that says
    `_ga` lasts a day when Google Analytics sets it for two years understates the tracking, and the
    notice is not transparent (Art. 5(1)(a)). The default `ratio` of 0.5 leaves room for honest
    configuration: a site that shortened Google Analytics to 13 months, as the French CNIL
    recommends for audience measurement, is not reported. If the site really sets a shorter
    lifetime than the platform's default, suppress the finding with that reason, or check it with
    `privacy-dsl verify-cookies`. The database is not authoritative: its retention is what its
    contributors recorded, and a vendor's documentation or the site's own configuration may give
    another lifetime (Cookiebot's `CookieConsent` lasts as long as the site configures it). So
    the finding says what the database gives, at info level: a question to check, not a defect.

    ## Example
    ```privacy
    cookie _ga {
      provider "Google"
      category analytics
      expiry 1 day
    }
    ```

    ## Use instead
    ```privacy
    cookie _ga {
      provider "Google"
      category analytics
      expiry 13 months
    }
    ```

    ## Options
    - `ratio` (default `0.5`): report a declared duration shorter than this fraction of the
      database's shortest retention.
    - `session-threshold-days` (default `1`): report `expiry session` when the database's shortest
      retention is at least this many days, or persistent.

    ## References
    CJEU C-673/17 Planet49, operative part point 2; GDPR Art. 5(1)(a), 13(2)(a); the Open Cookie
    Database.
    """
    opts: ExpiryOptions = ctx.options or ExpiryOptions()
    for cookie, rows in _cookies_with_rows(ctx):
        expiry = cookie.expiry
        if expiry is None:
            continue
        lows = [r.low for r in rows if r.low is not None]
        if len(lows) != len(rows) or not lows:
            continue  # a row without a readable retention: nothing certain to compare with
        if any(low == "session" for low in lows):
            continue
        numbers = [low for low in lows if isinstance(low, int)]
        shortest = min(numbers) if numbers else None  # None: every row says persistent, no end
        row = min(rows, key=lambda r: r.low if isinstance(r.low, int) else float("inf"))
        if expiry.lifetime == "session" and expiry.duration is None:
            if shortest is None or shortest >= opts.session_threshold_days * 86_400:
                yield Finding(
                    cookie.span_of("expiry"),
                    {"cookie": cookie.label(), "label": row.label, "platform": row.platform,
                     "retention": row.retention},
                    "session",
                    hint=f"declare the real lifetime, e.g. `expiry {_expiry_text(row)}`; evidence: {row.evidence()}")
            continue
        if expiry.duration is None or shortest is None:
            continue
        declared = expiry.duration.days * 86_400  # a range: its longer end, the most the notice admits
        if declared < opts.ratio * shortest:
            yield Finding(
                cookie.span_of("expiry"),
                {"cookie": cookie.label(), "duration": str(expiry), "label": row.label,
                 "platform": row.platform, "retention": row.retention},
                "too-short",
                hint=f"check what the site sets and declare it, e.g. `expiry {_expiry_text(row)}`; "
                f"evidence: {row.evidence()}")


class ProviderOptions(Options):
    ignore_software: bool = Field(
        True, description="Do not report names the database gives to software a site runs itself "
        "(PHP, Django, WordPress, ...): whoever runs the software sets them.")


@rule(
    "CK103",
    "known-cookie-provider-mismatch",
    messages={
        "mismatch": (
            "{cookie} is declared with provider {provider}, but the Open Cookie Database gives `{label}` "
            "to platform {platform} ({controller})"
        ),
    },
    object_args=("label",),
    category="cookies",
    severity="warning",
    options=ProviderOptions,
    references=(
        "CJEU C-673/17 Planet49 (1 October 2019), operative part, point 2 (whether third parties may "
        "have access to the cookies)",
        "GDPR Art. 13(1)(e)",
        "EDPB Guidelines 05/2020 on consent, para 65 (the identity of every controller must be given)",
        "Open Cookie Database (jkwakman/Open-Cookie-Database, Apache-2.0)",
    ),
)
def known_cookie_provider_mismatch(ctx: Context) -> Iterator[Finding]:
    """A known cookie declared under a provider other than the one the Open Cookie Database gives.

    ## What it does
    Looks up each declared cookie's name in the Open Cookie Database and compares its `provider`
    (the string, or the `name` of the recipient it refers to) with the platform and controller of
    the database's rows: `__cfduid` is Cloudflare's, and a notice that declares it as HubSpot's is
    reported, naming both. Names of one company group agree (Meta and Facebook, Google and YouTube,
    Microsoft and LinkedIn). It reports only when the declared provider is itself a platform or
    controller the database knows: a provider it does not know (the site itself, a reseller) is not
    compared. Names the database gives to software any site runs (`PHPSESSID` to PHP,
    `JSESSIONID` to Java EE) are not compared (option `ignore-software`).

    ## Why it matters
    The user must be told whether third parties may have access to the cookies (Planet49,
    operative part point 2) and who they are (GDPR Art. 13(1)(e); EDPB Guidelines 05/2020, para 65).
    A cookie filed under the wrong company hides the one that reads it. CMP tables often give as
    provider the host a cookie is set on: Cloudflare's bot-management cookie set on a HubSpot host
    is listed as HubSpot's, and then the notice never names Cloudflare. The database is evidence,
    not authority: if the declared provider really sets a cookie of that name, suppress the finding
    with the reason.

    ## Example
    ```privacy
    cookie __cfduid {
      provider "HubSpot"
      party third
      category strictly_necessary
    }
    ```

    ## Use instead
    ```privacy
    cookie __cfduid {
      provider "Cloudflare"
      party third
      category strictly_necessary
    }
    ```

    ## Options
    - `ignore-software` (default `true`): names the database gives to software a site runs itself
      (PHP, Django, WordPress, ...) are not compared.

    ## References
    CJEU C-673/17 Planet49, operative part point 2; GDPR Art. 13(1)(e); EDPB Guidelines 05/2020,
    para 65; the Open Cookie Database.
    """
    opts: ProviderOptions = ctx.options or ProviderOptions()
    db = database()
    for cookie, rows in _cookies_with_rows(ctx):
        provider = _provider(ctx, cookie)
        if provider is None or not db.is_known_provider(provider):
            continue
        if any(provider_names(provider, name) for r in rows for name in (r.platform, r.controller)):
            continue
        if opts.ignore_software and any(r.platform.strip().lower() in SOFTWARE for r in rows):
            continue
        row = rows[0]
        controller = f"controller {row.controller}" if row.controller else "controller not given"
        yield Finding(
            cookie.span_of("provider_ref") if cookie.provider_ref is not None else cookie.span_of("provider"),
            {"cookie": cookie.label(), "provider": f"`{provider}`", "label": row.label,
             "platform": row.platform, "controller": controller},
            hint=f"check who sets it: if {row.provider} does (on {provider}'s host, say), name {row.provider} as its "
                 f"provider; if {provider} really does, suppress with the reason; evidence: {row.evidence()}")


def _expiry_text(row: KnownCookie) -> str:
    """The database's retention as an expiry: a range where it gives one ("30 seconds till 1 year")."""
    return dsl_expiry(row.low, row.high) or "<duration>"


RULES = (known_cookie_category_contradiction, known_cookie_expiry_too_short, known_cookie_provider_mismatch)
