"""Load exports into the warehouse: inventory, parse with DuckDB, keep every rejected row.

For every file: rows read = rows loaded + rows rejected (summary/footer rows are kept among the
rejects with kind 'summary'). A file is recognised by its content hash, so the same export
dropped twice, or renamed, loads once. Each file loads in one transaction: a crash leaves no
half-loaded file.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from pipeline.config import Settings
from pipeline.ingest import sql
from pipeline.ingest.decode import (
    SUPPORTED_SUFFIXES,
    FileFacts,
    Prepared,
    UnreadableFile,
    exported_at_from_name,
    prepare,
    scan_bytes,
)
from pipeline.ingest.privacy import email_sql, install_hmac, load_or_create_key, phone_sql
from pipeline.ingest.registry import Format, formats

log = logging.getLogger(__name__)

FILES_DDL = """
CREATE TABLE IF NOT EXISTS raw._files (
    file_id VARCHAR,            -- SHA-256 of the content
    path VARCHAR,               -- relative to the raw folder
    format VARCHAR,
    status VARCHAR,             -- pending, loaded, duplicate, unknown, error
    container VARCHAR, encoding VARCHAR, delimiter VARCHAR, header_line INTEGER,
    currency VARCHAR, size_bytes BIGINT, mtime_ns BIGINT, exported_at TIMESTAMP,
    rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, rows_summary BIGINT,
    min_date DATE, max_date DATE,
    duplicate_of VARCHAR, message VARCHAR,
    seen_at TIMESTAMP, loaded_at TIMESTAMP, load_seconds DOUBLE
)"""
REJECTS_DDL = """
CREATE TABLE IF NOT EXISTS raw._rejects (
    file_id VARCHAR, path VARCHAR, format VARCHAR,
    line BIGINT,                -- physical line in the file, when known
    data_row BIGINT,            -- n-th data row after the header, when known
    kind VARCHAR,               -- invalid (a value or the row's shape is wrong) or summary
    reason VARCHAR, raw_text VARCHAR, rejected_at TIMESTAMP
)"""
META_COLUMNS = [("_file_id", "VARCHAR"), ("_row", "BIGINT"), ("_exported_at", "TIMESTAMP"),
                ("_currency", "VARCHAR")]
LOCK_RETRIES = 8


def connect(settings: Settings, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, retrying with backoff while another process holds the write lock."""
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    config = {"memory_limit": settings.duckdb_memory_limit, "threads": settings.duckdb_threads,
              "temp_directory": str(settings.tmp_dir / "duckdb_spill")}
    delay = 0.25
    for attempt in range(LOCK_RETRIES):
        try:
            return duckdb.connect(str(settings.warehouse_path), read_only=read_only, config=config)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or attempt == LOCK_RETRIES - 1:
                raise
            log.warning("warehouse is locked by another process; retrying in %.1fs", delay)
            time.sleep(delay)
            delay = min(delay * 2, 8)
    raise AssertionError("unreachable")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(FILES_DDL)
    con.execute(REJECTS_DDL)
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

    @property
    def formats_touched(self) -> set[str]:
        return set(self._formats)

    _formats: list[str] = field(default_factory=list)


def inventory(con: duckdb.DuckDBPyConnection, settings: Settings,
              progress: Callable[[str], None] = log.info) -> InventoryResult:
    """Record every file under the raw folder in raw._files and recognise its format.

    A file already seen with the same size and modification time is not read again. A new
    content hash becomes 'pending' for its format's asset; a hash already known is a
    'duplicate' of the first file that carried it.
    """
    ensure_schema(con)
    result = InventoryResult()
    known = {(p, s, m): (fid, st) for p, s, m, fid, st in con.execute(
        "SELECT path, size_bytes, mtime_ns, file_id, status FROM raw._files").fetchall()}
    hashes = dict(con.execute(
        "SELECT file_id, any_value(path) FROM raw._files "
        "WHERE status IN ('pending', 'loaded') GROUP BY file_id").fetchall())
    paths = list(discover(settings.raw_dir))
    for n, path in enumerate(paths, 1):
        rel = str(path.relative_to(settings.raw_dir))
        st = path.stat()
        prior = known.get((rel, st.st_size, st.st_mtime_ns))
        if prior and prior[1] != "error":
            result.unchanged += 1
            continue
        if prior:  # an error last time: try again from scratch
            con.execute("DELETE FROM raw._files WHERE path = ? AND file_id = ?", [rel, prior[0]])
        progress(f"[{n}/{len(paths)}] inspecting {rel} ({st.st_size / 1e6:.1f} MB)")
        facts = scan_bytes(path)
        row = {"file_id": facts.sha256, "path": rel, "size_bytes": facts.size,
               "mtime_ns": st.st_mtime_ns, "encoding": facts.encoding, "seen_at": _now()}
        if facts.sha256 in hashes:
            row |= {"status": "duplicate", "duplicate_of": hashes[facts.sha256],
                    "message": f"same content as {hashes[facts.sha256]}: not loaded again"}
            result.duplicates.append(rel)
        else:
            row |= _recognise(path, facts, settings)
            if row["status"] == "pending":
                hashes[facts.sha256] = rel
                result.new.append(rel)
                result._formats.append(row["format"])
            elif row["status"] == "unknown":
                result.unknown.append(rel)
            else:
                result.errors.append(rel)
        _insert(con, "raw._files", row)
    return result


def _recognise(path: Path, facts: FileFacts, settings: Settings) -> dict:
    try:
        prepared = prepare(path, facts, settings.tmp_dir)
    except UnreadableFile as exc:
        return {"status": "error", "message": str(exc)}
    try:
        if prepared.match is None:
            return {"status": "unknown", "message": prepared.unknown_message(),
                    "container": prepared.container}
        exported = exported_at_from_name(path.name)
        exported_at = (datetime.combine(exported, datetime.min.time()) if exported
                       else datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None))
        return {"status": "pending", "format": prepared.match.format.name,
                "container": prepared.container, "delimiter": prepared.delimiter,
                "header_line": prepared.header_line, "currency": prepared.match.currency,
                "exported_at": exported_at}
    finally:
        prepared.cleanup()


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
        "SELECT file_id, path, exported_at, currency FROM raw._files "
        "WHERE status = 'pending' AND format = ? ORDER BY exported_at, path", [format_name]
    ).fetchall()
    if not pending:
        return []
    if fmt.has_personal_data:
        install_hmac(con, load_or_create_key(settings.key_file))
    out = []
    for n, (file_id, rel, exported_at, currency) in enumerate(pending, 1):
        progress(f"[{format_name} {n}/{len(pending)}] loading {rel}")
        started = time.perf_counter()
        try:
            result = _load_file(con, settings, fmt, file_id, rel, exported_at, currency)
        except (UnreadableFile, duckdb.Error) as exc:
            con.execute("ROLLBACK") if _in_transaction(con) else None
            msg = str(exc).splitlines()[0][:500]
            con.execute("UPDATE raw._files SET status = 'error', message = ? "
                        "WHERE file_id = ? AND path = ?", [msg, file_id, rel])
            out.append(FileLoad(rel, 0, 0, 0, 0, None, time.perf_counter() - started, msg))
            progress(f"  error: {msg}")
            continue
        out.append(result)
        progress(f"  {result.rows_loaded:,} rows loaded, {result.rows_rejected:,} rejected "
                 f"({result.rows_summary:,} summary rows) in {result.seconds:.1f}s")
    return out


def _in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        con.execute("BEGIN")
    except duckdb.TransactionException:
        return True
    con.execute("ROLLBACK")
    return False


def _choose_formats(con: duckdb.DuckDBPyConnection, source: str, fmt: Format,
                    positions: dict[str, int]) -> dict[str, str]:
    """For each date column, the format that parses most of a sample of the file's values."""
    chosen: dict[str, str] = {}
    probes = []
    for col in fmt.columns:
        if col.name not in positions or col.type not in ("date", "timestamp"):
            continue
        if len(col.formats) == 1:
            chosen[col.name] = col.formats[0]
            continue
        v = f"c{positions[col.name]}"
        for i, f in enumerate(col.formats):
            probes.append((col.name, f, f"count(try_strptime(trim({v}), {sql.q(f)})) AS p{len(probes)}_{i}"))
    if probes:
        counts = con.execute(
            f"SELECT {', '.join(p[2] for p in probes)} FROM (SELECT * FROM {source} LIMIT 20000)"
        ).fetchone()
        best: dict[str, tuple[int, str]] = {}
        for (name, f, _), c in zip(probes, counts, strict=True):
            if name not in best or c > best[name][0]:
                best[name] = (c, f)
        chosen |= {name: f for name, (c, f) in best.items()}
    return chosen


def _load_file(con: duckdb.DuckDBPyConnection, settings: Settings, fmt: Format, file_id: str,
               rel: str, exported_at: datetime, currency: str | None) -> FileLoad:
    started = time.perf_counter()
    path = settings.raw_dir / rel
    prepared = prepare(path, scan_bytes(path), settings.tmp_dir)
    try:
        if prepared.match is None or prepared.match.format.name != fmt.name:
            raise UnreadableFile(f"{rel}: its header no longer matches {fmt.name}")
        return _parse(con, settings, fmt, prepared, file_id, rel, exported_at, currency, started)
    finally:
        prepared.cleanup()


def _reader(prepared: Prepared, n_cols: int, store_rejects: bool) -> str:
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n_cols)) + "}"
    opts = [f"delim={sql.q(prepared.delimiter)}", "quote='\"'", "escape='\"'", "header=false",
            f"skip={prepared.header_line + 1}", f"columns={columns}", "auto_detect=false",
            "max_line_size=4000000"]
    if store_rejects:
        opts += ["store_rejects=true", "rejects_table='vf_reject_errors'",
                 "rejects_scan='vf_reject_scans'"]
    else:
        opts += ["ignore_errors=true"]
    return f"read_csv({sql.q(str(prepared.text_path))}, {', '.join(opts)})"


def _parse(con, settings, fmt: Format, prepared: Prepared, file_id, rel, exported_at,
           currency, started) -> FileLoad:
    positions = prepared.match.positions
    n_cols = len(prepared.header)
    tz = fmt.timezone
    if tz.startswith("{"):
        tz = getattr(settings, tz.strip("{}"))
    date_formats = _choose_formats(con, _reader(prepared, n_cols, False), fmt, positions)

    values, problems, raw_parts = [], [], []
    personal = {positions[c.name] for c in fmt.columns
                if c.type in ("email", "phone", "name") and c.name in positions}
    for i in range(n_cols):
        raw_parts.append("'[personal data]'" if i in personal else f"coalesce(c{i}, '')")
    for col in fmt.columns:
        if col.type == "name":
            continue  # names are dropped at the door
        if col.name not in positions:
            values.append(f'NULL AS "{col.name}"')
            continue
        v = f"c{positions[col.name]}"
        label = prepared.header[positions[col.name]].strip()
        if col.type == "email":
            values.append(f'{email_sql(v)} AS "{col.name}"')
            continue
        if col.type == "phone":
            values.append(f'{phone_sql(v)} AS "{col.name}"')
            continue
        f = date_formats.get(col.name)
        expr = sql.typed(col.type, v, decimal_comma=prepared.decimal_comma, fmt=f, tz=tz)
        values.append(f'{expr} AS "{col.name}"')
        p = sql.problem(col.type, v, expr, label.replace("'", "''"), required=col.required, fmt=f)
        if p:
            problems.append(p)
    reason = f"concat_ws('; ', {', '.join(problems)})" if problems else "NULL"
    summary = sql.summary_row("c0")
    if fmt.summary_when_null:
        nulls = " AND ".join(sql.is_na(f"c{positions[c]}") for c in fmt.summary_when_null
                             if c in positions)
        summary = f"({summary} OR ({nulls}))"
    derive = [f'{expr} AS "{name}"' for name, expr in fmt.derive.items()]
    derive_problems = [f"CASE WHEN \"{name}\" IS NULL OR \"{name}\" = '' THEN "
                       f"'cannot find the {name} in the row' END"
                       for name in fmt.derive if name in fmt.key]
    raw_text = f"concat_ws({sql.q(prepared.delimiter)}, {', '.join(raw_parts)})"
    data_cols = [n for n, _ in fmt.table_columns]

    source = _reader(prepared, n_cols, True)
    con.execute("BEGIN")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE vf_parsed AS
        WITH typed AS (
            SELECT row_number() OVER () AS _row, {', '.join(values)},
                   nullif({reason}, '') AS _reason, {summary} AS _is_summary,
                   {raw_text} AS _raw_all
            FROM {source}
        ),
        derived AS (SELECT *, {', '.join(derive) if derive else 'NULL AS _none'} FROM typed)
        SELECT * EXCLUDE (_raw_all, _reason),
               nullif(concat_ws('; ', _reason, {', '.join(derive_problems) or 'NULL'}), '')
                   AS _reason,
               CASE WHEN _reason IS NOT NULL OR _is_summary
                    OR {' OR '.join(f'"{n}" IS NULL' for n in fmt.derive if n in fmt.key) or 'false'}
                    THEN _raw_all END AS _raw
        FROM derived
    """)
    ok = "_reason IS NULL AND NOT _is_summary"
    quoted = ", ".join(f'"{c}"' for c in data_cols)
    con.execute(
        f"INSERT INTO raw.{fmt.name} ({quoted}, _file_id, _row, _exported_at, _currency) "
        f"SELECT {quoted}, ?, _row, ?, ? FROM vf_parsed WHERE {ok}",
        [file_id, exported_at, currency])
    data_line = prepared.header_line + 2  # 1-based line of the first data row
    con.execute(f"""
        INSERT INTO raw._rejects
        SELECT ?, ?, ?, _row + ? - 1, _row,
               CASE WHEN _is_summary THEN 'summary' ELSE 'invalid' END,
               CASE WHEN _is_summary THEN 'summary or footer row, not data' ELSE _reason END,
               _raw, ?
        FROM vf_parsed WHERE NOT ({ok})""", [file_id, rel, fmt.name, data_line, _now()])
    csv_errors = _csv_rejects(con, fmt, file_id, rel, prepared)
    stats = con.execute(f"""
        SELECT count(*) FILTER (WHERE {ok}),
               count(*) FILTER (WHERE _is_summary),
               count(*) FILTER (WHERE NOT _is_summary AND _reason IS NOT NULL)
        FROM vf_parsed""").fetchone()
    loaded, n_summary, n_invalid = stats
    date_col = next((c.name for c in fmt.columns if c.type in ("date", "timestamp")
                     and c.name in positions), None)
    min_d, max_d = (con.execute(f'SELECT min("{date_col}")::DATE, max("{date_col}")::DATE '
                                f"FROM vf_parsed WHERE {ok}").fetchone()
                    if date_col else (None, None))
    n_summary += csv_errors[1]
    rejected = n_invalid + n_summary + csv_errors[0]
    seconds = time.perf_counter() - started
    con.execute("""
        UPDATE raw._files SET status = 'loaded', rows_read = ?, rows_loaded = ?,
            rows_rejected = ?, rows_summary = ?, min_date = ?, max_date = ?,
            loaded_at = ?, load_seconds = ?, encoding = ?, delimiter = ?, header_line = ?,
            container = ?
        WHERE file_id = ? AND path = ?""",
        [loaded + rejected, loaded, rejected, n_summary, min_d, max_d, _now(), seconds,
         prepared.encoding, prepared.delimiter, prepared.header_line, prepared.container,
         file_id, rel])
    con.execute("COMMIT")
    con.execute("DROP TABLE IF EXISTS vf_parsed")
    return FileLoad(rel, loaded + rejected, loaded, rejected, n_summary, max_d, seconds)


def _csv_rejects(con, fmt: Format, file_id: str, rel: str, prepared: Prepared) -> tuple[int, int]:
    """Copy DuckDB's own CSV errors (wrong column count, bad quoting) into raw._rejects.

    Footer lines (Salesforce's 'Grand Totals', 'Confidential Information', 'Copyright') are too
    short to be rows; they are kept as kind 'summary'. Returns (invalid, summary) counts.
    """
    try:
        rows = con.execute(
            "SELECT line, error_type, error_message, csv_line FROM vf_reject_errors").fetchall()
    except duckdb.CatalogException:
        return 0, 0
    import re

    summary_re = re.compile(sql._SUMMARY_RE, re.IGNORECASE)
    invalid = summary = 0
    seen_lines = set()
    for line, etype, message, csv_line in rows:
        if line in seen_lines:
            continue  # one row can raise several errors; count it once
        seen_lines.add(line)
        text = (csv_line or "").strip().strip('"')
        is_summary = bool(summary_re.search(text.lower()))
        if fmt.has_personal_data and not is_summary:
            raw = f"[withheld: the row holds personal data; see {rel} line {line}]"
        else:
            raw = csv_line
        physical = (line or 0) + prepared.header_line + 1 if line is not None else None
        reason = ("summary or footer row, not data" if is_summary else
                  f"{str(etype).lower().replace('_', ' ')}: {(message or '').splitlines()[0][:200]}"
                  f" (the header has {len(prepared.header)} columns)")
        con.execute("INSERT INTO raw._rejects VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?)",
                    [file_id, rel, fmt.name, physical, "summary" if is_summary else "invalid",
                     reason, raw, _now()])
        summary += is_summary
        invalid += not is_summary
    con.execute("DROP TABLE IF EXISTS vf_reject_errors")
    con.execute("DROP TABLE IF EXISTS vf_reject_scans")
    return invalid, summary
