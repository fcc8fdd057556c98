"""The report: formatting, each section against a tiny hand-made warehouse, the asset, and the
page in a real headless browser (skipped when Chromium is not installed)."""

from __future__ import annotations

import html
import importlib.util
import re
import shutil
import string
import subprocess
import sys
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from pipeline.config import PROJECT_DIR, Settings
from pipeline.report import i18n
from pipeline.report.i18n import (
    STRINGS,
    fmt_compact,
    fmt_count,
    fmt_date,
    fmt_datetime,
    fmt_money,
    fmt_num,
    fmt_pct,
    fmt_rate,
    resolve_lang,
    with_article,
)
from pipeline.report.render import SECTIONS, build_report, render_report

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("Europe/Rome"))
SETTINGS = Settings(raw_dir=Path("/nonexistent/raw"), warehouse_path=Path("/nonexistent/wh.duckdb"),
                    marts_dir=Path("/nonexistent/marts"), key_file=Path("/nonexistent/key"),
                    reporting_currency="EUR", reporting_timezone="Europe/Rome",
                    attribution_model="last_touch", freshness_max_age_days=35)
VANITY_REASON = ("100,000 engagements, 50 leads; the portfolio converts 5.0 per 1,000; >99% "
                 "probability this campaign converts below half of that.")
VANITY_REASON_IT = ("100.000 interazioni, 50 lead; il portafoglio converte 5,0 ogni 1.000; >99% "
                    "di probabilità che questa campagna converta meno della metà.")
SECRET_EMAIL = "mario.rossi@example.com"
FIX = ("Correct the value in the source tool (or the file), then drop the corrected export "
       "again; the file's other rows are loaded.")
THRESHOLDS = ('{"attribution_window_days": 14, "baseline_fraction": 0.5, "confidence": 0.9, '
              '"credible_interval": 0.9, "engagement_percentile": 0.5, "min_engagements": 500, '
              '"min_expected_conversions": 3.0, "rate_per": 1000}')


# --------------------------------------------------------------------------- the warehouse
VERDICT_COLUMNS = """campaign_id VARCHAR, campaign_name VARCHAR, platform VARCHAR, end_date DATE,
    engagements DOUBLE, conversions DOUBLE, attribution_model VARCHAR, level VARCHAR, as_of DATE,
    attribution_window_closes DATE, is_mature BOOLEAN, is_reference BOOLEAN,
    engagement_percentile_rank DOUBLE, is_high_engagement BOOLEAN, baseline_rate DOUBLE,
    expected_conversions DOUBLE, rate DOUBLE, posterior_mean_rate DOUBLE, rate_low DOUBLE,
    rate_high DOUBLE, prob_below_threshold DOUBLE, prob_above_baseline DOUBLE, verdict VARCHAR,
    reason VARCHAR, reason_it VARCHAR, prior_alpha DOUBLE, prior_beta DOUBLE,
    prior_method VARCHAR, thresholds VARCHAR"""

# id, name, platform, end, engagements, leads, level, high, rate, low, high, verdict, reason, it
VERDICTS = [
    ("C1", "Giveaway Blast", "all", date(2026, 6, 30), 100000, 50, "campaign", True,
     0.5, 0.4, 0.6, "vanity", VANITY_REASON, VANITY_REASON_IT),
    ("C2", "Webinar Week", "all", date(2026, 5, 31), 5000, 60, "campaign", False,
     12.0, 9.8, 14.5, "efficient", "5,000 engagements, 60 leads; efficient.",
     "5.000 interazioni, 60 lead; efficiente."),
    ("C3", "Brand Video", "all", date(2026, 4, 30), 80000, 420, "campaign", True,
     5.25, 4.8, 5.7, "converting", "80,000 engagements, 420 leads; converting.",
     "80.000 interazioni, 420 lead; converte."),
    ("C4", "Late Launch", "all", date(2026, 10, 25), 20000, 30, "campaign", None,
     1.5, 1.1, 2.0, "too_early", "20,000 engagements, 30 leads so far; too early.",
     "20.000 interazioni, 30 lead finora; presto."),
    ("C5", "Silent Post", "all", date(2026, 3, 31), 0, 0, "campaign", None,
     None, None, None, "insufficient_data", "No engagements recorded (0 leads).",
     "Nessuna interazione registrata (0 lead)."),
    ("C1", "Giveaway Blast", "instagram", date(2026, 6, 30), 70000, 20, "campaign_platform",
     True, 0.29, 0.2, 0.4, "vanity", "70,000 engagements, 20 leads; Instagram vanity.",
     "70.000 interazioni, 20 lead; vanity su Instagram."),
    ("C3", "Brand Video", "facebook", date(2026, 4, 30), 80000, 420, "campaign_platform", True,
     5.25, 4.8, 5.7, "converting", "80,000 engagements, 420 leads; converting on Facebook.",
     "80.000 interazioni, 420 lead; converte su Facebook."),
]

PERFORMANCE_COLUMNS = """campaign_id VARCHAR, campaign_name VARCHAR, utm_campaign VARCHAR,
    platform VARCHAR, attribution_model VARCHAR, start_date DATE, end_date DATE,
    window_end_date DATE, impressions BIGINT, reach BIGINT, views BIGINT, engagements BIGINT,
    clicks BIGINT, sessions BIGINT, key_events BIGINT, leads DOUBLE, won_deals BIGINT,
    revenue_won DECIMAL(18, 2), spend DECIMAL(18, 2), engagement_rate DOUBLE, ctr DOUBLE,
    lead_rate_per_1000 DOUBLE, lead_to_sale DOUBLE, cpl DOUBLE, cac DOUBLE, roas DOUBLE"""

# id, platform, engagements, leads, won, revenue, spend
PERFORMANCE = [
    ("C1", "all", 100000, 50, 5, 5000, 2000), ("C1", "instagram", 70000, 20, 2, 2000, 1500),
    ("C1", "tiktok", 30000, 30, 3, 3000, 500),
    ("C2", "all", 5000, 60, 12, 24000, 0), ("C2", "linkedin", 5000, 60, 12, 24000, 0),
    ("C3", "all", 80000, 420, 40, 60000, 3000), ("C3", "facebook", 80000, 420, 40, 60000, 3000),
    ("C4", "all", 20000, 30, 0, 0, 0), ("C4", "instagram", 20000, 30, 0, 0, 0),
    ("C5", "all", 0, 0, 0, 0, 0),
]
NAMES = {"C1": "Giveaway Blast", "C2": "Webinar Week", "C3": "Brand Video", "C4": "Late Launch",
         "C5": "Silent Post"}


def make_warehouse(path: Path, *, verdicts: bool = True, performance: bool = True,
                   funnel: bool = True, unattributed: bool = True, manifest: bool = True) -> Path:
    """A tiny warehouse with the report's input tables (each can be left out)."""
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA IF NOT EXISTS marts; CREATE SCHEMA IF NOT EXISTS raw")
    if verdicts:
        con.execute(f"CREATE TABLE marts.campaign_verdicts ({VERDICT_COLUMNS})")
        for (cid, name, platform, end, e, c, level, high, rate, low, hi, verdict, reason,
             reason_it) in VERDICTS:
            con.execute(
                "INSERT INTO marts.campaign_verdicts VALUES (?, ?, ?, ?, ?, ?, 'last_touch', ?, "
                "DATE '2026-10-31', ?, ?, ?, 0.5, ?, 5.0, ?, ?, ?, ?, ?, 0.99, 0.01, ?, ?, ?, "
                "2.0, 400.0, 'empirical_bayes', ?)",
                [cid, name, platform, end, e, c, level, end, verdict != "too_early",
                 verdict not in ("too_early", "insufficient_data"), high, e * 0.005, rate,
                 rate, low, hi, verdict, reason, reason_it, THRESHOLDS])
    if performance:
        con.execute(f"CREATE TABLE marts.campaign_performance ({PERFORMANCE_COLUMNS})")
        for model, factor in (("last_touch", 1), ("first_touch", 3)):
            for cid, platform, e, leads, won, revenue, spend in PERFORMANCE:
                con.execute(
                    "INSERT INTO marts.campaign_performance VALUES (?, ?, ?, ?, ?, "
                    "DATE '2026-03-01', DATE '2026-06-30', DATE '2026-07-14', ?, ?, ?, ?, ?, ?, "
                    "0, ?, ?, ?, ?, NULL, NULL, NULL, NULL, ?, ?, ?)",
                    [cid, NAMES[cid], cid.lower(), platform, model, e * 20, e * 15, e * 10, e,
                     e // 10, e // 15, leads * factor, won * factor, revenue * factor, spend,
                     spend / leads if spend and leads else None,
                     spend / won if spend and won else None,
                     revenue / spend if spend else None])
    if funnel:
        con.execute("""CREATE TABLE marts.fct_campaign_funnel_daily AS SELECT * FROM (VALUES
            ('C1', 'instagram', DATE '2026-06-01', 1000000, 70000, 7000, 4000, 20, 2, 2000.0,
             1500.0),
            ('C1', 'tiktok', DATE '2026-06-01', 500000, 30000, 2000, 1500, 30, 3, 3000.0, 500.0),
            ('C3', 'facebook', DATE '2026-04-01', 900000, 50000, 5000, 3000, 250, 25, 30000.0,
             1500.0),
            ('C3', 'facebook', DATE '2026-04-02', 700000, 30000, 3000, 2000, 170, 15, 30000.0,
             1500.0)
            ) t(campaign_id, platform, activity_date, impressions, engagements, clicks, sessions,
                leads, won_deals, revenue, spend)""")
        # one model per row: the report must keep to the verdicts' (last touch)
        con.execute("ALTER TABLE marts.fct_campaign_funnel_daily ADD COLUMN attribution_model "
                    "VARCHAR DEFAULT 'last_touch'")
        con.execute("INSERT INTO marts.fct_campaign_funnel_daily SELECT * REPLACE "
                    "('first_touch' AS attribution_model) FROM marts.fct_campaign_funnel_daily")
    if unattributed:
        con.execute("""CREATE TABLE marts.unattributed AS SELECT * FROM (VALUES
            ('x_posts', 'x', '123', DATE '2026-05-02', 4000, 2500, 40, 0, 0, 'spring_promo',
             'last_touch', 'engagements', 2500),
            ('hubspot_contacts', 'crm', 'h1', DATE '2026-05-03', 0, 0, 0, 0, 5, 'spring_promo',
             'last_touch', 'leads', 5),
            ('hubspot_contacts', 'crm', 'h1', DATE '2026-05-03', 0, 0, 0, 0, 7, 'spring_promo',
             'first_touch', 'leads', 7),
            ('ga4_traffic', 'web', 'g1', DATE '2026-05-03', 0, 0, 0, 300, 0, '(not set)',
             'last_touch', 'sessions', 300)
            ) t(source, platform, record_id, activity_date, impressions, engagements, clicks,
                sessions, leads, campaign_label, attribution_model, volume_unit, volume)""")
    if manifest:
        con.execute("""CREATE TABLE raw._files (file_id VARCHAR, path VARCHAR, format VARCHAR,
            status VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT,
            rows_summary BIGINT, max_date DATE, message VARCHAR)""")
        con.execute("""INSERT INTO raw._files VALUES
            ('a', 'meta/posts.csv', 'facebook_posts', 'loaded', 101, 97, 4, 1,
             DATE '2026-11-01', NULL),
            ('b', 'crm/contacts.csv', 'hubspot_contacts', 'loaded', 50, 49, 1, 0,
             DATE '2026-11-10', NULL),
            ('c', 'pins/pins.csv', 'pinterest_pins', 'loaded', 10, 10, 0, 0,
             DATE '2026-06-01', NULL),
            ('d', 'misc/notes.xlsx', NULL, 'unknown', NULL, NULL, NULL, NULL, NULL,
             'header not recognised: closest format campaigns')""")
        con.execute("""CREATE TABLE raw._rejects (file_id VARCHAR, path VARCHAR, format VARCHAR,
            line BIGINT, data_row BIGINT, kind VARCHAR, reason VARCHAR, raw_text VARCHAR,
            rejected_at TIMESTAMP, action VARCHAR)""")
        fix = FIX.replace("'", "''")
        con.execute(f"""INSERT INTO raw._rejects VALUES
            ('a', 'meta/posts.csv', 'facebook_posts', 5, 3, 'invalid',
             'Reactions: "12k" is not a whole non-negative number', 'x', NULL, '{fix}'),
            ('a', 'meta/posts.csv', 'facebook_posts', 6, 4, 'invalid',
             'Reactions: "n.d." is not a whole non-negative number', 'x', NULL, '{fix}'),
            ('a', 'meta/posts.csv', 'facebook_posts', 9, 7, 'invalid',
             'Post ID: missing (required)', 'x', NULL, '{fix}'),
            ('a', 'meta/posts.csv', 'facebook_posts', 99, NULL, 'summary',
             'summary or footer row, not data', 'Total', NULL, 'Nothing: this row is not data.'),
            ('b', 'crm/contacts.csv', 'hubspot_contacts', 4, 2, 'invalid',
             'Create Date: "{SECRET_EMAIL}" is not a valid date', '[withheld]', NULL, NULL)""")
        # a CRM table with personal data the report must never show
        con.execute(f"""CREATE TABLE raw.hubspot_contacts AS SELECT '{SECRET_EMAIL}' AS email,
            'Mario Rossi' AS name""")
    con.close()
    return path


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_warehouse(tmp_path_factory.mktemp("report") / "wh.duckdb")


@pytest.fixture(scope="module")
def pages(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {lang: render_report(con, lang, settings=SETTINGS, now=NOW)
                for lang in ("en", "it")}


# --------------------------------------------------------------------------- HTML helpers
class _Tree(HTMLParser):
    """Just enough DOM: elements with attributes, parent links and text."""

    def __init__(self) -> None:
        super().__init__()
        self.root = {"tag": "#root", "attrs": {}, "children": [], "text": [], "parent": None}
        self.cur = self.root

    VOID = {"meta", "br", "img", "input", "link", "hr"}

    def handle_starttag(self, tag, attrs):
        node = {"tag": tag, "attrs": dict(attrs), "children": [], "text": [], "parent": self.cur}
        self.cur["children"].append(node)
        if tag not in self.VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur["children"].append({"tag": tag, "attrs": dict(attrs), "children": [],
                                     "text": [], "parent": self.cur})

    def handle_endtag(self, tag):
        node = self.cur
        while node is not None and node["tag"] != tag:
            node = node["parent"]
        if node is not None and node["parent"] is not None:
            self.cur = node["parent"]

    def handle_data(self, data):
        self.cur["text"].append(data)


def parse(page: str) -> dict:
    tree = _Tree()
    tree.feed(page)
    return tree.root


def find_all(node: dict, pred) -> list[dict]:
    out = []
    for child in node["children"]:
        if pred(child):
            out.append(child)
        out.extend(find_all(child, pred))
    return out


def by_id(node: dict, ident: str) -> dict:
    found = find_all(node, lambda n: n["attrs"].get("id") == ident)
    assert len(found) == 1, f"{len(found)} elements with id {ident!r}"
    return found[0]


def text_of(node: dict) -> str:
    parts = list(node["text"])
    for child in node["children"]:
        parts.append(text_of(child))
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def has_class(node: dict, cls: str) -> bool:
    return cls in (node["attrs"].get("class") or "").split()


def section_text(page: str, sid: str) -> str:
    return text_of(by_id(parse(page), sid))


# =========================================================================== formatting
@pytest.mark.parametrize(("value", "decimals", "en", "it"), [
    (1234.5, 1, "1,234.5", "1.234,5"),
    (1234567, 0, "1,234,567", "1.234.567"),
    (0.25, 2, "0.25", "0,25"),
    (-0.0001, 1, "0.0", "0,0"),
    (None, 0, "—", "—"),
    (float("nan"), 1, "—", "—"),
])
def test_numbers_follow_the_language(value, decimals, en, it):
    assert fmt_num(value, decimals, "en") == en
    assert fmt_num(value, decimals, "it") == it


def test_dates_follow_the_language():
    assert fmt_date(date(2026, 11, 23), "en") == "23 November 2026"
    assert fmt_date(date(2026, 11, 23), "it") == "23 novembre 2026"
    assert fmt_date(date(2026, 3, 1), "it") == "1º marzo 2026"
    assert fmt_date("2026-07-04", "en") == "4 July 2026"
    assert fmt_date(datetime(2026, 1, 2, 23, 59), "it") == "2 gennaio 2026"
    assert fmt_date(None, "en") == "—"
    assert fmt_datetime(NOW, "it") == "23 novembre 2026, 09:30 CET"


def test_counts_rates_shares_money():
    assert fmt_count(12400.0, "en") == "12,400"
    assert fmt_count(3.5, "it") == "3,5"
    assert fmt_rate(9.14, "en") == "9.1" and fmt_rate(9.14, "it") == "9,1"
    assert fmt_rate(0.0345, "en") == "0.035"
    assert fmt_pct(0.3821, "en") == "38.2%" and fmt_pct(0.3821, "it") == "38,2%"
    assert fmt_pct(0.0004, "en") == "<0.1%" and fmt_pct(1, "en") == "100%"
    assert fmt_money(1234.5, "EUR", "en", 2) == "€1,234.50"
    assert fmt_money(1234.5, "EUR", "it", 2) == "1.234,50\u00a0€"
    assert fmt_money(12.4, "EUR", "en") == "€12.40"
    assert fmt_money(5000, "CHF", "en") == "5,000\u00a0CHF"
    assert fmt_compact(250_000, "en") == "250k" and fmt_compact(1_500_000, "it") == "1,5\u00a0Mln"
    assert fmt_compact(10_000, "it") == "10.000"


def test_italian_articles_elide_before_vowels():
    assert with_article("38,2%", "it", capital=True) == "Il 38,2%"
    assert with_article("11%", "it") == "l'11%"
    assert with_article("8,5%", "it") == "l'8,5%"
    assert with_article("83%", "it") == "l'83%"
    assert with_article("1%", "it") == "l'1%"
    assert with_article("18%", "it") == "il 18%"
    assert with_article("38.2%", "en") == "38.2%"


def test_one_translation_table_with_the_same_keys_and_placeholders():
    assert set(STRINGS) == set(i18n.LANGS)
    en, it = STRINGS["en"], STRINGS["it"]
    assert set(en) == set(it)

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for key in en:
        assert fields(en[key]) == fields(it[key]), key


def test_language_from_argument_environment_or_default(monkeypatch):
    monkeypatch.delenv("VF_REPORT_LANG", raising=False)
    assert resolve_lang(None) == "en"
    monkeypatch.setenv("VF_REPORT_LANG", "it_IT.UTF-8")
    assert resolve_lang(None) == "it"
    assert resolve_lang("EN") == "en"
    with pytest.raises(ValueError, match="unsupported report language 'fr'"):
        resolve_lang("fr")


def test_render_report_defaults_to_the_environments_language(warehouse, monkeypatch):
    monkeypatch.setenv("VF_REPORT_LANG", "it")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        page = render_report(con, settings=SETTINGS, now=NOW)
    assert '<html lang="it">' in page and "Generato il 23 novembre 2026, 09:30 CET" in page


# =========================================================================== sections
def test_page_is_one_self_contained_file(pages):
    for lang, page in pages.items():
        assert page.startswith("<!DOCTYPE html>")
        assert f'<html lang="{lang}">' in page
        assert "<script" not in page.lower()
        assert not re.search(r"(src|href)=\"(https?:)?//", page), "no network at view time"
        assert "default-src 'none'" in page  # the CSP forbids loading anything
        assert "@media print" in page and "@media (max-width:640px)" in page
        root = parse(page)
        assert [s["attrs"]["id"] for s in find_all(root, lambda n: n["tag"] == "section")] \
            == list(SECTIONS)


def test_headline_share_is_vanity_engagement_over_total(pages, warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        vanity, total, leads = con.execute(
            "SELECT sum(engagements) FILTER (WHERE verdict = 'vanity'), sum(engagements), "
            "sum(conversions) FROM marts.campaign_verdicts WHERE level = 'campaign'").fetchone()
        sales = con.execute(
            "SELECT sum(won_deals) FROM marts.campaign_performance WHERE platform = 'all' "
            "AND attribution_model = 'last_touch'").fetchone()[0]
    share = vanity / total  # 100,000 / 205,000
    en = section_text(pages["en"], "headline")
    assert f"{fmt_pct(share, 'en')} of all engagement (100,000 of 205,000)" in en
    assert "the one campaign flagged vanity" in en
    kpi = text_of(find_all(parse(pages["en"]), lambda n: has_class(n, "kpi-vanity"))[0])
    assert kpi.startswith(fmt_pct(share, "en")) and fmt_pct(share, "en") == "48.8%"
    assert f"{fmt_count(leads, 'en')} Leads" in en  # 560
    assert f"{sales:g} Sales" in en  # last touch (57), not first touch (171)
    it = section_text(pages["it"], "headline")
    assert "Il 48,8% di tutte le interazioni (100.000 su 205.000)" in it


def test_scatter_has_one_point_per_campaign_with_engagement(pages, warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        expected = dict(con.execute(
            "SELECT campaign_id, verdict FROM marts.campaign_verdicts "
            "WHERE level = 'campaign' AND engagements > 0").fetchall())
    root = parse(pages["en"])
    svg = by_id(root, "scatter-chart")
    points = find_all(svg, lambda n: has_class(n, "point"))
    assert {p["attrs"]["data-campaign"]: p["attrs"]["data-verdict"] for p in points} == expected
    assert len(points) == len(expected) == 4
    titles = [text_of(t) for p in points for t in p["children"] if t["tag"] == "title"]
    for name in ("Giveaway Blast", "Webinar Week", "Brand Video", "Late Launch"):
        assert any(t.startswith(name) for t in titles), name
    # the narrow (phone) drawing has the same points
    narrow = by_id(root, "scatter-chart-narrow")
    assert len(find_all(narrow, lambda n: has_class(n, "point"))) == 4
    assert find_all(svg, lambda n: has_class(n, "baseline"))
    # log-x axis in decades, a legend naming each verdict shown, the campaign without
    # engagement explained
    ticks = [text_of(t) for t in find_all(svg, lambda n: has_class(n, "tick"))]
    assert {"5k", "10k", "20k", "50k", "100k"} <= set(ticks)  # 1-2-5 steps over 1.3 decades
    legend = text_of(find_all(root, lambda n: has_class(n, "legend"))[0])
    for label in ("Vanity", "Converting", "Efficient", "Too early"):
        assert label in legend
    assert "1 campaign with no engagements is not plotted" in section_text(pages["en"],
                                                                           "scatter")


def test_vanity_section_gives_each_campaigns_sentence_and_interval(pages):
    en = section_text(pages["en"], "vanity")
    assert VANITY_REASON in en
    assert "0.5 leads per 1,000 engagements (90% credible interval 0.4–0.6)" in en
    assert "ended 30 June 2026" in en
    assert "Brand Video" not in en.split("Vanity on one platform")[0]
    assert "Instagram vanity." in en  # the campaign × platform verdict
    it = section_text(pages["it"], "vanity")
    assert VANITY_REASON_IT in it and "terminata il 30 giugno 2026" in it
    cards = find_all(by_id(parse(pages["en"]), "vanity"), lambda n: has_class(n, "vcard"))
    assert [c["attrs"]["data-campaign"] for c in cards] == ["C1"]


def test_verdict_colours_and_labels_are_consistent(pages):
    badges = find_all(parse(pages["en"]), lambda n: has_class(n, "badge"))
    seen: dict[str, set[tuple[str, str]]] = {}
    for b in badges:
        seen.setdefault(b["attrs"]["data-verdict"], set()).add((b["attrs"]["style"],
                                                                 text_of(b)))
    assert all(len(v) == 1 for v in seen.values()), seen
    assert seen["vanity"] == {("--c:#D55E00", "Vanity")}


def test_funnel_has_a_panel_per_platform(pages):
    root = parse(pages["en"])
    panels = find_all(by_id(root, "funnel"), lambda n: has_class(n, "funnel"))
    assert [p["attrs"]["data-platform"] for p in panels] == ["all", "facebook", "instagram",
                                                            "tiktok"]
    facebook = panels[1]
    bars = {b["attrs"]["data-stage"]: b for b in find_all(facebook, lambda n: n["tag"] == "rect")}
    assert list(bars) == ["impressions", "engagements", "clicks", "sessions", "leads",
                          "won_deals"]
    assert text_of(bars["impressions"]).endswith("1,600,000")
    assert text_of(bars["won_deals"]).endswith("40")
    widths = [float(b["attrs"]["width"]) for b in bars.values()]
    assert widths == sorted(widths, reverse=True)


def test_spend_efficiency(pages):
    en = section_text(pages["en"], "spend")
    assert "€2,000 of €5,000 spend (40%) went to campaigns flagged vanity." in en
    # Giveaway Blast: €2,000 / 50 leads = €40.00, / 5 sales = €400, ROAS 5,000 / 2,000
    assert re.search(r"Giveaway Blast .*€2,000 50 €40\.00 5 €400 €5,000 2\.5×", en)
    assert "Webinar Week" not in en  # no spend
    it = section_text(pages["it"], "spend")
    assert "40,00 €" in it  # (a no-break space in the page)


def test_money_in_the_marts_currency_and_unconverted_amounts_flagged(tmp_path):
    db = make_warehouse(tmp_path / "usd.duckdb")
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE marts.campaign_performance ADD COLUMN reporting_currency "
                    "VARCHAR DEFAULT 'USD'")
        con.execute("ALTER TABLE marts.campaign_performance ADD COLUMN has_fx_missing BOOLEAN "
                    "DEFAULT false")
        con.execute("UPDATE marts.campaign_performance SET has_fx_missing = true "
                    "WHERE campaign_id = 'C3' AND platform = 'facebook'")
    with duckdb.connect(str(db), read_only=True) as con:
        spend = section_text(render_report(con, "en", settings=SETTINGS, now=NOW), "spend")
    assert "$2,000 of $5,000 spend (40%)" in spend
    assert "could not be converted to USD" in spend


def test_data_quality_notes(pages):
    en = section_text(pages["en"], "quality")
    assert "Files seen: 4. Loaded 3, duplicates 0, not recognised 1" in en
    assert re.search(r"meta/posts\.csv facebook_posts 101 3 \(3%\)", en)
    assert 'Reactions: "…" is not a whole non-negative number × 2' in en
    assert "summary or footer row" not in en
    assert f"→ {FIX}" in en  # the ingest step's advice, once per file
    assert en.count("Correct the value in the source tool") == 1
    assert "→ Correggi il valore nello strumento di origine" in section_text(pages["it"],
                                                                              "quality")
    assert "misc/notes.xlsx" in en and "header not recognised" in en
    assert "1 stale source: pinterest_pins." in en
    # 2,500 of 2,500 + 205,000 engagements; 5 of 5 + 560 leads
    assert f"{fmt_pct(2500 / 207500, 'en')} of engagements (2,500) matched no campaign" in en
    assert f"{fmt_pct(5 / 565, 'en')} of leads (5) matched no campaign" in en  # last touch
    # the labels to add to the plan, placeholders such as (not set) left out
    assert "spring_promo hubspot_contacts, x_posts 2 2,500 engagements, 5 leads" in en
    assert "(not set)" not in en


def test_no_personal_data(pages):
    for page in pages.values():
        assert SECRET_EMAIL not in page and "Mario Rossi" not in page
        assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", page)


def test_missing_tables_say_no_data_yet(tmp_path):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with duckdb.connect(str(empty), read_only=True) as con:
        rendered = build_report(con, "en", settings=SETTINGS, now=NOW)
    assert rendered.sections == dict.fromkeys(SECTIONS, False)
    assert "No data yet: the table marts.campaign_verdicts is not in the warehouse." in \
        section_text(rendered.html, "scatter")
    assert "No ingestion manifest" in section_text(rendered.html, "quality")
    with duckdb.connect(str(empty), read_only=True) as con:
        it = render_report(con, "it", settings=SETTINGS, now=NOW)
    assert "Ancora nessun dato" in section_text(it, "vanity")


def test_only_some_sources(tmp_path):
    db = make_warehouse(tmp_path / "partial.duckdb", verdicts=False, funnel=False,
                        unattributed=False, manifest=False)
    with duckdb.connect(str(db), read_only=True) as con:
        rendered = build_report(con, "en", settings=SETTINGS, now=NOW)
    assert rendered.sections["headline"] and rendered.sections["spend"]
    assert rendered.sections["funnel"]  # falls back to campaign_performance per platform
    assert not rendered.sections["scatter"] and not rendered.sections["vanity"]
    assert "No verdicts yet" in section_text(rendered.html, "headline")
    assert "No unattributed table yet." in section_text(rendered.html, "quality")


def test_older_tables_without_some_columns(tmp_path):
    db = make_warehouse(tmp_path / "old.duckdb")
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE marts.campaign_verdicts DROP COLUMN reason_it")
        con.execute("ALTER TABLE marts.campaign_verdicts DROP COLUMN rate_low")
        con.execute("ALTER TABLE marts.campaign_performance DROP COLUMN spend")
        con.execute("ALTER TABLE marts.campaign_performance DROP COLUMN platform")
        con.execute("ALTER TABLE raw._rejects DROP COLUMN action")
    with duckdb.connect(str(db), read_only=True) as con:
        rendered = build_report(con, "it", settings=SETTINGS, now=NOW)
    assert "Non è stato possibile" not in rendered.html  # no section failed
    assert "Ancora nessuna spesa nei dati" in section_text(rendered.html, "spend")
    assert len(find_all(by_id(parse(rendered.html), "scatter-chart"),
                        lambda n: has_class(n, "point"))) == 4


def test_the_renderer_does_not_need_dagster():
    code = ("import sys, pipeline.report.render, pipeline.report.i18n; "
            "sys.exit('dagster' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR).returncode == 0


# =========================================================================== the asset
def test_report_asset_writes_the_page_beside_the_warehouse(settings):
    import dagster as dg

    from pipeline.report.assets import REPORT_PATH_NAME, report, report_staging_path
    from pipeline.resources import Warehouse

    spec = report.specs_by_key[dg.AssetKey(["report", "html"])]
    assert spec.group_name == "report" and set(spec.kinds) == {"html", "python"}
    assert {d.asset_key for d in spec.deps} == {  # the marts the report reads
        dg.AssetKey(["marts", "campaign_verdicts"]), dg.AssetKey(["marts", "campaign_performance"]),
        dg.AssetKey(["marts", "fct_campaign_funnel_daily"])}
    assert spec.description and "report" in spec.description

    settings.warehouse_path.parent.mkdir(parents=True)
    make_warehouse(settings.warehouse_path)
    result = dg.materialize([report], resources={"warehouse": Warehouse()})
    assert result.success
    path = report_staging_path(settings)
    assert path == settings.warehouse_path.parent / REPORT_PATH_NAME
    page = path.read_text(encoding="utf-8")
    assert html.escape(VANITY_REASON, quote=False) in page
    (event,) = result.get_asset_materialization_events()
    materialization = event.event_specific_data.materialization
    assert materialization.asset_key == dg.AssetKey(["report", "html"])
    meta = materialization.metadata
    assert meta["path"].value == str(path)
    assert meta["size_bytes"].value == len(page.encode("utf-8"))
    assert meta["sections"].value == list(SECTIONS)
    assert "48.8%" in meta["preview"].value


# =========================================================================== in a browser
def _screenshot_module():
    spec = importlib.util.spec_from_file_location("vf_screenshot",
                                                  PROJECT_DIR / "scripts" / "screenshot.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="chromium is not installed (apt-get install -y chromium); the browser test needs it")


@needs_chromium
def test_report_in_a_headless_browser(pages, tmp_path):
    shot = _screenshot_module()
    html_file = tmp_path / "report.html"
    html_file.write_text(pages["it"], encoding="utf-8")
    desktop, phone = shot.capture(html_file, tmp_path / "png", (1280, 390))
    for r in (desktop, phone):
        assert r.console_errors == []
        assert r.checks["lang"] == "it"
        assert r.checks["sections"] == list(SECTIONS)
        assert r.checks["scatter_points"] == 4
        assert r.checks["charts"] == 2 + 4  # scatter (laptop + phone drawings) + 4 funnels
        assert r.checks["funnel_bars"] == 4 * 6
        assert r.checks["scripts"] == 0
        assert r.checks["overflow_x"] is False, f"page wider than {r.width}px"
        png = r.png.read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
        assert r.height > 1500
    assert desktop.checks["visible_scatter"] == ["scatter-chart"]
    assert phone.checks["visible_scatter"] == ["scatter-chart-narrow"]


@needs_chromium
def test_the_browser_harness_sees_console_errors(tmp_path):
    shot = _screenshot_module()
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><p>x</p><script>console.error('boom');"
                    "undefinedFunction();</script></body></html>")
    (result,) = shot.capture(page, tmp_path, (400,), checks={})
    assert any("boom" in e for e in result.console_errors)
    assert any("undefinedFunction" in e for e in result.console_errors)
