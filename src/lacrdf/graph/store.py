"""The built graph: one output folder that every command opens.

``lacrdf build`` writes a folder holding the persistent Oxigraph store (``store/``, RocksDB), the dumps,
``ontology.ttl``, ``void.ttl`` and ``manifest.json`` (SHA-256 of every input, tool version, base IRI,
counts). The output path (``dist`` by default) is a symbolic link to the current build folder under a
state folder beside it (``.dist.lacrdf/builds/``), so switching to a new build is one atomic rename:
a reader sees the old build or the new one, never a mix. Readers open the store read-only, so several
processes may query one build at once."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from lacrdf.config import DEFAULT_BASE, ONTOLOGY_FILES, Namespaces, ProjectPaths
from lacrdf.errors import InputError
from lacrdf.graph.enrichments import enrichment_files
from lacrdf.graph.fingerprint import file_sha256, tool_fingerprint
from lacrdf.records.files import data_files, display_path

if TYPE_CHECKING:
    from lacrdf.graph.dataset import Dataset


MANIFEST = "manifest.json"
STORE = "store"
MANIFEST_FORMAT = 1


class StaleBuild(InputError):
    """The built graph does not match its inputs (and the caller asked not to rebuild)."""


@dataclass(frozen=True)
class Target:
    """What a build is made of and where it goes: record files or folders, base IRI, output folder."""

    paths: ProjectPaths
    data: tuple[Path, ...]
    base: str
    out: Path

    @classmethod
    def of(cls, paths: ProjectPaths, data: Sequence[Path] | None = None, base: str | None = None,
           out: Path | None = None) -> Target:
        """The default build is the project's data/ at the default base into dist/; other data or another
        base build into their own folder under .lacrdf-out/ (named by what they hold), unless ``out``."""
        chosen = tuple(sorted(Path(p).resolve() for p in data)) if data else (paths.data.resolve(),)
        base = base or DEFAULT_BASE
        Namespaces(base)  # refuse a bad base before anything is built
        if out is None:
            if chosen == (paths.data.resolve(),) and base == DEFAULT_BASE:
                out = paths.dist
            else:
                key = hashlib.sha256(repr(([str(p) for p in chosen], base)).encode()).hexdigest()[:12]
                out = paths.dist.parent / ".lacrdf-out" / key
        return cls(paths, chosen, base, Path(os.path.abspath(out)))

    @property
    def ns(self) -> Namespaces:
        return Namespaces(self.base)

    @property
    def state(self) -> Path:
        """Where the build folders, the conversion cache and the lock live (beside the output)."""
        return self.out.parent / f".{self.out.name}.lacrdf"

    def display(self) -> str:
        try:
            return str(self.out.relative_to(self.paths.root)) + "/"
        except ValueError:
            return str(self.out) + "/"


# ---------------------------------------------------------------------------------------------- inputs

@dataclass(frozen=True)
class Inputs:
    """Every file a build reads, by kind, with its SHA-256 (relative display path -> digest)."""

    records: Mapping[str, str]
    ontology: Mapping[str, str]
    shapes: Mapping[str, str]
    texts: Mapping[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, dict[str, str]]:
        return {"records": dict(self.records), "ontology": dict(self.ontology), "shapes": dict(self.shapes),
                "texts": dict(self.texts)}


def input_paths(target: Target) -> dict[str, dict[str, Path]]:
    """The input files of a target by kind (display name -> path); texts are those the last build cited;
    enrich: the project's enrichment graphs (enrich/*.trig), which every target includes."""
    root = target.paths.root
    records = {display_path(p, root): p for p in data_files(target.data)}
    ontology = {display_path(target.paths.ontology_dir / n, root): target.paths.ontology_dir / n
                for n in ONTOLOGY_FILES}
    shapes = {display_path(p, root): p for p in sorted(target.paths.shapes_dir.glob("*.ttl"))}
    enrich = {display_path(p, root): p for p in enrichment_files(target.paths.enrich)}
    return {"records": records, "ontology": ontology, "shapes": shapes, "enrich": enrich}


class StatCache:
    """Size and modification time of each input when it was last hashed, so an unchanged file is not
    read again to decide whether a build is current (as git's index does)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.entries: dict[str, list[Any]] = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def sha256(self, path: Path) -> str | None:
        try:
            st = path.stat()
        except OSError:
            return None
        key = str(path)
        entry = self.entries.get(key)
        if entry and entry[0] == st.st_size and entry[1] == st.st_mtime_ns:
            return str(entry[2])
        digest = file_sha256(path)
        self.entries[key] = [st.st_size, st.st_mtime_ns, digest]
        return digest

    def save(self) -> None:
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self.entries, sort_keys=True), "utf-8")
            os.replace(tmp, self.path)


# ---------------------------------------------------------------------------------------------- built

class BuiltGraph:
    """An opened build: its manifest and its store (read-only)."""

    def __init__(self, folder: Path, manifest: Mapping[str, Any]) -> None:
        self.folder = folder
        self.manifest = manifest

    @property
    def ns(self) -> Namespaces:
        return Namespaces(self.manifest["base"])

    @property
    def store_path(self) -> Path:
        return self.folder / STORE

    @cached_property
    def store(self) -> ox.Store:
        try:
            return ox.Store.read_only(str(self.store_path))
        except OSError as exc:
            raise InputError(f"{self.store_path}: cannot open the built store ({exc}); run 'lacrdf build'") from None

    @property
    def counts(self) -> Mapping[str, int]:
        return self.manifest["counts"]

    def graphs(self) -> list[ox.NamedNode]:
        return sorted(self.store.named_graphs(), key=lambda g: g.value)  # type: ignore[union-attr,return-value]

    def dataset(self) -> Dataset:
        """Every quad as an in-memory Dataset (sorted; no record origins), for the commands that walk the
        whole graph in Python (site, lint)."""
        from lacrdf.graph.dataset import Dataset

        quads = tuple(sorted(self.store.quads_for_pattern(None, None, None, None), key=str))
        return Dataset(self.ns, quads, {}, {})


def read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("format") == MANIFEST_FORMAT else None


def current_build(target: Target) -> BuiltGraph | None:
    """The build the output path points at, if there is one."""
    if not target.out.exists():
        return None
    folder = target.out.resolve()
    manifest = read_manifest(folder)
    if manifest is None or not (folder / STORE).is_dir():
        return None
    return BuiltGraph(folder, manifest)


def staleness(target: Target, built: BuiltGraph | None) -> str | None:
    """Why the build at ``target`` cannot answer for its inputs now (None: it is current)."""
    if built is None:
        return f"{target.display()} holds no build"
    manifest = built.manifest
    if manifest.get("base") != target.base:
        return f"it was built with base {manifest.get('base')}"
    if manifest.get("tool") != tool_fingerprint(target.ns):
        return "it was built by another version of lacrdf"
    stats = StatCache(target.state / "stat.json")
    wanted = input_paths(target)
    recorded = manifest.get("inputs", {})
    try:
        for kind, files in wanted.items():
            before = recorded.get(kind, {})
            if set(files) != set(before):
                added = sorted(set(files) - set(before))
                gone = sorted(set(before) - set(files))
                return f"{(added or gone)[0]} was {'added' if added else 'removed'}"
            for name, path in files.items():
                if stats.sha256(path) != before[name]:
                    return f"{name} changed"
        seeds = target.paths.seeds
        for name, digest in recorded.get("texts", {}).items():
            if stats.sha256(seeds / name) != digest:
                return f"source text {name} changed"
    finally:
        stats.save()
    return None


# ---------------------------------------------------------------------------------------------- writing

@contextlib.contextmanager
def build_lock(target: Target) -> Iterator[None]:
    """One build of a target at a time (a second waits); readers never wait."""
    target.state.mkdir(parents=True, exist_ok=True)
    with open(target.state / "lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_build_folder(target: Target) -> Path:
    """A fresh folder for a build; leftovers of killed builds are removed first."""
    builds = target.state / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    for stale in builds.glob("*.partial"):
        shutil.rmtree(stale, ignore_errors=True)
    for link in target.out.parent.glob(f".{target.out.name}.link-*"):  # a run killed while switching
        link.unlink(missing_ok=True)
    folder = builds / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{secrets.token_hex(4)}.partial"
    folder.mkdir()
    return folder


def switch_to(target: Target, folder: Path) -> Path:
    """Make ``folder`` the current build in one atomic step (the output link is replaced by rename);
    keep the previous build for readers that still have it open, remove older ones."""
    final = folder.with_name(folder.name.removesuffix(".partial"))
    os.replace(folder, final)
    out = target.out
    previous = out.resolve() if out.is_symlink() else None
    if out.exists() and not out.is_symlink():
        if not out.is_dir():
            raise InputError(f"{out} exists and is not a folder; move it away or choose another --out")
        # an output folder of an older lacrdf (or a user's): kept aside, replaced by the link
        os.replace(out, target.state / "builds" / f"{final.name}-replaced")
    link = out.with_name(f".{out.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(final, out.parent), link)
    os.replace(link, out)
    for old in (target.state / "builds").iterdir():
        if old != final and old != previous and not old.name.endswith(".partial"):
            shutil.rmtree(old, ignore_errors=True)
    return final


def write_manifest(folder: Path, manifest: Mapping[str, Any]) -> None:
    data = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    (folder / MANIFEST).write_text(data, "utf-8")
