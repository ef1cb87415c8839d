"""Property-based tests (hypothesis) over the record loader (issue 8, case 12): any generated record either
loads, converts, validates and round-trips through every export, or is refused with a located error —
never a traceback."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pyoxigraph as ox
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lacrdf import Namespaces, build_dataset, find_project
from lacrdf.checks.shacl import validate_dataset
from lacrdf.checks.shapes import load_shapes, shapes_files
from lacrdf.errors import RecordErrors
from lacrdf.graph.dataset import load_ontology
from lacrdf.graph.dumps import FORMATS, render
from lacrdf.records.kinds import KINDS
from lacrdf.records.loader import load_project, record_fields

PATHS = find_project(Path(__file__).resolve().parents[2])
SHAPES = load_shapes(shapes_files(PATHS.shapes_dir))
ONTOLOGY = load_ontology(PATHS.ontology_dir, Namespaces())
PARSERS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
           "xml": ox.RdfFormat.RDF_XML, "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS}
LOCATED = re.compile(r"^case\.yaml:\d+:\d+: ")
SOURCE = {"id": "t-src", "file": "t.txt", "sha256": "0" * 64, "title": "T", "language": "en"}
STATES = ["BE", "BY", "CN", "AR", "BR", "CU", "VE", "PE", "MX", "UY"]

field_names = sorted({name for kind in KINDS.values() for name, *_ in record_fields(kind.record)})
scalars = st.one_of(
    st.text(max_size=12), st.integers(-5, 10**12), st.booleans(), st.none(),
    st.sampled_from(["2021", "2021-12", "2021-12-03", "--09-18", "2024-02-30", "1.50", "5032.9", "BE", "lac",
                     "embassy", "trade", "EUR", "yes", "en_US", "http://example.org/a b", "Q31", "x" * 40]),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(field_names), inner, max_size=3), max_leaves=6)
records = st.fixed_dictionaries(
    {"id": st.one_of(st.from_regex(r"[a-z][a-z0-9-]{0,8}[a-z0-9]", fullmatch=True), st.text(max_size=6)),
     "kind": st.one_of(st.sampled_from(sorted(KINDS)), st.text(max_size=6)),
     "para": st.one_of(st.integers(-1, 5), st.lists(st.integers(0, 5), max_size=2), st.text(max_size=3))},
    optional={name: values for name in field_names if name not in ("id", "kind", "para")},
)


def check(doc: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        try:
            ds = build_dataset(load_project([PATHS.data / "actors", path], root=Path(tmp)), Namespaces(), ONTOLOGY)
        except RecordErrors as exc:
            for err in exc.errors:
                assert LOCATED.match(err.render()), err.render()
            return
    report = validate_dataset(ds, SHAPES)
    assert report.counts()["violation"] == 0, [r for r in report.results if r.severity == "violation"]
    for fmt, spec in FORMATS.items():
        parsed = sorted(str(x) for x in ox.parse(render(ds, fmt), format=PARSERS[fmt]))
        expected = sorted(str(x) for x in (ds.quads if spec.quads else ds.triples()))
        assert parsed == expected, fmt


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records, min_size=1, max_size=3))
def test_any_fact_record_loads_or_is_refused_with_its_place(facts: list[dict[str, object]]) -> None:
    check({"source": SOURCE, "facts": facts})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    mission_type=st.sampled_from(["embassy", "consulate-general", "honorary-consulate"]),
    sending=st.sampled_from(STATES), host=st.sampled_from(STATES),
    amount=st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False),
    scale=st.sampled_from(["one", "thousand", "million", "billion"]),
    year=st.integers(1900, 2100), month=st.integers(1, 12),
    share=st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
    title=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)
    .filter(lambda t: t.strip() and "\n" not in t and "\r" not in t and "\x85" not in t
            and "\u2028" not in t and "\u2029" not in t),
)
def test_well_formed_records_always_validate_and_round_trip(mission_type: str, sending: str, host: str,
                                                            amount, scale: str, year: int, month: int,  # type: ignore[no-untyped-def]
                                                            share, title: str) -> None:
    facts = [
        {"id": "t-m", "kind": "mission", "para": 1, "mission_type": mission_type, "sending": sending,
         "host": host, "since": f"{year:04d}-{month:02d}"},
        {"id": "t-f", "kind": "figure", "para": [1, 2], "figure_type": "trade", "flow": "exports",
         "reporter": sending, "partner": host, "amount": str(amount), "scale": scale, "currency": "USD",
         "period": f"{year:04d}", "share_of_total": str(share)},
        {"id": "t-a", "kind": "agreement", "para": 2, "agreement_type": "treaty", "title": title,
         "parties": sorted({sending, host}), "date": f"{year:04d}-{month:02d}-01", "status": "signed"},
    ]
    check({"source": SOURCE, "facts": facts})
