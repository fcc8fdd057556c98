"""Big CSVs through DuckDB's writer (about 3x the csv module on wide rows).

Columns arrive as numpy arrays: integers are written as they are, `datetime64[m]` as
`YYYY-MM-DD HH:MM` (NaT -> empty), strings as they are ("" -> empty, quoted only when needed, as
Excel and the csv module do). The result is UTF-8, `\\n` line ends, comma separated; preamble
lines, a BOM and footer lines are stitched around DuckDB's output. Row order is preserved
(DuckDB keeps insertion order), so the bytes are deterministic.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd


def _sql_string(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def write_columns(path: Path, header: Sequence[str], columns: Sequence[np.ndarray | list], *,
                  bom: bool = False, preamble: Sequence[str] = (),
                  footer: Sequence[str] = (), timestamp_format: str = "%Y-%m-%d %H:%M") -> int:
    import duckdb

    n = len(columns[0])
    frame, exprs = {}, []
    for i, (name, col) in enumerate(zip(header, columns, strict=True)):
        key = f"c{i}"
        arr = np.asarray(col) if not isinstance(col, np.ndarray) else col
        alias = '"' + name.replace('"', '""') + '"'
        if arr.dtype.kind == "M":
            frame[key] = arr.astype("datetime64[us]")
            exprs.append(f"strftime({key}, {_sql_string(timestamp_format)}) AS {alias}")
        elif arr.dtype.kind in "iuf":
            frame[key] = arr
            exprs.append(f"{key} AS {alias}")
        else:
            frame[key] = pd.array(arr.astype(object), dtype=object)
            exprs.append(f"NULLIF({key}, '') AS {alias}")
    df = pd.DataFrame(frame, copy=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = true")
        con.register("df", df)
        con.execute(f"COPY (SELECT {', '.join(exprs)} FROM df) TO {_sql_string(str(tmp))} "
                    "(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"')")
    finally:
        con.close()
    if not (bom or preamble or footer):
        os.replace(tmp, path)
        return n
    with open(path, "wb") as out:
        if bom:
            out.write(b"\xef\xbb\xbf")
        for line in preamble:
            out.write(line.encode("utf-8") + b"\n")
        with open(tmp, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
        for line in footer:
            out.write(line.encode("utf-8") + b"\n")
    os.unlink(tmp)
    return n
