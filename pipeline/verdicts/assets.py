"""Verdicts: the campaigns whose engagement does not turn into leads, with evidence."""

from datetime import date

import dagster as dg

from pipeline.config import get_settings
from pipeline.resources import Warehouse
from pipeline.verdicts.thresholds import VerdictThresholds
from pipeline.verdicts.verdicts import compute_verdicts, resolve_as_of, write_verdicts

VERDICTS_KEY = dg.AssetKey(["marts", "campaign_verdicts"])


class VerdictConfig(dg.Config):
    """Per-run overrides of pipeline/verdicts/thresholds.py (blank = the documented default)."""

    engagement_percentile: float | None = None
    baseline_fraction: float | None = None
    confidence: float | None = None
    attribution_window_days: int | None = None
    min_engagements: int | None = None
    min_expected_conversions: float | None = None
    credible_interval: float | None = None
    as_of: str | None = None
    """YYYY-MM-DD; default: VF_AS_OF, else the newest date the CRM exports cover."""


@dg.asset(
    key=VERDICTS_KEY,
    group_name="marts",
    kinds={"duckdb", "python", "scipy"},
    deps=[dg.AssetKey(["marts", "campaign_performance"])],
)
def campaign_verdicts(
    context: dg.AssetExecutionContext, config: VerdictConfig, warehouse: Warehouse
) -> dg.MaterializeResult:
    """One verdict per campaign and per campaign × platform (vanity, converting, efficient,
    underperforming, too_early, insufficient_data) from a Gamma-Poisson model with an
    empirical-Bayes prior fitted on the portfolio's mature campaigns; each row carries the
    numbers behind it and a plain sentence (English and Italian)."""
    overrides = {k: v for k, v in config.model_dump().items() if v is not None and k != "as_of"}
    thresholds = VerdictThresholds.from_mapping(overrides)
    settings = get_settings()
    with warehouse.connect() as con:
        as_of = resolve_as_of(
            con, date.fromisoformat(config.as_of) if config.as_of else settings.as_of
        )
        verdicts = compute_verdicts(con, thresholds, as_of, settings.attribution_model)
        rows = write_verdicts(con, verdicts)
    campaign = verdicts[verdicts["level"] == "campaign"] if rows else verdicts
    counts = campaign["verdict"].value_counts().to_dict() if rows else {}
    vanity = campaign[campaign["verdict"] == "vanity"] if rows else campaign
    context.log.info(f"verdicts as of {as_of}: {counts}")
    return dg.MaterializeResult(
        metadata={
            "as_of": str(as_of),
            "rows": rows,
            "verdicts": dg.MetadataValue.json(counts),
            "attribution_model": settings.attribution_model,
            "thresholds": dg.MetadataValue.json(thresholds.as_dict()),
            "vanity": dg.MetadataValue.md(
                vanity[["campaign_id", "campaign_name", "reason"]].to_markdown(index=False)
                if len(vanity)
                else "none"
            ),
        }
    )


def _vanity_check(level: str, label: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=VERDICTS_KEY,
        name=f"no_vanity_{level}",
        blocking=False,
        description=f"WARNs listing the {label} flagged vanity: engagement credibly "
        "not converting. A warning for a person, not a failed run.",
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            flagged = con.execute(
                "SELECT campaign_id, campaign_name, platform, reason "
                "FROM marts.campaign_verdicts WHERE verdict = 'vanity' AND level = ? "
                "ORDER BY engagements DESC",
                [level],
            ).df()
        return dg.AssetCheckResult(
            passed=flagged.empty,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "flagged": len(flagged),
                "campaigns": dg.MetadataValue.md(
                    flagged.to_markdown(index=False) if len(flagged) else "none"
                ),
            },
        )

    return _check


verdict_checks = [
    _vanity_check("campaign", "campaigns"),
    _vanity_check("campaign_platform", "campaign × platform pairs"),
]
