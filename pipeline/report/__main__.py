"""Render the report by hand: ``python -m pipeline.report [--db FILE] [--lang it] [--out FILE]``.

Reads the pipeline's warehouse (VF_WAREHOUSE) by default, or any DuckDB file holding the marts,
e.g. the published data/marts/marts.duckdb (its data-quality section is then empty: the ingest
manifest is not published).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from pipeline.config import get_settings
from pipeline.report.render import build_report, report_staging_path, write_report


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m pipeline.report", description=__doc__)
    parser.add_argument("--db", type=Path, default=settings.warehouse_path,
                        help=f"DuckDB file to read (default {settings.warehouse_path})")
    parser.add_argument("--lang", default=None, help="en or it (default: VF_REPORT_LANG, en)")
    parser.add_argument("--out", type=Path, default=report_staging_path(settings),
                        help="the HTML file to write (default: beside the warehouse)")
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"{args.db} does not exist: run the pipeline first (make run)", file=sys.stderr)
        return 1
    try:
        with duckdb.connect(str(args.db), read_only=True) as con:
            rendered = build_report(con, args.lang, settings=settings)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    size = write_report(rendered.html, args.out)
    empty = [s for s, ok in rendered.sections.items() if not ok]
    print(f"{args.out} ({size:,} bytes, {rendered.lang}); sections without data: "
          f"{', '.join(empty) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
