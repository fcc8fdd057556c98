"""Shared fixtures: isolated settings (temporary raw folder, warehouse, marts, key) per test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config import DBT_PROJECT_DIR, PROJECT_DIR, Settings, get_settings

REAL_FIXTURES = PROJECT_DIR.parent / "shared" / "fixtures" / "real"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings whose every path is under tmp_path (raw/, warehouse, marts/, key file)."""
    paths = {"VF_RAW_DIR": tmp_path / "raw", "VF_WAREHOUSE": tmp_path / "wh" / "warehouse.duckdb",
             "VF_MARTS_DIR": tmp_path / "marts", "VF_KEY_FILE": tmp_path / "secrets" / "key"}
    for env, path in paths.items():
        monkeypatch.setenv(env, str(path))
    monkeypatch.delenv("VF_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("VF_AS_OF", raising=False)
    (tmp_path / "raw").mkdir()
    return get_settings()


@pytest.fixture(scope="session")
def real_fixtures() -> Path:
    """../shared/fixtures/real, beside the project (tests using it skip when it is absent)."""
    if not REAL_FIXTURES.is_dir():
        pytest.skip(f"real exports not found at {REAL_FIXTURES} (the shared/ folder beside the "
                    "project); these tests need them")
    return REAL_FIXTURES


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """The dbt manifest the Dagster definitions load (prepared by `make manifest`)."""
    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    if not manifest.exists():
        subprocess.run([str(Path(sys.executable).parent / "dbt"), "parse", "--quiet",
                        "--profiles-dir", "."], cwd=DBT_PROJECT_DIR, check=True)
    return manifest
