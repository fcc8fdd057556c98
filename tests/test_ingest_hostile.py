"""A hostile corpus: every file here is broken in its own way. None may crash the run or lose a
row silently; each gets a clear message (file, line/row, reason, what to do)."""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest

from tests.fixtures.formats.ingest_kit import (
    FIXTURES,
    ingest,
    manifest,
    rejects_of,
    rows_of,
    settings_for,
)

TIKTOK = ("Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views,"
          "Average watch time\n")
ROW = "{t},https://www.tiktok.com/@acme/video/{id},{when},{likes},4,2,{views},7.5\n"


def tiktok(*rows: dict) -> bytes:
    out = TIKTOK
    for n, r in enumerate(rows, 1):
        out += ROW.format(**({"t": f"video {n}", "id": 7420000000000000000 + n,
                               "when": "2026-09-12 18:30:00", "likes": 10, "views": 100} | r))
    return out.encode()


CORPUS = {
    "empty.csv": b"",
    "header_only.csv": TIKTOK.encode(),
    "garbage.csv": bytes((i * 7919 + 13) % 256 for i in range(5000)),
    "one_huge_line.csv": b"x" * (10 * 1024 * 1024),
    "huge_row_inside.csv": tiktok({}) + b"big," + b"y" * (10 * 1024 * 1024) + b"\n" + tiktok(
        {"t": "after"})[len(TIKTOK):],
    "truncated.csv": tiktok({}, {})[:-25],
    "pasted_twice.csv": tiktok({}, {}) + tiktok({"t": "second export"})[:],
    "huge_numbers.csv": tiktok({"likes": "99999999999999999999"}, {"views": "1e400"},
                               {"likes": "12345678901234"}),
    "negative_and_text.csv": tiktok({"likes": "-5"}, {"views": "abc"}, {"likes": "-"}),
    "old_and_future.csv": tiktok({"when": "1900-01-01 00:00:00"},
                                 {"when": "2100-12-31 23:59:59"}),
    "bad_dates.csv": tiktok({"when": "2026-02-30 10:00:00"}, {"when": "yesterday"}, {"when": ""}),
    "utf16_cut.csv": b"\xff\xfe" + TIKTOK.encode("utf-16-le") + "é".encode("utf-16-le")[:1],
    "nul_bytes.csv": tiktok({}) + b"\x00\x00\x00,junk\n",
    "zip_not_zip.zip": b"PK\x03\x04 this is not really a zip",
    "xlsx_not_xlsx.xlsx": b"just text pretending to be a workbook\n",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    settings = settings_for(tmp)
    for name, data in CORPUS.items():
        (settings.raw_dir / name).write_bytes(data)
    # one good file alongside, to prove the run goes on
    (settings.raw_dir / "good.csv").write_bytes(
        (FIXTURES / "tiktok_videos/tiktok_videos.csv").read_bytes())
    con, result = ingest(settings)
    yield con, settings, result
    con.close()


def test_the_run_goes_on_and_every_file_is_accounted_for(run):
    con, settings, _ = run
    m = manifest(con)
    assert set(m) == set(CORPUS) | {"good.csv"}
    assert m["good.csv"]["status"] == "loaded" and m["good.csv"]["rows_loaded"] == 3
    for path, f in m.items():
        assert f["status"] in ("loaded", "unknown", "error"), path
        assert f["message"] and f["message"].startswith(path), (path, f["message"])
        if f["status"] == "loaded":
            assert f["rows_read"] == f["rows_loaded"] + f["rows_rejected"], path
            fmt = f["format"]
            n = con.execute(f"SELECT count(*) FROM raw.{fmt} WHERE _file_id = ?",
                            [f["file_id"]]).fetchone()[0]
            assert n == f["rows_loaded"], path
            assert len(rejects_of(con, path)) == f["rows_rejected"], path
    for r in con.execute("SELECT path, line, data_row, reason, action FROM raw._rejects"
                         ).fetchall():
        assert all(v is not None for v in r[:1] + r[3:]) and r[1] and r[1] >= 2, r
    assert not list(settings.tmp_dir.glob("vf_*")), "decoded copies left behind"


def status(run, name):
    return manifest(run[0])[name]


def test_empty_file(run):
    f = status(run, "empty.csv")
    assert f["status"] == "unknown" and "empty (0 bytes)" in f["message"]
    assert "download it again" in f["message"]


def test_header_only(run):
    f = status(run, "header_only.csv")
    assert (f["status"], f["format"], f["rows_read"]) == ("loaded", "tiktok_videos", 0)
    assert "no data rows" in f["message"]


def test_binary_garbage_with_a_csv_name(run):
    f = status(run, "garbage.csv")
    assert f["status"] == "error" and "binary content" in f["message"]


def test_a_ten_megabyte_single_line(run):
    f = status(run, "one_huge_line.csv")
    assert f["status"] == "unknown" and "First header line" in f["message"]
    assert len(f["message"]) < 1000  # the excerpt is cut, not 10 MB of x


def test_a_ten_megabyte_row_among_good_ones(run):
    con = run[0]
    f = status(run, "huge_row_inside.csv")
    assert (f["status"], f["rows_loaded"], f["rows_rejected"]) == ("loaded", 2, 1)
    [rej] = rejects_of(con, "huge_row_inside.csv")
    assert rej["line"] == 3 and rej["reason"].startswith("line too long")
    assert len(rej["raw_text"]) <= 20_000
    assert [r["video_title"] for r in rows_of(con, "huge_row_inside.csv")] == ["video 1", "after"]


def test_truncated_mid_row(run):
    con = run[0]
    f = status(run, "truncated.csv")
    assert (f["rows_loaded"], f["rows_rejected"]) == (1, 1)
    [rej] = rejects_of(con, "truncated.csv")
    assert rej["line"] == 3 and "missing columns" in rej["reason"]
    assert "download it again" in rej["action"].lower()


def test_header_repeated_in_the_middle(run):
    con = run[0]
    f = status(run, "pasted_twice.csv")
    assert (f["rows_loaded"], f["rows_rejected"], f["rows_summary"]) == (3, 1, 1)
    [rej] = rejects_of(con, "pasted_twice.csv")
    assert (rej["line"], rej["kind"]) == (4, "summary")
    assert rej["reason"].startswith("repeated header line")


def test_huge_numbers_are_rejected_not_wrapped(run):
    con = run[0]
    rejects = rejects_of(con, "huge_numbers.csv")
    assert [(r["line"], r["reason"]) for r in rejects] == [
        (2, 'Total likes: "99999999999999999999" is too large to be a count'),
        (3, 'Total views: "1e400" is not a number (a count is expected)')]
    assert [r["likes"] for r in rows_of(con, "huge_numbers.csv")] == [12345678901234]


def test_negative_counts_and_text_in_counts(run):
    con = run[0]
    rejects = rejects_of(con, "negative_and_text.csv")
    assert [(r["line"], r["data_row"], r["reason"]) for r in rejects] == [
        (2, 1, 'Total likes: "-5" is negative (counts cannot be)'),
        (3, 2, 'Total views: "abc" is not a number (a count is expected)')]
    assert rejects[0]["raw_text"].startswith("video 1,https://www.tiktok.com/")
    [kept] = rows_of(con, "negative_and_text.csv")
    assert kept["likes"] is None  # "-" is not available, not zero, and not an error


def test_dates_in_1900_and_2100_load(run):
    con = run[0]
    assert [r["published_at"] for r in rows_of(con, "old_and_future.csv")] == [
        datetime(1900, 1, 1), datetime(2100, 12, 31, 23, 59, 59)]
    assert status(run, "old_and_future.csv")["min_date"] == date(1900, 1, 1)


def test_impossible_and_missing_dates(run):
    con = run[0]
    reasons = [r["reason"] for r in rejects_of(con, "bad_dates.csv")]
    assert reasons == [
        'Post time: "2026-02-30 10:00:00" is not a valid date (expected like 2026-12-31 23:59:00)',
        'Post time: "yesterday" is not a valid date (expected like 2026-12-31 23:59:00)',
        "Post time: missing (required)"]


def test_utf16_cut_in_the_middle_of_a_character(run):
    con = run[0]
    f = status(run, "utf16_cut.csv")
    assert (f["status"], f["encoding"], f["rows_read"], f["rows_rejected"]) == (
        "loaded", "utf-16-le", 1, 1)
    assert "missing columns" in rejects_of(con, "utf16_cut.csv")[0]["reason"]


def test_nul_bytes_make_a_text_file_binary(run):
    f = status(run, "nul_bytes.csv")
    assert f["status"] == "error" and "binary content" in f["message"]


def test_containers_that_are_not_what_their_name_says(run):
    assert status(run, "zip_not_zip.zip")["status"] == "error"
    assert "not a readable zip" in status(run, "zip_not_zip.zip")["message"]
    f = status(run, "xlsx_not_xlsx.xlsx")
    assert f["status"] == "error" and "cannot be opened" in f["message"]


def test_nothing_changes_when_run_again(run):
    con, settings, _ = run
    before = con.execute("SELECT count(*) FROM raw._rejects").fetchone()[0]
    _, again = ingest(settings, con)
    # files that failed are tried again (the failure may have been transient); nothing else
    assert sorted(again.new + again.errors) == sorted(
        p for p, f in manifest(con).items() if f["status"] == "error")
    assert con.execute("SELECT count(*) FROM raw._rejects").fetchone()[0] == before
    assert os.listdir(settings.raw_dir)  # files are left in place
