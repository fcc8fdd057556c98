"""`make nightly`: run now what the nightly schedule would run (what new exports affect).

Same selection as the schedule (pipeline.ops.schedules.nightly_request), executed in this
process and recorded in the Dagster instance ($DAGSTER_HOME), so the UI shows it."""

import sys

import dagster as dg
import yaml

from pipeline.config import PROJECT_DIR
from pipeline.definitions import defs
from pipeline.ops.schedules import JOB, nightly_request


def main() -> int:
    request = nightly_request(defs.resolve_asset_graph())
    if isinstance(request, dg.SkipReason):
        print(request.skip_message)
        return 0
    print(f"running {JOB} for: {request.tags['formats']}", flush=True)
    with dg.DagsterInstance.get() as instance:
        result = defs.resolve_job_def(JOB).execute_in_process(
            instance=instance, asset_selection=request.asset_selection, tags=request.tags,
            run_config=yaml.safe_load((PROJECT_DIR / "run.yaml").read_text()),
            raise_on_error=False)
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
