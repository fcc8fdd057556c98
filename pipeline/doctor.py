"""`make doctor`: what is wrong with this setup or these files, in plain words.

It reads and never writes: the raw folder's files are recognised the way a run would (header,
encoding), the key file's permissions and the warehouse lock are checked, and each finding says
what to do.
"""

from __future__ import annotations

import shutil
import stat
import sys
from dataclasses import dataclass

import duckdb

from pipeline.config import DBT_PROJECT_DIR, Settings, get_settings
from pipeline.ingest.decode import UnreadableFile, scan_bytes, sniff
from pipeline.ingest.load import discover


@dataclass
class Finding:
    level: str  # ok, warn, error
    message: str


def check_files(settings: Settings) -> list[Finding]:
    out = []
    files = list(discover(settings.raw_dir))
    if not files:
        return [
            Finding(
                "warn",
                f"{settings.raw_dir} holds no exports: drop files there, or run "
                "`make sample` for a sample set.",
            )
        ]
    by_format: dict[str, int] = {}
    for path in files:
        try:
            prepared = sniff(path, scan_bytes(path))
        except UnreadableFile as exc:
            out.append(Finding("error", str(exc)))
            continue
        try:
            if prepared.match is None:
                out.append(Finding("warn", prepared.unknown_message()))
            else:
                name = prepared.match.format.name
                by_format[name] = by_format.get(name, 0) + 1
        finally:
            prepared.cleanup()
    summary = ", ".join(f"{n} {f}" for f, n in sorted(by_format.items()))
    out.insert(
        0,
        Finding(
            "ok", f"{len(files)} files under {settings.raw_dir}: {summary or 'none recognised'}"
        ),
    )
    if "campaigns" not in by_format:
        out.append(
            Finding(
                "warn",
                "no campaign plan found (campaign_id,campaign_name,utm_campaign,"
                "...): without it nothing can be attributed to a campaign.",
            )
        )
    return out


def check_setup(settings: Settings) -> list[Finding]:
    out = []
    if not (DBT_PROJECT_DIR / "target" / "manifest.json").exists():
        out.append(Finding("error", "the dbt manifest is missing: run `make manifest`."))
    key = settings.key_file
    if key.exists():
        mode = stat.S_IMODE(key.stat().st_mode)
        if mode & 0o077:
            out.append(
                Finding(
                    "error",
                    f"{key} is readable by others (mode {oct(mode)}): run `chmod 600 {key}`.",
                )
            )
        else:
            out.append(Finding("ok", f"pseudonymisation key {key} is owner-only"))
    else:
        out.append(
            Finding(
                "ok",
                "no pseudonymisation key yet: the first run creates it "
                "owner-only (or set VF_PSEUDONYM_KEY)",
            )
        )
    if settings.warehouse_path.exists():
        try:
            duckdb.connect(str(settings.warehouse_path), read_only=True).close()
            out.append(Finding("ok", f"warehouse {settings.warehouse_path} opens"))
        except duckdb.Error as exc:
            out.append(
                Finding(
                    "warn",
                    f"the warehouse is busy or unreadable ({str(exc)[:120]}): "
                    "a run is probably in progress; try again after it.",
                )
            )
    marts = settings.marts_dir / "marts.duckdb"
    if marts.exists():
        con = duckdb.connect(str(marts), read_only=True)
        when = con.execute("SELECT max(published_at) FROM _publication").fetchone()[0]
        con.close()
        out.append(Finding("ok", f"marts last published {when} UTC at {marts}"))
    else:
        out.append(Finding("warn", f"nothing published yet at {marts}: run `make run`."))
    free = shutil.disk_usage(
        settings.warehouse_path.parent
        if settings.warehouse_path.parent.exists()
        else settings.raw_dir
    ).free
    if free < 2e9:
        out.append(Finding("warn", f"only {free / 1e9:.1f} GB free on the warehouse's disk."))
    return out


def main() -> int:
    settings = get_settings()
    findings = check_setup(settings) + check_files(settings)
    marks = {"ok": "ok   ", "warn": "WARN ", "error": "ERROR"}
    for f in findings:
        print(f"{marks[f.level]} {f.message}")
    errors = sum(f.level == "error" for f in findings)
    print(f"\n{errors} problem(s) to fix" if errors else "\nnothing blocking found")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
