"""The lint cache: one key scheme, one fingerprint, one store, and why privacy-dsl can believe it.

Two kinds of entry live in ``.privacy-dsl-cache/``, made by one key scheme (ruff's
``crates/ruff/src/cache.rs`` is the model: one key = the tool and its settings + the content):

- **results**: the diagnostics of one policy (written and read by ``runner.run``), and of a whole
  run, so that an unchanged repository is answered with one read;
- **replay**: the output and exit code of a whole ``privacy-dsl lint`` run (``Replay``), so that a
  hook or CI step on an unchanged repository is answered before the parser, the model or pydantic
  is even imported.

The key. ``fingerprint(context, kind, settings)`` is the first half of every key: the entry layout
(``FORMAT``), the kind of entry, the *environment* (privacy-dsl's version and the status of every
file of the installed package — rules, grammar, data —, the Python, and the versions of lark and
pydantic), the *date* (suppressions expire by it) and the *settings* (for results: the
configuration in effect and the command line's selection; for replay: the command's options, the
working directory and what decides colour). ``key(fingerprint, *content)`` adds the content the
entry is about: a policy's file names and texts (results), or nothing (replay: what a run read is
not known before it reads it, so the entry carries a *watch list* instead, checked on every
replay; see ``Replay``). The clock and the environment are read once per run (``Context``) and
shared by both kinds of entry.

Which runs are replayed is an allowlist the command declares on its own argparse parser
(``Replayable``): the options that only change what the run prints. The command line is parsed by
the real parser, and a run that gives any option not on the list — one added later included — is
linted, never replayed.

Trust model. A policy repository is untrusted input: a pull request can add any file, any
symbolic link, and a ``.privacy-dsl-cache/`` of its own (``git add -f``); a fresh CI clone may
hold an entry that says "All clear" for a failing policy. Keys are predictable (versions, paths
and policy texts are public), so nothing that arrives with a repository is believed:

- **Every entry is authenticated.** Its first line is an HMAC-SHA256 of its name and its body,
  keyed with a per-user secret of 32 random bytes. The secret is kept outside every repository,
  in the *key directory* ``$PRIVACY_DSL_CACHE_KEY_DIR``, else ``$XDG_CACHE_HOME/privacy-dsl/``,
  else ``~/.cache/privacy-dsl/`` (created 0700; the secret file ``cache-key`` is created 0600,
  exclusively, never through a link). The key directory and the secret are used only while they
  are owned by the user, are not symbolic links and are not readable or writable by anyone
  else; otherwise, or if they cannot be created (an unwritable home), nothing is cached at all
  and every run simply lints. An entry that does not verify is ignored, unread beyond its MAC.
- **Only the project's cache is read**: ``.privacy-dsl-cache/`` in the *project root* of what is
  linted (``project_root``), the nearest folder that holds ``.git``, ``privacy-dsl.toml`` or
  ``pyproject.toml`` (the files ``configfile.find_config`` looks for), from the folder that holds
  every linted path upwards — not from the working directory, so linting another tree writes
  nothing where the run started. A run over paths in projects that share no such folder caches
  nothing. Without any project: the folder holding the linted paths, or the working directory
  when that folder is inside it; never the file system's root. ``--cache-dir DIR``, else
  ``$PRIVACY_DSL_CACHE_DIR``, names another directory: the user's own choice, so a symbolic link
  given there is followed. ``--config`` does not move the cache (one configuration may serve many
  trees). Never a parent's cache, nor one another project holds.
- **The cache directory is used only if it is a real directory owned by the user**: a symbolic
  link (git can carry one), a file or someone else's directory is neither read, written nor
  pruned. Entries are opened without following links and only if they are regular files.
- **Pruning deletes only what privacy-dsl wrote**: regular files named exactly as entries are
  (``replay-<64 hex>.json``, ``<64 hex>.json``) and its own stale temporary files.
- **Entries are bounded**: one larger than ``MAX_ENTRY_BYTES`` is neither written nor read. A
  verified entry is still checked field by field by its reader; anything unexpected is a miss.
- **Nothing changed too recently is trusted by its status** (git's guard for "racy" files, see
  ``RACY_NS``): a package file changed that recently means nothing is cached in that run; a
  watched file is checked by content; a watched folder means the run is not recorded.

A miss only costs a lint: the cache can be deleted at any time.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time

from .version import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterable, Iterator, Sequence

CACHE_DIR_NAME = ".privacy-dsl-cache"
#: Environment variables: the cache directory (instead of the project root's), the key directory.
CACHE_DIR_ENV = "PRIVACY_DSL_CACHE_DIR"
KEY_DIR_ENV = "PRIVACY_DSL_CACHE_KEY_DIR"
KEY_NAME = "cache-key"
KEY_BYTES = 32
#: An entry larger than this is not written (a run with a huge output is not recorded) nor read.
MAX_ENTRY_BYTES = 4 * 2**20
#: A temporary file of ``write`` older than this was left by a crash, and is pruned.
STALE_TEMP_NS = 3600 * 10**9
#: What makes a folder a project root (``configfile.find_config`` reads the last two).
PROJECT_MARKERS = (".git", "privacy-dsl.toml", "pyproject.toml")
_TEMP_PREFIX, _TEMP_SUFFIX = ".entry-", ".tmp"
_HEX = frozenset("0123456789abcdef")
_MAC_LEN = 64  # hex digits of a SHA-256
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | _CLOEXEC
#: O_NONBLOCK: a FIFO planted under an entry's name is not waited on (and then refused: not regular).
_READ_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | _CLOEXEC
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC


def _uid() -> int | None:
    """The current user, or None where ownership cannot be checked (then nothing is cached)."""
    getuid = getattr(os, "getuid", None)
    if getuid is None or not _NOFOLLOW:  # not POSIX: no owner to check, no O_NOFOLLOW to open with
        return None
    return int(getuid())


def _marked_ancestor(folder: str, stop: str | None = None) -> str | None:
    """The nearest folder from ``folder`` upwards (not above ``stop``) that holds a project marker."""
    while True:
        if any(os.path.lexists(os.path.join(folder, name)) for name in PROJECT_MARKERS):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder or folder == stop:
            return None
        folder = parent


def project_root(paths: Sequence[str] = (".",)) -> str | None:
    """The project a run over ``paths`` (the linted policies: folders or files) belongs to: the
    nearest folder holding one of ``PROJECT_MARKERS``, from the folder that holds every path
    upwards. Without one: None (nothing cached) when the paths lie in projects of their own (the
    run spans projects that share none); else that folder, or the working directory when that
    folder is inside it (a run in a folder that is no project keeps its cache at the top, not in
    a policy directory), but never the file system's root."""
    from .configfile import folders_of

    folders = folders_of(paths or (".",))
    try:
        common = os.path.commonpath(folders)
    except ValueError:  # Windows: paths on different drives
        return None
    root = _marked_ancestor(common)
    if root is not None:
        return root
    if any(_marked_ancestor(folder, stop=common) is not None for folder in folders):
        return None
    cwd = os.getcwd()
    folder = cwd if common == cwd or common.startswith(cwd.rstrip(os.sep) + os.sep) else common
    return None if os.path.dirname(folder) == folder else folder


def cache_dir(paths: Sequence[str] = (".",), explicit: str | None = None) -> str | None:
    """The cache directory of a run over ``paths`` (not checked, not created): ``explicit``
    (``--cache-dir``), else ``$PRIVACY_DSL_CACHE_DIR``, else ``.privacy-dsl-cache`` in
    ``project_root(paths)``; None when there is no project root (then nothing is cached)."""
    chosen = explicit or os.environ.get(CACHE_DIR_ENV)
    if chosen:  # the user's own choice: a link they made is theirs to follow
        return os.path.realpath(chosen)
    root = project_root(paths)
    return os.path.join(root, CACHE_DIR_NAME) if root is not None else None


def key_dir() -> str | None:
    """The key directory (not checked, not created); None if there is no home to put it in."""
    explicit = os.environ.get(KEY_DIR_ENV)
    if explicit:
        return os.path.abspath(explicit)
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec: a relative value is ignored
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "privacy-dsl")


def _private(st: os.stat_result, uid: int) -> bool:
    """Owned by ``uid`` and of no use to anyone else (no group or other permission bit)."""
    return st.st_uid == uid and not st.st_mode & 0o077


def secret(create: bool = False) -> bytes | None:
    """The user's cache secret; with ``create``, made if there is none yet. None if it cannot be
    had safely: then nothing may be cached."""
    uid, folder = _uid(), key_dir()
    if uid is None or folder is None:
        return None
    try:
        if create:
            os.makedirs(folder, 0o700, exist_ok=True)  # checked below, however it came to be
        dfd = os.open(folder, _DIR_FLAGS)  # a link in the last place is refused (ELOOP)
    except OSError:
        return None
    try:
        st = os.fstat(dfd)
        if not (stat.S_ISDIR(st.st_mode) and _private(st, uid)):
            return None
        try:
            return _read_secret(dfd, uid)
        except FileNotFoundError:
            return _create_secret(dfd, uid) if create else None
    except OSError:
        return None
    finally:
        os.close(dfd)


def _read_secret(dfd: int, uid: int) -> bytes | None:
    fd = os.open(KEY_NAME, _READ_FLAGS, dir_fd=dfd)
    try:
        st = os.fstat(fd)
        if not (stat.S_ISREG(st.st_mode) and _private(st, uid) and st.st_size == KEY_BYTES):
            return None
        data = os.read(fd, KEY_BYTES + 1)
        return data if len(data) == KEY_BYTES else None
    finally:
        os.close(fd)


def _create_secret(dfd: int, uid: int) -> bytes | None:
    """Write a new secret to a temporary file and link it into place: a concurrent run sees either
    no secret or a whole one, and a crash cannot leave an empty one behind."""
    key = os.urandom(KEY_BYTES)
    tmp = f"{KEY_NAME}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    fd = os.open(tmp, _CREATE_FLAGS, 0o600, dir_fd=dfd)
    try:
        try:
            written = os.write(fd, key)
            os.fsync(fd)
        finally:
            os.close(fd)
        if written != KEY_BYTES:
            return None
        try:
            os.link(tmp, KEY_NAME, src_dir_fd=dfd, dst_dir_fd=dfd, follow_symlinks=False)
        except FileExistsError:  # another run made one first: use theirs
            return _read_secret(dfd, uid)
        return key
    finally:
        os.unlink(tmp, dir_fd=dfd)


class _Dir:
    """An open cache directory, checked: a real directory (not a link) owned by the user."""

    def __init__(self, path: str, create: bool) -> None:
        self.fd = -1
        uid = _uid()
        if uid is None:
            return
        try:
            if create:
                os.makedirs(path, exist_ok=True)  # checked below, however it came to be
            fd = os.open(path, _DIR_FLAGS)
        except OSError:
            return
        try:
            st = os.fstat(fd)
        except OSError:
            st = None
        if st is None or not stat.S_ISDIR(st.st_mode) or st.st_uid != uid:
            os.close(fd)
            return
        self.fd = fd

    def __enter__(self) -> int | None:
        return self.fd if self.fd >= 0 else None

    def __exit__(self, *exc: object) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def usable(directory: str, create: bool = False) -> bool:
    """``directory`` is (or, with ``create``, now is) a cache directory that may be used."""
    with _Dir(directory, create) as dfd:
        return dfd is not None


def _mac(key: bytes, name: str, body: bytes) -> bytes:
    import hmac  # here, not at the top: a run with --no-cache never loads OpenSSL's hashes

    message = b"privacy-dsl cache entry\0" + name.encode("utf-8", "surrogatepass") + b"\0" + body
    return hmac.new(key, message, "sha256").hexdigest().encode("ascii")


def read(directory: str, name: str, key: bytes) -> object:
    """The data of entry ``name``, or None if there is none that this user's secret verifies
    (missing, a link, not a regular file, too large, forged, damaged, not JSON)."""
    with _Dir(directory, False) as dfd:
        if dfd is None:
            return None
        try:
            fd = os.open(name, _READ_FLAGS, dir_fd=dfd)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_ENTRY_BYTES:
                return None
            chunks, size = [], 0
            while size <= MAX_ENTRY_BYTES:  # the file may grow after fstat: read no more than the bound
                chunk = os.read(fd, MAX_ENTRY_BYTES + 1 - size)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except OSError:
            return None
        finally:
            os.close(fd)
    if size > MAX_ENTRY_BYTES:
        return None
    data = b"".join(chunks)
    mac, newline, body = data[:_MAC_LEN], data[_MAC_LEN:_MAC_LEN + 1], data[_MAC_LEN + 1:]
    import hmac

    if newline != b"\n" or not hmac.compare_digest(mac, _mac(key, name, body)):
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, an integer of too many digits
        return None


def write(directory: str, name: str, key: bytes, data: object) -> bool:
    """Write entry ``name`` (authenticated) through a temporary file and a rename, so that a reader
    never sees half an entry. Not synced to disk: a lost entry only costs a lint. False, and
    nothing written, if the directory may not be used, the entry would be larger than
    ``MAX_ENTRY_BYTES`` or it cannot be written."""
    try:
        body = json.dumps(data).encode("utf-8", "surrogatepass")
    except (TypeError, ValueError, RecursionError):
        return False
    if len(body) + _MAC_LEN + 1 > MAX_ENTRY_BYTES:
        return False
    with _Dir(directory, False) as dfd:
        if dfd is None:
            return False
        tmp = f"{_TEMP_PREFIX}{os.urandom(8).hex()}{_TEMP_SUFFIX}"
        try:
            fd = os.open(tmp, _CREATE_FLAGS, 0o644, dir_fd=dfd)
        except OSError:
            return False
        try:
            try:
                view = memoryview(_mac(key, name, body) + b"\n" + body)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            os.replace(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)  # replaces a link, never follows one
            return True
        except OSError:
            import contextlib  # not at the top: a replay imports as little as it can

            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=dfd)
            return False


def ensure(directory: str) -> bool:
    """Create the cache directory (with a ``.gitignore`` that ignores it); False if it cannot be
    used. An existing ``.gitignore`` is left alone; none is written through a link."""
    with _Dir(directory, True) as dfd:
        if dfd is None:
            return False
        try:
            fd = os.open(".gitignore", _CREATE_FLAGS, 0o644, dir_fd=dfd)
        except OSError:  # there is one already (or something else by that name): fine
            return True
        try:
            os.write(fd, b"# Created by privacy-dsl; safe to delete.\n*\n")
        except OSError:
            pass
        finally:
            os.close(fd)
        return True


def is_entry_name(name: str) -> bool:
    """One of the names ``write`` is given: ``replay-<64 hex>.json`` or ``<64 hex>.json`` (and
    ``replay-<8 hex>.json``, as versions before ``FORMAT`` 3 named replay entries: pruned too)."""
    if not name.endswith(".json"):
        return False
    stem = name[:-5]
    if stem.startswith(_REPLAY_PREFIX):
        stem = stem[len(_REPLAY_PREFIX):]
        return len(stem) in (8, 64) and _HEX.issuperset(stem)
    return len(stem) == 64 and _HEX.issuperset(stem)


def _is_temp_name(name: str) -> bool:
    middle = name[len(_TEMP_PREFIX):-len(_TEMP_SUFFIX)]
    return (name.startswith(_TEMP_PREFIX) and name.endswith(_TEMP_SUFFIX) and len(middle) == 16
            and _HEX.issuperset(middle))


def _own_files(dfd: int) -> Iterator[tuple[str, bool, int]]:
    """(name, is an entry, mtime) of each regular file privacy-dsl wrote; links are not followed."""
    with os.scandir(dfd) as entries:
        for entry in entries:
            entry_name = is_entry_name(entry.name)
            if not (entry_name or _is_temp_name(entry.name)):
                continue
            try:
                if entry.is_file(follow_symlinks=False):
                    yield entry.name, entry_name, entry.stat(follow_symlinks=False).st_mtime_ns
            except OSError:
                continue


def prune(directory: str, keep: int, now_ns: int | None = None) -> None:
    """Delete the oldest entries beyond ``keep``, and temporary files left by a crash. Only
    regular files with the names privacy-dsl writes are ever deleted, and only in a cache
    directory that may be used."""
    import time

    now = time.time_ns() if now_ns is None else now_ns
    with _Dir(directory, False) as dfd:
        if dfd is None:
            return
        try:
            files = list(_own_files(dfd))
        except OSError:
            return
        entries = sorted((mtime, name) for name, is_entry, mtime in files if is_entry)
        doomed = [name for _, name in entries[: max(0, len(entries) - keep)]]
        doomed += [name for name, is_entry, mtime in files if not is_entry and now - mtime > STALE_TEMP_NS]
        for name in doomed:
            try:
                os.unlink(name, dir_fd=dfd)
            except OSError:
                continue


# -- one run: the clock and the environment, read once -----------------------------------------------

#: The layout of entries; an entry of another is a miss. 3: one key scheme for results and replay,
#: with the versions of lark and pydantic in it. 4: diagnostics carry their ``message_id``.
#: 5: and their related locations (``Diagnostic.related``).
FORMAT = 5
#: The distributions privacy-dsl runs on (``dependencies`` in pyproject.toml but shtab, which only
#: writes completion scripts; a test checks): their versions are part of every key.
DEPENDENCIES = ("lark", "pydantic")
#: The cache keeps at most this many entries (oldest dropped first); a run needs one per policy + one.
MAX_ENTRIES = 4096
#: A path whose status changed less than this long before the run began is not trusted by its
#: status: it could change again within one tick of the file system's clock without its status
#: changing (git's "racy" files).
RACY_NS = 2_000_000_000
_CONFIG_NAMES = ("privacy-dsl.toml", "pyproject.toml")
_PACKAGE_SUFFIXES = (".py", ".lark", ".json")

Signature = list[int] | None


def signature(path: str) -> Signature:
    """What git's index trusts of a path: type and mode, inode, device, size, mtime, ctime."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return [st.st_mode, st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def package_files() -> list[str]:
    """Every file of the installed package that can change what it reports (rules, grammar, data),
    and the grammar the parser reads (``lark_tables.grammar_path``: the package's copy, else the
    repository's, in an editable install). OSError if the package cannot be listed (a zip import)."""
    package = os.path.dirname(os.path.abspath(__file__))
    out = []
    stack = [package]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        stack.append(entry.path)
                elif entry.name.endswith(_PACKAGE_SUFFIXES):
                    out.append(entry.path)
    if not os.path.exists(os.path.join(package, "grammar.lark")):
        out.append(os.path.join(os.path.dirname(package), "grammar.lark"))
    return sorted(out)


def installed_version(name: str) -> str | None:
    """What ``importlib.metadata.version(name)`` says (None: not installed). The ``<name>-<version>
    .dist-info`` folder every installer writes is looked for on ``sys.path`` directly, in the order
    importlib.metadata searches: importing importlib.metadata would cost a replay a third of its
    time. Any other layout (an ``.egg-info``, a zip) is left to importlib.metadata."""
    wanted = name.lower().replace("-", "_").replace(".", "_")
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except (OSError, ValueError):
            continue
        for entry in names:
            if entry.endswith(".dist-info"):
                dist, _, version = entry[:-10].partition("-")
                if dist.lower().replace(".", "_") == wanted and version:
                    return version
            elif entry.endswith(".egg-info") and entry.lower().replace("-", "_").startswith(wanted):
                return _metadata_version(name)
    return _metadata_version(name)


def _metadata_version(name: str) -> str | None:
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


class Context:
    """What every entry of one run depends on besides its input, read once per run and shared by
    the replay and the results: the clock (one read gives today's date, by which suppressions
    expire, and the moment racy paths are judged against) and the environment (``environment``,
    computed when first asked for)."""

    __slots__ = ("_computed", "_environment", "now_ns", "today")

    def __init__(self, now_ns: int | None = None, today: str | None = None) -> None:
        self.now_ns = time.time_ns() if now_ns is None else now_ns
        self.today = today or time.strftime("%Y-%m-%d", time.localtime(self.now_ns // 10**9))
        self._environment: str | None = None
        self._computed = False

    def racy(self, sig: Signature) -> bool:
        """``sig`` changed so shortly before the run began that it may not show the next change."""
        return sig is not None and max(sig[4], sig[5]) >= self.now_ns - RACY_NS

    @property
    def environment(self) -> str | None:
        """The fingerprint of what is running: privacy-dsl's version and the status of every file
        of the package, the Python, the versions of ``DEPENDENCIES``. None — then nothing is
        cached in this run — if the package cannot be listed, or one of its files changed within
        ``RACY_NS`` (its status could hide the next edit)."""
        if not self._computed:
            self._computed = True
            try:
                files = {path: signature(path) for path in package_files()}
            except OSError:
                return None
            if any(self.racy(sig) for sig in files.values()):
                return None
            versions = [[name, installed_version(name)] for name in DEPENDENCIES]
            self._environment = _digest(json.dumps(
                [__version__, sys.version, sys.implementation.cache_tag, versions, files]))
        return self._environment


def _digest(*parts: str) -> str:
    import hashlib

    h = hashlib.sha256()
    for part in parts:  # each part length-prefixed: no two different lists of parts give one digest
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def fingerprint(context: Context, kind: str, settings: object) -> str | None:
    """The first half of every key: ``FORMAT``, the kind of entry, the run's environment and date,
    and ``settings`` (JSON: what the run was asked to do). None if the environment cannot be
    trusted (``Context.environment``): then nothing is read from the cache or written to it."""
    environment = context.environment
    if environment is None:
        return None
    return _digest("privacy-dsl cache", str(FORMAT), kind, environment, context.today,
                   json.dumps(settings, sort_keys=True, default=str))


def key(fingerprint: str, *content: str) -> str:
    """The key of one entry (64 hex digits): the run's ``fingerprint`` and the content the entry
    is about (say, each file name and text of a policy)."""
    return _digest(fingerprint, *content)


# -- replay: the output of a whole run ------------------------------------------------------------

#: The namespace attribute ``cli.build_parser`` names the command in (``add_subparsers(dest=...)``).
COMMAND_DEST = "command"
_REPLAY_PREFIX = "replay-"


class Replayable:
    """Marks a command whose run may be answered with what the same run printed last time, and
    lists the options such a run may give: ``parser.set_defaults(replay=Replayable(parser, SAFE))``.

    An allowlist, read off the namespace the real parser made: every option whose value is not its
    default must be in ``safe``, so an option nobody classified (one added later, say) is never
    replayed, however it was spelled on the command line. ``allow`` can still refuse a run by its
    values (``--format github`` appends a job summary)."""

    __slots__ = ("allow", "parser", "safe")

    def __init__(self, parser: argparse.ArgumentParser, safe: Iterable[str],
                 allow: Callable[[argparse.Namespace], bool] | None = None) -> None:
        self.parser = parser
        self.safe = frozenset(safe)
        self.allow = allow

    def options(self, args: argparse.Namespace) -> dict[str, object] | None:
        """The values of the replay-safe options (part of the key), or None if this run may not be
        replayed."""
        out: dict[str, object] = {}
        for dest, value in vars(args).items():
            if dest == COMMAND_DEST:
                continue
            if dest in self.safe:
                plain = _plain(value)
                if plain is _NOT_PLAIN:
                    return None
                out[dest] = plain
            elif value != self.parser.get_default(dest):  # given, and not known to be harmless
                return None
        if self.allow is not None and not self.allow(args):
            return None
        return out


_NOT_PLAIN = object()


def _plain(value: object) -> object:
    """``value`` as JSON data (paths as text); ``_NOT_PLAIN`` if it is of no type an option has."""
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, list | tuple):
        items = [_plain(v) for v in value]
        return _NOT_PLAIN if any(item is _NOT_PLAIN for item in items) else items
    return _NOT_PLAIN


class Replay:
    """The replay entry of one run: ``answer`` prints it, ``record`` stores it.

    The key holds the command's options (``Replayable``), the working directory, the colour
    settings of the environment (``NO_COLOR``, ``FORCE_COLOR``, ``TERM``) and whether standard
    output is a terminal. The entry holds the output and exit code together with
    a *watch list* (``Snapshot``): the status of every policy file read, every directory searched
    for policy files (a file added or removed changes its directory), the ``privacy-dsl.toml`` and
    ``pyproject.toml`` that each folder from the working directory up to ``/`` holds or could hold
    (``config_watch``) and an explicit ``--config``. The entry is used only if every status is
    unchanged; for a file changed within ``RACY_NS`` of the run the entry also holds a SHA-256 of
    its content, checked on replay (a folder changed that recently is not trusted at all: no entry
    is written, and the next run records one). The status is taken before the run reads anything
    and again after it; an entry is written only if nothing moved in between and each racy file
    still holds the text that was linted, so an edit made while the run was in progress is never
    hidden. An entry whose watch list is missing or empty is stale. Runs with unusable input (exit
    2) are not recorded, nor runs whose output would make an entry larger than ``MAX_ENTRY_BYTES``.
    """

    __slots__ = ("directory", "key", "name")

    def __init__(self, directory: str, key: str) -> None:
        self.directory = directory
        self.key = key
        self.name = f"{_REPLAY_PREFIX}{key}.json"

    @classmethod
    def open(cls, args: argparse.Namespace, context: Context, directory: str | None) -> Replay | None:
        """This run's entry in the cache ``directory`` (``cache_dir``); None if there is none, the
        run may not be replayed (the command or an option is not marked replay-safe) or the
        environment cannot be trusted."""
        if directory is None:
            return None
        marker = getattr(args, "replay", None)
        options = marker.options(args) if isinstance(marker, Replayable) else None
        if options is None:
            return None
        settings = {"command": getattr(args, COMMAND_DEST, None), "options": options, "cwd": os.getcwd(),
                    "no_color": os.environ.get("NO_COLOR", ""), "force_color": os.environ.get("FORCE_COLOR", ""),
                    "term": os.environ.get("TERM", ""), "tty": sys.stdout.isatty()}
        run = fingerprint(context, "replay", settings)
        return cls(directory, key(run)) if run is not None else None

    def answer(self) -> int | None:
        """Print what the same run printed last time and return its exit code; None if there is no
        entry this user wrote for it, or anything it depends on may have changed (then the run
        goes ahead as usual)."""
        user_key = secret()
        if user_key is None:
            return None
        entry = read(self.directory, self.name, user_key)
        if not (isinstance(entry, dict) and entry.get("format") == FORMAT and entry.get("key") == self.key):
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

    def record(self, snapshot: Snapshot, texts: dict[str, str], writes: Sequence[tuple[int, str]],
               exit_code: int, user_key: bytes | None = None) -> None:
        """Store the entry for this run, authenticated with the user's secret (``user_key``, else
        ``secret()``); silently not, if anything moved while it ran, the output is too large to
        keep or the cache cannot be written. ``texts`` maps each policy file (absolute path) to the
        text that was linted."""
        import hashlib

        if not snapshot.signatures or sum(len(text) for _, text in writes) >= MAX_ENTRY_BYTES:
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
        user_key = user_key or secret()
        if user_key is None:
            return
        entry = {"format": FORMAT, "key": self.key, "watch": snapshot.signatures, "hashes": hashes,
                 "writes": [list(w) for w in writes], "exit": exit_code}
        write(self.directory, self.name, user_key, entry)


def _ancestors(folder: str) -> list[str]:
    out = [folder]
    while True:
        parent = os.path.dirname(out[-1])
        if parent == out[-1]:
            return out
        out.append(parent)


def config_watch(start: str | None = None) -> list[str]:
    """What the configuration lookup (``configfile.find_config``) depends on: the configuration
    files that are, or could be, in each folder up from ``start`` (``configfile.search_start`` of
    the linted paths; the working directory when None). A missing file has no status; creating it
    gives it one. The folders themselves change too often (``/tmp``)."""
    return [os.path.join(folder, name) for folder in _ancestors(start or os.getcwd()) for name in _CONFIG_NAMES]


class Snapshot:
    """The status of the watched paths, taken before a run reads them; ``taken`` is the moment
    racy paths are judged against (the run's ``Context.now_ns``)."""

    def __init__(self, paths: Iterable[str], taken: int | None = None) -> None:
        self.taken = time.time_ns() if taken is None else taken
        self.signatures = {path: signature(path) for path in dict.fromkeys(paths)}

    def racy(self, sig: Signature) -> bool:
        return sig is not None and max(sig[4], sig[5]) >= self.taken - RACY_NS


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


# -- results: what linting a policy found -----------------------------------------------------------


class Results:
    """The per-policy results in the cache directory, authenticated with the user's secret
    ``user_key``. An entry holds the diagnostics as ``runner`` writes them (JSON objects);
    ``runner`` checks each field of what ``get`` returns."""

    def __init__(self, directory: str | os.PathLike[str], user_key: bytes) -> None:
        self.directory = os.fspath(directory)
        self.user_key = user_key

    @classmethod
    def open(cls, directory: str | None) -> Results | None:
        """The cache in ``directory`` (``cache_dir``); None if there is none or the user's secret
        cannot be had safely (then nothing is cached)."""
        if directory is None:
            return None
        user_key = secret(create=True)
        return cls(directory, user_key) if user_key is not None else None

    def get(self, key: str) -> list[object] | None:
        """The diagnostics (unchecked JSON values) stored under ``key``; None on a miss."""
        data = read(self.directory, f"{key}.json", self.user_key)
        if not (isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("diagnostics"), list)):
            return None
        diagnostics: list[object] = data["diagnostics"]
        return diagnostics

    def ensure(self) -> bool:
        """Create the directory (with its .gitignore); False if it cannot be, or may not be used."""
        return ensure(self.directory)

    def put(self, key: str, diagnostics: list[object]) -> None:
        """Store atomically; a cache that cannot be written is simply not used."""
        if self.ensure():
            write(self.directory, f"{key}.json", self.user_key, {"format": FORMAT, "diagnostics": diagnostics})

    def prune(self, keep: int | None = None) -> None:
        """Drop the oldest entries beyond ``keep`` (default ``MAX_ENTRIES``; called once a run, after
        new entries were written); only files privacy-dsl wrote, and never through a link."""
        prune(self.directory, MAX_ENTRIES if keep is None else keep)
