"""Consent: valid, informed, freely given and withdrawable (GDPR Art. 4(11), 7; Recital 32)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from ...language import model as m
from ...language.model import BasisKind, ConsentMethod
from .base import Context, Finding, Options, rule

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
}


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
            out.setdefault(ref.name, []).append(f"cookie `{cookie.name}`")
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
    Flags a `consent` block with no `withdraw` statement. It does not fire when the `rights`
    block offers `withdraw_consent` and says `how` rights are exercised: the notice then tells
    the data subject how to withdraw.

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
      withdraw "An unsubscribe link in every newsletter"
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
        if mechanism.withdraw is not None and str(mechanism.withdraw).strip():
            continue
        yield Finding(mechanism.span, *_relied_on_by(mechanism, uses.get(mechanism.id), "no-withdrawal"),
                      hint='add `withdraw "<how, as easy as giving it>"`, e.g. a link in every message')


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
    person consents.

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
        "invalid-method": "consent mechanism `{consent}` collects consent by `{method}`: {reason}",
        "invalid-method-relied": (
            "consent mechanism `{consent}` collects consent by `{method}`: {reason}; relied on by "
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
        "(scrolling and swiping)",
    ),
)
def invalid_consent_method(ctx: Context) -> Iterator[Finding]:
    """Consent by pre-ticked box, opt-out, silence, continued browsing, implication, or not at all.

    ## What it does
    Flags a `consent` block whose `method` is `pre_ticked`, `opt_out`, `silence`,
    `continued_browsing`, `implied` or `none`. (`browser_settings` is CON004.)

    ## Why it matters
    Consent is "a statement or a clear affirmative action" (Art. 4(11)); "silence, pre-ticked
    boxes or inactivity should not therefore constitute consent" (Recital 32). The CJEU held in
    Planet49 that a pre-ticked checkbox the user must untick does not give valid consent, under
    the GDPR or under ePrivacy Art. 5(3), and in Orange Romania that a box ticked by the
    controller, or a refusal that needs an extra form, does not show consent either. The EDPB adds
    that scrolling or continuing to browse is never a clear affirmative act (Guidelines 05/2020,
    para 86). Processing that rests on such "consent" has no valid basis.

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
    GDPR Art. 4(11), Recital 32; CJEU C-673/17 Planet49 paras 52-65; CJEU C-61/19 Orange Romania;
    EDPB Guidelines 05/2020 para 86.
    """
    uses = dependants(ctx.policy)
    for mechanism in ctx.policy.consents.values():
        if mechanism.method is None or mechanism.method not in INVALID_METHODS:
            continue
        args, message_id = _relied_on_by(mechanism, uses.get(mechanism.id), "invalid-method")
        args |= {"method": mechanism.method.value, "reason": INVALID_METHODS[mechanism.method]}
        yield Finding(mechanism.span_of("method"), args, message_id,
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
    Flags a `consent` block with `method browser_settings`, and names the purposes and cookies
    that rely on it (a purpose through `consent <id>`, a cookie through its own `consent` or its
    purpose's).

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
        if mechanism.method is not ConsentMethod.BROWSER_SETTINGS:
            continue
        yield Finding(mechanism.span_of("method"),
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
    Flags a `consent` block with no `record_retention`. Mechanisms whose method cannot give valid
    consent at all (CON003, CON004) are left to those rules: the fix there is a new method.

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
        if mechanism.method is ConsentMethod.BROWSER_SETTINGS or mechanism.method in INVALID_METHODS:
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
        if mechanism.method is None:
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
    `consent` of a cookie's purpose) and that has `reject_button no` or no `reject_button` at all.
    Consent mechanisms not used for cookies (a newsletter checkbox) are not checked.

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
        if mechanism is None or mechanism.method is not ConsentMethod.OPT_IN or mechanism.reject_button:
            continue
        span = mechanism.span_of("reject_button") if mechanism.has("reject_button") else mechanism.span
        yield Finding(span, {"consent": mechanism.id},
                      hint="offer “reject all” on the first layer, as easy as “accept all”: `reject_button yes`")


RULES = (
    consent_without_withdrawal,
    consent_as_condition,
    invalid_consent_method,
    browser_settings_as_consent,
    consent_record_without_period,
    consent_without_mechanism,
    consent_validity_too_long,
    banner_without_reject_button,
)
