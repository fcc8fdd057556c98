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

    def match(self, header: str) -> str | None:
        """Return '' when `header` (normalised) is one of this column's names, or the currency
        code when it matches a `{currency}` name; None when it does not match."""
        for candidate in self.names:
            cand = normalise_header(candidate)
            if _CURRENCY in cand:
                before, after = cand.split(_CURRENCY)
                m = re.fullmatch(re.escape(before) + r"([a-z]{3})" + re.escape(after), header)
                if m:
                    return m.group(1).upper()
            elif cand == header:
                return ""
        return None


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

    @property
    def matched(self) -> int:
        return len(self.positions)


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
        if not all(r in candidate.positions for r in candidate.format.required):
            continue
        if best is None or (candidate.matched, candidate.score) > (best.matched, best.score):
            best = candidate
    return best


def all_matches(fields: list[str]) -> list[HeaderMatch]:
    """Every format's overlap with this header (used for the 'nearest format' of unknown files)."""
    headers = [normalise_header(f) for f in fields]
    out = []
    for fmt in formats().values():
        positions: dict[str, int] = {}
        currency = None
        for col in fmt.columns:
            for i, h in enumerate(headers):
                got = col.match(h)
                if got is not None and i not in positions.values():
                    positions[col.name] = i
                    currency = currency or (got or None)
                    break
        if positions:
            union = len(set(headers) - {""}) + len(fmt.columns) - len(positions)
            out.append(HeaderMatch(fmt, positions, currency, len(positions) / max(union, 1)))
    return out


def nearest_format(fields: list[str]) -> tuple[str, list[str]] | None:
    """For an unrecognised header: the closest format and the required columns it lacks."""
    candidates = all_matches(fields)
    if not candidates:
        return None
    best = max(candidates, key=lambda m: m.score)
    lacking = [c.name for c in best.format.columns if c.required and c.name not in best.positions]
    wanted = [next(col.names[0] for col in best.format.columns if col.name == n) for n in lacking]
    return best.format.name, wanted
