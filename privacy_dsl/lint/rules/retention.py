"""Retention: storage limitation (Art. 5(1)(e)) and telling people how long (Art. 13(2)(a))."""

from __future__ import annotations

from collections.abc import Iterator

from ...language import model as m
from .base import Context, Field, Finding, Options, field_validator, rule
from .identifiability import anonymous_purposes

_WP260 = ("Article 29 Working Party, Guidelines on transparency under Regulation 2016/679, WP260 rev.01 "
          "(endorsed by the EDPB on 25 May 2018), Annex, entry on Art. 13(2)(a) / 14(2)(a)")


def _is_criterion(ret: m.Retention) -> bool:
    """Whether a retention statement gives a period or a criterion a reader can apply: a period
    (exact or a maximum), an event, data not kept, a law that is named or has a period, the
    criteria used to determine the period, or what a law permits with the maximum given."""
    if ret.is_period or ret.rule == "criteria":
        return True
    if ret.rule == "law":
        return ret.law is not None or ret.duration is not None
    return ret.rule == "law_permits" and ret.duration is not None


def _scopes(purpose: m.Purpose, ret: m.Retention) -> list[tuple[m.Retention, ...]]:
    """The retention statements that apply beside ``ret`` to each part of the data ``ret`` is
    about: the general statements for a general one; for ``ret`` with ``for a, b``, the
    statements that apply to `a` and those that apply to `b` (``Purpose.retention_for``)."""
    if not ret.categories:
        return [purpose.general_retention]
    return [purpose.retention_for(r.name) for r in ret.categories]


def _answered(purpose: m.Purpose, ret: m.Retention) -> bool:
    """Whether, for all the data ``ret`` is about, another statement gives a period or criterion."""
    return all(any(_is_criterion(o) for o in scope if o is not ret) for scope in _scopes(purpose, ret))


def _names(categories: list[str]) -> str:
    return ", ".join(f"`{c}`" for c in categories)


#: Cookie categories whose data goes on to be kept elsewhere (reports, profiles, ad audiences).
_COLLECTING = frozenset({m.CookieCategory.ANALYTICS, m.CookieCategory.MARKETING, m.CookieCategory.PERSONALIZATION})


def _stored_in_cookies(policy: m.Policy) -> set[str]:
    """The purposes whose only data is what their cookies store, each cookie with its expiry: a
    technical purpose that lists no categories of its own, that no analytics or marketing use or
    cookie serves, and that cookies with a stated lifetime serve (a CMP table's "session security"
    row). The expiry is how long that data is kept; an analytics cookie's lifetime on the device is
    not how long the statistics made from it are kept."""
    served: dict[str, list[m.Cookie]] = {}
    for cookie in policy.cookies:
        for ref in cookie.purposes:
            served.setdefault(ref.name, []).append(cookie)
    return {pid for pid, cookies in served.items()
            if (p := policy.purposes.get(pid)) is not None and not p.categories
            and not any(u.startswith(("analytics", "marketing", "personalize")) for u in p.uses)
            and all(c.expiry is not None and c.category not in _COLLECTING for c in cookies)}


@rule(
    "RET001",
    "retention-missing",
    messages={
        "missing": "purpose `{purpose}` does not say how long its data is kept",
        "unspecified": "purpose `{purpose}` marks its retention as unspecified",
        "unspecified-for": "purpose `{purpose}` marks the retention of {categories} as unspecified",
        "no-criteria": (
            "purpose `{purpose}` says no general retention period can be given, but gives no criteria "
            "for it either"
        ),
    },
    omits={"missing": "retention"},
    category="retention",
    severity="error",
    references=(
        "GDPR Art. 5(1)(e) (storage limitation)",
        "GDPR Art. 13(2)(a), 14(2)(a) (the period, or if that is not possible, the criteria used to determine "
        "that period)",
        _WP260,
    ),
)
def retention_missing(ctx: Context) -> Iterator[Finding]:
    """A purpose that does not say how long its data is kept.

    ## What it does
    Flags a purpose with no `retention` statement, or whose only retention is `unspecified`
    (also per category: `retention unspecified for logs` with nothing else for `logs`). Flags
    `retention no_general_period` ("it is not possible to give a general time frame") when no
    criteria (`retention criteria "..."`) or period is given beside it for the same data: the
    other statements a notice puts beside it that give neither ("as long as necessary", a bare
    `retention law`, `law_permits` or `archive`, a period for some categories only) leave it a
    finding (Art. 13(2)(a): the period, or if that is not possible, the criteria).

    `retention criteria "..."` answers the question: the rule cannot judge free text, so it stays
    silent on criteria however they are worded. A period given as a maximum (`retention up_to 30
    days`) is a period. A purpose whose retention names only some of its categories (`for ...`)
    is RET007's. A technical purpose that lists no categories and that only cookies with a stated
    `expiry` serve (a cookie table's "session security" row) keeps what those cookies store as long
    as they last: the expiry answers the question, and CK002 reports a cookie without one. Not so
    for an analytics, marketing or personalisation use or cookie: how long the statistics or
    profiles made from a cookie are kept is not its lifetime on the device.

    ## Why it matters
    GDPR Art. 13(2)(a) and 14(2)(a) require the notice to give "the period for which the personal
    data will be stored, or if that is not possible, the criteria used to determine that period".
    Storage limitation (Art. 5(1)(e)) means the controller must know that period itself. A purpose
    that is silent about retention gives the reader neither; a notice that says no period can be
    given owes the reader the criteria instead.

    ## Example
    ```privacy
    purpose newsletter {
      use marketing.communications.email
      basis consent
    }
    ```

    ## Use instead
    ```privacy
    purpose newsletter {
      use marketing.communications.email
      basis consent
      retention until consent_withdrawn
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(1)(e), 13(2)(a), 14(2)(a); WP29 Guidelines on transparency (WP260 rev.01), Annex.
    """
    stored = _stored_in_cookies(ctx.policy)
    for purpose in ctx.policy.purposes.values():
        if not purpose.retention:
            if purpose.id not in stored:
                yield Finding(purpose.span, {"purpose": purpose.id}, "missing",
                              hint="add `retention <period>` (e.g. `retention 3 years after contract_end`), "
                                   "`retention until <event>` or `retention law \"<statute>\"`")
            continue
        hint = "state the period or the criteria that decide it, e.g. `retention 13 months`"
        if all(r.rule == "unspecified" for r in purpose.retention):
            yield Finding(purpose.retention[0].span, {"purpose": purpose.id}, "unspecified", hint=hint)
        elif any(r.categories for r in purpose.retention):  # else nothing is unspecified for some data only
            general = purpose.general_retention
            if not purpose.categories and general and all(r.rule == "unspecified" for r in general):
                # The general retention of a purpose that lists no categories: its data beyond the
                # categories its other statements name.
                yield Finding(general[0].span, {"purpose": purpose.id}, "unspecified", hint=hint)
            unspecified = [c for c in purpose.retention_categories if (rs := purpose.retention_for(c))
                           and all(r.rule == "unspecified" for r in rs)]
            if unspecified:
                first = purpose.retention_for(unspecified[0])[0]
                yield Finding(first.span, {"purpose": purpose.id, "categories": _names(unspecified)},
                              "unspecified-for", hint="state the period or the criteria that decide it, e.g. "
                                                      f"`retention 13 months for {unspecified[0]}`")
        for ret in purpose.retention:
            if ret.rule == "no_general_period" and not _answered(purpose, ret):
                yield Finding(ret.span, {"purpose": purpose.id}, "no-criteria",
                              hint="give the criteria that decide the period: `retention criteria \"...\"`")


@rule(
    "RET002",
    "retention-indefinite",
    messages={
        "indefinite": "purpose `{purpose}` keeps data indefinitely",
        "at-discretion": "purpose `{purpose}` keeps data at the controller's discretion",
    },
    category="retention",
    severity="error",
    references=(
        "GDPR Art. 5(1)(e) (kept no longer than necessary for the purposes)",
        "GDPR Art. 13(2)(a)",
        "GDPR Recital 39 (time limits for erasure or periodic review)",
        "GDPR Art. 89(1) (safeguards for archiving in the public interest, scientific or historical research "
        "or statistics)",
    ),
)
def retention_indefinite(ctx: Context) -> Iterator[Finding]:
    """Data kept indefinitely, or for as long as the controller sees fit.

    ## What it does
    Flags `retention indefinite` and `retention at controller discretion` ("until we find it
    appropriate"), wherever they appear, even beside other retention statements: an open-ended
    alternative makes the whole period open-ended. A purpose whose data is all claimed anonymous,
    with nothing in the policy contradicting the claim (IDN001), is not flagged: storage limitation
    is about personal data (Recital 26).

    ## Why it matters
    Art. 5(1)(e) allows personal data to be kept in identifying form "for no longer than is
    necessary for the purposes". Recital 39 asks the controller to set time limits for erasure or
    periodic review. A period the controller may extend at will is no limit at all, and a notice
    that says so tells the reader nothing they can rely on (Art. 13(2)(a)).

    Art. 5(1)(e) does allow longer storage "insofar as the personal data will be processed solely
    for archiving purposes in the public interest, scientific or historical research purposes or
    statistical purposes in accordance with Article 89(1)", subject to the technical and
    organisational measures the Regulation requires. Art. 89(1) makes such processing subject to
    appropriate safeguards for the rights and freedoms of the data subject, in particular measures
    for data minimisation (pseudonymisation where the purposes allow it, and data that no longer
    identifies anyone where that suffices). Write that as `retention archive "<law or basis>"`,
    which this rule does not flag: whether the safeguards are in place is not in the policy, and
    the rule cannot know it.

    ## Example
    ```privacy
    purpose further_use {
      basis consent
      retention until erasure_request
      retention at controller discretion
    }
    ```

    ## Use instead
    ```privacy
    purpose further_use {
      basis consent
      retention until erasure_request
      retention archive "Arkivlova § 6"
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(1)(e), 13(2)(a), 89(1); Recital 39.
    """
    ids = {"indefinite": "indefinite", "at_discretion": "at-discretion"}
    anonymous = anonymous_purposes(ctx)  # no personal data to limit (Recital 26), as far as the notice says
    for purpose in ctx.policy.purposes.values():
        if purpose.id in anonymous:
            continue
        for ret in purpose.retention:
            if ret.rule in ids:
                yield Finding(ret.span, {"purpose": purpose.id}, ids[ret.rule],
                              hint="replace it with a period (`retention 2 years after last_contact`) or an "
                                   "event that ends it (`retention until consent_withdrawn`)")


@rule(
    "RET003",
    "retention-vague",
    messages={
        "vague": "purpose `{purpose}` keeps data \"as long as necessary\" without a period or criterion",
        "temporarily": "purpose `{purpose}` keeps data \"temporarily\" without a period or criterion",
    },
    category="retention",
    severity="error",
    references=(
        "GDPR Art. 13(2)(a), 14(2)(a)",
        _WP260 + ": \"it is not sufficient for the data controller to generically state that personal "
                 "data will be kept as long as necessary for the legitimate purposes of the processing\"",
    ),
    # "As long as necessary, or as the law requires": the purpose gives no period or criterion, and
    # a bare `retention law` is not one; RET005's "names no law" adds nothing to that.
    implies=("RET005:no-law",),
)
def retention_vague(ctx: Context) -> Iterator[Finding]:
    """"As long as necessary" or "temporarily", with no period or criterion beside it.

    ## What it does
    Flags `retention as long as necessary` and `retention temporarily` ("for a short time") when
    the purpose gives no other retention statement a reader could apply to the same data: a
    period (`retention 5 years`, `retention up_to 30 days`), an event (`retention until ...`),
    the criteria (`retention criteria "..."`), or a law that is named or has a period (`retention
    law "bokføringsloven § 13"`). A bare `retention law` is not a criterion, and neither is what a
    law permits without a period (RET006 reports it). "As long as necessary or as the law
    requires" is one fact: this finding implies RET005's "names no law" on the same purpose,
    which is then not reported (RET005's archiving message still is). A statement for some
    categories (`for logs`) is answered by what applies to those categories.

    ## Why it matters
    The WP29 transparency guidelines, endorsed by the EDPB, say it plainly: "it is not sufficient
    for the data controller to generically state that personal data will be kept as long as
    necessary for the legitimate purposes of the processing". Art. 13(2)(a) asks for the period or
    the criteria that determine it, so that the data subject can assess what happens to the data.
    "Temporarily" says as little: the reader cannot tell a day from a year.

    ## Example
    ```privacy
    purpose assignments {
      basis contract
      retention as long as necessary
    }
    ```

    ## Use instead
    ```privacy
    purpose assignments {
      basis contract
      retention as long as necessary
      retention 3 years after contract_end
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 13(2)(a), 14(2)(a); WP29 Guidelines on transparency (WP260 rev.01), Annex.
    """
    ids = {"as_long_as_necessary": "vague", "temporarily": "temporarily"}
    for purpose in ctx.policy.purposes.values():
        for ret in purpose.retention:
            if ret.rule in ids and not _answered(purpose, ret):
                yield Finding(ret.span, {"purpose": purpose.id}, ids[ret.rule],
                              hint="add the period or the event that ends it, e.g. "
                                   "`retention 3 years after contract_end`")


class MaxRetentionOptions(Options):
    max_years: dict[str, float] = Field(default_factory=lambda: {"marketing": 3.0})
    """Longest retention, in years, per data-use prefix (`"marketing"` covers
    `marketing.communications.email`); the longest matching prefix wins; `"*"` matches every purpose."""

    @field_validator("max_years")
    @classmethod
    def _positive(cls, value: dict[str, float]) -> dict[str, float]:
        bad = [k for k, v in value.items() if v <= 0]
        if bad:
            raise ValueError(f"maximum must be positive for {', '.join(bad)}")
        return value


def _limit_for(use: str | None, limits: dict[str, float]) -> tuple[str, float] | None:
    best: tuple[str, float] | None = None
    if use is not None:
        for prefix, years in limits.items():
            if (use == prefix or use.startswith(prefix + ".")) and (best is None or len(prefix) > len(best[0])):
                best = (prefix, years)
    if best is None and "*" in limits:
        best = ("*", limits["*"])
    return best


def _years_text(years: float) -> str:
    months = years * 12
    if abs(years - round(years)) < 1e-9:
        n = round(years)
        return f"{n} year{'' if n == 1 else 's'}"
    if abs(months - round(months)) < 1e-6:
        return f"{round(months)} months"
    return f"{years:g} years"


@rule(
    "RET004",
    "retention-exceeds-maximum",
    messages={
        "exceeds": (
            "purpose `{purpose}` keeps data {duration}, longer than the {maximum} configured for "
            "`{prefix}` purposes"
        ),
        "exceeds-any": (
            "purpose `{purpose}` keeps data {duration}, longer than the {maximum} configured for any "
            "purpose"
        ),
    },
    category="retention",
    severity="warning",
    references=(
        "GDPR Art. 5(1)(e) (storage limitation), Art. 25(2) (data protection by default: storage period)",
        "CNIL, Référentiel relatif aux traitements de données personnelles mis en œuvre aux fins de gestion des "
        "activités commerciales (2021): prospect data kept at most 3 years from the last contact "
        "(citation not verified)",
        "CNIL, Délibération n° 2020-091 du 17 septembre 2020 (lignes directrices « cookies et autres traceurs »): "
        "data from exempt audience-measurement trackers kept at most 25 months (paragraph not verified)",
    ),
    options=MaxRetentionOptions,
    profiles={"fr": {"max-years": {"marketing": 3.0, "analytics": 25 / 12}}},
)
def retention_exceeds_maximum(ctx: Context) -> Iterator[Finding]:
    """A retention period longer than the maximum configured for the purpose's kind of data use.

    ## What it does
    Compares each `retention <duration>` of a purpose with the maximum configured in `max-years`
    for the purpose's data use. Keys are data-use prefixes: `marketing` covers
    `marketing.communications.email`; the longest matching prefix applies, and `"*"` applies to
    every purpose no other key matches. A duration anchored to an event (`3 years after
    last_contact`) is compared as written: the period runs from the event. A maximum (`retention
    up_to 10 years`) is compared too: the notice allows the data to be kept that long.

    Not compared: retention required by law (`retention law ...`, whatever its period: the
    statute decides), what a law permits (`retention law_permits ...`), retention until an event,
    and the vague markers (RET001-RET003 report those).

    ## Why it matters
    Art. 5(1)(e) sets no number: the period must be no longer than necessary for the purpose. But
    supervisory authorities publish reference periods, and a period far beyond them needs a
    justification. The CNIL's reference for commercial prospecting is 3 years from the last
    contact; for data from audience-measurement cookies it is 25 months. These are national
    guidance, not EU law: set your own limits, per jurisdiction, in the configuration.

    ## Example
    ```privacy
    purpose newsletter {
      use marketing.communications.email
      basis consent
      retention 10 years
    }
    ```

    ## Use instead
    ```privacy
    purpose newsletter {
      use marketing.communications.email
      basis consent
      retention 2 years after last_contact
    }
    ```

    ## Options
    - `max-years` (default `{"marketing": 3}`): maximum retention in years (decimals allowed:
      `2.0833` is 25 months) per data-use prefix; `"*"` for any purpose. A configured table
      replaces the default one (and a jurisdiction profile's) as a whole.
      Profile `fr`: `{"marketing": 3, "analytics": 25 months}` after the CNIL references above.

    ```toml
    [tool.privacy-dsl.rules.RET004]
    max-years = { "marketing" = 2, "analytics" = 2, "*" = 10 }
    ```

    ## References
    GDPR Art. 5(1)(e), 25(2); CNIL référentiel gestion commerciale (2021); CNIL Délibération n° 2020-091.
    """
    opts: MaxRetentionOptions = ctx.options
    for purpose in ctx.policy.purposes.values():
        # A purpose with several uses is held to the strictest limit among them.
        limits = [lim for use in purpose.uses or (None,) if (lim := _limit_for(use, opts.max_years)) is not None]
        limit = min(limits, key=lambda lim: lim[1]) if limits else None
        if limit is None:
            continue
        prefix, years = limit
        for ret in purpose.retention:
            if ret.rule != "duration" or ret.duration is None:
                continue
            if ret.duration.days > years * 365.25 + 1e-6:
                shown = ("up to " if ret.up_to else "") + str(ret.duration)
                args = {"purpose": purpose.id, "duration": shown, "maximum": _years_text(years)}
                if prefix != "*":
                    args["prefix"] = prefix
                yield Finding(ret.span, args, "exceeds-any" if prefix == "*" else "exceeds",
                              hint="shorten the period, or justify it and raise `max-years` in the configuration")


@rule(
    "RET005",
    "legal-retention-without-citation",
    messages={
        "no-law": "purpose `{purpose}` keeps data as required by law, but names no law",
        "archive-no-basis": (
            "purpose `{purpose}` keeps data longer for archiving, research or statistics, but names no law or basis"
        ),
    },
    omits={"no-law": "retention"},
    category="retention",
    severity="warning",
    references=(
        "GDPR Art. 13(2)(a), 14(2)(a) (the period or the criteria used to determine it)",
        "GDPR Art. 5(2) (accountability)",
        "GDPR Art. 5(1)(e), 89(1) (longer storage for archiving, research or statistics)",
        _WP260,
    ),
)
def legal_retention_without_citation(ctx: Context) -> Iterator[Finding]:
    """Retention "required by law", or kept for archiving, without naming the law.

    ## What it does
    Flags `retention law` with no statute in quotes after it, and `retention archive` (archiving
    in the public interest, scientific or historical research or statistics) with no law or basis
    in quotes after it.

    ## Why it matters
    "As the law requires" is a criterion only if the reader can find the law: which statute, and
    so which period. Naming it (`retention law "bokføringsloven § 13" 5 years`) lets the data
    subject check the period (Art. 13(2)(a)) and lets the controller show why it keeps the data
    (Art. 5(2)). The same holds for the longer storage Art. 5(1)(e) allows for archiving,
    research or statistics: it is allowed only "in accordance with Article 89(1)", and the reader
    can only tell on what ground the data outlives the purpose when the notice names it
    (`retention archive "Arkivlova § 6"`).

    ## Example
    ```privacy
    purpose invoicing {
      basis legal_obligation "bokføringsloven § 13"
      retention law
    }
    ```

    ## Use instead
    ```privacy
    purpose invoicing {
      basis legal_obligation "bokføringsloven § 13"
      retention law "bokføringsloven § 13" 5 years after financial_year_end
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(2), 13(2)(a), 14(2)(a); WP29 Guidelines on transparency (WP260 rev.01), Annex.
    """
    for purpose in ctx.policy.purposes.values():
        for ret in purpose.retention:
            if ret.rule == "law" and not ret.law:
                yield Finding(ret.span, {"purpose": purpose.id}, "no-law",
                              hint='name the statute and, if it sets one, the period: '
                                   '`retention law "<statute § section>" <period>` '
                                   '(e.g. `retention law "Bookkeeping Act § 13" 5 years`)')
            elif ret.rule == "archive" and not ret.law:
                yield Finding(ret.span, {"purpose": purpose.id}, "archive-no-basis",
                              hint='name the law or basis of the archiving: `retention archive "<law § section>"`')


@rule(
    "RET006",
    "retention-law-permits",
    messages={
        "permits": (
            "purpose `{purpose}` keeps data as long as {law} permits: that is a maximum, not how long the data "
            "is kept"
        ),
        "permits-unnamed": (
            "purpose `{purpose}` keeps data as long as the law permits: that is a maximum, not how long the "
            "data is kept"
        ),
    },
    category="retention",
    severity="warning",
    references=(
        "GDPR Art. 13(2)(a), 14(2)(a) (the period for which the personal data will be stored, or the criteria "
        "used to determine that period)",
        "GDPR Art. 5(1)(e) (no longer than is necessary for the purposes)",
        _WP260 + ": the period should be phrased so that the data subject can assess, on the basis of their own "
                 "situation, what the retention period will be for specific data or purposes (paraphrase)",
    ),
)
def retention_law_permits(ctx: Context) -> Iterator[Finding]:
    """Retention "as long as the law permits": the longest the data may be kept, not how long it is.

    ## What it does
    Flags `retention law_permits` ("as long as the law *permits*", "as far as permitted by law")
    when it gives no period and the purpose gives no other period or criterion for the same
    data. With a period (`retention law_permits "Act § 4" 10 years`) it states the maximum, as
    `retention up_to 10 years` does, and is not flagged. `retention law` ("as the law
    *requires*") is a different statement: a duty to keep, which RET005 checks.

    ## Why it matters
    Art. 13(2)(a) asks for the period for which the data *will be* stored. What a law permits is
    an upper limit set by the legislator; the controller decides how long it actually keeps the
    data within it, and storage limitation (Art. 5(1)(e)) asks that to be no longer than the
    purpose needs. The reader learns neither the period nor the criteria the controller applies.
    This reading is the rule's own; no court or authority decision we know of rules on this
    wording. Set the rule's level in the configuration if you read it otherwise.

    ## Example
    ```privacy
    purpose marketing_list {
      basis consent
      retention law_permits
    }
    ```

    ## Use instead
    ```privacy
    purpose marketing_list {
      basis consent
      retention until consent_withdrawn
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(1)(e), 13(2)(a), 14(2)(a); WP29 Guidelines on transparency (WP260 rev.01), Annex.
    """
    for purpose in ctx.policy.purposes.values():
        for ret in purpose.retention:
            if ret.rule != "law_permits" or ret.duration is not None or _answered(purpose, ret):
                continue
            hint = ("state how long the data is kept (`retention 5 years after contract_end`), or the criteria "
                    "that decide it (`retention criteria \"...\"`)")
            if ret.law:
                yield Finding(ret.span, {"purpose": purpose.id, "law": ret.law}, "permits", hint=hint)
            else:
                yield Finding(ret.span, {"purpose": purpose.id}, "permits-unnamed", hint=hint)


@rule(
    "RET007",
    "retention-missing-for-categories",
    messages={
        "missing-for": "purpose `{purpose}` gives its retention per category, but none for {categories}",
    },
    category="retention",
    severity="error",
    references=(
        "GDPR Art. 13(2)(a), 14(2)(a)",
        "GDPR Art. 5(1)(e) (storage limitation)",
        _WP260 + ": where relevant, different storage periods should be stated for different categories of "
                 "personal data and/or different processing purposes, including, where appropriate, archiving "
                 "periods (paraphrase)",
    ),
)
def retention_missing_for_categories(ctx: Context) -> Iterator[Finding]:
    """A purpose whose retention covers only some of its categories of data.

    ## What it does
    Flags a purpose whose `retention` statements all name categories (`retention 6 months for
    logs`) when some of the categories the purpose lists in `categories` are named by none of
    them. One finding lists them all. A retention statement without `for` is about all of the
    purpose's data, so a purpose with one is never flagged; a purpose without `categories` cannot
    be checked. A `defaults purpose` block's statements for categories a purpose does not list
    are not given to it (and when none is left, the purpose states no retention: RET001).

    ## Why it matters
    Art. 13(2)(a) and 14(2)(a) ask for the period for which the personal data will be stored. A
    notice that gives periods per category of data (the WP29 guidelines ask for that where the
    periods differ) and leaves some categories out tells the reader nothing about those.

    ## Example
    ```privacy
    category account { taxonomy user.account }
    category logs { taxonomy user.behavior }
    purpose login {
      basis contract
      categories account, logs
      retention 6 months for logs
    }
    ```

    ## Use instead
    ```privacy
    category account { taxonomy user.account }
    category logs { taxonomy user.behavior }
    purpose login {
      basis contract
      categories account, logs
      retention 6 months for logs
      retention 2 years after last_login for account
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(1)(e), 13(2)(a), 14(2)(a); WP29 Guidelines on transparency (WP260 rev.01), Annex.
    """
    for purpose in ctx.policy.purposes.values():
        if not purpose.retention or purpose.general_retention:
            continue
        missing = [c for c in dict.fromkeys(r.name for r in purpose.categories) if not purpose.retention_for(c)]
        if missing:
            yield Finding(purpose.span_of("retention"), {"purpose": purpose.id, "categories": _names(missing)},
                          hint=f"add `retention <period> for {missing[0]}` (e.g. `retention 1 year for {missing[0]}`), "
                               "or a retention without `for` for the rest of the purpose's data")


RULES = (
    retention_missing,
    retention_indefinite,
    retention_vague,
    retention_exceeds_maximum,
    legal_retention_without_citation,
    retention_law_permits,
    retention_missing_for_categories,
)
