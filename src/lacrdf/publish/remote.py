"""Talking to remote SPARQL services by the standard protocols: run a stored query on any SPARQL 1.1
endpoint (SPARQLWrapper, JSON results turned into the same terms a local run gives), and publish the
dataset to any store by the SPARQL 1.1 Graph Store Protocol (one idempotent PUT per named graph)."""

from __future__ import annotations

import ast
import base64
import http.client
import json
import re
import socket
import time
import urllib.error
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
import requests
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException
from urllib3.exceptions import NewConnectionError

from lacrdf.errors import InputError, RemoteError
from lacrdf.graph.dataset import Dataset
from lacrdf.graph.queries import Results, Row
from lacrdf.graph.store import BuiltGraph

XSD = "http://www.w3.org/2001/XMLSchema#"
N_TRIPLES = "application/n-triples"
USER_AGENT = "lacrdf (https://w3id.org/lacrdf/)"
BACKOFF = 0.5  # seconds before the first retry; doubled before each next one
MAX_DETAIL = 160  # characters of a server's error text kept in a message


# -- shared helpers -----------------------------------------------------------------------------------------

def safe_url(url: str) -> str:
    """The URL without any user:password@ part, fit to print."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _check_url(url: str, what: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{what} {safe_url(url)!r} is not an http(s) URL such as http://127.0.0.1:7878/query")


def _one_line(text: str, limit: int = MAX_DETAIL) -> str:
    text = re.sub(r"<[^>]{0,200}>", " ", text) if "<html" in text.lower() else text  # HTML error pages
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _network_reason(exc: BaseException) -> str:
    """A short human reason for a network-level failure, whatever library raised it."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (socket.timeout, TimeoutError)) or "timed out" in str(current).lower():
            return "timed out"
        if isinstance(current, ConnectionRefusedError) or "refused" in str(current).lower():
            return "connection refused (is the server running?)"
        if isinstance(current, ConnectionResetError) or "reset by peer" in str(current).lower():
            return "connection reset by the server"
        if isinstance(current, http.client.RemoteDisconnected) or "without response" in str(current).lower():
            return "the server closed the connection without a response"
        if isinstance(current, socket.gaierror) or "name or service not known" in str(current).lower():
            return "unknown host"
        nested = getattr(current, "reason", None)
        if isinstance(nested, BaseException):
            current = nested
            continue
        if current.args and isinstance(current.args[0], BaseException):
            current = current.args[0]
            continue
        current = current.__cause__ or current.__context__
    return _one_line(str(exc)) or type(exc).__name__


# -- queries on a remote endpoint ---------------------------------------------------------------------------

def run_remote(endpoint: str, query_text: str, timeout: float) -> Results:
    """Run a SELECT or ASK on a SPARQL 1.1 endpoint; the rows come back as pyoxigraph terms, so they
    render exactly as a local run's do. Any failure is a RemoteError of one line."""
    _check_url(endpoint, "endpoint")
    where = safe_url(endpoint)
    sparql = SPARQLWrapper(endpoint, agent=USER_AGENT)
    sparql.setQuery(query_text)
    sparql.setReturnFormat(JSON)
    # URL-encoded POST: no URL length limit for long VALUES blocks, and every 1.1 endpoint accepts it
    sparql.setMethod(POST)
    # setTimeout() truncates to whole seconds (0.5 would mean "no timeout"); urlopen takes a float
    sparql.timeout = timeout  # type: ignore[assignment]
    try:
        response = sparql.query().response
        body = response.read()
    except SPARQLWrapperException as exc:
        # SPARQLWrapper turns some HTTP errors into its own exceptions, raised while handling urllib's
        context = exc.__context__
        code = context.code if isinstance(context, urllib.error.HTTPError) else None
        raise RemoteError(_http_message(where, code, _wrapper_detail(exc))) from None
    except urllib.error.HTTPError as exc:
        detail = _one_line(exc.read().decode("utf-8", "replace")) if exc.fp else ""
        raise RemoteError(_http_message(where, exc.code, detail)) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = _network_reason(exc)
        if reason == "timed out":
            reason = f"no answer within {timeout:g} s (--timeout)"
        raise RemoteError(f"endpoint {where}: {reason}") from None
    content_type = response.headers.get("Content-Type", "")
    return results_from_json(body, where, content_type)


def _wrapper_detail(exc: SPARQLWrapperException) -> str:
    """The server's error text, which SPARQLWrapper keeps only as a repr() inside its message."""
    marker = "Response:\n"
    text = str(exc)
    if marker not in text:
        return ""
    raw = text.split(marker, 1)[1]
    try:
        body = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return _one_line(raw)
    return _one_line(body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body))


def _http_message(where: str, code: int | None, detail: str) -> str:
    status = f"HTTP {code}" if code else "HTTP error"
    if code:
        reason = http.client.responses.get(code)
        status += f" {reason}" if reason else ""
    return f"endpoint {where}: {status}" + (f": {detail}" if detail else "")


def results_from_json(body: bytes, where: str = "endpoint", content_type: str = "") -> Results:
    """SPARQL 1.1 Query Results JSON to Results; RemoteError if the document is not that."""
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        shown = f" (got {content_type.split(';')[0]})" if content_type else ""
        raise RemoteError(f"endpoint {where}: the answer is not SPARQL JSON results{shown}: "
                          f"{_one_line(body.decode('utf-8', 'replace'), 60)!r}") from None
    try:
        if isinstance(doc.get("boolean"), bool):
            value = "true" if doc["boolean"] else "false"
            boolean = ox.Literal(value, datatype=ox.NamedNode(XSD + "boolean"))
            return Results(("result",), ({"result": boolean},))
        variables = tuple(str(v) for v in doc["head"]["vars"])
        rows = tuple(_row(b, variables) for b in doc["results"]["bindings"])
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        detail = _one_line(str(exc), 80)
        raise RemoteError(f"endpoint {where}: malformed SPARQL JSON results ({detail})") from None
    return Results(variables, rows)


def _row(binding: Mapping[str, Any], variables: tuple[str, ...]) -> Row:
    row: Row = {}
    for var in variables:
        if var in binding:
            row[var] = json_term(binding[var])
    return row


def json_term(entry: Mapping[str, Any]) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """One RDF term of SPARQL JSON results as a pyoxigraph term (ValueError if it is not a valid one)."""
    kind, value = entry["type"], entry["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if kind in ("literal", "typed-literal"):  # "typed-literal" is what SPARQL 1.0-era servers send
        if "xml:lang" in entry:
            return ox.Literal(value, language=entry["xml:lang"])
        if "datatype" in entry:
            return ox.Literal(value, datatype=ox.NamedNode(entry["datatype"]))
        return ox.Literal(value)
    raise ValueError(f"unsupported term type {kind!r}")


# -- publishing by the Graph Store Protocol ---------------------------------------------------------------

@dataclass(frozen=True)
class Auth:
    """HTTP credentials: basic (user and password) or a bearer token. Never shown, not even in repr."""

    user: str | None = None
    password: str | None = None
    token: str | None = None

    def __repr__(self) -> str:
        return (f"Auth(user={self.user!r}, password={'***' if self.password else None}, "
                f"token={'***' if self.token else None})")

    __str__ = __repr__

    def secrets(self) -> list[str]:
        """Every form in which a credential could show up in text: as given, or basic-auth encoded."""
        found = [s for s in (self.password, self.token) if s]
        if self.user is not None and self.password:
            found.append(base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii"))
        return found

    def apply(self, session: requests.Session) -> None:
        if self.token:
            session.headers["Authorization"] = f"Bearer {self.token}"
        elif self.user is not None:
            if self.password is None:
                raise InputError(f"--user {self.user} needs a password in the environment variable named by "
                                 "--password-env (default LACRDF_PASSWORD)")
            session.auth = (self.user, self.password)


@dataclass(frozen=True, slots=True)
class GraphResult:
    """One published graph: where it went, how many triples were sent and how many the store holds."""

    graph: str
    source_graph: str
    sent: int
    stored: int


@dataclass(frozen=True)
class PublishReport:
    store_url: str
    graphs: tuple[GraphResult, ...]

    def render(self) -> str:
        width = max((len(g.graph) for g in self.graphs), default=0) + 2
        lines = []
        for g in self.graphs:
            note = "" if g.sent == g.stored else f"  (sent {g.sent}: the store holds a different number)"
            lines.append(f"{('<' + g.graph + '>').ljust(width)}  {g.stored:>7} triples{note}")
        sent = sum(g.sent for g in self.graphs)
        stored = sum(g.stored for g in self.graphs)
        lines.append(f"published {len(self.graphs)} graphs ({sent} triples) to {self.store_url}; "
                     f"read back {stored} triples")
        return "\n".join(lines) + "\n"


class PublishError(RemoteError):
    """A publish that stopped part way: the first line says why, then one line per graph says whether
    the store now holds the new graph ("replaced"), still holds the old one ("not replaced"), or may
    hold either because the request was sent but no answer came back ("unknown")."""

    def __init__(self, reason: str, status: Mapping[str, str]) -> None:
        self.reason = reason
        self.status = dict(status)
        super().__init__(self.render())

    @property
    def replaced(self) -> list[str]:
        return [g for g, s in self.status.items() if s == "replaced"]

    @property
    def not_replaced(self) -> list[str]:
        return [g for g, s in self.status.items() if s == "not replaced"]

    @property
    def unknown(self) -> list[str]:
        return [g for g, s in self.status.items() if s == "unknown"]

    def render(self) -> str:
        lines = [self.reason]
        width = max((len(s) for s in self.status.values()), default=0)
        lines += [f"{s.ljust(width)}  <{g}>" for g, s in self.status.items()]
        counts = ", ".join(f"{n} {label}" for label, n in (("replaced", len(self.replaced)),
                                                            ("not replaced", len(self.not_replaced)),
                                                            ("unknown", len(self.unknown))) if n)
        if len(self.replaced) == len(self.status):
            lines.append(f"all {len(self.status)} graphs were replaced, but the read-back did not finish")
        else:
            lines.append(f"publish incomplete: {counts} of {len(self.status)} graphs")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


class _Failed(Exception):
    """A request that failed for good; ``sent`` says whether the server may have received it."""

    def __init__(self, reason: str, sent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.sent = sent


def _graphs(ds: Dataset | BuiltGraph) -> list[ox.NamedNode]:
    return list(ds.graphs) if isinstance(ds, Dataset) else ds.graphs()


def target_graphs(ds: Dataset | BuiltGraph, graph_prefix: str | None) -> list[tuple[ox.NamedNode, str]]:
    """Each named graph of the dataset (sorted) with the IRI it is published under."""
    out = []
    for graph in _graphs(ds):
        iri = graph.value
        if graph_prefix is not None and iri.startswith(ds.ns.graphs):
            iri = graph_prefix + iri[len(ds.ns.graphs):]
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise InputError(f"--graph-prefix {graph_prefix!r} makes the invalid graph IRI {iri!r}") from None
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
            raise InputError(f"--graph-prefix {graph_prefix!r} must be an absolute IRI (such as "
                             "https://example.org/graph/)")
        out.append((graph, iri))
    return out


def graph_bodies(ds: Dataset | BuiltGraph) -> dict[ox.NamedNode, tuple[bytes, int]]:
    """N-Triples of each named graph and its triple count, in a canonical order so the same dataset sends
    the same bytes (a built store dumps in its own sorted order; an in-memory dataset is sorted here)."""
    if isinstance(ds, BuiltGraph):
        store = ds.store
        return {g: (store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b"",
                    sum(1 for _ in store.quads_for_pattern(None, None, None, g))) for g in ds.graphs()}
    triples: dict[ox.NamedNode, list[ox.Triple]] = {g: [] for g in ds.graphs}
    for quad in ds.quads:
        triples[quad.graph_name].append(quad.triple)  # type: ignore[index]
    # serialize() returns bytes when no output file is given
    return {g: (ox.serialize(sorted(ts, key=str), format=ox.RdfFormat.N_TRIPLES) or b"", len(ts))
            for g, ts in triples.items()}


def publish(ds: Dataset | BuiltGraph, store_url: str, *, graph_prefix: str | None = None, auth: Auth | None = None,
            timeout: float = 30.0, retries: int = 3, backoff: float = BACKOFF) -> PublishReport:
    """PUT each named graph to a Graph Store Protocol endpoint (replacing it), then read back how many
    triples each graph holds. PUT is idempotent, so a retry or a second publish never duplicates data;
    POST, which appends, is never used. Raises PublishError saying which graphs were replaced."""
    _check_url(store_url, "--store")
    if retries < 0:
        raise InputError("--retries must be 0 or more")
    auth = auth or Auth()
    where = safe_url(store_url)
    targets = target_graphs(ds, graph_prefix)
    bodies = graph_bodies(ds)
    status = {iri: "not replaced" for _, iri in targets}
    with requests.Session() as session:
        session.headers["User-Agent"] = USER_AGENT
        auth.apply(session)
        for graph, iri in targets:
            try:
                _request(session, "PUT", store_url, iri, timeout, retries, backoff,
                         data=bodies[graph][0], headers={"Content-Type": N_TRIPLES})
            except _Failed as failed:
                if failed.sent:
                    status[iri] = "unknown"
                reason = f"publish to {where} failed at graph <{iri}>: {failed.reason}"
                raise PublishError(_redact(reason, auth), status) from None
            status[iri] = "replaced"
        results = []
        for graph, iri in targets:
            try:
                response = _request(session, "GET", store_url, iri, timeout, retries, backoff,
                                    headers={"Accept": N_TRIPLES})
                stored = _count_triples(response)
            except _Failed as failed:
                reason = (f"every graph was replaced on {where}, but reading back <{iri}> failed: "
                          f"{failed.reason}")
                raise PublishError(_redact(reason, auth), status) from None
            results.append(GraphResult(iri, graph.value, bodies[graph][1], stored))
    return PublishReport(where, tuple(results))


def _count_triples(response: requests.Response) -> int:
    try:
        return sum(1 for _ in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
    except (SyntaxError, ValueError) as exc:
        raise _Failed(f"the store answered with something that is not N-Triples ({_one_line(str(exc), 80)})",
                      sent=False) from None


# 408 and 429 ask the client to come back later: they are retried like 5xx; every other 4xx is final
_RETRY_STATUS = frozenset({408, 429})


def _request(session: requests.Session, method: str, store_url: str, graph: str, timeout: float, retries: int,
             backoff: float, **kwargs: Any) -> requests.Response:
    """One Graph Store request for ``graph``, retried with exponential backoff when the failure may be
    passing (5xx, 408, 429, timeout, refused or reset connection); _Failed when it fails for good."""
    sent = False
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            response = session.request(method, store_url, params={"graph": graph}, timeout=(timeout, timeout),
                                       allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            sent = sent or _may_have_arrived(exc)
            reason = _network_reason(exc)
            if reason == "timed out":
                reason = f"no answer within {timeout:g} s (--timeout)"
            retry = True
        else:
            if 200 <= response.status_code < 300:
                return response
            reason = _status_reason(response)
            retry = response.status_code >= 500 or response.status_code in _RETRY_STATUS
            if not retry:
                raise _Failed(f"{method}: {reason}", sent=sent)
        if attempt == retries:
            tries = f" (after {retries + 1} attempts)" if retries else ""
            raise _Failed(f"{method}: {reason}{tries}", sent=sent)
    raise AssertionError("unreachable")  # pragma: no cover


def _may_have_arrived(exc: requests.RequestException) -> bool:
    """False only when the connection was never made, so the server cannot have seen the request."""
    if isinstance(exc, requests.ConnectTimeout):
        return False
    if isinstance(exc, requests.ConnectionError):
        cause = exc.args[0] if exc.args else None
        reason = getattr(cause, "reason", None)
        if isinstance(reason, NewConnectionError):
            return False
    return True


def _status_reason(response: requests.Response) -> str:
    text = f"HTTP {response.status_code} {response.reason or ''}".rstrip()
    if 300 <= response.status_code < 400 and "Location" in response.headers:
        return f"{text}: redirected to {safe_url(response.headers['Location'])}; publish to that URL instead"
    detail = _one_line(response.text) if response.content else ""
    return f"{text}: {detail}" if detail else text


def _redact(text: str, auth: Auth) -> str:
    """Belt and braces: a server may echo credentials in an error page; they never reach the output."""
    for secret in auth.secrets():
        text = text.replace(secret, "***")
    return text



def run_remote_graph(endpoint: str, query_text: str, timeout: float) -> list[ox.Triple]:
    """Run a CONSTRUCT or DESCRIBE on a SPARQL 1.1 endpoint; the triples it answers (asked as N-Triples,
    which every endpoint can write). Any failure is a RemoteError of one line."""
    _check_url(endpoint, "endpoint")
    where = safe_url(endpoint)
    try:
        response = requests.post(endpoint, data={"query": query_text}, timeout=timeout,
                                 headers={"Accept": "application/n-triples, text/plain;q=0.9",
                                          "User-Agent": USER_AGENT})
    except requests.Timeout:
        raise RemoteError(f"endpoint {where}: no answer within {timeout:g} s (--timeout)") from None
    except requests.RequestException as exc:
        raise RemoteError(f"endpoint {where}: {_network_reason(exc)}") from None
    if response.status_code != 200:
        raise RemoteError(_http_message(where, response.status_code, _one_line(response.text)))
    try:
        return list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise RemoteError(f"endpoint {where}: the answer is not N-Triples ({_one_line(str(exc))})") from None
