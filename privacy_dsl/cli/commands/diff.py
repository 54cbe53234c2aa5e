"""``privacy-dsl diff``: a semantic privacy diff of a policy between two revisions or directories."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, append_job_summary, report, write_output

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from ...diff.compare import Change

_EPILOG = """\
BASE and HEAD are git revisions (a branch, tag or commit) or directories. Without BASE: the merge
base of HEAD with the branch the change goes into (GITHUB_BASE_REF, CI_MERGE_REQUEST_TARGET_BRANCH_NAME,
origin/HEAD, init.defaultBranch, main, master). Without HEAD: the working tree. At a revision the
policy is read from git's objects (nothing is checked out, run or written; symbolic links are not
followed). Both sides are linted with the working tree's configuration.

change kinds and their usual severity (--fail-on takes these, or a severity: high, medium, low,
any; in text, `!` marks the changes it selects):
{kinds}

exit codes:
  0  no change that --fail-on selects (always 0 without --fail-on)
  1  a change that --fail-on selects
  2  a side cannot be read (DIF001-DIF009: not a repository, unknown revision, no policy, ...), or usage error

examples:
  privacy-dsl diff                                  the branch's changes against its merge base, in text
  privacy-dsl diff origin/main HEAD --policy policies/acme --format md > comment.md
  privacy-dsl diff v1.0 v2.0 --format json
  privacy-dsl diff old/ new/                        two directories
  privacy-dsl diff --fail-on new-transfer,new-special-category,basis-change,weaker-consent

GitHub Actions (comment on the pull request) and GitLab CI: see
https://github.com/privacy-dsl/privacy-dsl/blob/main/docs/diff.md
"""

FORMATS = ("text", "md", "github", "json")


def _kinds_table() -> str:
    import textwrap

    from ...diff.compare import KINDS

    width = max(len(k.name) for k in KINDS)
    indent = " " * (width + 12)
    return "\n".join(textwrap.fill(f"  {k.name:<{width}}  {k.severity.label:<6}  {k.doc}", width=100,
                                   subsequent_indent=indent, break_on_hyphens=False) for k in KINDS)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "diff", help="what a change to a policy means for privacy (between revisions or directories)",
        description="Compare two versions of a policy and report what changed in privacy terms: purposes, legal "
        "bases, data categories (special categories called out), subjects (children called out), recipients and "
        "their roles, transfers with country and mechanism, retention, cookies, consent, rights, claims, and the "
        "lint findings each side has that the other has not. Each change has a severity; a renamed declaration "
        "is a rename.",
        epilog=_EPILOG.format(kinds=_kinds_table()), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("base", nargs="?", metavar="BASE",
                   help="a revision or directory (default: the merge base with the default branch)")
    p.add_argument("head", nargs="?", metavar="HEAD", help="a revision or directory (default: the working tree)")
    p.add_argument("--policy", type=Path, metavar="PATH",
                   help="the policy directory in the working tree, also read at each revision "
                   "(default: policies/ if it exists, else the current directory)")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="text, md (a pull-request comment), github (annotations, and the job summary to "
                   "$GITHUB_STEP_SUMMARY), json (default: github inside GitHub Actions, else text)")
    p.add_argument("--fail-on", metavar="KINDS", default="",
                   help="comma-separated change kinds (or high, medium, low, any) that make the exit code 1")
    p.add_argument("--output", "-o", type=Path, metavar="FILE",
                   help="write to FILE (atomically) instead of standard output")
    p.add_argument("--config", type=Path, metavar="FILE", help="configuration file (default: searched upward)")
    p.set_defaults(run=run)


def _error(code: str, message: str, hint: str) -> int:
    from ...diagnostics import printable

    print(printable(f"privacy-dsl diff: {code} {message}"), file=sys.stderr)
    print(printable(f"  hint: {hint}"), file=sys.stderr)
    return EXIT_ERROR


def parse_fail_on(value: str) -> tuple[tuple[str, ...], str | None]:
    """The --fail-on names, and the first unknown one (None when all are known)."""
    from ...diff.compare import KIND_NAMES

    names = tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    unknown = next((n for n in names if n not in KIND_NAMES and n not in ("high", "medium", "low", "any")), None)
    return names, unknown


def gated(changes: Sequence[Change], names: tuple[str, ...]) -> frozenset[int]:
    """The indices of the changes that ``names`` (--fail-on) select."""
    from ...diff.compare import Impact

    levels = [Impact[n.upper()] for n in names if n in ("high", "medium", "low")]
    floor = min(levels) if levels else None
    return frozenset(n for n, c in enumerate(changes)
                     if "any" in names or c.kind in names or (floor is not None and c.severity >= floor))


def run(args: argparse.Namespace) -> int:
    import difflib

    from ...diff.compare import KIND_NAMES, compare
    from ...diff.render import DiffReport, job_summary, render
    from ...diff.sides import SideError, Where, load_side
    from . import choose_format, default_paths, load_config

    names, unknown = parse_fail_on(args.fail_on)
    if unknown is not None:
        close = difflib.get_close_matches(unknown, [*KIND_NAMES, "high", "medium", "low", "any"], n=1)
        return _error("DIF009", f"unknown change kind `{unknown}` in --fail-on",
                      f"did you mean `{close[0]}`?" if close else "see `privacy-dsl diff --help` for the kinds")
    policy = args.policy if args.policy is not None else default_paths([])[0]
    config = load_config(args, paths=[policy] if policy.exists() else None)
    where = Where(policy)
    try:
        base, where = load_side(args.base, where, config, "base")
        head, where = load_side(args.head, where, config, "head")
    except SideError as exc:
        if exc.diagnostics:
            report(exc.diagnostics, exc.sources)
        return _error(exc.code, exc.message, exc.hint)
    from ...diagnostics import printable

    for side in (base, head):
        for path, why in side.skipped:
            print(printable(f"privacy-dsl diff: warning: DIF008 `{path}` at {side.label} is not read: {why}"),
                  file=sys.stderr)
    changes = compare(base.policy, head.policy, base.findings, head.findings)
    diff = DiffReport(base.label, base.commit, base.path, head.label, head.commit, head.path, changes,
                      gated(changes, names), names)
    fmt = args.format or ("github" if choose_format(None) == "github" else "text")
    if fmt == "github":
        append_job_summary(lambda budget: job_summary(diff, budget))
    if not write_output(render(diff, fmt), args.output, head.sources, "a file of the policy"):
        return EXIT_ERROR
    return EXIT_FINDINGS if diff.gated else EXIT_OK
