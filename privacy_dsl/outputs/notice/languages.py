"""The languages a notice can be written in, and the fixed phrases of each (imported on demand)."""

from __future__ import annotations

from .phrases import Phrases

LANGUAGES = ("nb", "en")


def phrases_for(lang: str) -> Phrases:
    if lang == "nb":
        from .nb import PHRASES as NB

        return NB
    if lang == "en":
        from .en import PHRASES as EN

        return EN
    raise ValueError(f"no notice templates for language {lang!r}; available: {', '.join(LANGUAGES)}")
