"""Validate, normalise and rewrite ``privacy_dsl/data/known_providers.json``.

The dataset is written by hand (see ``privacy_dsl/data/NOTICE.md``): per provider the legal entity
that acts for EU users, its country, where the data goes, whether the US parent is on the EU-US Data
Privacy Framework List, the date that was true and the sources to check it. This script checks every
entry (fields and their types, ISO 3166-1 codes against ``countries.json``, dates, URLs, domains, and
that no alias or domain names two providers), normalises it (sorted providers, aliases and domains;
domains as ``.host``; lists without duplicates) and writes it back, so that a hand edit is reviewed
as a small, sorted diff.

Usage: ``python scripts/regen_known_providers.py [--check]`` (``--check``: report, do not write;
exit 1 when the file is not normalised or not valid).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from typing import Any

from privacy_dsl.language import taxonomy
from privacy_dsl.lint.providers import DATA, FIELDS, host, words

LISTS = ("data_countries", "aliases", "exact_aliases", "domains", "sources")
STRINGS = ("id", "name", "entity", "entity_country", "parent", "parent_country", "as_of", "note")


def check(entry: dict[str, Any], countries: set[str]) -> list[str]:
    """What is wrong with one entry (empty when nothing)."""
    pid = entry.get("id", "?")
    errors = [f"{pid}: unknown field {k!r}" for k in entry if k not in FIELDS]
    errors += [f"{pid}: missing field {k!r}" for k in FIELDS if k not in entry]
    if errors:
        return errors
    for key in STRINGS:
        if not isinstance(entry[key], str) or (key != "note" and not entry[key].strip()):
            errors.append(f"{pid}: {key} must be a non-empty string")
    for key in LISTS:
        if not isinstance(entry[key], list) or not all(isinstance(v, str) and v.strip() for v in entry[key]):
            errors.append(f"{pid}: {key} must be a list of non-empty strings")
    if errors:
        return errors
    if entry["dpf"] not in (True, False, None):
        errors.append(f"{pid}: dpf must be true, false or null")
    for code in (entry["entity_country"], entry["parent_country"], *entry["data_countries"]):
        if code not in countries:
            errors.append(f"{pid}: {code!r} is not an ISO 3166-1 alpha-2 code")
    try:
        datetime.date.fromisoformat(entry["as_of"])
    except ValueError:
        errors.append(f"{pid}: as_of {entry['as_of']!r} is not a date (YYYY-MM-DD)")
    if not entry["sources"]:
        errors.append(f"{pid}: no sources")
    errors += [f"{pid}: source {u!r} is not an https URL" for u in entry["sources"] if not u.startswith("https://")]
    errors += [f"{pid}: domain {d!r} is not a host name" for d in entry["domains"] if "." not in host(d)]
    return errors


def normalise(entry: dict[str, Any]) -> dict[str, Any]:
    out = {k: entry[k].strip() if isinstance(entry[k], str) else entry[k] for k in FIELDS}
    out["data_countries"] = list(dict.fromkeys(entry["data_countries"]))
    out["aliases"] = sorted(set(entry["aliases"]) - {entry["name"]}, key=str.lower)
    out["exact_aliases"] = sorted(set(entry["exact_aliases"]), key=str.lower)
    out["domains"] = sorted({"." + host(d) for d in entry["domains"]})
    out["sources"] = list(dict.fromkeys(entry["sources"]))
    return out


def clashes(entries: list[dict[str, Any]]) -> list[str]:
    """Aliases and domains that name two providers."""
    seen: dict[tuple[str, ...] | str, str] = {}
    errors = []
    for e in entries:
        keys: list[tuple[str, ...] | str] = [words(a) for a in (e["name"], *e["aliases"], *e["exact_aliases"])]
        keys += [host(d) for d in e["domains"]]
        for key in dict.fromkeys(keys):
            if key in seen and seen[key] != e["id"]:
                errors.append(f"{e['id']}: {key!r} also names {seen[key]}")
            seen.setdefault(key, e["id"])
    return errors


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="report only; exit 1 if the file would change")
    parser.add_argument("--file", type=Path, default=DATA, help="the dataset (default: the package data)")
    args = parser.parse_args(argv)
    text = args.file.read_text(encoding="utf-8")
    data = json.loads(text)
    countries = set(taxonomy.countries())
    entries = data.get("providers", [])
    errors = [e for entry in entries for e in check(entry, countries)]
    ids = [e.get("id") for e in entries]
    errors += [f"{i}: id given twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    if not errors:
        entries = sorted((normalise(e) for e in entries), key=lambda e: e["id"])
        errors += clashes(entries)
    for error in errors:
        print(f"regen_known_providers: {error}", file=sys.stderr)
    if errors:
        return 1
    out = {k: v for k, v in data.items() if k != "providers"}
    out["generated_by"] = "scripts/regen_known_providers.py"
    out["providers"] = entries
    new = json.dumps(out, indent=1, ensure_ascii=False) + "\n"
    if args.check:
        if new != text:
            print(f"regen_known_providers: {args.file} is not normalised; run the script", file=sys.stderr)
            return 1
        print(f"{args.file}: {len(entries)} providers, valid and normalised")
        return 0
    args.file.write_text(new, encoding="utf-8")
    print(f"wrote {args.file}: {len(entries)} providers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
