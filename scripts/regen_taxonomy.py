"""Regenerate ``privacy_dsl/data/taxonomy.json`` from a fideslang wheel.

The fideslang taxonomy (data categories, data uses, data subjects) is published by Ethyca
under CC BY 4.0 (code Apache-2.0). We ship the keys, names and parents only, with attribution,
so that privacy-dsl does not depend on fideslang at run time (it pins pydantic < 2.13).

Usage::

    python scripts/regen_taxonomy.py            # pip-downloads the pinned fideslang wheel
    python scripts/regen_taxonomy.py path.whl   # or reads a wheel you already have

The taxonomy files are read with ``ast``: nothing from the wheel is imported or executed.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

FIDESLANG_VERSION = "3.1.4"
OUT = Path(__file__).resolve().parent.parent / "privacy_dsl" / "data" / "taxonomy.json"
FILES = {
    "data_categories": "fideslang/default_taxonomy/data_categories.py",
    "data_uses": "fideslang/default_taxonomy/data_uses.py",
    "data_subjects": "fideslang/default_taxonomy/data_subjects.py",
}


def _entries(source: str) -> list[dict[str, str]]:
    """Every call with a literal ``fides_key=`` keyword, as a dict of its literal keywords."""
    found: list[dict[str, str]] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        kwargs = {
            kw.arg: kw.value.value
            for kw in node.keywords
            if kw.arg and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)
        }
        if "fides_key" in kwargs:
            found.append(
                {k: kwargs[k] for k in ("fides_key", "name", "parent_key", "description") if k in kwargs}
            )
    return found


def main(argv: list[str]) -> int:
    if argv:
        wheel = Path(argv[0])
    else:
        tmp = Path(tempfile.mkdtemp())
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmp),
             f"fideslang=={FIDESLANG_VERSION}"],
            check=True,
        )
        wheel = next(tmp.glob("fideslang-*.whl"))
    out: dict[str, object] = {
        "source": f"fideslang {wheel.name.split('-')[1]} default taxonomy (github.com/ethyca/fideslang)",
        "licence": "CC BY 4.0 (taxonomy), Apache-2.0 (code); (c) Ethyca, Inc. Keys, names, parents "
        "and descriptions copied unchanged.",
    }
    with zipfile.ZipFile(wheel) as zf:
        for kind, member in FILES.items():
            entries = _entries(zf.read(member).decode("utf-8"))
            out[kind] = {e.pop("fides_key"): e for e in entries}
    OUT.write_text(json.dumps(out, indent=1, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    counts = ", ".join(f"{k}: {len(v)}" for k, v in out.items() if isinstance(v, dict))
    print(f"wrote {OUT} ({counts})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
