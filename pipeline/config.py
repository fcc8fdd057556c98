"""Settings: every path and global setting in one place, read from the environment with defaults.

Nothing here imports Dagster, so plain functions and tests use the same settings as the assets.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_DIR / "dbt_project"


def _path(env: str, default: Path) -> Path:
    value = os.environ.get(env)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """Where files live and how numbers are reported. Each field has an environment variable."""

    raw_dir: Path = field(default_factory=lambda: _path("VF_RAW_DIR", PROJECT_DIR / "data/raw"))
    """VF_RAW_DIR: the folder marketers drop exports into (searched recursively)."""
    warehouse_path: Path = field(
        default_factory=lambda: _path(
            "VF_WAREHOUSE", PROJECT_DIR / "data/warehouse/warehouse.duckdb"
        )
    )
    """VF_WAREHOUSE: the pipeline's private DuckDB file. Analysts never open it."""
    marts_dir: Path = field(
        default_factory=lambda: _path("VF_MARTS_DIR", PROJECT_DIR / "data/marts")
    )
    """VF_MARTS_DIR: where the published marts.duckdb, Parquet files and report.html go."""
    key_file: Path = field(
        default_factory=lambda: _path("VF_KEY_FILE", PROJECT_DIR / ".secrets/pseudonymisation.key")
    )
    """VF_KEY_FILE: the pseudonymisation key, made owner-only on first run (or VF_PSEUDONYM_KEY)."""
    reporting_currency: str = field(
        default_factory=lambda: os.environ.get("VF_REPORTING_CURRENCY", "EUR")
    )
    reporting_timezone: str = field(
        default_factory=lambda: os.environ.get("VF_REPORTING_TZ", "Europe/Rome")
    )
    crm_timezone: str = field(default_factory=lambda: os.environ.get("VF_CRM_TZ", "Europe/Rome"))
    """VF_CRM_TZ: the CRM portal's time zone (HubSpot/Salesforce dates carry no offset)."""
    crm_currency: str = field(default_factory=lambda: os.environ.get("VF_CRM_CURRENCY", "EUR"))
    """VF_CRM_CURRENCY: currency of CRM amounts (HubSpot portal / Salesforce org)."""
    ads_currency: str = field(default_factory=lambda: os.environ.get("VF_ADS_CURRENCY", "EUR"))
    """VF_ADS_CURRENCY: currency of ad exports that do not name theirs (TikTok Ads)."""
    as_of: date | None = field(
        default_factory=lambda: (
            date.fromisoformat(os.environ["VF_AS_OF"]) if os.environ.get("VF_AS_OF") else None
        )
    )
    """VF_AS_OF: the day verdicts are judged at; default: the newest conversion date in the data."""
    attribution_model: str = field(
        default_factory=lambda: os.environ.get("VF_ATTRIBUTION_MODEL", "last_touch")
    )
    """VF_ATTRIBUTION_MODEL: the default model (first_touch, last_touch, linear, position_based)
    used by verdicts and the daily funnel; every mart states the model it used."""
    freshness_max_age_days: int = field(
        default_factory=lambda: int(os.environ.get("VF_FRESHNESS_DAYS", "35"))
    )
    """VF_FRESHNESS_DAYS: a source whose newest data is older than this many days WARNs."""
    partitions_start: str = field(
        default_factory=lambda: os.environ.get("VF_PARTITIONS_START", "2020-01-01")
    )
    """VF_PARTITIONS_START: the first day of the daily funnel's Dagster partitions (backfills
    can target days from here to today, in the reporting time zone)."""
    duckdb_memory_limit: str = field(
        default_factory=lambda: os.environ.get("VF_DUCKDB_MEMORY_LIMIT", "3GB")
    )
    duckdb_threads: int = field(
        default_factory=lambda: int(os.environ.get("VF_DUCKDB_THREADS", "2"))
    )

    @property
    def tmp_dir(self) -> Path:
        return self.warehouse_path.parent / "tmp"

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)


def get_settings() -> Settings:
    return Settings()


def duckdb_config(settings: Settings) -> dict[str, str | int]:
    """The limits of every DuckDB connection a run opens (dbt's come from the same variables,
    through profiles.yml): memory, threads, and where a query spills when memory runs out."""
    return {
        "memory_limit": settings.duckdb_memory_limit,
        "threads": settings.duckdb_threads,
        "temp_directory": str(settings.tmp_dir / "duckdb_spill"),
    }


def export_env(settings: Settings) -> None:
    """Make the paths and limits visible to child processes (dbt reads VF_WAREHOUSE and the
    VF_DUCKDB_ limits in profiles.yml)."""
    os.environ["VF_WAREHOUSE"] = str(settings.warehouse_path)
    os.environ["VF_DUCKDB_MEMORY_LIMIT"] = settings.duckdb_memory_limit
    os.environ["VF_DUCKDB_THREADS"] = str(settings.duckdb_threads)


def dbt_vars(settings: Settings) -> dict[str, str | int]:
    """The settings dbt models read with var() (dbt_project.yml holds the same defaults for
    running dbt by hand; at run time these values win)."""
    from pipeline.verdicts.thresholds import VerdictThresholds

    return {
        "reporting_currency": settings.reporting_currency,
        "reporting_timezone": settings.reporting_timezone,
        "crm_currency": settings.crm_currency,
        "ads_currency": settings.ads_currency,
        "attribution_model": settings.attribution_model,
        "attribution_window_days": VerdictThresholds().attribution_window_days,
    }
