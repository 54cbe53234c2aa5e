"""Claims: what a notice says it does not do, checked against what the policy declares.

A notice that says "we do not transfer your data outside the EU/EEA" beside a US analytics
provider, or "we do not use cookies" beside a tracking pixel, misinforms the reader about the very
processing the claim is about. The claims are stated in the `policy` block (`claims ...`); each is
contradicted only by a declaration, never by an absence, so a rule that cannot know stays silent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ...language import jurisdictions as jur
from ...language import model as m
from ...language import taxonomy
from .base import Context, Finding, first_use_under, rule
from .identifiability import identifier_kind
from .special_data import special_kind
from .transfers import known_flows

#: At most this many contradicting declarations are named in one finding; the rest are counted.
MAX_NAMED = 5

#: Data uses that are profiling or rest on it (targeted advertising builds a profile: C-252/21).
PROFILING_USES = ("marketing.advertising.profiling", "marketing.advertising.first_party.targeted",
                  "marketing.advertising.third_party.targeted", "personalize.profiling",
                  "personalize.content.profiling", "personalize.content.profiled")


def _outside_eea(policy: m.Policy) -> Iterator[str]:
    for rid, recipient in policy.recipients.items():
        for code in recipient.countries:
            if jur.is_third_country(code):
                yield f"recipient `{rid}` ({code})"
    for tid, transfer in policy.transfers.items():
        if transfer.country is None or jur.is_third_country(transfer.country):
            yield f"transfer `{tid}`" + (f" ({transfer.country})" if transfer.country else "")
    # Known providers whose data leaves the EEA, where the policy does not place them there itself.
    for flow in known_flows(policy):
        via, provider = flow.recipient, flow.provider
        if via is not None and any(jur.is_third_country(c) for c in via.countries):
            continue
        where = f"{provider.name}, {', '.join(provider.third_countries())}"
        if via is not None and flow.is_recipient:
            yield f"recipient `{via.id}` ({where})"
        elif len(flow.cookies) == 1:
            yield f"{flow.cookies[0].label()} ({where})"
        else:
            yield f"{len(flow.cookies)} cookies of {where} ({flow.cookies[0].label()}, ...)"


def _cookies(policy: m.Policy) -> Iterator[str]:
    yield from (c.label() for c in policy.cookies)


def _profiling(policy: m.Policy) -> Iterator[str]:
    for pid, purpose in policy.purposes.items():
        if purpose.profiling:
            yield f"purpose `{pid}` (`profiling`)"
        elif (use := first_use_under(purpose, *PROFILING_USES)) is not None:
            yield f"purpose `{pid}` (`use {use}`)"


def _special(policy: m.Policy) -> Iterator[str]:
    for cid, category in policy.categories.items():
        kind = special_kind(category)
        if kind is not None:
            yield f"category `{cid}` ({kind.value.replace('_', ' ')})"


def _children(policy: m.Policy) -> Iterator[str]:
    for sid, subject in policy.subjects.items():
        if subject.children:
            yield f"subject `{sid}` (`children`)"
    for cid, category in policy.categories.items():
        if category.children or (category.taxonomy and taxonomy.is_under(category.taxonomy, "user.childrens")):
            yield f"category `{cid}` (children's data)"


def _unnamed_recipients(policy: m.Policy) -> Iterator[str]:
    for rid, recipient in policy.recipients.items():
        if recipient.category_only:
            yield f"recipient `{rid}` (only a category of recipients)"
    for cookie in policy.cookies:
        if cookie.party is m.Party.THIRD and cookie.provider_ref is None:
            yield f"{cookie.label()} (a third party not declared as a recipient)"


def _identifiers(policy: m.Policy) -> Iterator[str]:
    for cid, category in policy.categories.items():
        kind = identifier_kind(category.taxonomy)
        if category.identifiability in (m.Identifiability.IDENTIFIED, m.Identifiability.PSEUDONYMOUS):
            yield f"category `{cid}` (`identifiability {category.identifiability.value}`)"
        elif kind is not None and category.identifiability is None:
            yield f"category `{cid}` ({kind})"


def _automated(policy: m.Policy) -> Iterator[str]:
    for pid, purpose in policy.purposes.items():
        if purpose.automated_decisions is not None and purpose.automated_decisions.present:
            yield f"purpose `{pid}` (`automated_decisions`)"


#: Per claim: what it says (for the message) and the declarations that contradict it.
CONTRADICTIONS: dict[m.Claim, tuple[str, Callable[[m.Policy], Iterator[str]]]] = {
    m.Claim.NO_TRANSFERS_OUTSIDE_EEA: ("no data leaves the EEA", _outside_eea),
    m.Claim.NO_COOKIES: ("no cookies are used", _cookies),
    m.Claim.NO_PROFILING: ("there is no profiling", _profiling),
    m.Claim.NO_SPECIAL_CATEGORIES: ("no special categories of data are processed", _special),
    m.Claim.NOT_FOR_CHILDREN: ("the service is not for children", _children),
    m.Claim.NO_AUTOMATED_DECISIONS: ("no solely automated decisions are made", _automated),
    m.Claim.ONLY_NAMED_RECIPIENTS: ("data goes only to the recipients it names", _unnamed_recipients),
    m.Claim.AGGREGATE_ONLY: ("the data is used only in aggregate form", _identifiers),
}


@rule(
    "TRN013",
    "claim-contradicted",
    messages={
        "contradicted": "the notice claims `{claim}` ({says}), but the policy declares {found}",
    },
    category="transparency",
    severity="error",
    references=(
        "GDPR Art. 5(1)(a) (lawfulness, fairness and transparency), Art. 12(1), Recital 39",
        "GDPR Art. 13(1)(f) (transfers), 13(2)(f) (automated decisions), Art. 9(1) (special categories), "
        "Art. 8 and Recital 38 (children), 13(1)(e) (recipients), Recital 26 (aggregate, anonymous data)",
        "ePrivacy Directive 2002/58/EC Art. 5(3) (cookies and similar technologies)",
        "Article 29 Working Party, Guidelines on transparency (WP260 rev.01), on information that is clear "
        "and not misleading (paragraph number not verified)",
        "privacy-dsl known-providers dataset (privacy_dsl/data/known_providers.json), for providers whose data "
        "leaves the EEA",
    ),
)
def claim_contradicted(ctx: Context) -> Iterator[Finding]:
    """A claim of the notice that the policy's own declarations contradict.

    ## What it does
    Checks each claim of the `policy` block against the declarations:
    - `no_transfers_outside_eea`: a recipient with a country outside the EEA (regions `EU` and `EEA`
      are inside), a `transfer` block to a third country (or to none named), or a recipient or
      cookie of a provider the known-providers dataset places outside the EEA (a Google Analytics
      cookie, a Meta pixel: see TRF010);
    - `no_cookies`: any `cookie` block, of any kind: local storage, pixels, SDKs and fingerprints
      fall under ePrivacy Art. 5(3) as cookies do, so "no cookies" beside them misleads;
    - `no_profiling`: a purpose with `profiling`, or whose `use` is profiling or targeted
      advertising (which builds a profile);
    - `no_special_categories`: a category with `special`, or whose taxonomy is an Art. 9(1) kind;
    - `not_for_children`: a subject or category marked `children`, or children's data;
    - `no_automated_decisions`: a purpose with `automated_decisions`;
    - `only_named_recipients` ("we never share data except with the services named"): a recipient
      the notice names only as a category (`category_only`), or a third-party cookie whose provider
      is not a declared recipient;
    - `aggregate_only` ("we use this information in aggregate form"): a category claimed
      `identified` or `pseudonymous`, or one whose taxonomy is an identifier (an IP address, a
      cookie or device id, an e-mail address, ...) and that makes no anonymity claim (IDN001 judges
      one that does).

    One finding per claim, at the claim, naming what contradicts it. A claim is never
    contradicted by what the policy leaves out: only a declaration can say otherwise.

    ## Why it matters
    Processing must be transparent and fair (Art. 5(1)(a)); information must be clear and not
    misleading (Art. 12(1), WP260 rev.01). A claim that the rest of the notice contradicts
    misinforms the reader about the very processing the claim is about, and a reader who trusts
    it does not look further. Either the claim or the declaration is wrong; both cannot stand.

    ## Example
    ```privacy
    policy "Fjordkaffe" {
      claims no_transfers_outside_eea
    }
    recipient analytics {
      role processor
      countries US
    }
    ```

    ## Use instead
    ```privacy
    policy "Fjordkaffe" {
      claims no_transfers_outside_eea
    }
    recipient analytics {
      role processor
      countries EU
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(1)(a), 8, 9(1), 12(1), 13(1)(e), 13(1)(f), 13(2)(f), Recitals 26, 38, 39; ePrivacy
    Art. 5(3); WP260 rev.01.
    """
    info = ctx.policy.info
    if info is None:
        return
    for claim in dict.fromkeys(info.claims):
        says, contradicting = CONTRADICTIONS[claim]
        found = list(dict.fromkeys(contradicting(ctx.policy)))
        if not found:
            continue
        named = ", ".join(found[:MAX_NAMED]) + (f" and {len(found) - MAX_NAMED} more" if len(found) > MAX_NAMED
                                               else "")
        span = info.field_spans.get(f"claims.{claim.value}") or info.span_of("claims")
        yield Finding(span, {"claim": claim.value, "says": says, "found": named},
                      hint=f"correct the claim (remove `{claim.value}`), or the declarations that contradict it")


RULES = (claim_contradicted,)
