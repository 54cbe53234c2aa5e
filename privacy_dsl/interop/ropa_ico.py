"""The ICO's column set for the controller's record: ``export --format ropa --template ico``.

The template: the Information Commissioner's Office (UK), *Documentation template for controllers*,
``gdpr-documentation-controller-template.xlsx``
(https://ico.org.uk/media2/migrated/2172937/gdpr-documentation-controller-template.xlsx), from its guidance
*How do we document our processing activities?* (the template is "not mandatory"). Its sheet ``Template``
has the controller's, the DPO's and the representative's contact details in rows 1-6 and the column
headings in row 9, columns A to AD; the 30 headings below are that row verbatim, in its order, as quoted
in a public research note read 2026-08-28 and corroborated by ethyca/fides' own ROPA export, whose column
labels follow the same template. The spreadsheet itself could not be downloaded here; the layout of
rows 1-6 (which label in which cell) is this module's, only the header row's place and wording are the
template's.

The template is for UK GDPR and the Data Protection Act 2018. Columns 1-25 map onto EU GDPR Art. 30(1)
(and Art. 6, 9, 13-22 for the optional ones); columns 26-30 record the "appropriate policy document" of
DPA 2018 Sch. 1 Part 4, which has no counterpart in EU law: they read "not applicable (UK DPA 2018)",
unless the controller's ``country`` is GB, where they read "not stated" (the language has no Sch. 1
conditions to fill them with).

Findings: the columns that carry an Art. 30(1) item (``REQUIRED``: the purpose, the joint controller,
individuals, personal data, recipients, transfers and their safeguards, retention, security; and the
contact block, item (a)) show the same cells as the ``article30`` template and so the same findings
(EXP010-EXP023), reported once per fact by ``ropa.build`` whichever template is chosen. The other
columns are optional (the template's blue headings) or facts the language does not hold (a DPIA's
progress, breach records, links to contracts): they read "not stated" and are not reported.
"""

from __future__ import annotations

from typing import Any

from ..language import model as m

#: A cell of the record: its lines (``ropa.Cell``, which is this alias: ``ropa`` imports this module).
Cell = tuple[str, ...]
#: The record's builder, ``ropa._Builder``: not imported, as ``ropa`` imports this module (no cycle).
_Builder = Any

#: The template, named exactly.
TEMPLATE = ("ICO, Documentation template for controllers (gdpr-documentation-controller-template.xlsx, "
            "https://ico.org.uk/media2/migrated/2172937/gdpr-documentation-controller-template.xlsx), "
            "sheet `Template`, row 9, columns A-AD (UK GDPR; headings as quoted in a public research note "
            "read 2026-08-28, corroborated by ethyca/fides' ROPA export labels)")

#: The row of the header in the template's sheet, and the rows of the contact block above it.
HEADER_ROW = 9

#: The template's columns, in order (keys).
COLUMNS = ("business_function", "purpose", "joint_controller", "individuals", "personal_data", "recipients",
           "processor_contract", "countries", "safeguards", "retention", "security", "article6", "article9",
           "legitimate_interests", "lia", "rights", "automated", "source", "consent_record", "location",
           "dpia_required", "dpia_progress", "dpia_link", "breach", "breach_link", "dpa_condition",
           "dpa_article6", "retention_policy", "retention_followed", "retention_deviation")

#: The columns that carry an item of Art. 30(1) (the findings of the ``article30`` template apply).
REQUIRED = frozenset({"purpose", "joint_controller", "individuals", "personal_data", "recipients", "countries",
                      "safeguards", "retention", "security"})

#: The columns of DPA 2018 Sch. 1 (UK only).
UK_ONLY = frozenset({"dpa_condition", "dpa_article6", "retention_policy", "retention_followed",
                     "retention_deviation"})

HEADINGS: dict[str, tuple[str, ...]] = {
    # Verbatim, from the template (sheet `Template`, row 9).
    "en": (
        "1. Business function",
        "2. Purpose of processing",
        "3. Name and contact details of joint controller (if applicable)",
        "4. Categories of individuals",
        "5. Categories of personal data",
        "6. Categories of recipients",
        "7. Link to contract with processor",
        "8. Names of third countries or international organisations that personal data are transferred to "
        "(if applicable)",
        "9. Safeguards for exceptional transfers of personal data to third countries or international "
        "organisations (if applicable)",
        "10. Retention schedule (if possible)",
        "11. General description of technical and organisational security measures (if possible)",
        "12. Article 6 lawful basis for processing personal data",
        "13. Article 9 condition for processing special category data",
        "14. Legitimate interests for the processing (if applicable)",
        "15. Link to record of legitimate interests assessment (if applicable)",
        "16. Rights available to individuals",
        "17. Existence of automated decision-making, including profiling (if applicable)",
        "18. The source of the personal data (if applicable)",
        "19. Link to record of consent",
        "20. Location of personal data",
        "21. Data Protection Impact Assessment required?",
        "22. Data Protection Impact Assessment progress",
        "23. Link to Data Protection Impact Assessment",
        "24. Has a personal data breach occurred?",
        "25. Link to record of personal data breach",
        "26. Data Protection Act 2018 Schedule 1 Condition for processing",
        "27. GDPR Article 6 lawful basis for processing",
        "28. Link to retention and erasure policy document",
        "29. Is personal data retained and erased in accordance with the policy document?",
        "30. Reasons for not adhering to policy document (if applicable)",
    ),
    # A translation of the above (the template is in English only); GDPR terms as in the Norwegian text
    # of the regulation (personopplysningsloven § 1).
    "nb": (
        "1. Virksomhetsfunksjon",
        "2. Formålet med behandlingen",
        "3. Navn og kontaktopplysninger til felles behandlingsansvarlig (hvis aktuelt)",
        "4. Kategorier av enkeltpersoner",
        "5. Kategorier av personopplysninger",
        "6. Kategorier av mottakere",
        "7. Lenke til avtale med databehandler",
        "8. Navn på tredjestater eller internasjonale organisasjoner som personopplysninger overføres til "
        "(hvis aktuelt)",
        "9. Garantier for overføringer av personopplysninger i unntakstilfeller til tredjestater eller "
        "internasjonale organisasjoner (hvis aktuelt)",
        "10. Oppbevaringsplan (hvis mulig)",
        "11. Generell beskrivelse av tekniske og organisatoriske sikkerhetstiltak (hvis mulig)",
        "12. Behandlingsgrunnlag etter artikkel 6 for behandling av personopplysninger",
        "13. Vilkår etter artikkel 9 for behandling av særlige kategorier av personopplysninger",
        "14. Berettigede interesser for behandlingen (hvis aktuelt)",
        "15. Lenke til dokumentasjon av interesseavveiningen (hvis aktuelt)",
        "16. Rettigheter enkeltpersoner har",
        "17. Forekomst av automatiserte avgjørelser, herunder profilering (hvis aktuelt)",
        "18. Kilden til personopplysningene (hvis aktuelt)",
        "19. Lenke til dokumentasjon av samtykke",
        "20. Hvor personopplysningene befinner seg",
        "21. Kreves en vurdering av personvernkonsekvenser (DPIA)?",
        "22. Status for vurderingen av personvernkonsekvenser (DPIA)",
        "23. Lenke til vurderingen av personvernkonsekvenser (DPIA)",
        "24. Har det skjedd et brudd på personopplysningssikkerheten?",
        "25. Lenke til dokumentasjon av brudd på personopplysningssikkerheten",
        "26. Vilkår for behandling etter Data Protection Act 2018 Schedule 1",
        "27. Behandlingsgrunnlag etter personvernforordningen artikkel 6",
        "28. Lenke til dokument med retningslinjer for oppbevaring og sletting",
        "29. Oppbevares og slettes personopplysningene i samsvar med retningslinjedokumentet?",
        "30. Årsaker til avvik fra retningslinjedokumentet (hvis aktuelt)",
    ),
}

#: The record's own words for this template.
WORDS: dict[str, dict[str, str]] = {
    "en": {"uk_only": "not applicable (UK DPA 2018)", "controller_label": "Controller",
           "dpo_label": "Data protection officer", "representative_label": "Representative", "name": "Name",
           "address": "Address", "email": "Email", "telephone": "Telephone", "other": "Other contact details",
           "no_automated": "no automated decision-making declared"},
    "nb": {"uk_only": "ikke aktuelt (britisk DPA 2018)", "controller_label": "Behandlingsansvarlig",
           "dpo_label": "Personvernombud", "representative_label": "Representant", "name": "Navn",
           "address": "Adresse", "email": "E-post", "telephone": "Telefon", "other": "Andre kontaktopplysninger",
           "no_automated": "ingen automatiserte avgjørelser oppgitt"},
}


def contact_block(b: _Builder) -> tuple[tuple[str, ...], ...]:
    """Rows 1-6 above the header: a heading row (controller, DPO, representative), then name, address,
    email, telephone and the other contact details of each (Art. 30(1)(a)); "not stated" where absent."""
    w, ns = WORDS[b.lang], b.p.not_stated
    controller = b.policy.controller
    who: list[m.Controller | m.Dpo | m.Representative | None] = [
        controller, controller.dpo if controller else None, controller.representative if controller else None]

    def value(node: object, attr: str) -> str:
        got = getattr(node, attr, None) if node is not None else None
        return str(got) if got else ns

    def other(node: object) -> str:
        lines = [f"{getattr(b.p, a)}: {b.country(v) if a == 'country' else v}"
                 for a in ("registration", "country", "website") if (v := getattr(node, a, None))]
        if isinstance(node, m.Dpo) and node.required is False:
            lines.append(b.p.dpo_not_required)
        return "; ".join(lines) or (b.w["none"] if node is not None else ns)

    rows: list[tuple[str, ...]] = [("", w["controller_label"], w["dpo_label"], w["representative_label"])]
    for label, attr in (("name", "name"), ("address", "address"), ("email", "email"), ("telephone", "phone")):
        cells = [value(node, attr) for node in who]
        if controller is not None and controller.representative is None:
            cells[2] = b.w["none"]
        rows.append((w[label], *cells))
    rows.append((w["other"], *(other(node) if node is not None else
                               (b.w["none"] if i == 2 and controller is not None else ns)
                               for i, node in enumerate(who))))
    return tuple(rows)


def row(b: _Builder, ident: str, purpose: m.Purpose, article30: dict[str, Cell]) -> tuple[Cell, ...]:
    """One purpose's row of the ICO template; ``article30`` the cells (already built and reported) of the
    Art. 30 columns, by ``ropa.CONTROLLER_COLUMNS`` key."""
    p, w, ns = b.p, WORDS[b.lang], b.not_stated()
    policy = b.policy
    transfers = [t for r in purpose.transfers if (t := policy.transfers.get(r.name)) is not None]
    countries = tuple(dict.fromkeys(b.country(t.country) if t.country else f"{p.country}: {p.not_stated}"
                                    for t in transfers))
    # The safeguards: each transfer's line (country, recipient, tool, TIA, documentation), as in article30.
    safeguards = article30["transfers"]
    contracts = tuple(f"{b.name(rec, r.name, 'recipient')}: {rec.contract}" for r in purpose.recipients
                      if (rec := policy.recipients.get(r.name)) is not None and rec.role is m.Role.PROCESSOR
                      and rec.contract)
    bases = tuple(b.plain(b.notice.basis(basis, ident)) for basis in purpose.bases)
    interests = tuple(text for basis in purpose.bases
                      if basis.basis is m.BasisKind.LEGITIMATE_INTERESTS
                      and (text := b.text(basis.interest, basis.span_of("interest"), f"purpose `{ident}` interest")))
    lia = tuple(basis.balancing_test for basis in purpose.bases if basis.balancing_test)
    legitimate = any(basis.basis is m.BasisKind.LEGITIMATE_INTERESTS for basis in purpose.bases)
    uk = policy.controller is not None and policy.controller.country == "GB"
    none = (b.w["none"],)
    cells: dict[str, Cell] = {
        "purpose": (*article30["activity"], *(d for d in article30["purpose"] if d not in article30["activity"])),
        "joint_controller": article30["joint_controllers"],
        "individuals": article30["data_subjects"],
        "personal_data": article30["personal_data"],
        "recipients": article30["recipients"],
        "processor_contract": contracts or ns,
        "countries": countries or none,
        "safeguards": safeguards,
        "retention": article30["erasure"],
        "security": article30["security"],
        "article6": bases or ns,
        "article9": _special(b, purpose),
        "legitimate_interests": interests or (ns if legitimate else none),
        "lia": lia or (ns if legitimate else none),
        "rights": _rights(b, ident),
        "automated": _automated(b, ident, purpose, w["no_automated"]),
        "source": _source(b, ident, purpose),
        "consent_record": ns,
    }
    for key in UK_ONLY:
        cells[key] = ns if uk else (w["uk_only"],)
    return tuple(cells.get(key, ns) for key in COLUMNS)


def _special(b: _Builder, purpose: m.Purpose) -> Cell:
    cond = purpose.special_condition
    special = any((c := b.policy.categories.get(r.name)) is not None and c.special is not None
                  for r in purpose.categories)
    if cond is None:
        return b.not_stated() if special else (b.w["none"],)
    letter = "abcdefghij"[list(m.SpecialCondition).index(cond.condition)]
    text = f"{b.p.special_conditions[cond.condition.value]} ({b.p.special_citation(letter)})"
    return (text + (f"; {cond.citation}" if cond.citation else ""),)


def _rights(b: _Builder, ident: str) -> Cell:
    """The rights the policy offers, less those denied for this purpose (or for all), each limit noted."""
    rights = b.policy.rights
    if rights is None or not rights.offered:
        return tuple(b.not_stated())

    def applies(r: m.RightRestriction) -> bool:
        return not r.purposes or any(ref.name == ident for ref in r.purposes)

    denied = {right for r in rights.denied if applies(r) for right in r.rights}
    limited = {right for r in rights.limited if applies(r) for right in r.rights}
    return tuple(b.p.rights[right.value] + (f" ({b.p.rights_limited})" if right in limited else "")
                 for right in rights.offered if right not in denied) or b.not_stated()


def _automated(b: _Builder, ident: str, purpose: m.Purpose, none: str) -> Cell:
    auto, lines = purpose.automated_decisions, []
    if purpose.profiling:
        lines.append(b.p.profiling_yes)
    if auto is not None and auto.present:
        lines.append(b.p.automated_yes)
        if auto.exception is not None:
            lines.append(b.p.automated_exceptions[auto.exception.value])
        for label, text, what in ((b.p.automated_logic, auto.logic, "logic"),
                                  (b.p.automated_safeguards, auto.safeguards, "safeguards")):
            got = b.text(text, auto.span_of(what), f"purpose `{ident}` automated-decision {what}")
            if got:
                lines.append(f"{label}: {got}")
    if lines:
        return tuple(lines)
    if purpose.profiling is False or (auto is not None and not auto.present):
        return (none,)
    return tuple(b.not_stated())


def _source(b: _Builder, ident: str, purpose: m.Purpose) -> Cell:
    """The purpose's ``source``, else each category's ``source`` or the recipients it is received from."""
    own = b.text(purpose.source, purpose.span_of("source"), f"purpose `{ident}` source")
    if own:
        return (own,)
    lines = []
    for ref in purpose.categories:
        category = b.policy.categories.get(ref.name)
        if category is None:
            continue
        label = b.name(category, ref.name, "category")
        text = b.text(category.source, category.span_of("source"), f"category `{ref.name}` source")
        senders = [b.name(b.policy.recipients.get(r.name), r.name, "recipient") for r in category.received_from]
        if text or senders:
            lines.append(f"{label}: " + "; ".join(x for x in (text, ", ".join(senders)) if x))
    return tuple(lines) or b.not_stated()
