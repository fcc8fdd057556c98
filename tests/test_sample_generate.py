"""The sample generator: deterministic bytes, every export format and variant, and a planted
truth that the files themselves bear out (recomputed here from the files, independently of the
generator's own bookkeeping)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.sample import ARCHETYPES, generate

FORMATS = {"campaigns", "facebook_posts", "instagram_posts", "linkedin_posts", "x_posts",
           "tiktok_videos", "youtube_videos", "pinterest_pins", "meta_ads", "linkedin_ads",
           "tiktok_ads", "ga4_traffic", "hubspot_contacts", "hubspot_deals", "salesforce_leads",
           "salesforce_opportunities"}
AS_OF = date(2026, 10, 31)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, Path, dict]:
    root = tmp_path_factory.mktemp("sample")
    summary = generate(root / "raw", root / "truth", seed=7, scale=1.0, as_of=AS_OF)
    return root / "raw", root / "truth", summary


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_portfolio(tmp_path, sample):
    raw, truth, _ = sample
    generate(tmp_path / "a" / "raw", tmp_path / "a" / "truth", seed=7, scale=1.0, as_of=AS_OF)
    assert _tree(tmp_path / "a" / "raw") == _tree(raw)
    assert _tree(tmp_path / "a" / "truth") == _tree(truth)
    generate(tmp_path / "b" / "raw", tmp_path / "b" / "truth", seed=8, scale=1.0, as_of=AS_OF)
    other = (tmp_path / "b" / "truth" / "campaigns.csv").read_text()
    assert other != (truth / "campaigns.csv").read_text()


def test_every_format_present_with_rows(sample):
    raw, truth, summary = sample
    assert set(summary["rows_per_format"]) == FORMATS
    assert all(n > 0 for n in summary["rows_per_format"].values())
    assert 20_000 <= summary["total_rows"] <= 60_000
    for rel in summary["files"]:
        assert (raw / rel).is_file(), rel
    assert not any(truth.resolve().is_relative_to(p.resolve()) for p in [raw])
    assert set(summary["campaigns_by_archetype"]) == set(ARCHETYPES)


def _files(raw: Path, pattern: str) -> list[Path]:
    found = sorted(raw.glob(pattern))
    assert found, pattern
    return found


def test_encodings_and_dialects(sample):
    raw, _, _ = sample
    for f in _files(raw, "meta/Facebook_*.csv"):
        assert f.read_bytes()[:3] == b"\xef\xbb\xbf"
    li_ads = _files(raw, "linkedin/campaign_performance_report_*.csv")[0].read_bytes()
    assert li_ads[:2] == b"\xff\xfe"
    text = li_ads[2:].decode("utf-16-le")
    lines = text.splitlines()
    assert lines[0] == "Campaign Performance Report" and lines[4] == ""
    assert lines[5].startswith("Start Date (in UTC)\tAccount Name\t")
    # Windows-1252: an accented company, not valid UTF-8
    sf_it = _files(raw, "salesforce/report_leads_IT_*.csv")[0].read_bytes()
    assert b"\xe8" in sf_it or b"\xf2" in sf_it  # è / ò in cp1252
    with pytest.raises(UnicodeDecodeError):
        sf_it.decode("utf-8")
    assert re.search(rb'"\d{2}/\d{2}/2026"', sf_it)
    sf_us = _files(raw, "salesforce/report_leads_US_*.csv")[0].read_text("utf-8")
    assert re.search(r'"\d{1,2}/(1[3-9]|2\d|3[01])/2026"', sf_us)  # M/D/YYYY, day > 12
    # Excel (Italian) re-saves: ';' and decimal commas
    resaved = [f for f in _files(raw, "meta/Meta-Ads-*.csv") if f.read_bytes()[:1] != b"\xef"]
    assert resaved
    body = resaved[0].read_bytes().decode("cp1252")
    assert body.splitlines()[0].startswith("Reporting starts;")
    assert re.search(r";\d{1,3}(\.\d{3})*,\d{2};", body)
    metas = [f.read_text("utf-8-sig") for f in _files(raw, "meta/Meta-Ads-*.csv") if f not in
             resaved]
    assert any("Giorno" in t.splitlines()[0] for t in metas)
    assert any("Amount spent (USD)" in t.splitlines()[0] for t in metas)
    assert all(t.splitlines()[1].split(",")[3] == "" for t in metas)  # summary row first
    ga4 = _files(raw, "ga4/*.csv")
    assert all(f.read_text().startswith("# ----") for f in ga4)
    assert any(f.read_text().rstrip().splitlines()[-1].startswith("Grand total") for f in ga4)
    assert any(",Conversions," in f.read_text() for f in ga4)


def test_italian_and_older_headers(sample):
    raw, _, _ = sample
    fb = [f.read_text("utf-8-sig").splitlines()[0] for f in _files(raw, "meta/Facebook_*.csv")]
    assert any(h.startswith("ID del post,ID della Pagina") for h in fb)
    assert any(",Impressions," in h for h in fb)
    assert all("Publish time" in h or "Orario di pubblicazione" in h for h in fb)
    ig = [f.read_text("utf-8-sig").splitlines()[0] for f in _files(raw, "instagram/*.csv")]
    assert any("Mi piace" in h for h in ig)
    x = _files(raw, "x/tweet_activity_metrics_acme_*_en.csv")
    heads = [f.read_text().splitlines()[0] for f in x]
    assert any('"favorites"' in h for h in heads) and any('"likes"' in h for h in heads)
    row = next(csv.reader(io.StringIO(x[-1].read_text().split("\n", 1)[1])))
    assert re.fullmatch(r"\d+\.0", row[4]) and row[-1] == "-"
    assert '"Tweet id","Tweet permalink"' in x[-1].read_text()[:40]
    _files(raw, "x/account_analytics_content_*.csv")


def test_workbooks_and_zips(sample):
    raw, _, _ = sample
    xlsx = _files(raw, "linkedin/*content*.xlsx")[0]
    book = pd.read_excel(xlsx, sheet_name=None, header=None, engine="calamine")
    assert list(book) == ["Metrics", "All posts"]
    posts = book["All posts"]
    assert posts.iloc[0, 0].startswith("Engagement metrics for individual posts")
    assert list(posts.iloc[1, :3]) == ["Post title", "Post link", "Post type"]
    xls = _files(raw, "linkedin/*content*.xls")[0]
    assert xls.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    old = pd.read_excel(xls, sheet_name="All posts", header=1, engine="calamine")
    assert "Views (Excluding offsite video views)" in old.columns
    assert _files(raw, "tiktok/TikTok_Ads_Manager_*.xlsx")
    zips = _files(raw, "youtube/*.zip")
    for z in zips:
        with zipfile.ZipFile(z) as zf:
            assert sorted(zf.namelist()) == ["Chart data.csv", "Table data.csv", "Totals.csv"]
            assert all(i.date_time == zipfile.ZipInfo("x").date_time or i.date_time[0] >= 1980
                       for i in zf.infolist())
            table = zf.read("Table data.csv").decode().splitlines()
            assert table[1].startswith("Total,")


def test_salesforce_footer(sample):
    raw, _, _ = sample
    for f in _files(raw, "salesforce/*.csv"):
        lines = f.read_bytes().decode("cp1252").splitlines()
        n = re.fullmatch(r'"Grand Totals \((\d+) records\)"', lines[-4])
        assert n and lines[-5] == "" and lines[-3] == ""
        assert lines[-2] == '"Confidential Information - Do Not Distribute"'
        assert lines[-1].startswith('"Copyright (c) 2000-2026 salesforce.com')
        assert int(n.group(1)) == len(lines) - 6


def test_expected_rejects_point_at_the_bad_rows(sample):
    raw, truth, _ = sample
    rejects = pd.read_csv(truth / "expected_rejects.csv")
    assert 3 <= len(rejects) <= 6
    assert {"mangled", "negative", "not a valid date", "not a number"} <= set(rejects["reason"])
    tokens = {"mangled": "1.22158E+17", "negative": ",-3,", "not a valid date": "31/02/2026",
              "not a number": ",abc"}
    for r in rejects.itertuples():
        data = (raw / r.file).read_bytes()
        text = data.decode("cp1252" if b"\x00" not in data and _not_utf8(data) else "utf-8-sig")
        assert tokens[r.reason] in text.splitlines()[r.line - 1], r


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError:
        return True


def test_personal_data_lists_the_contacts(sample):
    raw, truth, _ = sample
    listed = pd.read_csv(truth / "personal_data.csv", dtype=str, keep_default_na=False)
    values = set(listed["value"])
    contacts = _files(raw, "hubspot/hubspot-crm-exports-all-contacts-*.csv")
    for f in contacts:
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
        assert set(df["Email"]) <= values
        assert set(df["Phone Number"]) - {""} <= values
        assert set(df["First Name"] + " " + df["Last Name"]) <= values
    for f in _files(raw, "salesforce/report_leads_*.csv"):
        assert set(_salesforce(f)["Email"]) <= values


def test_snapshots_grow_in_the_later_export(sample):
    raw, _, _ = sample
    files = _files(raw, "tiktok/TikTok_Studio_content_*.csv")
    frames = [pd.read_csv(f, dtype={"Video link": str}).assign(k=k) for k, f in enumerate(files)]
    both = pd.concat(frames)
    twice = both[both.duplicated("Video link", keep=False)].sort_values(["Video link", "k"])
    assert len(twice) > 0
    first, later = twice.groupby("Video link").nth(0), twice.groupby("Video link").nth(-1)
    assert (later["Total likes"].to_numpy() >= first["Total likes"].to_numpy()).all()
    assert (later["Total views"].to_numpy() > first["Total views"].to_numpy()).any()


# ------------------------------------------------------------------ truth, recomputed from files
def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKD", str(s))
    return re.sub(r"[\s\-_]", "", "".join(c for c in s if not unicodedata.combining(c))).casefold()


def _num(x) -> int:
    try:
        return int(float(str(x)))
    except ValueError:
        return 0


class Matcher:
    def __init__(self, plan: pd.DataFrame):
        self.plan = plan
        self.by_name = {}
        for r in plan.itertuples():
            self.by_name[_norm(r.utm_campaign)] = r.campaign_id
            self.by_name[_norm(r.campaign_name)] = r.campaign_id
        self.by_utm = {r.utm_campaign: r.campaign_id for r in plan.itertuples()}

    def match(self, text: str, label: str, day: date) -> str | None:
        m = re.search(r"utm_campaign=([A-Za-z0-9_\-]+)", text or "")
        if m and m.group(1) in self.by_utm:
            return self.by_utm[m.group(1)]
        if label and _norm(label) in self.by_name:
            return self.by_name[_norm(label)]
        for r in self.plan.itertuples():
            if isinstance(r.hashtag, str) and r.hashtag and r.hashtag in (text or "") and \
                    date.fromisoformat(r.start_date) <= day <= date.fromisoformat(r.end_date):
                return r.campaign_id
        return None


def _latest(frames: list[tuple[str, pd.DataFrame]], key: str) -> pd.DataFrame:
    """Keep each post's row from the file whose name carries the newest date."""
    def stamp(name: str) -> str:
        found = re.findall(r"(20\d\d)-?(\d\d)-?(\d\d)", name)
        return max("".join(f) for f in found)
    out = pd.concat([df.assign(_stamp=stamp(n)) for n, df in frames])
    return out.sort_values("_stamp").drop_duplicates(key, keep="last")


def _engagements(raw: Path, m: Matcher) -> dict[str, int]:
    total: dict[str, int] = {}

    def add(df, text_col, label_col, day_fn, cols):
        for r in df.to_dict("records"):
            label = r.get(label_col, "") if label_col else ""
            cid = m.match(str(r.get(text_col, "")), "" if pd.isna(label) else str(label),
                          day_fn(r))
            if cid:
                total[cid] = total.get(cid, 0) + sum(_num(r[c]) for c in cols if c in r)

    us = lambda v: date(int(v[6:10]), int(v[0:2]), int(v[3:5]))  # noqa: E731
    fb = [(f.name, pd.read_csv(f, dtype=str, encoding="utf-8-sig", keep_default_na=False)
           .rename(columns={"ID del post": "Post ID", "Descrizione": "Description",
                            "Etichette personalizzate": "Custom labels", "Reazioni": "Reactions",
                            "Commenti": "Comments", "Condivisioni": "Shares",
                            "Orario di pubblicazione": "Publish time"}))
          for f in raw.glob("meta/Facebook_*.csv")]
    add(_latest(fb, "Post ID"), "Description", "Custom labels", lambda r: us(r["Publish time"]),
        ["Reactions", "Comments", "Shares"])
    ig = [(f.name, pd.read_csv(f, dtype=str, encoding="utf-8-sig", keep_default_na=False)
           .rename(columns={"ID del post": "Post ID", "Descrizione": "Description",
                            "Mi piace": "Likes", "Commenti": "Comments", "Condivisioni": "Shares",
                            "Salvataggi": "Saves", "Orario di pubblicazione": "Publish time"}))
          for f in raw.glob("instagram/*.csv")]
    add(_latest(ig, "Post ID"), "Description", None, lambda r: us(r["Publish time"]),
        ["Likes", "Comments", "Shares", "Saves"])
    li = []
    for f in raw.glob("linkedin/*content*"):
        if f.suffix == ".csv":
            df = pd.read_csv(f, dtype=str, encoding="utf-8-sig", skiprows=1,
                             keep_default_na=False)
        else:
            df = pd.read_excel(f, sheet_name="All posts", header=1, dtype=str,
                               engine="calamine").fillna("")
        li.append((f.name, df))
    add(_latest(li, "Post link"), "Post title", "Campaign name", lambda r: us(r["Created date"]),
        ["Likes", "Comments", "Reposts"])
    xs = []
    for f in raw.glob("x/*.csv"):
        df = pd.read_csv(f, dtype=str, keep_default_na=False).rename(columns={
            "Tweet id": "Post id", "Tweet text": "Post text", "favorites": "likes",
            "likes": "Likes", "replies": "Replies", "retweets": "Reposts", "time": "Date"})
        df = df.rename(columns={"likes": "Likes"})
        xs.append((f.name, df))

    def x_day(r):
        v = r["Date"]
        return date.fromisoformat(v[:10]) if v[:2] == "20" else pd.to_datetime(v).date()
    add(_latest(xs, "Post id"), "Post text", None, x_day,
        ["Likes", "Replies", "Reposts", "Bookmarks", "Shares"])
    tt = [(f.name, pd.read_csv(f, dtype=str)) for f in raw.glob("tiktok/TikTok_Studio_*.csv")]
    add(_latest(tt, "Video link"), "Video title", None,
        lambda r: date.fromisoformat(r["Post time"][:10]),
        ["Total likes", "Total comments", "Total shares"])
    yt = []
    for f in raw.glob("youtube/*.zip"):
        with zipfile.ZipFile(f) as zf:
            df = pd.read_csv(io.BytesIO(zf.read("Table data.csv")), dtype=str)
        df = df[df["Content"] != "Total"].assign(Content=lambda d: d["Content"].str.strip())
        yt.append((f.name, df))
    add(_latest(yt, "Content"), "Video title", None,
        lambda r: pd.to_datetime(r["Video publish time"]).date(), ["Likes"])
    pins = [(f.name, pd.read_csv(f, dtype=str)) for f in raw.glob("pinterest/*.csv")]
    add(_latest(pins, "Pin ID"), "Title", None, lambda r: date.fromisoformat(r["Created date"]),
        ["Saves"])
    for f in raw.glob("linkedin/campaign_performance_report_*.csv"):
        df = pd.read_csv(f, encoding="utf-16", sep="\t", skiprows=5, dtype=str)
        add(df, "", "Campaign Name", lambda r: AS_OF, ["Reactions", "Comments", "Shares"])
    return total


def _salesforce(f: Path) -> pd.DataFrame:
    raw = f.read_bytes()
    data = raw.decode("cp1252" if _not_utf8(raw) else "utf-8")
    sep = ";" if data.splitlines()[0].count(";") > 2 else ","
    return pd.read_csv(io.StringIO(data), sep=sep, dtype=str, keep_default_na=False,
                       skipfooter=5, engine="python")


def test_truth_is_what_the_files_hold(sample):
    raw, truth_dir, _ = sample
    truth = pd.read_csv(truth_dir / "campaigns.csv", dtype={"campaign_id": str})
    plan = pd.read_csv(raw / "plan" / "campaigns.csv", dtype=str, keep_default_na=False)
    assert list(plan["campaign_id"]) == list(truth["campaign_id"])
    m = Matcher(plan)
    engaged = _engagements(raw, m)
    got = {cid: engaged.get(cid, 0) for cid in truth["campaign_id"]}
    assert got == dict(zip(truth["campaign_id"], truth["planted_engagements"], strict=True))
    # leads: last touch
    contacts = pd.read_csv(_files(raw, f"hubspot/*contacts-{AS_OF}.csv")[0], dtype=str,
                           keep_default_na=False)
    leads = {cid: 0 for cid in truth["campaign_id"]}
    utm = dict(zip(plan["utm_campaign"], plan["campaign_id"], strict=True))
    for v in contacts["Latest Source Drill-Down 2"]:
        if v in utm:
            leads[utm[v]] += 1
    sf = pd.concat([_salesforce(f) for f in _files(raw, "salesforce/report_leads_*.csv")])
    for v in sf["UTM Campaign"]:
        if v in utm:
            leads[utm[v]] += 1
    assert leads == dict(zip(truth["campaign_id"], truth["planted_leads"], strict=True))
    # won deals
    won = {cid: 0 for cid in truth["campaign_id"]}
    last_touch = dict(zip(contacts["Record ID"], contacts["Latest Source Drill-Down 2"],
                          strict=True))
    deals = pd.read_csv(_files(raw, "hubspot/*deals*.csv")[0], dtype=str, keep_default_na=False)
    for r in deals[deals["Deal Stage"] == "Closed Won"].itertuples():
        v = last_touch[r[9].split(";")[0]]
        if v in utm:
            won[utm[v]] += 1
    opps = pd.concat([_salesforce(f) for f in _files(raw, "salesforce/report_opp*.csv")])
    names = {_norm(n): c for n, c in zip(plan["campaign_name"], plan["campaign_id"],
                                          strict=True)}
    for v in opps.loc[opps["Stage"] == "Closed Won", "Primary Campaign Source"]:
        if _norm(v) in names:
            won[names[_norm(v)]] += 1
    assert won == dict(zip(truth["campaign_id"], truth["planted_won_deals"], strict=True))


def test_archetypes_are_planted_clearly(sample):
    _, truth_dir, summary = sample
    t = pd.read_csv(truth_dir / "campaigns.csv", parse_dates=["end_date"])
    assert set(t["archetype"]) == set(ARCHETYPES)
    assert (t["is_vanity"] == (t["archetype"] == "vanity")).all()
    assert (t["archetype"] == "vanity").sum() >= 5
    age = (pd.Timestamp(AS_OF) - t["end_date"]).dt.days
    early = t["archetype"] == "too_early"
    assert age[early].between(0, 10).all() and (age[~early] >= 20).all()
    tiny = t[t["archetype"] == "insufficient_data"]
    assert (tiny["planted_engagements"] <= 100).all() and (tiny["planted_leads"] <= 1).all()
    mature = t[~t["archetype"].isin(["too_early", "insufficient_data"])]
    rate = 1000 * mature["planted_leads"].sum() / mature["planted_engagements"].sum()
    vanity = mature[mature["archetype"] == "vanity"]
    assert (vanity["planted_engagements"] >= mature["planted_engagements"].median()).all()
    assert (vanity["planted_engagements"] >= 20_000).all()
    assert (1000 * vanity["planted_leads"] / vanity["planted_engagements"] <= 0.25 * rate).all()
    low = mature[mature["archetype"].isin(["efficient", "underperforming"])]
    assert (low["planted_engagements"] < mature["planted_engagements"].median()).all()
    conv = mature[mature["archetype"] == "converting"]
    eff = mature[mature["archetype"] == "efficient"]
    assert (1000 * eff["planted_leads"] / eff["planted_engagements"] >= 1.5 * rate).all()
    assert (1000 * conv["planted_leads"] / conv["planted_engagements"] >= 0.9 * rate).all()
    assert summary["baseline_leads_per_1000"]["portfolio"] == pytest.approx(rate, abs=0.01)


def test_scale_grows_volume(tmp_path, sample):
    _, _, one = sample
    half = generate(tmp_path / "raw", tmp_path / "truth", seed=7, scale=0.5, as_of=AS_OF)
    assert one["total_rows"] > 1.6 * half["total_rows"]
    assert one["rows_per_format"]["hubspot_contacts"] > 1.8 * half["rows_per_format"][
        "hubspot_contacts"]
