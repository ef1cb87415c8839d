"""ISO 3166-1 codes and country names in en, es, pt and fr, from pycountry, and the other codes data sets
key states by (COW, Gleditsch-Ward, UN M49, FIPS 10-4), from countrycode: never typed by hand."""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pycountry

LANGUAGES = ("en", "es", "pt", "fr")


@cache
def _translator(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])


def check_state_id(code: str) -> str | None:
    """None if ``code`` is an ISO 3166-1 alpha-2 code, else what is wrong."""
    if len(code) != 2 or not code.isupper() or pycountry.countries.get(alpha_2=code) is None:
        return f"'{code}' is not an ISO 3166-1 alpha-2 code"
    return None


def suggest_state_id(code: str, declared: Iterable[str] = ()) -> str | None:
    """The ISO 3166-1 alpha-2 code meant by a wrong one: 'URY' (alpha-3) -> 'UY'; 'UR' (the start of
    Uruguay's alpha-3 URY) -> 'UY'; otherwise a declared state one letter away. None when nothing fits."""
    text = code.strip().upper()
    if len(text) == 3:
        found = pycountry.countries.get(alpha_3=text)
        if found is not None:
            return str(found.alpha_2)
    if pycountry.countries.get(alpha_2=text) is not None and text != code:
        return text  # 'uy' -> 'UY'
    declared = sorted(declared)
    starts = sorted(c.alpha_2 for c in pycountry.countries if c.alpha_3.startswith(text) and len(text) == 2)
    for pool in ([c for c in starts if c in declared], starts):
        if len(pool) == 1:
            return pool[0]
    near = [d for d in declared if len(d) == len(text) == 2 and sum(a != b for a, b in zip(d, text, strict=True)) == 1]
    return near[0] if len(near) == 1 else None


@cache
def country_codes(code: str) -> tuple[str, str]:
    country = pycountry.countries.get(alpha_2=code)
    assert country is not None, code
    return country.alpha_2, country.alpha_3


@cache
def country_labels(code: str) -> dict[str, str]:
    """The short name (common name where ISO gives one) in each language."""
    country = pycountry.countries.get(alpha_2=code)
    assert country is not None, code
    short = getattr(country, "common_name", None) or country.name
    return {lang: _translator(lang).gettext(short) for lang in LANGUAGES}


@cache
def country_alt_labels(code: str) -> dict[str, tuple[str, ...]]:
    """ISO's full and official names in each language, where they differ from the short name."""
    country = pycountry.countries.get(alpha_2=code)
    assert country is not None, code
    short = country_labels(code)
    out: dict[str, tuple[str, ...]] = {}
    for lang in LANGUAGES:
        names = []
        for attr in ("name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                text = _translator(lang).gettext(value)
                if text != short[lang] and text not in names:
                    names.append(text)
        out[lang] = tuple(names)
    return out


def is_currency(code: str) -> bool:
    return pycountry.currencies.get(alpha_3=code) is not None


# ---------------------------------------------------------------------------------------------- crosswalk
#
# The codes international-relations data sets key states by, from the countrycode package (the Python port
# of R's countrycode, whose tables the field joins COW, Gleditsch-Ward and FIPS data with); ISO 3166-1
# numeric from pycountry, like the other ISO codes. Never typed by hand: tests/test_crosswalk.py
# cross-checks countrycode against country_converter and pycountry, and the README's lists against both.

@dataclass(frozen=True, slots=True)
class Scheme:
    """One identifier scheme: the ontology property, the table column and where the code comes from."""

    prop: str
    column: str
    label: str
    package: str
    field: str
    numeric: bool = False
    """A number (COW, G-W): an integer column in the tables; M49 and ISO numeric keep their three digits."""


SCHEMES: tuple[Scheme, ...] = (
    Scheme("iso3166Numeric", "iso3166_numeric", "ISO 3166-1 numeric", "pycountry", "numeric"),
    Scheme("unM49", "un_m49", "UN M49", "countrycode", "un"),
    Scheme("cowNumber", "cow_number", "Correlates of War number", "countrycode", "cown", numeric=True),
    Scheme("cowCode", "cow_code", "Correlates of War letter code", "countrycode", "cowc"),
    Scheme("gwNumber", "gw_number", "Gleditsch-Ward number", "countrycode", "gwn", numeric=True),
    Scheme("gwCode", "gw_code", "Gleditsch-Ward letter code", "countrycode", "gwc"),
    Scheme("fips104Code", "fips_10_4", "FIPS 10-4", "countrycode", "fips"),
)

_PATTERNS = {"iso3166Numeric": r"[0-9]{3}", "unM49": r"[0-9]{3}", "cowNumber": r"[1-9][0-9]{0,2}",
             "cowCode": r"[A-Z]{3}", "gwNumber": r"[1-9][0-9]{0,2}", "gwCode": r"[A-Z]{3}",
             "fips104Code": r"[A-Z]{2}"}


@cache
def _countrycode_row(code: str) -> dict[str, object]:
    """countrycode's row for an ISO alpha-2 code (empty when it has none)."""
    from countrycode import codelist

    assert codelist is not None, "countrycode could not load its code list"
    column = codelist["iso2c"]
    if code not in column:
        return {}
    at = column.index(code)
    return {name: values[at] for name, values in codelist.items() if not name.startswith(("cldr.", "country.name"))}


def _code_text(value: object, scheme: Scheme) -> str | None:
    """A package's value as the code's text: None for a missing one (None, NaN, empty); M49 and ISO numeric
    zero-padded to their three digits; anything that does not look like the scheme's codes is refused."""
    if value is None or value != value or value == "":  # value != value: NaN
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = f"{value:03d}" if isinstance(value, int) and scheme.prop in ("iso3166Numeric", "unM49") else str(value)
    if not re.fullmatch(_PATTERNS[scheme.prop], text):
        raise ValueError(f"{scheme.package} gives {scheme.label} code {value!r}, which is not one")
    return text


@cache
def state_codes(code: str) -> dict[str, str | None]:
    """Every scheme's code of the state with ISO alpha-2 ``code``, by property name (None: the scheme
    has no code for it, e.g. the micro-states missing in Gleditsch-Ward's list)."""
    country = pycountry.countries.get(alpha_2=code)
    assert country is not None, code
    row = _countrycode_row(code)
    out: dict[str, str | None] = {}
    for scheme in SCHEMES:
        value = getattr(country, scheme.field) if scheme.package == "pycountry" else row.get(scheme.field)
        out[scheme.prop] = _code_text(value, scheme)
    return out
