"""Fuzz for a long time: the hypothesis properties of tests/test_fuzz.py with many examples.

Usage: ``python scripts/fuzz.py [--examples 20000]``. Any input that breaks an invariant is saved
in ``tests/fuzz_regressions/`` (commit it: every test run replays the corpus) and the run fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=20_000, help="examples per property (default 20000)")
    args = ap.parse_args()
    env = dict(os.environ, PRIVACY_DSL_FUZZ_EXAMPLES=str(args.examples), PRIVACY_DSL_FUZZ_SAVE="1")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "test_fuzz.py"),
           "--hypothesis-show-statistics"]
    return subprocess.call(cmd, env=env, cwd=ROOT)


if __name__ == "__main__":
    raise SystemExit(main())
