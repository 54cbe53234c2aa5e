"""The fixed wording of a generated notice, one ``Phrases`` per language (``en.py``, ``nb.py``).

Every field must be filled in every language: the type checker and ``tests/test_notice.py`` see to
that, so a language can never fall back silently to another. Text that comes from the policy
(names, descriptions, how to use your rights, ...) is not here: it comes from the policy's
localised texts, and a missing translation there is reported.

Legal references are written in each language's usual citation style (``GDPR Art. 6(1)(a)`` in
English, ``personvernforordningen art. 6 nr. 1 bokstav a`` in Norwegian).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Phrases:
    lang: str
    language_name: str
    # -- document
    title: Callable[[str], str]  # controller name -> title
    updated: str
    date: Callable[[str], str]  # ISO date at day, month or year precision -> as written in this language
    version: str
    contents: str
    not_stated: str
    yes: str
    no: str
    generated: str
    # -- controller, DPO
    h_controller: str
    controller_intro: Callable[[str], str]
    name: str
    registration: str
    address: str
    country: str
    email: str
    phone: str
    website: str
    representative: str
    h_privacy_contact: str  # the heading when the policy gives no `title` of its own
    privacy_contact_intro: str
    h_dpo: str
    dpo_contact: str
    dpo_not_required: str
    # -- purposes
    h_purposes: str
    purposes_intro: str
    no_purposes: str
    legal_basis: str
    basis: dict[str, str]  # BasisKind value -> name
    basis_citation: Callable[[str], str]  # letter a-f -> citation
    legal_obligation_law: str
    legitimate_interest: str
    special_condition: str
    special_conditions: dict[str, str]  # SpecialCondition value -> wording
    special_citation: Callable[[str], str]  # letter a-j -> citation
    data: str
    subjects: str
    recipients: str
    transfers: str
    retention: str
    consent_withdraw: str
    profiling: str
    profiling_yes: str
    automated: str
    automated_yes: str
    automated_exceptions: dict[str, str]
    automated_logic: str
    automated_safeguards: str
    source: str
    # -- retention
    retention_until: Callable[[str], str]  # rendered event -> phrase
    retention_after: Callable[[str, str], str]  # duration, rendered event -> phrase
    retention_law: Callable[[str], str]  # law -> "as required by <law>"
    retention_law_unnamed: str
    retention_vague: dict[str, str]  # rule -> wording
    events_until: dict[str, str]  # event -> whole phrase after "until"
    events_after: dict[str, str]  # event -> whole phrase after "<duration> after"
    units: dict[str, tuple[str, str]]  # TimeUnit value -> (singular, plural)
    # -- categories and subjects
    h_data: str
    data_intro: str
    special_category: str
    criminal_data: str
    children_data: str
    # -- recipients and transfers
    h_recipients: str
    recipients_intro: str
    no_recipients: str
    role: str
    roles: dict[str, str]  # Role value -> wording
    countries_label: str
    h_transfers: str
    transfers_intro: str
    transfer_country: str
    transfer_recipient: str
    transfer_mechanism: str
    mechanisms: dict[str, str]  # Mechanism value -> wording with its article
    certification: str
    # -- cookies
    h_cookies: str
    cookies_intro: str
    cookie_caption: str
    cookie_columns: tuple[str, str, str, str, str, str]  # name, provider, party, purpose, expiry, consent
    parties: dict[str, str]
    session: str
    persistent_unknown: str
    storage: dict[str, str]  # StorageKind value -> wording (cookie itself is not shown)
    cookie_categories: dict[str, str]
    # -- security, rights, complaints
    h_security: str
    h_rights: str
    rights_intro: str
    rights: dict[str, str]  # Right value -> wording with its article
    rights_how: str
    no_rights: str
    h_complaints: str
    complaints_intro: str
    complaints_authority: str
    countries: dict[str, str]  # ISO code -> name in this language (English names come from the data)
    claims: dict[str, str]  # claim -> the sentence that states it
    # -- the notice itself: what it covers, where the rest is, the laws it cites, its changes
    scope_intro: str
    scope_kinds: dict[str, str]  # ScopeKind value -> wording
    h_more: str
    more_intro: str
    more_all: str  # a referred notice whose `covers` is not stated
    topics: dict[str, str]  # Topic value -> wording
    cites: str
    h_history: str
