"""Salesforce report exports: leads and opportunities, one report per user locale.

The US user's reports are UTF-8 with `M/D/YYYY` dates; the Italian user's are Windows-1252 with
`DD/MM/YYYY` dates (and the opportunities report was re-saved by Excel: `;`, decimal commas).
Every report ends with Salesforce's footer. Opportunities come from converted leads and carry the
plan's campaign name as `Primary Campaign Source`, typed with other case or spacing now and then.
At large scale each locale's reports are split by quarter of creation.
"""

from __future__ import annotations

import numpy as np

from pipeline.sample.context import Ctx
from pipeline.sample.crm import Leads
from pipeline.sample.people import People, companies
from pipeline.sample.writers import excel_italian, write_csv

LEADS = ["Lead ID", "Created Date", "Lead Source", "UTM Campaign", "Lead Status", "Converted",
         "Converted Opportunity ID", "Email", "Company / Account"]
OPPS = ["Opportunity ID", "Opportunity Name", "Created Date", "Close Date", "Stage", "Amount",
        "Primary Campaign Source", "Account Name"]
OPEN = np.array(["Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote",
                 "Negotiation/Review"], dtype=object)
NOT_CONVERTED = np.array(["Open - Not Contacted", "Working - Contacted",
                          "Closed - Not Converted"], dtype=object)
SOURCE = {"Paid Social": "Paid Social", "Organic Social": "Social Media",
          "Organic Search": "Web", "Direct Traffic": "Web", "Email Marketing": "Email",
          "Referrals": "Partner Referral", "Offline Sources": "Trade Show"}
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BAD_DATE = "31/02/2026"
SPLIT_FROM_SCALE = 20  # from this scale on, one report per quarter


def footer(n: int) -> list[str]:
    return ["", f'"Grand Totals ({n} records)"', "", '"Confidential Information - Do Not '
            'Distribute"', '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."']


def sf_id(prefix: str, n: int) -> str:
    out = []
    for _ in range(11):
        out.append(_ALNUM[n % 62])
        n //= 62
    return prefix + "5g" + "".join(reversed(out)) + "AA"


def _dates(days: np.ndarray, italian: bool) -> list[str]:
    out = []
    for s in np.datetime_as_string(days.astype("datetime64[D]")).tolist():
        y, m, d = s[:4], s[5:7], s[8:10]
        out.append(f"{d}/{m}/{y}" if italian else f"{int(m)}/{int(d)}/{y}")
    return out


def _spellings(rng, names: list[str]) -> list[str]:
    k = rng.integers(0, 6, len(names))
    return [[n, n, n, n.lower(), n.upper(), " " + n.replace(" ", "  ") + " "][j]
            for n, j in zip(names, k.tolist(), strict=True)]


def write(ctx: Ctx, leads: Leads, won: dict[str, int]) -> None:
    rng = ctx.rng
    sel = np.flatnonzero(~leads.hub)
    lds = leads.take(sel[np.argsort(leads.created[sel], kind="stable")])
    n = len(lds)
    people = People(rng, n, "", 5_000_000)
    comp = np.array(companies(rng, n), dtype=object)
    italian = rng.random(n) < 0.5
    converted = rng.random(n) < 0.3
    created = lds.created.astype("datetime64[D]")
    close = created + rng.integers(7, 50, n).astype("timedelta64[D]")
    closed = close <= np.datetime64(ctx.as_of, "D")
    stage = OPEN[rng.integers(0, len(OPEN), n)]
    is_won = converted & closed & (rng.random(n) < 0.55)
    stage[is_won] = "Closed Won"
    stage[converted & closed & ~is_won & (rng.random(n) < 0.4)] = "Closed Lost"
    for ci in lds.camp[is_won]:
        if ci >= 0:
            cid = ctx.campaigns[ci].campaign_id
            won[cid] = won.get(cid, 0) + 1
    plan_names = [ctx.campaigns[ci].campaign_name if ci >= 0 else "" for ci in lds.camp.tolist()]
    source = np.array(_spellings(rng, plan_names), dtype=object)
    source[(lds.camp < 0) & (rng.random(n) < 0.3)] = "Partner Event 2025"
    social = np.isin(lds.source, ["Paid Social", "Organic Social"])
    utm = np.where(social, lds.dd2, "")
    lead_ids = np.array([sf_id("00Q", 9_000_000 + k * 7919) for k in range(n)], dtype=object)
    opp_ids = np.array([sf_id("006", 4_000_000 + k * 104729) if cv else ""
                        for k, cv in enumerate(converted.tolist())], dtype=object)
    lead_status = NOT_CONVERTED[rng.integers(0, 3, n)]
    lead_status[converted] = "Closed - Converted"
    amounts = np.round(rng.lognormal(np.log(2500), 0.5, n), 2)
    lead_src = np.array([SOURCE[s] for s in lds.source.tolist()], dtype=object)
    email = np.array(people.email, dtype=object)
    quarter = (created.astype("datetime64[M]").astype(int) // 3) if ctx.scale >= \
        SPLIT_FROM_SCALE else np.zeros(n, dtype=int)
    bad_done = False
    for it in (False, True):
        tag = "IT" if it else "US"
        enc = "cp1252" if it else "utf-8"
        for q in np.unique(quarter):
            rows = np.flatnonzero((italian == it) & (quarter == q))
            suffix = "" if ctx.scale < SPLIT_FROM_SCALE else \
                f"_{str(created[rows[0]].astype('datetime64[M]'))}"
            dates = _dates(created[rows], it)
            if it and not bad_done:  # one impossible date, on a lead of no campaign
                noise = np.flatnonzero(lds.camp[rows] < 0)
                if len(noise):
                    k = int(noise[len(noise) // 2])
                    dates[k] = BAD_DATE
                    bad_token = str(lead_ids[rows[k]])
            cols = [lead_ids[rows].tolist(), dates, lead_src[rows].tolist(), utm[rows].tolist(),
                    lead_status[rows].tolist(), np.where(converted[rows], "1", "0").tolist(),
                    opp_ids[rows].tolist(), email[rows].tolist(), comp[rows].tolist()]
            rel = f"salesforce/report_leads_{tag}{suffix}_{ctx.as_of:%Y%m%d}.csv"
            cnt = write_csv(ctx.path(rel), LEADS, zip(*cols, strict=True), encoding=enc,
                            footer=footer, newline="\r\n", quote_all=True)
            ctx.record(rel, "salesforce_leads", cnt, ctx.as_of,
                       "italian dates, windows-1252" if it else "us dates")
            if it and not bad_done:
                ctx.reject(rel, bad_token, f"Created Date {BAD_DATE} is not a valid date",
                           "not a valid date", enc)
                bad_done = True
            o = rows[converted[rows]]
            ocols = [opp_ids[o].tolist(), [f"{a} - {d.astype(object).year} deal" for a, d in
                                           zip(comp[o].tolist(), created[o], strict=True)],
                     _dates(created[o], it), _dates(close[o], it), stage[o].tolist(),
                     [f"{a:.2f}" for a in amounts[o].tolist()], source[o].tolist(),
                     comp[o].tolist()]
            rel = f"salesforce/report_opportunities_{tag}{suffix}_{ctx.as_of:%Y%m%d}.csv"
            body = zip(*ocols, strict=True)
            if it:  # re-saved by Excel in an Italian locale
                cnt = write_csv(ctx.path(rel), OPPS, excel_italian(body, {5}), encoding=enc,
                                delimiter=";", footer=footer, newline="\r\n")
            else:
                cnt = write_csv(ctx.path(rel), OPPS, body, footer=footer, newline="\r\n",
                                quote_all=True)
            ctx.record(rel, "salesforce_opportunities", cnt, ctx.as_of,
                       "excel-italian re-save, windows-1252" if it else "us dates")
    ctx.personal.append(("email", people.email, "salesforce/report_leads_*"))
