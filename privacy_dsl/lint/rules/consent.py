"""Consent: valid, informed, freely given and withdrawable (GDPR Art. 4(11), 7; Recital 32)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal

from ...language import model as m
from ...language.jurisdictions import EEA, REGIONS
from ...language.model import BasisKind, ConsentMethod, WithdrawRoute
from .base import Context, Field, Finding, Options, rule

#: Methods that cannot give valid consent (Art. 4(11), Recital 32), with the reason. Browser
#: settings have their own rule (CON004) because the law on them has moved and differs by country.
INVALID_METHODS: dict[ConsentMethod, str] = {
    ConsentMethod.PRE_TICKED: "a pre-ticked box is not an active indication of wishes (C-673/17 Planet49; "
                              "Recital 32)",
    ConsentMethod.OPT_OUT: "an opt-out leaves consent as the default: silence and inactivity are not consent "
                           "(Recital 32)",
    ConsentMethod.SILENCE: "silence is not consent (Recital 32)",
    ConsentMethod.CONTINUED_BROWSING: "continuing to browse or scrolling is not a clear affirmative act "
                                      "(EDPB Guidelines 05/2020, para 86)",
    ConsentMethod.IMPLIED: "implied consent is not an unambiguous indication by a statement or clear affirmative "
                           "act (Art. 4(11))",
    ConsentMethod.NONE: "no consent is asked for at all",
    ConsentMethod.ACKNOWLEDGE: "a banner acknowledged with one button (“OK”, “Got it”) offers no choice, and "
                               "consent that cannot be refused is not freely given (Art. 4(11), Recital 42)",
    ConsentMethod.NECESSARY_ONLY_AS_CONSENT: "choosing “necessary cookies only” is a refusal, and counting it as "
                                             "agreement is not an unambiguous indication of wishes (Art. 4(11); "
                                             "C-673/17 Planet49)",
}


def _methods(values: Iterable[ConsentMethod]) -> str:
    """Methods as a message names them: "`pre_ticked`", "`opt_out` and `continued_browsing`"."""
    shown = [f"`{v.value}`" for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def consent_purposes(policy: m.Policy) -> list[m.Purpose]:
    """The purposes that rely on consent (one of their bases is Art. 6(1)(a))."""
    return [p for p in policy.purposes.values() if any(b.basis is BasisKind.CONSENT for b in p.bases)]


def dependants(policy: m.Policy) -> dict[str, list[str]]:
    """Consent mechanism id -> labels of the purposes and cookies relying on it (directly, or a
    cookie through its purpose)."""
    out: dict[str, list[str]] = {}
    for purpose in policy.purposes.values():
        if purpose.consent is not None:
            out.setdefault(purpose.consent.name, []).append(f"purpose `{purpose.id}`")
    for cookie in policy.cookies:
        for ref in policy.consents_of(cookie):
            out.setdefault(ref.name, []).append(cookie.label())
    return out


def cookie_mechanisms(policy: m.Policy) -> set[str]:
    """Ids of the consent mechanisms that ask for consent to cookies or similar storage."""
    out: set[str] = set()
    for cookie in policy.cookies:
        out.update(ref.name for ref in policy.consents_of(cookie))
    return out


def _relied_on_by(mechanism: m.ConsentMechanism, labels: list[str] | None,
                  message_id: str) -> tuple[dict[str, str], str]:
    """The arguments naming the mechanism and what relies on it, and the message that says so:
    ``message_id`` or, when something relies on the mechanism, ``message_id-relied``."""
    args = {"consent": mechanism.id}
    if not labels:
        return args, message_id
    args["dependants"] = ", ".join(labels[:4]) + (f" and {len(labels) - 4} more" if len(labels) > 4 else "")
    return args, f"{message_id}-relied"


# ---------------------------------------------------------------- CON001


@rule(
    "CON001",
    "consent-without-withdrawal",
    messages={
        "no-withdrawal": "consent mechanism `{consent}` does not say how consent is withdrawn",
        "no-withdrawal-relied": (
            "consent mechanism `{consent}` does not say how consent is withdrawn; relied on by "
            "{dependants}"
        ),
    },
    omits={"no-withdrawal": "consent", "no-withdrawal-relied": "consent"},
    category="consent",
    severity="error",
    references=(
        "GDPR Art. 7(3) (the right to withdraw at any time, as easy as giving consent)",
        "GDPR Art. 13(2)(c) (the notice states the right to withdraw)",
        "EDPB Guidelines 05/2020 on consent, version 1.1, section 5.2 (withdrawal)",
    ),
)
def consent_without_withdrawal(ctx: Context) -> Iterator[Finding]:
    """A consent mechanism that does not say how consent is withdrawn.

    ## What it does
    Flags a `consent` block with neither a `withdraw` text nor a `withdraw_via` route. It does
    not fire when the `rights` block offers `withdraw_consent` and says `how` rights are
    exercised: the notice then tells the data subject how to withdraw.

    ## Why it matters
    The data subject may withdraw consent at any time, it must be as easy to withdraw as to give,
    and they must be told so before they consent (Art. 7(3), 13(2)(c)). A consent mechanism that
    says nothing about withdrawal leaves all three unmet.

    ## Example
    ```privacy
    consent newsletter_signup {
      method opt_in
    }
    ```

    ## Use instead
    ```privacy
    consent newsletter_signup {
      method opt_in
      withdraw_via unsubscribe_link       # or: withdraw "An unsubscribe link in every newsletter"
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 7(3), 13(2)(c); EDPB Guidelines 05/2020 section 5.2.
    """
    rights = ctx.policy.rights
    if rights is not None and m.Right.WITHDRAW_CONSENT in rights.offered and rights.how is not None \
            and str(rights.how).strip():
        return
    uses = dependants(ctx.policy)
    for mechanism in ctx.policy.consents.values():
        if says_how_to_withdraw(mechanism):
            continue
        yield Finding(mechanism.span, *_relied_on_by(mechanism, uses.get(mechanism.id), "no-withdrawal"),
                      hint='add `withdraw_via <route>` (e.g. `withdraw_via footer_button`) or `withdraw "<how>"`, '
                           "as easy as giving consent")


def says_how_to_withdraw(mechanism: m.ConsentMechanism) -> bool:
    """Whether the mechanism says how consent is withdrawn: a route, or a text that is not blank."""
    return bool(mechanism.withdraw_via) or (mechanism.withdraw is not None and bool(str(mechanism.withdraw).strip()))


# ---------------------------------------------------------------- CON002


@rule(
    "CON002",
    "consent-as-condition",
    messages={
        "condition": (
            "consent mechanism `{consent}` makes consent a condition of the service, so it is not "
            "freely given"
        ),
    },
    category="consent",
    severity="error",
    references=(
        "GDPR Art. 7(4), Art. 4(11), Recital 42, Recital 43",
        "EDPB Guidelines 05/2020 on consent, version 1.1, section 3.1.2 (conditionality), paras 25-41, "
        "including cookie walls (paras 38-41)",
        "CJEU C-252/21 Meta Platforms v Bundeskartellamt (4 July 2023), para 150 (an equivalent alternative, "
        "if necessary for an appropriate fee)",
    ),
)
def consent_as_condition(ctx: Context) -> Iterator[Finding]:
    """Consent made a condition of the service (including cookie walls).

    ## What it does
    Flags a `consent` block with `condition_of_service yes`: the service is refused unless the
    person consents. A notice that says only that the site "may not work properly" without
    cookies describes a degraded service, not a wall: write `refusal_degrades_service`, which
    this rule does not report.

    ## Why it matters
    Consent is not freely given when the service is made conditional on consent to processing
    that the service does not need (Art. 7(4), Recital 43). The EDPB applies this to cookie walls:
    access to content may not depend on accepting cookies (Guidelines 05/2020, paras 38-41).

    The law is moving on one point: the CJEU accepted in C-252/21 (para 150) that users who refuse
    may be offered an equivalent alternative "if necessary for an appropriate fee", and the EDPB
    has since addressed "consent or pay" models for large platforms. If refusing leads to an
    equivalent paid or consent-free alternative, the service is not conditional in the sense of
    this rule: write `condition_of_service no` and describe the alternative, or suppress the
    finding with that reason.

    ## Example
    ```privacy
    consent cookie_wall {
      method opt_in
      condition_of_service yes
    }
    ```

    ## Use instead
    ```privacy
    consent cookie_banner {
      method opt_in
      reject_button
      condition_of_service no
      refusal_degrades_service       # "some parts of the site may not work without cookies"
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 4(11), 7(4), Recitals 42-43; EDPB Guidelines 05/2020 paras 25-41; CJEU C-252/21 para 150.
    """
    for mechanism in ctx.policy.consents.values():
        if mechanism.condition_of_service:
            yield Finding(mechanism.span_of("condition_of_service"), {"consent": mechanism.id},
                          hint="let people refuse and still use the service: `condition_of_service no`")


# ---------------------------------------------------------------- CON003


@rule(
    "CON003",
    "invalid-consent-method",
    messages={
        "invalid-method": "consent mechanism `{consent}` collects consent by {methods}: {reasons}",
        "invalid-method-relied": (
            "consent mechanism `{consent}` collects consent by {methods}: {reasons}; relied on by "
            "{dependants}"
        ),
    },
    category="consent",
    severity="error",
    references=(
        "GDPR Art. 4(11), Recital 32 (silence, pre-ticked boxes or inactivity do not constitute consent)",
        "CJEU C-673/17 Planet49 (1 October 2019), paras 52-65",
        "CJEU C-61/19 Orange Romania (11 November 2020)",
        "EDPB Guidelines 05/2020 on consent, version 1.1, section 3.4 (unambiguous indication), para 86 "
        "and example 16 (scrolling and swiping; paragraph number confirmed from secondary sources only)",
        "EDPB Guidelines 05/2020 on consent, version 1.1, section 3.1 (freely given: a genuine choice, able "
        "to refuse without detriment)",
        "GDPR Recital 42 (consent is not freely given if the data subject has no genuine or free choice or is "
        "unable to refuse)",
    ),
)
def invalid_consent_method(ctx: Context) -> Iterator[Finding]:
    """Consent by pre-ticked box, opt-out, silence, continued browsing, "OK" alone, refusal, or none.

    ## What it does
    Flags a `consent` block one of whose `method`s is `pre_ticked`, `opt_out`, `silence`,
    `continued_browsing`, `implied`, `none`, `acknowledge` ("Got it!", "OK" with no choice) or
    `necessary_only_as_consent` ("use necessary cookies only" counted as agreement).
    (`browser_settings` is CON004.) A mechanism that combines methods (`method opt_in,
    continued_browsing`: "click accept, or just keep browsing") is consent only if every one of
    them is, so one finding names each invalid method once, at the statement of the first.

    ## Why it matters
    Consent is "a statement or a clear affirmative action" (Art. 4(11)); "silence, pre-ticked
    boxes or inactivity should not therefore constitute consent" (Recital 32). The CJEU held in
    Planet49 that a pre-ticked checkbox the user must untick does not give valid consent, under
    the GDPR or under ePrivacy Art. 5(3), and in Orange Romania that a box ticked by the
    controller, or a refusal that needs an extra form, does not show consent either. The EDPB adds
    that scrolling or continuing to browse is never a clear affirmative act (Guidelines 05/2020,
    para 86 and example 16).

    A banner with only "OK" or "Got it!" records that a notice was seen: the person has no
    choice and cannot refuse, and consent is not freely given where the data subject "is unable
    to refuse" (Recital 42; Guidelines 05/2020, section 3.1). A banner that counts "use necessary
    cookies only" as agreement to the other cookies turns a refusal into consent: that is not an
    unambiguous indication of the person's wishes (Art. 4(11)), and Planet49 requires the active,
    specific consent of the person to the cookies concerned. Processing that rests on such
    "consent" has no valid basis.

    ## Example
    ```privacy
    consent newsletter_box {
      method pre_ticked
    }
    ```

    ## Use instead
    ```privacy
    consent newsletter_box {
      method opt_in
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 4(11), Recitals 32 and 42; CJEU C-673/17 Planet49 paras 52-65; CJEU C-61/19 Orange
    Romania; EDPB Guidelines 05/2020 section 3.1, para 86.
    """
    uses = dependants(ctx.policy)
    for mechanism in ctx.policy.consents.values():
        invalid = [method for method in mechanism.methods if method in INVALID_METHODS]
        if not invalid:
            continue
        args, message_id = _relied_on_by(mechanism, uses.get(mechanism.id), "invalid-method")
        args |= {"methods": _methods(invalid), "reasons": "; ".join(INVALID_METHODS[method] for method in invalid)}
        yield Finding(mechanism.span_of_method(invalid[0]), args, message_id,
                      hint="ask for an active opt-in before processing: `method opt_in`")


# ---------------------------------------------------------------- CON004


@rule(
    "CON004",
    "browser-settings-as-consent",
    messages={
        "browser-settings": (
            "consent mechanism `{consent}` treats browser settings as consent; browsers accept cookies "
            "by default, so this is consent by inactivity"
        ),
        "browser-settings-relied": (
            "consent mechanism `{consent}` treats browser settings as consent; browsers accept cookies "
            "by default, so this is consent by inactivity; relied on by {dependants}"
        ),
    },
    category="consent",
    severity="error",
    references=(
        "GDPR Art. 4(11), Recital 32",
        "Directive 2002/58/EC (ePrivacy) Art. 5(3); Directive 2009/136/EC Recital 66",
        "CJEU C-673/17 Planet49 (1 October 2019), paras 52-65",
        "EDPB Guidelines 05/2020 on consent, version 1.1, para 89 (paragraph number not verified)",
        "Norway: ekomloven 2024 § 3-15, in force 1 January 2025: consent to cookies as defined in the GDPR "
        "(section number confirmed from secondary sources only)",
    ),
)
def browser_settings_as_consent(ctx: Context) -> Iterator[Finding]:
    """Browser settings treated as consent to cookies or processing.

    ## What it does
    Flags a `consent` block one of whose methods is `browser_settings` (alone, or beside another:
    `method continued_browsing, browser_settings`), at the statement that names it, and names the
    purposes and cookies that rely on it (a purpose through `consent <id>`, a cookie through its
    own `consent` or its purpose's). The other methods are CON003's.

    ## Why it matters
    Browsers accept cookies by default, so a notice that says "you consent unless you turn
    cookies off in your browser" treats inactivity as consent, which Recital 32 and Planet49 rule
    out. ePrivacy Recital 66 (added by Directive 2009/136/EC) allows consent through browser
    settings only "where it is technically possible and effective"; general browser settings
    cannot express consent for a particular site, purpose and third party, and the EDPB has not
    accepted them as consent.

    Norway allowed browser settings as consent under the 2003 ekomlov (§ 2-7b) and Datatilsynet's
    guidance said so; the 2024 ekomlov (§ 3-15, in force 1 January 2025) requires consent as the
    GDPR defines it, so Norwegian notices written before 2025 often still say this.

    ## Example
    ```privacy
    consent browser {
      method browser_settings
    }
    purpose site_statistics {
      consent browser
    }
    ```

    ## Use instead
    ```privacy
    consent cookie_banner {
      method opt_in
      reject_button
    }
    purpose site_statistics {
      consent cookie_banner
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 4(11), Recital 32; ePrivacy Art. 5(3), Directive 2009/136/EC Recital 66; CJEU C-673/17
    Planet49; EDPB Guidelines 05/2020; Norway: ekomloven (2024) § 3-15.
    """
    uses = dependants(ctx.policy)
    for mechanism in ctx.policy.consents.values():
        if ConsentMethod.BROWSER_SETTINGS not in mechanism.methods:
            continue
        yield Finding(mechanism.span_of_method(ConsentMethod.BROWSER_SETTINGS),
                      *_relied_on_by(mechanism, uses.get(mechanism.id), "browser-settings"),
                      hint="ask for consent on the site itself before setting cookies: `method opt_in` with "
                           "`reject_button`")


# ---------------------------------------------------------------- CON005


@rule(
    "CON005",
    "consent-record-without-period",
    messages={
        "no-record-retention": "consent mechanism `{consent}` does not say how long the record of consent is kept",
    },
    category="consent",
    severity="warning",
    references=(
        "GDPR Art. 7(1) (the controller shall be able to demonstrate consent)",
        "GDPR Art. 5(1)(e), Art. 5(2), Art. 13(2)(a) (storage period of the records; interpretation)",
        "EDPB Guidelines 05/2020 on consent, version 1.1, section 5.1 (demonstrating consent)",
    ),
)
def consent_record_without_period(ctx: Context) -> Iterator[Finding]:
    """A consent mechanism that does not say how long the proof of consent is kept.

    ## What it does
    Flags a `consent` block with no `record_retention`. Mechanisms that cannot give valid consent
    (one of their methods is reported by CON003 or CON004) are left to those rules: the fix there
    is a new method.

    ## Why it matters
    The controller must be able to demonstrate that consent was given (Art. 7(1)), so it keeps a
    record of who consented, when, and to what. That record is personal data in its own right,
    kept for accountability; storage limitation (Art. 5(1)(e)) and the duty to state storage
    periods (Art. 13(2)(a)) apply to it as to any other data. That the record's period belongs in
    the notice is our reading of those articles, not an express rule, hence a warning. The EDPB
    says records should be kept no longer than needed to meet legal obligations or to establish
    or defend claims (Guidelines 05/2020, section 5.1).

    ## Example
    ```privacy
    consent newsletter_signup {
      method opt_in
      withdraw "Unsubscribe link in every newsletter"
    }
    ```

    ## Use instead
    ```privacy
    consent newsletter_signup {
      method opt_in
      withdraw "Unsubscribe link in every newsletter"
      record_retention 3 years
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(1)(e), 5(2), 7(1), 13(2)(a); EDPB Guidelines 05/2020 section 5.1.
    """
    for mechanism in ctx.policy.consents.values():
        if mechanism.record_retention is not None:
            continue
        if mechanism.invalid_methods:
            continue
        yield Finding(mechanism.span, {"consent": mechanism.id},
                      hint="add `record_retention <duration>`, e.g. `record_retention 3 years`")


# ---------------------------------------------------------------- CON006


@rule(
    "CON006",
    "consent-without-mechanism",
    messages={
        "no-mechanism": "purpose `{purpose}` relies on consent but does not say how it is collected",
        "no-method": "consent mechanism `{consent}` does not say how consent is asked for",
    },
    omits={"no-mechanism": "consent", "no-method": "consent"},
    category="consent",
    severity="warning",
    references=(
        "GDPR Art. 7(1) (demonstrating consent), Art. 4(11)",
        "GDPR Art. 13(2)(c)",
        "EDPB Guidelines 05/2020 on consent, version 1.1, sections 3.4 and 5.1",
    ),
)
def consent_without_mechanism(ctx: Context) -> Iterator[Finding]:
    """Consent is the basis, but how it is collected is unknown.

    ## What it does
    Flags a `purpose` with `basis consent` and no `consent <id>` naming the mechanism, at the
    basis; and a `consent` block with no `method`, at the block.

    ## Why it matters
    Consent is valid only when given by a statement or clear affirmative act (Art. 4(11)), and the
    controller must be able to show it was (Art. 7(1)). A notice that claims consent but never
    says how it is asked for ("where you have consented") gives neither the data subject nor a
    reviewer any way to check that; every other consent rule depends on knowing the mechanism.

    ## Example
    ```privacy
    purpose further_use {
      basis consent
    }
    ```

    ## Use instead
    ```privacy
    consent signup_form {
      method opt_in
    }
    purpose further_use {
      basis consent
      consent signup_form
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 4(11), 7(1), 13(2)(c); EDPB Guidelines 05/2020 sections 3.4, 5.1.
    """
    for purpose in consent_purposes(ctx.policy):
        if purpose.consent is not None:
            continue
        basis = next(b for b in purpose.bases if b.basis is BasisKind.CONSENT)
        span = purpose.span_of("bases") if purpose.bases[0] is basis else basis.span
        yield Finding(span, {"purpose": purpose.id}, "no-mechanism",
                      hint="declare a `consent <id> { method opt_in ... }` block and name it: `consent <id>`")
    for mechanism in ctx.policy.consents.values():
        if not mechanism.methods:
            yield Finding(mechanism.span, {"consent": mechanism.id}, "no-method",
                          hint="add `method opt_in` (or the method actually used, e.g. `method opt_out`)")


# ---------------------------------------------------------------- CON007


class ValidityOptions(Options):
    max_months: float = Field(default=24, gt=0)
    """Longest time consent may be relied on before it is asked for again."""


@rule(
    "CON007",
    "consent-validity-too-long",
    messages={
        "too-long": "consent mechanism `{consent}` relies on consent for {duration}, longer than {months} months",
    },
    category="consent",
    severity="warning",
    references=(
        "GDPR Art. 4(11), Art. 7 (consent must stay informed and specific over time)",
        "EDPB Guidelines 05/2020 on consent, version 1.1, section 5.1 (refreshing consent at appropriate "
        "intervals; no fixed period)",
        "France: CNIL Délibération n° 2020-092 of 17 September 2020 (recommendation on cookies): keeping the "
        "user's choice for 6 months is good practice (guidance)",
        "Spain: AEPD, Guía sobre el uso de las cookies, section 3.2.8 (renewing consent; the 24-month "
        "figure is not verified) (guidance)",
    ),
    options=ValidityOptions,
    profiles={"fr": {"max-months": 6}},
)
def consent_validity_too_long(ctx: Context) -> Iterator[Finding]:
    """Consent relied on for longer than the configured maximum before it is asked for again.

    ## What it does
    Flags a `consent` block whose `valid_for` is longer than `max-months` (24 months by default;
    6 months with the `fr` jurisdiction). A mechanism without `valid_for` is not reported.

    ## Why it matters
    The GDPR sets no expiry date for consent. The EDPB says how long consent lasts depends on the
    context and the person's expectations, and recommends refreshing it at appropriate intervals
    (Guidelines 05/2020). National authorities give figures for cookie consent: the CNIL
    considers keeping the user's choice for 6 months good practice (Délibération n° 2020-092), and
    the Spanish AEPD's cookie guide recommends renewing consent periodically (we could not verify
    its exact period; 24 months is often quoted). These are guidance, not law, so the finding is a
    warning and the limit is an option.

    ## Example
    ```privacy
    consent cookie_banner {
      method opt_in
      valid_for 36 months
    }
    ```

    ## Use instead
    ```privacy
    consent cookie_banner {
      method opt_in
      valid_for 12 months
    }
    ```

    ## Options
    - `max-months` (default `24`; `6` with jurisdiction `fr`): the longest accepted `valid_for`.

    ## References
    GDPR Art. 4(11), 7; EDPB Guidelines 05/2020; CNIL Délibération n° 2020-092; AEPD cookie guide.
    """
    opts: ValidityOptions = ctx.options
    for mechanism in ctx.policy.consents.values():
        valid = mechanism.valid_for
        if valid is None or valid.months <= opts.max_months + 1e-9:
            continue
        limit = f"{opts.max_months:g}"
        yield Finding(mechanism.span_of("valid_for"),
                      {"consent": mechanism.id, "duration": str(valid), "months": limit},
                      hint=f"ask again at least every {limit} months: `valid_for {limit} months`")


# ---------------------------------------------------------------- CON008


@rule(
    "CON008",
    "banner-without-reject-button",
    messages={
        "no-reject": "cookie consent mechanism `{consent}` offers no reject button beside accept",
        "reject-not-stated": (
            "cookie consent mechanism `{consent}` does not say whether it offers a reject button beside accept"
        ),
    },
    category="consent",
    severity="warning",
    references=(
        "Directive 2002/58/EC (ePrivacy) Art. 5(3); GDPR Art. 4(11), Art. 7(3)",
        "EDPB, Report of the work undertaken by the Cookie Banner Taskforce (17 January 2023), "
        "on a reject option on the first layer",
        "France: CNIL Délibération n° 2020-092 of 17 September 2020 (refusing must be as easy as accepting)",
    ),
)
def banner_without_reject_button(ctx: Context) -> Iterator[Finding]:
    """A cookie consent banner without a reject button next to accept.

    ## What it does
    Flags an opt-in `consent` block that cookies rely on (through a cookie's `consent`, or the
    `consent` of a cookie's purpose) and that has `reject_button no` ("offers no reject button")
    or no `reject_button` at all ("does not say whether it offers one": the notice is silent,
    which is not the same as saying there is none). Consent mechanisms not used for cookies (a
    newsletter checkbox), and mechanisms one of whose methods is not consent at all (CON003,
    CON004), are not checked.

    ## Why it matters
    Consent is freely given only when refusing is as real an option as accepting. In the EDPB's
    Cookie Banner Taskforce the vast majority of authorities held that a banner with an "accept"
    button but no "reject" option on the same layer does not give valid consent; the CNIL
    requires refusing to be as easy as accepting. Not every authority has said so in binding
    form, hence a warning.

    ## Example
    ```privacy
    consent cookie_banner {
      method opt_in
      reject_button no
    }
    cookie _ga {
      consent cookie_banner
    }
    ```

    ## Use instead
    ```privacy
    consent cookie_banner {
      method opt_in
      reject_button
    }
    cookie _ga {
      consent cookie_banner
    }
    ```

    ## Options
    None.

    ## References
    ePrivacy Art. 5(3); GDPR Art. 4(11), 7(3); EDPB Cookie Banner Taskforce report (2023);
    CNIL Délibération n° 2020-092.
    """
    used = cookie_mechanisms(ctx.policy)
    for ident in sorted(used):
        mechanism = ctx.policy.consents.get(ident)
        if mechanism is None or not mechanism.gives_consent or mechanism.reject_button:
            continue
        if mechanism.reject_button is None:
            yield Finding(mechanism.span, {"consent": mechanism.id}, "reject-not-stated",
                          hint="say whether the first layer has a “reject all” button: `reject_button yes` or "
                               "`reject_button no`")
        else:
            yield Finding(mechanism.span_of("reject_button"), {"consent": mechanism.id}, "no-reject",
                          hint="offer “reject all” on the first layer, as easy as “accept all”: `reject_button yes`")


# ---------------------------------------------------------------- CON009

#: Withdrawal routes that leave the interface consent was given on: a letter, a call, an e-mail or
#: a form to write, or the browser's own settings (which delete every cookie, or none, of every site).
HARDER_ROUTES: frozenset[WithdrawRoute] = frozenset({
    WithdrawRoute.BROWSER_SETTINGS, WithdrawRoute.EMAIL, WithdrawRoute.PHONE, WithdrawRoute.POST,
    WithdrawRoute.CONTACT_FORM,
})


class WithdrawalEaseOptions(Options):
    every_opt_in: bool = False
    """Also check opt-in mechanisms that no cookie relies on (a sign-up checkbox, a form). By
    default only cookie consent is checked: a banner is clicked on the site, so it is known to be
    given with one click, while a sign-up form may be on paper or in person."""


@rule(
    "CON009",
    "withdrawal-harder-than-consent",
    messages={
        "harder": (
            "consent mechanism `{consent}` is given with one click, but can be withdrawn only through {routes}"
        ),
    },
    category="consent",
    severity="warning",
    references=(
        "GDPR Art. 7(3) (it shall be as easy to withdraw as to give consent)",
        "EDPB Guidelines 05/2020 on consent, version 1.1, section 5.2 (withdrawal): consent obtained by one "
        "mouse-click, swipe or keystroke must be withdrawable equally easily, without switching to another "
        "interface (paragraph number not verified)",
        "EDPB, Report of the work undertaken by the Cookie Banner Taskforce (17 January 2023), on withdrawing "
        "consent (an easily accessible solution such as a permanently visible icon or link)",
    ),
    options=WithdrawalEaseOptions,
)
def withdrawal_harder_than_consent(ctx: Context) -> Iterator[Finding]:
    """Consent given with one click that can be withdrawn only in the browser or by writing.

    ## What it does
    Flags an opt-in `consent` block that cookies rely on (a cookie banner: consent is given with
    one click on the site) whose `withdraw_via` routes are all of `browser_settings`, `email`,
    `phone`, `post` and `contact_form`: there is no `footer_button`, `cookie_settings`, `link`,
    `unsubscribe_link` or `account_settings` to withdraw on the site itself. A mechanism that
    names no route, or says how to withdraw only in a `withdraw` text, is not reported (the
    rule cannot read the text).

    ## Why it matters
    "It shall be as easy to withdraw as to give consent" (Art. 7(3)). The EDPB reads this as:
    consent given by one mouse-click, swipe or keystroke must be withdrawable as easily, through
    the same interface, since switching interface only to withdraw takes undue effort
    (Guidelines 05/2020, section 5.2). Deleting cookies in the browser removes them from every
    site, needs the person to know how, and does not stop a banner's vendors from setting them
    again; writing an e-mail and waiting for an answer is not one click either. The authorities
    of the Cookie Banner Taskforce expect a permanently visible icon or link to change the
    choice. How easy is "as easy" is a judgment, hence a warning.

    ## Example
    ```privacy
    consent cookie_banner {
      method opt_in
      reject_button
      withdraw_via browser_settings
    }
    cookie _ga {
      consent cookie_banner
    }
    ```

    ## Use instead
    ```privacy
    consent cookie_banner {
      method opt_in
      reject_button
      withdraw_via footer_button, browser_settings
    }
    cookie _ga {
      consent cookie_banner
    }
    ```

    ## Options
    - `every-opt-in` (default `false`): check every opt-in mechanism, not only those cookies rely
      on.

    ## References
    GDPR Art. 7(3); EDPB Guidelines 05/2020 section 5.2; EDPB Cookie Banner Taskforce report (2023).
    """
    opts: WithdrawalEaseOptions = ctx.options
    used = cookie_mechanisms(ctx.policy)
    for mechanism in ctx.policy.consents.values():
        if not mechanism.gives_consent or not mechanism.withdraw_via:
            continue
        if mechanism.id not in used and not opts.every_opt_in:
            continue
        routes = list(dict.fromkeys(r.route for r in mechanism.withdraw_via))
        if not all(route in HARDER_ROUTES for route in routes):
            continue
        shown = [f"`{r.value}`" for r in routes]
        yield Finding(mechanism.span_of("withdraw_via"),
                      {"consent": mechanism.id,
                       "routes": shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]},
                      hint="let people withdraw where they consented: `withdraw_via footer_button` (a link or icon "
                           "on every page that reopens the choice) or `cookie_settings`")


# ---------------------------------------------------------------- CON010


class ShownInOptions(Options):
    scope: Literal["eea", "establishment"] = "eea"
    """Where the request must be shown: `eea`, in every EEA country; `establishment`, in the
    country where the controller is established (or, for a controller outside the EEA that
    targets it, in some EEA country). Which national law applies to a visitor from another
    Member State is unsettled; `establishment` reports only the clearest case."""


def _covered(places: Iterable[str]) -> frozenset[str]:
    """The countries a list of countries and regions (EU, EEA) covers."""
    out: set[str] = set()
    for place in places:
        out |= REGIONS.get(place, frozenset({place}))
    return frozenset(out)


def _missing_text(missing: frozenset[str], covered: frozenset[str]) -> str:
    if not covered & EEA:
        return "the EEA"
    if len(missing) <= 6:
        return ", ".join(sorted(missing))
    return f"the rest of the EEA ({len(missing)} countries and territories)"


@rule(
    "CON010",
    "consent-not-asked-in-eea",
    messages={
        "established": (
            "consent mechanism `{consent}` is shown only in {shown}, not in {missing}, although the controller is "
            "established in {country}"
        ),
        "targets": (
            "consent mechanism `{consent}` is shown only in {shown}, not in {missing}, although the controller "
            "names a representative in the EU (Art. 27), so it offers its services there"
        ),
    },
    category="consent",
    severity="warning",
    references=(
        "Directive 2002/58/EC (ePrivacy) Art. 5(3) (consent for storage on the user's device; incorporated into "
        "the EEA Agreement (Annex point not verified); in Norway ekomloven (2024) § 3-15 (section number not "
        "verified))",
        "GDPR Art. 3(1) (controllers established in the Union, wherever the processing takes place), Art. 3(2) "
        "(controllers outside it that offer goods or services to people in the Union or monitor their "
        "behaviour there), Art. 27 (the representative such a controller must name)",
        "EDPB Guidelines 3/2018 on the territorial scope of the GDPR (Article 3)",
    ),
    options=ShownInOptions,
)
def consent_not_asked_in_eea(ctx: Context) -> Iterator[Finding]:
    """A consent request not shown in all of the EEA, by a controller established in it or targeting it.

    ## What it does
    Flags a `consent` block whose `shown_in` leaves out EEA countries (by default: any of them;
    `scope = "establishment"`: the controller's own country) when the controller is established
    in the EEA (`controller { country ... }`) or targets it (it names an Art. 27
    `representative`). A mechanism that does not say where it is shown is not reported, and
    neither is one whose controller's place of establishment is not stated.

    ## Why it matters
    A controller established in the EEA is bound by the GDPR for all its processing (Art. 3(1)),
    and ePrivacy Art. 5(3) requires consent before cookies are stored on the device of a user in
    the EEA; a controller outside it is bound when it offers goods or services to people in the
    Union or monitors their behaviour there (Art. 3(2)), which is when it must name a
    representative (Art. 27). A banner shown only to visitors from some countries (`shown_in
    US`, or `shown_in EU` for a Norwegian site) sets cookies on everyone else's devices without
    asking. Which Member State's cookie law
    applies to a visitor from another is not settled, so the rule is a warning and its scope an
    option.

    ## Example
    ```privacy
    controller "Acme AS" {
      country NO
    }
    consent cookie_banner {
      method opt_in
      shown_in EU
    }
    ```

    ## Use instead
    ```privacy
    controller "Acme AS" {
      country NO
    }
    consent cookie_banner {
      method opt_in
      shown_in EEA
    }
    ```

    ## Options
    - `scope` (default `"eea"`): `"eea"` reports any EEA country left out; `"establishment"`
      reports only a request not shown in the controller's own country (or, for a controller
      outside the EEA with a representative, in no EEA country at all).

    ## References
    ePrivacy Art. 5(3); GDPR Art. 3, 27; EDPB Guidelines 3/2018 on territorial scope.
    """
    opts: ShownInOptions = ctx.options
    controller = ctx.policy.controller
    if controller is None:
        return
    established = controller.country if controller.country in EEA else None
    if established is None and not controller.representative:
        return
    for mechanism in ctx.policy.consents.values():
        if not mechanism.shown_in:
            continue
        covered = _covered(mechanism.shown_in)
        if opts.scope == "eea":
            missing = EEA - covered
        elif established is not None:
            missing = frozenset({established}) - covered
        else:
            missing = EEA if not covered & EEA else frozenset()
        if not missing:
            continue
        args = {"consent": mechanism.id, "shown": ", ".join(mechanism.shown_in),
                "missing": _missing_text(missing, covered)}
        if established is not None:
            args["country"] = established
        yield Finding(mechanism.span_of("shown_in"), args, "established" if established is not None else "targets",
                      hint="show the request wherever the site's visitors are: `shown_in EEA`, or leave the "
                           "mechanism's `shown_in` out if it is shown everywhere")


RULES = (
    consent_without_withdrawal,
    consent_as_condition,
    invalid_consent_method,
    browser_settings_as_consent,
    consent_record_without_period,
    consent_without_mechanism,
    consent_validity_too_long,
    banner_without_reject_button,
    withdrawal_harder_than_consent,
    consent_not_asked_in_eea,
)
