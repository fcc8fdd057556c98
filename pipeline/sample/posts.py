"""Organic posts per platform: who posted what, when, for which campaign, with final numbers.

A platform's posts are a dict of equally long numpy arrays (one entry per post, sorted by publish
time). ``eng`` holds the engagement components of the post's *latest* snapshot (what the truth
counts); earlier snapshots are scaled down copies made by the export writers.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np

from pipeline.sample.portfolio import Campaign, strip_accents

# engagement components (latest snapshot) and their expected shares
COMPONENTS = {
    "facebook": {"reactions": .78, "comments": .10, "shares": .12},
    "instagram": {"likes": .80, "comments": .06, "shares": .06, "saves": .08},
    "linkedin": {"likes": .85, "comments": .08, "reposts": .07},
    "x": {"likes": .70, "replies": .10, "retweets": .15, "bookmarks": .04, "shares": .01},
    "tiktok": {"likes": .88, "comments": .05, "shares": .07},
    "youtube": {"likes": 1.0},
    "pinterest": {"saves": 1.0},
}
MEAN_PER_POST = {"facebook": 350, "instagram": 600, "linkedin": 150, "x": 150, "tiktok": 2000,
                 "youtube": 500, "pinterest": 60}
NOISE_POSTS = {"facebook": 250, "instagram": 250, "linkedin": 120, "x": 300, "tiktok": 150,
               "youtube": 20, "pinterest": 150}
ENG_RATE = {"facebook": .03, "instagram": .05, "linkedin": .03, "x": .02, "tiktok": .08,
            "youtube": .04, "pinterest": .01}
# platforms whose exports are workbooks or zips: post counts stop growing past this scale
ROW_CAP = {"linkedin": 2.0, "youtube": 5.0}
ID_BASE = {"facebook": 122158000000000000, "instagram": 17900000000000000,
           "linkedin": 7290000000000000000, "x": 1800000000000000000,
           "tiktok": 7350000000000000000, "pinterest": 1011000000000000000, "youtube": 0}
MARK_NONE, MARK_UTM, MARK_LABEL, MARK_HASHTAG = 0, 1, 2, 3
SITE = "https://www.acme-example.com"

HEADLINES = [
    "New arrivals are here", "Meet the team behind our roastery", "Our autumn collection",
    "Three tips for busy mornings", "Thank you for 10k followers!", "Behind the scenes today",
    "Customer of the week", "We're hiring", "Weekend vibes", "How we pack every order",
    "Ask us anything", "Did you know?", "Fresh out of the oven", "From our blog",
    "Your favourite, back in stock", "Quick poll for you", "Our story, in 60 seconds",
    'Our "secret" recipe, revealed', "Fresh beans & new mugs",
]
GENERIC_TAGS = ["#marketing", "#smallbusiness", "#MondayMotivation", "#tbt", "#coffee",
                "#madeinitaly", "#design", "#behindthescenes"]


def name_variant(rng: np.random.Generator, c: Campaign) -> str:
    """The campaign's name as a person types it into a label or ad manager."""
    k = int(rng.integers(0, 8))
    name = c.campaign_name
    return [name, name, name.upper(), name.lower(), c.utm_campaign, name.replace(" ", "-"),
            strip_accents(name), name.replace(" ", "  ", 1)][k]


def utm_url(c: Campaign, platform: str, medium: str = "social") -> str:
    slug = c.utm_campaign.replace("_", "-")
    return (f"{SITE}/{slug}?utm_source={platform}&utm_medium={medium}"
            f"&utm_campaign={c.utm_campaign}")


def _ids(rng, platform: str, n: int) -> np.ndarray:
    gaps = rng.integers(1_000_000, 900_000_000_000, n, dtype=np.int64)
    return ID_BASE[platform] + np.cumsum(gaps)


def _times(rng, start: date, end: date, n: int) -> np.ndarray:
    """UTC publish minutes between 08:00 and 19:59 on days start..end (same day everywhere
    from US Pacific to Rome, so date-window rules cannot slip a day)."""
    days = rng.integers(0, (end - start).days + 1, n)
    minutes = rng.integers(8 * 60, 20 * 60, n)
    base = np.datetime64(start, "m")
    return base + days.astype("timedelta64[D]") + minutes.astype("timedelta64[m]")


def _allocate(rng, total: int, n: int) -> np.ndarray:
    w = rng.lognormal(0, 0.7, n)
    return rng.multinomial(total, w / w.sum()).astype(np.int64)


def make_posts(rng: np.random.Generator, campaigns: list[Campaign], platform: str,
               window_start: date, as_of: date, scale: float,
               organic_e: dict[str, int]) -> dict[str, np.ndarray]:
    """All posts of one platform. `organic_e` maps campaign_id -> its organic engagements."""
    per_post = MEAN_PER_POST[platform] * max(1.0, scale / ROW_CAP.get(platform, 1e9))
    times, camp, marker, eng_total = [], [], [], []
    for c in campaigns:
        share = c.platforms.get(platform, 0.0)
        if not share:
            continue
        e = organic_e[c.campaign_id]
        # the primary platform takes what the rounding of the others leaves
        others = sum(round(e * s) for p, s in c.platforms.items() if p != platform)
        primary = max(c.platforms, key=c.platforms.get)
        e_p = e - others if platform == primary else round(e * share)
        if e_p <= 0:
            continue
        n = max(1, min(e_p, round(e_p / (per_post * (4 if c.viral else 1)))))
        times.append(_times(rng, c.start, c.end, n))
        camp.append(np.full(n, c.idx))
        marker.append(_markers(rng, c, platform, n))
        eng_total.append(_allocate(rng, e_p, n))
    n_noise = max(3, round(NOISE_POSTS[platform] * min(scale, ROW_CAP.get(platform, 1e9))))
    times.append(_times(rng, window_start, as_of, n_noise))
    camp.append(np.full(n_noise, -1))
    marker.append(np.full(n_noise, MARK_NONE))
    eng_total.append(np.maximum(0, rng.lognormal(np.log(per_post * 0.5), 0.9, n_noise)
                                ).astype(np.int64))
    # decoys: a campaign's hashtag used outside its dates (no campaign under DESIGN rule 3)
    decoy_camp = []
    for c in campaigns:
        if c.hashtag and platform in c.platforms and c.archetype != "insufficient_data":
            after = c.end + timedelta(days=int(rng.integers(15, 40)))
            if after <= as_of:
                times.append(_times(rng, after, after, 1))
                camp.append(np.full(1, -1))
                marker.append(np.full(1, MARK_NONE))
                eng_total.append(np.array([int(per_post * 0.3)], dtype=np.int64))
                decoy_camp.append((sum(len(t) for t in times) - 1, c))
    t = np.concatenate(times)
    order = np.argsort(t, kind="stable")
    posts = {"time": t, "camp": np.concatenate(camp), "marker": np.concatenate(marker),
             "eng": np.concatenate(eng_total)}
    decoy = np.full(len(t), -1)
    for pos, c in decoy_camp:
        decoy[pos] = c.idx
    posts["decoy"] = decoy
    posts = {k: v[order] for k, v in posts.items()}
    posts["id"] = _ids(rng, platform, len(t))
    _texts(rng, posts, campaigns, platform)
    _metrics(rng, posts, campaigns, platform)
    return posts


def _markers(rng, c: Campaign, platform: str, n: int) -> np.ndarray:
    options = []
    if platform not in ("youtube", "pinterest", "tiktok"):
        options.append(MARK_UTM)
    if platform in ("facebook", "linkedin"):
        options.append(MARK_LABEL)
    if c.hashtag:
        options.append(MARK_HASHTAG)
    if not options:  # tiktok without a hashtag: a link in the title
        options = [MARK_UTM]
    return rng.choice(np.array(options), n)


def _texts(rng, posts: dict, campaigns: list[Campaign], platform: str) -> None:
    n = len(posts["time"])
    heads = rng.integers(0, len(HEADLINES), n)
    tags = rng.integers(0, len(GENERIC_TAGS), n)
    newline = rng.random(n) < 0.4
    texts, labels = [], []
    for i in range(n):
        ci, mk = int(posts["camp"][i]), int(posts["marker"][i])
        head = HEADLINES[heads[i]]
        sep = "\n\n" if newline[i] else " "
        label = ""
        if ci >= 0:
            c = campaigns[ci]
            theme = c.campaign_name.rsplit(" ", 1)[0]
            if mk == MARK_UTM:
                text = f"{theme}: {head.lower()} & more.{sep}Details: {utm_url(c, platform)}"
            elif mk == MARK_HASHTAG:
                text = f"{head} {c.hashtag}{sep}{GENERIC_TAGS[tags[i]]}"
            else:
                text = f"{head}.{sep}\"{theme}\" is on now"
                label = name_variant(rng, c)
        elif posts["decoy"][i] >= 0:
            c = campaigns[int(posts["decoy"][i])]
            text = f"Throwback to {c.hashtag}: thank you all!{sep}{GENERIC_TAGS[tags[i]]}"
        else:
            text = f"{head}{sep}{GENERIC_TAGS[tags[i]]} {SITE}/blog"
        texts.append(text)
        labels.append(label)
    posts["text"] = np.array(texts, dtype=object)
    posts["label"] = np.array(labels, dtype=object)


def _metrics(rng, posts: dict, campaigns: list[Campaign], platform: str) -> None:
    n = len(posts["eng"])
    e = posts["eng"]
    comps = COMPONENTS[platform]
    names = list(comps)
    split = rng.multinomial(e, np.array(list(comps.values())))
    for k, name in enumerate(names):
        posts[name] = split[:, k].astype(np.int64)
    click_ratio = np.array([campaigns[c].click_ratio if c >= 0 else 0.03 for c in posts["camp"]])
    viral = np.array([c >= 0 and campaigns[c].viral for c in posts["camp"]])
    er = ENG_RATE[platform] * rng.lognormal(0, 0.3, n) * np.where(viral, 2.5, 1.0)
    views = np.ceil((e + 1) / er).astype(np.int64)
    posts["views"] = views
    posts["reach"] = (views * rng.uniform(0.55, 0.85, n)).astype(np.int64)
    posts["clicks"] = np.rint(e * click_ratio * rng.lognormal(0, 0.3, n)).astype(np.int64)
    posts["other_clicks"] = np.rint(views * rng.uniform(0.002, 0.01, n)).astype(np.int64)
    posts["follows"] = rng.binomial(np.maximum(e, 0), 0.004)


def day_of(t: np.datetime64) -> date:
    return t.astype("datetime64[D]").astype(date)


def as_datetime(t: np.datetime64) -> datetime:
    return t.astype("datetime64[m]").astype(datetime)
