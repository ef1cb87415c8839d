"""The curated graph against its sources: every fact's evidence spans lie in its cited paragraphs and
name its actors, every name occurs in a document, every source matches its text, and the stored queries
give the answers the documents give (facts asserted by id, so new correct data keeps them green)."""

from __future__ import annotations

import pytest

from lacrdf import Dataset, Namespaces, Project, ProjectPaths
from lacrdf.graph.queries import bind, get_query, run_local
from lacrdf.graph.terms import Context
from lacrdf.records.model import Span
from lacrdf.records.texts import _named, _norm, check_against_texts, check_evidence, locate, paragraphs

from .conftest import seeds_dir

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
    assert by_file == DOCUMENTS
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


def test_belarus_missions_both_directions(dataset: Dataset, paths: ProjectPaths, project: Project) -> None:
    # one row per cited paragraph: a mission stated in two paragraphs appears twice
    kept = sorted(set(run(dataset, paths, project, "missions-by-host", ("type", "hostName"), sending="BY")),
                  key=lambda r: (r[1], r[0]))
    assert kept == [("embassy", "Argentina"), ("honorary consulate", "Argentina"),
                    ("honorary consulate", "Bolivia"), ("embassy", "Brazil"), ("honorary consulate", "Brazil"),
                    ("embassy", "Cuba"), ("honorary consulate", "Dominican Republic"), ("embassy", "Ecuador"),
                    ("honorary consulate", "Mexico"), ("honorary consulate", "Nicaragua"),
                    ("honorary consulate", "Uruguay"), ("embassy", "Venezuela")]
    hosted = sorted(set(run(dataset, paths, project, "missions-in-state", ("sendingName", "type"), host="BY")))
    assert hosted == [("Brazil", "embassy"), ("Chile", "honorary consulate"), ("Cuba", "embassy"),
                      ("Dominican Republic", "honorary consulate"), ("Ecuador", "honorary consulate"),
                      ("Mexico", "honorary consulate"), ("Nicaragua", "honorary consulate"),
                      ("Peru", "honorary consulate"), ("Uruguay", "honorary consulate"), ("Venezuela", "embassy")]


def test_observer_status_and_members(dataset: Dataset, paths: ProjectPaths, project: Project) -> None:
    cols = ("memberName", "role", "since")
    assert run(dataset, paths, project, "memberships", cols, organization="pacific-alliance") == [
        ("Chile", "member", ""), ("Colombia", "member", ""), ("Mexico", "member", ""), ("Peru", "member", ""),
        ("Belarus", "observer", "2018-06")]
    assert run(dataset, paths, project, "memberships", cols, organization="acs") == [
        ("Belarus", "observer", "2016-01")]
    aiib = run(dataset, paths, project, "memberships", ("memberName", "role"), organization="aiib")
    assert sorted(aiib) == [("Argentina", "member"), ("Brazil", "member"), ("Chile", "member"),
                            ("Ecuador", "member"), ("Uruguay", "member")]


def test_trade_figures_keep_stated_precision(dataset: Dataset, paths: ProjectPaths, project: Project) -> None:
    cols = ("flow", "value", "currency", "unitMultiplier", "period")
    assert run(dataset, paths, project, "trade-figures", cols, reporter="BY") == [
        ("exports", "853800000", "USD", "6", "2018"), ("imports", "504600000", "USD", "6", "2018"),
        ("trade turnover", "1358000000", "USD", "9", "2018")]
    cn = run(dataset, paths, project, "trade-figures", ("value", "periodStart", "periodEnd"), reporter="CN")
    assert ("411250000000", "2021-01", "2021-11") in cn


def test_china_relations(dataset: Dataset, paths: ProjectPaths, project: Project) -> None:
    rows = run(dataset, paths, project, "relations", ("partyName", "status", "date", "count"), party="NI")
    assert rows == [("Nicaragua", "resumed", "2021-12", "")]
    established = [r for r in run(dataset, paths, project, "relations", ("status", "date"), party="CN")
                   if r[0] == "established"]
    assert established == [("established", "2018"), ("established", "2018")]
    by = run(dataset, paths, project, "relations", ("count", "outOf"), party="BY")
    assert ("31", "33") in by


def test_what_the_2021_ministerial_meeting_adopted(dataset: Dataset, paths: ProjectPaths, project: Project) -> None:
    rows = [r for r in run(dataset, paths, project, "outcomes", ("date", "outcomeTitle", "kind"), participant="CN")
            if r[0] == "2021-12-03"]
    assert rows == [
        ("2021-12-03", "China-CELAC Joint Action Plan for Cooperation in Key Areas (2022-2024)", "agreement"),
        ("2021-12-03", "China-CELAC Special Loan for Cooperation on Digital Economy", "programme"),
        ("2021-12-03", "China-CELAC Special Loan for Development Cooperation", "programme"),
        ("2021-12-03", "Declaration of the Third Ministers' Meeting of the China-CELAC Forum", "agreement"),
    ]


def test_companies_in_argentina(dataset: Dataset, paths: ProjectPaths, project: Project) -> None:
    assert run(dataset, paths, project, "companies", ("companyName", "presence"), country="AR") == [
        ("Belatra", "representative office"), ("Gomselmash", "branch")]


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
        pytest.skip(f"reference ids not found at {path}")
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
