"""Retention: storage limitation (Art. 5(1)(e)) and telling people how long (Art. 13(2)(a))."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field, field_validator

from ...language import model as m
from .base import Context, Finding, Options, rule

_WP260 = ("Article 29 Working Party, Guidelines on transparency under Regulation 2016/679, WP260 rev.01 "
          "(endorsed by the EDPB on 25 May 2018), Annex, entry on Art. 13(2)(a) / 14(2)(a)")


def _is_criterion(ret: m.Retention) -> bool:
    """Whether a retention statement gives a period or a criterion a reader can apply."""
    if ret.rule in ("duration", "until", "not_stored"):
        return True
    return ret.rule == "law" and (ret.law is not None or ret.duration is not None)


@rule(
    "RET001",
    "retention-missing",
    messages={
        "missing": "purpose `{purpose}` does not say how long its data is kept",
        "unspecified": "purpose `{purpose}` marks its retention as unspecified",
    },
    omits={"missing": "retention"},
    category="retention",
    severity="error",
    references=(
        "GDPR Art. 5(1)(e) (storage limitation)",
        "GDPR Art. 13(2)(a), 14(2)(a) (the period, or the criteria used to determine it)",
        _WP260,
    ),
)
def retention_missing(ctx: Context) -> Iterator[Finding]:
    """A purpose that does not say how long its data is kept.

    ## What it does
    Flags a purpose with no `retention` statement, or whose only retention is `unspecified`.

    ## Why it matters
    GDPR Art. 13(2)(a) and 14(2)(a) require the notice to give "the period for which the personal
    data will be stored, or if that is not possible, the criteria used to determine that period".
    Storage limitation (Art. 5(1)(e)) means the controller must know that period itself. A purpose
    that is silent about retention gives the reader neither.

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
    for purpose in ctx.policy.purposes.values():
        if not purpose.retention:
            yield Finding(purpose.span, {"purpose": purpose.id}, "missing",
                          hint="add `retention <period>` (e.g. `retention 3 years after contract_end`), "
                               "`retention until <event>` or `retention law \"<statute>\"`")
        elif all(r.rule == "unspecified" for r in purpose.retention):
            yield Finding(purpose.retention[0].span, {"purpose": purpose.id}, "unspecified",
                          hint="state the period or the criteria that decide it, e.g. `retention 13 months`")


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
    ),
)
def retention_indefinite(ctx: Context) -> Iterator[Finding]:
    """Data kept indefinitely, or for as long as the controller sees fit.

    ## What it does
    Flags `retention indefinite` and `retention at controller discretion` ("until we find it
    appropriate"), wherever they appear, even beside other retention statements: an open-ended
    alternative makes the whole period open-ended.

    ## Why it matters
    Art. 5(1)(e) allows personal data to be kept in identifying form "for no longer than is
    necessary for the purposes". Recital 39 asks the controller to set time limits for erasure or
    periodic review. A period the controller may extend at will is no limit at all, and a notice
    that says so tells the reader nothing they can rely on (Art. 13(2)(a)).

    Art. 5(1)(e) does allow longer storage solely for archiving in the public interest, research or
    statistics under Art. 89(1). If that is the case, suppress the finding with the reason.

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
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(1)(e), 13(2)(a), 89(1); Recital 39.
    """
    ids = {"indefinite": "indefinite", "at_discretion": "at-discretion"}
    for purpose in ctx.policy.purposes.values():
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
    },
    category="retention",
    severity="error",
    references=(
        "GDPR Art. 13(2)(a), 14(2)(a)",
        _WP260 + ": \"it is not sufficient for the data controller to generically state that personal "
                 "data will be kept as long as necessary for the legitimate purposes of the processing\"",
    ),
)
def retention_vague(ctx: Context) -> Iterator[Finding]:
    """"As long as necessary", with no period or criterion beside it.

    ## What it does
    Flags `retention as long as necessary` when the purpose gives no other retention statement a
    reader could apply: a period (`retention 5 years`), an event (`retention until ...`), or a law
    that is named or has a period (`retention law "bokføringsloven § 13"`). A bare `retention law`
    is not a criterion (RET005 reports it).

    ## Why it matters
    The WP29 transparency guidelines, endorsed by the EDPB, say it plainly: "it is not sufficient
    for the data controller to generically state that personal data will be kept as long as
    necessary for the legitimate purposes of the processing". Art. 13(2)(a) asks for the period or
    the criteria that determine it, so that the data subject can assess what happens to the data.

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
    for purpose in ctx.policy.purposes.values():
        if any(_is_criterion(r) for r in purpose.retention):
            continue
        for ret in purpose.retention:
            if ret.rule == "as_long_as_necessary":
                yield Finding(ret.span, {"purpose": purpose.id}, hint="add the period or the event that ends it, e.g. "
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
    last_contact`) is compared as written: the period runs from the event.

    Not compared: retention required by law (`retention law ...`, whatever its period: the
    statute decides), retention until an event, and the vague markers (RET001-RET003 report those).

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
        limit = _limit_for(purpose.use, opts.max_years)
        if limit is None:
            continue
        prefix, years = limit
        for ret in purpose.retention:
            if ret.rule != "duration" or ret.duration is None:
                continue
            if ret.duration.days > years * 365.25 + 1e-6:
                args = {"purpose": purpose.id, "duration": str(ret.duration), "maximum": _years_text(years)}
                if prefix != "*":
                    args["prefix"] = prefix
                yield Finding(ret.span, args, "exceeds-any" if prefix == "*" else "exceeds",
                              hint="shorten the period, or justify it and raise `max-years` in the configuration")


@rule(
    "RET005",
    "legal-retention-without-citation",
    messages={
        "no-law": "purpose `{purpose}` keeps data as required by law, but names no law",
    },
    omits={"no-law": "retention"},
    category="retention",
    severity="warning",
    references=(
        "GDPR Art. 13(2)(a), 14(2)(a) (the period or the criteria used to determine it)",
        "GDPR Art. 5(2) (accountability)",
        _WP260,
    ),
)
def legal_retention_without_citation(ctx: Context) -> Iterator[Finding]:
    """Retention "required by law" without naming the law.

    ## What it does
    Flags `retention law` with no statute in quotes after it.

    ## Why it matters
    "As the law requires" is a criterion only if the reader can find the law: which statute, and
    so which period. Naming it (`retention law "bokføringsloven § 13" 5 years`) lets the data
    subject check the period (Art. 13(2)(a)) and lets the controller show why it keeps the data
    (Art. 5(2)).

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
                yield Finding(ret.span, {"purpose": purpose.id},
                              hint='name the statute and, if it sets one, the period: '
                                   '`retention law "<statute § section>" <period>`')


RULES = (
    retention_missing,
    retention_indefinite,
    retention_vague,
    retention_exceeds_maximum,
    legal_retention_without_citation,
)
