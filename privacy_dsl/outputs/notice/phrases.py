"""The fixed wording of a generated notice, one ``Phrases`` per language, built from the language's
message catalogue (``catalogue.py``; the wording itself is in ``privacy_dsl/locale``).

Every field must be filled in every language: ``tests/test_notice.py`` checks that every catalogue
has every key, so a language can never fall back silently to another. Text that comes from the policy
(names, descriptions, how to use your rights, ...) is not here: it comes from the policy's
localised texts, and a missing translation there is reported.

Legal references are written in each language's usual citation style (``GDPR Art. 6(1)(a)`` in
English, ``personvernforordningen art. 6 nr. 1 bokstav a`` in Norwegian).
"""

from __future__ import annotations

from collections.abc import Callable

from ...records import dataclass


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
    bases_intro: str  # before the bases the notice lists for the whole notice (policy { bases ... })
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
    # -- how consent is asked (a purpose's consent, the cookies' consent)
    consent_how: str  # the label of how consent is asked, for a mechanism that gives consent
    consent_methods: dict[str, str]  # ConsentMethod value -> wording
    #: For a mechanism the linter calls no consent (``ConsentMechanism.invalid_methods``): the label,
    #: and what the notice says in place of "yes", before what the mechanism really does.
    consent_label: str
    consent_not_asked: str
    consent_unstated: str  # the cookie table's cell for a mechanism that does not say how it asks
    consent_shown_in: str
    consent_given_on: str
    consent_refusal: str
    consent_condition_yes: str  # condition_of_service: a wall
    consent_degrades: str  # refusal_degrades_service: the service may not work fully
    consent_no_effect: str  # either said no
    consent_withdraw_via: str
    withdraw_routes: dict[str, str]  # WithdrawRoute value -> wording
    cookie_consent_intro: str
    cookie_no_consent_intro: str  # the same, when a mechanism the cookies rely on gives no consent
    profiling: str
    profiling_yes: str
    automated: str
    automated_yes: str
    automated_exceptions: dict[str, str]
    automated_logic: str
    automated_safeguards: str
    source: str
    received_from: str  # a category's sources that are recipients (Art. 14(2)(f))
    receives: str  # what a recipient receives
    identifiability: dict[str, str]  # identified | pseudonymous | anonymous -> how the notice says it
    only_when: str  # when data reaches a recipient at all
    # -- retention
    retention_until: Callable[[str], str]  # rendered event -> phrase
    retention_after: Callable[[str, str], str]  # duration, rendered event -> phrase
    retention_law: Callable[[str], str]  # law -> "as required by <law>"
    retention_law_unnamed: str
    retention_up_to: Callable[[str], str]  # rendered duration -> "up to <duration>"
    retention_law_permits: Callable[[str], str]  # law -> "as long as <law> permits"
    retention_law_permits_unnamed: str
    retention_criteria: str  # put before the policy's criteria text
    retention_archive: Callable[[str | None], str]  # law or basis (or None) -> archiving phrase, Art. 89(1)
    retention_other: str  # the data a per-category retention does not name
    retention_vague: dict[str, str]  # rule -> wording
    events_until: dict[str, str]  # event -> whole phrase after "until"
    events_after: dict[str, str]  # event -> whole phrase after "<duration> after"
    unit: Callable[[str, int], str]  # TimeUnit value, amount -> "2 days" (the language's plural forms)
    # -- categories and subjects
    h_data: str
    data_intro: str
    special_category: str
    criminal_data: str
    children_data: str
    # -- recipients and transfers
    h_recipients: str
    recipients_intro: str
    recipients_categories_intro: str  # the intro when some recipients are categories of recipients
    recipient_category: str  # said of a recipient the notice names only as a category
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
    #: name, provider, party, category, purpose, expiry, consent
    cookie_columns: tuple[str, str, str, str, str, str, str]
    parties: dict[str, str]
    session: str
    persistent_unknown: str
    never_expires: str  # `expiry never`: storage that does not expire
    expiry_range: Callable[[str, str], str]  # shortest, longest -> "30 seconds to 1 year"
    unnamed: str  # the name cell of a cookie the notice does not name
    storage: dict[str, str]  # StorageKind value -> wording (cookie itself is not shown)
    cookie_categories: dict[str, str]
    # -- the consent banner (`export --format klaro | cookieconsent`): its fixed wording
    banner_title: str
    banner_intro: str  # the first layer: what is asked, that refusing is as easy, and that it can be changed
    banner_accept_all: str
    banner_reject_all: str
    banner_choose: str  # opens the second layer
    banner_save: str
    banner_close: str
    banner_preferences_title: str
    banner_preferences_intro: str
    banner_necessary: str  # the description of the strictly necessary category
    banner_other: str  # the category of cookies the policy gives no category
    banner_always_on: str  # said of a category or service that cannot be turned off
    banner_toggle_all: str  # a switch for every service at once
    banner_service: str
    banner_services: str
    banner_domain: str  # the cookie table's domain column
    banner_changed: str  # shown when the cookies changed since the visitor's last choice
    banner_privacy_notice: str  # the link to the privacy notice
    banner_more: str  # put before that link
    # -- security, rights, complaints
    h_security: str
    h_rights: str
    rights_intro: str
    rights: dict[str, str]  # Right value -> wording with its article
    rights_limited: str  # "limited": a right offered with a limit
    rights_denied_intro: str  # before the rights the notice says do not apply
    rights_for: str  # "for" + the purposes a limit or denial is said of
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
