"""What happens to files over time and when they are not what they claim: duplicates,
re-downloads, unknown files, truncated files, wrong encodings, files changing under the loader,
line numbers, streaming."""

from __future__ import annotations

import os
import shutil
import time
import tracemalloc
from datetime import datetime

import duckdb
import pytest

from pipeline.ingest import load, sql
from pipeline.ingest.load import inventory, load_pending
from tests.fixtures.formats.ingest_kit import (
    FIXTURES,
    ingest,
    manifest,
    rejects_of,
    rows_of,
    settings_for,
)

X_FILE = "x_posts/tweet_activity_metrics_acme_20260901_20261001_en.csv"


@pytest.fixture
def env(tmp_path):
    return settings_for(tmp_path)


def put(settings, rel: str, data: bytes, mtime: float | None = None):
    path = settings.raw_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def fixture(rel: str) -> bytes:
    return (FIXTURES / rel).read_bytes()


def test_same_content_under_another_name_loads_once(env):
    put(env, "x/original.csv", fixture(X_FILE), mtime=1_700_000_000)
    put(env, "downloads/copy (1).csv", fixture(X_FILE), mtime=1_700_000_100)
    con, result = ingest(env)
    assert result.duplicates == ["downloads/copy (1).csv"]  # the newer copy, though it sorts first
    m = manifest(con)
    assert m["downloads/copy (1).csv"]["status"] == "duplicate"
    assert m["downloads/copy (1).csv"]["duplicate_of"] == "x/original.csv"
    assert con.execute("SELECT count(*) FROM raw.x_posts").fetchone()[0] == 3


def test_running_again_changes_nothing(env):
    shutil.copy2(FIXTURES / X_FILE, env.raw_dir / "x.csv")
    con, _ = ingest(env)
    before = con.execute("SELECT count(*) FROM raw.x_posts").fetchone()[0]
    _, again = ingest(env, con)
    assert (again.new, again.unchanged) == ([], 1)
    assert con.execute("SELECT count(*) FROM raw.x_posts").fetchone()[0] == before == 3


def _bumped(data: bytes) -> bytes:
    return data.replace(b'"1777.0"', b'"1999.0"')


def test_changed_redownload_with_the_same_dated_name_keeps_both_and_is_newer(env):
    path = put(env, X_FILE, fixture(X_FILE))
    con, _ = ingest(env)
    time.sleep(0.01)
    path.write_bytes(_bumped(fixture(X_FILE)))  # the same period downloaded again, later
    _, result = ingest(env, con)
    assert result.new == [X_FILE]
    snaps = con.execute("""SELECT impressions, _exported_at, _file_id FROM raw.x_posts
        WHERE post_id = '1833000000000000001' ORDER BY _exported_at""").fetchall()
    assert [s[0] for s in snaps] == [1777, 1999]  # both snapshots kept in raw
    assert snaps[1][1] > snaps[0][1] and snaps[0][2] != snaps[1][2]
    assert snaps[0][1] == datetime(2026, 10, 1)  # the date in the name
    # what staging does (latest_snapshot macro): the newest export wins
    latest = con.execute("""SELECT impressions FROM raw.x_posts WHERE post_id =
        '1833000000000000001' ORDER BY _exported_at DESC, _file_id DESC, _row DESC
        LIMIT 1""").fetchone()[0]
    assert latest == 1999


def test_changed_redownload_without_a_date_in_the_name_is_newer_by_its_time(env):
    put(env, "x/export.csv", fixture(X_FILE), mtime=1_700_000_000)
    con, _ = ingest(env)
    put(env, "x/export (1).csv", _bumped(fixture(X_FILE)), mtime=1_700_086_400)
    ingest(env, con)
    snaps = con.execute("""SELECT impressions, _exported_at FROM raw.x_posts
        WHERE post_id = '1833000000000000001' ORDER BY _exported_at""").fetchall()
    assert [s[0] for s in snaps] == [1777, 1999]
    assert snaps[1][1] - snaps[0][1] == (datetime.fromtimestamp(1_700_086_400)
                                         - datetime.fromtimestamp(1_700_000_000))


def test_unknown_files_are_reported_with_header_and_nearest_format_and_the_run_goes_on(env):
    with __import__("zipfile").ZipFile(FIXTURES / "youtube_videos/youtube_studio_export.zip") as z:
        put(env, "youtube/Chart data.csv", z.read("Chart data.csv"))
    put(env, "notes/todo.csv", b"task,owner\nbuy coffee,me\n")
    shutil.copy2(FIXTURES / X_FILE, env.raw_dir / "x.csv")
    con, result = ingest(env)
    assert sorted(result.unknown) == ["notes/todo.csv", "youtube/Chart data.csv"]
    m = manifest(con)
    chart = m["youtube/Chart data.csv"]["message"]
    assert chart.startswith("youtube/Chart data.csv: not a known export format")
    assert "Date,Content,Video title,Video publish time,Duration,Views" in chart
    assert "nearest known format: youtube_videos (but it has column Date" in chart
    assert "First header line: 'task,owner'" in m["notes/todo.csv"]["message"]
    assert m["x.csv"]["status"] == "loaded" and m["x.csv"]["rows_loaded"] == 3


@pytest.mark.parametrize(("rel", "cut_after", "loaded", "line", "reason"), [
    # cut inside the quoted text of the third tweet: an unterminated quote
    (X_FILE, b'"Quiet o', 2, 5, "bad quoting"),
    # cut after a separator in the last row
    ("tiktok_videos/tiktok_videos.csv", b"7420000000000000003,2026-10-01 12:00:00,", 2, 4,
     "missing columns"),
])
def test_a_file_cut_mid_row_loads_its_whole_rows_and_rejects_the_cut_one(env, rel, cut_after,
                                                                          loaded, line, reason):
    data = fixture(rel)
    put(env, "cut.csv", data[:data.index(cut_after) + len(cut_after)])
    con, _ = ingest(env)
    f = manifest(con)["cut.csv"]
    assert (f["status"], f["rows_loaded"], f["rows_rejected"]) == ("loaded", loaded, 1)
    assert f["rows_read"] == f["rows_loaded"] + f["rows_rejected"]
    [rej] = rejects_of(con, "cut.csv")
    assert (rej["line"], rej["kind"]) == (line, "invalid")
    assert rej["reason"].startswith(reason) and "download it again" in rej["action"].lower()


def test_utf16_without_bom_and_windows_1252_declared_nowhere(env):
    rel = "linkedin_ads/linkedin_ads_campaign_performance.csv"
    put(env, "ads_no_bom.csv", fixture(rel)[2:])  # UTF-16LE, BOM removed
    # UTF-8 with two Windows-1252 bytes pasted in (a hand edit in an old editor)
    text = fixture("campaigns/campaigns.csv").replace(b"Autunno 26", "Autunno 26 caffè".encode())
    put(env, "plan_mixed.csv", text.replace(b"Webinar Q3", "Webinar Q3 perché".encode("cp1252")))
    con, _ = ingest(env)
    m = manifest(con)
    assert m["ads_no_bom.csv"]["encoding"] == "utf-16-le"
    assert [r["total_spent"] for r in rows_of(con, "ads_no_bom.csv")] == [
        sql_decimal("123.45"), sql_decimal("98.10"), sql_decimal("12.00")]
    assert m["plan_mixed.csv"]["encoding"] == "cp1252"
    names = {r["campaign_id"]: r["campaign_name"] for r in rows_of(con, "plan_mixed.csv")}
    assert names == {"C1": "Spring Sale 26", "C2": "Webinar Q3 perché", "C3": "Autunno 26 caffè"}


def sql_decimal(v: str):
    from decimal import Decimal

    return Decimal(v)


def test_mixed_line_ends_are_normalised_not_lost(env):
    """DuckDB returns no rows at all for a preamble ending in LF over CRLF data; the loader
    never shows it such a file."""
    rel = "ga4_traffic/ga4_traffic_acquisition_20260501_20260531.csv"
    head, _, body = fixture(rel).partition(b"Date,")
    put(env, "ga4.csv", head + b"Date," + body.replace(b"\n", b"\r\n"))
    con, _ = ingest(env)
    f = manifest(con)["ga4.csv"]
    assert (f["newlines"], f["rows_loaded"], f["rows_summary"]) == ("mixed", 4, 1)
    assert rejects_of(con, "ga4.csv")[0]["line"] == 15


def test_a_file_changed_after_the_inventory_is_not_loaded_and_is_read_again_next_run(env):
    path = put(env, X_FILE, fixture(X_FILE))
    con = load.connect(env)
    inventory(con, env, progress=lambda _: None)
    path.write_bytes(_bumped(fixture(X_FILE)))
    [res] = load_pending(con, env, "x_posts", progress=lambda _: None)
    assert res.error and "changed after the inventory" in res.error
    assert con.execute("SELECT count(*) FROM raw.x_posts").fetchone()[0] == 0
    _, again = ingest(env, con)
    assert again.new == [X_FILE]
    assert [r["impressions"] for r in rows_of(con, X_FILE)][0] == 1999


def test_a_silent_short_read_fails_loudly(env, monkeypatch):
    """If DuckDB ever read fewer records than the file holds, the file is not loaded."""
    put(env, "x.csv", fixture(X_FILE))
    real = load._locate

    def lying(*args, **kwargs):
        rows, csv_map, count = real(*args, **kwargs)
        return rows, csv_map, count + 1

    monkeypatch.setattr(load, "_locate", lying)
    con, _ = ingest(env)
    f = manifest(con)["x.csv"]
    assert f["status"] == "error" and "DuckDB read 3 records but the file holds 4" in f["message"]
    assert con.execute("SELECT count(*) FROM raw.x_posts").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM raw._rejects").fetchone()[0] == 0
    # nor is its text kept on the connection (it is read before the file's transaction begins)
    assert con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall() == []


def test_line_numbers_by_counting_when_the_file_is_too_big_for_the_exact_pass(env, monkeypatch):
    """Beyond the size limits lines are counted from DuckDB's records: right when no value holds
    a line break, even after a row DuckDB itself rejected."""
    monkeypatch.setattr(load, "EXACT_LINES_MAX_BYTES", 0)
    monkeypatch.setattr(load, "VERIFY_MAX_BYTES", 0)
    lines = ["Pin ID,Pin link,Title,Created date,Impressions,Engagements,Pin clicks,"
             "Outbound clicks,Saves"]
    for i in range(1, 11):
        saves = {4: "abc", 9: "-2"}.get(i, str(i))
        lines.append(f"{i},https://p/{i},t{i},2026-09-0{min(i, 9)},10,1,1,{i},{saves}")
    lines.insert(6, "too,short")  # line 7: DuckDB's own reject
    put(env, "pins.csv", ("\n".join(lines) + "\n").encode())
    con, _ = ingest(env)
    got = [(r["line"], r["data_row"], r["reason"][:12]) for r in rejects_of(con, "pins.csv")]
    assert got == [(5, 4, 'Saves: "abc"'), (7, 6, "missing colu"), (11, 10, 'Saves: "-2" ')]


def test_a_big_file_streams_through_python(env):
    """Python never holds the file: its peak allocation stays far below the file's size."""
    header = ("Video title,Video link,Post time,Total likes,Total comments,Total shares,"
              "Total views,Average watch time\n")
    row = ("A fairly long video title for padding purposes number {i},"
           "https://www.tiktok.com/@acme/video/74000000{i:011d},2026-09-12 18:30:00,{i},{c},2,"
           "{i}0,7.5\n")
    body = "".join(row.format(i=i, c=-4 if i == 30_000 else 4) for i in range(50_000))
    path = put(env, "big.csv", (header + body).encode())
    size = path.stat().st_size
    assert size > 7_000_000
    tracemalloc.start()
    try:
        con, _ = ingest(env)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    f = manifest(con)["big.csv"]
    assert (f["rows_read"], f["rows_loaded"], f["rows_rejected"]) == (50_000, 49_999, 1)
    assert rejects_of(con, "big.csv")[0]["line"] == 30_002
    assert peak < size / 8, f"Python peaked at {peak:,} bytes for a {size:,}-byte file"


@pytest.mark.parametrize(("value", "comma", "expected"), [
    ("1777.0", False, 1777.0), ("1,234", False, 1234.0), ("1,234,567.5", False, 1234567.5),
    ("4.5%", False, 0.045), ("0.045", False, 0.045), ("€ 12.50", False, 12.5),
    ("1.2E+05", False, 120000.0), ("-3", False, -3.0), ("-", False, None), ("--", False, None),
    ("", False, None), ("  ", False, None), ("abc", False, None), ("1,5", False, None),
    ("nan", False, None), ("inf", False, None), ("1e400", False, None), ("1_000", False, None),
    ("1.234,56", True, 1234.56), ("1.234", True, 1234.0), ("12,5", True, 12.5),
    ("0,045", True, 0.045), ("4,5%", True, 0.045), ("12.5", True, 12.5), ("0.045", True, 0.045),
    ("1777.0", True, 1777.0), ("12.345.678", True, 12345678.0), ("1.23.4", True, None),
    ("1 234,5", True, 1234.5), ("-1.234,5", True, -1234.5),
])
def test_number_parsing(value, comma, expected):
    expr = sql.typed("num", sql.q(value), decimal_comma=comma, fmt=None, tz="UTC")
    got = duckdb.connect().execute(f"SELECT {expr}").fetchone()[0]
    assert got == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize("comma", [False, True])
def test_plain_values_skip_the_patterns_and_read_the_same(comma):
    """Values made only of digits (and dots, in a dot-decimal file) are cast without the regular
    expressions: over every short string of digits, dots, commas, signs, exponents, underscores
    and a few letters, the fast path and the patterns alone agree."""
    import itertools

    chars = "0123456789.,+-eE_x "
    values = sorted({"".join(p) for n in range(1, 4) for p in itertools.product(chars, repeat=n)}
                    | {"1777.0", "12.345.678", "1.234,56", "0.045", "00012", "5.", ".5", "1..2"})
    con = duckdb.connect()
    con.execute("CREATE TABLE v AS SELECT unnest($1::VARCHAR[]) AS s", [values])
    fast = sql.number_from("s", comma)
    patterns_only = sql.number_from("s", comma, is_plain="false")
    differ = con.execute(f"SELECT s, {fast}, {patterns_only} FROM v WHERE ({fast}) IS DISTINCT "
                         f"FROM ({patterns_only})").fetchall()
    assert len(values) > 7000 and differ == []


@pytest.mark.parametrize(("value", "expected"), [
    ("1777.0", 1777), ("12.5", None), ("-3", None), ("99999999999999999999", None), ("-", None)])
def test_counts_are_whole_non_negative_and_bounded(value, expected):
    expr = sql.typed("int", sql.q(value), decimal_comma=False, fmt=None, tz="UTC")
    got = duckdb.connect().execute(f"SELECT {expr}").fetchone()[0]
    assert got == expected


def test_names_that_look_like_globs_read_their_own_file(env):
    """DuckDB reads a path as a pattern: "export [1].csv" would silently read "export 1.csv"."""
    data = fixture(X_FILE)
    put(env, "x/export 1.csv", data)
    put(env, "x/export [1].csv", _bumped(data))
    put(env, "x/export *.csv", data.replace(b'"1777.0"', b'"1234.0"'))
    con, _ = ingest(env)
    got = {p: rows_of(con, p)[0]["impressions"]
           for p in ("x/export 1.csv", "x/export [1].csv", "x/export *.csv")}
    assert got == {"x/export 1.csv": 1777, "x/export [1].csv": 1999, "x/export *.csv": 1234}
    assert not list(env.tmp_dir.glob("vf_*")), "links left behind"


def test_a_touched_file_is_not_read_as_new_or_as_a_duplicate_of_itself(env):
    path = put(env, X_FILE, fixture(X_FILE), mtime=1_700_000_000)
    con, _ = ingest(env)
    os.utime(path, (1_700_500_000, 1_700_500_000))
    _, again = ingest(env, con)
    assert (again.new, again.duplicates, again.unchanged) == ([], [], 1)
    assert con.execute("SELECT count(*), any_value(status), any_value(mtime_ns) FROM raw._files"
                       ).fetchone() == (1, "loaded", 1_700_500_000 * 10**9)
    _, third = ingest(env, con)
    assert third.unchanged == 1


def test_a_row_found_elsewhere_than_expected_gets_no_line_rather_than_a_wrong_one(env):
    from pipeline.ingest.decode import prepare, scan_bytes

    path = put(env, "t.csv", fixture("tiktok_videos/tiktok_videos.csv"))
    prepared = prepare(path, scan_bytes(path), env.tmp_dir)
    try:
        rows, _, total = load._python_pass(prepared, [2, 3], [], True,
                                           {2: "Unboxing", 3: "not what is there"})
    finally:
        prepared.cleanup()
    assert rows == {2: (3, 2), 3: (None, 3)} and total == 3


@pytest.mark.parametrize(("data", "expected"), [
    (b"h1,h2\n1,2\n3,4\n", 2), (b"h1,h2\r\n1,2\r\n3,4", 2), (b"h1,h2\r1,2\r3,4\r", 2),
    (b'h1,h2\n1,"two\nlines"\n3,4\n', 3), (b"h1,h2\n1,2\n\n3,4\n", 3), (b"h1,h2\n", 0)])
def test_line_ends_count_the_lines_after_the_header(env, data, expected):
    """The cheap count that spares Python's csv module when each line is one record: a value
    spanning lines or a blank line makes it differ from DuckDB's records (then csv counts)."""
    from pipeline.ingest.decode import prepare, scan_bytes

    path = put(env, "x.csv", data)
    prepared = prepare(path, scan_bytes(path), env.tmp_dir)
    assert load._physical_lines(prepared) == expected


def test_a_warehouse_from_a_newer_duckdb_says_how_to_rebuild_it(env, monkeypatch):
    """DuckDB cannot read a file written by a newer version (the pipeline pins DuckDB below 2,
    so a warehouse made by DuckDB 2 is such a file): the message names the file and the way
    out. The installed DuckDB cannot write a newer file, so its error is raised here with the
    text DuckDB 1.5 gives for a DuckDB 2 warehouse (seen on this project's own files)."""
    def newer(*args, **kwargs):
        raise duckdb.IOException("Trying to read a database file with version number 69, but "
                                 "we can only read versions between 64 and 68.\nThe database "
                                 "file was created with a newer version of DuckDB.")

    monkeypatch.setattr(load.duckdb, "connect", newer)
    with pytest.raises(load.WarehouseTooNew, match="make clean"):
        load.connect(env)
