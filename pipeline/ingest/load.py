"""Load exports into the warehouse: inventory, parse with DuckDB, keep every rejected row.

For every file: rows read = rows loaded + rows rejected (summary/footer rows and repeated header
lines are kept among the rejects with kind 'summary'). A file is recognised by its content hash,
so the same export dropped twice, or renamed, loads once. Each file loads in one transaction: a
crash leaves no half-loaded file.

Where a rejected row is reported (raw._rejects):
- `line` is the physical line in the file (1-based, as an editor shows it) where the record
  starts. It is exact for every text file up to EXACT_LINES_MAX_BYTES (a streaming pass with
  Python's csv module, made only when the file has rejects). Above that size it is computed
  from DuckDB's record count and is exact when no value holds a line break (blank lines before
  the row may shift it). For a workbook it is the row number in the sheet; for a zip, the line
  in the member.
- `data_row` is the n-th record after the header (blank lines not counted).
Each file is read by DuckDB into a temporary table (its rowids number the records in file order:
the CSV scan preserves insertion order, DuckDB's default) and typed in one pass that writes the
valid rows straight into raw.<format>; only the rows it left out, usually none, are typed again to
say why (`_parse`).
"""

from __future__ import annotations

import contextlib
import csv
import logging
import re
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from pipeline.config import Settings, duckdb_config
from pipeline.ingest import sql
from pipeline.ingest.decode import (
    SUPPORTED_SUFFIXES,
    FileFacts,
    Prepared,
    UnreadableFile,
    exported_at_from_name,
    prepare,
    remove_stale_temporaries,
    scan_bytes,
    sniff,
)
from pipeline.ingest.privacy import email_sql, install_hmac, load_or_create_key, phone_sql, redact
from pipeline.ingest.registry import Format, HeaderMatch, formats

log = logging.getLogger(__name__)

FILES_DDL = """
CREATE TABLE IF NOT EXISTS raw._files (
    file_id VARCHAR,            -- SHA-256 of the content
    path VARCHAR,               -- relative to the raw folder
    format VARCHAR,
    status VARCHAR,             -- pending, loaded, duplicate, unknown, error
    container VARCHAR, encoding VARCHAR, delimiter VARCHAR, header_line INTEGER,
    currency VARCHAR, size_bytes BIGINT, mtime_ns BIGINT,
    exported_at TIMESTAMP,      -- date in the file name, else modification time (see inventory)
    rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, rows_summary BIGINT,
    min_date DATE, max_date DATE,
    duplicate_of VARCHAR, message VARCHAR,
    seen_at TIMESTAMP, loaded_at TIMESTAMP, load_seconds DOUBLE,
    decimal_mark VARCHAR,       -- '.' or ',' as read from the values
    date_formats VARCHAR,       -- the format chosen per date column, e.g. created_date=%d/%m/%Y
    newlines VARCHAR            -- line ends: lf, crlf, cr, none or mixed
)"""
REJECTS_DDL = """
CREATE TABLE IF NOT EXISTS raw._rejects (
    file_id VARCHAR, path VARCHAR, format VARCHAR,
    line BIGINT,                -- physical line in the file (sheet row for a workbook)
    data_row BIGINT,            -- n-th record after the header
    kind VARCHAR,               -- invalid (a value or the row's shape is wrong) or summary
    reason VARCHAR, raw_text VARCHAR, rejected_at TIMESTAMP,
    action VARCHAR              -- what to do about it
)"""
ADDED_COLUMNS = {"raw._files": [("decimal_mark", "VARCHAR"), ("date_formats", "VARCHAR"),
                                 ("newlines", "VARCHAR")],
                 "raw._rejects": [("action", "VARCHAR")]}
META_COLUMNS = [("_file_id", "VARCHAR"), ("_row", "BIGINT"), ("_exported_at", "TIMESTAMP"),
                ("_currency", "VARCHAR")]
LOCK_RETRIES = 8
PROBE_ROWS = 20000  # rows sampled to choose date formats and the decimal mark
EXACT_LINES_MAX_BYTES = 512 << 20  # ~5 s of Python csv, only when a file has rejects
EXACT_LINES_MAX_REJECTS = 200_000
# Up to this size every text file's records are also counted independently and must equal
# DuckDB's (a file DuckDB would read short fails loudly instead of losing rows): by its line
# ends when every line is a record (`_physical_lines`), else by Python's csv module.
VERIFY_MAX_BYTES = 64 << 20

ACTION_VALUE = ("Correct the value in the source tool (or the file), then drop the corrected "
                "export again; the file's other rows are loaded.")
ACTION_EXCEL = "Download the export again and do not open and save it in Excel."
ACTION_SHAPE = ("The row does not have the header's columns: the file was probably cut short "
                "or edited by hand. Download it again.")
ACTION_NONE = "Nothing: this row is not data."


class WarehouseTooNew(RuntimeError):
    """The warehouse file was written by a newer DuckDB than the one installed."""


def connect(settings: Settings, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, retrying with backoff while another process holds the write lock."""
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    config = duckdb_config(settings)
    delay = 0.25
    for attempt in range(LOCK_RETRIES):
        try:
            con = duckdb.connect(str(settings.warehouse_path), read_only=read_only,
                                 config=config)
            con.execute("SET enable_progress_bar = false")  # no bars in logs and tests
            return con
        except duckdb.IOException as exc:
            if "newer version" in str(exc):
                raise WarehouseTooNew(
                    f"{settings.warehouse_path} was written by a newer DuckDB than this "
                    f"pipeline's ({duckdb.__version__}), which cannot read it. The warehouse "
                    "holds nothing that data/raw does not: run `make clean`, then `make run` "
                    "rebuilds it.") from exc
            if "lock" not in str(exc).lower() or attempt == LOCK_RETRIES - 1:
                raise
            log.warning("warehouse is locked by another process; retrying in %.1fs", delay)
            time.sleep(delay)
            delay = min(delay * 2, 8)
    raise AssertionError("unreachable")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, the manifest, the rejects table and one table per format (and add
    columns a newer version introduced). One catalog query when everything is already there."""
    wanted = {("_files", n) for n, _ in ADDED_COLUMNS["raw._files"]} | {
        ("_rejects", n) for n, _ in ADDED_COLUMNS["raw._rejects"]} | {
        (name, "_file_id") for name in formats()}
    have = set(con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                           "WHERE schema_name = 'raw' AND database_name = current_database()"
                           ).fetchall())
    if wanted <= have:
        return
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(FILES_DDL)
    con.execute(REJECTS_DDL)
    for table, cols in ADDED_COLUMNS.items():  # warehouses made by an older version
        for name, typ in cols:
            con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} {typ}")
    for fmt in formats().values():
        cols = fmt.table_columns + META_COLUMNS
        ddl = ", ".join(f'"{n}" {t}' for n, t in cols)
        con.execute(f"CREATE TABLE IF NOT EXISTS raw.{fmt.name} ({ddl})")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def discover(raw_dir: Path) -> Iterator[Path]:
    """Every candidate export under the raw folder (hidden files and notes are skipped)."""
    if not raw_dir.exists():
        return
    for path in sorted(raw_dir.rglob("*")):
        rel = path.relative_to(raw_dir)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.suffix.lower() in SUPPORTED_SUFFIXES:
            yield path


@dataclass
class InventoryResult:
    new: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unchanged: int = 0


def inventory(con: duckdb.DuckDBPyConnection, settings: Settings,
              progress: Callable[[str], None] = log.info) -> InventoryResult:
    """Record every file under the raw folder in raw._files and recognise its format.

    A file already seen with the same size and modification time is not read again. New files
    are read once (hash and encoding) and recognised from their first MiB, oldest first: a new
    content hash becomes 'pending' for its format's asset; a hash already known is a
    'duplicate' of the first file that carried it (so of the older copy).

    `exported_at` orders snapshots of the same posts: the newest date written in the file name
    (`..._20210101_20210201_en.csv`, `...-2026-10-31.csv`), else the modification time. A new
    content of a format whose name carries a date already used by an earlier file of that
    format (a changed re-download) is placed one microsecond after it, so it is the newer.
    """
    ensure_schema(con)
    removed = remove_stale_temporaries(settings.tmp_dir)
    if removed:
        log.warning("removed %d decoded copies left by an interrupted run", removed)
    result = InventoryResult()
    known = {(p, s, m): (fid, st) for p, s, m, fid, st in con.execute(
        "SELECT path, size_bytes, mtime_ns, file_id, status FROM raw._files").fetchall()}
    hashes = dict(con.execute(
        "SELECT file_id, arg_min(path, seen_at) FROM raw._files "
        "WHERE status IN ('pending', 'loaded') GROUP BY file_id").fetchall())
    paths = []
    for path in discover(settings.raw_dir):
        try:
            paths.append((path, path.stat()))
        except OSError:
            continue  # vanished while listing
    paths.sort(key=lambda ps: (ps[1].st_mtime_ns, str(ps[0])))
    # New files are hashed two at a time: SHA-256 runs outside Python's lock, so one file's hash
    # overlaps another's UTF-8 check (the files are still recorded one by one, oldest first).
    scans = {}
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="scan") as pool:
        for path, st in paths:
            prior = known.get((str(path.relative_to(settings.raw_dir)), st.st_size,
                               st.st_mtime_ns))
            if not prior or prior[1] == "error":
                scans[path] = pool.submit(scan_bytes, path)
        return _record(con, settings, paths, known, hashes, scans, result, progress)


def _record(con, settings: Settings, paths, known, hashes, scans, result: InventoryResult,
            progress: Callable[[str], None]) -> InventoryResult:
    rows = []
    for n, (path, st) in enumerate(paths, 1):
        rel = str(path.relative_to(settings.raw_dir))
        prior = known.get((rel, st.st_size, st.st_mtime_ns))
        if prior and prior[1] != "error":
            result.unchanged += 1
            continue
        if prior:  # an error last time: try again from scratch
            con.execute("DELETE FROM raw._files WHERE path = ? AND file_id IS NOT DISTINCT FROM ?",
                        [rel, prior[0]])
        progress(f"[{n}/{len(paths)}] inspecting {rel} ({st.st_size / 1e6:.1f} MB)")
        try:
            facts = scans[path].result()
        except OSError as exc:
            rows.append({"file_id": None, "path": rel, "status": "error", "seen_at": _now(),
                         "size_bytes": st.st_size, "mtime_ns": st.st_mtime_ns,
                         "message": f"{rel}: cannot be read ({exc.strerror}); check the "
                                    "file's permissions."})
            result.errors.append(rel)
            continue
        if hashes.get(facts.sha256) == rel:  # touched (or copied back) but not changed
            con.execute("UPDATE raw._files SET mtime_ns = ? WHERE path = ? AND file_id = ?",
                        [st.st_mtime_ns, rel, facts.sha256])
            result.unchanged += 1
            continue
        row = {"file_id": facts.sha256, "path": rel, "size_bytes": facts.size,
               "mtime_ns": st.st_mtime_ns, "encoding": facts.encoding,
               "newlines": facts.newlines, "seen_at": _now()}
        if facts.sha256 in hashes:
            row |= {"status": "duplicate", "duplicate_of": hashes[facts.sha256],
                    "message": f"same content as {hashes[facts.sha256]}: not loaded again"}
            result.duplicates.append(rel)
        else:
            row |= _recognise(path, rel, facts, st.st_mtime_ns)
            if row["status"] == "pending":
                hashes[facts.sha256] = rel
                result.new.append(rel)
            elif row["status"] == "unknown":
                result.unknown.append(rel)
            else:
                result.errors.append(rel)
        rows.append(row)
    _order_snapshots(con, [r for r in rows if r.get("status") == "pending"])
    for row in rows:
        row.pop("_name_dated", None)
        _insert(con, "raw._files", row)
    return result


def _order_snapshots(con: duckdb.DuckDBPyConnection, pending: list[dict]) -> None:
    """Make a changed re-download newer than the file it replaces (same format, same name
    date): rows arrive oldest first, each one microsecond after the newest of that date."""
    for row in pending:
        if not row["_name_dated"]:
            continue
        day = row["exported_at"]
        newest = con.execute(
            "SELECT max(exported_at) FROM raw._files WHERE format = ? AND exported_at >= ? "
            "AND exported_at < ? AND status IN ('pending', 'loaded')",
            [row["format"], day, day + timedelta(seconds=1)]).fetchone()[0]
        same_run = [r["exported_at"] for r in pending if r is not row and r["format"] ==
                    row["format"] and r.get("_placed") and day <= r["exported_at"] <
                    day + timedelta(seconds=1)]
        latest = max([t for t in [newest, *same_run] if t is not None], default=None)
        if latest is not None:
            row["exported_at"] = latest + timedelta(microseconds=1)
        row["_placed"] = True
    for row in pending:
        row.pop("_placed", None)


def _recognise(path: Path, rel: str, facts: FileFacts, mtime_ns: int) -> dict:
    try:
        prepared = sniff(path, facts)
    except UnreadableFile as exc:
        return {"status": "error", "message": str(exc).replace(str(path), rel)}
    except OSError as exc:
        return {"status": "error", "message": f"{rel}: cannot be read ({exc}); check the file."}
    except Exception as exc:  # a library failing on a malformed file must not stop the run
        log.exception("recognising %s failed", rel)
        return {"status": "error", "message": f"{rel}: cannot be read ({type(exc).__name__}: "
                                              f"{str(exc)[:200]}); download it again."}
    if prepared.match is None:
        return {"status": "unknown", "container": prepared.container,
                "message": prepared.unknown_message().replace(str(path), rel)}
    named = exported_at_from_name(path.name)
    exported_at = (datetime.combine(named, datetime.min.time()) if named
                   else datetime.fromtimestamp(mtime_ns / 1e9, UTC).replace(tzinfo=None))
    return {"status": "pending", "format": prepared.match.format.name,
            "container": prepared.container, "delimiter": prepared.delimiter,
            "header_line": prepared.header_line, "currency": prepared.match.currency,
            "exported_at": exported_at, "_name_dated": named is not None}


def _insert(con: duckdb.DuckDBPyConnection, table: str, row: dict) -> None:
    cols = ", ".join(row)
    con.execute(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()))


@dataclass
class FileLoad:
    path: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    rows_summary: int
    max_date: date | None
    seconds: float
    error: str | None = None


def load_pending(con: duckdb.DuckDBPyConnection, settings: Settings, format_name: str,
                 progress: Callable[[str], None] = log.info) -> list[FileLoad]:
    """Load every pending file of one format; a file that fails is marked 'error', not fatal."""
    ensure_schema(con)
    fmt = formats()[format_name]
    pending = con.execute(
        "SELECT file_id, path, exported_at, currency, encoding, size_bytes, mtime_ns, newlines "
        "FROM raw._files WHERE status = 'pending' AND format = ? ORDER BY exported_at, path",
        [format_name]).fetchall()
    if not pending:
        return []
    if fmt.has_personal_data:
        install_hmac(con, load_or_create_key(settings.key_file))
    out = []
    for n, (file_id, rel, exported_at, currency, encoding, size, mtime_ns, newlines) in enumerate(
            pending, 1):
        progress(f"[{format_name} {n}/{len(pending)}] loading {rel}")
        started = time.perf_counter()
        try:
            facts = _unchanged_facts(settings.raw_dir / rel, file_id, encoding, size, mtime_ns,
                                     newlines)
            result = _load_file(con, settings, fmt, facts, rel, exported_at, currency, started)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            _rollback(con)
            if not isinstance(exc, UnreadableFile | duckdb.Error | OSError | csv.Error
                              | UnicodeError):  # unexpected: keep the traceback for a report
                if fmt.has_personal_data:  # a traceback may quote values
                    log.error("loading %s failed (%s)", rel, type(exc).__name__)
                else:
                    log.exception("loading %s failed", rel)
            msg = str(exc).splitlines()[0][:500] if str(exc) else type(exc).__name__
            msg = msg.replace(str(settings.raw_dir / rel), rel)
            if fmt.has_personal_data:
                msg = _redact_keeping(msg, [str(settings.raw_dir / rel), rel])
            if not isinstance(exc, UnreadableFile):
                msg = (f"{rel}: could not be loaded ({msg}). The other files are not affected; "
                       "download this export again, and report the message if it persists.")
            con.execute("UPDATE raw._files SET status = 'error', message = ? "
                        "WHERE file_id = ? AND path = ?", [msg, file_id, rel])
            out.append(FileLoad(rel, 0, 0, 0, 0, None, time.perf_counter() - started, msg))
            progress(f"  error: {msg}")
            continue
        out.append(result)
        progress(f"  {result.rows_loaded:,} rows loaded, {result.rows_rejected:,} rejected "
                 f"({result.rows_summary:,} summary rows) in {result.seconds:.2f}s")
    return out


def _redact_keeping(message: str, keep: list[str]) -> str:
    """Redact emails and phone numbers in a message, but not in the given paths (whose dates
    look like phone numbers)."""
    marks = {f"\x00{i}\x00": text for i, text in enumerate(keep)}
    for mark, text in marks.items():
        message = message.replace(text, mark)
    message = redact(message)
    for mark, text in marks.items():
        message = message.replace(mark, text)
    return message


def _unchanged_facts(path: Path, file_id: str, encoding: str, size: int,
                     mtime_ns: int, newlines: str | None) -> FileFacts:
    """The inventory's facts, after checking the file is still the one it saw (cheaply: by size
    and modification time; the content is hashed again only if those moved)."""
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise UnreadableFile(f"{path.name}: the file was removed after the inventory; nothing "
                             "was loaded from it.") from exc
    if (st.st_size, st.st_mtime_ns) != (size, mtime_ns) or newlines is None:
        facts = scan_bytes(path)
        if facts.sha256 != file_id:
            raise UnreadableFile(f"{path.name}: the file changed after the inventory; it will "
                                 "be read again at the next run.")
        return facts
    return FileFacts(file_id, size, encoding, newlines)


_TEMPORARIES = ("vf_reject_errors", "vf_reject_scans", "vf_text", "vf_parsed", "vf_lines")


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Undo a failed file's load, and drop the temporaries it left on this connection (its text
    is read before its transaction begins): the next file creates them afresh."""
    with contextlib.suppress(duckdb.Error):  # no transaction open
        con.execute("ROLLBACK")
    for table in _TEMPORARIES:
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _load_file(con: duckdb.DuckDBPyConnection, settings: Settings, fmt: Format,
               facts: FileFacts, rel: str, exported_at: datetime, currency: str | None,
               started: float) -> FileLoad:
    path = settings.raw_dir / rel
    prepared = prepare(path, facts, settings.tmp_dir)
    try:
        if prepared.match is None or prepared.match.format.name != fmt.name:
            raise UnreadableFile(f"{rel}: its header no longer matches {fmt.name}")
        return _parse(con, settings, fmt, prepared, facts.sha256, rel, exported_at, currency,
                      started)
    finally:
        prepared.cleanup()


def _reader(prepared: Prepared, n_cols: int, store_rejects: bool) -> str:
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n_cols)) + "}"
    opts = [f"delim={sql.q(prepared.delimiter)}", "quote='\"'", "escape='\"'", "header=false",
            f"skip={prepared.header_line + 1}", f"columns={columns}", "auto_detect=false",
            "max_line_size=4000000", f"encoding={sql.q(prepared.duckdb_encoding)}"]
    if store_rejects:
        opts += ["store_rejects=true", "rejects_table='vf_reject_errors'",
                 "rejects_scan='vf_reject_scans'"]
    else:
        opts += ["ignore_errors=true"]
    return f"read_csv({sql.q(str(prepared.text_path))}, {', '.join(opts)})"


@dataclass
class Probe:
    date_formats: dict[str, str]
    decimal_comma: bool


def _day_first(fmt: str) -> bool | None:
    d, m = fmt.find("%d"), fmt.find("%m")
    return None if d < 0 or m < 0 else d < m


def _probe(con: duckdb.DuckDBPyConnection, source: str, fmt: Format, match: HeaderMatch,
           delimiter: str) -> Probe:
    """One look at the first PROBE_ROWS rows: the format that parses most values of each date
    column, and the file's decimal mark.

    Day order: a file has one locale, so its date columns are decided together (the order that
    parses more values across them wins); a tie (every day <= 12) goes to day-first when the
    file uses a decimal comma (a European Excel), else to the registry's first format.
    Decimal mark: `;`-separated files use a decimal comma unless their numbers only prove a
    dot (12.5, 0.045 and no 12,5); other files use a dot unless their numbers only prove a
    comma. 1.234 and 1,234 prove nothing (see sql.COMMA_EVIDENCE_RE)."""
    positions = match.positions
    probes: list[tuple[str, str]] = []
    exprs: list[str] = []
    trimmed: dict[int, str] = {}  # position -> trimmed text, computed once in a sub-select
    for col in fmt.columns:
        if col.name in positions and col.type in ("date", "timestamp") and len(col.formats) > 1:
            i = positions[col.name]
            trimmed[i] = sql.trimmed(f"c{i}")
            for f in col.formats:
                probes.append((col.name, f))
                exprs.append(f"count(try_strptime(t{i}, {sql.q(f)}))")
    numeric = sorted({positions[c.name] for c in fmt.columns
                      if c.name in positions and c.type in sql.NUMERIC_TYPES})
    for i in numeric:
        trimmed[i] = sql.trimmed(f"c{i}")
    for regex, mark in ((sql.COMMA_EVIDENCE_RE, ","), (sql.DOT_EVIDENCE_RE, ".")):
        # evidence always holds its mark: the pattern runs only on the values that do
        terms = " + ".join(f"(CASE WHEN contains(s{i}, '{mark}') THEN coalesce(regexp_full_match("
                           f"s{i}, {sql.q(regex)}), false) ELSE false END)::INT" for i in numeric)
        exprs.append(f"coalesce(sum({terms}), 0)" if numeric else "0")
    t_cols = ", ".join(f"{e} AS t{i}" for i, e in trimmed.items()) or "NULL AS _t"
    s_cols = ", ".join(f"{sql.strip_number(f't{i}')} AS s{i}" for i in numeric) or "NULL AS _s"
    counts = con.execute(f"""
        WITH src AS (SELECT * FROM {source} LIMIT {PROBE_ROWS}),
        t AS (SELECT {t_cols} FROM src),
        s AS (SELECT *, {s_cols} FROM t)
        SELECT {', '.join(exprs)} FROM s""").fetchone()
    comma_ev, dot_ev = counts[-2], counts[-1]
    if delimiter == ";":
        decimal_comma = not (dot_ev > 0 and comma_ev == 0)
    else:
        decimal_comma = comma_ev > 0 and dot_ev == 0

    per_col: dict[str, dict[str, int]] = {}
    for (name, f), c in zip(probes, counts[:-2], strict=True):
        per_col.setdefault(name, {})[f] = c
    score = {True: 0, False: 0}
    for cands in per_col.values():
        for order in (True, False):
            score[order] += max((c for f, c in cands.items() if _day_first(f) is order),
                                default=0)
    preferred = (True if score[True] > score[False] else False if score[False] > score[True]
                 else True if decimal_comma else None)
    chosen: dict[str, str] = {}
    for col in fmt.columns:
        if col.name not in positions or col.type not in ("date", "timestamp"):
            continue
        if col.name not in per_col:
            chosen[col.name] = col.formats[0]
            continue
        cands = per_col[col.name]
        best = max(cands.values())
        tied = [f for f in col.formats if cands[f] == best]
        pick = next((f for f in tied if preferred is not None and _day_first(f) is preferred),
                    tied[0])
        chosen[col.name] = pick
    return Probe(chosen, decimal_comma)


def _parse(con, settings, fmt: Format, prepared: Prepared, file_id, rel, exported_at,
           currency, started) -> FileLoad:
    match = prepared.match
    n_cols = len(prepared.header)
    tz = fmt.timezone
    if tz.startswith("{"):
        tz = getattr(settings, tz.strip("{}"))
    # The text is read into a temporary table first: its rowid numbers the records in file
    # order, so the typing runs on every thread (row_number() OVER () would serialise it).
    # It is committed before the transaction that loads the file begins: DuckDB scans a table
    # created in the same, still open transaction about half as fast (16.7 s against 8.7 s for
    # the typing of 1.5 M HubSpot contacts). Being temporary, it is this connection's only.
    con.execute("CREATE TEMP TABLE vf_text AS SELECT * FROM "
                f"{_reader(prepared, n_cols, True)}")
    con.execute("BEGIN")
    # Rowids are consecutive from the first one (0 for a committed table).
    first_rowid, total = con.execute("SELECT min(rowid), count(*) FROM vf_text").fetchone()
    probe = _probe(con, "vf_text", fmt, match, prepared.delimiter)

    def typing(source: str, row_number: str) -> sql.ParseQuery:
        return sql.build_parse_query(
            fmt, match.positions, prepared.header, source,
            decimal_comma=probe.decimal_comma, date_formats=probe.date_formats, tz=tz,
            delimiter=prepared.delimiter, email_sql=email_sql, phone_sql=phone_sql,
            row_number=row_number)

    ok = "_kind IS NULL AND _reason IS NULL"
    # One typing pass writes the valid rows straight into the raw table (in file order).
    query = typing("vf_text", f"rowid - {first_rowid or 0} + 1")
    data_cols = query.data_columns
    quoted = ", ".join(sql.ident(c) for c in data_cols)
    loaded = con.execute(
        f"INSERT INTO raw.{fmt.name} ({quoted}, _file_id, _row, _exported_at, _currency) "
        f"SELECT {quoted}, ?, _row, ?, ? FROM ({query.sql}) WHERE {ok}",
        [file_id, exported_at, currency]).fetchone()[0]
    # Only the rows it left out (usually none) are typed again, to say why.
    n_summary = n_invalid = 0
    if loaded < total:
        left_out = typing(
            f"(SELECT v.rowid AS _rid, v.* FROM vf_text AS v ANTI JOIN (SELECT _row FROM "
            f"raw.{fmt.name} WHERE _file_id = {sql.q(file_id)}) AS l "
            f"ON v.rowid - {first_rowid} + 1 = l._row)", f"_rid - {first_rowid} + 1")
        con.execute(f"CREATE TEMP TABLE vf_parsed AS {left_out.sql}")
        n_summary, n_invalid = con.execute(
            "SELECT count(*) FILTER (WHERE _kind IS NOT NULL), "
            "count(*) FILTER (WHERE _kind IS NULL) FROM vf_parsed").fetchone()
    else:
        con.execute("CREATE TEMP TABLE vf_parsed AS SELECT NULL::BIGINT AS _row LIMIT 0")
    con.execute("DROP TABLE vf_text")
    date_col = next((c.name for c in fmt.columns if c.type in ("date", "timestamp")
                     and c.name in match.positions), None)
    min_d, max_d = (con.execute(
        f'SELECT min("{date_col}")::DATE, max("{date_col}")::DATE FROM raw.{fmt.name} '
        "WHERE _file_id = ?", [file_id]).fetchone() if date_col and loaded else (None, None))
    csv_errors = _csv_errors(con)
    firsts = (dict(con.execute(
        f"SELECT _row, _first FROM vf_parsed WHERE NOT ({ok}) ORDER BY _row").fetchall())
        if n_summary + n_invalid else {})
    typed_rows = list(firsts)
    duck = loaded + n_summary + n_invalid + len(csv_errors)
    verify = prepared.text_path.stat().st_size <= VERIFY_MAX_BYTES and not (
        not typed_rows and not csv_errors and _physical_lines(prepared) == duck)
    rows_map, csv_map, counted = _locate(prepared, typed_rows, sorted(csv_errors), verify,
                                         firsts)
    if counted is not None and counted != duck:
        raise UnreadableFile(
            f"{rel}: DuckDB read {duck:,} records but the file holds {counted:,} (Python's csv "
            "module): nothing was loaded from it, so that no row is lost silently. Mixed line "
            "ends or a damaged download can cause this: download the export again; if it "
            "persists, report it with the file.")
    if typed_rows:
        con.execute("CREATE OR REPLACE TEMP TABLE vf_lines AS SELECT unnest($1::BIGINT[]) AS r, "
                    "unnest($2::BIGINT[]) AS line, unnest($3::BIGINT[]) AS data_row",
                    [typed_rows, [rows_map[r][0] for r in typed_rows],
                     [rows_map[r][1] for r in typed_rows]])
        con.execute(f"""
            INSERT INTO raw._rejects (file_id, path, format, line, data_row, kind, reason,
                                      raw_text, rejected_at, action)
            SELECT ?, ?, ?, m.line, m.data_row,
                   CASE WHEN _kind IS NULL THEN 'invalid' ELSE 'summary' END,
                   CASE WHEN _kind = 'header' THEN 'repeated header line, not data (the file '
                            || 'looks like several exports pasted together)'
                        WHEN _kind = 'summary' THEN 'summary or footer row, not data'
                        WHEN _kind = 'empty' THEN 'empty row (every field blank), not data'
                        ELSE _reason END,
                   _raw, ?,
                   CASE WHEN _kind IS NOT NULL THEN ?
                        WHEN contains(_reason, 'mangled by Excel') THEN ? ELSE ? END
            FROM vf_parsed AS p JOIN vf_lines AS m ON m.r = p._row
            WHERE NOT ({ok})""",
                    [file_id, rel, fmt.name, _now(), ACTION_NONE, ACTION_EXCEL, ACTION_VALUE])
        con.execute("DROP TABLE vf_lines")
    csv_invalid, csv_summary = _insert_csv_rejects(con, fmt, file_id, rel, prepared, csv_errors,
                                                   csv_map)
    n_summary += csv_summary
    rejected = n_invalid + n_summary + csv_invalid
    seconds = time.perf_counter() - started
    message = _file_message(con, rel, loaded, rejected, n_summary, file_id)
    date_formats = ", ".join(f"{k}={v}" for k, v in probe.date_formats.items()) or None
    con.execute("""
        UPDATE raw._files SET status = 'loaded', rows_read = ?, rows_loaded = ?,
            rows_rejected = ?, rows_summary = ?, min_date = ?, max_date = ?,
            loaded_at = ?, load_seconds = ?, encoding = ?, delimiter = ?, header_line = ?,
            container = ?, decimal_mark = ?, date_formats = ?, message = ?
        WHERE file_id = ? AND path = ?""",
        [loaded + rejected, loaded, rejected, n_summary, min_d, max_d, _now(), seconds,
         prepared.encoding, prepared.delimiter, prepared.source_header_line, prepared.container,
         "," if probe.decimal_comma else ".", date_formats, message, file_id, rel])
    con.execute("DROP TABLE vf_parsed")
    con.execute("COMMIT")
    return FileLoad(rel, loaded + rejected, loaded, rejected, n_summary, max_d, seconds)


def _file_message(con, rel: str, loaded: int, rejected: int, n_summary: int,
                  file_id: str) -> str:
    if loaded + rejected == 0:
        return f"{rel}: no data rows after the header (an empty export?); nothing loaded."
    msg = f"{rel}: {_n(loaded, 'row')} loaded"
    invalid = rejected - n_summary
    if n_summary:
        msg += f", {_n(n_summary, 'summary/footer row')} skipped"
    if invalid:
        first = con.execute("SELECT line, reason FROM raw._rejects WHERE file_id = ? AND path = ? "
                            "AND kind = 'invalid' ORDER BY line NULLS LAST LIMIT 1",
                            [file_id, rel]).fetchone()
        msg += (f", {_n(invalid, 'row')} rejected (first, line {first[0]}: {first[1][:200]}); "
                "see raw._rejects")
    return msg


def _n(count: int, what: str) -> str:
    return f"{count:,} {what}{'' if count == 1 else 's'}"


def _csv_errors(con: duckdb.DuckDBPyConnection) -> dict[int, tuple[str, str, str]]:
    """DuckDB's own CSV errors (wrong column count, bad quoting, line too long), one per line:
    {DuckDB line: (error type, message, csv line)}."""
    try:
        rows = con.execute("SELECT line, error_type, error_message, csv_line "
                           "FROM vf_reject_errors ORDER BY line").fetchall()
    except duckdb.CatalogException:
        return {}
    finally:
        con.execute("DROP TABLE IF EXISTS vf_reject_scans")
    con.execute("DROP TABLE IF EXISTS vf_reject_errors")
    priority = ["LINE SIZE OVER MAXIMUM", "UNQUOTED VALUE", "INVALID ENCODING",
                "INVALID UNICODE", "TOO MANY COLUMNS", "MISSING COLUMNS"]
    out: dict[int, tuple[str, str, str]] = {}
    for line, etype, message, csv_line in rows:
        etype = str(etype)
        prior = out.get(line)
        rank = priority.index(etype) if etype in priority else len(priority)
        if prior is None or rank < (priority.index(prior[0]) if prior[0] in priority
                                    else len(priority)):
            out[line] = (etype, message or "", csv_line or "")
    return out


_SUMMARY_LINE = re.compile(sql.SUMMARY_RE, re.IGNORECASE)


def _insert_csv_rejects(con, fmt: Format, file_id: str, rel: str, prepared: Prepared,
                        errors: dict[int, tuple[str, str, str]],
                        where: dict[int, tuple[int | None, int | None]]) -> tuple[int, int]:
    """Copy DuckDB's CSV errors into raw._rejects. Footer lines (Salesforce's 'Grand Totals',
    'Confidential Information', 'Copyright') and `#` comment lines are too short to be rows;
    they are kept as kind 'summary'. Returns (invalid, summary) counts."""
    invalid = summary = 0
    rows = []
    for line, (etype, message, csv_line) in errors.items():
        csv_line = csv_line.lstrip("\r\n")  # DuckDB prefixes the blank lines before it
        text = csv_line.strip().strip('"').strip()
        is_summary = bool(_SUMMARY_LINE.search(text)) or text.startswith("#")
        if fmt.has_personal_data and not is_summary:
            raw = f"[withheld: the row holds personal data; see {rel} line {where[line][0]}]"
        else:
            raw = csv_line
        if is_summary:
            reason = ("comment line, not data" if text.startswith("#")
                      else "summary or footer row, not data")
            action = ACTION_NONE
        elif etype == "LINE SIZE OVER MAXIMUM":
            reason = (f"line too long: {message.splitlines()[0][:200]} (a row of an export is "
                      "never this long: the file is probably damaged)")
            action = "Download the export again; if it is really this long, split it."
        elif etype == "UNQUOTED VALUE":
            reason = (f"bad quoting: {message.splitlines()[0][:200]} (a quote opened and never "
                      "closed: the file was probably cut short)")
            action = ACTION_SHAPE
        else:
            first = message.splitlines()[0][:200] if message else ""
            reason = (f"{etype.lower().replace('_', ' ')}: {first} "
                      f"(the header has {len(prepared.header)} columns)")
            action = ACTION_SHAPE
        if fmt.has_personal_data:
            reason = _redact_keeping(reason, [rel])
        phys, data_row = where.get(line, (line, None))
        rows.append([file_id, rel, fmt.name, phys, data_row, "summary" if is_summary else
                     "invalid", reason, raw, _now(), action])
        summary += is_summary
        invalid += not is_summary
    if rows:
        con.executemany("INSERT INTO raw._rejects (file_id, path, format, line, data_row, kind, "
                        "reason, raw_text, rejected_at, action) VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return invalid, summary


def _locate(prepared: Prepared, typed_rows: list[int], csv_lines: list[int], verify: bool,
            firsts: dict[int, str | None] | None = None
            ) -> tuple[dict[int, tuple[int | None, int]], dict[int, tuple[int, int | None]],
                       int | None]:
    """Where rejected rows are, and (when `verify`) how many records Python's csv module reads:
    ({_row: (line, data_row)}, {DuckDB line: (line, data_row)}, records or None).

    `_row` counts the records DuckDB accepted; DuckDB's own error lines count records and blank
    lines but not line breaks inside quoted values."""
    if prepared.sheet_rows is not None:  # a workbook: the sheet's row numbers
        rows = {r: (prepared.sheet_rows[r - 1] if r <= len(prepared.sheet_rows) else None, r)
                for r in typed_rows}
        return rows, {ln: (ln, None) for ln in csv_lines}, len(prepared.sheet_rows)
    if not (typed_rows or csv_lines or verify):
        return {}, {}, None
    size = prepared.text_path.stat().st_size
    if verify or (size <= EXACT_LINES_MAX_BYTES and len(typed_rows) <= EXACT_LINES_MAX_REJECTS):
        try:
            rows, csv_map, total = _python_pass(prepared, typed_rows, csv_lines, verify,
                                                firsts or {})
        except (csv.Error, UnicodeError, OSError) as exc:
            log.warning("%s: no independent count or exact line numbers (%s)", prepared.source,
                        exc)
        else:
            if len(rows) == len(typed_rows):
                return rows, csv_map, total
            counted = _counted_lines(prepared, typed_rows, csv_lines)
            return counted[0], counted[1], total
    rows, csv_map = _counted_lines(prepared, typed_rows, csv_lines)
    return rows, csv_map, None


def _physical_lines(prepared: Prepared) -> int | None:
    """Lines after the header in the text DuckDB read, counted on the bytes (C speed). When they
    equal the records DuckDB read, the file has no blank line and no value spanning lines, each
    line is a record and none was missed, so Python's csv module need not count them again.
    None when this cannot tell (UTF-16, a workbook)."""
    if prepared.sheet_rows is not None or prepared.duckdb_encoding != "utf-8":
        return None
    lf = cr = 0
    last = b""
    with prepared.text_path.open("rb") as f:
        while chunk := f.read(1 << 20):
            lf += chunk.count(b"\n")
            cr += chunk.count(b"\r")
            last = chunk[-1:]
    if not last:
        return None
    ends = lf or cr  # CR-only files end their lines with CR
    lines = ends + (last not in b"\r\n")
    return lines - (prepared.header_line + 1)


def _counted_lines(prepared: Prepared, typed_rows: list[int], csv_lines: list[int]):
    """Line numbers from counting: exact when no value holds a line break and no blank line
    precedes the row."""
    first = prepared.header_line + 2  # 1-based line of the first data record in text_path
    shift = prepared.line_offset
    rows, m = {}, 0
    for r in typed_rows:
        while m < len(csv_lines) and csv_lines[m] <= first - 1 + r + m:
            m += 1
        rows[r] = (first - 1 + r + m + shift, r + m)
    return rows, {ln: (ln + shift, ln - first + 1) for ln in csv_lines}


def _python_pass(prepared: Prepared, typed_rows: list[int], csv_lines: list[int],
                 count_all: bool, firsts: dict[int, str | None]):
    """One streaming pass with Python's csv module: the physical line of each wanted row, and
    the number of records (blank lines are not records) when `count_all` (else it stops after
    the last row wanted). A row whose first value is not the one DuckDB read at that position
    (`firsts`) gets no line rather than a wrong one."""
    wanted = set(typed_rows)
    csv_set = set(csv_lines)
    rows: dict[int, tuple[int, int]] = {}
    csv_map: dict[int, tuple[int, int]] = {}
    limit = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 1 << 31))
    record = 0
    complete = False
    try:
        with prepared.text_path.open("r", encoding=prepared.text_encoding, newline="",
                                     errors="replace") as f:
            for _ in range(prepared.header_line + 1):
                if not f.readline():
                    return rows, csv_map, 0
            reader = csv.reader(f, delimiter=prepared.delimiter, quotechar='"',
                                doublequote=True)
            # physical lines of the source before the reader's first
            offset = prepared.source_header_line + 1
            logical = prepared.header_line + 1  # DuckDB's count (records + blank lines)
            accepted = 0
            while count_all or len(rows) < len(wanted) or len(csv_map) < len(csv_set):
                start = offset + reader.line_num + 1
                try:
                    fields = next(reader)
                except StopIteration:
                    complete = True
                    break
                logical += 1
                if not fields:
                    continue  # a blank line
                record += 1
                if logical in csv_set:
                    csv_map[logical] = (start, record)
                    continue
                accepted += 1
                if accepted in wanted:
                    expected = firsts.get(accepted)  # None: empty, or withheld (personal)
                    same = expected is None or expected == fields[0]
                    if not same:
                        log.warning("%s: row %d is not where it was expected; its line is "
                                    "left empty", prepared.source, accepted)
                    rows[accepted] = (start if same else None, record)
    finally:
        csv.field_size_limit(limit)
    for ln in csv_set - set(csv_map):
        csv_map[ln] = (ln + prepared.line_offset, None)
    return rows, csv_map, record if complete else None
