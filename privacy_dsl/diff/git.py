"""Reading a policy as it was at a git revision, treating the repository as untrusted input.

Nothing is checked out and nothing is written: the tree is listed (``git ls-tree -r -z``) and the
``.privacy`` blobs are read through one ``git cat-file --batch`` into memory, then parsed like files
read from disk (``sources.decode_source``). So no hook, filter, ``textconv`` or ``fsmonitor`` of the
repository can run (none of these commands runs them, and ``core.hooksPath``/``core.fsmonitor`` are
overridden besides), no symbolic link of the tree is followed (a link entry is reported, DIF008, and
not read), no submodule is entered, a partial clone fetches nothing (``GIT_NO_LAZY_FETCH``), and no
file is written anywhere. Every failure is a ``GitError`` with a DIF code and a hint.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import field

from ..language.sources import DEFAULT_MAX_FILE_BYTES, SUFFIX, SourceFile, decode_source
from ..records import dataclass

#: Tree entry modes (git's ``object.h``): a regular blob, an executable one, a link, a submodule.
_REGULAR = frozenset({"100644", "100755", "100664"})
_LINK, _SUBMODULE = "120000", "160000"
#: The branches tried, in order, when the repository names no default branch of its own.
_USUAL_DEFAULTS = ("main", "master", "trunk", "develop")


class GitError(Exception):
    """git could not answer: ``code`` (DIF001-DIF019), the message, and what to do about it."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


@dataclass(frozen=True, slots=True)
class TreePolicy:
    """The files of the one policy found under a path of a revision, read into memory."""

    revision: str  # as the user named it
    commit: str  # the full object name it resolved to
    root: str  # the policy directory, relative to the top of the repository ("" for the top)
    files: list[SourceFile]
    #: Entries that were not read (links, submodules), as (path, why).
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_NO_LAZY_FETCH": "1", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C",
                "GIT_PAGER": "cat", "PAGER": "cat"})
    return env


def run_git(cwd: str, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """``git ARGS`` in ``cwd`` with the repository's hooks and fsmonitor off; ``GitError`` (DIF002)
    when git cannot be run at all. The caller judges the exit status."""
    command = ["git", "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "protocol.allow=never",
               "--no-pager", *args]
    try:
        return subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, env=_env(), check=False)
    except OSError as exc:
        raise GitError("DIF002", f"cannot run git: {exc.strerror or exc}",
                       "install git, or compare two directories (`privacy-dsl diff OLD_DIR NEW_DIR`)") from exc


def _said(result: subprocess.CompletedProcess[bytes]) -> str:
    text = result.stderr.decode("utf-8", "replace").strip().splitlines()
    return text[0].removeprefix("fatal: ") if text else f"git exited with status {result.returncode}"


def top_level(cwd: str) -> str:
    """The top folder of the work tree holding ``cwd``; DIF001 when it is in none."""
    result = run_git(cwd, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        said = _said(result)
        hint = ("git refuses a repository owned by someone else: run `git config --global --add safe.directory "
                "PATH` if you trust it" if "dubious ownership" in said else
                "run it inside a git work tree, or compare two directories (`privacy-dsl diff OLD_DIR NEW_DIR`)")
        message = said if said.startswith("not a git repository") else f"not a git repository ({said})"
        raise GitError("DIF001", message, hint)
    return result.stdout.decode("utf-8", "surrogateescape").strip()


def resolve(top: str, revision: str) -> str:
    """The commit ``revision`` names; DIF003 when it names none."""
    if not revision or revision.startswith("-") or "\n" in revision or "\x00" in revision:
        raise GitError("DIF003", f"`{revision}` is not a revision", "name a branch, a tag or a commit")
    result = run_git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    if result.returncode != 0:
        raise GitError("DIF003", f"unknown revision `{revision}`",
                       "name a branch, a tag or a commit of this repository (in CI, fetch enough history: "
                       "`fetch-depth: 0` in actions/checkout, `GIT_DEPTH: 0` in GitLab)")
    return result.stdout.decode("ascii").strip()


def default_branch(top: str, environ: dict[str, str] | None = None) -> str:
    """The branch a pull request goes into: the CI's target branch (``GITHUB_BASE_REF``,
    ``CI_MERGE_REQUEST_TARGET_BRANCH_NAME``, ``CI_DEFAULT_BRANCH``), else ``origin/HEAD``, else
    ``init.defaultBranch``, else the first of main, master, trunk, develop that exists; DIF004 if none."""
    environ = os.environ if environ is None else environ  # type: ignore[assignment]
    assert environ is not None
    candidates: list[str] = []
    for variable in ("GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "CI_DEFAULT_BRANCH"):
        name = environ.get(variable, "").strip()
        if name:
            candidates += [f"origin/{name}", name]
    head = run_git(top, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD")
    if head.returncode == 0:
        candidates.append(head.stdout.decode("utf-8", "replace").strip())
    configured = run_git(top, "config", "--get", "init.defaultBranch")
    if configured.returncode == 0:
        candidates.append(configured.stdout.decode("utf-8", "replace").strip())
    candidates += [name for usual in _USUAL_DEFAULTS for name in (f"origin/{usual}", usual)]
    for name in candidates:
        if name and not name.startswith("-") and run_git(
                top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}").returncode == 0:
            return name
    raise GitError("DIF004", "cannot tell which branch this one will be merged into",
                   "name the base revision: `privacy-dsl diff origin/main`")


def merge_base(top: str, branch: str, tip: str = "HEAD") -> str:
    """The merge base of ``branch`` and ``tip``: what a pull request from ``tip`` into ``branch`` changes."""
    commit = resolve(top, tip)
    result = run_git(top, "merge-base", "--end-of-options", branch, commit)
    if result.returncode != 0:
        raise GitError("DIF004", f"`{branch}` and `{tip}` have no common ancestor ({_said(result)})",
                       "name the base revision; in CI, fetch the whole history (`fetch-depth: 0`)")
    return result.stdout.decode("ascii").strip()


def safe_path(path: str) -> bool:
    """Whether a path of a tree is one a policy can be read from: relative, every part a plain name
    (no ``.``, ``..``, empty part, or hidden folder such as ``.git``), no NUL or backslash."""
    if not path or path.startswith("/") or "\x00" in path or "\\" in path:
        return False
    parts = path.split("/")
    return all(part and part not in (".", "..") for part in parts) and not any(p.startswith(".") for p in parts[:-1])


def parse_tree(listing: bytes) -> list[tuple[str, str, str, str]]:
    """``git ls-tree -r -z --full-tree`` output as (mode, type, object, path); malformed entries are left out."""
    entries = []
    for record in listing.split(b"\x00"):
        head, tab, name = record.partition(b"\t")
        parts = head.split(b" ")
        if not tab or len(parts) != 3:
            continue
        mode, kind, obj = (p.decode("ascii", "replace") for p in parts)
        entries.append((mode, kind, obj, name.decode("utf-8", "surrogateescape")))
    return entries


def policy_entries(entries: list[tuple[str, str, str, str]], prefix: str
                   ) -> tuple[dict[str, list[tuple[str, str, str]]], list[tuple[str, str]]]:
    """The ``.privacy`` entries under ``prefix`` grouped by folder (folder -> [(mode, object, path)]), and
    those that cannot be read (links, submodules, unsafe paths) as (path, why)."""
    prefix = prefix.strip("/")
    by_folder: dict[str, list[tuple[str, str, str]]] = {}
    skipped: list[tuple[str, str]] = []
    for mode, _kind, obj, path in entries:
        if prefix and not (path == prefix or path.startswith(prefix + "/")):
            continue
        if not path.endswith(SUFFIX):
            continue
        if not safe_path(path):
            if not any(p.startswith(".") for p in path.split("/")[:-1]):
                skipped.append((path, "its path is not a plain relative path"))
            continue
        if mode == _LINK:
            skipped.append((path, "it is a symbolic link, which a revision's policy never follows"))
            continue
        if mode == _SUBMODULE or mode not in _REGULAR:
            skipped.append((path, "it is not a regular file"))
            continue
        folder = path.rpartition("/")[0]
        by_folder.setdefault(folder, []).append((mode, obj, path))
    return by_folder, skipped


def read_blobs(top: str, objects: list[str], max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> list[bytes | int]:
    """The content of each blob (one ``cat-file --batch``), or its size when it is over ``max_bytes``
    (checked first with ``--batch-check``, so a huge blob is never read)."""
    check = run_git(top, "cat-file", "--batch-check", stdin="".join(f"{o}\n" for o in objects).encode())
    if check.returncode != 0:
        raise GitError("DIF002", f"git cat-file failed ({_said(check)})", "is the repository complete?")
    sizes = []
    for line in check.stdout.decode("ascii", "replace").splitlines():
        parts = line.split()
        if len(parts) != 3 or parts[1] != "blob":
            raise GitError("DIF002", f"cannot read an object of the revision ({line})",
                           "the repository may be a partial or shallow clone: fetch the objects")
        sizes.append(int(parts[2]))
    wanted = [o for o, size in zip(objects, sizes, strict=True) if size <= max_bytes]
    read = run_git(top, "cat-file", "--batch", stdin="".join(f"{o}\n" for o in wanted).encode()) if wanted else None
    if read is not None and read.returncode != 0:
        raise GitError("DIF002", f"git cat-file failed ({_said(read)})", "is the repository complete?")
    contents: dict[str, bytes] = {}
    data, at = (read.stdout if read is not None else b""), 0
    try:
        for obj in wanted:
            end = data.index(b"\n", at)
            size = int(data[at:end].split()[2])
            contents[obj] = data[end + 1:end + 1 + size]
            at = end + 1 + size + 1  # the content, then a LF
    except (ValueError, IndexError) as exc:
        raise GitError("DIF002", "git cat-file answered in a form that cannot be read",
                       "is the repository complete? Run `git fsck`") from exc
    return [contents[o] if size <= max_bytes else size for o, size in zip(objects, sizes, strict=True)]


def read_policy(top: str, revision: str, prefix: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> TreePolicy:
    """The one policy under ``prefix`` (relative to the top of the repository) at ``revision``.
    DIF005 when there is none, DIF006 when there are several."""
    commit = resolve(top, revision)
    listing = run_git(top, "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", commit)
    if listing.returncode != 0:
        raise GitError("DIF002", f"cannot list the files of `{revision}` ({_said(listing)})",
                       "is the repository complete?")
    by_folder, skipped = policy_entries(parse_tree(listing.stdout), prefix)
    where = f"`{prefix}`" if prefix else "the top of the repository"
    if not by_folder:
        raise GitError("DIF005", f"no policy under {where} at `{revision}`",
                       "name the policy directory with --policy, or a revision that has the policy (a policy "
                       "new in this change has nothing to compare with: lint it)")
    if len(by_folder) > 1:
        names = ", ".join(f"`{f or '.'}`" for f in sorted(by_folder))
        raise GitError("DIF006", f"{where} holds {len(by_folder)} policies at `{revision}` ({names})",
                       "name one policy directory with --policy")
    ((folder, chosen),) = by_folder.items()
    chosen.sort(key=lambda entry: entry[2])
    blobs = read_blobs(top, [obj for _, obj, _ in chosen], max_bytes)
    files = []
    for (_, _, path), blob in zip(chosen, blobs, strict=True):
        if isinstance(blob, int):
            from ..diagnostics import builtin
            from ..span import Span

            files.append(SourceFile(path, None, [builtin(
                "E005", f"the file is {blob:,} bytes, over the limit of {max_bytes:,}",
                Span(path=path, line=1, column=1, end_line=1, end_column=1),
                hint="raise `max-file-bytes` in [tool.privacy-dsl] if the file is genuine")]))
        else:
            files.append(decode_source(path, blob))
    return TreePolicy(revision, commit, folder, files, skipped)
