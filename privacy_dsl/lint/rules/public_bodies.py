"""Whether a controller is plainly a public body, from what the notice says of it: its name, its
registration, its e-mail or website domain.

A notice rarely says "we are a public authority" in so many words; it names the controller: a
ministry, a directorate, a municipality, a state school. The words below are the usual ones in the
languages of the EEA (and of the corpus). They are a heuristic, not law: whether a body is a
"public authority or body" (GDPR Art. 6(1) last subparagraph, 37(1)(a)) is for national law to
say, and the EDPB/WP29 guidelines on DPOs (WP243 rev.01, section 2.1.1) leave it there. So a
name that has a company form ("AS", "GmbH", "Ltd", "e.V.") is never read as a public body, and an
explicit ``public_authority no`` always wins (``lawfulness.public_authority_legitimate_interests``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...language import model as m
from ...records import dataclass

#: Words (regular expressions, case-insensitive) that name a public body, as parts of words where
#: the language writes compounds ("Digitaliseringsdirektoratet", "Georg-Cantor-Gymnasium").
PUBLIC_BODY_WORDS: tuple[str, ...] = (
    # ministries and government departments
    r"\bministry\b", r"minist(?:erium|eriet|erie|ero|erio|ère|eriö)\b", r"departementet\b",
    r"\bdepartment (?:of|for)\b",
    # agencies and directorates
    r"\bdirectorate\b", r"direktorat(?:et)?\b", r"\bdirection générale\b", r"myndighet(?:en)?\b", r"behörde\b",
    r"(?:bundes|landes)amt\b", r"styrelsen\b", r"virasto\b", r"\bagentschap\b", r"tilsynet\b",
    r"\bpublic (?:authority|body)\b", r"öffentlichen rechts\b",
    # municipalities and regions
    r"\bmunicipality\b", r"\b(?:city|county|borough|district|parish|town) council\b", r"kommun(?:e|en)?\b",
    r"gemeinde\b", r"\bgemeente\b", r"kunta\b", r"\bkaupunki\b", r"\bmairie\b",
    r"\bcommune de\b", r"\bcomune di\b", r"\bayuntamiento\b", r"\bstadtverwaltung\b", r"\blandkreis\b",
    # universities and schools
    r"\buniversity\b", r"universit(?:ät|et(?:et)?|eit|é|à|ad|at)\b", r"yliopisto\b", r"hochschule\b",
    r"h[øo]g?y?skole(?:n)?\b", r"högskola(?:n)?\b", r"\bhogeschool\b", r"\bschool\b", r"schule\b", r"gymnasium\b",
    r"skole(?:n)?\b", r"skola(?:n)?\b", r"koulu\b", r"\blukio\b", r"\blycée\b", r"\bliceo\b", r"\bscuola\b",
    # parliaments and the police
    r"\bparliament\b", r"\bhouse of (?:commons|lords)\b", r"\bbundestag\b", r"\bstorting(?:et)?\b",
    r"\briksdag(?:en)?\b", r"\bpolice\b", r"\bpolitiet\b", r"\bpolizei\b", r"\bpolisen\b",
)

#: Domains (of the controller's e-mail or website) that only public bodies are given.
PUBLIC_BODY_DOMAINS: tuple[str, ...] = (
    "gov", "gov.uk", "parliament.uk", "nhs.uk", "gouv.fr", "bund.de", "gv.at", "europa.eu", "kommune.no",
    "gov.pl", "gob.es", "gov.it", "overheid.nl", "admin.ch",
)

#: A company or association form: such a controller is not read as a public body by its name.
_COMPANY_FORM = re.compile(
    r"(?:^|[\s,(])(?:AS|ASA|AB|ApS|A/S|GmbH|AG|KG|UG|Ltd\.?|Limited|LLC|Inc\.?|PLC|SAS|SARL|S\.A\.|SA|S\.r\.l\.|"
    r"Srl|S\.p\.A\.|SpA|B\.V\.|BV|N\.V\.|NV|Oy|Oyj|e\.\s?V\.|ry|rf|ODV|APS|ONLUS)(?=$|[\s,)])")
#: A Swedish organisation number whose first digit is 2: the state, a region, a municipality or a
#: parish (Skatteverket, "Organisationsnummer", SKV 709; edition not verified).
_SE_PUBLIC_ORGNR = re.compile(r"(?<!\d)2\d{5}-?\d{4}(?!\d)")


@dataclass(frozen=True, slots=True)
class Evidence:
    """What says a controller is a public body: the field (``name``, ``registration``, ``email``,
    ``website``) and the text that does."""

    field: str
    text: str


def _host(value: str) -> str:
    value = value.strip().lower()
    value = value.split("@", 1)[1] if "@" in value else re.sub(r"^[a-z][a-z0-9+.-]*://", "", value)
    return value.split("/", 1)[0].split(":", 1)[0].rstrip(".")


def public_body(controller: m.Controller, words: Iterable[str] = PUBLIC_BODY_WORDS,
                domains: Iterable[str] = PUBLIC_BODY_DOMAINS) -> Evidence | None:
    """What in the notice says ``controller`` is a public body, or None. Its name and registration
    are read for ``words``; its e-mail and website for ``domains``; a Swedish registration for an
    organisation number of the public sector. Nothing is read from a name with a company form."""
    if _COMPANY_FORM.search(controller.name):
        return None
    texts = [("name", controller.name), ("registration", controller.registration or "")]
    for word in words:
        pattern = re.compile(word, re.I)
        for field, text in texts:
            if (found := pattern.search(text)) is not None:
                return Evidence(field, found.group(0).strip())
    swedish = controller.country == "SE" or (controller.registration or "").strip().upper().startswith("SE")
    if swedish and (found := _SE_PUBLIC_ORGNR.search(controller.registration or "")) is not None:
        return Evidence("registration", found.group(0))
    suffixes = tuple(domains)
    for field, value in (("email", controller.email), ("website", controller.website)):
        host = _host(value) if value else ""
        if host and any(host == d or host.endswith("." + d) for d in suffixes):
            return Evidence(field, host)
    return None
