"""The identifier crosswalk: every state's COW, Gleditsch-Ward, UN M49, ISO numeric and FIPS 10-4 codes come
from countrycode (ISO numeric from pycountry), are in the built graph, and are cross-checked against
country_converter and pycountry at test time; the README's lists (the FIPS 10-4 trap, the states a scheme
has no code for) are recomputed here, never trusted as typed."""

from __future__ import annotations

import logging
import re

import pycountry
import pytest

from lacrdf import pipeline
from lacrdf.config import find_project
from lacrdf.countries import SCHEMES, country_labels, state_codes
from lacrdf.graph.store import BuiltGraph
from tests.conftest import PROJECT, ROOT

countrycode = pytest.importorskip("countrycode")
coco = pytest.importorskip("country_converter")

pytestmark = pytest.mark.curated  # reads the curated build's states

LAC = "https://w3id.org/lacrdf/ontology#"
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built() -> BuiltGraph:
    return pipeline.open_graph(find_project(PROJECT))


@pytest.fixture(scope="module")
def graph_codes(built: BuiltGraph) -> dict[str, dict[str, str]]:
    """Each state of the build (by ISO alpha-2) -> its codes in the graph, by property."""
    query = f"""SELECT ?id ?p ?code WHERE {{ ?s a <{LAC}SovereignState> ; <{LAC}iso3166Alpha2> ?id .
                OPTIONAL {{ ?s ?p ?code FILTER(STRSTARTS(STR(?p), "{LAC}")) }} }}"""
    out: dict[str, dict[str, str]] = {}
    for sol in built.store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
        codes = out.setdefault(sol["id"].value, {})
        if sol["p"] is not None:
            codes[sol["p"].value.removeprefix(LAC)] = sol["code"].value
    return out


def package(code: str, column: str) -> object:
    """countrycode's answer through its public function (the code under test indexes its table)."""
    return countrycode.countrycode(code, origin="iso2c", destination=column)


@pytest.fixture(scope="module")
def converter() -> object:
    logging.getLogger("country_converter").setLevel(logging.CRITICAL)
    return coco.CountryConverter()


@pytest.mark.parametrize("state", ["PE", "AR", "US", "BY", "AG"])
def test_a_states_codes_are_the_packages(graph_codes: dict[str, dict[str, str]], state: str) -> None:
    codes = graph_codes[state]
    for scheme in SCHEMES:
        if scheme.package == "pycountry":
            expected = pycountry.countries.get(alpha_2=state).numeric
        else:
            value = package(state, scheme.field)
            expected = None if value is None else f"{value:03d}" if scheme.prop == "unM49" else str(value)
        assert codes.get(scheme.prop) == expected, (state, scheme.prop)


def test_every_state_of_the_build_has_the_packages_codes(graph_codes: dict[str, dict[str, str]]) -> None:
    assert "PE" in graph_codes and "CN" in graph_codes
    for state, codes in graph_codes.items():
        wanted = {prop: code for prop, code in state_codes(state).items() if code is not None}
        assert {p: c for p, c in codes.items() if p in {s.prop for s in SCHEMES}} == wanted, state


def cross_check(states: list[str], converter: object) -> list[tuple[str, str, object, object]]:
    """(state, scheme, countrycode's, the other package's) wherever two packages disagree."""
    out = []
    for state in sorted(states):
        ours = {s.prop: state_codes(state)[s.prop] for s in SCHEMES}
        iso = pycountry.countries.get(alpha_2=state).numeric
        pairs = [
            ("iso3166Numeric", package(state, "iso3n"), int(iso)),  # countrycode vs pycountry
            ("iso3166Numeric", package(state, "iso3n"),
             converter.convert(state, src="ISO2", to="ISOnumeric", not_found=None)),  # type: ignore[attr-defined]
            ("unM49", package(state, "un"),
             converter.convert(state, src="ISO2", to="UNcode", not_found=None)),  # type: ignore[attr-defined]
            ("gwNumber", package(state, "gwn"),
             converter.convert(state, src="ISO2", to="GWcode", not_found=None)),  # type: ignore[attr-defined]
            ("unM49", ours["unM49"] and int(ours["unM49"]), int(iso)),  # M49 is ISO numeric for a state
        ]
        for prop, mine, theirs in pairs:
            theirs = None if theirs is None or theirs != theirs else int(theirs)  # NaN: none
            if mine != theirs:
                out.append((state, prop, mine, theirs))
    return out


def test_the_packages_agree_but_on_the_gleditsch_ward_micro_states(graph_codes: dict[str, dict[str, str]],
                                                                    converter: object) -> None:
    """countrycode and country_converter disagree only where countrycode gives no G-W number and
    country_converter gives the state's COW number: the micro-states, which Gleditsch and Ward keep in a
    separate list, outside their list of independent states. We trust countrycode (README: Codes)."""
    disagreements = cross_check(list(graph_codes), converter)
    print("\n".join(f"{s} {p}: countrycode {a!r}, other {b!r}" for s, p, a, b in disagreements))
    for state, prop, mine, theirs in disagreements:
        assert (prop, mine) == ("gwNumber", None), (state, prop, mine, theirs)
        assert theirs == package(state, "cown"), (state, theirs)
    micro = {s for s, _, _, _ in disagreements}
    assert micro == {s for s, codes in graph_codes.items() if "gwNumber" not in codes}
    assert micro == readme_states_without("Gleditsch–Ward")


def readme_states_without(scheme: str) -> set[str]:
    line = next(ln for ln in README.splitlines() if ln.startswith(f"- **No {scheme}"))
    return set(re.findall(r"\(`([A-Z]{2})`\)", line))


def test_every_other_scheme_codes_every_state(graph_codes: dict[str, dict[str, str]]) -> None:
    for scheme in SCHEMES:
        if scheme.prop in ("gwNumber", "gwCode"):
            continue
        assert all(scheme.prop in codes for codes in graph_codes.values()), scheme.prop
    assert {s for s, c in graph_codes.items() if "gwCode" not in c} == readme_states_without("Gleditsch–Ward")


def fips_trap(states: list[str]) -> dict[str, tuple[str, str | None]]:
    """State -> (its FIPS 10-4 code, the country whose ISO alpha-2 code that is, if any), for every state
    whose FIPS code is not its ISO code."""
    out = {}
    for state in states:
        fips = state_codes(state)["fips104Code"]
        if fips is not None and fips != state:
            other = pycountry.countries.get(alpha_2=fips)
            out[state] = (fips, (getattr(other, "common_name", None) or other.name) if other else None)
    return out


def test_the_fips_trap_list_in_the_readme_is_computed(graph_codes: dict[str, dict[str, str]]) -> None:
    trap = fips_trap(list(graph_codes))
    section = README.split("#### The FIPS 10-4 trap", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| (.+?) \| `([A-Z]{2})` \| `([A-Z]{2})` \| (.*?) \|$", section, re.M)
    assert rows, "README.md has no FIPS 10-4 trap table"
    listed = {iso: (fips, None if other.startswith("—") else other.removesuffix(" (in this graph)"))
              for _, iso, fips, other in rows}
    assert listed == trap
    for name, iso, _, other in rows:
        assert name == country_labels(iso)["en"]
        assert other.endswith("(in this graph)") == (trap[iso][0] in graph_codes), iso
    others = [s for s, (_, country) in trap.items() if country]
    count = re.search(r"FIPS 10-4 codes of (\d+) of our states are\s+other\s+countries' ISO", README)
    assert count and int(count.group(1)) == len(others)
    # the worst case: a FIPS code that is the ISO code of another state of this very graph
    assert {"BY", "PY"} <= {s for s, (fips, _) in trap.items() if fips in graph_codes}


def test_codes_keep_their_form() -> None:
    codes = state_codes("AR")
    assert codes["iso3166Numeric"] == "032" and codes["unM49"] == "032"  # three digits, as the standards write
    assert codes["cowNumber"] == str(package("AR", "cown"))  # a number, no padding (COW writes 160, 2)
