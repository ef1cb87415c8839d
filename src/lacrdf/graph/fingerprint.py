"""Content fingerprints of a build's inputs (light to import: every command checks its build with them)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from lacrdf.config import Namespaces

CACHE_VERSION = 1


def code_digest() -> str:
    """SHA-256 of lacrdf's own source files: a converter changed in a checkout (same version number)
    must not be answered from conversions the old code cached."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def tool_fingerprint(ns: Namespaces) -> str:
    """What every file's triples depend on besides its own content and references."""
    from importlib.metadata import version

    parts = [f"cache {CACHE_VERSION}", ns.base, f"code {code_digest()}"]
    for package in ("lacrdf", "pycountry", "pyoxigraph", "countrycode"):
        try:
            parts.append(f"{package} {version(package)}")
        except Exception:  # pragma: no cover - an uninstalled checkout
            parts.append(f"{package} ?")
    return _sha("\n".join(parts))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
