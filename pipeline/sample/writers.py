"""Low-level, deterministic file writers: CSV in any encoding/dialect, xlsx, xls, zip.

Every writer returns the number of data rows it wrote. Nothing here reads the clock: workbooks
and zip members get fixed timestamps, so the same input gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


class _Counter:
    def __init__(self, rows: Iterable[Sequence]):
        self.rows = rows
        self.n = 0

    def __iter__(self):
        for row in self.rows:
            self.n += 1
            yield row


def write_csv(path: Path, header: Sequence[str] | None, rows: Iterable[Sequence], *,
              encoding: str = "utf-8", bom: bool = False, delimiter: str = ",",
              quote_all: bool = False, preamble: Sequence[str] = (),
              footer: Sequence[str] | Callable[[int], Sequence[str]] = (), newline: str = "\n",
              header_row0: Sequence[str] | None = None) -> int:
    """Stream `rows` (sequences of str) to `path`.

    `encoding` is a Python codec (utf-8, cp1252, utf-16-le); `bom` writes U+FEFF first.
    `preamble` lines are written verbatim before the header; `footer` (verbatim lines, or a
    function of the data-row count returning them) after the rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    counter = _Counter(rows)
    with open(path, "w", encoding=encoding, newline="") as f:
        if bom:
            f.write("\ufeff")
        for line in preamble:
            f.write(line + newline)
        w = csv.writer(f, delimiter=delimiter, lineterminator=newline,
                       quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
        if header_row0 is not None:
            w.writerow(header_row0)
        if header is not None:
            w.writerow(header)
        w.writerows(counter)
        lines = footer(counter.n) if callable(footer) else footer
        for line in lines:
            f.write(line + newline)
    return counter.n



# ---------------------------------------------------------------- number formatting
def excel_italian(rows: Iterable[list[str]], numeric: set[int], dates: set[int] = frozenset()
                  ) -> Iterable[list[str]]:
    """What Excel in an Italian locale writes when it re-saves a CSV: decimal commas, thousands
    dots in the numeric columns and `DD/MM/YYYY` dates (from ISO `YYYY-MM-DD`)."""
    for row in rows:
        out = list(row)
        for i in numeric:
            out[i] = it_number(out[i])
        for i in dates:
            v = out[i]
            if len(v) == 10 and v[4] == "-":
                out[i] = f"{v[8:10]}/{v[5:7]}/{v[0:4]}"
        yield out


_NUM = re.compile(r"^-?\d+(\.\d+)?$")


def it_number(value: str) -> str:
    if not _NUM.match(value):
        return value
    neg = value.startswith("-")
    whole, _, frac = value.lstrip("-").partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return ("-" if neg else "") + ".".join(groups) + ("," + frac if frac else "")


def money(x: float) -> str:
    return f"{x:.2f}"


def num(x: float, digits: int = 6) -> str:
    s = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return s or "0"


# ---------------------------------------------------------------- workbooks and zips
def normalise_zip(data: bytes, when: tuple = FIXED_ZIP_TIME,
                  stamp: datetime | None = None) -> bytes:
    """Re-pack a zip (xlsx) with fixed member timestamps and fixed document dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    iso = (stamp or datetime(*when)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                              rf"\g<1>{iso}\g<2>", text)
                content = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=when)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, content)
    return out.getvalue()


def write_xlsx(path: Path, sheets: list[tuple[str, list[list]]], stamp: datetime) -> int:
    """A workbook whose sheets hold the given rows (cells: str, int, float, date, None).

    Returns the number of rows of the last sheet minus its two header lines (the data rows of
    LinkedIn's 'All posts' layout); callers that need another count compute it themselves."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    wb.properties.creator = "LinkedIn"
    wb.properties.lastModifiedBy = None
    wb.properties.created = stamp
    wb.properties.modified = stamp
    buf = io.BytesIO()
    wb.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(normalise_zip(buf.getvalue(), stamp=stamp))
    return len(sheets[-1][1])


def write_xls(path: Path, sheets: list[tuple[str, list[list]]]) -> None:
    """A binary Excel 97 workbook written with xlwt (deterministic: no dates inside)."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="MM/DD/YYYY")
    for title, rows in sheets:
        ws = wb.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, (date, datetime)):
                    ws.write(r, c, value, date_style)
                else:
                    ws.write(r, c, value)
    buf = io.BytesIO()
    wb.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def write_zip(path: Path, members: list[tuple[str, bytes]], when: tuple = FIXED_ZIP_TIME) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members:
            zi = zipfile.ZipInfo(name, date_time=when)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, content)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence], *, bom: bool = False) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def set_mtime(path: Path, day: date) -> None:
    """Files keep their download day as modification time (deterministic, and realistic)."""
    ts = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC).timestamp()
    os.utime(path, (ts, ts))
