"""Special categories (Art. 9), criminal-offence data (Art. 10) and children (Art. 8)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from ...language import model as m
from ...language import taxonomy
from ...language.model import BasisKind, SpecialCondition, SpecialKind
from .base import Context, Field, Finding, Options, rule, uses_text, uses_under

#: fideslang data-category keys that are special categories under Art. 9(1) even when the
#: category does not say `special`. The most specific key comes first.
SPECIAL_TAXONOMY: tuple[tuple[str, SpecialKind], ...] = (
    ("user.health_and_medical.genetic", SpecialKind.GENETIC),
    ("user.health_and_medical", SpecialKind.HEALTH),
    ("user.biometric.health", SpecialKind.HEALTH),
    ("user.biometric", SpecialKind.BIOMETRIC),
    ("user.authorization.biometric", SpecialKind.BIOMETRIC),
    ("user.demographic.race_ethnicity", SpecialKind.RACIAL_OR_ETHNIC_ORIGIN),
    ("user.demographic.political_opinion", SpecialKind.POLITICAL_OPINIONS),
    ("user.demographic.religious_belief", SpecialKind.RELIGIOUS_OR_PHILOSOPHICAL_BELIEFS),
    ("user.demographic.sexual_orientation", SpecialKind.SEXUAL_ORIENTATION),
)

CRIMINAL_TAXONOMY = "user.criminal_history"


@cache
def special_kind_of_key(key: str) -> SpecialKind | None:
    """The Art. 9(1) kind a fideslang data-category key implies, if any (cached: few distinct keys)."""
    for prefix, kind in SPECIAL_TAXONOMY:
        if taxonomy.is_under(key, prefix):
            return kind
    return None


def special_kind(category: m.Category) -> SpecialKind | None:
    """The Art. 9(1) kind of a category: stated with `special`, or implied by its taxonomy key."""
    if category.special is not None:
        return category.special
    return special_kind_of_key(category.taxonomy) if category.taxonomy is not None else None


def is_criminal(category: m.Category) -> bool:
    """Whether a category holds criminal-offence data (Art. 10)."""
    return category.criminal or (category.taxonomy is not None
                                 and taxonomy.is_under(category.taxonomy, CRIMINAL_TAXONOMY))


def _category_refs(ctx: Context, purpose: m.Purpose) -> Iterator[tuple[m.Ref, m.Category]]:
    cats = ctx.policy.categories
    for ref in purpose.categories:
        if ref.name in cats:
            yield ref, cats[ref.name]


def _mechanism(ctx: Context, purpose: m.Purpose) -> m.ConsentMechanism | None:
    return ctx.policy.consents.get(purpose.consent.name) if purpose.consent is not None else None


# ---------------------------------------------------------------- SPC001


@rule(
    "SPC001",
    "special-data-without-condition",
    messages={
        "no-condition": ("purpose `{purpose}` uses special-category data ({categories}) but states no Art. 9(2) "
                         "condition"),
    },
    omits={"no-condition": "bases"},
    category="special-data",
    severity="error",
    references=(
        "GDPR Art. 9(1) (processing of special categories is prohibited) and Art. 9(2)(a)-(j) (exceptions)",
        "GDPR Recital 51",
        "CJEU C-184/20 OT v Vyriausioji tarnybinės etikos komisija (1 August 2022) (data revealing a special "
        "category indirectly is covered)",
    ),
)
def special_data_without_condition(ctx: Context) -> Iterator[Finding]:
    """A purpose that uses special-category data without an Art. 9(2) condition.

    ## What it does
    Flags a `purpose` that lists a category marked `special <kind>`, or whose taxonomy key is a
    special category (`user.health_and_medical`, `user.biometric`, `user.authorization.biometric`,
    `user.demographic.race_ethnicity`, `.political_opinion`, `.religious_belief`,
    `.sexual_orientation`), and has no `special_condition`. It points at the first such category.

    ## Why it matters
    Processing health, genetic, biometric (for identification), racial or ethnic, political,
    religious, trade-union, sex-life or sexual-orientation data is prohibited (Art. 9(1)) unless one
    of the ten exceptions of Art. 9(2) applies, in addition to an Art. 6(1) basis. The CJEU reads
    the categories broadly: data that reveals them indirectly is covered too (C-184/20).

    The taxonomy keys are treated as special because that is what they usually hold; fideslang's
    `user.biometric` may include data that is biometric without being used to identify a person
    (Recital 51 says photographs are not systematically special). If so, use a non-biometric
    taxonomy key for the category, or suppress the finding with the reason.

    ## Example
    ```privacy
    category allergies {
      taxonomy user.health_and_medical
    }
    purpose deliveries {
      basis contract
      categories allergies
    }
    ```

    ## Use instead
    ```privacy
    category allergies {
      taxonomy user.health_and_medical
    }
    purpose deliveries {
      basis contract
      special_condition explicit_consent
      consent allergy_checkbox
      categories allergies
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 9(1)-(2), Recital 51; CJEU C-184/20.
    """
    for purpose in ctx.policy.purposes.values():
        if purpose.special_condition is not None:
            continue
        found = [(ref, kind) for ref, cat in _category_refs(ctx, purpose) if (kind := special_kind(cat)) is not None]
        if not found:
            continue
        listed = ", ".join(f"`{ref.name}` ({kind.value})" for ref, kind in found)
        yield Finding(found[0][0].span, {"purpose": purpose.id, "categories": listed},
                      hint="add `special_condition <condition>`, e.g. `special_condition explicit_consent`, or "
                           '`special_condition health_care "<law>"`')


# ---------------------------------------------------------------- SPC002


@rule(
    "SPC002",
    "special-consent-not-explicit",
    messages={
        "no-mechanism": (
            "purpose `{purpose}` claims explicit consent but names no consent mechanism to show how it "
            "is given"
        ),
        "not-explicit": (
            "purpose `{purpose}` claims explicit consent, but consent mechanism `{consent}` is not "
            "explicit"
        ),
        "explicit-not-stated": (
            "purpose `{purpose}` claims explicit consent, but consent mechanism `{consent}` does not say "
            "whether consent is explicit"
        ),
    },
    category="special-data",
    severity="error",
    references=(
        "GDPR Art. 9(2)(a) (explicit consent)",
        "EDPB Guidelines 05/2020 on consent, version 1.1, section 4 (obtaining explicit consent)",
    ),
)
def special_consent_not_explicit(ctx: Context) -> Iterator[Finding]:
    """Explicit consent claimed for special-category data, but the consent is not explicit.

    ## What it does
    Flags a `purpose` with `special_condition explicit_consent` whose consent mechanism says
    `explicit no` ("is not explicit") or does not say whether it is explicit, or that names no
    consent mechanism at all.

    ## Why it matters
    Art. 9(2)(a) lifts the prohibition on special-category data only with *explicit* consent: an
    express statement, such as a signed or typed declaration or a specific confirmation of the
    purpose and the data (EDPB Guidelines 05/2020, section 4). An ordinary opt-in checkbox is
    affirmative, but not explicit. Without explicit consent (or another Art. 9(2) condition) the
    processing stays prohibited.

    ## Example
    ```privacy
    consent signup {
      method opt_in
    }
    purpose health_tips {
      special_condition explicit_consent
      consent signup
    }
    ```

    ## Use instead
    ```privacy
    consent health_consent {
      method opt_in
      explicit
    }
    purpose health_tips {
      special_condition explicit_consent
      consent health_consent
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 9(2)(a); EDPB Guidelines 05/2020 section 4.
    """
    for purpose in ctx.policy.purposes.values():
        clause = purpose.special_condition
        if clause is None or clause.condition is not SpecialCondition.EXPLICIT_CONSENT:
            continue
        if purpose.consent is None:
            yield Finding(clause.span, {"purpose": purpose.id}, "no-mechanism",
                          hint="name the mechanism with `consent <id>` and mark it `explicit`")
            continue
        mechanism = _mechanism(ctx, purpose)
        if mechanism is None or mechanism.explicit:
            continue
        yield Finding(clause.span, {"purpose": purpose.id, "consent": mechanism.id},
                      "not-explicit" if mechanism.explicit is False else "explicit-not-stated",
                      hint=f"ask for an express statement and mark `consent {mechanism.id}` as `explicit`, or use "
                           "a separate explicit mechanism for this purpose")


# ---------------------------------------------------------------- SPC003


@rule(
    "SPC003",
    "criminal-data-without-authority",
    messages={
        "no-law": (
            "purpose `{purpose}` uses criminal-offence data (`{category}`) but names no law that "
            "authorises it (GDPR Art. 10)"
        ),
    },
    category="special-data",
    severity="error",
    references=(
        "GDPR Art. 10 (only under the control of official authority or when authorised by Union or Member "
        "State law providing appropriate safeguards)",
        "GDPR Art. 6(1)(c), 6(1)(e), 6(3)",
    ),
)
def criminal_data_without_authority(ctx: Context) -> Iterator[Finding]:
    """Criminal-offence data processed without official authority or a law that authorises it.

    ## What it does
    Flags a `purpose` that uses a category marked `criminal` or with a taxonomy key under
    `user.criminal_history`, unless the purpose rests on `legal_obligation` or `public_task`
    with the law cited, or the controller is a `public_authority` acting on `public_task`.

    ## Why it matters
    Data on criminal convictions and offences may be processed "only under the control of
    official authority or when the processing is authorised by Union or Member State law
    providing for appropriate safeguards" (Art. 10). A private controller needs a statute that
    authorises it, for example a law requiring a police certificate for work with children; an
    Art. 6(1) basis alone, such as consent or legitimate interests, is not enough.

    ## Example
    ```privacy
    category record {
      criminal
    }
    purpose hiring {
      basis legitimate_interests
      categories record
    }
    ```

    ## Use instead
    ```privacy
    category record {
      criminal
    }
    purpose hiring {
      basis legal_obligation "barnehageloven § 30 (politiattest)"
      categories record
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 6(1)(c), 6(1)(e), 6(3), 10.
    """
    controller = ctx.policy.controller
    authority = controller is not None and controller.public_authority
    for purpose in ctx.policy.purposes.values():
        found = [ref for ref, cat in _category_refs(ctx, purpose) if is_criminal(cat)]
        if not found:
            continue
        by_law = any(b.basis in (BasisKind.LEGAL_OBLIGATION, BasisKind.PUBLIC_TASK)
                     and b.citation is not None and b.citation.strip() for b in purpose.bases)
        official = authority and any(b.basis is BasisKind.PUBLIC_TASK for b in purpose.bases)
        if by_law or official:
            continue
        yield Finding(found[0].span, {"purpose": purpose.id, "category": found[0].name},
                      hint='rest the purpose on the law that authorises it: `basis legal_obligation "<statute>"` or '
                           '`basis public_task "<statute>"`')


# ---------------------------------------------------------------- SPC004


class AgeOptions(Options):
    age: int = Field(default=16, ge=13, le=16)
    """The age from which a child may consent alone to an information society service (Art. 8(1))."""


@rule(
    "SPC004",
    "child-consent-without-age-check",
    messages={
        "no-age": (
            "purpose `{purpose}` relies on children's consent, but consent mechanism `{consent}` "
            "states no minimum age and does not say whether a parent's consent is asked"
        ),
        "no-age-no-parent": (
            "purpose `{purpose}` relies on children's consent, but consent mechanism `{consent}` "
            "states no minimum age and asks no parent's consent"
        ),
        "age-too-low": (
            "consent mechanism `{consent}` accepts children's own consent from {minimum_age}, below "
            "the age of {age} (GDPR Art. 8(1))"
        ),
    },
    category="special-data",
    severity="error",
    references=(
        "GDPR Art. 8(1)-(2) (16 years unless Member State law sets 13-15; parental consent below; "
        "reasonable efforts to verify)",
        "GDPR Recital 38",
        "EDPB Guidelines 05/2020 on consent, version 1.1, section 7.1 (children)",
        "Norway: personopplysningsloven § 5 (13 years)",
        "France: loi n° 78-17 Informatique et Libertés, art. 45 (15 years; below, consent given jointly "
        "with the holder of parental authority)",
    ),
    options=AgeOptions,
    profiles={"no": {"age": 13}, "fr": {"age": 15}},
)
def child_consent_without_age_check(ctx: Context) -> Iterator[Finding]:
    """Children's consent without a minimum age or parental consent (or with too low an age).

    ## What it does
    Flags a `purpose` that rests on `basis consent`, involves children (a subject marked
    `children`, or a category marked `children` or under `user.childrens`) and names a consent
    mechanism that states no `minimum_age` and does not say `parental_consent yes` (the message
    tells `parental_consent no` from a notice that is silent on it). It also flags a
    `minimum_age` below the configured age when there is no parental consent. Purposes with no
    consent mechanism at all are CON006's.

    ## Why it matters
    For information society services offered directly to a child, a child's own consent counts
    only from 16, or the lower age (not below 13) set by national law; below that age the holder of
    parental responsibility must give or authorise consent, and the controller must make
    reasonable efforts to verify this (Art. 8(1)-(2)). Norway set 13 (personopplysningsloven § 5;
    a proposal to raise it to 15 was on consultation in 2025), France 15 (loi Informatique et
    Libertés, art. 45, which requires the child and the parent to consent jointly below 15).
    Datatilsynet advises that outside information society services, and for special-category
    data, the age is normally higher. Art. 8 covers only information society services: for
    other services, suppress the finding with that reason.

    ## Example
    ```privacy
    subject pupil {
      children
    }
    consent app_signup {
      method opt_in
    }
    purpose learning_app {
      basis consent
      consent app_signup
      subjects pupil
    }
    ```

    ## Use instead
    ```privacy
    subject pupil {
      children
    }
    consent app_signup {
      method opt_in
      minimum_age 16
      parental_consent
    }
    purpose learning_app {
      basis consent
      consent app_signup
      subjects pupil
    }
    ```

    ## Options
    - `age` (default `16`; `13` with jurisdiction `no`, `15` with `fr`): the age from which a
      child's own consent is accepted. Member States may set 13 to 16.

    ## References
    GDPR Art. 8, Recital 38; EDPB Guidelines 05/2020 section 7.1; personopplysningsloven § 5;
    loi Informatique et Libertés art. 45.
    """
    opts: AgeOptions = ctx.options
    reported_low: set[str] = set()
    for purpose in ctx.policy.purposes.values():
        if not any(b.basis is BasisKind.CONSENT for b in purpose.bases) or not ctx.involves_children(purpose):
            continue
        mechanism = _mechanism(ctx, purpose)
        if mechanism is None or mechanism.parental_consent:
            continue
        if mechanism.minimum_age is None:
            yield Finding(purpose.span_of("consent"), {"purpose": purpose.id, "consent": mechanism.id},
                          "no-age-no-parent" if mechanism.parental_consent is False else "no-age",
                          hint=f"add `minimum_age {opts.age}` and `parental_consent` to `consent {mechanism.id}`")
        elif mechanism.minimum_age < opts.age and mechanism.id not in reported_low:
            reported_low.add(mechanism.id)
            yield Finding(mechanism.span_of("minimum_age"),
                          {"consent": mechanism.id, "minimum_age": str(mechanism.minimum_age), "age": str(opts.age)},
                          "age-too-low",
                          hint=f"raise it to `minimum_age {opts.age}`, or add `parental_consent` for younger "
                               "children; set `jurisdictions` if national law sets a lower age")


# ---------------------------------------------------------------- SPC005

#: Data uses that are marketing or profiling in the sense of Recital 38.
CHILD_SENSITIVE_USES = ("marketing", "personalize.profiling", "personalize.content.profiling",
                        "personalize.content.profiled")


@rule(
    "SPC005",
    "children-profiling-or-marketing",
    messages={
        "profiling": "purpose `{purpose}` profiles children, which children are specially protected against",
        "automated": (
            "purpose `{purpose}` takes solely automated decisions about children, which children are "
            "specially protected against"
        ),
        "marketing": (
            "purpose `{purpose}` uses children's data for `{use}`, which children are specially "
            "protected against"
        ),
    },
    category="special-data",
    severity="warning",
    references=(
        "GDPR Recital 38 (specific protection for marketing and profiling of children)",
        "GDPR Recital 71 (solely automated decisions \"should not concern a child\")",
        "Article 29 Working Party, Guidelines on automated individual decision-making and profiling "
        "(WP251 rev.01), section on children",
        "Regulation (EU) 2022/2065 (Digital Services Act) Art. 28(2) (no profiling-based ads to minors on "
        "online platforms)",
    ),
)
def children_profiling_or_marketing(ctx: Context) -> Iterator[Finding]:
    """Profiling, marketing or solely automated decisions aimed at children.

    ## What it does
    Flags a `purpose` that involves children (a subject marked `children`, or a category marked
    `children` or under `user.childrens`) and declares `profiling`, solely `automated_decisions`,
    or a data use under `marketing` or profiling-based personalisation.

    ## Why it matters
    Children merit specific protection, "in particular" where their data is used for marketing or
    to create personality or user profiles (Recital 38); solely automated decisions "should not
    concern a child" (Recital 71). The Working Party advised controllers to refrain in general
    from profiling children for marketing (WP251 rev.01), and Datatilsynet gives the same advice.
    Providers of online platforms must not show children ads based on profiling at all (DSA
    Art. 28(2)). Outside the DSA these are not outright bans, so the finding is a warning: stop
    the processing for children, or document why it is in the child's interest.

    ## Example
    ```privacy
    subject pupil {
      children
    }
    purpose recommendations {
      use personalize.profiling
      profiling
      subjects pupil
    }
    ```

    ## Use instead
    ```privacy
    subject pupil {
      children
    }
    purpose lessons {
      use essential.service
      subjects pupil
    }
    ```

    ## Options
    None.

    ## References
    GDPR Recitals 38, 71; WP251 rev.01; DSA Art. 28(2).
    """
    for purpose in ctx.policy.purposes.values():
        automated = purpose.automated_decisions is not None and purpose.automated_decisions.present
        marketing = uses_under(purpose, *CHILD_SENSITIVE_USES)
        if not (purpose.profiling or automated or marketing) or not ctx.involves_children(purpose):
            continue
        args = {"purpose": purpose.id}
        if purpose.profiling:
            message_id, span = "profiling", purpose.span_of("profiling")
        elif automated:
            message_id, span = "automated", purpose.span_of("automated_decisions")
        else:
            message_id, span = "marketing", purpose.span_of("uses")
            args["use"] = uses_text(purpose)
        yield Finding(span, args, message_id,
                      hint="leave children out of this purpose (a separate purpose for adults), or document why "
                           "it is in the child's interest and suppress with that reason")


# ---------------------------------------------------------------- SPC006

#: Ad uses that do not track the person: an ad chosen for the page, not for the visitor.
_CONTEXTUAL_ADS = ("marketing.advertising.first_party.contextual",)
#: At most this many trackers are named in one finding; the rest are counted.
_MAX_NAMED = 5


def _ad_trackers(policy: m.Policy) -> list[str]:
    """The declarations that track visitors for advertising: a purpose whose data use is
    advertising (not contextual), a cookie of the `marketing` category."""
    found = [f"purpose `{pid}`" for pid, p in policy.purposes.items()
             if uses_under(p, "marketing.advertising") and not all(
                 any(taxonomy.is_under(u, c) for c in _CONTEXTUAL_ADS) for u in p.uses
                 if taxonomy.is_under(u, "marketing.advertising"))]
    found += [c.label() for c in policy.cookies if c.category is m.CookieCategory.MARKETING]
    return list(dict.fromkeys(found))


@rule(
    "SPC006",
    "ad-tracking-on-sensitive-service",
    messages={
        "sensitive-service": (
            "the service is about {context}, and the notice declares ad tracking ({found}): a visit can reveal "
            "that about the visitor (GDPR Art. 9(1))"
        ),
    },
    category="special-data",
    severity="warning",
    references=(
        "GDPR Art. 9(1), 9(2)(a) (special categories; explicit consent)",
        "CJEU C-252/21 Meta Platforms v Bundeskartellamt (4 July 2023), paras 68-73 (data collected through "
        "cookies and similar technologies on websites or apps that relate to a special category can reveal it, "
        "and their processing is then processing of special categories)",
        "Directive 2002/58/EC (ePrivacy) Art. 5(3)",
    ),
)
def ad_tracking_on_sensitive_service(ctx: Context) -> Iterator[Finding]:
    """Ad tracking on a service whose subject matter is sensitive: health, research, religion, ...

    ## What it does
    Flags a notice that says what its service is about (`policy { context health }`; also
    `research` and the other Art. 9(1) kinds) and declares ad tracking: a purpose whose data use
    is advertising (`marketing.advertising...`, except contextual ads), or a cookie of the
    `marketing` category. One finding at the `context` statement, naming the trackers.

    ## Why it matters
    The Court held that where a user visits websites or apps that relate to a special category
    (health, sexual orientation, political opinions, ...) and data about those visits is collected
    through cookies or similar technologies, the processing can reveal that category and is then
    processing of special categories under Art. 9(1) (C-252/21, paras 68-73). Ad tracking on a
    health service tells the ad network that the visitor is interested in that illness; on a
    research project's site, that they take part. Such processing needs an Art. 9(2) condition,
    in practice explicit consent (Art. 9(2)(a)), besides the ePrivacy consent to the cookies. The
    rule cannot see which pages the trackers run on, so it is a warning: check that they are not
    on the pages that reveal anything, or ask for explicit consent.

    ## Example
    ```privacy
    policy "Patient association" {
      context health
    }
    cookie _fbp {
      provider "Meta Platforms Ireland"
      party third
      category marketing
    }
    ```

    ## Use instead
    ```privacy
    policy "Patient association" {
      context health
    }
    cookie session {
      category strictly_necessary
      expiry session
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 9(1), 9(2)(a); CJEU C-252/21, paras 68-73; ePrivacy Art. 5(3).
    """
    info = ctx.policy.info
    if info is None or not info.contexts:
        return
    found = _ad_trackers(ctx.policy)
    if not found:
        return
    named = ", ".join(found[:_MAX_NAMED]) + (f" and {len(found) - _MAX_NAMED} more" if len(found) > _MAX_NAMED else "")
    context = ", ".join(c.value.replace("_", " ") for c in dict.fromkeys(info.contexts))
    yield Finding(info.span_of("contexts"), {"context": context, "found": named},
                  hint="keep ad trackers off the service, or ask for explicit consent (Art. 9(2)(a)) before they run")


RULES = (
    special_data_without_condition,
    special_consent_not_explicit,
    criminal_data_without_authority,
    child_consent_without_age_check,
    children_profiling_or_marketing,
    ad_tracking_on_sensitive_service,
)
