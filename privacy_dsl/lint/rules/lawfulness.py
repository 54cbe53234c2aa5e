"""Lawfulness: every purpose rests on one valid GDPR Art. 6(1) legal basis."""

from __future__ import annotations

from collections.abc import Iterator

from ...language import model as m
from ...language import taxonomy
from ...language.model import BasisKind
from .base import Context, Finding, Options, all_uses_under, first_use_under, rule, uses_under
from .identifiability import anonymous_purposes

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
    purpose other_processing {
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


@rule(
    "LAW007",
    "public-authority-legitimate-interests",
    messages={
        "public-authority": (
            "purpose `{purpose}` relies on legitimate interests, which a public authority cannot use "
            "for processing in the performance of its tasks"
        ),
    },
    category="lawfulness",
    severity="warning",
    references=(
        "GDPR Art. 6(1), second subparagraph",
        "GDPR Recital 47 (the legal basis for public authorities is for the legislator to provide by law)",
        "GDPR Art. 6(1)(e), Art. 6(3)",
    ),
)
def public_authority_legitimate_interests(ctx: Context) -> Iterator[Finding]:
    """A public authority relying on legitimate interests.

    ## What it does
    Flags every `basis legitimate_interests` when the controller is declared
    `public_authority`.

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
    None.

    ## References
    GDPR Art. 6(1) second subparagraph, 6(1)(e), 6(3), Recital 47.
    """
    controller = ctx.policy.controller
    if controller is None or not controller.public_authority:
        return
    for purpose in ctx.policy.purposes.values():
        for basis in _bases_of(purpose, BasisKind.LEGITIMATE_INTERESTS):
            yield Finding(basis_span(purpose, basis), {"purpose": purpose.id},
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


RULES = (
    missing_legal_basis,
    multiple_legal_bases,
    marketing_without_consent,
    contract_beyond_service,
    legitimate_interests_unexplained,
    legitimate_interests_on_children,
    public_authority_legitimate_interests,
    basis_without_legal_citation,
)
