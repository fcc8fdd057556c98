"""Paid campaign x day exports: Meta Ads Manager, LinkedIn Campaign Manager, TikTok Ads Manager.

Ads rows do not grow with `scale` (campaign x day x a few ads); their money and LinkedIn
engagement numbers do. Each writer returns the link clicks per (campaign idx, day, platform) so
GA4 sessions can be drawn consistently with them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np

from pipeline.sample.context import Ctx
from pipeline.sample.periods import month_end, month_starts
from pipeline.sample.portfolio import Campaign
from pipeline.sample.posts import name_variant
from pipeline.sample.writers import excel_italian, money, num, write_csv, write_xlsx

META = ["Reporting starts", "Reporting ends", "Day", "Campaign name", "Campaign delivery",
        "Attribution setting", "Results", "Result indicator", "Reach", "Frequency",
        "Cost per results", "Amount spent ({c})", "Impressions",
        "CPM (cost per 1,000 impressions) ({c})", "Link clicks", "CPC (cost per link click) ({c})",
        "CTR (link click-through rate)", "Clicks (all)", "CTR (all)", "CPC (all) ({c})",
        "Landing page views", "Cost per landing page view ({c})"]
META_IT = {"Reporting starts": "Inizio dei report", "Reporting ends": "Fine dei report",
           "Day": "Giorno", "Campaign name": "Nome della campagna",
           "Campaign delivery": "Pubblicazione della campagna",
           "Attribution setting": "Impostazione di attribuzione", "Results": "Risultati",
           "Result indicator": "Indicatore di risultato", "Reach": "Copertura",
           "Frequency": "Frequenza", "Cost per results": "Costo per risultati",
           "Amount spent ({c})": "Importo speso ({c})", "Impressions": "Impression",
           "CPM (cost per 1,000 impressions) ({c})": "CPM (costo per 1.000 impression) ({c})",
           "Link clicks": "Clic sul link",
           "CPC (cost per link click) ({c})": "CPC (costo per clic sul link) ({c})",
           "CTR (link click-through rate)": "CTR (percentuale di clic sul link)",
           "Clicks (all)": "Clic (tutti)"}
LI_ADS = ["Start Date (in UTC)", "Account Name", "Currency", "Campaign ID", "Campaign Name",
          "Campaign Status", "Campaign Type", "Campaign Objective", "Total Spent", "Impressions",
          "Clicks", "Click Through Rate", "Average CPM", "Average CPC", "Reach",
          "Clicks to Landing Page", "Reactions", "Comments", "Shares", "Follows", "Other Clicks",
          "Total Engagements", "Leads", "Lead Forms Opened", "Conversions"]
TT_ADS = ["By Day", "Campaign name", "Ad group name", "Ad name", "Cost", "Impressions",
          "Clicks (destination)", "CTR (destination)", "CPC (destination)", "CPM", "Conversions",
          "Cost per conversion", "Reach", "Frequency"]
INDICATORS = ["actions:onsite_conversion.lead_grouped", "actions:link_click", "reach",
              "actions:offsite_conversion.fb_pixel_purchase"]


def _days(c: Campaign) -> list[date]:
    return [c.start + timedelta(days=k) for k in range((c.end - c.start).days + 1)]


def _daily(ctx: Ctx, c: Campaign, tool: str, share: float) -> dict[str, np.ndarray]:
    """Spend, impressions, link clicks per day of one campaign on one ad tool."""
    days = _days(c)
    n = len(days)
    w = ctx.rng.lognormal(0, 0.35, n)
    spend = c.budget * share * w / w.sum() * max(1.0, ctx.scale ** 0.5)
    cpm = ctx.rng.uniform(4, 12) * ctx.rng.lognormal(0, 0.1, n)
    imp = np.maximum(1, np.rint(spend / cpm * 1000)).astype(np.int64)
    ctr = (0.004 if c.is_vanity else 0.011) * ctx.rng.lognormal(0, 0.25, n)
    clicks = ctx.rng.binomial(imp, np.minimum(ctr, 0.2))
    return {"day": np.array(days, dtype=object), "spend": spend, "imp": imp, "clicks": clicks,
            "reach": np.maximum(1, (imp / ctx.rng.uniform(1.1, 1.8, n)).astype(np.int64))}


def meta(ctx: Ctx, clicks_out: dict) -> None:
    camps = [c for c in ctx.campaigns if "meta" in c.ads]
    data = {c.idx: _daily(ctx, c, "meta", 0.6 if len(c.ads) > 1 else 1.0) for c in camps}
    names = {c.idx: name_variant(ctx.rng, c) for c in camps}
    indicator = {c.idx: INDICATORS[int(ctx.rng.integers(0, len(INDICATORS)))] for c in camps}
    for c in camps:
        platform = "instagram" if "instagram" in c.platforms and "facebook" not in c.platforms \
            else "facebook"
        for d, k in zip(data[c.idx]["day"], data[c.idx]["clicks"], strict=True):
            clicks_out[(c.idx, d, platform, "paid")] = clicks_out.get(
                (c.idx, d, platform, "paid"), 0) + int(k)
    files = []
    for currency in ("EUR", "USD"):
        for m in month_starts(ctx.window_start, ctx.as_of):
            end = min(month_end(m), ctx.as_of)
            rows = []
            for c in camps:
                if c.currency != currency:
                    continue
                dd = data[c.idx]
                for j, d in enumerate(dd["day"]):
                    if m <= d <= end:
                        rows.append(_meta_row(ctx, m, end, d, names[c.idx], c, dd, j,
                                              indicator[c.idx]))
            if rows:
                files.append([m, end, currency, rows, ""])
    # the two busiest EUR months: one exported in Italian, one re-saved by Excel (Italian)
    eur = sorted((f for f in files if f[2] == "EUR"), key=lambda f: (-len(f[3]), f[0]))
    for f, variant in zip(eur[:2], ("excel-italian", "italian"), strict=False):
        f[4] = variant
    for m, end, currency, rows, variant in files:
        _write_meta(ctx, m, end, currency, rows, variant)


def _meta_row(ctx, m, end, d, name, c, dd, j, indicator) -> list:
    spend, imp, clicks, reach = dd["spend"][j], int(dd["imp"][j]), int(dd["clicks"][j]), \
        int(dd["reach"][j])
    clicks_all = clicks + int(clicks * 0.4)
    lpv = int(clicks * 0.75)
    results = {"reach": reach, "actions:link_click": clicks}.get(indicator, max(0, clicks // 25))
    delivery = "completed" if c.end < ctx.as_of - timedelta(days=1) else "active"
    return [m, end, d, name, delivery, "7-day click or 1-day view", results, indicator, reach,
            imp / reach, spend / results if results else None, spend, imp, spend / imp * 1000,
            clicks, spend / clicks if clicks else None, 100 * clicks / imp, clicks_all,
            100 * clicks_all / imp, spend / clicks_all if clicks_all else None, lpv,
            spend / lpv if lpv else None]


def _fmt_meta(row: list) -> list[str]:
    out = []
    for k, v in enumerate(row):
        if v is None:
            out.append("")
        elif isinstance(v, date):
            out.append(v.isoformat())
        elif isinstance(v, str):
            out.append(v)
        elif isinstance(v, (int, np.integer)):
            out.append(str(int(v)))
        elif k in (10, 11, 13, 15, 19, 21):
            out.append(money(float(v)))
        else:
            out.append(num(float(v), 6))
    return out


def _write_meta(ctx: Ctx, m: date, end: date, currency: str, rows: list, variant: str) -> None:
    header = [h.replace("{c}", currency) for h in META]
    if variant == "italian":
        header = [META_IT.get(h, h).replace("{c}", currency) for h in META]
    tot_spend = sum(r[11] for r in rows)
    tot_imp = sum(r[12] for r in rows)
    tot_clicks = sum(r[14] for r in rows)
    tot_reach = sum(r[8] for r in rows)
    summary = [m, end, None, None, None, "7-day click or 1-day view", None, None, tot_reach,
               tot_imp / tot_reach, None, tot_spend, tot_imp, tot_spend / tot_imp * 1000,
               tot_clicks, tot_spend / tot_clicks if tot_clicks else None,
               100 * tot_clicks / tot_imp, None, None, None, None, None]
    body = [_fmt_meta(summary)] + [_fmt_meta(r) for r in rows]
    account = "acme-us" if currency == "USD" else "acme-caffe"
    downloaded = min(ctx.as_of, end + timedelta(days=2))
    rel = f"meta/Meta-Ads-{account}-Campaigns-{m.isoformat()}-{end.isoformat()}.csv"
    if variant == "excel-italian":
        numeric = set(range(6, 22)) - {7}
        write_csv(ctx.path(rel), header, excel_italian(body, numeric, {0, 1, 2}),
                  encoding="cp1252", delimiter=";", newline="\r\n")
    else:
        write_csv(ctx.path(rel), header, body, encoding="utf-8", bom=True)
    ctx.record(rel, "meta_ads", len(body), downloaded, variant or currency)


def _long_date(d: date, end_of_day: bool, at: str | None = None) -> str:
    t = at or ("11:59 PM" if end_of_day else "12:00 AM")
    return f"{d:%B} {d.day}, {d.year}, {t}"


def linkedin(ctx: Ctx, clicks_out: dict, ads_e: dict[str, int]) -> None:
    camps = [c for c in ctx.campaigns if "linkedin" in c.ads]
    data = {c.idx: _daily(ctx, c, "linkedin", 0.4 if len(c.ads) > 1 else 1.0) for c in camps}
    names = {c.idx: name_variant(ctx.rng, c) for c in camps}
    objective = {c.idx: str(ctx.rng.choice(["Lead generation", "Website visits",
                                              "Brand awareness", "Engagement"])) for c in camps}
    eng = {}
    for c in camps:
        dd = data[c.idx]
        n = len(dd["day"])
        w = ctx.rng.lognormal(0, 0.4, n)
        per_day = ctx.rng.multinomial(ads_e[c.campaign_id], w / w.sum())
        eng[c.idx] = ctx.rng.multinomial(per_day, [0.8, 0.08, 0.12])
        for d, k in zip(dd["day"], dd["clicks"], strict=True):
            key = (c.idx, d, "linkedin", "paid")
            clicks_out[key] = clicks_out.get(key, 0) + int(k)
    for m in month_starts(ctx.window_start, ctx.as_of):
        end = min(month_end(m), ctx.as_of)
        rows = []
        for c in camps:
            dd = data[c.idx]
            for j, d in enumerate(dd["day"]):
                if not m <= d <= end:
                    continue
                spend, imp, clicks = dd["spend"][j], int(dd["imp"][j]), int(dd["clicks"][j])
                r, cm, sh = (int(x) for x in eng[c.idx][j])
                other = int(clicks * 0.3)
                status = "COMPLETED" if c.end < ctx.as_of - timedelta(days=1) else "ACTIVE"
                rows.append([f"{d.month}/{d.day}/{d.year}", "Acme Caffè", "EUR",
                             str(508_300_000 + 7919 * (c.idx + 1)), names[c.idx], status,
                             "Sponsored Content", objective[c.idx], money(spend), str(imp),
                             str(clicks), f"{100 * clicks / imp:.3f}%",
                             money(spend / imp * 1000), money(spend / clicks) if clicks else "0",
                             str(int(dd["reach"][j])), str(int(clicks * 0.8)), str(r), str(cm),
                             str(sh), str(int(clicks * 0.01)), str(other),
                             str(r + cm + sh + clicks + other), "0", "0", "0"])
        if not rows:
            continue
        generated = min(ctx.as_of, end + timedelta(days=1))
        pre = ["Campaign Performance Report", f"Report Start: {_long_date(m, False)}",
               f"Report End: {_long_date(end, True)}",
               f"Date Generated: {_long_date(generated, False, '9:14 AM')}", ""]
        rel = (f"linkedin/campaign_performance_report_{m.isoformat()}_{end.isoformat()}"
               f"_generated_{generated.isoformat()}.csv")
        n = write_csv(ctx.path(rel), LI_ADS, rows, encoding="utf-16-le", bom=True,
                      delimiter="\t", preamble=pre, newline="\r\n")
        ctx.record(rel, "linkedin_ads", n, generated, "utf-16le tab preamble")


def tiktok(ctx: Ctx, clicks_out: dict) -> None:
    camps = [c for c in ctx.campaigns if "tiktok" in c.ads]
    data = {c.idx: _daily(ctx, c, "tiktok", 0.5 if len(c.ads) > 1 else 1.0) for c in camps}
    names = {c.idx: name_variant(ctx.rng, c) for c in camps}
    for c in camps:
        for d, k in zip(data[c.idx]["day"], data[c.idx]["clicks"], strict=True):
            key = (c.idx, d, "tiktok", "paid")
            clicks_out[key] = clicks_out.get(key, 0) + int(k)
    months = [m for m in month_starts(ctx.window_start, ctx.as_of)
              if any(m <= d <= month_end(m) for c in camps for d in data[c.idx]["day"])]
    for k, m in enumerate(months):
        end = min(month_end(m), ctx.as_of)
        rows = []
        for c in camps:
            dd = data[c.idx]
            for j, d in enumerate(dd["day"]):
                if not m <= d <= end:
                    continue
                split = ctx.rng.dirichlet(np.ones(3))
                for a in range(3):
                    spend = float(dd["spend"][j] * split[a])
                    imp = max(1, int(dd["imp"][j] * split[a]))
                    clicks = int(round(int(dd["clicks"][j]) * split[a]))
                    reach = max(1, int(imp / 1.3))
                    conv = clicks // 30
                    rows.append([d.isoformat(), names[c.idx], f"{c.utm_campaign}_ag{a // 2 + 1}",
                                 f"{c.utm_campaign}_video_{a + 1}", round(spend, 2), imp, clicks,
                                 round(clicks / imp, 4), round(spend / clicks, 2) if clicks else 0,
                                 round(spend / imp * 1000, 2), conv,
                                 round(spend / conv, 2) if conv else 0, reach,
                                 round(imp / reach, 2)])
        downloaded = min(ctx.as_of, end + timedelta(days=3))
        base = f"tiktok/TikTok_Ads_Manager_Campaign_Report_{m.isoformat()}_{end.isoformat()}"
        if k == len(months) // 2:
            rel = base + ".xlsx"
            stamp = datetime(downloaded.year, downloaded.month, downloaded.day, 10, 0)
            write_xlsx(ctx.path(rel), [("Sheet1", [TT_ADS] + rows)], stamp)
            variant = "xlsx"
        else:
            rel = base + ".csv"
            write_csv(ctx.path(rel), TT_ADS, ([str(x) for x in r] for r in rows), bom=True)
            variant = "csv"
        ctx.record(rel, "tiktok_ads", len(rows), downloaded, variant)
