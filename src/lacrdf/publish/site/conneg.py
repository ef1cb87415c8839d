"""Content negotiation, written once: the table below is turned into Apache (.htaccess) and nginx rules
and is what ``lacrdf serve --site`` applies, so all three answer the same request with the same file.

IRIs without an extension (/id/..., /concept/..., /ontology) are served directly, without a 303 redirect:
the RDF variant when the Accept header names one of our RDF media types (the first in RDF_VARIANTS wins;
q-values are not compared, except that q=0 refuses a type), the HTML page otherwise, with Vary: Accept.
Files with an extension are served as they are; /.well-known/void and /void give the VoID description."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from lacrdf.publish.site.layout import RDF_VARIANTS

RESOURCE_PATH = r"^((?:id|concept)/.+|ontology)$"
VOID_PATH = r"^(\.well-known/void|void)$"


def accept_pattern(media_type: str) -> str:
    """A regex (the common subset of PCRE and Python) that finds ``media_type`` as a whole entry of an
    Accept header, unless it is given q=0. Written without spaces or braces so Apache and nginx take it
    as one token."""
    escaped = re.escape(media_type).replace("\\/", "/").replace("\\-", "-")
    refused = r";(?!\s*q\s*=\s*0(?:\.0*)?\s*(?:,|$))"
    return rf"(?:^|,)\s*{escaped}\s*(?:,|{refused}|$)"


ACCEPT_PATTERNS: dict[str, re.Pattern[str]] = {
    v.ext: re.compile(accept_pattern(v.media_type), re.IGNORECASE) for v in RDF_VARIANTS
}
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
    "txt": "text/plain; charset=utf-8",
    "conf": "text/plain; charset=utf-8",
}


HTML_PATTERN = re.compile(accept_pattern("text/html"), re.IGNORECASE)


def choose_variant(accept: str | None) -> str:
    """The extension to serve for an Accept header: an RDF variant's, or 'html'."""
    for variant in RDF_VARIANTS:
        if accept and ACCEPT_PATTERNS[variant.ext].search(accept):
            return variant.ext
    return "html"


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
            variant = "html" if accept and HTML_PATTERN.search(accept) else "ttl"
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
    lines += ["AddType application/trig .trig", "AddType application/n-quads .nq", "AddCharset utf-8 .html .ttl",
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
              "    image/svg+xml svg;", "    text/plain conf txt;", "}", "charset utf-8;",
              "charset_types text/turtle text/plain;  # text/html is always included", "",
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
