"""Turn any export as downloaded into delimited text DuckDB can parse.

Python only does what DuckDB cannot: detect the encoding, find the header after a preamble,
open workbooks (.xlsx/.xls) and the YouTube .zip, and decode what DuckDB does not read.

- A UTF-8 (with or without BOM) or UTF-16LE (with or without BOM) CSV whose header is its first
  line and whose lines all end alike is parsed by DuckDB in place, never copied.
- Otherwise (Windows-1252 or UTF-8 with stray Windows-1252 bytes, UTF-16BE, a preamble before
  the header, mixed line ends, a UTF-16 file cut mid-character) it is streamed (256 KiB at a
  time) into a private temporary UTF-8 copy (mode 0600) that starts at the header and has
  uniform line ends, deleted as soon as the file is loaded (see `_transcode` for why).
- A path DuckDB would read as a glob pattern ("export [1].csv") is given to it as a link.

Recognising a file (`sniff`) reads only its first lines; `prepare` does the rest, once, at load.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pipeline.ingest.registry import HeaderMatch, match_header, nearest_format

WORKBOOK_SUFFIXES = {".xlsx", ".xls", ".xlsm"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
SUPPORTED_SUFFIXES = WORKBOOK_SUFFIXES | TEXT_SUFFIXES | {".zip"}
DELIMITERS = (",", ";", "\t")
HEADER_SEARCH_LINES = 40
HEAD_BYTES = 1 << 20  # the header must start within the first MiB of a file
_CHUNK = 1 << 18  # streaming unit: Python never holds more than this of a file
# Encodings DuckDB's CSV reader decodes itself (our name -> its `encoding` option).
DUCKDB_ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "utf-16-le": "utf-16"}


class UnreadableFile(Exception):
    """A file that cannot be decoded or opened; the message says why and what to do."""


def _cp1252_fallback(exc: UnicodeDecodeError) -> tuple[str, int]:
    """The five bytes Windows-1252 leaves undefined decode as the same code point (as Windows)."""
    return "".join(chr(b) for b in exc.object[exc.start:exc.end]), exc.end


codecs.register_error("vf_cp1252", _cp1252_fallback)


def _utf8_then_cp1252(exc: UnicodeDecodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 are read as Windows-1252 (a file re-saved by a legacy tool is
    often all Windows-1252, sometimes UTF-8 with a few Windows-1252 bytes pasted in)."""
    return exc.object[exc.start:exc.end].decode("cp1252", errors="vf_cp1252"), exc.end


codecs.register_error("vf_utf8_cp1252", _utf8_then_cp1252)
# Our encoding label -> (Python codec, error handler) used to decode it.
# A UTF-16 file cut in the middle of a character keeps its rows: the cut character becomes
# U+FFFD and the cut row is rejected for its shape.
_DECODE = {"cp1252": ("utf-8", "vf_utf8_cp1252"), "utf-8": ("utf-8", "replace"),
           "utf-8-sig": ("utf-8-sig", "replace"), "utf-16-le": ("utf-16-le", "replace"),
           "utf-16-be": ("utf-16-be", "replace")}


@dataclass(frozen=True)
class FileFacts:
    """What one pass over the bytes tells: content hash, size, the text encoding and the line
    ends used."""

    sha256: str
    size: int
    encoding: str  # utf-8, utf-8-sig, utf-16-le, utf-16-be, cp1252, binary
    newlines: str = "lf"  # lf, crlf, cr, none, or mixed (several kinds: normalised before DuckDB)


def scan_bytes(path: Path) -> FileFacts:
    """Hash the file, find its encoding and its line ends in one streaming pass (the file is
    never held whole)."""
    h = hashlib.sha256()
    size = 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    head = b""
    crlf = cr = lf = 0
    last = b""
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            if not head:
                head = chunk[:4096]
            h.update(chunk)
            size += len(chunk)
            # ASCII is UTF-8 (and checking it costs no string): only other chunks, or one
            # following a chunk cut inside a character, are decoded
            if utf8_ok and not (chunk.isascii() and not decoder.getstate()[0]):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
            if size == len(chunk):  # the first chunk: line ends are 2 bytes in UTF-16
                ends = _line_end_bytes(_encoding(head, True))
            both = chunk.count(ends[0])
            crlf += both
            cr += chunk.count(ends[1]) - both
            lf += chunk.count(ends[2]) - both
            if last == b"\r" and chunk[:1] == b"\n":  # a CRLF cut by the chunking
                crlf, cr, lf = crlf + 1, cr - 1, lf - 1
            last = chunk[-1:]
    if utf8_ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    kinds = [name for name, n in (("crlf", crlf), ("cr", cr), ("lf", lf)) if n > 0]
    newlines = "none" if not kinds else kinds[0] if len(kinds) == 1 else "mixed"
    return FileFacts(h.hexdigest(), size, _encoding(head, utf8_ok), newlines)


def _line_end_bytes(encoding: str) -> tuple[bytes, bytes, bytes]:
    """(CRLF, CR, LF) as bytes in this encoding."""
    if encoding == "utf-16-le":
        return b"\r\x00\n\x00", b"\r\x00", b"\n\x00"
    if encoding == "utf-16-be":
        return b"\x00\r\x00\n", b"\x00\r", b"\x00\n"
    return b"\r\n", b"\r", b"\n"


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
    """A file ready for DuckDB: delimited text, with the header's line and the delimiter found."""

    source: Path  # the file as the user dropped it
    text_path: Path  # what DuckDB reads (the source itself for UTF-8 and UTF-16LE text)
    header_line: int  # 0-based line of the header in text_path (see source_header_line)
    delimiter: str
    header: list[str]
    match: HeaderMatch | None
    container: str  # csv, xlsx:<sheet>, xls:<sheet>, zip:<member>
    encoding: str  # of the source (or zip member): utf-8, utf-8-sig, utf-16-le, cp1252, ...
    is_temporary: bool = False
    duckdb_encoding: str = "utf-8"  # what DuckDB decodes text_path as
    # For a workbook: the sheet row number (1-based, as Excel shows it) of each data record.
    sheet_rows: list[int] | None = field(default=None, repr=False)
    empty: bool = False  # the file (or member) holds no bytes at all
    line_offset: int = 0  # lines of the source before text_path's first (a dropped preamble)

    @property
    def source_header_line(self) -> int:
        """0-based line of the header in the file as dropped (or the sheet row, 0-based)."""
        return self.header_line + self.line_offset

    @property
    def decimal_comma(self) -> bool:
        """Excel in Italian (and most European) locales saves `;`-separated with decimal commas.
        This is the default guess; the loader confirms it from the values (see load.py)."""
        return self.delimiter == ";"

    @property
    def text_encoding(self) -> str:
        """The Python codec that reads text_path."""
        return {"utf-16": "utf-16-le"}.get(self.duckdb_encoding, "utf-8")

    def cleanup(self) -> None:
        if self.is_temporary:
            self.text_path.unlink(missing_ok=True)

    def unknown_message(self) -> str:
        from pipeline.ingest.privacy import redact

        if self.empty:
            return (f"{self.source}: the file is empty (0 bytes): nothing to load. If it is an "
                    "export, the download failed: download it again.")
        from pipeline.ingest.privacy import looks_personal

        first = self.delimiter.join(self.header)[:300] if self.header else "(no header found)"
        if looks_personal(first):
            # no header at all: the first line is a data row, perhaps a person's
            first = "(withheld: the first line looks like data holding an email or a phone number)"
        near = nearest_format(self.header) if self.header else None
        hint = ""
        if near:
            name, lacking = near
            hint = f"; nearest known format: {name}"
            extra = [n[4:] for n in lacking if n.startswith("not ")]
            lacking = [n for n in lacking if not n.startswith("not ")]
            if lacking:
                hint += f" (lacking columns {', '.join(lacking)})"
            if extra:
                hint += (f" (but it has column {', '.join(extra)}, which {name} never has: "
                         "another export of the same tool?)")
        return (f"{self.source}: not a known export format. First header line: "
                f"{redact(first)!r}{hint}. The file was left in place; if it is a supported "
                "export, download it again unmodified, or add its header names to "
                "pipeline/ingest/formats.yml.")


def split_lines(text: str) -> list[str]:
    """Physical lines (\\r\\n, \\n or \\r), without their ends."""
    return re.split(r"\r\n|\n|\r", text)


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
    return 0, ",", [first[:1000]] if first else [], None


def _decode_head(raw: bytes, encoding: str, complete: bool) -> list[str]:
    """The first lines of a text whose first bytes are `raw` (a cut last line is dropped)."""
    codec, errors = _DECODE.get(encoding, ("utf-8", "replace"))
    if codec.startswith("utf-16"):
        errors = "replace"
        if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            raw = raw[2:]
        if len(raw) % 2:
            raw = raw[:-1]
    text = raw.decode(codec, errors=errors)
    lines = split_lines(text)
    if not complete and len(lines) > 1:
        lines = lines[:-1]
    return lines[:HEADER_SEARCH_LINES * 4]


def _read_head(path: Path) -> tuple[bytes, bool]:
    """The first bytes of a file: enough for HEADER_SEARCH_LINES lines (read 64 KiB at a time),
    at most HEAD_BYTES. Returns (bytes, whether that is the whole file)."""
    parts: list[bytes] = []
    size = 0
    with path.open("rb") as f:
        while size <= HEAD_BYTES:
            chunk = f.read(1 << 16)
            if not chunk:
                return b"".join(parts), True
            parts.append(chunk)
            size += len(chunk)
            if sum(p.count(b"\n") for p in parts) > HEADER_SEARCH_LINES + 1:
                break
    raw = b"".join(parts)
    return raw[:HEAD_BYTES], False


def _text_sniff(source: Path, raw: bytes, complete: bool, encoding: str, container: str,
                text_path: Path | None = None) -> Prepared:
    if encoding == "binary":
        raise UnreadableFile(f"{source}: binary content where text was expected; is this really "
                             "a CSV export? Download it again from the tool.")
    lines = _decode_head(raw, encoding, complete) if raw else []
    line, delim, fields, m = find_header(lines)
    return Prepared(source, text_path or source, line, delim, fields, m, container, encoding,
                    duckdb_encoding=DUCKDB_ENCODINGS.get(encoding, "utf-8"), empty=not raw)


def _transcode(src: Path | io.BufferedIOBase, encoding: str, tmp_dir: Path,
               label: Path, skip_lines: int = 0) -> Path:
    """Stream `src` (a path or a binary stream) into a private UTF-8 temporary file whose lines
    all end with \\n, without its first `skip_lines` lines.

    Why: DuckDB's CSV reader parses the lines it is told to skip, and silently returns no rows
    when one of them is not valid under the file's dialect (a preamble line with a stray quote
    or another separator) or ends differently from the data lines. So a preamble is never
    shown to DuckDB, and line ends are made uniform whenever a file is copied."""
    codec, errors = _DECODE.get(encoding, (encoding, "strict"))
    fd, name = _private_tmp(tmp_dir)
    decoder = codecs.getincrementaldecoder(codec)(errors=errors)
    first = True
    offset = 0
    pending_cr = False
    try:
        with (src.open("rb") if isinstance(src, Path) else src) as fin, \
                open(fd, "w", encoding="utf-8", newline="") as fout:
            while True:
                chunk = fin.read(_CHUNK)
                if first and codec.startswith("utf-16") and chunk[:2] in (
                        codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                    chunk = chunk[2:]
                first = False
                text = decoder.decode(chunk, final=not chunk)
                offset += len(chunk)
                if pending_cr:
                    text = "\r" + text
                pending_cr = text.endswith("\r") and bool(chunk)
                if pending_cr:
                    text = text[:-1]  # it may be the first half of a CRLF
                text = text.replace("\r\n", "\n").replace("\r", "\n")
                while skip_lines and text:
                    cut = text.find("\n")
                    text = "" if cut < 0 else text[cut + 1:]
                    skip_lines -= cut >= 0
                fout.write(text)
                if not chunk:
                    break
    except UnicodeDecodeError as exc:
        Path(name).unlink(missing_ok=True)
        raise UnreadableFile(
            f"{label}: cannot be decoded as {encoding} ({exc.reason} near byte "
            f"{offset + exc.start}); the file is probably truncated or corrupt: download it "
            "again.") from exc
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _private_tmp(tmp_dir: Path) -> tuple[int, str]:
    tmp_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return tempfile.mkstemp(prefix="vf_", suffix=".csv", dir=tmp_dir)  # mode 0600


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


def _open_workbook(source: Path):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(source))
    except Exception as exc:  # calamine raises its own error types
        raise UnreadableFile(f"{source}: the workbook cannot be opened ({exc}); "
                             "download it again or save it as .xlsx.") from exc


def _workbook_header(source: Path, wb) -> tuple[str | None, int, list[str], HeaderMatch | None]:
    """(sheet, 0-based row, header, match) of the best sheet, or the first sheet's first row."""
    best = None
    first_rows = None
    for sheet in wb.sheet_names:
        try:
            rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False,
                                                         nrows=HEADER_SEARCH_LINES)
        except Exception as exc:
            raise UnreadableFile(f"{source}: sheet {sheet!r} cannot be read ({exc}); "
                                 "download the workbook again.") from exc
        if first_rows is None:
            first_rows = rows
        for i, row in enumerate(rows):
            fields = [_cell(v) for v in row]
            m = match_header(fields)
            if m and (best is None or m.matched > best[3].matched):
                best = (sheet, i, fields, m)
                break
    if best:
        return best
    header = next(([_cell(v) for v in r] for r in (first_rows or []) if any(_cell(v) for v in r)),
                  [])
    return None, 0, header, None


def _workbook_prepare(source: Path, tmp_dir: Path | None) -> Prepared:
    """The sheet whose header is a known format, as CSV (only when tmp_dir is given)."""
    wb = _open_workbook(source)
    sheet, i, fields, m = _workbook_header(source, wb)
    kind = source.suffix.lstrip(".").lower() or "workbook"
    if m is None or tmp_dir is None:
        container = f"{kind}:{sheet}" if sheet else kind
        return Prepared(source, source, i, ",", fields, m, container, "binary")
    fd, name = _private_tmp(tmp_dir)
    sheet_rows: list[int] = []
    try:
        with open(fd, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(fields)
            for n, row in enumerate(wb.get_sheet_by_name(sheet).iter_rows()):
                if n <= i:
                    continue
                cells = [_cell(v) for v in row]
                if not any(c.strip() for c in cells):
                    continue  # an empty sheet row is not a record (like a blank CSV line)
                w.writerow(cells)
                sheet_rows.append(n + 1)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Prepared(source, Path(name), 0, ",", fields, m, f"{kind}:{sheet}", "binary", True,
                    sheet_rows=sheet_rows, line_offset=i)


def _zip_members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Text members, YouTube's 'Table data' first."""
    members = [i for i in zf.infolist()
               if not i.is_dir() and Path(i.filename).suffix.lower() in TEXT_SUFFIXES
               and not Path(i.filename).name.startswith(".")
               and not i.filename.startswith("__MACOSX/")]
    return sorted(members, key=lambda i: ("table data" not in i.filename.lower(), i.filename))


def _zip_prepare(source: Path, tmp_dir: Path | None) -> Prepared:
    """A zip of exports (YouTube Studio): the member whose header is a known format is read."""
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFile(f"{source}: not a readable zip ({exc}); download it again.") from exc
    with zf:
        first = None
        try:
            for info in _zip_members(zf):
                with zf.open(info) as f:
                    raw = f.read(HEAD_BYTES + 1)
                complete = len(raw) <= HEAD_BYTES
                raw = raw[:HEAD_BYTES]
                enc = _encoding(raw[:4096], _utf8_prefix_ok(raw, complete))
                try:
                    sniffed = _text_sniff(source, raw, complete, enc, f"zip:{info.filename}")
                except UnreadableFile:
                    continue
                if sniffed.match:
                    return sniffed if tmp_dir is None else _extract(zf, info, sniffed, tmp_dir)
                first = first or sniffed
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            raise UnreadableFile(f"{source}: the zip is damaged ({exc}); download it again.") \
                from exc
    if first:
        return first
    raise UnreadableFile(f"{source}: the zip holds no CSV file; is it a YouTube Studio export?")


def _utf8_prefix_ok(raw: bytes, complete: bool) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(raw, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sniffed: Prepared,
             tmp_dir: Path) -> Prepared:
    """Copy one member out as UTF-8 with uniform line ends (streaming). A member whose head
    looked like UTF-8 is read as UTF-8 with any stray Windows-1252 bytes decoded as such."""
    enc = "cp1252" if sniffed.encoding == "utf-8" else sniffed.encoding
    _copy_for_duckdb(sniffed, zf.open(info), enc, tmp_dir)
    return sniffed


def _is_workbook(source: Path, facts: FileFacts) -> bool:
    suffix = source.suffix.lower()
    return suffix in WORKBOOK_SUFFIXES or (
        facts.encoding == "binary" and suffix != ".zip" and _looks_like_workbook(source))


def sniff(source: Path, facts: FileFacts) -> Prepared:
    """Recognise a file from its first MiB (a workbook is opened): no temporary file is made.

    The result's text_path is not necessarily readable by DuckDB: use `prepare` to load."""
    if _is_workbook(source, facts):
        return _workbook_prepare(source, None)
    if source.suffix.lower() == ".zip":
        return _zip_prepare(source, None)
    raw, complete = _read_head(source)
    return _text_sniff(source, raw, complete, facts.encoding, "csv")


def prepare(source: Path, facts: FileFacts, tmp_dir: Path) -> Prepared:
    """Decode `source` as needed and locate its header; raise UnreadableFile with a clear reason.

    Call `cleanup()` on the result when done (it deletes any temporary copy)."""
    if _is_workbook(source, facts):
        return _workbook_prepare(source, tmp_dir)
    if source.suffix.lower() == ".zip":
        return _zip_prepare(source, tmp_dir)
    prepared = sniff(source, facts)
    cut_utf16 = facts.encoding.startswith("utf-16") and facts.size % 2  # a broken download
    if prepared.match is not None and (facts.encoding not in DUCKDB_ENCODINGS or cut_utf16
                                       or facts.newlines == "mixed" or prepared.header_line):
        _copy_for_duckdb(prepared, source, facts.encoding, tmp_dir)
    elif prepared.match is not None and _GLOB.search(str(source)):
        # DuckDB reads a path as a glob: "export [1].csv" would read "export 1.csv". It is
        # given a link with a plain name instead.
        fd, name = _private_tmp(tmp_dir)
        os.close(fd)
        os.unlink(name)
        try:
            os.symlink(source.resolve(), name)
        except OSError:  # no symlinks here: copy
            import shutil

            shutil.copyfile(source, name)
        prepared.text_path = Path(name)
        prepared.is_temporary = True
    return prepared


_GLOB = re.compile(r"[*?\[\]{}]")


def _copy_for_duckdb(prepared: Prepared, src, encoding: str, tmp_dir: Path) -> None:
    """Give DuckDB a UTF-8 copy starting at the header line (see `_transcode`)."""
    prepared.text_path = _transcode(src, encoding, tmp_dir, prepared.source,
                                    skip_lines=prepared.header_line)
    prepared.is_temporary = True
    prepared.duckdb_encoding = "utf-8"
    prepared.line_offset = prepared.header_line
    prepared.header_line = 0


def _looks_like_workbook(path: Path) -> bool:
    with path.open("rb") as f:
        magic = f.read(8)
    return magic.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))


_DATE_IN_NAME = re.compile(r"(?<!\d)(20\d{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")


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


def remove_stale_temporaries(tmp_dir: Path, older_than_s: float = 3600) -> int:
    """Delete decoded copies a crashed run left behind (they may hold personal data)."""
    n = 0
    if tmp_dir.is_dir():
        cutoff = time.time() - older_than_s
        for p in tmp_dir.glob("vf_*.csv"):
            try:
                if p.lstat().st_mtime < cutoff:
                    os.unlink(p)
                    n += 1
            except OSError:
                pass
    return n
