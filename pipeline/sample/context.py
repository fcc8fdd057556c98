"""What every export writer shares: the output folder, the random stream, and the records of
what was written (files, deliberately bad rows, personal data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from pipeline.sample.periods import Period
from pipeline.sample.portfolio import Campaign
from pipeline.sample.writers import set_mtime

PACIFIC = ZoneInfo("America/Los_Angeles")
ROME = ZoneInfo("Europe/Rome")


@dataclass
class Ctx:
    out: Path
    rng: np.random.Generator
    campaigns: list[Campaign]
    as_of: date
    window_start: date
    scale: float
    periods: list[Period] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    # (kind, values, file): every name, email and phone written, for leak tests
    personal: list[tuple[str, list[str], str]] = field(default_factory=list)

    def path(self, rel: str) -> Path:
        p = self.out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def record(self, rel: str, fmt: str, rows: int, downloaded: date, variant: str = "") -> None:
        set_mtime(self.out / rel, downloaded)
        self.files.append({"path": rel, "format": fmt, "rows": int(rows),
                           "downloaded": downloaded.isoformat(), "variant": variant})

    def reject(self, rel: str, token: str, description: str, reason: str,
               encoding: str = "utf-8") -> None:
        """Note a deliberately bad row: its line is the 1-based physical line holding `token`
        (the writers keep such rows on one line)."""
        self.rejects.append({"file": rel, "token": token, "description": description,
                             "reason": reason, "encoding": encoding})


def locate_line(path: Path, token: str, encoding: str) -> int:
    text = path.read_bytes().decode(encoding)
    pos = text.index(token)
    return text.count("\n", 0, pos) + 1


def pacific(t: np.datetime64) -> str:
    """A UTC minute as Meta writes it: US Pacific `MM/DD/YYYY HH:MM`."""
    dt = t.astype("datetime64[m]").astype(datetime).replace(tzinfo=UTC)
    return dt.astimezone(PACIFIC).strftime("%m/%d/%Y %H:%M")


def utc_dt(t: np.datetime64) -> datetime:
    return t.astype("datetime64[m]").astype(datetime)


def local_minutes(times: np.ndarray, zone: ZoneInfo = PACIFIC) -> np.ndarray:
    """UTC datetime64 minutes converted to a zone's wall clock (one zoneinfo call per hour)."""
    hours = times.astype("datetime64[h]")
    uniq, inv = np.unique(hours, return_inverse=True)
    offsets = np.array([
        int(h.astype(datetime).replace(tzinfo=UTC).astimezone(zone)
            .utcoffset().total_seconds() // 60) for h in uniq], dtype=np.int64)
    return times.astype("datetime64[m]") + offsets[inv].astype("timedelta64[m]")


def us_minutes(times: np.ndarray) -> list[str]:
    """datetime64 minutes as `MM/DD/YYYY HH:MM` (Meta's format)."""
    text = np.datetime_as_string(times.astype("datetime64[m]")).tolist()
    return [f"{s[5:7]}/{s[8:10]}/{s[:4]} {s[11:16]}" for s in text]


def iso_days(times: np.ndarray) -> list[str]:
    return np.datetime_as_string(times.astype("datetime64[D]")).tolist()


def strs(values: np.ndarray) -> list[str]:
    return values.astype(np.int64).astype(str).tolist()
