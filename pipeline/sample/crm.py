"""CRM leads: who became a lead through which campaign (the truth: last touch = campaign).

`draw_leads` returns columnar numpy arrays (one entry per lead, HubSpot contact or Salesforce
lead) so a million leads stay cheap; `hubspot.py` and `salesforce.py` write them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from pipeline.sample.portfolio import AD_TOOL, PLATFORM_LABEL, Campaign

HUBSPOT_SHARE = 0.75  # of campaign leads; the rest are Salesforce leads
NOISE_PER_SCALE = 3000  # HubSpot contacts of no campaign per unit of scale
SF_NOISE_PER_SCALE = 600
FIRST_TOUCH_OTHER = 0.15  # campaign leads whose first touch was an earlier campaign
OFF_PLAN_UTMS = np.array(["always_on_retargeting", "brand_evergreen", "summer_sale_25",
                          "q3_lookalike"], dtype=object)
COLUMNS = ("hub", "camp", "first_camp", "created", "source", "dd1", "dd2", "first_source",
           "first_dd1", "first_dd2")


@dataclass
class Leads:
    hub: np.ndarray  # bool: HubSpot contact (else Salesforce lead)
    camp: np.ndarray  # last-touch campaign idx, -1 none
    first_camp: np.ndarray  # first-touch campaign idx, -1 none
    created: np.ndarray  # datetime64[m], CRM local time
    source: np.ndarray  # latest source label (object str)
    dd1: np.ndarray
    dd2: np.ndarray
    first_source: np.ndarray
    first_dd1: np.ndarray
    first_dd2: np.ndarray

    def __len__(self) -> int:
        return len(self.hub)

    def take(self, idx: np.ndarray) -> Leads:
        return Leads(**{k: getattr(self, k)[idx] for k in COLUMNS})


def _minutes(rng, start: date, end: date, n: int) -> np.ndarray:
    days = rng.integers(0, (end - start).days + 1, n)
    return (np.datetime64(start, "m") + (days * 1440 + rng.integers(480, 1320, n))
            .astype("timedelta64[m]"))


def _social(rng, c: Campaign, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Platform labels and source labels of `n` touches of campaign `c`."""
    plats = list(c.platforms)
    w = np.array([c.platforms[p] for p in plats])
    pick = rng.choice(len(plats), n, p=w / w.sum())
    labels = np.array([PLATFORM_LABEL[p] for p in plats], dtype=object)[pick]
    can_pay = np.array([AD_TOOL.get(p) in c.ads for p in plats])[pick]
    paid = can_pay & (rng.random(n) < 0.6)
    return labels, np.where(paid, "Paid Social", "Organic Social").astype(object)


def planted_lead_count(rng, c: Campaign, engagements: int) -> int:
    if c.archetype == "insufficient_data":
        return int(rng.random() < 0.5)
    mu = engagements * c.rate / 1000
    # Poisson noise, kept within +-20% of the expectation so the planted rates stay clear
    return int(np.clip(rng.poisson(mu), np.floor(0.8 * mu), np.ceil(1.2 * mu)))


def draw_leads(rng: np.random.Generator, campaigns: list[Campaign], engagements: dict[str, int],
               as_of: date, window_start: date, scale: float) -> Leads:
    parts = []
    for c in campaigns:
        n = planted_lead_count(rng, c, engagements[c.campaign_id])
        if not n:
            continue
        created = _minutes(rng, c.start, min(as_of, c.end + timedelta(days=10)), n)
        dd1, src = _social(rng, c, n)
        dd2 = np.full(n, c.utm_campaign, dtype=object)
        first = np.full(n, c.idx)
        fdd1, fsrc, fdd2 = dd1.copy(), src.copy(), dd2.copy()
        earlier = [o for o in campaigns if o.start < c.start - timedelta(days=7)
                   and o.archetype != "insufficient_data"]
        if earlier:
            other = rng.random(n) < FIRST_TOUCH_OTHER
            pick = rng.integers(0, len(earlier), n)
            for k, o in enumerate(earlier):
                sel = np.flatnonzero(other & (pick == k))
                if len(sel):
                    first[sel] = o.idx
                    fdd1[sel], fsrc[sel] = _social(rng, o, len(sel))
                    fdd2[sel] = o.utm_campaign
        parts.append(Leads(rng.random(n) < HUBSPOT_SHARE, np.full(n, c.idx), first, created,
                           src, dd1, dd2, fsrc, fdd1, fdd2))
    parts.append(_noise(rng, campaigns, as_of, window_start, scale))
    return Leads(**{k: np.concatenate([getattr(p, k) for p in parts]) for k in COLUMNS})


# kinds of leads of no campaign: (latest source, drill-down 1, drill-down 2), probability
NOISE_KINDS = [
    ("Organic Search", "Google", "unknown keywords (SSL)", .22),
    ("Organic Search", "Bing", "unknown keywords (SSL)", .06),
    ("Direct Traffic", "https://www.acme-example.com/", "", .2),
    ("Email Marketing", "Newsletter", "monthly_newsletter", .15),
    ("Referrals", "partner.example.org", "", .1),
    ("Offline Sources", "IMPORT", "trade_fair_list", .08),
    ("Paid Social", "Facebook", "", .05),  # drill-down 2: an off-plan utm
    ("Organic Social", "Instagram", "", .05),
    ("Organic Search", "Google", "unknown keywords (SSL)", .09),  # first touch: a campaign
]


def _noise(rng, campaigns, as_of: date, window_start: date, scale: float) -> Leads:
    """Leads of no campaign: search, direct, email, referrals, off-plan UTMs, and some whose first
    touch was a campaign but whose last touch was not."""
    n_hub, n_sf = round(NOISE_PER_SCALE * scale), round(SF_NOISE_PER_SCALE * scale)
    n = n_hub + n_sf
    p = np.array([k[3] for k in NOISE_KINDS])
    kind = rng.choice(len(NOISE_KINDS), n, p=p / p.sum())
    src = np.array([k[0] for k in NOISE_KINDS], dtype=object)[kind]
    dd1 = np.array([k[1] for k in NOISE_KINDS], dtype=object)[kind]
    dd2 = np.array([k[2] for k in NOISE_KINDS], dtype=object)[kind]
    off = np.isin(kind, [6, 7])
    dd2[off] = OFF_PLAN_UTMS[rng.integers(0, len(OFF_PLAN_UTMS), int(off.sum()))]
    created = _minutes(rng, window_start, as_of, n)
    first = np.full(n, -1)
    fsrc, fdd1, fdd2 = src.copy(), dd1.copy(), dd2.copy()
    mature = [c for c in campaigns if c.archetype != "insufficient_data"]
    touched = np.flatnonzero(kind == len(NOISE_KINDS) - 1)
    pick = rng.integers(0, len(mature), len(touched))
    for k, o in enumerate(mature):
        sel = touched[pick == k]
        if len(sel):
            first[sel] = o.idx
            fdd1[sel], fsrc[sel] = _social(rng, o, len(sel))
            fdd2[sel] = o.utm_campaign
            created[sel] = _minutes(rng, o.start, min(as_of, o.end + timedelta(days=60)),
                                    len(sel))
    hub = np.arange(n) < n_hub
    return Leads(hub, np.full(n, -1), first, created, src, dd1, dd2, fsrc, fdd1, fdd2)


def timestamps(t: np.ndarray) -> list[str]:
    """datetime64 minutes as `YYYY-MM-DD HH:MM` strings (vectorised)."""
    text = np.datetime_as_string(t.astype("datetime64[m]")).tolist()
    return [s[:10] + " " + s[11:16] for s in text]
