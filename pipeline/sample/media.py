"""LinkedIn Page content workbooks (.xlsx, one .xls, one sheet saved as CSV) and YouTube Studio
zips (`Table data.csv`, `Chart data.csv`, `Totals.csv`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np

from pipeline.sample.context import Ctx
from pipeline.sample.people import POSTERS
from pipeline.sample.periods import assign
from pipeline.sample.social import _shortcode, snap
from pipeline.sample.writers import csv_bytes, num, write_csv, write_xls, write_xlsx, write_zip

LI_HEADER = ["Post title", "Post link", "Post type", "Campaign name", "Posted by", "Created date",
             "Campaign start date", "Campaign end date", "Audience", "Impressions", "Views",
             "Offsite Views", "Clicks", "Click through rate (CTR)", "Likes", "Comments",
             "Reposts", "Follows", "Engagement rate", "Content Type"]
LI_POSTS_NOTE = ("Engagement metrics for individual posts. Created date indicates when your post "
                 "was created. All dates and times are in UTC.")
LI_METRICS_NOTE = ("Aggregated engagement metrics for your organic and sponsored posts over time. "
                   "Date indicates when your posts were viewed by LinkedIn members. Data is "
                   "delayed by up to 2 days. All dates and times are in UTC.")
LI_METRICS = ["Date", "Impressions (organic)", "Impressions (sponsored)", "Impressions (total)",
              "Unique impressions (organic)", "Clicks (organic)", "Clicks (sponsored)",
              "Clicks (total)", "Reactions (organic)", "Reactions (sponsored)",
              "Reactions (total)", "Comments (organic)", "Comments (sponsored)",
              "Comments (total)", "Reposts (organic)", "Reposts (sponsored)", "Reposts (total)",
              "Engagement rate (organic)", "Engagement rate (sponsored)",
              "Engagement rate (total)"]
YT_HEADER = ["Content", "Video title", "Video publish time", "Duration", "Likes", "Dislikes",
             "New viewers", "Returning viewers", "Views", "Watch time (hours)", "Subscribers",
             "Impressions", "Impressions click-through rate (%)"]
YT_NEW = {"Impressions": "Thumbnail impressions",
          "Impressions click-through rate (%)": "Thumbnail click-through rate (%)"}


def _us(d: date) -> str:
    return d.strftime("%m/%d/%Y")


def linkedin(ctx: Ctx, posts: dict, frac: np.ndarray) -> None:
    members, last = assign(posts["time"], ctx.periods)
    poster = ctx.rng.integers(0, len(POSTERS), len(posts["id"]))
    video = ctx.rng.random(len(posts["id"])) < 0.25
    for k, (p, idx) in enumerate(zip(ctx.periods, members, strict=True)):
        v = snap(posts, idx, k, last, frac, ["views", "likes", "comments", "reposts", "clicks",
                                             "follows"])
        header = list(LI_HEADER)
        if k == 0:
            header[10] = "Views (Excluding offsite video views)"
        rows = []
        daily: dict[date, list[int]] = {}
        for j, i in enumerate(idx):
            c = int(posts["camp"][i])
            sponsored = bool(posts["label"][i])
            camp = ctx.campaigns[c] if c >= 0 else None
            imp = int(v["views"][j])
            likes, comments = int(v["likes"][j]), int(v["comments"][j])
            reposts = int(v["reposts"][j])
            clicks = int(v["clicks"][j])
            day = posts["time"][i].astype("datetime64[D]").astype(object)
            rows.append([
                posts["text"][i], f"https://www.linkedin.com/feed/update/urn:li:activity:"
                f"{posts['id'][i]}", "Sponsored" if sponsored else "Organic",
                posts["label"][i] if sponsored else "", POSTERS[poster[i]], _us(day),
                _us(camp.start) if sponsored else "", _us(camp.end) if sponsored else "",
                "All followers", imp, int(imp * 0.4) if video[i] else "",
                0 if video[i] else "", clicks, round(clicks / imp, 6) if imp else 0,
                likes, comments, reposts, int(v["follows"][j]) if sponsored else "",
                round((likes + comments + reposts + clicks) / imp, 6) if imp else 0, ""])
            agg = daily.setdefault(day, [0, 0, 0, 0, 0, 0])
            s = 1 if sponsored else 0
            agg[s] += imp
            agg[2 + s] += likes
            agg[4] += comments
            agg[5] += reposts
        metrics = _metrics_rows(p.start, p.end, daily)
        base = f"linkedin/acme-caffe_content_{p.start.isoformat()}_{p.end.isoformat()}"
        stamp = datetime(p.downloaded.year, p.downloaded.month, p.downloaded.day, 9, 0)
        sheets = [("Metrics", [[LI_METRICS_NOTE], LI_METRICS] + metrics),
                  ("All posts", [[LI_POSTS_NOTE], header] + rows)]
        if k == 0:
            rel, variant = base + ".xls", "xls, old Views name"
            write_xls(ctx.path(rel), sheets)
        elif k == 1:
            rel, variant = base + "_All posts.csv", "sheet saved as CSV"
            write_csv(ctx.path(rel), header, ([str(x) for x in r] for r in rows), bom=True,
                      header_row0=[LI_POSTS_NOTE] + [""] * (len(header) - 1))
        else:
            rel, variant = base + ".xlsx", "xlsx"
            write_xlsx(ctx.path(rel), sheets, stamp)
        ctx.record(rel, "linkedin_posts", len(rows), p.downloaded, variant)
    ctx.personal.append(("full_name", POSTERS, "linkedin/*"))


def _metrics_rows(start: date, end: date, daily: dict) -> list[list]:
    out = []
    d = start
    while d <= end:
        io, isp, ro, rs, cm, rp = daily.get(d, [0, 0, 0, 0, 0, 0])
        tot = io + isp
        out.append([_us(d), io, isp, tot, int(io * 0.6), 0, 0, 0, ro, rs, ro + rs, cm, 0, cm,
                     rp, 0, rp, round((ro + cm + rp) / io, 6) if io else 0,
                     round(rs / isp, 6) if isp else 0,
                     round((ro + rs + cm + rp) / tot, 6) if tot else 0])
        d += timedelta(days=1)
    return out


def youtube_ids(posts: dict) -> list[str]:
    ids = []
    for j, n in enumerate(posts["id"]):
        code = _shortcode(int(n) * 2654435761 + 97)
        ids.append("-" + code[1:] if j % 9 == 4 else code)
    return ids


def youtube(ctx: Ctx, posts: dict, frac: np.ndarray) -> None:
    ids = youtube_ids(posts)
    dur = ctx.rng.integers(20, 900, len(ids))
    mid = ctx.as_of - timedelta(days=92)
    days = posts["time"].astype("datetime64[D]")
    for z, (until, newer) in enumerate([(mid, False), (ctx.as_of, True)]):
        idx = np.flatnonzero(days <= np.datetime64(until))
        last = np.full(len(ids), 1)  # every video's latest snapshot is the newer zip
        v = snap(posts, idx, z, last, frac, ["likes", "views", "follows", "clicks"])
        header = [YT_NEW.get(h, h) if newer else h for h in YT_HEADER]
        rows, tot = [], np.zeros(8, dtype=np.int64)
        for j, i in enumerate(idx):
            vid = ids[i]
            if newer and vid.startswith("-"):
                vid = " " + vid
            views = int(v["views"][j])
            likes = int(v["likes"][j])
            imp = views * 6 + 10
            vals = [likes, likes // 40, int(views * 0.7), views - int(views * 0.7), views,
                    int(v["follows"][j]), imp]
            tot += np.array(vals + [0])
            d = posts["time"][i].astype("datetime64[D]").astype(object)
            rows.append([vid, posts["text"][i].replace("\n", " "), f"{d:%b} {d.day}, {d.year}",
                         str(dur[i]), *map(str, vals[:5]),
                         num(views * dur[i] * 0.45 / 3600, 4), str(vals[5]), str(vals[6]),
                         num(100 * views / imp * 0.35, 2)])
        total = ["Total", "", "", "", *map(str, tot[:5]), num(sum(float(r[9]) for r in rows), 4),
                 str(tot[5]), str(tot[6]), num(100 * tot[4] / tot[6] * 0.35 if tot[6] else 0, 2)]
        table = csv_bytes(header, [total] + rows)
        chart, totals = _charts(posts, idx, v["views"], ids, until)
        start = ctx.window_start
        rel = f"youtube/Content {start.isoformat()}_{until.isoformat()} Acme Caffè.zip"
        write_zip(ctx.path(rel), [("Table data.csv", table), ("Chart data.csv", chart),
                                  ("Totals.csv", totals)])
        ctx.record(rel, "youtube_videos", len(rows), until,
                   "zip, Thumbnail names" if newer else "zip")


def _charts(posts, idx, views, ids, until: date) -> tuple[bytes, bytes]:
    """Daily views: each video earns its views over the 10 days after publishing."""
    chart, per_day = [], {}
    for j, i in enumerate(idx):
        d0 = posts["time"][i].astype("datetime64[D]").astype(object)
        share = int(views[j]) // 10
        d = posts["time"][i].astype("datetime64[D]").astype(object)
        for t in range(10):
            day = d + timedelta(days=t)
            if day > until:
                break
            chart.append([day.isoformat(), ids[i], posts["text"][i].replace("\n", " "),
                          f"{d0:%b} {d0.day}, {d0.year}", "", str(share)])
            per_day[day] = per_day.get(day, 0) + share
    totals = [[d.isoformat(), str(n)] for d, n in sorted(per_day.items())]
    return (csv_bytes(["Date", "Content", "Video title", "Video publish time", "Duration",
                       "Views"], chart), csv_bytes(["Date", "Views"], totals))
