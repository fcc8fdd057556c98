"""The one resource every asset shares: settings and a way to open the warehouse."""

import duckdb
from dagster import ConfigurableResource

from pipeline.config import Settings, get_settings
from pipeline.ingest.load import connect


class Warehouse(ConfigurableResource):
    """The pipeline's private DuckDB warehouse (paths from pipeline/config.py)."""

    def settings(self) -> Settings:
        return get_settings()

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        return connect(self.settings(), read_only=read_only)
