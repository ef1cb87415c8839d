"""Stored SPARQL queries (queries/*.rq): header parsing, safe parameter binding, execution on the
embedded store, and rendering of result rows as a table, CSV, TSV or SPARQL JSON.

A parameter value is first made into an RDF term (an IRI checked by pyoxigraph, or a typed literal whose
lexical form the library escapes), then bound with a VALUES block at the top of the WHERE clause. The
value can never become SPARQL syntax: a quote, a brace or an injected DELETE stays inside the literal."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from lacrdf.config import Namespaces
from lacrdf.errors import QueryError
from lacrdf.graph.names import ActorNames
from lacrdf.values import parse_date, parse_int

Row = dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]


@dataclass(frozen=True, slots=True)
class QueryParam:
    name: str
    type: str
    description: str
    default: str | None = None


@dataclass(frozen=True, slots=True)
class StoredQuery:
    name: str
    path: Path
    title: str
    description: str
    text: str
    params: tuple[QueryParam, ...] = ()
    example: str | None = None


@dataclass(frozen=True)
class Results:
    variables: tuple[str, ...]
    rows: tuple[Row, ...] = field(default=())

    def as_lists(self) -> list[list[str | None]]:
        return [[term_text(r.get(v)) for v in self.variables] for r in self.rows]


PARAM_TYPES = ("state", "actor", "source", "iri", "string", "integer", "year", "date")
_HEADER = re.compile(r"^#\s*(title|description|param|example):\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(\w+)\s+(.*?)(?:\s+\(default:\s*(.+)\))?$")


def parse_stored_query(path: Path, strict: bool = True) -> StoredQuery:
    """A query file with its header (``# title:``, ``# description:``, ``# param:`` lines); ``strict``
    requires the title and description, as the project's stored queries have them."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read the query: {exc}") from None
    meta: dict[str, str] = {}
    params = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            pm = _PARAM.match(value.strip())
            if not pm or pm.group(2) not in PARAM_TYPES:
                raise QueryError(f"{path}:{lineno}: bad '# param:' line; write '# param: NAME TYPE description' "
                                 f"with TYPE one of {', '.join(PARAM_TYPES)}")
            default = pm.group(4)
            # "(default: all)" documents that the parameter is left unbound unless given
            params.append(QueryParam(pm.group(1), pm.group(2), pm.group(3), None if default == "all" else default))
        else:
            meta[key] = value.strip()
    for key in ("title", "description"):
        if key not in meta:
            if strict:
                raise QueryError(f"{path}:1: the header needs a '# {key}:' line")
            meta[key] = path.stem if key == "title" else ""
    return StoredQuery(path.stem, path, meta["title"], meta["description"], text, tuple(params),
                       meta.get("example"))


def list_queries(queries_dir: Path) -> list[StoredQuery]:
    return [parse_stored_query(p) for p in sorted(queries_dir.glob("*.rq"))]


def get_query(queries_dir: Path, name: str) -> StoredQuery:
    """A stored query by name, or a stored-query file by path (NAME.rq, from any folder)."""
    given = Path(name)
    if name.endswith(".rq") or given.is_file():
        if not given.is_file():
            raise QueryError(f"{name}: no such query file")
        return parse_stored_query(given, strict=False)
    path = queries_dir / f"{name}.rq"
    if not path.is_file():
        names = ", ".join(q.name for q in list_queries(queries_dir))
        raise QueryError(f"no stored query '{name}'; stored queries: {names}")
    return parse_stored_query(path)


def make_term(param: QueryParam, raw: str, ns: Namespaces,
              resolve_actor: Callable[[str], str | None] | None = None,
              names: ActorNames | None = None) -> ox.NamedNode | ox.Literal:
    """The RDF term for a parameter value, or QueryError saying what is wrong. A state or actor is given
    by its id (``resolve_actor`` checks it); with ``names``, also by any name, alias, acronym or code."""
    try:
        if param.type == "state":
            state = f"{ns.resources}state/{raw}"
            # a code is taken as it is, unless the graph can say that no state has it
            if re.fullmatch(r"[A-Z]{2}", raw) and (names is None or resolve_actor is None
                                                   or resolve_actor(raw) == state):
                return ox.NamedNode(state)
            if names is not None:
                return ox.NamedNode(names.resolve(raw, param.name, state=True))
            raise ValueError(f"'{raw}' is not an ISO 3166-1 alpha-2 code such as BE")
        if param.type == "actor":
            iri = resolve_actor(raw) if resolve_actor else None
            if iri is None and names is not None:
                iri = names.resolve(raw, param.name)
            if iri is None:
                raise ValueError(f"no actor with id '{raw}'")
            return ox.NamedNode(iri)
        if param.type == "source":
            if not re.fullmatch(r"[A-Za-z0-9._-]+", raw):
                raise ValueError(f"'{raw}' is not a source id")
            return ox.NamedNode(f"{ns.resources}source/{raw}")
        if param.type == "iri":
            return ox.NamedNode(raw)
        if param.type == "integer":
            return ox.Literal(str(parse_int(raw, minimum=-(10**18))),
                              datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        if param.type == "year":
            if not re.fullmatch(r"\d{4}", raw):
                raise ValueError(f"'{raw}' is not a year (YYYY)")
            return ox.Literal(raw, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))
        if param.type == "date":
            d = parse_date(raw)
            return ox.Literal(d.lexical, datatype=ox.NamedNode(d.datatype))
        return ox.Literal(raw)
    except ValueError as exc:
        raise QueryError(f"parameter '{param.name}': {exc}") from None


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bind(query: StoredQuery, values: Mapping[str, str], ns: Namespaces,
         resolve_actor: Callable[[str], str | None] | None = None, names: ActorNames | None = None) -> str:
    """The query text with each given parameter bound by a VALUES block; unknown names are refused. With
    ``names``, a state or actor may be given by name (``sending=Belgium``, ``party=bélgica``, ``AIIB``)."""
    known = {p.name: p for p in query.params}
    for name in values:
        if name not in known:
            allowed = ", ".join(known) or "none"
            raise QueryError(f"query '{query.name}' has no parameter '{name}' (parameters: {allowed})")
    blocks = []
    for p in query.params:
        raw = values.get(p.name, p.default)
        if raw is None:
            continue
        term = make_term(p, raw, ns, resolve_actor, names)
        blocks.append(f"VALUES ?{p.name} {{ {term} }}")
    return insert_values(_strip_header(query.text), blocks)


def insert_values(body: str, blocks: Sequence[str]) -> str:
    """``body`` with the VALUES blocks at the top of its first WHERE clause (where Oxigraph joins them
    first, so a bound query is as fast as one written with the value), or, for a query written without
    the WHERE keyword, as the trailing VALUES clause SPARQL 1.1 allows after any query."""
    if not blocks:
        return body
    match = _WHERE.search(body)
    if match is None:
        return body.rstrip() + "\n" + "\n".join(blocks) + "\n"
    insert = "\n  " + "\n  ".join(blocks)
    return body[: match.end()] + insert + body[match.end():]


def ad_hoc_term(name: str, raw: str) -> ox.NamedNode | ox.Literal:
    """The RDF term of ``--param NAME=VALUE`` for a query of one's own: ``<IRI>``, an N-Triples literal
    (``"text"@en``, ``"2020"^^<http://www.w3.org/2001/XMLSchema#gYear>``), a whole or decimal number, or
    else the plain string. The term is made by pyoxigraph, so it can never become SPARQL syntax."""
    value = raw.strip()
    try:
        if value.startswith("<") and value.endswith(">"):
            return ox.NamedNode(value[1:-1])
        if value.startswith('"'):
            obj = next(iter(ox.parse(f"<urn:s> <urn:p> {value} .", format=ox.RdfFormat.N_TRIPLES))).object
            assert isinstance(obj, ox.Literal)
            return obj
    except (ValueError, SyntaxError, StopIteration, AssertionError):
        raise QueryError(f"parameter '{name}': {raw!r} is not an IRI in <...> or an N-Triples literal") from None
    if re.fullmatch(r"[+-]?\d+", value):
        return ox.Literal(value, datatype=ox.NamedNode(_XSD + "integer"))
    if re.fullmatch(r"[+-]?\d*\.\d+", value):
        return ox.Literal(value, datatype=ox.NamedNode(_XSD + "decimal"))
    return ox.Literal(raw)


def bind_ad_hoc(text: str, values: Mapping[str, str]) -> str:
    blocks = []
    for name, raw in values.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"--param '{name}': a parameter is named like a SPARQL variable (letters, digits, _)")
        blocks.append(f"VALUES ?{name} {{ {ad_hoc_term(name, raw)} }}")
    return insert_values(text, blocks)


def _strip_header(text: str) -> str:
    lines = text.splitlines()
    i = 0
    while i < len(lines) and lines[i].startswith("#"):
        i += 1
    return "\n".join(lines[i:]).strip() + "\n"


_ERROR_AT = re.compile(r"^error at (\d+):(\d+)(?:-\d+:\d+)?:\s*(.*)$", re.S)


def syntax_error(exc: SyntaxError, where: str = "query", line_offset: int = 0) -> QueryError:
    """One line naming the line and column of the query where the parser stopped (``line_offset``: lines
    added before the user's text, such as predeclared prefixes)."""
    text = " ".join(str(exc).split())
    match = _ERROR_AT.match(text)
    if match:
        detail = match.group(3)
        if "Prefix not found" in detail:
            detail = "a prefix is not declared (add a PREFIX line for it)"
        elif len(detail) > 160:
            detail = detail[:157] + "..."
        line = max(1, int(match.group(1)) - line_offset)
        return QueryError(f"{where}:{line}:{match.group(2)}: SPARQL syntax error: {detail}")
    return QueryError(f"{where}: SPARQL syntax error: {text}")


def check_syntax(text: str, ns: Namespaces | None = None, where: str = "query", line_offset: int = 0) -> None:
    """Parse with pyoxigraph's strict SPARQL parser; raise QueryError with its line and column."""
    try:
        ox.Store().query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise syntax_error(exc, where, line_offset) from None


_PREFIX_DECL = re.compile(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?:")


def with_prefixes(text: str, prefixes: Mapping[str, str]) -> str:
    """The query with the project's prefixes (lac:, rdfs:, schema:, ...) declared on one line before it,
    each only where the query does not declare it itself (a query of one's own need not repeat them)."""
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(text)}
    missing = [f"PREFIX {p}: <{iri}>" for p, iri in sorted(prefixes.items()) if p not in declared]
    return (" ".join(missing) + "\n" + text) if missing else text


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (the text must parse)."""
    result = ox.Store().query(text)
    if isinstance(result, ox.QueryBoolean):
        return "ASK"
    if isinstance(result, ox.QueryTriples):
        return "CONSTRUCT"
    return "SELECT"


def run_local_graph(store: ox.Store, text: str, limit: int | None = None) -> list[ox.Triple]:
    """A CONSTRUCT or DESCRIBE on the store (union default graph): its triples, in the store's order."""
    try:
        triples = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise syntax_error(exc) from None
    if not isinstance(triples, ox.QueryTriples):
        raise QueryError("not a CONSTRUCT or DESCRIBE query")
    out = []
    for t in triples:
        if limit is not None and len(out) >= limit:
            break
        out.append(t)
    return out


def actor_resolver(run: Callable[[str], Results], ns: Namespaces) -> Callable[[str], str | None]:
    """id -> IRI of an actor, asked of the graph itself (the built store or an endpoint): an actor's IRI is
    {base}id/<type segment>/<id>, so the candidates are few and one query decides."""
    from lacrdf.graph.terms import ACTOR_SEGMENTS

    def resolve(actor_id: str) -> str | None:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", actor_id):
            return None
        candidates = " ".join(f"<{ns.resources}{seg}/{actor_id}>" for seg in sorted(set(ACTOR_SEGMENTS.values())))
        rows = run(f"SELECT ?a WHERE {{ VALUES ?a {{ {candidates} }} ?a ?p ?o }} LIMIT 1").rows
        term = rows[0].get("a") if rows else None
        return term.value if term is not None else None

    return resolve


def run_local(store: ox.Store, text: str, limit: int | None = None) -> Results:
    """Run a SELECT or ASK on the store, with the union of all graphs as default graph (at most ``limit``
    rows are read)."""
    try:
        solutions = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise syntax_error(exc) from None
    if isinstance(solutions, ox.QueryBoolean):
        return Results(("result",), ({"result": ox.Literal("true" if bool(solutions) else "false",
                                                           datatype=ox.NamedNode(_XSD + "boolean"))},))
    if not isinstance(solutions, ox.QuerySolutions):
        raise QueryError("a CONSTRUCT or DESCRIBE query gives triples: choose --format ttl, nt or jsonld")
    variables = tuple(v.value for v in solutions.variables)
    rows = []
    for sol in solutions:
        if limit is not None and len(rows) >= limit:
            break
        row: Row = {}
        for v in variables:
            term = sol[v]
            if term is not None:
                row[v] = term  # type: ignore[assignment]
        rows.append(row)
    return Results(variables, tuple(rows))


_XSD = "http://www.w3.org/2001/XMLSchema#"
QUERY_ENGINES = ("oxigraph", "rdflib")


def run_rdflib(quads: Sequence[ox.Quad], text: str) -> Results:
    """The same query on rdflib's in-memory store (default graph = union of the named graphs).

    About 50 times slower than pyoxigraph; kept as a second, independent engine to compare against."""
    import rdflib

    nquads = ox.serialize(list(quads), format=ox.RdfFormat.N_QUADS)
    ds = rdflib.Dataset(default_union=True)
    ds.parse(data=nquads, format="nquads")
    try:
        result = ds.query(text)
    except Exception as exc:  # rdflib raises pyparsing errors and others for bad syntax
        raise QueryError(f"SPARQL error (rdflib): {str(exc).splitlines()[0]}") from None
    if result.type == "ASK":
        return Results(("result",), ({"result": ox.Literal("true" if result.askAnswer else "false",
                                                           datatype=ox.NamedNode(_XSD + "boolean"))},))
    variables = tuple(str(v) for v in result.vars or ())
    rows = []
    for binding in result:
        row: Row = {}
        for v, value in zip(variables, binding, strict=True):
            if value is None:
                continue
            row[v] = _from_rdflib(value)
        rows.append(row)
    return Results(variables, tuple(rows))


def _from_rdflib(node: object) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    import rdflib

    if isinstance(node, rdflib.URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, rdflib.BNode):
        return ox.BlankNode(str(node))
    assert isinstance(node, rdflib.Literal)
    if node.language:
        return ox.Literal(str(node), language=node.language)
    return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or _XSD + "string")))


def term_text(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str | None:
    if term is None:
        return None
    return term.value


def render_table(results: Results, prefixes: Mapping[str, str]) -> str:
    def cell(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str:
        if term is None:
            return ""
        if isinstance(term, ox.NamedNode):
            for p, ns in prefixes.items():
                if term.value.startswith(ns):
                    return f"{p}:{term.value[len(ns):]}"
            return term.value
        return term.value

    header = list(results.variables)
    body = [[cell(r.get(v)) for v in header] for r in results.rows]
    widths = [max([len(h)] + [len(row[i]) for row in body]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)).rstrip() for row in body]
    lines.append(f"({len(body)} row{'s' if len(body) != 1 else ''})")
    return "\n".join(lines) + "\n"


def render_csv(results: Results, delimiter: str = ",") -> str:
    """SPARQL 1.1 CSV results: IRIs and literals as their plain strings (TSV: N-Triples terms)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    if delimiter == "\t":
        buf.write("\t".join(f"?{v}" for v in results.variables) + "\n")
        for r in results.rows:
            buf.write("\t".join(str(r[v]) if v in r else "" for v in results.variables) + "\n")
        return buf.getvalue()
    writer.writerow(results.variables)
    for row in results.as_lists():
        writer.writerow(["" if c is None else c for c in row])
    return buf.getvalue()


def render_json(results: Results) -> str:
    """SPARQL 1.1 Query Results JSON."""
    bindings = []
    for r in results.rows:
        b: dict[str, dict[str, str]] = {}
        for v in results.variables:
            term = r.get(v)
            if term is None:
                continue
            if isinstance(term, ox.NamedNode):
                b[v] = {"type": "uri", "value": term.value}
            elif isinstance(term, ox.BlankNode):
                b[v] = {"type": "bnode", "value": term.value}
            else:
                entry = {"type": "literal", "value": term.value}
                if term.language:
                    entry["xml:lang"] = term.language
                elif term.datatype.value != _XSD + "string":
                    entry["datatype"] = term.datatype.value
                b[v] = entry
        bindings.append(b)
    doc = {"head": {"vars": list(results.variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


RESULT_FORMATS = ("table", "csv", "tsv", "json")


def render(results: Results, fmt: str, prefixes: Mapping[str, str]) -> str:
    if fmt == "table":
        return render_table(results, prefixes)
    if fmt == "csv":
        return render_csv(results)
    if fmt == "tsv":
        return render_csv(results, "\t")
    if fmt == "json":
        return render_json(results)
    raise QueryError(f"unknown result format '{fmt}'; choose one of {', '.join(RESULT_FORMATS)}")


def parse_params(pairs: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise QueryError(f"--param '{pair}' must be NAME=VALUE")
        name, value = pair.split("=", 1)
        if name in out:
            raise QueryError(f"--param '{name}' given twice")
        out[name] = value
    return out
