"""The site's search in a real browser: the site built with its Pagefind index is served by `serve_site` on
loopback, and Debian's headless Chromium opens search.html?q=WORD (what the nav's search box submits),
driven over the DevTools protocol on a pipe, until Pagefind's UI has listed its results. A person's
surname finds the person's page; the rarest word of a fact's label finds the fact. The person and the fact
are curated records taken by id; the words are read from the graph at test time."""

from __future__ import annotations

import base64
import json
import os
import re
import select
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from lacrdf import Dataset, ProjectPaths
from lacrdf.publish.site.index import SiteIndex

from .conftest import ROOT
from .test_site import built_site, serving
from .test_site_browser import chromium

OUTPUT = ROOT / "test-output" / "site"
TIMEOUT = 90  # seconds for Chromium to start, load the page and let Pagefind answer, on 2 cores
PERSON = "evgeny-shestakov"
FACT = "be-emb-lima"


@pytest.fixture(scope="module")
def site_and_url(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset,
                 paths: ProjectPaths) -> Iterator[tuple[Path, str]]:
    site, _ = built_site(tmp_path_factory, dataset, paths)
    with serving(site) as url:
        yield site, url


class DevTools:
    """Headless Chromium driven over --remote-debugging-pipe (fd 3 in, fd 4 out; NUL-ended JSON)."""

    def __init__(self, profile: Path) -> None:
        to_chrome, self._send_fd = os.pipe()
        self._recv_fd, from_chrome = os.pipe()
        # a small launcher puts our pipe ends on the descriptors Chromium reads and writes, then becomes it
        launch = ("import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
                  "os.execv(sys.argv[3], sys.argv[3:])")
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--hide-scrollbars", "--window-size=1280,900", f"--user-data-dir={profile}",
                 "--remote-debugging-pipe", "about:blank"]
        self.log = profile.parent / "chromium.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen([sys.executable, "-c", launch, str(to_chrome), str(from_chrome), chromium(),
                                          *flags],
                                         pass_fds=(to_chrome, from_chrome), stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT)
        os.close(to_chrome)
        os.close(from_chrome)
        self._buffer = b""
        self._next = 0
        self.deadline = time.monotonic() + TIMEOUT

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._send_fd, json.dumps(message).encode() + b"\0")
        while True:  # events and other answers are skipped
            answer = self._read()
            if answer.get("id") == self._next:
                assert "error" not in answer, answer
                return answer.get("result", {})  # type: ignore[no-any-return]

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = self.deadline - time.monotonic()
            ready, _, _ = select.select([self._recv_fd], [], [], max(left, 0))
            if not ready:
                pytest.fail(f"chromium did not answer within {TIMEOUT} s")
            chunk = os.read(self._recv_fd, 1 << 16)
            if not chunk:
                pytest.fail(f"chromium closed the DevTools pipe: {self.log.read_text(errors='replace')[-2000:]}")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(raw)  # type: ignore[no-any-return]

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except BaseException:  # noqa: B036 - the browser is ended below in any case
            pass
        finally:
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=20)
            os.close(self._send_fd)
            os.close(self._recv_fd)


RESULTS = """JSON.stringify({
  url: location.href,
  message: (document.querySelector(".pagefind-ui__message") || {}).textContent || "",
  loading: document.querySelectorAll(".pagefind-ui__loading").length,
  results: Array.from(document.querySelectorAll(".pagefind-ui__result"))
    .filter(r => r.querySelector(".pagefind-ui__result-link"))  // not the placeholders of results loading
    .map(r => [r.querySelector(".pagefind-ui__result-link").getAttribute("href"),
               r.querySelector(".pagefind-ui__result-link").textContent.trim(),
               Array.from(r.querySelectorAll(".pagefind-ui__result-tag"), t => t.textContent.trim())])
})"""
PAGE_SIZE = 5  # results Pagefind's UI shows before "Load more results"


def answered(state: dict[str, Any]) -> bool:
    """Whether the UI has listed its first page of results ("12 results for Lima") or found none."""
    if "No results" in state["message"]:
        return True
    count = re.match(r"(\d+) results? for", state["message"])
    return bool(count) and not state["loading"] and len(state["results"]) >= min(int(count.group(1)), PAGE_SIZE)


def search(url: str, words: str, profile: Path, shot: str | None = None) -> list[tuple[str, str, list[str]]]:
    """The results (link, title, tags) that the search page lists for ``words``, once Pagefind answered."""
    page = f"{url}/search.html?q={quote(words)}"
    browser = DevTools(profile)
    try:
        target = browser.call("Target.createTarget", url=page)["targetId"]
        session = browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        while True:
            value = browser.call("Runtime.evaluate", session, expression=RESULTS, returnByValue=True)
            state = json.loads(value["result"]["value"])
            if state["url"] == page and answered(state):
                break
            if time.monotonic() > browser.deadline:
                pytest.fail(f"no search results for {words!r} within {TIMEOUT} s: {state}")
            time.sleep(0.2)
        if shot is not None:
            OUTPUT.mkdir(parents=True, exist_ok=True)
            png = browser.call("Page.captureScreenshot", session, format="png")["data"]
            (OUTPUT / f"{shot}.png").write_bytes(base64.b64decode(png))
        return [(href, title, tags) for href, title, tags in state["results"]]
    finally:
        browser.close()


def page_of(href: str) -> str:
    """'/id/person/x.html' (or '/id/person/x') -> 'id/person/x'."""
    return re.sub(r"\.html$", "", href.split("#", 1)[0].lstrip("/"))


def test_a_persons_surname_finds_the_person(site_and_url: tuple[Path, str], dataset: Dataset, project,
                                            tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, url = site_and_url
    assert project.actors[PERSON].type == "person"
    index = SiteIndex(dataset)
    iri = f"{dataset.ns.resources}person/{PERSON}"
    surname = index.label(iri).split()[-1]
    found = search(url, surname, tmp_path / "profile", shot="search-person")
    # the person first, before the facts whose titles name them; the kind shown with the name
    assert found and page_of(found[0][0]) == f"id/person/{PERSON}", found
    assert found[0][1:] == (index.label(iri), ["Kind: person"]), found


def test_a_word_of_a_fact_label_finds_the_fact(site_and_url: tuple[Path, str], dataset: Dataset, project,
                                               tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, url = site_and_url
    assert FACT in project.facts
    index = SiteIndex(dataset)
    iri = f"{dataset.ns.resources}mission/{FACT}"
    label = index.label(iri)
    # the word of the label that the fewest other resources' labels share
    counts = Counter(w for r in index.resources for w in set(re.findall(r"\w+", index.label(r).lower())))
    word = min(re.findall(r"\w{3,}", label), key=lambda w: (counts[w.lower()], w))
    found = search(url, word, tmp_path / "profile", shot="search-fact")
    assert f"id/mission/{FACT}" in [page_of(href) for href, _, _ in found], (word, found)


def test_nav_and_footer_are_not_indexed_and_search_page_links_to_the_bundle(
        site_and_url: tuple[Path, str]) -> None:
    site, _ = site_and_url
    person = (site / f"id/person/{PERSON}.html").read_text(encoding="utf-8")
    main = person.index("<main data-pagefind-body>")
    assert person.index("<nav>") < main < person.index("</main>") < person.index("<footer>")
    assert '<meta name="lacrdf:kind" content="person" data-pagefind-meta="kind[content]">' in person
    assert "data-pagefind-filter" not in person  # filters would make the index differ from build to build
    # a paragraph's page is not a document of its own: its words are on its facts' pages
    assert "data-pagefind-body" not in (site / "id/source/be-fps-lac/paragraph/11.html").read_text(encoding="utf-8")
    page = (site / "search.html").read_text(encoding="utf-8")
    for asset in re.findall(r'(?:src|href)="(pagefind/[^"]+)"', page):
        assert (site / asset).is_file(), asset
    assert (site / "pagefind" / "pagefind.js").is_file() and (site / "pagefind" / "pagefind-entry.json").is_file()
