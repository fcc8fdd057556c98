"""The marketer's report: one self-contained HTML file (inline CSS and SVG, no scripts, no
network), readable on a laptop and a phone and printable to PDF.

:func:`render_report` reads the warehouse's ``marts`` (and, for data-quality notes, the ingest
manifest ``raw._files`` / ``raw._rejects``) through an open DuckDB connection and returns the page.
Every section copes with a missing table or column by saying so instead of failing, because a user
may have only some sources. Only aggregates are read: no CRM table is touched, rejected rows' raw
text is never read, and values quoted in reject reasons are masked.

Nothing here imports Dagster (the asset in :mod:`pipeline.report.assets` is a thin wrapper).
"""

from __future__ import annotations

import html
import json
import logging
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from pipeline.config import Settings, get_settings
from pipeline.report.i18n import (
    DASH,
    STRINGS,
    action_text,
    fmt_compact,
    fmt_count,
    fmt_date,
    fmt_datetime,
    fmt_int,
    fmt_money,
    fmt_multiple,
    fmt_num,
    fmt_pct,
    fmt_rate,
    platform_label,
    resolve_lang,
    t,
    tn,
    with_article,
)

__all__ = ["REPORT_PATH_NAME", "SECTIONS", "VERDICT_STYLE", "Report", "build_report",
           "render_report", "report_staging_path", "write_report"]

log = logging.getLogger(__name__)

#: Section ids, in page order (also the anchors of the page's navigation).
SECTIONS: tuple[str, ...] = ("headline", "scatter", "vanity", "campaigns", "funnel", "spend",
                             "quality")

#: Verdict -> (colour, marker shape). Okabe-Ito colours (safe for the common colour-vision
#: deficiencies), and every verdict also has its own shape and is always labelled in words.
VERDICT_STYLE: dict[str, tuple[str, str]] = {
    "vanity": ("#D55E00", "triangle"),
    "converting": ("#0072B2", "circle"),
    "efficient": ("#009E73", "diamond"),
    "underperforming": ("#E69F00", "square"),
    "too_early": ("#CC79A7", "ring"),
    "insufficient_data": ("#7A7A7A", "cross"),
}
_UNKNOWN_STYLE = ("#444444", "circle")
STAGES: tuple[str, ...] = ("impressions", "engagements", "clicks", "sessions", "leads",
                           "won_deals")
_STAGE_COLOURS = {"impressions": "#9AA5B1", "engagements": "#9AA5B1", "clicks": "#0072B2",
                  "sessions": "#0072B2", "leads": "#009E73", "won_deals": "#009E73"}
_UNATTRIBUTED_MEASURES = ("engagements", "leads", "sessions", "clicks", "impressions")


# =========================================================================== public API
@dataclass(frozen=True)
class Report:
    """A rendered report: the page and what a caller may want to know about it."""

    html: str
    lang: str
    sections: dict[str, bool]
    """Section id -> whether it had data (False: it shows a "no data yet" message)."""
    headline: str
    """The headline as plain text (a preview for the asset's metadata)."""


def render_report(con: duckdb.DuckDBPyConnection, lang: str | None = None, *,
                  settings: Settings | None = None, now: datetime | None = None) -> str:
    """The report as one self-contained HTML page.

    ``lang``: ``"en"`` or ``"it"``; default: the environment's ``VF_REPORT_LANG``, else English.
    ``settings``: currency, time zone, freshness limit and attribution model (default: the
    environment's). ``now``: the generation time shown and used for source freshness (default:
    now, in the reporting time zone).
    """
    return build_report(con, lang, settings=settings, now=now).html


def build_report(con: duckdb.DuckDBPyConnection, lang: str | None = None, *,
                 settings: Settings | None = None, now: datetime | None = None) -> Report:
    """Like :func:`render_report`, also returning which sections had data and the headline."""
    lang = resolve_lang(lang)
    settings = settings or get_settings()
    if now is None:
        now = datetime.now(_zone(settings.reporting_timezone))
    ctx = _Context(_Warehouse(con), lang, settings, now)
    sections = [_build_section(ctx, sid) for sid in SECTIONS]
    page = _page(ctx, sections)
    return Report(html=page, lang=lang, sections={s.id: s.has_data for s in sections},
                  headline=ctx.headline_text)


#: The report's file name, in data/marts once published.
REPORT_PATH_NAME = "report.html"


def report_staging_path(settings: Settings) -> Path:
    """Where the report asset writes the page: beside the warehouse, from where the publish step
    copies it atomically into the marts folder."""
    return settings.warehouse_path.parent / REPORT_PATH_NAME


def write_report(page: str, path: Path) -> int:
    """Write ``page`` to ``path`` atomically (temporary file in the same folder, then
    ``os.replace``), so nobody ever opens half a page. Returns the size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = page.encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return len(data)


# =========================================================================== data access
class _Warehouse:
    """Read-only helpers over a DuckDB connection that tolerate missing tables and columns."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._found: dict[str, tuple[str, list[str]] | None] = {}

    def _lookup(self, schema: str, name: str) -> list[str] | None:
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog = "
            "current_database() AND table_schema = ? AND table_name = ? "
            "ORDER BY ordinal_position", [schema, name]).fetchall()
        return [r[0] for r in rows] or None

    def resolve(self, table: str) -> tuple[str, list[str]] | None:
        """``schema.name`` -> (quoted qualified name, columns), or None when absent. A mart is
        also looked for in ``main`` (the published marts.duckdb keeps marts there)."""
        if table not in self._found:
            schema, name = table.split(".", 1)
            found = None
            for candidate in (schema, "main") if schema == "marts" else (schema,):
                cols = self._lookup(candidate, name)
                if cols:
                    found = (f'"{candidate}"."{name}"', cols)
                    break
            self._found[table] = found
        return self._found[table]

    def qualified(self, table: str) -> str:
        """The quoted qualified name of a table known to exist."""
        found = self.resolve(table)
        if found is None:
            raise LookupError(f"{table} is not in the warehouse")
        return found[0]

    def has(self, table: str) -> bool:
        return self.resolve(table) is not None

    def columns(self, table: str) -> list[str]:
        found = self.resolve(table)
        return found[1] if found else []

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [{n: _plain(v) for n, v in zip(names, row, strict=True)}
                for row in cur.fetchall()]

    def select(self, table: str, wanted: Iterable[str], where: str = "",
               params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows of ``table`` with the ``wanted`` columns (NULL for those it lacks)."""
        found = self.resolve(table)
        if not found:
            return []
        qualified, cols = found
        exprs = [f'"{c}"' if c in cols else f'NULL AS "{c}"' for c in wanted]
        sql = f"SELECT {', '.join(exprs)} FROM {qualified}"
        return self.rows(sql + (f" WHERE {where}" if where else ""), params)


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    return v


def _num(v: Any) -> float | None:
    """A finite float, or None (NULL, NaN, non-numbers)."""
    if v is None or isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _sum(rows: Iterable[dict[str, Any]], key: str) -> float | None:
    """Sum of a column, None when every value is NULL (unknown is not zero)."""
    values = [v for v in (_num(r.get(key)) for r in rows) if v is not None]
    return sum(values) if values else None


def _div(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b not in (None, 0) else None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# =========================================================================== context
@dataclass
class _Section:
    id: str
    title: str
    body: str
    has_data: bool


@dataclass
class _Context:
    wh: _Warehouse
    lang: str
    settings: Settings
    now: datetime
    headline_text: str = ""
    _cache: dict[str, Any] = field(default_factory=dict)

    def t(self, key: str, **values: Any) -> str:
        return t(key, self.lang, **values)

    # ---------------------------------------------------------------- shared data
    @property
    def verdicts(self) -> list[dict[str, Any]]:
        """Every verdict row (both levels), or [] when there is no verdicts table."""
        if "verdicts" not in self._cache:
            wanted = ("campaign_id", "campaign_name", "platform", "end_date", "engagements",
                      "conversions", "attribution_model", "level", "as_of",
                      "attribution_window_closes", "is_reference", "is_high_engagement",
                      "baseline_rate", "rate", "posterior_mean_rate", "rate_low", "rate_high",
                      "prob_below_threshold", "prob_above_baseline", "verdict", "reason",
                      "reason_it", "prior_method", "thresholds")
            rows = self.wh.select("marts.campaign_verdicts", wanted)
            self._cache["verdicts"] = rows
        return self._cache["verdicts"]

    @staticmethod
    def _is_campaign_level(r: dict[str, Any]) -> bool:
        level = r.get("level")
        return level == "campaign" or (level is None and r.get("platform") in (None, "all"))

    @property
    def campaign_verdicts(self) -> list[dict[str, Any]]:
        """Campaign-level verdicts (level 'campaign', or platform 'all'/NULL without a level)."""
        return [r for r in self.verdicts if self._is_campaign_level(r)]

    @property
    def platform_verdicts(self) -> list[dict[str, Any]]:
        """Campaign × platform verdicts."""
        return [r for r in self.verdicts if not self._is_campaign_level(r)]

    @property
    def model(self) -> str | None:
        """The attribution model the report uses: the verdicts', else the configured one when
        the performance mart has it, else the first the mart has."""
        if "model" not in self._cache:
            models = [r["attribution_model"] for r in self.campaign_verdicts
                      if r.get("attribution_model")]
            model = max(set(models), key=models.count) if models else None
            if model is None and "attribution_model" in self.wh.columns(
                    "marts.campaign_performance"):
                qualified = self.wh.qualified("marts.campaign_performance")
                have = [r["m"] for r in self.wh.rows(
                    f"SELECT DISTINCT attribution_model AS m FROM {qualified} "
                    "WHERE attribution_model IS NOT NULL ORDER BY 1")]
                model = (self.settings.attribution_model
                         if self.settings.attribution_model in have else
                         (have[0] if have else None))
            self._cache["model"] = model
        return self._cache["model"]

    @property
    def performance(self) -> list[dict[str, Any]]:
        """campaign_performance rows under the report's attribution model (platform 'all' when
        the mart has no platform column)."""
        if "performance" not in self._cache:
            wanted = ("campaign_id", "campaign_name", "platform", "attribution_model",
                      "end_date", "impressions", "engagements", "clicks", "sessions", "leads",
                      "won_deals", "revenue_won", "spend", "cpl", "cac", "roas",
                      "reporting_currency", "has_fx_missing")
            cols = self.wh.columns("marts.campaign_performance")
            where, params = "", []
            if "attribution_model" in cols and self.model:
                where, params = "attribution_model = ?", [self.model]
            rows = self.wh.select("marts.campaign_performance", wanted, where, params)
            for r in rows:
                if r.get("platform") is None:
                    r["platform"] = "all"
            self._cache["performance"] = rows
        return self._cache["performance"]

    @property
    def performance_all(self) -> list[dict[str, Any]]:
        return [r for r in self.performance if r["platform"] == "all"]

    @property
    def verdict_by_campaign(self) -> dict[Any, str]:
        return {r["campaign_id"]: r.get("verdict") for r in self.campaign_verdicts}

    @property
    def thresholds(self) -> dict[str, Any]:
        for r in self.campaign_verdicts:
            raw = r.get("thresholds")
            if isinstance(raw, dict):
                return raw
            if isinstance(raw, str):
                try:
                    return json.loads(raw)
                except ValueError:
                    continue
        return {}

    @property
    def baseline(self) -> float | None:
        for r in self.campaign_verdicts:
            b = _num(r.get("baseline_rate"))
            if b is not None:
                return b
        return None

    @property
    def as_of(self) -> Any:
        for r in self.campaign_verdicts:
            if r.get("as_of") is not None:
                return r["as_of"]
        return None

    def reason(self, row: dict[str, Any]) -> str:
        """The verdict's sentence in the report's language."""
        if self.lang == "it" and row.get("reason_it"):
            return str(row["reason_it"])
        return str(row.get("reason") or "")  # (an older table without reason_it: English)

    @property
    def currency(self) -> str:
        """The marts' reporting currency (as they state it), else the configured one."""
        for r in self.performance:
            if r.get("reporting_currency"):
                return str(r["reporting_currency"])
        return self.settings.reporting_currency

    def money(self, x: Any, decimals: int | None = None) -> str:
        return fmt_money(x, self.currency, self.lang, decimals)


# =========================================================================== sections
def _build_section(ctx: _Context, sid: str) -> _Section:
    builder: Callable[[_Context], tuple[str, bool]] = _BUILDERS[sid]
    title = ctx.t(f"h_{sid}")
    try:
        body, has_data = builder(ctx)
    except Exception as exc:  # noqa: BLE001 - one broken section must not lose the report
        log.exception("report section %s failed", sid)
        message = _redact(f"{type(exc).__name__}: {exc}".splitlines()[0])[:200]
        body, has_data = _p(ctx.t("section_failed", error=message), "note warn"), False
    return _Section(sid, title, body, has_data)


def _no_data(ctx: _Context, table: str | None = None) -> str:
    if table:
        return _p(ctx.t("no_data_table", table=table), "note no-data")
    return _p(ctx.t("no_data"), "note no-data")


# --------------------------------------------------------------------------- headline
def _headline(ctx: _Context) -> tuple[str, bool]:
    camps = ctx.campaign_verdicts
    perf = ctx.performance_all
    if not camps and not perf:
        ctx.headline_text = ctx.t("no_data")
        return _no_data(ctx, "marts.campaign_verdicts"), False

    if camps:
        eng = _sum(camps, "engagements")
        leads = _sum(camps, "conversions")
        n_campaigns = len(camps)
    else:
        eng, leads, n_campaigns = _sum(perf, "engagements"), _sum(perf, "leads"), len(perf)
    sales = _sum(perf, "won_deals")
    revenue = _sum(perf, "revenue_won")

    vanity = [r for r in camps if r.get("verdict") == "vanity"]
    vanity_eng = _sum(vanity, "engagements") or 0.0
    vanity_leads = _sum(vanity, "conversions") or 0.0
    share = _div(vanity_eng, eng) if camps else None

    kpis = [
        (ctx.t("kpi_engagements"), fmt_count(eng, ctx.lang), "kpi-eng"),
        (ctx.t("kpi_leads"), fmt_count(leads, ctx.lang), "kpi-leads"),
        (ctx.t("kpi_sales"), fmt_count(sales, ctx.lang), "kpi-sales"),
    ]
    if revenue:
        kpis.append((ctx.t("kpi_revenue"), ctx.money(revenue, 0), "kpi-revenue"))
    kpis.append((ctx.t("kpi_vanity_share"), fmt_pct(share, ctx.lang), "kpi-vanity"))
    cards = "".join(
        f'<div class="kpi {cls}"><div class="kpi-value">{_e(value)}</div>'
        f'<div class="kpi-label">{_e(label)}</div></div>' for label, value, cls in kpis)

    totals = ctx.t("headline_totals", campaigns=fmt_int(n_campaigns, ctx.lang),
                   engagements=fmt_count(eng, ctx.lang), leads=fmt_count(leads, ctx.lang),
                   sales=fmt_count(sales, ctx.lang))
    if not camps:
        story = ctx.t("headline_no_verdicts")
    elif vanity:
        story = tn("headline_vanity", len(vanity), ctx.lang,
                   share_a=with_article(fmt_pct(share, ctx.lang), ctx.lang, capital=True),
                   vanity=fmt_count(vanity_eng, ctx.lang), total=fmt_count(eng, ctx.lang),
                   leads=fmt_count(vanity_leads, ctx.lang),
                   lead_share_a=with_article(fmt_pct(_div(vanity_leads, leads), ctx.lang),
                                             ctx.lang))
    else:
        story = ctx.t("headline_no_vanity")
    ctx.headline_text = f"{story} {totals}"

    body = [f'<div class="kpis">{cards}</div>',
            f'<p class="story" id="headline-story">{_e(story)}</p>', _p(totals, "muted")]
    if camps:
        counts = {v: sum(1 for r in camps if r.get("verdict") == v) for v in VERDICT_STYLE}
        chips = "".join(f'<li>{_badge(v, ctx.lang)} <b>{n}</b></li>'
                        for v, n in counts.items() if n)
        body.append(f'<div class="counts"><span class="muted">{_e(ctx.t("verdict_counts"))}'
                    f'</span><ul class="chips">{chips}</ul></div>')
    return "".join(body), True


# --------------------------------------------------------------------------- scatter
def _scatter(ctx: _Context) -> tuple[str, bool]:
    camps = ctx.campaign_verdicts
    if not camps:
        return _no_data(ctx, "marts.campaign_verdicts"), False
    points = []
    hidden = 0
    for r in camps:
        e = _num(r.get("engagements"))
        c = _num(r.get("conversions"))
        if e is None or e <= 0 or c is None:
            hidden += 1
            continue
        rate = _num(r.get("rate"))
        points.append({"id": r.get("campaign_id"), "name": str(r.get("campaign_name") or
                                                                r.get("campaign_id")),
                       "e": e, "c": c, "rate": rate if rate is not None else c / e * 1000,
                       "low": _num(r.get("rate_low")), "high": _num(r.get("rate_high")),
                       "verdict": r.get("verdict"), "high_eng": r.get("is_high_engagement"),
                       "ref": r.get("is_reference")})
    if not points:
        return _no_data(ctx), False
    th = ctx.thresholds
    baseline = ctx.baseline
    frac = _num(th.get("baseline_fraction"))
    threshold = baseline * frac if baseline is not None and frac is not None else None
    high_x = [p["e"] for p in points if p["high_eng"] is True and p["ref"] is True]
    spec = _ScatterSpec(points, baseline, threshold, min(high_x) if high_x else None,
                        _num(th.get("min_engagements")))
    vanity = _vanity_order(p for p in points if p["verdict"] == "vanity")
    for n, p in enumerate(vanity, 1):  # numbered marks, the same numbers as the vanity list
        p["num"] = n
    wide = _scatter_svg(ctx, spec, "scatter-chart", 760, 440, 13, "only-wide")
    narrow = _scatter_svg(ctx, spec, "scatter-chart-narrow", 360, 420, 12, "only-narrow")
    present = [v for v in VERDICT_STYLE if any(p["verdict"] == v for p in points)]
    legend = "".join(
        f'<li>{_marker_icon(v)}<span><b>{_e(ctx.t("v_" + v))}</b> '
        f'<span class="muted">{_e(ctx.t("vd_" + v))}</span></span></li>' for v in present)
    notes = [ctx.t("scatter_intro")]
    if spec.clipped:
        notes.append(ctx.t("scatter_clipped"))
    if hidden:
        notes.append(tn("scatter_hidden", hidden, ctx.lang))
    key = ""
    if vanity:
        items = "".join(f'<li><span class="vnum">{p["num"]}</span>{_e(p["name"])}</li>'
                        for p in vanity)
        key = (f'<div class="vanity-key"><span class="muted">{_e(ctx.t("scatter_key"))}</span>'
               f'<ol>{items}</ol></div>')
    body = (f'<p class="muted">{_e(" ".join(notes))}</p>'
            f'<figure class="chart">{wide}{narrow}'
            f'<figcaption>{key}<ul class="legend" aria-label="legend">{legend}</ul>'
            f'</figcaption></figure>')
    return body, True


def _vanity_order(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Vanity campaigns in the order they are numbered and listed: most engagement first."""
    def key(r: dict[str, Any]) -> tuple[float, str]:
        e = _num(r.get("e", r.get("engagements"))) or 0
        return (-e, str(r.get("name", r.get("campaign_name")) or ""))

    return sorted(rows, key=key)


@dataclass
class _ScatterSpec:
    points: list[dict[str, Any]]
    baseline: float | None
    threshold: float | None
    high_x: float | None
    min_engagements: float | None
    clipped: int = 0


def _nice_125(v: float, down: bool) -> float:
    """The nearest of 1, 2, 5 x 10^k below (``down``) or above ``v`` (> 0)."""
    k = math.floor(math.log10(v))
    steps = [m * 10.0 ** e for e in (k - 1, k, k + 1) for m in (1, 2, 5)]
    if down:
        return max(s for s in steps if s <= v * (1 + 1e-9))
    return min(s for s in steps if s >= v * (1 - 1e-9))


def _nice_step(span: float, target: int = 5) -> float:
    raw = span / max(target, 1)
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * mag >= raw:
            return m * mag
    return 10 * mag


def _scatter_svg(ctx: _Context, spec: _ScatterSpec, svg_id: str, width: float, height: float,
                 font: float, css: str) -> str:
    lang = ctx.lang
    pts = spec.points
    left, right, top, bottom = font * 3.2, font * 2.2, font * 3.2, font * 3.4
    pw, ph = width - left - right, height - top - bottom

    # x: engagements, log10, from and to the nearest 1-2-5 values around the campaigns
    xs = [p["e"] for p in pts]
    lo, hi = _nice_125(min(xs), down=True), _nice_125(max(xs), down=False)
    if hi <= lo:
        hi = lo * 10
    llo, lhi = math.log10(lo), math.log10(hi)

    def sx(v: float) -> float:
        return left + (math.log10(v) - llo) / (lhi - llo) * pw

    # y: leads per 1,000, linear from 0; the top follows the campaigns with enough volume so a
    # tiny campaign with 1 lead in 20 engagements does not flatten everyone else
    judged = [p for p in pts if spec.min_engagements is None or p["e"] >= spec.min_engagements]
    tops = [p["rate"] for p in (judged or pts)]
    tops += [v for v in (spec.baseline and spec.baseline * 1.6,) if v]
    ymax_raw = max(tops + [1e-9]) * 1.08
    step = _nice_step(ymax_raw)
    ymax = math.ceil(ymax_raw / step) * step

    y_decimals = max(0, -math.floor(math.log10(step) + 1e-9)) + (1 if step * 10 ** max(
        0, -math.floor(math.log10(step) + 1e-9)) % 1 else 0)

    def sy(v: float) -> float:
        return top + ph - min(max(v, 0.0), ymax) / ymax * ph

    out = [f'<svg id="{svg_id}" class="chart-svg scatter {css}" viewBox="0 0 {width:g} '
           f'{height:g}" role="img" font-size="{font:g}" '
           f'aria-label="{_a(ctx.t("scatter_aria", n=len(pts)))}">']
    # grid and axes
    grid = []
    span = lhi - llo  # decades
    mults = (1, 2, 5) if span <= 3.5 else (1,)
    for k in range(math.floor(llo), math.ceil(lhi) + 1):
        for m in mults:
            v = m * 10.0 ** k
            if v < lo * 0.999 or v > hi * 1.001:
                continue
            x = sx(v)
            major = m == 1
            grid.append(f'<line class="grid{"" if major else " minor"}" x1="{x:.1f}" '
                        f'y1="{top:.1f}" x2="{x:.1f}" y2="{top + ph:.1f}"/>')
            if major or span <= 2.2 or (m == 5 and span <= 3.5 and width >= 600):
                grid.append(f'<text class="tick" x="{x:.1f}" y="{top + ph + font * 1.3:.1f}" '
                            f'text-anchor="middle">{_e(fmt_compact(v, lang))}</text>')
    yv = 0.0
    while yv <= ymax + step * 1e-6:
        y = sy(yv)
        grid.append(f'<line class="grid" x1="{left:.1f}" y1="{y:.1f}" x2="{left + pw:.1f}" '
                    f'y2="{y:.1f}"/>')
        grid.append(f'<text class="tick" x="{left - font * 0.4:.1f}" y="{y + font * 0.35:.1f}" '
                    f'text-anchor="end">{_e(fmt_num(yv, y_decimals, lang))}</text>')
        yv += step
    out.append('<g class="axes">' + "".join(grid) + "</g>")
    out.append(f'<text class="axis-label" x="{left + pw / 2:.1f}" y="{height - font * 0.5:.1f}" '
               f'text-anchor="middle">{_e(ctx.t("scatter_x"))}</text>')
    out.append(f'<text class="axis-label" x="{font * 0.3:.1f}" y="{font * 1.1:.1f}">'
               f'↑ {_e(ctx.t("scatter_y"))}</text>')

    # the high-engagement boundary, the baseline and the vanity threshold; their labels go to
    # the left end (vanity campaigns are busy ones, on the right)
    placed: list[tuple[float, float, float, float]] = []

    def ref_label(text: str, x: float, y: float, anchor: str = "start") -> str:
        w = len(text) * font * 0.52
        x0 = x if anchor == "start" else x - w
        placed.append((x0, y - font * 0.9, x0 + w, y + font * 0.25))
        return (f'<text class="ref-label" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">'
                f'{_e(text)}</text>')

    if spec.high_x and lo <= spec.high_x <= hi:
        x = sx(spec.high_x)
        out.append(f'<line class="ref high" x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" '
                   f'y2="{top + ph:.1f}"/>')
        text = ctx.t("scatter_high")
        fits = x + 4 + len(text) * font * 0.55 <= width
        anchor, dx = ("start", 4) if fits else ("end", -4)
        out.append(ref_label(text, x + dx, top - font * 0.45, anchor))
    if spec.baseline is not None and spec.baseline <= ymax:
        y = sy(spec.baseline)
        out.append(f'<line class="ref baseline" x1="{left:.1f}" y1="{y:.1f}" '
                   f'x2="{left + pw:.1f}" y2="{y:.1f}"/>')
        out.append(ref_label(ctx.t("scatter_baseline", rate=fmt_rate(spec.baseline, lang)),
                             left + 4, y - font * 0.4))
    if spec.threshold is not None and spec.threshold <= ymax:
        y = sy(spec.threshold)
        out.append(f'<line class="ref threshold" x1="{left:.1f}" y1="{y:.1f}" '
                   f'x2="{left + pw:.1f}" y2="{y:.1f}"/>')
        out.append(ref_label(ctx.t("scatter_threshold", rate=fmt_rate(spec.threshold, lang)),
                             left + 4, min(y + font * 1.1, top + ph - font * 0.2)))

    # points: the busiest first so small ones stay on top; vanity last of all
    order = sorted(pts, key=lambda p: (p["verdict"] == "vanity", -p["e"]))
    marks, labels = [], []
    clipped = 0
    r = font * 0.45
    mark_boxes, vanity_boxes = [], []
    for p in pts:  # labels keep off the marks where they can, and always off vanity marks
        x, y = sx(p["e"]), sy(p["rate"])
        box = (x - r * 1.4, y - r * 1.4, x + r * 1.4, y + r * 1.4)
        mark_boxes.append(box)
        if p["verdict"] == "vanity":
            vanity_boxes.append(box)
    for p in order:
        colour, shape = VERDICT_STYLE.get(p["verdict"], _UNKNOWN_STYLE)
        x, y = sx(p["e"]), sy(p["rate"])
        over = p["rate"] > ymax
        clipped += over
        label = ctx.t("v_" + p["verdict"]) if p["verdict"] in VERDICT_STYLE else p["verdict"]
        tip = [f'{p["name"]} — {label}',
               f'{fmt_count(p["e"], lang)} {ctx.t("col_engagements").lower()}, '
               f'{fmt_count(p["c"], lang)} {ctx.t("col_leads").lower()}',
               ctx.t("tip_rate", rate=fmt_rate(p["rate"], lang))]
        parts = []
        if p["low"] is not None and p["high"] is not None:
            tip.append(ctx.t("tip_interval", low=fmt_rate(p["low"], lang),
                             high=fmt_rate(p["high"], lang)))
            y1, y2 = sy(p["low"]), sy(p["high"])
            if abs(y1 - y2) > 1:
                parts.append(f'<line class="ci" x1="{x:.1f}" y1="{y1:.1f}" x2="{x:.1f}" '
                             f'y2="{y2:.1f}" stroke="{colour}"/>')
        parts.append(_marker(shape, x, y, r, colour))
        if over:
            parts.append(f'<path class="clip-arrow" d="M{x - r:.1f} {y - r * 1.6:.1f} '
                         f'L{x:.1f} {y - r * 2.8:.1f} L{x + r:.1f} {y - r * 1.6:.1f}" '
                         f'stroke="{colour}"/>')
        title = "&#10;".join(_e(s) for s in tip)
        marks.append(f'<g class="point" data-verdict="{_a(p["verdict"])}" '
                     f'data-campaign="{_a(p["id"])}"><title>{title}</title>{"".join(parts)}'
                     f'</g>')
        if p.get("num"):
            labels.append(_point_label(str(p["num"]), x, y, r, font,
                                       (left, top, left + pw, top + ph), placed, mark_boxes,
                                       vanity_boxes))
    spec.clipped = clipped
    # labels under the marks: where a label had to cross a mark, the mark stays visible
    out.append('<g class="labels">' + "".join(s for s in labels if s) + "</g>")
    out.append('<g class="points">' + "".join(marks) + "</g>")
    out.append("</svg>")
    return "".join(out)


def _point_label(name: str, x: float, y: float, r: float, font: float,
                 plot: tuple[float, float, float, float],
                 placed: list[tuple[float, float, float, float]],
                 marks: list[tuple[float, float, float, float]],
                 must_avoid: list[tuple[float, float, float, float]]) -> str:
    """A campaign name beside its mark, kept inside the plot (x0, y0, x1, y1) and off the labels
    already placed, and off every mark if possible; none when there is no room (the tooltip
    still names it)."""
    x_min, y_min, x_max, y_max = plot
    text = name if len(name) <= 26 else name[:25] + "…"
    w, h = len(text) * font * 0.54, font * 1.1
    candidates = [(avoid, dy, side) for avoid in (placed + marks, placed + must_avoid)
                  for dy in (0, -h, h, -2 * h, 2 * h, -3 * h, -4 * h)
                  for side in ("right", "left")]
    for avoid, dy, side in candidates:
        x0 = x + r + 4 if side == "right" else x - r - 4 - w
        if x0 < x_min or x0 + w > x_max:
            continue
        y0 = y + dy - h * 0.5
        if y0 < y_min or y0 + h > y_max:
            continue
        box = (x0, y0, x0 + w, y0 + h)
        if any(not (box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3])
               for b in avoid):
            continue
        placed.append(box)
        leader = ""
        if abs(dy) >= 2 * h:  # far from its mark: a thin line says whose label it is
            lx = x0 if side == "right" else x0 + w
            ly = y0 + h if dy < 0 else y0
            leader = (f'<line class="leader" x1="{x:.1f}" y1="{y:.1f}" x2="{lx:.1f}" '
                      f'y2="{ly:.1f}"/>')
        return (f'{leader}<text class="point-label" x="{x0:.1f}" '
                f'y="{y0 + h * 0.78:.1f}">{_e(text)}</text>')
    return ""


def _marker(shape: str, x: float, y: float, r: float, colour: str) -> str:
    """One verdict marker centred on (x, y)."""
    if shape == "triangle":  # pointing down: "falls short"
        s = r * 1.35
        return (f'<path class="mark" d="M{x - s:.1f} {y - s * 0.75:.1f} L{x + s:.1f} '
                f'{y - s * 0.75:.1f} L{x:.1f} {y + s:.1f} Z" fill="{colour}"/>')
    if shape == "diamond":
        s = r * 1.3
        return (f'<path class="mark" d="M{x:.1f} {y - s:.1f} L{x + s:.1f} {y:.1f} L{x:.1f} '
                f'{y + s:.1f} L{x - s:.1f} {y:.1f} Z" fill="{colour}"/>')
    if shape == "square":
        s = r * 0.9
        return (f'<rect class="mark" x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" '
                f'height="{2 * s:.1f}" fill="{colour}"/>')
    if shape == "ring":
        return (f'<circle class="mark hollow" cx="{x:.1f}" cy="{y:.1f}" r="{r * 0.9:.1f}" '
                f'style="fill:#fff;stroke:{colour}"/>')
    if shape == "cross":
        s = r * 0.8
        return (f'<path class="mark cross" d="M{x - s:.1f} {y - s:.1f} L{x + s:.1f} '
                f'{y + s:.1f} M{x - s:.1f} {y + s:.1f} L{x + s:.1f} {y - s:.1f}" '
                f'style="stroke:{colour}"/>')
    return f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}"/>'


def _marker_icon(verdict: str, size: int = 14) -> str:
    colour, shape = VERDICT_STYLE.get(verdict, _UNKNOWN_STYLE)
    c = size / 2
    return (f'<svg class="icon" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
            f'aria-hidden="true">{_marker(shape, c, c, size * 0.36, colour)}</svg>')


def _badge(verdict: Any, lang: str) -> str:
    v = str(verdict) if verdict is not None else ""
    label = t("v_" + v, lang) if v in VERDICT_STYLE else (v or DASH)
    colour = VERDICT_STYLE.get(v, _UNKNOWN_STYLE)[0]
    return (f'<span class="badge" data-verdict="{_a(v)}" style="--c:{colour}">'
            f'{_marker_icon(v, 12)}{_e(label)}</span>')


# --------------------------------------------------------------------------- vanity list
def _interval(row: dict[str, Any], lang: str) -> str:
    low, high = _num(row.get("rate_low")), _num(row.get("rate_high"))
    if low is None or high is None:
        return DASH
    return f"{fmt_rate(low, lang)}–{fmt_rate(high, lang)}"


def _rate_of(row: dict[str, Any]) -> float | None:
    """Leads per 1,000 engagements: the row's ``rate``, else computed (None over 0)."""
    rate = _num(row.get("rate"))
    if rate is not None:
        return rate
    per_engagement = _div(_num(row.get("conversions")), _num(row.get("engagements")))
    return None if per_engagement is None else per_engagement * 1000


def _vanity(ctx: _Context) -> tuple[str, bool]:
    if not ctx.wh.has("marts.campaign_verdicts"):
        return _no_data(ctx, "marts.campaign_verdicts"), False
    lang = ctx.lang
    flagged = _vanity_order(r for r in ctx.campaign_verdicts if r.get("verdict") == "vanity")
    ci = fmt_pct(_num(ctx.thresholds.get("credible_interval")) or 0.9, lang)
    spend = {r["campaign_id"]: _num(r.get("spend")) for r in ctx.performance_all}
    body = [_p(ctx.t("vanity_intro"), "muted")]
    if not flagged:
        body.append(_p(ctx.t("vanity_none"), "note ok"))
    cards = []
    for n, r in enumerate(flagged, 1):
        end = r.get("end_date")
        when = ctx.t("ended", date=fmt_date(end, lang)) if end else ctx.t("running")
        facts = []
        if spend.get(r["campaign_id"]):
            facts.append(f'{ctx.t("col_spend").lower()} {ctx.money(spend[r["campaign_id"]])}')
        facts.append(when)
        interval = ctx.t("vanity_interval", rate=fmt_rate(_rate_of(r), lang),
                         low=fmt_rate(r.get("rate_low"), lang),
                         high=fmt_rate(r.get("rate_high"), lang), ci=ci,
                         baseline=fmt_rate(r.get("baseline_rate"), lang))
        cards.append(
            f'<article class="vcard" data-campaign="{_a(r.get("campaign_id"))}">'
            f'<h3><span class="vnum">{n}</span>{_badge("vanity", lang)} '
            f'{_e(r.get("campaign_name"))}</h3>'
            f'<p class="reason">{_e(ctx.reason(r))}</p>'
            f'<p class="interval">{_interval_bar(r)}<span>{_e(interval)}</span></p>'
            f'<p class="muted small">{_e(" · ".join(facts))}</p></article>')
    if cards:
        body.append(f'<div class="vcards">{"".join(cards)}</div>')

    per_platform = sorted((r for r in ctx.platform_verdicts if r.get("verdict") == "vanity"),
                          key=lambda r: -(_num(r.get("engagements")) or 0))
    if per_platform:
        rows = [[(f'<b>{_e(r.get("campaign_name"))}</b>', "name"),
                 (_e(platform_label(r.get("platform"), lang)), ""),
                 (fmt_count(r.get("engagements"), lang), "num"),
                 (fmt_count(r.get("conversions"), lang), "num"),
                 (fmt_rate(_rate_of(r), lang), "num"), (_interval(r, lang), "num"),
                 (_e(ctx.reason(r)), "why")] for r in per_platform]
        heads = ["col_campaign", "col_platform", "col_engagements", "col_leads", "col_rate",
                 "col_interval", "col_why"]
        body.append(f'<h3>{_e(ctx.t("vanity_platforms"))}</h3>'
                    f'{_p(ctx.t("vanity_platforms_intro"), "muted")}'
                    + _table(ctx, heads, rows, "vanity-platforms"))
    return "".join(body), bool(flagged or per_platform)


def _interval_bar(row: dict[str, Any]) -> str:
    """A small inline picture of the credible interval against the baseline."""
    low, high = _num(row.get("rate_low")), _num(row.get("rate_high"))
    base, rate = _num(row.get("baseline_rate")), _rate_of(row)
    if low is None or high is None or not base:
        return ""
    top = max(high, base) * 1.25
    w, h = 120, 14

    def sx(v: float) -> float:
        return 2 + v / top * (w - 4)

    colour = VERDICT_STYLE["vanity"][0]
    parts = [f'<line x1="2" y1="{h / 2}" x2="{w - 2}" y2="{h / 2}" stroke="#ddd"/>',
             f'<line x1="{sx(low):.1f}" y1="{h / 2}" x2="{sx(high):.1f}" y2="{h / 2}" '
             f'stroke="{colour}" stroke-width="4" stroke-linecap="round"/>',
             f'<line x1="{sx(base):.1f}" y1="1" x2="{sx(base):.1f}" y2="{h - 1}" '
             f'stroke="#222" stroke-width="1.5"/>']
    if rate is not None:
        parts.append(f'<circle cx="{sx(min(rate, top)):.1f}" cy="{h / 2}" r="2.5" fill="#222"/>')
    return (f'<svg class="ibar" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
            f'aria-hidden="true">{"".join(parts)}</svg>')


# --------------------------------------------------------------------------- all campaigns
def _campaigns(ctx: _Context) -> tuple[str, bool]:
    camps = ctx.campaign_verdicts
    lang = ctx.lang
    if not camps:
        return _no_data(ctx, "marts.campaign_verdicts"), False
    order = {v: i for i, v in enumerate(VERDICT_STYLE)}
    camps = sorted(camps, key=lambda r: (order.get(r.get("verdict"), 99),
                                         -(_num(r.get("engagements")) or 0)))
    rows = []
    for r in camps:
        end = r.get("end_date")
        name = (f'<b>{_e(r.get("campaign_name"))}</b><span class="muted small block">'
                f'{_e(fmt_date(end, lang) if end else ctx.t("running"))}</span>'
                f'<span class="why small block">{_e(ctx.reason(r))}</span>')
        rows.append([(name, "name"), (_badge(r.get("verdict"), lang), ""),
                     (fmt_count(r.get("engagements"), lang), "num"),
                     (fmt_count(r.get("conversions"), lang), "num"),
                     (fmt_rate(_rate_of(r), lang), "num"), (_interval(r, lang), "num")])
    heads = ["col_campaign", "col_verdict", "col_engagements", "col_leads", "col_rate",
             "col_interval"]
    return _table(ctx, heads, rows, "campaigns"), True


# --------------------------------------------------------------------------- funnel
def _funnel(ctx: _Context) -> tuple[str, bool]:
    lang = ctx.lang
    wanted = ("platform", *STAGES)
    if ctx.wh.has("marts.fct_campaign_funnel_daily"):
        cols = ctx.wh.columns("marts.fct_campaign_funnel_daily")
        qualified = ctx.wh.qualified("marts.fct_campaign_funnel_daily")
        sums = ", ".join(f'sum("{s}") AS "{s}"' if s in cols else f'NULL AS "{s}"'
                         for s in STAGES)
        group = '"platform"' if "platform" in cols else "'all'"
        where, params = "", []
        if "attribution_model" in cols and ctx.model:  # leads and sales differ per model
            where = "WHERE (attribution_model = ? OR attribution_model IS NULL)"
            params = [ctx.model]
        rows = ctx.wh.rows(f"SELECT {group} AS platform, {sums} FROM {qualified} {where} "
                           "GROUP BY ALL", params)
    else:
        # no daily funnel: the performance mart's platform rows (or its totals) will do
        source = [r for r in ctx.performance if r["platform"] != "all"] or ctx.performance_all
        if not source:
            return _no_data(ctx, "marts.fct_campaign_funnel_daily"), False
        by: dict[str, list[dict[str, Any]]] = {}
        for r in source:
            by.setdefault(r["platform"], []).append(r)
        rows = [{"platform": p, **{s: _sum(rs, s) for s in STAGES}} for p, rs in by.items()]
    rows = [{k: (_num(r.get(k)) if k != "platform" else r.get(k)) for k in wanted}
            for r in rows]
    rows = [r for r in rows if any(r[s] for s in STAGES)]
    if not rows:
        return _no_data(ctx), False
    rows.sort(key=lambda r: -(r["impressions"] or r["engagements"] or 0))
    panels = []
    if len(rows) > 1:
        total = {"platform": None, **{s: _sum(rows, s) for s in STAGES}}
        panels.append(total)
    panels.extend(rows)
    svgs = "".join(
        f'<figure class="funnel-panel">'
        f'<figcaption>{_e(platform_label(r["platform"], lang))}</figcaption>'
        f'{_funnel_svg(ctx, r, i)}</figure>' for i, r in enumerate(panels))
    return (f'{_p(ctx.t("funnel_intro"), "muted")}<div class="funnels">{svgs}</div>'), True


def _funnel_svg(ctx: _Context, row: dict[str, Any], index: int) -> str:
    lang = ctx.lang
    width, row_h, label_w, bar_w = 360, 30, 100, 140
    present = [s for s in STAGES if row.get(s) is not None]
    biggest = max((row[s] for s in present), default=0) or 1
    height = row_h * len(STAGES) + 6
    name = platform_label(row["platform"], lang)
    out = [f'<svg id="funnel-{index}" class="chart-svg funnel" viewBox="0 0 {width} {height}" '
           f'role="img" font-size="13" aria-label="{_a(ctx.t("funnel_aria", platform=name))}"'
           f' data-platform="{_a(row["platform"] or "all")}">']
    prev = None
    for i, stage in enumerate(STAGES):
        y = 3 + i * row_h
        v = row.get(stage)
        out.append(f'<text class="stage" x="0" y="{y + row_h * 0.62:.1f}">'
                   f'{_e(ctx.t("stage_" + stage))}</text>')
        if v is None:
            out.append(f'<text class="value muted" x="{label_w + 4}" y="{y + row_h * 0.62:.1f}">'
                       f'{DASH}</text>')
            continue
        w = bar_w * math.log10(v + 1) / math.log10(biggest + 1) if biggest > 0 else 0
        if v > 0:
            w = max(w, 2)
        out.append(f'<rect class="bar" data-stage="{stage}" x="{label_w}" y="{y + 5}" '
                   f'width="{w:.1f}" height="{row_h - 10}" rx="2" '
                   f'fill="{_STAGE_COLOURS[stage]}"><title>{_e(ctx.t("stage_" + stage))}: '
                   f'{_e(fmt_int(v, lang))}</title></rect>')
        text = (f'<tspan class="value{"" if v else " zero"}">{_e(_compact_count(v, lang))}'
                '</tspan>')
        # the share that went on; stages come from different sources (a session needs no
        # click), so a stage bigger than the one before gets no percentage
        if prev and 0 < v <= prev:
            text += f'<tspan class="step" dx="6">{_e("→ " + fmt_pct(v / prev, lang))}</tspan>'
        out.append(f'<text x="{label_w + w + 5:.1f}" y="{y + row_h * 0.62:.1f}">{text}</text>')
        if v > 0:
            prev = v
    out.append("</svg>")
    return "".join(out)


def _compact_count(v: float, lang: str) -> str:
    """Counts below 100,000 in full (rounded), larger ones compact (``1.2M``)."""
    return fmt_int(v, lang) if v < 100_000 else fmt_compact(v, lang)


# --------------------------------------------------------------------------- spend
def _spend(ctx: _Context) -> tuple[str, bool]:
    lang = ctx.lang
    if not ctx.wh.has("marts.campaign_performance"):
        return _no_data(ctx, "marts.campaign_performance"), False
    if "spend" not in ctx.wh.columns("marts.campaign_performance"):
        return _p(ctx.t("spend_none"), "note no-data"), False
    paid = [r for r in ctx.performance_all if (_num(r.get("spend")) or 0) > 0]
    if not paid:
        return _p(ctx.t("spend_none"), "note no-data"), False
    verdicts = ctx.verdict_by_campaign
    paid.sort(key=lambda r: -(_num(r.get("spend")) or 0))

    def metrics(spend: float | None, leads: float | None, won: float | None,
                revenue: float | None, row: dict[str, Any] | None = None) -> list[tuple[str, str]]:
        cpl = _num(row.get("cpl")) if row else None
        cac = _num(row.get("cac")) if row else None
        roas = _num(row.get("roas")) if row else None
        cpl = cpl if cpl is not None else _div(spend, leads)
        cac = cac if cac is not None else _div(spend, won)
        roas = roas if roas is not None else _div(revenue, spend)
        return [(ctx.money(spend, 0), "num"), (fmt_count(leads, lang), "num"),
                (ctx.money(cpl), "num"), (fmt_count(won, lang), "num"), (ctx.money(cac), "num"),
                (ctx.money(revenue, 0), "num"), (fmt_multiple(roas, lang), "num")]

    rows = []
    for r in paid:
        rows.append([(f'<b>{_e(r.get("campaign_name"))}</b>', "name"),
                     (_badge(verdicts.get(r["campaign_id"]), lang)
                      if r["campaign_id"] in verdicts else DASH, ""),
                     *metrics(_num(r.get("spend")), _num(r.get("leads")),
                              _num(r.get("won_deals")), _num(r.get("revenue_won")), r)])
    totals = {k: _sum(paid, k) for k in ("spend", "leads", "won_deals", "revenue_won")}
    rows.append([(f'<b>{_e(ctx.t("total"))}</b>', "name total"), ("", ""),
                 *metrics(totals["spend"], totals["leads"], totals["won_deals"],
                          totals["revenue_won"])])
    heads = ["col_campaign", "col_verdict", "col_spend", "col_leads", "col_cpl", "col_sales",
             "col_cac", "col_revenue", "col_roas"]
    body = [_p(ctx.t("spend_intro"), "muted")]
    all_spend = _sum(ctx.performance_all, "spend") or 0.0
    vanity_spend = sum(_num(r.get("spend")) or 0 for r in ctx.performance_all
                       if verdicts.get(r["campaign_id"]) == "vanity")
    if vanity_spend > 0:
        body.append(_p(ctx.t("spend_vanity", spend=ctx.money(vanity_spend, 0),
                             total=ctx.money(all_spend, 0),
                             share=fmt_pct(vanity_spend / all_spend, lang)), "story"))
    body.append(_table(ctx, heads, rows, "spend"))

    by_platform: dict[str, list[dict[str, Any]]] = {}
    for r in ctx.performance:
        if r["platform"] != "all" and (_num(r.get("spend")) or 0) > 0:
            by_platform.setdefault(r["platform"], []).append(r)
    if by_platform:
        prow = []
        for platform, rs in sorted(by_platform.items(), key=lambda kv: -(_sum(kv[1], "spend")
                                                                           or 0)):
            prow.append([(f'<b>{_e(platform_label(platform, lang))}</b>', "name"),
                         *metrics(_sum(rs, "spend"), _sum(rs, "leads"), _sum(rs, "won_deals"),
                                  _sum(rs, "revenue_won"))])
        body.append(f'<h3>{_e(ctx.t("spend_by_platform"))}</h3>')
        body.append(_table(ctx, ["col_platform", *heads[2:]], prow, "spend-platforms"))
    body.append(_p(ctx.t("dash_note"), "muted small"))
    if any(r.get("has_fx_missing") is True for r in ctx.performance):
        body.append(_p(ctx.t("fx_missing", currency=ctx.currency), "note warn"))
    return "".join(body), True


# --------------------------------------------------------------------------- data quality
_QUOTED = re.compile(r'"[^"]*"')
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONEISH = re.compile(r"\+?\d[\d\s()./-]{6,}\d")


def _redact(text: Any) -> str:
    """Mask anything in a message that could be personal data: e-mail addresses and long digit
    runs (phone numbers); values quoted in reject reasons are masked before grouping."""
    s = _EMAIL.sub("[e-mail]", str(text or ""))
    return _PHONEISH.sub(
        lambda m: "[number]" if sum(ch.isdigit() for ch in m.group()) >= 9 else m.group(), s)


def _quality(ctx: _Context) -> tuple[str, bool]:
    lang = ctx.lang
    parts: list[str] = []
    has_any = False
    files = ctx.wh.select("raw._files", ("path", "format", "status", "rows_read", "rows_loaded",
                                         "rows_rejected", "rows_summary", "max_date",
                                         "message"))
    if not ctx.wh.has("raw._files"):
        parts.append(_p(ctx.t("q_no_manifest"), "note no-data"))
    else:
        has_any = True
        status = {s: sum(1 for f in files if f.get("status") == s)
                  for s in ("loaded", "duplicate", "unknown", "error")}
        parts.append(_p(ctx.t("q_files", n=fmt_int(len(files), lang),
                              **{k: fmt_int(v, lang) for k, v in status.items()})))

    # rejected rows by file, with the top reasons
    parts.append(f'<h3>{_e(ctx.t("q_rejects"))}</h3>')
    rejected = _rejected(ctx, files)
    if rejected is None:
        parts.append(_no_data(ctx, "raw._rejects"))
    elif not rejected:
        parts.append(_p(ctx.t("q_rejects_none"), "note ok"))
    else:
        has_any = True
        rows = []
        for f in rejected:
            read = _num(f.get("rows_read"))
            n = _num(f.get("rows_rejected")) or 0
            share = f" ({fmt_pct(n / read, lang)})" if read else ""
            reasons = "".join(f"<li>{_e(reason)} <span class='muted'>× {fmt_int(k, lang)}"
                              f"</span></li>" for reason, k, _ in f["reasons"])
            actions = list(dict.fromkeys(action_text(a, lang) for _, _, a in f["reasons"]
                                         if a))[:2]
            reasons += "".join(f'<li class="action">→ {_e(a)}</li>' for a in actions)
            rows.append([(f'<code>{_e(_redact(f["path"]))}</code>', "name"),
                         (_e(f.get("format") or DASH), ""), (fmt_int(read, lang), "num"),
                         (fmt_int(n, lang) + share, "num"),
                         (f'<ul class="reasons">{reasons}</ul>' if reasons else DASH, "why")])
        parts.append(_table(ctx, ["col_file", "col_format", "col_rows_read", "col_rejected",
                                  "col_reasons"], rows, "rejects"))

    # unattributed
    parts.append(f'<h3>{_e(ctx.t("q_unattributed"))}</h3>')
    unattributed, has_u = _unattributed(ctx)
    has_any |= has_u
    parts.append(unattributed)

    # stale sources
    if files:
        parts.append(f'<h3>{_e(ctx.t("q_stale"))}</h3>')
        parts.append(_freshness(ctx, files))

    # unknown and unreadable files
    for status, key, intro in (("unknown", "q_unknown", "q_unknown_intro"),
                               ("error", "q_errors", None)):
        bad = [f for f in files if f.get("status") == status]
        if not bad:
            continue
        parts.append(f'<h3>{_e(ctx.t(key))}</h3>')
        if intro:
            parts.append(_p(ctx.t(intro), "muted"))
        rows = [[(f'<code>{_e(_redact(f.get("path")))}</code>', "name"),
                 (_e(_redact(f.get("message") or DASH)), "why")] for f in bad]
        parts.append(_table(ctx, ["col_file", "col_message"], rows, f"files-{status}"))
    return "".join(parts), has_any


def _rejected(ctx: _Context, files: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """Files with rejected rows, each with its top reasons (quoted values masked); None when
    neither the manifest nor the rejects table exists."""
    if not ctx.wh.has("raw._rejects") and not ctx.wh.has("raw._files"):
        return None
    reasons: dict[str, list[tuple[str, int, str | None]]] = {}
    counts: dict[str, int] = {}
    from_rejects = False
    if ctx.wh.has("raw._rejects"):
        qualified, cols = ctx.wh.qualified("raw._rejects"), ctx.wh.columns("raw._rejects")
        file_col = "path" if "path" in cols else "file" if "file" in cols else None
        if file_col and "reason" in cols:
            from_rejects = True
            where = "WHERE kind IS DISTINCT FROM 'summary'" if "kind" in cols else ""
            action = "action" if "action" in cols else "NULL::VARCHAR AS action"
            for r in ctx.wh.rows(
                    f'SELECT "{file_col}" AS file, regexp_replace(coalesce(reason, \'?\'), '
                    f"'\"[^\"]*\"', '\"…\"', 'g') AS reason, {action}, count(*) AS n "
                    f"FROM {qualified} {where} GROUP BY ALL ORDER BY file, n DESC, reason"):
                reasons.setdefault(str(r["file"]), []).append(
                    (_redact(r["reason"]), int(r["n"]), r["action"]))
                counts[str(r["file"])] = counts.get(str(r["file"]), 0) + int(r["n"])
    out = []
    known = set()
    for f in files:
        path = str(f.get("path"))
        known.add(path)
        if from_rejects:  # the rejects table says which rows were invalid
            n = counts.get(path, 0)
        else:  # the manifest counts summary/footer rows among the rejected: not a problem
            n = max((_num(f.get("rows_rejected")) or 0) - (_num(f.get("rows_summary")) or 0), 0)
        if n > 0:
            out.append({**f, "path": path, "rows_rejected": n,
                        "reasons": reasons.get(path, [])[:3]})
    for path, rs in reasons.items():
        if path not in known:
            out.append({"path": path, "format": None, "rows_read": None,
                        "rows_rejected": counts[path], "reasons": rs[:3]})
    out.sort(key=lambda f: -(f["rows_rejected"] or 0))
    return out


def _unattributed(ctx: _Context) -> tuple[str, bool]:
    lang = ctx.lang
    if not ctx.wh.has("marts.unattributed"):
        return _p(ctx.t("q_unattributed_missing"), "note no-data"), False
    qualified, cols = ctx.wh.qualified("marts.unattributed"), ctx.wh.columns("marts.unattributed")
    where, params = "", []
    if "attribution_model" in cols and ctx.model:
        where = "WHERE (attribution_model = ? OR attribution_model IS NULL)"
        params = [ctx.model]
    measures = [m for m in _UNATTRIBUTED_MEASURES if m in cols]
    keys = [k for k in ("source", "platform") if k in cols]
    sums = "".join(f', sum("{m}") AS "{m}"' for m in measures)
    group = ", ".join(f'"{k}"' for k in keys) or "'all' AS source"
    by = ctx.wh.rows(f"SELECT {group}, count(*) AS n{sums} FROM {qualified} {where} "
                     "GROUP BY ALL", params)
    if not by:
        return _p(ctx.t("q_unattributed_none"), "note ok"), True
    lines = []
    attributed = {m: _sum(ctx.performance_all, m) for m in measures}
    for m in measures:
        u = _sum(by, m)
        if not u or m in ("impressions", "clicks"):
            continue
        whole = u + (attributed.get(m) or 0)
        share = fmt_pct(u / whole, lang) if whole else DASH
        lines.append(ctx.t("q_unattributed_share", share_a=with_article(share, lang, True),
                           measure=ctx.t("stage_" + m).lower(), value=fmt_count(u, lang)))
    out = [f'<ul class="facts">{"".join(f"<li>{_e(s)}</li>" for s in lines)}</ul>'
           if lines else ""]
    shown = [m for m in measures if _sum(by, m)][:4]
    by.sort(key=lambda r: tuple(-(_num(r.get(m)) or 0) for m in shown) + (-r["n"],))
    rows = []
    for r in by[:12]:
        cells = [(_e(r.get("source") or DASH), "name")]
        if "platform" in keys:
            cells.append((_e(platform_label(r.get("platform"), lang)
                             if r.get("platform") else DASH), ""))
        cells.append((fmt_int(r["n"], lang), "num"))
        cells += [(fmt_count(r.get(m), lang), "num") for m in shown]
        rows.append(cells)
    heads = ["col_source", *(["col_platform"] if "platform" in keys else []), "col_rows",
             *(f"stage_{m}" for m in shown)]
    out.append(_table(ctx, heads, rows, "unattributed"))
    out.append(_unmatched_labels(ctx, qualified, cols, where, params))
    return "".join(out), True


#: Placeholders analytics tools put where a campaign is unknown: not labels to add to a plan.
_PLACEHOLDER_LABELS = {"unknown keywords (ssl)", "not set", "none", "direct", "organic",
                       "referral", "not provided", "other", "unknown", "n/a", "-"}


def _is_placeholder(label: str) -> bool:
    core = label.strip().lower()
    return core in _PLACEHOLDER_LABELS or (core.startswith("(") and core.endswith(")"))


def _unmatched_labels(ctx: _Context, qualified: str, cols: list[str], where: str,
                      params: list[Any]) -> str:
    """The campaign names / UTM values the exports carry that the plan does not know: the
    quickest fix for unattributed volume."""
    if "campaign_label" not in cols:
        return ""
    lang = ctx.lang
    unit = "volume_unit" if "volume_unit" in cols else "NULL::VARCHAR"
    volume = "sum(volume)" if "volume" in cols else "NULL::DOUBLE"
    source = "list(DISTINCT source)" if "source" in cols else "[]::VARCHAR[]"
    cond = (f"{where} AND" if where else "WHERE") + \
        " campaign_label IS NOT NULL AND trim(campaign_label) <> ''"
    found = ctx.wh.rows(
        f"SELECT campaign_label AS label, {unit} AS unit, {source} AS sources, count(*) AS n, "
        f"{volume} AS volume FROM {qualified} {cond} GROUP BY ALL", params)
    labels: dict[str, dict[str, Any]] = {}
    for r in found:
        if _is_placeholder(str(r["label"])):
            continue
        entry = labels.setdefault(str(r["label"]), {"n": 0, "sources": set(), "volumes": []})
        entry["n"] += int(r["n"])
        entry["sources"].update(r["sources"] or [])
        if r.get("unit") and r.get("volume") is not None:
            entry["volumes"].append((str(r["unit"]), _num(r["volume"])))
    if not labels:
        return ""

    def volume_text(unit: str, v: float | None) -> str:
        if unit == "spend":
            return ctx.money(v, 0)
        key = f"stage_{unit}"
        return f'{fmt_count(v, lang)} {(ctx.t(key) if key in STRINGS[lang] else unit).lower()}'

    rows = []
    for label, e in sorted(labels.items(), key=lambda kv: (-kv[1]["n"], kv[0]))[:10]:
        volumes = ", ".join(volume_text(u, v) for u, v in sorted(e["volumes"]))
        rows.append([(f'<code>{_e(_redact(label)[:80])}</code>', "name"),
                     (_e(", ".join(sorted(e["sources"])) or DASH), ""),
                     (fmt_int(e["n"], lang), "num"), (_e(volumes or DASH), "num")])
    return (f'<h3>{_e(ctx.t("q_labels"))}</h3>{_p(ctx.t("q_labels_intro"), "muted")}'
            + _table(ctx, ["col_label", "col_source", "col_rows", "col_volume"], rows,
                     "labels"))


def _freshness(ctx: _Context, files: list[dict[str, Any]]) -> str:
    lang = ctx.lang
    max_age = ctx.settings.freshness_max_age_days
    today = ctx.now.date()
    by: dict[str, dict[str, Any]] = {}
    for f in files:
        if f.get("status") != "loaded" or not f.get("format"):
            continue
        entry = by.setdefault(f["format"], {"files": 0, "rows": 0, "newest": None})
        entry["files"] += 1
        entry["rows"] += int(_num(f.get("rows_loaded")) or 0)
        d = f.get("max_date")
        if isinstance(d, datetime):
            d = d.date()
        if d is not None and (entry["newest"] is None or d > entry["newest"]):
            entry["newest"] = d
    if not by:
        return _no_data(ctx)
    rows, stale = [], []
    for fmt_name, e in sorted(by.items()):
        age = max((today - e["newest"]).days, 0) if e["newest"] else None
        is_stale = age is not None and age > max_age
        if is_stale:
            stale.append(fmt_name)
        label = ctx.t("stale" if is_stale else "fresh") if age is not None else DASH
        rows.append([(_e(fmt_name), "name"), (_e(fmt_date(e["newest"], lang)), "num"),
                     (fmt_int(age, lang) if age is not None else DASH, "num"),
                     (f'<span class="status {"stale" if is_stale else "fresh"}">'
                      f'{_e(label)}</span>', "")])
    summary = (tn("q_stale_some", len(stale), lang, names=", ".join(stale)) if stale
               else ctx.t("q_stale_none"))
    return (_p(ctx.t("q_stale_intro", days=max_age), "muted")
            + _p(summary, "note warn" if stale else "note ok")
            + _table(ctx, ["col_source", "col_newest", "col_age", "col_status"], rows,
                     "freshness"))


_BUILDERS: dict[str, Callable[[_Context], tuple[str, bool]]] = {
    "headline": _headline, "scatter": _scatter, "vanity": _vanity, "campaigns": _campaigns,
    "funnel": _funnel, "spend": _spend, "quality": _quality,
}


# =========================================================================== HTML helpers
def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=False)


def _a(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _p(text: str, css: str = "") -> str:
    return f'<p class="{css}">{_e(text)}</p>' if css else f"<p>{_e(text)}</p>"


def _table(ctx: _Context, heads: Sequence[str], rows: Sequence[Sequence[tuple[str, str]]],
           css: str) -> str:
    """A table that stacks into labelled blocks on a phone. Cells are (html, class)."""
    labels = [ctx.t(h) for h in heads]
    head = "".join(f'<th class="{c}">{_e(label)}</th>'
                   for label, (_, c) in zip(labels, rows[0] if rows else [("", "")] * len(labels),
                                            strict=False))
    body = []
    for row in rows:
        cells = "".join(f'<td class="{c}" data-label="{_a(label)}">{value}</td>'
                        for label, (value, c) in zip(labels, row, strict=False))
        body.append(f"<tr>{cells}</tr>")
    return (f'<div class="table-wrap"><table class="stack {css}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def _page(ctx: _Context, sections: list[_Section]) -> str:
    lang = ctx.lang
    as_of = ctx.as_of
    meta = []
    if as_of is not None:
        meta.append(ctx.t("as_of", date=fmt_date(as_of, lang)))
    if ctx.model:
        model = ctx.t("model_" + ctx.model) if f"model_{ctx.model}" in STRINGS[lang] \
            else ctx.model
        meta.append(ctx.t("model", model=model))
    meta.append(ctx.t("generated", when=fmt_datetime(ctx.now, lang)))
    nav = "".join(f'<li><a href="#{s.id}">{_e(s.title)}</a></li>' for s in sections)
    body = "".join(
        f'<section id="{s.id}" class="{"has-data" if s.has_data else "no-data"}">'
        f'<h2>{_e(s.title)}</h2>{s.body}</section>' for s in sections)
    title = ctx.t("title") + (f" — {fmt_date(as_of, lang)}" if as_of is not None else "")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="generator" content="vanity-funnel pipeline.report">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f'<header class="top"><h1>{_e(ctx.t("title"))}</h1>'
        f'<p class="subtitle">{_e(ctx.t("subtitle"))}</p>'
        f'<p class="meta">{" · ".join(_e(m) for m in meta)}</p>'
        f'<nav aria-label="{_a(ctx.t("nav"))}"><ul>{nav}</ul></nav></header>'
        f"<main>{body}</main>"
        f'<footer>{_method(ctx)}{_p(ctx.t("privacy"), "muted small")}</footer>'
        "</body></html>\n")


def _method(ctx: _Context) -> str:
    th = ctx.thresholds
    if not th:
        return ""
    lang = ctx.lang
    prior = next((str(r["prior_method"]) for r in ctx.campaign_verdicts
                  if r.get("prior_method")), DASH)
    pctl = _num(th.get("engagement_percentile"))
    prior_key = f"prior_{prior}"
    text = ctx.t(
        "method", prior=ctx.t(prior_key) if prior_key in STRINGS[lang] else prior,
        pctl=(fmt_int(pctl * 100, lang) + ("º" if lang == "it" else "th")) if pctl is not None
        else DASH,
        frac=fmt_pct(th.get("baseline_fraction"), lang), conf=fmt_pct(th.get("confidence"), lang),
        window=fmt_int(th.get("attribution_window_days"), lang),
        as_of=fmt_date(ctx.as_of, lang), min_eng=fmt_int(th.get("min_engagements"), lang))
    return f'<h2 class="method-h">{_e(ctx.t("method_h"))}</h2>{_p(text, "small")}'


# =========================================================================== CSS
CSS = """
:root{--ink:#1d2430;--muted:#5b6574;--line:#d9dee5;--bg:#f5f7fa;--card:#fff;--accent:#0072B2;
color-scheme:light;-webkit-text-size-adjust:100%;text-size-adjust:100%}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.5 system-ui,-apple-system,
"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
header.top,main,footer{max-width:1080px;margin:0 auto;padding:0 20px}
header.top{padding-top:28px}
h1{font-size:1.9rem;line-height:1.2;margin:0 0 4px}
h2{font-size:1.35rem;margin:0 0 12px}
h3{font-size:1.05rem;margin:22px 0 8px}
.subtitle{margin:0;color:var(--muted);font-size:1.05rem}
.meta{margin:6px 0 0;color:var(--muted);font-size:.9rem}
nav ul{list-style:none;margin:14px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:6px}
nav a{display:inline-block;padding:4px 10px;border:1px solid var(--line);border-radius:999px;
background:var(--card);color:var(--ink);text-decoration:none;font-size:.88rem}
nav a:hover{border-color:var(--accent)}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;
padding:20px 22px;margin:18px 0}
footer{padding-bottom:32px}
.method-h{font-size:1.05rem;margin-top:8px}
p{margin:0 0 10px}
.muted{color:var(--muted)}
.small{font-size:.86rem}
.block{display:block}
.note{padding:10px 12px;border-radius:8px;background:#f0f3f7;border-left:4px solid #9AA5B1}
.note.ok{border-left-color:#009E73}
.note.warn{border-left-color:#D55E00;background:#fdf3ec}
.note.no-data{font-style:italic}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px;
margin-bottom:14px}
.kpi{border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.kpi-value{font-size:1.7rem;font-weight:700;line-height:1.15;font-variant-numeric:tabular-nums}
.kpi-label{color:var(--muted);font-size:.9rem}
.kpi-vanity{border-color:#D55E00;background:#fdf3ec}
.kpi-vanity .kpi-value{color:#a84300}
.story{font-size:1.08rem}
.counts{display:flex;flex-wrap:wrap;align-items:center;gap:8px}
.chips{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:8px}
.badge{display:inline-flex;align-items:center;gap:5px;white-space:nowrap;padding:1px 8px 1px 6px;
border-radius:999px;font-size:.82rem;font-weight:600;color:var(--ink);
border:1px solid var(--c);background:#fff;background:color-mix(in srgb,var(--c) 12%,#fff)}
.icon{flex:none;vertical-align:middle}
figure{margin:0}
.chart-svg{display:block;width:100%;height:auto}
.scatter{max-width:860px;margin:0 auto}
.chart-svg text{fill:var(--ink);font-family:inherit}
.chart-svg .tick{fill:var(--muted)}
.chart-svg .axis-label{fill:var(--muted);font-weight:600}
.grid{stroke:#e6e9ee;stroke-width:1}
.grid.minor{stroke:#f1f3f6}
.ref{stroke-width:1.5}
.ref.baseline{stroke:#222}
.ref.threshold{stroke:#D55E00;stroke-dasharray:6 4}
.ref.high{stroke:#777;stroke-dasharray:2 4}
.chart-svg .ref-label{fill:#333;font-size:.92em;paint-order:stroke;stroke:#fff;stroke-width:4px;
stroke-linejoin:round}
.mark{stroke:#fff;stroke-width:1}
.mark.hollow{stroke-width:2.2}
.mark.cross{stroke-width:2.6;stroke-linecap:round}
.ci{stroke-width:2;opacity:.45;stroke-linecap:round}
.clip-arrow{fill:none;stroke-width:2}
.leader{stroke:#8a3500;stroke-width:.8}
.chart-svg .point-label{font-size:.92em;font-weight:700;fill:#8a3500;paint-order:stroke;
stroke:#fff;stroke-width:3px;stroke-linejoin:round}
.vnum{display:inline-flex;align-items:center;justify-content:center;min-width:1.5em;
height:1.5em;padding:0 .3em;border-radius:999px;background:#8a3500;color:#fff;font-weight:700;
font-size:.8rem;margin-right:6px;font-variant-numeric:tabular-nums}
.vanity-key{display:flex;flex-wrap:wrap;gap:4px 14px;align-items:center;margin:8px 0 0;
font-size:.9rem}
.vanity-key ol{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 14px}
.vanity-key li{display:flex;align-items:center}
.legend{list-style:none;padding:0;margin:12px 0 0;display:grid;
grid-template-columns:repeat(auto-fit,minmax(230px,1fr));gap:6px 16px;font-size:.9rem}
.legend li{display:flex;gap:8px;align-items:flex-start}
.legend .icon{margin-top:4px}
.only-narrow{display:none}
.funnels{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:14px}
.funnel-panel{border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.funnel-panel figcaption{font-weight:700;margin-bottom:4px}
.funnel .stage{fill:var(--muted)}
.funnel .value{font-weight:700}
.funnel .value.zero{font-weight:400;fill:var(--muted)}
.funnel .step{fill:var(--muted);font-size:.92em}
.vcards{display:grid;gap:12px}
.vcard{border:1px solid #D55E00;border-left-width:5px;border-radius:8px;padding:12px 14px}
.vcard h3{margin:0 0 6px;display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.reason{font-size:1.02rem}
.interval{display:flex;flex-wrap:wrap;gap:8px;align-items:center;font-size:.9rem}
.ibar{flex:none}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:7px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.why{color:var(--muted);font-size:.86rem;min-width:16em}
.why{color:var(--muted)}
td.total,tr:last-child td.total~td{font-weight:700}
.reasons{margin:0;padding-left:1.1em}
.reasons .action{list-style:none;margin-left:-1.1em;color:var(--ink);font-style:italic}
code{font-size:.85em;overflow-wrap:anywhere}
table.rejects td.name,table.labels td.name{min-width:12em}
table.campaigns td.name{width:50%}
.facts{margin:0 0 10px;padding-left:1.2em}
.status{font-weight:600}
.status.stale{color:#a84300}
.status.fresh{color:#006b4e}
@media (max-width:640px){
body{font-size:15px}
header.top,main,footer{padding:0 10px}
header.top{padding-top:16px}
h1{font-size:1.5rem}
section{padding:14px 12px;margin:12px 0;border-radius:8px}
.only-wide{display:none}
.only-narrow{display:block}
.kpis{grid-template-columns:1fr 1fr}
.kpi-vanity{grid-column:1/-1;order:-1}
.kpi-value{font-size:1.35rem}
.funnels{grid-template-columns:1fr}
table.stack thead{display:none}
table.stack,table.stack tbody{display:block;width:100%}
table.stack tr{display:grid;grid-template-columns:repeat(auto-fill,minmax(90px,1fr));
gap:4px 10px;border-bottom:1px solid var(--line);padding:8px 0}
table.stack td{display:block;border:0;padding:0;text-align:left;white-space:normal;min-width:0;
width:auto!important}
table.stack td.name,table.stack td.why{grid-column:1/-1}
table.stack td[data-label]::before{content:attr(data-label);display:block;color:var(--muted);
font-size:.78rem;line-height:1.3}
table.stack td.name::before,table.stack td.why::before{display:none}
table.stack td.why{padding-top:4px}
}
@media print{
@page{size:A4;margin:14mm 12mm}
body{background:#fff;font-size:10.5pt}
header.top,main,footer{max-width:none;padding:0}
nav{display:none}
section{border:0;border-top:1px solid #999;border-radius:0;padding:10px 0;margin:10px 0}
.only-narrow{display:none!important}
.only-wide{display:block!important}
.kpi,.vcard,figure,tr,.funnel-panel{break-inside:avoid}
h2,h3{break-after:avoid}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.table-wrap{overflow:visible}
a{color:inherit;text-decoration:none}
}
"""
