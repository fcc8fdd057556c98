"""The report asset: the marketer's page, rendered from the marts beside the warehouse.

The publish step (not this module) copies the staged file atomically into data/marts.
"""

import dagster as dg

from pipeline.report.render import (
    REPORT_PATH_NAME,
    SECTIONS,
    build_report,
    report_staging_path,
    write_report,
)
from pipeline.resources import Warehouse

__all__ = ["REPORT_KEY", "REPORT_PATH_NAME", "report", "report_staging_path"]

REPORT_KEY = dg.AssetKey(["report", "html"])


@dg.asset(key=REPORT_KEY, group_name="report", kinds={"html", "python"},
          deps=[dg.AssetKey(["marts", "campaign_verdicts"]),
                dg.AssetKey(["marts", "campaign_performance"]),
                dg.AssetKey(["marts", "fct_campaign_funnel_daily"])])
def report(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """The marketer's report (report.html): headline, engagement-vs-conversion chart, the
    campaigns flagged vanity with their evidence, the funnel per platform, spend efficiency and
    data-quality notes. One self-contained HTML file (inline CSS and SVG, no scripts, no
    network), for laptop, phone and print, in English or Italian (VF_REPORT_LANG). Only
    aggregates: no personal data."""
    settings = warehouse.settings()
    with warehouse.connect(read_only=True) as con:
        rendered = build_report(con, settings=settings)
    path = report_staging_path(settings)
    size = write_report(rendered.html, path)
    present = [s for s in SECTIONS if rendered.sections.get(s)]
    missing = [s for s in SECTIONS if not rendered.sections.get(s)]
    context.log.info(f"report ({rendered.lang}) written to {path}: {size:,} bytes; "
                     f"sections without data: {', '.join(missing) or 'none'}")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)),
        "size_bytes": size,
        "language": rendered.lang,
        "sections": dg.MetadataValue.json(present),
        "sections_without_data": dg.MetadataValue.json(missing),
        "preview": dg.MetadataValue.text(rendered.headline[:500]),
    })
