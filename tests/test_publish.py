"""Atomic publication: readers never fail nor see half a publication; a killed run loses nothing."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from pipeline.publish.publish import GRACE_SECONDS, KEEP_VERSIONS, _prune_versions, publish


def _build_marts(settings, version: int, rows: int = 50_000) -> int:
    """A warehouse whose marts hold `rows` rows summing to a version-specific total."""
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.warehouse_path))
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute(f"CREATE OR REPLACE TABLE marts.campaign_performance AS SELECT i AS campaign_id, "
                f"i * {version} AS engagements FROM range({rows}) t(i)")
    con.execute("CREATE OR REPLACE TABLE marts.campaign_verdicts AS SELECT "
                f"{version} AS version, 'vanity' AS verdict")
    total = con.execute("SELECT sum(engagements) FROM marts.campaign_performance").fetchone()[0]
    con.close()
    return int(total)


READER = textwrap.dedent("""
    import os, sys, tempfile, time, duckdb
    db, pq, queries, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    own_copy = os.path.join(tempfile.mkdtemp(), "copy.parquet")
    ok = errors = 0
    seen = set()
    give_up = time.time() + 120
    # a fixed number of queries, going on until three publications were seen (or 2 minutes)
    while (ok + errors < queries or len(seen) < 3) and time.time() < give_up:
        try:
            con = duckdb.connect(db, read_only=True)
            total = con.execute("SELECT sum(engagements) FROM campaign_performance").fetchone()[0]
            versioned = con.execute("SELECT parquet_path FROM _publication "
                                    "WHERE table_name = 'campaign_performance'").fetchone()[0]
            con.close()
            seen.add(int(total))
            if kind == "parquet_versioned":  # DuckDB on the path _publication names
                path = os.path.join(os.path.dirname(db), versioned)
                query = f"SELECT sum(engagements) FROM '{path}'"
                seen.add(int(duckdb.execute(query).fetchone()[0]))
            elif kind == "parquet_one_open":  # a tool reading the top-level file in one open
                with open(pq, "rb") as src, open(own_copy, "wb") as dst:
                    dst.write(src.read())
                query = f"SELECT sum(engagements) FROM '{own_copy}'"
                seen.add(int(duckdb.execute(query).fetchone()[0]))
            ok += 1
        except Exception as exc:
            errors += 1
            print("ERROR", type(exc).__name__, exc, file=sys.stderr)
    print(ok, errors, ",".join(map(str, sorted(seen))))
""")


def _reader_loop(settings, kind: str):
    totals = {_build_marts(settings, 1)}
    publish(settings)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(settings.marts_dir / "marts.duckdb"),
         str(settings.marts_dir / "campaign_performance.parquet"), "300", kind],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    version = 2
    while reader.poll() is None:
        totals.add(_build_marts(settings, version))
        publish(settings)
        version += 1
    out, err = reader.communicate()
    ok, errors, seen = out.split()
    assert int(errors) == 0, err
    assert int(ok) >= 300
    seen_totals = {int(s) for s in seen.split(",")}
    assert len(seen_totals) >= 3, "the reader did not overlap with several publications"
    # every total a reader saw is one that was published in full, never a mix
    assert seen_totals <= totals


def test_duckdb_readers_never_fail_during_repeated_publications(settings):
    _reader_loop(settings, "duckdb")


def test_duckdb_parquet_readers_of_the_versioned_files_never_fail(settings):
    _reader_loop(settings, "parquet_versioned")


def test_one_open_parquet_readers_of_the_top_level_files_see_whole_files(settings):
    _reader_loop(settings, "parquet_one_open")


def test_top_level_parquet_is_the_newest_version_and_old_versions_are_pruned(settings):
    versions = settings.marts_dir / "parquet"
    ids = []
    for version in range(1, 6):
        _build_marts(settings, version, rows=100)
        ids.append(publish(settings).publication_id)
    assert sorted(p.name for p in versions.iterdir()) == ids  # within the grace period: all kept
    top = settings.marts_dir / "campaign_performance.parquet"
    assert top.read_bytes() == (versions / ids[-1] / "campaign_performance.parquet").read_bytes()
    con = duckdb.connect(str(settings.marts_dir / "marts.duckdb"), read_only=True)
    assert con.execute("SELECT DISTINCT parquet_path FROM _publication WHERE table_name = "
                       "'campaign_verdicts'").fetchall() == \
        [(f"parquet/{ids[-1]}/campaign_verdicts.parquet",)]
    con.close()
    pruned = _prune_versions(versions, time.time() + GRACE_SECONDS + 1)
    assert pruned == ids[:-KEEP_VERSIONS]
    assert sorted(p.name for p in versions.iterdir()) == ids[-KEEP_VERSIONS:]


def test_publication_is_complete_and_leaves_no_temporary_files(settings):
    total = _build_marts(settings, 3, rows=1000)
    pub = publish(settings)
    assert pub.tables == {"campaign_performance": 1000, "campaign_verdicts": 1}
    con = duckdb.connect(str(settings.marts_dir / "marts.duckdb"), read_only=True)
    assert con.execute("SELECT sum(engagements) FROM campaign_performance").fetchone()[0] == total
    assert dict(con.execute("SELECT table_name, row_count FROM _publication").fetchall()) == \
        pub.tables
    assert not list(settings.marts_dir.glob(".*.tmp"))
    assert not list((settings.marts_dir / "parquet").glob(".*.tmp"))


KILLABLE = textwrap.dedent("""
    import sys
    from pipeline.config import get_settings
    from pipeline.publish.publish import GRACE_SECONDS, KEEP_VERSIONS, _prune_versions, publish
    while True:
        publish(get_settings())
""")


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.5, 0.9])
def test_killed_publication_keeps_the_last_good_one(settings, delay):
    first = _build_marts(settings, 5, rows=400_000)
    publish(settings)
    second = _build_marts(settings, 6, rows=400_000)
    proc = subprocess.Popen([sys.executable, "-c", KILLABLE], env=os.environ.copy())
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    con = duckdb.connect(str(settings.marts_dir / "marts.duckdb"), read_only=True)
    seen = con.execute("SELECT sum(engagements) FROM campaign_performance").fetchone()[0]
    con.close()
    assert seen in (first, second)
    # the next publication completes and clears what the killed one left behind
    publish(settings)
    assert not list(settings.marts_dir.glob(".*.tmp"))
    assert not list((settings.marts_dir / "parquet").glob(".*.tmp"))
    con = duckdb.connect(str(settings.marts_dir / "marts.duckdb"), read_only=True)
    assert con.execute("SELECT sum(engagements) FROM campaign_performance").fetchone()[0] == second


def test_readme_snippet_reads_the_versioned_parquet(settings):
    from pipeline.config import PROJECT_DIR

    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    snippet = readme.split("```sql\nATTACH 'data/marts/marts.duckdb'")[1].split("```")[0]
    snippet = "ATTACH 'data/marts/marts.duckdb'" + snippet
    _build_marts(settings, 2, rows=1234)
    publish(settings)
    con = duckdb.connect()
    statements = [s for s in snippet.replace("data/marts/", f"{settings.marts_dir}/").split(";")
                  if s.strip()]
    for statement in statements[:-1]:
        con.execute(statement)
    assert con.execute(statements[-1]).fetchone()[0] == 1234
