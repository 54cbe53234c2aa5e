"""Lawfulness: every purpose rests on one valid GDPR Art. 6(1) legal basis."""

from __future__ import annotations

from typing import Iterator

from .. import model as m
from ..model import BasisKind
from .base import Context, Finding, Options, purpose_label, rule, uses_under

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


class MarketingOptions(Options):
    allow_legitimate_interests: bool = True
    """Accept legitimate interests for direct marketing that is neither electronic nor targeted
    (postal mail, contextual ads), as GDPR Recital 47 allows. Set to false to require consent for
    all marketing."""


def _marketing_kind(ctx: Context, purpose: m.Purpose) -> str | None:
    """Why the purpose counts as marketing, or None."""
    if uses_under(purpose, *CONSENT_ONLY_USES):
        return f"its data use `{purpose.use}` is targeted or electronic marketing"
    if uses_under(purpose, "marketing"):
        return f"its data use `{purpose.use}` is marketing"
    if any(r.role in (m.Role.CONTROLLER, m.Role.JOINT_CONTROLLER) for r in ctx.recipients_of(purpose)) and \
            uses_under(purpose, "third_party_sharing"):
        return "it discloses data to other controllers"
    return None


@rule(
    "LAW003",
    "marketing-without-consent",
    category="lawfulness",
    severity="error",
    references=(
        "GDPR Art. 6(1)(a), Art. 21(2)-(3), Recital 47",
        "Directive 2002/58/EC (ePrivacy) Art. 13(1)",
        "CJEU C-252/21 Meta Platforms v Bundeskartellamt (4 July 2023), paras 102-126",
        "Norway: markedsføringsloven § 15 (e-mail and SMS marketing to consumers needs prior consent)",
    ),
    options=MarketingOptions,
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
            f"{purpose_label(purpose)} is marketing but rests on {claimed}: {why}, which needs consent",
            hint="use `basis consent` and name the consent mechanism with `consent <id>`",
        )


RULES = (marketing_without_consent,)
