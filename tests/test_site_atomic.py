"""`lacrdf site` publishes in one atomic step: killed at any moment (SIGKILL at random times, or dying
half-way through writing), the output still shows the previous complete site, the next run cleans the
leftovers, and a resource removed from the data never stays online."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from .conftest import ROOT

BELGIUM = ROOT / "data" / "sources" / "belgium-fps-lac.yaml"
MANIFEST = ".lacrdf-site"


def _data(tmp_path: Path, without: str | None = None) -> Path:
    """The actors and the Belgian file, optionally without the fact whose id is ``without``."""
    folder = tmp_path / ("data-without" if without else "data")
    if folder.exists():
        return folder
    shutil.copytree(ROOT / "data" / "actors", folder / "actors")
    text = BELGIUM.read_text(encoding="utf-8")
    if without:
        lines = text.splitlines(keepends=True)
        start = next(i for i, ln in enumerate(lines) if ln.strip() == f"- id: {without}")
        end = next(i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("- id: ")
                   or not lines[i].startswith("    "))
        text = "".join(lines[:start] + lines[end:])
    (folder / "belgium.yaml").write_text(text, encoding="utf-8")
    return folder


def _site_cmd(data: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "lacrdf.cli", "site", "--out", str(out), "--data", str(data)]


def _complete(out: Path) -> set[str]:
    """The files the site at ``out`` lists; every one is there and none is a temporary."""
    assert out.is_symlink(), "the output is a link switched in one step"
    names = set((out / MANIFEST).read_text(encoding="utf-8").splitlines()) | {MANIFEST}
    present = {str(p.relative_to(out.resolve())) for p in out.resolve().rglob("*") if p.is_file()}
    assert present == names, sorted(present ^ names)[:5]
    return names


def _leftovers(out: Path) -> list[Path]:
    state = out.parent / f".{out.name}.lacrdf" / "sites"
    return [*state.glob("*.partial"), *out.parent.glob(f".{out.name}.link-*")]


def test_a_run_that_dies_half_way_leaves_the_previous_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    full, smaller = _data(tmp_path), _data(tmp_path, without="be-emb-lima")
    assert subprocess.run(_site_cmd(full, out), cwd=ROOT, capture_output=True, timeout=300).returncode == 0
    before = _complete(out)
    assert "id/mission/be-emb-lima.html" in before
    dying = ("import os, sys, pathlib\nfrom lacrdf.cli import main\nwritten = [0]\n"
             "real = pathlib.Path.write_bytes\n"
             "def write(self, data):\n    written[0] += 1\n    if written[0] > 300: os._exit(9)\n"
             "    return real(self, data)\n"
             "pathlib.Path.write_bytes = write\nsys.argv = ['lacrdf'] + sys.argv[1:]\nmain()\n")
    proc = subprocess.run([sys.executable, "-c", dying, *_site_cmd(smaller, out)[3:]], cwd=ROOT,
                          capture_output=True, timeout=300)
    assert proc.returncode == 9, proc.stderr
    assert _complete(out) == before  # the previous site, whole: the removed mission is still listed...
    assert _leftovers(out)  # ...and the dead run's folder is there to be cleaned
    done = subprocess.run(_site_cmd(smaller, out), cwd=ROOT, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    after = _complete(out)
    assert "id/mission/be-emb-lima.html" not in after and not (out / "id/mission/be-emb-lima.html").exists()
    assert _leftovers(out) == []


def test_sigkill_at_random_moments_never_shows_a_mixed_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    data = _data(tmp_path)
    assert subprocess.run(_site_cmd(data, out), cwd=ROOT, capture_output=True, timeout=300).returncode == 0
    before = _complete(out)
    rng = random.Random(20261202)
    for _ in range(6):
        proc = subprocess.Popen(_site_cmd(data, out), cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        assert _complete(out) == before
        assert not [p for p in out.resolve().rglob("*.tmp")]
    assert subprocess.run(_site_cmd(data, out), cwd=ROOT, capture_output=True, timeout=300).returncode == 0
    assert _complete(out) == before and _leftovers(out) == []
    sites = list((tmp_path / ".site.lacrdf" / "sites").iterdir())
    assert len(sites) <= 2, sites  # the current site and the previous one, for readers still in it


def test_an_older_real_folder_is_moved_aside_not_deleted(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert subprocess.run(_site_cmd(_data(tmp_path), out), cwd=ROOT, capture_output=True,
                          timeout=300).returncode == 0
    _complete(out)
    kept = list((tmp_path / ".site.lacrdf" / "sites").glob("*-replaced/notes.txt"))
    assert [p.read_text(encoding="utf-8") for p in kept] == ["mine"]
