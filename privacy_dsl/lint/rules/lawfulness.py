"""Lawfulness: every purpose rests on one valid GDPR Art. 6(1) legal basis."""

from __future__ import annotations

from collections.abc import Iterator

from ...language import model as m
from ...language import taxonomy
from ...language.model import BasisKind
from .base import Context, Finding, Options, all_uses_under, first_use_under, rule, uses_under
from .identifiability import anonymous_purposes
from .public_bodies import PUBLIC_BODY_DOMAINS, PUBLIC_BODY_WORDS, public_body

#: Data uses that need consent whatever else is claimed: electronic direct marketing
#: (ePrivacy Art. 13(1)), targeted advertising and profiling for ads (C-252/21).
CONSENT_ONLY_USES = (
    "marketing.communications.email",
    "marketing.communications.sms",
    "marketing.advertising.first_party.targeted",
    "marketing.advertising.third_party",
    "marketing.advertising.profiling",
    "personalize.profiling",
    "personalize.content.profiling",
    "personalize.content.profiled",
)



def basis_span(purpose: m.Purpose, basis: m.LegalBasis) -> m.Span:
    """Where a basis is stated: the whole `basis ...` statement for the first, the value for the others."""
    if purpose.bases and purpose.bases[0] is basis:
        return purpose.span_of("bases")
    return basis.span


def _bases_of(purpose: m.Purpose, kind: BasisKind) -> list[m.LegalBasis]:
    return [b for b in purpose.bases if b.basis is kind]


def _blank(value: object) -> bool:
    return value is None or not str(value).strip()


# ---------------------------------------------------------------- LAW001


@rule(
    "LAW001",
    "missing-legal-basis",
    messages={
        "no-basis": "purpose `{purpose}` states no legal basis (GDPR Art. 6(1))",
        "notice-level": (
            "purpose `{purpose}` states no legal basis; the notice lists bases ({bases}) only for the whole "
            "notice (GDPR Art. 6(1), 13(1)(c))"
        ),
    },
    implies=("TRN016",),
    omits={"no-basis": "bases"},
    category="lawfulness",
    severity="error",
    references=(
        "GDPR Art. 6(1) (processing is lawful only if and to the extent that at least one basis applies)",
        "GDPR Art. 5(1)(a) (lawfulness, fairness and transparency)",
        "GDPR Art. 13(1)(c) (the notice states the purposes and the legal basis for each)",
        "Article 29 Working Party, Guidelines on transparency (WP260 rev.01), Annex, on Art. 13(1)(c)",
    ),
)
def missing_legal_basis(ctx: Context) -> Iterator[Finding]:
    """A purpose that declares no GDPR Art. 6(1) legal basis.

    ## What it does
    Flags a `purpose` block with no `basis` statement (neither in the block nor from a
    `defaults purpose` block), unless all the data it lists is claimed anonymous and nothing in the
    policy contradicts the claim (no personal data, Recital 26; IDN001 reports a contradiction).
    When the notice lists legal bases for the whole notice (`policy { bases ... }`) without tying
    them to purposes, the message says so (`notice-level`):
    the purpose may rest on one of them, but the notice does not say which (TRN016).

    ## Why it matters
    Processing is lawful only if one of the six bases of Art. 6(1) applies, and the notice must
    say which one for each purpose (Art. 13(1)(c)). A purpose without a basis is either unlawful or
    undocumented; in both cases the data subject cannot tell which rights apply (objection under
    legitimate interests, withdrawal under consent, portability under consent or contract).

    ## Example
    ```privacy
    purpose statistics {
      use analytics.reporting
    }
    ```

    ## Use instead
    ```privacy
    purpose statistics {
      use analytics.reporting
      basis consent
      consent cookie_banner
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(1)(a), 6(1), 13(1)(c); WP260 rev.01 (transparency), Annex.
    """
    info = ctx.policy.info
    listed = ", ".join(f"`{k.value}`" for k in dict.fromkeys(b.basis for b in info.bases)) if info is not None else ""
    anonymous = anonymous_purposes(ctx)
    for purpose in ctx.policy.purposes.values():
        if purpose.bases or purpose.id in anonymous:
            continue
        if listed:
            yield Finding(purpose.span, {"purpose": purpose.id, "bases": listed}, "notice-level",
                          hint="state which of the notice's bases this purpose rests on: `basis <kind>`")
            continue
        if uses_under(purpose, "marketing"):
            hint = "marketing needs consent: write `basis consent` and name the mechanism with `consent <id>`"
        elif purpose.consent is not None:
            hint = (f"the purpose names consent mechanism `{purpose.consent.name}`: if consent is the basis, "
                    "write `basis consent`")
        else:
            hint = ("state the Art. 6(1) basis, e.g. `basis contract`, `basis consent`, "
                    "`basis legal_obligation \"<statute>\"` or `basis legitimate_interests { interest ... }`")
        yield Finding(purpose.span, {"purpose": purpose.id}, hint=hint)


# ---------------------------------------------------------------- LAW002


@rule(
    "LAW002",
    "multiple-legal-bases",
    messages={
        "several-bases": "purpose `{purpose}` claims {count} legal bases ({bases}); one purpose rests on one basis",
    },
    category="lawfulness",
    severity="error",
    references=(
        "GDPR Art. 6(1), Art. 13(1)(c)",
        "EDPB Guidelines 05/2020 on consent, version 1.1, paras 121-123 (the basis is chosen before "
        "processing; a controller cannot swap from consent to another basis)",
        "EDPB Guidelines 2/2019 on Art. 6(1)(b), version 2.0, section 2.2 (interaction with other bases)",
    ),
)
def multiple_legal_bases(ctx: Context) -> Iterator[Finding]:
    """A purpose that claims more than one Art. 6(1) legal basis.

    ## What it does
    Flags a `purpose` with two or more different `basis` statements, at the second one. The same
    basis written twice is not reported here.

    ## Why it matters
    Art. 6(1) says processing is lawful if "at least one" basis applies, so several bases are not
    unlawful in themselves; but a notice that lists several for one purpose does not tell the
    data subject which one is relied on (Art. 13(1)(c)), and so which rights apply. The EDPB holds
    that the basis must be chosen before the processing starts, and that a controller who asks
    for consent cannot fall back on another basis when consent is withdrawn or turns out invalid:
    "legal obligation or consent" is a back-up justification, which is unfair to the data
    subject (Guidelines 05/2020, paras 121-123). Where different parts of the processing really
    rest on different bases, they are different purposes: declare one purpose per basis.

    ## Example
    ```privacy
    purpose customer_records {
      use essential.service
      basis legal_obligation
      basis consent
    }
    ```

    ## Use instead
    ```privacy
    purpose bookkeeping {
      basis legal_obligation "bokføringsloven § 13"
    }
    purpose newsletter {
      basis consent
      consent newsletter_signup
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 6(1), 13(1)(c); EDPB Guidelines 05/2020 paras 121-123; EDPB Guidelines 2/2019 section 2.2.
    """
    for purpose in ctx.policy.purposes.values():
        if len(purpose.bases) < 2:
            continue
        first = purpose.bases[0].basis
        second = next((b for b in purpose.bases if b.basis is not first), None)
        if second is None:
            continue
        kinds = list(dict.fromkeys(b.basis.value for b in purpose.bases))
        if BasisKind.CONSENT.value in kinds:
            hint = ("consent cannot be a fallback for another basis, nor the other way round: keep the one basis "
                    "you rely on, or split the purpose into one purpose per basis")
        else:
            hint = "split the purpose into one purpose per basis, each with the data and retention it covers"
        yield Finding(basis_span(purpose, second),
                      {"purpose": purpose.id, "count": str(len(kinds)), "bases": ", ".join(kinds)},
                      hint=hint)


class MarketingOptions(Options):
    allow_legitimate_interests: bool = True
    """Accept legitimate interests for direct marketing that is neither electronic nor targeted
    (postal mail, contextual ads), as GDPR Recital 47 allows. Set to false to require consent for
    all marketing."""


def _marketing_kind(ctx: Context, purpose: m.Purpose) -> str | None:
    """Why the purpose counts as marketing, or None."""
    if (use := first_use_under(purpose, *CONSENT_ONLY_USES)) is not None:
        return f"its data use `{use}` is targeted or electronic marketing"
    if (use := first_use_under(purpose, "marketing")) is not None:
        return f"its data use `{use}` is marketing"
    if any(r.role in (m.Role.CONTROLLER, m.Role.JOINT_CONTROLLER) for r in ctx.recipients_of(purpose)) and \
            uses_under(purpose, "third_party_sharing"):
        return "it discloses data to other controllers"
    return None


@rule(
    "LAW003",
    "marketing-without-consent",
    messages={
        "marketing-without-consent": (
            "purpose `{purpose}` is marketing but rests on {bases}: {reason}, which needs consent"
        ),
    },
    category="lawfulness",
    severity="error",
    references=(
        "GDPR Art. 6(1)(a), Art. 21(2)-(3), Recital 47",
        "Directive 2002/58/EC (ePrivacy) Art. 13(1)",
        "CJEU C-252/21 Meta Platforms v Bundeskartellamt (4 July 2023), paras 102-126",
        "Norway: markedsføringsloven § 15 (e-mail and SMS marketing to consumers needs prior consent)",
    ),
    options=MarketingOptions,
    # A marketing purpose with no basis at all gets both; "needs consent" says all "no basis" does.
    implies=("LAW001",),
)
def marketing_without_consent(ctx: Context) -> Iterator[Finding]:
    """Marketing, targeted advertising, ad profiling or disclosure for others' marketing without consent.

    ## What it does
    Flags a purpose whose data use is under `marketing` (or that discloses data to other
    controllers) and whose legal basis is not `consent`.

    E-mail and SMS marketing, targeted advertising and profiling for ads are flagged under any
    other basis. Other direct marketing (postal mail, contextual ads) is accepted under
    `legitimate_interests`, which GDPR Recital 47 allows, unless `allow-legitimate-interests` is
    set to false.

    ## Why it matters
    Electronic direct marketing needs the recipient's prior consent (ePrivacy Art. 13(1); in
    Norway markedsføringsloven § 15). The CJEU held in C-252/21 that personalised advertising is
    not necessary for the performance of a contract and that legitimate interests must give way
    to the user's interests where tracking is extensive: in practice consent is needed. A
    marketing purpose on `contract` is never valid.

    ## Example
    ```privacy
    purpose newsletter {
      use marketing.communications.email
      basis legitimate_interests
    }
    ```

    ## Use instead
    ```privacy
    purpose newsletter {
      use marketing.communications.email
      basis consent
    }
    ```

    ## Options
    - `allow-legitimate-interests` (default `true`): accept legitimate interests for marketing that
      is neither electronic nor targeted. The law is unsettled here: Recital 47 says direct marketing
      *may* be a legitimate interest; some authorities read it narrowly.

    ## References
    GDPR Art. 6(1)(a), 21(2)-(3), Recital 47; ePrivacy Art. 13(1); CJEU C-252/21; markedsføringsloven § 15.
    """
    opts: MarketingOptions = ctx.options
    for purpose in ctx.policy.purposes.values():
        why = _marketing_kind(ctx, purpose)
        if why is None or any(b.basis is BasisKind.CONSENT for b in purpose.bases):
            continue
        basis = purpose.basis
        if (basis is not None and basis.basis is BasisKind.LEGITIMATE_INTERESTS and opts.allow_legitimate_interests
                and not uses_under(purpose, *CONSENT_ONLY_USES) and "disclose" not in why):
            continue
        claimed = ", ".join(b.basis.value for b in purpose.bases) or "no basis"
        yield Finding(
            purpose.span_of("bases"),
            {"purpose": purpose.id, "bases": claimed, "reason": why},
            hint=_in_purpose(purpose, "use `basis consent` and name the consent mechanism with `consent <id>`"),
        )


def _in_purpose(purpose: m.Purpose, hint: str) -> str:
    """``hint`` for a finding at the purpose's basis; when the basis comes from ``defaults``, said
    for the purpose itself: changing the defaults line would change every purpose that inherits it."""
    if not purpose.inherits("bases"):
        return hint
    return f"this basis is from `defaults`, which other purposes inherit: in the purpose itself, {hint}"



# ---------------------------------------------------------------- LAW004

#: Data uses that are not necessary for the service the user asked for, with the reason. Marketing
#: and advertising are left to LAW003, which reports them under every basis other than consent.
BEYOND_CONTRACT_USES: tuple[tuple[str, str], ...] = (
    ("personalize.profiling", "profiling to personalise content (C-252/21, para 102)"),
    ("personalize.content.profiling", "profiling to personalise content (C-252/21, para 102)"),
    ("personalize.content.profiled", "profiling to personalise content (C-252/21, para 102)"),
    ("analytics", "analytics and service improvement (EDPB Guidelines 2/2019, section 3.1)"),
    ("essential.service.operations.improve", "service improvement (EDPB Guidelines 2/2019, section 3.1)"),
    ("functional.service.improve", "service improvement (EDPB Guidelines 2/2019, section 3.1)"),
    ("essential.fraud_detection", "fraud prevention (EDPB Guidelines 2/2019, section 3.2)"),
)


def _beyond_contract(purpose: m.Purpose) -> str | None:
    for use in purpose.uses:
        if taxonomy.is_under(use, "marketing"):
            continue  # LAW003 reports marketing under every basis other than consent
        for prefix, why in BEYOND_CONTRACT_USES:
            if taxonomy.is_under(use, prefix):
                return f"its data use `{use}` is {why}"
    if purpose.profiling and not all_uses_under(purpose, "essential", "functional", "marketing"):
        return "it involves profiling that is not part of the service (C-252/21, paras 102-104)"
    return None


@rule(
    "LAW004",
    "contract-beyond-service",
    messages={
        "beyond-contract": (
            "purpose `{purpose}` rests on contract, but {reason}: not necessary for the service asked "
            "for"
        ),
    },
    category="lawfulness",
    severity="error",
    references=(
        "GDPR Art. 6(1)(b)",
        "CJEU C-252/21 Meta Platforms v Bundeskartellamt (4 July 2023), paras 97-104",
        "EDPB Guidelines 2/2019 on Art. 6(1)(b) in the context of online services, version 2.0 "
        "(8 October 2019), sections 3.1 (service improvement), 3.2 (fraud prevention), "
        "3.3 (online behavioural advertising), 3.4 (personalisation of content)",
    ),
)
def contract_beyond_service(ctx: Context) -> Iterator[Finding]:
    """Contract as the basis for processing that is not needed for the service the user asked for.

    ## What it does
    Flags a `purpose` with `basis contract` whose data use is analytics, service improvement,
    fraud prevention or profiling for personalised content (`personalize.profiling`), or that
    declares `profiling` while its data use is not essential or functional.

    Marketing and advertising on `contract` are reported by LAW003 (marketing without consent),
    not here, so that one defect gives one finding.

    ## Why it matters
    Art. 6(1)(b) covers only processing that is objectively indispensable for a purpose that is
    integral to the contract the data subject asked for; that it is useful, or written into the
    terms, is not enough (C-252/21, paras 98-99). The Court held that personalising content and
    the seamless use of a group's services are not necessary for a social network's contract
    (paras 102-104). The EDPB says the same of service improvement, fraud prevention, behavioural
    advertising and most profiling (Guidelines 2/2019, part 3). Such a purpose needs another
    basis: consent, or legitimate interests with a balancing test.

    Personalisation that is an essential, expected part of the service can be contractual
    (Guidelines 2/2019, section 3.4): give such a purpose a `functional` or `essential` data use.

    ## Example
    ```privacy
    purpose usage_statistics {
      use analytics.reporting
      basis contract
    }
    ```

    ## Use instead
    ```privacy
    purpose usage_statistics {
      use analytics.reporting
      basis consent
      consent cookie_banner
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 6(1)(b); CJEU C-252/21, paras 97-104; EDPB Guidelines 2/2019, part 3.
    """
    for purpose in ctx.policy.purposes.values():
        contract = _bases_of(purpose, BasisKind.CONTRACT)
        if not contract:
            continue
        why = _beyond_contract(purpose)
        if why is None:
            continue
        yield Finding(basis_span(purpose, contract[0]),
                      {"purpose": purpose.id, "reason": why},
                      hint=_in_purpose(purpose, "use `basis consent` (with `consent <id>`) or "
                                                "`basis legitimate_interests { ... }`"))


# ---------------------------------------------------------------- LAW005


class InterestOptions(Options):
    require_balancing_test: bool = True
    """Also require `balancing_test`, a reference to the documented balancing of interests."""


@rule(
    "LAW005",
    "legitimate-interests-unexplained",
    messages={
        "no-interest-no-test": (
            "purpose `{purpose}` relies on legitimate interests but does not state the interest pursued (Art. "
            "13(1)(d)) or refer to the balancing test"
        ),
        "no-interest": (
            "purpose `{purpose}` relies on legitimate interests but does not state the interest pursued (Art. "
            "13(1)(d))"
        ),
        "no-test": "purpose `{purpose}` relies on legitimate interests but does not refer to the balancing test",
        "notice-no-interest-no-test": (
            "the notice lists legitimate interests among its legal bases but does not state the interest "
            "pursued (Art. 13(1)(d)) or refer to the balancing test"
        ),
        "notice-no-interest": (
            "the notice lists legitimate interests among its legal bases but does not state the interest "
            "pursued (Art. 13(1)(d))"
        ),
        "notice-no-test": (
            "the notice lists legitimate interests among its legal bases but does not refer to the balancing test"
        ),
    },
    omits={"no-interest-no-test": "bases", "no-interest": "bases"},
    category="lawfulness",
    severity="error",
    references=(
        "GDPR Art. 6(1)(f), Art. 13(1)(d), Art. 5(2), Recital 47",
        "CJEU C-621/22 Koninklijke Nederlandse Lawn Tennisbond (4 October 2024)",
        "EDPB Guidelines 1/2024 on processing based on Art. 6(1)(f), version 1.0 (8 October 2024)",
        "Article 29 Working Party, Guidelines on transparency (WP260 rev.01), Annex, on Art. 13(1)(d)",
    ),
    options=InterestOptions,
)
def legitimate_interests_unexplained(ctx: Context) -> Iterator[Finding]:
    """Legitimate interests without the interest pursued or without a balancing-test reference.

    ## What it does
    Flags a `basis legitimate_interests` that does not state `interest`, or (by default) has no
    `balancing_test` reference; the same for legitimate interests in the bases the notice lists
    for the whole notice (`policy { bases ... }`, messages `notice-...`).

    ## Why it matters
    Where processing rests on Art. 6(1)(f), the notice must state the legitimate interests
    pursued (Art. 13(1)(d)); that part is plain law. The basis applies only when three cumulative
    conditions are met: a legitimate interest, necessity, and a balancing test that the data
    subject's interests do not override (CJEU C-621/22, KNLTB; EDPB Guidelines 1/2024). The
    controller must be able to demonstrate that balancing (accountability, Art. 5(2)); the
    Working Party's transparency guidelines recommend telling data subjects how to obtain it.
    The balancing-test reference is therefore good practice rather than a stated legal duty,
    which is why it can be turned off.

    ## Example
    ```privacy
    purpose fraud_prevention {
      use essential.fraud_detection
      basis legitimate_interests
    }
    ```

    ## Use instead
    ```privacy
    purpose fraud_prevention {
      use essential.fraud_detection
      basis legitimate_interests {
        interest "Protecting customers and us from payment card fraud"
        balancing_test "LIA-2026-01"
      }
    }
    ```

    ## Options
    - `require-balancing-test` (default `true`): also report a missing `balancing_test`. Set to
      false to report only a missing `interest` (the Art. 13(1)(d) requirement).

    ## References
    GDPR Art. 5(2), 6(1)(f), 13(1)(d), Recital 47; CJEU C-621/22; EDPB Guidelines 1/2024; WP260 rev.01.
    """
    opts: InterestOptions = ctx.options

    def missing(basis: m.LegalBasis) -> str | None:
        absent = []
        if _blank(basis.interest):
            absent.append("no-interest")
        if opts.require_balancing_test and _blank(basis.balancing_test):
            absent.append("no-test")
        return ("no-interest-no-test" if len(absent) == 2 else absent[0]) if absent else None

    stated = ('legitimate_interests { interest "<what you pursue>" '
              'balancing_test "<where the assessment is documented>" }')
    for purpose in ctx.policy.purposes.values():
        for basis in _bases_of(purpose, BasisKind.LEGITIMATE_INTERESTS):
            message = missing(basis)
            if message is not None:
                yield Finding(basis_span(purpose, basis), {"purpose": purpose.id}, message,
                              hint=f"write `basis {stated}`")
    info = ctx.policy.info
    for basis in info.bases if info is not None else ():
        message = missing(basis) if basis.basis is BasisKind.LEGITIMATE_INTERESTS else None
        if message is not None:
            yield Finding(basis.span, {}, f"notice-{message}", hint=f"write it in `bases` as `{stated}`")


# ---------------------------------------------------------------- LAW006


@rule(
    "LAW006",
    "legitimate-interests-on-children",
    messages={
        "children": (
            "purpose `{purpose}` relies on legitimate interests for children's data, where the child's "
            "interests weigh especially heavily (GDPR Art. 6(1)(f))"
        ),
    },
    category="lawfulness",
    severity="warning",
    references=(
        "GDPR Art. 6(1)(f) (\"in particular where the data subject is a child\")",
        "GDPR Recital 38 (children merit specific protection)",
        "EDPB Guidelines 1/2024 on Art. 6(1)(f), section on children (paragraph numbers not verified)",
    ),
)
def legitimate_interests_on_children(ctx: Context) -> Iterator[Finding]:
    """Legitimate interests relied on for children's data.

    ## What it does
    Flags a `purpose` with `basis legitimate_interests` whose subjects include a subject marked
    `children`, or whose categories are marked `children` or sit under `user.childrens`.

    ## Why it matters
    Art. 6(1)(f) itself names children: the controller's interests give way to the data
    subject's interests and rights "in particular where the data subject is a child". Recital 38
    says children merit specific protection, especially against marketing and profiling. The
    basis is not forbidden for children's data, but the balancing weighs heavily against the
    controller, so the finding is a warning: check that the balancing test addresses children
    specifically, or choose another basis.

    ## Example
    ```privacy
    subject pupil {
      children
    }
    purpose app_analytics {
      basis legitimate_interests {
        interest "Improving the learning app"
        balancing_test "LIA-7"
      }
      subjects pupil
    }
    ```

    ## Use instead
    ```privacy
    subject parent {
      name "Parent"
    }
    purpose app_analytics {
      basis legitimate_interests {
        interest "Improving the learning app"
        balancing_test "LIA-7"
      }
      subjects parent
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 6(1)(f), Recital 38; EDPB Guidelines 1/2024.
    """
    for purpose in ctx.policy.purposes.values():
        bases = _bases_of(purpose, BasisKind.LEGITIMATE_INTERESTS)
        if not bases or not ctx.involves_children(purpose):
            continue
        yield Finding(basis_span(purpose, bases[0]), {"purpose": purpose.id},
                      hint="make sure the balancing test weighs the child's interests, or rest the purpose on "
                           "another basis")


# ---------------------------------------------------------------- LAW007


class PublicAuthorityOptions(Options):
    recognise_by_name: bool = True
    """Read a controller that does not say `public_authority` as one when its name, registration,
    e-mail or website plainly says it is a public body."""
    public_body_words: tuple[str, ...] = PUBLIC_BODY_WORDS
    """The words (regular expressions, case-insensitive) that name a public body in a controller's
    name or registration; a configured list replaces the default one."""
    public_body_domains: tuple[str, ...] = PUBLIC_BODY_DOMAINS
    """The e-mail and website domains that only public bodies have (`gov.uk` covers
    `parliament.gov.uk`); a configured list replaces the default one."""


@rule(
    "LAW007",
    "public-authority-legitimate-interests",
    messages={
        "public-authority": (
            "purpose `{purpose}` relies on legitimate interests, which a public authority cannot use "
            "for processing in the performance of its tasks"
        ),
        "public-body": (
            "purpose `{purpose}` relies on legitimate interests, which a public authority cannot use for "
            "processing in the performance of its tasks, and controller `{controller}` is one (its {field} says "
            "`{evidence}`)"
        ),
    },
    category="lawfulness",
    severity="warning",
    references=(
        "GDPR Art. 6(1), second subparagraph",
        "GDPR Recital 47 (the legal basis for public authorities is for the legislator to provide by law)",
        "GDPR Art. 6(1)(e), Art. 6(3)",
        "Article 29 Working Party, Guidelines on Data Protection Officers (WP243 rev.01), section 2.1.1 (what a "
        "public authority or body is, is determined by national law)",
    ),
    options=PublicAuthorityOptions,
)
def public_authority_legitimate_interests(ctx: Context) -> Iterator[Finding]:
    """A public authority relying on legitimate interests.

    ## What it does
    Flags every `basis legitimate_interests` when the controller is declared
    `public_authority`, or (message `public-body`) when it does not say either way and its name,
    registration, e-mail or website plainly says it is a public body: a ministry ("ministerium",
    "departementet"), an agency or directorate ("direktoratet", "myndighet", "Behörde"), a
    municipality ("kommune", "Gemeinde", "municipality"), a university or a school ("Gymnasium",
    "skole", "lycée"), a parliament or the police; a domain such as `gov.uk` or `kommune.no`; a
    Swedish organisation number beginning with 2 (the public sector's). The lists are in
    `privacy_dsl/lint/rules/public_bodies.py` and are options. A name with a company or
    association form ("AS", "GmbH", "Ltd", "e.V.") is never read as a public body, and
    `public_authority no` is always believed: a private school or university is not a public
    authority, and only national law says which bodies are (WP243 rev.01, section 2.1.1).

    ## Why it matters
    Art. 6(1) second subparagraph: point (f) "shall not apply to processing carried out by public
    authorities in the performance of their tasks". Recital 47 explains that it is for the
    legislator to give public authorities their basis by law: such processing rests on
    Art. 6(1)(c) or (e) with the statute cited (Art. 6(3)). A public authority may still rely on
    legitimate interests for processing outside its public tasks (for example some of its own
    administration), which is why this is a warning: if the purpose is outside the authority's
    tasks, suppress the finding with that reason.

    ## Example
    ```privacy
    controller "Bergen kommune" {
      public_authority
    }
    purpose school_admission {
      basis legitimate_interests {
        interest "Admitting pupils"
        balancing_test "LIA-1"
      }
    }
    ```

    ## Use instead
    ```privacy
    controller "Bergen kommune" {
      public_authority
    }
    purpose school_admission {
      basis public_task "opplæringslova § 8-1"
    }
    ```

    ## Options
    - `recognise-by-name` (default `true`): read a controller that does not state
      `public_authority` as one when its name, registration, e-mail or website says so. Set to false
      to rely on `public_authority` alone.
    - `public-body-words`: the words (regular expressions, case-insensitive) read in the name and
      registration; a configured list replaces the default one.
    - `public-body-domains`: the e-mail and website domains read (each covers its subdomains).

    ```toml
    [tool.privacy-dsl.rules.LAW007]
    public-body-words = ["kommune\\b", "direktoratet\\b", "\\buniversity\\b"]
    ```

    ## References
    GDPR Art. 6(1) second subparagraph, 6(1)(e), 6(3), Recital 47; WP243 rev.01, section 2.1.1.
    """
    opts: PublicAuthorityOptions = ctx.options
    controller = ctx.policy.controller
    if controller is None or controller.public_authority is False:
        return
    args: dict[str, str] = {}
    if not controller.public_authority:
        evidence = (public_body(controller, opts.public_body_words, opts.public_body_domains)
                    if opts.recognise_by_name else None)
        if evidence is None:
            return
        args = {"controller": controller.name, "field": evidence.field, "evidence": evidence.text}
    for purpose in ctx.policy.purposes.values():
        for basis in _bases_of(purpose, BasisKind.LEGITIMATE_INTERESTS):
            yield Finding(basis_span(purpose, basis), {"purpose": purpose.id, **args},
                          "public-body" if args else "public-authority",
                          hint='use `basis public_task "<statute>"` or `basis legal_obligation "<statute>"`; if the '
                               "processing is outside the authority's tasks, suppress with that reason")


# ---------------------------------------------------------------- LAW008


@rule(
    "LAW008",
    "basis-without-legal-citation",
    messages={
        "no-citation": "purpose `{purpose}` relies on {basis} but names no law",
        "notice": "the notice lists {basis} among its legal bases but names no law",
    },
    omits={"no-citation": "bases"},
    category="lawfulness",
    severity="warning",
    references=(
        "GDPR Art. 6(1)(c) and (e), Art. 6(3) (the basis is laid down by Union or Member State law)",
        "GDPR Art. 13(1)(c), Recital 41",
        "Article 29 Working Party, Guidelines on transparency (WP260 rev.01), Annex, on Art. 13(1)(c)",
    ),
)
def basis_without_legal_citation(ctx: Context) -> Iterator[Finding]:
    """Legal obligation or public task without the law it comes from.

    ## What it does
    Flags `basis legal_obligation` and `basis public_task` written without the statute, e.g.
    `basis legal_obligation` instead of `basis legal_obligation "bokføringsloven § 13"`, in a
    purpose or in the bases the notice lists for the whole notice (`policy { bases ... }`, message
    `notice`).

    ## Why it matters
    These two bases exist only where Union or Member State law lays down the obligation or the
    task (Art. 6(3)); a claim of "the law requires it" that names no law cannot be checked, and
    catch-all wording such as "to the extent the law requires or permits" is a classic sign that
    no specific obligation was identified. Naming the law is how the notice makes the basis
    under Art. 13(1)(c) meaningful. Art. 13 does not say in so many words that the statute must
    be cited, so this is a warning.

    ## Example
    ```privacy
    purpose bookkeeping {
      basis legal_obligation
    }
    ```

    ## Use instead
    ```privacy
    purpose bookkeeping {
      basis legal_obligation "bokføringsloven § 13 (LOV-2004-11-19-73)"
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 6(1)(c), 6(1)(e), 6(3), 13(1)(c), Recital 41; WP260 rev.01, Annex.
    """
    for purpose in ctx.policy.purposes.values():
        for basis in purpose.bases:
            if basis.basis in (BasisKind.LEGAL_OBLIGATION, BasisKind.PUBLIC_TASK) and _blank(basis.citation):
                yield Finding(basis_span(purpose, basis), {"purpose": purpose.id, "basis": basis.basis.value},
                              hint=f'cite the statute: `basis {basis.basis.value} "<act> § <section>"`')
    info = ctx.policy.info
    for basis in info.bases if info is not None else ():
        if basis.basis in (BasisKind.LEGAL_OBLIGATION, BasisKind.PUBLIC_TASK) and _blank(basis.citation):
            yield Finding(basis.span, {"basis": basis.basis.value}, "notice",
                          hint=f'cite the statute: `{basis.basis.value} "<act> § <section>"`')


# ---------------------------------------------------------------- LAW009


@rule(
    "LAW009",
    "catch-all-purpose",
    messages={
        "catch-all": (
            "purpose `{purpose}` is a catch-all, not a specified purpose: it rests on alternative bases ({bases}) "
            "and states no data use (GDPR Art. 5(1)(b))"
        ),
    },
    category="lawfulness",
    severity="error",
    references=(
        "GDPR Art. 5(1)(b) (collected for specified, explicit and legitimate purposes)",
        "GDPR Art. 13(1)(c) (the purposes and the legal basis for the processing)",
        "Article 29 Working Party, Opinion 03/2013 on purpose limitation (WP203, 2 April 2013), section III.1.1: "
        "a vague or general purpose will, without more detail, usually not meet the criterion of being "
        "specific",
    ),
    # It says what "has no data use" (HYG005) and "claims N bases" (LAW002) say about the purpose.
    implies=("HYG005", "LAW002"),
)
def catch_all_purpose(ctx: Context) -> Iterator[Finding]:
    """A purpose that is only a list of alternative legal bases: "to the extent the law requires or
    permits, or you consented".

    ## What it does
    Flags a `purpose` that states two or more different legal bases and no data use (`use`). Such
    a purpose is what a notice writes as "we will also process your data to the extent the law
    requires or permits, or where you have consented": it says on what grounds, never for what.
    The data it lists (`categories`) does not make it specific: the data is not the purpose.
    The finding implies HYG005 ("has no data use") and LAW002 ("claims several legal bases") on
    the same purpose, which are then not reported.

    ## Why it matters
    Personal data may be collected only for "specified, explicit and legitimate purposes" (Art.
    5(1)(b)), and the notice must give the purposes and the basis of each (Art. 13(1)(c)). The
    Working Party holds that a purpose must be detailed enough to determine what processing is and
    is not included in it, and that a vague or general purpose will without more detail usually
    not meet the criterion of being specific (Opinion 03/2013, WP203, section III.1.1). A catch-all
    that names only legal grounds leaves the reader nothing to assess; the alternatives make it
    worse, since the basis of consent cannot be a fallback for another (EDPB Guidelines 05/2020,
    paras 121-123; LAW002).

    ## Example
    ```privacy
    # "... to the extent the law requires or permits, or you have consented"
    purpose any_other_processing {
      name "Other processing"
      basis legal_obligation
      basis consent
    }
    ```

    ## Use instead
    ```privacy
    purpose accounting_records {
      name "Keeping the accounting records"
      use essential.legal_obligation
      basis legal_obligation "bokføringsloven § 13"
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(1)(b), 13(1)(c); WP29 Opinion 03/2013 on purpose limitation (WP203), section III.1.1.
    """
    for purpose in ctx.policy.purposes.values():
        kinds = list(dict.fromkeys(b.basis.value for b in purpose.bases))
        if len(kinds) < 2 or purpose.uses:
            continue
        yield Finding(purpose.span, {"purpose": purpose.id, "bases": ", ".join(kinds)},
                      hint="name what the processing is for, one purpose each with its data use (`use <key>`) and "
                           "the one basis it rests on; drop what the notice cannot specify")


# ---------------------------------------------------------------- LAW010


_CONTRACT_NOT_CONSENT = (
    "EDPB Guidelines 2/2019 on the processing of personal data under Art. 6(1)(b) in the context of online "
    "services, version 2.0 (8 October 2019), para 19: where \"a controller seeks to process personal data that are "
    "in fact necessary for the performance of a contract, then consent is not the appropriate lawful basis\" "
    "(quoting the consent guidelines)")


class ContractDataOptions(Options):
    contract_uses: tuple[str, ...] = ("essential.service", "essential.service.authentication",
                                      "essential.service.payment_processing")
    """The data uses that a contract the user asked for needs, each matched exactly (not the keys
    under it: `essential.service.operations.improve` is not needed for the contract, LAW004):
    providing the service or the purchase, logging in to the account, paying. An empty list turns
    the rule off."""


@rule(
    "LAW010",
    "consent-for-contract-data",
    messages={
        "consent-for-contract": (
            "purpose `{purpose}` rests on consent, but its data use `{use}` is what the contract the user asked "
            "for needs: consent is not the appropriate basis there (GDPR Art. 6(1)(b))"
        ),
    },
    category="lawfulness",
    severity="warning",
    references=("GDPR Art. 6(1)(a), 6(1)(b), 7(3) (consent can be withdrawn at any time), 7(4)", _CONTRACT_NOT_CONSENT,
                "EDPB Guidelines 05/2020 on consent, version 1.1 (4 May 2020), para 31"),
    options=ContractDataOptions,
)
def consent_for_contract_data(ctx: Context) -> Iterator[Finding]:
    """Consent claimed for the data that a login, an account or a purchase needs.

    ## What it does
    Flags a `purpose` with `basis consent` whose every data use is one a contract needs (option
    `contract-uses`; by default providing the service asked for or the purchase,
    `essential.service`, logging in, `essential.service.authentication`, and paying,
    `essential.service.payment_processing`; each matched exactly). A purpose with another use beside them (analytics,
    marketing) is not flagged: consent may be right for that part, and the purpose should be split.
    A purpose under an Art. 9(2) condition or with special categories is not flagged either: the
    explicit consent Art. 9(2)(a) asks for is not the Art. 6 basis. Nor is a purpose about
    children: a guardian's "consent" to a child's membership or service is often the guardian
    agreeing to the contract itself (national law decides who may conclude it), which the notice
    does not tell apart.

    ## Why it matters
    The EDPB, quoting the consent guidelines, holds that where "a controller seeks to process
    personal data that are in fact necessary for the performance of a contract, then consent is
    not the appropriate lawful basis" (Guidelines 2/2019, para 19; Guidelines 05/2020, para 31).
    Consent can be withdrawn at any time (Art. 7(3)), and the controller cannot then go on with
    the processing on another basis (Guidelines 05/2020, paras 121-123): a login or a payment
    cannot stop when consent is withdrawn, so consent there is a choice the user does not really
    have. Contract (Art. 6(1)(b)) is the basis for what the service asked for needs.

    The guidelines are not binding, and which uses a contract needs depends on the service:
    that is why the rule is a warning and the list of uses is an option.

    ## Example
    ```privacy
    purpose login {
      use essential.service.authentication
      basis consent
    }
    ```

    ## Use instead
    ```privacy
    purpose login {
      use essential.service.authentication
      basis contract
    }
    ```

    ## Options
    - `contract-uses` (default `["essential.service", "essential.service.authentication",
      "essential.service.payment_processing"]`): the data uses a contract needs, each matched
      exactly. To hold only logins and payments to this reading:

    ```toml
    [tool.privacy-dsl.rules.LAW010]
    contract-uses = ["essential.service.authentication", "essential.service.payment_processing"]
    ```

    ## References
    GDPR Art. 6(1)(a)-(b), 7(3), 7(4); EDPB Guidelines 2/2019 para 19; EDPB Guidelines 05/2020 para 31.
    """
    opts: ContractDataOptions = ctx.options
    if not opts.contract_uses:
        return
    for purpose in ctx.policy.purposes.values():
        consent = _bases_of(purpose, BasisKind.CONSENT)
        if not consent or not purpose.uses or not all(use in opts.contract_uses for use in purpose.uses):
            continue
        if (purpose.special_condition is not None or any(c.special for c in ctx.categories_of(purpose))
                or ctx.involves_children(purpose)):
            continue
        yield Finding(basis_span(purpose, consent[0]),
                      {"purpose": purpose.id, "use": purpose.uses[0]},
                      hint="rest what the contract needs on `basis contract`; keep consent for what the user "
                           "may refuse")


# ---------------------------------------------------------------- LAW011


_INVALID_CONSENT_LAW = (
    "GDPR Art. 4(11) (consent: a statement or a clear affirmative action), 6(1)(a), 7(1), Recital 32 (silence, "
    "pre-ticked boxes or inactivity do not constitute consent)",
    "CJEU C-673/17 Planet49 (1 October 2019), paras 52-65 (a pre-ticked box, which the user must untick to refuse, "
    "is not valid consent)",
    "EDPB Guidelines 05/2020 on consent, version 1.1 (4 May 2020), section 3.4 (unambiguous indication of wishes), "
    "para 86 (scrolling, swiping or similar activity will not under any circumstances be a clear affirmative "
    "action)",
)


class InvalidConsentOptions(Options):
    count_browser_settings: bool = True
    """Count browser settings as a method that gives no valid consent (CON004 explains why that
    reading is the current one, and where national law said otherwise)."""


def _mechanisms_of(policy: m.Policy, purpose: m.Purpose) -> list[m.ConsentMechanism]:
    """The consent mechanisms a purpose is asked through: its own `consent`, else those its cookies
    name for it; each once."""
    refs = [purpose.consent] if purpose.consent is not None else [
        ref for cookie in policy.cookies if any(r.name == purpose.id for r in cookie.purposes)
        for ref in cookie.consents]
    found = (policy.consents.get(ref.name) for ref in refs)
    return list({mech.id: mech for mech in found if mech is not None}.values())


@rule(
    "LAW011",
    "invalid-consent-only-basis",
    messages={
        "invalid-consent": (
            "purpose `{purpose}` rests on consent alone, but consent mechanism `{consent}` collects it by "
            "{methods}, which gives no valid consent: the purpose has no valid legal basis (GDPR Art. 6(1))"
        ),
    },
    category="lawfulness",
    severity="error",
    references=(*_INVALID_CONSENT_LAW, "EDPB Guidelines 05/2020, paras 121-123 (no switch to another basis when "
                                       "consent fails)"),
    options=InvalidConsentOptions,
)
def invalid_consent_only_basis(ctx: Context) -> Iterator[Finding]:
    """A purpose whose only basis is consent that its mechanism cannot validly collect.

    ## What it does
    Flags a `purpose` whose only legal basis is `consent` when every consent mechanism it is
    asked through (its `consent`, else the `consent` of the cookies that serve it) collects
    consent by a method that gives no valid consent: opt-out, silence, pre-ticked boxes,
    continued browsing, implied consent, a banner that can only be acknowledged, "necessary only"
    counted as agreement, no request at all, and (option `count-browser-settings`) browser
    settings. A mechanism that combines methods is valid only if each one is. CON003 and CON004
    report the mechanism; this rule reports what follows for the purpose.

    ## Why it matters
    Consent is "a statement or ... a clear affirmative action" (Art. 4(11)); "silence, pre-ticked
    boxes or inactivity should not therefore constitute consent" (Recital 32). The Court held in
    Planet49 that a pre-ticked checkbox the user must untick does not give valid consent
    (C-673/17); the EDPB says the same of scrolling or continuing to browse (Guidelines 05/2020).
    A purpose that rests on such consent alone rests on nothing: Art. 6(1) requires a basis, and
    the controller cannot switch to another one when the consent turns out invalid (Guidelines
    05/2020, paras 121-123).

    ## Example
    ```privacy
    consent banner {
      method continued_browsing
    }
    purpose ads {
      use marketing.advertising.first_party.targeted
      basis consent
      consent banner
    }
    ```

    ## Use instead
    ```privacy
    consent banner {
      method opt_in
      reject_button
    }
    purpose ads {
      use marketing.advertising.first_party.targeted
      basis consent
      consent banner
    }
    ```

    ## Options
    - `count-browser-settings` (default `true`): count `browser_settings` as a method that gives
      no valid consent. The ePrivacy Directive's Recital 66 once allowed consent through browser
      settings "where technically possible and effective"; since Planet49 and the GDPR's
      definition, authorities read it as consent by inactivity (CON004). Set to false to leave
      such mechanisms to CON004 alone.

    ## References
    GDPR Art. 4(11), 6(1), 7(1), Recital 32; CJEU C-673/17 Planet49; EDPB Guidelines 05/2020.
    """
    opts: InvalidConsentOptions = ctx.options
    for purpose in ctx.policy.purposes.values():
        if not purpose.bases or any(b.basis is not BasisKind.CONSENT for b in purpose.bases):
            continue
        mechanisms = _mechanisms_of(ctx.policy, purpose)
        invalid = [(mech, bad) for mech in mechanisms
                   if (bad := [x for x in mech.invalid_methods
                               if opts.count_browser_settings or x is not m.ConsentMethod.BROWSER_SETTINGS])]
        if not mechanisms or len(invalid) < len(mechanisms):
            continue  # no mechanism known, or one of them can give consent
        mech, bad = invalid[0]
        methods = ", ".join(f"`{x.value}`" for x in dict.fromkeys(bad))
        yield Finding(basis_span(purpose, purpose.bases[0]),
                      {"purpose": purpose.id, "consent": mech.id, "methods": methods},
                      hint=f"ask for an active opt-in: write `method opt_in` in `consent {mech.id}`; until then "
                           "the purpose has no basis")


RULES = (
    missing_legal_basis,
    multiple_legal_bases,
    marketing_without_consent,
    contract_beyond_service,
    legitimate_interests_unexplained,
    legitimate_interests_on_children,
    public_authority_legitimate_interests,
    basis_without_legal_citation,
    catch_all_purpose,
    consent_for_contract_data,
    invalid_consent_only_basis,
)
