"""HubSpot exports: all contacts (the current export and an older one, so the newest export has
to win) and all deals.

Won deals reach campaigns through their first associated contact's last touch; a second
associated contact, when present, comes from the same campaign. Columnar and vectorised.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from pipeline.sample.context import Ctx
from pipeline.sample.crm import Leads
from pipeline.sample.fastcsv import write_columns
from pipeline.sample.people import OWNERS, People

CONTACTS = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Create Date",
            "Lifecycle Stage", "Lead Status", "Original Source", "Original Source Drill-Down 1",
            "Original Source Drill-Down 2", "Latest Source", "Latest Source Drill-Down 1",
            "Latest Source Drill-Down 2", "Became a Lead Date", "Became a Customer Date"]
DEALS = ["Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Close Date",
         "Create Date", "Deal owner", "Associated Contact IDs"]
OPEN_STAGES = np.array(["Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled",
                        "Decision Maker Bought-In", "Contract Sent"], dtype=object)
LEAD_STATUS = np.array(["NEW", "OPEN", "IN_PROGRESS", "ATTEMPTED_TO_CONTACT", "CONNECTED",
                        "UNQUALIFIED"], dtype=object)
P_DEAL, P_WON, P_TWO_CONTACTS = 0.22, 0.5, 0.15
DAY = np.timedelta64(1440, "m")


def _mates(rng, camp: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each contact position in `rows`, a random contact of the same campaign."""
    order = np.argsort(camp, kind="stable")
    sorted_camp = camp[order]
    lo = np.searchsorted(sorted_camp, camp[rows], "left")
    hi = np.searchsorted(sorted_camp, camp[rows], "right")
    return order[lo + (rng.random(len(rows)) * (hi - lo)).astype(np.int64)]


def write(ctx: Ctx, leads: Leads, won: dict[str, int]) -> None:
    """Write contacts and deals; add each campaign's won deals to `won` (campaign_id -> n)."""
    rng = ctx.rng
    sel = np.flatnonzero(leads.hub)
    c = leads.take(sel[np.argsort(leads.created[sel], kind="stable")])
    n = len(c)
    ids = 80_000_000_000 + np.cumsum(rng.integers(1, 5_000, n))
    people = People(rng, n, "", 0)
    subscriber = (c.camp < 0) & (c.source == "Email Marketing") & (rng.random(n) < 0.5)
    became = c.created + rng.integers(0, 180, n).astype("timedelta64[m]")
    as_of = np.datetime64(ctx.as_of, "D")

    # deals: one per dealing contact
    d = np.flatnonzero((rng.random(n) < P_DEAL) & ~subscriber)
    d_created = c.created[d] + rng.integers(1, 20, len(d)) * DAY + np.timedelta64(37, "m")
    keep = d_created.astype("datetime64[D]") <= as_of
    d, d_created = d[keep], d_created[keep]
    nd = len(d)
    d_close = d_created + rng.integers(5, 40, nd) * DAY
    closed = d_close.astype("datetime64[D]") <= as_of
    is_won = closed & (rng.random(nd) < P_WON)
    is_lost = closed & ~is_won & (rng.random(nd) < 0.5)
    stage_d = OPEN_STAGES[rng.integers(0, len(OPEN_STAGES), nd)]
    stage_d[is_won] = "Closed Won"
    stage_d[is_lost] = "Closed Lost"
    for ci in c.camp[d[is_won]]:
        if ci >= 0:
            cid = ctx.campaigns[ci].campaign_id
            won[cid] = won.get(cid, 0) + 1
    two = (c.camp[d] >= 0) & (rng.random(nd) < P_TWO_CONTACTS)
    mates = np.full(nd, -1)
    mates[two] = _mates(rng, c.camp, d[two])
    mates[mates == d] = -1
    deal_ids = 90_000_000_000 + np.cumsum(rng.integers(1, 9_000, nd))
    amounts = np.round(rng.lognormal(np.log(1200), 0.6, nd), 2)
    owners = np.array(OWNERS, dtype=object)[rng.integers(0, len(OWNERS), nd)]
    contacts = [f"{ids[k]};{ids[m]}" if m >= 0 else str(ids[k])
                for k, m in zip(d.tolist(), mates.tolist(), strict=True)]
    names = [f"{people.last[k]} - order {i % 100000}"
             for k, i in zip(d.tolist(), deal_ids.tolist(), strict=True)]
    deals = [deal_ids, np.array(names, dtype=object), stage_d, np.full(nd, "Sales Pipeline",
             dtype=object), np.array([f"{a:.2f}" for a in amounts.tolist()], dtype=object),
             d_close, d_created, owners, np.array(contacts, dtype=object)]

    # lifecycle per contact
    mql = rng.random(n)
    stage = np.where(mql < 0.25, "marketingqualifiedlead",
                     np.where(mql < 0.35, "salesqualifiedlead", "lead")).astype(object)
    stage[subscriber] = "subscriber"
    event = np.full(n, np.datetime64("NaT"), dtype="datetime64[m]")  # when the stage was reached
    stage[d[~is_won & ~is_lost]] = "opportunity"
    event[d[~is_won & ~is_lost]] = d_created[~is_won & ~is_lost]
    stage[d[is_won]] = "customer"
    event[d[is_won]] = d_close[is_won]
    status = LEAD_STATUS[rng.integers(0, len(LEAD_STATUS), n)]
    status[stage == "customer"] = ""
    became = became.copy()
    became[subscriber] = np.datetime64("NaT")
    first, last_name = np.array(people.first, dtype=object), np.array(people.last, dtype=object)
    email, phone = np.array(people.email, dtype=object), np.array(people.phone, dtype=object)

    older = ctx.as_of - timedelta(days=92)
    for day in (older, ctx.as_of):
        rows = np.flatnonzero(c.created.astype("datetime64[D]") <= np.datetime64(day, "D"))
        st = stage[rows].copy()
        late = ~np.isnat(event[rows]) & (event[rows].astype("datetime64[D]") >
                                         np.datetime64(day, "D"))
        st[late] = "lead"
        cust = np.where(st == "customer", event[rows], np.datetime64("NaT"))
        stat = status[rows].copy()
        stat[late] = "OPEN"
        cols = [ids[rows], first[rows], last_name[rows], email[rows], phone[rows],
                c.created[rows], st, stat, c.first_source[rows], c.first_dd1[rows],
                c.first_dd2[rows], c.source[rows], c.dd1[rows], c.dd2[rows], became[rows], cust]
        rel = f"hubspot/hubspot-crm-exports-all-contacts-{day.isoformat()}.csv"
        cnt = write_columns(ctx.path(rel), CONTACTS, cols)
        ctx.record(rel, "hubspot_contacts", cnt, day, "current" if day == ctx.as_of else "older")
    rel = f"hubspot/hubspot-crm-exports-all-deals-{ctx.as_of.isoformat()}.csv"
    cnt = write_columns(ctx.path(rel), DEALS, deals)
    ctx.record(rel, "hubspot_deals", cnt, ctx.as_of)
    src = f"hubspot/hubspot-crm-exports-all-contacts-{ctx.as_of.isoformat()}.csv"
    ctx.personal += [("full_name", people.full_names(), src), ("email", people.email, src),
                     ("phone", people.phone, src), ("full_name", OWNERS, rel)]

