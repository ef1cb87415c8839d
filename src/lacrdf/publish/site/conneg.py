"""Content negotiation, written once: the table below is turned into Apache (.htaccess) and nginx rules
and is what ``lacrdf serve --site`` applies, so all three answer the same request with the same file.

IRIs without an extension (/id/..., /concept/..., /ontology) are served directly, without a 303 redirect:
the RDF variant when the Accept header names one of our RDF media types (the first in RDF_VARIANTS wins;
q-values are not compared, except that q=0 refuses a type, also after media-type parameters), the HTML
page otherwise, with Vary: Accept. The Accept header is read as RFC 9110 writes it (``accepted_types``); the
regex that Apache and nginx use (``accept_pattern``) reads it the same way, which the tests check.
Files with an extension are served as they are; /.well-known/void and /void give the VoID description."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from lacrdf.publish.site.layout import RDF_VARIANTS

RESOURCE_PATH = r"^((?:id|concept)/.+|ontology)$"
VOID_PATH = r"^(\.well-known/void|void)$"


# RFC 9110: Accept = #( media-range [ weight ] ), media-range = type "/" subtype *( OWS ";" OWS [ parameter ] ),
# parameter = token "=" ( token / quoted-string ), weight = OWS ";" OWS "q=" qvalue. The first parameter named
# q is the weight; parameters after it (RFC 7231's accept-ext) are allowed and ignored. An element that does
# not fit this grammar names no type. Both readings below are written from these pieces; \x22 is the quote and
# \x5c the backslash, so that the regex has neither (nginx would unescape them inside its quoted string).
_QUOTED = r"\x22(?:[^\x22\x5c]|\x5c.)*\x22"
_TOKEN = r"[^\s;,=\x22]+"
_VALUE = rf"(?:[^\s;,\x22]+|{_QUOTED})"
_ELEMENT = rf"(?:[^,\x22]|{_QUOTED})*"
_ZERO = r"0(?:\.0*)?"
_ELEMENT_RE = re.compile(_ELEMENT, re.ASCII)
_MEDIA_RANGE_RE = re.compile(rf"\s*([^\s;,\x22]+)((?:\s*;(?:\s*{_TOKEN}\s*=\s*{_VALUE})?)*)\s*", re.ASCII)
_PARAMETER_RE = re.compile(rf"\s*;(?:\s*({_TOKEN})\s*=\s*({_VALUE}))?", re.ASCII)
_ZERO_RE = re.compile(_ZERO, re.ASCII)


def accepted_types(accept: str | None) -> set[str]:
    """The media ranges (lower case, without parameters) that an Accept header names with a weight other
    than q=0. Elements that break the grammar are skipped; an unclosed quote ends the list."""
    found: set[str] = set()
    pos, text = 0, accept or ""
    while True:
        element = _ELEMENT_RE.match(text, pos)
        assert element is not None  # the element pattern matches the empty string
        end = element.end()
        if end < len(text) and text[end] != ",":
            return found  # a quote that is never closed: nothing after it can be read
        media_range = _MEDIA_RANGE_RE.fullmatch(element.group())
        if media_range is not None and media_range.group(1).isascii():
            weight = next((value for name, value in _PARAMETER_RE.findall(media_range.group(2))
                           if name.isascii() and name.lower() == "q"), None)
            # a quoted weight is not a qvalue: the element is malformed
            if weight is None or not weight.startswith('"') and _ZERO_RE.fullmatch(weight) is None:
                found.add(media_range.group(1).lower())
        if end == len(text):
            return found
        pos = end + 1


def accept_pattern(media_type: str) -> str:
    """A regex (the common subset of PCRE and Python) that finds ``media_type`` as an element of an Accept
    header, with any parameters, unless its weight is q=0: ``accepted_types`` in one expression. Written
    without spaces, braces, quotes or double backslashes so Apache and nginx take it as one token as it is.
    Anchored at the start: the elements before ours are skipped whole, so a comma inside a quoted
    parameter value does not start an element."""
    escaped = re.escape(media_type).replace("\\/", "/").replace("\\-", "-")
    parameter = rf"\s*;(?:\s*{_TOKEN}\s*=\s*{_VALUE})?"
    not_q = rf"\s*;(?:\s*(?!q\s*=){_TOKEN}\s*=\s*{_VALUE})?"
    weight = rf"\s*;\s*q\s*=\s*(?!{_ZERO}(?:[\s;,\x22]|$))[^\s;,\x22]+"
    return rf"^(?:{_ELEMENT},)*\s*{escaped}(?:{not_q})*(?:{weight}(?:{parameter})*)?\s*(?:,|$)"


_RESOURCE = re.compile(RESOURCE_PATH)
_VOID = re.compile(VOID_PATH)

MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    **{v.ext: v.media_type for v in RDF_VARIANTS},
    "ttl": "text/turtle; charset=utf-8",
    "trig": "application/trig",
    "nq": "application/n-quads",
    "svg": "image/svg+xml",
    "png": "image/png",
    "css": "text/css; charset=utf-8",
    # the search page's Pagefind bundle: a module script must come as JavaScript to run
    "js": "text/javascript; charset=utf-8",
    "json": "application/json",
    "txt": "text/plain; charset=utf-8",
    "conf": "text/plain; charset=utf-8",
}


def choose_variant(accept: str | None) -> str:
    """The extension to serve for an Accept header: an RDF variant's, or 'html'."""
    accepted = accepted_types(accept)
    return next((v.ext for v in RDF_VARIANTS if v.media_type in accepted), "html")


@dataclass(frozen=True, slots=True)
class Resolved:
    """The file answering a request, its Content-Type, and whether it was chosen by the Accept header."""

    file: Path
    media_type: str
    negotiated: bool


def media_type_of(file: Path) -> str:
    return MEDIA_TYPES.get(file.suffix.lstrip("."), "application/octet-stream")


def _safe_parts(rel: str) -> bool:
    # Dot files (.htaccess, the build manifest) are not served, but /.well-known/ is.
    parts = rel.split("/")
    return all(p and p not in (".", "..") and (not p.startswith(".") or (i == 0 and p == ".well-known"))
               for i, p in enumerate(parts))


def resolve(root: Path, url_path: str, accept: str | None) -> Resolved | None:
    """The file of the site folder ``root`` that answers GET ``url_path`` (no query string), or None (404)."""
    rel = unquote(url_path).lstrip("/")
    if rel == "":
        rel = "index.html"
    if "\\" in rel or "\x00" in rel or not _safe_parts(rel.rstrip("/") or "index.html"):
        return None
    rel = rel.rstrip("/")
    variant = choose_variant(accept)
    if _VOID.match(rel):
        # an RDF variant by Accept; the readable page for a browser (Accept names text/html); else Turtle
        if variant == "html":
            variant = "html" if "text/html" in accepted_types(accept) else "ttl"
        for ext in (variant, "ttl"):
            candidate = root / f"void.{ext}"
            if candidate.is_file():
                return Resolved(candidate, media_type_of(candidate), True)
        return None
    target = root / rel
    if target.is_file():
        return Resolved(target, media_type_of(target), False)
    if target.is_dir() and (target / "index.html").is_file():
        return Resolved(target / "index.html", MEDIA_TYPES["html"], False)
    if _RESOURCE.match(rel):
        candidate = root / f"{rel}.{variant}"
        if candidate.is_file():
            return Resolved(candidate, media_type_of(candidate), True)
    return None


def htaccess() -> str:
    """Apache 2.4 rules (mod_rewrite; mod_headers for Vary) for the site folder."""
    lines = [
        "# lacrdf linked-data site: content negotiation for Apache 2.4 (mod_rewrite; mod_headers adds Vary).",
        "# IRIs without an extension (/id/..., /concept/..., /ontology) are served directly, no 303 redirect:",
        "# RDF when the Accept header names one of the media types below (the first rule that matches wins;",
        "# q=0 refuses a type), the HTML page otherwise. Files with an extension are served as they are.",
        "# /.well-known/void and /void give the VoID description: RDF by Accept header, its HTML page to a",
        "# browser (Accept names text/html), Turtle otherwise.",
        "# Reached through an Alias? Add 'RewriteBase /that/path/'. [END] needs Apache 2.4.",
        "Options -MultiViews -Indexes",
        "# a source document's IRI and the folder of its paragraphs share a name: never redirect to 'name/'",
        "DirectorySlash Off",
        "AddType text/html .html",
    ]
    lines += [f"AddType {v.media_type} .{v.ext}" for v in RDF_VARIANTS]
    lines += ["AddType application/trig .trig", "AddType application/n-quads .nq", "AddType text/javascript .js",
              "AddType application/json .json", "AddCharset utf-8 .html .ttl .js",
              "", "RewriteEngine On", "# dot files (this file, the build manifest) are not served; /.well-known/ is",
              r'RewriteRule "(^|/)\.(?!well-known/)" - [R=404,L]', "", "# the VoID description of the dataset"]
    for v in RDF_VARIANTS:
        lines += [f"RewriteCond %{{HTTP_ACCEPT}} {accept_pattern(v.media_type)} [NC]",
                  rf"RewriteRule {VOID_PATH} void.{v.ext} [END]"]
    lines += [f"RewriteCond %{{HTTP_ACCEPT}} {accept_pattern('text/html')} [NC]",
              rf"RewriteRule {VOID_PATH} void.html [END]", rf"RewriteRule {VOID_PATH} void.ttl [END]", "",
              "# resources: an RDF variant by Accept header, else the HTML page; missing files give 404"]
    for v in RDF_VARIANTS:
        lines += ["RewriteCond %{REQUEST_FILENAME} !-f",
                  f"RewriteCond %{{HTTP_ACCEPT}} {accept_pattern(v.media_type)} [NC]",
                  f"RewriteRule {RESOURCE_PATH} $1.{v.ext} [END]"]
    lines += ["RewriteCond %{REQUEST_FILENAME} !-f", f"RewriteRule {RESOURCE_PATH} $1.html [END]", "",
              "<IfModule mod_headers.c>",
              '  <FilesMatch "\\.(html|' + "|".join(v.ext for v in RDF_VARIANTS) + ')$">',
              "    Header merge Vary Accept",
              "  </FilesMatch>",
              "</IfModule>", ""]
    return "\n".join(lines)


def nginx_conf() -> str:
    """An nginx snippet to include inside the ``server { }`` block whose ``root`` is the site folder."""
    lines = [
        "# lacrdf linked-data site: content negotiation for nginx. Include inside the server { } block whose",
        "# root is the site folder. Same rules as the .htaccess beside it: IRIs without an extension",
        "# (/id/..., /concept/..., /ontology) are served directly, no 303 redirect: RDF when the Accept header",
        "# names one of the media types below (the last 'if' that matches wins, so Turtle is checked last;",
        "# q=0 refuses a type), the HTML page otherwise. /.well-known/void and /void give the VoID description:",
        "# RDF by Accept header, its HTML page to a browser, Turtle otherwise.",
        "types {",
        "    text/html html;",
    ]
    lines += [f"    {v.media_type} {v.ext};" for v in RDF_VARIANTS]
    lines += ["    application/trig trig;", "    application/n-quads nq;", "    image/png png;",
              "    image/svg+xml svg;", "    text/plain conf txt;", "    text/css css;", "    text/javascript js;",
              "    application/json json;", "}", "charset utf-8;",
              "charset_types text/turtle text/plain text/css text/javascript;  # text/html is always included", "",
              "# 'if' with only 'set' at server level is safe; it runs before a location is chosen",
              "set $lacrdf_variant html;",
              "# the VoID description: its HTML page to a browser, Turtle to a client that names no type",
              "set $lacrdf_void ttl;",
              f'if ($http_accept ~* "{accept_pattern("text/html")}") {{ set $lacrdf_void html; }}']
    for v in reversed(RDF_VARIANTS):
        lines.append(f'if ($http_accept ~* "{accept_pattern(v.media_type)}") {{ set $lacrdf_variant {v.ext}; }}')
    for v in reversed(RDF_VARIANTS):
        lines.append(f'if ($http_accept ~* "{accept_pattern(v.media_type)}") {{ set $lacrdf_void {v.ext}; }}')
    lines += ["",
              f'location ~ "{VOID_PATH.replace("^", "^/")}" {{',
              "    add_header Vary Accept always;",
              "    try_files /void.$lacrdf_void /void.ttl =404;",
              "}",
              "location ~ /\\. {",
              "    return 404;",
              "}",
              f'location ~ "{RESOURCE_PATH.replace("^", "^/")}" {{',
              "    add_header Vary Accept always;",
              "    try_files $uri $uri.$lacrdf_variant =404;",
              "}", ""]
    return "\n".join(lines)
