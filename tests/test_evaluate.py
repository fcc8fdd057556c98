"""make evaluate's scoring: precision, recall and F1 of the vanity verdict against the truth."""

import math

import pandas as pd

from pipeline.evaluate import score


def test_scores_count_hits_false_flags_and_misses():
    truth = pd.DataFrame({
        "campaign_id": ["A", "B", "C", "D", "E"],
        "archetype": ["vanity", "vanity", "converting", "too_early", "vanity"],
        "is_vanity": ["true", "true", "false", "false", "True"],
    })
    verdicts = pd.DataFrame({"campaign_id": ["A", "B", "C", "D", "E"],
                             "verdict": ["vanity", "converting", "vanity", "too_early",
                                         "vanity"]})
    s = score(verdicts, truth)
    assert (s["tp"], s["fp"], s["fn"]) == (2, 1, 1)
    assert s["precision"] == 2 / 3 and s["recall"] == 2 / 3
    assert math.isclose(s["f1"], 2 / 3)
    assert s["too_early"] == 1
    assert s["archetype_agreement"] == 3 / 5
    assert {m["campaign_id"] for m in s["misses"]} == {"B", "C"}


def test_a_campaign_without_a_verdict_counts_as_a_miss():
    truth = pd.DataFrame({"campaign_id": ["A"], "archetype": ["vanity"], "is_vanity": ["true"]})
    s = score(pd.DataFrame({"campaign_id": [], "verdict": []}), truth)
    assert (s["tp"], s["fn"]) == (0, 1) and s["f1"] == 0.0
