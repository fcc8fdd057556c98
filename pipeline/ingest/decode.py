"""Turn any export as downloaded into a UTF-8 delimited text DuckDB can parse.

Python only does what DuckDB cannot: detect and transcode UTF-16/Windows-1252, find the header
after a preamble, open workbooks (.xlsx/.xls) and the YouTube .zip. A plain UTF-8 CSV is parsed
in place, never copied.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pipeline.ingest.registry import HeaderMatch, match_header, nearest_format

WORKBOOK_SUFFIXES = {".xlsx", ".xls", ".xlsm"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
SUPPORTED_SUFFIXES = WORKBOOK_SUFFIXES | TEXT_SUFFIXES | {".zip"}
DELIMITERS = (",", ";", "\t")
HEADER_SEARCH_LINES = 40
_CHUNK = 1 << 20


class UnreadableFile(Exception):
    """A file that cannot be decoded or opened; the message says why and what to do."""


@dataclass(frozen=True)
class FileFacts:
    """What one pass over the bytes tells: content hash, size, and the text encoding."""

    sha256: str
    size: int
    encoding: str  # utf-8, utf-8-sig, utf-16-le, utf-16-be, cp1252, binary


def scan_bytes(path: Path) -> FileFacts:
    """Hash the file and find its encoding in one streaming pass (the file is never held whole)."""
    h = hashlib.sha256()
    size = 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    head = b""
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            if not head:
                head = chunk[:4096]
            h.update(chunk)
            size += len(chunk)
            if utf8_ok:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
    if utf8_ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    return FileFacts(h.hexdigest(), size, _encoding(head, utf8_ok))


def _encoding(head: bytes, utf8_ok: bool) -> str:
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return "binary"
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4:
        return "utf-16-le"  # UTF-16 without a BOM: every other byte is zero for Latin text
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4:
        return "utf-16-be"
    if b"\x00" in head:
        return "binary"
    return "utf-8" if utf8_ok else "cp1252"


@dataclass
class Prepared:
    """A file ready for DuckDB: UTF-8 text, with the header's line and the delimiter found."""

    source: Path  # the file as the user dropped it
    text_path: Path  # what DuckDB reads (the source itself for a plain UTF-8 CSV)
    header_line: int  # 0-based line of the header in text_path
    delimiter: str
    header: list[str]
    match: HeaderMatch | None
    container: str  # csv, xlsx, xls, zip:<member>
    encoding: str
    is_temporary: bool = False

    @property
    def decimal_comma(self) -> bool:
        """Excel in Italian (and most European) locales saves `;`-separated with decimal commas."""
        return self.delimiter == ";"

    def cleanup(self) -> None:
        if self.is_temporary:
            self.text_path.unlink(missing_ok=True)

    def unknown_message(self) -> str:
        first = self.delimiter.join(self.header)[:300] if self.header else "(no header found)"
        near = nearest_format(self.header) if self.header else None
        hint = ""
        if near:
            name, lacking = near
            hint = f"; nearest known format: {name} (lacking columns {', '.join(lacking)})"
        return (f"{self.source}: not a known export format. First header line: {first!r}{hint}. "
                "The file was left in place; if it is a supported export, download it again "
                "unmodified, or add its header names to pipeline/ingest/formats.yml.")


def find_header(lines: list[str]) -> tuple[int, str, list[str], HeaderMatch | None]:
    """Find the header among the first lines (skipping preambles, `#` comments, descriptions).

    Returns (line index, delimiter, fields, match); when no line matches a format, the first
    non-comment line with the most fields is returned with match None, to report it.
    """
    best = None
    fallback = None
    for i, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        stripped = line.strip().lstrip("\ufeff")
        if not stripped or stripped.startswith("#"):
            continue
        for delim in DELIMITERS:
            if delim not in stripped:
                continue
            fields = next(csv.reader([stripped], delimiter=delim))
            m = match_header(fields)
            if m and (best is None or m.matched > best[3].matched):
                best = (i, delim, fields, m)
            if fallback is None or len(fields) > len(fallback[2]):
                fallback = (i, delim, fields, None)
        if best is not None:
            break  # the first matching line is the header; data rows never match a signature
    if best:
        return best
    if fallback:
        return fallback
    first = next((ln.strip() for ln in lines if ln.strip()), "")
    return 0, ",", [first] if first else [], None


def _head_lines(path: Path, encoding: str, n: int = HEADER_SEARCH_LINES) -> list[str]:
    lines = []
    with path.open("r", encoding=encoding, errors="replace", newline="") as f:
        for _ in range(n):
            line = f.readline()
            if not line:
                break
            lines.append(line.rstrip("\r\n"))
    return lines


def _transcode(src: Path, encoding: str, tmp_dir: Path, skip_bom: bool = True) -> Path:
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(suffix=".csv", dir=tmp_dir)
    codec = {"utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(encoding, encoding)
    with src.open("r", encoding=codec, errors="strict", newline="") as fin, \
            open(fd, "w", encoding="utf-8", newline="") as fout:
        try:
            shutil.copyfileobj(fin, fout, _CHUNK)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                f"{src}: cannot be decoded as {encoding} ({exc.reason} at byte {exc.start}); "
                "the file is probably truncated or corrupt: download it again.") from exc
    return Path(name)


def _text_prepare(source: Path, path: Path, encoding: str, container: str, tmp_dir: Path,
                  is_temporary: bool = False) -> Prepared:
    if encoding == "binary":
        raise UnreadableFile(f"{source}: binary content where text was expected; "
                             "is this really a CSV export?")
    text_path = path
    read_encoding = "utf-8-sig" if encoding == "utf-8-sig" else "utf-8"
    if encoding not in ("utf-8", "utf-8-sig"):
        text_path = _transcode(path, encoding, tmp_dir)
        if is_temporary:
            path.unlink(missing_ok=True)
        is_temporary = True
    lines = _head_lines(text_path, read_encoding)
    line, delim, fields, m = find_header(lines)
    return Prepared(source, text_path, line, delim, fields, m, container, encoding, is_temporary)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != datetime.min.time() \
            else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _workbook_prepare(source: Path, tmp_dir: Path) -> Prepared:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(source))
    except Exception as exc:  # calamine raises its own error types
        raise UnreadableFile(f"{source}: the workbook cannot be opened ({exc}); "
                             "download it again or save it as .xlsx.") from exc
    best = None
    for sheet in wb.sheet_names:
        rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        for i, row in enumerate(rows[:HEADER_SEARCH_LINES]):
            fields = [_cell(v) for v in row]
            m = match_header(fields)
            if m and (best is None or m.matched > best[3].matched):
                best = (sheet, i, fields, m, rows)
                break
    if best is None:
        rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python() if wb.sheet_names else []
        header = next(([_cell(v) for v in r] for r in rows if any(_cell(v) for v in r)), [])
        return Prepared(source, source, 0, ",", header, None, source.suffix.lstrip("."), "binary")
    sheet, i, fields, m, rows = best
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(suffix=".csv", dir=tmp_dir)
    with open(fd, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        for row in rows[i:]:
            w.writerow([_cell(v) for v in row])
    container = f"{source.suffix.lstrip('.')}:{sheet}"
    return Prepared(source, Path(name), 0, ",", fields, m, container, "binary", True)


def _zip_prepare(source: Path, tmp_dir: Path) -> Prepared:
    """A zip of exports (YouTube Studio): the member whose header is a known format is read."""
    try:
        zf = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"{source}: not a readable zip ({exc}); download it again.") from exc
    first_unknown = None
    with zf:
        for info in sorted(zf.infolist(), key=lambda i: ("table data" not in i.filename.lower(),
                                                         i.filename)):
            if info.is_dir() or Path(info.filename).suffix.lower() not in TEXT_SUFFIXES:
                continue
            tmp_dir.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(suffix=".csv", dir=tmp_dir)
            with zf.open(info) as fin, open(fd, "wb") as fout:
                shutil.copyfileobj(fin, fout, _CHUNK)
            facts = scan_bytes(Path(name))
            prepared = _text_prepare(source, Path(name), facts.encoding,
                                     f"zip:{info.filename}", tmp_dir, is_temporary=True)
            if prepared.match:
                if first_unknown:
                    first_unknown.cleanup()
                return prepared
            if first_unknown is None:
                first_unknown = prepared
            else:
                prepared.cleanup()
    if first_unknown:
        return first_unknown
    raise UnreadableFile(f"{source}: the zip holds no CSV file.")


def prepare(source: Path, facts: FileFacts, tmp_dir: Path) -> Prepared:
    """Decode `source` as needed and locate its header; raise UnreadableFile with a clear reason."""
    suffix = source.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES or (facts.encoding == "binary" and suffix != ".zip"
                                       and _looks_like_workbook(source)):
        return _workbook_prepare(source, tmp_dir)
    if suffix == ".zip":
        return _zip_prepare(source, tmp_dir)
    return _text_prepare(source, source, facts.encoding, "csv", tmp_dir)


def _looks_like_workbook(path: Path) -> bool:
    with path.open("rb") as f:
        magic = f.read(8)
    return magic.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))


_DATE_IN_NAME = re.compile(r"(20\d{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])")


def exported_at_from_name(name: str) -> date | None:
    """The newest date written in a file name (`..._20210101_20210201_en.csv` -> 2021-02-01)."""
    found = []
    for y, m, d in _DATE_IN_NAME.findall(name):
        try:
            found.append(date(int(y), int(m), int(d)))
        except ValueError:
            continue
    return max(found) if found else None


def read_text_head(path: Path, n: int = 5) -> str:
    """First lines of a file for messages, decoded leniently."""
    with path.open("rb") as f:
        raw = f.read(4096)
    facts_enc = _encoding(raw, True)
    enc = {"binary": "latin-1", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(facts_enc,
                                                                                 "utf-8")
    return "\n".join(io.StringIO(raw.decode(enc, errors="replace")).read().splitlines()[:n])
