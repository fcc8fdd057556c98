"""Data quality: Great Expectations suites built in code, run on frames DuckDB prepares."""
