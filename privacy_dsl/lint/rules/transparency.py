"""Transparency: what GDPR Art. 12-14 and 21-22 require a notice to tell the people it is about.

Rules about things a policy must *say*. A missing block (no controller, no rights) is reported at
the nearest block that stands for the notice as a whole (controller, then the `policy` block,
then the first line of the first file), so that the finding can be suppressed there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ...language import model as m
from ...language.model import BasisKind, Right
from .base import Context, Field, Finding, Options, first_use_under, rule, uses_under

# ---------------------------------------------------------------- helpers


def _file_start(policy: m.Policy) -> m.Span:
    path = policy.files[0] if policy.files else policy.root
    return m.Span(path=path, line=1, column=1, end_line=1, end_column=1)


def _notice_anchor(policy: m.Policy, *, controller: bool = True) -> m.Span:
    """Where to report something the notice as a whole lacks."""
    if controller and policy.controller is not None:
        return policy.controller.span
    if policy.info is not None:
        return policy.info.span
    return _file_start(policy)


def _names(purposes: list[m.Purpose], limit: int = 4) -> str:
    shown = ", ".join(f"`{p.id}`" for p in purposes[:limit])
    more = len(purposes) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def _tells(policy: m.Policy, right: Right) -> bool:
    """Whether the notice tells of ``right``: offered, or offered with a limit."""
    return policy.rights is not None and policy.rights.tells(right)


def _denied(policy: m.Policy, right: Right, purpose: m.Purpose) -> bool:
    """Whether the notice says ``right`` does not apply to ``purpose`` (TRN015 judges that)."""
    return policy.rights is not None and policy.rights.denial(right, purpose.id) is not None


def denied_everywhere(policy: m.Policy, right: Right) -> bool:
    """Whether the notice denies ``right`` for the whole notice (or for every one of its purposes)."""
    rights = policy.rights
    if rights is None:
        return False
    if rights.denial(right) is not None:
        return True
    return bool(policy.purposes) and all(rights.denial(right, p) is not None for p in policy.purposes)


def notice_bases(policy: m.Policy) -> tuple[BasisKind, ...]:
    """The bases the notice lists for the whole notice (``policy { bases ... }``), when some purpose
    states none of its own: then any of those purposes may rest on any of them."""
    info = policy.info
    if info is None or not info.bases or all(p.bases for p in policy.purposes.values()):
        return ()
    return tuple(dict.fromkeys(b.basis for b in info.bases))


def _has_basis(purpose: m.Purpose, *kinds: BasisKind) -> bool:
    return any(b.basis in kinds for b in purpose.bases)


def _explicit_consent(purpose: m.Purpose) -> bool:
    clause = purpose.special_condition
    return clause is not None and clause.condition is m.SpecialCondition.EXPLICIT_CONSENT


def _missing_right(ctx: Context, right: Right, needing: list[m.Purpose], hint: str,
                   listed: Iterable[BasisKind] = ()) -> Iterator[Finding]:
    """One finding for a right the notice does not offer although ``needing`` purposes require it:
    the rule's message ``one`` (one purpose needs it) or ``many``; or, when no purpose does but the
    notice lists one of the bases ``listed`` for the whole notice (``notice_bases``), ``notice``.

    A purpose for which the notice denies the right does not need it here: the denial is its own
    finding (TRN015). Reported at the rights block's `offered` statement (where the fix goes), or,
    when the policy has no rights block, at the first purpose that needs the right (the notice's
    `bases` statement for ``notice``).
    """
    policy = ctx.policy
    if _tells(policy, right):
        return
    needing = [p for p in needing if not _denied(policy, right, p)]
    rights = policy.rights
    if needing:
        if rights is not None:
            span = rights.span_of("offered")
        else:
            first = needing[0]
            span = first.span_of("bases") if first.has("bases") else first.span
        yield Finding(span, {"right": right.value, "purposes": _names(needing)},
                      "one" if len(needing) == 1 else "many", hint=hint)
        return
    kinds = [k for k in notice_bases(policy) if k in tuple(listed)]
    if kinds and policy.info is not None and not denied_everywhere(policy, right):
        span = rights.span_of("offered") if rights is not None else policy.info.span_of("bases")
        yield Finding(span, {"right": right.value, "bases": ", ".join(f"`{k.value}`" for k in kinds)}, "notice",
                      hint=hint)


# ---------------------------------------------------------------- TRN001


class IdentityOptions(Options):
    require_address_or_registration: bool = True
    """Also flag a controller that gives neither a postal address nor a registration number."""


@rule(
    "TRN001",
    "controller-identity-missing",
    messages={
        "no-controller": "the policy does not declare its controller",
        "no-address": "controller `{controller}` gives neither a postal address nor a registration number",
    },
    omits={"no-controller": "controller", "no-address": "controller"},
    category="transparency",
    severity="error",
    references=(
        "GDPR Art. 13(1)(a), Art. 14(1)(a)",
        "Article 29 Working Party, Guidelines on transparency (WP260 rev.01, endorsed by the EDPB), Annex",
        "Directive 2000/31/EC (e-Commerce) Art. 5(1)(a), (b) and (d)",
        "Norway: ehandelsloven § 8 (citation not verified)",
    ),
    options=IdentityOptions,
)
def controller_identity_missing(ctx: Context) -> Iterator[Finding]:
    """The notice does not say who the controller is, or names it without anything that identifies it.

    ## What it does
    Flags a policy with no `controller` block, and (by default) a controller that gives neither an
    `address` nor a `registration` number, so that nothing but a trade name identifies the legal
    entity responsible.

    ## Why it matters
    GDPR Art. 13(1)(a) and 14(1)(a) require "the identity and the contact details of the
    controller". The transparency guidelines (WP260 rev.01, Annex) say this information "should
    allow for easy identification of the controller". A name alone rarely does: trade names are
    shared, and a person who wants to complain or sue needs the legal entity. For any website or
    online service of a company, the e-Commerce Directive Art. 5(1) independently requires the
    name, the geographic address and, where the provider is registered, the trade-register number
    (in Norway ehandelsloven § 8, citation not verified).

    The GDPR itself does not list the postal address or the registration number: the second check
    rests on the guidelines and the e-Commerce Directive, and can be switched off.

    ## Example
    ```privacy
    controller "Cifero AS" {
      email "personvern@cifero.example"
    }
    ```

    ## Use instead
    ```privacy
    controller "Cifero AS" {
      registration "NO 999 888 777"
      address "Storgata 1, 0155 Oslo"
      email "personvern@cifero.example"
    }
    ```

    ## Options
    - `require-address-or-registration` (default `true`): also flag a controller with neither an
      `address` nor a `registration`. Set to false to check only that a controller is declared.

    ## References
    GDPR Art. 13(1)(a), 14(1)(a); WP260 rev.01 Annex; e-Commerce Directive 2000/31/EC Art. 5(1);
    ehandelsloven § 8 (citation not verified).
    """
    opts: IdentityOptions = ctx.options
    controller = ctx.policy.controller
    if controller is None:
        yield Finding(_notice_anchor(ctx.policy), {}, "no-controller",
                      hint='add `controller "<legal name>" { address "..." registration "..." email "..." }`')
        return
    if opts.require_address_or_registration and not controller.address and not controller.registration:
        yield Finding(controller.span, {"controller": controller.name}, "no-address",
                      hint="add `address \"<street, postcode, town>\"` and/or `registration \"<organisation number>\"`")


# ---------------------------------------------------------------- TRN002


class ContactOptions(Options):
    accept_website: bool = False
    """Count a `website` (e.g. one with a contact form) as a way to contact the controller."""
    accept_privacy_contact: bool = True
    """Count the e-mail, phone or address of the controller's `privacy_contact` as its contact details."""


@rule(
    "TRN002",
    "controller-contact-missing",
    messages={
        "no-contact": "controller `{controller}` gives no e-mail, phone or postal address",
    },
    omits={"no-contact": "controller"},
    category="transparency",
    severity="error",
    references=(
        "GDPR Art. 13(1)(a), Art. 14(1)(a), Art. 12(2)",
        "Article 29 Working Party, Guidelines on transparency (WP260 rev.01), Annex",
    ),
    options=ContactOptions,
)
def controller_contact_missing(ctx: Context) -> Iterator[Finding]:
    """The controller gives no way to contact it: no e-mail, phone or postal address.

    ## What it does
    Flags a `controller` block with none of `email`, `phone` and `address`, and no
    `privacy_contact` that gives one of them. (A policy with no controller at all is reported by
    TRN001.)

    ## Why it matters
    GDPR Art. 13(1)(a) requires "the contact details of the controller". The transparency
    guidelines (WP260 rev.01, Annex) say they should preferably allow different forms of
    communication, e.g. phone number, e-mail and postal address. Without them the data subject
    cannot exercise any right (Art. 12(2)). A privacy contact at the controller (a
    "personvernansvarlig", a data privacy manager) who can be written to or called is a way to
    contact the controller about its processing, so by default it counts; a DPO does not (the
    DPO's contact details are a separate item, Art. 13(1)(b)).

    ## Example
    ```privacy
    controller "Cifero AS" {
      registration "NO 999 888 777"
      website "https://cifero.example"
    }
    ```

    ## Use instead
    ```privacy
    controller "Cifero AS" {
      registration "NO 999 888 777"
      email "personvern@cifero.example"
    }
    ```

    ## Options
    - `accept-website` (default `false`): count a `website` as contact details, for controllers
      that are reached only through a contact form on their site.
    - `accept-privacy-contact` (default `true`): count the `email`, `phone` or `address` of the
      controller's `privacy_contact` as its contact details. Set to false to require the
      controller's own.

    ## References
    GDPR Art. 12(2), 13(1)(a), 14(1)(a); WP260 rev.01 Annex.
    """
    opts: ContactOptions = ctx.options
    controller = ctx.policy.controller
    if controller is None:
        return
    if controller.email or controller.phone or controller.address:
        return
    contact = controller.privacy_contact
    if opts.accept_privacy_contact and contact is not None and (contact.email or contact.phone or contact.address):
        return
    if opts.accept_website and controller.website:
        return
    yield Finding(controller.span, {"controller": controller.name},
                  hint='add `email "privacy@..."` (and ideally `phone` and `address`)')


# ---------------------------------------------------------------- TRN003


class DpoOptions(Options):
    public_authority_needs_dpo: bool = True
    """Flag a controller declared `public_authority` that has no DPO with contact details."""


@rule(
    "TRN003",
    "dpo-contact-missing",
    messages={
        "dpo-unreachable": "the notice gives no e-mail, phone or postal address for the data protection officer",
        "authority-without-dpo": (
            "controller `{controller}` is a public authority but names no data protection officer with "
            "contact details"
        ),
    },
    omits={"dpo-unreachable": "dpo", "authority-without-dpo": "dpo"},
    category="transparency",
    severity="error",
    references=(
        "GDPR Art. 13(1)(b), Art. 14(1)(b), Art. 37(1)(a), Art. 37(7)",
        "Article 29 Working Party, Guidelines on Data Protection Officers (WP243 rev.01), section 2.6",
    ),
    options=DpoOptions,
)
def dpo_contact_missing(ctx: Context) -> Iterator[Finding]:
    """A data protection officer is designated (or must be) but the notice gives no way to reach them.

    ## What it does
    Flags a `dpo` block with `required yes` (or a DPO `name` and no `required no`) that has no
    `email`, `phone` or `address`. By default it also flags a controller declared
    `public_authority` that has no such DPO, since public authorities must designate one. A
    `privacy_contact` is not a DPO and never counts as one.

    ## Why it matters
    Where a DPO is designated, the controller must publish the DPO's contact details (Art. 37(7))
    and give them in the notice (Art. 13(1)(b), 14(1)(b)). The guidelines on DPOs (WP243 rev.01,
    section 2.6) say the contact details must let data subjects reach the DPO in an easy way (a
    postal address, a dedicated telephone number and/or a dedicated e-mail address) and
    confidentially; they need not include the DPO's name. A DPO designated voluntarily is subject
    to the same requirements. Someone who answers privacy questions without being designated
    under Art. 37 (a "personvernansvarlig", a data privacy manager) does not have the DPO's
    tasks and independence (Art. 38-39), so their contact details do not stand in for a DPO's.
    Art. 37(1)(a) requires every public authority or body, except courts acting in their judicial
    capacity, to designate a DPO.

    ## Example
    ```privacy
    controller "Kommune X" {
      email "post@kommune.example"
      dpo {
        required yes
        name "Kari Nordmann"
      }
    }
    ```

    ## Use instead
    ```privacy
    controller "Kommune X" {
      email "post@kommune.example"
      dpo {
        required yes
        email "personvernombud@kommune.example"
      }
    }
    ```

    ## Options
    - `public-authority-needs-dpo` (default `true`): flag a controller with `public_authority`
      that declares no DPO with contact details (Art. 37(1)(a)). Set to false for a court acting
      in its judicial capacity, which is exempt.

    ## References
    GDPR Art. 13(1)(b), 14(1)(b), 37(1)(a), 37(7); WP243 rev.01 section 2.6.
    """
    opts: DpoOptions = ctx.options
    controller = ctx.policy.controller
    if controller is None:
        return
    dpo = controller.dpo  # never the privacy_contact: someone not designated under Art. 37 is no DPO
    reachable = dpo is not None and bool(dpo.email or dpo.phone or dpo.address)
    designated = dpo is not None and (dpo.required is True or (dpo.required is None and dpo.name is not None))
    if designated and not reachable:
        yield Finding(controller.span_of("dpo"), {}, "dpo-unreachable",
                      hint='add `email "dpo@..."` (or `phone`, or `address`) inside the `dpo` block')
    elif opts.public_authority_needs_dpo and controller.public_authority and not reachable:
        where = controller.span_of("dpo") if dpo is not None else controller.span_of("public_authority")
        yield Finding(where, {"controller": controller.name}, "authority-without-dpo",
                      hint='add `dpo { required yes email "..." }`; public authorities must designate one')


# ---------------------------------------------------------------- TRN004

_CORE_RIGHTS = (Right.ACCESS, Right.RECTIFICATION, Right.ERASURE, Right.RESTRICTION)


@rule(
    "TRN004",
    "rights-missing",
    messages={
        "no-rights-block": (
            "the policy has no `rights` block: it does not tell people their rights of access, "
            "rectification, erasure and restriction"
        ),
        "missing-rights": "the rights block does not offer {rights}",
    },
    omits={"no-rights-block": "rights", "missing-rights": "rights"},
    category="transparency",
    severity="error",
    references=(
        "GDPR Art. 13(2)(b), Art. 14(2)(c), Art. 15-18",
        "Article 29 Working Party, Guidelines on transparency (WP260 rev.01), Annex",
    ),
)
def rights_missing(ctx: Context) -> Iterator[Finding]:
    """The notice does not tell people of their rights of access, rectification, erasure and restriction.

    ## What it does
    Flags a policy with no `rights` block, or a `rights` block that does not offer (in `offered`,
    or with a limit in `limited`) any of `access`, `rectification`, `erasure` and `restriction`.
    The rights that depend on the legal basis (objection, portability, withdrawal of consent,
    objection to direct marketing) are checked by TRN005, TRN006, TRN010 and TRN007. A right the
    notice denies (`denied`) for the whole notice is not reported as missing: the denial is its
    own finding (TRN015).

    ## Why it matters
    Art. 13(2)(b) and 14(2)(c) require the notice to state "the existence of the right to request
    from the controller access to and rectification or erasure of personal data or restriction of
    processing". These rights (Art. 15-18) apply whatever the legal basis; their exercise has
    limits (e.g. Art. 17(3)) but their existence must be stated.

    ## Example
    ```privacy
    rights {
      offered access, erasure
    }
    ```

    ## Use instead
    ```privacy
    rights {
      offered access, rectification, erasure, restriction
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 13(2)(b), 14(2)(c), 15, 16, 17, 18; WP260 rev.01 Annex.
    """
    rights = ctx.policy.rights
    if rights is None:
        yield Finding(_notice_anchor(ctx.policy), {}, "no-rights-block",
                      hint="add `rights { offered access, rectification, erasure, restriction ... complaints <id> }`")
        return
    missing = [r.value for r in _CORE_RIGHTS if not rights.tells(r) and not denied_everywhere(ctx.policy, r)]
    if missing:
        yield Finding(rights.span_of("offered"), {"rights": ", ".join(missing)}, "missing-rights",
                      hint=f"add {', '.join(missing)} to `offered`")


# ---------------------------------------------------------------- TRN005


@rule(
    "TRN005",
    "objection-right-missing",
    messages={
        "one": (
            "`{right}` is not offered, but purpose {purposes} rests on legitimate interests or a "
            "public task (Art. 21(1))"
        ),
        "many": (
            "`{right}` is not offered, but purposes {purposes} rest on legitimate interests or a "
            "public task (Art. 21(1))"
        ),
        "notice": "`{right}` is not offered, but the notice lists {bases} among its legal bases (Art. 21(1))",
    },
    omits={"one": "rights", "many": "rights"},
    category="transparency",
    severity="error",
    references=(
        "GDPR Art. 21(1), Art. 21(4), Art. 13(2)(b), Art. 14(2)(c)",
    ),
)
def objection_right_missing(ctx: Context) -> Iterator[Finding]:
    """A purpose rests on legitimate interests or a public task, but the right to object is not offered.

    ## What it does
    Flags the rights block (or, without one, the first such purpose) when some purpose has the
    basis `legitimate_interests` or `public_task` and `objection` is not in `offered` (nor in
    `limited`). When a purpose states no basis and the notice lists one of those two among the
    bases of the whole notice (`policy { bases ... }`), it is flagged too (message `notice`). A
    purpose for which the notice denies the right is left to TRN015.

    ## Why it matters
    Under Art. 21(1) the data subject may object at any time to processing based on Art. 6(1)(e)
    or (f), including profiling based on them; the controller must then stop unless it shows
    compelling legitimate grounds. Art. 21(4) requires this right to be "explicitly brought to the
    attention of the data subject" at the latest at the first communication, "presented clearly
    and separately from any other information". Art. 13(2)(b) lists it among the information to
    give.

    ## Example
    ```privacy
    purpose fraud_prevention {
      use essential.fraud_detection
      basis legitimate_interests
    }
    rights {
      offered access, rectification, erasure, restriction
    }
    ```

    ## Use instead
    ```privacy
    purpose fraud_prevention {
      use essential.fraud_detection
      basis legitimate_interests
    }
    rights {
      offered access, rectification, erasure, restriction, objection
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 13(2)(b), 14(2)(c), 21(1), 21(4).
    """
    needing = [p for p in ctx.policy.purposes.values()
               if _has_basis(p, BasisKind.LEGITIMATE_INTERESTS, BasisKind.PUBLIC_TASK)]
    yield from _missing_right(ctx, Right.OBJECTION, needing,
                              hint="add `objection` to `offered` in the rights block",
                              listed=(BasisKind.LEGITIMATE_INTERESTS, BasisKind.PUBLIC_TASK))


# ---------------------------------------------------------------- TRN006


@rule(
    "TRN006",
    "portability-right-missing",
    messages={
        "one": "`{right}` is not offered, but purpose {purposes} rests on consent or contract (Art. 20(1))",
        "many": "`{right}` is not offered, but purposes {purposes} rest on consent or contract (Art. 20(1))",
        "notice": "`{right}` is not offered, but the notice lists {bases} among its legal bases (Art. 20(1))",
    },
    omits={"one": "rights", "many": "rights"},
    category="transparency",
    severity="error",
    references=(
        "GDPR Art. 20(1), Art. 13(2)(b), Art. 14(2)(c)",
        "Article 29 Working Party, Guidelines on the right to data portability (WP242 rev.01)",
    ),
)
def portability_right_missing(ctx: Context) -> Iterator[Finding]:
    """A purpose rests on consent or contract, but the right to data portability is not offered.

    ## What it does
    Flags the rights block (or, without one, the first such purpose) when some purpose has the
    basis `consent` or `contract`, or the Art. 9(2) condition `explicit_consent`, and
    `portability` is not in `offered` (nor in `limited`); or when a purpose states no basis and
    the notice lists consent or contract among the bases of the whole notice (message `notice`).
    A purpose for which the notice denies the right is left to TRN015.

    ## Why it matters
    Art. 20(1) gives the right to receive one's data in a structured, commonly used and
    machine-readable format, and to have it transmitted to another controller, where processing
    is based on consent (Art. 6(1)(a) or 9(2)(a)) or on a contract (Art. 6(1)(b)) and is carried
    out by automated means. Art. 13(2)(b) requires the notice to state it. The right does not
    apply to processing on other bases, nor to processing on paper only; a policy with such
    purposes only can suppress the finding with a reason.

    ## Example
    ```privacy
    purpose orders {
      use essential.service
      basis contract
    }
    rights {
      offered access, rectification, erasure, restriction
    }
    ```

    ## Use instead
    ```privacy
    purpose orders {
      use essential.service
      basis contract
    }
    rights {
      offered access, rectification, erasure, restriction, portability
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 13(2)(b), 14(2)(c), 20(1); WP242 rev.01.
    """
    needing = [p for p in ctx.policy.purposes.values()
               if _has_basis(p, BasisKind.CONSENT, BasisKind.CONTRACT) or _explicit_consent(p)]
    yield from _missing_right(ctx, Right.PORTABILITY, needing,
                              hint="add `portability` to `offered` in the rights block",
                              listed=(BasisKind.CONSENT, BasisKind.CONTRACT))


# ---------------------------------------------------------------- TRN007

#: Data uses that are direct marketing to an identified person by any reading.
_DIRECT_MARKETING = ("marketing.communications",)
#: Targeted advertising and ad profiling: "profiling to the extent that it is related to such
#: direct marketing" (Art. 21(2)) on most readings; configurable.
_TARGETED_ADS = (
    "marketing.advertising.first_party.targeted",
    "marketing.advertising.third_party",
    "marketing.advertising.profiling",
)


class DirectMarketingOptions(Options):
    include_targeted_advertising: bool = True
    """Treat targeted advertising and ad profiling as direct marketing."""
    accept_withdrawal_for_consent: bool = False
    """Accept `withdraw_consent` instead of `object_direct_marketing` for marketing on consent."""


def _is_direct_marketing(purpose: m.Purpose, opts: DirectMarketingOptions) -> bool:
    if "marketing" in purpose.uses or uses_under(purpose, *_DIRECT_MARKETING):
        return True
    return opts.include_targeted_advertising and uses_under(purpose, *_TARGETED_ADS)


@rule(
    "TRN007",
    "direct-marketing-objection-missing",
    messages={
        "one": "`{right}` is not offered, but purpose {purposes} is direct marketing (Art. 21(2)-(3))",
        "many": "`{right}` is not offered, but purposes {purposes} are direct marketing (Art. 21(2)-(3))",
    },
    omits={"one": "rights", "many": "rights"},
    category="transparency",
    severity="error",
    references=(
        "GDPR Art. 21(2), 21(3), 21(4), Recital 70",
        "Norway: markedsføringsloven § 15 (consent for e-mail and SMS marketing; citation not verified "
        "for the right to refuse further messages)",
    ),
    options=DirectMarketingOptions,
)
def direct_marketing_objection_missing(ctx: Context) -> Iterator[Finding]:
    """A purpose is direct marketing, but the unconditional right to object to it is not offered.

    ## What it does
    Flags the rights block (or, without one, the first such purpose) when some purpose's data use
    is direct marketing and `object_direct_marketing` is not in `offered`. Direct marketing means
    the data use `marketing` or anything under `marketing.communications`, and by default also
    targeted advertising and ad profiling (`marketing.advertising.*.targeted`,
    `marketing.advertising.profiling`). A general `objection` does not count.

    ## Why it matters
    Art. 21(2) gives the data subject the right to object *at any time* to processing for direct
    marketing, including related profiling; Art. 21(3) makes it absolute: the data must then no
    longer be processed for that purpose. Art. 21(4) requires the right to be "explicitly brought
    to the attention of the data subject and ... presented clearly and separately from any other
    information" — a general right to object (Art. 21(1)), which the controller may override with
    compelling grounds, is not the same right and does not satisfy this.

    Two points are unsettled and are options: whether targeted online advertising is "direct
    marketing" (most authorities treat behavioural advertising as such; the CJEU has not decided
    it in general), and whether the right must be stated separately when the marketing rests on
    consent, which can be withdrawn anyway (Art. 21(2) is not limited to any legal basis, so it is
    required by default).

    ## Example
    ```privacy
    purpose newsletter {
      use marketing.communications.email
      basis consent
    }
    rights {
      offered access, rectification, erasure, restriction, objection, withdraw_consent
    }
    ```

    ## Use instead
    ```privacy
    purpose newsletter {
      use marketing.communications.email
      basis consent
    }
    rights {
      offered access, rectification, erasure, restriction, objection, withdraw_consent,
        object_direct_marketing
    }
    ```

    ## Options
    - `include-targeted-advertising` (default `true`): treat targeted advertising and ad profiling
      as direct marketing.
    - `accept-withdrawal-for-consent` (default `false`): when every direct-marketing purpose rests
      on consent, accept `withdraw_consent` in place of `object_direct_marketing`.

    ## References
    GDPR Art. 21(2)-(4), Recital 70; markedsføringsloven § 15 (Norway).
    """
    opts: DirectMarketingOptions = ctx.options
    needing = [p for p in ctx.policy.purposes.values() if _is_direct_marketing(p, opts)]
    if (opts.accept_withdrawal_for_consent and _tells(ctx.policy, Right.WITHDRAW_CONSENT)
            and all(_has_basis(p, BasisKind.CONSENT) for p in needing)):
        return
    yield from _missing_right(
        ctx, Right.OBJECT_DIRECT_MARKETING, needing,
        hint="add `object_direct_marketing` to `offered`, and present it separately from other information")


# ---------------------------------------------------------------- TRN008


@rule(
    "TRN008",
    "complaint-authority-missing",
    messages={
        "no-rights-block": "the policy does not tell people they may complain to a supervisory authority",
        "no-authority": "the rights block names no supervisory authority for complaints",
    },
    omits={"no-rights-block": "complaints", "no-authority": "complaints"},
    category="transparency",
    severity="error",
    references=(
        "GDPR Art. 13(2)(d), Art. 14(2)(e), Art. 77(1)",
    ),
)
def complaint_authority_missing(ctx: Context) -> Iterator[Finding]:
    """The notice does not tell people they may complain to a supervisory authority.

    ## What it does
    Flags a policy whose `rights` block has no `complaints <authority>` statement, or that has no
    `rights` block at all. (`offered complaint` tells of the right but names no authority, so it is
    still flagged; a notice that denies the right, `denied complaint`, is left to TRN015.)

    ## Why it matters
    Art. 13(2)(d) and 14(2)(e) require the notice to state "the right to lodge a complaint with a
    supervisory authority". Under Art. 77(1) a data subject may complain in the Member State of
    habitual residence, place of work or place of the alleged infringement; naming the lead or
    local authority with its contact details is the usual practice (WP260 rev.01 Annex).

    ## Example
    ```privacy
    rights {
      offered access, rectification, erasure, restriction
    }
    ```

    ## Use instead
    ```privacy
    authority datatilsynet {
      name "Datatilsynet"
      country NO
      website "https://www.datatilsynet.no"
    }
    rights {
      offered access, rectification, erasure, restriction
      complaints datatilsynet
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 13(2)(d), 14(2)(e), 77(1); WP260 rev.01 Annex.
    """
    rights = ctx.policy.rights
    if rights is None:
        yield Finding(_notice_anchor(ctx.policy), {}, "no-rights-block",
                      hint="declare `authority <id> { ... }` and add `complaints <id>` to a `rights` block")
    elif rights.complaints is None and not denied_everywhere(ctx.policy, Right.COMPLAINT):
        yield Finding(rights.span, {}, "no-authority",
                      hint="add `complaints <authority id>` to the rights block")


# ---------------------------------------------------------------- TRN009

_NEEDS_SAFEGUARDS = (m.AutomatedException.CONTRACT, m.AutomatedException.EXPLICIT_CONSENT)


@rule(
    "TRN009",
    "automated-decision-without-safeguards",
    messages={
        "incomplete": "purpose `{purpose}` makes solely automated decisions but does not state {missing}",
    },
    omits={"incomplete": "automated_decisions"},
    category="transparency",
    severity="error",
    references=(
        "GDPR Art. 22(1)-(3), Art. 13(2)(f), Art. 14(2)(g), Recital 71",
        "Article 29 Working Party, Guidelines on automated individual decision-making and profiling "
        "(WP251 rev.01)",
        "CJEU C-634/21 SCHUFA Holding (Scoring), 7 December 2023",
    ),
)
def automated_decision_without_safeguards(ctx: Context) -> Iterator[Finding]:
    """Solely automated decisions without the Art. 22(2) exception, the safeguards, or the logic.

    ## What it does
    Flags a purpose with `automated_decisions` (not `automated_decisions no`) whose block lacks:
    the `exception` that permits it (`contract`, `law` or `explicit_consent`); the `logic`
    involved; or, for the `contract` and `explicit_consent` exceptions, the `safeguards`.

    ## Why it matters
    Art. 22(1) prohibits decisions based solely on automated processing, including profiling,
    that produce legal or similarly significant effects, unless one of the exceptions of
    Art. 22(2) applies. Under the contract and explicit-consent exceptions the controller must
    implement safeguards, "at least the right to obtain human intervention ..., to express his
    or her point of view and to contest the decision" (Art. 22(3)); under the law exception the
    law itself lays them down (Art. 22(2)(b)). Art. 13(2)(f) and 14(2)(g) require "meaningful
    information about the logic involved, as well as the significance and the envisaged
    consequences". The CJEU read Art. 22 broadly in C-634/21 SCHUFA: a credit score that a third
    party draws strongly on is itself such a decision.

    ## Example
    ```privacy
    purpose credit_check {
      use essential.service
      basis contract
      automated_decisions {
        exception contract
      }
    }
    ```

    ## Use instead
    ```privacy
    purpose credit_check {
      use essential.service
      basis contract
      automated_decisions {
        exception contract
        logic "Payment history and income decide the credit limit; no special categories are used."
        safeguards "You can ask a case handler to review the decision and contest it."
      }
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 13(2)(f), 14(2)(g), 22(1)-(3), Recital 71; WP251 rev.01; CJEU C-634/21 SCHUFA.
    """
    for purpose in ctx.policy.purposes.values():
        decisions = purpose.automated_decisions
        if decisions is None or not decisions.present:
            continue
        missing, statements = [], []
        if decisions.exception is None:
            missing.append("the Art. 22(2) `exception`")
            statements.append("`exception contract`")
        if decisions.logic is None:
            missing.append("the `logic` involved (Art. 13(2)(f))")
            statements.append('`logic "<what the decision rests on>"`')
        if decisions.exception in _NEEDS_SAFEGUARDS and decisions.safeguards is None:
            missing.append("the `safeguards` (Art. 22(3))")
            statements.append('`safeguards "<how to contest it and reach a person>"`')
        if missing:
            yield Finding(purpose.span_of("automated_decisions"),
                          {"purpose": purpose.id, "missing": _either(missing)},
                          hint=f"add {' and '.join(statements)} in `automated_decisions`"
                               + (" (or the exception that applies: `law`, `explicit_consent`)"
                                  if decisions.exception is None else ""))


def _either(items: list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


# ---------------------------------------------------------------- TRN010


class WithdrawalOptions(Options):
    accept_withdraw_text: bool = False
    """Accept a `withdraw` text (or `withdraw_via` route) on every consent mechanism used as telling
    of the right."""


@rule(
    "TRN010",
    "withdrawal-right-missing",
    messages={
        "one": "`{right}` is not offered, but purpose {purposes} rests on consent (Art. 13(2)(c))",
        "many": "`{right}` is not offered, but purposes {purposes} rest on consent (Art. 13(2)(c))",
        "notice": "`{right}` is not offered, but the notice lists {bases} among its legal bases (Art. 13(2)(c))",
    },
    omits={"one": "rights", "many": "rights"},
    category="transparency",
    severity="error",
    references=(
        "GDPR Art. 7(3), Art. 13(2)(c), Art. 14(2)(d)",
        "EDPB Guidelines 05/2020 on consent, section 5.2 (withdrawal of consent)",
    ),
    options=WithdrawalOptions,
)
def withdrawal_right_missing(ctx: Context) -> Iterator[Finding]:
    """A purpose rests on consent, but the right to withdraw consent at any time is not offered.

    ## What it does
    Flags the rights block (or, without one, the first such purpose) when some purpose has the
    basis `consent` or the Art. 9(2) condition `explicit_consent`, and `withdraw_consent` is not
    in `offered` (nor in `limited`); or when a purpose states no basis and the notice lists consent
    among the bases of the whole notice (message `notice`). A purpose for which the notice denies
    the right is left to TRN015 (the right cannot be denied).

    ## Why it matters
    Art. 13(2)(c) and 14(2)(d) require the notice to state, where processing is based on consent,
    "the existence of the right to withdraw consent at any time, without affecting the lawfulness
    of processing based on consent before its withdrawal". Art. 7(3) requires the data subject to
    be informed of it before giving consent. Asking people to request deletion is not the same:
    it is a different right (Art. 17) with exceptions.

    ## Example
    ```privacy
    purpose newsletter {
      use marketing.communications.email
      basis consent
    }
    rights {
      offered access, rectification, erasure, restriction
    }
    ```

    ## Use instead
    ```privacy
    purpose newsletter {
      use marketing.communications.email
      basis consent
    }
    rights {
      offered access, rectification, erasure, restriction, withdraw_consent
    }
    ```

    ## Options
    - `accept-withdraw-text` (default `false`): accept, instead of `withdraw_consent` in the rights
      block, a `withdraw` text or `withdraw_via` route on the consent mechanism of every consent
      purpose. Whether telling people *how* to withdraw also tells them of the *right* to
      withdraw at any time is a judgment call; by default the right must be stated.

    ## References
    GDPR Art. 7(3), 13(2)(c), 14(2)(d); EDPB Guidelines 05/2020 section 5.2.
    """
    opts: WithdrawalOptions = ctx.options
    needing = [p for p in ctx.policy.purposes.values() if _has_basis(p, BasisKind.CONSENT) or _explicit_consent(p)]
    if opts.accept_withdraw_text:
        consents = ctx.policy.consents

        def told(p: m.Purpose) -> bool:
            mechanism = consents.get(p.consent.name) if p.consent is not None else None
            return mechanism is not None and (mechanism.withdraw is not None or bool(mechanism.withdraw_via))

        needing = [p for p in needing if not told(p)]
    yield from _missing_right(ctx, Right.WITHDRAW_CONSENT, needing,
                              hint="add `withdraw_consent` to `offered` in the rights block",
                              listed=(BasisKind.CONSENT,))


# ---------------------------------------------------------------- TRN011


@rule(
    "TRN011",
    "rights-how-missing",
    messages={
        "no-how": "the rights block does not say how to exercise the rights",
    },
    omits={"no-how": "rights"},
    category="transparency",
    severity="warning",
    references=(
        "GDPR Art. 12(1), Art. 12(2), Recital 59",
        "Article 29 Working Party, Guidelines on transparency (WP260 rev.01), Annex",
    ),
)
def rights_how_missing(ctx: Context) -> Iterator[Finding]:
    """The rights block lists rights but not how to exercise them.

    ## What it does
    Flags a `rights` block with no `how` statement.

    ## Why it matters
    The controller "shall facilitate the exercise of data subject rights" (Art. 12(2)); Recital 59
    asks for "modalities ... to facilitate the exercise", including means for requests to be made
    electronically. The transparency guidelines (WP260 rev.01, Annex) say the notice should
    summarise what each right involves and how to take steps to exercise it. A list of rights
    without the way to use them leaves the reader to guess. The law does not prescribe where this
    is said, so this is a warning: a general contact address elsewhere in the notice may be enough
    for a reviewer.

    ## Example
    ```privacy
    rights {
      offered access, rectification, erasure, restriction
    }
    ```

    ## Use instead
    ```privacy
    rights {
      offered access, rectification, erasure, restriction
      how "E-mail personvern@example.no. We answer within one month."
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 12(1)-(2), Recital 59; WP260 rev.01 Annex.
    """
    rights = ctx.policy.rights
    if rights is not None and rights.how is None:
        yield Finding(rights.span, {},
                      hint='add `how "<where to send a request, and when we answer>"`')


# ---------------------------------------------------------------- TRN012

#: Text fields that hold names: untagged text there is taken as a proper name, valid in any language.
_NAME_FIELDS = frozenset({"name"})

#: A Text field whose statement has another keyword (``receives pseudonymous "..."``).
_KEYWORDS = {"receives_how": "receives"}

#: Block attribute -> its Text fields.
_TEXT_FIELDS: dict[type[m.Node], tuple[str, ...]] = {
    m.PolicyInfo: ("description", "security"),
    m.HistoryEntry: ("text",),
    m.Referral: ("name",),
    m.Controller: ("description",),
    m.PrivacyContact: ("title",),
    m.Authority: ("name",),
    m.Subject: ("name", "description"),
    m.Category: ("name", "description", "source"),
    m.Purpose: ("name", "description", "source", "security"),
    m.LegalBasis: ("interest",),
    m.Retention: ("criteria",),
    m.AutomatedDecisions: ("safeguards", "logic"),
    m.Recipient: ("name", "description", "receives_how", "only_when"),
    m.Transfer: ("description", "certification"),
    m.ConsentMechanism: ("withdraw", "description"),
    m.Cookie: ("description",),
    m.Rights: ("how",),
    m.RightRestriction: ("reason",),
    # not in the notice, but in the record of processing (`export --format ropa`), in each language
    m.Processing: ("name", "description", "security"),
}


class TranslationOptions(Options):
    check_untagged: bool = True
    """With two or more languages declared, flag untagged prose (not names)."""


def _nodes(policy: m.Policy) -> Iterator[m.Node]:
    if policy.info is not None:
        yield policy.info
        yield from policy.info.bases
        yield from policy.info.history
        yield from policy.info.refers_to
    for controller in policy.controllers:
        yield controller
        if controller.privacy_contact is not None:
            yield controller.privacy_contact
    for table in (policy.authorities, policy.subjects, policy.categories, policy.recipients, policy.transfers,
                  policy.consents):
        yield from table.values()
    for purpose in policy.purposes.values():
        yield purpose
        yield from purpose.bases
        yield from purpose.retention
        if purpose.automated_decisions is not None:
            yield purpose.automated_decisions
    for processing in policy.processing.values():
        yield processing
        yield from processing.on_behalf_of
    yield from policy.cookies
    if policy.rights is not None:
        yield policy.rights
        yield from policy.rights.limited
        yield from policy.rights.denied


def _covers(have: Iterable[str], wanted: str) -> bool:
    """Whether a text in languages ``have`` covers the declared language ``wanted``.

    ``en`` is covered by ``en`` or a regional form such as ``en-GB``; ``en-GB`` only by itself.
    """
    return any(h == wanted or ("-" not in wanted and h.split("-", 1)[0] == wanted) for h in have)


def _placeholders(langs: Iterable[str]) -> str:
    return " ".join(f'{lang} "..."' for lang in langs)


def _label(node: m.Node) -> str:
    kind = getattr(node, "kind", None)
    ident = getattr(node, "id", None) or getattr(node, "name", None)
    if isinstance(node, m.LegalBasis):
        return "the legitimate interest"
    if isinstance(node, m.Retention):
        return "a retention statement"
    if isinstance(node, m.AutomatedDecisions):
        return "the automated decisions"
    if isinstance(node, m.RightRestriction):
        return f"the limit or denial of {', '.join(r.value for r in node.rights)}"
    if isinstance(node, m.Cookie):
        return node.label()
    if isinstance(node, m.HistoryEntry):
        return f"the history entry of {node.date}"
    if isinstance(node, m.Referral):
        return f'the notice referred to, "{node.target}",'
    if isinstance(node, m.PrivacyContact):
        return "the privacy contact"
    if kind in ("policy", "rights") or not isinstance(ident, str):
        return f"the {kind} block" if kind else "the block"
    return f"{kind} `{ident}`"


@rule(
    "TRN012",
    "missing-translation",
    messages={
        "missing-languages": "the `{field}` of {block} has no {missing} text (the policy declares {languages})",
        "untagged": "the `{field}` of {block} is untagged text, but the policy declares {languages}",
    },
    category="transparency",
    severity="warning",
    references=(
        "GDPR Art. 12(1), Recital 58",
        "Article 29 Working Party, Guidelines on transparency (WP260 rev.01), para 13 (paragraph number not "
        "verified)",
    ),
    options=TranslationOptions,
)
def missing_translation(ctx: Context) -> Iterator[Finding]:
    """A text lacks one of the languages the policy declares.

    ## What it does
    When the `policy` block declares `languages` (e.g. `languages nb, en`), flags every text
    (names, descriptions, `withdraw`, `how`, `interest`, `logic`, `safeguards`, `security`,
    `source`, the reason of a `limited` or `denied` right) given as `{ lang "..." }` without one
    of them. With two or more languages declared, untagged prose (`description "..."`) is flagged
    too, since it can only be in one of them; untagged *names* are taken as proper names and
    accepted.

    ## Why it matters
    This is good practice rather than a rule of law. Art. 12(1) requires information "in a
    concise, transparent, intelligible and easily accessible form, using clear and plain
    language", and the transparency guidelines (WP260 rev.01, para 13) say that where a controller
    targets speakers of other languages, a translation into those languages should be provided.
    A notice that promises two languages and delivers half of it in one is not intelligible to
    the readers of the other. National consumer law may require the local language (citation
    not verified for any country).

    ## Example
    ```privacy
    policy "Fjordkaffe" {
      languages nb, en
    }
    purpose newsletter {
      name { nb "Nyhetsbrev" }
      use marketing.communications.email
    }
    ```

    ## Use instead
    ```privacy
    policy "Fjordkaffe" {
      languages nb, en
    }
    purpose newsletter {
      name { nb "Nyhetsbrev" en "Newsletter" }
      use marketing.communications.email
    }
    ```

    ## Options
    - `check-untagged` (default `true`): with two or more languages declared, flag untagged prose
      texts. Set to false to check only texts written as `{ lang "..." }`.

    ## References
    GDPR Art. 12(1), Recital 58; WP260 rev.01 para 13 (paragraph number not verified).
    """
    opts: TranslationOptions = ctx.options
    info = ctx.policy.info
    if info is None or not info.languages:
        return
    declared = list(dict.fromkeys(ref.name for ref in info.languages))
    seen: set[tuple[str, int, int, str]] = set()
    for node in _nodes(ctx.policy):
        for attribute in _TEXT_FIELDS.get(type(node), ()):
            text = getattr(node, attribute)
            if not isinstance(text, m.Text):
                continue
            field = _KEYWORDS.get(attribute, attribute)
            span = node.span_of(field)
            key = (span.path, span.line, span.column, field)
            if key in seen:  # a text set once in `defaults` and inherited by many blocks
                continue
            if text.by_lang:
                missing = [lang for lang in declared if not _covers(text.by_lang, lang)]
                if missing:
                    seen.add(key)
                    yield Finding(span, {"field": field, "block": _label(node), "missing": ", ".join(missing),
                                         "languages": ", ".join(declared)}, "missing-languages",
                                  hint=f"add `{_placeholders(missing)}` inside the braces")
            elif opts.check_untagged and len(declared) > 1 and field not in _NAME_FIELDS:
                seen.add(key)
                yield Finding(span, {"field": field, "block": _label(node), "languages": ", ".join(declared)},
                              "untagged",
                              hint=f"write it as `{{ {_placeholders(declared)} }}`")


# ---------------------------------------------------------------- TRN015

#: Per right: whether its own article excludes it for a purpose, read from the purpose's declared
#: bases (a purpose that states no basis is never excluded: the rule cannot know).
def _excluded_by_article(right: Right, purpose: m.Purpose) -> bool:
    if not purpose.bases:
        return False
    if right is Right.ERASURE:  # Art. 17(3)(b): a legal obligation, or a task in the public interest
        return _has_basis(purpose, BasisKind.LEGAL_OBLIGATION, BasisKind.PUBLIC_TASK)
    if right is Right.PORTABILITY:  # Art. 20(1): only consent or contract; Art. 20(3): not a public task
        return _has_basis(purpose, BasisKind.PUBLIC_TASK) or not (
            _has_basis(purpose, BasisKind.CONSENT, BasisKind.CONTRACT) or _explicit_consent(purpose))
    if right is Right.OBJECTION:  # Art. 21(1): only processing on Art. 6(1)(e) or (f)
        return not _has_basis(purpose, BasisKind.LEGITIMATE_INTERESTS, BasisKind.PUBLIC_TASK)
    return False


class DenialOptions(Options):
    cannot_be_denied: list[Right] = Field(default_factory=lambda: [Right.WITHDRAW_CONSENT, Right.COMPLAINT])
    """Rights outside what GDPR Art. 23(1) lets a law restrict: a denial is always flagged."""
    article_exceptions: bool = True
    """Accept a denial the right's own article makes for the purposes it is said of, read from
    their bases (erasure: Art. 17(3)(b); portability: Art. 20(1), 20(3); objection: Art. 21(1))."""
    accept_reason: bool = False
    """Accept a denial that gives a reason but names no law."""
    check_limited: bool = False
    """Also flag a `limited` right whose limit names no law."""


def _scope(restriction: m.RightRestriction) -> str:
    refs = restriction.purposes
    if not refs:
        return "every purpose"
    shown = ", ".join(f"`{r.name}`" for r in refs[:4]) + (f" and {len(refs) - 4} more" if len(refs) > 4 else "")
    return f"purpose{'s' if len(refs) > 1 else ''} {shown}"


def _listed(rights: Iterable[Right]) -> str:
    return ", ".join(f"`{r.value}`" for r in rights)


@rule(
    "TRN015",
    "right-denied-without-law",
    messages={
        "cannot-be-denied": "the notice denies {rights}, which no law may restrict ({articles})",
        "no-law": "the notice denies {rights} for {scope} but names no law for the restriction (GDPR Art. 23(1))",
        "limit-no-law": "the notice limits {rights} for {scope} but names no law for the limit (GDPR Art. 23(1))",
    },
    category="transparency",
    severity="error",
    references=(
        "GDPR Art. 23(1)-(2) (restrictions of Articles 12-22 and 34 by a legislative measure)",
        "GDPR Art. 17(3), 20(1), 20(3), 21(1) (the rights' own limits)",
        "GDPR Art. 7(3) (withdrawal of consent at any time), Art. 77(1) (complaint to a supervisory authority)",
        "GDPR Art. 85(2) (exemptions for journalistic, academic, artistic and literary purposes)",
        "EDPB Guidelines 10/2020 on restrictions under Article 23 GDPR",
    ),
    options=DenialOptions,
)
def right_denied_without_law(ctx: Context) -> Iterator[Finding]:
    """The notice denies a right without the law that allows it, or denies a right no law may take away.

    ## What it does
    Judges each `denied` statement of the rights block (`denied erasure law "..."`,
    `denied objection for p "reason"`):
    - a denial of a right that no law may restrict (by default `withdraw_consent` and
      `complaint`) is flagged whatever it gives as its ground (`cannot-be-denied`);
    - a denial of any other right that names no `law` is flagged (`no-law`), unless the right's own
      article excludes it for every purpose the denial is said of, read from their bases: erasure
      for purposes on a legal obligation or a public task (Art. 17(3)(b)), portability for
      purposes on neither consent nor contract or on a public task (Art. 20(1), 20(3)), objection
      for purposes on neither legitimate interests nor a public task (Art. 21(1)). A purpose that
      states no basis never excuses a denial: the rule cannot know.

    A denial that names a law is not judged further: whether that law is a legislative measure
    that meets Art. 23 is for a lawyer, not for a linter. Rules that report a missing right
    (TRN004-TRN010) do not report a right the notice denies: this is the finding.

    ## Why it matters
    The rights of Articles 12 to 22 may be restricted only "by way of a legislative measure" of
    Union or Member State law that respects the essence of the fundamental rights and is necessary
    and proportionate for one of the aims of Art. 23(1), and that contains the specific
    provisions of Art. 23(2). Beyond that, a right gives way only where its own article says so:
    erasure where the processing is needed to comply with a legal obligation or for a task in the
    public interest (Art. 17(3)), portability outside consent and contract (Art. 20(1)) and for
    public tasks (Art. 20(3)), objection outside Art. 6(1)(e) and (f) (Art. 21(1)). A notice that
    simply says a right does not apply ("there is no possibility to object") tells people wrongly
    that they have no right, unless it can point to such a law or exception.

    Withdrawing consent (Art. 7(3)) and complaining to a supervisory authority (Art. 77) are not
    in Articles 12-22, so Art. 23 does not reach them.

    Unsettled: Art. 85(2) lets Member States exempt processing for journalistic, academic,
    artistic or literary purposes from Chapter II, which holds Art. 7; a national exemption there
    might reach the withdrawal of consent. Where one applies, remove `withdraw_consent` from
    `cannot-be-denied`. Whether a reason that is one of the article's own grounds (legal claims,
    Art. 17(3)(e); compelling legitimate grounds, Art. 21(1)) justifies a blanket denial is doubtful
    (Art. 21(1) lets the controller go on only after weighing the objection); `accept-reason`
    accepts any reason. The article exceptions are read from the purposes' bases: the exception
    holds "to the extent that" the processing is necessary for it (Art. 17(3)), which a basis
    cannot show; `article-exceptions = false` asks for a law every time.

    ## Example
    ```privacy
    purpose member_register {
      use essential.service
      basis contract
    }
    rights {
      offered access, rectification, restriction
      denied erasure "the register must be kept"
    }
    ```

    ## Use instead
    ```privacy
    purpose member_register {
      use essential.service
      basis contract
    }
    rights {
      offered access, rectification, restriction
      denied erasure law "§ 35 BDSG" "the register must be kept"
    }
    ```

    ## Options
    - `cannot-be-denied` (default `["withdraw_consent", "complaint"]`): rights a denial of which is
      always flagged.
    - `article-exceptions` (default `true`): accept a denial that the right's own article makes for
      the purposes it is said of (from their bases).
    - `accept-reason` (default `false`): accept a denial that gives a reason but names no law.
    - `check-limited` (default `false`): also flag a `limited` right whose limit names no law (a
      limit may be the article's own condition, e.g. the grounds of Art. 17(1), so it is off by
      default).

    ## References
    GDPR Art. 7(3), 17(3), 20(1), 20(3), 21(1), 23(1)-(2), 77(1), 85(2); EDPB Guidelines 10/2020
    on restrictions under Article 23 GDPR.
    """
    opts: DenialOptions = ctx.options
    rights = ctx.policy.rights
    if rights is None:
        return
    never = set(opts.cannot_be_denied)
    purposes = ctx.policy.purposes
    for restriction in rights.denied:
        absolute = [r for r in restriction.rights if r in never]
        if absolute:
            yield Finding(restriction.span, {"rights": _listed(absolute),
                                             "articles": ", ".join(r.article for r in absolute)},
                          "cannot-be-denied",
                          hint="remove the denial: the notice must offer the right (add it to `offered`)")
        if restriction.law is not None or (opts.accept_reason and restriction.reason is not None):
            continue
        covered = [p for p in purposes.values() if restriction.covers(p.id)]
        unfounded = [r for r in restriction.rights if r not in never and not (
            opts.article_exceptions and covered and all(_excluded_by_article(r, p) for p in covered))]
        if unfounded:
            yield Finding(restriction.span, {"rights": _listed(unfounded), "scope": _scope(restriction)}, "no-law",
                          hint='name the law the notice relies on: `law "<act and section>"`; or offer the right')
    if opts.check_limited:
        for restriction in rights.limited:
            if restriction.law is None and not (opts.accept_reason and restriction.reason is not None):
                yield Finding(restriction.span, {"rights": _listed(restriction.rights),
                                                 "scope": _scope(restriction)}, "limit-no-law",
                              hint='name the law the limit comes from: `law "<act and section>"`')


# ---------------------------------------------------------------- TRN016


@rule(
    "TRN016",
    "bases-not-per-purpose",
    messages={
        "one": (
            "the notice lists legal bases ({bases}) for the whole notice without saying which purpose rests "
            "on which; purpose {purposes} states none"
        ),
        "many": (
            "the notice lists legal bases ({bases}) for the whole notice without saying which purpose rests "
            "on which; purposes {purposes} state none"
        ),
    },
    category="transparency",
    severity="error",
    references=(
        "GDPR Art. 13(1)(c), Art. 14(1)(c) (the purposes of the processing as well as the legal basis for "
        "the processing)",
        "Article 29 Working Party, Guidelines on transparency (WP260 rev.01), Annex, on Art. 13(1)(c)",
        "GDPR Art. 13(2)(b)-(c), 17(3), 20(1), 21(1) (which rights apply depends on the basis)",
    ),
)
def bases_not_per_purpose(ctx: Context) -> Iterator[Finding]:
    """The notice lists its legal bases for the notice as a whole, not for each purpose.

    ## What it does
    Flags the `bases` statement of the `policy` block (`bases contract, legal_obligation, consent`:
    "we process on (b), (c) and (a)") when some purpose states no basis of its own, naming those
    purposes. The rule does not guess which purpose rests on which basis; each such purpose is also
    reported by LAW001, which says that the notice lists bases only for the whole notice. When every
    purpose states its own basis, the list is a summary and nothing is reported.

    ## Why it matters
    Art. 13(1)(c) and 14(1)(c) require "the purposes of the processing ... as well as the legal
    basis for the processing", and the transparency guidelines (WP260 rev.01, Annex) say the basis
    relied on under Art. 6 must be specified with the purposes. A list of bases beside a list of
    purposes does not tell the reader which one is relied on for what, and so which rights they
    have: objection only against processing on (e) or (f) (Art. 21(1)), portability only on
    consent or contract (Art. 20(1)), withdrawal only of consent (Art. 13(2)(c)), erasure unless
    the law requires the processing (Art. 17(3)(b)).

    ## Example
    ```privacy
    policy "Kuopio choir" {
      bases legal_obligation, contract
    }
    purpose member_register {
      use essential.service
    }
    ```

    ## Use instead
    ```privacy
    purpose member_register {
      use essential.service
      basis contract
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 13(1)(c), 14(1)(c), 13(2)(b)-(c), 17(3), 20(1), 21(1); WP260 rev.01 Annex.
    """
    info = ctx.policy.info
    listed = notice_bases(ctx.policy)
    if info is None or not listed:
        return
    without = [p for p in ctx.policy.purposes.values() if not p.bases]
    yield Finding(info.span_of("bases"), {"bases": ", ".join(f"`{k.value}`" for k in listed),
                                          "purposes": _names(without)},
                  "one" if len(without) == 1 else "many",
                  hint="state the basis of each purpose in the purpose (`basis ...`), as the notice should")


# ---------------------------------------------------------------- TRN019

#: Data uses that target ads at a person: they rest on a profile of that person (C-252/21).
AD_TARGETING_USES = (
    "marketing.advertising.first_party.targeted",
    "marketing.advertising.third_party.targeted",
    "marketing.advertising.profiling",
)


@rule(
    "TRN019",
    "ad-targeting-without-profiling",
    messages={
        "not-stated": (
            "purpose `{purpose}` targets advertising (`use {use}`), but does not say that it profiles the people "
            "it targets (GDPR Art. 4(4))"
        ),
        "says-no": (
            "purpose `{purpose}` says it does not profile (`profiling no`), but targets advertising (`use {use}`), "
            "which rests on a profile (GDPR Art. 4(4))"
        ),
    },
    category="transparency",
    severity="warning",
    references=(
        "GDPR Art. 4(4) (profiling: automated processing to evaluate personal aspects, in particular to analyse "
        "or predict a person's preferences, interests, behaviour or location)",
        "GDPR Art. 21(2)-(4) (the right to object to direct marketing, including profiling related to it, "
        "brought explicitly to the data subject's attention), Recital 60 (the data subject should be informed "
        "of the existence of profiling and its consequences), Art. 22",
        "EDPB Guidelines 8/2020 on the targeting of social media users, version 2.0 (13 April 2021) "
        "(targeting on observed or inferred data profiles the people targeted; paragraph numbers not verified)",
        "CJEU C-252/21 Meta Platforms v Bundeskartellamt (4 July 2023) (personalised advertising built on the "
        "user's activities on and off the service)",
    ),
)
def ad_targeting_without_profiling(ctx: Context) -> Iterator[Finding]:
    """Targeted advertising in a purpose that does not say it profiles, or says it does not.

    ## What it does
    Flags a `purpose` whose data use targets ads at people (`marketing.advertising.first_party.targeted`,
    `marketing.advertising.third_party.targeted`, `marketing.advertising.profiling`) when it does not
    state `profiling` (message `not-stated`) or states `profiling no` (`says-no`). The data use
    `marketing.advertising.profiling` says profiling itself, so only `profiling no` beside it is
    flagged. A claim of the whole notice, `claims no_profiling`, is TRN013's.

    ## Why it matters
    Choosing which ad to show a person from what is known or inferred about their interests and
    behaviour is profiling in the sense of Art. 4(4): automated processing "to analyse or predict
    aspects concerning that natural person's ... personal preferences, interests, ... behaviour".
    The EDPB's targeting guidelines (8/2020) treat targeting on observed or inferred data as
    profiling. The data subject should be informed of the existence of profiling and its
    consequences (Recital 60), and the right to object to direct marketing "including profiling to
    the extent that it is related to such direct marketing" must be brought explicitly to their
    attention (Art. 21(2)-(4)). A purpose that targets ads and is silent about profiling hides that
    from the reader; one that says it does not profile misleads.

    ## Example
    ```privacy
    purpose retargeting {
      use marketing.advertising.third_party.targeted
      basis consent
    }
    ```

    ## Use instead
    ```privacy
    purpose retargeting {
      use marketing.advertising.third_party.targeted
      basis consent
      profiling
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 4(4), 21(2)-(4), 22, Recital 60; EDPB Guidelines 8/2020; CJEU C-252/21.
    """
    for purpose in ctx.policy.purposes.values():
        use = first_use_under(purpose, *AD_TARGETING_USES)
        if use is None or purpose.profiling:
            continue
        if purpose.profiling is None:
            if not uses_under(purpose, "marketing.advertising.profiling"):  # that use says profiling itself
                yield Finding(purpose.span_of("uses"), {"purpose": purpose.id, "use": use}, "not-stated",
                              hint="say so: write `profiling yes` in the purpose")
        else:
            yield Finding(purpose.span_of("profiling"), {"purpose": purpose.id, "use": use}, "says-no",
                          hint="targeted advertising profiles: write `profiling`, or a data use that is not targeted")


# ---------------------------------------------------------------- TRN020


@rule(
    "TRN020",
    "complaint-authority-unidentified",
    messages={
        "unidentified": (
            "the notice sends complaints to authority `{authority}`, but gives neither its country nor any "
            "contact details: a reader cannot tell which supervisory authority it is or how to reach it"
        ),
    },
    category="transparency",
    severity="warning",
    references=(
        "GDPR Art. 13(2)(d), 14(2)(e) (the right to lodge a complaint with a supervisory authority), Art. 77(1) "
        "(in the Member State of habitual residence, place of work or place of the alleged infringement)",
        "GDPR Art. 12(1) (information in a concise, transparent, intelligible and easily accessible form)",
        "Article 29 Working Party, Guidelines on transparency (WP260 rev.01), Annex, entry on Art. 13(2)(d) / "
        "14(2)(e)",
    ),
)
def complaint_authority_unidentified(ctx: Context) -> Iterator[Finding]:
    """The authority named for complaints cannot be identified or reached: no country, no contact.

    ## What it does
    Flags the `complaints <authority>` of the rights block when that `authority` block states no
    `country` and none of `email`, `phone`, `address` or `website`. A name alone ("the Data
    Protection Commissioner") does not count: several member states' authorities have been called
    that, and the rule does not guess which one a name means. A notice that names no authority at
    all is TRN008's.

    ## Why it matters
    The notice must tell people of "the right to lodge a complaint with a supervisory authority"
    (Art. 13(2)(d), 14(2)(e)), and Art. 77(1) lets them complain in the member state where they
    live or work or where the infringement took place. The information must be intelligible and
    easily accessible (Art. 12(1)). An authority named by a title that fits several countries,
    with no country and no way to reach it, is not a route a reader can use. Art. 13 does not
    say in so many words that the authority's contact details must be given, so this is a warning.

    ## Example
    ```privacy
    authority commissioner {
      name "the Data Protection Commissioner"
    }
    rights {
      offered access, rectification, erasure
      complaints commissioner
    }
    ```

    ## Use instead
    ```privacy
    authority commissioner {
      name "Data Protection Commission"
      country IE
      website "https://www.dataprotection.ie"
    }
    rights {
      offered access, rectification, erasure
      complaints commissioner
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 12(1), 13(2)(d), 14(2)(e), 77(1); WP260 rev.01, Annex.
    """
    rights = ctx.policy.rights
    if rights is None or rights.complaints is None:
        return
    authority = ctx.policy.authorities.get(rights.complaints.name)
    if authority is None or authority.country or any((authority.email, authority.phone, authority.address,
                                                      authority.website)):
        return
    yield Finding(rights.span_of("complaints"), {"authority": authority.id},
                  hint=f"give the authority's country and how to reach it: `authority {authority.id} "
                       "{ country <CC> website \"...\" }`")


RULES = (
    controller_identity_missing,
    controller_contact_missing,
    dpo_contact_missing,
    rights_missing,
    objection_right_missing,
    portability_right_missing,
    direct_marketing_objection_missing,
    complaint_authority_missing,
    automated_decision_without_safeguards,
    withdrawal_right_missing,
    rights_how_missing,
    missing_translation,
    right_denied_without_law,
    bases_not_per_purpose,
    ad_targeting_without_profiling,
    complaint_authority_unidentified,
)
