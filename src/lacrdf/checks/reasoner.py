"""OWL 2 DL reasoning with HermiT (shipped by owlready2, run on the machine's Java): consistency of the
ontology together with the data, and satisfiability of every class."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from lacrdf.errors import InputError
from lacrdf.graph.dataset import Dataset

# HermiT accepts only the OWL 2 datatype map; xsd:date and the partial dates (gYear...) are outside it.
# No axiom of ours constrains those literals, so they are left out of the reasoner's input.
_NOT_OWL2 = {"http://www.w3.org/2001/XMLSchema#" + t for t in ("date", "gYear", "gYearMonth", "gMonthDay")}


def reasoner_input(ds: Dataset) -> list[ox.Triple]:
    return [t for t in ds.triples(include_ontology=True)
            if not (isinstance(t.object, ox.Literal) and t.object.datatype.value in _NOT_OWL2)]


def run_hermit(ds: Dataset) -> list[tuple[str, str]]:
    """(focus IRI, problem) pairs; empty when consistent with no unsatisfiable class."""
    if shutil.which("java") is None:
        raise InputError("the reasoner needs Java; run 'make system-deps' (installs default-jre-headless)")
    from owlready2 import OwlReadyInconsistentOntologyError, OwlReadyJavaError, World, sync_reasoner

    with tempfile.TemporaryDirectory(prefix="lacrdf-hermit-") as tmp:
        path = Path(tmp) / "input.nt"
        path.write_bytes(ox.serialize(reasoner_input(ds), format=ox.RdfFormat.N_TRIPLES))
        world = World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                sync_reasoner(world, infer_property_values=False, debug=0)
        except OwlReadyInconsistentOntologyError:
            return [(ds.ns.ontology, "the ontology and the data are inconsistent under OWL 2 DL (HermiT)")]
        except OwlReadyJavaError as exc:
            last = [ln for ln in str(exc).splitlines() if "Exception" in ln][:1]
            raise InputError(f"HermiT failed: {(last or ['see the Java output'])[0].strip()}") from None
        return [(c.iri, f"class {c.iri} is unsatisfiable (HermiT)") for c in world.inconsistent_classes()]
