"""Cookies and similar device storage: ePrivacy Art. 5(3) and the information a user must get.

Known-cookie rules (checked against the Open Cookie Database) are in ``known_cookies`` (CK1xx).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...language import model as m
from ...language import taxonomy
from ...language.model import CookieCategory as Cat
from ..cookiedb import database
from .base import Context, Field, Finding, Options, all_uses_under, field_validator, rule, uses_text, uses_under

_EPRIVACY = "Directive 2002/58/EC (ePrivacy) Art. 5(3), as amended by Directive 2009/136/EC"
_PLANET49 = "CJEU C-673/17 Planet49 (1 October 2019)"
_EKOM = ("Norway: lov om elektronisk kommunikasjon (ekomloven, 2024) § 3-15, in force 1 January 2025: "
         "consent as defined in the GDPR (section number not verified)")
_WP194 = "Article 29 Working Party, Opinion 04/2012 on Cookie Consent Exemption (WP194)"
_WP260 = ("Article 29 Working Party, Guidelines on transparency under Regulation 2016/679 (WP260 rev.01, "
          "endorsed by the EDPB), Annex, on Art. 13(1)(e) and 14(1)(e)")
_CNIL_2020_091 = ("CNIL, Délibération n° 2020-091 du 17 septembre 2020 portant adoption de lignes directrices "
                  "relatives aux « cookies et autres traceurs »")

#: Cookie categories that claim the Art. 5(3) exemption (strictly necessary for the service the
#: user asked for).
EXEMPT_CATEGORIES = frozenset({Cat.STRICTLY_NECESSARY, Cat.SECURITY})
#: Data uses whose storage is strictly necessary: the service itself, and remembering the user's
#: cookie choice.
EXEMPT_USES = ("essential", "functional.storage.privacy_preferences")
#: Data uses that are tracking: they never fit a cookie declared strictly necessary.
TRACKING_USES = ("marketing", "analytics", "personalize")


def _consents_of(ctx: Context, cookie: m.Cookie) -> list[m.ConsentMechanism]:
    """The declared consent mechanisms a cookie is asked through (its own, else its purposes')."""
    return [mech for r in ctx.policy.consents_of(cookie) if (mech := ctx.policy.consents.get(r.name)) is not None]


def _label(cookie: m.Cookie) -> dict[str, str]:
    """The argument that names a cookie in a message: its kind and name ("pixel `fbq`", "local
    storage `cart`"), or what is known of an unnamed one ("an unnamed cookie of provider `google`
    (line 12)"): ``Cookie.label``, the one wording every rule uses."""
    return {"cookie": cookie.label()}


def _is_consent_choice_cookie(ctx: Context, cookie: m.Cookie, purpose: m.Purpose) -> bool:
    """A strictly necessary first-party cookie that stores the user's consent choice for its purpose.

    Read from the shape of the declaration: it points at a purpose that rests on consent through an
    opt-in mechanism, is not itself gated by that consent, and is not set by a third party.
    """
    if cookie.category is not Cat.STRICTLY_NECESSARY or cookie.consents or cookie.party is m.Party.THIRD:
        return False
    mechanism = ctx.policy.consents.get(purpose.consent.name) if purpose.consent else None
    return (mechanism is not None and mechanism.gives_consent
            and any(b.basis is m.BasisKind.CONSENT for b in purpose.bases))


# ---------------------------------------------------------------- CK001


class PriorConsentOptions(Options):
    functional_session_exempt: bool = True
    """Treat first-party `functional` / `preferences` cookies that last only for the session as
    exempt (WP29 WP194: user-input and UI-customisation session cookies)."""
    persistent_login_hours: float = Field(24.0, gt=0)
    """A login cookie that lasts at least this many hours keeps the login across browser sessions
    ("remember me") and is not exempt (WP194 section 3.2)."""


#: The data use of logging in: a cookie that serves it holds the login (an authentication token).
LOGIN_USE = "essential.service.authentication"


def _persistent_login(cookie: m.Cookie, purposes: tuple[m.Purpose, ...],
                      opts: PriorConsentOptions) -> m.Purpose | None:
    """The login purpose of a cookie that keeps the login across browser sessions ("remember me"):
    it serves `essential.service.authentication` and outlives the session (at least
    ``persistent_login_hours``, or `persistent` for an unstated time, or `never`)."""
    expiry = cookie.expiry
    if expiry is None or expiry.lifetime == "session":
        return None
    if expiry.duration is not None and expiry.duration.days * 24 < opts.persistent_login_hours:
        return None
    return next((p for p in purposes if uses_under(p, LOGIN_USE)), None)


@rule(
    "CK001",
    "cookie-without-prior-consent",
    messages={
        "no-mechanism": "{cookie} is not strictly necessary ({declared}) and names no consent mechanism",
        "no-method": (
            "{cookie} is not strictly necessary ({declared}) and its consent mechanism "
            "`{consent}` does not say how consent is asked"
        ),
        "not-consent": (
            "{cookie} is not strictly necessary ({declared}) and its consent mechanism "
            "`{consent}` is not consent: it uses {methods}"
        ),
    },
    category="cookies",
    severity="error",
    references=(
        _EPRIVACY + " (storing or reading information on the user's device only with consent, unless "
                    "strictly necessary for a service the user explicitly requested)",
        _PLANET49 + ", operative part point 1 (a pre-ticked box is not consent; active consent needed)",
        "GDPR Art. 4(11), 7; Recital 32",
        _WP194 + ", sections 3.1-3.2 (session user-input cookies exempt; persistent login cookies are not)",
        _EKOM,
    ),
    options=PriorConsentOptions,
)
def cookie_without_prior_consent(ctx: Context) -> Iterator[Finding]:
    """A non-essential cookie or similar storage set without prior opt-in consent.

    ## What it does
    Flags a cookie (or local storage, pixel, SDK, fingerprint) that is not strictly necessary and
    has no consent mechanism that gives consent: one whose every `method` is `opt_in` (a
    mechanism that also counts continued browsing or browser settings as consent is not). The
    mechanism is the cookie's own `consent`, or else its purposes' `consent`.

    Whether a cookie is essential is read from its `category`: `strictly_necessary` and
    `security` are; every other category is not. A cookie without a category is essential when its
    purposes' data uses are all under `essential` (or are `functional.storage.privacy_preferences`,
    the cookie that remembers the user's choice), and otherwise needs consent; one with neither a
    category nor a purpose is not judged (the notice does not say what it is for: CK007). When the category and
    the purpose disagree, CK005 reports the contradiction.

    First-party `functional` or `preferences` cookies that end with the session are not flagged
    (option `functional-session-exempt`).

    A login cookie that keeps the user logged in across browser sessions ("remember me") is not
    exempt, whatever its category: a cookie that serves a purpose with use
    `essential.service.authentication` and lasts at least 24 hours (option
    `persistent-login-hours`), or is `persistent` for an unstated time, or `never` expires, needs
    consent. A login cookie that ends with the session, or lasts less than that, is exempt.

    ## Why it matters
    ePrivacy Art. 5(3) allows storing or reading information on a user's device only with the
    user's consent, unless it is strictly necessary to provide the service the user explicitly
    asked for. Consent means GDPR consent: a clear affirmative act (Art. 4(11), Recital 32). The
    CJEU held in Planet49 that a pre-ticked box is not consent, whether or not the cookie data is
    personal data. Browser settings, continued browsing and opt-out are not consent either. Norway
    applied a looser rule until 2024 (browser settings counted); the Electronic Communications Act
    in force from 1 January 2025 requires GDPR consent.

    ## Example
    ```privacy
    consent browser { method browser_settings }
    purpose ads {
      use marketing.advertising.third_party.targeted
      consent browser
    }
    cookie _fbp {
      provider "Meta"
      category marketing
      expiry 90 days
      purpose ads
    }
    ```

    ## Use instead
    ```privacy
    consent banner { method opt_in  reject_button }
    purpose ads {
      use marketing.advertising.third_party.targeted
      consent banner
    }
    cookie _fbp {
      provider "Meta"
      category marketing
      expiry 90 days
      purpose ads
    }
    ```

    ## Options
    - `functional-session-exempt` (default `true`): do not flag first-party `functional` or
      `preferences` cookies with `expiry session`. WP29 Opinion 04/2012 (WP194) counts session
      cookies that keep track of the user's input or interface choices as exempt; persistent ones
      (such as "remember me" login cookies) are not. Set to false to require every such cookie to
      be declared `strictly_necessary` explicitly.
    - `persistent-login-hours` (default `24`): a login cookie (purpose use
      `essential.service.authentication`) that lasts at least this many hours keeps the login across
      browser sessions and is not exempt. WP194 (section 3.2) exempts authentication cookies that
      last for the session and says persistent login cookies are not exempt, but gives no duration:
      the 24 hours are this rule's reading of "across sessions", not a figure of the law. Set it to
      the figure your authority uses.

    ## References
    ePrivacy Art. 5(3); CJEU C-673/17 Planet49; GDPR Art. 4(11), 7, Recital 32; WP29 WP194;
    ekomloven (2024) § 3-15 (Norway).
    """
    opts: PriorConsentOptions = ctx.options
    for cookie in ctx.policy.cookies:
        purposes = ctx.policy.purposes_of(cookie)
        # A login kept across browser sessions is not strictly necessary, whatever the category says.
        login = _persistent_login(cookie, purposes, opts)
        # A cookie that serves several purposes is only as exempt as its least necessary one.
        if cookie.category is not None:
            if cookie.category in EXEMPT_CATEGORIES and login is None:
                continue
        elif not purposes or (login is None and all(all_uses_under(p, *EXEMPT_USES) for p in purposes)):
            # No category and no purpose that needs consent: the notice does not say what the cookie
            # is for, and CK007 says so; this rule does not assert it is non-essential.
            continue
        if (opts.functional_session_exempt and cookie.party is m.Party.FIRST and cookie.expiry is not None
                and cookie.expiry.lifetime == "session"
                and (cookie.category in (Cat.FUNCTIONAL, Cat.PREFERENCES)
                     or (cookie.category is None and purposes
                         and all(all_uses_under(p, "functional") for p in purposes)))):
            continue
        mechanisms = _consents_of(ctx, cookie)
        if any(mech.gives_consent for mech in mechanisms):
            continue
        mechanism = mechanisms[0] if mechanisms else None
        # The purpose named in the message: the first that is not exempt.
        purpose = next((p for p in purposes if not all_uses_under(p, *EXEMPT_USES)), purposes[0] if purposes else None)
        what = f"a login kept across browser sessions: purpose `{login.id}`, expiry {cookie.expiry}" \
            if login is not None else f"category `{cookie.category.value}`" if cookie.category else (
            f"purpose `{purpose.id}` ({uses_text(purpose)})" if purpose is not None and purpose.uses else "no category")
        args = _label(cookie) | {"declared": what}
        if mechanism is None:
            message_id = "no-mechanism"
            noun = cookie.storage.noun
            hint = (f"name an opt-in consent mechanism: `consent <id>` on the {noun} or its purpose, with "
                    f"`method opt_in`; if the {noun} is strictly necessary, say `category strictly_necessary`")
        elif not mechanism.methods:
            message_id = "no-method"
            args["consent"] = mechanism.id
            hint = f"add `method opt_in` to consent `{mechanism.id}` if that is how it works"
        else:
            message_id = "not-consent"
            # Every method that is not consent, once: the mechanism is only as valid as its weakest.
            invalid = [f"`{x.value}`" for x in mechanism.invalid_methods]
            args |= {"consent": mechanism.id,
                     "methods": invalid[0] if len(invalid) == 1 else ", ".join(invalid[:-1]) + " and " + invalid[-1]}
            hint = (f"collect consent before setting it, with a banner that has a reject button: write "
                    f"`method opt_in` in consent `{mechanism.id}` in place of {args['methods']}")
        span = cookie.span_of("consents") if cookie.consents else cookie.span
        yield Finding(span, args, message_id, hint=hint)


# ---------------------------------------------------------------- CK002


@rule(
    "CK002",
    "cookie-without-expiry",
    messages={
        "no-expiry": "{cookie} does not say how long it lasts",
        "persistent-no-duration": "{cookie} is persistent but does not say for how long",
    },
    omits={"no-expiry": "cookies", "persistent-no-duration": "cookies"},
    category="cookies",
    severity="error",
    references=(
        "Directive 2002/58/EC (ePrivacy) Art. 5(3)",
        "CJEU C-673/17 Planet49 (1 October 2019), paras 74-81",
        "GDPR Art. 13(2)(a)",
    ),
)
def cookie_without_expiry(ctx: Context) -> Iterator[Finding]:
    """A cookie or storage item whose lifetime is not stated, or is persistent for an unstated time.

    ## What it does
    Flags a `cookie` block (of any kind) with no `expiry`, or with `expiry persistent`: persistent,
    for how long not stated. Session cookies (`expiry session`), a duration (`expiry 13 months`), a
    range (`expiry 30 seconds to 1 year`) and storage that does not expire at all (`expiry never`:
    the notice does state its lifetime; CK003 reports it as longer than any limit) pass.

    ## Why it matters
    Consent to cookies is only informed when the user is told how long they operate: the CJEU
    held in Planet49 that the information given under ePrivacy Art. 5(3) includes the duration of
    the cookies. GDPR Art. 13(2)(a) requires the storage period for any personal data they hold.

    ## Example
    ```privacy
    cookie Webtemp {
      party first
      expiry persistent
    }
    ```

    ## Use instead
    ```privacy
    cookie Webtemp {
      party first
      expiry 30 days
    }
    ```

    ## Options
    None.

    ## References
    ePrivacy Art. 5(3); CJEU C-673/17 Planet49, paras 74-81; GDPR Art. 13(2)(a).
    """
    for cookie in ctx.policy.cookies:
        if cookie.expiry is None:
            yield Finding(cookie.span, _label(cookie), "no-expiry",
                          hint="add `expiry session`, `expiry <duration>` (e.g. `expiry 13 months`) or `expiry never`")
        elif cookie.expiry.lifetime == "persistent" and cookie.expiry.duration is None:
            yield Finding(cookie.span_of("expiry"), _label(cookie), "persistent-no-duration",
                          hint="state the duration, e.g. `expiry 13 months`, or `expiry never` if it does not expire")


# ---------------------------------------------------------------- CK003


class LifetimeOptions(Options):
    max_months: float | None = None
    """Longest acceptable lifetime of a cookie, in months; none (the EU baseline): no fixed cap."""

    @field_validator("max_months")
    @classmethod
    def _positive(cls, value: float | None) -> float | None:
        if value is not None and value <= 0:
            raise ValueError("must be positive")
        return value


@rule(
    "CK003",
    "cookie-lifetime-too-long",
    messages={
        "too-long": "{cookie} lives {duration}, longer than {months} months",
        "range-too-long": "{cookie} lives up to {duration} ({expiry}), longer than {months} months",
        "never": "{cookie} does not expire, so it lives longer than {months} months",
        "never-no-cap": "{cookie} does not expire: nothing limits how long it links a person's visits",
    },
    category="cookies",
    severity="warning",
    references=(
        _CNIL_2020_091 + ": trackers exempt from consent for audience measurement must not live longer "
                         "than 13 months (paragraph not verified)",
        "CNIL, Délibération n° 2020-092 du 17 septembre 2020 (recommandation « cookies et autres traceurs ») "
        "(citation not verified)",
        "GDPR Art. 5(1)(c), 5(1)(e) (data minimisation, storage limitation)",
        _EPRIVACY,
    ),
    options=LifetimeOptions,
    profiles={"fr": {"max-months": 13}},
)
def cookie_lifetime_too_long(ctx: Context) -> Iterator[Finding]:
    """Storage that never expires, or a cookie that lives longer than a configured maximum.

    ## What it does
    Flags storage that does not expire (`expiry never`): nothing limits it. With `max-months` set
    (the `fr` profile sets 13), also flags a cookie (of any kind) whose `expiry` duration is longer:
    for a range (`expiry 30 seconds to 2 years`), its longer end, the longest the item may live.
    Session cookies and cookies without a stated duration are not compared (CK002 reports the
    latter).

    ## Why it matters
    The lifetime of a cookie is how long the identifier in it keeps linking a person's visits.
    EU law sets no number: storage limitation (GDPR Art. 5(1)(e)) asks for no longer than
    necessary, which storage that never expires cannot meet. The CNIL's guidelines cap trackers
    exempt from consent for audience measurement at 13 months, and the CNIL applies the same figure
    as its reference for cookie lifetimes; that is French guidance, not an EU rule, so the cap is
    off under the EU baseline and on in the `fr` profile. Where the law is unsettled, set
    `max-months` to the figure your authority uses.

    ## Example
    ```privacy
    cookie cart {
      kind local_storage
      category functional
      expiry never
    }
    ```

    ## Use instead
    ```privacy
    cookie cart {
      kind local_storage
      category functional
      expiry 30 days
    }
    ```

    ## Options
    - `max-months` (default none, no fixed cap; profile `fr`: `13`): the longest lifetime accepted,
      in months.

    ## References
    CNIL Délibération n° 2020-091 (lignes directrices), n° 2020-092 (recommandation); GDPR
    Art. 5(1)(c), 5(1)(e); ePrivacy Art. 5(3).
    """
    opts: LifetimeOptions = ctx.options
    cap = opts.max_months
    limit = "" if cap is None else f"{cap:g}"
    hint = f"shorten the lifetime to at most {limit} months, or raise `max-months` with a reason"
    for cookie in ctx.policy.cookies:
        expiry = cookie.expiry
        if expiry is None:
            continue
        if expiry.lifetime == "never":
            if cap is None:
                yield Finding(cookie.span_of("expiry"), _label(cookie), "never-no-cap",
                              hint="give the stored item a lifetime, no longer than its purpose needs")
            else:
                yield Finding(cookie.span_of("expiry"), _label(cookie) | {"months": limit}, "never",
                              hint=f"give the stored item a lifetime of at most {limit} months, or raise "
                                   "`max-months` with a reason")
            continue
        duration = expiry.duration
        if cap is None or duration is None or duration.months <= cap + 1e-9:
            continue
        if expiry.minimum is not None:
            yield Finding(cookie.span_of("expiry"),
                          _label(cookie) | {"duration": str(duration), "expiry": str(expiry), "months": limit},
                          "range-too-long", hint=hint)
        else:
            yield Finding(cookie.span_of("expiry"), _label(cookie) | {"duration": str(duration), "months": limit},
                          "too-long", hint=hint)


# ---------------------------------------------------------------- CK004


@rule(
    "CK004",
    "third-party-cookie-without-provider",
    messages={
        "no-provider": "{cookie} is third-party but does not name its provider",
        "category-only": (
            "{cookie} is third-party, but for its provider the notice names only a category of recipients "
            "(`{recipient}`)"
        ),
    },
    omits={"no-provider": "cookies"},
    category="cookies",
    severity="error",
    references=(
        _EPRIVACY + " (clear and comprehensive information, in accordance with Directive 95/46/EC, now the GDPR)",
        "GDPR Art. 13(1)(e)",
        "EDPB Guidelines 05/2020 on consent, para 65 (the identity of every controller must be given)",
        _PLANET49 + ", operative part point 2 (whether third parties may have access to the cookies)",
        _WP260 + " (the recipients most meaningful to the data subject are generally the named ones; a "
                 "controller naming only categories must be able to show why that is fair)",
    ),
)
def third_party_cookie_without_provider(ctx: Context) -> Iterator[Finding]:
    """A third-party cookie that does not name the third party.

    ## What it does
    Flags a cookie with `party third` and no `provider`, and one whose `provider` is a recipient
    declared `category_only` ("similar third-party services"): the notice names only a category of
    recipients, not the third party. A cookie's `domains` are evidence of its provider: a cookie set
    on `.doubleclick.net` or `.google.com`, or on any host the Open Cookie Database gives to a
    provider, names it, and is not reported. A host the database does not know (a CDN's, say)
    does not.

    ## Why it matters
    Consent under ePrivacy Art. 5(3) must be informed: the CJEU held in Planet49 that the user must
    be told whether third parties may have access to the cookies, and the EDPB requires the
    identity of every controller that relies on the consent. A third-party cookie whose third
    party is not named cannot be consented to knowingly. GDPR Art. 13(1)(e) allows "the recipients
    or categories of recipients", but the Article 29 Working Party's transparency guidelines
    (WP260 rev.01, endorsed by the EDPB) say that named recipients are generally what is most
    meaningful, and that a controller who gives only categories must be able to show why that is
    fair; for a third party that reads the user's device, the consent guidelines ask for its name.

    ## Example
    ```privacy
    cookie _fbp {
      party third
      category marketing
    }
    ```

    ## Use instead
    ```privacy
    cookie _fbp {
      party third
      provider meta
      category marketing
    }
    cookie IDE {
      party third
      domains ".doubleclick.net"
      category marketing
    }
    ```

    ## Options
    None.

    ## References
    ePrivacy Art. 5(3); GDPR Art. 13(1)(e); EDPB Guidelines 05/2020, para 65; CJEU C-673/17 Planet49.
    """
    for cookie in ctx.policy.cookies:
        if cookie.party is not m.Party.THIRD:
            continue
        if cookie.provider is None and cookie.provider_ref is None:
            if any(database().providers_for_domain(domain) for domain in cookie.domains):
                continue  # `domains ".doubleclick.net"`: the host names its provider
            yield Finding(cookie.span_of("party"), _label(cookie), "no-provider",
                          hint="add `provider <recipient id>` (declare the recipient) or `provider \"<company>\"`")
        elif cookie.provider_ref is not None and (recipient := ctx.policy.recipients.get(cookie.provider_ref.name)) \
                is not None and recipient.category_only:
            yield Finding(cookie.span_of("provider_ref"), _label(cookie) | {"recipient": recipient.id},
                          "category-only",
                          hint="name the third party: a recipient with its company `name` (and no `category_only`)")


# ---------------------------------------------------------------- CK005


class ContradictionOptions(Options):
    consent_choice_cookies: bool = False
    """Accept a `strictly_necessary` first-party cookie pointing at a consent-based purpose with an
    opt-in mechanism as the cookie that stores the user's choice for that purpose."""


def _contradiction(cookie: m.Cookie, purpose: m.Purpose) -> str | None:
    if cookie.category in EXEMPT_CATEGORIES and uses_under(purpose, *TRACKING_USES):
        return "a strictly necessary category for a tracking purpose"
    if cookie.category in (Cat.MARKETING, Cat.ANALYTICS) and all_uses_under(purpose, "essential"):
        return "a tracking category for an essential purpose"
    if cookie.category in (Cat.FUNCTIONAL, Cat.PREFERENCES) and uses_under(purpose, "marketing"):
        return "a functional category for a marketing purpose"
    return None


@rule(
    "CK005",
    "cookie-category-contradicts-purpose",
    messages={
        "contradiction": (
            "{cookie} is declared `{category}` but serves purpose `{purpose}` ({use}): {reason}"
        ),
    },
    category="cookies",
    severity="warning",
    references=(
        _EPRIVACY + " (only storage strictly necessary for the requested service is exempt from consent)",
        _WP194 + " (a multipurpose cookie is exempt only if each of its purposes is; section not verified)",
        "GDPR Art. 5(1)(a) (transparency), 13(1)(c)",
    ),
    options=ContradictionOptions,
)
def cookie_category_contradicts_purpose(ctx: Context) -> Iterator[Finding]:
    """A cookie's declared category contradicts the purpose it serves.

    ## What it does
    Compares a cookie's `category` with the data use of its `purpose` and flags:
    - `strictly_necessary` or `security` for a purpose under `marketing`, `analytics` or
      `personalize`;
    - `marketing` or `analytics` for a purpose under `essential`;
    - `functional` or `preferences` for a purpose under `marketing`.

    The cookie that stores the user's consent choice is best written with a purpose of its own,
    with use `functional.storage.privacy_preferences` (see `policies/fjordkaffe`). For policies that
    point it at the tracking purpose instead, option `consent-choice-cookies` reads a
    `strictly_necessary` first-party cookie that points at a consent-based purpose with an opt-in
    mechanism, and is not itself gated by consent, as that cookie.

    ## Why it matters
    The category decides whether the cookie is set before consent. A tracking cookie labelled
    strictly necessary is set without consent, which ePrivacy Art. 5(3) forbids; a cookie used for
    several purposes is exempt only if every purpose is (WP29 WP194). The reverse (a marketing
    cookie for an "essential" purpose) usually means the purpose is mislabelled. Either way the
    user is told something that is not true.

    ## Example
    ```privacy
    purpose ads {
      use marketing.advertising.third_party.targeted
    }
    cookie _fbp {
      category strictly_necessary
      purpose ads
    }
    ```

    ## Use instead
    ```privacy
    purpose ads {
      use marketing.advertising.third_party.targeted
    }
    cookie _fbp {
      category marketing
      purpose ads
    }
    ```

    ## Options
    - `consent-choice-cookies` (default `false`): accept the consent-choice cookie described
      above instead of flagging every strictly necessary cookie that points at a tracking purpose.

    ## References
    ePrivacy Art. 5(3); WP29 Opinion 04/2012 (WP194); GDPR Art. 5(1)(a), 13(1)(c).
    """
    opts: ContradictionOptions = ctx.options
    for cookie in ctx.policy.cookies:
        if cookie.category is None:
            continue
        # One finding per cookie, naming the first purpose its category contradicts.
        found = next(((p, why) for p in ctx.policy.purposes_of(cookie) if (why := _contradiction(cookie, p)) is not None
                      and not (opts.consent_choice_cookies and _is_consent_choice_cookie(ctx, cookie, p))), None)
        if found is None:
            continue
        purpose, why = found
        yield Finding(cookie.span_of("category"),
                      _label(cookie) | {"category": cookie.category.value, "purpose": purpose.id,
                                        "use": uses_text(purpose), "reason": why},
                      hint=f"correct the category or the purpose; a {cookie.storage.noun} that serves several purposes "
                           "is only as exempt as its least necessary one")


# ---------------------------------------------------------------- CK006


class StorageDeclaredOptions(Options):
    uses: list[str] = Field(default_factory=lambda: ["marketing.advertising", "analytics"])
    """Data-use prefixes whose purposes imply device storage when they concern website visitors."""
    exclude_uses: list[str] = Field(default_factory=lambda: [
        "marketing.advertising.first_party.contextual", "analytics.reporting.system"])
    """Data-use prefixes exempted: contextual ads and system monitoring need no device storage."""


#: fideslang data-subject keys (a subject's `taxonomy`) that mean people visiting a website or app.
VISITOR_SUBJECTS = frozenset({"visitor", "anonymous_user"})
#: Data categories that only exist through device storage or device access.
DEVICE_CATEGORIES = ("user.device.cookie", "user.device.cookie_id", "user.device.device_id",
                     "user.unique_id.pseudonymous")


@rule(
    "CK006",
    "storage-not-declared",
    messages={
        "undeclared-storage": (
            "purpose `{purpose}` ({use}) concerns website visitors, but no cookie, pixel or other "
            "storage is declared for it"
        ),
    },
    category="cookies",
    severity="warning",
    references=(
        _EPRIVACY + " (clear and comprehensive information about the storage and its purposes)",
        "GDPR Art. 13(1)(c), 13(2)(a)",
        _PLANET49 + ", operative part point 2",
    ),
    options=StorageDeclaredOptions,
)
def storage_not_declared(ctx: Context) -> Iterator[Finding]:
    """An advertising or analytics purpose on website visitors, but no cookie, pixel or storage for it.

    ## What it does
    Flags a purpose whose data use is under `marketing.advertising` or `analytics` (option `uses`;
    contextual ads and system monitoring excluded, option `exclude-uses`), that concerns website
    visitors (a subject whose `taxonomy` is `visitor` or `anonymous_user`, or a category under
    `user.device.cookie`, `user.device.cookie_id`, `user.device.device_id` or
    `user.unique_id.pseudonymous`), when no `cookie` block of any kind (cookie, local storage,
    pixel, SDK, ...) names the purpose.

    ## Why it matters
    Measuring visitors or targeting ads at them almost always reads or stores something on their
    device: a cookie, local storage, a tracking pixel or an SDK identifier. ePrivacy Art. 5(3)
    requires clear and comprehensive information about each such technology, and the Planet49
    judgment adds its duration and who has access. A notice that describes the purpose but names
    no storage leaves the user unable to know what they consent to. If the purpose really uses no
    device storage (server-side log analysis), suppress the finding and say so.

    What a subject is comes from its `taxonomy`, never from the id an author picked: a subject
    `besokende { taxonomy visitor }` is a visitor, and a subject named `visitor` with no
    `taxonomy` says nothing about who it is.

    ## Example
    ```privacy
    subject besokende {
      taxonomy visitor
    }
    purpose statistics {
      use analytics.reporting
      subjects besokende
    }
    ```

    ## Use instead
    ```privacy
    subject besokende {
      taxonomy visitor
    }
    purpose statistics {
      use analytics.reporting
      subjects besokende
    }
    cookie "_pk_id.*" {
      pattern
      category analytics
      expiry 13 months
      purpose statistics
    }
    ```

    ## Options
    - `uses` (default `["marketing.advertising", "analytics"]`): data-use prefixes that imply storage.
    - `exclude-uses` (default `["marketing.advertising.first_party.contextual",
      "analytics.reporting.system"]`): prefixes that do not.

    ## References
    ePrivacy Art. 5(3); GDPR Art. 13(1)(c), 13(2)(a); CJEU C-673/17 Planet49.
    """
    opts: StorageDeclaredOptions = ctx.options
    served = {r.name for c in ctx.policy.cookies for r in c.purposes}
    for purpose in ctx.policy.purposes.values():
        # Storage is implied by a use under `uses` that is not under `exclude-uses`.
        implying = [u for u in purpose.uses if any(taxonomy.is_under(u, p) for p in opts.uses)
                    and not any(taxonomy.is_under(u, p) for p in opts.exclude_uses)]
        if purpose.id in served or not implying:
            continue
        visitors = any(s.taxonomy in VISITOR_SUBJECTS for s in ctx.subjects_of(purpose)) or any(
            c.taxonomy is not None and any(c.taxonomy == p or c.taxonomy.startswith(p + ".") for p in DEVICE_CATEGORIES)
            for c in ctx.categories_of(purpose))
        if visitors:
            yield Finding(purpose.span, {"purpose": purpose.id, "use": uses_text(purpose)},
                          hint=f"declare the storage it uses: `cookie <name> {{ kind ...  purpose {purpose.id} ... }}`")


# ---------------------------------------------------------------- CK007


@rule(
    "CK007",
    "cookie-without-purpose",
    messages={
        "no-purpose": "{cookie} does not say what it is for",
    },
    omits={"no-purpose": "cookies"},
    category="cookies",
    severity="error",
    references=(
        _EPRIVACY + " (clear and comprehensive information ... about the purposes of the processing)",
        "GDPR Art. 13(1)(c)",
    ),
)
def cookie_without_purpose(ctx: Context) -> Iterator[Finding]:
    """A cookie or similar storage that does not say what it is for.

    ## What it does
    Flags a `cookie` block (of any kind) without `purpose`.

    ## Why it matters
    ePrivacy Art. 5(3) requires "clear and comprehensive information ... about the purposes of the
    processing" before anything is stored on the user's device, and GDPR Art. 13(1)(c) requires the
    purposes of any personal data it collects. A cookie with no purpose cannot be consented to, and
    no rule can tell whether it is exempt.

    ## Example
    ```privacy
    cookie session_id {
      category strictly_necessary
      expiry session
    }
    ```

    ## Use instead
    ```privacy
    cookie session_id {
      category strictly_necessary
      expiry session
      purpose orders
    }
    ```

    ## Options
    None.

    ## References
    ePrivacy Art. 5(3); GDPR Art. 13(1)(c).
    """
    for cookie in ctx.policy.cookies:
        if not cookie.purposes:
            yield Finding(cookie.span, _label(cookie),
                          hint="add `purpose <id>` naming the purpose it serves")


# ---------------------------------------------------------------- CK008


class UnnamedOptions(Options):
    exempt_kinds: list[str] = Field(default_factory=lambda: ["fingerprint"])
    """Storage kinds not reported when unnamed (fingerprinting stores nothing under a name)."""

    @field_validator("exempt_kinds")
    @classmethod
    def _kinds(cls, value: list[str]) -> list[str]:
        known = [k.value for k in m.StorageKind]
        wrong = [k for k in value if k not in known]
        if wrong:
            raise ValueError(f"unknown storage kind {wrong[0]!r}; one of {', '.join(known)}")
        return value


@rule(
    "CK008",
    "unnamed-cookie",
    messages={
        "unnamed": (
            "{cookie}: the notice does not give its name, so it cannot be checked against the site or the "
            "Open Cookie Database"
        ),
    },
    category="cookies",
    severity="info",
    references=(
        _EPRIVACY + " (clear and comprehensive information about the storage)",
        _PLANET49 + ", operative part point 2 (the duration of the cookies and whether third parties may have "
                    "access to them)",
    ),
    options=UnnamedOptions,
)
def unnamed_cookie(ctx: Context) -> Iterator[Finding]:
    """A cookie or similar storage that the notice describes without naming it.

    ## What it does
    Reports a `cookie unnamed { ... }` block: a cookie, local storage item, pixel or other storage
    the notice describes ("a session cookie that registers your choices", "Facebook cookies",
    "Google Analytics uses cookies") without giving its name. Fingerprinting is not reported by
    default (option `exempt-kinds`): it stores nothing under a name.

    ## Why it matters
    ePrivacy Art. 5(3) asks for clear and comprehensive information about what is stored on or read
    from the user's device, and the CJEU added in Planet49 the duration of the cookies and whether
    third parties may access them. No provision lists each cookie's name among that information,
    and authorities differ on how detailed a cookie list must be, so this is information, not an
    error. But a description without a name cannot be checked: the reader cannot tell which item in
    their browser it is, `privacy-dsl verify-cookies` cannot match it with what the site sets, and
    the Open Cookie Database rules (CK101, CK102) cannot look it up.

    ## Example
    ```privacy
    cookie unnamed {
      provider "Google"
      category analytics
      expiry 2 years
    }
    ```

    ## Use instead
    ```privacy
    cookie _ga {
      provider "Google"
      category analytics
      expiry 2 years
    }
    ```

    ## Options
    - `exempt-kinds` (default `["fingerprint"]`): storage kinds (`kind` values) not reported when
      unnamed.

    ## References
    ePrivacy Art. 5(3); CJEU C-673/17 Planet49, operative part point 2.
    """
    opts: UnnamedOptions = ctx.options
    exempt = set(opts.exempt_kinds)
    for cookie in ctx.policy.cookies:
        if cookie.name is None and cookie.storage.value not in exempt:
            yield Finding(cookie.span, _label(cookie),
                          hint="if the site shows the name (in the browser's storage, or a CMP's cookie list), "
                               "write it: `cookie <name> { ... }`")


# ---------------------------------------------------------------- CK009


class PartyOptions(Options):
    require_party: bool = False
    """Report every cookie without `party`, even one whose `provider` or `domains` say who sets it."""


@rule(
    "CK009",
    "cookie-party-not-stated",
    messages={
        "not-stated": "{cookie} does not say whether it is first- or third-party, nor who sets it",
        "party-not-stated": "{cookie} does not say whether it is first- or third-party",
    },
    omits={"not-stated": "cookies", "party-not-stated": "cookies"},
    category="cookies",
    severity="warning",
    options=PartyOptions,
    references=(
        _EPRIVACY + " (clear and comprehensive information about the storage)",
        _PLANET49 + ", operative part point 2 (the information includes whether third parties may have "
                    "access to the cookies)",
        "GDPR Art. 13(1)(e)",
    ),
)
def cookie_party_not_stated(ctx: Context) -> Iterator[Finding]:
    """A cookie that does not say whether a third party sets it or may read it.

    ## What it does
    Flags a cookie (of any kind) with no `party` that names no one who sets it either: no
    `provider`, and no `domains` the Open Cookie Database gives to a provider. A cookie without
    `party` is not taken to be first-party: the notice does not say. A `provider` (the site's own,
    or a third party's) or a provider's host tells the reader who has access, so such a cookie is
    not reported unless option `require-party` is on.

    ## Why it matters
    The CJEU held in Planet49 that the clear and comprehensive information owed under ePrivacy
    Art. 5(3) includes whether third parties may have access to the cookies; GDPR Art. 13(1)(e) asks
    for the recipients. A cookie described with neither its party nor its provider leaves the user
    unable to tell whether anyone but the site reads it, and no rule can tell whether it is a
    third party's (CK004) or the site's own.

    ## Example
    ```privacy
    cookie session_id {
      expiry session
      category strictly_necessary
    }
    ```

    ## Use instead
    ```privacy
    cookie session_id {
      party first
      expiry session
      category strictly_necessary
    }
    ```

    ## Options
    - `require-party` (default `false`): report every cookie without `party`, also one whose
      `provider` or `domains` say who sets it.

    ## References
    ePrivacy Art. 5(3); CJEU C-673/17 Planet49, operative part point 2; GDPR Art. 13(1)(e).
    """
    opts: PartyOptions = ctx.options
    for cookie in ctx.policy.cookies:
        if cookie.party is not None:
            continue
        named = cookie.provider is not None or cookie.provider_ref is not None or any(
            database().providers_for_domain(domain) for domain in cookie.domains)
        if named and not opts.require_party:
            continue
        yield Finding(cookie.span, _label(cookie), "party-not-stated" if named else "not-stated",
                      hint="add `party first` or `party third` as the notice says (and `provider` for a third party)")


RULES = (
    cookie_without_prior_consent,
    cookie_without_expiry,
    cookie_lifetime_too_long,
    third_party_cookie_without_provider,
    cookie_category_contradicts_purpose,
    storage_not_declared,
    cookie_without_purpose,
    unnamed_cookie,
    cookie_party_not_stated,
)
