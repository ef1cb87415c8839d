"""The ``lacrdf`` command: click wiring over the library API. Exit codes: 0 ok or conforms,
1 validation found violations, 2 bad input or usage, 3 a remote endpoint or store failed, 4 the system
failed (disk full, out of memory)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from lacrdf import pipeline  # light: the heavy stages are imported by the functions that need them
from lacrdf.config import Namespaces, find_project
from lacrdf.errors import LacrdfError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES = """Exit codes: 0 ok (data conforms), 1 SHACL violations at or above --fail-on,
2 bad input (record error, unreadable file, bad option), 3 remote endpoint or store failure,
4 system failure (disk full, out of inodes or memory, a file the system refuses to write)."""


FAULT_EXIT = 4


def _fault(exc: BaseException) -> str:
    """One line for a failure of the system: what failed, on which file, and the system's reason."""
    import errno

    if isinstance(exc, MemoryError):
        return "out of memory"
    assert isinstance(exc, OSError)
    name = errno.errorcode.get(exc.errno or 0, "")
    where = f" {exc.filename}" if exc.filename else ""
    reason = exc.strerror or str(exc)
    return f"system error{where}: {reason}" + (f" ({name})" if name else "")


def handle_errors(func: F) -> F:
    """Turn lacrdf errors into their one-line messages and exit codes; no tracebacks."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LacrdfError as exc:
            click.echo(exc.render(), err=True)
            sys.exit(exc.exit_code)
        except (OSError, MemoryError) as exc:  # the machine, not the data: a full disk, no inodes, no memory
            click.echo(f"lacrdf: {_fault(exc)}; nothing was half-written (exit {FAULT_EXIT})", err=True)
            sys.exit(FAULT_EXIT)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


@click.group(help=f"lacrdf: the LAC diplomatic-relations knowledge graph toolkit.\n\n{EXIT_CODES}")
@click.version_option(package_name="lacrdf")
def main() -> None:
    pass


data_option = click.option("--data", "data", type=click.Path(exists=True, path_type=Path), multiple=True,
                           help="Record files or folders to use instead of the project's data/ (repeatable).")
base_option = click.option("--base", default=None, help="Base IRI for terms, resources and graphs "
                           "(default https://w3id.org/lacrdf/).")

engine_option = click.option("--engine", type=click.Choice(["oxigraph", "pyshacl"]), default="oxigraph",
                             show_default=True, help="SHACL engine: SHACL Core compiled to SPARQL on pyoxigraph "
                             "(fast), or pySHACL (the reference; same results, 10-20x slower).")
quiet_option = click.option("--quiet", "-q", is_flag=True,
                            help="No progress bars (they are shown only on a terminal, never in CI).")
out_option = click.option("--dist", "out", type=click.Path(path_type=Path), default=None,
                          help="The build to read: a 'lacrdf build --out' folder (default dist/; with --data or "
                          "--base, a folder of their own under .lacrdf-out/).")
no_build_option = click.option("--no-build", is_flag=True, help="Refuse (exit 2) instead of rebuilding when the "
                               "build is missing or its inputs changed.")


def built_graph_options(func: F) -> F:
    """--data, --base, --dist and --no-build: which build a command reads."""
    for option in (no_build_option, out_option, base_option, data_option):
        func = option(func)
    return func


def open_built(data: tuple[Path, ...], base: str | None, out: Path | None, no_build: bool, quiet: bool = False):  # type: ignore[no-untyped-def]
    """The built graph every command reads (rebuilt first, with one line on stderr, if it is stale)."""
    from lacrdf.progress import for_terminal

    return pipeline.open_graph(find_project(), data or None, base, out, rebuild=not no_build,
                               progress=for_terminal(quiet), notify=lambda line: click.echo(line, err=True))


infer_option = click.option("--infer", is_flag=True, help="Add OWL 2 RL entailments (owlrl) in their own "
                            "named graph, {base}graph/inferred; the curated graphs are unchanged.")


@main.command()
@data_option
@base_option
@engine_option
@quiet_option
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Output folder (default dist/); it becomes a link to the new build folder.")
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation",
              show_default=True, help="Lowest severity that stops the build.")
@click.option("--sparql-endpoint", default=None, help="The public SPARQL endpoint to advertise in void.ttl "
              "(default http://127.0.0.1:7878/query, what 'lacrdf serve' starts).")
@handle_errors
def build(data: tuple[Path, ...], base: str | None, engine: str, quiet: bool, out: Path | None,
          fail_on: str, sparql_endpoint: str | None) -> None:
    """Convert the records that changed, load the store, validate, and write dist/: the Oxigraph store
    (dist/store) every other command reads, the dumps (Turtle, N-Triples, JSON-LD, RDF/XML, TriG, N-Quads),
    ontology.ttl, void.ttl and manifest.json.

    Only the record files whose content (or whatever they reference) changed are converted again; the
    result is the same as a clean build. Nothing is switched unless the data conforms.

    Example: lacrdf build --out dist
    """
    from lacrdf.checks.reports import render_report
    from lacrdf.graph.metadata import DEFAULT_SPARQL_ENDPOINT
    from lacrdf.progress import for_terminal

    paths = find_project()
    result = pipeline.build(paths, data or None, base, out, threshold=fail_on, progress=for_terminal(quiet),
                            engine=engine, sparql_endpoint=sparql_endpoint or DEFAULT_SPARQL_ENDPOINT)
    if result.graph is None:
        click.echo(render_report(result.report, "text", fail_on), nl=False)
        click.echo("build stopped: the data does not conform; nothing was written", err=True)
        sys.exit(1)
    counts = result.report.counts()
    for path in result.written:
        click.echo(f"wrote {_rel(path, paths.root)}")
    c = result.graph.counts
    click.echo(f"{c['quads']} quads in {c['graphs']} graphs from {c['files']} record files ({result.how}); "
               f"{counts['violation']} violations, {counts['warning']} warnings, {counts['info']} infos")


def _rel(path: Path, root: Path) -> str:
    import os

    try:
        return str(Path(os.path.abspath(path)).relative_to(root.resolve()))
    except ValueError:
        return str(path)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@base_option
@infer_option
@engine_option
@quiet_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle", "junit", "github"]),
              default="text", show_default=True, help="Report format.")
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation",
              show_default=True, help="Lowest severity that makes the exit code 1.")
@click.option("--input-format", type=click.Choice(["turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"]),
              default=None, help="Read FILES as RDF of this format (default: by extension: .ttl .nt .nq .trig "
              ".jsonld .rdf; anything else is records).")
@click.option("--endpoint", default=None, help="Validate what this SPARQL 1.1 endpoint holds (all its graphs).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120.0, show_default=True,
              help="Seconds to wait for --endpoint.")
@handle_errors
def validate(files: tuple[Path, ...], base: str | None, infer: bool, engine: str, quiet: bool, fmt: str,
             fail_on: str, input_format: str | None, endpoint: str | None, timeout: float) -> None:
    """Validate records against the SHACL shapes and report each result at its YAML file and line; or
    validate RDF files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) or what a SPARQL endpoint
    holds against the same shapes, in the same formats, with the same exit codes.

    FILES are record files or folders, checked together with the project's data/actors/ (default: data/).

    Example: lacrdf validate data/sources/belgium-fps-lac.yaml
    """
    from lacrdf.checks import rdf_input

    if endpoint or input_format or (files and all(rdf_input.is_rdf(f) for f in files)):
        _validate_rdf(files, endpoint, input_format, base, engine, fmt, fail_on, timeout)
        return
    from lacrdf.checks.reports import render_record_errors, render_report
    from lacrdf.errors import InputError, RecordErrors

    paths = find_project()
    data: list[Path] | None = None
    if files:
        for f in files:
            if not f.exists():
                raise InputError(f"{f}: no such file or folder")
        data = sorted({paths.data / "actors", *files})
    from lacrdf.progress import for_terminal

    progress = for_terminal(quiet)
    try:
        ds = pipeline.make_dataset(paths, data, base, infer, progress)
    except RecordErrors as exc:  # the report in the format asked for, never an empty one
        click.echo(render_record_errors(exc.errors, fmt, fail_on), nl=False)
        sys.exit(exc.exit_code)
    report = pipeline.validate(ds, paths, progress, engine)
    click.echo(render_report(report, fmt, fail_on), nl=False)
    sys.exit(0 if report.conforms(fail_on) else 1)


def _validate_rdf(files: tuple[Path, ...], endpoint: str | None, input_format: str | None, base: str | None,
                  engine: str, fmt: str, fail_on: str, timeout: float) -> None:
    """validate for RDF: files (by extension or --input-format) or an endpoint; never both, never records."""
    from lacrdf.checks import rdf_input
    from lacrdf.checks.reports import render_report
    from lacrdf.checks.shapes import load_shapes, shapes_files
    from lacrdf.config import Namespaces
    from lacrdf.errors import InputError
    from lacrdf.graph.dataset import load_ontology

    paths = find_project()
    ns = Namespaces(base) if base else Namespaces()
    if endpoint and files:
        raise InputError("give FILES or --endpoint, not both")
    if endpoint:
        from lacrdf.publish.remote import run_remote_graph

        data = rdf_input.from_endpoint(endpoint, run_remote_graph(endpoint, rdf_input.ENDPOINT_QUERY, timeout))
    else:
        if not files:
            raise InputError("--input-format needs the RDF FILES to read")
        for f in files:
            if not f.is_file():
                raise InputError(f"{f}: no such file")
            if not input_format and not rdf_input.is_rdf(f):
                raise InputError(f"{f}: not an RDF file name; validate records and RDF files in separate runs")
        data = rdf_input.read_rdf_files(list(files), input_format)
    shape_files = shapes_files(paths.shapes_dir)
    report = rdf_input.validate_rdf(data, load_shapes(shape_files, ns), load_ontology(paths.ontology_dir, ns),
                                    engine, [str(f.relative_to(paths.root)) for f in shape_files])
    click.echo(render_report(report, fmt, fail_on), nl=False)  # type: ignore[arg-type]
    sys.exit(0 if report.conforms(fail_on) else 1)  # type: ignore[attr-defined]


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle", "junit", "github"]),
              default="text", show_default=True, help="Report format.")
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation",
              show_default=True, help="Lowest severity that makes the exit code 1.")
@click.option("--reasoner/--no-reasoner", default=False, show_default=True,
              help="Also check consistency and class satisfiability with HermiT (needs Java).")
@handle_errors
def lint(fmt: str, fail_on: str, reasoner: bool) -> None:
    """Check the ontology (declarations, en/es labels and comments, header, terms in use) and that every
    stored query parses with a strict SPARQL parser.

    Example: lacrdf lint --reasoner
    """
    from lacrdf.checks.lint import lint as run_lint
    from lacrdf.checks.reports import render_report

    paths = find_project()
    report = run_lint(pipeline.make_dataset(paths), paths, reasoner=reasoner)
    click.echo(render_report(report, fmt, fail_on), nl=False)
    sys.exit(0 if report.conforms(fail_on) else 1)


@main.command("queries")
@handle_errors
def list_queries_cmd() -> None:
    """List the stored queries with their parameters.

    Example: lacrdf queries
    """
    from lacrdf.graph.queries import list_queries

    for q in list_queries(find_project().queries_dir):
        click.echo(f"{q.name}: {q.title}")
        click.echo(f"    {q.description}")
        for p in q.params:
            default = f" (default: {p.default})" if p.default else ""
            click.echo(f"    --param {p.name}=<{p.type}>  {p.description}{default}")


@main.command()
@click.argument("name")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True)
@click.option("--endpoint", default=None, help="Run against this SPARQL 1.1 endpoint instead of the local build.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
              help="Local query engine: pyoxigraph (fast) or rdflib (an independent second engine).")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for an endpoint.")
@built_graph_options
@handle_errors
def query(name: str, params: tuple[str, ...], fmt: str, endpoint: str | None, engine: str, timeout: float,
          data: tuple[Path, ...], base: str | None, out: Path | None, no_build: bool) -> None:
    """Run a stored query (a name from 'lacrdf queries', or the path of a .rq file with the same header
    from any folder) on the built graph, or on a remote endpoint.

    A state or actor parameter takes an id or any name, alias, acronym or ISO code, without regard to
    case or accents (sending=Belgium, party=bélgica); a name that is unknown or ambiguous exits 2 with
    the closest names and their ids.

    Example: lacrdf query missions-by-host --param sending=BE
    """
    from lacrdf.graph import queries as q
    from lacrdf.graph.names import ActorNames

    paths = find_project()
    stored = q.get_query(paths.queries_dir, name)
    q.check_syntax(stored.text, where=str(stored.path))
    values = q.parse_params(params)
    if endpoint:
        from lacrdf.publish.remote import run_remote

        ns = Namespaces(base) if base else Namespaces()
        # names are looked up in the local build (opened only if a value is not an id the endpoint has)
        names = ActorNames(lambda t: q.run_local(open_built(data, base, out, no_build).store, t), ns)
        text = q.bind(stored, values, ns, q.actor_resolver(lambda t: run_remote(endpoint, t, timeout), ns), names)
        results = run_remote(endpoint, text, timeout)
    else:
        built = open_built(data, base, out, no_build)
        ns = built.ns

        def run(text: str) -> q.Results:
            return q.run_local(built.store, text)

        text = q.bind(stored, values, ns, q.actor_resolver(run, ns), ActorNames(run, ns))
        if engine == "oxigraph":
            results = q.run_local(built.store, text)
        else:
            results = q.run_rdflib(list(built.store.quads_for_pattern(None, None, None, None)), text)
    click.echo(q.render(results, fmt, ns.prefixes()), nl=False)


@main.command()
@click.argument("query_text", required=False, metavar="[QUERY_TEXT | -]")
@click.option("--file", "query_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Read the query from this file.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME with a VALUES block: <IRI>, an N-Triples literal (\"x\"@en, \"2020\"^^<...#gYear>), "
              "a number, or a plain string.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "ttl", "nt", "jsonld"]),
              default=None, help="SELECT/ASK: table (default), csv, tsv, json; CONSTRUCT/DESCRIBE: ttl "
              "(default), nt, jsonld.")
@click.option("--limit", type=click.IntRange(min=0), default=None, help="At most this many rows (or triples).")
@click.option("--endpoint", default=None, help="Run against this SPARQL 1.1 endpoint instead of the local build.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for an endpoint.")
@built_graph_options
@handle_errors
def sparql(query_text: str | None, query_file: Path | None, params: tuple[str, ...], fmt: str | None,
           limit: int | None, endpoint: str | None, timeout: float, data: tuple[Path, ...], base: str | None,
           out: Path | None, no_build: bool) -> None:
    """Run a SPARQL query of your own on the built graph (the union of its named graphs is the default
    graph; GRAPH reaches each source's graph): give it as an argument, with --file, or as '-' on stdin.
    The project's prefixes (lac:, rdfs:, schema:, dcterms:, ...) are declared for you.

    Example: lacrdf sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
    """
    from lacrdf.errors import InputError
    from lacrdf.graph import queries as q

    if query_file is not None and query_text is not None:
        raise InputError("give the query as an argument or with --file, not both")
    if query_file is not None:
        try:
            text, where = query_file.read_text(encoding="utf-8"), str(query_file)
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{query_file}: cannot read the query: {exc}") from None
    elif query_text == "-":
        text, where = sys.stdin.read(), "stdin"
    elif query_text:
        text, where = query_text, "query"
    else:
        raise InputError("no query: give QUERY_TEXT, --file Q.rq or - (stdin)")
    ns = Namespaces(base) if base else Namespaces()
    declared = q.with_prefixes(text, ns.prefixes())
    q.check_syntax(declared, where=where, line_offset=0 if declared == text else 1)
    text = declared
    form = q.query_form(text)
    graph_form = form == "CONSTRUCT"
    fmt = fmt or ("ttl" if graph_form else "table")
    if graph_form != (fmt in ("ttl", "nt", "jsonld")):
        raise InputError(f"--format {fmt} does not fit a {form} query; use "
                         + ("ttl, nt or jsonld" if graph_form else "table, csv, tsv or json"))
    text = q.bind_ad_hoc(text, q.parse_params(params))
    if endpoint:
        from lacrdf.publish.remote import run_remote, run_remote_graph

        if graph_form:
            triples = run_remote_graph(endpoint, text, timeout)[: limit if limit is not None else None]
        else:
            results = run_remote(endpoint, text, timeout)
            if limit is not None:
                results = q.Results(results.variables, results.rows[:limit])
    else:
        built = open_built(data, base, out, no_build)
        ns = built.ns
        if graph_form:
            triples = q.run_local_graph(built.store, text, limit)
        else:
            results = q.run_local(built.store, text, limit)
    if graph_form:
        sys.stdout.buffer.write(_graph_bytes(triples, fmt, ns))
    else:
        click.echo(q.render(results, fmt, ns.prefixes()), nl=False)


def _graph_bytes(triples: list[Any], fmt: str, ns: Namespaces) -> bytes:
    import io

    import pyoxigraph as ox

    from lacrdf.graph.dumps import write_jsonld

    if fmt == "jsonld":
        buf = io.BytesIO()
        write_jsonld(triples, ns.prefixes(), buf)
        return buf.getvalue()
    rdf_format = ox.RdfFormat.TURTLE if fmt == "ttl" else ox.RdfFormat.N_TRIPLES
    return ox.serialize(triples, format=rdf_format, prefixes=ns.prefixes() if fmt == "ttl" else None) or b""


@main.command()
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "xml", "trig", "nq", "csv", "sqlite"]),
              required=True, help="An RDF format, or tables: csv (a folder of CSV files with a Frictionless "
              "datapackage.json) or sqlite (one SQLite file with full-text search, for Datasette).")
@click.option("--output", type=click.Path(path_type=Path), required=True,
              help="File to write (atomically); for csv, the folder (written whole, then renamed into place).")
@built_graph_options
@handle_errors
def export(fmt: str, output: Path, data: tuple[Path, ...], base: str | None, out: Path | None,
           no_build: bool) -> None:
    """Write the built graph in one format: a copy, written atomically, of the build's own dump; or the
    analysts' tables (one per fact kind, actors with their COW, G-W, M49 and FIPS codes, sources, evidence,
    missions by dyad and year) as CSV with a data package, or as SQLite.

    Example: lacrdf export --format ttl --output dist/lacrdf.ttl
    """
    from lacrdf.graph.dumps import atomic_write_many, get_format

    built = open_built(data, base, out, no_build)
    if fmt in ("csv", "sqlite"):
        from lacrdf.publish.tables import write_csv, write_sqlite

        tables = (write_csv if fmt == "csv" else write_sqlite)(built, output)
        rows = sum(len(t.rows) for t in tables)
        click.echo(f"wrote {output} ({len(tables)} tables, {rows} rows)")
        return
    source = built.folder / f"lacrdf.{get_format(fmt).extension}"
    if source.resolve() != output.resolve():
        atomic_write_many({output: source.read_bytes()})
    click.echo(f"wrote {output}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@built_graph_options
@handle_errors
def stats(fmt: str, data: tuple[Path, ...], base: str | None, out: Path | None, no_build: bool) -> None:
    """Count facts, actors and triples per source document (from the build's manifest and store).

    Example: lacrdf stats
    """
    from lacrdf.graph.stats import compute_stats, render_stats

    rows = compute_stats(open_built(data, base, out, no_build))
    if fmt == "json":
        click.echo(json.dumps(rows, indent=1))
    else:
        click.echo(render_stats(rows), nl=False)


def _size_option(ctx: click.Context, param: click.Parameter, value: str) -> int:
    from lacrdf.publish.guard import parse_size

    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command()
@click.option("--port", type=int, default=0, show_default=True, help="TCP port on 127.0.0.1 (0 picks a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--site", "site_dir", type=click.Path(path_type=Path), default=None, is_flag=False,
              flag_value="site", help="Serve the static linked-data site in DIR (from 'lacrdf site') with "
              "content negotiation, instead of the SPARQL store.")
@click.option("--writable", is_flag=True, help="Accept SPARQL updates and Graph Store writes, on a temporary copy "
              "of the build (gone when the server stops); never from another site's page.")
@click.option("--query-timeout", type=click.FloatRange(min=0, min_open=True), default=30.0, show_default=True,
              metavar="SECONDS", help="Answer 503 to a request still running after this long, and restart "
              "Oxigraph to stop its work.")
@click.option("--allow-service", multiple=True, metavar="HOST[:PORT]", help="A host that SERVICE and LOAD may "
              "reach, or an endpoint URL on it (repeatable; by default none).")
@click.option("--public-name", multiple=True, metavar="NAME[:PORT]", help="A host name clients use for this "
              "server, besides its address and loopback names (repeatable); other Host headers get 421.")
@click.option("--max-body", default="1MiB", show_default=True, callback=_size_option, metavar="SIZE",
              help="Largest query or update body; larger gets 413.")
@click.option("--max-upload", default="128MiB", show_default=True, callback=_size_option, metavar="SIZE",
              help="Largest Graph Store upload (with --writable).")
@built_graph_options
@handle_errors
def serve(port: int, host: str, site_dir: Path | None, writable: bool, query_timeout: float,
          allow_service: tuple[str, ...], public_name: tuple[str, ...], max_body: int, max_upload: int,
          data: tuple[Path, ...], base: str | None, out: Path | None, no_build: bool) -> None:
    """Start a SPARQL 1.1 server (Oxigraph) on the built store, read-only, or serve the site; Ctrl-C stops it.

    The server opens the build's own store (nothing is copied or loaded), with one named graph per source
    plus the ontology graph; queries without GRAPH see the union of the graphs, as local runs do. A guarding
    proxy in front refuses updates (unless --writable), SERVICE and LOAD to other hosts, foreign Host
    headers and large bodies, and stops queries that outlive --query-timeout.

    Example: lacrdf serve --port 7878
    """
    if site_dir is not None:
        from lacrdf.publish.site.server import serve_site

        serve_site(site_dir, host=host, port=port, on_ready=lambda url: click.echo(f"serving {site_dir} at {url}"),
                   log=lambda line: click.echo(line, err=True))  # one line per request, on stderr
        return
    from lacrdf.publish.guard import format_size
    from lacrdf.publish.server import serve as serve_store

    def ready(url: str) -> None:
        mode = (f"writable: updates at {url}/update, Graph Store at {url}/store" if writable else "read-only")
        click.echo(f"SPARQL endpoint: {url}/query  ({mode}; query page: {url}/)")
        services = f"only to {', '.join(allow_service)}" if allow_service else "to no other host"
        names = "this server's address" + (f" or {', '.join(public_name)}" if public_name else " only")
        click.echo(f"limits: {query_timeout:g} s per request (--query-timeout), {format_size(max_body)} per body "
                   f"(--max-body); SERVICE and LOAD {services} (--allow-service); Host: {names} (--public-name)")
        if host not in ("localhost", "::1") and not host.startswith("127."):
            click.echo(f"warning: listening on {host}, beyond loopback: put a TLS proxy with rate limits in front "
                       "(README, 'lacrdf serve')", err=True)

    built = open_built(data, base, out, no_build)
    serve_store(built, host=host, port=port, writable=writable, query_timeout=query_timeout,
                allow_service=allow_service, public_names=public_name, max_body=max_body, max_upload=max_upload,
                on_ready=ready)


class _OptionLine(click.ClickException):
    """A bad option as one line on stderr, exit 2 (click's own report is three: usage, hint, error)."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


class _OneLineOptions(click.Command):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise _OptionLine(exc.format_message()) from None


def _store_url_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An absolute http(s) URL without credentials, fragment or space; the reason never echoes credentials."""
    from lacrdf.publish.remote import store_url_problem

    problem = None if value is None or ctx.resilient_parsing else store_url_problem(value)
    if problem:
        raise click.BadParameter(problem)
    return value


def _finite_seconds(ctx: click.Context, param: click.Parameter, value: float) -> float:
    import math

    if not math.isfinite(value):  # FloatRange lets nan through: every comparison with it is false
        raise click.BadParameter(f"{value} is not a number of seconds")
    return value


@main.command(cls=_OneLineOptions)
@click.option("--store", "store_url", required=True, callback=_store_url_option,
              help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store (an http(s) URL without "
              "user:password@: give credentials with --user and --password-env, or --token-env).")
@click.option("--graph-prefix", default=None, help="Publish the named graphs under this IRI prefix instead "
              "of their own names.")
@click.option("--user", default=None, help="User for HTTP basic authentication.")
@click.option("--password-env", default="LACRDF_PASSWORD", show_default=True,
              help="Environment variable holding the password (never printed).")
@click.option("--token-env", default=None, help="Environment variable holding a bearer token (never printed).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True, max=86400.0), default=30.0,
              callback=_finite_seconds, show_default=True,
              help="Seconds per HTTP request: a finite number > 0 (at most 86400).")
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
              help="Retries (0 to 10) of a failed request, after waits of 0.5 s, 1 s, 2 s, ... "
              "(at most 8 s each).")
@built_graph_options
@handle_errors
def publish(store_url: str, graph_prefix: str | None, user: str | None, password_env: str,
            token_env: str | None, timeout: float, retries: int, data: tuple[Path, ...], base: str | None,
            out: Path | None, no_build: bool) -> None:
    """Push every named graph to a store by the SPARQL 1.1 Graph Store Protocol (PUT per graph).

    After the push each graph is read back, compared with what was sent and its triple count reported. When
    the store holds other triples than were sent, or a request fails for good (HTTP error, timeout, reset),
    it says per graph whether it was replaced, differs, was not replaced or is in an unknown state, and
    exits 3. No message shows a credential; a bad option is one line and exit 2.

    Example: lacrdf publish --store http://127.0.0.1:7878/store
    """
    import os

    from lacrdf.errors import InputError
    from lacrdf.publish.remote import Auth
    from lacrdf.publish.remote import publish as do_publish

    ds = open_built(data, base, out, no_build)
    password = os.environ.get(password_env) if user else None
    token = os.environ.get(token_env) if token_env else None
    if token_env and not token:
        raise InputError(f"--token-env {token_env}: the environment variable is not set")
    report = do_publish(ds, store_url, graph_prefix=graph_prefix, auth=Auth(user, password, token),
                        timeout=timeout, retries=retries)
    click.echo(report.render(), nl=False)


@main.command()
@click.option("--out", "site_out", type=click.Path(path_type=Path), default=Path("site"), show_default=True,
              help="Folder to write the site to.")
@click.option("--texts", "texts", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder of the source texts: paragraph pages show their text with each fact's evidence "
              "highlighted, fact pages quote it (default: the seeds folder, LACRDF_SEEDS or ../shared/seeds).")
@click.option("--no-texts", is_flag=True, help="Leave the texts out (pages give the evidence offsets only), "
              "e.g. when you may not republish the documents.")
@click.option("--sparql-endpoint", default=None, help="The public SPARQL endpoint to advertise in the site's "
              "VoID/DCAT (default: the local `lacrdf serve` address, http://127.0.0.1:7878/query).")
@built_graph_options
@handle_errors
def site(site_out: Path, texts: Path | None, no_texts: bool, sparql_endpoint: str | None, data: tuple[Path, ...],
         base: str | None, out: Path | None, no_build: bool) -> None:
    """Write a static linked-data site: an HTML page and .ttl/.jsonld/.nt per resource, content-negotiation
    rules for Apache and nginx, VoID and DCAT metadata, ontology documentation and diagrams.

    Example: lacrdf site --out site
    """
    from lacrdf.publish.site import build_site

    paths = find_project()
    built = open_built(data, base, out, no_build)
    if sparql_endpoint is not None:
        from lacrdf.values import parse_iri

        try:
            parse_iri(sparql_endpoint)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--sparql-endpoint") from None
    options = {"sparql_endpoint": sparql_endpoint} if sparql_endpoint else {}
    report = build_site(built, paths, site_out, texts=None if no_texts else (texts or paths.seeds), **options)
    click.echo(report.render(), nl=False)


@main.command()
@click.argument("text_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handle_errors
def paragraphs(text_file: Path, fmt: str) -> None:
    """Print a source text's paragraphs numbered as citations count them (blocks separated by blank lines,
    from 1), with each one's length in characters (evidence offsets run from 0 to that length).

    Example: lacrdf paragraphs ../shared/seeds/000_24c7c346798f0c18.txt
    """
    from lacrdf.records.texts import paragraphs as split
    from lacrdf.records.texts import read_source_text

    text, _ = read_source_text(text_file)
    paras = split(text)
    if fmt == "json":
        click.echo(json.dumps([{"para": n, "length": len(p), "text": p} for n, p in enumerate(paras, 1)],
                              ensure_ascii=False, indent=1))
        return
    for n, para in enumerate(paras, 1):
        click.echo(f"[{n}] ({len(para)} characters)\n{para}\n")


@main.command("new-source")
@click.argument("text_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--id", "source_id", required=True, help="The source's id (letters, digits, '.', '_', '-').")
@click.option("--language", required=True, help="BCP 47 tag of the text's language (en, es, pt-BR...).")
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="File to write (default data/sources/ID.yaml); an existing file is never overwritten.")
@handle_errors
def new_source(text_file: Path, source_id: str, language: str, out_file: Path | None) -> None:
    """Write the skeleton of a new source file: its source record with the text's file name, SHA-256 and
    language, an empty facts list, and the paragraph count as a comment.

    \b
    Example: lacrdf new-source ../shared/seeds/000_24c7c346798f0c18.txt --id my-src --language en --out my-src.yaml
    """
    from lacrdf import values
    from lacrdf.errors import InputError
    from lacrdf.graph.dumps import atomic_write_many
    from lacrdf.records.texts import source_skeleton

    paths = find_project()
    for check, value, what in ((values.parse_id, source_id, "--id"), (values.parse_lang, language, "--language")):
        try:
            check(value)
        except ValueError as exc:
            raise InputError(f"{what}: {exc}") from None
    target = out_file or paths.data / "sources" / f"{source_id}.yaml"
    if target.exists():
        raise InputError(f"{target} exists; choose another --id or --out (it is never overwritten)")
    atomic_write_many({target: source_skeleton(text_file, paths.seeds, source_id, language).encode("utf-8")})
    shown = _rel(target, paths.root)
    click.echo(f"wrote {shown}: source {source_id}; add its facts, then lacrdf validate {shown}")


@main.command()
@click.argument("fact_id")
@click.argument("words")
@click.option("--para", type=click.IntRange(min=1), default=None,
              help="Look in this paragraph only (default: every paragraph the fact cites).")
@handle_errors
def locate(fact_id: str, words: str, para: int | None) -> None:
    """Print the evidence span of WORDS in the paragraphs FACT_ID cites, as a line to paste into the
    record's evidence list (case, curly quotes, dash styles and white space are ignored).

    Example: lacrdf locate be-emb-lima "Lima"
    """
    from lacrdf.records.texts import fact_paragraphs, locate_in

    paths = find_project()
    project = pipeline.load_records(paths)
    texts = fact_paragraphs(project, fact_id, paths.seeds)
    for number, start, end in locate_in(texts, words, para):
        click.echo(f"- {{para: {number}, start: {start}, end: {end}}}")


@main.command()
@click.argument("fact_id")
@handle_errors
def show(fact_id: str) -> None:
    """Print a fact with the words of the documents its evidence spans point at.

    Example: lacrdf show be-emb-lima
    """
    from lacrdf.records.texts import fact_paragraphs

    paths = find_project()
    project = pipeline.load_records(paths)
    texts = fact_paragraphs(project, fact_id, paths.seeds)
    fact = project.facts[fact_id]
    source = project.sources[fact.source]
    click.echo(f"{fact_id} ({type(fact).KIND}) from {source.id}, {source.file}")  # type: ignore[attr-defined]
    for span in fact.evidence:
        click.echo(f"  paragraph {span.para} [{span.start}:{span.end}]: {texts[span.para][span.start:span.end]}")


@main.command()
@click.argument("old")
@click.argument("new", required=False)
@click.option("--rev", "revisions", is_flag=True, help="OLD and NEW are git revisions of the project (without "
              "NEW: the working tree's build); each is built from its data/, ontology/ and enrich/ with the "
              "current code and shapes into a temporary folder, removed afterwards.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True, help="text (for people), markdown (a pull-request comment) or json.")
@quiet_option
@handle_errors
def diff(old: str, new: str | None, revisions: bool, fmt: str, quiet: bool) -> None:
    """Compare two builds: the facts added, removed and changed (field by field), by source document, each
    with its citation (source, paragraphs, evidence spans); then the actors, and a count of the other
    triples per graph. OLD and NEW are build folders ('lacrdf build --out DIR'; dist is one), or with --rev
    git revisions. Exit 0 whatever differs; 2 when OLD or NEW is not a build or not a revision.

    Example: lacrdf diff --rev HEAD
    """
    import tempfile

    from lacrdf.errors import InputError
    from lacrdf.graph.diff import compare_builds, open_build, render_diff

    if not revisions:
        if new is None:
            raise InputError("give two build folders, OLD and NEW (or --rev OLD [NEW] for git revisions)")
        report = compare_builds(open_build(Path(old)), open_build(Path(new)), old, new)
        click.echo(render_diff(report, fmt), nl=False)
        return
    paths = find_project()
    with tempfile.TemporaryDirectory(prefix="lacrdf-diff-") as tmp:
        before, old_label = _revision_build(paths, old, Path(tmp) / "old", quiet)
        if new is None:
            after, new_label = open_built((), None, None, False, quiet), "working tree"
        else:
            after, new_label = _revision_build(paths, new, Path(tmp) / "new", quiet)
        report = compare_builds(before, after, old_label, new_label)
        del before, after  # close the temporary stores before their folder goes
    click.echo(render_diff(report, fmt), nl=False)


def _revision_build(paths: Any, rev: str, folder: Path, quiet: bool) -> tuple[Any, str]:
    """Build the project at git revision ``rev`` into ``folder`` (a clean build, with the current code)."""
    from lacrdf.errors import InputError, LacrdfError
    from lacrdf.graph.diff import export_revision
    from lacrdf.progress import for_terminal

    revision = export_revision(paths, rev, folder)
    try:
        result = pipeline.build(revision.paths, out=folder / "build", progress=for_terminal(quiet))
    except LacrdfError as exc:
        lines = exc.render().splitlines() or [type(exc).__name__]
        more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
        raise InputError(f"{revision.label} does not build: {lines[0]}{more}") from None
    if result.graph is None:
        counts = result.report.counts()
        raise InputError(f"{revision.label} does not build: {counts['violation']} SHACL violations with the "
                         "current code and shapes")
    return result.graph, revision.label


@main.command()
@click.option("--version", "version", default=None, help="Release version (default: lacrdf's version).")
@click.option("--out", "release_out", type=click.Path(path_type=Path, file_okay=False), default=Path("release"),
              show_default=True, help="Folder for the archive and its SHA256SUMS.")
@built_graph_options
@handle_errors
def release(version: str | None, release_out: Path, data: tuple[Path, ...], base: str | None, out: Path | None,
            no_build: bool) -> None:
    """Write a citable, versioned release of the build: lacrdf-VERSION.tar.gz (the dumps, ontology,
    VoID/DCAT, manifest, CITATION.cff and their SHA256SUMS) and lacrdf-VERSION.SHA256SUMS; reproducible,
    never overwritten with other contents.

    Example: lacrdf release --out release
    """
    from lacrdf import __version__
    from lacrdf.publish.release import write_release

    paths = find_project()
    built = open_built(data, base, out, no_build)
    report = write_release(built, release_out, version or __version__, citation=paths.root / "CITATION.cff")
    click.echo(report.render(), nl=False)


@main.command()
@click.option("--facts", type=click.IntRange(min=1), required=True, help="Number of facts to generate.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder for the YAML corpus.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same files).")
@handle_errors
def synth(facts: int, out: Path, seed: int) -> None:
    """Write a synthetic corpus in the record format of data/ (for benchmarks and scale tests).

    Example: lacrdf synth --facts 200 --out synth-small
    """
    from lacrdf.records.synth import write_corpus

    report = write_corpus(out, facts=facts, seed=seed)
    click.echo(report.render(), nl=False)


@main.command()
@click.option("--wikidata", "endpoint", default=None, is_flag=False, flag_value="https://query.wikidata.org/sparql",
              metavar="[ENDPOINT]", help="Fetch the labels of the actors' Wikidata items from this SPARQL 1.1 "
              "endpoint (without a value: https://query.wikidata.org/sparql).")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="TriG file to write, atomically (default enrich/wikidata.trig in the project, which every "
              "'lacrdf build' includes).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              help="Seconds to wait for each request.")
@click.option("--dry-run", is_flag=True, help="Print the SPARQL query (or queries) and send nothing.")
@handle_errors
def enrich(endpoint: str | None, output: Path | None, timeout: float, dry_run: bool) -> None:
    """Fetch the actors' names in en, es, pt and fr from their Wikidata items into an enrichment graph of
    its own ({base}graph/enrich/wikidata, with its PROV-O provenance), never into the curated graphs; the
    next 'lacrdf build' adds it to the store and the TriG/N-Quads dumps. If a request fails nothing is
    written (exit 3) and the previous file stays as it was.

    Example: lacrdf enrich --wikidata --dry-run
    """
    from lacrdf.publish.enrich import dry_run as queries_of
    from lacrdf.publish.enrich import enrich_wikidata

    if endpoint is None:
        raise click.UsageError("say where the names come from: --wikidata [ENDPOINT]")
    paths = find_project()
    project = pipeline.load_records(paths)
    if dry_run:
        for n, text in enumerate(queries_of(project), 1):
            click.echo(f"# request {n} to {endpoint}\n{text}")
        return
    target = output or paths.enrich / "wikidata.trig"
    report = enrich_wikidata(project, endpoint, target, timeout=timeout, shown=_rel(target, paths.root))
    click.echo(report.render(), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
