"""Actors named the way people name them, for query parameters: an id, any label (every language), an
alias, an acronym or an ISO 3166-1 alpha-2/alpha-3 code, compared without case or accents, or a word of a
name when only one actor has it. A value that names no actor, or more than one, is a QueryError of one
line with the closest names and their ids ("did you mean Belgium (BE)?")."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from lacrdf.config import Namespaces
from lacrdf.errors import QueryError


class _Rows(Protocol):
    """What a query run answers (lacrdf.graph.queries.Results): its rows, by variable name."""

    rows: Any

# what a person may call an actor by (the id is dcterms:identifier)
NAME_PREDICATES = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2004/02/skos/core#hiddenLabel",
    "http://purl.org/dc/terms/identifier",
    "{terms}acronym",
    "{terms}iso3166Alpha2",
    "{terms}iso3166Alpha3",
)
MAX_SUGGESTIONS = 5


def normalize(text: str) -> str:
    """Lower case, without accents, words separated by one space: 'Bélgica' and 'BELGICA' are 'belgica',
    'Belarus’' is 'belarus'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.split(r"[^\w]+|_", plain)).strip()


@dataclass(frozen=True, slots=True)
class Named:
    """An actor as a suggestion shows it: its IRI, id and English name."""

    iri: str
    id: str
    name: str

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"


class ActorNames:
    """Every actor's names, read with one query from a graph (the built store); ``run`` answers a SELECT.
    The names are read on first use only, so a parameter given by its id costs no more than before."""

    def __init__(self, run: Callable[[str], _Rows], ns: Namespaces) -> None:
        self._run = run
        self.ns = ns

    @cached_property
    def table(self) -> NameTable:
        from lacrdf.graph.terms import ACTOR_SEGMENTS

        terms = self.ns.terms
        predicates = " ".join(f"<{p.format(terms=terms)}>" for p in NAME_PREDICATES)
        prefixes = " || ".join(f'STRSTARTS(STR(?actor), "{self.ns.resources}{seg}/")'
                               for seg in sorted(set(ACTOR_SEGMENTS.values())))
        text = ("SELECT ?actor ?id ?p ?name WHERE { "
                f"VALUES ?p {{ {predicates} }} ?actor ?p ?name ; <http://purl.org/dc/terms/identifier> ?id . "
                f"FILTER(isLiteral(?name) && ({prefixes})) }}")
        rows = []
        for row in self._run(text).rows:
            actor, ident, pred, name = (row.get(v) for v in ("actor", "id", "p", "name"))
            if actor is None or ident is None or pred is None or name is None:
                continue
            rows.append((actor.value, ident.value, pred.value, name.value, getattr(name, "language", None) or ""))
        return NameTable.of(rows)

    def resolve(self, raw: str, param: str, state: bool = False) -> str:
        """The IRI of the one actor (a state, with ``state``) that ``raw`` names, or QueryError."""
        prefix = f"{self.ns.resources}state/" if state else ""
        return self.table.resolve(raw, param, "state" if state else "actor", prefix)


@dataclass(frozen=True)
class NameTable:
    """Each actor (by IRI) with its id and display name, its normalized names, and normalized name ->
    the actors it names."""

    actors: dict[str, Named]
    names_of: dict[str, tuple[str, ...]]
    index: dict[str, frozenset[str]]

    @classmethod
    def of(cls, rows: Iterable[tuple[str, str, str, str, str]]) -> NameTable:
        """From (actor IRI, id, predicate, name, language) rows; the display name is the English label,
        else a label in another language, else the id."""
        ids: dict[str, str] = {}
        labels: dict[str, dict[str, str]] = defaultdict(dict)
        names: dict[str, set[str]] = defaultdict(set)
        index: dict[str, set[str]] = defaultdict(set)
        for iri, ident, pred, name, lang in sorted(rows):
            ids.setdefault(iri, ident)
            if pred.endswith("rdf-schema#label"):
                labels[iri].setdefault(lang, name)
            key = normalize(name)
            if key:
                names[iri].add(key)
                index[key].add(iri)
        actors = {}
        for iri, ident in ids.items():
            own = labels.get(iri, {})
            actors[iri] = Named(iri, ident, own.get("en") or next((own[lang] for lang in sorted(own)), ident))
        return cls(actors, {iri: tuple(sorted(n)) for iri, n in names.items()},
                   {key: frozenset(iris) for key, iris in index.items()})

    def resolve(self, raw: str, param: str, what: str = "actor", prefix: str = "") -> str:
        """The one actor whose IRI starts with ``prefix`` that ``raw`` names: its id exactly; else a whole
        name, alias, acronym or code without case or accents; else one or more whole words of a name."""
        allowed = sorted(iri for iri in self.actors if iri.startswith(prefix))
        exact = [iri for iri in allowed if self.actors[iri].id == raw]
        if exact:
            return exact[0]
        key = normalize(raw)
        if not key:
            raise QueryError(f"parameter '{param}': an empty value names no {what}")
        found = [iri for iri in allowed if iri in self.index.get(key, frozenset())]
        if not found:
            padded = f" {key} "
            found = [iri for iri in allowed if any(padded in f" {n} " for n in self.names_of.get(iri, ()))]
        if len(found) == 1:
            return found[0]
        if found:
            raise QueryError(f"parameter '{param}': '{raw}' names {len(found)} {what}s; "
                             f"did you mean {self._shown(found)}?")
        close = self._closest(key, set(allowed))
        hint = f"; did you mean {self._shown(close, by_name=False)}?" if close else " (lacrdf query actors lists them)"
        raise QueryError(f"parameter '{param}': no {what} named '{raw}'{hint}")

    def _shown(self, iris: list[str], by_name: bool = True) -> str:
        """'Belgium (BE)', 'Belgium (BE) or Belize (BZ)', 'A (a), B (b) or C (c)', at most five (sorted by
        name, or in the order given)."""
        named = [self.actors[i] for i in iris]
        if by_name:
            named.sort(key=lambda a: (a.name.casefold(), a.id))
        shown = [str(a) for a in named[:MAX_SUGGESTIONS]]
        if len(named) > MAX_SUGGESTIONS:
            return ", ".join(shown) + f" or {len(named) - MAX_SUGGESTIONS} more"
        return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]

    def _closest(self, key: str, allowed: set[str]) -> list[str]:
        """The (at most three) actors with the names closest to ``key``, closest first."""
        candidates = sorted(name for name, iris in self.index.items() if iris & allowed)
        found: list[str] = []
        for name in difflib.get_close_matches(key, candidates, n=20, cutoff=0.6):
            for iri in sorted(self.index[name] & allowed):
                if iri not in found:
                    found.append(iri)
        return found[:3]
