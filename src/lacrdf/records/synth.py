"""Synthetic corpora in the record format of data/, for benchmarks and scale tests.

``write_corpus`` writes actors (real ISO 3166-1 states, synthetic persons, cities, organisations,
companies...) and source files of facts of every kind, citing paragraphs, so the whole pipeline (YAML
included) can be measured at any size. The same seed gives byte-identical files; the allowed values of
each field are read from the record classes, so the corpus follows the kinds as they change."""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import random
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

from lacrdf.errors import InputError
from lacrdf.progress import SILENT, Reporter
from lacrdf.records.kinds import KINDS
from lacrdf.records.loader import _strip_optional
from lacrdf.records.model import Record

MARKER = ".lacrdf-synth"
"""A file in every corpus folder: its presence lets a later run replace the folder."""

FACTS_PER_FILE = 500
TRIPLES_PER_FACT = 19.1
FIXED_TRIPLES = 1960
"""Quads = FIXED_TRIPLES + TRIPLES_PER_FACT x facts, fitted on seed 0 at 2,000 and 20,000 facts: the
ontology and the states are the fixed part; each fact brings its own triples (its evidence spans among
them) plus its share of paragraph locators and actors."""

# Weights of the kinds in a corpus: roughly the mix of the curated documents.
KIND_WEIGHTS: dict[str, int] = {
    "mission": 14, "event": 14, "figure": 12, "agreement": 10, "position": 10, "membership": 7, "count": 6,
    "relation": 6, "programme": 6, "post": 5, "presence": 4, "partnership": 3, "body": 3,
}
# The 33 CELAC states and the partners the documents are about (all real ISO 3166-1 alpha-2 codes).
STATES = (
    "AG", "AR", "BS", "BB", "BZ", "BO", "BR", "CL", "CO", "CR", "CU", "DM", "DO", "EC", "SV", "GD", "GT", "GY",
    "HT", "HN", "JM", "MX", "NI", "PA", "PY", "PE", "KN", "LC", "VC", "SR", "TT", "UY", "VE",
    "AE", "AU", "BE", "BY", "CA", "CH", "CN", "DE", "EG", "ES", "FR", "GB", "IL", "IN", "IT", "JP", "KR", "KZ",
    "NL", "NO", "PL", "PT", "RU", "SA", "SE", "TR", "US", "ZA",
)
CURRENCIES = ("USD", "EUR", "CNY", "BRL", "MXN", "ARS", "CLP", "COP", "PEN", "GBP", "JPY", "RUB", "CAD")
LANGS = ("en", "es", "pt", "fr")
_SYLLABLES = ("ba", "ca", "da", "fe", "go", "la", "ma", "ne", "ri", "sa", "to", "va", "ze", "lo", "mi", "ra",
              "qui", "tan", "bel", "cor", "mon", "sur", "val", "dor", "ter", "vin", "pla", "gra")
_ORG_WORDS = {"en": "Council", "es": "Consejo", "pt": "Conselho", "fr": "Conseil"}
_BODY_WORDS = {"en": "Ministry of", "es": "Ministerio de", "pt": "Ministério de", "fr": "Ministère de"}
_TOPICS = ("trade", "energy transition", "vaccines", "fisheries", "migration", "education", "digital economy",
           "infrastructure", "climate finance", "security", "culture", "tourism", "agriculture", "health")
_BARE = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")
_YAML_WORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n", "~"}


@dataclass(frozen=True)
class SynthReport:
    """What ``write_corpus`` wrote."""

    out: Path
    seed: int
    facts: int
    kinds: dict[str, int]
    actors: dict[str, int]
    sources: int
    files: int
    bytes: int = field(default=0)

    def render(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.kinds.items()))
        actors = ", ".join(f"{n} {k}" for k, n in sorted(self.actors.items()))
        return (f"wrote {self.files} files ({self.bytes / 1e6:.1f} MB) to {self.out} (seed {self.seed})\n"
                f"{self.facts} facts in {self.sources} sources: {kinds}\n"
                f"{sum(self.actors.values())} actors: {actors}\n"
                f"expect about {round(FIXED_TRIPLES + self.facts * TRIPLES_PER_FACT):,} quads\n")


def facts_for_triples(triples: int) -> int:
    """How many facts give about ``triples`` quads (actors, locators and ontology included)."""
    return max(1, round((triples - FIXED_TRIPLES) / TRIPLES_PER_FACT))


@functools.cache
def choices(cls: type[Record], name: str) -> tuple[str, ...]:
    """The allowed values of a Literal-typed field of a record class (items of a tuple field included)."""
    hint, _ = _strip_optional(get_type_hints(cls)[name])
    if get_origin(hint) is tuple:
        hint = get_args(hint)[0]
    if get_origin(hint) is not Literal:  # pragma: no cover - a programming error here
        raise TypeError(f"{cls.__name__}.{name} is not a Literal field")
    return tuple(str(a) for a in get_args(hint))


# ------------------------------------------------------------------------------------------ YAML text

def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return _flow(value)
    text = str(value)
    if _BARE.match(text) and text.lower() not in _YAML_WORDS and not text[0].isdigit():
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(record: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in record.items() if v is not None and v != []) + "}"


# ------------------------------------------------------------------------------------------ generator

class _Corpus:
    """The generator's state: one random stream, the actor pools, and running counters."""

    def __init__(self, rng: random.Random, facts: int) -> None:
        self.rng = rng
        self.total = facts
        self.kind_counts: Counter[str] = Counter()
        self.actors: dict[str, list[dict[str, Any]]] = {}
        self._names: set[str] = set()
        self._make_actors(facts)

    # -- words and names
    def word(self, syllables: int = 3) -> str:
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(syllables))

    def name(self, parts: int = 2) -> str:
        """A name no other actor has; words grow longer as the short ones run out."""
        for attempt in itertools.count():
            longest = 3 + attempt // 20
            text = " ".join(self.word(self.rng.randint(2, longest)).capitalize() for _ in range(parts))
            if text not in self._names:
                self._names.add(text)
                return text
        raise AssertionError("unreachable")  # pragma: no cover

    def title_word(self) -> str:
        """A capitalised word for titles of facts and sources (need not be unique)."""
        return self.word(self.rng.randint(2, 3)).capitalize()

    def date(self, lo: int = 1990, hi: int = 2024) -> str:
        year = self.rng.randint(lo, hi)
        precision = self.rng.random()
        if precision < 0.35:
            return f"{year}"
        month = self.rng.randint(1, 12)
        if precision < 0.6:
            return f"{year}-{month:02d}"
        return f"{year}-{month:02d}-{self.rng.randint(1, 28):02d}"

    def wikidata(self) -> str:
        return f"Q{self.rng.randint(1, 99_999_999)}"

    # -- actors
    def _make_actors(self, facts: int) -> None:
        rng = self.rng
        states = sorted(STATES)
        self.actors["state"] = [{"id": s, "type": "state", "wikidata": self.wikidata()} for s in states]
        self.actors["region"] = []
        for i in range(1, 7):
            stem = self.name(1)
            self.actors["region"].append({"id": f"sy-region-{i}", "type": "region", "name": f"{stem} Region"})
        self.actors["organization"] = []
        for i in range(1, max(10, facts // 200) + 1):
            stem = self.name(1)
            rec: dict[str, Any] = {"id": f"sy-org-{i}", "type": "organization"}
            if rng.random() < 0.9:  # some without a Wikidata link, as in the curated data (an info result)
                rec["wikidata"] = self.wikidata()
            rec["acronym"] = stem[:4].upper()
            rec["name"] = f"{stem} {_ORG_WORDS['en']}"
            self.actors["organization"].append(rec)
        self.actors["city"] = [{"id": f"sy-city-{i}", "type": "city", "country": rng.choice(states),
                                "name": self.name(1)} for i in range(1, max(20, facts // 40) + 1)]
        self.actors["government-body"] = []
        for i in range(1, max(10, facts // 200) + 1):
            stem = self.name(1)
            self.actors["government-body"].append({
                "id": f"sy-body-{i}", "type": "government-body", "country": rng.choice(states),
                "name": f"{_BODY_WORDS['en']} {stem}"})
        self.actors["person"] = [{"id": f"sy-person-{i}", "type": "person", "name": self.name(2)}
                                 for i in range(1, max(20, facts // 20) + 1)]
        self.actors["company"] = [{"id": f"sy-company-{i}", "type": "company", "name": f"{self.name(1)} Holdings"}
                                  for i in range(1, max(10, facts // 50) + 1)]
        self.actors["political-party"] = [{"id": f"sy-party-{i}", "type": "political-party",
                                           "name": f"{self.name(1)} Party"} for i in range(1, 6)]
        self.ids: dict[str, list[str]] = {t: [str(a["id"]) for a in recs] for t, recs in self.actors.items()}
        self.parties_pool = self.ids["state"] + self.ids["organization"] + self.ids["region"]

    def pick(self, kind: str) -> str:
        return self.rng.choice(self.ids[kind])

    def some(self, pool: Sequence[str], lo: int, hi: int) -> list[str]:
        return self.rng.sample(pool, self.rng.randint(lo, hi))

    # -- facts: one builder per kind, each returns the YAML fields after id/kind/para
    def fact(self, kind: str, fid: str, para: int | list[int], outcomes: list[str],
             related: list[str]) -> dict[str, Any]:
        rec: dict[str, Any] = {"id": fid, "kind": kind, "para": para}
        # synthetic texts do not exist, so the spans are placeholders of the record format
        rec["evidence"] = [{"para": p, "start": 0, "end": 40} for p in (para if isinstance(para, list) else [para])]
        rec.update(BUILDERS[kind](self, outcomes, related))
        self.kind_counts[kind] += 1
        return rec


def _mission(c: _Corpus, outcomes: list[str], related: list[str]) -> dict[str, Any]:
    from lacrdf.records.kinds.mission import MissionRecord

    r = c.rng
    sending = "BE" if r.random() < 0.05 else c.pick("state")
    rec: dict[str, Any] = {"mission_type": r.choice(choices(MissionRecord, "mission_type")), "sending": sending}
    where = r.random()
    if where < 0.4 or where >= 0.8:
        rec["host"] = "BY" if r.random() < 0.05 else c.pick("state")
    if where >= 0.4:
        rec["seat"] = c.pick("city")
    if r.random() < 0.15:
        rec["jurisdiction"] = c.some(c.ids["state"], 1, 3)
    if r.random() < 0.4:
        rec["since"] = c.date()
    return rec


def _relation(c: _Corpus, outcomes: list[str], related: list[str]) -> dict[str, Any]:
    from lacrdf.records.kinds.relation import RelationRecord

    rec: dict[str, Any] = {"parties": c.some(c.ids["state"], 2, 2),
                           "status": c.rng.choice(choices(RelationRecord, "status"))}
    if c.rng.random() < 0.6:
        rec["date"] = c.date(1950)
    if c.rng.random() < 0.3:
        rec["assessment"] = c.rng.choice(("friendly", "close", "strategic", "cordial"))
    return rec


def _count(c: _Corpus, outcomes: list[str], related: list[str]) -> dict[str, Any]:
    from lacrdf.records.kinds.count import CountRecord

    r = c.rng
    out_of = r.randint(1, 60) if r.random() < 0.5 else None
    rec: dict[str, Any] = {"subject": r.choice(c.parties_pool), "counted": f"{r.choice(_TOPICS)} agreements",
                           "count": r.randint(0, out_of) if out_of else r.randint(0, 500), "out_of": out_of,
                           "qualifier": r.choice(choices(CountRecord, "qualifier"))}
    if r.random() < 0.4:
        rec["scope"] = c.pick("region")
    if r.random() < 0.2:
        rec["counterparts"] = c.some(c.ids["state"], 1, 4)
    if related and r.random() < 0.2:
        rec["related_to"] = r.choice(related)
    if r.random() < 0.3:
        rec["as_of"] = c.date(2000)
    return rec


def _partnership(c: _Corpus, outcomes: list[str], related: list[str]) -> dict[str, Any]:
    from lacrdf.records.kinds.partnership import PartnershipRecord

    rec: dict[str, Any] = {"parties": c.some(c.parties_pool, 2, 3),
                           "partnership_type": c.rng.choice(choices(PartnershipRecord, "partnership_type"))}
    if c.rng.random() < 0.5:
        rec["since"] = c.date()
    return rec


def _agreement(c: _Corpus, outcomes: list[str], related: list[str]) -> dict[str, Any]:
    from lacrdf.records.kinds.agreement import AgreementRecord

    r = c.rng
    rec: dict[str, Any] = {"agreement_type": r.choice(choices(AgreementRecord, "agreement_type")),
                           "title": f"{c.title_word()} agreement on {r.choice(_TOPICS)}",
                           "parties": c.some(c.parties_pool, 1, 4)}
    if r.random() < 0.7:
        rec["date"] = c.date()
    if r.random() < 0.6:
        rec["status"] = r.choice(choices(AgreementRecord, "status"))
    if r.random() < 0.4:
        rec["topic"] = r.choice(_TOPICS)
    if r.random() < 0.2:
        start = r.randint(2000, 2030)
        rec["period_start"], rec["period_end"] = str(start), str(start + r.randint(0, 6))
    return rec


def _membership(c: _Corpus, outcomes: list[str], related: list[str]) -> dict[str, Any]:
    from lacrdf.records.kinds.membership import MembershipRecord

    rec: dict[str, Any] = {"member": c.pick("state"), "organization": c.pick("organization"),
                           "role": c.rng.choice(choices(MembershipRecord, "role"))}
    if c.rng.random() < 0.5:
        rec["since"] = c.date(1960)
    return rec


def _event(c: _Corpus, outcomes: list[str], related: list[str]) -> dict[str, Any]:
    from lacrdf.records.kinds.event import EventRecord

    r = c.rng
    year = r.randint(1995, 2024)
    month, day = r.randint(1, 12), r.randint(1, 20)
    rec: dict[str, Any] = {"event_type": r.choice(choices(EventRecord, "event_type")),
                           "title": f"{c.title_word()} {r.choice(('meeting', 'forum', 'visit', 'summit'))} on "
                                    f"{r.choice(_TOPICS)}",
                           "date": f"{year}-{month:02d}-{day:02d}"}
    if r.random() < 0.2:
        rec["end_date"] = f"{year}-{month:02d}-{day + r.randint(0, 7):02d}"
    if r.random() < 0.6:
        rec["location"] = c.pick(r.choice(("city", "city", "state", "region")))
    if r.random() < 0.15:
        rec["online"] = r.random() < 0.5
    people = c.some(c.ids["person"], 0, 3)
    rec["participants"] = people + c.some(c.parties_pool, 1, 4)
    if people and r.random() < 0.5:
        rec["headed_by"] = people[:1]
    if r.random() < 0.4:
        rec["hosted_by"] = c.pick("state")
    if r.random() < 0.2:
        rec["organizers"] = c.some(c.ids["organization"], 1, 2)
    if r.random() < 0.15:
        rec["part_of"] = c.pick("organization")
    if r.random() < 0.15:
        rec["ordinal"] = r.randint(1, 30)
    if outcomes and r.random() < 0.3:
        rec["outcomes"] = r.sample(outcomes, min(len(outcomes), r.randint(1, 2)))
    return rec


def _body(c: _Corpus, outcomes: list[str], related: list[str]) -> dict[str, Any]:
    from lacrdf.records.kinds.body import BodyRecord

    rec: dict[str, Any] = {"body_type": c.rng.choice(choices(BodyRecord, "body_type")),
                           "name": f"{c.title_word()} joint commission", "parties": c.some(c.parties_pool, 2, 3)}
    if c.rng.random() < 0.5:
        rec["established"] = c.date()
    if c.rng.random() < 0.2:
        rec["part_of"] = c.pick("organization")
    return rec


def _programme(c: _Corpus, outcomes: list[str], related: list[str]) -> dict[str, Any]:
    from lacrdf.records.kinds.programme import ProgrammeRecord

    r = c.rng
    name = c.title_word()
    rec: dict[str, Any] = {"programme_type": r.choice(choices(ProgrammeRecord, "programme_type")),
                           "name": f"{name} programme for {r.choice(_TOPICS)}"}
    if r.random() < 0.4:
        rec["acronym"] = name[:3].upper() + "P"
    rec["parties"] = c.some(c.parties_pool, 0, 3)
    if r.random() < 0.4:
        rec["funder"] = r.choice(c.parties_pool)
    if r.random() < 0.5:
        start = r.randint(2000, 2030)
        rec["start"] = str(start)
        if r.random() < 0.5:
            rec["end"] = str(start + r.randint(0, 8))
    if r.random() < 0.3:
        rec["topic"] = r.choice(_TOPICS)
    return rec


def _figure(c: _Corpus, outcomes: list[str], related: list[str]) -> dict[str, Any]:
    from lacrdf.records.kinds.figure import FigureRecord

    r = c.rng
    money = r.random() < 0.85
    rec: dict[str, Any] = {"figure_type": r.choice(choices(FigureRecord, "figure_type")),
                           "flow": r.choice(choices(FigureRecord, "flow")) if r.random() < 0.8 else None,
                           "reporter": "BE" if r.random() < 0.05 else r.choice(c.parties_pool)}
    if r.random() < 0.7:
        rec["partner"] = r.choice(c.parties_pool)
    rec["amount"] = f"{r.randint(1, 99999)}.{r.randint(0, 9)}"
    rec["scale"] = r.choice(choices(FigureRecord, "scale"))
    if money:
        rec["currency"] = r.choice(CURRENCIES)
    else:
        rec["unit"] = r.choice(("doses", "tonnes", "scholarships", "households"))
    if r.random() < 0.6:
        rec["period"] = str(r.randint(1995, 2024))
    elif r.random() < 0.5:
        start = r.randint(1995, 2022)
        rec["period_start"], rec["period_end"] = f"{start}-01", f"{start + r.randint(0, 2)}-12"
    rec["qualifier"] = r.choice(choices(FigureRecord, "qualifier"))
    if r.random() < 0.3:
        rec["share_of_total"] = f"{r.randint(0, 99)}.{r.randint(0, 9)}"
    if r.random() < 0.3:
        rec["change_percent"] = f"{r.choice(('', '-'))}{r.randint(0, 80)}.{r.randint(0, 9)}"
    if r.random() < 0.2:
        rec["statistics_source"] = c.pick("government-body")
    if related and r.random() < 0.1:
        rec["related_to"] = r.choice(related)
    return rec


def _presence(c: _Corpus, outcomes: list[str], related: list[str]) -> dict[str, Any]:
    from lacrdf.records.kinds.presence import PresenceRecord

    r = c.rng
    rec: dict[str, Any] = {"company": c.pick("company"),
                           "presence_type": r.choice(choices(PresenceRecord, "presence_type")),
                           "country": c.pick("state") if r.random() < 0.9 else c.pick("region")}
    if r.random() < 0.5:
        rec["since"] = c.date()
    if r.random() < 0.2:
        rec["partners"] = c.some(c.ids["company"], 1, 2)
    if r.random() < 0.4:
        rec["activity"] = f"{r.choice(_TOPICS)} services"
    return rec


def _post(c: _Corpus, outcomes: list[str], related: list[str]) -> dict[str, Any]:
    r = c.rng
    rec: dict[str, Any] = {"holder": c.pick("person"),
                           "title": r.choice(("Minister of Foreign Affairs", "Ambassador", "President",
                                              "Secretary General", "Vice Minister", "Consul General"))}
    if r.random() < 0.7:
        rec["organization"] = c.pick(r.choice(("government-body", "organization", "state")))
    if r.random() < 0.5:
        rec["as_of"] = c.date(2000)
    return rec


def _position(c: _Corpus, outcomes: list[str], related: list[str]) -> dict[str, Any]:
    from lacrdf.records.kinds.position import PositionRecord

    r = c.rng
    rec: dict[str, Any] = {}
    if r.random() < 0.7:
        rec["holder"] = r.choice(c.parties_pool)
    rec["stance"] = r.choice(choices(PositionRecord, "stance"))
    rec["topic"] = f"{r.choice(_TOPICS)} cooperation"
    if r.random() < 0.5:
        rec["about"] = c.some(c.parties_pool, 1, 3)
    if r.random() < 0.4:
        rec["date"] = c.date(2000)
    return rec


BUILDERS: dict[str, Callable[[_Corpus, list[str], list[str]], dict[str, Any]]] = {
    "mission": _mission, "relation": _relation, "count": _count, "partnership": _partnership,
    "agreement": _agreement, "membership": _membership, "event": _event, "body": _body,
    "programme": _programme, "figure": _figure, "presence": _presence, "post": _post, "position": _position,
}
assert set(BUILDERS) == set(KINDS) == set(KIND_WEIGHTS), "synth must know every record kind"


def _kind_sequence(rng: random.Random, n: int) -> list[str]:
    """``n`` kinds by weight; each kind appears at least once when n allows it."""
    kinds = sorted(KIND_WEIGHTS)
    seq = rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds], k=n)
    if n >= len(kinds):
        missing = [k for k in kinds if k not in seq]
        for i, k in enumerate(missing):
            seq[i] = k
    return seq


def _source_file(c: _Corpus, index: int, kinds: list[str]) -> str:
    r = c.rng
    sid = f"sy-source-{index:05d}"
    lang = r.choice(LANGS)
    source = {"id": sid, "file": f"synth-{index:05d}.txt",
              "sha256": hashlib.sha256(f"synthetic source {index}".encode()).hexdigest(),
              "title": f"{c.title_word()} report on {r.choice(_TOPICS)}", "language": lang,
              "publisher": c.pick("government-body"),
              "author": c.pick("person") if r.random() < 0.3 else None,
              "date": c.date(2010), "url": f"https://example.org/synth/{index:05d}"}
    lines = [f"# Synthetic source {index} (lacrdf synth): invented records for benchmarks, not curated facts.",
             "source:"]
    for key, value in source.items():
        if value is not None:
            lines.append(f"  {key}: {_scalar(value) if key not in ('date',) else json.dumps(value)}")
    lines.append("facts:")
    paragraphs = max(3, len(kinds) // 3)
    outcomes: list[str] = []
    related: list[str] = []
    for i, kind in enumerate(kinds, 1):
        fid = f"sy{index:05d}-{kind}-{i}"
        para: int | list[int] = r.randint(1, paragraphs)
        if r.random() < 0.1:
            para = sorted(r.sample(range(1, paragraphs + 1), 2))
        rec = c.fact(kind, fid, para, outcomes, related)
        lines.append(f"  - {_record_text(rec)}")
        if kind in ("agreement", "programme", "body"):
            outcomes.append(fid)
        related.append(fid)
    return "\n".join(lines) + "\n"


_DATE_FIELDS = {"date", "since", "end_date", "established", "start", "end", "period", "period_start",
                "period_end", "as_of"}
_QUOTED_FIELDS = {"amount", "share_of_total", "change_percent"}


def _record_text(rec: dict[str, Any]) -> str:
    parts = []
    for key, value in rec.items():
        if value is None or value == []:
            continue
        if key in _DATE_FIELDS or key in _QUOTED_FIELDS:
            parts.append(f"{key}: {json.dumps(value)}")
        else:
            parts.append(f"{key}: {_scalar(value)}")
    return "{" + ", ".join(parts) + "}"


def _actor_files(c: _Corpus, per_file: int = 2000) -> dict[str, str]:
    files: dict[str, str] = {}
    for kind in sorted(c.actors):
        recs = c.actors[kind]
        for part, start in enumerate(range(0, len(recs), per_file), 1):
            chunk = recs[start:start + per_file]
            name = f"actors/{kind}.yaml" if len(recs) <= per_file else f"actors/{kind}-{part:03d}.yaml"
            body = "\n".join(f"  - {_record_text(a)}" for a in chunk)
            files[name] = f"# Synthetic {kind} actors (lacrdf synth).\nactors:\n{body}\n"
    return files


def generate(facts: int, seed: int, facts_per_file: int = FACTS_PER_FILE) -> tuple[dict[str, str], _Corpus]:
    """The corpus as {relative path: YAML text}, in memory (``write_corpus`` writes it)."""
    if facts < 1:
        raise InputError("--facts must be at least 1")
    rng = random.Random(seed)
    corpus = _Corpus(rng, facts)
    files = _actor_files(corpus)
    kinds = _kind_sequence(rng, facts)
    for index, start in enumerate(range(0, facts, facts_per_file), 1):
        files[f"sources/synth-{index:05d}.yaml"] = _source_file(corpus, index, kinds[start:start + facts_per_file])
    return files, corpus


def write_corpus(out: Path, *, facts: int, seed: int, facts_per_file: int = FACTS_PER_FILE,
                 progress: Reporter = SILENT) -> SynthReport:
    """Write a synthetic corpus to ``out`` (a new or empty folder, or an earlier synthetic corpus, which
    is replaced). The files are written to a temporary sibling folder that is renamed into place;
    ``progress`` tracks the files."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise InputError(f"{out}: exists and is not an empty folder or an earlier 'lacrdf synth' corpus")
    files, corpus = generate(facts, seed, facts_per_file)
    files[MARKER] = json.dumps({"facts": facts, "seed": seed}) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    size = 0
    try:
        for rel, text in progress.track(files.items(), "writing corpus", len(files)):
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            data = text.encode("utf-8")
            path.write_bytes(data)
            size += len(data)
        os.chmod(tmp, 0o777 & ~_umask())
        if out.exists():
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return SynthReport(out=out, seed=seed, facts=facts, kinds=dict(corpus.kind_counts),
                       actors={k: len(v) for k, v in corpus.actors.items()},
                       sources=sum(1 for f in files if f.startswith("sources/")), files=len(files) - 1,
                       bytes=size)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
