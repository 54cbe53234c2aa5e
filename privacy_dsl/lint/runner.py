"""How ``privacy-dsl lint`` runs: cached results, and worker processes for large repos.

Each policy's diagnostics are cached under a key made by ``cache.py``'s one key scheme: the run's
fingerprint (privacy-dsl, its package files, the Python, lark and pydantic, today's date, and the
configuration and command-line selection) and the path and content of every file of the policy.
A run whose policies are all unchanged is answered by one entry for the whole run. The cache is
safe to delete at any time.

The key is predictable, so an entry is believed only if the user wrote it: entries are
authenticated with the user's secret (``cache.py`` holds the trust model: the secret and its
user-private directory are trusted, nothing that arrives with a repository is). A forged,
damaged or wrong-typed entry is a miss, and that policy is linted. Without a usable secret or
cache directory nothing is cached.
"""

from __future__ import annotations

import os
from dataclasses import asdict, field
from pathlib import Path
from typing import Any

from .. import cache
from ..cache import CACHE_DIR_NAME as CACHE_DIR_NAME  # re-exported: where the cache is
from ..configfile import explicit_table, find_config, search_start
from ..diagnostics import Diagnostic, Related, Severity
from ..language.sources import DEFAULT_MAX_FILE_BYTES, PolicySources, SourceFile, discover, display_path, read_source
from ..records import dataclass
from ..span import Span

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
    #: anything was read (for ``cache.Replay.record``).
    snapshot: cache.Snapshot | None = None
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
    #: The run's clock and environment, shared with the replay (None: read here, once).
    context: cache.Context | None = None
    watch: bool = False  # take a cache.Snapshot (the lint command records the run for replay)
    #: The cache directory (the lint command's ``cache.cache_dir``, --cache-dir applied); None: that of ``paths``.
    cache_dir: str | None = None


def _dump(diag: Diagnostic) -> dict[str, Any]:
    data = asdict(diag)
    data["severity"] = diag.severity.label
    return data


#: The largest line or column a cached span may hold (a policy file is far smaller).
_MAX_POSITION = 2**31
_SPAN_INTS = ("line", "column", "end_line", "end_column")
_TEXT_FIELDS = ("code", "name", "category", "message")
_OPTIONAL_TEXT = ("hint", "url", "suppressed", "message_id")
_FIELDS = frozenset(("severity", "span", "fatal", "args", "related", *_TEXT_FIELDS, *_OPTIONAL_TEXT))


def _span(data: object) -> Span | None:
    if not (isinstance(data, dict) and data.keys() == {"path", *_SPAN_INTS} and isinstance(data["path"], str)
            and all(type(data[k]) is int and 0 <= data[k] <= _MAX_POSITION for k in _SPAN_INTS)):
        return None
    return Span(**data)


def _related(data: object) -> tuple[Related, ...] | None:
    if not isinstance(data, list):
        return None
    out = []
    for item in data:
        if not (isinstance(item, dict) and item.keys() == {"span", "label"} and isinstance(item["label"], str)):
            return None
        span = _span(item["span"])
        if span is None:
            return None
        out.append(Related(span, item["label"]))
    return tuple(out)


def _load(data: object) -> Diagnostic | None:
    """The diagnostic ``_dump`` made, or None if ``data`` is not exactly of that shape."""
    if not (isinstance(data, dict) and data.keys() == _FIELDS):
        return None
    args, severity = data["args"], data["severity"]
    span, related = _span(data["span"]), _related(data["related"])
    if span is None or related is None:
        return None
    if not (all(isinstance(data[k], str) for k in _TEXT_FIELDS)
            and all(data[k] is None or isinstance(data[k], str) for k in _OPTIONAL_TEXT)
            and type(data["fatal"]) is bool and severity in ("info", "warning", "error")
            and isinstance(args, list)
            and all(isinstance(a, list) and len(a) == 2 and all(isinstance(x, str) for x in a) for a in args)):
        return None
    return Diagnostic(
        code=data["code"], name=data["name"], category=data["category"], severity=Severity.parse(severity),
        message=data["message"], span=span, hint=data["hint"], url=data["url"], fatal=data["fatal"],
        suppressed=data["suppressed"], args=tuple((a[0], a[1]) for a in args), message_id=data["message_id"],
        related=related)


def cached(results: cache.Results, key: str) -> list[Diagnostic] | None:
    """The diagnostics stored under ``key``, or None: a miss, or one wrong field anywhere in the
    entry (then none of it is believed)."""
    data = results.get(key)
    if data is None:
        return None
    diagnostics = []
    for item in data:
        diagnostic = _load(item)
        if diagnostic is None:
            return None
        diagnostics.append(diagnostic)
    return diagnostics


def _store(results: cache.Results, key: str, diagnostics: list[Diagnostic]) -> None:
    results.put(key, [_dump(d) for d in diagnostics])


def _read_policy(sources: PolicySources, max_bytes: int) -> tuple[str, list[SourceFile]]:
    return display_path(sources.root), [read_source(p, max_bytes) for p in sources.files]


def _policy_key(run_key: str, root: str, files: list[SourceFile]) -> str | None:
    parts = [root]
    for f in files:
        if f.text is None:
            return None  # unreadable files are cheap to report again, and must be
        parts += (f.path, f.text)
    return cache.key(run_key, "policy", *parts)


def run(request: Request) -> Outcome:
    """Lint ``request.paths``: from the cache where possible, in worker processes when large."""
    context = request.context or cache.Context()
    if request.config_file is not None:
        config_path: Path | None = request.config_file
        table: dict[str, Any] = explicit_table(request.config_file)
    else:
        found = find_config(search_start(request.paths))
        config_path, table = (found.path, found.table) if found else (None, {})
    limit = table.get("max-file-bytes", DEFAULT_MAX_FILE_BYTES)
    max_bytes = limit if isinstance(limit, int) and limit > 0 else DEFAULT_MAX_FILE_BYTES
    results = None
    run_key = None
    if request.use_cache:
        run_key = cache.fingerprint(context, "results", [str(config_path), table, request.select, request.ignore])
        directory = request.cache_dir or cache.cache_dir([os.fspath(p) for p in request.paths])
        results = cache.Results.open(directory) if run_key is not None else None

    found_sources = discover(request.paths)
    outcome = Outcome(diagnostics=list(found_sources.problems))
    from .config import redirected

    outcome.notes = redirected(_merged(table, request), str(config_path) if config_path else "configuration")[1]
    # Not recorded when a file is a link, pipe or device: recording hashes recently changed files, and
    # only read_source may open those (a pipe would block, a link may lead outside the tree). The cache
    # directory is created first: creating it changes its parent.
    if results and request.watch and not found_sources.irregular and results.ensure():
        try:
            explicit = [os.path.abspath(request.config_file)] if request.config_file else []
            outcome.snapshot = cache.Snapshot(
                [*cache.config_watch(str(search_start(request.paths))), *explicit, *found_sources.searched,
                 *(str(f) for p in found_sources.policies for f in p.files)], context.now_ns)
        except OSError:  # the working directory is gone: no replay, that is all
            outcome.snapshot = None
    read = [_read_policy(sources, max_bytes) for sources in found_sources.policies]
    keys = [_policy_key(run_key, root, files) if results and run_key else None for root, files in read]
    for _, files in read:
        outcome.files += len(files)
        outcome.sources.update({f.path: f.text for f in files if f.text is not None})
    # One entry for the whole run answers an unchanged repository with a single read.
    whole = cache.key(run_key, "run", *(k for k in keys if k)) if results and run_key and keys and all(keys) else None
    hit = cached(results, whole) if results and whole else None
    if hit is not None:
        outcome.diagnostics.extend(hit)
        outcome.cached = len(read)
        outcome.diagnostics.sort(key=Diagnostic.sort_key)
        return outcome
    misses: list[tuple[str, list[SourceFile], str | None]] = []
    fresh: list[Diagnostic] = []
    for (root, files), key in zip(read, keys, strict=True):
        hit = cached(results, key) if results and key else None
        if hit is not None:
            fresh.extend(hit)
            outcome.cached += 1
        else:
            misses.append((root, files, key))
    if misses:
        source = str(config_path) if config_path else "configuration"
        for (_, _, key), diagnostics in zip(misses, _lint_misses(misses, request, table, context.today, source),
                                            strict=True):
            fresh.extend(diagnostics)
            if results and key and not any(d.fatal for d in diagnostics):
                _store(results, key, diagnostics)
    if results and whole and not any(d.fatal for d in fresh):
        _store(results, whole, fresh)
    if results and misses:
        results.prune(max(cache.MAX_ENTRIES, 2 * len(read) + 2))
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

    from .engine import active_rules, lint_sources

    config = _config(table, request, source)
    day = dt.date.fromisoformat(today)
    lines = sum((f.text or "").count("\n") for _, files, _ in misses for f in files)
    jobs = request.jobs if request.jobs is not None else (
        min(os.cpu_count() or 1, 4) if lines >= PARALLEL_MIN_LINES and len(misses) > 1 else 1)
    jobs = max(1, min(jobs, len(misses)))
    rules = active_rules(config)
    work = [(root, files) for root, files, _ in misses]
    if jobs == 1:
        return [lint_sources(root, files, config, day, rules).diagnostics for root, files in work]
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return _lint_spawned(work, jobs, config, day)
    return _lint_forked(work, jobs, multiprocessing.get_context("fork"), config, day, rules)


#: Policies claimed at a time by a process of the pool: small enough that the processes finish
#: together on a busy machine, large enough that claiming costs nothing.
_CLAIM = 8

#: In a forked worker: the pool's work, which the worker inherits with the rest of the command's
#: memory (the policies' texts, the configuration and the rules) instead of receiving it pickled.
_WORKER: tuple[Any, ...] | None = None


def _adopt(*work: Any) -> None:
    """Initializer of a forked worker (under fork its arguments are inherited, not pickled)."""
    global _WORKER
    _WORKER = work


def _lint_forked(work: list[tuple[str, list[SourceFile]]], jobs: int, context: Any, config: Any, day: Any,
                 rules: Any) -> list[list[Diagnostic]]:
    """Lint ``work`` in ``jobs`` processes: this one and ``jobs - 1`` forked workers, each claiming the
    next few policies from a shared counter. The first policy is linted here before the fork, so the
    workers start with everything a lint loads on first use (provider and cookie databases)."""
    from .engine import lint_sources

    out: list[list[Diagnostic]] = [[] for _ in work]
    out[0] = lint_sources(*work[0], config, day, rules).diagnostics
    state = (work, config, day, rules, context.Value("l", 1))  # the counter: the next policy to claim
    with context.Pool(jobs - 1, initializer=_adopt, initargs=state) as pool:
        theirs = pool.map_async(_lint_claimed, range(jobs - 1), chunksize=1)
        for i, diagnostics in _claimed(*state):
            out[i] = diagnostics
        for part in theirs.get():
            for i, packed in part:
                out[i] = [_unpack(d) for d in packed]
    return out


def _claimed(work: list[tuple[str, list[SourceFile]]], config: Any, day: Any, rules: Any,
             counter: Any) -> Any:
    """(index, diagnostics) of each policy this process claims, until none is left."""
    from .engine import lint_sources

    while True:
        with counter.get_lock():
            first = counter.value
            counter.value = first + _CLAIM
        if first >= len(work):
            return
        for i in range(first, min(first + _CLAIM, len(work))):
            yield i, lint_sources(*work[i], config, day, rules).diagnostics


def _lint_claimed(_: int) -> list[tuple[int, list[tuple[Any, ...]]]]:
    """Worker of a forked pool: its policies' findings as plain tuples (cheap to pickle)."""
    assert _WORKER is not None
    return [(i, [_pack(d) for d in diagnostics]) for i, diagnostics in _claimed(*_WORKER)]


_SEVERITIES = {s.label: s for s in Severity}


def _pack(d: Diagnostic) -> tuple[Any, ...]:
    """A diagnostic as nested tuples of strings, numbers and None (``_unpack`` reverses it)."""
    return (d.code, d.name, d.category, d.severity.label, d.message,
            _span_tuple(d.span), d.hint, d.url, d.fatal, d.suppressed, d.args,
            d.message_id, tuple((r.label, _span_tuple(r.span)) for r in d.related))


def _span_tuple(s: Span) -> tuple[str, int, int, int, int]:
    return (s.path, s.line, s.column, s.end_line, s.end_column)


def _unpack(t: tuple[Any, ...]) -> Diagnostic:
    code, name, category, severity, message, span, hint, url, fatal, suppressed, args, message_id, related = t
    return Diagnostic(code=code, name=name, category=category, severity=_SEVERITIES[severity], message=message,
                      span=Span(*span), hint=hint, url=url, fatal=fatal, suppressed=suppressed, args=args,
                      message_id=message_id, related=tuple(Related(Span(*sp), label) for label, sp in related))


def _lint_spawned(work: list[tuple[str, list[SourceFile]]], jobs: int, config: Any,
                  day: Any) -> list[list[Diagnostic]]:
    """Where there is no fork: ``jobs`` spawned workers, each sent its share of the policies."""
    import multiprocessing

    chunks = [work[i::jobs] for i in range(jobs)]
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        results = pool.map(_lint_chunk, [(config, day, chunk) for chunk in chunks])
    by_root = {root: [_unpack(d) for d in packed] for chunk in results for root, packed in chunk}
    return [by_root[root] for root, _ in work]


def _lint_chunk(task: tuple[Any, Any, list[tuple[str, list[SourceFile]]]]) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Spawned worker: lint some policies (module level, so that it pickles)."""
    from .engine import active_rules, lint_sources

    config, day, chunk = task
    rules = active_rules(config)
    return [(root, [_pack(d) for d in lint_sources(root, files, config, day, rules).diagnostics])
            for root, files in chunk]
