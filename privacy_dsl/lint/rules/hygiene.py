"""Purpose limitation and hygiene: declarations that are unused, missing or in conflict."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ...language import model as m
from ...language import taxonomy
from ...language.model import BasisKind
from .base import Context, Field, Finding, Options, rule, uses_text

# ---------------------------------------------------------------- HYG001

#: Data use -> the data categories (any one of them) it cannot work without. Deliberately short:
#: only uses whose very name says which data they need.
_IMPLIED: dict[str, tuple[str, ...]] = {
    "marketing.communications.email": ("user.contact.email",),
    "essential.service.notifications.email": ("user.contact.email",),
    "marketing.communications.sms": ("user.contact.phone_number",),
    "essential.service.notifications.sms": ("user.contact.phone_number",),
    "essential.service.payment_processing": ("user.payment", "user.financial"),
}


class CategoryMismatchOptions(Options):
    extra_implied: dict[str, list[str]] = Field(default_factory=dict)
    """More data use -> data categories requirements, e.g. {"employment.recruitment" = ["user.name"]}."""


def _satisfies(category: str, required: str) -> bool:
    """A category key satisfies a required key if it is that key, below it, or a specific ancestor.

    A category mapped to `user.contact` ("contact details") may hold the e-mail address; the root
    `user` says nothing and is not accepted.
    """
    return taxonomy.is_under(category, required) or (
        "." in category and taxonomy.is_under(required, category))


@rule(
    "HYG001",
    "purpose-category-mismatch",
    messages={
        "mismatch": "purpose `{purpose}` has the data use `{use}` but none of its categories is {expected}",
    },
    category="hygiene",
    severity="warning",
    references=(
        "GDPR Art. 5(1)(b)-(c), Art. 13(1)(c), Art. 14(1)(d)",
        "GDPR Art. 30(1)(c) (records of processing: categories of personal data)",
    ),
    options=CategoryMismatchOptions,
)
def purpose_category_mismatch(ctx: Context) -> Iterator[Finding]:
    """A purpose's data use needs a kind of data that none of its categories is.

    ## What it does
    Flags a purpose whose `use` cannot work without a kind of data none of its `categories` maps
    to. The built-in list is short on purpose: e-mail marketing or e-mail notifications need a
    category under `user.contact.email`; SMS marketing or notifications one under
    `user.contact.phone_number`; payment processing one under `user.payment` or `user.financial`.
    A category mapped to a parent key (`user.contact`) is accepted. A purpose with no categories
    (HYG004) or with a category that has no `taxonomy` is not checked.

    ## Why it matters
    The notice must say which personal data are used for each purpose (Art. 13(1)(c), 14(1)(d))
    and the record of processing must list the categories (Art. 30(1)(c)). A purpose that sends
    e-mail but declares no e-mail address understates what it processes, and every rule that
    reasons about categories (special data, identifiability, transfers) then reasons about the
    wrong set. Purpose limitation and data minimisation (Art. 5(1)(b)-(c)) can only be checked
    against an accurate list.

    ## Example
    ```privacy
    category name {
      taxonomy user.name
    }
    purpose newsletter {
      use marketing.communications.email
      categories name
    }
    ```

    ## Use instead
    ```privacy
    category name {
      taxonomy user.name
    }
    category email {
      taxonomy user.contact.email
    }
    purpose newsletter {
      use marketing.communications.email
      categories name, email
    }
    ```

    ## Options
    - `extra-implied` (default `{}`): more requirements, a table from data-use key to the
      data-category keys of which the purpose must use at least one, e.g.
      `extra-implied = { "essential.service.authentication" = ["user.authorization"] }`.

    ## References
    GDPR Art. 5(1)(b)-(c), 13(1)(c), 14(1)(d), 30(1)(c).
    """
    opts: CategoryMismatchOptions = ctx.options
    implied: dict[str, tuple[str, ...]] = {**_IMPLIED, **{k: tuple(v) for k, v in opts.extra_implied.items()}}
    for purpose in ctx.policy.purposes.values():
        if not purpose.uses or not purpose.categories:
            continue
        needs = [keys for use, keys in implied.items() if any(taxonomy.is_under(u, use) for u in purpose.uses)]
        if not needs:
            continue
        categories = ctx.categories_of(purpose)
        if len(categories) < len(purpose.categories) or any(c.taxonomy is None for c in categories):
            continue  # an undeclared or unmapped category might be the one: do not guess
        keys = [c.taxonomy for c in categories if c.taxonomy is not None]
        for required in needs:
            if not any(_satisfies(key, req) for key in keys for req in required):
                wanted = " or ".join(f"`{r}`" for r in required)
                yield Finding(purpose.span_of("categories"),
                              {"purpose": purpose.id, "use": uses_text(purpose), "expected": wanted},
                              hint=f"declare a category with `taxonomy {required[0]}` and list it in `categories`")


# ---------------------------------------------------------------- HYG002


@rule(
    "HYG002",
    "unused-declaration",
    messages={
        "unused": "{kind} `{id}` is declared but nothing refers to it",
    },
    category="hygiene",
    severity="info",
    references=(
        "GDPR Art. 5(1)(a) (transparency), Art. 5(2) (accountability)",
        "GDPR Art. 30(1) (records of processing)",
    ),
)
def unused_declaration(ctx: Context) -> Iterator[Finding]:
    """A category, subject, recipient, transfer, consent mechanism or authority that nothing refers to.

    ## What it does
    Flags a declared block that no purpose, cookie, transfer or rights block refers to: a
    `category` or `subject` in no purpose (nor `processing` block); a `recipient` in no purpose,
    transfer or cookie `provider`; a `transfer` in no purpose (nor `processing` block); a `consent`
    mechanism in no purpose or cookie; an `authority` that the rights block does not name for
    `complaints`. A `category_only` recipient
    ("the competent authorities, on request") is not flagged: notices name such categories for the
    processing as a whole, which Art. 13(1)(e) ("the recipients or categories of recipients")
    allows.

    ## Why it matters
    An unused declaration is usually a purpose that forgot to list it: a recipient that receives
    data for no stated purpose, data collected for nothing. Either the notice says more than the
    processing does, or a purpose says less than it should (Art. 5(1)(a), 13(1)(c)-(e)). Only
    information: it may also be a leftover.

    ## Example
    ```privacy
    recipient mailer {
      name "Mailer Inc."
      role processor
    }
    purpose orders {
      use essential.service
    }
    ```

    ## Use instead
    ```privacy
    recipient mailer {
      name "Mailer Inc."
      role processor
    }
    purpose orders {
      use essential.service
      recipients mailer
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(1)(a), 5(2), 13(1)(c)-(e), 30(1).
    """
    policy = ctx.policy
    used: dict[str, set[str]] = {kind: set() for kind in
                                 ("category", "subject", "recipient", "transfer", "consent", "authority")}
    for purpose in policy.purposes.values():
        used["category"].update(r.name for r in purpose.categories)
        used["subject"].update(r.name for r in purpose.subjects)
        used["recipient"].update(r.name for r in purpose.recipients)
        used["transfer"].update(r.name for r in purpose.transfers)
        if purpose.consent is not None:
            used["consent"].add(purpose.consent.name)
    for processing in policy.processing.values():  # what it processes on behalf of others (Art. 30(2))
        used["category"].update(r.name for r in processing.categories)
        used["subject"].update(r.name for r in processing.subjects)
        used["transfer"].update(r.name for r in processing.transfers)
    for cookie in policy.cookies:
        used["consent"].update(r.name for r in cookie.consents)
        if cookie.provider_ref is not None:
            used["recipient"].add(cookie.provider_ref.name)
    for transfer in policy.transfers.values():
        if transfer.recipient is not None:
            used["recipient"].add(transfer.recipient.name)
    if policy.rights is not None and policy.rights.complaints is not None:
        used["authority"].add(policy.rights.complaints.name)

    tables: tuple[tuple[str, Mapping[str, m.Node], str], ...] = (
        ("category", policy.categories, "list it in the `categories` of the purposes that use it"),
        ("subject", policy.subjects, "list it in the `subjects` of the purposes about them"),
        ("recipient", policy.recipients, "list it in the `recipients` of the purposes that disclose to it"),
        ("transfer", policy.transfers, "list it in the `transfers` of the purposes that transfer data"),
        ("consent", policy.consents, "name it with `consent <id>` in the purposes or cookies that use it"),
        ("authority", policy.authorities, "name it with `complaints <id>` in the rights block"),
    )
    # A category of recipients ("the competent authorities, on request") is named for the
    # processing as a whole, as Art. 13(1)(e) allows: that no purpose lists it says nothing amiss.
    used["recipient"].update(rid for rid, r in policy.recipients.items() if r.category_only)
    for kind, table, hint in tables:
        for ident, block in table.items():
            if ident not in used[kind]:
                yield Finding(block.span, {"kind": kind, "id": ident},
                              hint=f"{hint}, or delete it")


# ---------------------------------------------------------------- HYG003


def _domain(value: str) -> str:
    return value.strip().lower().lstrip(".")


def _domains_overlap(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two cookies' domain lists may denote the same cookie (no domains: the site itself)."""
    if not a or not b:
        return True
    for x in map(_domain, a):
        for y in map(_domain, b):
            if x == y or x.endswith("." + y) or y.endswith("." + x):
                return True
    return False


@rule(
    "HYG003",
    "duplicate-cookie",
    messages={
        "duplicate": "{cookie} is already declared at {location}",
    },
    category="hygiene",
    severity="error",
    references=(
        "Directive 2002/58/EC (ePrivacy) Art. 5(3)",
        "GDPR Art. 5(1)(a), Art. 12(1)",
    ),
)
def duplicate_cookie(ctx: Context) -> Iterator[Finding]:
    """Two cookie (or storage) blocks describe the same item: same name, same kind, overlapping domains.

    ## What it does
    Flags a `cookie` block whose name and storage `kind` equal those of an earlier block and whose
    `domains` overlap (equal, one a subdomain of the other, or either block giving none). Names are
    compared exactly: cookie names are case-sensitive. Unnamed cookies (`cookie unnamed`) are never
    duplicates: a notice may describe several cookies without naming any.

    ## Why it matters
    ePrivacy Art. 5(3) requires clear and comprehensive information about each cookie. Two blocks
    for one cookie usually disagree (different expiry, purpose or consent), and then the notice
    contradicts itself; a reader cannot know which statement is true (Art. 12(1) "transparent").

    ## Example
    ```privacy
    cookie _ga {
      domains ".example.no"
      expiry 13 months
    }
    cookie _ga {
      domains "www.example.no"
      expiry 2 years
    }
    ```

    ## Use instead
    ```privacy
    cookie _ga {
      domains ".example.no"
      expiry 13 months
    }
    cookie _ga {
      domains ".example.com"
      expiry 13 months
    }
    ```

    ## Options
    None.

    ## References
    ePrivacy Art. 5(3); GDPR Art. 5(1)(a), 12(1).
    """
    seen: dict[tuple[m.StorageKind, str], list[m.Cookie]] = {}
    for cookie in ctx.policy.cookies:
        if cookie.name is None:
            continue
        earlier = seen.setdefault((cookie.storage, cookie.name), [])
        for first in earlier:
            if _domains_overlap(first.domains, cookie.domains):
                yield Finding(cookie.span, {"cookie": cookie.label(), "location": str(first.span)},
                              hint="merge the two blocks, or give each its own `domains`")
                break
        earlier.append(cookie)


# ---------------------------------------------------------------- HYG004


@rule(
    "HYG004",
    "purpose-without-categories",
    messages={
        "no-categories": "purpose `{purpose}` does not say which personal data it uses",
    },
    omits={"no-categories": "data"},
    category="hygiene",
    severity="warning",
    references=(
        "GDPR Art. 13(1)(c), Art. 14(1)(d)",
        "GDPR Art. 30(1)(c) (records of processing: categories of personal data)",
    ),
)
def purpose_without_categories(ctx: Context) -> Iterator[Finding]:
    """A purpose that does not say which personal data it uses.

    ## What it does
    Flags a `purpose` with no `categories` statement (after `defaults purpose` is applied), unless
    a cookie serves it: a cookie table states the data on its rows (the identifiers the cookies
    hold), which is what many cookie notices do.

    ## Why it matters
    Art. 14(1)(d) requires the categories of personal data where they were not obtained from the
    data subject; Art. 13(1)(c) requires the purposes "for which the personal data are intended",
    which presupposes saying which data. The record of processing must list the categories
    (Art. 30(1)(c)). Without them no rule can check special categories, identifiability or
    transfers for the purpose.

    ## Example
    ```privacy
    purpose orders {
      use essential.service
      basis contract
    }
    ```

    ## Use instead
    ```privacy
    category email {
      taxonomy user.contact.email
    }
    purpose orders {
      use essential.service
      basis contract
      categories email
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 13(1)(c), 14(1)(d), 30(1)(c).
    """
    bare = [p for p in ctx.policy.purposes.values() if not p.categories]
    # Which purposes cookies serve is only asked about those: most policies have none to ask about.
    served = {r.name for c in ctx.policy.cookies for r in c.purposes} if bare else set()
    for purpose in bare:
        if purpose.id not in served:
            yield Finding(purpose.span, {"purpose": purpose.id},
                          hint="add `categories <id>, ...` naming declared categories")


# ---------------------------------------------------------------- HYG005


@rule(
    "HYG005",
    "purpose-without-data-use",
    messages={
        "no-use": "purpose `{purpose}` does not state its data use",
    },
    category="hygiene",
    severity="warning",
    references=(
        "GDPR Art. 5(1)(b) (purposes specified and explicit)",
        "fideslang data-use taxonomy (Ethyca), the keys of `privacy-dsl taxonomy uses`",
    ),
)
def purpose_without_data_use(ctx: Context) -> Iterator[Finding]:
    """A purpose with no `use`: its taxonomy data use is what lets rules reason about it.

    ## What it does
    Flags a `purpose` with no `use <data-use key>` statement.

    ## Why it matters
    Purposes must be "specified, explicit and legitimate" (Art. 5(1)(b)). Mapping each purpose to
    a published data-use key (`marketing.communications.email`, `essential.service`, ...) makes
    its nature explicit, and it is what the marketing, cookie and transparency rules read: a
    purpose without one is checked by none of them. A purpose that cannot be mapped is often one
    the notice does not really specify ("further use", "other processing the law allows").

    ## Example
    ```privacy
    purpose further_use {
      basis consent
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
    None.

    ## References
    GDPR Art. 5(1)(b); fideslang data-use taxonomy.
    """
    for purpose in ctx.policy.purposes.values():
        if not purpose.uses:
            yield Finding(purpose.span, {"purpose": purpose.id},
                          hint="add `use <key>`, e.g. `use essential.service`; see `privacy-dsl taxonomy uses`")


# ---------------------------------------------------------------- HYG006


@rule(
    "HYG006",
    "consent-mechanism-without-consent-basis",
    messages={
        "consent-not-basis": "purpose `{purpose}` names consent mechanism `{consent}` but rests on {bases}",
    },
    category="hygiene",
    severity="warning",
    references=(
        "GDPR Art. 6(1), Art. 5(1)(a) (fairness)",
        "EDPB Guidelines 05/2020 on consent, section 6, paras 121-123 (paragraph numbers not verified)",
    ),
)
def consent_mechanism_without_consent_basis(ctx: Context) -> Iterator[Finding]:
    """A purpose names a consent mechanism but its legal basis is not consent.

    ## What it does
    Flags a purpose with `consent <id>` whose declared bases do not include `consent` (and the
    Art. 9(2) condition is not `explicit_consent`). A purpose with no basis at all is left to the
    lawfulness rules.

    ## Why it matters
    Asking for consent while relying on another basis tells people they have a choice they do
    not have. The EDPB (Guidelines 05/2020, para 122) calls "sending out the message that data
    will be processed on the basis of consent, while actually some other lawful basis is relied
    on" fundamentally unfair, and (para 123) says the controller cannot swap from consent to other
    lawful bases, e.g. after consent is withdrawn. Either the basis is consent, or the consent
    mechanism does not belong to this purpose.

    Consent under ePrivacy Art. 5(3) for a cookie can legitimately sit beside another GDPR basis
    for later processing; that is why this rule looks at purposes only, not at cookies.

    ## Example
    ```privacy
    purpose statistics {
      use analytics.reporting
      basis legitimate_interests
      consent cookie_banner
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
    GDPR Art. 5(1)(a), 6(1); EDPB Guidelines 05/2020 section 6, paras 121-123 (paragraph numbers not
    verified).
    """
    for purpose in ctx.policy.purposes.values():
        if purpose.consent is None or not purpose.bases:
            continue
        if any(b.basis is BasisKind.CONSENT for b in purpose.bases):
            continue
        clause = purpose.special_condition
        if clause is not None and clause.condition is m.SpecialCondition.EXPLICIT_CONSENT:
            continue
        claimed = ", ".join(b.basis.value for b in purpose.bases)
        yield Finding(purpose.span_of("consent"), {"purpose": purpose.id, "consent": purpose.consent.name,
                                                   "bases": claimed},
                      hint="use `basis consent`, or remove the `consent` line if another basis truly applies")


# ---------------------------------------------------------------- HYG007


@rule(
    "HYG007",
    "right-offered-and-denied",
    messages={
        "one": "the rights block offers {rights} and denies it for every purpose",
        "many": "the rights block offers {rights} and denies them for every purpose",
    },
    category="hygiene",
    severity="warning",
    references=(
        "GDPR Art. 12(1) (information in a concise, transparent and intelligible form)",
        "GDPR Art. 5(1)(a) (transparency)",
    ),
)
def right_offered_and_denied(ctx: Context) -> Iterator[Finding]:
    """A right is both offered and denied for every purpose: the policy says yes and no at once.

    ## What it does
    Flags a `denied` statement of the rights block that has no `for` (or whose purposes are all
    the purposes of the policy) for a right that `offered` or `limited` also names. A right offered
    in general and denied for some purposes (`denied erasure for petitions`) is not flagged: that
    says where the right applies.

    ## Why it matters
    Either the notice offers the right, offers it with a limit, or says it does not apply; a
    reader cannot be told all of these about the same processing. When the notice itself says both
    ("you have the right to erasure"; "the Associations Act overrides the right to erasure"),
    it is unclear (Art. 12(1)); when it means a limit, say so with `limited`, which the rules read
    as offered with a condition, and keep `denied` for what the notice excludes.

    ## Example
    ```privacy
    rights {
      offered access, rectification, erasure, restriction
      denied erasure law "§ 35 BDSG"
    }
    ```

    ## Use instead
    ```privacy
    rights {
      offered access, rectification, restriction
      limited erasure law "§ 35 BDSG"
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(1)(a), 12(1).
    """
    rights = ctx.policy.rights
    if rights is None:
        return
    every = set(ctx.policy.purposes)
    for restriction in rights.denied:
        if restriction.purposes and not (every and every <= {r.name for r in restriction.purposes}):
            continue
        both = [r for r in dict.fromkeys(restriction.rights) if rights.tells(r)]
        if both:
            yield Finding(restriction.span, {"rights": ", ".join(f"`{r.value}`" for r in both)},
                          "one" if len(both) == 1 else "many",
                          hint="remove it from `offered`, or write `limited ...` if the notice limits the right")


RULES = (
    purpose_category_mismatch,
    unused_declaration,
    duplicate_cookie,
    purpose_without_categories,
    purpose_without_data_use,
    consent_mechanism_without_consent_basis,
    right_offered_and_denied,
)
