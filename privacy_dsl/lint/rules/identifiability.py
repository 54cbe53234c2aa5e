"""Identifiability: claims of anonymity the data contradicts (Recital 26, C-582/14 Breyer)."""

from __future__ import annotations

from collections.abc import Iterator

from ...language import model as m
from .base import Context, Finding, Options, rule

#: Taxonomy keys that identify or single out a person by themselves: (key, also its sub-keys, what).
IDENTIFIERS: tuple[tuple[str, bool, str], ...] = (
    ("user.device.ip_address", True, "an IP address"),
    ("user.device.cookie_id", True, "a cookie identifier"),
    ("user.device.device_id", True, "a device identifier"),
    ("user.device.cookie", False, "data stored in a cookie"),
    ("user.unique_id", True, "a unique identifier"),
    ("user.location.precise", True, "precise location"),
    ("user.name", True, "a name"),
    ("user.contact.email", True, "an e-mail address"),
    ("user.contact.phone_number", True, "a phone number"),
    ("user.contact.fax_number", True, "a fax number"),
    ("user.contact.address", False, "a postal address"),
    ("user.contact.address.street", True, "a street address"),
    ("user.government_id", True, "a government identifier"),
    ("user.account.username", True, "a username"),
    ("user.biometric", True, "biometric data"),
)


def identifier_kind(key: str | None) -> str | None:
    """What kind of identifier a data-category key is, or None if it does not identify by itself."""
    if key is None:
        return None
    for prefix, under, what in IDENTIFIERS:
        if key == prefix or (under and key.startswith(prefix + ".")):
            return what
    return None


class AnonymousOptions(Options):
    linked_identifiers: bool = True
    """Also flag an 'anonymous' category that a purpose processes together with an identifier."""


@rule(
    "IDN001",
    "anonymous-claim-contradicted",
    messages={
        "identifier": "category `{category}` is claimed anonymous, but its taxonomy `{taxonomy}` is {identifier_kind}",
        "via-cookie": (
            "category `{category}` is claimed anonymous, but it is collected through {cookie} "
            "(purpose `{purpose}`)"
        ),
        "linked": (
            "category `{category}` is claimed anonymous, but purpose `{purpose}` processes it together "
            "with `{linked}` ({identifier_kind})"
        ),
    },
    category="identifiability",
    severity="error",
    references=(
        "GDPR Art. 4(1) (an online identifier makes a person identifiable), Recital 26 (anonymous only if "
        "no longer identifiable by means reasonably likely to be used), Recital 30 (IP addresses, cookie "
        "identifiers)",
        "CJEU C-582/14 Breyer (19 October 2016), operative part point 1 (paras 31-49 on the first question; "
        "paragraph numbers not verified): a dynamic IP address is personal data for a website operator "
        "with legal means to identify the user",
        "CJEU C-604/22 IAB Europe (7 March 2024): a preference string combined with an identifier such as "
        "the IP address is personal data",
        "Article 29 Working Party, Opinion 05/2014 on Anonymisation Techniques (WP216)",
    ),
    options=AnonymousOptions,
    # One contradicted claim is one fact with all its categories, whatever identifies each.
    object_args=("taxonomy", "identifier_kind", "cookie", "purpose", "linked"),
)
def anonymous_claim_contradicted(ctx: Context) -> Iterator[Finding]:
    """Data claimed to be anonymous that identifies or singles out a person.

    ## What it does
    Flags a category with `identifiability anonymous` when
    - its taxonomy key is an identifier: an IP address, a cookie or device identifier, a unique
      identifier, precise location, a name, e-mail address, phone number, postal address,
      government identifier, username or biometric data; or
    - it is collected through a cookie or similar storage: a `cookie` block serves a purpose that
      uses the category; or
    - a purpose processes it together with an identifier category (option `linked-identifiers`).

    ## Why it matters
    Anonymous data is outside the GDPR only if the person is no longer identifiable by any means
    reasonably likely to be used, including singling out (Recital 26). Online identifiers such as IP
    addresses and cookie identifiers make people identifiable (Art. 4(1), Recital 30). The CJEU held
    in Breyer that even a dynamic IP address is personal data for a website operator that has legal
    means to identify the user through the access provider, and in IAB Europe that a consent string
    becomes personal data once it can be linked to an identifier such as an IP address. Data
    collected with cookies, or kept beside such identifiers, is therefore at most pseudonymous, and
    a notice that calls it anonymous misleads the reader and escapes none of the GDPR.

    ## Example
    ```privacy
    category ip_address {
      taxonomy user.device.ip_address
      identifiability anonymous
    }
    ```

    ## Use instead
    ```privacy
    category ip_address {
      taxonomy user.device.ip_address
      identifiability identified
    }
    ```

    ## Options
    - `linked-identifiers` (default `true`): flag an anonymous category that a purpose uses together
      with an identifier category. Set to false if your purposes list categories that are in fact
      processed separately.

    ## References
    GDPR Art. 4(1), Recitals 26 and 30; CJEU C-582/14 Breyer; CJEU C-604/22 IAB Europe; WP29
    Opinion 05/2014 on Anonymisation Techniques.
    """
    opts: AnonymousOptions = ctx.options
    for cid, (message_id, args) in contradicted_anonymity(ctx.policy, opts.linked_identifiers).items():
        category = ctx.policy.categories[cid]
        yield Finding(category.span_of("identifiability"), {"category": cid, **args}, message_id,
                      hint="write `identifiability pseudonymous` or `identified`: the data relates to an "
                           "identifiable person")


def anonymous_purposes(ctx: Context) -> set[str]:
    """The purposes that list categories, every one claimed anonymous, with nothing in the policy
    contradicting a claim (what IDN001 checks): they have no personal data (Recital 26) as far as
    the notice says, and rules about personal data take the claim as stated. One pass per policy."""
    contradicted: dict[str, tuple[str, dict[str, str]]] | None = None
    out: set[str] = set()
    for pid, purpose in ctx.policy.purposes.items():
        categories = ctx.categories_of(purpose)
        if (not purpose.categories or len(categories) != len(purpose.categories)
                or any(c.identifiability is not m.Identifiability.ANONYMOUS for c in categories)):
            continue
        if contradicted is None:
            contradicted = contradicted_anonymity(ctx.policy, True)
        if not any(r.name in contradicted for r in purpose.categories):
            out.add(pid)
    return out


def contradicted_anonymity(policy: m.Policy, linked_identifiers: bool) -> dict[str, tuple[str, dict[str, str]]]:
    """The categories claimed anonymous that the policy contradicts, each with IDN001's message id
    and arguments: an identifier taxonomy, storage on the device, or (``linked_identifiers``) an
    identifier processed beside it in a purpose."""
    anonymous = {cid: c for cid, c in policy.categories.items()
                 if c.identifiability is m.Identifiability.ANONYMOUS}
    if not anonymous:
        return {}
    storage_for: dict[str, str] = {}
    for stored in policy.cookies:
        for ref in stored.purposes:
            storage_for.setdefault(ref.name, stored.label())
    via_cookie: dict[str, dict[str, str]] = {}
    linked: dict[str, dict[str, str]] = {}
    for purpose in policy.purposes.values():
        ids = [r.name for r in purpose.categories]
        cookie = storage_for.get(purpose.id)
        identifier = next((i for i in ids if i in policy.categories
                           and identifier_kind(policy.categories[i].taxonomy)), None)
        for cid in ids:
            if cid not in anonymous:
                continue
            if cookie is not None:
                via_cookie.setdefault(cid, {"cookie": cookie, "purpose": purpose.id})
            if identifier is not None and identifier != cid:
                kind = identifier_kind(policy.categories[identifier].taxonomy)
                linked.setdefault(cid, {"purpose": purpose.id, "linked": identifier, "identifier_kind": str(kind)})
    out: dict[str, tuple[str, dict[str, str]]] = {}
    for cid, category in anonymous.items():
        kind = identifier_kind(category.taxonomy)
        if kind is not None:
            out[cid] = ("identifier", {"taxonomy": str(category.taxonomy), "identifier_kind": kind})
        elif cid in via_cookie:
            out[cid] = ("via-cookie", via_cookie[cid])
        elif linked_identifiers and cid in linked:
            out[cid] = ("linked", linked[cid])
    return out


RULES = (anonymous_claim_contradicted,)
