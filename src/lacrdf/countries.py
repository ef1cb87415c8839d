"""ISO 3166-1 codes and country names in en, es, pt and fr, from pycountry (never typed by hand)."""

from __future__ import annotations

import gettext
from collections.abc import Iterable
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
