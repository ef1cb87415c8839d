#!/usr/bin/env python3
"""lacrdf benchmark: the targets of the built store, measured as whole processes beside the floor.

    .venv/bin/python benchmarks/bench.py --sizes 100k,1M [--with-10m]

For each size a synthetic corpus is generated with ``lacrdf synth`` (cached in benchmarks/.cache) into a
project of its own (the repository's ontology, shapes and queries). Then, each as a fresh process, timed
with its peak resident memory (the largest process, from the kernel's accounting of finished children):

- the floor: libyaml (CSafeLoader) reading every record file, pyoxigraph bulk-loading the same quads into
  an on-disk store (what a persistent store costs), and pyoxigraph writing the six formats from an
  in-memory store holding them (the serialisation alone, timed inside the process; reading them back out
  of the on-disk store is several times slower), in the same run;
- a clean ``lacrdf build``; ``lacrdf build`` again after one record file changed (incremental);
- ``lacrdf query missions-by-host --param sending=BE`` and ``lacrdf sparql 'SELECT (COUNT(*) ...)'``.

Each figure is the median of --runs runs (builds run once at 1M and above). The table is Markdown, for
the README. Not part of pytest: it measures, it does not judge."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(__file__).resolve().parent / ".cache"
PYTHON = sys.executable
LACRDF = [PYTHON, "-m", "lacrdf.cli"]
SIZES = {"k": 1_000, "m": 1_000_000}


def parse_size(text: str) -> int:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not match:
        raise SystemExit(f"bad size '{text}': write e.g. 100k, 1M or 25000")
    number, unit = match.groups()
    return int(float(number) * SIZES.get(unit.lower(), 1))


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1_000}k"


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds and peak RSS (MiB) of one whole process (run through a small wrapper so the kernel's
    accounting of the finished child is that process's alone)."""
    wrapper = ("import resource, subprocess, sys, time\n"
               "t = time.perf_counter()\n"
               "p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
               "w = time.perf_counter() - t\n"
               "r = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
               "sys.stderr.buffer.write(p.stderr)\n"
               "print(f'{w} {r} {p.returncode}')\n")
    done = subprocess.run([PYTHON, "-c", wrapper, *cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)
    wall, rss, code = done.stdout.strip().splitlines()[-1].split()
    if code != "0":
        raise SystemExit(f"{' '.join(cmd)} failed ({code}): {done.stderr[-2000:]}")
    return float(wall), int(rss) / 1024, done.stderr


def median_of(runs: int, cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    walls, peaks = [], []
    for _ in range(runs):
        wall, peak, _ = timed(cmd, cwd, env)
        walls.append(wall)
        peaks.append(peak)
    return statistics.median(walls), max(peaks)


def project_for(triples: int) -> Path:
    """A project folder with a synthetic corpus of about ``triples`` triples (cached)."""
    from lacrdf.records.synth import facts_for_triples

    facts = max(100, facts_for_triples(triples))
    root = CACHE / f"project-{label(triples)}"
    if not (root / "data" / ".lacrdf-synth").is_file():
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        for part in ("ontology", "shapes", "queries"):
            shutil.copytree(ROOT / part, root / part)
        print(f"generating {facts} facts for {label(triples)} ...", file=sys.stderr)
        subprocess.run([*LACRDF, "synth", "--facts", str(facts), "--out", str(root / "data")], check=True,
                       cwd=ROOT, stdout=subprocess.DEVNULL)
    return root


FLOOR_READ = """
import sys, yaml
from pathlib import Path
for p in sorted(Path(sys.argv[1]).rglob('*.yaml')):
    with open(p, 'rb') as f:
        yaml.load(f, Loader=yaml.CSafeLoader)
"""

FLOOR_LOAD = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
store.flush()
"""

FLOOR_WRITE = """
import sys, time, pyoxigraph as ox
store = ox.Store()  # in memory: the fastest way pyoxigraph writes the formats
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
out = sys.argv[2]
onto = sys.argv[3]
prefixes = {"lac": "https://w3id.org/lacrdf/ontology#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
t = time.perf_counter()
union = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != <%s>) }" % onto
for name, fmt in (("ttl", ox.RdfFormat.TURTLE), ("rdf", ox.RdfFormat.RDF_XML), ("jsonld", ox.RdfFormat.JSON_LD)):
    ox.serialize(store.query(union), f"{out}/floor.{name}", format=fmt, prefixes=prefixes)
store.query(union).serialize(f"{out}/floor.nt", format=ox.RdfFormat.N_TRIPLES)
store.dump(f"{out}/floor.trig", format=ox.RdfFormat.TRIG, prefixes=prefixes)
store.dump(f"{out}/floor.nq", format=ox.RdfFormat.N_QUADS)
print("SERIALIZE", time.perf_counter() - t, file=sys.stderr)
"""


def measure(triples: int, runs: int) -> dict[str, tuple[float, float]]:
    root = project_for(triples)
    env = {**os.environ, "LACRDF_HOME": str(root)}
    env.pop("LACRDF_DIST", None)
    for stale in (root / "dist", root / ".dist.lacrdf"):
        if stale.is_symlink() or stale.is_file():
            stale.unlink()
        elif stale.exists():
            shutil.rmtree(stale)
    figures: dict[str, tuple[float, float]] = {}
    once = 1 if triples >= 1_000_000 else runs
    print(f"[{label(triples)}] clean build ...", file=sys.stderr)
    wall, peak, _ = timed([*LACRDF, "build", "--quiet"], root, env)
    figures["build"] = (wall, peak)
    dist = root / "dist"
    quads = sum(1 for _ in open(dist / "lacrdf.nq", "rb"))
    figures["quads"] = (quads, 0)
    # the floor, on the same quads
    scratch = CACHE / f"floor-{label(triples)}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    read = median_of(once, [PYTHON, "-c", FLOOR_READ, str(root / "data")], root, env)
    load_walls, load_peaks = [], []
    for _ in range(once):
        shutil.rmtree(scratch / "store", ignore_errors=True)
        w, p, _ = timed([PYTHON, "-c", FLOOR_LOAD, str(dist / "lacrdf.nq"), str(scratch / "store")], root, env)
        load_walls.append(w)
        load_peaks.append(p)
    writes = []
    for _ in range(once):
        _, peak, err = timed([PYTHON, "-c", FLOOR_WRITE, str(dist / "lacrdf.nq"), str(scratch),
                              "https://w3id.org/lacrdf/graph/ontology"], root, env)
        writes.append((float(err.split("SERIALIZE")[-1].split()[0]), peak))
    write = (statistics.median(w for w, _ in writes), max(p for _, p in writes))
    figures["floor: libyaml read"] = read
    figures["floor: bulk load"] = (statistics.median(load_walls), max(load_peaks))
    figures["floor: six formats"] = write
    figures["floor"] = (read[0] + statistics.median(load_walls) + write[0],
                        max(read[1], max(load_peaks), write[1]))
    shutil.rmtree(scratch, ignore_errors=True)
    # one record file changed
    source = sorted((root / "data" / "sources").glob("*.yaml"))[0]
    original = source.read_text()
    incremental = []
    for i in range(once):
        source.write_text(original.replace("qualifier: exact", "qualifier: about", 1) if i % 2 == 0 else original)
        incremental.append(timed([*LACRDF, "build", "--quiet"], root, env)[:2])
    source.write_text(original)
    timed([*LACRDF, "build", "--quiet"], root, env)
    figures["build after one file changed"] = (statistics.median(w for w, _ in incremental),
                                               max(p for _, p in incremental))
    figures["query (parameterised)"] = median_of(runs, [*LACRDF, "query", "missions-by-host", "--param",
                                                        "sending=BE", "--no-build"], root, env)
    figures["sparql COUNT(*)"] = median_of(runs, [*LACRDF, "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                                                  "--no-build"], root, env)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100k,1M", help="corpus sizes in triples (default 100k,1M)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median; builds at 1M+ once)")
    args = parser.parse_args()
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    started = time.strftime("%Y-%m-%d")
    rows = []
    for n in sizes:
        figures = measure(n, args.runs)
        rows.append((n, figures))
        print(f"[{label(n)}] " + ", ".join(f"{k} {v[0]:.2f}" for k, v in figures.items()), file=sys.stderr)
    print(f"\nMeasured {started} on {os.cpu_count()} cores; whole processes; wall seconds (peak MiB).\n")
    keys = ["build", "floor", "floor: libyaml read", "floor: bulk load", "floor: six formats",
            "build after one file changed", "query (parameterised)", "sparql COUNT(*)"]
    print("| corpus | quads | " + " | ".join(keys) + " | build / floor | query / build |")
    print("|---" * (len(keys) + 4) + "|")
    for n, f in rows:
        cells = [f"{f[k][0]:.2f} s ({f[k][1]:.0f})" for k in keys]
        ratio = f['build'][0] / f['floor'][0]
        share = 100 * f['query (parameterised)'][0] / f['build'][0]
        print(f"| {label(n)} | {int(f['quads'][0])} | " + " | ".join(cells) + f" | {ratio:.2f}x | {share:.1f}% |")


if __name__ == "__main__":
    main()
