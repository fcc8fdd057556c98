"""Deterministic, seeded sample data: marketing exports as downloaded, plus the planted truth.

`generate(out_dir, truth_dir, seed, scale, as_of)` writes every export format of
`shared/FORMATS.md` under `out_dir` and the answers (campaign archetypes, expected rejects,
personal data to grep for) under `truth_dir`. Run it with `python -m pipeline.sample`.
"""

from pipeline.sample.generate import ARCHETYPES, generate

__all__ = ["ARCHETYPES", "generate"]
