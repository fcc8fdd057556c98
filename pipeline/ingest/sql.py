"""SQL expressions that type the text DuckDB reads, one per registry type.

Every conversion is a `try_` so that a bad value never stops a file: it yields NULL, and the
matching `*_problem` expression turns it into a reason the rejects table keeps.
"""

from __future__ import annotations

NA_TOKENS = ("", "-", "--")
_SUMMARY_RE = (r"^\s*(grand\s+totals?|totals?|totale(\s+complessivo)?|somma|"
               r"confidential information|copyright \(c\))\b")


def q(s: str) -> str:
    """A SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def is_na(v: str) -> str:
    return f"({v} IS NULL OR trim({v}) IN ('', '-', '--'))"


def text(v: str) -> str:
    return f"CASE WHEN {is_na(v)} THEN NULL ELSE trim({v}) END"


def number(v: str, decimal_comma: bool) -> str:
    """'1,234' / '1777.0' / '4.5%' / '1.234,56' (decimal comma files) -> DOUBLE, NA -> NULL."""
    s = f"replace(replace(replace(replace(replace(trim({v}), chr(160), ''), ' ', ''), '€', ''), '$', ''), '£', '')"
    if decimal_comma:
        s = f"replace(replace({s}, '.', ''), ',', '.')"
    else:
        s = f"replace({s}, ',', '')"
    pct = f"CASE WHEN contains({v}, '%') THEN 100.0 ELSE 1.0 END"
    return (f"CASE WHEN {is_na(v)} THEN NULL "
            f"ELSE try_cast(replace({s}, '%', '') AS DOUBLE) / {pct} END")


def typed(ctype: str, v: str, *, decimal_comma: bool, fmt: str | None, tz: str) -> str:
    """The typed value of raw text `v` for a registry type."""
    if ctype in ("text", "id"):
        return text(v)
    if ctype == "int":
        n = number(v, decimal_comma)
        return (f"CASE WHEN ({n}) >= 0 AND ({n}) < 1e15 AND ({n}) = floor({n}) "
                f"THEN CAST({n} AS BIGINT) END")
    if ctype in ("num", "rate"):
        return number(v, decimal_comma)
    if ctype == "money":
        n = number(v, decimal_comma)
        return f"CASE WHEN abs({n}) < 1e15 THEN CAST(round({n}, 2) AS DECIMAL(18,2)) END"
    if ctype == "percent":
        return f"({number(v, decimal_comma)}) / CASE WHEN contains({v}, '%') THEN 1.0 ELSE 100.0 END"
    if ctype in ("date", "timestamp"):
        parsed = f"try_strptime(trim({v}), {q(fmt)})"
        if "%z" in fmt or "%Z" in fmt:
            ts = f"timezone('UTC', {parsed})"
        elif ctype == "timestamp" and tz != "UTC":
            ts = f"timezone('UTC', timezone({q(tz)}, {parsed}))"
        else:
            ts = parsed
        expr = f"CASE WHEN {is_na(v)} THEN NULL ELSE {ts} END"
        return f"CAST({expr} AS DATE)" if ctype == "date" else f"CAST({expr} AS TIMESTAMP)"
    raise ValueError(f"no typed expression for {ctype}")


def problem(ctype: str, v: str, value_sql: str, label: str, *, required: bool,
            fmt: str | None = None) -> str | None:
    """SQL yielding a readable reason when raw text `v` could not be typed (else NULL)."""
    shown = f"'{label}: \"' || left(trim({v}), 60) || '\"'"
    checks: list[tuple[str, str]] = []
    if required:
        checks.append((is_na(v), f"'{label}: missing (required)'"))
    if ctype == "id":
        checks.append((f"regexp_matches(trim({v}), '^[0-9]+([.,][0-9]+)?[eE]\\+?[0-9]+$')",
                       f"{shown} || ' is an ID mangled by Excel into scientific notation and "
                       "cannot be recovered: download the export again and do not open and save "
                       "it in Excel'"))
    if ctype == "int":
        checks.append((f"NOT {is_na(v)} AND starts_with(trim({v}), '-')",
                       f"{shown} || ' is negative (counts cannot be)'"))
        checks.append((f"NOT {is_na(v)} AND {value_sql} IS NULL",
                       f"{shown} || ' is not a whole non-negative number'"))
    elif ctype in ("num", "rate", "money", "percent"):
        checks.append((f"NOT {is_na(v)} AND {value_sql} IS NULL",
                       f"{shown} || ' is not a number'"))
    elif ctype in ("date", "timestamp"):
        checks.append((f"NOT {is_na(v)} AND {value_sql} IS NULL",
                       f"{shown} || ' is not a valid date (expected {fmt})'"))
    if not checks:
        return None
    cases = " ".join(f"WHEN {cond} THEN {msg}" for cond, msg in checks)
    return f"CASE {cases} END"


def summary_row(first_col: str) -> str:
    """True for 'Total' / 'Grand total' / Salesforce footer rows (first column)."""
    return f"coalesce(regexp_matches(lower({first_col}), {q(_SUMMARY_RE)}), false)"
