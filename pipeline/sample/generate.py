"""Orchestration: draw the portfolio, write every export, then write the planted truth.

Truth files (in `truth_dir`, never inside `out_dir`):

* ``campaigns.csv``: one row per plan campaign with its archetype and
  ``planted_engagements`` = likes/reactions + comments + shares/reposts/retweets + saves/bookmarks
  of the campaign's organic posts *as of their latest snapshot* (posts matched by the DESIGN.md
  rules: utm URL, label, or plan hashtag within the dates; LinkedIn sponsored posts included)
  **plus** the reactions + comments + shares of its LinkedIn Campaign Manager rows (Meta and TikTok
  ads exports carry no engagement columns). Facebook: Reactions + Comments + Shares; Instagram:
  Likes + Comments + Shares + Saves; LinkedIn: Likes + Comments + Reposts; X: likes/Likes +
  replies + retweets/Reposts + Bookmarks + Shares; TikTok: likes + comments + shares; YouTube:
  Likes; Pinterest: Saves. ``planted_leads`` = HubSpot contacts whose *latest* source
  drill-down 2 is the campaign's utm_campaign + Salesforce leads whose `UTM Campaign` is it.
  ``planted_won_deals`` = HubSpot `Closed Won` deals whose first associated contact is such a
  lead + Salesforce `Closed Won` opportunities whose `Primary Campaign Source` names it.
* ``expected_rejects.csv``: the rows spoiled on purpose (file relative to out_dir, 1-based
  physical line where the row starts, description, reason keyword).
* ``personal_data.csv``: every name, email and phone written (kind, value, file), for leak tests.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from itertools import repeat
from pathlib import Path

import numpy as np

from pipeline.sample import ads, crm, hubspot, media, salesforce, social, traffic, xposts
from pipeline.sample.context import Ctx, locate_line
from pipeline.sample.periods import monthly_periods
from pipeline.sample.portfolio import ARCHETYPES, PLATFORMS, build_portfolio
from pipeline.sample.posts import make_posts
from pipeline.sample.writers import money, write_csv

__all__ = ["ARCHETYPES", "generate"]

PLAN = ["campaign_id", "campaign_name", "utm_campaign", "hashtag", "channel", "start_date",
        "end_date", "budget", "currency"]
TRUTH = ["campaign_id", "utm_campaign", "campaign_name", "archetype", "is_vanity", "start_date",
         "end_date", "planted_engagements", "planted_leads", "planted_won_deals"]
# one independent random stream per part, so changing one part leaves the others alone
STREAMS = ["portfolio", "periods", "ads_split", *PLATFORMS, "social", "meta", "linkedin_ads",
           "tiktok_ads", "leads", "hubspot", "salesforce", "ga4", "frac"]


def generate(out_dir: Path | str, truth_dir: Path | str, seed: int = 7, scale: float = 1.0,
             as_of: date = date(2026, 10, 31)) -> dict:
    """Write the sample exports under `out_dir` and the planted truth under `truth_dir`."""
    out_dir, truth_dir = Path(out_dir), Path(truth_dir)
    if scale <= 0:
        raise ValueError("scale must be positive")
    if truth_dir.resolve().is_relative_to(out_dir.resolve()):
        raise ValueError("truth_dir must not be inside out_dir (the pipeline would ingest it)")
    seqs = np.random.SeedSequence(seed).spawn(len(STREAMS))
    rngs = {name: np.random.default_rng(s) for name, s in zip(STREAMS, seqs, strict=True)}
    campaigns = build_portfolio(rngs["portfolio"], as_of, scale)
    ctx = Ctx(out_dir, rngs["social"], campaigns, as_of,
              window_start=as_of - timedelta(days=213), scale=scale)
    ctx.periods = monthly_periods(rngs["periods"], ctx.window_start, as_of)

    # engagement: LinkedIn ads take 10-20% of a LinkedIn-advertised campaign, posts the rest
    ads_e = {c.campaign_id: (int(c.engagements * rngs["ads_split"].uniform(0.1, 0.2))
                             if "linkedin" in c.ads else 0) for c in campaigns}
    organic_e = {c.campaign_id: c.engagements - ads_e[c.campaign_id] for c in campaigns}
    posts = {p: make_posts(rngs[p], campaigns, p, ctx.window_start, as_of, scale, organic_e)
             for p in PLATFORMS}
    xposts.fold_classic(posts["x"], ctx.periods)
    frac = {p: rngs["frac"].uniform(0.5, 0.92, len(v["id"])) for p, v in posts.items()}

    engagements = {c.campaign_id: ads_e[c.campaign_id] for c in campaigns}
    post_clicks: dict[tuple[int, str], int] = {}
    for p, v in posts.items():
        for ci, e, k in zip(v["camp"], v["eng"], v["clicks"], strict=True):
            if ci >= 0:
                cid = campaigns[ci].campaign_id
                engagements[cid] += int(e)
                if p not in ("youtube", "pinterest"):
                    post_clicks[(int(ci), p)] = post_clicks.get((int(ci), p), 0) + int(k)

    _plan(ctx)
    social.facebook(ctx, posts["facebook"], frac["facebook"])
    social.instagram(ctx, posts["instagram"], frac["instagram"])
    social.tiktok(ctx, posts["tiktok"], frac["tiktok"])
    social.pinterest(ctx, posts["pinterest"], frac["pinterest"])
    xposts.write(ctx, posts["x"], frac["x"])
    media.linkedin(ctx, posts["linkedin"], frac["linkedin"])
    media.youtube(ctx, posts["youtube"], frac["youtube"])

    ad_clicks: dict = {}
    ctx.rng = rngs["meta"]
    ads.meta(ctx, ad_clicks)
    ctx.rng = rngs["linkedin_ads"]
    ads.linkedin(ctx, ad_clicks, ads_e)
    ctx.rng = rngs["tiktok_ads"]
    ads.tiktok(ctx, ad_clicks)
    ctx.rng = rngs["ga4"]
    traffic.write(ctx, post_clicks, ad_clicks)

    leads = crm.draw_leads(rngs["leads"], campaigns, engagements, as_of, ctx.window_start, scale)
    won: dict[str, int] = {}
    ctx.rng = rngs["hubspot"]
    hubspot.write(ctx, leads, won)
    ctx.rng = rngs["salesforce"]
    salesforce.write(ctx, leads, won)

    counts = np.bincount(leads.camp[leads.camp >= 0], minlength=len(campaigns))
    planted_leads = {c.campaign_id: int(counts[c.idx]) for c in campaigns}
    truth = _truth(ctx, truth_dir, engagements, planted_leads, won)
    return _summary(ctx, truth)


def _plan(ctx: Ctx) -> None:
    rows = [[c.campaign_id, c.campaign_name, c.utm_campaign, c.hashtag, c.channel,
             c.start.isoformat(), c.end.isoformat(), money(c.budget), c.currency]
            for c in ctx.campaigns]
    rel = "plan/campaigns.csv"
    write_csv(ctx.path(rel), PLAN, rows)
    ctx.record(rel, "campaigns", len(rows), ctx.as_of)


def _truth(ctx: Ctx, truth_dir: Path, engagements, planted_leads, won) -> list[dict]:
    truth_dir.mkdir(parents=True, exist_ok=True)
    truth = [{"campaign_id": c.campaign_id, "utm_campaign": c.utm_campaign,
              "campaign_name": c.campaign_name, "archetype": c.archetype,
              "is_vanity": "true" if c.is_vanity else "false",
              "start_date": c.start.isoformat(), "end_date": c.end.isoformat(),
              "planted_engagements": engagements[c.campaign_id],
              "planted_leads": planted_leads[c.campaign_id],
              "planted_won_deals": won.get(c.campaign_id, 0)} for c in ctx.campaigns]
    with open(truth_dir / "campaigns.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, TRUTH, lineterminator="\n")
        w.writeheader()
        w.writerows(truth)
    with open(truth_dir / "expected_rejects.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "line", "description", "reason"])
        for r in ctx.rejects:
            line = locate_line(ctx.out / r["file"], r["token"], r["encoding"])
            w.writerow([r["file"], line, r["description"], r["reason"]])
    with open(truth_dir / "personal_data.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["kind", "value", "file"])
        names: set[str] = set()
        for kind, values, src in ctx.personal:
            unique = [v for v in dict.fromkeys(values) if v]
            if kind == "full_name":
                unique = [v for v in unique if v not in names]
                names.update(unique)
            w.writerows(zip(repeat(kind), unique, repeat(src)))
    return truth


def _summary(ctx: Ctx, truth: list[dict]) -> dict:
    rows_per_format: dict[str, int] = {}
    for f in ctx.files:
        rows_per_format[f["format"]] = rows_per_format.get(f["format"], 0) + f["rows"]
    by_arch = {a: sum(t["archetype"] == a for t in truth) for a in ARCHETYPES}
    base = {}
    mature = [t for t in truth if t["archetype"] not in ("too_early", "insufficient_data")]
    groups = {"portfolio": mature, **{a: [t for t in truth if t["archetype"] == a]
                                      for a in ARCHETYPES}}
    for name, ts in groups.items():
        e = sum(t["planted_engagements"] for t in ts)
        base[name] = round(1000 * sum(t["planted_leads"] for t in ts) / e, 2) if e else None
    return {"files": [f["path"] for f in ctx.files], "file_details": ctx.files,
            "total_rows": sum(rows_per_format.values()), "rows_per_format": rows_per_format,
            "campaigns_by_archetype": by_arch, "baseline_leads_per_1000": base}
