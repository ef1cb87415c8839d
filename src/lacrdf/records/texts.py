"""Source documents: paragraph numbering (1-based, over blank-line-separated blocks) and the check that
each curated source matches its text (SHA-256) and cites paragraphs that exist."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from lacrdf.errors import LacrdfError, RecordError
from lacrdf.records.model import ActorRecord, FactRecord, Project

_BLANK = re.compile(r"\n[ \t]*\n")


def paragraphs(text: str) -> list[str]:
    """The blocks of ``text`` separated by blank lines (lines empty or white space only)."""
    blocks = _BLANK.split(text.replace("\r\n", "\n").replace("\r", "\n"))
    return [b.strip() for b in blocks if b.strip()]


def sha256_of(path: Path) -> str:
    """SHA-256 of a source text (refused, in one line, above the size a document can have)."""
    return read_source_text(path)[1]


def check_against_texts(project: Project, seeds: Path) -> list[RecordError]:
    """Hash and paragraph checks for every source whose text is in ``seeds`` (others are skipped)."""
    errors: list[RecordError] = []
    for source in project.sources.values():
        path = seeds / source.file
        if not path.is_file():
            continue
        digest = sha256_of(path)
        if digest != source.sha256:
            line, col = source.positions.get("sha256", (source.origin.line, 1))
            errors.append(RecordError(source.origin.file, line, col, f"SHA-256 does not match {source.file}",
                                      field="sha256", record=source.id, hint=f"the file's digest is {digest}"))
            continue
        count = len(paragraphs(read_source_text(path)[0]))
        for fact in project.facts_of(source.id):
            for para in fact.para:
                if para > count:
                    line, col = fact.positions.get("para", (fact.origin.line, 1))
                    errors.append(RecordError(fact.origin.file, line, col,
                                              f"paragraph {para} does not exist; {source.file} has {count}",
                                              field="para", record=fact.id))
    return errors


def actor_names(project: Project, actor_id: str) -> set[str]:
    """Every spelling of an actor: labels in all languages, pycountry names, acronym and aliases."""
    from lacrdf.countries import country_alt_labels, country_labels

    rec = project.actors[actor_id]
    names: set[str] = set()
    if rec.type == "state":
        names.update(country_labels(rec.id).values())
        for alts in country_alt_labels(rec.id).values():
            names.update(alts)
    if rec.name:
        names.add(rec.name)
    if rec.acronym:
        names.add(rec.acronym)
    for spellings in (rec.aliases or {}).values():
        names.update(spellings)
    return {n for n in names if n}


def involved_actors(fact: object) -> list[tuple[str, str]]:
    """(field, actor id) for every actor reference a fact holds."""
    from lacrdf.records.loader import reference_fields
    from lacrdf.records.model import ActorRef

    out = []
    for name, kind, _ in reference_fields(type(fact)):
        value = getattr(fact, name)
        if kind is ActorRef and value:
            out.extend((name, ref) for ref in (value if isinstance(value, tuple) else (value,)))
    return out


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("–", "-").lower().split())


def _named(name: str, text: str) -> bool:
    """Whole-word match, so 'Lima' is not found in 'climate'."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


# ---------------------------------------------------------------------------------------------- evidence

_FOLD = {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "}


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` lower-cased with quotes, dashes and runs of white space folded, plus for each character of
    the result the offset in ``text`` it comes from (so a match maps back to the original offsets)."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        ch = _FOLD.get(ch, ch)
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            ch = " "
        out.append(ch.lower())
        where.append(i)
    return "".join(out), where


def locate(paragraph: str, words: str) -> list[tuple[int, int]]:
    """Every (start, end) of ``words`` in ``paragraph``, ignoring case, curly quotes, dash style and
    white space; offsets are those of the paragraph (end exclusive)."""
    hay, where = _folded(paragraph)
    needle = _folded(words.strip())[0]
    if not needle:
        return []
    spans = []
    at = hay.find(needle)
    while at >= 0:
        spans.append((where[at], where[at + len(needle) - 1] + 1))
        at = hay.find(needle, at + 1)
    return spans


def check_evidence(project: Project, seeds: Path, required: bool = False) -> list[RecordError]:
    """Every span lies inside a cited paragraph and is not empty; every cited paragraph has a span; every
    actor a fact involves is named within its spans (not merely somewhere in the paragraph). Facts with
    no ``evidence`` are reported only when ``required``."""
    errors: list[RecordError] = []
    for source in project.sources.values():
        path = seeds / source.file
        if not path.is_file():
            continue
        paras = paragraphs(read_source_text(path)[0])
        for fact in project.facts_of(source.id):
            errors.extend(_fact_evidence_errors(project, fact, paras, required))
    return errors


def _fact_evidence_errors(project: Project, fact: FactRecord, paras: list[str], required: bool) -> list[RecordError]:
    line, col = fact.positions.get("evidence", (fact.origin.line, fact.origin.column))
    errors: list[RecordError] = []

    def err(message: str, hint: str | None = None) -> None:
        errors.append(RecordError(fact.origin.file, line, col, message, field="evidence", record=fact.id,
                                  hint=hint))

    if not fact.evidence:
        if required:
            err("no evidence span", f"add the words that state it: lacrdf locate {fact.id} \"...\"")
        return errors
    words: list[str] = []
    for span in fact.evidence:
        where = f"span {span.para}:{span.start}-{span.end}"
        if span.para not in fact.para:
            err(f"{where} is in paragraph {span.para}, which the fact does not cite "
                f"(para: {', '.join(map(str, fact.para))})")
        elif span.para > len(paras):
            continue  # reported by check_against_texts
        elif span.end > len(paras[span.para - 1]):
            err(f"{where} ends past paragraph {span.para}, which has {len(paras[span.para - 1])} characters")
        elif not paras[span.para - 1][span.start:span.end].strip():
            err(f"{where} holds only white space")
        else:
            words.append(_norm(paras[span.para - 1][span.start:span.end]))
    for para in fact.para:
        if para not in {s.para for s in fact.evidence}:
            err(f"paragraph {para} is cited but has no span", "cite only paragraphs that state the fact")
    if not words:
        return errors
    cited = " \n ".join(words)
    for fname, actor_id in involved_actors(fact):
        names = actor_names(project, actor_id)
        if not any(_named(_norm(n), cited) for n in names):
            fline, fcol = fact.positions.get(fname, (line, col))
            errors.append(RecordError(
                fact.origin.file, fline, fcol,
                f"actor '{actor_id}' is not named in the evidence span(s) (looked for: {', '.join(sorted(names))})",
                field=fname, record=fact.id, hint="widen the span to the words that name it, or drop the actor"))
    return errors


def fact_paragraphs(project: Project, fact_id: str, seeds: Path) -> dict[int, str]:
    """The paragraphs a fact cites, by number, from its source's text (InputError if it has none)."""
    import difflib

    from lacrdf.errors import InputError

    fact = project.facts.get(fact_id)
    if fact is None:
        close = difflib.get_close_matches(fact_id, list(project.facts), n=1)
        raise InputError(f"no fact '{fact_id}'" + (f"; did you mean '{close[0]}'?" if close else ""))
    source = project.sources[fact.source]
    path = seeds / source.file
    if not path.is_file():
        raise InputError(f"the text of {source.id} ({source.file}) is not in {seeds}; set LACRDF_SEEDS to its folder")
    paras = paragraphs(read_source_text(path)[0])
    return {n: paras[n - 1] for n in fact.para if n <= len(paras)}


def locate_in(texts: dict[int, str], words: str, para: int | None = None) -> list[tuple[int, int, int]]:
    """(paragraph, start, end) of every place ``words`` occur in ``texts`` (InputError if none)."""
    from lacrdf.errors import InputError

    found = [(n, s, e) for n, text in sorted(texts.items()) if para in (None, n) for s, e in locate(text, words)]
    if not found:
        where = f"paragraph {para}" if para else f"paragraph {', '.join(map(str, sorted(texts)))}"
        raise InputError(f"'{words}' does not occur in {where} (case, quotes, dashes and spaces are ignored)")
    return found


# ---------------------------------------------------------------------------------------------- contributors

MAX_TEXT_BYTES = 16 * 1024 * 1024
"""A source text is a document: larger files are refused before they are hashed or read."""


def read_source_text(path: Path) -> tuple[str, str]:
    """(text, SHA-256) of a source text file, refused in one line when it cannot be one."""
    from lacrdf.errors import InputError

    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise InputError(f"{path}: {size} bytes is larger than a source text may be ({MAX_TEXT_BYTES} bytes)")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: byte {exc.start} is not UTF-8; save the text as UTF-8") from None
    return text, hashlib.sha256(data).hexdigest()


def source_skeleton(path: Path, seeds: Path, source_id: str, language: str) -> str:
    """The YAML of a new source file: the source record (file name, hash, language) and an empty facts
    list, with the paragraph count and the next steps as comments. Nothing of the text is copied."""
    text, digest = read_source_text(path)
    count = len(paragraphs(text))
    try:
        name = str(path.resolve().relative_to(seeds.resolve()))
        where = f"# The text is {name} in the seeds folder ({seeds})."
    except ValueError:
        name = path.name
        where = (f"# Copy the text into the seeds folder ({seeds}, or the folder LACRDF_SEEDS names) as {name}: "
                 "its hash and spans are checked there.")
    return f"""# Source {source_id}: {count} paragraphs (blank-line-separated blocks, counted from 1; see
# `lacrdf paragraphs {path}`).
{where}
# Give `title` only if the text writes one, `publisher`/`author` only if the text names them, `url` only if
# you know where it is published. Add one record per fact with `para:` and `evidence:` (`lacrdf locate
# FACT_ID "words"` prints each span), then run `lacrdf validate` on this file.
source:
  id: {source_id}
  file: {name}
  sha256: {digest}
  language: {language}
facts: []
"""


def check_names(actors: Iterable[ActorRecord], involved_in: Mapping[str, set[str]], seeds: Path) -> list[RecordError]:
    """Every name, acronym and alias of an actor occurs in one of the documents of the seeds folder (a
    state's alias too; its names come from pycountry). ``involved_in`` maps an actor id to the text files
    of the sources that name it (their facts reference it, or their file declares it): an actor is judged
    only when all of those texts are at hand, against all the documents there (so a run on part of the
    data judges an actor as a run on all of it does)."""
    texts = []
    for path in sorted(seeds.glob("*.txt")):
        try:
            texts.append(_norm(read_source_text(path)[0]))
        except LacrdfError:
            continue  # not a text lacrdf can read: not a document
    if not texts:
        return []
    corpus = "\n".join(texts)
    errors: list[RecordError] = []
    for actor in actors:
        files = involved_in.get(actor.id)
        if not files or not all((seeds / f).is_file() for f in files):
            continue
        spellings: list[tuple[str, str]] = [] if actor.type == "state" else [("name", actor.name or ""),
                                                                             ("acronym", actor.acronym or "")]
        spellings += [(f"aliases.{lang}", a) for lang, values in (actor.aliases or {}).items() for a in values]
        for fname, spelling in spellings:
            if spelling and not _named(_norm(spelling), corpus):
                line, col = actor.positions.get(fname.split(".")[0], (actor.origin.line, actor.origin.column))
                errors.append(RecordError(
                    actor.origin.file, line, col, f"'{spelling}' occurs in none of the {len(texts)} documents",
                    field=fname, record=actor.id,
                    hint="write names as a document spells them; names in other languages come from lacrdf enrich"))
    return errors


def involvement(files: Iterable[tuple[Iterable[str], Iterable[str], Iterable[str]]]) -> dict[str, set[str]]:
    """Actor id -> text files of the sources that name it, from (source text files, ids the file's facts
    reference, actor ids the file declares) of each record file with a source."""
    out: dict[str, set[str]] = {}
    for texts, refs, declared in files:
        texts = list(texts)
        if not texts:
            continue
        for actor_id in {*refs, *declared}:
            out.setdefault(actor_id, set()).update(texts)
    return out
