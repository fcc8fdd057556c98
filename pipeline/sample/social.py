"""Monthly post exports as CSV: Facebook, Instagram (Meta Business Suite), TikTok, Pinterest.

X lives in `xposts.py`, LinkedIn and YouTube (workbooks, zips) in `media.py`.
"""

from __future__ import annotations

import numpy as np

from pipeline.sample.context import Ctx, local_minutes, strs, us_minutes
from pipeline.sample.fastcsv import write_columns
from pipeline.sample.periods import assign
from pipeline.sample.writers import write_csv

FB_HEADER = [
    "Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)", "Publish time",
    "Caption type", "Permalink", "Is crosspost", "Is share", "Post type", "Languages",
    "Custom labels", "Funded content status", "Data comment", "Date", "Views", "Reach",
    "Reactions, Comments and Shares", "Reactions", "Comments", "Shares", "Total clicks",
    "Link Clicks", "Other Clicks", "Matched Audience Targeting Consumption (Photo Click)",
    "Matched Audience Targeting Consumption (Video Click)",
    "Negative feedback from users: Hide all", "Seconds viewed", "Average Seconds viewed"]
FB_ITALIAN = {
    "Post ID": "ID del post", "Page ID": "ID della Pagina", "Page name": "Nome della Pagina",
    "Title": "Titolo", "Description": "Descrizione", "Duration (sec)": "Durata (s)",
    "Publish time": "Orario di pubblicazione", "Caption type": "Tipo di didascalia",
    "Is crosspost": "È un crosspost", "Is share": "È una condivisione", "Post type": "Tipo di post",
    "Languages": "Lingue", "Custom labels": "Etichette personalizzate",
    "Funded content status": "Stato dei contenuti finanziati", "Data comment": "Commento sui dati",
    "Date": "Data", "Views": "Visualizzazioni", "Reach": "Copertura",
    "Reactions, Comments and Shares": "Reazioni, commenti e condivisioni",
    "Reactions": "Reazioni", "Comments": "Commenti", "Shares": "Condivisioni",
    "Total clicks": "Clic totali", "Link Clicks": "Clic sul link", "Other Clicks": "Altri clic",
    "Negative feedback from users: Hide all": "Feedback negativo degli utenti: nascondi tutto",
    "Seconds viewed": "Secondi di visualizzazione",
    "Average Seconds viewed": "Secondi di visualizzazione medi"}
IG_HEADER = ["Post ID", "Account ID", "Account username", "Account name", "Description",
             "Duration (sec)", "Publish time", "Permalink", "Post type", "Data comment", "Date",
             "Views", "Reach", "Likes", "Shares", "Follows", "Comments", "Saves"]
IG_ITALIAN = {
    "Post ID": "ID del post", "Account ID": "ID account",
    "Account username": "Nome utente dell'account", "Account name": "Nome dell'account",
    "Description": "Descrizione", "Duration (sec)": "Durata (s)",
    "Publish time": "Orario di pubblicazione", "Post type": "Tipo di post",
    "Data comment": "Commento sui dati", "Date": "Data", "Views": "Visualizzazioni",
    "Reach": "Copertura", "Likes": "Mi piace", "Shares": "Condivisioni", "Follows": "Follow",
    "Comments": "Commenti", "Saves": "Salvataggi"}
TT_HEADER = ["Video title", "Video link", "Post time", "Total likes", "Total comments",
             "Total shares", "Total views", "Average watch time"]
PIN_HEADER = ["Pin ID", "Pin link", "Title", "Created date", "Impressions", "Engagements",
              "Pin clicks", "Outbound clicks", "Saves"]
PAGE_ID, IG_ACCOUNT = "61551234567890", "17841400123456789"
FB_TYPES = ["Photos", "Links", "Videos", "Reels", "Text"]
IG_TYPES = ["IG image", "IG reel", "IG carousel", "IG video"]


def snap(posts: dict, idx: np.ndarray, k: int, last: np.ndarray, frac: np.ndarray,
         keys: list[str]) -> dict[str, np.ndarray]:
    """Metric values of posts `idx` as exported in period `k` (earlier periods: smaller)."""
    latest = last[idx] == k
    out = {}
    for key in keys:
        v = posts[key][idx]
        out[key] = np.where(latest, v, np.floor(v * frac[idx]).astype(np.int64))
    return out


def pick_noise(posts: dict, idx: np.ndarray, last: np.ndarray, k: int) -> int:
    """A post of no campaign listed only in period `k` (safe to spoil on purpose), or -1."""
    cand = [i for i in idx if posts["camp"][i] < 0 and posts["decoy"][i] < 0 and last[i] == k]
    return int(cand[len(cand) // 2]) if cand else -1


def facebook(ctx: Ctx, posts: dict, frac: np.ndarray) -> None:
    members, last = assign(posts["time"], ctx.periods)
    n_per = len(ctx.periods)
    n_all = len(posts["id"])
    types = np.array(FB_TYPES, dtype=object)[ctx.rng.integers(0, len(FB_TYPES), n_all)]
    video = np.isin(types, ["Videos", "Reels"])
    duration = np.where(video, (15 + posts["id"] % 100).astype(str), "").astype(object)
    published = np.array(us_minutes(local_minutes(posts["time"])), dtype=object)
    ids = posts["id"].astype(str).astype(object)
    permalink = np.array([f"https://www.facebook.com/{PAGE_ID}/posts/{i}" for i in ids.tolist()],
                         dtype=object)
    for k, (p, idx) in enumerate(zip(ctx.periods, members, strict=True)):
        italian = k == min(2, n_per - 1)
        old = k == 0  # the oldest export still says Impressions
        header = [FB_ITALIAN.get(h, h) for h in FB_HEADER] if italian else list(FB_HEADER)
        if old:
            header[header.index("Views")] = "Impressions"
        extra = k % 3 == 1  # some months carry extra columns
        if extra:
            header += ["Estimated earnings (USD)", "Ad impressions"]
        v = snap(posts, idx, k, last, frac, ["views", "reach", "reactions", "comments", "shares",
                                             "clicks", "other_clicks"])
        m = len(idx)
        pid, text = ids[idx].copy(), posts["text"][idx].copy()
        bad = pick_noise(posts, idx, last, k) if k == n_per - 2 else -1
        if bad >= 0:
            j = int(np.flatnonzero(idx == bad)[0])
            pid[j], text[j] = "1.22158E+17", text[j].replace("\n", " ")
        vid = video[idx]
        r, c, s = v["reactions"], v["comments"], v["shares"]
        lc, oc = v["clicks"], v["other_clicks"]
        zero, empty = ["0"] * m, [""] * m
        cols = [pid.tolist(), [PAGE_ID] * m, ["Acme Caffè"] * m, empty, text.tolist(),
                duration[idx].tolist(), published[idx].tolist(), empty, permalink[idx].tolist(),
                ["No"] * m, ["No"] * m, types[idx].tolist(), empty, posts["label"][idx].tolist(),
                empty, empty, ["Lifetime"] * m, strs(v["views"]), strs(v["reach"]),
                strs(r + c + s), strs(r), strs(c), strs(s), strs(lc + oc), strs(lc), strs(oc),
                strs(oc // 2), strs(np.where(vid, oc // 3, 0)), zero,
                strs(np.where(vid, v["views"] * 3, 0)), np.where(vid, "3", "0").tolist()]
        if extra:
            cols += [zero, zero]
        rel = (f"meta/Facebook_{posts_name(p)}_exported_{p.downloaded.isoformat()}.csv")
        n = write_csv(ctx.path(rel), header, zip(*cols, strict=True), encoding="utf-8", bom=True)
        ctx.record(rel, "facebook_posts", n, p.downloaded,
                   "italian" if italian else ("impressions" if old else ""))
        if bad >= 0:
            ctx.reject(rel, "1.22158E+17", "Post ID mangled by Excel into 1.22158E+17",
                       "mangled", "utf-8-sig")


def posts_name(p) -> str:
    return f"{p.start.strftime('%b-%d-%Y')}_{p.end.strftime('%b-%d-%Y')}"


def instagram(ctx: Ctx, posts: dict, frac: np.ndarray) -> None:
    members, last = assign(posts["time"], ctx.periods)
    n_per = len(ctx.periods)
    n_all = len(posts["id"])
    types = np.array(IG_TYPES, dtype=object)[ctx.rng.integers(0, len(IG_TYPES), n_all)]
    duration = np.where(np.isin(types, ["IG reel", "IG video"]),
                        (10 + posts["id"] % 50).astype(str), "").astype(object)
    published = np.array(us_minutes(local_minutes(posts["time"])), dtype=object)
    ids = posts["id"].astype(str).astype(object)
    permalink = np.array([f"https://www.instagram.com/p/{_shortcode(i)}/"
                          for i in posts["id"].tolist()], dtype=object)
    for k, (p, idx) in enumerate(zip(ctx.periods, members, strict=True)):
        italian = k == min(3, n_per - 1)
        old = k == 0
        header = [IG_ITALIAN.get(h, h) for h in IG_HEADER] if italian else list(IG_HEADER)
        if old:
            header[header.index("Views")] = "Impressions"
        v = snap(posts, idx, k, last, frac, ["views", "reach", "likes", "shares", "follows",
                                             "comments", "saves"])
        m = len(idx)
        likes, text = np.array(strs(v["likes"]), dtype=object), posts["text"][idx].copy()
        bad = pick_noise(posts, idx, last, k) if k == n_per - 3 else -1
        if bad >= 0:
            j = int(np.flatnonzero(idx == bad)[0])
            likes[j], text[j] = "-3", text[j].replace("\n", " ")
        empty = [""] * m
        cols = [ids[idx].tolist(), [IG_ACCOUNT] * m, ["acme.caffe"] * m, ["Acme Caffè"] * m,
                text.tolist(), duration[idx].tolist(), published[idx].tolist(),
                permalink[idx].tolist(), types[idx].tolist(), empty, ["Lifetime"] * m,
                strs(v["views"]), strs(v["reach"]), likes.tolist(), strs(v["shares"]),
                strs(v["follows"]), strs(v["comments"]), strs(v["saves"])]
        rel = f"instagram/Instagram_{posts_name(p)}_exported_{p.downloaded.isoformat()}.csv"
        n = write_csv(ctx.path(rel), header, zip(*cols, strict=True), encoding="utf-8", bom=True)
        ctx.record(rel, "instagram_posts", n, p.downloaded,
                   "italian" if italian else ("impressions" if old else ""))
        if bad >= 0:
            ctx.reject(rel, f"{posts['id'][bad]},{IG_ACCOUNT}", "negative like count (-3)",
                       "negative", "utf-8-sig")


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _shortcode(n: int, length: int = 11) -> str:
    n = int(n)
    out = []
    for _ in range(length):
        out.append(_B64[n % 64])
        n //= 64
    return "".join(out)


def tiktok(ctx: Ctx, posts: dict, frac: np.ndarray) -> None:
    members, last = assign(posts["time"], ctx.periods)
    watch = ctx.rng.uniform(3, 25, len(posts["id"])).round(1)
    title = np.array([t.replace("\n\n", " ") for t in posts["text"].tolist()], dtype=object)
    link = np.array([f"https://www.tiktok.com/@acme.caffe/video/{i}"
                     for i in posts["id"].tolist()], dtype=object)
    for k, (p, idx) in enumerate(zip(ctx.periods, members, strict=True)):
        v = snap(posts, idx, k, last, frac, ["likes", "comments", "shares", "views"])
        cols = [title[idx], link[idx], posts["time"][idx], v["likes"], v["comments"],
                v["shares"], v["views"], watch[idx]]
        rel = (f"tiktok/TikTok_Studio_content_{p.start.isoformat()}_{p.end.isoformat()}"
               f"_exported_{p.downloaded.isoformat()}.csv")
        n = write_columns(ctx.path(rel), TT_HEADER, cols, timestamp_format="%Y-%m-%d %H:%M:%S")
        ctx.record(rel, "tiktok_videos", n, p.downloaded)


def pinterest(ctx: Ctx, posts: dict, frac: np.ndarray) -> None:
    members, last = assign(posts["time"], ctx.periods)
    n_per = len(ctx.periods)
    ids = posts["id"].astype(str).astype(object)
    link = np.array([f"https://www.pinterest.com/pin/{i}/" for i in ids.tolist()], dtype=object)
    title = np.array([t.replace("\n", " ") for t in posts["text"].tolist()], dtype=object)
    for k, (p, idx) in enumerate(zip(ctx.periods, members, strict=True)):
        v = snap(posts, idx, k, last, frac, ["views", "saves", "clicks", "other_clicks"])
        saves = np.array(strs(v["saves"]), dtype=object)
        bad = pick_noise(posts, idx, last, k) if k == n_per - 4 else -1
        if bad >= 0:
            saves[int(np.flatnonzero(idx == bad)[0])] = "abc"
        out_clicks, pin_clicks = v["clicks"], v["other_clicks"]
        cols = [ids[idx], link[idx], title[idx], posts["time"][idx], v["views"],
                v["saves"] + out_clicks + pin_clicks, pin_clicks, out_clicks, saves]
        rel = (f"pinterest/pinterest_top_pins_{p.start.isoformat()}_{p.end.isoformat()}"
               f"_exported_{p.downloaded.isoformat()}.csv")
        n = write_columns(ctx.path(rel), PIN_HEADER, cols, timestamp_format="%Y-%m-%d")
        ctx.record(rel, "pinterest_pins", n, p.downloaded)
        if bad >= 0:
            ctx.reject(rel, f"{posts['id'][bad]},", "'abc' in the Saves count column",
                       "not a number")
