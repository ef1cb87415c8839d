"""A citable, versioned release of the build: one reproducible archive of its files (the six dumps, the
ontology, the VoID/DCAT/PROV description, the manifest), the project's CITATION.cff and their SHA256SUMS,
beside a SHA256SUMS file of the archive itself; both are checked by `sha256sum -c`. The same build gives
byte-identical files (members dated by the build's own time)."""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from dataclasses import dataclass
from pathlib import Path

from lacrdf.errors import InputError
from lacrdf.graph.dumps import atomic_write_many
from lacrdf.graph.store import BuiltGraph

RELEASED = ("lacrdf.ttl", "lacrdf.nt", "lacrdf.jsonld", "lacrdf.rdf", "lacrdf.trig", "lacrdf.nq",
            "ontology.ttl", "void.ttl", "manifest.json")


@dataclass(frozen=True, slots=True)
class ReleaseReport:
    archive: Path
    sums: Path
    files: int
    size: int
    sha256: str

    def render(self) -> str:
        return (f"wrote {self.archive} ({self.files} files, {self.size} bytes, SHA-256 {self.sha256}) and "
                f"{self.sums}; check with: (cd {self.archive.parent} && sha256sum -c {self.sums.name})\n")


def release_files(built: BuiltGraph, citation: Path | None) -> dict[str, bytes]:
    """The files of a release, by name inside the archive's top folder."""
    files: dict[str, bytes] = {}
    for name in RELEASED:
        path = built.folder / name
        if not path.is_file():
            raise InputError(f"{path}: missing from the build; run lacrdf build")
        files[name] = path.read_bytes()
    if citation is not None and citation.is_file():
        files["CITATION.cff"] = citation.read_bytes()
    return files


def _archive(top: str, files: dict[str, bytes], mtime: int) -> bytes:
    """A tar.gz whose bytes depend only on the names, contents and ``mtime`` (sorted members, fixed
    owner and modes, no gzip file name or time)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(files):
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(files[name])
            info.mtime = mtime
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(files[name]))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def _build_epoch(void: bytes) -> int:
    """The time the build's own description gives (prov:endedAtTime: SOURCE_DATE_EPOCH or the git HEAD
    time), so a release is as reproducible as its build; 0 when it gives none."""
    from datetime import datetime

    import pyoxigraph as ox

    ended = ox.NamedNode("http://www.w3.org/ns/prov#endedAtTime")
    times = sorted(t.object.value for t in ox.parse(void, format=ox.RdfFormat.TURTLE) if t.predicate == ended)
    return int(datetime.fromisoformat(times[-1].replace("Z", "+00:00")).timestamp()) if times else 0


def write_release(built: BuiltGraph, out: Path, version: str, *, citation: Path | None = None,
                  epoch: int | None = None) -> ReleaseReport:
    """Write ``lacrdf-<version>.tar.gz`` and ``lacrdf-<version>.SHA256SUMS`` into ``out``, atomically. A
    release of that version with other contents is never overwritten."""
    if not version or any(c in version for c in "/\\\0") or version.startswith("."):
        raise InputError(f"release version {version!r} must be a plain name such as 0.2.0")
    files = release_files(built, citation)
    files["SHA256SUMS"] = "".join(f"{hashlib.sha256(files[n]).hexdigest()}  {n}\n" for n in sorted(files)).encode()
    if epoch is None:
        epoch = _build_epoch(files["void.ttl"])
    top = f"lacrdf-{version}"
    data = _archive(top, files, epoch)
    archive = out / f"{top}.tar.gz"
    sums = out / f"{top}.SHA256SUMS"
    digest = hashlib.sha256(data).hexdigest()
    lines = [f"{digest}  {archive.name}"]
    if archive.exists() and archive.read_bytes() != data:
        raise InputError(f"{archive} exists with other contents; a release is never replaced: give a new --version")
    atomic_write_many({archive: data, sums: ("\n".join(lines) + "\n").encode("ascii")})
    return ReleaseReport(archive, sums, len(files), len(data), digest)
