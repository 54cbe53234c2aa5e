"""Reference data shipped with the package: the fideslang taxonomy and ISO 3166-1 countries.

Loaded lazily, once. See ``data/NOTICE.md`` for sources and licences and ``scripts/`` for the
scripts that regenerate the files.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any


@cache
def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((Path(__file__).parents[1] / "data" / name).read_text("utf-8"))
    return data


def data_categories() -> dict[str, dict[str, str]]:
    """fideslang data-category keys (``user.contact.email``) with name, parent and description."""
    result: dict[str, dict[str, str]] = _load("taxonomy.json")["data_categories"]
    return result


def data_uses() -> dict[str, dict[str, str]]:
    """fideslang data-use keys (``marketing.communications.email``)."""
    result: dict[str, dict[str, str]] = _load("taxonomy.json")["data_uses"]
    return result


def data_subjects() -> dict[str, dict[str, str]]:
    """fideslang data-subject keys (``customer``, ``visitor``)."""
    result: dict[str, dict[str, str]] = _load("taxonomy.json")["data_subjects"]
    return result


def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English short name."""
    result: dict[str, str] = _load("countries.json")["countries"]
    return result


def country_code_for(name: str) -> str | None:
    """The code of a country written out in full (``Norway`` -> ``NO``), for suggestions."""
    lowered = name.strip().lower()
    for code, cname in countries().items():
        if cname.lower() == lowered:
            return code
    return None


def is_under(key: str, prefix: str) -> bool:
    """Taxonomy containment: ``user.contact.email`` is under ``user.contact`` and itself."""
    return key == prefix or key.startswith(prefix + ".")
