"""The words behind the facts on the site: each source's text, read from a folder of texts (by the file name
and SHA-256 its source record gives), split into the paragraphs citations count; a paragraph rendered
with every fact's evidence span highlighted and linked to the fact; a fact's spans quoted. Without the
text (no folder, file absent or different) the pages give the offsets and say the text is not included."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lacrdf.publish.site.html import Renderer, e
from lacrdf.publish.site.index import Citation, SiteIndex, Span
from lacrdf.records.texts import paragraphs
from lacrdf.vocab import W3C

MAX_TEXT_BYTES = 16 * 1024 * 1024  # a source text is a document, not a corpus


@dataclass
class SourceTexts:
    """The paragraphs of each source whose text is in ``folder`` and matches its recorded SHA-256."""

    index: SiteIndex
    folder: Path | None
    _cache: dict[str, list[str] | None] = field(default_factory=dict)

    def paragraphs_of(self, source: str) -> list[str] | None:
        if source not in self._cache:
            self._cache[source] = self._read(source)
        return self._cache[source]

    def _read(self, source: str) -> list[str] | None:
        name = self.index.value(source, self.index.lac + "fileName")
        digest = self.index.value(source, self.index.lac + "sha256")
        if self.folder is None or name is None or digest is None:
            return None
        relative = PurePosixPath(name.value)
        if relative.is_absolute() or ".." in relative.parts:  # only files inside the texts folder
            return None
        path = self.folder / relative
        try:
            if not path.is_file() or path.stat().st_size > MAX_TEXT_BYTES:
                return None
            data = path.read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != digest.value:
            return None
        try:
            return paragraphs(data.decode("utf-8"))
        except UnicodeDecodeError:
            return None

    def paragraph(self, locator: str) -> str | None:
        """The text of the paragraph a locator names, or None when it is not included."""
        source = self.index.value(locator, W3C.DCT_IS_PART_OF.value)
        number = self.index.value(locator, self.index.lac + "paragraphNumber")
        if source is None or number is None:
            return None
        paras = self.paragraphs_of(source.value)
        n = int(number.value)
        return paras[n - 1] if paras is not None and 1 <= n <= len(paras) else None


NOT_INCLUDED = "the text is not included in this site"


def highlighted_paragraph(r: Renderer, text: str, spans: list[Span]) -> str:
    """The paragraph with each span marked; a passage stated by one fact links to it, and after the end of
    each span a numbered link to its fact (overlapping spans stay readable), then the list of the facts."""
    spans = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    numbers: dict[str, int] = {}
    for s in spans:
        numbers.setdefault(s.fact, len(numbers) + 1)
    cuts = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    out: list[str] = []
    for a, b in itertools.pairwise(cuts):
        covering = sorted({s.fact for s in spans if s.start <= a and b <= s.end}, key=numbers.__getitem__)
        piece = e(text[a:b])
        if len(covering) == 1:
            fact = covering[0]
            piece = (f'<a class="ev" href="{e(r.link_to_href(fact))}" title="{e(r.index.label(fact))}">'
                     f"<mark>{piece}</mark></a>")
        elif covering:
            piece = f'<mark class="many" title="{e("; ".join(r.index.label(f) for f in covering))}">{piece}</mark>'
        out.append(piece)
        for fact in sorted({s.fact for s in spans if s.end == b}, key=numbers.__getitem__):
            out.append(f'<sup><a href="{e(r.link_to_href(fact))}">[{numbers[fact]}]</a></sup>')
    legend = "".join(
        f'<li value="{n}">{r.link_to(fact)} <span class="meta">· characters '
        f'{", ".join(f"{s.start}–{s.end}" for s in spans if s.fact == fact)}</span></li>'
        for fact, n in numbers.items())
    body = f'<blockquote class="para">{"".join(out)}</blockquote>'
    return body + (f'\n<ol class="legend">{legend}</ol>' if legend else "")


def offsets_only(r: Renderer, spans: list[Span]) -> str:
    """Without the text: each span's fact and offsets, and a note that the text is not included."""
    items = "".join(f"<li>{r.link_to(s.fact)} <span class=\"meta\">· characters {s.start}–{s.end}</span></li>"
                    for s in spans)
    return f'<p class="meta">Evidence spans as character offsets ({NOT_INCLUDED}).</p>\n<ul>{items}</ul>'


def quoted_spans(r: Renderer, texts: SourceTexts, spans: list[Span]) -> str:
    """A fact's evidence: each span quoted from its paragraph (or its offsets when the text is absent)."""
    items = []
    for s in spans:
        source = r.index.value(s.locator, W3C.DCT_IS_PART_OF.value)
        number = r.index.value(s.locator, r.index.lac + "paragraphNumber")
        if source is not None and number is not None:
            where = r.citation(Citation(s.locator, source.value, int(number.value)))
        else:
            where = r.link_to(s.locator)
        text = texts.paragraph(s.locator)
        if text is not None and 0 <= s.start < s.end <= len(text):
            items.append(f'<figure class="quote"><blockquote cite="{e(s.locator)}">'
                         f"{e(text[s.start:s.end])}</blockquote><figcaption>{where}, characters "
                         f"{s.start}–{s.end}</figcaption></figure>")
        else:
            items.append(f'<p>{where}, characters {s.start}–{s.end} <span class="meta">({NOT_INCLUDED})</span></p>')
    return "<h2>Evidence</h2>\n" + "\n".join(items)
