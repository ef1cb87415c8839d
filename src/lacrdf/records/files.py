"""Which files hold records, and how they are named in messages (kept free of heavy imports: every
command's check that the build is current uses it)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def data_files(paths: Iterable[Path]) -> list[Path]:
    out: set[Path] = set()
    for path in paths:
        path = path.resolve()
        if path.is_dir():
            out.update(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        else:
            out.add(path)
    return sorted(out)


def display_path(path: Path, root: Path | None) -> str:
    """How a record file is named in messages: relative to the project root when inside it."""
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)
