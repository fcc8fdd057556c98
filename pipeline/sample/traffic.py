"""GA4 Traffic acquisition exports, one per month, by day x source/medium x campaign.

Campaign sessions follow the campaign's clicks (post link clicks spread over the campaign days
plus the ad tools' daily link clicks) at 60-85%; the rest of the traffic is search, direct,
email and a long tail of referral sites that grows with `scale`.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from pipeline.sample.context import Ctx
from pipeline.sample.fastcsv import write_columns
from pipeline.sample.periods import month_end, month_starts
from pipeline.sample.writers import money, num

HEADER = ["Date", "Session source / medium", "Session campaign", "Sessions", "Engaged sessions",
          "Engagement rate", "Key events", "Total revenue"]
SOURCE = {"facebook": "facebook", "instagram": "instagram", "linkedin": "linkedin", "x": "x",
          "tiktok": "tiktok", "youtube": "youtube", "pinterest": "pinterest"}
WORDS = ["news", "blog", "forum", "shop", "guide", "deals", "food", "travel", "design", "tech",
         "daily", "city", "review", "magazine", "weekly", "local"]
REFERRALS_PER_SCALE = 30


def write(ctx: Ctx, post_clicks: dict, ad_clicks: dict) -> None:
    """`post_clicks`: (campaign idx, platform) -> link clicks of its posts;
    `ad_clicks`: (campaign idx, day, platform, 'paid') -> link clicks of its ads that day."""
    rng = ctx.rng
    cells: dict[tuple[date, str, str], int] = {}
    for (ci, platform), clicks in post_clicks.items():
        c = ctx.campaigns[ci]
        last = min(ctx.as_of, c.end + timedelta(days=3))
        days = [c.start + timedelta(days=k) for k in range((last - c.start).days + 1)]
        per_day = rng.multinomial(int(clicks), np.ones(len(days)) / len(days))
        for d, k in zip(days, per_day, strict=True):
            key = (d, f"{SOURCE[platform]} / social", c.utm_campaign)
            cells[key] = cells.get(key, 0) + int(k)
    for (ci, d, platform, _), clicks in ad_clicks.items():
        key = (d, f"{SOURCE[platform]} / paid", ctx.campaigns[ci].utm_campaign)
        cells[key] = cells.get(key, 0) + int(clicks)
    vanity = {c.utm_campaign for c in ctx.campaigns if c.is_vanity}
    keys = list(cells)
    day = np.array([k[0] for k in keys], dtype="datetime64[D]")
    sm = np.array([k[1] for k in keys], dtype=object)
    camp = np.array([k[2] for k in keys], dtype=object)
    clicks = np.array([cells[k] for k in keys], dtype=np.int64)
    sessions = np.rint(clicks * rng.uniform(0.6, 0.85, len(keys))).astype(np.int64)
    conv = np.where(np.isin(camp, list(vanity)), 0.004, 0.03)
    parts = [(day, sm, camp, sessions, conv)]
    # the rest of the traffic: a few big sources and a long tail of referral sites
    days = np.arange(np.datetime64(ctx.window_start), np.datetime64(ctx.as_of) + 1)
    nd = len(days)
    for source, campaign, mean in [("google / organic", "(organic)", 180),
                                   ("bing / organic", "(organic)", 15),
                                   ("(direct) / (none)", "(not set)", 120),
                                   ("newsletter / email", "monthly_newsletter", 25),
                                   ("facebook / social", "(not set)", 20)]:
        parts.append((days, np.full(nd, source, dtype=object), np.full(nd, campaign, dtype=object),
                      rng.poisson(mean * ctx.scale ** 0.5, nd) + 1, np.full(nd, 0.02)))
    n_ref = max(3, round(REFERRALS_PER_SCALE * ctx.scale))
    referrals = np.array([f"{WORDS[k % len(WORDS)]}{k // len(WORDS) or ''}.example.com / referral"
                          for k in range(n_ref)], dtype=object)
    grid_d, grid_r = np.meshgrid(np.arange(nd), np.arange(n_ref), indexing="ij")
    on = rng.random(grid_d.shape) < 0.6
    gd, gr = grid_d[on], grid_r[on]
    parts.append((days[gd], referrals[gr], np.full(len(gd), "(not set)", dtype=object),
                  rng.poisson(4, len(gd)) + 1, np.full(len(gd), 0.01)))
    day, sm, camp, sessions, conv = (np.concatenate(x) for x in zip(*parts, strict=True))
    keep = sessions > 0
    day, sm, camp, sessions, conv = day[keep], sm[keep], camp[keep], sessions[keep], conv[keep]
    engaged = rng.binomial(sessions, 0.55)
    key_events = rng.binomial(sessions, conv)
    revenue = np.where(rng.random(len(sessions)) < 0.5,
                       key_events * rng.uniform(20, 80, len(sessions)), 0.0)
    _, sm_code = np.unique(sm.astype(str), return_inverse=True)
    _, camp_code = np.unique(camp.astype(str), return_inverse=True)
    order = np.lexsort((camp_code, sm_code, -sessions, day))
    day, sm, camp = day[order], sm[order], camp[order]
    sessions, engaged, key_events, revenue = (sessions[order], engaged[order], key_events[order],
                                              revenue[order])
    month = day.astype("datetime64[M]")
    months = month_starts(ctx.window_start, ctx.as_of)
    for k, m in enumerate(months):
        end = min(month_end(m), ctx.as_of)
        rows = np.flatnonzero(month == np.datetime64(m, "M"))
        header = list(HEADER)
        if k == 0:
            header[6] = "Conversions"  # an export made with the old wording
        pre = ["# ----------------------------------------",
               "# Traffic acquisition: Session source / medium", "# Account: Acme Caffè",
               "# Property: Acme Caffè - GA4", "# ----------------------------------------",
               "#", "# All Users", f"# Start date: {m:%Y%m%d}", f"# End date: {end:%Y%m%d}"]
        s, e = sessions[rows], engaged[rows]
        cols = [day[rows], sm[rows], camp[rows], s, e, np.round(e / np.maximum(s, 1), 6),
                key_events[rows], np.round(revenue[rows], 2)]
        footer = []
        if k % 2 == 1:
            ts, te = int(s.sum()), int(e.sum())
            footer = [f"Grand total,,,{ts},{te},{num(te / ts if ts else 0, 6)},"
                      f"{int(key_events[rows].sum())},{money(float(revenue[rows].sum()))}"]
        downloaded = min(ctx.as_of, end + timedelta(days=2))
        rel = (f"ga4/Traffic_acquisition_Session_source_medium_{m:%Y%m%d}-{end:%Y%m%d}"
               f"_exported_{downloaded:%Y%m%d}.csv")
        write_columns(ctx.path(rel), header, cols, preamble=pre, footer=footer,
                      timestamp_format="%Y%m%d")
        ctx.record(rel, "ga4_traffic", len(rows), downloaded,
                   ("old Conversions; " if k == 0 else "") + ("Grand total" if k % 2 else ""))
