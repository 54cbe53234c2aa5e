"""The pydantic edge of the model: JSON, JSON Schema and validation over the plain dataclasses.

``model`` is plain frozen dataclasses so that parsing and linting never import pydantic; the
commands and the API that hand the model to other programs (``dump``, ``schema``,
``export --format json``, ``PolicyHandle.to_json``) come here. One ``TypeAdapter`` per class, built on
first use and kept: building one is the expensive part. Unknown keys are errors on the way in
(``__pydantic_config__`` on the model classes).
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from pydantic import TypeAdapter

T = TypeVar("T")

_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def adapter(cls: type[T]) -> TypeAdapter[T]:
    """The (cached) adapter of one model class. Two threads may both build one the first time;
    either result is the same, so no lock."""
    found = _ADAPTERS.get(cls)
    if found is None:
        found = _ADAPTERS[cls] = TypeAdapter(cls)
    return cast("TypeAdapter[T]", found)


def to_dict(obj: object) -> dict[str, Any]:
    """``obj`` as Python data: nested dataclasses become dicts; enums and tuples stay as they are."""
    data: dict[str, Any] = adapter(type(obj)).dump_python(obj)
    return data


def to_jsonable(obj: object) -> dict[str, Any]:
    """``obj`` as JSON-compatible Python data (enums as strings, tuples as lists)."""
    data: dict[str, Any] = adapter(type(obj)).dump_python(obj, mode="json")
    return data


def to_json(obj: object, indent: int | None = None) -> str:
    """``obj`` as JSON text, in field order: what ``privacy-dsl dump`` prints."""
    return adapter(type(obj)).dump_json(obj, indent=indent).decode("utf-8")


def from_dict(cls: type[T], data: Any) -> T:
    """Validate ``data`` (as ``to_dict`` or ``to_jsonable`` gives it) into a ``cls``."""
    return adapter(cls).validate_python(data)


def from_json(cls: type[T], text: str | bytes) -> T:
    """Validate JSON text (as ``to_json`` gives it) into a ``cls``."""
    return adapter(cls).validate_json(text)


def json_schema(cls: type[Any]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of what ``to_json`` gives for a ``cls``."""
    return adapter(cls).json_schema(mode="serialization")
