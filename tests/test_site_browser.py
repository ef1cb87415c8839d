"""The site in a real browser: Debian's headless Chromium loads the home page and a state page from
`serve_site` (through content negotiation, as a browser asks), the rendered text is checked, and
screenshots are saved under test-output/site/. Chromium is a test dependency: without it this fails."""

from __future__ import annotations

import html
import re
import shutil
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from lacrdf import Dataset, ProjectPaths

from .conftest import ROOT
from .test_site import built_site, serving

OUTPUT = ROOT / "test-output" / "site"
TIMEOUT = 90  # seconds per Chromium run; a cold start on 2 cores takes a few


FALLBACKS = ("/usr/bin/chromium",)


def chromium() -> str:
    found = shutil.which("chromium") or next((p for p in FALLBACKS if Path(p).is_file()), None)
    if found is None:
        pytest.fail("Chromium is not installed; run `make system-deps` (installs Debian's chromium package)")
    return found


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset, paths: ProjectPaths) -> Iterator[str]:
    site, _ = built_site(tmp_path_factory, dataset, paths)
    with serving(site) as url:
        yield url


def run_chromium(profile: Path, *args: str) -> str:
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--hide-scrollbars", f"--user-data-dir={profile}", *args]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium did not finish within {TIMEOUT} s: {' '.join(args)}")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def visible_text(dom: str) -> str:
    body = re.sub(r"<(script|style|title)\b.*?</\1>", " ", dom, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def render(site_url: str, path: str, name: str, tmp_path: Path) -> str:
    """The DOM Chromium rendered for the page, after saving its screenshot as test-output/site/NAME.png."""
    url = site_url + path
    dom = run_chromium(tmp_path / "profile", "--dump-dom", url)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    shot = OUTPUT / f"{name}.png"
    shot.unlink(missing_ok=True)
    run_chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,900", url)
    assert png_size(shot) == (1280, 900)
    assert shot.stat().st_size > 20_000, "the screenshot looks blank"
    return dom


def test_home_page_renders_in_chromium(site_url: str, tmp_path: Path) -> None:
    dom = render(site_url, "/", "home", tmp_path)
    text = visible_text(dom)
    assert "Diplomatic relations of Latin America & the Caribbean" in text
    assert "source documents" in text and "facts, each citing its paragraph" in text
    # the diagrams are inline SVG: their labels are part of the rendered document
    for label in ("Sending state", "Host country", "Belgium", "Belarus", "Party", "European Union"):
        assert label in text, label
    # no program on the page: its one script element is the schema.org Dataset, a JSON-LD data block
    assert dom.count("<svg") == 2 and re.findall(r"<script\b[^>]*>", dom) == ['<script type="application/ld+json">']
    assert re.search(r'href="id/state/BY\.html"', dom)


def test_state_page_renders_in_chromium(site_url: str, tmp_path: Path) -> None:
    dom = render(site_url, "/id/state/BY", "state-BY", tmp_path)
    text = visible_text(dom)
    for expected in ("Belarus", "Bielorrusia", "Bielorússia", "Bélarus", "sovereign state", "Figures",
                     "853.8 million USD", "Facts (", "paragraph 26"):
        assert expected in text, expected
    assert "<svg" in dom


def test_a_missing_chromium_is_a_failure_that_says_what_to_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(sys.modules[__name__], "FALLBACKS", ("/nonexistent/chromium",))
    with pytest.raises(pytest.fail.Exception, match="make system-deps"):
        chromium()


PROBE = """<!DOCTYPE html><html><head><title>probe</title></head><body style="margin:0">
{frames}
<script>
const frames = [...document.querySelectorAll("iframe")];
let loaded = 0;
function measure() {{
  if (++loaded < frames.length) return;
  document.title = frames.map(f => {{
    const d = f.contentDocument.documentElement;
    return f.getAttribute("src") + "=" + d.scrollWidth + "/" + d.clientWidth;
  }}).join(" ");
}}
frames.forEach(f => f.addEventListener("load", measure));
</script></body></html>
"""


def test_pages_and_diagrams_fit_a_phone_screen(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset,
                                               paths: ProjectPaths, tmp_path: Path) -> None:
    """At 390 px (a phone), the home page with both diagrams and a state page with its chart scroll no
    wider than the screen: measured in Chromium, each page in a 390 px frame of a probe page served from
    the same origin (removed afterwards)."""
    site, _ = built_site(tmp_path_factory, dataset, paths)
    pages = ["index.html", "id/state/CN.html", "id/state/BY.html", "id/source/be-fps-lac/paragraph/11.html"]
    frames = "\n".join(f'<iframe src="{p}" style="width:390px;height:700px;border:0"></iframe>' for p in pages)
    probe = site / "_probe-phone.html"
    probe.write_text(PROBE.format(frames=frames), encoding="utf-8")
    try:
        with serving(site) as url:
            dom = run_chromium(tmp_path / "profile", "--virtual-time-budget=10000", "--dump-dom",
                               f"{url}/_probe-phone.html")
    finally:
        probe.unlink()
    title = re.search(r"<title>(.*?)</title>", dom)
    assert title and title.group(1) != "probe", "the pages did not load in the probe"
    widths = dict(item.split("=") for item in title.group(1).split())
    assert set(widths) == set(pages)
    for page, measured in widths.items():
        scroll, client = map(int, measured.split("/"))
        assert 300 < client <= 390 and scroll <= client, f"{page} is {scroll} px wide in a {client} px screen"


def test_the_missions_diagram_draws_every_mission_with_its_type(tmp_path_factory: pytest.TempPathFactory,
                                                                dataset: Dataset, paths: ProjectPaths) -> None:
    site, _ = built_site(tmp_path_factory, dataset, paths)
    page = (site / "index.html").read_text(encoding="utf-8")
    svg = page[page.index("<svg"):page.index("</svg>")]
    drawn = re.findall(r'<path d="[^"]+" fill="none" stroke="[^"]+" stroke-width="2" stroke-opacity="0.75"'
                       r'( stroke-dasharray="[^"]+")?><title>([^<]+)</title>', svg)
    lac = dataset.ns.terms
    kinds = {"Embassy": "", "ConsulateGeneral": ' stroke-dasharray="7 4"',
             "HonoraryConsulate": ' stroke-dasharray="2 3"'}
    expected = {}
    for kind, dash in kinds.items():
        for row in dataset.store.query(f"SELECT ?l WHERE {{ ?m a <{lac}{kind}> ; rdfs:label ?l }}",
                                       prefixes={"rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
                                       use_default_graph_as_union=True):
            expected[html.escape(row[0].value, quote=False)] = dash
    assert expected and {title: dash for dash, title in drawn} == expected
