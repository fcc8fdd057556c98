"""The planted campaign portfolio: campaigns, their archetypes and the volumes they will get.

Pure numpy and the standard library. Everything downstream (posts, ads, GA4, CRM) is drawn from
the numbers fixed here, so the truth file can be written from what was actually generated.

Volumes at scale 1 (``E`` = engagements, ``rate`` = leads per 1,000 engagements):

* ``converting``: E 25k-70k, rate 0.7-1.2 x the nominal baseline of 8;
* ``vanity``: E in the busier half of the portfolio (30k-75k, one ``viral`` 150k-200k), rate
  0.06-0.17 x the *portfolio* rate (solved so it holds whatever the mix);
* ``efficient``: E 2.5k-8k, rate 1.55-2.5 x 8; ``underperforming``: E 2.5k-8k, rate 0.05-0.2 x 8;
* ``too_early``: ended 0-10 days before ``as_of``, any volume and rate;
* ``insufficient_data``: 15-80 engagements whatever the scale, 0-1 leads.

Every campaign but ``too_early`` ends at least 20 days before ``as_of``. ``scale`` multiplies
every E but the insufficient ones (so leads scale too).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

ARCHETYPES = ("converting", "vanity", "efficient", "underperforming", "too_early",
              "insufficient_data")
NOMINAL_RATE = 8.0  # leads per 1,000 engagements of a converting campaign

PLATFORMS = ("facebook", "instagram", "linkedin", "x", "tiktok", "youtube", "pinterest")
PLATFORM_LABEL = {"facebook": "Facebook", "instagram": "Instagram", "linkedin": "LinkedIn",
                  "x": "Twitter", "tiktok": "TikTok", "youtube": "YouTube",
                  "pinterest": "Pinterest"}
# the ad manager that can run paid campaigns for a platform
AD_TOOL = {"facebook": "meta", "instagram": "meta", "linkedin": "linkedin", "tiktok": "tiktok"}
# platforms whose posts can only be attributed by hashtag (no URL / label column)
HASHTAG_ONLY = {"youtube", "pinterest"}

THEMES = [
    "Spring Sale", "Summer Launch", "Back to School", "Black Friday Teaser", "Autumn Webinar",
    "Product Demo Days", "Customer Stories", "Brand Awareness", "Influencer Collab", "Giveaway",
    "Ebook Download", "Free Trial Push", "Holiday Lookbook", "Trade Show Milano", "Caffè Week",
    "Loyalty Club", "App Launch", "Newsletter Signup", "Case Study Series", "Flash Deal",
    "Partner Webinar", "Referral Bonus", "Sustainability Story", "Meme Challenge",
    "Dance Challenge", "Behind the Scenes", "Pricing Update", "Growth Summit", "Crème Brûlée Days",
    "Early Bird Tickets", "Retail Roadshow", "Founders AMA", "Studio Open Day", "Gift Guide",
    "Design Sprint", "Podcast Launch", "Whitepaper Series", "Webinar Week", "Zero Waste Month",
    "Outlet Weekend",
]
VIRAL_THEMES = ["Meme Challenge", "Dance Challenge", "Giveaway", "Influencer Collab"]

# campaign counts per archetype at scale 1 (24 in all); seeds move one campaign around
BASE_COUNTS = {"converting": 6, "vanity": 5, "efficient": 4, "underperforming": 3,
               "too_early": 3, "insufficient_data": 3}


@dataclass
class Campaign:
    idx: int
    campaign_id: str
    campaign_name: str
    utm_campaign: str
    hashtag: str  # "" when the plan has none
    channel: str  # primary platform or "multi"
    start: date
    end: date
    budget: float
    currency: str
    archetype: str
    viral: bool = False
    platforms: dict[str, float] = field(default_factory=dict)  # platform -> share of organic E
    ads: list[str] = field(default_factory=list)  # ad tools with paid rows
    engagements: int = 0  # target (organic posts + LinkedIn ads), set by the portfolio
    rate: float = 0.0  # target leads per 1,000 engagements
    click_ratio: float = 0.05  # link clicks per engagement

    @property
    def is_vanity(self) -> bool:
        return self.archetype == "vanity"


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def utm_of(name: str) -> str:
    return "_".join(strip_accents(name).lower().replace("-", " ").split())


def hashtag_of(name: str) -> str:
    return "#" + "".join(w[:1].upper() + w[1:] for w in strip_accents(name).split())


def _counts(rng: np.random.Generator) -> dict[str, int]:
    counts = dict(BASE_COUNTS)
    # move one campaign between two of the "steady" archetypes so seeds differ in mix too
    move = rng.integers(0, 4)
    if move == 1:
        counts["converting"] += 1
        counts["underperforming"] -= 1
    elif move == 2:
        counts["vanity"] += 1
        counts["insufficient_data"] -= 1
    elif move == 3:
        counts["efficient"] -= 1
        counts["converting"] += 1
    return counts


def _dates(rng, archetype: str, window_start: date, as_of: date) -> tuple[date, date]:
    length = int(rng.integers(14, 46))
    if archetype == "too_early":
        end = as_of - timedelta(days=int(rng.integers(0, 11)))
    else:
        latest_end = as_of - timedelta(days=20)
        earliest_end = window_start + timedelta(days=length)
        span = max(0, (latest_end - earliest_end).days)
        end = earliest_end + timedelta(days=int(rng.integers(0, span + 1)))
    start = max(window_start, end - timedelta(days=length))
    return start, end


def _platforms(rng, archetype: str, viral: bool, has_hashtag: bool) -> dict[str, float]:
    pool = [p for p in PLATFORMS if has_hashtag or p not in HASHTAG_ONLY]
    if viral:
        primary = str(rng.choice(["tiktok", "instagram"]))
    elif archetype in ("efficient", "underperforming"):
        primary = str(rng.choice([p for p in ("linkedin", "facebook", "x", "instagram")
                                  if p in pool]))
    else:
        primary = str(rng.choice(pool))
    others = [p for p in pool if p != primary]
    n_extra = int(rng.integers(0, 3)) if archetype != "insufficient_data" else 0
    extra = [str(p) for p in rng.choice(others, size=n_extra, replace=False)]
    if not extra:
        return {primary: 1.0}
    main = float(rng.uniform(0.6, 0.8))
    w = rng.dirichlet(np.ones(len(extra))) * (1 - main)
    return {primary: main, **{p: float(x) for p, x in zip(extra, w, strict=True)}}


def build_portfolio(rng: np.random.Generator, as_of: date, scale: float) -> list[Campaign]:
    """Draw the campaigns (sorted by start date, ids C001...) with their volume targets."""
    window_start = as_of - timedelta(days=213)
    counts = _counts(rng)
    archetypes = [a for a in ARCHETYPES for _ in range(counts[a])]
    rng.shuffle(archetypes)
    themes = list(rng.permutation(THEMES))
    viral_theme = next(t for t in themes if t in VIRAL_THEMES)
    themes.remove(viral_theme)
    viral_at = archetypes.index("vanity")
    usd_at = int(rng.choice([i for i, a in enumerate(archetypes) if a == "converting"]))
    year = as_of.year % 100
    drafts = []
    for i, archetype in enumerate(archetypes):
        viral = i == viral_at
        theme = viral_theme if viral else themes.pop()
        name = f"{theme} {year}"
        has_hashtag = viral or rng.random() < 0.7
        start, end = _dates(rng, archetype, window_start, as_of)
        platforms = _platforms(rng, archetype, viral, has_hashtag)
        primary = max(platforms, key=platforms.get)
        channel = primary if len(platforms) == 1 or rng.random() < 0.6 else "multi"
        ads = sorted({AD_TOOL[p] for p in platforms if p in AD_TOOL and rng.random() < 0.65})
        if archetype == "insufficient_data":
            ads = []
        drafts.append(dict(
            campaign_name=name, utm_campaign=utm_of(name),
            hashtag=hashtag_of(name) if has_hashtag else "", channel=channel, start=start,
            end=end, currency="USD" if i == usd_at else "EUR", archetype=archetype,
            viral=viral, platforms=platforms, ads=ads))
    for d in drafts:
        if d["currency"] == "USD" and "meta" not in d["ads"]:  # runs on a US Meta ad account
            d["ads"] = sorted(d["ads"] + ["meta"])
        paid = rng.choice([1000, 1500, 2000, 3000, 5000, 8000, 12000])
        d["budget"] = float(paid if d["ads"] else rng.choice([0, 200, 300, 500]))
    drafts.sort(key=lambda d: (d["start"], d["campaign_name"]))
    campaigns = [Campaign(idx=i, campaign_id=f"C{i + 1:03d}", **d) for i, d in enumerate(drafts)]
    _set_volumes(rng, campaigns, scale)
    return campaigns


def _set_volumes(rng, campaigns: list[Campaign], scale: float) -> None:
    s = float(scale)
    by = {a: [c for c in campaigns if c.archetype == a] for a in ARCHETYPES}
    for k, c in enumerate(by["converting"]):
        c.engagements = int(rng.uniform(25_000, 70_000) * s)
        # one borderline converting campaign: well below nominal, still far above vanity
        c.rate = NOMINAL_RATE * (0.7 if k == 0 else rng.uniform(0.85, 1.2))
        c.click_ratio = rng.uniform(0.05, 0.09)
    for c in by["efficient"] + by["underperforming"]:
        c.engagements = int(rng.uniform(2_500, 8_000) * s)
        c.click_ratio = rng.uniform(0.03, 0.08)
    for k, c in enumerate(by["efficient"]):
        c.rate = NOMINAL_RATE * (1.55 if k == 0 else rng.uniform(1.7, 2.5))
    for c in by["underperforming"]:  # 0.4-1.6 per 1,000: well under the portfolio (~3-4)
        c.rate = NOMINAL_RATE * rng.uniform(0.05, 0.2)
    for c in by["too_early"]:
        c.engagements = int(rng.uniform(8_000, 50_000) * s)
        c.rate = NOMINAL_RATE * rng.uniform(0.1, 1.3)
        c.click_ratio = rng.uniform(0.02, 0.08)
    for c in by["insufficient_data"]:
        c.engagements = int(rng.integers(15, 81))  # a handful, whatever the scale
        c.rate = 0.0  # leads drawn separately: 0 or 1
        c.click_ratio = 0.05
    vanity = by["vanity"]
    for c in vanity:
        c.engagements = int((rng.uniform(150_000, 200_000) if c.viral
                             else rng.uniform(30_000, 75_000)) * s)
        c.click_ratio = 0.004 if c.viral else rng.uniform(0.005, 0.015)
    # vanity must sit clearly in the busier half of the mature campaigns: every vanity campaign
    # above enough of the others that its percentile rank is >= 0.55 (so small differences in
    # how engagement is counted cannot move it out of the top half)
    mature = [c for c in campaigns if c.archetype not in ("too_early", "insufficient_data")]
    others = [c for c in mature if not c.is_vanity]
    ordered = sorted(c.engagements for c in others)
    need = min(len(ordered), max(1, math.ceil(0.55 * len(mature)))) - 1
    for c in vanity:
        if c.engagements <= ordered[need] * 1.03:
            c.engagements = int(ordered[need] * rng.uniform(1.05, 1.25))
    # vanity rates as fractions of the portfolio rate p: p = sum(E r, others) / (sum E - sum f E)
    # (one borderline vanity campaign at 0.17 x the portfolio, the viral one at 0.02 x)
    fractions = {c.campaign_id: (0.02 if c.viral else (0.17 if k == 1 else rng.uniform(0.06, 0.14)))
                 for k, c in enumerate(vanity)}
    total_e = sum(c.engagements for c in mature)
    p = sum(c.engagements * c.rate for c in others) / (
        total_e - sum(fractions[c.campaign_id] * c.engagements for c in vanity))
    for c in vanity:
        c.rate = fractions[c.campaign_id] * p
