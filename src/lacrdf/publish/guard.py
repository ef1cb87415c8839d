"""The rules of the SPARQL server's front door (``lacrdf serve``): which ``Host`` a request may name, which
writes count as cross-site, and which SPARQL texts reach other hosts by ``SERVICE`` or ``LOAD``. Pure
functions over headers and text, so each rule is tested without a server; ``proxy.py`` applies them."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

MIB = 1 << 20
MAX_BODY = 1 * MIB  # a query or update body; the stored queries are a few KiB
MAX_UPLOAD = 128 * MIB  # a Graph Store upload (--writable only); Oxigraph's own limit for SPARQL bodies
QUERY_TIMEOUT = 30.0

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
# what an HTML form (or a fetch() without a CORS preflight) can send: a write with one of these must prove,
# by its Origin header, that it comes from this server's own page
SIMPLE_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain", ""})
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
# a text longer than this that mentions SERVICE or LOAD is refused rather than parsed: rdflib's parser is
# pure Python and would hold the proxy's threads for seconds
MAX_CHECKED_TEXT = 256 * 1024


class Refused(Exception):
    """A request the proxy answers itself, with this HTTP status and one line of text."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Policy:
    """What a server accepts. Everything off by default: read-only, no other hosts, loopback names only."""

    writable: bool = False
    query_timeout: float = QUERY_TIMEOUT
    allow_service: tuple[str, ...] = ()
    public_names: tuple[str, ...] = ()
    max_body: int = MAX_BODY
    max_upload: int = MAX_UPLOAD
    _services: frozenset[tuple[str, int | None]] = field(init=False, repr=False, compare=False)
    _names: frozenset[tuple[str, int | None]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.query_timeout > 0:
            raise ValueError(f"query timeout must be positive, not {self.query_timeout}")
        if self.max_body < 1 or self.max_upload < 1:
            raise ValueError("body limits must be positive")
        object.__setattr__(self, "_services", frozenset(_host_and_port(h, "--allow-service")
                                                        for h in self.allow_service))
        object.__setattr__(self, "_names", frozenset(_host_and_port(h, "--public-name")
                                                     for h in self.public_names))

    def service_allowed(self, host: str, port: int | None) -> bool:
        return (host, None) in self._services or (host, port) in self._services

    def public_name(self, host: str, port: int | None) -> bool:
        """A name the operator gave: NAME matches on any port, NAME:PORT on that port only."""
        return (host, None) in self._names or (host, port) in self._names


_SIZE = re.compile(r"([0-9]+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def parse_size(text: str) -> int:
    """A size in bytes from ``1048576``, ``512KiB``, ``1MiB`` or ``2G`` (K, M and G are powers of 1024)."""
    match = _SIZE.fullmatch(text.strip())
    if not match or int(match[1]) < 1:
        raise ValueError(f"{text!r} is not a size such as 1048576, 512KiB or 1MiB")
    return int(match[1]) * _UNITS[(match[2] or "")[:1].lower()]


def format_size(size: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def _host_and_port(value: str, option: str) -> tuple[str, int | None]:
    if "://" in value:  # an endpoint URL names its host too (https://query.wikidata.org/sparql: any port)
        host = urlsplit(value).hostname or ""
        value = f"[{host}]" if ":" in host else host
    parsed = split_host(value)
    if parsed is None or not parsed[0]:
        raise ValueError(f"{option} {value!r}: not a host name or host:port")
    return parsed


_PORT = re.compile(r"[0-9]{1,5}")


def split_host(value: str) -> tuple[str, int | None] | None:
    """``name[:port]`` as (lower-case name without a final dot, port or None); IPv6 stays in brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[:end + 1], value[end + 1:]
    else:
        name, colon, port = value.partition(":")
        rest = colon + port
    port_number: int | None = None
    if rest:
        if not rest.startswith(":") or not _PORT.fullmatch(rest[1:]) or int(rest[1:]) > 65535:
            return None
        port_number = int(rest[1:])
    name = name.rstrip(".")
    if not name or not re.fullmatch(r"\[[0-9a-f:.]+\]|[a-z0-9._-]+", name):
        return None
    return name, port_number


def url_name(bind_host: str) -> str:
    """How URLs name a bind address: IPv6 in brackets; a wildcard bind has no name of its own."""
    if bind_host in ("", "0.0.0.0", "::"):
        return ""
    return f"[{bind_host}]" if ":" in bind_host else bind_host.lower()


def host_allowed(value: str | None, policy: Policy, bind_host: str, port: int, default_port: int = 80) -> bool:
    """Whether a ``Host`` header (or an Origin's host) names this server: its bound address or a loopback
    name on its port, or a name the operator gave (``--public-name``). Anything else is a DNS-rebinding
    attempt or a misdirected request."""
    if value is None:
        return False
    parsed = split_host(value)
    if parsed is None:
        return False
    name, given = parsed
    effective = given if given is not None else default_port
    own = {*LOOPBACK_NAMES, url_name(bind_host)} - {""}
    return (name in own and effective == port) or policy.public_name(name, given)


def origin_allowed(origin: str, policy: Policy, bind_host: str, port: int) -> bool:
    """Whether an ``Origin`` header is one of this server's own pages."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or parts.path not in ("", "/") or parts.query or parts.username:
        return False
    return host_allowed(parts.netloc, policy, bind_host, port, default_port=443 if parts.scheme == "https" else 80)


def cross_site_write(headers: Any, content_type: str, policy: Policy, bind_host: str, port: int) -> str | None:
    """Why a write (update or Graph Store change) looks like a cross-site request, or None.

    A page on another site can make the browser post a form (urlencoded, multipart or text/plain) to this
    server but cannot set an Origin of ours, nor a JSON or SPARQL content type without a CORS preflight that
    this server never grants. So a write is refused when the browser says it comes from another site
    (``Sec-Fetch-Site``), when its Origin is not this server, and when it has a form's content type and no
    Origin of ours at all."""
    sites = headers.get_all("Sec-Fetch-Site") or []
    origins = headers.get_all("Origin") or []
    if len(sites) > 1 or len(origins) > 1:
        return "a write with several Sec-Fetch-Site or Origin headers is refused"
    if sites and sites[0].strip().lower() not in ("same-origin", "none"):
        return f"a write from another site (Sec-Fetch-Site: {sites[0].strip()}) is refused"
    if origins:
        if origin_allowed(origins[0], policy, bind_host, port):
            return None
        return f"a write from the page of another site (Origin: {origins[0].strip()}) is refused"
    if content_type in SIMPLE_CONTENT_TYPES:
        shown = content_type or "no Content-Type"
        return (f"a write sent as {shown} without an Origin header naming this server is refused (it is what a "
                f"form on another site sends); send the update as {SPARQL_UPDATE}")
    return None


def media_type(value: str | None) -> str:
    """A Content-Type's media type as Oxigraph reads it: before any ';', trimmed, ASCII lower case."""
    if value is None:
        return ""
    value = value.split(";", 1)[0].strip()
    return value.lower() if value.isascii() else value


def form_fields(data: bytes) -> list[tuple[str, str]]:
    """``application/x-www-form-urlencoded`` pairs as Oxigraph's form parser reads them ('+' is a space,
    percent escapes decoded, invalid UTF-8 replaced)."""
    pairs = []
    for part in data.split(b"&"):
        if not part:
            continue
        key, _, value = part.partition(b"=")
        pairs.append((_form_decode(key), _form_decode(value)))
    return pairs


def _form_decode(raw: bytes) -> str:
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8", "replace")


# -- SERVICE and LOAD ----------------------------------------------------------------------------------------

def refuse_other_hosts(text: str, *, update: bool, policy: Policy) -> None:
    """Raise Refused (400) if the query or update would make the server connect to a host the operator did
    not name: ``SERVICE`` in a query or update, ``LOAD`` in an update.

    The text is read the way Oxigraph may read it, with and without SPARQL 1.1's codepoint escapes
    (``\\u0053ERVICE`` is SERVICE), and parsed with rdflib's SPARQL parser whenever it mentions one of the
    keywords; a text that mentions one and cannot be parsed is refused, since it cannot be checked."""
    words = ("service", "load") if update else ("service",)
    for reading in dict.fromkeys((text, unescape_codepoints(text))):
        folded = reading.lower()
        if not any(word in folded for word in words):
            continue
        if len(reading) > MAX_CHECKED_TEXT:
            what = "an update" if update else "a query"
            raise Refused(400, f"{what} longer than {MAX_CHECKED_TEXT // 1024} KiB that mentions SERVICE or "
                          "LOAD is refused (it cannot be checked quickly)")
        for keyword, target in _remote_targets(reading, update=update):
            problem = _target_problem(target, policy)
            if problem:
                raise Refused(400, f"{keyword} {_shown(target)} is refused: {problem}")


def _shown(target: object) -> str:
    from rdflib.term import URIRef, Variable

    if isinstance(target, URIRef):
        return f"<{target}>"
    if isinstance(target, Variable):
        return f"?{target}"
    prefix = getattr(target, "prefix", None) or ""
    local = getattr(target, "localname", None) or ""
    return f"{prefix}:{local}"


def _target_problem(target: object, policy: Policy) -> str | None:
    from rdflib.term import URIRef, Variable

    if isinstance(target, Variable):
        return "the endpoint must be a fixed IRI, not a variable"
    if not isinstance(target, URIRef):
        return "write the endpoint as a full IRI in <...>, not a prefixed name"
    try:
        parts = urlsplit(str(target))
        host, port = parts.hostname, parts.port
    except ValueError:
        return "not a valid http(s) IRI"
    if parts.scheme.lower() not in ("http", "https") or not host:
        return "only absolute http(s) IRIs can be allowed"
    name = f"[{host}]" if ":" in host else host.rstrip(".")
    if policy.service_allowed(name, port):
        return None
    allowed = f"only to {', '.join(policy.allow_service)}" if policy.allow_service else "to no other host"
    return (f"the host {name}{f':{port}' if port else ''} is not allowed; this server connects {allowed} "
            "(the operator can allow a host with 'lacrdf serve --allow-service HOST')")


_PARSE_LOCK = threading.Lock()  # pyparsing's grammar objects are shared module state


def _remote_targets(text: str, *, update: bool) -> Iterator[tuple[str, object]]:
    """(keyword, target) for every SERVICE and LOAD in the text, by rdflib's parser."""
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        with _PARSE_LOCK:
            tree = parseUpdate(text) if update else parseQuery(text)
    except RecursionError:
        raise Refused(400, "the text is nested too deeply to be checked for SERVICE and LOAD") from None
    except Exception as exc:  # noqa: BLE001 - pyparsing raises several kinds; every one means "cannot check"
        detail = " ".join(str(exc).split())[:200]
        raise Refused(400, f"the {'update' if update else 'query'} mentions SERVICE or LOAD and cannot be "
                      f"checked: rdflib's SPARQL parser reads it as invalid ({detail})") from None
    for node in _walk(tree):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            yield "SERVICE", node.get("term")
        elif name == "Load":
            yield "LOAD", node.get("iri")


def _walk(node: object, depth: int = 0) -> Iterator[Any]:
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Node

    if depth > 500:
        raise Refused(400, "the text is nested too deeply to be checked for SERVICE and LOAD")
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value, depth + 1)
    elif isinstance(node, (str, bytes, Node)):
        return
    elif isinstance(node, dict):
        for value in node.values():
            yield from _walk(value, depth + 1)
    elif isinstance(node, Iterable):
        for value in node:
            yield from _walk(value, depth + 1)


def unescape_codepoints(text: str) -> str:
    r"""SPARQL 1.1's codepoint escapes (``\uXXXX``, ``\UXXXXXXXX``) replaced, in one pass, as Oxigraph 0.5
    does before parsing. Liberal on purpose (a leading '+', as Rust's from_str_radix takes it): reading more
    escapes than Oxigraph can only make the check stricter."""
    if "\\u" not in text and "\\U" not in text:
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "uU":
            width = 4 if text[i + 1] == "u" else 8
            code = _hex(text[i + 2:i + 2 + width], width)
            if code is not None:
                out.append(chr(code))
                i += 2 + width
                continue
        out.append(c)
        i += 1
    return "".join(out)


def _hex(digits: str, width: int) -> int | None:
    if len(digits) != width:
        return None
    body = digits[1:] if digits.startswith("+") else digits
    if not body or not all(ch in "0123456789abcdefABCDEF" for ch in body):
        return None
    value = int(body, 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return None
    return value
