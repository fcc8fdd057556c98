"""`make manifest`: `dbt parse` with the settings a run passes (vars, warehouse path), so that
runs start from its partial-parse state instead of re-parsing the whole project."""

import json
import subprocess
import sys
from pathlib import Path

from pipeline.config import DBT_PROJECT_DIR, dbt_vars, export_env, get_settings


def main() -> int:
    settings = get_settings()
    export_env(settings)
    dbt = str(Path(sys.executable).parent / "dbt")
    cmd = [dbt, "parse", "--quiet", "--profiles-dir", ".", "--vars", json.dumps(dbt_vars(settings))]
    return subprocess.run(cmd, cwd=DBT_PROJECT_DIR).returncode


if __name__ == "__main__":
    sys.exit(main())
