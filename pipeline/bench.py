"""`make bench`: how fast and how lean the pipeline is at scale, against what a user would do.

Generates a large sample (the generator's `--scale`; default ~10 million raw rows), then measures,
each as the median of several repetitions, wall time and CPU time (user + system of the whole
process tree: steadier than wall time on a shared machine), and peak memory (RSS summed over the
whole process tree, sampled every 50 ms; the highest of the repetitions' peaks):
1. the full pipeline, cold (empty warehouse), as `make run` runs it (`dagster job execute`);
2. an incremental nightly run after adding one day of new files: what the nightly schedule
   launches (`python -m pipeline.ops.nightly`: the new files' sources and what is downstream);
3. the floor: DuckDB alone counting the rows of every raw CSV once;
4. pandas `read_csv` of the same files (what a user might write instead).
Prints the ratios full/floor, full/pandas, incremental/full and writes them to a JSON file.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path

import psutil

from pipeline.config import PROJECT_DIR


def measure(cmd: list[str], env: dict[str, str], log: Path, cwd: Path = PROJECT_DIR) -> dict:
    """Run `cmd`; wall seconds and peak RSS (bytes) of its whole process tree. The output goes
    straight to `log` (the run's timeline: where the time went), never to a pipe nobody drains
    while the command runs (a full pipe would stall it)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        root = psutil.Process(proc.pid)
        peak = 0
        while proc.poll() is None:
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.05)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # every descendant waited for
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    output = log.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} failed ({proc.returncode}):\n{output[-3000:]}")
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_bytes": peak,
            "tail": output[-2000:]}


def csv_files(raw: Path) -> list[Path]:
    return sorted(p for p in raw.rglob("*.csv"))


FLOOR = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(config={"threads": 2})
    con.execute("SET enable_progress_bar = false")  # DuckDB 2 draws it even into a file
    total = 0
    for path in sys.argv[1:]:
        opts = "all_varchar=true, ignore_errors=true, null_padding=true, parallel=false"
        if open(path, "rb").read(2) == b"\\xff\\xfe":  # UTF-16 (LinkedIn Ads)
            opts += ", encoding='utf-16', delim='\\t', skip=5"
        total += con.execute(f"SELECT count(*) FROM read_csv(?, {opts})", [path]).fetchone()[0]
    print(total)
""")


PANDAS = textwrap.dedent("""
    import sys, pandas as pd
    frames = []  # kept, as a user exploring them would
    for path in sys.argv[1:]:
        head = open(path, "rb").read(4096)
        if head[:2] == b"\\xff\\xfe":  # LinkedIn Ads: UTF-16, TAB, 5 preamble lines
            frames.append(pd.read_csv(path, encoding="utf-16", sep="\\t", skiprows=5))
            continue
        text = head.decode("utf-8", "replace")
        first = next((ln for ln in text.splitlines() if ln and not ln.startswith("#")), "")
        sep = ";" if first.count(";") > first.count(",") else ","
        frame = pd.read_csv(path, sep=sep, comment="#" if text.startswith("#") else None,
                            decimal="," if sep == ";" else ".", low_memory=False,
                            on_bad_lines="skip", encoding_errors="replace")
        frames.append(frame)
    print(sum(len(f) for f in frames))
""")


def add_one_day(raw: Path, day: date) -> list[Path]:
    """One night's new files: a GA4 export and a current-generation X export for `day`."""
    out = []
    ga4 = raw / "ga4" / f"ga4_traffic_{day:%Y%m%d}.csv"
    ga4.parent.mkdir(parents=True, exist_ok=True)
    with ga4.open("w", encoding="utf-8", newline="") as f:
        f.write(
            "# ----------------------------------------\n# Traffic acquisition: Session "
            f"source / medium\n# ----------------------------------------\n#\n# All Users\n"
            f"# Start date: {day:%Y%m%d}\n# End date: {day:%Y%m%d}\n"
        )
        w = csv.writer(f)
        w.writerow(
            [
                "Date",
                "Session source / medium",
                "Session campaign",
                "Sessions",
                "Engaged sessions",
                "Engagement rate",
                "Key events",
                "Total revenue",
            ]
        )
        for i in range(2000):
            w.writerow(
                [
                    f"{day:%Y%m%d}",
                    f"source{i % 50} / medium{i % 7}",
                    "(not set)",
                    10 + i % 90,
                    5 + i % 40,
                    "0.5",
                    i % 3,
                    "0",
                ]
            )
    out.append(ga4)
    x = raw / "x" / f"account_analytics_content_{day:%Y-%m-%d}_{day:%Y-%m-%d}.csv"
    with x.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "Post id",
                "Date",
                "Post text",
                "Post Link",
                "Impressions",
                "Likes",
                "Engagements",
                "Bookmarks",
                "Shares",
                "New follows",
                "Replies",
                "Reposts",
                "Profile visits",
                "Detail Expands",
                "URL Clicks",
                "Hashtag Clicks",
                "Permalink Clicks",
            ]
        )
        for i in range(200):
            w.writerow(
                [
                    f"9{day:%Y%m%d}{i:05d}",
                    day.strftime("%a, %b %d, %Y"),
                    f"new post {i}",
                    f"https://x.com/acme/status/9{i}",
                    1000 + i,
                    10,
                    20,
                    1,
                    1,
                    0,
                    2,
                    3,
                    4,
                    5,
                    6,
                    0,
                    1,
                ]
            )
    out.append(x)
    return out


def run(scale: float, reps: int, work: Path, seed: int) -> dict:
    py = sys.executable
    dagster = str(Path(py).parent / "dagster")
    raw = work / "raw"
    stamp = work / f".generated_seed{seed}_scale{scale}"
    if not stamp.exists():
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        print(f"generating the sample at scale {scale} ...", flush=True)
        g = measure(
            [
                py,
                "-m",
                "pipeline.sample",
                "--out",
                str(raw),
                "--truth",
                str(work / "truth"),
                "--seed",
                str(seed),
                "--scale",
                str(scale),
            ],
            dict(os.environ),
            work / "logs" / "generate.log",
        )
        print(g["tail"].strip().splitlines()[1] if g["tail"] else "", flush=True)
        stamp.touch()
    files = csv_files(raw)
    size = sum(p.stat().st_size for p in raw.rglob("*") if p.is_file())
    print(f"{len(files)} CSV files, {size / 1e9:.2f} GB under {raw}", flush=True)

    def env_for(name: str) -> dict[str, str]:
        state = work / "state" / name
        return {
            **os.environ,
            "VF_RAW_DIR": str(raw),
            "VF_WAREHOUSE": str(state / "wh.duckdb"),
            "VF_MARTS_DIR": str(state / "marts"),
            "VF_KEY_FILE": str(work / "key"),
            "DAGSTER_HOME": str(state / "dagster_home"),
        }

    def fresh(name: str) -> dict[str, str]:
        env = env_for(name)
        shutil.rmtree(work / "state" / name, ignore_errors=True)
        Path(env["DAGSTER_HOME"]).mkdir(parents=True)
        shutil.copy(PROJECT_DIR / "dagster.yaml", Path(env["DAGSTER_HOME"]) / "dagster.yaml")
        return env

    job = [
        dagster,
        "job",
        "execute",
        "-m",
        "pipeline.definitions",
        "-j",
        "vanity_funnel",
        "-c",
        str(PROJECT_DIR / "run.yaml"),
    ]
    results: dict[str, list[dict]] = {"full": [], "incremental": [], "floor": [], "pandas": []}
    extra: list[Path] = []
    for i in range(reps):
        for p in extra:
            p.unlink(missing_ok=True)
        env = fresh("run")
        print(f"[{i + 1}/{reps}] full pipeline, cold ...", flush=True)
        results["full"].append(measure(job, env, log=work / "logs" / f"full_{i + 1}.log"))
        print(f"    {results['full'][-1]['seconds']:.1f} s", flush=True)
        extra = add_one_day(raw, date(2026, 11, 1) + timedelta(days=i))
        print(f"[{i + 1}/{reps}] incremental run after one new day ...", flush=True)
        results["incremental"].append(measure([py, "-m", "pipeline.ops.nightly"], env,
                                              log=work / "logs" / f"incremental_{i + 1}.log"))
        print(f"    {results['incremental'][-1]['seconds']:.1f} s", flush=True)
        for p in extra:
            p.unlink(missing_ok=True)
        extra = []
        print(f"[{i + 1}/{reps}] DuckDB scan floor ...", flush=True)
        results["floor"].append(measure([py, "-c", FLOOR, *map(str, files)], dict(os.environ),
                                        work / "logs" / f"floor_{i + 1}.log"))
        print(f"    {results['floor'][-1]['seconds']:.1f} s", flush=True)
        print(f"[{i + 1}/{reps}] pandas read_csv ...", flush=True)
        results["pandas"].append(measure([py, "-c", PANDAS, *map(str, files)], dict(os.environ),
                                         work / "logs" / f"pandas_{i + 1}.log"))
        print(f"    {results['pandas'][-1]['seconds']:.1f} s", flush=True)
    med = {
        k: {
            "seconds": statistics.median(r["seconds"] for r in v),
            "cpu_seconds": statistics.median(r["cpu_seconds"] for r in v),
            # the highest of the runs' peaks, not their median: the 4 GB budget is per run
            "peak_rss_gb": max(r["peak_rss_bytes"] for r in v) / 2**30,
            "runs": [round(r["seconds"], 2) for r in v],
            "cpu_runs": [round(r["cpu_seconds"], 2) for r in v],
        }
        for k, v in results.items()
    }
    report = {
        "scale": scale,
        "seed": seed,
        "repetitions": reps,
        "csv_files": len(files),
        "raw_bytes": size,
        "rows_floor": int(results["floor"][0]["tail"].strip() or 0),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "results": med,
        "ratios": {
            "full_over_floor": med["full"]["seconds"] / med["floor"]["seconds"],
            "full_over_pandas": med["full"]["seconds"] / med["pandas"]["seconds"],
            "incremental_over_full": med["incremental"]["seconds"] / med["full"]["seconds"],
        },
    }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 440)))
    parser.add_argument("--reps", type=int, default=int(os.environ.get("BENCH_REPS", 3)))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=PROJECT_DIR / "bench" / "work")
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "bench" / "results.json")
    args = parser.parse_args(argv)
    report = run(args.scale, args.reps, args.work, args.seed)
    print()
    for name, r in report["results"].items():
        print(
            f"{name:<12} median {r['seconds']:8.1f} s   CPU {r['cpu_seconds']:8.1f} s"
            f"   peak RSS {r['peak_rss_gb']:5.2f} GiB"
            f"   runs {r['runs']}"
        )
    for name, v in report["ratios"].items():
        print(f"{name:<24} {v:6.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
