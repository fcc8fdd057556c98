"""The formats registry (formats.yml) and header matching.

A header is recognised by its column names, never by the file name: each format lists, per
canonical column, the names it is exported under; the required columns form the signature.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

REGISTRY_PATH = Path(__file__).with_name("formats.yml")
TYPES = {"id", "text", "int", "num", "money", "rate", "percent", "date", "timestamp", "email",
         "phone", "name"}
PERSONAL_TYPES = {"email", "phone", "name"}
_CURRENCY = "{currency}"


def normalise_header(name: str) -> str:
    """Compare header names case- and space-insensitively, ignoring a BOM and stray quotes."""
    name = unicodedata.normalize("NFKC", str(name)).replace("\ufeff", "").strip().strip('"').strip()
    return re.sub(r"\s+", " ", name).casefold()


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    names: tuple[str, ...]
    required: bool = False
    formats: tuple[str, ...] = ()

    @property
    def exact_names(self) -> frozenset[str]:
        """The normalised names without a `{currency}` placeholder (computed once)."""
        return _exact_names(self.names)

    @property
    def currency_patterns(self) -> tuple[re.Pattern, ...]:
        return _currency_patterns(self.names)

    def match(self, header: str) -> str | None:
        """Return '' when `header` (normalised) is one of this column's names, or the currency
        code when it matches a `{currency}` name; None when it does not match."""
        if header in self.exact_names:
            return ""
        for pattern in self.currency_patterns:
            m = pattern.fullmatch(header)
            if m:
                return m.group(1).upper()
        return None


@cache
def _exact_names(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(n for n in map(normalise_header, names) if _CURRENCY not in n)


@cache
def _currency_patterns(names: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    out = []
    for cand in map(normalise_header, names):
        if _CURRENCY in cand:
            before, after = cand.split(_CURRENCY)
            out.append(re.compile(re.escape(before) + r"([a-z]{3})" + re.escape(after)))
    return tuple(out)


@dataclass(frozen=True)
class Format:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    platform: str | None = None
    entity: str | None = None
    timezone: str = "UTC"
    summary_when_null: tuple[str, ...] = ()
    derive: dict[str, str] = field(default_factory=dict)
    excludes: tuple[str, ...] = ()  # header names this format never has (told apart from kin)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def has_personal_data(self) -> bool:
        return any(c.type in PERSONAL_TYPES for c in self.columns)

    @property
    def table_columns(self) -> list[tuple[str, str]]:
        """(name, DuckDB type) of the raw table's data columns; personal names are not stored."""
        out = [(c.name, SQL_TYPES[c.type]) for c in self.columns if c.type != "name"]
        out += [(name, "VARCHAR") for name in self.derive]
        return out


SQL_TYPES = {"id": "VARCHAR", "text": "VARCHAR", "int": "BIGINT", "num": "DOUBLE",
             "money": "DECIMAL(18,2)", "rate": "DOUBLE", "percent": "DOUBLE", "date": "DATE",
             "timestamp": "TIMESTAMP", "email": "VARCHAR", "phone": "VARCHAR", "name": "VARCHAR"}


@dataclass(frozen=True)
class HeaderMatch:
    format: Format
    positions: dict[str, int]  # canonical column -> 0-based position in the header
    currency: str | None
    score: float
    excluded: tuple[str, ...] = ()  # names of `format.excludes` found in the header

    @property
    def matched(self) -> int:
        return len(self.positions)

    @property
    def complete(self) -> bool:
        """Every required column found and no excluded name present: this is the format."""
        return not self.excluded and all(r in self.positions for r in self.format.required)


def _load(path: Path) -> dict[str, Format]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    formats: dict[str, Format] = {}
    for fname, spec in data["formats"].items():
        cols = []
        for cname, c in spec["columns"].items():
            if c["type"] not in TYPES:
                raise ValueError(f"{path}: {fname}.{cname} has unknown type {c['type']!r}")
            if c["type"] in {"date", "timestamp"} and not c.get("formats"):
                raise ValueError(f"{path}: {fname}.{cname} is a {c['type']} without formats")
            cols.append(Column(cname, c["type"], tuple(c["names"]), bool(c.get("required")),
                               tuple(c.get("formats", ()))))
        names = {c.name for c in cols} | set(spec.get("derive", {}))
        missing = [k for k in spec["key"] if k not in names]
        if missing:
            raise ValueError(f"{path}: {fname} key names unknown columns {missing}")
        formats[fname] = Format(
            name=fname, columns=tuple(cols), key=tuple(spec["key"]),
            platform=spec.get("platform"), entity=spec.get("entity"),
            timezone=spec.get("timezone", "UTC"),
            summary_when_null=tuple(spec.get("summary_when_null", ())),
            derive=dict(spec.get("derive", {})),
            excludes=tuple(spec.get("excludes", ())),
        )
    return formats


@cache
def formats() -> dict[str, Format]:
    """All formats of the registry, by name."""
    return _load(REGISTRY_PATH)


def match_header(fields: list[str]) -> HeaderMatch | None:
    """The format whose signature this header holds (the one matching most columns), or None."""
    best = None
    for candidate in all_matches(fields):
        if not candidate.complete:
            continue
        if best is None or (candidate.matched, candidate.score) > (best.matched, best.score):
            best = candidate
    return best


def all_matches(fields: list[str]) -> list[HeaderMatch]:
    """Every format's overlap with this header (used for the 'nearest format' of unknown files).

    Each canonical column takes the first header position (left to right) holding one of its
    names and not already taken by an earlier column of the same format."""
    headers = [normalise_header(f) for f in fields]
    where: dict[str, list[int]] = {}
    for i, h in enumerate(headers):
        where.setdefault(h, []).append(i)
    present = set(where) - {""}
    out = []
    for fmt in formats().values():
        positions: dict[str, int] = {}
        taken: set[int] = set()
        currency = None
        for col in fmt.columns:
            found: list[tuple[int, str]] = []
            for name in col.exact_names:
                found += [(i, "") for i in where.get(name, ()) if i not in taken]
            for pattern in col.currency_patterns:
                for h, idx in where.items():
                    m = pattern.fullmatch(h)
                    if m:
                        found += [(i, m.group(1).upper()) for i in idx if i not in taken]
            if found:
                i, got = min(found)
                positions[col.name] = i
                taken.add(i)
                currency = currency or (got or None)
        if positions:
            excluded = tuple(n for n in fmt.excludes if normalise_header(n) in present)
            union = len(present) + len(fmt.columns) - len(positions)
            out.append(HeaderMatch(fmt, positions, currency, len(positions) / max(union, 1),
                                   excluded))
    return out


def nearest_format(fields: list[str]) -> tuple[str, list[str]] | None:
    """For an unrecognised header: the closest format and the required columns it lacks
    (or, when it lacks none, the names it must not have, prefixed with 'not ')."""
    candidates = all_matches(fields)
    if not candidates:
        return None
    best = max(candidates, key=lambda m: m.score)
    lacking = [c.name for c in best.format.columns if c.required and c.name not in best.positions]
    wanted = [next(col.names[0] for col in best.format.columns if col.name == n) for n in lacking]
    wanted += [f"not {n}" for n in best.excluded]
    return best.format.name, wanted
