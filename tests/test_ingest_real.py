"""The real exports in ../shared/fixtures/real load with exactly their rows and totals, computed
here independently: Python's csv module for the X files, python-calamine for the LinkedIn .xls."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.ingest.sql import TRIM_CHARS
from tests.fixtures.formats.ingest_kit import ingest, manifest, rejects_of, rows_of, settings_for

REAL = Path(__file__).resolve().parents[2] / "shared/fixtures/real"
pytestmark = [
    pytest.mark.real,
    pytest.mark.skipif(not REAL.is_dir(), reason=f"the real exports are not at {REAL} (the "
                       "shared/ folder beside the project); these tests need them"),
]
X_COUNTS = ["impressions", "engagements", "retweets", "replies", "likes", "user profile clicks",
            "url clicks", "hashtag clicks", "detail expands", "permalink clicks", "follows",
            "media views", "media engagements"]
X_CANONICAL = {"retweets": "retweets", "user profile clicks": "user_profile_clicks",
               "url clicks": "url_clicks", "hashtag clicks": "hashtag_clicks",
               "detail expands": "detail_expands", "permalink clicks": "permalink_clicks",
               "media views": "media_views", "media engagements": "media_engagements"}


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("real")
    settings = settings_for(tmp)
    for sub in ("x", "linkedin"):
        for p in (REAL / sub).iterdir():
            (settings.raw_dir / sub).mkdir(exist_ok=True)
            (settings.raw_dir / sub / p.name).write_bytes(p.read_bytes())
    con, result = ingest(settings)
    yield con
    con.close()


def _x_expected(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


X_FILES = sorted(p.name for p in (REAL / "x").glob("*.csv")) if REAL.is_dir() else []


def test_all_eleven_x_files_and_278_tweets(real):
    assert len(X_FILES) == 11
    expected = sum(len(_x_expected(REAL / "x" / n)) for n in X_FILES)
    assert expected == 278
    assert real.execute("SELECT count(*) FROM raw.x_posts").fetchone()[0] == expected


@pytest.mark.parametrize("name", X_FILES)
def test_each_x_file_loads_exactly_its_rows_and_totals(real, name):
    path = f"x/{name}"
    f = manifest(real)[path]
    rows = _x_expected(REAL / "x" / name)
    assert (f["status"], f["format"], f["encoding"]) == ("loaded", "x_posts", "utf-8")
    assert (f["rows_read"], f["rows_loaded"], f["rows_rejected"]) == (len(rows), len(rows), 0)
    assert rejects_of(real, path) == []
    got = {r["post_id"]: r for r in rows_of(real, path)}
    assert set(got) == {r["Tweet id"] for r in rows}
    for column in X_COUNTS:
        canonical = X_CANONICAL.get(column, column)
        want = sum(int(float(r[column])) for r in rows if r[column] not in ("", "-"))
        assert sum(g[canonical] or 0 for g in got.values()) == want, column
    for r in rows:
        g = got[r["Tweet id"]]
        assert g["post_text"] == r["Tweet text"]  # newlines, quotes, &amp;, emoji intact
        assert g["permalink"] == r["Tweet permalink"]
        assert g["published_at"] == datetime.strptime(r["time"], "%Y-%m-%d %H:%M %z").astimezone(
            UTC).replace(tzinfo=None)
        assert g["engagement_rate"] == pytest.approx(float(r["engagement rate"]))
    end = re.findall(r"_(\d{8})_en\.csv$", name)[0]
    assert f["exported_at"] == datetime.strptime(end, "%Y%m%d")


def test_real_linkedin_xls_matches_calamine(real):
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(REAL / "linkedin/linkedin-content.xls"))
    sheet = wb.get_sheet_by_name("All posts").to_python(skip_empty_area=False)
    header, data = sheet[1], [r for r in sheet[2:] if any(str(v).strip() for v in r)]
    col = {h: i for i, h in enumerate(header)}
    path = "linkedin/linkedin-content.xls"
    f = manifest(real)[path]
    assert (f["status"], f["format"], f["container"]) == ("loaded", "linkedin_posts",
                                                          "xls:All posts")
    assert (f["rows_read"], f["rows_loaded"], f["rows_rejected"]) == (len(data), len(data), 0)
    got = rows_of(real, path)
    assert len(got) == len(data) == 78
    assert [g["post_link"] for g in got] == [r[col["Post link"]] for r in data]
    assert [g["post_id"] for g in got] == [
        re.search(r"urn:li:(?:activity|share|ugcPost):(\d+)", r[col["Post link"]]).group(1)
        for r in data]
    for name, canonical in [("Impressions", "impressions"), ("Clicks", "clicks"),
                            ("Likes", "likes"), ("Comments", "comments"), ("Reposts", "reposts")]:
        want = sum(int(r[col[name]]) for r in data if r[col[name]] != "")
        assert sum(g[canonical] or 0 for g in got) == want, name
    assert [g["ctr"] for g in got] == [pytest.approx(r[col["Click through rate (CTR)"]])
                                       for r in data]
    assert [g["published_at"] for g in got] == [
        datetime.strptime(r[col["Created date"]], "%m/%d/%Y").date() for r in data]
    # text is stored trimmed (formats.yml): the titles are otherwise untouched
    assert [g["post_title"] for g in got] == [r[col["Post title"]].strip(TRIM_CHARS) or None
                                              for r in data]
