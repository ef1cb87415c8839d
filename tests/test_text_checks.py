"""The checks against the source texts run in `validate` and `build`, not only in the tests: a name no
document uses, a span that misses an actor, a cited paragraph that does not exist. The texts are the
test's own (tmp_path), so the checks are tested on fixtures whatever the curated documents say."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lacrdf import find_project
from lacrdf.cli import main
from lacrdf.records.texts import locate, paragraphs

from .conftest import ROOT

TEXT = ("The Embassy of Belgium in Lima, Peru, opened long ago.\n\n"
        "The Andean Friendship Institute (AFI) met the embassy.\n")


def _project(tmp_path: Path, actor_name: str, alias: str | None = None,
             span_words: str = "Embassy of Belgium in Lima, Peru", para: int = 1) -> Path:
    seeds = tmp_path / "seeds"  # the project's documents (its actors are named there) and the test's own
    shutil.copytree(find_project(ROOT).seeds, seeds)
    (seeds / "t.txt").write_text(TEXT, encoding="utf-8")
    digest = hashlib.sha256(TEXT.encode()).hexdigest()
    paras = paragraphs(TEXT)
    start, end = (locate(paras[para - 1], span_words) or [(0, 1)])[0]
    aliases = f", aliases: {{en: [{alias}]}}" if alias else ""
    (tmp_path / "t.yaml").write_text(f"""\
source: {{id: t-src, file: t.txt, sha256: {digest}, language: en}}
actors:
  - {{id: t-afi, type: organization, name: {actor_name}{aliases}}}
facts:
  - {{id: t-emb, kind: mission, para: {para}, sending: BE, host: PE, mission_type: embassy,
     evidence: [{{para: {para}, start: {start}, end: {end}}}]}}
""", encoding="utf-8")
    return seeds


def _validate(tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("LACRDF_SEEDS", str(seeds))
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "t.yaml")])
    return result.exit_code, result.output


def test_names_the_documents_use_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = _validate(tmp_path, _project(tmp_path, "Andean Friendship Institute", "AFI"), monkeypatch)
    assert code == 0, out


def test_a_name_no_document_uses_is_refused_by_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = _validate(tmp_path, _project(tmp_path, "Andean Friendship Institute", "Instituto Andino"),
                          monkeypatch)
    assert code == 2
    assert "record 't-afi': field 'aliases.en': 'Instituto Andino' occurs in none of the 6 documents" in out
    assert len(out.strip().splitlines()) == 1, out


def test_without_the_texts_names_are_not_judged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = _project(tmp_path, "Invented Name")
    empty = tmp_path / "no-texts"
    empty.mkdir()
    code, out = _validate(tmp_path, empty, monkeypatch)
    assert code == 0, out
    code, out = _validate(tmp_path, seeds, monkeypatch)
    assert code == 2 and "'Invented Name' occurs in none of the 6 documents" in out


def test_a_span_that_misses_an_actor_is_refused_by_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = _project(tmp_path, "Andean Friendship Institute", span_words="opened long ago")
    code, out = _validate(tmp_path, seeds, monkeypatch)
    assert code == 2
    assert "record 't-emb': field 'sending': actor 'BE' is not named in the evidence span(s)" in out
    assert "field 'host': actor 'PE' is not named" in out


def test_a_paragraph_that_does_not_exist_is_refused_by_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = _project(tmp_path, "Andean Friendship Institute", para=1)
    text = (tmp_path / "t.yaml").read_text(encoding="utf-8").replace("para: 1, sending", "para: 7, sending")
    (tmp_path / "t.yaml").write_text(text.replace("{para: 1,", "{para: 7,"), encoding="utf-8")
    monkeypatch.setenv("LACRDF_SEEDS", str(seeds))
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["build", "--data", "data/actors", "--data", str(tmp_path / "t.yaml"),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "record 't-emb': field 'para': paragraph 7 does not exist; t.txt has 2" in result.output
    assert not (tmp_path / "out").exists()
