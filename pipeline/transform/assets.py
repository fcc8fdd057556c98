"""dbt models as Dagster assets; dbt tests become asset checks."""

import importlib.metadata
import json
import os
import shutil
import sys
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)
from packaging import version

from pipeline.config import dbt_vars, export_env, get_settings
from pipeline.ingest.load import connect
from pipeline.transform.project import dbt_project

LAYER_GROUPS = {"staging": "staging", "intermediate": "intermediate", "marts": "marts"}


class LayerTranslator(DagsterDbtTranslator):
    """Asset keys are <layer>/<model>; the group is the dbt folder's layer. Sources map to the
    ingest assets through their `meta.dagster.asset_key` (models/staging/_raw__sources.yml)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey([self._layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return self._layer(dbt_resource_props)

    @staticmethod
    def _layer(props: Mapping[str, Any]) -> str:
        fqn = props.get("fqn", [])
        folder = fqn[1] if len(fqn) > 2 else "reference"
        return LAYER_GROUPS.get(folder, "reference")


translator = LayerTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


DAILY_MODEL = "fct_campaign_funnel_daily"


def daily_partitions() -> dg.DailyPartitionsDefinition:
    """One partition per day of the daily funnel, in the reporting time zone, up to today."""
    settings = get_settings()
    return dg.DailyPartitionsDefinition(
        start_date=settings.partitions_start, timezone=settings.reporting_timezone, end_offset=1
    )


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource, extra_vars: dict,
           extra_args: tuple[str, ...] = ()):
    settings = get_settings()
    export_env(settings)
    dbt_vars_json = json.dumps({**dbt_vars(settings), **extra_vars})
    # dbt unit tests check the SQL against fixed inputs, not the data: CI runs them
    # (tests/test_dbt_models.py), the pipeline's runs do not repeat them.
    invocation = dbt.cli(["build", "--exclude-resource-type", "unit_test", "--vars", dbt_vars_json,
                          *extra_args], context=context)
    yield from invocation.stream()
    if not extra_vars:  # a backfill's own vars would make the next ordinary run re-parse
        keep_partial_parse(Path(invocation.target_path))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=translator,
    name="dbt_models",
    exclude=DAILY_MODEL,
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Staging, intermediate and mart models of dbt_project/, built and tested by `dbt build`."""
    # The tests that read the daily funnel too (the reconciliations) wait for it: they run in
    # dbt_daily_funnel's build, after the funnel is rebuilt (dbt would otherwise pick them for
    # any other parent in this selection and check a funnel one night old).
    yield from _build(context, dbt, {}, ("--exclude", DAILY_MODEL))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=translator,
    name="dbt_daily_funnel",
    select=DAILY_MODEL,
    partitions_def=daily_partitions(),
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def dbt_daily_funnel(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """The daily funnel, partitioned by day. The nightly job runs it without a partition: it
    rebuilds the lookback window and the days late files touched (macros/funnel_recompute.sql).
    A backfill (a partition range, from the UI or `make backfill FROM=... TO=...`) rebuilds
    exactly its days, in one dbt run."""
    if context.has_partition_key_range:
        days = context.partition_time_window
        window = {"funnel_from": days.start.date().isoformat(),
                  "funnel_to": (days.end - timedelta(days=1)).date().isoformat()}
        context.log.info(f"rebuilding the days {window['funnel_from']} to {window['funnel_to']}")
        yield from _build(context, dbt, window)
        return
    before = _day_fingerprints()
    yield from _build(context, dbt, {})
    after = _day_fingerprints()
    # record the days this run changed as partitions, so the UI's partition bar shows them
    partitions = context.assets_def.partitions_def
    changed = [day for day, fingerprint in sorted(after.items())
               if before.get(day) != fingerprint and partitions.has_partition_key(day)]
    for day in changed:
        context.log_event(dg.AssetMaterialization(
            asset_key=context.assets_def.key, partition=day,
            description="day rebuilt by an unpartitioned run (lookback window or late files)"))
    context.log.info(f"{len(changed)} days of the daily funnel changed")


def _day_fingerprints() -> dict[str, int]:
    """{day: hash of its rows} of the daily funnel (empty before its first build)."""
    settings = get_settings()
    if not settings.warehouse_path.exists():
        return {}
    con = connect(settings, read_only=True)
    try:
        return dict(con.execute(
            f"SELECT CAST(activity_date AS VARCHAR), sum(hash(f)) FROM marts.{DAILY_MODEL} AS f "
            "GROUP BY 1").fetchall())
    except duckdb.CatalogException:
        return {}
    finally:
        con.close()


def keep_partial_parse(run_target: Path) -> None:
    """Each run parses in its own target folder, starting from dbt_project/target's partial-parse
    state. dbt re-parses the whole project (~5 s) when the vars or the profile (the warehouse
    path) differ from that state's, so keep the state this run left: the next run in the same
    setting starts from it."""
    state = run_target / "partial_parse.msgpack"
    if not state.exists():
        return
    shared = Path(dbt_project.project_dir) / "target" / "partial_parse.msgpack"
    tmp = shared.with_name(f".{shared.name}.{os.getpid()}.tmp")
    shutil.copyfile(state, tmp)
    os.replace(tmp, shared)


class LocalDbtCliResource(DbtCliResource):
    """dbt from this environment. dagster-dbt asks the executable for its version (`dbt
    --version`, 2-3 s) before every invocation; here the executable is the installed dbt-core,
    so its version is read from the package metadata instead."""

    @property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        """No dbt adapter in this process. dagster-dbt builds one before every invocation (it
        loads the profile, the project and the manifest: ~2 s at each of a run's two dbt
        steps) only for `fetch_column_metadata` / `fetch_row_counts`, which this pipeline does
        not use; without one, dbt's events stream as they happen."""
        return None


# dbt from this environment, whatever is on PATH (uv run and plain python behave the same).
dbt_resource = LocalDbtCliResource(
    project_dir=dbt_project,
    profiles_dir=str(dbt_project.project_dir),
    dbt_executable=str(Path(sys.executable).parent / "dbt"),
)
