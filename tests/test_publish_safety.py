"""`lacrdf publish` never leaks a credential and never misreports (issue 16, point 3): a secret a store
echoes is masked in every form before any cut, credentials in the --store URL are refused; a store that
holds other triples than were sent is exit 3 with one line per graph; a PUT whose answer does not settle
the graph's state is "unknown" unless reading it back shows the sent triples; bad options are one line,
exit 2; the retry backoff is capped."""

from __future__ import annotations

import base64
import math
from collections import Counter
from urllib.parse import quote, quote_plus

import pytest
from click.testing import CliRunner, Result

from lacrdf import Dataset, ProjectPaths, make_dataset
from lacrdf.cli import main
from lacrdf.errors import InputError
from lacrdf.publish import remote
from lacrdf.publish.remote import Auth, PublishError, publish
from lacrdf.publish.server import free_port

from .conftest import ROOT
from .fake_store import ALTERED, FakeStore, running

TOKEN = "lacT0k+9f3c/1a7e52b64d08Zq=Wm4rXv7yPq2LsK8dHj3NbG6tRc1uY5oE0iA9wZ"
"""64 characters, with the '+', '/' and '=' that percent-encoding changes."""
USER, PASSWORD = "alice", "p@ss wörd/Hunter2-s3cret%42"
"""A password whose raw, percent-encoded and basic-auth forms all differ."""
CUT = remote.MAX_DETAIL
"""Where a server's error text is cut."""


@pytest.fixture(scope="module")
def sample(paths: ProjectPaths, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """A synthetic corpus of three sources: five graphs with the actors and the ontology."""
    from lacrdf.records.synth import write_corpus

    corpus = tmp_path_factory.mktemp("publish-safety") / "corpus"
    write_corpus(corpus, facts=90, seed=5, facts_per_file=30)
    return make_dataset(paths, [corpus])


def graph_counts(ds: Dataset) -> dict[str, int]:
    return dict(sorted(Counter(q.graph_name.value for q in ds.quads).items()))  # type: ignore[union-attr]


def forms(secret: str, user: str | None = None) -> list[str]:
    """Every form in which a secret could be printed: raw, percent-encoded, base64, basic-auth encoded."""
    found = [secret, quote(secret, safe=""), quote(secret), quote_plus(secret),
             base64.b64encode(secret.encode()).decode()]
    if user is not None:
        found += [base64.b64encode(f"{user}:{secret}".encode(encoding)).decode() for encoding in ("utf-8", "latin-1")]
    return found


def assert_never_shown(text: str, secret: str, user: str | None = None) -> None:
    """Not the secret in any form, nor any 8 characters of one."""
    for form in forms(secret, user):
        for i in range(len(form) - 7):
            assert form[i:i + 8] not in text, f"{form[i:i + 8]!r} of {form!r} is printed:\n{text}"


def one_line_exit_2(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# -- 1. never print a credential --------------------------------------------------------------------------

@pytest.mark.parametrize("offset", [CUT - 40, CUT - 24, CUT - 14, CUT - 11])
@pytest.mark.parametrize("shape", ["header", "raw", "percent-encoded", "base64"])
def test_an_echoed_token_straddling_the_cut_is_never_printed(shape: str, offset: int, runner: CliRunner,
                                                              dataset: Dataset) -> None:
    def echo(authorization: str) -> str:
        token = authorization.removeprefix("Bearer ")
        prefix, shown = {"header": ("Bearer ", token), "raw": ("", token),
                         "percent-encoded": ("", quote(token, safe="")),
                         "base64": ("", base64.b64encode(token.encode()).decode())}[shape]
        # the error text starts after "HTTP 400 Bad Request: "; the secret starts `offset` characters into
        # it, so a cut at CUT characters (157 and "...") would keep 8 to 37 characters of it
        return "x" * (offset - len(prefix)) + prefix + shown + " (echoed)"

    first = dataset.graphs[0].value
    with running(FakeStore(plan={first: ["echo"]}, echo=echo)) as fake:
        result = runner.invoke(main, ["publish", "--store", fake.store_url, "--token-env", "LAC_TOKEN",
                                      "--retries", "0"], env={"LAC_TOKEN": TOKEN})
    assert {s.authorization for s in fake.seen} == {f"Bearer {TOKEN}"}
    assert result.exit_code == 3, result.output
    assert "HTTP 400 Bad Request: xxxx" in result.stderr
    assert_never_shown(result.output, TOKEN)


@pytest.mark.parametrize("shape", ["header", "raw", "percent-encoded", "html"])
def test_an_echoed_password_is_never_printed_in_any_form(shape: str, runner: CliRunner, dataset: Dataset) -> None:
    def echo(authorization: str) -> str:
        shown = {"header": authorization, "raw": PASSWORD, "percent-encoded": quote(PASSWORD, safe=""),
                 "html": f"<html><body><p>user {USER}, password {PASSWORD.replace('&', '&amp;')}</p></body></html>"}
        # the secret straddles the cut (an HTML page loses its tags and spaces first)
        return "y" * (CUT - (50 if shape == "html" else 30)) + shown[shape]

    first = dataset.graphs[0].value
    with running(FakeStore(plan={first: ["echo"]}, echo=echo, echo_status=401)) as fake:
        result = runner.invoke(main, ["publish", "--store", fake.store_url, "--user", USER, "--retries", "0"],
                               env={"LACRDF_PASSWORD": PASSWORD})
    assert result.exit_code == 3, result.output
    assert "HTTP 401 Unauthorized: yyyy" in result.stderr
    assert_never_shown(result.output, PASSWORD, USER)


def test_a_partial_secret_the_server_cut_itself_is_masked(sample: Dataset) -> None:
    # the store cut the token at its own limit: 20 of its 64 characters, inside the text lacrdf shows
    graphs = [g.value for g in sample.graphs]
    with running(FakeStore(plan={graphs[0]: ["echo"]}, echo=lambda a: f"token {a[7:27]}... is unknown")) as fake:
        with pytest.raises(PublishError) as info:
            publish(sample, fake.store_url, auth=Auth(token=TOKEN), timeout=5, retries=0)
    assert "HTTP 400 Bad Request: token ***... is unknown" in str(info.value)
    assert_never_shown(str(info.value), TOKEN)


@pytest.mark.parametrize("url", [
    "http://bob:hunter22-pw@{host}/store",
    "http://bob:hunter22%40pw@{host}/store",  # a URL-encoded password
    "http://bob@{host}/store",
    "https://:hunter22-pw@{host}/store",
    "http://bob:hunter22-pw@[::1/store",  # malformed as well
])
def test_credentials_in_the_store_url_are_refused_and_never_echoed(url: str, runner: CliRunner) -> None:
    with running(FakeStore()) as fake:
        result = runner.invoke(main, ["publish", "--store", url.format(host=fake.url.removeprefix("http://"))])
    line = one_line_exit_2(result)
    assert fake.seen == []
    assert "--user" in line and "--password-env" in line and "--token-env" in line, line
    for part in ("hunter22", "bob", "%40"):
        assert part not in line, line


def test_credentials_of_a_store_url_given_to_the_library_are_masked(sample: Dataset) -> None:
    # the library still takes user:password@ (requests sends it as basic auth); a server that echoes it
    # gets *** in every form, and the URL is shown without it
    graphs = [g.value for g in sample.graphs]
    with running(FakeStore(plan={graphs[0]: ["echo"]},
                           echo=lambda a: f"bad credentials: {a}, that is {base64.b64decode(a[6:]).decode()}")) as fake:
        url = fake.store_url.replace("http://", "http://bob:hunter22%2Fpw@")
        with pytest.raises(PublishError) as info:
            publish(sample, url, auth=Auth(), timeout=5, retries=0)
    message = str(info.value)
    assert message.splitlines()[0].startswith(f"publish to {fake.store_url} failed at graph <{graphs[0]}>: ")
    assert "bad credentials: Basic ***, that is bob:***" in message
    assert_never_shown(message, "hunter22/pw", "bob")
    assert "hunter22%2Fpw" not in message


# -- 2. the store must hold what was sent -----------------------------------------------------------------

def test_a_store_that_holds_half_a_graph_is_exit_3_with_the_counts(runner: CliRunner, dataset: Dataset) -> None:
    graphs = [g.value for g in dataset.graphs]
    counts = graph_counts(dataset)
    half = graphs[2]
    with running(FakeStore(plan={half: ["half"]})) as fake:
        result = runner.invoke(main, ["publish", "--store", fake.store_url])
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == (f"publish to {fake.store_url}: the store does not hold what was sent in 1 of "
                        f"{len(graphs)} graphs")
    assert lines[1] == f"graph <{half}>: sent {counts[half]} triples, store holds {counts[half] // 2}"
    assert lines[2:-1] == [f"{('differs' if g == half else 'replaced').ljust(8)}  <{g}>" for g in graphs]
    assert lines[-1] == f"publish incomplete: {len(graphs) - 1} replaced, 1 differs of {len(graphs)} graphs"


def test_the_same_count_of_other_triples_is_a_difference(sample: Dataset) -> None:
    graphs = [g.value for g in sample.graphs]
    counts = graph_counts(sample)
    with running(FakeStore(plan={graphs[0]: ["alter"], graphs[3]: ["half"]})) as fake:
        with pytest.raises(PublishError) as info:
            publish(sample, fake.store_url, auth=Auth(), timeout=5, retries=0)
    err = info.value
    assert err.exit_code == 3
    assert err.status == {g: "differs" if g in (graphs[0], graphs[3]) else "replaced" for g in graphs}
    assert ALTERED.decode().strip() in fake.graphs[graphs[0]].decode()
    lines = str(err).splitlines()
    assert lines[1:3] == [
        f"graph <{graphs[0]}>: sent {counts[graphs[0]]} triples, store holds {counts[graphs[0]]} "
        "(1 of them not sent)",
        f"graph <{graphs[3]}>: sent {counts[graphs[3]]} triples, store holds {counts[graphs[3]] // 2}"]


def test_a_store_that_holds_what_was_sent_is_exit_0(runner: CliRunner, dataset: Dataset) -> None:
    with running(FakeStore()) as fake:
        result = runner.invoke(main, ["publish", "--store", fake.store_url])
    assert result.exit_code == 0, result.output
    total = sum(graph_counts(dataset).values())
    assert result.stdout.splitlines()[-1].endswith(f"; read back {total} triples")


# -- 3. "unknown" unless the answer or a read-back settles it --------------------------------------------

@pytest.mark.parametrize(("plan", "read", "status"), [
    (["500-after-store"] * 2, "ok", "replaced"),  # the read-back shows exactly what was sent
    (["reset-after-store"] * 2, "ok", "replaced"),
    (["500"] * 2, "ok", "not replaced"),  # answered, and the store does not hold it
    (["500"] * 2, "500", "unknown"),  # answered 500, and the read-back fails too: nothing settles it
    (["500-after-store"] * 2, "500", "unknown"),
    (["reset"] * 2, "ok", "unknown"),  # no answer: the store may still apply it
    (["504"] * 2, "ok", "unknown"),  # a gateway gave up waiting: the store behind it may still apply it
], ids=["500-after-store", "reset-after-store", "500", "500-unreadable", "500-after-store-unreadable", "reset",
        "504"])
def test_a_put_whose_answer_does_not_settle_the_state_is_read_back(plan: list[str], read: str, status: str,
                                                                   sample: Dataset) -> None:
    graphs = [g.value for g in sample.graphs]
    failing = graphs[2]
    with running(FakeStore(plan={failing: list(plan)}, read_action=read)) as fake:
        with pytest.raises(PublishError) as info:
            publish(sample, fake.store_url, auth=Auth(), timeout=2, retries=1, backoff=0.01)
    err = info.value
    assert err.exit_code == 3
    assert err.status == {**{g: "replaced" for g in graphs[:2]}, failing: status,
                          **{g: "not replaced" for g in graphs[3:]}}
    assert fake.puts(failing) == 2 and all(fake.puts(g) == 0 for g in graphs[3:])
    lines = str(err).splitlines()
    assert lines[0].startswith(f"publish to {fake.store_url} failed at graph <{failing}>: PUT: ")
    assert f"{status.ljust(12)}  <{failing}>" in lines
    replaced = 3 if status == "replaced" else 2
    others = len(graphs) - 3
    counts = {"replaced": replaced, "not replaced": others + (status == "not replaced"),
              "unknown": int(status == "unknown")}
    summary = ", ".join(f"{n} {label}" for label, n in counts.items() if n)
    assert lines[-1] == f"publish incomplete: {summary} of {len(graphs)} graphs"


def test_a_store_that_saved_then_answered_500_through_the_cli(runner: CliRunner, dataset: Dataset) -> None:
    graphs = [g.value for g in dataset.graphs]
    counts = graph_counts(dataset)
    with running(FakeStore(plan={graphs[1]: ["500-after-store"] * 2})) as fake:
        result = runner.invoke(main, ["publish", "--store", fake.store_url, "--retries", "1"])
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0] == (f"publish to {fake.store_url} failed at graph <{graphs[1]}>: PUT: HTTP 500 Internal "
                        "Server Error: internal error after the commit (after 2 attempts)")
    assert lines[1] == (f"graph <{graphs[1]}>: the PUT failed, but reading the graph back shows exactly the "
                        f"{counts[graphs[1]]} triples sent")
    assert lines[2:4] == [f"replaced      <{g}>" for g in graphs[:2]]
    assert lines[-1] == f"publish incomplete: 2 replaced, {len(graphs) - 2} not replaced of {len(graphs)} graphs"


# -- 4. options in one line, exit 2; the backoff is capped -----------------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    (["--timeout", "nan"], "--timeout"),
    (["--timeout", "0"], "--timeout"),
    (["--timeout", "-1"], "--timeout"),
    (["--timeout", "inf"], "--timeout"),
    (["--timeout", "1e400"], "--timeout"),
    (["--timeout", "soon"], "--timeout"),
    (["--retries", "-1"], "--retries"),
    (["--retries", "11"], "--retries"),
    (["--retries", "many"], "--retries"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_bad_timeout_or_retries_is_one_line_and_exit_2(args: list[str], expected: str, runner: CliRunner) -> None:
    with running(FakeStore()) as fake:
        line = one_line_exit_2(runner.invoke(main, ["publish", "--store", fake.store_url, *args]))
    assert fake.seen == []
    assert expected in line


@pytest.mark.parametrize("url", [
    "ftp://127.0.0.1:7878/store",
    "127.0.0.1:7878/store",
    "/store",
    "http://",
    "http:///store",
    "http://127.0.0.1:99999/store",
    "http://127.0.0.1:port/store",
    "http://[::1/store",
    "http://127.0.0.1:7878/store#main",
    "http://127.0.0.1:7878/my store",
    "http://127.0.0.1:7878/store\n",
    "",
])
def test_a_malformed_store_url_is_one_line_and_exit_2(url: str, runner: CliRunner) -> None:
    line = one_line_exit_2(runner.invoke(main, ["publish", "--store", url]))
    assert line.startswith("Invalid value for '--store': "), line


def test_a_missing_store_is_one_line_and_exit_2(runner: CliRunner) -> None:
    assert "--store" in one_line_exit_2(runner.invoke(main, ["publish"]))


@pytest.mark.parametrize(("options", "match"), [
    ({"timeout": math.nan}, "--timeout"),
    ({"timeout": math.inf}, "--timeout"),
    ({"timeout": 0}, "--timeout"),
    ({"retries": 11}, "--retries"),
    ({"retries": -1}, "--retries"),
])
def test_the_library_checks_its_options_too(options: dict[str, float], match: str, sample: Dataset) -> None:
    with pytest.raises(InputError, match=match):
        publish(sample, f"http://127.0.0.1:{free_port()}/store", auth=Auth(), **options)  # type: ignore[arg-type]


def test_the_backoff_is_exponential_and_capped(sample: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(remote.time, "sleep", waits.append)
    graphs = [g.value for g in sample.graphs]
    with running(FakeStore(plan={graphs[0]: ["500"] * 11})) as fake:
        with pytest.raises(PublishError):
            publish(sample, fake.store_url, auth=Auth(), timeout=5, retries=10)
    assert fake.puts(graphs[0]) == 11
    assert waits == [0.5, 1, 2, 4, 8, 8, 8, 8, 8, 8]
    assert sum(waits) <= 60


def test_the_readme_shows_a_partial_store() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `lacrdf publish --store URL`", 1)[1].split("\n### ", 1)[0]
    assert "the store does not hold what was sent in 1 of 7 graphs" in section
    assert "store holds" in section and "differs " in section
