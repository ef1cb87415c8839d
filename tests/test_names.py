"""Name lookup for query parameters: an actor given by id, label (any language), alias, acronym or ISO code,
without case or accents, or by a word of its name when only one actor has it; an unknown or ambiguous
value is one line naming the closest actors with their ids, exit 2. The actors are curated ones, by id."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from lacrdf import Dataset, Namespaces
from lacrdf.cli import main
from lacrdf.errors import QueryError
from lacrdf.graph.names import ActorNames, NameTable, normalize
from lacrdf.graph.queries import run_local
from lacrdf.publish.server import OxigraphServer

NS = Namespaces()
STATE = f"{NS.resources}state/"


@pytest.fixture(scope="module")
def names(dataset: Dataset) -> ActorNames:
    return ActorNames(lambda text: run_local(dataset.store, text), NS)


def test_normalize_drops_case_accents_and_punctuation() -> None:
    assert normalize("Bélgica") == normalize("BELGICA") == "belgica"
    assert normalize("Belarus’") == "belarus"
    assert normalize("  République   d'Équateur ") == "republique d equateur"


@pytest.mark.parametrize("value, param, state, expected", [
    ("BE", "sending", True, "state/BE"),                     # the id
    ("Belgium", "sending", True, "state/BE"),                # the English label
    ("bélgica", "sending", True, "state/BE"),                # the Spanish label, lower case
    ("BELGIQUE", "sending", True, "state/BE"),               # French, upper case
    ("Reino de Belgica", "sending", True, "state/BE"),       # an alias (skos:altLabel), without its accent
    ("Belgian", "sending", True, "state/BE"),                # a hidden label (the adjective)
    ("bel", "sending", True, "state/BE"),                    # ISO 3166-1 alpha-3
    ("ec", "party", False, "state/EC"),                      # alpha-2, any case
    ("AIIB", "org", False, "org/aiib"),                      # the id, without case
    ("celac", "org", False, "org/celac"),                    # the acronym (lac:acronym)
    ("shestakov", "person", False, "person/evgeny-shestakov"),  # a word of one actor's name only
    ("Evgeny Shestakov", "person", False, "person/evgeny-shestakov"),
])
def test_a_name_resolves_to_its_actor(names: ActorNames, value: str, param: str, state: bool,
                                      expected: str) -> None:
    assert names.resolve(value, param, state=state) == NS.resources + expected


def test_an_ambiguous_name_lists_the_candidates_with_their_ids(names: ActorNames) -> None:
    with pytest.raises(QueryError) as caught:
        names.resolve("saint", "party")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("parameter 'party': 'saint' names ") and "; did you mean " in message
    for candidate in ("Saint Kitts and Nevis (KN)", "Saint Lucia (LC)", "Saint Vincent and the Grenadines (VC)"):
        assert candidate in message


def test_an_unknown_name_suggests_the_closest(names: ActorNames) -> None:
    with pytest.raises(QueryError) as caught:
        names.resolve("Belgum", "sending", state=True)
    assert str(caught.value).startswith("parameter 'sending': no state named 'Belgum'; did you mean Belgium (BE)")
    with pytest.raises(QueryError, match=r"no actor named 'qqqqqq' \(lacrdf query actors lists them\)$"):
        names.resolve("qqqqqq", "party")


def test_a_state_parameter_takes_only_states(names: ActorNames) -> None:
    with pytest.raises(QueryError, match="no state named 'aiib'"):
        names.resolve("aiib", "sending", state=True)


def test_a_name_table_of_rows_needs_no_graph() -> None:
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    table = NameTable.of([(STATE + "PE", "PE", label, "Peru", "en"), (STATE + "PE", "PE", label, "Perú", "es"),
                          (STATE + "PT", "PT", label, "Portugal", "en")])
    assert table.resolve("peru", "p") == STATE + "PE"
    with pytest.raises(QueryError, match=r"did you mean Peru \(PE\)\?$"):
        table.resolve("Perum", "p")


# --- through the CLI ----------------------------------------------------------------------------------

def test_query_by_name_gives_the_rows_of_the_id(runner: CliRunner) -> None:
    by_id = runner.invoke(main, ["query", "missions-by-host", "--param", "sending=BE"])
    for value in ("Belgium", "bélgica", "BEL"):
        by_name = runner.invoke(main, ["query", "missions-by-host", "--param", f"sending={value}"])
        assert by_name.exit_code == 0, by_name.output
        assert by_name.stdout == by_id.stdout
    assert "be-emb-lima" in by_id.stdout


def test_query_by_a_persons_surname(runner: CliRunner) -> None:
    result = runner.invoke(main, ["query", "persons", "--param", "person=shestakov"])
    assert result.exit_code == 0, result.output
    assert "by-shestakov-post-2018-02" in result.stdout


@pytest.mark.parametrize("value, expected", [
    ("Belgum", "parameter 'sending': no state named 'Belgum'; did you mean Belgium (BE)"),
    ("république", "parameter 'sending': 'république' names "),
])
def test_unknown_or_ambiguous_names_exit_2_with_one_line(runner: CliRunner, value: str, expected: str) -> None:
    result = runner.invoke(main, ["query", "missions-by-host", "--param", f"sending={value}"])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(expected) and "did you mean" in lines[0], lines


@pytest.fixture(scope="module")
def server(dataset: Dataset) -> Iterator[OxigraphServer]:
    with OxigraphServer(dataset) as srv:
        yield srv


def test_endpoint_runs_resolve_names_from_the_local_build(runner: CliRunner, server: OxigraphServer) -> None:
    args = ["query", "facts-about", "--param", "actor=Ecuador", "--format", "csv"]
    remote = runner.invoke(main, [*args, "--endpoint", server.query_url])
    local = runner.invoke(main, ["query", "facts-about", "--param", "actor=EC", "--format", "csv"])
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout and "cn-aiib-ec" in remote.stdout
