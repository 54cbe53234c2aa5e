"""fides (fideslang) manifests -> policy-language text: ``privacy-dsl import fides FILE``.

The reverse of ``export.to_fides``, for any fideslang manifest, not only ours:

* ``organization`` -> ``controller`` (contact details, DPO, representative);
* each ``privacy_declarations`` entry of a system that declares processing -> a ``purpose``
  (``use``, ``basis``, Art. 9 condition, ``categories``, ``subjects``, ``retention``);
* the data categories and subjects they use -> ``category`` and ``subject`` blocks (names and
  descriptions from custom ``data_category`` / ``data_subject`` resources of the manifest);
* systems the declarations send data to (``egress``), and systems with no declarations of their
  own, -> ``recipient`` blocks (``role`` from ``responsibility``, ``contract`` from ``dpa_location``);
* ``meta.privacy_dsl`` (written by ``privacy-dsl export --format fides``) -> the categories and
  subjects by id, ``authority``, ``rights``, ``cookie``, ``transfer`` and ``consent`` blocks, each
  purpose's bases with their laws and interests, transfers and the rest, so an exported policy
  comes back whole (in the exported language);
  fideslang 2 ``cookies`` lists and fideslang 1 ``third_country_transfers`` are read too;
* ``dataset`` resources -> categories (what is stored, not why); ``policy`` rules -> policy tests
  (``fides_rules``). What became of each part of the manifest is said (``FidesImport.parts``), and a
  manifest with nothing a policy can be made of is ``FidesImport.empty`` (E082).

What fides cannot say (rights, the complaints authority, and how consent is asked unless
``meta.privacy_dsl`` says it) is not invented:
the output says so in comments, and ``privacy-dsl lint`` then reports what is missing. What the
importer cannot map (a retention period that is free text, an unknown taxonomy key) is kept in a
comment next to where it belongs, never dropped silently. The text is formatted by ``fmt``.

Reading YAML needs PyYAML (``pip install 'privacy-dsl[fides]'``): fides manifests are written by
people and by ``yaml.dump`` in every YAML style (flow lists, block scalars, anchors), which is a
job for a complete, well-kept YAML parser rather than a home-made subset.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import field
from functools import cache
from typing import Any

from ..diagnostics import BIDI_CONTROLS, printable, shorten
from ..language import model as m
from ..language import taxonomy
from ..language.jurisdictions import REGIONS
from ..language.model import (
    MAX_AGE,
    ROUTES_WITH_VALUE,
    BasisKind,
    Claim,
    ConsentMethod,
    ScopeKind,
    Topic,
    WithdrawRoute,
    date_range,
)
from ..outputs.fmt import format_string, is_bare_name
from ..outputs.fmt import quote as _literal
from ..records import dataclass
from .export import META_KEY, fides_key

BASIS = {
    "consent": "consent",
    "contract": "contract",
    "legal obligations": "legal_obligation",
    "legal obligation": "legal_obligation",
    "vital interests": "vital_interests",
    "vital interest": "vital_interests",
    "public interest": "public_task",
    "legitimate interests": "legitimate_interests",
    "legitimate interest": "legitimate_interests",
}
SPECIAL = {
    "explicit consent": "explicit_consent",
    "employment, social security and social protection": "employment",
    "vital interests": "vital_interests",
    "not-for-profit bodies": "not_for_profit",
    "made public by the data subject": "made_public",
    "legal claims or judicial acts": "legal_claims",
    "reasons of substantial public interest (with a basis in law)": "substantial_public_interest",
    "health or social care (with a basis in law)": "health_care",
    "public health (with a basis in law)": "public_health",
    "archiving, research and statistics (with a basis in law)": "archiving_research",
}
ROLE = {"processor": "processor", "sub-processor": "processor", "controller": "controller"}
#: fideslang 1.x data-use keys renamed in fideslang 2 (the original is kept in a comment).
LEGACY_USES = {
    "advertising": "marketing.advertising",
    "advertising.first_party": "marketing.advertising.first_party",
    "advertising.third_party": "marketing.advertising.third_party",
    "improve": "functional.service.improve",
    "improve.system": "functional.service.improve",
    "provide": "essential.service",
    "provide.service": "essential.service",
    "provide.service.operations": "essential.service.operations",
}


#: The top-level keys of a fides manifest that `import` reads.
MANIFEST_PARTS = ("system", "organization", "dataset", "policy")


class ImportProblem(Exception):
    """The file is not a fides manifest this importer can read."""


class YamlMissing(ImportProblem):
    def __init__(self) -> None:
        super().__init__("reading fides YAML needs PyYAML: pip install 'privacy-dsl[fides]'")


#: The most values a manifest may expand to (an alias counts as often as it is used): a real
#: manifest has a few thousand; YAML aliases of aliases ("billion laughs") reach 10**9 from 1 KB.
MAX_MANIFEST_VALUES = 1_000_000
#: The deepest nesting of lists and mappings (fides manifests nest about 6 deep).
MAX_MANIFEST_DEPTH = 100


def load_yaml(text: str, path: str = "<fides>") -> dict[str, Any]:
    """The manifest as data; ``ImportProblem`` with line and column for invalid YAML."""
    try:
        import yaml  # type: ignore[import-untyped,unused-ignore]
    except ImportError as exc:
        raise YamlMissing() from exc
    from ..bounded import NESTED_TOO_DEEPLY, NESTING_ERRORS

    try:
        data = yaml.load(text, Loader=_loader(yaml, fast=True))  # a SafeLoader (see _loader)
    except yaml.YAMLError as fast_exc:
        error: Exception = fast_exc
        try:  # the error again from the pure-Python loader, whose messages quote the character found
            yaml.load(text, Loader=_loader(yaml, fast=False))
        except yaml.YAMLError as slow_exc:
            error = slow_exc
        except NESTING_ERRORS:
            pass
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else path
        problem = getattr(error, "problem", None) or str(error)
        raise ImportProblem(f"{where}: not valid YAML: {problem}") from None
    except NESTING_ERRORS:
        raise ImportProblem(f"{path}: not valid YAML: {NESTED_TOO_DEEPLY}") from None
    if not isinstance(data, dict) or not any(k in data for k in MANIFEST_PARTS):
        raise ImportProblem(f"{path}: not a fides manifest (expected top-level `system:`, `organization:`, "
                            "`dataset:` or `policy:`)")
    _check_shape(data, path)
    return data


#: What a policy string cannot carry: a raw CR would end the line (the reader makes it a newline),
#: NUL makes the file "binary" (E003), other controls and bidirectional controls are hidden or
#: reorder the text (E020), and a lone surrogate cannot be written as UTF-8. The language escapes
#: only `\\`, `"`, newline and tab, so these are replaced by U+FFFD (and a note says so).
_UNWRITABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff" + "".join(BIDI_CONTROLS) + "]")
_NAME = re.compile(r"[^\W\d][\w\-]*")
_DURATION = re.compile(r"[0-9]{1,9} (second|minute|hour|day|week|month|year)s?")


def quote(value: str, replaced: list[str] | None = None) -> str:
    """The one way a manifest's text is written into the policy: a valid string literal that the
    parser reads back as exactly ``value`` (``\\``, ``"``, newline and tab escaped), except for
    characters no policy string can carry (``_UNWRITABLE``), which become U+FFFD; each value that
    lost one is added to ``replaced``."""
    if _UNWRITABLE.search(value):
        if replaced is not None:
            replaced.append(value)
        value = _UNWRITABLE.sub("\ufffd", value)
    return _literal(value)


def bare(value: Any) -> str | None:
    """``value`` when it can be written as a NAME (an enumerated value such as a mechanism or a
    cookie kind); ``None`` otherwise, and the caller keeps it in a comment."""
    text = _str(value)
    return text if text is not None and _NAME.fullmatch(text) else None


@cache
def _loader(yaml: Any, fast: bool) -> Any:
    """PyYAML's safe loader (``fast``: the C one when there is one, ~3x faster), with impossible dates
    and numbers of thousands of digits as YAML errors at their position instead of a ValueError."""
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if fast else yaml.SafeLoader

    def guarded(tag: str, what: str) -> Callable[[Any, Any], Any]:
        construct = base.yaml_constructors[tag]

        def checked(loader: Any, node: Any) -> Any:
            try:
                return construct(loader, node)
            except (ValueError, OverflowError):
                raise yaml.constructor.ConstructorError(
                    None, None, f"`{str(node.value)[:40]}` is not {what}", node.start_mark) from None
        return checked

    class Loader(base):  # type: ignore[misc,valid-type]
        pass

    Loader.add_constructor("tag:yaml.org,2002:timestamp", guarded("tag:yaml.org,2002:timestamp",
                                                                   "a date or time of the calendar"))
    Loader.add_constructor("tag:yaml.org,2002:int", guarded("tag:yaml.org,2002:int",
                                                             "a number of at most 4,300 digits"))
    Loader.add_constructor("tag:yaml.org,2002:float", guarded("tag:yaml.org,2002:float", "a number"))
    return Loader


def _check_shape(data: Any, path: str) -> None:
    """Refuse a manifest that expands to too many values, nests too deeply or refers to itself."""
    count = 0
    stack: list[tuple[Any, int, tuple[int, ...]]] = [(data, 0, ())]
    while stack:
        value, depth, ancestors = stack.pop()
        count += 1
        if count > MAX_MANIFEST_VALUES:
            raise ImportProblem(f"{path}: the manifest expands to more than {MAX_MANIFEST_VALUES:,} values "
                                "(YAML aliases used over and over?)")
        if not isinstance(value, (dict, list)):
            continue
        if depth >= MAX_MANIFEST_DEPTH:
            raise ImportProblem(f"{path}: not a fides manifest: nested more than {MAX_MANIFEST_DEPTH} levels deep")
        if id(value) in ancestors:
            raise ImportProblem(f"{path}: not a fides manifest: a YAML alias refers to a value that holds it")
        inner = (*ancestors, id(value))
        children = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        stack.extend((child, depth + 1, inner) for child in children)


def _ident(text: str, taken: set[str]) -> str:
    """A policy-language name for ``text``, unique among ``taken``."""
    base = fides_key(text).replace(".", "_").replace("<", "").replace(">", "").replace("-", "_").strip("_")
    if not base or not re.match(r"[a-z_]", base):
        base = f"n_{base}" if base else "unnamed"
    ident, n = base, 2
    while ident in taken or ident in ("yes", "no") or not re.fullmatch(r"[^\W\d][\w\-]*", ident):
        ident, n = f"{base}_{n}", n + 1
    taken.add(ident)
    return ident


def _is_ident(value: str) -> bool:
    """Whether ``value`` can be written as a block's id as it is (keywords can: `category name`)."""
    return re.fullmatch(r"[^\W\d][\w\-]*", value) is not None and value not in ("yes", "no")


def _date(value: Any) -> str | None:
    """A date as ``export`` writes it (``2026-09-01``, ``2020-04`` or ``2019``), else None. YAML reads an
    unquoted ``2026-09-01`` as a date and ``2019`` as a number: both are taken as written."""
    text = _str(value)
    if text is None or not re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", text):
        return None
    try:
        date_range(text)
    except ValueError:
        return None
    return text


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _str(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


@dataclass
class _Block:
    head: str
    lines: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def render(self) -> str:
        out = [f"# {printable(c)}" for c in self.comments]  # one line each, whatever the manifest holds
        if self.lines:
            out.append(self.head + " {")
            out.extend(f"  {line}" for line in self.lines)
            out.append("}")
        else:
            out.append(self.head + (" {}" if not self.head.startswith("subject ") else ""))
        return "\n".join(out)


class _DeclarationMeta:
    """The ``meta.privacy_dsl.purposes`` entry of each declaration, in order. Our export writes one
    entry per purpose, named by its declarations' ``name`` and saying how many ``declarations`` it
    wrote (one per data use); two purposes may have the same name, so entries are taken in turn.
    An entry without ``declarations`` (an older export) serves every declaration of its name."""

    def __init__(self, entries: Any) -> None:
        self.queues: dict[str, list[dict[str, Any]]] = {}
        for entry in _list(entries):
            if isinstance(entry, dict):
                self.queues.setdefault(str(entry.get("declaration")), []).append(entry)
        self.current: dict[str, tuple[dict[str, Any], int | None]] = {}

    def next(self, name: str | None) -> dict[str, Any]:
        key = name or ""
        entry, left = self.current.get(key, ({}, 0))
        if left is None or left > 0:
            self.current[key] = (entry, None if left is None else left - 1)
            return entry
        queue = self.queues.get(key, [])
        if not queue:
            return {}
        entry = queue.pop(0)
        count = entry.get("declarations")
        self.current[key] = (entry, count - 1 if isinstance(count, int) and not isinstance(count, bool) else None)
        return entry


class _Importer:
    def __init__(self, data: dict[str, Any], lang: str | None, source: str) -> None:
        self.data = data
        self.lang = lang
        self.source = source
        self.names: set[str] = set()  # every id given, of any kind: new ids are unlike all of them
        self.kind_names: dict[str, set[str]] = {}
        self.notes: list[str] = []
        self.systems = [s for s in _list(data.get("system")) if isinstance(s, dict)]
        self.by_key = {str(s.get("fides_key")): s for s in self.systems}
        self.custom_categories = {str(c.get("fides_key")): c for c in _list(data.get("data_category"))
                                  if isinstance(c, dict)}
        self.custom_subjects = {str(c.get("fides_key")): c for c in _list(data.get("data_subject"))
                                if isinstance(c, dict)}
        self.categories: dict[str, str] = {}  # fides key -> category id
        self.subjects: dict[str, str] = {}
        self.recipients: dict[str, str] = {}  # system key -> recipient id
        self.consents: dict[str, str] = {}
        self.category_ids: set[str] = set()  # categories meta declares by id
        self.category_taxonomy: dict[str, str] = {}  # their taxonomy keys
        self.category_keys: dict[str, str] = {}  # every category id -> the fides key it stands for
        self.uses: list[str] = []  # the data uses of the imported purposes
        self.used_categories: set[str] = set()  # the categories a purpose names
        self.parts: list[str] = []  # what became of each part of the manifest
        self.made_by: dict[str, list[str]] = {}  # system key -> the purposes its declarations became
        self.empty: str | None = None  # why nothing a policy can be made of was imported
        self.purpose_ids: set[str] = set()
        self.received_from: dict[str, list[str]] = {}
        self.authority_ids: set[str] = set()
        self.replaced: list[str] = []  # values that held characters a policy string cannot carry

    def own(self, kind: str, wanted: str, verbatim: bool = True) -> str:
        """The id of a block of ``kind``: ``wanted`` itself when it is an id (from ``meta.privacy_dsl``,
        ``verbatim``) that no other block of that kind has (ids of different kinds may be alike, as in
        the policy exported), else one made from it (a name, a fides key), unlike every id given."""
        taken = self.kind_names.setdefault(kind, set())
        keep = verbatim and _is_ident(wanted) and wanted not in taken
        ident = wanted if keep else _ident(wanted, self.names)
        self.names.add(ident)
        taken.add(ident)
        return ident

    # -- text
    def quote(self, value: str) -> str:
        """``quote`` (the one quoting function), noting values that lost a character."""
        return quote(value, self.replaced)

    def text(self, value: Any) -> str | None:
        text = _str(value)
        if text is None:
            return None
        return f"{{ {self.lang} {self.quote(text)} }}" if self.lang else self.quote(text)

    def enumerated(self, block: _Block, key: str, value: Any, rest: str = "") -> None:
        """``key value`` for a value written as a name (``bare``); a comment when it cannot be one."""
        name = bare(value)
        if name is not None:
            block.lines.append(f"{key} {name}{rest}")
        else:
            block.comments.append(f"fides `{key}` {shorten(repr(value))} is not a name the policy language accepts")

    def custom_texts(self, block: _Block, resource: dict[str, Any]) -> None:
        """The ``name`` and ``description`` of a custom fides resource, where it has them."""
        for field_name in ("name", "description"):
            if _str(resource.get(field_name)):
                block.lines.append(f"{field_name} {self.text(resource[field_name])}")

    def meta(self, resource: dict[str, Any]) -> dict[str, Any]:
        meta = resource.get("meta")
        if isinstance(meta, dict) and isinstance(meta.get(META_KEY), dict):
            return meta[META_KEY]  # type: ignore[no-any-return]
        return {}

    # -- taxonomy keys
    def category(self, key: str) -> str:
        if key in self.categories:
            return self.categories[key]
        known = taxonomy.data_categories()
        parts = key.split(".")
        ident = None
        for n in range(1, len(parts) + 1):  # `user.contact.email` is `email`, unless that is taken
            candidate = fides_key("_".join(parts[-n:])).replace(".", "_")
            if candidate not in self.names:
                ident = _ident(candidate, self.names)
                break
        ident = ident or _ident(key, self.names)
        self.kind_names.setdefault("category", set()).add(ident)
        self.categories[key] = ident
        self.category_keys[ident] = key
        block = _Block(f"category {ident}")
        if key in known:
            block.lines.append(f"taxonomy {key}")
        else:
            ancestor = _known_ancestor(key, known)
            block.comments.append(f"fides data category `{key}` is not a fideslang default"
                                  + (f"; its nearest default is `{ancestor}`" if ancestor else ""))
            if ancestor:
                block.lines.append(f"taxonomy {ancestor}")
        self.custom_texts(block, self.custom_categories.get(key, {}))
        self.category_blocks.append(block)
        return ident

    def subject(self, key: str) -> str:
        if key in self.subjects:
            return self.subjects[key]
        ident = _ident(key, self.names)
        self.kind_names.setdefault("subject", set()).add(ident)
        self.subjects[key] = ident
        block = _Block(f"subject {ident}")
        if key in taxonomy.data_subjects():  # a fideslang key says what the subject is: keep it as data
            block.lines.append(f"taxonomy {key}")
        self.custom_texts(block, self.custom_subjects.get(key, {}))
        self.subject_blocks.append(block)
        return ident

    def use(self, key: str | None, comments: list[str]) -> str | None:
        found = self.known_use(key, comments)
        if found is not None and found not in self.uses:
            self.uses.append(found)
        return found

    def known_use(self, key: str | None, comments: list[str]) -> str | None:
        if key is None:
            comments.append("the fides declaration has no data_use")
            return None
        uses = taxonomy.data_uses()
        if key in uses:
            return key
        for old in sorted(LEGACY_USES, key=len, reverse=True):
            if key == old or key.startswith(old + "."):
                renamed = LEGACY_USES[old] + key[len(old):]
                found = _known_ancestor(renamed, uses)
                if found:
                    comments.append(f"fides data use `{key}` (fideslang 1) is `{renamed}` in fideslang 2"
                                    + ("" if found == renamed else f"; its nearest default is `{found}`"))
                    return found
        ancestor = _known_ancestor(key, uses)
        comments.append(f"fides data use `{key}` is not a fideslang default"
                        + (f"; its nearest default is `{ancestor}`" if ancestor else "; write the right `use`"))
        return ancestor

    # -- recipients
    def recipient(self, system_key: str) -> str:
        if system_key in self.recipients:
            return self.recipients[system_key]
        system = self.by_key.get(system_key, {"fides_key": system_key})
        meta = self.meta(system)
        ident = self.own("recipient", str(meta.get("id") or system_key), verbatim=bool(meta.get("id")))
        self.recipients[system_key] = ident
        block = _Block(f"recipient {ident}")
        # a name that is not text (a list, a blank) falls back to the key, then to the id
        if meta.get("unnamed") is not True:
            block.lines.append(f"name {self.text(system.get('name')) or self.text(system_key) or quote(ident)}")
        if _str(system.get("description")):
            block.lines.append(f"description {self.text(system['description'])}")
        role = meta.get("role")
        if role not in ("processor", "controller", "joint_controller", "authority"):
            titles = [str(t).lower() for t in _list(system.get("responsibility"))
                      + _list(system.get("data_responsibility_title"))]
            role = next((ROLE[t] for t in titles if t in ROLE), None)
            if role == "controller" and _str(system.get("joint_controller_info")):
                role = "joint_controller"
        if role:
            block.lines.append(f"role {role}")
        countries = [c for c in _list(meta.get("countries"))
                     if isinstance(c, str) and re.fullmatch(r"[A-Z]{2}|EEA|OUTSIDE_EEA|ADEQUATE", c)]
        countries += _alpha2(_list(system.get("third_country_transfers")), block.comments)
        if countries:
            block.lines.append("countries " + ", ".join(dict.fromkeys(countries)))
        if _str(system.get("dpa_location")):
            block.lines.append(f"contract {self.quote(str(system['dpa_location']))}")
        if _str(meta.get("website")):
            block.lines.append(f"website {self.quote(str(meta['website']))}")
        if meta.get("receives") in ("identified", "pseudonymous", "anonymous"):
            how = f" {self.text(meta['receives_how'])}" if _str(meta.get("receives_how")) else ""
            block.lines.append(f"receives {meta['receives']}{how}")
        if _str(meta.get("only_when")):
            block.lines.append(f"only_when {self.text(meta['only_when'])}")
        if isinstance(meta.get("category_only"), bool):
            block.lines.append("category_only" if meta["category_only"] else "category_only no")
        if system_key not in self.by_key:
            block.comments.append(f"fides system `{system_key}` is referred to but not in this manifest")
        self.recipient_blocks.append(block)
        return ident

    # -- the policy
    def run(self) -> str:
        self.category_blocks: list[_Block] = []
        self.subject_blocks: list[_Block] = []
        self.recipient_blocks: list[_Block] = []
        blocks: list[_Block] = []
        own = [s for s in self.systems if _list(s.get("privacy_declarations"))]
        # our export's system of the policy says so in its meta (`purposes`), declarations or none
        ours = [s for s in self.systems if isinstance(self.meta(s).get("purposes"), list)]
        main = own[0] if own else (ours[0] if ours else self.systems[0] if self.systems else {})
        others = [s for s in self.systems if not _list(s.get("privacy_declarations")) and not (ours and s is main)]
        main_meta = self.meta(main)

        info = _Block(f"policy {self.quote(str(main.get('name') or self._org_name() or 'Imported from fides'))}")
        if self.lang:
            info.lines.append(f"languages {self.lang}")
        if _str(main.get("privacy_policy")):
            info.lines.append(f"url {self.quote(str(main['privacy_policy']))}")
        if _str(main.get("description")):
            info.lines.append(f"description {self.text(main['description'])}")
        if _str(main.get("data_security_practices")):
            info.lines.append(f"security {self.text(main['data_security_practices'])}")
        known = {c.value for c in Claim}
        claims = [str(c) for c in _list(main_meta.get("claims")) if isinstance(c, str) and c in known]
        if claims:
            info.lines.append("claims " + ", ".join(dict.fromkeys(claims)))
        kinds = {b.value for b in BasisKind}
        notice_bases = []
        for entry in _list(main_meta.get("bases")):
            kind = entry.get("basis") if isinstance(entry, dict) else None
            if isinstance(kind, str) and kind in kinds:
                law = entry.get("law")
                cited = kind in ("legal_obligation", "public_task") and isinstance(law, str) and law.strip()
                notice_bases.append(f"{kind} {self.quote(law)}" if cited else kind)
        if notice_bases:
            info.lines.append("bases " + ", ".join(notice_bases))
        info.lines.extend(self.notice_lines(main_meta))
        legacy = [str(c) for c in _list(main.get("third_country_transfers")) if _str(c)]
        if legacy or (main.get("does_international_transfers") and not main_meta.get("transfers")):
            bases = ", ".join(str(b) for b in _list(main.get("legal_basis_for_transfers"))) or "not stated"
            info.comments.append(f"fides: `{main.get('fides_key')}` transfers data outside the EU/EEA"
                                 + (f" (to {', '.join(legacy)})" if legacy else "")
                                 + f", legal basis: {bases}; declare each as a `transfer` block")
        blocks.append(info)
        controller = self.controller(main)
        if controller is not None:
            blocks.append(controller)

        self.declared(main_meta)
        purposes: list[_Block] = []
        purpose_meta = _DeclarationMeta(main_meta.get("purposes"))
        transfers = self.transfers(main_meta)
        joined: dict[str, _Block] = {}  # meta id -> block: our export writes one declaration per data use
        for system in own:
            for decl in _list(system.get("privacy_declarations")):
                if not isinstance(decl, dict):
                    continue
                meta = purpose_meta.next(_str(decl.get("name"))) if system is main else {}
                meta_id = str(meta.get("id") or "")
                if meta_id and meta_id in joined:
                    use = self.use(_str(decl.get("data_use")), joined[meta_id].comments)
                    if use:
                        joined[meta_id].lines.append(f"use {use}")
                    continue
                block = self.purpose(decl, system, system is main, meta, transfers)
                purposes.append(block)
                self.made_by.setdefault(str(system.get("fides_key")), []).append(block.head.split()[1])
                if meta_id:
                    joined[meta_id] = block
        for system in others:
            self.recipient(str(system.get("fides_key")))
        for dataset in _list(self.data.get("dataset")):
            if isinstance(dataset, dict):
                self.dataset(dataset, own)
        self.finish_categories()
        authorities = self.authorities(main_meta)
        rights = self.rights(main_meta, {b.head.split()[1] for b in purposes})
        cookies = self.cookies(main, main_meta)
        consents = self.consent_blocks(main_meta)

        self.say_what_became_of(main, own, others, controller)
        if not (purposes or self.category_blocks or self.recipient_blocks or cookies or controller):
            self.empty = "no system declares processing, and there is no dataset and no organization"
        elif not purposes:
            self.parts.append("no system has privacy declarations, so the policy has no purposes: declare them")
        if self.replaced:
            self.notes.append(f"{len(self.replaced)} text(s) held control or bidirectional-control characters that a "
                              "policy string cannot carry; they are replaced by U+FFFD")
        out = [f"# Imported from the fides manifest {printable(self.source)} by `privacy-dsl import fides`."]
        if rights is None:
            out[0] += ("\n# fides has no place for the data subjects' rights, the complaints authority or how consent"
                       "\n# is asked: add `rights { ... }`, an `authority` and the `consent` details, then run "
                       "`privacy-dsl lint`.")
        out.extend(b.render() for b in blocks)
        out.extend(b.render() for b in authorities)
        out.extend(b.render() for b in self.subject_blocks)
        out.extend(b.render() for b in self.category_blocks)
        out.extend(b.render() for b in purposes)
        if rights is not None:
            out.append(rights.render())
        out.extend(b.render() for b in consents)
        out.extend(b.render() for b in self.recipient_blocks)
        out.extend(b.render() for b in transfers.values())
        out.extend(b.render() for b in cookies)
        return format_string("\n\n".join(out) + "\n")

    def dataset(self, dataset: dict[str, Any], own: list[dict[str, Any]]) -> None:
        """A fides dataset says what data is stored where, not why: the data categories of its fields
        (and of the dataset and its collections) become categories, which no purpose uses unless a
        declaration names them too."""
        keys: list[str] = []
        stack: list[Any] = [dataset]
        while stack:  # the dataset, its collections, their fields and nested fields
            node = stack.pop()
            if not isinstance(node, dict):
                continue
            keys.extend(str(k) for k in _list(node.get("data_categories")) if _str(k))
            stack.extend(reversed([*_list(node.get("collections")), *_list(node.get("fields"))]))
        key = str(dataset.get("fides_key") or dataset.get("name") or "dataset")
        made = list(dict.fromkeys(self.category(k) for k in keys))
        users = [str(s.get("fides_key")) for s in own for d in _list(s.get("privacy_declarations"))
                 if isinstance(d, dict) and key in [str(r) for r in _list(d.get("dataset_references"))]]
        key = shorten(key)
        unused = [c for c in made if c not in self.used_categories]
        if not made:
            self.parts.append(f"dataset `{key}`: not imported: its fields have no data categories")
            return
        said = f"dataset `{key}`: the data categories of its fields are the categories {', '.join(map(shorten, made))}"
        if users:
            said += f" (the dataset of system{'s' if len(set(users)) > 1 else ''} " \
                    f"{', '.join(f'`{shorten(u)}`' for u in dict.fromkeys(users))})"
        if unused:
            said += f"; no purpose uses {'them' if unused == made else ', '.join(map(shorten, unused))}: a dataset " \
                    "says what is stored, not why"
        self.parts.append(said)
        for block in self.category_blocks:
            if block.head.split()[1] in unused:
                block.comments.append(f"from the fides dataset `{key}`; no purpose uses it")

    def say_what_became_of(self, main: dict[str, Any], own: list[dict[str, Any]], others: list[dict[str, Any]],
                           controller: _Block | None) -> None:
        """One note per part of the manifest (an organization, a system, a policy): what it became."""
        orgs = [o for o in _list(self.data.get("organization")) if isinstance(o, dict)]
        for n, org in enumerate(orgs):
            key = f"organization `{shorten(str(org.get('fides_key')))}`"
            if n == 0 and controller is not None:
                self.parts.insert(n, f"{key}: became the controller")
            else:
                self.parts.insert(n, f"{key}: not imported: a policy has one controller (the first organization)")
        for system in own:
            made = self.made_by.get(str(system.get("fides_key")), [])
            key = shorten(str(system.get("fides_key")))
            role = "the policy" if system is main else "part of the policy"
            self.parts.append(f"system `{key}`: became {role}; its privacy declarations are the purpose"
                              f"{'s' if len(made) > 1 else ''} {', '.join(map(shorten, made))}" if made else
                              f"system `{key}`: not imported: its privacy declarations are not mappings")
        for system in others:
            ident = self.recipients.get(str(system.get("fides_key")))
            self.parts.append(f"system `{shorten(str(system.get('fides_key')))}` has no privacy declarations: it "
                              f"became recipient `{shorten(str(ident))}`")

    def declared(self, meta: dict[str, Any]) -> None:
        """The categories and subjects ``meta.privacy_dsl`` declares (written by our export): with
        their ids and everything fides has no field for, also those no declaration names. The first
        category with a taxonomy key is the one a declaration's key means when meta does not say."""
        for ident, entry, block in self.meta_blocks(meta, "categories", "category"):
            self.category_ids.add(ident)
            key = _str(entry.get("taxonomy"))
            if key is not None and key in taxonomy.data_categories():
                block.lines.append(f"taxonomy {key}")
                self.categories.setdefault(key, ident)
                self.category_taxonomy[ident] = key
                self.category_keys[ident] = key
            self.custom_texts(block, entry)
            self.enumerated_if(block, "special", entry.get("special"), (k.value for k in m.SpecialKind))
            for flag in ("criminal", "children"):
                if _flag(entry.get(flag)):
                    block.lines.append(f"{flag} {_flag(entry[flag])}")
            self.enumerated_if(block, "identifiability", entry.get("identifiability"),
                               (k.value for k in m.Identifiability))
            if _str(entry.get("source")):
                block.lines.append(f"source {self.text(entry['source'])}")
            self.received_from[ident] = [str(r) for r in _list(entry.get("received_from"))
                                         if isinstance(r, str) and _is_ident(r)]
            self.category_blocks.append(block)
        for ident, entry, block in self.meta_blocks(meta, "subjects", "subject"):
            key = _str(entry.get("taxonomy"))
            if key is not None and key in taxonomy.data_subjects():
                block.lines.append(f"taxonomy {key}")
            self.subjects.setdefault(str(entry.get("fides_key") or ident), ident)
            self.custom_texts(block, entry)
            if _flag(entry.get("children")):
                block.lines.append(f"children {_flag(entry['children'])}")
            self.subject_blocks.append(block)

    def meta_blocks(self, meta: dict[str, Any], key: str, kind: str) -> Iterable[tuple[str, dict[str, Any], _Block]]:
        """Each entry of the list ``meta[key]`` that has an ``id``: its id as a block of ``kind``, and
        the empty block."""
        for entry in _list(meta.get(key)):
            wanted = _str(entry.get("id")) if isinstance(entry, dict) else None
            if wanted is not None and isinstance(entry, dict):
                ident = self.own(kind, wanted)
                yield ident, entry, _Block(f"{kind} {ident}")

    def enumerated_if(self, block: _Block, key: str, value: Any, allowed: Iterable[str]) -> None:
        """``key value`` when ``value`` is one of ``allowed``; a comment when it is something else."""
        if value is None:
            return
        if isinstance(value, str) and value in set(allowed):
            block.lines.append(f"{key} {value}")
        else:
            block.comments.append(f"fides `{key}` {shorten(repr(value))} is not one the policy language knows")

    def finish_categories(self) -> None:
        """``received_from`` names recipients, which exist only once every system is read."""
        recipients = set(self.recipients.values())
        for block in self.category_blocks:
            ident = block.head.split()[1]
            known = [r for r in self.received_from.get(ident, []) if r in recipients]
            if known:
                block.lines.append("received_from " + ", ".join(known))

    def authorities(self, meta: dict[str, Any]) -> list[_Block]:
        """The supervisory authorities from ``meta.privacy_dsl`` (fides has no resource for one)."""
        out = []
        for ident, entry, block in self.meta_blocks(meta, "authorities", "authority"):
            self.authority_ids.add(ident)
            if _str(entry.get("name")):
                block.lines.append(f"name {self.text(entry['name'])}")
            if _str(entry.get("country")):
                self.enumerated(block, "country", entry["country"])
            for key in ("email", "phone", "address", "website"):
                if _str(entry.get(key)):
                    block.lines.append(f"{key} {self.quote(str(entry[key]))}")
            out.append(block)
        return out

    def rights(self, meta: dict[str, Any], purposes: set[str]) -> _Block | None:
        """The rights from ``meta.privacy_dsl`` (fides has no place for them); none when meta has none."""
        entry = meta.get("rights")
        if not isinstance(entry, dict):
            return None
        block = _Block("rights")
        known = [r.value for r in m.Right]
        offered = _among(entry.get("offered"), known)
        if offered:
            block.lines.append("offered " + ", ".join(offered))
        for key in ("limited", "denied"):
            for restriction in _list(entry.get(key)):
                if not isinstance(restriction, dict):
                    continue
                rights = _among(restriction.get("rights"), known)
                if not rights:
                    continue
                line = f"{key} " + ", ".join(rights)
                named = _among(restriction.get("purposes"), purposes)
                if named:
                    line += " for " + ", ".join(named)
                if _str(restriction.get("law")):
                    line += f" law {self.quote(str(restriction['law']))}"
                if _str(restriction.get("reason")):
                    line += f" {self.text(restriction['reason'])}"
                block.lines.append(line)
        if _str(entry.get("how")):
            block.lines.append(f"how {self.text(entry['how'])}")
        if isinstance(entry.get("complaints"), str) and entry["complaints"] in self.authority_ids:
            block.lines.append(f"complaints {entry['complaints']}")
        return block

    def notice_lines(self, meta: dict[str, Any]) -> list[str]:
        """The notice's version, date, history, scope, referred notices and cited laws, from the
        ``meta.privacy_dsl`` that ``export`` writes; values that are not what it writes are left out."""
        lines: list[str] = []
        if _str(meta.get("notice_version")):
            lines.append(f"version {self.quote(str(meta['notice_version']))}")
        updated = _date(meta.get("updated"))
        if updated:
            lines.append(f"updated {updated}")
        for entry in _list(meta.get("history")):
            date = _date(entry.get("date")) if isinstance(entry, dict) else None
            text = self.text(entry.get("text")) if isinstance(entry, dict) else None
            if date and text:
                lines.append(f"history {date} {text}")
        kinds = {k.value for k in ScopeKind}
        for scope in _list(meta.get("scope")):
            if isinstance(scope, dict) and scope.get("kind") in kinds:
                names = [self.quote(n) for n in (_str(v) for v in _list(scope.get("names"))) if n]
                lines.append(" ".join([f"scope {scope['kind']}", ", ".join(names)]).strip())
        topics = {t.value for t in Topic}
        for ref in _list(meta.get("refers_to")):
            target = _str(ref.get("target")) if isinstance(ref, dict) else None
            if target is None or not isinstance(ref, dict):
                continue
            inner = []
            name = self.text(ref.get("name"))
            if name:
                inner.append(f"name {name}")
            covers = [str(t) for t in _list(ref.get("covers")) if isinstance(t, str) and t in topics]
            if covers:
                inner.append("covers " + ", ".join(dict.fromkeys(covers)))
            lines.append(f"refers_to {self.quote(target)}" + (" { " + " ".join(inner) + " }" if inner else ""))
        cites = [self.quote(c) for c in (_str(v) for v in _list(meta.get("cites"))) if c]
        if cites:
            lines.append("cites " + ", ".join(dict.fromkeys(cites)))
        return lines

    def _org_name(self) -> str | None:
        orgs = [o for o in _list(self.data.get("organization")) if isinstance(o, dict)]
        return _str(orgs[0].get("name")) if orgs else None

    def controller(self, main: dict[str, Any]) -> _Block | None:
        orgs = [o for o in _list(self.data.get("organization")) if isinstance(o, dict)]
        org = orgs[0] if orgs else {}
        contact = org.get("controller") if isinstance(org.get("controller"), dict) else {}
        assert isinstance(contact, dict)
        name = _str(contact.get("name")) or _str(org.get("name")) or _str(main.get("legal_name"))
        if name is None:
            return None
        block = _Block(f"controller {self.quote(name)}")
        address = _str(contact.get("address")) or _str(main.get("legal_address"))
        if address:
            block.lines.append(f"address {self.quote(address)}")
        for key in ("email", "phone"):
            if _str(contact.get(key)):
                block.lines.append(f"{key} {self.quote(str(contact[key]))}")
        main_meta = self.meta(main)
        facts = main_meta.get("controller") if isinstance(main_meta.get("controller"), dict) else {}
        assert isinstance(facts, dict)
        for key in ("registration", "website"):
            if _str(facts.get(key)):
                block.lines.append(f"{key} {self.quote(str(facts[key]))}")
        if _str(facts.get("country")):
            self.enumerated(block, "country", facts["country"])
        if _flag(facts.get("public_authority")):
            block.lines.append(f"public_authority {_flag(facts['public_authority'])}")
        offers = _among(facts.get("offers_to"), [*taxonomy.countries(), *REGIONS])
        if offers:
            block.lines.append("offers_to " + ", ".join(offers))
        if _str(org.get("description")):
            block.lines.append(f"description {self.text(org['description'])}")
        rep = org.get("representative")
        country = _str(main_meta.get("representative_country"))
        country = country if country in taxonomy.countries() else None
        if isinstance(rep, dict):
            rep_lines = [f"{k} {self.quote(str(rep[k]))}" for k in ("name", "address", "email", "phone")
                         if _str(rep.get(k))]
            if country:
                rep_lines.append(f"country {country}")
            if rep_lines == [f"name {self.quote(str(rep.get('name')))}"]:  # a name alone: the string form
                block.lines.append(f"representative {self.quote(str(rep['name']))}")
            elif rep_lines:
                block.lines.append("representative { " + " ".join(rep_lines) + " }")
        contact = main_meta.get("privacy_contact")
        if isinstance(contact, dict):
            contact_lines = [f"title {title}"] if (title := self.text(contact.get("title"))) else []
            contact_lines += [f"{k} {self.quote(str(contact[k]))}" for k in ("name", "email", "phone", "address")
                              if _str(contact.get(k))]
            if contact_lines:
                block.lines.append("privacy_contact { " + " ".join(contact_lines) + " }")
        dpo = org.get("data_protection_officer")
        dpo_lines = []
        if isinstance(dpo, dict):
            dpo_lines = [f"{k} {self.quote(str(dpo[k]))}" for k in ("name", "email", "phone", "address")
                         if _str(dpo.get(k))]
        elif _str(main.get("dpo")):
            value = str(main["dpo"])
            dpo_lines = [f"{'email' if '@' in value else 'name'} {self.quote(value)}"]
        if _flag(facts.get("dpo_required")):
            dpo_lines.insert(0, f"required {_flag(facts['dpo_required'])}")
        if dpo_lines:
            block.lines.append("dpo { " + " ".join(dpo_lines) + " }")
        return block

    def purpose(self, decl: dict[str, Any], system: dict[str, Any], is_main: bool,
                meta: dict[str, Any], transfers: dict[str, _Block]) -> _Block:
        name = _str(decl.get("name"))
        ident = self.own("purpose", str(meta.get("id") or name or decl.get("data_use") or "purpose"),
                         verbatim=bool(meta.get("id")))
        self.purpose_ids.add(ident)
        block = _Block(f"purpose {ident}")
        if not is_main:
            block.comments.append(f"from the fides system `{system.get('fides_key')}`")
        if name and meta.get("unnamed") is not True:
            block.lines.append(f"name {self.text(name)}")
        use = self.use(_str(decl.get("data_use")), block.comments)
        if use:
            block.lines.append(f"use {use}")
        if _str(meta.get("description")):
            block.lines.append(f"description {self.text(meta['description'])}")
        basis = BASIS.get(str(decl.get("legal_basis_for_processing") or "").lower())
        stated = self.bases(meta, basis)
        if stated:
            block.lines.extend(f"basis {b}" for b in stated)
        elif basis == "legitimate_interests" and _str(decl.get("impact_assessment_location")):
            block.lines.append(f"basis legitimate_interests {{ balancing_test "
                               f"{self.quote(str(decl['impact_assessment_location']))} }}")
        elif basis:
            block.lines.append(f"basis {basis}")
        elif decl.get("legal_basis_for_processing"):
            block.comments.append(f"fides legal basis {decl['legal_basis_for_processing']!r} is not one of GDPR "
                                  "Art. 6(1)")
        special = SPECIAL.get(str(decl.get("special_category_legal_basis") or "").lower())
        if special:
            law = f" {self.quote(str(meta['special_law']))}" if _str(meta.get("special_law")) else ""
            block.lines.append(f"special_condition {special}{law}")
        if _str(meta.get("consent")):
            consent = self.consents.get(str(meta["consent"])) or self.consents.setdefault(
                str(meta["consent"]), self.own("consent", str(meta["consent"])))
            block.lines.append(f"consent {consent}")
        if _flag(meta.get("profiling")):
            block.lines.append(f"profiling {_flag(meta['profiling'])}")
        block.lines.extend(self.automated_decisions(meta.get("automated_decisions")))
        taxa = [str(k) for k in _list(decl.get("data_categories")) if _str(k)]
        cats = self.categories_by_id(meta.get("categories"), taxa) or [self.category(k) for k in taxa]
        if cats:
            block.lines.append("categories " + ", ".join(dict.fromkeys(cats)))
            self.used_categories.update(cats)
        subs = [self.subject(str(k)) for k in _list(decl.get("data_subjects")) if _str(k)]
        if subs:
            block.lines.append("subjects " + ", ".join(dict.fromkeys(subs)))
        targets = [str(k) for k in _list(decl.get("egress")) if _str(k)]
        if not targets and decl.get("data_shared_with_third_parties") and _str(decl.get("third_parties")):
            block.comments.append(f"shared with third parties: {decl['third_parties']}")
        recipients = [self.recipient(k) for k in targets]
        if recipients:
            block.lines.append("recipients " + ", ".join(dict.fromkeys(recipients)))
        names = [transfers[t].head.split()[1] for t in _list(meta.get("transfers"))
                 if isinstance(t, str) and t in transfers]
        if names:
            block.lines.append("transfers " + ", ".join(names))
        period = _str(decl.get("retention_period"))
        if period:
            keys = meta.get("retention_categories")
            by_id = {ident: ident for ident in self.category_ids}  # declared by id in meta: named by it
            if isinstance(keys, dict):
                for named, taxon in keys.items():
                    if _str(named) and _str(taxon):
                        by_id[str(named)] = str(named) if named in self.category_ids else self.category(str(taxon))
            parsed = _retention(period, by_id)
            if parsed:
                block.lines.extend(f"retention {r}" for r in parsed)
            else:
                block.comments.append(f"fides retention period: {period}")
        for key in ("cookies",):
            if _list(decl.get(key)):
                block.comments.append("fides lists cookies on this declaration: see the cookie blocks")
        if _str(meta.get("source")):
            block.lines.append(f"source {self.text(meta['source'])}")
        return block

    def bases(self, meta: dict[str, Any], declared: str | None) -> list[str]:
        """The purpose's legal bases from ``meta.privacy_dsl`` with their laws, interest and balancing
        test, when its first is the declaration's (else fides was edited, and the declaration wins)."""
        out: list[str] = []
        for entry in _list(meta.get("bases")):
            kind = entry.get("basis") if isinstance(entry, dict) else None
            if not isinstance(entry, dict) or not isinstance(kind, str) or kind not in {b.value for b in BasisKind}:
                continue
            if kind in ("legal_obligation", "public_task") and _str(entry.get("law")):
                out.append(f"{kind} {self.quote(str(entry['law']))}")
            elif kind == "legitimate_interests":
                inner = [f"interest {self.text(entry['interest'])}"] if _str(entry.get("interest")) else []
                if _str(entry.get("balancing_test")):
                    inner.append(f"balancing_test {self.quote(str(entry['balancing_test']))}")
                out.append(f"{kind} {{ {' '.join(inner)} }}" if inner else kind)
            else:
                out.append(str(kind))
        return out if out and out[0].split()[0] == declared else []

    def automated_decisions(self, entry: Any) -> list[str]:
        if not isinstance(entry, dict):
            return []
        inner = []
        if isinstance(entry.get("exception"), str) and entry["exception"] in {e.value for e in m.AutomatedException}:
            inner.append(f"exception {entry['exception']}")
        for key in ("safeguards", "logic"):
            if _str(entry.get(key)):
                inner.append(f"{key} {self.text(entry[key])}")
        head = "automated_decisions" if entry.get("present") is not False else "automated_decisions no"
        return [head + (" { " + " ".join(inner) + " }" if inner else "")]

    def categories_by_id(self, ids: Any, keys: list[str]) -> list[str]:
        """The purpose's categories by the ids ``meta.privacy_dsl`` names, when they are declared and
        their taxonomy keys are the declaration's (else fides was edited: the keys win)."""
        named = [str(i) for i in _list(ids) if isinstance(i, str) and i in self.category_ids]
        if not named or len(named) != len(_list(ids)):
            return []
        taxed = {self.category_taxonomy.get(i) for i in named} - {None}
        return named if taxed == set(keys) else []

    def consent_blocks(self, meta: dict[str, Any]) -> list[_Block]:
        """The consent mechanisms from ``meta.privacy_dsl.consents`` (written by our export), and an
        empty block, with a comment, for each one a purpose or cookie names that is not there."""
        described: dict[str, _Block] = {}
        for entry in _list(meta.get("consents")):
            if not isinstance(entry, dict) or not _str(entry.get("id")) or str(entry["id"]) in described:
                continue
            key = str(entry["id"])
            ident = self.consents.get(key) or self.consents.setdefault(key, self.own("consent", key))
            described[key] = self.consent(ident, entry)
        out = []
        for key, ident in self.consents.items():
            out.append(described.get(key) or _Block(f"consent {ident}", comments=[
                "How consent is asked, recorded and withdrawn is not in fides: describe it here",
                "(method, reject_button, withdraw_via, record_retention)."]))
        return out

    def consent(self, ident: str, entry: dict[str, Any]) -> _Block:
        block = _Block(f"consent {ident}")

        def names(key: str, allowed: Iterable[str]) -> list[str]:
            known, found = set(allowed), []
            for value in _list(entry.get(key)):
                if isinstance(value, str) and value in known:
                    found.append(value)
                elif value is not None:
                    block.comments.append(f"fides consent `{key}` {shorten(repr(value))} is not one the policy "
                                          "language knows")
            return list(dict.fromkeys(found))

        methods = names("methods", (x.value for x in ConsentMethod))
        if methods:
            block.lines.append("method " + ", ".join(methods))
        def unread(key: str) -> None:
            block.comments.append(f"fides consent `{key}` {shorten(repr(entry[key]))} is not one the policy "
                                  "language knows")

        for flag in ("reject_button", "granular", "explicit", "condition_of_service", "refusal_degrades_service",
                     "parental_consent"):
            if isinstance(entry.get(flag), bool):
                block.lines.append(f"{flag} {'yes' if entry[flag] else 'no'}")
            elif entry.get(flag) is not None:
                unread(flag)
        shown = names("shown_in", [*taxonomy.countries(), *REGIONS])
        if shown:
            block.lines.append("shown_in " + ", ".join(shown))
        sites = [self.quote(str(v)) for v in _list(entry.get("given_on")) if _str(v)]
        if sites:
            block.lines.append("given_on " + ", ".join(sites))
        if _str(entry.get("withdraw")):
            block.lines.append(f"withdraw {self.text(entry['withdraw'])}")
        routes = []
        for route in _list(entry.get("withdraw_via")):
            kind = route.get("route") if isinstance(route, dict) else route
            if not isinstance(kind, str) or kind not in {r.value for r in WithdrawRoute}:
                block.comments.append(f"fides consent withdrawal route {shorten(repr(route))} is not one the policy "
                                      "language knows")
                continue
            value = _str(route.get("value")) if isinstance(route, dict) else None
            with_value = value is not None and WithdrawRoute(kind) in ROUTES_WITH_VALUE
            routes.append(f"{kind} {self.quote(value)}" if with_value and value is not None else kind)
        if routes:
            block.lines.append("withdraw_via " + ", ".join(routes))
        for key in ("record_retention", "valid_for"):
            if _str(entry.get(key)) and _DURATION.fullmatch(str(entry[key])):
                block.lines.append(f"{key} {entry[key]}")
            elif entry.get(key) is not None:
                unread(key)
        age = entry.get("minimum_age")
        if isinstance(age, int) and not isinstance(age, bool) and 0 <= age <= MAX_AGE:
            block.lines.append(f"minimum_age {age}")
        elif age is not None:
            unread("minimum_age")
        if _str(entry.get("description")):
            block.lines.append(f"description {self.text(entry['description'])}")
        return block

    def transfers(self, meta: dict[str, Any]) -> dict[str, _Block]:
        out: dict[str, _Block] = {}
        for entry in _list(meta.get("transfers")):
            if not isinstance(entry, dict) or not _str(entry.get("id")):
                continue
            ident = self.own("transfer", str(entry["id"]))
            block = _Block(f"transfer {ident}")
            if _str(entry.get("recipient_system")):
                block.lines.append(f"recipient {self.recipient(str(entry['recipient_system']))}")
            if _str(entry.get("country")):
                self.enumerated(block, "country", entry["country"])
            if _str(entry.get("mechanism")):
                detail = f" {self.quote(str(entry['mechanism_detail']))}" if _str(entry.get("mechanism_detail")) else ""
                self.enumerated(block, "mechanism", entry["mechanism"], detail)
            if _str(entry.get("certification")):
                block.lines.append(f"certification {self.text(entry['certification'])}")
            if _str(entry.get("tia")):
                block.lines.append(f"tia {self.quote(str(entry['tia']))}")
            if _str(entry.get("description")):
                block.lines.append(f"description {self.text(entry['description'])}")
            out[str(entry["id"])] = block
        return out

    def cookies(self, main: dict[str, Any], meta: dict[str, Any]) -> list[_Block]:
        out: list[_Block] = []
        entries = [c for c in _list(meta.get("cookies")) if isinstance(c, dict)
                   and (_str(c.get("name")) or c.get("unnamed") is True)]
        for entry in entries:
            if _str(entry.get("name")):
                name = str(entry["name"])
                block = _Block(f"cookie {name if is_bare_name(name) else self.quote(name)}")
            else:  # `unnamed: true`: a cookie the notice describes without its name
                block = _Block("cookie unnamed")
            if entry.get("pattern") is True:
                block.lines.append("pattern")
            if entry.get("storage") and entry["storage"] != "cookie":
                self.enumerated(block, "kind", entry["storage"])
            if _str(entry.get("provider_system")):
                block.lines.append(f"provider {self.recipient(str(entry['provider_system']))}")
            elif _str(entry.get("provider")):
                block.lines.append(f"provider {self.quote(str(entry['provider']))}")
            if entry.get("party") in ("first", "third"):
                block.lines.append(f"party {entry['party']}")
            if _str(entry.get("duration")) and _DURATION.fullmatch(str(entry["duration"])):
                shortest = entry.get("minimum")
                if _str(shortest) and _DURATION.fullmatch(str(shortest)):  # a range: `30 seconds to 1 year`
                    block.lines.append(f"expiry {shortest} to {entry['duration']}")
                else:
                    block.lines.append(f"expiry {entry['duration']}")
            elif entry.get("expiry") in ("session", "persistent", "never"):
                block.lines.append(f"expiry {entry['expiry']}")
            domains = [self.quote(str(d)) for d in _list(entry.get("domains")) if _str(d)]
            if domains:
                block.lines.append("domains " + ", ".join(domains))
            if _str(entry.get("category")):
                self.enumerated(block, "category", entry["category"])
            # `purposes` (a list) since a cookie may serve several; `purpose` from older exports.
            named = [str(p) for p in [*_list(entry.get("purposes")), entry.get("purpose")]
                     if _str(p) and is_bare_name(str(p))]
            if named:
                block.lines.append("purpose " + ", ".join(dict.fromkeys(named)))
            given = [str(c) for c in [*_list(entry.get("consents")), entry.get("consent")] if _str(c)]
            if given:  # `consents` since a cookie may name several; `consent` from older exports
                idents = [self.consents.get(c) or self.consents.setdefault(c, self.own("consent", c))
                          for c in dict.fromkeys(given)]
                block.lines.append("consent " + ", ".join(idents))
            if _str(entry.get("description")):
                block.lines.append(f"description {self.text(entry['description'])}")
            out.append(block)
        if not entries:
            legacy = [c for s in self.systems for c in _list(s.get("cookies"))
                      + [c for d in _list(s.get("privacy_declarations")) if isinstance(d, dict)
                         for c in _list(d.get("cookies"))] if isinstance(c, dict) and _str(c.get("name"))]
            seen: set[str] = set()
            for entry in legacy:
                name = str(entry["name"])
                if name in seen:
                    continue
                seen.add(name)
                block = _Block(f"cookie {name if is_bare_name(name) else self.quote(name)}",
                               comments=["from a fideslang 2 `cookies` list: purpose, expiry and party are not there"])
                if _str(entry.get("domain")):
                    block.lines.append(f"domains {self.quote(str(entry['domain']))}")
                if not block.lines:
                    block.lines.append("kind cookie")
                out.append(block)
            if not out and main.get("cookie_max_age_seconds"):
                self.notes.append(f"the fides system `{main.get('fides_key')}` stores cookies for up to "
                                  f"{main['cookie_max_age_seconds']} seconds, but does not list them")
        return out


def _among(values: Any, allowed: Iterable[str]) -> list[str]:
    """The values of a meta list that are names the policy language knows (each once, in order)."""
    known = set(allowed)
    return list(dict.fromkeys(v for v in _list(values) if isinstance(v, str) and v in known))


def _flag(value: Any) -> str | None:
    return ("yes" if value else "no") if isinstance(value, bool) else None


def _known_ancestor(key: str, table: dict[str, Any]) -> str | None:
    parts = key.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in table:
            return candidate
        parts.pop()
    return None


def _alpha2(codes: Iterable[Any], comments: list[str]) -> list[str]:
    countries = taxonomy.countries()
    out = []
    for code in codes:
        text = str(code).strip()
        if text.upper() in countries and len(text) == 2:
            out.append(text.upper())
        elif text:
            comments.append(f"fides third-country transfer to `{text}`: write its ISO 3166-1 alpha-2 code "
                            "in `countries`")
    return out


def _retention(period: str, categories: dict[str, str] | None = None) -> list[str] | None:
    """The retention statements a fides ``retention_period`` means, when it is in our syntax.

    ``categories`` maps the ids a statement is for (``6 months for logs``) to the ids of the
    imported categories (from ``meta.privacy_dsl``); a statement for a category not in it cannot
    be written (it would name a category the imported policy does not declare), and then the
    whole period stays a comment, as any period that is not in our syntax does."""
    from ..language.parser import parse_text
    from .export import retention_text

    parts = [p.strip() for p in re.findall(r'(?:[^;"]|"(?:[^"\\]|\\.)*")+', period) if p.strip()]
    if not parts:
        return None
    out: list[str] = []
    for part in parts:
        # Only words, commas and strings: a brace, a `#` or a line break would write other
        # statements or blocks into the policy ("5 years } cookie x {"), so such a period stays a comment.
        if _UNWRITABLE.search(part) or re.search(r"[\n\t]", part) or \
                not re.fullmatch(r'(?:[\w .,\-]|"(?:[^"\\]|\\.)*")*', part):
            return None
        if re.fullmatch(r"\d+\s+\w+", part):  # "30 days", "1 Year"
            part = part.lower()
        result = parse_text(f"purpose x {{ retention {part} }}")
        if result.document is None or result.diagnostics:
            return None
        blocks = result.document.blocks
        purpose = blocks[0] if len(blocks) == 1 else None
        if not isinstance(purpose, m.Purpose) or set(purpose.field_spans) != {"retention"} or \
                len(purpose.retention) != 1:
            return None  # "5 years source ..." would write another statement
        ret = purpose.retention[0]
        if ret.categories:
            names = [(categories or {}).get(r.name) for r in ret.categories]
            if None in names:
                return None
            refs = tuple(m.Ref(name=n, span=r.span) for n, r in zip(names, ret.categories, strict=True) if n)
            part = retention_text(dataclasses.replace(ret, categories=tuple({r.name: r for r in refs}.values())))
        out.append(part)
    return out


@dataclass
class FidesImport:
    """What ``import fides`` makes of a manifest."""

    policy: str  # the policy text, formatted
    tests: str | None  # the policy tests made from the manifest's fides `policy:` rules, if it has any
    parts: list[str]  # what became of each part of the manifest (organization, system, dataset, policy)
    notes: list[str]  # what could not be carried over as it was
    empty: str | None  # why nothing a policy can be made of is in the manifest (E082), else None


def import_fides(data: dict[str, Any], *, lang: str | None = None, source: str = "<fides>") -> FidesImport:
    """The policy, the policy tests and what became of each part of a fides manifest."""
    from .fides_rules import Imported, rule_tests

    importer = _Importer(data, lang, source)
    text = importer.run()
    imported = Imported(categories=importer.category_keys, subjects=importer.subjects, uses=importer.uses,
                        purposes=importer.purpose_ids)
    policies = [p for p in _list(data.get("policy")) if isinstance(p, dict)]
    tests = rule_tests(policies, imported, source)
    if importer.empty is not None:  # rules are tests of a policy, and there is none
        parts = [*importer.parts, *(f"policy `{shorten(str(p.get('fides_key')))}`: not imported: its rules are tests "
                                    "of a policy, and the manifest declares no processing to test" for p in policies)]
        return FidesImport(policy=text, tests=None, parts=parts, notes=importer.notes, empty=importer.empty)
    return FidesImport(policy=text, tests=tests.text, parts=[*importer.parts, *tests.parts],
                       notes=[*importer.notes, *tests.notes], empty=None)


def from_fides(data: dict[str, Any], *, lang: str | None = None, source: str = "<fides>") -> tuple[str, list[str]]:
    """Policy-language text (formatted) for a fides manifest, and notes on what was not carried over."""
    done = import_fides(data, lang=lang, source=source)
    return done.policy, done.notes
