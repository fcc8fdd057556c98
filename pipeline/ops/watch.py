"""Plain functions behind the sensors: what changed under data/raw, and alert lines."""

from __future__ import annotations

import json
import logging
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipeline.config import Settings
from pipeline.ingest.decode import UnreadableFile, scan_bytes, sniff
from pipeline.ingest.load import discover
from pipeline.ingest.privacy import redact

log = logging.getLogger(__name__)


def snapshot(raw_dir: Path) -> dict[str, list[int]]:
    """{relative path: [size, mtime_ns]} of every candidate export (cheap: no file is read)."""
    out = {}
    for path in discover(raw_dir):
        st = path.stat()
        out[str(path.relative_to(raw_dir))] = [st.st_size, st.st_mtime_ns]
    return out


def changed(before: dict[str, list[int]], now: dict[str, list[int]]) -> list[str]:
    return sorted(p for p, sig in now.items() if before.get(p) != sig)


def formats_of(raw_dir: Path, paths: list[str], tmp_dir: Path) -> set[str]:
    """The formats of the given files (by header); unreadable or unknown files are skipped."""
    found = set()
    for rel in paths:
        path = raw_dir / rel
        try:
            prepared = sniff(path, scan_bytes(path))
        except (UnreadableFile, OSError):
            continue
        try:
            if prepared.match:
                found.add(prepared.match.format.name)
        finally:
            prepared.cleanup()
    return found


def pending_formats(settings: Settings) -> set[str] | None:
    """The formats that have work waiting: a file under data/raw the warehouse has not seen as
    it is now (a new path, or a new size or time), or one inventoried but not loaded yet (a run
    killed mid-way). None when the warehouse cannot tell (none yet, or a run holds it): then
    everything is to be run."""
    if not settings.warehouse_path.exists():
        return None
    try:
        con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    except duckdb.Error:  # locked by a running run, or unreadable
        return None
    try:
        rows = con.execute("SELECT path, size_bytes, mtime_ns, status, format "
                           "FROM raw._files").fetchall()
    except duckdb.Error:  # no inventory yet
        return None
    finally:
        con.close()
    seen = {(path, size, mtime) for path, size, mtime, _, _ in rows}
    waiting = {fmt for _, _, _, status, fmt in rows if status == "pending" and fmt}
    now = snapshot(settings.raw_dir)
    new = [rel for rel, (size, mtime) in now.items() if (rel, size, mtime) not in seen]
    return waiting | formats_of(settings.raw_dir, new, settings.tmp_dir)


def alert(log_file: Path, message: str, webhook: str | None = None) -> str:
    """Append one alert line (personal data redacted) and POST it to the webhook if set."""
    line = f"{datetime.now(UTC).isoformat(timespec='seconds')} ALERT {redact(message)}"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("a", encoding="utf-8") as f:
        f.write(line + "\n")
    if webhook:
        req = urllib.request.Request(
            webhook,
            data=json.dumps({"text": line}).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            urllib.request.urlopen(req, timeout=10).close()
        except OSError as exc:
            log.warning("alert webhook failed: %s", exc)
    return line
