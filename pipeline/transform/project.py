"""The dbt project, built once: its manifest is prepared by `make manifest` (dbt parse)."""

from __future__ import annotations

from dagster_dbt import DbtProject

from pipeline.config import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
