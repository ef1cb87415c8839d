"""The evidence on the site: a paragraph's page shows its text with every fact's span highlighted and
linked to the fact; a fact's page quotes its spans; without the text (no folder, or a file whose SHA-256
differs) both give the offsets and say the text is not included; numbers keep their stated qualifier.
The words compared are read from the source texts at run time (none are copied into the tests)."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from lacrdf import Dataset, ProjectPaths
from lacrdf.publish.site.evidence import NOT_INCLUDED, SourceTexts
from lacrdf.publish.site.index import SiteIndex
from lacrdf.publish.site.pages import resource_page
from lacrdf.records.model import Project
from lacrdf.records.texts import fact_paragraphs

from .test_site import built_site

ID = "https://w3id.org/lacrdf/id/"
PARAGRAPH_PAGE = "id/source/be-fps-lac/paragraph/11.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset, paths: ProjectPaths) -> Path:
    return built_site(tmp_path_factory, dataset, paths)[0]


@pytest.fixture(scope="module")
def index(dataset: Dataset) -> SiteIndex:
    return SiteIndex(dataset)


def _blockquote(page: str) -> str:
    found = re.search(r'<blockquote class="para">(.*?)</blockquote>', page, re.S)
    assert found, "the paragraph page shows no text"
    return found.group(1)


def _plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<sup>.*?</sup>", "", fragment)))


def test_a_paragraph_page_shows_its_text_with_every_span_highlighted_and_linked(
        site: Path, project: Project, paths: ProjectPaths) -> None:
    page = (site / PARAGRAPH_PAGE).read_text(encoding="utf-8")
    quote = _blockquote(page)
    text = fact_paragraphs(project, "be-emb-lima", paths.seeds)[11]
    assert _plain(quote) == text  # the whole paragraph, nothing added or lost
    facts = [f for f in project.facts_of("be-fps-lac") if 11 in f.para]
    assert facts
    for fact in facts:
        spans = [s for s in fact.evidence if s.para == 11]
        link = f'href="../../../{fact.SEGMENT}/{fact.id}.html"'  # type: ignore[attr-defined]
        # one numbered link to the fact after the end of each of its spans
        assert len(re.findall(rf"<sup><a {re.escape(link)}>\[\d+\]</a></sup>", quote)) == len(spans), fact.id
        for s in spans:
            assert f"{s.start}–{s.end}" in page, (fact.id, s)
    # a passage stated by one fact alone is a highlighted link to it, holding exactly the span's words
    lima = next(s for s in project.facts["be-emb-lima"].evidence if s.end - s.start < 10)
    assert (f'<a class="ev" href="../../../mission/be-emb-lima.html" title="Embassy of Belgium in Lima">'
            f"<mark>{html.escape(text[lima.start:lima.end])}</mark></a>") in quote


def test_a_fact_page_quotes_the_words_of_each_span(site: Path, project: Project, paths: ProjectPaths) -> None:
    page = (site / "id/mission/be-emb-lima.html").read_text(encoding="utf-8")
    text = fact_paragraphs(project, "be-emb-lima", paths.seeds)
    fact = project.facts["be-emb-lima"]
    assert "<h2>Evidence</h2>" in page
    for s in fact.evidence:
        quoted = html.escape(text[s.para][s.start:s.end])
        assert (f'<blockquote cite="{ID}source/be-fps-lac/paragraph/{s.para}">{quoted}</blockquote>') in page
    assert NOT_INCLUDED not in page


def _pages(index: SiteIndex, texts: SourceTexts) -> tuple[str, str]:
    para = resource_page(index, ID + "source/be-fps-lac/paragraph/11", texts).decode("utf-8")
    fact = resource_page(index, ID + "mission/be-emb-lima", texts).decode("utf-8")
    return para, fact


def _check_offsets_only(para: str, fact: str, project: Project) -> None:
    assert '<blockquote class="para">' not in para and "<blockquote" not in fact
    assert NOT_INCLUDED in para and NOT_INCLUDED in fact
    for s in project.facts["be-emb-lima"].evidence:
        assert f"characters {s.start}–{s.end}" in fact
        assert f"characters {s.start}–{s.end}" in para or f", {s.start}–{s.end}" in para


def test_without_the_texts_pages_give_offsets_and_say_the_text_is_not_included(
        index: SiteIndex, project: Project) -> None:
    _check_offsets_only(*_pages(index, SourceTexts(index, None)), project)


def test_a_text_that_differs_from_its_hash_is_not_shown(index: SiteIndex, project: Project, paths: ProjectPaths,
                                                         tmp_path: Path) -> None:
    name = project.sources["be-fps-lac"].file
    shutil.copy(paths.seeds / name, tmp_path / name)
    with open(tmp_path / name, "a", encoding="utf-8") as f:
        f.write("\nedited\n")
    _check_offsets_only(*_pages(index, SourceTexts(index, tmp_path)), project)
    # the same folder with the right file shows it again
    shutil.copy(paths.seeds / name, tmp_path / name)
    para, fact = _pages(index, SourceTexts(index, tmp_path))
    assert '<blockquote class="para">' in para and NOT_INCLUDED not in fact


def test_numbers_keep_their_qualifier_on_pages_and_charts(site: Path) -> None:
    """'over 3,000 enterprises' and 'above US$300 billion' of trade, as the text qualifies them."""
    count = (site / "id/count/cn-enterprises-in-lac-count.html").read_text(encoding="utf-8")
    assert re.search(r"<dd>more than 3000</dd>", count)
    china = (site / "id/state/CN.html").read_text(encoding="utf-8")
    chart = china[china.index("<h2>Figures</h2>"):]
    chart = chart[:chart.index("</figure>")]
    assert "more than 300 billion USD" in chart
    assert not re.search(r">300 billion USD<", chart)  # no bar value without its qualifier
    figure = (site / "id/figure/cn-lac-trade-2018.html").read_text(encoding="utf-8")
    assert ">more than 300 billion USD</a>" in figure
