"""Numbers and dates in the reader's language, for the report and the verdict sentences.

``1,234.5`` / ``23 November 2026`` in English, ``1.234,5`` / ``23 novembre 2026`` in Italian.
One place, so a verdict's sentence and the report around it never disagree. Pure functions.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

DEFAULT_LANG = "en"
DASH = "—"

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"],
}

# --------------------------------------------------------------------------- numbers
def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def fmt_num(x: Any, decimals: int = 0, lang: str = DEFAULT_LANG) -> str:
    """``1,234.5`` (en) / ``1.234,5`` (it); ``—`` for None/NaN."""
    if _missing(x):
        return DASH
    s = f"{float(x):,.{decimals}f}"
    if s.startswith("-") and float(s.replace(",", "")) == 0:
        s = s[1:]
    if lang == "it":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


def fmt_int(x: Any, lang: str = DEFAULT_LANG) -> str:
    """A whole number with thousands separators."""
    return fmt_num(x, 0, lang)


def fmt_count(x: Any, lang: str = DEFAULT_LANG) -> str:
    """Counts: whole numbers as such; fractional (split attribution) with one decimal."""
    if _missing(x):
        return DASH
    v = float(x)
    return fmt_num(v, 0 if v == round(v) else 1, lang)


def fmt_rate(x: Any, lang: str = DEFAULT_LANG) -> str:
    """A rate per 1,000: one decimal from 1 up, two significant digits below (as the verdict
    sentences write it)."""
    if _missing(x):
        return DASH
    v = float(x)
    if v == 0:
        return "0"
    if abs(v) >= 0.95:
        return fmt_num(v, 1, lang)
    decimals = min(6, 1 - math.floor(math.log10(abs(v))))
    s = fmt_num(v, decimals, lang).rstrip("0")
    return s.rstrip(",.") or "0"


def fmt_pct(share: Any, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    """A share in 0-1 as a percentage: ``38.2%`` / ``38,2%``; tiny non-zero shares as ``<0.1%``."""
    if _missing(share):
        return DASH
    v = float(share) * 100
    smallest = 10 ** -decimals
    if 0 < v < smallest:
        return "<" + fmt_num(smallest, decimals, lang) + "%"
    text = fmt_num(v, decimals, lang)
    if decimals and text[-decimals:] == "0" * decimals:  # 40.0% -> 40%
        text = text[:-decimals - 1]
    return text + "%"


CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}


def fmt_money(x: Any, currency: str = "EUR", lang: str = DEFAULT_LANG,
              decimals: int | None = None) -> str:
    """``€1,234`` (en) / ``1.234 €`` (it); cents below 100 unless ``decimals`` says otherwise."""
    if _missing(x):
        return DASH
    v = float(x)
    if decimals is None:  # cents where they matter (a cost per lead), not on big amounts
        decimals = 2 if abs(v) < 100 else 0
    number = fmt_num(v, decimals, lang)
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    if symbol and lang == "en":
        return f"-{symbol}{number[1:]}" if number.startswith("-") else f"{symbol}{number}"
    return f"{number}\u00a0{symbol or currency.upper()}"


def fmt_multiple(x: Any, lang: str = DEFAULT_LANG) -> str:
    """A ratio such as ROAS: ``3.2×``."""
    if _missing(x):
        return DASH
    v = float(x)
    return ("0" if v == 0 else fmt_num(v, 1 if abs(v) < 100 else 0, lang)) + "×"


def fmt_compact(x: float, lang: str = DEFAULT_LANG) -> str:
    """Axis labels: ``1k``, ``250k``, ``1.5M`` (en); ``1.000``, ``250.000``, ``1,5 Mln`` (it)."""
    v = float(x)
    if abs(v) >= 1e9:
        n, suffix = v / 1e9, ("B" if lang == "en" else "\u00a0Mld")
    elif abs(v) >= 1e6:
        n, suffix = v / 1e6, ("M" if lang == "en" else "\u00a0Mln")
    elif abs(v) >= 1e3 and lang == "en":
        n, suffix = v / 1e3, "k"
    else:
        return fmt_num(v, 0 if v == round(v) or abs(v) >= 10 else 1, lang)
    return fmt_num(n, 0 if n == round(n) or abs(n) >= 100 else 1, lang) + suffix


# --------------------------------------------------------------------------- dates
def fmt_date(d: Any, lang: str = DEFAULT_LANG) -> str:
    """``23 November 2026`` / ``23 novembre 2026`` (``1º`` for the first of the month in
    Italian, as the verdict sentences write it)."""
    if d is None or (isinstance(d, float) and math.isnan(d)):
        return DASH
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    if isinstance(d, datetime):
        d = d.date()
    if not isinstance(d, date):  # pandas Timestamp and the like
        try:
            d = date(d.year, d.month, d.day)
        except AttributeError:
            return DASH
    day = "1º" if lang == "it" and d.day == 1 else str(d.day)
    return f"{day} {MONTHS[lang][d.month - 1]} {d.year}"
