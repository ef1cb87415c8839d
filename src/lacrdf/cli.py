"""The ``lacrdf`` command: click wiring over the library API. Exit codes: 0 ok or conforms,
1 validation found violations, 2 bad input or usage, 3 a remote endpoint or store failed."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import pipeline
from .config import Namespaces, find_project
from .errors import LacrdfError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES = """Exit codes: 0 ok (data conforms), 1 SHACL violations at or above --fail-on,
2 bad input (record error, unreadable file, bad option), 3 remote endpoint or store failure."""


def handle_errors(func: F) -> F:
    """Turn lacrdf errors into their one-line messages and exit codes; no tracebacks."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LacrdfError as exc:
            click.echo(exc.render(), err=True)
            sys.exit(exc.exit_code)
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
infer_option = click.option("--infer", is_flag=True, help="Add OWL 2 RL entailments (owlrl) in their own "
                            "named graph, {base}graph/inferred; the curated graphs are unchanged.")


@main.command()
@data_option
@base_option
@infer_option
@engine_option
@quiet_option
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Output folder (default dist/).")
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation",
              show_default=True, help="Lowest severity that stops the build.")
@handle_errors
def build(data: tuple[Path, ...], base: str | None, infer: bool, engine: str, quiet: bool, out: Path | None,
          fail_on: str) -> None:
    """Load, convert, validate and write dist/ (Turtle, N-Triples, JSON-LD, RDF/XML, TriG, N-Quads).

    Nothing is written unless the data conforms.

    Example: lacrdf build --out dist
    """
    from .reports import render_report

    paths = find_project()
    from .progress import for_terminal

    result = pipeline.build(paths, data or None, base, out, threshold=fail_on, infer=infer,
                            progress=for_terminal(quiet), engine=engine)
    if not result.report.conforms(fail_on):
        click.echo(render_report(result.report, "text", fail_on), nl=False)
        click.echo("build stopped: the data does not conform; nothing was written", err=True)
        sys.exit(1)
    counts = result.report.counts()
    for path in result.written:
        click.echo(f"wrote {_rel(path, paths.root)}")
    click.echo(f"{len(result.dataset.quads)} quads in {len(result.dataset.graphs)} graphs; "
               f"{counts['violation']} violations, {counts['warning']} warnings, {counts['info']} infos")


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
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
@handle_errors
def validate(files: tuple[Path, ...], base: str | None, infer: bool, engine: str, quiet: bool, fmt: str,
             fail_on: str) -> None:
    """Validate records against the SHACL shapes and report each result at its YAML file and line.

    FILES are record files or folders, checked together with the project's data/actors/ (default: data/).

    Example: lacrdf validate data/sources/belgium-fps-lac.yaml
    """
    from .errors import InputError
    from .reports import render_report

    paths = find_project()
    data: list[Path] | None = None
    if files:
        for f in files:
            if not f.exists():
                raise InputError(f"{f}: no such file or folder")
        data = sorted({paths.data / "actors", *files})
    from .progress import for_terminal

    progress = for_terminal(quiet)
    ds = pipeline.make_dataset(paths, data, base, infer, progress)
    report = pipeline.validate(ds, paths, progress, engine)
    click.echo(render_report(report, fmt, fail_on), nl=False)
    sys.exit(0 if report.conforms(fail_on) else 1)


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
    from .lint import lint as run_lint
    from .reports import render_report

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
    from .queries import list_queries

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
@data_option
@base_option
@handle_errors
def query(name: str, params: tuple[str, ...], fmt: str, endpoint: str | None, engine: str, timeout: float,
          data: tuple[Path, ...], base: str | None) -> None:
    """Run a stored query on the built graph (or on a remote endpoint).

    Example: lacrdf query missions-by-host --param sending=BE
    """
    from . import queries as q

    paths = find_project()
    ns = Namespaces(base) if base else Namespaces()
    stored = q.get_query(paths.queries_dir, name)
    project = pipeline.load_records(paths, data or None)
    from .kinds.base import Context

    ctx = Context(ns, project.actors, project.facts)
    text = q.bind(stored, q.parse_params(params), ns, ctx.resolve_actor)
    if endpoint:
        from .remote import run_remote

        results = run_remote(endpoint, text, timeout)
    else:
        from .dataset import build_dataset, load_ontology

        ds = build_dataset(project, ns, load_ontology(paths.ontology_dir, ns))
        results = q.run_local(ds.store, text) if engine == "oxigraph" else q.run_rdflib(ds.quads, text)
    click.echo(q.render(results, fmt, ns.prefixes()), nl=False)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "xml", "trig", "nq"]), required=True)
@click.option("--output", type=click.Path(path_type=Path), required=True, help="File to write (atomically).")
@data_option
@base_option
@handle_errors
def export(fmt: str, output: Path, data: tuple[Path, ...], base: str | None) -> None:
    """Write the graph in one format (the data is validated first; nothing is written if it fails).

    Example: lacrdf export --format ttl --output dist/lacrdf.ttl
    """
    from .export import export as do_export
    from .reports import render_report

    paths = find_project()
    ds = pipeline.make_dataset(paths, data or None, base)
    report = pipeline.validate(ds, paths)
    if not report.conforms():
        click.echo(render_report(report, "text", "violation"), nl=False)
        sys.exit(1)
    do_export(ds, fmt, output)
    click.echo(f"wrote {output}")


@main.command()
@data_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@handle_errors
def stats(data: tuple[Path, ...], fmt: str) -> None:
    """Count facts, actors and triples per source document.

    Example: lacrdf stats
    """
    from .stats import compute_stats, render_stats

    paths = find_project()
    project = pipeline.load_records(paths, data or None)
    ds = pipeline.make_dataset(paths, data or None)
    rows = compute_stats(project, ds)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=1))
    else:
        click.echo(render_stats(rows), nl=False)


@main.command()
@click.option("--port", type=int, default=0, show_default=True, help="TCP port on 127.0.0.1 (0 picks a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--store", "store_dir", type=click.Path(path_type=Path), default=None,
              help="Persist the Oxigraph store in this folder (default: a temporary folder).")
@click.option("--site", "site_dir", type=click.Path(path_type=Path), default=None, is_flag=False,
              flag_value="site", help="Serve the static linked-data site in DIR (from 'lacrdf site') with "
              "content negotiation, instead of the SPARQL store.")
@data_option
@base_option
@handle_errors
def serve(port: int, host: str, store_dir: Path | None, site_dir: Path | None, data: tuple[Path, ...],
          base: str | None) -> None:
    """Start a SPARQL 1.1 server (Oxigraph) loaded with the dataset, or serve the site; Ctrl-C stops it.

    The dataset is bulk-loaded with one named graph per source plus the ontology graph; queries without
    GRAPH see the union of the graphs, as local runs do.

    Example: lacrdf serve --port 7878
    """
    if site_dir is not None:
        from .site.server import serve_site

        serve_site(site_dir, host=host, port=port, on_ready=lambda url: click.echo(f"serving {site_dir} at {url}"))
        return
    from .server import serve as serve_store

    paths = find_project()
    ds = pipeline.make_dataset(paths, data or None, base)
    serve_store(ds, host=host, port=port, store_dir=store_dir,
                on_ready=lambda url: click.echo(f"SPARQL endpoint: {url}/query  (Graph Store: {url}/store)"))


@main.command()
@click.option("--store", "store_url", required=True,
              help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store")
@click.option("--graph-prefix", default=None, help="Publish the named graphs under this IRI prefix instead "
              "of their own names.")
@click.option("--user", default=None, help="User for HTTP basic authentication.")
@click.option("--password-env", default="LACRDF_PASSWORD", show_default=True,
              help="Environment variable holding the password (never printed).")
@click.option("--token-env", default=None, help="Environment variable holding a bearer token (never printed).")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds per HTTP request.")
@click.option("--retries", type=int, default=3, show_default=True, help="Retries of a failed PUT, with backoff.")
@data_option
@base_option
@handle_errors
def publish(store_url: str, graph_prefix: str | None, user: str | None, password_env: str,
            token_env: str | None, timeout: float, retries: int, data: tuple[Path, ...], base: str | None) -> None:
    """Push every named graph to a store by the SPARQL 1.1 Graph Store Protocol (PUT per graph).

    After the push the triple count of each graph is read back and reported. On an HTTP error, timeout or
    reset it reports which graphs were replaced and which were not, and exits 3.

    Example: lacrdf publish --store http://127.0.0.1:7878/store
    """
    import os

    from .remote import Auth
    from .remote import publish as do_publish

    paths = find_project()
    ds = pipeline.make_dataset(paths, data or None, base)
    from .errors import InputError

    password = os.environ.get(password_env) if user else None
    token = os.environ.get(token_env) if token_env else None
    if token_env and not token:
        raise InputError(f"--token-env {token_env}: the environment variable is not set")
    report = do_publish(ds, store_url, graph_prefix=graph_prefix, auth=Auth(user, password, token),
                        timeout=timeout, retries=retries)
    click.echo(report.render(), nl=False)


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("site"), show_default=True,
              help="Folder to write the site to.")
@data_option
@base_option
@handle_errors
def site(out: Path, data: tuple[Path, ...], base: str | None) -> None:
    """Write a static linked-data site: an HTML page and .ttl/.jsonld/.nt per resource, content-negotiation
    rules for Apache and nginx, VoID and DCAT metadata, ontology documentation and diagrams.

    Example: lacrdf site --out site
    """
    from .site import build_site

    paths = find_project()
    ds = pipeline.make_dataset(paths, data or None, base)
    report = build_site(ds, paths, out)
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
    from .synth import write_corpus

    report = write_corpus(out, facts=facts, seed=seed)
    click.echo(report.render(), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
