"""Where privacy-dsl keeps its lint caches, and why it can believe what it reads there.

Two caches live in ``.privacy-dsl-cache/``: replay entries (``replay.py``: the output of a whole
``lint`` run) and per-policy results (``runner.Cache``). Both are written and read only here.

Trust model. A policy repository is untrusted input: a pull request can add any file, any
symbolic link, and a ``.privacy-dsl-cache/`` of its own (``git add -f``); a fresh CI clone may
hold an entry that says "All clear" for a failing policy. So nothing that arrives with a
repository is believed:

- **Every entry is authenticated.** Its first line is an HMAC-SHA256 of its name and its body,
  keyed with a per-user secret of 32 random bytes. The secret is kept outside every repository,
  in the *key directory* ``$PRIVACY_DSL_CACHE_KEY_DIR``, else ``$XDG_CACHE_HOME/privacy-dsl/``,
  else ``~/.cache/privacy-dsl/`` (created 0700; the secret file ``cache-key`` is created 0600,
  exclusively, never through a link). The key directory and the secret are used only while they
  are owned by the user, are not symbolic links and are not readable or writable by anyone
  else; otherwise, or if they cannot be created (an unwritable home), nothing is cached at all
  and every run simply lints. An entry that does not verify is ignored, unread beyond its MAC.
- **Only the project's cache is read**: ``.privacy-dsl-cache/`` in the *project root*, the nearest
  folder from the working directory upwards that holds ``.git``, ``privacy-dsl.toml`` or
  ``pyproject.toml`` (the files ``configfile.find_config`` looks for), else the working
  directory itself; ``$PRIVACY_DSL_CACHE_DIR`` names another directory. Never a parent's.
- **The cache directory is used only if it is a real directory owned by the user**: a symbolic
  link (git can carry one), a file or someone else's directory is neither read, written nor
  pruned. Entries are opened without following links and only if they are regular files.
- **Pruning deletes only what privacy-dsl wrote**: regular files named exactly as entries are
  (``replay-<8 hex>.json``, ``<64 hex>.json``) and its own stale temporary files.
- **Entries are bounded**: one larger than ``MAX_ENTRY_BYTES`` is neither written nor read. A
  verified entry is still checked field by field by its reader; anything unexpected is a miss.

A miss only costs a lint: the cache can be deleted at any time.
"""

from __future__ import annotations

import hmac
import json
import os
import stat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

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


def project_root(start: str | None = None) -> str:
    """The nearest folder from ``start`` (the working directory) upwards holding one of
    ``PROJECT_MARKERS``; ``start`` itself if none does."""
    start = os.path.abspath(start if start is not None else os.getcwd())
    folder = start
    while True:
        if any(os.path.lexists(os.path.join(folder, name)) for name in PROJECT_MARKERS):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return start
        folder = parent


def cache_dir() -> str:
    """The cache directory (not checked, not created): ``$PRIVACY_DSL_CACHE_DIR``, else
    ``.privacy-dsl-cache`` in the project root."""
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:  # the user's own choice: a link they made is theirs to follow
        return os.path.realpath(explicit)
    return os.path.join(project_root(), CACHE_DIR_NAME)


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
            import contextlib  # not at the top: the replay path imports as little as it can

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
    """One of the names ``write`` is given: ``replay-<8 hex>.json`` or ``<64 hex>.json``."""
    if not name.endswith(".json"):
        return False
    stem = name[:-5]
    if stem.startswith("replay-"):
        stem = stem[7:]
        return len(stem) == 8 and _HEX.issuperset(stem)
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
