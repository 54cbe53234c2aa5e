"""Regenerate ``privacy_dsl/data/open_cookie_database.json`` from the Open Cookie Database CSV.

Source: jkwakman/Open-Cookie-Database, ``open-cookie-database.csv`` (Apache-2.0). The project keeps
a copy in ``../shared/data/open-cookie-database/`` (see its README for the commit). We ship only the
fields the rules and commands use (id, platform, category, name, domain, description, retention
text, data controller, wildcard flag) plus the parsed retention, and copy the licence beside the
data with the attribution (``privacy_dsl/data/NOTICE-open-cookie-database.md``).

Retention is free text. ``privacy_dsl.lint.cookiedb.parse_retention`` reads what it can; every value it
cannot read is listed at the end of this script's output (and stored as ``null``), never guessed.

Usage: ``python scripts/regen_cookie_db.py [path/to/open-cookie-database.csv] [--out FILE]``
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import shutil
import sys
from pathlib import Path

from privacy_dsl.lint.cookiedb import CATEGORY_MAP, FIELDS, KnownCookie, parse_retention, row_to_json

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CSV = ROOT.parent / "shared" / "data" / "open-cookie-database" / "open-cookie-database.csv"
OUT = ROOT / "privacy_dsl" / "data" / "open_cookie_database.json"
LICENCE_OUT = ROOT / "privacy_dsl" / "data" / "LICENSE-open-cookie-database"
COLUMNS = ("ID", "Platform", "Category", "Cookie / Data Key name", "Domain", "Description",
           "Retention period", "Data Controller", "Wildcard match")


def _source_note(csv_path: Path) -> str:
    readme = csv_path.parent / "README.md"
    if readme.exists():
        for line in readme.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("- Source:"):
                return line.strip()[len("- Source:"):].strip()
    return f"jkwakman/Open-Cookie-Database, {csv_path.name}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("csv", nargs="?", type=Path, default=DEFAULT_CSV, help="the Open Cookie Database CSV")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the JSON (default: the package data; "
                        "the licence is copied beside it only then)")
    args = parser.parse_args(argv)
    csv_path, out_path = args.csv, args.out
    if not csv_path.is_file():
        print(f"regen_cookie_db: no such file: {csv_path}", file=sys.stderr)
        return 2
    with csv_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            print(f"regen_cookie_db: the CSV lacks columns {missing}", file=sys.stderr)
            return 2
        raw = list(reader)
    rows: list[KnownCookie] = []
    unparsed: collections.Counter[str] = collections.Counter()
    categories: collections.Counter[str] = collections.Counter()
    skipped = 0
    for r in raw:
        name = r["Cookie / Data Key name"].strip()
        category = r["Category"].strip()
        if not name:
            skipped += 1
            continue
        if category not in CATEGORY_MAP:
            print(f"regen_cookie_db: row {r['ID']}: unknown category {category!r} (kept, never compared)",
                  file=sys.stderr)
        categories[category] += 1
        text = " ".join(r["Retention period"].split())
        parsed = parse_retention(text)
        if parsed is None:
            unparsed[text] += 1
        rows.append(KnownCookie(
            id=r["ID"].strip(), platform=r["Platform"].strip(), category=category, name=name,
            domain=r["Domain"].strip(), description=" ".join(r["Description"].split()), retention=text,
            controller=r["Data Controller"].strip(), wildcard=r["Wildcard match"].strip() == "1",
            low=parsed[0] if parsed else None, high=parsed[1] if parsed else None))
    rows.sort(key=lambda row: (row.name, row.platform, row.id))
    out = {
        "source": _source_note(csv_path),
        "licence": "Apache-2.0; see NOTICE-open-cookie-database.md and LICENSE-open-cookie-database",
        "generated_by": "scripts/regen_cookie_db.py",
        "fields": list(FIELDS),
        "rows": [row_to_json(row) for row in rows],
    }
    out_path.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    licence = csv_path.parent / "LICENSE"
    if licence.exists() and out_path == OUT:
        shutil.copyfile(licence, LICENCE_OUT)
    parsed_rows = len(rows) - sum(unparsed.values())
    print(f"wrote {out_path}: {len(rows)} rows ({skipped} without a name skipped), "
          f"{sum(r.wildcard for r in rows)} prefix rows, {len({r.name for r in rows})} distinct names")
    print("categories: " + ", ".join(f"{k} {v}" for k, v in categories.most_common()))
    print(f"retention parsed: {parsed_rows} rows; not parsed: {sum(unparsed.values())} rows "
          f"({len(unparsed)} distinct values):")
    for text, count in sorted(unparsed.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {count:4d}  {text!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
