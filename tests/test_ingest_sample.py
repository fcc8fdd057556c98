"""The sample generator's exports (pipeline.sample) through the ingest: every file recognised as
the format it was written as, no row lost, and exactly the rows it spoiled on purpose
(truth/expected_rejects.csv) rejected, each with a matching reason."""

from __future__ import annotations

import csv
import shutil

import pytest

from tests.fixtures.formats.ingest_kit import ingest, manifest, settings_for

generate = pytest.importorskip("pipeline.sample").generate


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """Seed 11, small scale; to keep the suite fast only the files holding a planted bad row
    and the first file of each format and variant are ingested."""
    tmp = tmp_path_factory.mktemp("sample")
    settings = settings_for(tmp)
    written = tmp / "written"
    summary = generate(written, tmp / "truth", seed=11, scale=0.2)
    with (tmp / "truth" / "expected_rejects.csv").open(encoding="utf-8", newline="") as f:
        keep = {row["file"] for row in csv.DictReader(f)}
    seen = set()
    for f in summary["file_details"]:
        if (f["format"], f["variant"]) not in seen:
            seen.add((f["format"], f["variant"]))
            keep.add(f["path"])
    summary["file_details"] = [f for f in summary["file_details"] if f["path"] in keep]
    for rel in keep:
        (settings.raw_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(written / rel, settings.raw_dir / rel)
    con, result = ingest(settings)
    yield con, summary, tmp / "truth", result
    con.close()


def test_every_sample_file_is_loaded_as_its_format(sample):
    con, summary, _, result = sample
    assert result.unknown == [] and result.errors == []
    m = manifest(con)
    for f in summary["file_details"]:
        got = m[f["path"]]
        assert (got["status"], got["format"]) == ("loaded", f["format"]), (f, got["message"])
        assert got["rows_read"] == got["rows_loaded"] + got["rows_rejected"]
        data = got["rows_read"] - got["rows_summary"]  # rows that are not totals/footers
        assert f["rows"] in (data, got["rows_read"]), (f, got)


def test_exactly_the_planted_bad_rows_are_rejected_with_their_reason(sample):
    con, _, truth, _ = sample
    with (truth / "expected_rejects.csv").open(encoding="utf-8", newline="") as f:
        expected = list(csv.DictReader(f))
    assert expected
    invalid = con.execute("SELECT path, line, reason FROM raw._rejects WHERE kind = 'invalid' "
                          "ORDER BY path, line").fetchall()
    assert sorted((p, ln) for p, ln, _ in invalid) == sorted(
        (e["file"], int(e["line"])) for e in expected)
    reasons = {(p, ln): r for p, ln, r in invalid}
    for e in expected:
        assert e["reason"].lower() in reasons[(e["file"], int(e["line"]))].lower(), e
