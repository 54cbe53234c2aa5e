"""Where GDPR Chapter V applies: the EEA, and the countries with a Commission adequacy decision.

Country codes are ISO 3166-1 alpha-2 (the codes the language accepts). The tables are data, kept
here so that rules and queries look them up in one place:

* ``EEA``: the 27 EU member states, their territories with their own ISO code where EU law
  applies, and the three EEA EFTA states (Iceland, Liechtenstein, Norway). A transfer to any of
  them is not a transfer to a third country (GDPR Art. 44; EEA Agreement, Annex XI as amended by
  EEA Joint Committee Decision No 154/2018).
* ``ADEQUACY``: Commission adequacy decisions (Art. 45(3) GDPR, or Art. 25(6) of Directive 95/46/EC
  kept in force by Art. 45(9) GDPR), with decision number and date. Sources: the Commission's list
  "Adequacy decisions" (commission.europa.eu) and the Official Journal. Where a date or number
  could not be checked against the Official Journal, the note says "(not verified)".

Adequacy decisions reach the EEA EFTA states only once the EEA Joint Committee incorporates them;
until then Norway, Iceland and Liechtenstein may have to treat the country as a third country
without adequacy. ``Adequacy.eea_note`` records what is known.

The list changes: a new decision can be added without a release through the TRF007 option
``additional-adequate``; review this module when the Commission adopts, renews or withdraws one.
"""

from __future__ import annotations

from ..records import dataclass

#: EU member states (ISO 3166-1 alpha-2; Greece is GR, not the EU's own "EL").
EU_MEMBER_STATES: frozenset[str] = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})

#: Territories with their own ISO code that are part of the EU: Åland (Finland; TFEU Art. 355(4))
#: and the French outermost regions (TFEU Art. 349, 355(1)). The Faroe Islands and Greenland
#: (Denmark) and the Channel Islands and Isle of Man are *not* in the EU.
EU_TERRITORIES: frozenset[str] = frozenset({"AX", "GF", "GP", "MQ", "RE", "YT", "MF"})

#: EEA EFTA states: the GDPR applies through the EEA Agreement (Annex XI).
EEA_EFTA_STATES: frozenset[str] = frozenset({"IS", "LI", "NO"})

EEA: frozenset[str] = EU_MEMBER_STATES | EU_TERRITORIES | EEA_EFTA_STATES

#: Regions a notice names instead of countries ("EU based only", "within the EU/EEA"), accepted by
#: a recipient's `countries` beside ISO codes: each stands for every country it covers, so data
#: sent there stays inside the EEA and Chapter V does not apply (GDPR Art. 44). A region outside
#: the EEA ("outside the EU", "countries with adequate protection") names no country a rule could
#: check, so it is not a region here.
REGIONS: dict[str, frozenset[str]] = {
    "EU": EU_MEMBER_STATES | EU_TERRITORIES,
    "EEA": EEA,
}


@dataclass(frozen=True, slots=True)
class Adequacy:
    """One Commission adequacy decision."""

    country: str
    decision: str
    date: str  # date of adoption, ISO format
    #: Whom it covers when it does not cover the whole country (a "partial" decision).
    scope: str | None = None
    #: Only organisations on a public list are covered (the EU-US Data Privacy Framework).
    requires_certification: bool = False
    note: str | None = None
    eea_note: str | None = None

    @property
    def reference(self) -> str:
        return f"{self.decision} of {self.date}"


_DECISIONS = (
    Adequacy("AD", "Commission Decision 2010/625/EU", "2010-10-19"),
    Adequacy("AR", "Commission Decision 2003/490/EC", "2003-06-30"),
    Adequacy("BR", "Commission Implementing Decision (EU) 2026/179", "2026-01-26",
             eea_note="EEA incorporation was pending in May 2026 (draft EEA Joint Committee decision "
                      "sent 6 May 2026); check before relying on it from Iceland, Liechtenstein or "
                      "Norway (not verified)"),
    Adequacy("CA", "Commission Decision 2002/2/EC", "2001-12-20",
             scope="commercial organisations subject to PIPEDA (Personal Information Protection and "
                   "Electronic Documents Act)"),
    Adequacy("CH", "Commission Decision 2000/518/EC", "2000-07-26"),
    Adequacy("FO", "Commission Decision 2010/146/EU", "2010-03-05"),
    Adequacy("GB", "Commission Implementing Decision (EU) 2021/1772", "2021-06-28",
             note="extended to 27 December 2025 in June 2025, then renewed on 19 December 2025 until "
                  "27 December 2031 (decision numbers of the extension and renewal not verified)"),
    Adequacy("GG", "Commission Decision 2003/821/EC", "2003-11-21"),
    Adequacy("IL", "Commission Decision 2011/61/EU", "2011-01-31",
             scope="automated international transfers and non-automated processing subject to "
                   "further automated processing in Israel"),
    Adequacy("IM", "Commission Decision 2004/411/EC", "2004-04-28"),
    Adequacy("JE", "Commission Decision 2008/393/EC", "2008-05-08"),
    Adequacy("JP", "Commission Implementing Decision (EU) 2019/419", "2019-01-23",
             scope="personal information handling business operators subject to the APPI, with the "
                   "Supplementary Rules"),
    Adequacy("KR", "Commission Implementing Decision (EU) 2022/254", "2021-12-17",
             scope="entities subject to the Personal Information Protection Act (PIPA)"),
    Adequacy("NZ", "Commission Implementing Decision 2013/65/EU", "2012-12-19"),
    Adequacy("US", "Commission Implementing Decision (EU) 2023/1795", "2023-07-10",
             scope="organisations self-certified under the EU-US Data Privacy Framework",
             requires_certification=True,
             note="the Data Privacy Framework; check the organisation on the DPF List "
                  "(dataprivacyframework.gov)"),
    Adequacy("UY", "Commission Implementing Decision 2012/484/EU", "2012-08-21"),
)

ADEQUACY: dict[str, Adequacy] = {a.country: a for a in _DECISIONS}

#: Regions outside the EEA a recipient's `countries` accepts when a notice names no country:
#: "outside the EU/EEA" (a third country, which one not said: Chapter V applies, no adequacy can be
#: assumed) and "countries with an adequacy decision" (Art. 45: the list in ``ADEQUACY``, as of the
#: latest decision in it). Neither is an EEA region, so every transfer rule still applies.
THIRD_REGIONS: dict[str, str] = {
    "OUTSIDE_EEA": "a country outside the EU/EEA",
    "ADEQUATE": "the countries with an EU adequacy decision",
}
#: What ``adequacy("ADEQUATE")`` answers: the decisions as a whole, not a country's.
ADEQUATE_REGION = Adequacy(
    "ADEQUATE", "the Commission's adequacy decisions (GDPR Art. 45(3))", max(a.date for a in _DECISIONS),
    note="the notice does not name the countries; the list is the one in privacy_dsl/language/jurisdictions.py")

#: Decisions that were annulled and must not be relied on (for messages that explain why).
INVALIDATED: dict[str, str] = {
    "safe_harbor": "Commission Decision 2000/520/EC (Safe Harbour), invalidated by CJEU C-362/14 Schrems "
                   "(6 October 2015)",
    "privacy_shield": "Commission Implementing Decision (EU) 2016/1250 (Privacy Shield), invalidated by CJEU "
                      "C-311/18 Schrems II (16 July 2020)",
}


def is_eea(code: str | None) -> bool:
    """Whether the country (or region, ``EU``/``EEA``) is in the EEA (the GDPR applies there;
    Chapter V does not)."""
    return code is not None and (code.upper() in EEA or code.upper() in REGIONS)


def is_third_country(code: str | None) -> bool:
    """Whether sending data to the country is a transfer under GDPR Chapter V."""
    return code is not None and not is_eea(code)


def adequacy(code: str | None) -> Adequacy | None:
    """The adequacy decision for the country, if any (including the US Data Privacy Framework)."""
    if code and code.upper() == "ADEQUATE":
        return ADEQUATE_REGION
    return ADEQUACY.get(code.upper()) if code else None


def has_adequacy(code: str | None, *, include_certified: bool = False) -> bool:
    """Whether a Commission adequacy decision covers the country.

    The US decision (the Data Privacy Framework) covers only certified organisations, so it
    counts only with ``include_certified=True``.
    """
    decision = adequacy(code)
    if decision is None:
        return False
    return include_certified or not decision.requires_certification
