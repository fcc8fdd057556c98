"""Nightly schedule, new-file sensor and run-failure alerts."""

import hashlib
import json
import os

import dagster as dg

from pipeline.config import PROJECT_DIR, get_settings
from pipeline.ops.watch import alert, changed, formats_of, pending_formats, snapshot

JOB = "vanity_funnel"


def affected(formats: set[str]) -> dg.AssetSelection:
    """The inventory, then the given formats and everything downstream of them (not the other
    formats, although they hang below the inventory too)."""
    return dg.AssetSelection.assets(dg.AssetKey(["raw", "files"])) | dg.AssetSelection.assets(
        *[dg.AssetKey(["raw", f]) for f in sorted(formats)]
    ).downstream()


def nightly_request(asset_graph) -> dg.RunRequest | dg.SkipReason:
    """What the nightly run materialises: what new exports affect, or everything when the
    warehouse cannot tell (first run, or a run in progress); nothing when nothing changed."""
    fmts = pending_formats(get_settings())
    if fmts is None:
        return dg.RunRequest(tags={"trigger": "nightly", "formats": "all"})
    if not fmts:
        return dg.SkipReason("no new or changed exports under data/raw since the last run")
    keys = affected(fmts).resolve(asset_graph)
    return dg.RunRequest(
        asset_selection=sorted(keys, key=str),
        tags={"trigger": "nightly", "formats": ",".join(sorted(fmts))},
    )


def nightly_schedule(job) -> dg.ScheduleDefinition:
    """03:30 in the reporting time zone: outside the daylight-saving gap (02:00-03:00)."""

    @dg.schedule(
        name="nightly",
        job_name=job.name,
        cron_schedule=os.environ.get("VF_NIGHTLY_CRON", "30 3 * * *"),
        execution_timezone=get_settings().reporting_timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Every night, materialise what new exports affect (their sources and "
        "everything downstream); skip when nothing changed.",
    )
    def nightly(context: dg.ScheduleEvaluationContext):
        return nightly_request(context.repository_def.asset_graph)

    return nightly


@dg.sensor(
    name="new_exports",
    job_name=JOB,  # each run request selects a subset of this job's assets
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Notices new or changed files under data/raw and starts a run for just "
    "the affected sources and everything downstream of them.",
)
def new_exports_sensor(context: dg.SensorEvaluationContext):
    settings = get_settings()
    before = json.loads(context.cursor) if context.cursor else {}
    now = snapshot(settings.raw_dir)
    paths = changed(before, now)
    if not paths:
        return dg.SkipReason("no new or changed files under data/raw")
    fmts = formats_of(settings.raw_dir, paths, settings.tmp_dir)
    context.update_cursor(json.dumps(now))
    keys = affected(fmts).resolve(context.repository_def.asset_graph)
    return dg.RunRequest(
        run_key="files-"
        + hashlib.sha256(json.dumps(now, sort_keys=True).encode()).hexdigest()[:16],
        asset_selection=sorted(keys, key=str),
        tags={"trigger": "new_exports", "formats": ",".join(sorted(fmts))},
    )


@dg.run_failure_sensor(
    name="alert_on_failure",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Writes a clear alert line to logs/alerts.log (and calls "
    "VF_ALERT_WEBHOOK if set) when a run fails.",
)
def alert_on_failure(context: dg.RunFailureSensorContext):
    run = context.dagster_run
    message = (
        f"run {run.run_id} of {run.job_name} failed: "
        f"{context.failure_event.message or 'see the Dagster UI'}"
    )
    alert(PROJECT_DIR / "logs" / "alerts.log", message, os.environ.get("VF_ALERT_WEBHOOK"))
