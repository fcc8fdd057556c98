"""The one resource every asset shares: settings and a way to open the warehouse."""

import duckdb
from dagster import Backoff, ConfigurableResource, RetryPolicy

from pipeline.config import Settings, get_settings
from pipeline.ingest.load import connect

# Transient faults (the warehouse locked by a stray process, a full disk freed meanwhile, a
# flaky network drive) get two more tries with growing delays; bad data never raises here, it
# is rejected row by row, so a retry never repeats a deterministic failure for long.
TRANSIENT_RETRY = RetryPolicy(max_retries=2, delay=2, backoff=Backoff.EXPONENTIAL)


class Warehouse(ConfigurableResource):
    """The pipeline's private DuckDB warehouse (paths from pipeline/config.py)."""

    def settings(self) -> Settings:
        return get_settings()

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        return connect(self.settings(), read_only=read_only)
