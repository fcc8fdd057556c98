"""X (Twitter) exports: the classic tweet activity CSV for older months, the current
`account_analytics_content_*` CSV for the last ones.

Classic: every field quoted, counts as floats (`1777.0`), `-` in promoted columns, HTML entities
in the text, and the oldest file says `favorites` for `likes`. Bookmarks and shares only exist in
the current export, so posts whose latest snapshot is a classic file get none (their engagement
is folded into likes before anything is written, so the truth stays what the files show).
"""

from __future__ import annotations

import html
from datetime import timedelta

import numpy as np

from pipeline.sample.context import Ctx, strs
from pipeline.sample.periods import assign
from pipeline.sample.social import snap
from pipeline.sample.writers import write_csv

CLASSIC = ["Tweet id", "Tweet permalink", "Tweet text", "time", "impressions", "engagements",
           "engagement rate", "retweets", "replies", "likes", "user profile clicks", "url clicks",
           "hashtag clicks", "detail expands", "permalink clicks", "app opens", "app installs",
           "follows", "email tweet", "dial phone", "media views", "media engagements"]
PROMOTED = ["promoted impressions", "promoted engagements", "promoted engagement rate",
            "promoted retweets", "promoted replies", "promoted likes",
            "promoted user profile clicks", "promoted url clicks", "promoted hashtag clicks",
            "promoted detail expands", "promoted permalink clicks", "promoted app opens",
            "promoted app installs", "promoted follows", "promoted email tweet",
            "promoted dial phone", "promoted media views", "promoted media engagements"]
CURRENT = ["Post id", "Date", "Post text", "Post Link", "Impressions", "Likes", "Engagements",
           "Bookmarks", "Shares", "New follows", "Replies", "Reposts", "Profile visits",
           "Detail Expands", "URL Clicks", "Hashtag Clicks", "Permalink Clicks"]
HANDLE = "acme"
N_CURRENT = 2  # the last two monthly exports use the current format


def fold_classic(posts: dict, periods) -> None:
    """Posts whose latest export is classic: bookmarks and shares become likes."""
    _, last = assign(posts["time"], periods)
    classic = last < len(periods) - N_CURRENT
    for key in ("bookmarks", "shares"):
        posts["likes"] = posts["likes"] + np.where(classic, posts[key], 0)
        posts[key] = np.where(classic, 0, posts[key])


def write(ctx: Ctx, posts: dict, frac: np.ndarray) -> None:
    members, last = assign(posts["time"], ctx.periods)
    n_per = len(ctx.periods)
    keys = ["views", "likes", "replies", "retweets", "bookmarks", "shares", "clicks",
            "other_clicks", "follows"]
    ids = posts["id"].astype(str).astype(object)
    escaped = np.array([html.escape(t, quote=False) for t in posts["text"].tolist()],
                       dtype=object)
    stamps = np.datetime_as_string(posts["time"].astype("datetime64[m]")).tolist()
    classic_time = np.array([f"{t[:10]} {t[11:16]} +0000" for t in stamps], dtype=object)
    current_day = np.array([d.strftime("%a, %b %d, %Y") for d in
                            posts["time"].astype("datetime64[D]").astype(object)], dtype=object)
    for k, (p, idx) in enumerate(zip(ctx.periods, members, strict=True)):
        v = snap(posts, idx, k, last, frac, keys)
        m = len(idx)
        url, other = v["clicks"], v["other_clicks"]
        if k < n_per - N_CURRENT:
            header = CLASSIC + PROMOTED
            if k == 0:
                header = ["favorites" if h == "likes" else h for h in header]
            imp = v["views"]
            engagements = v["likes"] + v["replies"] + v["retweets"] + url + other
            rate = [repr(e / i) if i else "0.0" for e, i in zip(engagements.tolist(),
                                                                imp.tolist(), strict=True)]
            zero = ["0"] * m
            cols = [ids[idx].tolist(),
                    [f"https://twitter.com/{HANDLE}/status/{i}" for i in ids[idx].tolist()],
                    escaped[idx].tolist(), classic_time[idx].tolist(), _floats(imp),
                    _floats(engagements), rate, _floats(v["retweets"]), _floats(v["replies"]),
                    _floats(v["likes"]), _floats(other // 3), _floats(url), _floats(other // 6),
                    _floats(other // 3), _floats(other // 6), zero, zero, strs(v["follows"]),
                    zero, zero, zero, zero] + [["-"] * m] * len(PROMOTED)
            end_next = p.end + timedelta(days=1)
            rel = (f"x/tweet_activity_metrics_{HANDLE}_{p.start:%Y%m%d}_{end_next:%Y%m%d}"
                   f"_en.csv")
            n = write_csv(ctx.path(rel), header, zip(*cols, strict=True), quote_all=True)
            ctx.record(rel, "x_posts", n, p.downloaded,
                       "classic favorites" if k == 0 else "classic")
        else:
            core = v["likes"] + v["replies"] + v["retweets"] + v["bookmarks"] + v["shares"]
            cols = [ids[idx].tolist(), current_day[idx].tolist(), posts["text"][idx].tolist(),
                    [f"https://x.com/{HANDLE}/status/{i}" for i in ids[idx].tolist()],
                    strs(v["views"]), strs(v["likes"]), strs(core + url + other),
                    strs(v["bookmarks"]), strs(v["shares"]), strs(v["follows"]),
                    strs(v["replies"]), strs(v["retweets"]), strs(other // 3),
                    strs(other // 3), strs(url), strs(other // 6), strs(other // 6)]
            rel = f"x/account_analytics_content_{p.start.isoformat()}_{p.end.isoformat()}.csv"
            n = write_csv(ctx.path(rel), CURRENT, zip(*cols, strict=True))
            ctx.record(rel, "x_posts", n, p.downloaded, "current")


def _floats(values: np.ndarray) -> list[str]:
    return [f"{x}.0" for x in values.astype(np.int64).tolist()]
