"""Defaults the metadata uses, importable without the metadata writer."""

DEFAULT_SPARQL_ENDPOINT = "http://127.0.0.1:7878/query"
