"""How ``privacy-dsl lint`` runs: a content-addressed cache, and worker processes for large repos.

A run with nothing changed answers from the project's ``.privacy-dsl-cache/`` without importing
the parser, the model or pydantic. Each policy's entry is keyed on the privacy-dsl version and
package files, the raw configuration and command-line selection, today's date (suppressions can
expire) and the path and content of every file of the policy. The cache is safe to delete at any
time.

The key is predictable, so an entry is believed only if the user wrote it: entries are
authenticated with the user's secret (``cache.py`` holds the trust model: the secret and its
user-private directory are trusted, nothing that arrives with a repository is). A forged,
damaged or wrong-typed entry is a miss, and that policy is linted. Without a usable secret or
cache directory nothing is cached.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from . import cache as store
from .cache import CACHE_DIR_NAME as CACHE_DIR_NAME  # re-exported: where the cache is
from .configfile import explicit_table, find_config
from .diagnostics import Diagnostic, Severity
from .replay import package_watch
from .sources import DEFAULT_MAX_FILE_BYTES, PolicySources, SourceFile, discover, display_path, read_source
from .span import Span

_FORMAT = 2  # 2: entries are authenticated (cache.py)
#: The cache keeps at most this many entries (oldest dropped first); a run needs one per policy + one.
MAX_CACHE_ENTRIES = 4096
#: Below this many lines of policies to lint, worker processes cost more than they save.
PARALLEL_MIN_LINES = 20_000


@dataclass(slots=True)
class Outcome:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    files: int = 0
    cached: int = 0  # policies answered from the cache
    #: Files of policies that were not linted because one of their files is unusable.
    skipped: set[str] = field(default_factory=set)
    #: With ``Request.watch``: the status of everything the result depends on, taken before
    #: anything was read, and the cache directory (for ``replay.record``).
    snapshot: Any = None
    cache_dir: str | None = None
    #: Warnings about the configuration (a retired code read as its successor), for standard error.
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Request:
    paths: list[Path]
    config_file: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    use_cache: bool = True
    jobs: int | None = None  # None: decide from the amount of work
    today: str | None = None  # ISO date; None: today
    watch: bool = False  # take a replay.Snapshot (the lint command records the run for replay)


def _package_fingerprint() -> str:
    """Changes whenever any file of the installed package changes (rules, grammar, data)."""
    import hashlib

    h = hashlib.sha256(__version__.encode())
    try:
        for path in package_watch():
            st = os.stat(path)
            h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    except OSError:  # files that cannot be listed (a zip import): the version alone
        pass
    return h.hexdigest()


def _dump(diag: Diagnostic) -> dict[str, Any]:
    data = asdict(diag)
    data["severity"] = diag.severity.label
    return data


#: The largest line or column a cached span may hold (a policy file is far smaller).
_MAX_POSITION = 2**31
_SPAN_INTS = ("line", "column", "end_line", "end_column")
_TEXT_FIELDS = ("code", "name", "category", "message")
_OPTIONAL_TEXT = ("hint", "url", "suppressed")
_FIELDS = frozenset(("severity", "span", "fatal", "args", *_TEXT_FIELDS, *_OPTIONAL_TEXT))


def _load(data: object) -> Diagnostic | None:
    """The diagnostic ``_dump`` made, or None if ``data`` is not exactly of that shape."""
    if not (isinstance(data, dict) and data.keys() == _FIELDS):
        return None
    span, args, severity = data["span"], data["args"], data["severity"]
    if not (isinstance(span, dict) and span.keys() == {"path", *_SPAN_INTS} and isinstance(span["path"], str)
            and all(type(span[k]) is int and 0 <= span[k] <= _MAX_POSITION for k in _SPAN_INTS)):
        return None
    if not (all(isinstance(data[k], str) for k in _TEXT_FIELDS)
            and all(data[k] is None or isinstance(data[k], str) for k in _OPTIONAL_TEXT)
            and type(data["fatal"]) is bool and severity in ("info", "warning", "error")
            and isinstance(args, list)
            and all(isinstance(a, list) and len(a) == 2 and all(isinstance(x, str) for x in a) for a in args)):
        return None
    return Diagnostic(
        code=data["code"], name=data["name"], category=data["category"], severity=Severity.parse(severity),
        message=data["message"], span=Span(**span), hint=data["hint"], url=data["url"], fatal=data["fatal"],
        suppressed=data["suppressed"], args=tuple((a[0], a[1]) for a in args))


class Cache:
    """The per-policy results in the cache directory, authenticated with the user's secret ``key``."""

    def __init__(self, directory: Path, key: bytes) -> None:
        self.directory = directory
        self.key = key

    @classmethod
    def open(cls) -> Cache | None:
        """The project's cache (``cache.cache_dir()``); None if the user's secret or the cache
        directory cannot be used safely (then nothing is cached)."""
        key = store.secret(create=True)
        return cls(Path(store.cache_dir()), key) if key is not None else None

    def get(self, key: str) -> list[Diagnostic] | None:
        data = store.read(str(self.directory), f"{key}.json", self.key)
        if not (isinstance(data, dict) and data.get("format") == _FORMAT and isinstance(data.get("diagnostics"), list)):
            return None
        diagnostics = []
        for item in data["diagnostics"]:
            diagnostic = _load(item)
            if diagnostic is None:
                return None  # one wrong field, and none of the entry is believed
            diagnostics.append(diagnostic)
        return diagnostics

    def ensure(self) -> bool:
        """Create the directory (with its .gitignore); False if it cannot be, or may not be used."""
        return store.ensure(str(self.directory))

    def put(self, key: str, diagnostics: list[Diagnostic]) -> None:
        """Store atomically; a cache that cannot be written is simply not used."""
        if self.ensure():
            store.write(str(self.directory), f"{key}.json", self.key,
                        {"format": _FORMAT, "diagnostics": [_dump(d) for d in diagnostics]})

    def prune(self, keep: int = MAX_CACHE_ENTRIES) -> None:
        """Drop the oldest entries beyond ``keep`` (called once a run, after new entries were
        written); only files privacy-dsl wrote, and never through a link (``cache.prune``)."""
        store.prune(str(self.directory), keep)


def _read_policy(sources: PolicySources, max_bytes: int) -> tuple[str, list[SourceFile]]:
    return display_path(sources.root), [read_source(p, max_bytes) for p in sources.files]


def _policy_key(run_key: str, root: str, files: list[SourceFile]) -> str | None:
    import hashlib

    # Paths are file names: ``surrogateescape`` keeps a name that is not UTF-8 (as the OS gave it).
    h = hashlib.sha256(run_key.encode("utf-8", "surrogateescape"))
    h.update(root.encode("utf-8", "surrogateescape"))
    for f in files:
        if f.text is None:
            return None  # unreadable files are cheap to report again, and must be
        h.update(b"\0" + f.path.encode("utf-8", "surrogateescape") + b"\0" + f.text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def run(request: Request) -> Outcome:
    """Lint ``request.paths``: from the cache where possible, in worker processes when large."""
    import datetime as dt

    if request.config_file is not None:
        config_path: Path | None = request.config_file
        table: dict[str, Any] = explicit_table(request.config_file)
    else:
        found = find_config(Path.cwd())
        config_path, table = (found.path, found.table) if found else (None, {})
    today = request.today or dt.date.today().isoformat()
    limit = table.get("max-file-bytes", DEFAULT_MAX_FILE_BYTES)
    max_bytes = limit if isinstance(limit, int) and limit > 0 else DEFAULT_MAX_FILE_BYTES
    cache = None
    run_key = ""
    if request.use_cache:  # json and hashing are imported only for the cache
        import json

        run_key = json.dumps([_FORMAT, _package_fingerprint(), str(config_path), table, request.select,
                              request.ignore, today], sort_keys=True, default=str)
        cache = Cache.open()

    found_sources = discover(request.paths)
    outcome = Outcome(diagnostics=list(found_sources.problems))
    from .config import redirected  # cheap: no rule import unless a retired code is named

    outcome.notes = redirected(_merged(table, request), str(config_path) if config_path else "configuration")[1]
    # Not recorded when a file is a link, pipe or device: recording hashes recently changed files, and
    # only read_source may open those (a pipe would block, a link may lead outside the tree). The cache
    # directory is created first: creating it changes its parent.
    if cache and request.watch and not found_sources.irregular and cache.ensure():
        from .replay import Snapshot, config_watch

        try:
            explicit = [os.path.abspath(request.config_file)] if request.config_file else []
            outcome.snapshot = Snapshot([*package_watch(), *config_watch(), *explicit, *found_sources.searched,
                                         *(str(f) for p in found_sources.policies for f in p.files)])
            outcome.cache_dir = str(cache.directory)
        except OSError:  # the package's own files cannot be listed (a zip import): no replay, that is all
            outcome.snapshot = None
    read = [_read_policy(sources, max_bytes) for sources in found_sources.policies]
    keys = [_policy_key(run_key, root, files) if cache else None for root, files in read]
    for _, files in read:
        outcome.files += len(files)
        outcome.sources.update({f.path: f.text for f in files if f.text is not None})
    # One entry for the whole run answers an unchanged repository with a single read.
    whole = _policy_key("".join(k or "-" for k in keys), "", []) if cache and keys and all(keys) else None
    hit = cache.get(whole) if cache and whole else None
    if hit is not None:
        outcome.diagnostics.extend(hit)
        outcome.cached = len(read)
        outcome.diagnostics.sort(key=Diagnostic.sort_key)
        return outcome
    misses: list[tuple[str, list[SourceFile], str | None]] = []
    fresh: list[Diagnostic] = []
    for (root, files), key in zip(read, keys, strict=True):
        cached = cache.get(key) if cache and key else None
        if cached is not None:
            fresh.extend(cached)
            outcome.cached += 1
        else:
            misses.append((root, files, key))
    if misses:
        source = str(config_path) if config_path else "configuration"
        for (_, _, key), diagnostics in zip(misses, _lint_misses(misses, request, table, today, source),
                                            strict=True):
            fresh.extend(diagnostics)
            if cache and key and not any(d.fatal for d in diagnostics):
                cache.put(key, diagnostics)
    if cache and whole and not any(d.fatal for d in fresh):
        cache.put(whole, fresh)
    if cache and misses:
        cache.prune(max(MAX_CACHE_ENTRIES, 2 * len(read) + 2))
    outcome.diagnostics.extend(fresh)
    outcome.diagnostics.sort(key=Diagnostic.sort_key)
    fatal_paths = {d.span.path for d in outcome.diagnostics if d.fatal}
    for _, files in read:
        if any(f.path in fatal_paths for f in files):
            outcome.skipped |= {f.path for f in files if f.text is not None}
    return outcome


def _merged(table: dict[str, Any], request: Request) -> dict[str, Any]:
    """The configuration table with --select and --ignore applied."""
    data = dict(table)
    if request.select is not None:
        data["select"] = list(request.select)
    if request.ignore:
        data["ignore"] = [*data.get("ignore", []), *request.ignore]
    return data


def _config(table: dict[str, Any], request: Request, source: str) -> Any:
    from .config import parse_config

    return parse_config(_merged(table, request), source)


def _lint_misses(misses: list[tuple[str, list[SourceFile], str | None]], request: Request,
                 table: dict[str, Any], today: str, source: str) -> list[list[Diagnostic]]:
    import datetime as dt

    from .lint import active_rules, lint_sources

    config = _config(table, request, source)
    day = dt.date.fromisoformat(today)
    lines = sum((f.text or "").count("\n") for _, files, _ in misses for f in files)
    jobs = request.jobs if request.jobs is not None else (
        min(os.cpu_count() or 1, 4) if lines >= PARALLEL_MIN_LINES and len(misses) > 1 else 1)
    jobs = max(1, min(jobs, len(misses)))
    if jobs == 1:
        rules = active_rules(config)
        return [lint_sources(root, files, config, day, rules).diagnostics for root, files, _ in misses]
    import multiprocessing

    # fork where there is one: the workers inherit the imported parser and rules for free.
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    chunks = [[(root, files) for root, files, _ in misses[i::jobs]] for i in range(jobs)]
    with context.Pool(jobs) as pool:
        results = pool.map(_lint_chunk, [(config, day, chunk) for chunk in chunks])
    by_root = {root: diags for chunk in results for root, diags in chunk}
    return [by_root[root] for root, _, _ in misses]


def _lint_chunk(work: tuple[Any, Any, list[tuple[str, list[SourceFile]]]]) -> list[tuple[str, list[Diagnostic]]]:
    """Worker: lint some policies (module level, so that it pickles)."""
    from .lint import active_rules, lint_sources

    config, day, chunk = work
    rules = active_rules(config)
    return [(root, lint_sources(root, files, config, day, rules).diagnostics) for root, files in chunk]
