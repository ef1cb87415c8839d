"""Faults of the machine, not of the data: a file the system refuses to grow (the same path as a full
disk: the write fails with an OSError) ends in one line and exit 4, never the exit code of a SHACL
violation, and the previous output survives whole; SOURCE_DATE_EPOCH out of range is one line, exit 2."""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

ACTORS = str(ROOT / "data" / "actors")
BELGIUM = str(ROOT / "data" / "sources" / "belgium-fps-lac.yaml")


def _lacrdf(*args: str, limit: int | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    def small_files() -> None:  # files may not grow past ``limit`` bytes: writes fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # type: ignore[arg-type]

    return subprocess.run([sys.executable, "-m", "lacrdf.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, preexec_fn=small_files if limit else None, env={**os.environ, **(env or {})})


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "store" not in p.parts}


def test_a_write_the_system_refuses_is_one_line_exit_4_and_keeps_the_old_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _lacrdf("build", "--data", ACTORS, "--data", BELGIUM, "--out", str(out), "-q")
    assert first.returncode == 0, first.stderr
    before = _digests(out)
    failed = _lacrdf("build", "--data", ACTORS, "--data", BELGIUM, "--out", str(out), "-q",
                     env={"SOURCE_DATE_EPOCH": "1700000000"}, limit=20_000)
    assert failed.returncode == 4, failed.stderr
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lacrdf: system error") and "Traceback" not in failed.stderr
    assert "File too large" in lines[0]  # the system's reason (RocksDB's words, or errno's EFBIG)
    assert _digests(out) == before  # the previous build, whole


def test_a_site_the_system_refuses_keeps_the_previous_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert _lacrdf("site", "--out", str(site), "--data", ACTORS, "--data", BELGIUM).returncode == 0
    before = _digests(site)
    failed = _lacrdf("site", "--out", str(site), "--data", ACTORS, "--data", BELGIUM, limit=4_000)
    assert failed.returncode == 4 and len(failed.stderr.strip().splitlines()) == 1, failed.stderr
    assert _digests(site) == before


def test_source_date_epoch_out_of_range_is_one_line(tmp_path: Path) -> None:
    for value in ("99999999999999", "-5", "1e9", "٩"):
        done = _lacrdf("build", "--data", ACTORS, "--out", str(tmp_path / "o"), "-q",
                       env={"SOURCE_DATE_EPOCH": value})
        assert done.returncode == 2, (value, done.stderr)
        assert done.stderr.strip().splitlines() == [
            f"SOURCE_DATE_EPOCH={value!r} must be a whole number of seconds since 1970, at most 253402300799 "
            "(9999-12-31)"], done.stderr
