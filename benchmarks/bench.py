#!/usr/bin/env python3
"""lacrdf benchmark: every pipeline step on synthetic corpora of a given size, against raw pyoxigraph.

    .venv/bin/python benchmarks/bench.py --sizes 10k,100k,1M

For each size a corpus is generated with ``lacrdf synth`` (cached in benchmarks/.cache) and measured in a
fresh process: load+convert, validation (pySHACL and the oxigraph engine), each export format, loading
the embedded store, each stored query (median of several runs), the whole ``lacrdf build``, and the same
triples parsed and serialized by pyoxigraph alone for comparison. Wall time, throughput, peak resident
memory of the step and the ratio of lacrdf's time to pyoxigraph's are printed as a Markdown table. The
curated data's ``lacrdf build`` and ``lacrdf query`` are timed as whole processes. Not part of pytest."""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(__file__).resolve().parent / ".cache"
SIZES = {"k": 1_000, "m": 1_000_000}
PYSHACL_BUDGET_S = 600.0
"""pySHACL is skipped at a size where the rate measured at a smaller size predicts more than this."""
QUERY_BUDGET_S = 60.0
"""A stored query is skipped where its growth over the smaller sizes predicts more than this per run
(it is run once, not ``--runs`` times, where the prediction is over 5 s)."""


def parse_size(text: str) -> int:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not match:
        raise SystemExit(f"bad size '{text}': write e.g. 10k, 100k, 1M or 25000")
    number, unit = match.groups()
    return int(float(number) * SIZES.get(unit.lower(), 1))


def label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


# ---------------------------------------------------------------------------------------------- memory

def _hwm_kib() -> int | None:
    """Peak resident set size of this process since the last reset (Linux), in KiB."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmHWM:\s+(\d+)", status)
    return int(match.group(1)) if match else None


def _reset_hwm() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        return True
    except OSError:
        return False


def _peak_mib() -> float:
    kib = _hwm_kib()
    if kib is None:
        import resource

        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024


# ---------------------------------------------------------------------------------------------- worker

class Recorder:
    """Times one step at a time and prints each measurement as a JSON line (the parent collects them)."""

    def __init__(self, size: str, quiet: bool) -> None:
        self.size = size
        self.quiet = quiet

    def step(self, name: str, fn: Callable[[], Any], triples: int | None, group: str = "lacrdf",
             **extra: Any) -> Any:
        gc.collect()
        _reset_hwm()
        start = time.perf_counter()
        value = fn()
        wall = time.perf_counter() - start
        self.emit(name=name, group=group, wall=wall, triples=triples, peak_mib=_peak_mib(), **extra)
        return value

    def emit(self, **row: Any) -> None:
        row["size"] = self.size
        print(json.dumps(row), flush=True)
        if not self.quiet:
            took = "skipped" if row.get("wall") is None else f"{row['wall']:.3f} s"
            print(f"[{self.size}] {row['name']}: {took}", file=sys.stderr, flush=True)


def ensure_corpus(n: int, seed: int) -> Path:
    from lacrdf.synth import facts_for_triples, write_corpus

    facts = facts_for_triples(n)
    out = CACHE / f"synth-{label(n)}-f{facts}-s{seed}"
    if not (out / ".lacrdf-synth").is_file():
        start = time.perf_counter()
        write_corpus(out, facts=facts, seed=seed)
        print(f"[{label(n)}] generated {facts} facts in {time.perf_counter() - start:.1f} s: {out}",
              file=sys.stderr, flush=True)
    return out


def _quads_by_graph(ds: Any) -> Any:
    return getattr(ds, "quads_by_graph", None)  # a cached property in newer lacrdf versions


def _validate_module() -> Any:
    # ``lacrdf.validate`` the module (the package's ``validate`` attribute is pipeline.validate)
    import importlib

    return importlib.import_module("lacrdf.validate")


def _engine_available() -> bool:
    return "oxigraph" in _validate_module().ENGINES


def worker(n: int, seed: int, runs: int, pyshacl: bool, whole_build: bool, quiet: bool,
           predicted: dict[str, float]) -> None:
    corpus = ensure_corpus(n, seed)
    rec = Recorder(label(n), quiet)
    quads = measure_steps(rec, corpus, runs, pyshacl, predicted)
    gc.collect()  # the dataset is gone: the whole build gets a quiet machine
    if whole_build:
        _whole_build(rec, corpus, quads)


def measure_steps(rec: Recorder, corpus: Path, runs: int, pyshacl: bool, predicted: dict[str, float]) -> int:
    """Every step in this process, one after the other; returns the number of quads."""
    import pyoxigraph as ox

    from lacrdf import find_project, pipeline
    from lacrdf.export import BUILD_FORMATS, render
    from lacrdf.kinds.base import Context
    from lacrdf.queries import bind, list_queries, run_local
    from lacrdf.shacl_sparql import validate_oxigraph
    from lacrdf.validate import load_shapes, shapes_files, validate_dataset, validate_pyshacl

    paths = find_project(ROOT)
    gc.collect()
    _reset_hwm()
    start = time.perf_counter()
    ds = pipeline.make_dataset(paths, [corpus])
    wall = time.perf_counter() - start
    quads = len(ds.quads)
    rec.emit(name="corpus", group="info", triples=quads, wall=0.0, facts=corpus.name)
    rec.emit(name="load+convert", group="lacrdf", wall=wall, triples=quads, peak_mib=_peak_mib())
    shapes = load_shapes(shapes_files(paths.shapes_dir))
    # the store first: validation and queries reuse it (Dataset.store is cached)
    rec.step("load store", lambda: ds.store, quads)
    rec.step("store bulk_extend", lambda: ox.Store().bulk_extend(ds.quads), quads, group="raw",
             raw_of="load store")

    raw_nq = ox.serialize(ds.quads, format=ox.RdfFormat.N_QUADS)
    rec.step("parse N-Quads", lambda: list(ox.parse(raw_nq, format=ox.RdfFormat.N_QUADS)), quads,
             group="raw", raw_of="load+convert")

    if pyshacl:
        rec.step("validate: pySHACL", lambda: validate_pyshacl(ds, shapes), quads)
    else:
        rec.emit(name="validate: pySHACL", group="lacrdf", wall=None, triples=quads, skipped=True)
    rec.step("validate: oxigraph engine", lambda: validate_oxigraph(ds, shapes), quads)
    rec.step("validate: report (oxigraph)", lambda: _validate_report(ds, shapes, validate_dataset), quads)

    # The sorted triples and quads are computed once per build (cached on the dataset) and shared by the
    # formats: timed here on their own, so each export row is the format's own work.
    rec.step("sort triples and quads (once)", lambda: (ds.triples(), _quads_by_graph(ds)), quads)
    triples = [q.triple for q in ds.data_quads()]  # pyoxigraph alone gets them unsorted
    for fmt in BUILD_FORMATS:
        rec.step(f"export {fmt}", lambda fmt=fmt: render(ds, fmt), quads)
        raw_format = RAW_FORMATS[fmt]
        items = ds.quads if raw_format.supports_datasets else triples
        rec.step(f"serialize {fmt}", lambda f=raw_format, i=items: ox.serialize(i, format=f), quads, group="raw",
                 raw_of=f"export {fmt}")
    project = pipeline.load_records(paths, [corpus])
    ctx = Context(ds.ns, project.actors, project.facts)
    first_source = next(iter(project.sources))
    params = {"facts-by-source": {"source": first_source}}
    for q in list_queries(paths.queries_dir):
        text = bind(q, params.get(q.name, {}), ds.ns, ctx.resolve_actor)
        guess = predicted.get(q.name, 0.0)
        if guess > QUERY_BUDGET_S:
            rec.emit(name=f"query {q.name}", group="query", wall=None, triples=quads, rows=None, peak_mib=None,
                     skipped=f"skipped: the smaller sizes predict {guess:.0f} s")
            continue
        times = []
        rows = 0
        for _ in range(runs if guess <= 5 else 1):
            start = time.perf_counter()
            rows = len(run_local(ds.store, text).rows)
            times.append(time.perf_counter() - start)
        rec.emit(name=f"query {q.name}", group="query", wall=statistics.median(times), triples=quads, rows=rows,
                 peak_mib=None)
    return quads


def _validate_report(ds: Any, shapes: Any, validate_dataset: Callable[..., Any]) -> Any:
    """The whole validation step (engine + tracing each result to its record) with the oxigraph engine.
    Until validate.ENGINES lists "oxigraph", the engine call is routed to it here."""
    from lacrdf.shacl_sparql import validate_oxigraph

    v = _validate_module()
    if _engine_available():
        return validate_dataset(ds, shapes, engine="oxigraph")
    saved = v.validate_pyshacl
    v.validate_pyshacl = validate_oxigraph  # type: ignore[assignment]
    try:
        return validate_dataset(ds, shapes)
    finally:
        v.validate_pyshacl = saved  # type: ignore[assignment]


BUILD_SNIPPET = """
import importlib, sys
from pathlib import Path
from lacrdf import find_project, pipeline
from lacrdf.shacl_sparql import validate_oxigraph
v = importlib.import_module("lacrdf.validate")
if "oxigraph" not in v.ENGINES:
    v.validate_pyshacl = validate_oxigraph  # route to the fast engine until it is registered
r = pipeline.build(find_project(Path(sys.argv[1])), [Path(sys.argv[2])], out=Path(sys.argv[3]))
print(len(r.dataset.quads), len(r.written))
"""


def _whole_build(rec: Recorder, corpus: Path, quads: int) -> None:
    """``lacrdf build`` (load, convert, validate, write six formats) as its own process."""
    with tempfile.TemporaryDirectory(prefix="lacrdf-bench-") as tmp:
        if _engine_available():
            cmd = [*_lacrdf(), "build", "--data", str(corpus), "--out", tmp]
            name = "lacrdf build (process)"
        else:
            cmd = [sys.executable, "-c", BUILD_SNIPPET, str(ROOT), str(corpus), tmp]
            name = "pipeline.build, oxigraph engine (process)"
        wall, peak, code = run_process(cmd)
        rec.emit(name=name, group="process", wall=wall, triples=quads, peak_mib=peak, exit=code)


# ---------------------------------------------------------------------------------------------- processes

def _lacrdf() -> list[str]:
    exe = Path(sys.executable).parent / "lacrdf"
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "lacrdf.cli"]


def run_process(cmd: list[str], cwd: Path = ROOT) -> tuple[float, float, int]:
    """Wall time, peak RSS (MiB) and exit code of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr is not None:
        err = proc.stderr.read().decode(errors="replace").strip()
        proc.stderr.close()
        if proc.returncode not in (0,) and err:
            print(err[-2000:], file=sys.stderr)
    return wall, usage.ru_maxrss / 1024, proc.returncode


def curated_processes(repeat: int) -> list[dict[str, Any]]:
    """``lacrdf build`` and ``lacrdf query`` on the curated data, each a fresh process, ``repeat`` times."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="lacrdf-bench-") as tmp:
        for name, cmd in (("lacrdf build", [*_lacrdf(), "build", "--out", tmp]),
                          ("lacrdf query missions-by-host", [*_lacrdf(), "query", "missions-by-host",
                                                             "--param", "sending=BE"])):
            results = [run_process(cmd) for _ in range(repeat)]
            walls = [r[0] for r in results]
            rows.append({"name": name, "median": statistics.median(walls), "min": min(walls),
                         "max": max(walls), "peak_mib": max(r[1] for r in results),
                         "exit": max(r[2] for r in results)})
    return rows


# ---------------------------------------------------------------------------------------------- report

def _raw_formats() -> dict[str, Any]:
    import pyoxigraph as ox

    return {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
            "xml": ox.RdfFormat.RDF_XML, "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS}


RAW_FORMATS: dict[str, Any] = {}


def _fmt_s(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.2f} s"


def _rate(triples: int | None, wall: float | None) -> str:
    if not triples or not wall:
        return "—"
    rate = triples / wall
    return f"{rate / 1e6:.2f} M/s" if rate >= 1e6 else f"{rate / 1e3:.0f} k/s"


def render_tables(rows: list[dict[str, Any]], skipped_note: dict[str, str]) -> str:
    out = []
    sizes = list(dict.fromkeys(r["size"] for r in rows))
    for size in sizes:
        mine = [r for r in rows if r["size"] == size]
        info = next((r for r in mine if r["name"] == "corpus"), {})
        raw = {r["raw_of"]: r for r in mine if r.get("group") == "raw"}
        out.append(f"### {size} target: {info.get('triples', 0):,} quads ({info.get('facts', '')})\n")
        out.append("| step | wall | throughput (triples/s) | peak RSS during step | pyoxigraph alone | ratio |")
        out.append("|---|---:|---:|---:|---:|---:|")
        for r in mine:
            if r["group"] in ("raw", "info", "query"):
                continue
            base = raw.get(r["name"])
            if r.get("skipped"):
                out.append(f"| {r['name']} | skipped | — | — | — | {skipped_note.get(size, 'skipped')} |")
                continue
            ratio = f"{r['wall'] / base['wall']:.1f}×" if base and base["wall"] else "—"
            peak = f"{r['peak_mib']:.0f} MiB" if r.get("peak_mib") else "—"
            raw_text = f"{_fmt_s(base['wall'])} ({base['name']})" if base else "—"
            out.append(f"| {r['name']} | {_fmt_s(r['wall'])} | {_rate(r['triples'], r['wall'])} | {peak} | "
                       f"{raw_text} | {ratio} |")
        queries = [r for r in mine if r["group"] == "query"]
        if queries:
            out.append("")
            out.append("| stored query (median) | wall | rows |")
            out.append("|---|---:|---:|")
            for r in queries:
                if r.get("skipped"):
                    out.append(f"| {r['name'][6:]} | {r['skipped']} | — |")
                else:
                    out.append(f"| {r['name'][6:]} | {_fmt_s(r['wall'])} | {r['rows']} |")
        out.append("")
    return "\n".join(out)


def render_processes(rows: list[dict[str, Any]], repeat: int) -> str:
    out = [f"### curated data, whole process, cold start ({repeat} runs)\n",
           "| command | median | min | max | peak RSS | exit |", "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| `{r['name']}` | {_fmt_s(r['median'])} | {_fmt_s(r['min'])} | {_fmt_s(r['max'])} | "
                   f"{r['peak_mib']:.0f} MiB | {r['exit']} |")
    return "\n".join(out) + "\n"


def predict_queries(rows: list[dict[str, Any]], n: int) -> dict[str, float]:
    """Each stored query's time at ``n`` quads, extrapolated from the two largest sizes measured (the
    growth exponent between them; quadratic growth is assumed when only one size was measured)."""
    seen: dict[str, list[tuple[int, float]]] = {}
    for r in rows:
        if r["group"] == "query" and r.get("wall"):
            seen.setdefault(r["name"][len("query "):], []).append((r["triples"], r["wall"]))
    out = {}
    for name, points in seen.items():
        points.sort()
        (n2, t2) = points[-1]
        exponent = 2.0
        if len(points) > 1:
            (n1, t1) = points[-2]
            if n2 > n1 and t1 > 0 and t2 > 0:
                exponent = max(1.0, math.log(t2 / t1) / math.log(n2 / n1))
        out[name] = t2 * (n / n2) ** exponent
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated triple counts (10k,100k,1M)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=5, help="runs per stored query (the median is shown)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each curated-data process")
    parser.add_argument("--no-pyshacl", action="store_true", help="never run pySHACL")
    parser.add_argument("--no-build", action="store_true", help="skip the whole-build process per size")
    parser.add_argument("--no-curated", action="store_true", help="skip the curated-data processes")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the tables to this file")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the measurements saved in benchmarks/.cache by an earlier run, per size")
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--pyshacl", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--predicted", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    RAW_FORMATS.update(_raw_formats())
    if args.worker is not None:
        worker(args.worker, args.seed, args.runs, args.pyshacl, not args.no_build, args.quiet,
               json.loads(args.predicted))
        return 0

    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    CACHE.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    notes: dict[str, str] = {}
    rate: float | None = None  # pySHACL seconds per quad, from the last size it ran at
    last = 0
    for n in sorted(sizes):
        run_pyshacl = not args.no_pyshacl
        if run_pyshacl and rate is not None and rate * n > PYSHACL_BUDGET_S:
            run_pyshacl = False
            notes[label(n)] = (f"skipped: the {label(last)} rate predicts {rate * n / 60:.0f} min "
                               f"(> {PYSHACL_BUDGET_S / 60:.0f} min)")
        cmd = [sys.executable, __file__, "--worker", str(n), "--seed", str(args.seed), "--runs", str(args.runs)]
        cmd += ["--pyshacl"] if run_pyshacl else []
        cmd += ["--no-build"] if args.no_build else []
        cmd += ["--quiet"] if args.quiet else []
        cmd += ["--predicted", json.dumps(predict_queries(rows, n))]
        saved = CACHE / f"rows-{label(n)}-s{args.seed}.json"
        if args.reuse and saved.is_file():
            size_rows = json.loads(saved.read_text(encoding="utf-8"))
        else:
            proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
            if proc.returncode != 0:
                print(f"worker for {label(n)} failed with exit code {proc.returncode}", file=sys.stderr)
                return proc.returncode
            size_rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
            saved.write_text(json.dumps(size_rows, indent=1), encoding="utf-8")
        rows.extend(size_rows)
        for r in size_rows:
            if r["name"] == "validate: pySHACL" and r.get("wall"):
                rate, last = r["wall"] / r["triples"], n
        if args.no_pyshacl:
            notes[label(n)] = "skipped (--no-pyshacl)"
    text = render_tables(rows, notes)
    if not args.no_curated:
        text += "\n" + render_processes(curated_processes(args.repeat), args.repeat)
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
