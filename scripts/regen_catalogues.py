"""Regenerate the notice's message catalogues: the template, each language's ``.po``, its ``.mo``.

    python scripts/regen_catalogues.py           # write
    python scripts/regen_catalogues.py --check   # exit 1 if anything would change (CI)
    python scripts/regen_catalogues.py --new da  # start a language from the template

1. ``privacy_dsl/locale/notice.pot`` is written from the keys the code defines
   (``privacy_dsl.outputs.notice.catalogue.keys``), each with the English wording and its
   placeholders as a comment for translators.
2. Each ``privacy_dsl/locale/<lang>/LC_MESSAGES/notice.po`` is brought up to date with it (like
   ``msgmerge``): new keys are added untranslated, keys the code no longer has are dropped,
   translations are kept. Country names a catalogue lacks are filled from the Unicode CLDR data
   that Babel ships (marked ``# CLDR`` so a reviewer can tell them from written ones).
3. Each ``.po`` is compiled to the ``.mo`` the package reads at run time with ``gettext``.

Babel (a test and development dependency, not a run-time one) reads, merges and compiles the
catalogues: it is the well-kept implementation of the ``.po``/``.mo`` formats and of CLDR's plural
rules, which our own code would have to copy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from privacy_dsl.outputs.notice import catalogue as c  # noqa: E402

TEMPLATE = c.LOCALE_DIR / f"{c.DOMAIN}.pot"
#: A fixed date in every header, so that regenerating unchanged catalogues changes no byte.
FIXED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TEMPLATE_HEADER = """\
The wording of privacy-dsl's generated privacy notice (`privacy-dsl notice`): the template.
A message id is a key; the comment above it gives the English wording and the placeholders the
translation must keep ({name}, Python's str.format). To add a language:
python scripts/regen_catalogues.py --new <lang>, translate privacy_dsl/locale/<lang>/LC_MESSAGES/notice.po,
then python scripts/regen_catalogues.py. Say in the header which authority's model texts it follows."""


def _po_path(lang: str) -> Path:
    return c.LOCALE_DIR / lang / "LC_MESSAGES" / f"{c.DOMAIN}.po"


def _read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang, domain=c.DOMAIN)


def _po_bytes(catalog: Catalog) -> bytes:
    catalog.creation_date = catalog.revision_date = FIXED
    catalog.project, catalog.version = "privacy-dsl", "1"
    catalog.msgid_bugs_address = "https://github.com/privacy-dsl/privacy-dsl/issues"
    catalog.last_translator = catalog.last_translator if "FULL NAME" not in catalog.last_translator else ""
    buf = io.BytesIO()
    write_po(buf, catalog, width=120, sort_output=False, ignore_obsolete=True, include_previous=False)
    # Babel names itself and its version in the header: leave it out, so a newer Babel changes nothing.
    return b"".join(line for line in buf.getvalue().splitlines(keepends=True) if not line.startswith(b'"Generated-By'))


def _mo_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def template() -> Catalog:
    english = _read(_po_path("en"), "en")
    pot = Catalog(project="privacy-dsl", domain=c.DOMAIN, header_comment="\n".join(
        f"# {line}" if line else "#" for line in TEMPLATE_HEADER.splitlines()), fuzzy=False)
    for key in c.message_keys():
        msgid = (key.msgid, c.plural_id(key)) if key.plural else key.msgid
        said = english.get(key.msgid)
        words = said.string if said is not None else ""
        shown = " | ".join(words) if isinstance(words, tuple | list) else words
        comments = [f"en: {shown}"] if shown else []
        if key.placeholders:
            comments.append("keep: " + ", ".join(f"{{{p}}}" for p in key.placeholders))
        pot.add(msgid, auto_comments=comments, flags=("python-brace-format",) if key.placeholders else ())
    return pot


def merged(lang: str, pot: Catalog) -> Catalog:
    catalog = _read(_po_path(lang), lang)
    catalog.update(pot, no_fuzzy_matching=True, update_header_comment=False)
    cldr = Locale.parse(lang).territories
    for code in c.country_codes():
        message = catalog.get(f"country.{code}")
        if message is not None and not message.string and code in cldr:
            message.string = cldr[code]
            message.user_comments = ["CLDR"]
    return catalog


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is out of date")
    parser.add_argument("--new", metavar="LANG", help="start the catalogue of a new language from the template")
    args = parser.parse_args(argv)
    pot = template()
    if args.new:
        path = _po_path(args.new)
        if path.exists():
            parser.error(f"{path} exists")
        path.parent.mkdir(parents=True, exist_ok=True)
        new = Catalog(locale=args.new, project="privacy-dsl", domain=c.DOMAIN, fuzzy=False,
                      header_comment=f"# {Locale.parse(args.new).english_name} wording of the privacy notice.\n"
                                     "# Follows: <the authority's model text, with its address>")
        path.write_bytes(_po_bytes(new))
    outputs: dict[Path, bytes] = {TEMPLATE: _po_bytes(pot)}
    for po in sorted(c.LOCALE_DIR.glob(f"*/LC_MESSAGES/{c.DOMAIN}.po")):
        lang = po.parent.parent.name
        catalog = merged(lang, pot)
        outputs[po] = _po_bytes(catalog)
        outputs[po.with_suffix(".mo")] = _mo_bytes(_read_bytes(outputs[po], lang))
    stale = [path for path, data in outputs.items() if not path.exists() or not _same(path, data)]
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_bytes(outputs[path])
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


def _meaning(data: bytes, mo: bool) -> list[tuple[object, ...]]:
    """What a catalogue says, not how a Babel version lays it out: its header comment and every
    message with its translation, flags and comments (a ``.mo``: its messages)."""
    if mo:
        return [(m.id, m.string) for m in read_mo(io.BytesIO(data)) if m.id]
    catalog = read_po(io.BytesIO(data))
    return [(catalog.header_comment,), *((m.id, m.string, sorted(m.flags), m.auto_comments, m.user_comments)
                                          for m in catalog if m.id)]


def _same(path: Path, data: bytes) -> bool:
    """Whether ``path`` already says what ``data`` says (so another Babel's layout is not a change)."""
    old = path.read_bytes()
    return old == data or _meaning(old, path.suffix == ".mo") == _meaning(data, path.suffix == ".mo")


def _read_bytes(data: bytes, lang: str) -> Catalog:
    """The catalogue as the ``.po`` written says it (what is compiled is what is reviewed)."""
    return read_po(io.BytesIO(data), locale=lang, domain=c.DOMAIN)


if __name__ == "__main__":
    sys.exit(main())
