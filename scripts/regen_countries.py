"""Regenerate ``privacy_dsl/data/countries.json`` (ISO 3166-1 alpha-2 codes and English names).

Source: the iso-codes project's ``iso3166-1.json`` as packaged in the ``pycountry`` wheel.
Country codes and names are facts of the ISO 3166-1 standard; we copy code and name only.

Usage: ``python scripts/regen_countries.py [pycountry.whl]`` (pip-downloads it when omitted).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "privacy_dsl" / "data" / "countries.json"


def main(argv: list[str]) -> int:
    if argv:
        wheel = Path(argv[0])
    else:
        tmp = Path(tempfile.mkdtemp())
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmp), "pycountry"],
            check=True,
        )
        wheel = next(tmp.glob("pycountry-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        data = json.loads(zf.read("pycountry/databases/iso3166-1.json"))
    countries = {row["alpha_2"]: row.get("common_name", row["name"]) for row in data["3166-1"]}
    out = {
        "source": f"ISO 3166-1 via iso-codes, from {wheel.name}",
        "countries": dict(sorted(countries.items())),
    }
    OUT.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(countries)} countries)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
