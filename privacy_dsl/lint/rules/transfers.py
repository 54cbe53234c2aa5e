"""Recipients and third-country transfers (Art. 13(1)(e)-(f), 26, 28, Chapter V)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from ...language import jurisdictions as jur
from ...language import model as m
from ...language.model import Mechanism, Role
from ..providers import KnownProvider, database
from .base import Context, Field, Finding, Options, rule

_SCHREMS_II = "CJEU C-311/18 Data Protection Commissioner v Facebook Ireland and Schrems (Schrems II, 16 July 2020)"
_EDPB_01_2020 = ("EDPB Recommendations 01/2020 on measures that supplement transfer tools to ensure compliance "
                 "with the EU level of protection of personal data (version 2.0, 18 June 2021)")


def _country(code: str) -> dict[str, str]:
    """The arguments that name a country in a message: "{country_name} ({country})"."""
    from ...language import taxonomy

    return {"country": code, "country_name": jur.THIRD_REGIONS.get(code) or taxonomy.countries().get(code, code)}


def _transfers_by_recipient(policy: m.Policy) -> dict[str, list[m.Transfer]]:
    out: dict[str, list[m.Transfer]] = {}
    for transfer in policy.transfers.values():
        if transfer.recipient is not None:
            out.setdefault(transfer.recipient.name, []).append(transfer)
    return out


# ---------------------------------------------------------------- known providers


class Flow(NamedTuple):
    """Data that reaches a known provider: through a declared recipient the dataset recognises
    (with the cookies it provides), or through cookies alone (a provider written as text, or
    recognised by the cookie's domain), with the recipient they name if any."""

    provider: KnownProvider
    recipient: m.Recipient | None
    cookies: tuple[m.Cookie, ...]
    #: The recipient is the provider (recognised by its name or website), not only named by cookies
    #: the provider's domains give away.
    is_recipient: bool


def known_provider(recipient: m.Recipient) -> KnownProvider | None:
    """The known provider a recipient is, by its name (in every language it gives) or website; never
    by its id, the author's own name for it. A category of recipients is no provider."""
    if recipient.category_only:
        return None
    db = database()
    names = [recipient.name.plain, *recipient.name.by_lang.values()] if recipient.name is not None else []
    for name in names:
        found = db.by_name(name)
        if found is not None:
            return found
    return db.by_domain(recipient.website)


def _cookie_provider(cookie: m.Cookie) -> KnownProvider | None:
    db = database()
    found = db.by_name(cookie.provider) if cookie.provider else None
    for domain in cookie.domains:
        if found is not None:
            break
        found = db.by_domain(domain)
    return found


def known_flows(policy: m.Policy) -> list[Flow]:
    """Every flow of data to a known provider whose data leaves the EEA (``KnownProvider.third_countries``),
    one per recipient and one per provider for the cookies no recognised recipient provides. A provider
    the controller itself is (a notice of Google's own) is no flow."""
    own = None
    if policy.controller is not None:
        own = database().by_name(policy.controller.name) or database().by_domain(policy.controller.website)
    by_recipient: dict[str, KnownProvider] = {}
    for rid, recipient in policy.recipients.items():
        found = known_provider(recipient)
        if found is not None and found != own and found.third_countries() and recipient.role is not Role.AUTHORITY:
            by_recipient[rid] = found
    cookies_of: dict[str, list[m.Cookie]] = {rid: [] for rid in by_recipient}
    loose: dict[tuple[str, str | None], list[m.Cookie]] = {}
    for cookie in policy.cookies:
        ref = cookie.provider_ref.name if cookie.provider_ref is not None else None
        if ref in by_recipient:
            cookies_of[ref].append(cookie)
            continue
        found = _cookie_provider(cookie)
        if found is not None and found != own and found.third_countries():
            loose.setdefault((found.id, ref if ref in policy.recipients else None), []).append(cookie)
    flows = [Flow(p, policy.recipients[rid], tuple(cookies_of[rid]), True) for rid, p in by_recipient.items()]
    db = database()
    flows += [Flow(db.by_id[pid], policy.recipients[rid] if rid else None, tuple(cs), False)
              for (pid, rid), cs in loose.items()]
    return flows


def _goes(provider: KnownProvider) -> str:
    """How a message joins the provider to its third countries: it is there, or sends data there."""
    home = _country(provider.entity_country)["country_name"]
    if not jur.is_third_country(provider.entity_country):
        return f"established in {home}, which sends data to"
    return "which is in" if provider.third_countries() == (provider.entity_country,) else "which is in or sends data to"


def _destinations(provider: KnownProvider) -> str:
    return ", ".join("{country_name} ({country})".format_map(_country(c)) for c in provider.third_countries())


# ---------------------------------------------------------------- TRF001


def _squeezed(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _is_controller(policy: m.Policy, provider: str) -> bool:
    """Whether a provider written as text is the controller (or there is none to compare with):
    its name, or its website's host, inside the provider's text or the other way round, ignoring
    case, spaces and punctuation ("Acme AS" and "acme.example" for controller "Acme AS")."""
    controller = policy.controller
    if controller is None:
        return True
    given = _squeezed(provider)
    names = [_squeezed(str(controller.name))]
    if controller.website:
        host = controller.website.split("//", 1)[-1].split("/", 1)[0].removeprefix("www.")
        names += [_squeezed(host), _squeezed(host.rsplit(".", 1)[0])]
    return any(n and (n in given or given in n) for n in names if len(n) >= 3) or not given


@rule(
    "TRF001",
    "undeclared-recipient",
    messages={
        "provider-not-listed": (
            "{cookie} is provided by recipient `{recipient}`, which is not listed by {purposes}"
        ),
        "provider-not-listed-many": (
            "{count} cookies ({cookies}) are provided by recipient `{recipient}`, which is not listed by {purposes}"
        ),
        "provider-as-text": (
            "{cookie} is third-party and names its provider \"{provider}\" only as text: the provider "
            "is not declared as a recipient"
        ),
        "own-provider-as-text": (
            "{cookie} names its provider \"{provider}\" only as text, and that is not the controller: "
            "whoever provides it receives what it holds, as a recipient the notice does not declare"
        ),
        "transfer-recipient-not-listed": (
            "purpose `{purpose}` names transfer `{transfer}` to recipient `{recipient}`, which it does "
            "not list as a recipient"
        ),
    },
    category="transfers",
    severity="error",
    references=(
        "GDPR Art. 13(1)(e), 14(1)(e) (the recipients or categories of recipients)",
        "GDPR Art. 4(9) (a processor is a recipient too)",
        "Directive 2002/58/EC (ePrivacy) Art. 5(3) (clear and comprehensive information)",
        "EDPB Guidelines 05/2020 on consent, para 65 (every controller relying on the consent must be named)",
    ),
)
def undeclared_recipient(ctx: Context) -> Iterator[Finding]:
    """Data flows to a recipient that the purpose does not list.

    ## What it does
    Flags three ways data reaches someone the purpose's `recipients` do not name:
    - a cookie (or pixel, SDK, ...) whose `provider` is a declared recipient, when the cookie's
      purpose does not list that recipient: whoever provides the storage reads what it holds,
      whether it is set as a first- or third-party cookie. The cookies of one provider that the
      same purposes leave it out of are one finding, at the first, naming them;
    - a third-party cookie whose provider is only written as text (`provider "AdCo"`), not
      declared as a `recipient`, so no purpose can list it; so too a first-party cookie, or one
      whose party is not stated, whose text provider is not the controller (Google Analytics'
      `_ga` is a first-party cookie that Google's script sets and reads): the provider is a
      recipient whatever the cookie's party;
    - a purpose that names a transfer (`transfers x`) whose recipient it does not list.

    ## Why it matters
    Art. 13(1)(e) requires the notice to name the recipients or categories of recipients of the
    data, and a processor is a recipient (Art. 4(9)). A third party whose script sets or reads a
    cookie receives data about the visitor; the EDPB's consent guidelines require every controller
    relying on consent to be named for the consent to be informed.

    ## Example
    ```privacy
    recipient adco { name "AdCo Ltd" role controller }
    purpose ads {
      use marketing.advertising.third_party.targeted
      basis consent
    }
    cookie _adco {
      provider adco
      party third
      purpose ads
    }
    ```

    ## Use instead
    ```privacy
    recipient adco { name "AdCo Ltd" role controller }
    purpose ads {
      use marketing.advertising.third_party.targeted
      basis consent
      recipients adco
    }
    cookie _adco {
      provider adco
      party third
      purpose ads
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 4(9), 13(1)(e), 14(1)(e); ePrivacy Art. 5(3); EDPB Guidelines 05/2020 on consent, para 65.
    """
    policy = ctx.policy
    listed = {pid: {r.name for r in p.recipients} for pid, p in policy.purposes.items()}
    # One finding per fact: the cookies of one provider that the same purposes leave it out of are
    # one finding, at the first of them (ten YouTube cookies are one missing recipient).
    grouped: dict[tuple[str, tuple[str, ...]], list[m.Cookie]] = {}
    for cookie in policy.cookies:
        if cookie.provider_ref is not None and cookie.provider_ref.name in policy.recipients:
            rid = cookie.provider_ref.name
            missing = tuple(r.name for r in cookie.purposes if r.name in listed and rid not in listed[r.name])
            if missing:
                grouped.setdefault((rid, missing), []).append(cookie)
        elif cookie.provider is not None and (cookie.party is m.Party.THIRD
                                              or not _is_controller(policy, str(cookie.provider))):
            yield Finding(cookie.span_of("provider"), {"cookie": cookie.label(), "provider": str(cookie.provider)},
                          "provider-as-text" if cookie.party is m.Party.THIRD else "own-provider-as-text",
                          hint="declare `recipient <id> { name \"...\" role ... }`, write `provider <id>`, and "
                               "list it in the purpose's `recipients`")
    for (rid, missing), cookies in grouped.items():
        named = ", ".join(f"`{p}`" for p in missing)
        purposes = f"purpose{'s' if len(missing) > 1 else ''} {named}"
        hint = f"add `recipients {rid}` to {'each of ' if len(missing) > 1 else ''}{purposes}"
        first = cookies[0]
        if len(cookies) == 1:
            yield Finding(first.span_of("provider_ref"), {"cookie": first.label(), "recipient": rid,
                                                           "purposes": purposes}, "provider-not-listed", hint=hint)
            continue
        labels = [c.label() for c in cookies]
        shown = ", ".join(labels[:5]) + (f" and {len(labels) - 5} more" if len(labels) > 5 else "")
        yield Finding(first.span_of("provider_ref"), {"count": str(len(cookies)), "cookies": shown, "recipient": rid,
                                                       "purposes": purposes}, "provider-not-listed-many", hint=hint)
    for purpose in policy.purposes.values():
        mine = listed[purpose.id]
        for ref in purpose.transfers:
            transfer = policy.transfers.get(ref.name)
            if transfer is None or transfer.recipient is None or transfer.recipient.name in mine:
                continue
            yield Finding(ref.span,
                          {"purpose": purpose.id, "transfer": transfer.id, "recipient": transfer.recipient.name},
                          "transfer-recipient-not-listed",
                          hint=f"add `recipients {transfer.recipient.name}` to the purpose")


# ---------------------------------------------------------------- TRF002


@rule(
    "TRF002",
    "processor-without-contract",
    messages={
        "no-dpa": "processor `{recipient}` does not state its data processing agreement",
    },
    category="transfers",
    severity="error",
    references=(
        "GDPR Art. 28(3) (processing by a processor governed by a contract or other legal act)",
        "GDPR Art. 28(9) (in writing, including in electronic form)",
    ),
)
def processor_without_contract(ctx: Context) -> Iterator[Finding]:
    """A processor without a reference to its Art. 28 contract.

    ## What it does
    Flags a `recipient` with `role processor` and no `contract`.

    ## Why it matters
    Processing by a processor "shall be governed by a contract or other legal act" binding the
    processor, with the content Art. 28(3) lists (documented instructions, confidentiality,
    security, sub-processors, assistance, deletion or return, audits). The policy should point at
    it, so that a reviewer can check that it exists.

    ## Example
    ```privacy
    recipient mailer {
      name "Mailer AS"
      role processor
      countries NO
    }
    ```

    ## Use instead
    ```privacy
    recipient mailer {
      name "Mailer AS"
      role processor
      countries NO
      contract "Data processing agreement of 2025-06-01"
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 28(3), 28(9).
    """
    for recipient in ctx.policy.recipients.values():
        if recipient.role is Role.PROCESSOR and not recipient.contract:
            yield Finding(recipient.span_of("role"), {"recipient": recipient.id},
                          hint='add `contract "<reference to the Art. 28 agreement>"`')


# ---------------------------------------------------------------- TRF003


class TransferOptions(Options):
    require_transfer_for_adequate: bool = True
    """Also require a `transfer` block (with `mechanism adequacy`) for recipients in countries with an
    adequacy decision: Art. 13(1)(f) asks the notice to state that the decision exists."""


_NO_MECHANISM = (Mechanism.NONE, Mechanism.UNSPECIFIED)


@rule(
    "TRF003",
    "transfer-without-mechanism",
    messages={
        "adequacy-undeclared": (
            "recipient `{recipient}` is in {country_name} ({country}), outside the EEA; no transfer block states "
            "the adequacy decision ({decision})"
        ),
        "uncovered": (
            "recipient `{recipient}` is in {country_name} ({country}), outside the EEA, and no transfer covers it"
        ),
        "no-mechanism": "transfer `{transfer}` does not name its Chapter V mechanism",
        "not-a-mechanism": "transfer `{transfer}` has mechanism `{mechanism}`: no Chapter V tool",
    },
    omits={"adequacy-undeclared": "transfers", "uncovered": "transfers", "no-mechanism": "transfers"},
    category="transfers",
    severity="error",
    references=(
        "GDPR Art. 44 (general principle for transfers), 45, 46, 49",
        "GDPR Art. 13(1)(f), 14(1)(f) (the transfer, the adequacy decision or the safeguards)",
    ),
    options=TransferOptions,
)
def transfer_without_mechanism(ctx: Context) -> Iterator[Finding]:
    """Personal data goes outside the EEA without a Chapter V transfer tool.

    ## What it does
    Flags:
    - a recipient with a country outside the EEA (`countries US`) when no `transfer` block names
      that recipient and that country (a transfer without `country` covers all the recipient's
      countries);
    - a transfer with no `mechanism`, or with `mechanism none` or `mechanism unspecified`.

    The EEA is the 27 EU member states with Iceland, Liechtenstein and Norway. A recipient in a
    country with an adequacy decision (e.g. `CH`, `GB`, `JP`) also needs a transfer block saying
    `mechanism adequacy` unless `require-transfer-for-adequate` is false.

    ## Why it matters
    Any transfer to a third country may take place only under Chapter V: an adequacy decision
    (Art. 45), appropriate safeguards such as standard contractual clauses or binding corporate
    rules (Art. 46-47), or, for occasional transfers, a derogation (Art. 49). The notice must tell
    the data subject about the transfer and the adequacy decision or safeguards
    (Art. 13(1)(f)).

    ## Example
    ```privacy
    recipient crm {
      name "CRM Inc."
      role processor
      countries US
      contract "DPA 2025-01-01"
    }
    ```

    ## Use instead
    ```privacy
    recipient crm {
      name "CRM Inc."
      role processor
      countries US
      contract "DPA 2025-01-01"
    }
    transfer crm_us {
      recipient crm
      country US
      mechanism sccs "2021 SCCs, module 2"
      tia "TIA-2025-03"
    }
    ```

    ## Options
    - `require-transfer-for-adequate` (default `true`): require a transfer block for recipients in
      countries with an adequacy decision too. Set to false to report only countries without one.

    ## References
    GDPR Art. 13(1)(f), 14(1)(f), 44-46, 49.
    """
    opts: TransferOptions = ctx.options
    by_recipient = _transfers_by_recipient(ctx.policy)
    for recipient in ctx.policy.recipients.values():
        transfers = by_recipient.get(recipient.id, [])
        covered = {t.country for t in transfers}
        for code in recipient.countries:
            if jur.is_eea(code) or code in covered or None in covered:
                continue
            decision = jur.adequacy(code)
            if decision is not None and not decision.requires_certification:
                if not opts.require_transfer_for_adequate:
                    continue
                yield Finding(recipient.span_of("countries"),
                              {"recipient": recipient.id, **_country(code),
                               "decision": decision.reference}, "adequacy-undeclared",
                              hint=f"declare `transfer <id> {{ recipient {recipient.id}  country {code}  "
                                   "mechanism adequacy }` and name it in the purposes' `transfers`")
            else:
                yield Finding(recipient.span_of("countries"),
                              {"recipient": recipient.id, **_country(code)},
                              "uncovered",
                              hint=f"declare `transfer <id> {{ recipient {recipient.id}  country {code}  mechanism "
                                   "<dpf|sccs|bcr|derogation> }` and name it in the purposes' `transfers`")
    for transfer in ctx.policy.transfers.values():
        if transfer.mechanism is None:
            yield Finding(transfer.span, {"transfer": transfer.id}, "no-mechanism",
                          hint="add `mechanism adequacy`, `dpf`, `sccs`, `bcr` or `derogation \"Art. 49(1)(x)\"`")
        elif transfer.mechanism in _NO_MECHANISM:
            yield Finding(transfer.span_of("mechanism"),
                          {"transfer": transfer.id, "mechanism": transfer.mechanism.value}, "not-a-mechanism",
                          hint="name the tool: `mechanism adequacy`, `dpf`, `sccs`, `bcr` or `derogation`")


# ---------------------------------------------------------------- TRF004


@rule(
    "TRF004",
    "dpf-without-certification",
    messages={
        "no-certification": "transfer `{transfer}` relies on the Data Privacy Framework but states no certification",
    },
    category="transfers",
    severity="error",
    references=(
        "Commission Implementing Decision (EU) 2023/1795 of 10 July 2023 (EU-US Data Privacy Framework), "
        "Art. 1 and Annex I (covers only organisations on the Data Privacy Framework List)",
        "GDPR Art. 45(1)",
    ),
)
def dpf_without_certification(ctx: Context) -> Iterator[Finding]:
    """A transfer to the US on the Data Privacy Framework without the recipient's certification.

    ## What it does
    Flags a transfer with `mechanism dpf` (to the US, or with no country) that has no
    `certification` statement.

    ## Why it matters
    The EU-US adequacy decision (Implementing Decision (EU) 2023/1795) covers only US
    organisations that have self-certified under the Data Privacy Framework and appear on the DPF
    List kept by the US Department of Commerce. A transfer to an organisation that is not on the
    list (or whose certification lapsed) has no adequacy and needs another Chapter V tool. Record
    where and when the certification was checked.

    ## Example
    ```privacy
    transfer mailer_us {
      recipient mailer
      country US
      mechanism dpf
    }
    ```

    ## Use instead
    ```privacy
    transfer mailer_us {
      recipient mailer
      country US
      mechanism dpf
      certification "Data Privacy Framework List, checked 2026-08-15"
    }
    ```

    ## Options
    None.

    ## References
    Commission Implementing Decision (EU) 2023/1795, Annex I; GDPR Art. 45(1).
    """
    for transfer in ctx.policy.transfers.values():
        certified = bool(str(transfer.certification or ""))  # an empty string states nothing
        if transfer.mechanism is Mechanism.DPF and transfer.country in (None, "US") and not certified:
            yield Finding(transfer.span_of("mechanism"), {"transfer": transfer.id},
                          hint='add `certification "<DPF List entry, date checked>"`')


# ---------------------------------------------------------------- TRF005

_NEEDS_TIA = (Mechanism.SCCS, Mechanism.BCR, Mechanism.CODE_OF_CONDUCT, Mechanism.CERTIFICATION)


@rule(
    "TRF005",
    "sccs-without-tia",
    messages={
        "no-tia": "transfer `{transfer}` relies on `{mechanism}` but states no transfer impact assessment",
    },
    category="transfers",
    severity="error",
    references=(
        _SCHREMS_II + ", paras 134-135",
        _EDPB_01_2020,
        "Commission Implementing Decision (EU) 2021/914 (standard contractual clauses), Annex, Clause 14",
        "GDPR Art. 46(1), 46(2)(b), (c), (e), (f), Art. 47",
    ),
)
def sccs_without_tia(ctx: Context) -> Iterator[Finding]:
    """A transfer on SCCs, BCRs or another Art. 46 tool without a transfer impact assessment.

    ## What it does
    Flags a transfer with `mechanism sccs`, `bcr`, `code_of_conduct` or `certification` and no
    `tia` statement.

    ## Why it matters
    In Schrems II the CJEU held that the exporter must verify, case by case, whether the law of
    the destination country ensures the protection the transfer tool promises, and add
    supplementary measures where it does not (paras 134-135). The EDPB's Recommendations 01/2020
    set out that assessment for every Art. 46 tool, and Clause 14 of the 2021 SCCs makes the
    parties warrant that they have done it. Record where the assessment is.

    ## Example
    ```privacy
    transfer crm_us {
      recipient crm
      country US
      mechanism sccs "2021 SCCs, module 2"
    }
    ```

    ## Use instead
    ```privacy
    transfer crm_us {
      recipient crm
      country US
      mechanism sccs "2021 SCCs, module 2"
      tia "TIA-2025-03, reviewed 2026-01-10"
    }
    ```

    ## Options
    None.

    ## References
    CJEU C-311/18 Schrems II, paras 134-135; EDPB Recommendations 01/2020; Decision (EU) 2021/914,
    Clause 14; GDPR Art. 46-47.
    """
    for transfer in ctx.policy.transfers.values():
        if transfer.mechanism in _NEEDS_TIA and not transfer.tia:
            assert transfer.mechanism is not None
            yield Finding(transfer.span_of("mechanism"),
                          {"transfer": transfer.id, "mechanism": transfer.mechanism.value},
                          hint='add `tia "<reference to the assessment>"`')


#: Words that make a recipient's name plainly a public authority's: stems found inside a word (German
#: and Nordic compounds: "Finanzbehörden", "Skattemyndigheten") and whole words or phrases.
_AUTHORITY_STEMS = ("behörde", "polizei", "finanzamt", "finanzämter", "staatsanwalt", "skatteetaten",
                    "skatteverket", "skattestyrelsen", "myndighet", "verohallinto", "viranomai",
                    "belastingdienst", "gendarmerie")
_AUTHORITY_WORDS = re.compile(
    r"\b(?:police|politiet|polisen|poliisi|politie|polizia|policía|tax authorit(?:y|ies)|hmrc|"
    r"public authorit(?:y|ies)|courts?|tribunal|agenzia delle entrate|agencia tributaria)\b")


#: A name that lists several recipients, or gives examples, is not plainly one authority's.
_LIST = re.compile(r"\b(?:and|und|og|och|et|e|y|ja|en|or|oder|eller|tai)\b|[,;/&]|e\.\s?g\.|z\.\s?b\.|"
                   r"such as|for example|including|t\.\s?ex|bl\.\s?a|esim|u\.\s?a\.")


def _is_authority_name(text: str) -> bool:
    return any(stem in text for stem in _AUTHORITY_STEMS) or _AUTHORITY_WORDS.search(text) is not None


def named_as_authority(recipient: m.Recipient) -> bool:
    """Whether the recipient's name (in any language it gives) is plainly a public authority's: one
    name, neither a list ("authorities, debt collectors, lawyers") nor examples ("e.g. the police")."""
    if recipient.name is None:
        return False
    for name in (recipient.name.plain, *recipient.name.by_lang.values()):
        text = (name or "").lower()
        if _is_authority_name(text) and not _LIST.search(text):
            return True
    return False


# ---------------------------------------------------------------- TRF006


@rule(
    "TRF006",
    "recipient-location-unknown",
    messages={
        "no-countries": "recipient `{recipient}` does not say where it is",
    },
    omits={"no-countries": "transfers"},
    category="transfers",
    severity="warning",
    references=(
        "GDPR Art. 13(1)(e)-(f), 14(1)(e)-(f)",
        "GDPR Art. 44",
    ),
)
def recipient_location_unknown(ctx: Context) -> Iterator[Finding]:
    """A recipient whose country is not stated, so nobody can tell whether Chapter V applies.

    ## What it does
    Flags a `recipient` with no `countries`, unless a transfer block names it with a `country`.
    A recipient with `role authority` is taken to be an authority of the controller's own country
    when the controller is in the EEA, and is not flagged; so is a recipient without a `role` whose
    name plainly is a public authority: the police, a tax authority or a court, in the languages of
    the corpus ("Finanzamt", "Skatteetaten", "Skatteverket", "Belastingdienst", "Polizei",
    "politiet", "tax authority", ...).

    ## Why it matters
    Whether data leaves the EEA decides whether the transfer rules of Chapter V apply and what
    the notice must say about them (Art. 13(1)(f)). Without the recipient's location neither the
    reader nor this linter can tell.

    ## Example
    ```privacy
    recipient ads {
      name "Ad network"
      role controller
    }
    ```

    ## Use instead
    ```privacy
    recipient ads {
      name "Ad network"
      role controller
      countries IE
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 13(1)(e)-(f), 14(1)(e)-(f), 44.
    """
    controller = ctx.policy.controller
    home_in_eea = controller is not None and jur.is_eea(controller.country)
    located = {t.recipient.name for t in ctx.policy.transfers.values() if t.recipient is not None and t.country}
    for recipient in ctx.policy.recipients.values():
        if recipient.countries or recipient.id in located:
            continue
        if home_in_eea and (recipient.role is Role.AUTHORITY
                            or (recipient.role is None and named_as_authority(recipient))):
            continue
        yield Finding(recipient.span, {"recipient": recipient.id},
                      hint="add `countries <code>, ...` (ISO codes, e.g. `countries NO, US`)")


# ---------------------------------------------------------------- TRF007


class AdequacyOptions(Options):
    additional_adequate: list[str] = Field(default_factory=list)
    """Country codes to accept as adequate beyond the built-in list (for decisions adopted since)."""


@rule(
    "TRF007",
    "adequacy-not-in-force",
    messages={
        "dpf-outside-us": (
            "transfer `{transfer}` uses the EU-US Data Privacy Framework for {country_name} ({country}): it covers "
            "only US organisations"
        ),
        "adequacy-us": (
            "transfer `{transfer}` claims adequacy for the United States: only organisations certified "
            "under the Data Privacy Framework are covered"
        ),
        "no-adequacy": (
            "transfer `{transfer}` claims adequacy, but {country_name} ({country}) has no Commission adequacy "
            "decision"
        ),
    },
    category="transfers",
    severity="error",
    references=(
        "GDPR Art. 45(1), 45(3), 45(9)",
        "Commission adequacy decisions (see privacy_dsl/language/jurisdictions.py for numbers and dates)",
        "Commission Implementing Decision (EU) 2023/1795 (EU-US Data Privacy Framework)",
        "CJEU C-311/18 Schrems II (Privacy Shield decision (EU) 2016/1250 invalid)",
    ),
    options=AdequacyOptions,
)
def adequacy_not_in_force(ctx: Context) -> Iterator[Finding]:
    """A transfer claims an adequacy decision that does not exist for the destination.

    ## What it does
    Flags a transfer with `mechanism adequacy` to a country without a Commission adequacy
    decision, and a transfer with `mechanism dpf` to a country other than the US. The country is
    the transfer's `country`, or else each non-EEA country of its recipient.

    Countries with a decision: Andorra, Argentina, Brazil, Canada (PIPEDA organisations), the Faroe
    Islands, Guernsey, Israel, the Isle of Man, Japan, Jersey, New Zealand, the Republic of Korea,
    Switzerland, the United Kingdom and Uruguay. The United States only through the Data Privacy
    Framework (`mechanism dpf`, for certified organisations). Decision numbers and dates are in
    `privacy_dsl/language/jurisdictions.py`.

    ## Why it matters
    Only the Commission can decide that a country is adequate (Art. 45(3)). Privacy Shield was
    invalidated in Schrems II; many notices still claim it, or call the US "adequate" although only
    certified organisations are covered. A transfer resting on a decision that does not exist has no
    legal basis under Chapter V.

    ## Example
    ```privacy
    transfer hosting_in {
      recipient hosting
      country IN
      mechanism adequacy
    }
    ```

    ## Use instead
    ```privacy
    transfer hosting_in {
      recipient hosting
      country IN
      mechanism sccs "2021 SCCs, module 3"
      tia "TIA-2026-02"
    }
    ```

    ## Options
    - `additional-adequate` (default `[]`): country codes to accept as adequate in addition to the
      built-in list, for a decision adopted after this release. Adequacy decisions reach Iceland,
      Liechtenstein and Norway once the EEA Joint Committee incorporates them; check that before
      relying on a new one from those countries.

    ## References
    GDPR Art. 45; the adequacy decisions listed in `privacy_dsl/language/jurisdictions.py`; Decision (EU)
    2023/1795; CJEU C-311/18 Schrems II.
    """
    opts: AdequacyOptions = ctx.options
    extra = {c.upper() for c in opts.additional_adequate}
    for transfer in ctx.policy.transfers.values():
        if transfer.mechanism not in (Mechanism.ADEQUACY, Mechanism.DPF):
            continue
        if transfer.country is not None:
            countries: tuple[str, ...] = (transfer.country,)
        else:
            recipient = ctx.policy.recipients.get(transfer.recipient.name) if transfer.recipient else None
            countries = tuple(c for c in recipient.countries if not jur.is_eea(c)) if recipient else ()
        span = transfer.span_of("mechanism")
        for code in countries:
            if transfer.mechanism is Mechanism.DPF:
                if code != "US":
                    yield Finding(span, {"transfer": transfer.id, **_country(code)},
                                  "dpf-outside-us",
                                  hint="use the tool that applies to that country (adequacy, sccs, bcr)")
                continue
            if code == "US":
                yield Finding(span, {"transfer": transfer.id}, "adequacy-us",
                              hint='write `mechanism dpf` with `certification "<DPF List entry>"`, or use `sccs`')
            elif not jur.is_eea(code) and not jur.has_adequacy(code) and code not in extra:
                yield Finding(span, {"transfer": transfer.id, **_country(code)},
                              "no-adequacy",
                              hint="use standard contractual clauses (`mechanism sccs` with a `tia`), BCRs or an "
                                   "Art. 49 derogation")


# ---------------------------------------------------------------- TRF008


@rule(
    "TRF008",
    "recipient-without-role",
    messages={
        "no-role": "recipient `{recipient}` does not state its role",
    },
    omits={"no-role": "recipients"},
    category="transfers",
    severity="warning",
    references=(
        "GDPR Art. 4(7)-(10) (controller, processor, recipient, third party)",
        "GDPR Art. 26 (joint controllers), Art. 28 (processors)",
        "EDPB Guidelines 07/2020 on the concepts of controller and processor in the GDPR (version 2.0, 7 July 2021)",
    ),
)
def recipient_without_role(ctx: Context) -> Iterator[Finding]:
    """A recipient whose role (processor, controller, joint controller, authority) is not stated.

    ## What it does
    Flags a `recipient` without `role`.

    ## Why it matters
    The role decides the obligations: a processor acts on the controller's instructions under an
    Art. 28 contract; an independent controller needs its own legal basis and must inform the
    data subject itself; joint controllers need an Art. 26 arrangement whose essence is made
    available to the data subject. Without the role, none of that can be checked, and the reader
    cannot tell whether the recipient will use the data for its own purposes.

    ## Example
    ```privacy
    recipient facebook {
      name "Meta Platforms Ireland Ltd"
      countries IE
    }
    ```

    ## Use instead
    ```privacy
    recipient facebook {
      name "Meta Platforms Ireland Ltd"
      countries IE
      role joint_controller
      contract "Meta Controller Addendum (Art. 26 arrangement)"
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 4(7)-(10), 26, 28; EDPB Guidelines 07/2020.
    """
    for recipient in ctx.policy.recipients.values():
        if recipient.role is None:
            yield Finding(recipient.span, {"recipient": recipient.id},
                          hint="add `role processor`, `role controller`, `role joint_controller` or `role authority`")


# ---------------------------------------------------------------- TRF009


@rule(
    "TRF009",
    "joint-controller-without-arrangement",
    messages={
        "no-arrangement": "joint controller `{recipient}` does not state its Art. 26 arrangement",
    },
    category="transfers",
    severity="error",
    references=(
        "GDPR Art. 26(1)-(2) (arrangement between joint controllers; its essence made available)",
        "CJEU C-40/17 Fashion ID (29 July 2019): a website embedding a social plugin is a joint controller "
        "for the collection and transmission of visitors' data",
        "CJEU C-210/16 Wirtschaftsakademie Schleswig-Holstein (5 June 2018)",
        "EDPB Guidelines 07/2020 on the concepts of controller and processor in the GDPR, Part II section 2",
    ),
)
def joint_controller_without_arrangement(ctx: Context) -> Iterator[Finding]:
    """A joint controller without a reference to the Art. 26 arrangement.

    ## What it does
    Flags a `recipient` with `role joint_controller` and no `contract`. For joint controllers the
    `contract` statement names the Art. 26 arrangement (for example the platform's controller
    addendum) and where its essence is published.

    ## Why it matters
    Joint controllers must determine their respective responsibilities in an arrangement, and "the
    essence of the arrangement shall be made available to the data subject" (Art. 26(2)). The CJEU
    held in Fashion ID that a site embedding a social plugin (such as a "Like" button or a pixel
    that sends visitors' data to the platform) is a joint controller with the platform for the
    collection and transmission of that data.

    ## Example
    ```privacy
    recipient meta {
      name "Meta Platforms Ireland Ltd"
      role joint_controller
      countries IE
    }
    ```

    ## Use instead
    ```privacy
    recipient meta {
      name "Meta Platforms Ireland Ltd"
      role joint_controller
      countries IE
      contract "Meta Controller Addendum; essence published at https://example.org/joint-controllers"
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 26; CJEU C-40/17 Fashion ID; CJEU C-210/16 Wirtschaftsakademie; EDPB Guidelines 07/2020.
    """
    for recipient in ctx.policy.recipients.values():
        if recipient.role is Role.JOINT_CONTROLLER and not recipient.contract:
            yield Finding(recipient.span_of("role"), {"recipient": recipient.id},
                          hint='add `contract "<the arrangement, and where its essence is published>"`')


# ---------------------------------------------------------------- TRF010


class KnownProviderOptions(Options):
    ignore_providers: list[str] = Field(default_factory=list)
    """Ids of known providers (``privacy_dsl/data/known_providers.json``) not to report, for a provider
    configured to keep the data in the EEA (an EU data centre with no access from elsewhere)."""


@rule(
    "TRF010",
    "undeclared-transfer",
    messages={
        "recipient": (
            "recipient `{recipient}` is {provider} ({entity}), {goes} {destinations}; "
            "the notice declares no transfer for it"
        ),
        "cookie": (
            "{cookie} is set by {provider} ({entity}), {goes} {destinations}; "
            "the notice declares no transfer for it"
        ),
        "cookies": (
            "{count} cookies ({cookies}) are set by {provider} ({entity}), {goes} "
            "{destinations}; the notice declares no transfer for them"
        ),
    },
    omits={"recipient": "transfers", "cookie": "transfers", "cookies": "transfers"},
    implies=("TRF006",),
    object_args=("provider", "entity", "goes", "destinations"),
    category="transfers",
    severity="warning",
    references=(
        "GDPR Art. 13(1)(f), 14(1)(f) (the intention to transfer to a third country, and the adequacy decision "
        "or safeguards)",
        "GDPR Art. 44 (general principle for transfers)",
        "Article 29 Working Party, Guidelines on transparency (WP260 rev.01), Annex, on Art. 13(1)(f) and "
        "14(1)(f): the third countries should generally be named",
        "privacy-dsl known-providers dataset (privacy_dsl/data/known_providers.json: entities, countries and "
        "Data Privacy Framework status as of each entry's date, with sources)",
    ),
    options=KnownProviderOptions,
)
def undeclared_transfer(ctx: Context) -> Iterator[Finding]:
    """Data reaches a provider known to transfer it outside the EEA, and the notice declares no transfer.

    ## What it does
    Recognises major providers (Google, Meta, Microsoft, LinkedIn, HubSpot, Amplitude, TikTok, X,
    Pinterest, Cloudflare, Stripe, Mailchimp, Vimeo, Adobe, Salesforce, Zendesk, Intercom, Twilio
    Segment) from the shipped known-providers dataset: by a recipient's `name` or `website`, a
    cookie's `provider` text, or a cookie's `domains` (`.doubleclick.net`, `www.youtube-nocookie.com`).
    For each one whose entity or data is outside the EEA, it flags:
    - a recipient that is that provider, whose `countries` name no third country and that no
      `transfer` block names (the cookies it provides are part of that one finding);
    - the cookies (pixels, local storage, ...) of that provider that no such recipient provides,
      one finding per provider at the first cookie, naming them all; none when a recipient that
      is that provider is flagged already (it is the same undeclared transfer).

    A transfer covers the provider when it names the recipient, another recipient that is the same
    provider, or no recipient and one of the provider's countries (or none). A recipient whose
    `countries` already name a third country is TRF003's. The controller itself (a provider's own
    notice), a `category_only` recipient and a `role authority` recipient are never flagged.
    The finding implies TRF006 ("does not say where it is") on the same recipient.

    The dataset is evidence, not law: it records what each provider states about its entities and
    data locations and whether its US parent is on the Data Privacy Framework List, as of a date and
    with sources (`privacy_dsl/data/NOTICE.md`). A provider can be configured to keep data in the
    EU; say so with the `ignore-providers` option, or a suppression with the reason.

    ## Why it matters
    Art. 13(1)(f) requires the notice to say that the controller intends to transfer data to a
    third country and on which adequacy decision or safeguards it relies; any transfer must meet
    Chapter V (Art. 44). A notice that lists Google Analytics, the Meta pixel or a YouTube embed
    without a word about the United States hides the transfer those services make. The
    transparency guidelines add that the third countries should generally be named.

    ## Example
    ```privacy
    recipient google {
      name "Google Ireland Limited"
      role processor
      countries IE
      contract "Google Ads Data Processing Terms"
    }
    ```

    ## Use instead
    ```privacy
    recipient google {
      name "Google Ireland Limited"
      role processor
      countries IE
      contract "Google Ads Data Processing Terms"
    }
    transfer google_us {
      recipient google
      country US
      mechanism dpf
      certification "Google LLC on the Data Privacy Framework List, checked 2026-08-15"
    }
    ```

    ## Options
    - `ignore-providers` (default `[]`): ids of known providers (as in
      `privacy_dsl/data/known_providers.json`, e.g. `"amplitude"`) not to report, for a provider the
      controller has configured to keep the data in the EEA.

    ## References
    GDPR Art. 13(1)(f), 14(1)(f), 44; WP260 rev.01, Annex; the known-providers dataset.
    """
    opts: KnownProviderOptions = ctx.options
    ignored = {p.lower() for p in opts.ignore_providers}
    policy = ctx.policy
    transfers = list(policy.transfers.values())
    named = {t.recipient.name for t in transfers if t.recipient is not None}
    named_providers = {p.id for rid in named if rid in policy.recipients
                       if (p := known_provider(policy.recipients[rid])) is not None}
    generic = {t.country for t in transfers if t.recipient is None}
    reported: set[str] = set()  # providers reported at a recipient: their loose cookies are that fact
    for flow in known_flows(policy):
        provider, recipient = flow.provider, flow.recipient
        if provider.id in ignored or provider.id in named_providers:
            continue
        if not flow.is_recipient and provider.id in reported:
            continue
        if None in generic or generic & set(provider.third_countries()):
            continue
        if recipient is not None and (recipient.id in named
                                      or any(jur.is_third_country(c) for c in recipient.countries)):
            continue
        args = {"provider": provider.name, "entity": provider.entity, "goes": _goes(provider),
                "destinations": _destinations(provider)}
        code = provider.third_countries()[0]
        mechanism = "dpf" if provider.dpf and code == "US" else "sccs"
        evidence = f"{provider.dpf_text()}, says the known-providers dataset"
        tool = f"`country {code}` and `mechanism {mechanism}` ({evidence})"
        if recipient is not None and flow.is_recipient:
            yield Finding(recipient.span, {"recipient": recipient.id, **args}, "recipient",
                          hint=f"declare a `transfer` with `recipient {recipient.id}`, {tool}")
            reported.add(provider.id)
            continue
        first = flow.cookies[0]
        if recipient is not None:
            hint = f"declare a `transfer` with `recipient {recipient.id}`, {tool}"
        else:
            hint = f"declare the provider as a `recipient`, and a `transfer` to it with {tool}"
        span = first.span_of("provider") if first.provider else (
            first.span_of("provider_ref") if first.provider_ref is not None else first.span_of("domains"))
        if len(flow.cookies) == 1:
            yield Finding(span, {"cookie": first.label(), **args}, "cookie", hint=hint)
            continue
        labels = [c.label() for c in flow.cookies]
        shown = ", ".join(labels[:5]) + (f" and {len(labels) - 5} more" if len(labels) > 5 else "")
        yield Finding(span, {"count": str(len(labels)), "cookies": shown, **args}, "cookies", hint=hint)


# ---------------------------------------------------------------- TRF011


@rule(
    "TRF011",
    "adequacy-without-country",
    messages={
        "no-country": "transfer `{transfer}` relies on an adequacy decision but does not say for which country",
    },
    implies=("TRF007",),
    category="transfers",
    severity="warning",
    references=(
        "GDPR Art. 13(1)(f), 14(1)(f) (the existence or absence of an adequacy decision by the Commission)",
        "GDPR Art. 45(1), 45(3) (an adequacy decision is made for a third country, a territory or a specified "
        "sector within it, or an international organisation)",
        "Article 29 Working Party, Guidelines on transparency (WP260 rev.01), Annex, on Art. 13(1)(f) and "
        "14(1)(f): the third countries should generally be named",
    ),
)
def adequacy_without_country(ctx: Context) -> Iterator[Finding]:
    """A transfer that relies on an adequacy decision without naming the country it is for.

    ## What it does
    Flags a transfer with `mechanism adequacy` whose destination is not named: it has no `country`,
    and its recipient names no third country either (no `countries`, only EEA ones, or only the
    regions `ADEQUATE` and `OUTSIDE_EEA`). "Transferred to countries with an
    adequate level of protection" is such a claim. It implies TRF007 on the same transfer, which
    cannot check a decision without a country.

    ## Why it matters
    The Commission decides adequacy country by country (Art. 45(1), (3)), and Art. 13(1)(f) asks the
    notice to state whether a decision exists for the transfer. Without the country neither the
    reader nor a reviewer can tell which decision is meant or whether it exists; the transparency
    guidelines add that the third countries should generally be named.

    ## Example
    ```privacy
    transfer hosting_abroad {
      recipient hosting
      mechanism adequacy
    }
    ```

    ## Use instead
    ```privacy
    transfer hosting_abroad {
      recipient hosting
      country CH
      mechanism adequacy
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 13(1)(f), 14(1)(f), 45(1), 45(3); WP260 rev.01, Annex.
    """
    for transfer in ctx.policy.transfers.values():
        if transfer.mechanism is not Mechanism.ADEQUACY:
            continue
        if transfer.country is not None:
            continue
        recipient = ctx.policy.recipients.get(transfer.recipient.name) if transfer.recipient else None
        named = [c for c in (recipient.countries if recipient else ()) if jur.is_third_country(c)]
        if any(c not in jur.THIRD_REGIONS for c in named):
            continue
        yield Finding(transfer.span_of("mechanism"), {"transfer": transfer.id},
                      hint="add `country <code>` for each country whose adequacy decision it relies on "
                           "(one transfer block per country)")


# ---------------------------------------------------------------- TRF012


@rule(
    "TRF012",
    "recipient-unnamed",
    messages={
        "unnamed": "recipient `{recipient}` has no name: the notice neither names it nor says that it "
                   "names only a category of recipients",
    },
    category="transfers",
    severity="warning",
    references=(
        "GDPR Art. 13(1)(e), 14(1)(e) (the recipients or categories of recipients)",
        "Article 29 Working Party, Guidelines on transparency (WP260 rev.01), Annex, on Art. 13(1)(e): "
        "named recipients are what is most meaningful; categories must be as specific as possible",
    ),
)
def recipient_unnamed(ctx: Context) -> Iterator[Finding]:
    """A recipient block with neither a `name` nor `category_only`.

    ## What it does
    Flags a `recipient` without `name` whose `category_only` is not stated. Its id is a name in the
    policy, not in the notice: the published notice would show `mailer` where the reader needs
    "Mailer Inc." or "our newsletter provider". `category_only no` with no name is flagged too: a
    named recipient whose name is missing.

    ## Why it matters
    Art. 13(1)(e) asks for the recipients or categories of recipients. The transparency guidelines
    (WP260 rev.01, Annex) say the default is to name them, and that a controller giving only
    categories must make them as specific as possible. A recipient with no name is neither: the
    reader cannot tell who receives the data.

    ## Example
    ```privacy
    recipient mailer {
      role processor
    }
    ```

    ## Use instead
    ```privacy
    recipient mailer {
      name "Mailer Inc."
      role processor
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 13(1)(e), 14(1)(e); WP260 rev.01 Annex.
    """
    for recipient in ctx.policy.recipients.values():
        if recipient.name is None and not recipient.category_only:
            yield Finding(recipient.span, {"recipient": recipient.id},
                          hint="write the name the notice gives, `name \"...\"`, or `category_only yes` if it "
                               "names only a category of recipients")


RULES = (
    undeclared_recipient,
    processor_without_contract,
    transfer_without_mechanism,
    dpf_without_certification,
    sccs_without_tia,
    recipient_location_unknown,
    adequacy_not_in_force,
    recipient_without_role,
    joint_controller_without_arrangement,
    undeclared_transfer,
    adequacy_without_country,
    recipient_unnamed,
)
