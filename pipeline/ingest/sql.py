"""SQL that types the text DuckDB reads, one expression per registry type.

Every conversion is a `try_` (or guarded by a pattern) so that a bad value never stops a file: it
yields NULL, and the matching problem expression turns it into a reason the rejects table keeps.

The typing query is built in layers (read -> trimmed text -> numbers -> typed values -> reasons),
each layer naming its results, so every raw value is cleaned once and the query stays small: the
SQL text grows linearly with the number of columns (a nested-expression version took ~0.35 s to
plan for a 40-column file; this one takes a few milliseconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

NA_TOKENS = ("", "-", "--")
SUMMARY_RE = (r"^\s*((grand\s+totals?|totals?|totale(\s+complessivo)?|somma)\b|"
              r"confidential information|copyright \(c\))")
_SUMMARY_RE = SUMMARY_RE  # older name
NUMERIC_TYPES = ("int", "num", "money", "rate", "percent")
INT_MAX = 1e15  # a count above this is a corrupt value, not a count
MONEY_MAX = 1e15

# A plain number: 1777.0, -3, .5, 1.2E+05 (no thousands separators).
NUM_RE = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
# Thousands with a comma (1,234,567.89) in a dot-decimal file.
COMMA_THOUSANDS_RE = r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?"
# A decimal comma, optionally with thousands dots (1.234,56 / 0,5 / 12,) in a comma file.
DECIMAL_COMMA_RE = r"[+-]?([0-9]{1,3}(\.[0-9]{3})+|[0-9]*),[0-9]*"
# Thousands with dots and no decimals (1.234 / 12.345.678) in a comma file.
DOT_THOUSANDS_RE = r"[+-]?[1-9][0-9]{0,2}(\.[0-9]{3})+"
# Evidence for the decimal mark of a file (see load.py `_probe`): a value that can only be read
# one way. 12,5 / 1.234,56 -> comma; 12.5 / 0.045 / 1,234.56 -> dot. 1.234 and 1,234 prove nothing.
COMMA_EVIDENCE_RE = r"[+-]?([0-9]{1,3}(\.[0-9]{3})+,[0-9]+|[0-9]+,([0-9]{1,2}|[0-9]{4,}))%?"
DOT_EVIDENCE_RE = (r"[+-]?([0-9]{1,3}(,[0-9]{3})+\.[0-9]+|[0-9]+\.([0-9]{1,2}|[0-9]{4,})|"
                   r"0\.[0-9]+|[0-9]{4,}\.[0-9]+)%?")
EXCEL_ID_RE = r"^[0-9]+([.,][0-9]+)?[eE]\+?[0-9]+$"
_EMAIL_SQL_RE = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+"
_PHONE_SQL_RE = r"\+?[0-9][0-9 ()./-]{6,}[0-9]"


def q(s: str) -> str:
    """A SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def ident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def is_na(v: str) -> str:
    """True for a value that is not available: NULL, empty, `-` or `--` (after trimming)."""
    return f"(({trimmed(v)}) IS NULL)"


def text(v: str) -> str:
    return trimmed(v)


TRIM_CHARS = " \t\n\r\u00a0"  # spaces, tabs, line breaks and no-break spaces around a value


def trimmed(v: str) -> str:
    """Raw text -> text without surrounding spaces, tabs, line breaks and no-break spaces;
    NULL for `-`, `--` and empty. (nullif and a literal are much cheaper to plan than IN and
    chr() concatenations: this expression is repeated for every column. trim() with a set of
    characters costs 3x a pattern that tells whether there is anything to trim at all, so it
    runs only on the values that start or end with one of them.)"""
    edge = "^[ \\t\\n\\r\\x{a0}]|[ \\t\\n\\r\\x{a0}]$"
    stripped = (f"CASE WHEN regexp_matches({v}, {q(edge)}) THEN trim({v}, {q(TRIM_CHARS)}) "
                f"ELSE {v} END")
    return f"nullif(nullif(nullif({stripped}, ''), '-'), '--')"


def strip_number(t: str) -> str:
    """Trimmed text without spaces, currency symbols and `%` (what `number_from` parses)."""
    return (f"replace(replace(replace(replace(replace(replace(replace({t}, ' ', ''), '€', ''), "
            f"'$', ''), '£', ''), '%', ''), chr(8239), ''), chr(160), '')")


def plain(t: str, decimal_comma: bool) -> str:
    """True for a value made only of digits (and, in a dot-decimal file, dots): what most values
    of an export are. A plain value needs no stripping and no pattern: DuckDB's own cast reads
    it exactly as `number_from` would (checked against NUM_RE in tests/test_ingest_lifecycle.py),
    so the regular expressions only run on the few values that are not plain."""
    return f"(ltrim({t}, {q(DIGITS if decimal_comma else DIGITS + '.')}) = '')"


DIGITS = "0123456789"


def number_from(s: str, decimal_comma: bool, is_plain: str | None = None) -> str:
    """A stripped number string -> DOUBLE or NULL: '1,234' / '1777.0' / '1.234,56' (comma).

    In a decimal-comma file a value with only dots is read as thousands when it can only be
    thousands-grouped (1.234 -> 1234) and as a decimal otherwise (12.5, 0.045, 1777.0). A value
    that is neither form is NULL (never a guess). `is_plain`: the `plain` test of `s`, when a
    layer has computed it already."""
    is_plain = is_plain or plain(s, decimal_comma)
    if decimal_comma:
        return (f"CASE WHEN {is_plain} THEN try_cast({s} AS DOUBLE) "
                f"WHEN regexp_full_match({s}, {q(DECIMAL_COMMA_RE)}) "
                f"THEN try_cast(replace(replace({s}, '.', ''), ',', '.') AS DOUBLE) "
                f"WHEN regexp_full_match({s}, {q(DOT_THOUSANDS_RE)}) "
                f"THEN try_cast(replace({s}, '.', '') AS DOUBLE) "
                f"WHEN regexp_full_match({s}, {q(NUM_RE)}) THEN try_cast({s} AS DOUBLE) END")
    return (f"CASE WHEN {is_plain} THEN try_cast({s} AS DOUBLE) "
            f"WHEN regexp_full_match({s}, {q(NUM_RE)}) THEN try_cast({s} AS DOUBLE) "
            f"WHEN regexp_full_match({s}, {q(COMMA_THOUSANDS_RE)}) "
            f"THEN try_cast(replace({s}, ',', '') AS DOUBLE) END")


def scaled(b: str, t: str, percent: bool) -> str:
    """A parsed number `b` of trimmed text `t`: finite only, `%` (or a percent column) / 100."""
    scale = "100.0" if percent else f"CASE WHEN contains({t}, '%') THEN 100.0 ELSE 1.0 END"
    return f"CASE WHEN isfinite({b}) THEN {b} / {scale} END"


def number(t: str, decimal_comma: bool, percent: bool = False) -> str:
    """Trimmed text -> DOUBLE (one self-contained expression; the loader uses the layered
    `strip_number` -> `number_from` -> `scaled`): '1,234' / '1777.0' / '4.5%' / '1.234,56' /
    '€ 12'. `percent`: the value is a number of percent."""
    return scaled(f"({number_from(strip_number(t), decimal_comma)})", t, percent)


def typed_from(ctype: str, t: str, n: str | None, *, fmt: str | None, tz: str) -> str:
    """The typed value from trimmed text `t` and its number `n` (numeric types)."""
    if ctype in ("text", "id"):
        return t
    if ctype == "int":
        return (f"CASE WHEN {n} >= 0 AND {n} < {INT_MAX:.0f} AND {n} = floor({n}) "
                f"THEN CAST({n} AS BIGINT) END")
    if ctype in ("num", "rate", "percent"):
        return n
    if ctype == "money":
        return f"CASE WHEN abs({n}) < {MONEY_MAX:.0f} THEN CAST(round({n}, 2) AS DECIMAL(18,2)) END"
    if ctype in ("date", "timestamp"):
        parsed = f"try_strptime({t}, {q(fmt)})"
        if "%z" in fmt or "%Z" in fmt:
            ts = f"timezone('UTC', {parsed})"
        elif ctype == "timestamp" and tz != "UTC":
            ts = f"timezone('UTC', timezone({q(tz)}, {parsed}))"
        else:
            ts = parsed
        return f"CAST({ts} AS DATE)" if ctype == "date" else f"CAST({ts} AS TIMESTAMP)"
    raise ValueError(f"no typed expression for {ctype}")


def typed(ctype: str, v: str, *, decimal_comma: bool, fmt: str | None, tz: str) -> str:
    """The typed value of raw text `v` for a registry type (one self-contained expression)."""
    t = f"({trimmed(v)})"
    n = f"({number(t, decimal_comma, ctype == 'percent')})" if ctype in NUMERIC_TYPES else None
    return typed_from(ctype, t, n, fmt=fmt, tz=tz)


def example(fmt: str) -> str:
    """How a date format looks (`%m/%d/%Y` -> `12/31/2026`), for messages."""
    try:
        return datetime(2026, 12, 31, 23, 59).strftime(fmt.replace("%z", "+0000"))
    except ValueError:
        return fmt


def problems_from(ctype: str, t: str, n: str | None, value: str, label: str, *, required: bool,
                  fmt: str | None = None, redact: bool = False) -> list[tuple[str, str]]:
    """(condition, reason) pairs saying why trimmed text `t` could not be typed. `redact`: the
    file holds personal data, so a value quoted in a reason that looks like an email or a phone
    number (a shifted row) is replaced by [email] / [phone]."""
    opening = q(label + ': "')
    value_sql = redact_value_sql(f"left({t}, 60)") if redact else f"left({t}, 60)"
    shown = f"{opening} || {value_sql} || '\"'"
    out: list[tuple[str, str]] = []
    if required:
        out.append((f"{t} IS NULL", q(f"{label}: missing (required)")))
    if ctype == "id":
        # the pattern only runs on the values holding an exponent's e
        out.append((f"CASE WHEN contains({t}, 'e') OR contains({t}, 'E') THEN regexp_matches({t}, "
                    f"{q(EXCEL_ID_RE)}) ELSE false END",
                    f"{shown} || ' is an ID mangled by Excel into scientific notation and cannot "
                    "be recovered: download the export again and do not open and save it in "
                    "Excel'"))
    elif ctype == "int":
        out.append((f"{t} IS NOT NULL AND {n} IS NULL",
                    f"{shown} || ' is not a number (a count is expected)'"))
        out.append((f"{n} < 0", f"{shown} || ' is negative (counts cannot be)'"))
        out.append((f"{n} <> floor({n})", f"{shown} || ' is not a whole number (a count is "
                                          "expected)'"))
        out.append((f"{n} >= {INT_MAX:.0f}", f"{shown} || ' is too large to be a count'"))
    elif ctype in ("num", "rate", "percent", "money"):
        out.append((f"{t} IS NOT NULL AND {n} IS NULL", f"{shown} || ' is not a number'"))
        if ctype == "money":
            out.append((f"abs({n}) >= {MONEY_MAX:.0f}", f"{shown} || ' is out of range for an "
                                                       "amount'"))
    elif ctype in ("date", "timestamp"):
        out.append((f"{t} IS NOT NULL AND {value} IS NULL",
                    f"{shown} || ' is not a valid date (expected like {example(fmt)})'"))
    return out


def reason_sql(checks: list[tuple[str, str]]) -> str:
    """One reason per failed check, joined with '; ' (NULL when all pass)."""
    if not checks:
        return "NULL"
    parts = ", ".join(f"CASE WHEN {cond} THEN {msg} END" for cond, msg in checks)
    return f"nullif(concat_ws('; ', {parts}), '')"


def summary_row(first_col: str) -> str:
    """True for 'Total' / 'Grand total' / Salesforce footer rows (first column)."""
    return f"coalesce(regexp_matches(lower({first_col}), {q(SUMMARY_RE)}), false)"


def csv_record(cells: str, delimiter: str, masked: set[int] = frozenset(),
               redact: bool = False) -> str:
    """A list of raw values written back as one CSV record (fields quoted when they must be),
    with the values at the 0-based positions `masked` replaced by `[personal data]`. One
    lambda for all columns keeps the query small. `redact`: other values shaped like an email or
    a phone number become [email] / [phone] (a CRM row whose values are in the wrong columns)."""
    quote_when = "[" + "".join({"\t": "\\t"}.get(delimiter, delimiter)) + '"\\r\\n]'
    value = redact_value_sql("x") if redact else "x"
    mask = (f"WHEN i IN ({', '.join(str(p + 1) for p in sorted(masked))}) "
            "THEN '[personal data]' " if masked else "")
    return (f"array_to_string(list_transform({cells}, lambda x, i: CASE WHEN x IS NULL THEN '' "
            f"{mask}WHEN regexp_matches(x, {q(quote_when)}) THEN '\"' || replace({value}, '\"', "
            f"'\"\"') || '\"' ELSE {value} END), {q(delimiter)})")


_DATE_LIKE_RE = r"[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}([ T][0-9:.]+)?( ?[AaPp][Mm])?"


def redact_value_sql(v: str) -> str:
    """A value shown in a reason, unless it looks like an email or a phone number (a date,
    whatever its digits, is shown)."""
    return (f"CASE WHEN contains({v}, '@') THEN '[email]' "
            f"WHEN regexp_matches({v}, {q(_PHONE_SQL_RE)}) "
            f"AND NOT regexp_full_match({v}, {q(_DATE_LIKE_RE)}) THEN '[phone]' ELSE {v} END")


def redact_sql(v: str) -> str:
    """Blank out anything looking like an email or a phone number (reasons of CRM files)."""
    return (f"regexp_replace(regexp_replace({v}, {q(_EMAIL_SQL_RE)}, '[email]', 'g'), "
            f"{q(_PHONE_SQL_RE)}, '[phone]', 'g')")


@dataclass
class ParseQuery:
    """The pieces `build_parse_query` returns."""

    sql: str
    data_columns: list[str]


def build_parse_query(fmt, positions: dict[str, int], header: list[str], source: str, *,
                      decimal_comma: bool, date_formats: dict[str, str], tz: str,
                      delimiter: str, email_sql, phone_sql,
                      row_number: str = "row_number() OVER ()") -> ParseQuery:
    """The SELECT that types one file: one row per record read, with

    `_row` (n-th record DuckDB accepted), the data columns, `_reason` (NULL when valid),
    `_kind` (NULL for data; 'summary', 'header' (a repeated header line) or 'empty' (every
    field blank, as Excel pads a re-saved file's blank lines) for rows that are not data), and
    `_raw` (the record as text, rejected rows only; personal values replaced by
    `[personal data]`), `_first` (its first raw value, to check where it was found; never
    stored)."""
    n_cols = len(header)
    personal = {positions[c.name] for c in fmt.columns
                if c.type in ("email", "phone", "name") and c.name in positions}
    by_pos: dict[int, list] = {}
    for col in fmt.columns:
        if col.name in positions and col.type != "name":
            by_pos.setdefault(positions[col.name], []).append(col)

    # Layer 1: the trimmed text of every mapped column (the raw values `c<i>` stay available to
    # later layers by reference; a list of all of them is built only for a rejected row).
    t_cols = [f"{trimmed(f'c{i}')} AS t{i}" for i in sorted(by_pos)]
    # Layer 2: numbers (plain or not, stripped text, parsed, scaled).
    p_cols, s_cols, b_cols, n_cols_sql = [], [], [], []
    for i, cols in sorted(by_pos.items()):
        if any(c.type in NUMERIC_TYPES for c in cols):
            p_cols.append(f"{plain(f't{i}', decimal_comma)} AS p{i}")
            s_cols.append(f"CASE WHEN p{i} THEN t{i} ELSE {strip_number(f't{i}')} END AS s{i}")
            b_cols.append(f"{number_from(f's{i}', decimal_comma, f'p{i}')} AS b{i}")
        for col in cols:
            if col.type in NUMERIC_TYPES:
                n_cols_sql.append(f"{scaled(f'b{i}', f't{i}', col.type == 'percent')} "
                                  f"AS {ident('n_' + col.name)}")
    # Layer 3: typed values; Layer 4: reasons.
    values, checks = [], []
    data_columns = []
    for col in fmt.columns:
        if col.type == "name":
            continue
        data_columns.append(col.name)
        if col.name not in positions:
            values.append(f"NULL AS {ident(col.name)}")
            continue
        i = positions[col.name]
        t = f"t{i}"
        if col.type == "email":
            values.append(f"{email_sql(t)} AS {ident(col.name)}")
            continue
        if col.type == "phone":
            values.append(f"{phone_sql(t)} AS {ident(col.name)}")
            continue
        n = ident("n_" + col.name) if col.type in NUMERIC_TYPES else None
        f = date_formats.get(col.name)
        values.append(f"{typed_from(col.type, t, n, fmt=f, tz=tz)} AS {ident(col.name)}")
        label = header[i].strip().replace("\n", " ")
        checks += problems_from(col.type, t, n, ident(col.name), label, required=col.required,
                                fmt=f, redact=fmt.has_personal_data)
    for name in fmt.derive:
        data_columns.append(name)
        if name in fmt.key:
            checks.append((f"{ident(name)} IS NULL OR {ident(name)} = ''",
                           q(f"cannot find the {name.replace('_', ' ')} in the row")))

    # Summary rows: 'Total'/'Grand total' in the first column of a row without a valid date in
    # the format's first required date column (a post titled "Total recall" is data), or a
    # row whose `summary_when_null` columns are all empty (Meta Ads' first row).
    date_col = next((c.name for c in fmt.columns if c.required and c.name in positions
                     and c.type in ("date", "timestamp")), None)
    summary = summary_row("c0")
    if date_col:  # the pattern only runs on rows without a date
        summary = f"CASE WHEN {ident(date_col)} IS NULL THEN {summary} ELSE false END"
    if fmt.summary_when_null:
        nulls = [f"t{positions[c]} IS NULL" for c in fmt.summary_when_null if c in positions]
        if nulls:
            summary = f"({summary} OR ({' AND '.join(nulls)}))"
    repeated = " AND ".join(
        f"lower(t{positions[c.name]}) = {q(header[positions[c.name]].strip().lower())}"
        for c in fmt.columns if c.required and c.name in positions)
    # every field blank (spaces at most): a row with any mapped value is not, which settles
    # nearly every row without looking at the others
    raw_values = ", ".join(f"c{i}" for i in range(n_cols))
    mapped = ", ".join(f"t{i}" for i in sorted(by_pos))
    all_blank = f"trim(concat({raw_values})) = ''"
    empty = (f"CASE WHEN coalesce({mapped}) IS NOT NULL THEN false ELSE {all_blank} END"
             if mapped else all_blank)
    kind = (f"CASE WHEN {empty} THEN 'empty' WHEN {repeated or 'false'} THEN 'header' "
            f"WHEN {summary} THEN 'summary' END")
    reason = reason_sql(checks)
    raw_text = csv_record(f"[{raw_values}]", delimiter, personal, redact=fmt.has_personal_data)
    first = "NULL" if 0 in personal else "c0"
    derive = [f"{expr} AS {ident(name)}" for name, expr in fmt.derive.items()]

    sql = f"""
        WITH src AS (SELECT {row_number} AS _row, {raw_values} FROM {source}),
        l1 AS (SELECT *, {', '.join(t_cols) or 'NULL AS _t'} FROM src),
        l2p AS (SELECT *, {', '.join(p_cols) or 'NULL AS _p'} FROM l1),
        l2s AS (SELECT *, {', '.join(s_cols) or 'NULL AS _s'} FROM l2p),
        l2b AS (SELECT *, {', '.join(b_cols) or 'NULL AS _b'} FROM l2s),
        l2 AS (SELECT *, {', '.join(n_cols_sql) or 'NULL AS _n'} FROM l2b),
        l3 AS (SELECT *, {', '.join(values)} FROM l2),
        l4 AS (SELECT *, {', '.join(derive) or 'NULL AS _d'} FROM l3),
        l5 AS (SELECT *, {kind} AS _kind, {reason} AS _reason FROM l4)
        SELECT _row, {', '.join(ident(c) for c in data_columns)}, _kind, _reason,
               CASE WHEN _kind IS NOT NULL OR _reason IS NOT NULL THEN {raw_text} END AS _raw,
               CASE WHEN _kind IS NOT NULL OR _reason IS NOT NULL THEN {first} END AS _first
        FROM l5"""
    return ParseQuery(sql, data_columns)
