"""Great Expectations suites on real DuckDB tables: integrity fails as ERROR, oddities WARN."""

import duckdb
import pytest

from pipeline.ingest.load import ensure_schema
from pipeline.ingest.registry import formats
from pipeline.quality.gx_suites import (
    mart_expectations,
    mart_frames,
    raw_expectations,
    raw_frames,
    summarise,
    validate,
)


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_schema(con)
    return con


def _insert_x(con, post_id, likes, published_at):
    con.execute("INSERT INTO raw.x_posts (post_id, post_text, published_at, likes, _file_id, _row)"
                " VALUES (?, 'hello', ?, ?, 'f', 1)", [post_id, published_at, likes])


def test_clean_table_passes(con):
    _insert_x(con, "1", 5, "2026-05-01 10:00:00")
    _insert_x(con, "2", 0, "2026-06-01 10:00:00")
    fmt = formats()["x_posts"]
    errors_ok, warns_ok, failures = summarise(validate(raw_frames(con, fmt),
                                                       raw_expectations(fmt)))
    assert (errors_ok, warns_ok, failures) == (True, True, [])


def test_negative_count_and_missing_id_are_errors(con):
    _insert_x(con, "1", -3, "2026-05-01 10:00:00")
    _insert_x(con, None, 1, "2026-05-01 10:00:00")
    fmt = formats()["x_posts"]
    errors_ok, _, failures = summarise(validate(raw_frames(con, fmt), raw_expectations(fmt)))
    assert not errors_ok
    labels = {f["expectation"] for f in failures if f["severity"] == "ERROR"}
    assert labels == {"likes counts are non-negative", "post_id is never empty"}


def test_implausible_dates_only_warn(con):
    _insert_x(con, "1", 1, "1900-01-01 00:00:00")
    _insert_x(con, "2", 1, "2100-01-01 00:00:00")
    fmt = formats()["x_posts"]
    errors_ok, warns_ok, failures = summarise(validate(raw_frames(con, fmt),
                                                       raw_expectations(fmt)))
    assert errors_ok and not warns_ok
    assert {f["expectation"] for f in failures} == {
        "published_at is not before 2005-01-01", "published_at is not in the future"}


def test_mart_shares_above_one_are_errors(con):
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.campaign_performance AS SELECT * FROM (VALUES "
                "('C1', 0.5, 0.2, 10, 100), ('C2', 1.5, NULL, 0, 0)) "
                "t(campaign_id, ctr, lead_to_sale, leads, engagements)")
    frames = mart_frames(con)
    errors_ok, _, failures = summarise(validate(frames, mart_expectations(
        set(frames["performance"].columns))))
    assert not errors_ok
    assert [f["expectation"] for f in failures] == ["ctr is a share between 0 and 1"]
