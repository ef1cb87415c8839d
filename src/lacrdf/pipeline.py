"""The library API behind the CLI: load records, build the dataset, validate, write dist/.
Everything the CLI does is one call here (``from lacrdf import build``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .config import Namespaces, ProjectPaths, find_project
from .dataset import Dataset, build_dataset, load_ontology
from .errors import RecordErrors
from .export import BUILD_FORMATS, atomic_write_many
from .progress import SILENT, Reporter
from .records import Project, load_project
from .sources import check_against_texts
from .validate import ValidationReport, load_shapes, shapes_files, validate_dataset


@contextmanager
def _no_gc() -> Iterator[None]:
    """Loading makes millions of small objects and no reference cycles worth collecting; Python's cyclic
    collector would rescan the growing heap again and again (measured: 20-30% of the load time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class BuildResult:
    dataset: Dataset
    report: ValidationReport
    written: tuple[Path, ...]


def load_records(paths: ProjectPaths, data: Sequence[Path] | None = None, progress: Reporter = SILENT) -> Project:
    """Load and check the records (default: the project's data/); texts are checked when present."""
    project = load_project(list(data) if data else [paths.data], root=paths.root, progress=progress)
    if paths.seeds.is_dir():
        errors = check_against_texts(project, paths.seeds)
        if errors:
            raise RecordErrors(errors)
    return project


def make_dataset(paths: ProjectPaths, data: Sequence[Path] | None = None, base: str | None = None,
                 infer: bool = False, progress: Reporter = SILENT) -> Dataset:
    """Load the records and build the dataset; with ``infer``, add the OWL 2 RL entailments in their own
    named graph ({base}graph/inferred)."""
    ns = Namespaces(base) if base else Namespaces()
    with _no_gc():
        project = load_records(paths, data, progress)
        ds = build_dataset(project, ns, load_ontology(paths.ontology_dir, ns), progress)
    if infer:
        from .infer import with_inferences

        progress.step("inferring (OWL 2 RL)")
        ds = with_inferences(ds)
    return ds


def validate(dataset: Dataset, paths: ProjectPaths, progress: Reporter = SILENT,
             engine: str = "oxigraph") -> ValidationReport:
    files = shapes_files(paths.shapes_dir)
    progress.step(f"validating {len(dataset.quads)} quads ({engine})")
    return validate_dataset(dataset, load_shapes(files), [str(f.relative_to(paths.root)) for f in files],
                            engine=engine)


def build(paths: ProjectPaths | None = None, data: Sequence[Path] | None = None, base: str | None = None,
          out: Path | None = None, formats: Sequence[str] = BUILD_FORMATS, threshold: str = "violation",
          write: bool = True, infer: bool = False, progress: Reporter = SILENT,
          engine: str = "oxigraph") -> BuildResult:
    """Load, convert, validate and (if the data conforms at ``threshold``) write dist/."""
    paths = paths or find_project()
    ds = make_dataset(paths, data, base, infer, progress)
    report = validate(ds, paths, progress, engine)
    written: tuple[Path, ...] = ()
    if write and report.conforms(threshold):
        progress.step("writing")
        target = out or paths.dist
        files = {target / name: payload for name, payload in dist_files(ds, paths, formats).items()}
        atomic_write_many(files)
        written = tuple(sorted(files))
    return BuildResult(ds, report, written)


def dist_files(ds: Dataset, paths: ProjectPaths, formats: Sequence[str] = BUILD_FORMATS) -> dict[str, bytes]:
    """The files of dist/ by name: a dump per format, the ontology, and void.ttl (VoID, DCAT with the
    byte size of every dump, PROV-O of the build), all regenerated on every build."""
    from .export import get_format, render
    from .site.metadata import dataset_metadata, metadata_turtle

    files = {f"lacrdf.{get_format(f).extension}": render(ds, f) for f in formats}
    files["ontology.ttl"] = _ontology_turtle(ds)
    files["void.ttl"] = metadata_turtle(ds, dataset_metadata(ds, paths, dict(files)))
    return files


def _ontology_turtle(ds: Dataset) -> bytes:
    import pyoxigraph as ox

    triples = sorted({q.triple for q in ds.quads if q.graph_name == ds.ontology_graph}, key=str)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=ds.ns.prefixes())
