"""`make query`: a read-only SQL shell on the published marts (never the pipeline's warehouse).

Type SQL ending with `;` (several lines are fine); `.tables` lists the marts; `.quit` leaves.
`make query SQL="select ..."` runs one statement and exits.
"""

from __future__ import annotations

import contextlib
import sys

import duckdb

from pipeline.config import get_settings


def run(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    try:
        rel = con.sql(sql)
        if rel is not None:
            rel.show(max_rows=100, max_width=160)
    except duckdb.Error as exc:
        print(f"error: {exc}", file=sys.stderr)


def main(argv: list[str]) -> int:
    db = get_settings().marts_dir / "marts.duckdb"
    if not db.exists():
        print(f"{db} does not exist yet: run `make run` first.", file=sys.stderr)
        return 1
    con = duckdb.connect(str(db), read_only=True)
    if argv:
        run(con, " ".join(argv))
        return 0
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history)
    print(
        f"Connected read-only to {db}. End statements with ';'. .tables lists marts, .quit leaves."
    )
    buffer: list[str] = []
    while True:
        try:
            line = input("marts> " if not buffer else "  ...> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        stripped = line.strip()
        if not buffer and stripped in (".quit", ".exit", "\\q"):
            return 0
        if not buffer and stripped == ".tables":
            run(con, "SELECT table_name, row_count, published_at FROM _publication ORDER BY 1")
            continue
        buffer.append(line)
        if stripped.endswith(";"):
            run(con, "\n".join(buffer))
            buffer = []


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
