"""Every export format and variant of shared/FORMATS.md, loaded from the hand-checkable fixtures
in tests/fixtures/formats/ (written by make_fixtures.py): row counts, and values computed by hand
from the fixture text."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest

from pipeline.ingest.privacy import hmac_hex
from tests.fixtures.formats.ingest_kit import (
    FIXTURES,
    copy_fixtures,
    count_records,
    decode,
    fixture_files,
    ingest,
    manifest,
    rejects_of,
    rows_of,
    settings_for,
)

# path: (format, rows read, loaded, rejected, of which summary/footer, preamble lines, delimiter)
EXPECTED = {
    "campaigns/campaigns.csv": ("campaigns", 3, 3, 0, 0, 0, ","),
    "facebook_posts/facebook_posts_en.csv": ("facebook_posts", 4, 3, 1, 0, 0, ","),
    "facebook_posts/facebook_posts_it.csv": ("facebook_posts", 2, 2, 0, 0, 0, ","),
    "facebook_posts/facebook_posts_it_excel.csv": ("facebook_posts", 3, 2, 1, 0, 0, ";"),
    "facebook_posts/facebook_posts_old_impressions.csv": ("facebook_posts", 4, 2, 2, 0, 0, ","),
    "ga4_traffic/ga4_traffic_20230101_20230131.csv": ("ga4_traffic", 2, 2, 0, 0, 9, ","),
    "ga4_traffic/ga4_traffic_acquisition_20260501_20260531.csv":
        ("ga4_traffic", 5, 4, 1, 1, 9, ","),
    "hubspot_contacts/hubspot-crm-exports-all-contacts-2026-10-31.csv":
        ("hubspot_contacts", 3, 3, 0, 0, 0, ","),
    "hubspot_deals/hubspot-crm-exports-all-deals-2026-10-31.csv":
        ("hubspot_deals", 3, 3, 0, 0, 0, ","),
    "instagram_posts/instagram_posts_en.csv": ("instagram_posts", 3, 3, 0, 0, 0, ","),
    "instagram_posts/instagram_posts_it.csv": ("instagram_posts", 2, 2, 0, 0, 0, ","),
    "instagram_posts/instagram_posts_old_impressions.csv": ("instagram_posts", 2, 2, 0, 0, 0, ","),
    "linkedin_ads/linkedin_ads_campaign_performance.csv": ("linkedin_ads", 3, 3, 0, 0, 5, "\t"),
    "linkedin_posts/linkedin_content.xlsx": ("linkedin_posts", 3, 3, 0, 0, None, None),
    "linkedin_posts/linkedin_posts_sheet.csv": ("linkedin_posts", 2, 2, 0, 0, 1, ","),
    "meta_ads/meta_ads_it.csv": ("meta_ads", 3, 2, 1, 1, 0, ","),
    "meta_ads/meta_ads_it_excel.csv": ("meta_ads", 3, 2, 1, 1, 0, ";"),
    "meta_ads/meta_ads_usd_by_day.csv": ("meta_ads", 4, 3, 1, 1, 0, ","),
    "pinterest_pins/pinterest_pins.csv": ("pinterest_pins", 3, 3, 0, 0, 0, ","),
    "salesforce_leads/salesforce_leads_it.csv": ("salesforce_leads", 6, 3, 3, 3, 0, ","),
    "salesforce_leads/salesforce_leads_us.csv": ("salesforce_leads", 6, 3, 3, 3, 0, ","),
    "salesforce_opportunities/salesforce_opportunities_it_excel.csv":
        ("salesforce_opportunities", 7, 2, 5, 5, 0, ";"),
    "salesforce_opportunities/salesforce_opportunities_us.csv":
        ("salesforce_opportunities", 5, 2, 3, 3, 0, ","),
    "tiktok_ads/tiktok_ads.csv": ("tiktok_ads", 3, 3, 0, 0, 0, ","),
    "tiktok_ads/tiktok_ads.xlsx": ("tiktok_ads", 2, 2, 0, 0, None, None),
    "tiktok_ads/tiktok_ads_semicolon_dot.csv": ("tiktok_ads", 2, 2, 0, 0, 0, ";"),
    "tiktok_videos/tiktok_videos.csv": ("tiktok_videos", 3, 3, 0, 0, 0, ","),
    "x_posts/account_analytics_content_2026-09-01_2026-09-30.csv": ("x_posts", 3, 3, 0, 0, 0, ","),
    "x_posts/tweet_activity_metrics_acme_20150101_20150201_en.csv":
        ("x_posts", 2, 2, 0, 0, 0, ","),
    "x_posts/tweet_activity_metrics_acme_20260901_20261001_en.csv":
        ("x_posts", 3, 3, 0, 0, 0, ","),
    "youtube_videos/Table data.csv": ("youtube_videos", 3, 2, 1, 1, 0, ","),
    "youtube_videos/youtube_studio_export.zip": ("youtube_videos", 3, 2, 1, 1, None, None),
}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    """Every fixture loaded once into one warehouse."""
    tmp = tmp_path_factory.mktemp("formats")
    settings = settings_for(tmp)
    copy_fixtures(settings.raw_dir)
    con, result = ingest(settings)
    yield con, settings, result
    con.close()


def one(con, path: str, **where) -> dict:
    rows = [r for r in rows_of(con, path) if all(r[k] == v for k, v in where.items())]
    assert len(rows) == 1, (path, where, len(rows))
    return rows[0]


def test_every_format_and_variant_has_a_fixture():
    from pipeline.ingest.registry import formats

    present = {p.relative_to(FIXTURES).parts[0] for p in fixture_files()}
    assert present == set(formats())
    assert {str(p.relative_to(FIXTURES)) for p in fixture_files()} == set(EXPECTED)


def test_fixture_bytes_are_reproducible(tmp_path):
    """make_fixtures.py writes exactly the committed bytes."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.HERE = tmp_path
    mod.main()
    for p in fixture_files():
        rel = p.relative_to(FIXTURES)
        assert (tmp_path / rel).read_bytes() == p.read_bytes(), rel


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_file_recognised_and_counted(wh, path):
    con, _, _ = wh
    fmt, read, loaded, rejected, summary, _, _ = EXPECTED[path]
    f = manifest(con)[path]
    assert (f["status"], f["format"]) == ("loaded", fmt), f["message"]
    assert (f["rows_read"], f["rows_loaded"], f["rows_rejected"], f["rows_summary"]) == (
        read, loaded, rejected, summary)
    # nothing lost: the raw table and the rejects table hold exactly those rows
    assert len(rows_of(con, path)) == loaded
    rejects = rejects_of(con, path)
    assert len(rejects) == rejected
    assert sum(r["kind"] == "summary" for r in rejects) == summary
    for r in rejects:
        assert r["reason"] and r["action"] and r["line"] and r["line"] > 1, r


@pytest.mark.parametrize("path", [p for p, e in EXPECTED.items() if e[5] is not None])
def test_rows_read_equal_an_independent_count(path):
    """Python's csv module over the same bytes counts the same records."""
    _, read, *_, preamble, delimiter = EXPECTED[path]
    text = decode((FIXTURES / path).read_bytes())
    assert count_records(text, delimiter, preamble) == read


def test_workbook_and_zip_counts_are_independent():
    from openpyxl import load_workbook

    wb = load_workbook(FIXTURES / "linkedin_posts/linkedin_content.xlsx", read_only=True)
    posts = [r for r in wb["All posts"].iter_rows(values_only=True) if any(r)]
    assert len(posts) - 2 == EXPECTED["linkedin_posts/linkedin_content.xlsx"][1]
    wb = load_workbook(FIXTURES / "tiktok_ads/tiktok_ads.xlsx", read_only=True)
    assert len([r for r in wb["Sheet1"].iter_rows(values_only=True) if any(r)]) - 1 == 2
    with zipfile.ZipFile(FIXTURES / "youtube_videos/youtube_studio_export.zip") as z:
        assert sorted(z.namelist()) == ["Chart data.csv", "Table data.csv", "Totals.csv"]
        text = z.read("Table data.csv").decode("utf-8")
    assert count_records(text, ",", 0) == 3


# --- facebook_posts --------------------------------------------------------------------------
def test_facebook_publish_time_is_pacific_converted_to_utc_across_dst(wh):
    con, _, _ = wh
    p = "facebook_posts/facebook_posts_en.csv"
    got = {r["post_id"]: r["published_at"] for r in rows_of(con, p)}
    assert got == {
        "122158000000000001": datetime(2026, 3, 8, 9, 30),  # 01:30 PST (UTC-8)
        "122158000000000002": datetime(2026, 3, 8, 10, 30),  # 03:30 PDT (UTC-7), same day
        "122158000000000003": datetime(2026, 7, 4, 17, 0),  # 10:00 PDT
    }
    it = {r["post_id"]: r["published_at"]
          for r in rows_of(con, "facebook_posts/facebook_posts_it.csv")}
    assert it == {"122158000000000101": datetime(2026, 11, 1, 6, 0),  # 23:00 PDT on 31 Oct
                  "122158000000000102": datetime(2026, 12, 15, 17, 0)}  # 09:00 PST


def test_facebook_not_available_is_null_never_zero(wh):
    con, _, _ = wh
    r = one(con, "facebook_posts/facebook_posts_en.csv", post_id="122158000000000003")
    assert r["views"] is None and r["link_clicks"] is None  # "-" and ""
    assert r["comments"] == 0 and r["shares"] == 0  # a real 0 stays 0
    assert one(con, "facebook_posts/facebook_posts_en.csv",
               post_id="122158000000000002")["views"] == 2500  # "2,500"
    assert one(con, "facebook_posts/facebook_posts_it.csv",
               post_id="122158000000000102")["link_clicks"] is None  # "--"


def test_facebook_caption_newlines_kept_and_excel_mangled_id_rejected(wh):
    con, _, _ = wh
    p = "facebook_posts/facebook_posts_en.csv"
    r = one(con, p, post_id="122158000000000001")
    assert r["description"] == ("Spring sale is live!\nShop now: "
                                "https://acme.example/spring?utm_campaign=spring_sale_26")
    assert r["custom_labels"] == "spring_sale_26" and r["title"] is None
    [rej] = rejects_of(con, p)
    assert rej["kind"] == "invalid"
    assert rej["reason"].startswith('Post ID: "1.22158E+17" is an ID mangled by Excel')
    assert "Excel" in rej["action"]
    # line 6: the first caption spans lines 2-3
    assert (rej["line"], rej["data_row"]) == (6, 4)
    assert rej["raw_text"].startswith("1.22158E+17,100000000000001,Acme Italia")


def test_facebook_older_export_impressions_reordered_columns_and_bad_counts(wh):
    con, _, _ = wh
    p = "facebook_posts/facebook_posts_old_impressions.csv"
    r = one(con, p, post_id="111000000000000001")
    assert (r["impressions"], r["views"], r["reach"], r["reactions_comments_shares"]) == (
        800, None, 700, 12)  # "Reactions, comments and shares" in another case
    assert r["published_at"] == datetime(2024, 1, 15, 20, 0)
    assert one(con, p, post_id="111000000000000004")["published_at"] == datetime(2024, 7, 1, 6,
                                                                                  59)
    rejects = rejects_of(con, p)
    assert [(x["line"], x["reason"]) for x in rejects] == [
        (3, 'Reach: "abc" is not a number (a count is expected)'),
        (4, 'Comments: "-3" is negative (counts cannot be)'),
    ]


def test_facebook_excel_italian_resave(wh):
    con, _, _ = wh
    p = "facebook_posts/facebook_posts_it_excel.csv"
    f = manifest(con)[p]
    assert (f["encoding"], f["delimiter"], f["decimal_mark"]) == ("cp1252", ";", ",")
    a = one(con, p, post_id="122158000000000201")
    assert (a["views"], a["reach"], a["duration_sec"], a["description"]) == (
        1234, 1100, 12.5, "Caffè & più")
    b = one(con, p, post_id="122158000000000203")
    assert (b["views"], b["reach"], b["reactions"], b["description"]) == (
        12345, 10000, 1002, "Perché no?")
    [rej] = rejects_of(con, p)
    assert "1,22158E+17" in rej["reason"] and "mangled by Excel" in rej["reason"]


# --- instagram_posts -------------------------------------------------------------------------
def test_instagram_variants(wh):
    con, _, _ = wh
    en = {r["post_id"]: r for r in rows_of(con, "instagram_posts/instagram_posts_en.csv")}
    assert en["18000000000000001"]["published_at"] == datetime(2026, 3, 21, 1, 0)  # 18:00 PDT
    assert en["18000000000000002"]["published_at"] == datetime(2026, 1, 10, 15, 30)  # PST
    assert en["18000000000000001"]["description"] == "New collection #SpringSale26\nLink in bio"
    assert [en[k]["post_type"] for k in sorted(en)] == ["IG image", "IG reel", "IG carousel"]
    assert (en["18000000000000003"]["shares"], en["18000000000000003"]["follows"]) == (None, None)
    assert en["18000000000000003"]["saves"] == 22
    old = {r["post_id"]: r
           for r in rows_of(con, "instagram_posts/instagram_posts_old_impressions.csv")}
    assert old["17900000000000002"]["impressions"] == 1500
    assert old["17900000000000002"]["views"] is None
    assert old["17900000000000001"]["post_type"] == "IG story"
    it = {r["post_id"]: r for r in rows_of(con, "instagram_posts/instagram_posts_it.csv")}
    assert (it["18000000000000101"]["account_username"], it["18000000000000101"]["likes"],
            it["18000000000000101"]["views"]) == ("acme.it", 210, 2200)
    assert it["18000000000000102"]["saves"] == 70


# --- linkedin_posts --------------------------------------------------------------------------
def test_linkedin_posts_workbook(wh):
    con, _, _ = wh
    p = "linkedin_posts/linkedin_content.xlsx"
    assert manifest(con)[p]["container"] == "xlsx:All posts"
    rows = {r["post_id"]: r for r in rows_of(con, p)}
    assert sorted(rows) == ["7330000000000000001", "7330000000000000002", "7330000000000000003"]
    a = rows["7330000000000000001"]
    assert (a["published_at"], a["impressions"], a["clicks"], a["ctr"], a["views"]) == (
        date(2026, 5, 15), 1006, 169, pytest.approx(0.168), None)
    b = rows["7330000000000000002"]
    assert (b["campaign_name"], b["campaign_end_date"], b["views"], b["follows"]) == (
        "Webinar Q3", date(2026, 5, 31), 1200, 7)
    assert "posted_by" not in a  # a person's name: dropped at the door


def test_linkedin_posts_sheet_saved_as_csv(wh):
    con, _, _ = wh
    p = "linkedin_posts/linkedin_posts_sheet.csv"
    assert manifest(con)[p]["header_line"] == 1  # row 1 is LinkedIn's description
    rows = {r["post_id"]: r for r in rows_of(con, p)}
    a, b = rows["7100000000000000001"], rows["7100000000000000002"]
    assert (a["impressions"], a["ctr"], a["engagement_rate"]) == (
        1000, pytest.approx(0.168), pytest.approx(0.2147))  # "1,000", "16.8%", "21.47%"
    assert (b["views"], b["ctr"], b["published_at"]) == (120, pytest.approx(0.02),
                                                         date(2025, 3, 28))


# --- x_posts ---------------------------------------------------------------------------------
def test_x_classic_export(wh):
    con, _, _ = wh
    p = "x_posts/tweet_activity_metrics_acme_20260901_20261001_en.csv"
    rows = {r["post_id"]: r for r in rows_of(con, p)}
    a = rows["1833000000000000001"]
    assert a["post_text"] == ('Spring sale is live! Save 20% &amp; more\n"Best deal" '
                              "#SpringSale26 https://t.co/abc")
    assert a["published_at"] == datetime(2026, 9, 12, 16, 0)
    assert (a["impressions"], a["engagements"], a["likes"], a["url_clicks"]) == (1777, 75, 11, 36)
    assert a["engagement_rate"] == pytest.approx(0.042205965109735506)
    assert rows["1833000000000000002"]["post_text"] == "Webinar on Thursday 🎙️"
    assert rows["1833000000000000002"]["media_views"] == 30
    assert sum(r["impressions"] for r in rows.values()) == 2277
    assert manifest(con)[p]["exported_at"] == datetime(2026, 10, 1)


def test_x_old_export_says_favorites(wh):
    con, _, _ = wh
    rows = rows_of(con, "x_posts/tweet_activity_metrics_acme_20150101_20150201_en.csv")
    assert [(r["post_id"], r["likes"]) for r in rows] == [("560000000000000001", 7),
                                                         ("560000000000000002", 2)]


def test_x_current_export(wh):
    con, _, _ = wh
    rows = {r["post_id"]: r for r in rows_of(
        con, "x_posts/account_analytics_content_2026-09-01_2026-09-30.csv")}
    a = rows["1966000000000000001"]
    assert (a["published_at"], a["likes"], a["engagements"], a["bookmarks"], a["retweets"],
            a["follows"], a["user_profile_clicks"], a["url_clicks"]) == (
        datetime(2026, 9, 12), 30, 55, 4, 5, 1, 6, 8)
    assert rows["1966000000000000002"]["published_at"] == datetime(2026, 9, 5)  # "Sat, Sep 5"


# --- tiktok, youtube, pinterest --------------------------------------------------------------
def test_tiktok_videos(wh):
    con, _, _ = wh
    rows = {r["post_id"]: r for r in rows_of(con, "tiktok_videos/tiktok_videos.csv")}
    assert sorted(rows) == ["7420000000000000001", "7420000000000000002", "7420000000000000003"]
    assert rows["7420000000000000001"]["published_at"] == datetime(2026, 9, 12, 18, 30)
    assert rows["7420000000000000002"]["average_watch_time"] == 5.25
    c = rows["7420000000000000003"]
    assert (c["likes"], c["comments"], c["shares"], c["views"]) == (None, None, 0, 1000)


def test_youtube_zip_reads_table_data_and_skips_the_total_row(wh):
    con, _, _ = wh
    p = "youtube_videos/youtube_studio_export.zip"
    assert manifest(con)[p]["container"] == "zip:Table data.csv"
    rows = {r["post_id"]: r for r in rows_of(con, p)}
    assert sorted(rows) == ["-xyzXYZ6789", "abcDEF12345"]  # leading space trimmed
    a = rows["abcDEF12345"]
    assert (a["published_at"], a["duration_sec"], a["views"], a["impressions"]) == (
        date(2024, 1, 6), 312, 7000, 100000)
    assert a["impressions_ctr"] == pytest.approx(0.045)  # "4.5" percent
    assert a["watch_time_hours"] == pytest.approx(600.25)
    [total] = rejects_of(con, p)
    assert (total["kind"], total["line"], total["raw_text"][:6]) == ("summary", 2, "Total,")


def test_youtube_extracted_table_with_newer_names(wh):
    con, _, _ = wh
    rows = {r["post_id"]: r for r in rows_of(con, "youtube_videos/Table data.csv")}
    assert (rows["newVID00001"]["impressions"], rows["newVID00001"]["impressions_ctr"]) == (
        15000, pytest.approx(0.0533))
    assert rows["newVID00002"]["published_at"] == date(2026, 10, 8)


def test_pinterest(wh):
    con, _, _ = wh
    rows = {r["post_id"]: r for r in rows_of(con, "pinterest_pins/pinterest_pins.csv")}
    assert rows["1100000000000000001"]["published_at"] == date(2026, 9, 3)
    assert (rows["1100000000000000002"]["outbound_clicks"], rows["1100000000000000002"]["saves"]) \
        == (0, 50)
    assert (rows["1100000000000000003"]["engagements"], rows["1100000000000000003"]["pin_clicks"]) \
        == (None, None)


# --- meta_ads --------------------------------------------------------------------------------
def test_meta_ads_currency_from_header_and_summary_row(wh):
    con, _, _ = wh
    p = "meta_ads/meta_ads_usd_by_day.csv"
    assert manifest(con)[p]["currency"] == "USD"
    rows = rows_of(con, p)
    assert {r["_currency"] for r in rows} == {"USD"}
    # the three days add up to the summary row's 1234.56, which is not counted again
    assert sum(r["amount_spent"] for r in rows) == Decimal("1234.56")
    [summary] = rejects_of(con, p)
    assert (summary["kind"], summary["line"]) == ("summary", 2)
    first = one(con, p, day=date(2026, 9, 1), campaign_name="Spring Sale 26 - Leads")
    assert first["ctr_link"] == pytest.approx(0.02)  # Meta writes CTR as percent: "2.0"
    lead = one(con, p, day=date(2026, 9, 2), campaign_name="Spring Sale 26 - Leads")
    assert lead["results"] is None and lead["amount_spent"] == Decimal("400.00")
    buy = one(con, p, campaign_name="Spring Sale 26 - Purchases")
    assert buy["result_indicator"] == "actions:offsite_conversion.fb_pixel_purchase"
    assert (buy["results"], buy["reporting_starts"], buy["reporting_ends"]) == (
        3, date(2026, 9, 1), date(2026, 9, 30))


def test_meta_ads_italian_headers(wh):
    con, _, _ = wh
    p = "meta_ads/meta_ads_it.csv"
    rows = {r["campaign_name"]: r for r in rows_of(con, p)}
    assert manifest(con)[p]["currency"] == "EUR"
    assert rows["Autunno 26 - Lead"]["amount_spent"] == Decimal("150.50")
    assert rows["Autunno 26 - Lead"]["day"] is None  # no Day column: the row covers the period
    assert rows["Autunno 26 - Traffico"]["result_indicator"] == "actions:link_click"


def test_meta_ads_excel_italian_decimal_comma_and_day_first_dates(wh):
    con, _, _ = wh
    p = "meta_ads/meta_ads_it_excel.csv"
    f = manifest(con)[p]
    assert (f["decimal_mark"], f["currency"]) == (",", "EUR")
    assert "day=%d/%m/%Y" in f["date_formats"]
    rows = {r["day"]: r for r in rows_of(con, p)}
    a = rows[date(2026, 9, 15)]
    assert (a["amount_spent"], a["frequency"], a["reach"], a["impressions"]) == (
        Decimal("1234.56"), 1.25, 12500, 15625)
    assert a["campaign_name"] == "Saldi d'autunno – Lead"  # the Windows-1252 en dash
    assert (a["reporting_starts"], a["reporting_ends"]) == (date(2026, 9, 1), date(2026, 9, 30))
    assert rows[date(2026, 9, 16)]["amount_spent"] == Decimal("987.65")


# --- linkedin_ads, tiktok_ads, ga4 -----------------------------------------------------------
def test_linkedin_ads_utf16_tab_with_preamble(wh):
    con, _, _ = wh
    p = "linkedin_ads/linkedin_ads_campaign_performance.csv"
    f = manifest(con)[p]
    assert (f["encoding"], f["delimiter"], f["header_line"]) == ("utf-16-le", "\t", 5)
    rows = {r["start_date"]: r for r in rows_of(con, p)}
    a = rows[date(2026, 9, 21)]
    assert (a["total_spent"], a["impressions"], a["clicks"], a["leads"], a["currency"]) == (
        Decimal("123.45"), 38450, 123, 6, "EUR")
    assert a["ctr"] == pytest.approx(0.00321)  # "0.321%"
    assert a["campaign_id"] == "610000001"
    assert sorted(rows) == [date(2026, 9, 21), date(2026, 9, 22), date(2026, 9, 27)]


def test_tiktok_ads_csv_xlsx_and_semicolon_with_dots(wh):
    con, _, _ = wh
    rows = rows_of(con, "tiktok_ads/tiktok_ads.csv")
    assert [r["ctr"] for r in rows][:2] == [pytest.approx(0.0125), pytest.approx(0.01)]
    assert (rows[2]["clicks"], rows[2]["ctr"], rows[2]["conversions"]) == (None, None, 0)
    x = rows_of(con, "tiktok_ads/tiktok_ads.xlsx")
    assert [(r["day"], r["cost"], r["ctr"]) for r in x] == [
        (date(2026, 9, 3), Decimal("30.50"), pytest.approx(0.012)),
        (date(2026, 9, 4), Decimal("29.50"), pytest.approx(0.01))]
    p = "tiktok_ads/tiktok_ads_semicolon_dot.csv"
    assert manifest(con)[p]["decimal_mark"] == "."
    s = rows_of(con, p)
    assert [(r["cost"], r["impressions"], r["conversions"]) for r in s] == [
        (Decimal("45.50"), 1234, 12.5), (Decimal("1045.75"), 20000, 7)]


def test_ga4_preamble_grand_total_and_old_conversions(wh):
    con, _, _ = wh
    p = "ga4_traffic/ga4_traffic_acquisition_20260501_20260531.csv"
    assert manifest(con)[p]["header_line"] == 9
    rows = rows_of(con, p)
    assert sum(r["sessions"] for r in rows) == 610  # = the Grand total row, not added to it
    assert rows[0]["date"] == date(2026, 5, 1)
    assert rows[1]["source_medium"] == "(direct) / (none)"
    assert rows[3]["engagement_rate"] == pytest.approx(0.75)
    [total] = rejects_of(con, p)
    assert (total["kind"], total["line"]) == ("summary", 15)
    old = rows_of(con, "ga4_traffic/ga4_traffic_20230101_20230131.csv")
    assert [(r["date"], r["key_events"], r["total_revenue"]) for r in old] == [
        (date(2023, 1, 10), 3, Decimal("120.00")), (date(2023, 1, 11), 1.5, None)]


# --- CRM and plan ----------------------------------------------------------------------------
def test_hubspot_contacts_times_in_the_portal_zone_and_hashed_personal_data(wh):
    con, settings, _ = wh
    rows = {r["contact_id"]: r for r in rows_of(
        con, "hubspot_contacts/hubspot-crm-exports-all-contacts-2026-10-31.csv")}
    assert rows["101"]["created_at"] == datetime(2026, 9, 3, 8, 0)  # 10:00 CEST
    assert rows["103"]["created_at"] == datetime(2026, 12, 5, 8, 15)  # 09:15 CET
    assert rows["102"]["became_customer_at"] == datetime(2026, 10, 1, 7, 0)
    key = settings.key_file.read_bytes().strip()
    assert rows["102"]["email_hash"] == hmac_hex(key, "john.smith@example.com")
    assert rows["101"]["phone_hash"] == hmac_hex(key, "+393331112222")
    assert rows["103"]["phone_hash"] == hmac_hex(key, "+390212345678")  # 0039 ...
    assert rows["102"]["phone_hash"] == hmac_hex(key, "5551234567")
    assert "first_name" not in rows["101"] and "last_name" not in rows["101"]
    assert rows["101"]["latest_source_drill_down_2"] == "spring_sale_26"


def test_hubspot_deals(wh):
    con, _, _ = wh
    rows = {r["deal_id"]: r for r in rows_of(
        con, "hubspot_deals/hubspot-crm-exports-all-deals-2026-10-31.csv")}
    assert rows["9001"]["amount"] == Decimal("1500.00")
    assert rows["9001"]["associated_contact_ids"] == "101;102"
    assert rows["9002"]["amount"] == Decimal("2500.50")  # "2,500.50"
    assert rows["9003"]["amount"] is None and rows["9002"]["close_date"] is None
    assert "deal_owner" not in rows["9001"]


def test_salesforce_italian_and_us_dates_told_apart_per_file(wh):
    con, _, _ = wh
    it = {r["lead_id"]: r for r in rows_of(con, "salesforce_leads/salesforce_leads_it.csv")}
    us = {r["lead_id"]: r for r in rows_of(con, "salesforce_leads/salesforce_leads_us.csv")}
    # "03/09/2026" alone could be either; 15/09 and 28/09 make the Italian file day-first
    assert it["00Q5g00000AbCdE1"]["created_date"] == date(2026, 9, 3)
    # "10/3/2026" in the US file: 13 in 10/13/2026 makes it month-first
    assert us["00Q5g00000UsA002"]["created_date"] == date(2026, 10, 3)
    m = manifest(con)
    assert m["salesforce_leads/salesforce_leads_it.csv"]["date_formats"] == "created_date=%d/%m/%Y"
    assert m["salesforce_leads/salesforce_leads_us.csv"]["date_formats"] == "created_date=%m/%d/%Y"
    assert m["salesforce_leads/salesforce_leads_it.csv"]["encoding"] == "cp1252"
    assert [it[k]["company"] for k in sorted(it)] == [
        "Società Ferrari & Figli", "Caffè Nerò", "Pâtisserie Éclair"]
    assert it["00Q5g00000AbCdE2"]["converted_opportunity_id"] == "0065g00000XyZ01"


def test_salesforce_footer_rows_are_summary_rows_with_their_lines(wh):
    con, _, _ = wh
    rejects = rejects_of(con, "salesforce_leads/salesforce_leads_it.csv")
    assert [(r["line"], r["kind"]) for r in rejects] == [
        (6, "summary"), (8, "summary"), (9, "summary")]
    assert rejects[0]["raw_text"] == '"Grand Totals (3 records)"'


def test_salesforce_opportunities_us_and_excel_italian(wh):
    con, _, _ = wh
    us = {r["opportunity_id"]: r for r in rows_of(
        con, "salesforce_opportunities/salesforce_opportunities_us.csv")}
    assert (us["0065g00000XyZ01"]["amount"], us["0065g00000XyZ01"]["close_date"]) == (
        Decimal("12500.00"), date(2026, 10, 20))
    assert us["0065g00000XyZ02"]["close_date"] is None
    p = "salesforce_opportunities/salesforce_opportunities_it_excel.csv"
    it = {r["opportunity_id"]: r for r in rows_of(con, p)}
    assert (it["0065g00000ItA01"]["amount"], it["0065g00000ItA01"]["created_date"],
            it["0065g00000ItA01"]["close_date"]) == (
        Decimal("12500.00"), date(2026, 3, 5), date(2026, 4, 20))  # "05/03/2026" day-first
    assert it["0065g00000ItA02"]["amount"] == Decimal("1234.56")
    reasons = [r["reason"] for r in rejects_of(con, p)]
    assert reasons.count("empty row (every field blank), not data") == 2
    assert reasons.count("summary or footer row, not data") == 3


def test_campaign_plan(wh):
    con, _, _ = wh
    rows = {r["campaign_id"]: r for r in rows_of(con, "campaigns/campaigns.csv")}
    assert rows["C1"]["hashtag"] == "#SpringSale26" and rows["C2"]["hashtag"] is None
    assert (rows["C2"]["budget"], rows["C2"]["start_date"]) == (Decimal("2500.50"),
                                                                date(2026, 9, 1))
    assert rows["C3"]["end_date"] is None and rows["C3"]["currency"] == "USD"


def test_per_file_overhead_is_small(wh):
    """A tiny file loads in well under the ~0.5 s it took before (typically 0.02-0.15 s)."""
    con, _, _ = wh
    median = con.execute("SELECT median(load_seconds) FROM raw._files "
                         "WHERE status = 'loaded'").fetchone()[0]
    assert median < 0.4


# --- the same data in other clothes ------------------------------------------------------------
CSV_PATHS = [p for p, e in EXPECTED.items() if e[6] is not None]
_NUMBER = re.compile(r"(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(%?)")


def _italian(value: str) -> str:
    """How Excel in an Italian locale writes a number: 1,234.5 -> 1.234,5."""
    m = _NUMBER.fullmatch(value.strip())
    if not m:
        return value
    sign, whole, frac, pct = m.groups()
    whole = whole.replace(",", "")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped}{',' + frac if frac else ''}{pct}"


def _numeric_positions(header: list[str]) -> set[int]:
    from pipeline.ingest.registry import match_header
    from pipeline.ingest.sql import NUMERIC_TYPES

    m = match_header(header)
    types = {c.name: c.type for c in m.format.columns}
    return {i for name, i in m.positions.items() if types[name] in NUMERIC_TYPES}


def _rewrite(path: str, transform) -> tuple[str, list[str]]:
    """(preamble text, [records]) of a CSV fixture, its records passed through `transform`."""
    import csv

    _, _, _, _, _, preamble, delimiter = EXPECTED[path]
    text = decode((FIXTURES / path).read_bytes())
    lines = text.splitlines(keepends=True)
    head = "".join(lines[:preamble])
    records = list(csv.reader(io.StringIO("".join(lines[preamble:])), delimiter=delimiter))
    header = records[0]
    return head, transform(header, records)


def _data(con, path: str) -> list[tuple]:
    rows = rows_of(con, path)
    return sorted(tuple(str(v) for k, v in sorted(r.items()) if not k.startswith("_"))
                  for r in rows)


@pytest.fixture(scope="module")
def variants(tmp_path_factory, wh):
    """Each CSV fixture re-saved by Excel in Italian (`;`, decimal commas, Windows-1252), and
    with its columns reversed, an unknown column added and the header upper-cased."""
    import csv

    tmp = tmp_path_factory.mktemp("variants")
    settings = settings_for(tmp)
    settings.key_file.parent.mkdir(parents=True)
    settings.key_file.write_bytes(wh[1].key_file.read_bytes())  # same key, same hashes
    made = {}
    for path in {p for p, _ in VARIANTS}:
        def italian(header, records):
            nums = _numeric_positions(header)
            return [header] + [[_italian(v) if i in nums and len(r) == len(header) else v
                                for i, v in enumerate(r)] for r in records[1:]]

        def shuffled(header, records):
            out = []
            for n, r in enumerate(records):
                if len(r) != len(header):
                    out.append(r)  # footers stay as they are
                    continue
                extra = "ZZ Unknown Column" if n == 0 else "whatever"
                r = [v.upper() if n == 0 else v for v in reversed(r)]
                out.append([r[0], extra, *r[1:]])
            return out

        for kind, transform, delim in (("excel_it", italian, ";"), ("shuffled", shuffled, None)):
            if (path, kind) not in VARIANTS:
                continue
            head, records = _rewrite(path, transform)
            buf = io.StringIO()
            csv.writer(buf, delimiter=delim or EXPECTED[path][6], lineterminator="\r\n").writerows(
                records)
            text = head + buf.getvalue()
            try:
                data = text.encode("cp1252")
            except UnicodeEncodeError:
                data = text.encode("utf-8-sig")  # Excel's "CSV UTF-8" for emoji
            rel = f"{kind}/{path.replace('/', '__')}"
            (settings.raw_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (settings.raw_dir / rel).write_bytes(data)
            made[(kind, path)] = rel
    con, _ = ingest(settings)
    yield con, made
    con.close()


VARIANTS = [(path, kind) for path in CSV_PATHS for kind in ("excel_it", "shuffled")
            if not (kind == "excel_it" and EXPECTED[path][6] == ";")]  # already re-saved


@pytest.mark.parametrize(("path", "kind"), VARIANTS)
def test_same_data_after_excel_italian_resave_or_reordered_columns(wh, variants, kind, path):
    con0, _, _ = wh
    con, made = variants
    rel = made[(kind, path)]
    f = manifest(con)[rel]
    assert f["status"] == "loaded", f["message"]
    if kind == "excel_it":
        assert (f["delimiter"], f["decimal_mark"]) == (";", ",")
    want = manifest(con0)[path]
    assert (f["rows_read"], f["rows_loaded"], f["rows_rejected"]) == (
        want["rows_read"], want["rows_loaded"], want["rows_rejected"])
    assert _data(con, rel) == _data(con0, path)


def test_italian_number_rewriting_helper():
    assert [_italian(v) for v in ["1777.0", "2,500", "1234.56", "0.321%", "-3", "abc", "12"]] == [
        "1.777,0", "2.500", "1.234,56", "0,321%", "-3", "abc", "12"]
