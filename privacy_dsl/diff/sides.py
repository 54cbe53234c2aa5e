"""The two sides of a diff: a policy at a git revision, in a directory, or in the working tree,
each parsed, resolved and linted with the same configuration (so that a change of configuration
never shows as fixed findings; the configuration of the working tree is the one that applies)."""

from __future__ import annotations

import os
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic
from ..records import dataclass
from .git import GitError, TreePolicy, default_branch, merge_base, read_policy, top_level

if TYPE_CHECKING:
    from ..language import model as m
    from ..lint.config import Config


class SideError(Exception):
    """A side cannot be compared: a DIF code, the message, a hint, and the diagnostics that say why."""

    def __init__(self, code: str, message: str, hint: str, diagnostics: list[Diagnostic] | None = None,
                 sources: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint
        self.diagnostics, self.sources = diagnostics or [], sources or {}


@dataclass(frozen=True, slots=True)
class Side:
    """One version of the policy: how the user named it, the commit (None for files on disk), the
    policy directory as shown, the resolved policy and its findings."""

    label: str
    commit: str | None
    path: str
    policy: m.Policy
    findings: list[Diagnostic]
    sources: dict[str, str] = field(default_factory=dict)
    #: Entries of a revision that were not read (links, submodules), as (path, why).
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _unusable(label: str, diagnostics: list[Diagnostic], sources: dict[str, str]) -> SideError:
    return SideError("DIF007", f"the policy of {label} cannot be parsed", "fix the errors shown above (`privacy-dsl "
                     "lint` shows them too); a diff compares two usable policies", diagnostics, sources)


def from_files(path: Path, label: str, config: Config) -> Side:
    """The policy in a directory (or the working tree), read like ``lint`` reads it."""
    from ..language.sources import display_path
    from ..lint.loader import PolicyError, load_one

    if not path.exists():
        raise SideError("DIF005", f"no policy at `{path}` ({label})",
                        "name the policy directory with --policy, or an existing directory")
    try:
        loaded = load_one(path, config=config, action="compare")
    except PolicyError as exc:
        if not exc.diagnostics:  # the only refusal without diagnostics: the path holds several policies
            raise SideError("DIF006", exc.message,
                            "name one policy directory (--policy, or the directory itself)") from exc
        if any(d.code == "E006" for d in exc.diagnostics) and len(exc.diagnostics) == 1:
            raise SideError("DIF005", f"no policy at `{path}` ({label})",
                            "name the policy directory with --policy") from exc
        raise _unusable(label, list(exc.diagnostics), exc.sources) from exc
    return Side(label, None, display_path(loaded.policy.root), loaded.policy, loaded.diagnostics, loaded.sources)


def from_tree(tree: TreePolicy, label: str, config: Config) -> Side:
    """The policy read from a revision, linted from memory."""
    from ..lint.engine import lint_sources

    result = lint_sources(tree.root or ".", tree.files, config)
    if result.policy is None:
        raise _unusable(label, result.diagnostics, result.sources)
    return Side(label, tree.commit, tree.root or ".", result.policy, result.diagnostics, result.sources,
                tree.skipped)


@dataclass(frozen=True, slots=True)
class Where:
    """Where the policy is: its path in the working tree and, once git is asked, in the repository."""

    policy: Path
    top: str | None = None

    def prefix(self) -> str:
        """The policy's path relative to the top of the repository ("" for the top itself)."""
        assert self.top is not None
        relative = os.path.relpath(os.path.realpath(os.path.abspath(self.policy)), os.path.realpath(self.top))
        if relative == os.curdir:
            return ""
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            raise SideError("DIF005", f"`{self.policy}` is outside the repository at `{self.top}`",
                            "name a policy directory inside the repository with --policy")
        return relative.replace(os.sep, "/")


def load_side(spec: str | None, where: Where, config: Config, role: str) -> tuple[Side, Where]:
    """One side of the diff. ``spec``: an existing directory, a revision, or None (the base: the
    merge base of the default branch with HEAD; the head: the working tree; a HEAD given on the
    command line comes with a BASE). ``role``: "base" or "head"."""
    if spec is None and role == "head":
        return from_files(where.policy, "the working tree", config), where
    if spec is not None and os.path.isdir(spec):
        return from_files(Path(spec), f"`{spec}`", config), where
    try:
        if where.top is None:
            where = Where(where.policy, top_level(os.getcwd()))
        assert where.top is not None
        if spec is None:
            branch = default_branch(where.top)
            commit = merge_base(where.top, branch)
            label = f"the merge base with {branch} ({commit[:12]})"
            tree = read_policy(where.top, commit, where.prefix(), config.max_file_bytes)
        else:
            tree = read_policy(where.top, spec, where.prefix(), config.max_file_bytes)
            label = f"{spec} ({tree.commit[:12]})"
    except GitError as exc:
        raise SideError(exc.code, exc.message, exc.hint) from exc
    return from_tree(tree, label, config), where
