"""The loader that turns located YAML into typed records. It checks everything (syntax, types, references
between records) before any triple is made and reports every problem with file, line, column and field."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, dataclass, fields
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

from lacrdf import values
from lacrdf.errors import RecordError, RecordErrors
from lacrdf.progress import SILENT, Reporter
from lacrdf.records.files import data_files, display_path
from lacrdf.records.model import (
    ActorRecord,
    ActorRef,
    Aliases,
    FactRecord,
    FactRef,
    Iri,
    LangTag,
    Origin,
    Project,
    Record,
    Ref,
    Sha256,
    SourceRecord,
    Span,
    TextFile,
    WikidataId,
)
from lacrdf.records.reader import LocDict, LocList, LocStr, LocValue, load_yaml
from lacrdf.values import PartialDate

R = TypeVar("R", bound=Record)


# ---------------------------------------------------------------------------------------------- parsing

def _fail(file: str, pos: tuple[int, int], message: str, *, field: str | None = None,
          record: str | None = None, hint: str | None = None) -> RecordError:
    return RecordError(file, pos[0], pos[1], message, field=field, record=record, hint=hint)


def _pos(value: LocValue, fallback: tuple[int, int]) -> tuple[int, int]:
    line = getattr(value, "line", None)
    return (line, getattr(value, "column", 1)) if line else fallback


def _strip_optional(hint: Any) -> tuple[Any, bool]:
    if get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(get_args(hint)) == 2:
            return args[0], True
    return hint, False


_SCALARS: dict[Any, Any] = {
    str: values.parse_text,
    int: values.parse_int,
    Decimal: values.parse_decimal,
    bool: values.parse_bool,
    PartialDate: values.parse_date,
    ActorRef: values.parse_id,
    FactRef: values.parse_id,
    Ref: values.parse_id,
    Iri: values.parse_iri,
    Sha256: values.parse_sha256,
    WikidataId: values.parse_wikidata,
    LangTag: values.parse_lang,
    TextFile: values.parse_text_file,
}


def _parse_scalar(hint: Any, raw: LocValue, meta: Mapping[str, Any]) -> Any:
    if not isinstance(raw, LocStr):
        kind = "a list" if isinstance(raw, list) else "a mapping" if isinstance(raw, dict) else "empty"
        raise ValueError(f"expected a single value, found {kind}")
    if get_origin(hint) is Literal:
        choices = get_args(hint)
        if raw not in choices:
            close = difflib.get_close_matches(raw, choices, n=1)
            did = f"did you mean '{close[0]}'? " if close else ""
            raise ValueError(f"'{raw}' is not one of the allowed values; {did}allowed: {', '.join(choices)}")
        return str(raw)
    parser = _SCALARS.get(hint)
    if parser is None:  # pragma: no cover - a programming error in a record class
        raise TypeError(f"no parser for {hint!r}")
    value = parser(str(raw))
    if "min" in meta and value < meta["min"]:
        raise ValueError(f"{value} is below the minimum {meta['min']}")
    return value


def _parse_value(hint: Any, raw: LocValue, meta: Mapping[str, Any], file: str, fname: str,
                 rid: str | None, pos: tuple[int, int]) -> Any:
    """Parse one field value; raise RecordError at the exact item that is wrong."""
    origin = get_origin(hint)
    try:
        if origin is tuple:
            item_hint = get_args(hint)[0]
            items: list[LocValue]
            if isinstance(raw, list):
                items = list(raw)
            elif meta.get("scalar_ok") and isinstance(raw, LocStr):
                items = [raw]
            else:
                raise ValueError("expected a list")
            parsed = []
            for item in items:
                parsed.append(_parse_value(item_hint, item, meta, file, fname, rid, _pos(item, pos)))
            if len(set(map(repr, parsed))) != len(parsed):
                raise ValueError("the list repeats a value")
            return tuple(parsed)
        if hint == Aliases:
            return _parse_aliases(raw, file, fname, rid, pos)
        if hint is Span:
            return _parse_span(raw)
        return _parse_scalar(hint, raw, meta)
    except ValueError as exc:
        raise _fail(file, _pos(raw, pos), str(exc), field=fname, record=rid) from None


_SPAN_KEYS = ("para", "start", "end")


def _parse_span(raw: LocValue) -> Span:
    """``{para: 4, start: 120, end: 245}``: offsets within the paragraph, end exclusive."""
    if not isinstance(raw, LocDict) or set(raw) != set(_SPAN_KEYS):
        raise ValueError("a span is a mapping {para: N, start: S, end: E} (offsets within the paragraph, "
                         "end exclusive; 'lacrdf locate' finds them)")
    para, start, end = (values.parse_int(str(raw[k]), minimum=m) for k, m in zip(_SPAN_KEYS, (1, 0, 1), strict=True))
    if end <= start:
        raise ValueError(f"span {start}-{end} is empty; 'end' must be greater than 'start'")
    return Span(para, start, end)


def _lang_map(raw: LocValue, file: str, fname: str, rid: str | None,
              pos: tuple[int, int]) -> list[tuple[str, LocValue, tuple[int, int]]]:
    if not isinstance(raw, LocDict):
        raise ValueError("expected a mapping of language tags (en, es, pt, fr) to text")
    out = []
    for key, val in raw.items():
        kpos = raw.key_pos[key]
        try:
            lang = values.parse_lang(key)
        except ValueError as exc:
            raise _fail(file, kpos, str(exc), field=f"{fname}.{key}", record=rid) from None
        out.append((lang, val, kpos))
    return out


def _parse_aliases(raw: LocValue, file: str, fname: str, rid: str | None, pos: tuple[int, int]) -> Aliases:
    result: dict[str, tuple[str, ...]] = {}
    for lang, val, kpos in _lang_map(raw, file, fname, rid, pos):
        if isinstance(val, LocStr):
            val_list = LocList([val])
            val_list.line, val_list.column = val.line, val.column
            val = val_list
        result[lang] = _parse_value(tuple[str, ...], val, {}, file, f"{fname}.{lang}", rid, kpos)
    return dict(sorted(result.items()))


@cache
def type_hints(cls: type) -> dict[str, Any]:
    """get_type_hints is slow (it evaluates every annotation): once per class is enough."""
    return get_type_hints(cls)


@cache
def record_fields(cls: type[Record]) -> list[tuple[str, Any, bool, Mapping[str, Any]]]:
    """(name, type, required, metadata) of the fields a YAML record of ``cls`` may carry."""
    hints = type_hints(cls)
    out = []
    for f in fields(cls):
        if f.name in ("origin", "positions") or f.metadata.get("internal"):
            continue
        hint, optional = _strip_optional(hints[f.name])
        has_default = f.default is not MISSING or f.default_factory is not MISSING
        out.append((f.name, hint, not (optional or has_default), f.metadata))
    return out


def parse_record(cls: type[R], raw: LocDict, file: str, *, skip: Iterable[str] = (),
                 **extra: Any) -> R:
    """Build a record of ``cls`` from a located mapping, or raise RecordErrors with every wrong field of
    it (each at the exact place that is wrong)."""
    rid_raw = raw.get("id")
    rid = str(rid_raw) if isinstance(rid_raw, LocStr) else None
    here = (raw.line, raw.column)
    spec = record_fields(cls)
    known = {name for name, *_ in spec} | set(skip)
    errors: list[RecordError] = []
    misspelt: set[str] = set()  # a required field written with a typo is one mistake, not two
    for key in raw:
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known - set(raw)), n=1)
            misspelt.update(close)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed fields: {', '.join(sorted(known))}"
            errors.append(_fail(file, raw.key_pos[key], f"unknown field '{key}'", field=key, record=rid, hint=hint))
    kwargs: dict[str, Any] = {}
    for name, hint, required, meta in spec:
        if name not in raw or raw[name] is None:
            if required and name not in misspelt:
                errors.append(_fail(file, here, f"missing required field '{name}'", field=name, record=rid,
                                    hint=f"add '{name}:' to the record"))
            continue
        try:
            kwargs[name] = _parse_value(hint, raw[name], meta, file, name, rid, raw.key_pos[name])
        except RecordError as exc:
            errors.append(exc)
    if rid is not None and "id" not in {e.field for e in errors}:
        try:
            values.parse_id(rid)
        except ValueError as exc:
            errors.append(_fail(file, raw.key_pos["id"], str(exc), field="id", record=rid))
    if errors:
        raise RecordErrors(errors)
    positions = {k: _pos(v, raw.key_pos[k]) for k, v in raw.items()}
    return cls(origin=Origin(file, *here), positions=positions, **kwargs, **extra)


@dataclass(frozen=True, slots=True)
class FileRecords:
    """The records one YAML file declares, in file order."""

    file: str
    actors: dict[str, ActorRecord]
    sources: dict[str, SourceRecord]
    facts: dict[str, FactRecord]


def errors_of(exc: RecordError | RecordErrors) -> list[RecordError]:
    return list(exc.errors) if isinstance(exc, RecordErrors) else [exc]


def read_file(path: Path, display: str) -> FileRecords:
    """Parse one record file. Raises RecordErrors with every problem of the file: a file that cannot be
    read as records at all gives one error; otherwise each wrong record gives its own, and the other
    records of the file are still checked."""
    from lacrdf.records.kinds import KINDS

    actors: dict[str, ActorRecord] = {}
    sources: dict[str, SourceRecord] = {}
    facts: dict[str, FactRecord] = {}
    errors = _load_file(path, display, KINDS, actors, sources, facts)
    if errors:
        raise RecordErrors(errors)
    return FileRecords(display, actors, sources, facts)


def merge_files(units: Iterable[FileRecords]) -> tuple[Project, list[RecordError]]:
    """One project of several files' records, and the ids declared twice across them (also an actor and
    a fact of the same id: their resources would be confused by every reader of the ids)."""
    errors: list[RecordError] = []
    actors: dict[str, ActorRecord] = {}
    sources: dict[str, SourceRecord] = {}
    facts: dict[str, FactRecord] = {}
    units = list(units)
    # actors first: a source or fact that takes an actor's id is the one reported
    for table, what in ((actors, "actor"), (sources, "source"), (facts, "fact")):
        others = [(t, w) for t, w in ((actors, "actor"), (sources, "source"), (facts, "fact")) if t is not table]
        for unit in units:
            records: dict[str, Any] = {"actor": unit.actors, "source": unit.sources, "fact": unit.facts}[what]
            for rec in records.values():
                try:
                    _add(table, rec, what, others)
                except RecordError as exc:
                    errors.append(exc)
    return Project(dict(sorted(actors.items())), dict(sorted(sources.items())), facts), errors


def collect_project(paths: Iterable[Path], root: Path | None = None,
                    progress: Reporter = SILENT) -> tuple[Project, list[RecordError]]:
    """Load every YAML file under ``paths`` and check the records against each other, going on past
    every mistake: the records that parsed, and every error of every file (references to a record that
    failed to parse are not reported again; when a whole file could not be read, references are not
    checked, since its ids are unknown)."""
    errors: list[RecordError] = []
    paths = list(paths)
    files = data_files(paths)
    if not files:
        return Project({}, {}, {}), [RecordError(", ".join(map(str, paths)) or ".", 1, 1,
                                                  "no YAML record files found", hint="add files under data/")]
    units = []
    unreadable = False
    failed: set[str] = set()
    for path in progress.track(files, "loading records", len(files)):
        try:
            units.append(read_file(path, display_path(path, root)))
        except (RecordError, RecordErrors) as exc:
            found = errors_of(exc)
            errors.extend(found)
            failed.update(e.record for e in found if e.record)
            partial = read_partial(path, display_path(path, root))
            unreadable |= not (partial.actors or partial.sources or partial.facts)
            units.append(partial)
    project, duplicates = merge_files(units)
    errors.extend(duplicates)
    if not unreadable:
        errors.extend(check_references(project, unknown_ok=failed))
    return project, errors


def read_partial(path: Path, display: str) -> FileRecords:
    """The records of a file with errors that did parse (checked against the rest, never converted)."""
    from lacrdf.records.kinds import KINDS

    actors: dict[str, ActorRecord] = {}
    sources: dict[str, SourceRecord] = {}
    facts: dict[str, FactRecord] = {}
    _load_file(path, display, KINDS, actors, sources, facts)
    return FileRecords(display, actors, sources, facts)


def load_project(paths: Iterable[Path], root: Path | None = None, progress: Reporter = SILENT) -> Project:
    """Load every YAML file under ``paths`` and check the records against each other; raises RecordErrors
    listing every problem of every file."""
    project, errors = collect_project(paths, root, progress)
    if errors:
        raise RecordErrors(errors)
    return project


def _add(store: dict[str, Any], rec: Record, what: str,
         others: Iterable[tuple[Mapping[str, Any], str]] = ()) -> None:
    """Add ``rec`` to its table; an id already used there, or by a record of another table, is an error
    (one id names one thing: an actor and a fact of the same id would be confused by every reader)."""
    for table, kind in ((store, what), *others):
        if rec.id in table:
            first = table[rec.id].origin
            where = rec.field_origin("id")
            message = (f"duplicate id '{rec.id}' (first defined at {first})" if table is store else
                       f"id '{rec.id}' is already the id of an {kind} (at {first})" if kind[0] in "aeiou" else
                       f"id '{rec.id}' is already the id of a {kind} (at {first})")
            raise RecordError(where.file, where.line, where.column, message, field="id", record=rec.id,
                              hint=f"give the {what} another id")
    store[rec.id] = rec


def _load_file(path: Path, display: str, kinds: Mapping[str, Any], actors: dict[str, ActorRecord],
               sources: dict[str, SourceRecord], facts: dict[str, FactRecord]) -> list[RecordError]:
    """Fill the tables with the file's good records; return the errors of the others (a file that is not
    records at all gives one error)."""
    try:
        doc = load_yaml(path, display)
    except RecordError as exc:
        return [exc]
    if doc is None:
        return [RecordError(display, 1, 1, "file is empty", hint="add 'actors:' or 'source:' and 'facts:'")]
    if not isinstance(doc, LocDict):
        return [RecordError(display, *_pos(doc, (1, 1)), "top level must be a mapping with 'actors', "
                            "'source' and/or 'facts'")]
    errors: list[RecordError] = []
    allowed = {"actors", "source", "facts"}
    for key in doc:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            errors.append(RecordError(display, *doc.key_pos[key], f"unknown top-level key '{key}'", field=key,
                                      hint=f"did you mean '{close[0]}'?" if close else "use actors, source, facts"))

    def each(items: Iterable[LocDict], make: Any) -> None:
        for item in items:
            try:
                make(item)
            except (RecordError, RecordErrors) as exc:
                errors.extend(errors_of(exc))

    each(_items(doc, "actors", display, errors), lambda item: _add(actors, parse_record(ActorRecord, item, display),
                                                                    "actor"))
    source_id: str | None = None
    if "source" in doc:
        raw = doc["source"]
        if not isinstance(raw, LocDict):
            errors.append(RecordError(display, *doc.key_pos["source"], "'source' must be a mapping",
                                      field="source"))
        else:
            if isinstance(raw.get("id"), LocStr):
                source_id = str(raw["id"])  # its facts are still checked if the source record is wrong
            each([raw], lambda item: _add(sources, parse_record(SourceRecord, item, display), "source"))
    fact_items = _items(doc, "facts", display, errors)
    if fact_items and "source" not in doc:
        errors.append(RecordError(display, *doc.key_pos["facts"], "facts need a 'source:' in the same file",
                                  field="facts", hint="add the source document's record"))
        return errors

    def fact(item: LocDict) -> None:
        kind_raw = item.get("kind")
        rid = str(item["id"]) if isinstance(item.get("id"), LocStr) else None
        if not isinstance(kind_raw, LocStr):
            raise RecordError(display, item.line, item.column, "missing required field 'kind'", field="kind",
                              record=rid, hint=f"one of: {', '.join(sorted(kinds))}")
        kind = kinds.get(str(kind_raw))
        if kind is None:
            close = difflib.get_close_matches(str(kind_raw), sorted(kinds), n=1)
            raise RecordError(display, kind_raw.line, kind_raw.column, f"unknown kind '{kind_raw}'",
                              field="kind", record=rid,
                              hint=f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(sorted(kinds))}")
        if source_id is None:
            return  # the source's own error says what is wrong
        _add(facts, parse_record(kind.record, item, display, skip=("kind",), source=source_id), "fact")

    each(fact_items, fact)
    return errors


def _items(doc: LocDict, key: str, display: str, errors: list[RecordError]) -> list[LocDict]:
    if key not in doc or doc[key] is None:
        return []
    raw = doc[key]
    if not isinstance(raw, LocList):
        errors.append(RecordError(display, *doc.key_pos[key], f"'{key}' must be a list of records", field=key))
        return []
    out = []
    for item in raw:
        if not isinstance(item, LocDict):
            errors.append(RecordError(display, *_pos(item, doc.key_pos[key]),
                                      f"each item of '{key}' must be a mapping", field=key))
        else:
            out.append(item)
    return out


def _suggest(name: str, candidates: Iterable[str]) -> str | None:
    pool = list(candidates)
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        if name.lower() in lowered:
            close = [lowered[name.lower()]]
    return f"did you mean '{close[0]}'?" if close else None


@cache
def reference_fields(cls: type) -> list[tuple[str, Any, Mapping[str, Any]]]:
    """(name, ActorRef/FactRef/Ref, metadata) of the fields of ``cls`` that name other records."""
    hints = type_hints(cls)
    out = []
    for f in fields(cls):
        hint, _ = _strip_optional(hints[f.name])
        item_hint = get_args(hint)[0] if get_origin(hint) is tuple else hint
        if item_hint in (ActorRef, FactRef, Ref):
            out.append((f.name, item_hint, f.metadata))
    return out


def _suggest_by_label(project: Project, name: str) -> str | None:
    """'peru' -> 'PE': an actor whose English label (or alias) is the unknown id, ignoring case."""
    wanted = name.replace("-", " ").lower()
    for actor in project.actors.values():
        spellings = {actor.label("en")} | set((actor.aliases or {}).get("en", ()))
        if any(s.lower() == wanted for s in spellings):
            return f"did you mean '{actor.id}'?"
    return None


def check_references(project: Project, unknown_ok: set[str] | frozenset[str] = frozenset()) -> list[RecordError]:
    """Every ActorRef names an actor of an allowed type, every FactRef a fact; states are ISO codes.
    References to the ids in ``unknown_ok`` (records that failed to parse, reported already) pass."""
    from lacrdf.countries import check_state_id

    errors: list[RecordError] = []
    for rec in list(project.actors.values()):
        if rec.type == "state":
            problem = check_state_id(rec.id)
            if problem:
                errors.append(RecordError(rec.origin.file, *rec.positions.get("id", (rec.origin.line, 1)),
                                          problem, field="id", record=rec.id,
                                          hint="state ids are ISO 3166-1 alpha-2 codes"))
        elif not rec.name:
            errors.append(RecordError(rec.origin.file, rec.origin.line, rec.origin.column,
                                      "missing 'name'", field="name", record=rec.id,
                                      hint="give 'name:', the name as the documents spell it"))
    records: list[Record] = [*project.actors.values(), *project.sources.values(), *project.facts.values()]
    for rec in records:
        for name, item_hint, meta in reference_fields(type(rec)):
            value = getattr(rec, name)
            if value is None:
                continue
            for ref in value if isinstance(value, tuple) else (value,):
                if ref in unknown_ok and not project.has_fact(ref) and ref not in project.actors:
                    continue
                problem = _check_ref(project, item_hint, ref, meta)
                if problem:
                    line, col = rec.positions.get(name, (rec.origin.line, rec.origin.column))
                    errors.append(RecordError(rec.origin.file, line, col, problem[0], field=name,
                                              record=rec.id, hint=problem[1]))
    return errors


def _check_ref(project: Project, hint: Any, ref: str, meta: Mapping[str, Any]) -> tuple[str, str | None] | None:
    if hint is ActorRef or (hint is Ref and not project.has_fact(ref)):
        actor = project.actors.get(ref)
        if actor is None:
            pool = list(project.actors) if hint is ActorRef else [*project.actors, *project.fact_ids()]
            what = "actor" if hint is ActorRef else "actor or fact"
            if "state" in meta.get("actor_types", ("state",)) and len(ref) in (2, 3) and ref.isalpha():
                return _unknown_state(project, ref, what)
            return f"unknown {what} '{ref}'", (_suggest_by_label(project, ref) or _suggest(ref, pool)
                                               or "declare it under data/actors/")
        allowed = meta.get("actor_types")
        if allowed and actor.type not in allowed:
            return (f"'{ref}' is a {actor.type}, but this field takes a {' or '.join(allowed)}",
                    None)
        return None
    if hint is FactRef and not project.has_fact(ref):
        return f"unknown fact '{ref}'", _suggest(ref, project.fact_ids()) or "check the fact id"
    if project.has_fact(ref) and meta.get("fact_kinds"):
        kind = project.fact_kind(ref)
        if kind not in meta["fact_kinds"]:
            return f"'{ref}' is a {kind} fact, but this field takes a {' or '.join(meta['fact_kinds'])}", None
    return None


def _unknown_state(project: Project, ref: str, what: str) -> tuple[str, str | None]:
    """An undeclared code in a field that takes states: not an ISO code (and what was meant), or an ISO
    code that is not declared yet."""
    from lacrdf.countries import check_state_id, country_labels, suggest_state_id

    states = [a.id for a in project.actors.values() if a.type == "state"]
    if check_state_id(ref) is None:
        return (f"unknown {what} '{ref}': {country_labels(ref)['en']}'s ISO code, but no actor",
                "declare it in data/actors/states.yaml")
    meant = suggest_state_id(ref, states)
    hint = f"did you mean '{meant}'?" if meant else "states are ISO 3166-1 alpha-2 codes (BE, PE, UY)"
    return f"unknown {what} '{ref}': not an ISO 3166-1 alpha-2 code", hint


def reference_ids(rec: Record) -> set[str]:
    """The ids of the actors and facts a record names."""
    out: set[str] = set()
    for name, _, _ in reference_fields(type(rec)):
        value = getattr(rec, name)
        if value:
            out.update(value if isinstance(value, tuple) else (value,))
    return out
