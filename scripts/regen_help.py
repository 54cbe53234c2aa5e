"""Regenerate ``privacy_dsl/cli/helptext.py``: the top-level ``privacy-dsl --help`` as argparse
writes it at 80 columns, which ``main`` prints without building the parser.

Run it after changing a command's one-line help or the top-level parser (``tests/test_cli.py``
fails until then).

Usage: ``python scripts/regen_help.py``
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from privacy_dsl.cli.helptext import WIDTH  # noqa: E402
from privacy_dsl.cli.main import top_level_help  # noqa: E402


def main() -> int:
    os.environ["COLUMNS"] = str(WIDTH)
    target = ROOT / "privacy_dsl" / "cli" / "helptext.py"
    text = target.read_text(encoding="utf-8")
    head = text[:text.index("HELP = ")]
    lines = "".join(f"    {line!r}\n" for line in top_level_help().splitlines(keepends=True))
    target.write_text(f"{head}HELP = (\n{lines})\n", encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
