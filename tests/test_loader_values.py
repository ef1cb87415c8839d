"""What the loader makes of values a probe found mishandled: null and ~ mean absent under libyaml and the
pure-Python parser alike (a quoted "~" is text); non-ASCII digits are refused, not rewritten; periods
compare at the precision both ends state."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lacrdf import ProjectPaths
from lacrdf.errors import RecordErrors
from lacrdf.records import reader
from lacrdf.records.loader import load_project
from lacrdf.values import PartialDate

SOURCE = ("source: {{id: v-src, file: v.txt, sha256: "
          "0000000000000000000000000000000000000000000000000000000000000000, language: en{extra}}}\n")
LOADERS = [pytest.param(getattr(yaml, "CSafeLoader", yaml.SafeLoader), id="libyaml"),
           pytest.param(yaml.SafeLoader, id="pure-python")]


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize(("written", "title"), [("~", None), ("null", None), ("Null", None), ("", None),
                                                ('"~"', "~"), ("'null'", "null"), ("A title", "A title")])
def test_null_and_tilde_mean_absent_under_both_parsers(loader: type, written: str, title: str | None,
                                                       tmp_path: Path, paths: ProjectPaths,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "_Loader", loader)
    (tmp_path / "v.yaml").write_text(f"source:\n  id: v-src\n  file: v.txt\n  sha256: {'0' * 64}\n"
                                     f"  language: en\n  title: {written}\n", encoding="utf-8")
    project = load_project([tmp_path], root=tmp_path)
    assert project.sources["v-src"].title == title


@pytest.mark.parametrize("loader", LOADERS)
def test_null_where_a_value_is_required_is_refused(loader: type, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "_Loader", loader)
    (tmp_path / "v.yaml").write_text(f"source:\n  id: v-src\n  file: ~\n  sha256: {'0' * 64}\n  language: en\n",
                                     encoding="utf-8")
    with pytest.raises(RecordErrors) as info:
        load_project([tmp_path], root=tmp_path)
    assert [e.render() for e in info.value.errors] == [
        "v.yaml:2:3: record 'v-src': field 'file': missing required field 'file' (add 'file:' to the record)"]


@pytest.mark.parametrize(("field", "value"), [("count", "٩"), ("count", "９"), ("amount", '"٥٠٣٢.٩"'),
                                              ("period", '"٢٠٢٠"')])
def test_non_ascii_digits_are_refused_not_rewritten(field: str, value: str, tmp_path: Path,
                                                    paths: ProjectPaths) -> None:
    fact = ({"count": f"{{id: v-1, kind: count, para: 1, subject: BE, counted: embassies, count: {value}}}",
             "amount": f"{{id: v-1, kind: figure, para: 1, figure_type: trade, reporter: BE, amount: {value}, "
                       "currency: EUR}", "period": "{id: v-1, kind: figure, para: 1, figure_type: trade, "
                       f"reporter: BE, amount: \"1\", currency: EUR, period: {value}}}"})[field]
    (tmp_path / "v.yaml").write_text(SOURCE.format(extra="") + f"facts:\n  - {fact}\n", encoding="utf-8")
    with pytest.raises(RecordErrors) as info:
        load_project([paths.data / "actors", tmp_path / "v.yaml"], root=tmp_path)
    assert [e.field for e in info.value.errors] == [field]


@pytest.mark.parametrize(("start", "end", "refused"), [("2021-05", "2021", False), ("2021", "2021-05", False),
                                                       ("2021-05", "2020", True), ("2021-05-20", "2021-05", False),
                                                       ("2021-05-20", "2021-04", True)])
def test_periods_compare_at_their_stated_precision(start: str, end: str, refused: bool, tmp_path: Path,
                                                   paths: ProjectPaths) -> None:
    fact = (f"{{id: v-1, kind: figure, para: 1, figure_type: trade, reporter: BE, amount: \"1\", currency: EUR, "
            f"period_start: \"{start}\", period_end: \"{end}\"}}")
    (tmp_path / "v.yaml").write_text(SOURCE.format(extra="") + f"facts:\n  - {fact}\n", encoding="utf-8")
    from lacrdf.graph.dataset import check_rules

    project = load_project([paths.data / "actors", tmp_path / "v.yaml"], root=tmp_path)
    problems = check_rules(project.facts.values())
    assert bool(problems) is refused, problems
    assert PartialDate(start) > PartialDate(end) if refused else not PartialDate(end) < PartialDate(start)
