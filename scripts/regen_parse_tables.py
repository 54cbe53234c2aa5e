"""Regenerate ``privacy_dsl/data/parse_tables.json`` (the LALR tables of ``grammar.lark``, as data)
and ``privacy_dsl/data/fast_table.json`` (the fast path's table, ``lexer.fast_table``).

Run it after editing the grammar or upgrading Lark (``tests/test_lark_tables.py`` fails until
then; meanwhile the parsers are built from the grammar at every start, correct but slower).

Usage: ``python scripts/regen_parse_tables.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from privacy_dsl.language.tables import FAST_TABLE, TABLES, grammar_path, render_fast_table, render_tables


def main() -> int:
    grammar = grammar_path().read_text(encoding="utf-8")
    for target, render in ((TABLES, render_tables), (FAST_TABLE, render_fast_table)):
        text = render(grammar)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target} ({len(text):,} characters)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
