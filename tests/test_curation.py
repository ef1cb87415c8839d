"""The curated graph against its sources: every fact's evidence spans lie in its cited paragraphs and
name its actors, every name occurs in a document, every source matches its text, and the stored queries
give the answers the documents give (facts asserted by id, so new correct data keeps them green:
tests/test_new_document.py runs this module on a copy of the project with a sixth document)."""

from __future__ import annotations

import pytest

from lacrdf import Dataset, Namespaces, Project, ProjectPaths
from lacrdf.graph.queries import bind, get_query, run_local
from lacrdf.graph.terms import Context
from lacrdf.records.model import Span
from lacrdf.records.texts import _named, _norm, check_against_texts, check_evidence, locate, paragraphs

from .conftest import seeds_dir

pytestmark = pytest.mark.curated

NS = Namespaces()
DOCUMENTS = {
    "000_24c7c346798f0c18.txt": "be-fps-lac",
    "001_472f23b354a28aac.txt": "by-mfa-latin-america",
    "002_82b5939f056eb492.txt": "eu-regio-celac",
    "003_c87613f8c14f1723.txt": "eclac-news-2021-10-13",
    "004_bcba8142888d0994.txt": "cn-mfa-cai-wei",
}


def test_every_document_is_curated(project: Project) -> None:
    by_file = {s.file: s.id for s in project.sources.values()}
    assert DOCUMENTS.items() <= by_file.items(), "a curated document is missing or has another id"
    for source in DOCUMENTS.values():
        assert len(project.facts_of(source)) >= 20, source


def test_sources_match_their_texts(project: Project, paths: ProjectPaths) -> None:
    assert check_against_texts(project, seeds_dir(paths)) == []


def test_every_fact_has_checked_evidence_spans(project: Project, paths: ProjectPaths) -> None:
    """Every fact of the five documents cites the words that state it, inside the cited paragraphs, and
    those words name every actor the fact involves."""
    assert all(f.evidence for f in project.facts.values())
    problems = check_evidence(project, seeds_dir(paths), required=True)
    assert problems == [], "\n".join(p.render() for p in problems[:20])


def test_belgiums_embassy_in_lima_as_the_graph_holds_it(dataset: Dataset, project: Project,
                                                        paths: ProjectPaths) -> None:
    """One curated fact by id: a lac:Embassy of BE seated in Lima (so hosted by PE), in the graph of
    be-fps-lac, cited to its paragraph 11, with the record's evidence spans as text-position selectors."""
    r, graph = NS.resources, NS.graphs + "source/be-fps-lac"
    mission, locator = f"<{r}mission/be-emb-lima>", f"<{r}source/be-fps-lac/paragraph/11>"
    prefixes = ("PREFIX lac: <https://w3id.org/lacrdf/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
                "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX oa: <http://www.w3.org/ns/oa#> ")
    assert dataset.store.query(prefixes + f"""ASK {{
        GRAPH <{graph}> {{ {mission} a lac:Embassy ; lac:sendingState <{r}state/BE> ; lac:seat <{r}city/lima> ;
                                     prov:wasDerivedFrom {locator} }}
        <{r}city/lima> lac:country <{r}state/PE> .
        {locator} dcterms:isPartOf <{r}source/be-fps-lac> ; lac:paragraphNumber 11
        }}""", use_default_graph_as_union=True)
    selectors = dataset.store.query(prefixes + f"""SELECT ?start ?end WHERE {{
        {mission} lac:evidence ?span . ?span oa:hasSource {locator} ; oa:hasSelector [ oa:start ?start ; oa:end ?end ]
        }}""", use_default_graph_as_union=True)
    spans = {(int(row["start"].value), int(row["end"].value)) for row in selectors}  # type: ignore[index,union-attr]
    assert spans == {(s.start, s.end) for s in project.facts["be-emb-lima"].evidence}
    text = paragraphs((seeds_dir(paths) / "000_24c7c346798f0c18.txt").read_text(encoding="utf-8"))[10]
    assert {text[start:end] for start, end in spans if end - start < 10} == {"Lima"}


def _with_evidence(project: Project, fact_id: str, evidence: tuple[Span, ...]) -> Project:
    import dataclasses

    fact = project.facts[fact_id]
    changed = dataclasses.replace(fact, evidence=evidence)
    return Project(project.actors, project.sources, {**project.facts, fact_id: changed})


def test_a_span_that_leaves_its_paragraph_is_refused(project: Project, paths: ProjectPaths) -> None:
    span = project.facts["be-emb-lima"].evidence[0]
    broken = _with_evidence(project, "be-emb-lima", (Span(span.para, span.start, 100_000),))
    problems = [p for p in check_evidence(broken, seeds_dir(paths)) if p.record == "be-emb-lima"]
    assert len(problems) == 1 and "ends past paragraph" in problems[0].message


def test_a_span_that_misses_an_actor_is_refused(project: Project, paths: ProjectPaths) -> None:
    text = paragraphs((seeds_dir(paths) / "000_24c7c346798f0c18.txt").read_text(encoding="utf-8"))
    fact = project.facts["be-emb-lima"]
    para = fact.evidence[0].para
    start, end = locate(text[para - 1], "Buenos Aires")[0]  # the same paragraph, but not the words for Lima
    broken = _with_evidence(project, "be-emb-lima", (Span(para, start, end),))
    problems = [p for p in check_evidence(broken, seeds_dir(paths)) if p.record == "be-emb-lima"]
    assert {p.field for p in problems} == {"sending", "seat"}, [p.render() for p in problems]


def test_a_cited_paragraph_without_a_span_is_refused(project: Project, paths: ProjectPaths) -> None:
    import dataclasses

    fact = project.facts["be-emb-lima"]
    padded = dataclasses.replace(fact, para=(*fact.para, 4))  # a paragraph that does not state it
    broken = Project(project.actors, project.sources, {**project.facts, fact.id: padded})
    problems = [p for p in check_evidence(broken, seeds_dir(paths)) if p.record == "be-emb-lima"]
    assert [p.message for p in problems] == ["paragraph 4 is cited but has no span"]


def _document_text(paths: ProjectPaths) -> str:
    return "\n".join(_norm(p.read_text(encoding="utf-8")) for p in sorted(seeds_dir(paths).glob("*.txt")))


def test_every_name_and_alias_of_a_non_state_actor_occurs_in_a_document(project: Project,
                                                                         paths: ProjectPaths) -> None:
    text = _document_text(paths)
    missing = []
    for actor in project.actors.values():
        if actor.type == "state":
            assert actor.name is None, f"{actor.id}: a state's names come from pycountry"
            continue
        spellings = [actor.name or "", *(actor.acronym or "",), *(a for v in (actor.aliases or {}).values() for a in v)]
        missing += [f"{actor.id}: {s!r}" for s in spellings if s and not _named(_norm(s), text)]
    assert missing == [], missing


def test_aliases_of_states_occur_in_a_document(project: Project, paths: ProjectPaths) -> None:
    text = _document_text(paths)
    missing = [f"{a.id}: {s!r}" for a in project.actors.values() if a.type == "state"
               for s in (x for v in (a.aliases or {}).values() for x in v) if not _named(_norm(s), text)]
    assert missing == [], missing


def test_a_non_state_actor_has_one_label(dataset: Dataset) -> None:
    from collections import Counter

    label = "http://www.w3.org/2000/01/rdf-schema#label"
    counts = Counter(q.subject.value for q in dataset.quads
                     if q.predicate.value == label and "/id/" in q.subject.value
                     and "/id/state/" not in q.subject.value and q.graph_name.value.endswith("/graph/actors"))
    assert counts and set(counts.values()) == {1}, [s for s, n in counts.items() if n != 1][:5]


def run(ds: Dataset, paths: ProjectPaths, project: Project, name: str, cols: tuple[str, ...], **params: str
        ) -> list[tuple[str, ...]]:
    ctx = Context(NS, project.actors, project.facts)
    res = run_local(ds.store, bind(get_query(paths.queries_dir, name), params, NS, ctx.resolve_actor))
    return [tuple(r[c].value if c in r else "" for c in cols) for r in res.rows]


def rows_by_fact(ds: Dataset, paths: ProjectPaths, project: Project, name: str, fact_col: str,
                 cols: tuple[str, ...], **params: str) -> dict[str, set[tuple[str, ...]]]:
    """A stored query's rows grouped by the fact they show (its record id): other documents can add facts
    to an answer, never rows to a curated fact."""
    out: dict[str, set[tuple[str, ...]]] = {}
    for fact, *values in run(ds, paths, project, name, (fact_col, *cols), **params):
        out.setdefault(fact.rsplit("/", 1)[-1], set()).add(tuple(values))
    return out


def of_document(rows: dict[str, set[tuple[str, ...]]], project: Project, source: str
                ) -> dict[str, set[tuple[str, ...]]]:
    """The part of an answer that one curated document states (the facts of its own file)."""
    return {fact: r for fact, r in rows.items() if fact in project.facts and project.facts[fact].source == source}


BY_MISSIONS = {  # mission → (type, host); one mission, one host, whichever paragraphs state it
    "by-emb-in-ar": ("embassy", "Argentina"), "by-hc-in-ar": ("honorary consulate", "Argentina"),
    "by-hc-in-bo": ("honorary consulate", "Bolivia"), "by-emb-in-br": ("embassy", "Brazil"),
    "by-hc-in-br": ("honorary consulate", "Brazil"), "by-emb-in-cu": ("embassy", "Cuba"),
    "by-hc-in-do": ("honorary consulate", "Dominican Republic"), "by-emb-in-ec": ("embassy", "Ecuador"),
    "by-hc-in-mx": ("honorary consulate", "Mexico"), "by-hc-in-ni": ("honorary consulate", "Nicaragua"),
    "by-hc-in-uy": ("honorary consulate", "Uruguay"), "by-emb-in-ve": ("embassy", "Venezuela")}
MISSIONS_IN_BY = {  # mission → (sending state, type)
    "by-emb-of-br": ("Brazil", "embassy"), "by-hc-of-cl": ("Chile", "honorary consulate"),
    "by-emb-of-cu": ("Cuba", "embassy"), "by-hc-of-do": ("Dominican Republic", "honorary consulate"),
    "by-hc-of-ec": ("Ecuador", "honorary consulate"), "by-hc-of-mx": ("Mexico", "honorary consulate"),
    "by-hc-of-ni": ("Nicaragua", "honorary consulate"), "by-hc-of-pe": ("Peru", "honorary consulate"),
    "by-hc-of-uy": ("Uruguay", "honorary consulate"), "by-emb-of-ve": ("Venezuela", "embassy")}


def test_belarus_missions_both_directions(dataset: Dataset, paths: ProjectPaths, project: Project) -> None:
    # one row per cited paragraph: a mission stated in paragraphs 4 and 33 has two rows, with one host
    kept = rows_by_fact(dataset, paths, project, "missions-by-host", "mission", ("type", "hostName", "source"),
                        sending="BY")
    for mission, (kind, host) in BY_MISSIONS.items():
        assert kept.get(mission) == {(kind, host, "by-mfa-latin-america")}, mission
    assert of_document(kept, project, "by-mfa-latin-america").keys() == BY_MISSIONS.keys()
    hosted = rows_by_fact(dataset, paths, project, "missions-in-state", "mission", ("sendingName", "type"), host="BY")
    for mission, row in MISSIONS_IN_BY.items():
        assert hosted.get(mission) == {row}, mission
    assert of_document(hosted, project, "by-mfa-latin-america").keys() == MISSIONS_IN_BY.keys()


def test_observer_status_and_members(dataset: Dataset, paths: ProjectPaths, project: Project) -> None:
    cols = ("memberName", "role", "since")
    pacific = rows_by_fact(dataset, paths, project, "memberships", "membership", cols, organization="pacific-alliance")
    expected = {"by-pacific-alliance-member-cl": ("Chile", "member", ""),
                "by-pacific-alliance-member-co": ("Colombia", "member", ""),
                "by-pacific-alliance-member-mx": ("Mexico", "member", ""),
                "by-pacific-alliance-member-pe": ("Peru", "member", ""),
                "by-pacific-alliance-observer": ("Belarus", "observer", "2018-06")}
    assert {m: pacific.get(m) for m in expected} == {m: {row} for m, row in expected.items()}
    assert of_document(pacific, project, "by-mfa-latin-america").keys() == expected.keys()
    acs = rows_by_fact(dataset, paths, project, "memberships", "membership", cols, organization="acs")
    assert acs.get("by-acs-observer") == {("Belarus", "observer", "2016-01")}
    aiib = rows_by_fact(dataset, paths, project, "memberships", "membership", ("memberName", "role"),
                        organization="aiib")
    members = {"cn-aiib-ar": "Argentina", "cn-aiib-br": "Brazil", "cn-aiib-cl": "Chile", "cn-aiib-ec": "Ecuador",
               "cn-aiib-uy": "Uruguay"}
    assert {m: aiib.get(m) for m in members} == {m: {(name, "member")} for m, name in members.items()}
    assert of_document(aiib, project, "cn-mfa-cai-wei").keys() == members.keys()


def test_trade_figures_keep_stated_precision(dataset: Dataset, paths: ProjectPaths, project: Project) -> None:
    cols = ("flow", "value", "currency", "unitMultiplier", "period")
    by = rows_by_fact(dataset, paths, project, "trade-figures", "figure", cols, reporter="BY")
    expected = {"by-lac-exports-2018": ("exports", "853800000", "USD", "6", "2018"),
                "by-lac-imports-2018": ("imports", "504600000", "USD", "6", "2018"),
                "by-lac-turnover-2018": ("trade turnover", "1358000000", "USD", "9", "2018")}
    assert {f: by.get(f) for f in expected} == {f: {row} for f, row in expected.items()}
    assert of_document(by, project, "by-mfa-latin-america").keys() == expected.keys()
    cn = rows_by_fact(dataset, paths, project, "trade-figures", "figure", ("value", "periodStart", "periodEnd"),
                      reporter="CN")
    assert cn.get("cn-lac-trade-2021-jan-nov") == {("411250000000", "2021-01", "2021-11")}


def test_china_relations(dataset: Dataset, paths: ProjectPaths, project: Project) -> None:
    ni = rows_by_fact(dataset, paths, project, "relations", "fact", ("partyName", "status", "date", "count"),
                      party="NI")
    assert ni.get("cn-rel-ni-2021") == {("Nicaragua", "resumed", "2021-12", "")}
    assert of_document(ni, project, "cn-mfa-cai-wei").keys() == {"cn-rel-ni-2021"}
    cn = rows_by_fact(dataset, paths, project, "relations", "fact", ("status", "date"), party="CN")
    established = {f for f, rows in of_document(cn, project, "cn-mfa-cai-wei").items()
                   if any(status == "established" for status, _ in rows)}
    assert established == {"cn-rel-do-2018", "cn-rel-sv-2018"}
    assert cn["cn-rel-do-2018"] == cn["cn-rel-sv-2018"] == {("established", "2018")}
    by = rows_by_fact(dataset, paths, project, "relations", "fact", ("count", "outOf"), party="BY")
    assert by.get("by-relations-count") == {("31", "33")}


def test_what_the_2021_ministerial_meeting_adopted(dataset: Dataset, paths: ProjectPaths, project: Project) -> None:
    rows = rows_by_fact(dataset, paths, project, "outcomes", "outcome", ("event", "date", "outcomeTitle", "kind"),
                        participant="CN")
    meeting = "https://w3id.org/lacrdf/id/event/cn-ccf-third-ministers-meeting"
    adopted = {
        "cn-ccf-joint-action-plan-2022-2024":
            "China-CELAC Joint Action Plan for Cooperation in Key Areas (2022-2024)",
        "cn-special-loan-digital-economy": "China-CELAC Special Loan for Cooperation on Digital Economy",
        "cn-special-loan-development": "China-CELAC Special Loan for Development Cooperation",
        "cn-ccf-third-mm-declaration": "Declaration of the Third Ministers' Meeting of the China-CELAC Forum",
    }
    kinds = {"cn-special-loan-digital-economy": "programme", "cn-special-loan-development": "programme"}
    for outcome, title in adopted.items():
        assert rows.get(outcome) == {(meeting, "2021-12-03", title, kinds.get(outcome, "agreement"))}, outcome
    of_meeting = {o for o, r in of_document(rows, project, "cn-mfa-cai-wei").items()
                  if any(event == meeting for event, *_ in r)}
    assert of_meeting == adopted.keys()


def test_companies_in_argentina(dataset: Dataset, paths: ProjectPaths, project: Project) -> None:
    rows = rows_by_fact(dataset, paths, project, "companies", "fact", ("companyName", "presence"), country="AR")
    expected = {"by-belatra-ar": ("Belatra", "representative office"), "by-gomselmash-ar": ("Gomselmash", "branch")}
    assert {f: rows.get(f) for f in expected} == {f: {row} for f, row in expected.items()}
    assert of_document(rows, project, "by-mfa-latin-america").keys() == expected.keys()


@pytest.mark.parametrize("code", ["AG", "AR", "BS", "BB", "BZ", "BO", "BR", "CL", "CO", "CR", "CU", "DM", "DO",
                                  "EC", "SV", "GD", "GT", "GY", "HT", "HN", "JM", "MX", "NI", "PA", "PY", "PE",
                                  "KN", "LC", "VC", "SR", "TT", "UY", "VE"])
def test_celac_state_has_codes_and_wikidata(project: Project, code: str) -> None:
    from lacrdf.countries import country_codes

    actor = project.actors[code]
    assert actor.type == "state"
    assert country_codes(code)[0] == code and len(country_codes(code)[1]) == 3
    assert actor.wikidata is not None and actor.wikidata in paths_reference().values()


def paths_reference() -> dict[str, str]:
    from .conftest import ROOT

    path = ROOT.parent / "shared" / "reference" / "wikidata-ids.tsv"
    if not path.is_file():
        pytest.fail(f"reference ids not found at {path}: clone the project beside shared/")
    rows = [ln.split("\t") for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return {name: qid for name, qid in rows[1:]}


def test_every_wikidata_id_comes_from_the_reference(project: Project) -> None:
    reference = set(paths_reference().values())
    used = {a.id: a.wikidata for a in project.actors.values() if a.wikidata}
    assert used and all(q in reference for q in used.values()), {k: v for k, v in used.items() if v not in reference}


def test_locate_and_show_give_the_words_of_a_fact(runner, paths: ProjectPaths) -> None:  # type: ignore[no-untyped-def]
    from lacrdf.cli import main

    seeds_dir(paths)
    found = runner.invoke(main, ["locate", "be-emb-lima", "LIMA"])
    assert found.exit_code == 0 and found.output == "- {para: 11, start: 153, end: 157}\n", found.output
    shown = runner.invoke(main, ["show", "be-emb-lima"])
    assert shown.exit_code == 0 and shown.output.splitlines()[-1] == "  paragraph 11 [153:157]: Lima"
    missing = runner.invoke(main, ["locate", "be-emb-lima", "Tokyo"])
    assert missing.exit_code == 2 and "'Tokyo' does not occur in paragraph 11" in missing.output
    typo = runner.invoke(main, ["show", "be-emb-lma"])
    assert typo.exit_code == 2 and "did you mean 'be-emb-lima'?" in typo.output


def test_qualifiers_show_wherever_a_number_is_shown(dataset: Dataset, paths: ProjectPaths, project: Project) -> None:
    """The text's 'over 3,000 enterprises', 'more than 100 projects', '20-plus countries', 'over US$20 billion'."""
    counts = {r[0]: r[1:] for r in run(dataset, paths, project, "relations", ("fact", "qualifier", "count"),
                                       party="CN")}
    prefix = "https://w3id.org/lacrdf/id/count/"
    assert counts[prefix + "cn-enterprises-in-lac-count"] == ("more than", "3000")
    assert counts[prefix + "cn-ccf-loan-projects-count"] == ("more than", "100")
    assert counts[prefix + "cn-ccf-loan-countries-count"] == ("more than", "20")
    figures = {r[0]: r[1:] for r in run(dataset, paths, project, "trade-figures", ("figure", "qualifier", "value"),
                                         reporter="CN")}
    assert figures["https://w3id.org/lacrdf/id/figure/cn-ccf-loans-approved"] == ("more than", "20000000000")
    labels = {q.subject.value: q.object.value for q in dataset.quads
              if q.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label"}
    assert labels[prefix + "cn-enterprises-in-lac-count"].endswith(": more than 3000")
    assert ": loans approved more than 20 billion USD" in labels["https://w3id.org/lacrdf/id/figure/cn-ccf-loans-approved"]
