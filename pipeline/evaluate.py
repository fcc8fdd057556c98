"""`make evaluate`: run the whole pipeline on generated portfolios and score the verdicts.

For each seed and scale the sample generator plants campaigns of known archetypes (the truth is
written outside the raw folder); the pipeline runs end to end as it would for a user (the
Dagster job, in process, on temporary folders), and the `vanity` verdicts are compared with the
planted truth: precision, recall and F1, plus how many too_early / insufficient_data verdicts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

DEFAULT_RUNS = [(7, 1.0), (11, 1.0), (23, 1.0), (5, 2.0), (42, 3.0)]


def run_pipeline(raw: Path, work: Path) -> Path:
    """Materialise the whole job on `raw`; returns the published marts.duckdb."""
    os.environ.update(
        {
            "VF_RAW_DIR": str(raw),
            "VF_WAREHOUSE": str(work / "wh/warehouse.duckdb"),
            "VF_MARTS_DIR": str(work / "marts"),
            "VF_KEY_FILE": str(work / "key"),
        }
    )
    from pipeline.definitions import defs

    result = defs.resolve_job_def("vanity_funnel").execute_in_process(raise_on_error=False)
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        raise RuntimeError(f"pipeline run failed at {failed}")
    return work / "marts" / "marts.duckdb"


def score(verdicts: pd.DataFrame, truth: pd.DataFrame) -> dict:
    merged = truth.merge(verdicts, on="campaign_id", how="left")
    planted = merged["is_vanity"].astype(str).str.lower().isin(["true", "1"])
    flagged = merged["verdict"].eq("vanity")
    tp = int((planted & flagged).sum())
    fp = int((~planted & flagged).sum())
    fn = int((planted & ~flagged).sum())
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    agree = (merged["verdict"] == merged["archetype"]).mean()
    return {
        "campaigns": len(merged),
        "planted_vanity": int(planted.sum()),
        "flagged_vanity": int(flagged.sum()),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "too_early": int(merged["verdict"].eq("too_early").sum()),
        "insufficient_data": int(merged["verdict"].eq("insufficient_data").sum()),
        "archetype_agreement": float(agree),
        "misses": merged.loc[
            (planted != flagged) | (merged["verdict"] != merged["archetype"]),
            ["campaign_id", "archetype", "verdict"],
        ].to_dict("records"),
    }


def evaluate(runs: list[tuple[int, float]], keep: Path | None = None) -> list[dict]:
    from pipeline.sample.generate import generate

    results = []
    for seed, scale in runs:
        with tempfile.TemporaryDirectory(prefix=f"vf-eval-{seed}-") as tmp:
            work = keep / f"seed{seed}_scale{scale}" if keep else Path(tmp)
            raw, truth_dir = work / "raw", work / "truth"
            started = time.perf_counter()
            generate(raw, truth_dir, seed=seed, scale=scale)
            marts = run_pipeline(raw, work)
            con = duckdb.connect(str(marts), read_only=True)
            verdicts = con.execute(
                "SELECT campaign_id, verdict FROM campaign_verdicts WHERE level = 'campaign'"
            ).df()
            con.close()
            truth = pd.read_csv(truth_dir / "campaigns.csv", dtype={"campaign_id": str})
            r = {
                "seed": seed,
                "scale": scale,
                **score(verdicts, truth),
                "seconds": round(time.perf_counter() - started, 1),
            }
            results.append(r)
            print(
                f"seed {seed:>3} scale {scale:>4}: precision {r['precision']:.2f} recall "
                f"{r['recall']:.2f} F1 {r['f1']:.2f} ({r['tp']} TP, {r['fp']} FP, {r['fn']} FN "
                f"of {r['planted_vanity']} planted); too_early {r['too_early']}, "
                f"insufficient_data {r['insufficient_data']}; all six verdicts agree with "
                f"the archetype for {r['archetype_agreement']:.0%} ({r['seconds']}s)",
                flush=True,
            )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs",
        default=",".join(f"{s}:{c}" for s, c in DEFAULT_RUNS),
        help="seed:scale pairs, comma separated",
    )
    parser.add_argument("--out", type=Path, default=Path("data/evaluation.json"))
    parser.add_argument("--keep", type=Path, default=None, help="keep each run's folders here")
    args = parser.parse_args(argv)
    runs = [(int(s), float(c)) for s, c in (p.split(":") for p in args.runs.split(","))]
    results = evaluate(runs, args.keep)
    tp, fp, fn = (sum(r[k] for r in results) for k in ("tp", "fp", "fn"))
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    print(
        f"\nOverall over {len(results)} portfolios: precision {precision:.2f}, recall "
        f"{recall:.2f}, F1 {f1:.2f} ({tp} TP, {fp} FP, {fn} FN)"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {"runs": results, "precision": precision, "recall": recall, "f1": f1},
            indent=2,
            default=str,
        )
    )
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
