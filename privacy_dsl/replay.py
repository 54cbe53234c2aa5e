"""Answer a repeated ``privacy-dsl lint`` from what the same command printed last time.

A hook or a CI step often lints a repository in which nothing changed since the previous run.
Such a run is answered here, in ``cli.main`` before the command is even parsed: nothing but
``os``, ``json``, ``zlib`` and ``hmac`` is imported, no file is read and nothing is hashed unless
it changed very recently. A *replay entry* in the project's cache directory (``cache.py``) holds
the output and exit code of a run together with everything that output depends on:

- the key: privacy-dsl's version, the command line, the working directory, today's date
  (suppressions expire), ``NO_COLOR`` and whether standard output is a terminal;
- a *watch list*: the status (``os.stat``: inode, size, mtime, ctime) of every policy file read,
  every directory searched for policy files (a file added or removed changes its directory),
  the ``privacy-dsl.toml`` and ``pyproject.toml`` that each folder from the working directory up
  to ``/`` holds or could hold (the configuration), and every file of the installed package
  (rules, grammar, data).

The entry is used only if every status is unchanged. Status is what git's index trusts, with
git's guard for "racy" files: a file changed within ``RACY_NS`` of the moment its status was
taken could change again without its status changing, so for those the entry also holds a
SHA-256 of the content, checked on replay (a directory changed that recently is not trusted at
all: no entry is written, and the next run records one). The status is taken before the run
reads anything and again after it; an entry is written only if nothing moved in between and
each racy file still holds the text that was linted, so an edit made while the run was in
progress is never hidden.

What is trusted: only an entry this user wrote. The key and the watch list are predictable, so
an entry that arrives with a repository (committed, or left in a parent folder) could claim
anything; every entry is therefore authenticated with the user's secret, which lives outside
every repository in a user-private directory (``cache.py`` has the whole trust model), and only
the project root's cache is read. An entry that does not verify, that is damaged or of the wrong
shape, or whose watch list is missing or empty, is ignored: the run lints.

Runs that have side effects beyond their output are never replayed: ``--output``, the
``github`` format (it appends a job summary), ``--no-cache``. Runs with unusable input (exit 2)
are not recorded, nor runs whose output would make an entry larger than
``cache.MAX_ENTRY_BYTES``. The cached lint results (``runner.py``) remain the second line: a run
that cannot be replayed lints only the policies whose content changed.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
import zlib

from . import cache
from .version import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

CACHE_DIR_NAME = cache.CACHE_DIR_NAME
FORMAT = 2  # 2: entries are authenticated (cache.py)
#: A path whose status changed less than this long before it was taken is checked by content.
RACY_NS = 2_000_000_000
_CONFIG_NAMES = ("privacy-dsl.toml", "pyproject.toml")
_NEVER_LONG = ("--no-cache", "--output", "--help")
_NEVER_SHORT = ("o", "h")

Signature = list[int] | None


def eligible(argv: Sequence[str]) -> bool:
    """A ``lint`` whose only effect is its output (and exit code). Options are matched as argparse
    matches them: ``--outp`` is ``--output``, and ``-qo FILE`` holds ``-o``."""
    if not argv or argv[0] != "lint":
        return False
    for arg in argv[1:]:
        if arg == "--":
            break
        name = arg.split("=", 1)[0]
        if name.startswith("--") and len(name) > 2:
            if any(option.startswith(name) for option in _NEVER_LONG):
                return False
        elif name.startswith("-") and any(flag in name[1:] for flag in _NEVER_SHORT):
            return False
    fmt = _format(argv)
    return fmt != "github" and not (fmt is None and os.environ.get("GITHUB_ACTIONS") == "true")


def _format(argv: Sequence[str]) -> str | None:
    """The value of ``--format`` (or an abbreviation of it), if given."""
    for i, arg in enumerate(argv):
        name, _, value = arg.partition("=")
        if len(name) >= 4 and "--format".startswith(name):  # "--fo" is the shortest argparse takes
            return value if "=" in arg else (argv[i + 1] if i + 1 < len(argv) else None)
    return None


def _key(argv: Sequence[str]) -> str:
    return json.dumps([FORMAT, __version__, list(argv), os.getcwd(), time.strftime("%Y-%m-%d"),
                       os.environ.get("NO_COLOR", ""), os.environ.get("FORCE_COLOR", ""), os.environ.get("TERM", ""),
                       sys.stdout.isatty()])


def _entry_name(key: str) -> str:
    return f"replay-{zlib.crc32(key.encode('utf-8', 'surrogatepass')):08x}.json"


def signature(path: str) -> Signature:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return [st.st_mode, st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _ancestors(folder: str) -> list[str]:
    out = [folder]
    while True:
        parent = os.path.dirname(out[-1])
        if parent == out[-1]:
            return out
        out.append(parent)


def config_watch() -> list[str]:
    """What the configuration lookup (``configfile.find_config``) depends on: the configuration
    files that are, or could be, in each folder up from the working directory (a missing file
    has no status; creating it gives it one). The folders themselves change too often (``/tmp``)."""
    return [os.path.join(folder, name) for folder in _ancestors(os.getcwd()) for name in _CONFIG_NAMES]


def package_watch() -> list[str]:
    """Every file of the installed package: a change to a rule, the grammar or data changes output."""
    out = []
    stack = [os.path.dirname(os.path.abspath(__file__))]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        stack.append(entry.path)
                elif entry.name.endswith((".py", ".lark", ".json")):
                    out.append(entry.path)
    return sorted(out)


class Snapshot:
    """The status of the watched paths, taken before a run reads them."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.taken = time.time_ns()
        self.signatures = {path: signature(path) for path in dict.fromkeys(paths)}

    def racy(self, sig: Signature) -> bool:
        return sig is not None and max(sig[4], sig[5]) >= self.taken - RACY_NS


def record(argv: Sequence[str], snapshot: Snapshot, cache_dir: str, texts: dict[str, str],
           writes: list[tuple[int, str]], exit_code: int, key: bytes | None = None) -> None:
    """Store the entry for this run, authenticated with the user's secret (``key``, else
    ``cache.secret()``); silently not, if anything moved while it ran, the output is too large to
    keep or the cache cannot be written. ``texts`` maps each policy file (absolute path) to the
    text that was linted."""
    import hashlib

    if not snapshot.signatures or sum(len(text) for _, text in writes) >= cache.MAX_ENTRY_BYTES:
        return  # nothing to watch would mean "always unchanged"; a huge output is cheaper to lint again
    hashes: dict[str, str] = {}
    for path, sig in snapshot.signatures.items():
        if signature(path) != sig:
            return  # changed during the run: the output may not match what is on disk now
        if sig is None or not snapshot.racy(sig):
            continue
        if not stat.S_ISREG(sig[0]):  # a folder where files were just added or removed (or a FIFO,
            return  # never to be opened): the next run records, once it has settled
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return
        if path in texts and data.decode("utf-8", "replace") != texts[path]:
            return  # changed between being read and now, within one clock tick
        hashes[path] = hashlib.sha256(data).hexdigest()
    key = key or cache.secret()
    if key is None:
        return
    text_key = _key(argv)
    entry = {"format": FORMAT, "key": text_key, "watch": snapshot.signatures, "hashes": hashes,
             "writes": writes, "exit": exit_code}
    cache.write(cache_dir, _entry_name(text_key), key, entry)


def replay(argv: Sequence[str]) -> int | None:
    """Print what the same run printed last time and return its exit code; None if there is no
    entry this user wrote for it, or anything it depends on may have changed (then the run goes
    ahead as usual)."""
    secret = cache.secret()
    if secret is None:
        return None
    key = _key(argv)
    entry = cache.read(cache.cache_dir(), _entry_name(key), secret)
    if not (isinstance(entry, dict) and entry.get("format") == FORMAT and entry.get("key") == key):
        return None
    writes, code = entry.get("writes"), entry.get("exit")
    if not (isinstance(writes, list) and _valid_writes(writes) and isinstance(code, int)
            and type(code) is int and code in (0, 1) and _unchanged(entry)):  # bool is an int, but not one of ours
        return None
    for stream, text in writes:
        out = sys.stdout if stream == 1 else sys.stderr
        out.write(text)
        out.flush()
    return code


def _valid_writes(writes: list[object]) -> bool:
    return all(
        isinstance(w, list) and len(w) == 2 and type(w[0]) is int and w[0] in (1, 2) and isinstance(w[1], str)
        for w in writes)


def _valid_signature(sig: object) -> bool:
    return sig is None or (isinstance(sig, list) and len(sig) == 6 and all(type(n) is int for n in sig))


def _unchanged(entry: dict[str, object]) -> bool:
    """Every watched status is as recorded and every racy file holds the recorded text. A missing
    or empty watch list is never "unchanged": a run always reads something."""
    watch, hashes = entry.get("watch"), entry.get("hashes")
    if not (isinstance(watch, dict) and watch and isinstance(hashes, dict)):
        return False
    if not all(isinstance(path, str) and _valid_signature(sig) for path, sig in watch.items()):
        return False
    if not all(isinstance(path, str) and path in watch and isinstance(digest, str)
               for path, digest in hashes.items()):
        return False
    try:
        for path, sig in watch.items():
            if signature(path) != sig:
                return False
        if hashes:
            import hashlib

            for path, digest in hashes.items():
                with open(path, "rb") as handle:  # a file that is still as recorded: regular, bounded
                    if hashlib.sha256(handle.read()).hexdigest() != digest:
                        return False
        return True
    except (OSError, ValueError):
        return False
