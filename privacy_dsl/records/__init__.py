"""``dataclass``, with the methods it generates compiled ahead of time: a hook's cold start.

``dataclasses.dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``,
``__setattr__`` and ``__delattr__`` as source text and compiles it (``dataclasses._create_fn``), at
every start: about 350 compilations, 40 % of what a cold ``privacy-dsl lint`` spends importing.
Python caches the bytecode of modules, never of that text. So ``scripts/regen_dataclass_code.py``
writes every text the package's classes produce into ``generated.py``, as the functions
those texts define, and Python compiles that module once, into its ``.pyc``, like any other.

``dataclass`` here is ``dataclasses.dataclass`` (the same classes: real dataclasses, which
``dataclasses.fields``, ``replace`` and pydantic read), with ``_create_fn`` looking the text up
there while it runs. The text is built by the same code as ``_create_fn``'s own, and the
precompiled function is used only when ``_create_fn`` is the one that code was copied from
(``CREATE_FN``, a checksum of its bytecode, on the same Python minor version); any text not there
(a class changed since the module was generated, another Python) is compiled as
``dataclasses`` compiles it. So the worst a stale module can do is be slow: a test says when it is.
"""

from __future__ import annotations

import _blake2
import _thread
import dataclasses
import sys
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

#: The texts seen while ``RECORDING`` is a list (``scripts/regen_dataclass_code.py``).
RECORDING: list[str] | None = None
#: The names of the methods compiled because their text was not in the module (for the tests).
COMPILED: list[str] = []


def fingerprint() -> str | None:
    """A checksum of ``dataclasses._create_fn`` as this Python has it, and the Python's version;
    None where there is no such function (Python 3.13 builds the methods another way)."""
    create_fn = getattr(dataclasses, "_create_fn", None)
    code = getattr(create_fn, "__code__", None)
    if code is None:
        return None
    return f"{sys.version_info[0]}.{sys.version_info[1]}:{zlib.crc32(_code_bytes(code)):08x}"


def _code_bytes(code: Any) -> bytes:
    """What a function's code object does, as bytes that do not change between runs (the nested
    code objects among its constants by their own bytes, not by ``repr``, which shows an address)."""
    parts = [code.co_code, repr((code.co_names, code.co_varnames)).encode()]
    for const in code.co_consts:
        parts.append(_code_bytes(const) if hasattr(const, "co_code") else repr(const).encode())
    return b"\x00".join(parts)


def text_key(txt: str) -> str:
    """What ``FACTORIES`` is keyed by: a 128-bit BLAKE2b digest of the text (the module holds each
    text once, as code; ``_blake2`` is built in, where ``hashlib`` would load OpenSSL)."""
    return _blake2.blake2b(txt.encode(), digest_size=16).hexdigest()


def _create_fn_text(name: str, args: Any, body: Any, locals: dict[str, Any], return_type: Any) -> str:
    """The source text ``dataclasses._create_fn`` (CPython 3.11) compiles, built the same way;
    sets ``_return_type`` in ``locals`` as it does."""
    return_annotation = ""
    if return_type is not dataclasses.MISSING:
        locals["_return_type"] = return_type
        return_annotation = "->_return_type"
    args = ",".join(args)
    body = "\n".join(f"  {b}" for b in body)
    txt = f" def {name}({args}){return_annotation}:\n{body}"
    local_vars = ", ".join(locals.keys())
    return f"def __create_fn__({local_vars}):\n{txt}\n return {name}"


def _precompiled() -> Callable[..., Any] | None:
    """A ``_create_fn`` that takes the precompiled functions, or None where they do not apply."""
    here = fingerprint()
    if here is None:
        return None
    try:
        from . import generated
    except ImportError:  # pragma: no cover - a copy without the generated module
        factories: dict[str, Callable[..., Any]] = {}
        applies = False
    else:
        factories, applies = cast("dict[str, Callable[..., Any]]", generated.FACTORIES), here == generated.CREATE_FN
    if not applies and RECORDING is None:
        return None
    original = dataclasses._create_fn  # type: ignore[attr-defined]

    def create_fn(name: str, args: Any, body: Any, *, globals: dict[str, Any] | None = None,
                  locals: dict[str, Any] | None = None, return_type: Any = dataclasses.MISSING) -> Any:
        if locals is None:
            locals = {}
        txt = _create_fn_text(name, args, body, locals, return_type)
        if RECORDING is not None:
            RECORDING.append(txt)
        factory = factories.get(text_key(txt))
        if factory is None:
            COMPILED.append(name)
            return original(name, args, body, globals=globals, locals=locals, return_type=return_type)
        fn = factory(**locals)
        if globals is not None and "__name__" in globals:
            fn.__module__ = globals["__name__"]  # as if compiled in the class's module
        return fn

    return create_fn


_CREATE_FN: list[Callable[..., Any] | None] = []
#: Held while ``dataclasses._create_fn`` is swapped, so that classes made in two threads at once
#: each put back what they found.
_SWAP = _thread.allocate_lock()


if TYPE_CHECKING:
    from dataclasses import dataclass as dataclass
else:
    def dataclass(cls: type | None = None, /, **options: Any) -> Any:
        """``dataclasses.dataclass(cls, **options)``, with the generated methods precompiled."""
        if cls is None:
            return lambda c: dataclass(c, **options)
        if not _CREATE_FN:
            _CREATE_FN.append(_precompiled())
        create_fn = _CREATE_FN[0]
        if create_fn is None:
            return dataclasses.dataclass(cls, **options)
        with _SWAP:
            original = dataclasses._create_fn
            dataclasses._create_fn = create_fn
            try:
                return dataclasses.dataclass(cls, **options)
            finally:
                dataclasses._create_fn = original
