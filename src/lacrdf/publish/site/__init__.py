"""The linked-data site: a static folder any web server can host, with an HTML page and RDF variants for
every resource, content-negotiation rules, ontology documentation, VoID/DCAT/PROV metadata and diagrams.
``build_site`` writes it; ``lacrdf.site.server.serve_site`` serves it locally with the same negotiation."""

from lacrdf.graph.metadata import DEFAULT_SPARQL_ENDPOINT, dataset_metadata
from lacrdf.publish.site.build import SiteReport, build_site

__all__ = ["DEFAULT_SPARQL_ENDPOINT", "SiteReport", "build_site", "dataset_metadata"]
