"""Inline SVG pictures without JavaScript: a two-column network diagram (who keeps missions where, who is
party to which agreement) and a small horizontal bar chart of a state's figures. Every label's box is
estimated from its characters with generous widths (a wide font such as DejaVu Sans), so the layout can
keep labels apart and a test can check that no two labels overlap."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
           "#7f7f7f", "#bcbd22")
SVG_NS = "http://www.w3.org/2000/svg"

_NARROW = set("iljtfrI!.,:;'|()[]{}")
_WIDE = set("mwMW@%—…")


def char_em(ch: str) -> float:
    """An upper estimate of a character's advance, in em."""
    if ch == " ":
        return 0.32
    if ch in _NARROW:
        return 0.42
    if ch in _WIDE:
        return 1.0
    if ch.isdigit():
        return 0.64
    if ch.isupper():
        return 0.78
    return 0.64


def text_width(text: str, size: float, bold: bool = False) -> float:
    return sum(char_em(c) for c in text) * size * (1.08 if bold else 1.0)


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle (x0, y0) to (x1, y1)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str = ""

    def overlaps(self, other: Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1


def text_box(x: float, y: float, text: str, size: float, anchor: str = "start", bold: bool = False) -> Box:
    """The box a text drawn at baseline (x, y) covers."""
    width = text_width(text, size, bold)
    x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return Box(x0, y - 0.85 * size, x0 + width, y + 0.25 * size, text)


def overlapping(boxes: Sequence[Box]) -> list[tuple[Box, Box]]:
    """Every pair of boxes that overlap."""
    ordered = sorted(boxes, key=lambda b: (b.y0, b.x0))
    pairs = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.y0 >= a.y1:
                break
            if a.overlaps(b):
                pairs.append((a, b))
    return pairs


def svg_text_boxes(svg: str) -> list[Box]:
    """The boxes of every <text> of an SVG document, from its x, y, font-size, text-anchor, font-weight."""
    root = ET.fromstring(svg)
    boxes = []
    for el in root.iter(f"{{{SVG_NS}}}text"):
        # the drawn text, without the tooltip <title> a label may carry
        text = (el.text or "") + "".join((child.text or "") * (child.tag != f"{{{SVG_NS}}}title") + (child.tail or "")
                                         for child in el)
        boxes.append(text_box(float(el.get("x", "0")), float(el.get("y", "0")), text,
                              float(el.get("font-size", "12")), el.get("text-anchor", "start"),
                              el.get("font-weight") == "bold"))
    return boxes


def fit(text: str, max_width: float, size: float, bold: bool = False) -> str:
    """The text, shortened with an ellipsis until it fits in max_width."""
    if text_width(text, size, bold) <= max_width:
        return text
    cut = text
    while cut and text_width(cut + "…", size, bold) > max_width:  # bounded by len(text)
        cut = cut[:-1]
    return cut.rstrip(" ,;:–-") + "…"


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


class Canvas:
    """Collects SVG elements and the boxes of the texts drawn."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.boxes: list[Box] = []

    def text(self, x: float, y: float, text: str, size: float, anchor: str = "start", *, bold: bool = False,
             fill: str = "#222", link: str | None = None, title: str | None = None) -> None:
        weight = ' font-weight="bold"' if bold else ""
        tip = f"<title>{escape(title)}</title>" if title else ""
        el = (f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" text-anchor="{anchor}"{weight} '
              f'fill="{fill}">{tip}{escape(text)}</text>')
        if link:
            el = f'<a href="{escape(link)}">{el}</a>'
        self.items.append(el)
        self.boxes.append(text_box(x, y, text, size, anchor, bold))

    def add(self, element: str) -> None:
        self.items.append(element)

    def render(self, width: float, height: float, label: str) -> str:
        body = "\n".join(self.items)
        # shrinks with a narrow screen down to 70 % (text stays legible), then the page scrolls sideways
        return (f'<svg xmlns="{SVG_NS}" viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" '
                f'height="{_num(height)}" style="min-width:{_num(0.7 * width)}px" font-family="{FONT}" '
                f'role="img" aria-label="{escape(label)}">\n'
                f"<title>{escape(label)}</title>\n{body}\n</svg>")


@dataclass(frozen=True, slots=True)
class Node:
    key: str
    label: str
    link: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Edge:
    left: str
    right: str
    style: str = "solid"
    title: str | None = None


DASHES = {"solid": "", "dashed": ' stroke-dasharray="7 4"', "dotted": ' stroke-dasharray="2 3"'}


def _barycentre_order(nodes: Sequence[Node], neighbours: dict[str, list[str]],
                      position: dict[str, int]) -> list[Node]:
    def key(n: Node) -> tuple[float, str, str]:
        ps = [position[m] for m in neighbours.get(n.key, []) if m in position]
        return (sum(ps) / len(ps) if ps else float("inf"), n.label, n.key)

    return sorted(nodes, key=key)


def bipartite(label: str, left_title: str, right_title: str, left: Sequence[Node], right: Sequence[Node],
              edges: Sequence[Edge], legend: Sequence[tuple[str, str]] = (), *, size: float = 13,
              row: float = 22, max_label: float = 330) -> tuple[str, list[Box]]:
    """A two-column network: left nodes (right-aligned labels), right nodes (left-aligned labels), curved
    edges between them coloured by their left node. Rows are ordered by barycentre to cut crossings."""
    lnb: dict[str, list[str]] = defaultdict(list)
    rnb: dict[str, list[str]] = defaultdict(list)
    for e in edges:
        lnb[e.left].append(e.right)
        rnb[e.right].append(e.left)
    lefts = sorted(left, key=lambda n: (-len(lnb[n.key]), n.label, n.key))
    rights = list(right)
    for _ in range(2):  # two sweeps are enough for a picture; always the same result
        rights = _barycentre_order(rights, rnb, {n.key: i for i, n in enumerate(lefts)})
        lefts = _barycentre_order(lefts, lnb, {n.key: i for i, n in enumerate(rights)})
    rights = _barycentre_order(rights, rnb, {n.key: i for i, n in enumerate(lefts)})

    pad, gap, dot = 12.0, 8.0, 4.0
    llabels = {n.key: fit(n.label, max_label, size) for n in lefts}
    rlabels = {n.key: fit(n.label, max_label, size) for n in rights}
    lw = max([text_width(t, size) for t in llabels.values()] + [text_width(left_title, size, True)])
    rw = max([text_width(t, size) for t in rlabels.values()] + [text_width(right_title, size, True)])
    xl = pad + lw + gap
    xr = xl + max(220.0, 0.6 * (lw + rw))
    top = pad + 1.6 * size + 10
    rows = max(len(lefts), len(rights))
    yl0 = top + (rows - len(lefts)) * row / 2
    yr0 = top + (rows - len(rights)) * row / 2
    ly = {n.key: yl0 + i * row for i, n in enumerate(lefts)}
    ry = {n.key: yr0 + i * row for i, n in enumerate(rights)}
    colour = {n.key: PALETTE[i % len(PALETTE)] for i, n in enumerate(lefts)}

    c = Canvas()
    c.text(xl + dot, pad + size, left_title, size, "end", bold=True)
    c.text(xr - dot, pad + size, right_title, size, "start", bold=True)
    mid = (xl + xr) / 2
    # several edges between the same two nodes (three missions of one state in one country) are drawn
    # side by side, fanned out around the nodes, each with its own style: none hides another
    parallel: dict[tuple[str, str], list[Edge]] = defaultdict(list)
    for e in sorted(edges, key=lambda e: (ly[e.left], ry[e.right], e.style, e.title or "")):
        parallel[(e.left, e.right)].append(e)
    spread = min(4.0, (row - 2 * dot) / max(1, max(len(v) for v in parallel.values())))
    offset = {id(e): (i - (len(group) - 1) / 2) * spread for group in parallel.values() for i, e in enumerate(group)}
    for e in sorted(edges, key=lambda e: (ly[e.left], ry[e.right], e.style, e.title or "")):
        y1 = ly[e.left] - size * 0.3 + offset[id(e)]
        y2 = ry[e.right] - size * 0.3 + offset[id(e)]
        tip = f"<title>{escape(e.title)}</title>" if e.title else ""
        c.add(f'<path d="M{_num(xl)} {_num(y1)} C{_num(mid)} {_num(y1)} {_num(mid)} {_num(y2)} {_num(xr)} '
              f'{_num(y2)}" fill="none" stroke="{colour[e.left]}" stroke-width="2" stroke-opacity="0.75"'
              f"{DASHES[e.style]}>{tip}</path>")
    for n in lefts:
        c.add(f'<circle cx="{_num(xl)}" cy="{_num(ly[n.key] - size * 0.3)}" r="{_num(dot)}" '
              f'fill="{colour[n.key]}"/>')
        c.text(xl - gap, ly[n.key], llabels[n.key], size, "end", link=n.link, title=n.title or n.label)
    for n in rights:
        c.add(f'<circle cx="{_num(xr)}" cy="{_num(ry[n.key] - size * 0.3)}" r="{_num(dot)}" fill="#555"/>')
        c.text(xr + gap, ry[n.key], rlabels[n.key], size, "start", link=n.link, title=n.title or n.label)
    height = top + rows * row
    x = pad
    for style, text in legend:  # one legend line under the columns
        c.add(f'<line x1="{_num(x)}" y1="{_num(height + 2)}" x2="{_num(x + 34)}" y2="{_num(height + 2)}" '
              f'stroke="#444" stroke-width="2"{DASHES[style]}/>')
        c.text(x + 40, height + 6, text, size - 1)
        x += 40 + text_width(text, size - 1) + 24
    if legend:
        height += row
    width = max(xr + gap + rw + pad, x)
    return c.render(width, height, label), c.boxes


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: Decimal
    value_text: str
    group: str
    link: str | None = None
    title: str | None = None


def bar_chart(label: str, bars: Sequence[Bar], *, size: float = 12, row: float = 26,
              max_label: float = 300, bar_length: float = 240) -> tuple[str, list[Box]]:
    """Horizontal bars, one per figure, scaled within their group (a currency or unit)."""
    pad, gap = 10.0, 8.0
    labels = [fit(b.label, max_label, size) for b in bars]
    lw = max(text_width(t, size) for t in labels)
    vw = max(text_width(b.value_text, size) for b in bars)
    top_value: dict[str, Decimal] = defaultdict(Decimal)
    for b in bars:
        top_value[b.group] = max(top_value[b.group], b.value)
    x0 = pad + lw + gap
    c = Canvas()
    for i, (b, text) in enumerate(zip(bars, labels, strict=True)):
        y = pad + i * row
        top = top_value[b.group]
        length = float(b.value / top) * bar_length if top > 0 else 0.0
        length = max(length, 2.0)
        tip = f"<title>{escape(b.title or b.label)}: {escape(b.value_text)}</title>"
        c.add(f'<rect x="{_num(x0)}" y="{_num(y + 3)}" width="{_num(length)}" height="{_num(row - 10)}" '
              f'fill="{PALETTE[sorted(top_value).index(b.group) % len(PALETTE)]}">{tip}</rect>')
        baseline = y + row / 2 + size * 0.3
        c.text(x0 - gap, baseline, text, size, "end", link=b.link, title=b.title or b.label)
        c.text(x0 + length + 6, baseline, b.value_text, size)
    width = x0 + bar_length + 6 + vw + pad
    return c.render(width, pad * 2 + len(bars) * row - 6, label), c.boxes


_TAG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


def svgs_in(html: str) -> list[str]:
    """The inline SVG documents of an HTML page."""
    return _TAG.findall(html)
