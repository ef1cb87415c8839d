"""Talking to remote SPARQL services by the standard protocols: run a stored query on any SPARQL 1.1
endpoint (SPARQLWrapper, JSON results turned into the same terms a local run gives), and publish the
dataset to any store by the SPARQL 1.1 Graph Store Protocol (one idempotent PUT per named graph)."""

from __future__ import annotations

import ast
import base64
import html
import http.client
import json
import math
import re
import socket
import time
import urllib.error
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus, unquote, urlsplit

import pyoxigraph as ox
import requests
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException
from urllib3.exceptions import NewConnectionError

from lacrdf.errors import InputError, RemoteError
from lacrdf.graph.dataset import Dataset
from lacrdf.graph.queries import Results, Row
from lacrdf.graph.store import BuiltGraph
from lacrdf.values import parse_iri

XSD = "http://www.w3.org/2001/XMLSchema#"
N_TRIPLES = "application/n-triples"
USER_AGENT = "lacrdf (https://w3id.org/lacrdf/)"
BACKOFF = 0.5  # seconds before the first retry; doubled before each next one
BACKOFF_CAP = 8.0  # seconds: no wait between two attempts is longer
BACKOFF_TOTAL = 60.0  # seconds: the waits between the attempts of one request add up to no more
MAX_RETRIES = 10
MAX_TIMEOUT = 86400.0  # seconds per request; the CLI's --timeout has the same bound
MAX_DETAIL = 160  # characters of a server's error text kept in a message
MASK = "***"
PARTIAL = 8  # characters: a run this long of any form of a secret is masked wherever it appears

Mask = Callable[[str], str]


# -- shared helpers -----------------------------------------------------------------------------------------

_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)@")
"""The user:password@ part of a URL, found without parsing the rest (which may be malformed)."""


def safe_url(url: str) -> str:
    """The URL without any user:password@ part, fit to print (even when the URL is malformed)."""
    return _USERINFO.sub(r"\1", url, count=1)


def _shown(url: str) -> str:
    """The URL quoted for a message; not shown at all when it holds an '@' that may not be the userinfo's."""
    return repr(safe_url(url)) if "@" not in safe_url(url) else "the URL"


def _check_url(url: str, what: str) -> None:
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # an unclosed '[' of an IPv6 address
        ok = False
    if not ok:
        raise InputError(f"{what} {safe_url(url)!r} is not an http(s) URL such as http://127.0.0.1:7878/query")


CREDENTIALS_IN_URL = ("credentials in the URL are refused (a URL ends up in shell history, logs and messages): "
                      "give --user NAME with the password in the variable named by --password-env, or "
                      "--token-env VAR")


def store_url_problem(url: str, *, allow_userinfo: bool = False) -> str | None:
    """Why ``url`` cannot be a Graph Store endpoint, or None: it must be an absolute http(s) URL with a host
    and a valid port, without user:password@ (unless ``allow_userinfo``), fragment, space or control
    character. The reason never shows the URL's credentials."""
    if _USERINFO.match(url) and not allow_userinfo:
        return CREDENTIALS_IN_URL
    shown = _shown(url)
    if any(c.isspace() or ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in url):
        return f"{shown} holds a space or a control character (write a space as %20)"
    example = "an absolute http(s) URL such as http://127.0.0.1:7878/store"
    try:
        parts = urlsplit(url)
        hostname, _ = parts.hostname, parts.port  # .port raises ValueError when it is not a number 0-65535
    except ValueError:  # its message may quote part of the URL, so it is not shown
        return f"{shown} is not {example} (its host or port is malformed)"
    if "@" in parts.netloc and not allow_userinfo:
        return CREDENTIALS_IN_URL
    if parts.scheme.lower() not in ("http", "https") or not url.lower().startswith(("http://", "https://")):
        return f"{shown} is not {example}"
    if not hostname:
        return f"{shown} is not {example} (it names no host)"
    if "#" in url:
        return f"{shown} has a fragment ('#...'), which is never sent to a server"
    try:
        parse_iri(parts.scheme.lower() + url[len(parts.scheme):])
    except ValueError:
        return f"{shown} is not {example} (it is not a valid IRI)"
    return None


def _one_line(text: str, limit: int = MAX_DETAIL, mask: Mask | None = None) -> str:
    """A server's text as one line of at most ``limit`` characters. ``mask`` is applied to the whole text
    before it is cut, and again once it is one line, so a cut never keeps part of a secret."""
    if mask is not None:
        text = mask(text)
    text = re.sub(r"<[^>]{0,200}>", " ", text) if "<html" in text.lower() else text  # HTML error pages
    text = " ".join(text.split())
    if mask is not None:
        text = mask(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Redactor:
    """Masks secrets in a text: every form in which a server could echo one (as given, percent-encoded,
    HTML- or JSON-escaped, base64, user:password as in a basic-auth header) and any run of PARTIAL or more
    characters of such a form, which is what is left of a secret that a server or a cut shortened."""

    def __init__(self, secrets: Iterable[str] = (), pairs: Iterable[tuple[str, str]] = ()) -> None:
        found: set[str] = set()
        for secret in secrets:
            found |= _secret_forms(secret)
        for user, password in pairs:
            found |= _pair_forms(user, password)
        found.discard("")
        self.forms = tuple(sorted(found, key=lambda f: (-len(f), f)))  # longest first
        self._grams = frozenset(form[i:i + PARTIAL] for form in found if len(form) >= PARTIAL
                                for i in range(len(form) - PARTIAL + 1))

    def __call__(self, text: str) -> str:
        for form in self.forms:
            text = text.replace(form, MASK)
        return self._mask_runs(text) if self._grams else text

    def _mask_runs(self, text: str) -> str:
        """Each run of overlapping or touching PARTIAL-character pieces of a secret becomes one MASK."""
        grams, out = self._grams, []
        last = start = 0
        end = -1
        for i in range(len(text) - PARTIAL + 1):
            if text[i:i + PARTIAL] in grams:
                if i > end:  # a new run begins
                    if end >= 0:
                        out += [text[last:start], MASK]
                        last = end
                    start = i
                end = i + PARTIAL
        if end >= 0:
            out += [text[last:start], MASK]
            last = end
        out.append(text[last:])
        return "".join(out)


_USERINFO_SAFE = "!$&'()*+,;=:"  # what a URL's userinfo may hold unencoded


def _secret_forms(secret: str) -> set[str]:
    forms: set[str] = set()
    for text in {secret, " ".join(secret.split())}:
        forms |= {text, html.escape(text), html.escape(text, quote=False), json.dumps(text)[1:-1],
                  json.dumps(text, ensure_ascii=False)[1:-1], repr(text)[1:-1]}
        for safe in ("", "/", _USERINFO_SAFE):
            for encoded in (quote(text, safe=safe), quote_plus(text, safe=safe)):
                forms |= {encoded, re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), encoded)}
        forms |= _base64_forms(text.encode("utf-8"))
    return forms


def _pair_forms(user: str, password: str) -> set[str]:
    """user:password as basic authentication encodes it (requests uses latin-1, RFC 7617 UTF-8)."""
    forms: set[str] = set()
    for encoding in ("utf-8", "latin-1"):
        try:
            forms |= _base64_forms(f"{user}:{password}".encode(encoding))
        except UnicodeEncodeError:
            pass
    return forms


def _base64_forms(raw: bytes) -> set[str]:
    encoded = {base64.b64encode(raw).decode("ascii"), base64.urlsafe_b64encode(raw).decode("ascii")}
    return encoded | {e.rstrip("=") for e in encoded}


def retry_delays(retries: int, backoff: float = BACKOFF) -> list[float]:
    """The waits before each retry: exponential from ``backoff``, none longer than BACKOFF_CAP, all
    together no longer than BACKOFF_TOTAL."""
    delays: list[float] = []
    for attempt in range(retries):
        delays.append(max(0.0, min(backoff * 2.0 ** min(attempt, 60), BACKOFF_CAP, BACKOFF_TOTAL - sum(delays))))
    return delays


def _network_reason(exc: BaseException, mask: Mask | None = None) -> str:
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
    return _one_line(str(exc), mask=mask) or type(exc).__name__


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
        """Every form in which a credential could show up in text (see Redactor), longest first."""
        return list(self.redactor().forms)

    def redactor(self, url: str | None = None) -> Redactor:
        """What masks these credentials, and those written into ``url`` as user:password@, in any text."""
        secrets = [s for s in (self.password, self.token) if s]
        pairs = [(self.user or "", self.password)] if self.password else []
        userinfo = _USERINFO.match(url or "")
        if userinfo:
            user, _, password = userinfo.group(2).partition(":")
            if password:
                secrets += [password, unquote(password)]
                pairs += [(unquote(user), unquote(password)), (user, password)]
        return Redactor(secrets, pairs)

    def apply(self, session: requests.Session) -> None:
        if self.token:
            if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in self.token):
                raise InputError("the bearer token (--token-env) holds a space, line break or control character")
            session.headers["Authorization"] = f"Bearer {self.token}"
        elif self.user is not None:
            if self.password is None:
                raise InputError(f"--user {self.user} needs a password in the environment variable named by "
                                 "--password-env (default LACRDF_PASSWORD)")
            try:
                f"{self.user}:{self.password}".encode("latin-1")
            except UnicodeEncodeError:  # requests sends latin-1 only; RFC 7617 allows UTF-8
                pair = f"{self.user}:{self.password}".encode()
                session.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
            else:
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
    """A publish that finished: every graph read back holds exactly the triples that were sent."""

    store_url: str
    graphs: tuple[GraphResult, ...]

    def render(self) -> str:
        width = max((len(g.graph) for g in self.graphs), default=0) + 2
        lines = [f"{('<' + g.graph + '>').ljust(width)}  {g.stored:>7} triples" for g in self.graphs]
        sent = sum(g.sent for g in self.graphs)
        stored = sum(g.stored for g in self.graphs)
        lines.append(f"published {len(self.graphs)} graphs ({sent} triples) to {self.store_url}; "
                     f"read back {stored} triples")
        return "\n".join(lines) + "\n"


STATUSES = ("replaced", "differs", "not replaced", "unknown")
"""What a graph's state is after a publish that did not finish: the store holds exactly the triples sent
("replaced"); it answered success but holds other triples ("differs"); it refused, or answered an error and
reading the graph back shows it does not hold them ("not replaced"); or nothing settles it ("unknown": a
request went out and no answer came, or the store answered an error and the graph could not be read back)."""


class PublishError(RemoteError):
    """A publish that stopped part way or whose read-back differs from what was sent: the first line says
    why, a line per graph that needs one explains it, then one line per graph gives its state (STATUSES)."""

    def __init__(self, reason: str, status: Mapping[str, str], notes: Sequence[str] = ()) -> None:
        self.reason = reason
        self.status = dict(status)
        self.notes = tuple(notes)
        super().__init__(self.render())

    def _with(self, state: str) -> list[str]:
        return [g for g, s in self.status.items() if s == state]

    @property
    def replaced(self) -> list[str]:
        return self._with("replaced")

    @property
    def differs(self) -> list[str]:
        return self._with("differs")

    @property
    def not_replaced(self) -> list[str]:
        return self._with("not replaced")

    @property
    def unknown(self) -> list[str]:
        return self._with("unknown")

    def render(self) -> str:
        lines = [self.reason, *self.notes]
        width = max((len(s) for s in self.status.values()), default=0)
        lines += [f"{s.ljust(width)}  <{g}>" for g, s in self.status.items()]
        counts = Counter(self.status.values())
        labels = {"differs": "differs" if counts["differs"] == 1 else "differ"}
        shown = ", ".join(f"{counts[s]} {labels.get(s, s)}" for s in STATUSES if counts[s])
        if counts["replaced"] == len(self.status):
            lines.append(f"all {len(self.status)} graphs were replaced, but the read-back did not finish")
        else:
            lines.append(f"publish incomplete: {shown} of {len(self.status)} graphs")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


class _Failed(Exception):
    """A request that failed for good. ``applied``: some attempt may have changed the store (it was sent and
    no answer said it was not acted on); ``pending``: for some attempt no final answer came (a timeout, a
    reset, a gateway's 502 or 504), so the store may still act on it."""

    def __init__(self, reason: str, applied: bool = False, pending: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.applied = applied
        self.pending = pending


@dataclass(frozen=True)
class _Triples:
    """What a graph holds, compared as a set: the triples without blank nodes as they are, and the others
    with their blank nodes unlabelled (a store relabels them), counted."""

    ground: frozenset[ox.Triple]
    blank: Counter[str] = field(default_factory=Counter)

    @classmethod
    def parse(cls, body: bytes) -> _Triples:
        triples = {quad.triple for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)}
        ground = frozenset(t for t in triples if not _has_blank(t))
        return cls(ground, Counter(_unlabelled(t) for t in triples if t not in ground))

    @property
    def count(self) -> int:
        return len(self.ground) + sum(self.blank.values())

    def not_in(self, other: _Triples) -> int:
        """How many of these triples ``other`` does not hold."""
        return len(self.ground - other.ground) + sum((self.blank - other.blank).values())


def _has_blank(triple: ox.Triple) -> bool:
    return any(isinstance(t, ox.BlankNode) or (isinstance(t, ox.Triple) and _has_blank(t))
               for t in (triple.subject, triple.predicate, triple.object))


def _unlabelled(triple: ox.Triple) -> str:
    return " ".join("_:" if isinstance(t, ox.BlankNode) else
                    f"<< {_unlabelled(t)} >>" if isinstance(t, ox.Triple) else str(t)
                    for t in (triple.subject, triple.predicate, triple.object))


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


def check_publish_options(timeout: float, retries: int, backoff: float = BACKOFF) -> None:
    """InputError unless the timeout is a finite number of seconds > 0, retries 0 to MAX_RETRIES and the
    backoff a finite number of seconds >= 0 (the CLI checks its options the same way first)."""
    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        raise InputError(f"--timeout must be a finite number of seconds > 0 and <= {MAX_TIMEOUT:g}, "
                         f"not {timeout!r}")
    if not (isinstance(retries, int) and 0 <= retries <= MAX_RETRIES):
        raise InputError(f"--retries must be a whole number from 0 to {MAX_RETRIES}, not {retries!r}")
    if not (isinstance(backoff, (int, float)) and math.isfinite(backoff) and backoff >= 0):
        raise InputError(f"the backoff must be a finite number of seconds >= 0, not {backoff!r}")


def publish(ds: Dataset | BuiltGraph, store_url: str, *, graph_prefix: str | None = None, auth: Auth | None = None,
            timeout: float = 30.0, retries: int = 3, backoff: float = BACKOFF) -> PublishReport:
    """PUT each named graph to a Graph Store Protocol endpoint (replacing it), then read each graph back and
    compare it with what was sent. PUT is idempotent, so a retry or a second publish never duplicates data;
    POST, which appends, is never used. Raises PublishError saying the state of every graph when a request
    fails for good or a graph read back is not exactly what was sent; no message shows a credential.

    The CLI refuses credentials written into ``store_url``; here they are taken (requests sends them as
    basic authentication) and masked like the others."""
    problem = store_url_problem(store_url, allow_userinfo=True)
    if problem:
        raise InputError(f"--store: {problem}")
    check_publish_options(timeout, retries, backoff)
    auth = auth or Auth()
    mask = auth.redactor(store_url)
    where = safe_url(store_url)
    targets = target_graphs(ds, graph_prefix)
    bodies = graph_bodies(ds)
    status = {iri: "not replaced" for _, iri in targets}

    with requests.Session() as session:
        session.headers["User-Agent"] = USER_AGENT
        auth.apply(session)

        def read_back(iri: str, tries: int) -> _Triples:
            # a graph the store does not have is an empty one (the protocol lets a store drop empty graphs)
            response = _request(session, "GET", store_url, iri, timeout, tries, backoff, mask,
                                accept=frozenset({404}), headers={"Accept": N_TRIPLES})
            return _Triples(frozenset()) if response.status_code == 404 else _stored_triples(response, mask)

        for graph, iri in targets:
            try:
                _request(session, "PUT", store_url, iri, timeout, retries, backoff, mask,
                         data=bodies[graph][0], headers={"Content-Type": N_TRIPLES})
            except _Failed as failed:
                notes = []
                if failed.applied:  # the store may have acted on it: read back what it holds
                    sent = _Triples.parse(bodies[graph][0])
                    try:
                        held = read_back(iri, 0)
                    except _Failed:
                        status[iri] = "unknown"
                    else:
                        if held == sent:
                            status[iri] = "replaced"
                            notes.append(f"graph <{iri}>: the PUT failed, but reading the graph back shows "
                                         f"exactly the {sent.count} triples sent")
                        else:  # an answered error is final; a request without an answer may still land
                            status[iri] = "unknown" if failed.pending else "not replaced"
                reason = f"publish to {where} failed at graph <{iri}>: {failed.reason}"
                raise PublishError(mask(reason), status, notes) from None
            status[iri] = "replaced"

        results, differences = [], []
        for graph, iri in targets:
            try:
                held = read_back(iri, retries)
            except _Failed as failed:
                reason = (f"publish to {where}: reading back <{iri}> failed: {failed.reason}" if differences
                          else f"every graph was replaced on {where}, but reading back <{iri}> failed: "
                          f"{failed.reason}")
                raise PublishError(mask(reason), status, differences) from None
            sent = _Triples.parse(bodies[graph][0])
            if held != sent:
                status[iri] = "differs"
                extra = held.not_in(sent)
                differences.append(f"graph <{iri}>: sent {sent.count} triples, store holds {held.count}"
                                   + (f" ({extra} of them not sent)" if extra else ""))
            results.append(GraphResult(iri, graph.value, bodies[graph][1], held.count))
    if differences:
        raise PublishError(f"publish to {where}: the store does not hold what was sent in {len(differences)} "
                           f"of {len(targets)} graphs", status, differences)
    return PublishReport(where, tuple(results))


def _stored_triples(response: requests.Response, mask: Mask) -> _Triples:
    try:
        return _Triples.parse(response.content)
    except (SyntaxError, ValueError) as exc:
        raise _Failed(f"the store answered with something that is not N-Triples "
                      f"({_one_line(str(exc), 80, mask)})") from None


# 408 and 429 ask the client to come back later: they are retried like 5xx; every other 4xx is final
_RETRY_STATUS = frozenset({408, 429})
# a gateway that gave up waiting: the store behind it may still act on the request
_PENDING_STATUS = frozenset({502, 504})


def _request(session: requests.Session, method: str, store_url: str, graph: str, timeout: float, retries: int,
             backoff: float, mask: Mask, accept: frozenset[int] = frozenset(), **kwargs: Any) -> requests.Response:
    """One Graph Store request for ``graph``, retried with capped exponential backoff (retry_delays) when
    the failure may be passing (5xx, 408, 429, timeout, refused or reset connection); a 2xx answer, or one in
    ``accept``, is returned; _Failed, its reason masked, when it fails for good."""
    applied = pending = False
    delays = retry_delays(retries, backoff)
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(delays[attempt - 1])
        try:
            response = session.request(method, store_url, params={"graph": graph}, timeout=(timeout, timeout),
                                       allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            reason = _network_reason(exc, mask)
            if isinstance(exc, ValueError):  # a URL or header requests refuses to send: nothing went out
                raise _Failed(f"{method}: {reason}", applied, pending) from None
            if _may_have_arrived(exc):
                applied = pending = True
            if reason == "timed out":
                reason = f"no answer within {timeout:g} s (--timeout)"
        else:
            code = response.status_code
            if 200 <= code < 300 or code in accept:
                return response
            reason = _status_reason(response, mask)
            if code >= 500:
                applied = True
                pending = pending or code in _PENDING_STATUS
            elif code not in _RETRY_STATUS:
                raise _Failed(f"{method}: {reason}", applied, pending)
        if attempt == retries:
            tries = f" (after {retries + 1} attempts)" if retries else ""
            raise _Failed(f"{method}: {reason}{tries}", applied, pending)
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


def _status_reason(response: requests.Response, mask: Mask) -> str:
    text = f"HTTP {response.status_code} {response.reason or ''}".rstrip()
    if 300 <= response.status_code < 400 and "Location" in response.headers:
        location = _one_line(safe_url(response.headers["Location"]), 300, mask)
        return f"{text}: redirected to {location}; publish to that URL instead"
    detail = _one_line(response.text, mask=mask) if response.content else ""
    return f"{text}: {detail}" if detail else text


def _redact(text: str, auth: Auth) -> str:
    """Belt and braces: a server may echo credentials in an error page; they never reach the output."""
    return auth.redactor()(text)


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
