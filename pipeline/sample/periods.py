"""Monthly export periods and lifetime snapshots.

A marketer downloads each tool's post export once a month. Each export covers the month plus the
last week of the month before (so posts of that week appear in two consecutive exports, the later
one with larger lifetime numbers) and is downloaded 1-4 days after the month ends (never after
``as_of``). The later export's numbers are the truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

OVERLAP_DAYS = 7


@dataclass(frozen=True)
class Period:
    month: date  # first day of the month
    start: date  # first publish day covered
    end: date  # last publish day covered
    downloaded: date

    @property
    def index_key(self) -> str:
        return self.month.strftime("%Y-%m")


def month_starts(first: date, last: date) -> list[date]:
    out, m = [], date(first.year, first.month, 1)
    while m <= last:
        out.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def month_end(m: date) -> date:
    nxt = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def monthly_periods(rng: np.random.Generator, window_start: date, as_of: date) -> list[Period]:
    out = []
    for m in month_starts(window_start, as_of):
        end = min(month_end(m), as_of)
        start = max(window_start, m - timedelta(days=OVERLAP_DAYS))
        downloaded = min(as_of, end + timedelta(days=int(rng.integers(1, 5))))
        out.append(Period(m, start, end, downloaded))
    return out


def assign(times: np.ndarray, periods: list[Period]) -> tuple[list[np.ndarray], np.ndarray]:
    """For each period the indices of the posts it lists, and per post the index of the last
    period listing it (its latest snapshot)."""
    days = times.astype("datetime64[D]")
    members, last = [], np.full(len(times), -1)
    for k, p in enumerate(periods):
        inside = (days >= np.datetime64(p.start)) & (days <= np.datetime64(p.end))
        idx = np.flatnonzero(inside)
        members.append(idx)
        last[idx] = k
    return members, last


def snapshot(values: np.ndarray, frac: np.ndarray, latest: bool) -> np.ndarray:
    """Lifetime numbers as of an export: the final ones, or a smaller earlier snapshot."""
    if latest:
        return values
    return np.floor(values * frac).astype(np.int64)
