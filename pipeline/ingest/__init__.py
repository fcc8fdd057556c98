"""Ingest: recognise exports by their header, decode them, parse them with DuckDB into raw
tables."""
