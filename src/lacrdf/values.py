"""Typed values of curated records: partial dates, canonical decimals, language tags, IRIs.
Each parser takes the raw string and returns the typed value or raises ValueError with a message
that says what is wrong and how to fix it; records.py adds the place."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date at the precision the text states: a year, a year and month, or a full date.

    Dates compare at the precision both state: ``2021`` is neither before nor after ``2021-05`` (the
    month lies in the year), ``2020`` is before ``2021-05``; a day of a month with no year (``--05-14``)
    compares only with another such day."""

    lexical: str

    def _common(self, other: object) -> tuple[str, str] | None:
        if not isinstance(other, PartialDate):
            return None
        if self.lexical.startswith("--") != other.lexical.startswith("--"):
            return None
        n = min(len(self.lexical), len(other.lexical))
        return self.lexical[:n], other.lexical[:n]

    def __lt__(self, other: object) -> bool:
        pair = self._common(other)
        return pair is not None and pair[0] < pair[1]

    def __gt__(self, other: object) -> bool:
        pair = self._common(other)
        return pair is not None and pair[0] > pair[1]

    def __le__(self, other: object) -> bool:
        pair = self._common(other)
        return pair is not None and pair[0] <= pair[1]

    def __ge__(self, other: object) -> bool:
        pair = self._common(other)
        return pair is not None and pair[0] >= pair[1]

    @property
    def datatype(self) -> str:
        if self.lexical.startswith("--"):
            return XSD + "gMonthDay"
        n = len(self.lexical)
        return XSD + ("gYear" if n == 4 else "gYearMonth" if n == 7 else "date")

    @property
    def year(self) -> int:
        return int(self.lexical[:4])

    def __str__(self) -> str:
        return self.lexical


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)


_MONTH_DAY_RE = re.compile(r"^--(\d{2})-(\d{2})$", re.ASCII)


def parse_date(raw: str) -> PartialDate:
    """YYYY, YYYY-MM, YYYY-MM-DD, or --MM-DD (a day of a month whose year the text does not give)."""
    month_day = _MONTH_DAY_RE.fullmatch(raw)
    if month_day:
        try:
            dt.date(2000, int(month_day.group(1)), int(month_day.group(2)))  # 2000 is a leap year
        except ValueError:
            raise ValueError(f"'{raw}' is not a day of the calendar") from None
        return PartialDate(raw)
    match = _DATE_RE.fullmatch(raw)
    if not match:
        raise ValueError(f"'{raw}' is not a date; write YYYY, YYYY-MM, YYYY-MM-DD or --MM-DD")
    year, month, day = match.groups()
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"'{raw}' has month {month}; months run 01 to 12")
    if day is not None:
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"'{raw}' is not a day of the calendar") from None
    return PartialDate(raw)


_DEC_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$", re.ASCII)
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$", re.ASCII)
_EUROPEAN = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+,\d+$", re.ASCII)


def _decimal_hint(text: str) -> str:
    """What a comma most likely means: thousands ("3,124"), a decimal comma ("312,4"), or both ("1.234,5")."""
    if _THOUSANDS.fullmatch(text):
        return f" (drop the thousands separator: {text.replace(',', '')})"
    if _EUROPEAN.fullmatch(text):
        return f" (a decimal comma: write {text.replace('.', '').replace(',', '.')})"
    if _DECIMAL_COMMA.fullmatch(text):
        return f" (a decimal comma: write {text.replace(',', '.')})"
    return ""


def parse_decimal(raw: str) -> Decimal:
    """Parse a plain decimal (no exponent, no thousands separator)."""
    text = raw
    if not _DEC_RE.fullmatch(text):
        raise ValueError(f"'{_shown(raw)}' is not a decimal number{_decimal_hint(text)}; write digits with an "
                         "optional '.' part")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        raise ValueError(f"'{raw}' is not a decimal number") from None


def canonical_decimal(value: Decimal) -> str:
    """The XSD 1.1 canonical form of an xsd:decimal: no exponent, no trailing zeros, no '.0'.

    lacrdf writes every decimal in this one form in every export, so '1.50' is written '1.5' everywhere
    (the value, and therefore the stated precision of the figure, is unchanged)."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def parse_int(raw: str, minimum: int = 0) -> int:
    if not re.fullmatch(r"[+-]?[0-9]+", raw):
        raise ValueError(f"'{_shown(raw)}' is not a whole number (ASCII digits 0-9)")
    value = int(raw)
    if value < minimum:
        raise ValueError(f"{value} is below the minimum {minimum}")
    return value


def parse_bool(raw: str) -> bool:
    if raw == "true":
        return True
    if raw == "false":
        return False
    raise ValueError(f"'{raw}' is not a boolean; write true or false")


_LANG_RE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$", re.ASCII)


def parse_lang(raw: str) -> str:
    """A BCP 47 language tag, normalised to lower case (RDF compares tags case-insensitively)."""
    if not _LANG_RE.fullmatch(raw) or not _oxigraph_accepts(lambda: ox.Literal("", language=raw)):
        hint = f"; did you mean '{raw.replace('_', '-')}'?" if "_" in raw else ""
        raise ValueError(f"'{_shown(raw)}' is not a BCP 47 language tag such as 'en' or 'pt-BR'{hint}")
    return raw.lower()


def _oxigraph_accepts(make: Callable[[], object]) -> bool:
    """The store's own check (RFC 3987 IRIs, BCP 47 tags): what it refuses would fail at conversion."""
    try:
        make()
    except ValueError:
        return False
    return True


def _shown(raw: str) -> str:
    """A value inside a one-line message: control characters escaped."""
    return "".join(c.encode("unicode_escape").decode("ascii") if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0
                   or c in "\u2028\u2029" else c for c in raw)


_IRI_BAD = re.compile(r"[\x00-\x20<>\"{}|^`\\]")
_IRI_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]+$")


def parse_iri(raw: str) -> str:
    bad = _IRI_BAD.search(raw)
    if bad:
        raise ValueError(f"IRI '{raw}' contains the character {bad.group()!r}, which IRIs do not allow; "
                         "percent-encode it")
    if not _IRI_RE.fullmatch(raw) or not raw.startswith(("http://", "https://")):
        raise ValueError(f"'{raw}' is not an absolute http(s) IRI")
    try:
        ox.NamedNode(raw)
    except ValueError as exc:  # percent-encoding, a second '#', an IP literal that is not one...
        raise ValueError(f"'{raw}' is not a valid IRI: {exc}") from None
    return raw


_ID_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$", re.ASCII)


def parse_id(raw: str) -> str:
    if not _ID_RE.fullmatch(raw):
        raise ValueError(f"id '{_shown(raw)}' may use only letters, digits, '.', '_' and '-' "
                         "(it becomes part of an IRI)")
    return raw


_LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"


def parse_text(raw: str) -> str:
    text = raw.strip()
    if not text:
        raise ValueError("text is empty")
    if any(c in _LINE_BREAKS for c in text):
        raise ValueError(f"text must be one line; '{_shown(text)}' holds a line break")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in text):
        raise ValueError(f"'{_shown(text)}' holds a control character")
    return text


_SHA_RE = re.compile(r"^[0-9a-f]{64}$", re.ASCII)


def parse_sha256(raw: str) -> str:
    if not _SHA_RE.fullmatch(raw):
        raise ValueError(f"'{_shown(raw)}' is not a SHA-256 (64 lower-case hex digits)")
    return raw


_WD_RE = re.compile(r"^Q[1-9][0-9]*$", re.ASCII)


def parse_wikidata(raw: str) -> str:
    if not _WD_RE.fullmatch(raw):
        raise ValueError(f"'{_shown(raw)}' is not a Wikidata item id such as Q31")
    return raw


def parse_text_file(raw: str) -> str:
    """A source text's file name, relative to the seeds folder and inside it: no absolute path, no '..',
    no backslash (the same name on every system)."""
    from pathlib import PurePosixPath

    text = parse_text(raw)
    path = PurePosixPath(text)
    if path.is_absolute() or text.startswith("~") or "\\" in text or ":" in text.split("/")[0]:
        raise ValueError(f"'{_shown(text)}' is not a file name inside the seeds folder; write it relative "
                         "to that folder, e.g. 005_mytext.txt")
    if ".." in path.parts or text != str(path):
        raise ValueError(f"'{_shown(text)}' leaves or re-enters the seeds folder; write the plain relative name")
    return text
