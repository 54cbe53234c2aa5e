"""The message catalogues of the generated notice: ``<lang>/LC_MESSAGES/notice.po`` (the wording,
edited by people), ``notice.mo`` (compiled by ``scripts/regen_catalogues.py``, read at run time
with ``gettext``), and the template ``notice.pot``. Kept free of imports so that ``--help`` can
list the languages without loading the model."""

from __future__ import annotations

from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent
DOMAIN = "notice"


def available() -> tuple[str, ...]:
    """The languages with a compiled catalogue, sorted: what ``privacy-dsl notice --lang`` accepts."""
    return tuple(sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")))
