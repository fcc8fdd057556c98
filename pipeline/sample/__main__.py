"""Command line: `python -m pipeline.sample --out data/raw --truth data/truth --seed 7 --scale 1`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

from pipeline.sample.generate import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.sample",
        description="Write deterministic sample marketing exports and the planted truth.",
    )
    parser.add_argument("--out", type=Path, default=Path("data/raw"), help="export folder")
    parser.add_argument("--truth", type=Path, default=Path("data/truth"), help="truth folder")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0, help="volume multiplier")
    parser.add_argument(
        "--as-of", type=date.fromisoformat, default=date(2026, 10, 31), help="YYYY-MM-DD"
    )
    parser.add_argument("--json", action="store_true", help="print the whole summary as JSON")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")

    started = time.perf_counter()
    summary = generate(args.out, args.truth, seed=args.seed, scale=args.scale, as_of=args.as_of)
    elapsed = time.perf_counter() - started
    if args.json:
        json.dump({**summary, "seconds": round(elapsed, 2)}, sys.stdout, indent=2)
        print()
        return 0
    print(f"wrote {len(summary['files'])} files to {args.out} and the truth to {args.truth}")
    print(f"{summary['total_rows']:,} data rows in {elapsed:.1f} s")
    print("rows per format:")
    for fmt, rows in summary["rows_per_format"].items():
        print(f"  {fmt:<26}{rows:>12,}")
    print("campaigns by archetype:")
    for archetype, n in summary["campaigns_by_archetype"].items():
        print(f"  {archetype:<26}{n:>12}")
    base = summary["baseline_leads_per_1000"]
    print(
        "leads per 1,000 engagements: "
        + ", ".join(f"{k} {v}" for k, v in base.items())
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
