"""Vanity-verdict statistics, checked against numbers computed by hand or independently."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from pipeline.verdicts.stats import (
    OUTPUT_COLUMNS,
    GammaPrior,
    assess,
    fit_gamma_prior,
    nb_log_likelihood,
    percentile_rank,
    posterior_summary,
    sentence,
)
from pipeline.verdicts.thresholds import VerdictThresholds

AS_OF = dt.date(2024, 6, 30)
ENDED = dt.date(2024, 3, 31)  # long past any attribution window

# A portfolio converting at ~8 leads per 1,000 engagements: (campaign_id, engagements, leads).
NORMAL = [
    ("c01", 12_000, 95),
    ("c02", 18_000, 150),
    ("c03", 25_000, 190),
    ("c04", 9_000, 80),
    ("c05", 30_000, 230),
    ("c06", 15_000, 128),
    ("c07", 40_000, 330),
    ("c08", 7_000, 52),
    ("c09", 22_000, 170),
    ("c10", 35_000, 290),
    ("c11", 11_000, 86),
    ("c12", 60_000, 470),
]
EXTRA = [
    # id, engagements, leads, end_date
    ("viral", 200_000, 20, ENDED),  # huge reach, almost no leads
    ("small", 800, 15, ENDED),  # small but converts very well
    ("weak", 5_000, 10, ENDED),  # small and converts poorly
    ("lowexp", 550, 0, ENDED),  # above min_engagements, < 3 leads expected at the baseline
    ("recent", 50_000, 5, AS_OF - dt.timedelta(days=3)),  # looks like vanity, window open
    ("tiny", 40, 0, ENDED),
    ("zero", 0, 2, ENDED),
    ("noend", 5_000, 10, None),
]
# Mature with >= 500 engagements: the campaigns the portfolio numbers are fitted on.
REFERENCE_IDS = [cid for cid, *_ in NORMAL] + ["viral", "small", "weak", "lowexp"]


def _row(cid, engagements, leads, end=ENDED, **extra):
    return {
        "campaign_id": cid,
        "campaign_name": f"Campaign {cid}",
        "end_date": end,
        "engagements": engagements,
        "conversions": leads,
        "attribution_model": "last_touch",
        **extra,
    }


def portfolio() -> pd.DataFrame:
    rows = [_row(cid, e, c) for cid, e, c in NORMAL]
    rows += [_row(cid, e, c, end) for cid, e, c, end in EXTRA]
    return pd.DataFrame(rows)


def by_id(out: pd.DataFrame) -> pd.DataFrame:
    return out.set_index("campaign_id")


@pytest.fixture(scope="module")
def result() -> pd.DataFrame:
    return by_id(assess(portfolio(), VerdictThresholds(), AS_OF))


def hand_baseline() -> float:
    """Pooled leads per engagement of the reference campaigns, computed from the lists above."""
    counts = {cid: (e, c) for cid, e, c in NORMAL}
    counts |= {cid: (e, c) for cid, e, c, _ in EXTRA}
    return sum(counts[i][1] for i in REFERENCE_IDS) / sum(counts[i][0] for i in REFERENCE_IDS)


# --------------------------------------------------------------------------- thresholds
def test_threshold_defaults_and_round_trip():
    t = VerdictThresholds()
    assert t.as_dict() == {
        "engagement_percentile": 0.5,
        "baseline_fraction": 0.5,
        "confidence": 0.9,
        "attribution_window_days": 14,
        "min_engagements": 500,
        "min_expected_conversions": 3.0,
        "credible_interval": 0.9,
        "rate_per": 1000,
    }
    assert VerdictThresholds.from_mapping(t.as_dict()) == t
    assert VerdictThresholds.from_mapping(None) == t
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.confidence = 0.5  # type: ignore[misc]


def test_from_mapping_overrides_only_given_fields_and_coerces():
    t = VerdictThresholds.from_mapping(
        {"confidence": "0.95", "attribution_window_days": 7.0, "rate_per": np.int64(100)}
    )
    assert t.confidence == 0.95
    assert t.attribution_window_days == 7 and isinstance(t.attribution_window_days, int)
    assert t.rate_per == 100 and isinstance(t.rate_per, int)
    assert t.baseline_fraction == 0.5  # untouched default


def test_from_mapping_rejects_unknown_key_naming_it():
    with pytest.raises(ValueError, match="'confidance'") as err:
        VerdictThresholds.from_mapping({"confidance": 0.95})
    assert "confidence" in str(err.value)  # lists the known names, to spot the typo


@pytest.mark.parametrize(
    "key, value",
    [
        ("confidence", 1.0),
        ("confidence", 0),
        ("confidence", "very"),
        ("confidence", True),
        ("engagement_percentile", 1.2),
        ("baseline_fraction", 0.0),
        ("attribution_window_days", -1),
        ("attribution_window_days", 1.5),
        ("min_engagements", None),
        ("min_expected_conversions", float("nan")),
        ("credible_interval", 1.0),
        ("rate_per", 0),
    ],
)
def test_from_mapping_rejects_bad_values_naming_the_key(key, value):
    with pytest.raises(ValueError, match=f"'{key}'"):
        VerdictThresholds.from_mapping({key: value})


def test_direct_construction_is_validated_too():
    with pytest.raises(ValueError, match="'baseline_fraction'"):
        VerdictThresholds(baseline_fraction=2.0)


# --------------------------------------------------------------------------- likelihood and fit
def test_nb_log_likelihood_equals_scipy_negative_binomial():
    c = np.array([0, 3, 17, 120])
    e = np.array([900.0, 2_000.0, 5_000.0, 14_000.0])
    alpha, beta = 1.7, 240.0
    expected = sps.nbinom.logpmf(c, alpha, beta / (beta + e)).sum()
    assert nb_log_likelihood(alpha, beta, c, e) == pytest.approx(expected, rel=1e-12)


def test_nb_log_likelihood_fractional_counts_by_hand():
    # linear attribution gives fractional leads; the gammaln form extends to them
    alpha, beta, c, e = 2.0, 300.0, 2.5, 1_000.0
    by_hand = (
        math.lgamma(alpha + c)
        - math.lgamma(alpha)
        - math.lgamma(c + 1)
        + alpha * math.log(beta / (beta + e))
        + c * math.log(e / (beta + e))
    )
    assert nb_log_likelihood(alpha, beta, [c], [e]) == pytest.approx(by_hand, rel=1e-12)
    # zero exposure: impossible with leads, certain without
    assert nb_log_likelihood(alpha, beta, [0], [0]) == 0.0
    assert nb_log_likelihood(alpha, beta, [1], [0]) == -math.inf


def _simulate(seed: int, n: int, alpha: float, beta: float):
    rng = np.random.default_rng(seed)
    e = np.round(np.exp(rng.uniform(np.log(2_000), np.log(100_000), n)))
    lam = rng.gamma(alpha, 1.0 / beta, n)
    return rng.poisson(e * lam), e


def test_fit_recovers_known_prior_from_simulated_portfolio():
    true_alpha, true_beta = 2.0, 250.0  # mean 8 leads per 1,000 engagements
    c, e = _simulate(20240630, 500, true_alpha, true_beta)
    prior = fit_gamma_prior(c, e)
    assert prior.method == "empirical_bayes"
    assert prior.n_campaigns == 500
    assert prior.alpha == pytest.approx(true_alpha, rel=0.15)
    assert prior.beta == pytest.approx(true_beta, rel=0.15)
    assert prior.mean == pytest.approx(true_alpha / true_beta, rel=0.05)
    # it is the maximum: no nearby point (nor the truth) has a higher marginal likelihood
    best = nb_log_likelihood(prior.alpha, prior.beta, c, e)
    assert best >= nb_log_likelihood(true_alpha, true_beta, c, e)
    for fa, fb in [(1.05, 1.0), (0.95, 1.0), (1.0, 1.05), (1.0, 0.95), (1.05, 1.05), (0.95, 0.95)]:
        assert best > nb_log_likelihood(prior.alpha * fa, prior.beta * fb, c, e)


def test_fit_without_overdispersion_is_capped_at_one_median_campaign():
    rng = np.random.default_rng(11)
    e = np.round(np.exp(rng.uniform(np.log(2_000), np.log(100_000), 30)))
    c = rng.poisson(e * 0.008)  # every campaign has the same true rate
    prior = fit_gamma_prior(c, e)
    assert prior.method == "empirical_bayes_capped"
    assert prior.beta == pytest.approx(np.median(e))
    assert prior.mean == pytest.approx(c.sum() / e.sum(), rel=0.01)
    assert np.isfinite(prior.alpha) and prior.alpha < 1_000


def test_fit_falls_back_to_weak_prior_on_pooled_rate_with_few_campaigns():
    prior = fit_gamma_prior([8, 30], [1_000, 3_000])
    assert prior.method == "fallback_few_campaigns"
    assert prior.mean == pytest.approx(38 / 4_000)
    assert prior.alpha == pytest.approx(1.0)  # one pseudo-lead: weak


def test_fit_edge_cases():
    none = fit_gamma_prior([], [])
    assert none.method == "none" and math.isnan(none.alpha) and math.isnan(none.beta)
    no_leads = fit_gamma_prior([0, 0, 0, 0], [1_000, 2_000, 3_000, 4_000])
    assert no_leads.method == "fallback_no_conversions"
    assert no_leads.alpha > 0 and no_leads.beta > 0
    # zero-exposure campaigns are ignored rather than counted
    assert fit_gamma_prior([8, 30, 0], [1_000, 3_000, 0]).n_campaigns == 2
    with pytest.raises(ValueError, match="non-negative"):
        fit_gamma_prior([-1, 2, 3], [100, 200, 300])


# --------------------------------------------------------------------------- posterior
def _erlang_cdf(x: float, shape: int, rate: float) -> float:
    """P(Gamma(shape, rate) <= x) for whole shape: P(Poisson(rate * x) >= shape)."""
    mu = rate * x
    return 1.0 - sum(math.exp(-mu) * mu**k / math.factorial(k) for k in range(shape))


def test_posterior_summary_against_erlang_formula_by_hand():
    prior = GammaPrior(alpha=2.0, beta=300.0, method="test")
    baseline = 0.008  # per engagement
    out = posterior_summary(prior, [3], [1_000], baseline, VerdictThresholds())
    # posterior Gamma(2 + 3, 300 + 1000) = Gamma(5, 1300)
    assert out["posterior_mean_rate"][0] == pytest.approx(5 / 1300 * 1000, rel=1e-12)
    assert out["prob_below_threshold"][0] == pytest.approx(
        _erlang_cdf(0.5 * baseline, 5, 1300.0), rel=1e-10
    )
    assert out["prob_above_baseline"][0] == pytest.approx(
        1 - _erlang_cdf(baseline, 5, 1300.0), rel=1e-10
    )
    # 90% equal-tailed interval: 5% of the mass below rate_low, 5% above rate_high
    assert _erlang_cdf(out["rate_low"][0] / 1000, 5, 1300.0) == pytest.approx(0.05, abs=1e-9)
    assert _erlang_cdf(out["rate_high"][0] / 1000, 5, 1300.0) == pytest.approx(0.95, abs=1e-9)


def test_posterior_summary_respects_fraction_interval_and_rate_per():
    prior = GammaPrior(alpha=1.5, beta=200.0, method="test")
    t = VerdictThresholds(baseline_fraction=0.3, credible_interval=0.8, rate_per=100)
    out = posterior_summary(prior, [12], [4_000], 0.006, t)
    post = sps.gamma(1.5 + 12, scale=1 / 4_200)
    assert out["prob_below_threshold"][0] == pytest.approx(post.cdf(0.3 * 0.006))
    assert out["rate_low"][0] == pytest.approx(post.ppf(0.1) * 100)
    assert out["rate_high"][0] == pytest.approx(post.ppf(0.9) * 100)
    assert out["posterior_mean_rate"][0] == pytest.approx(13.5 / 4_200 * 100)


def test_posterior_summary_is_nan_without_exposure():
    prior = GammaPrior(alpha=2.0, beta=300.0, method="test")
    out = posterior_summary(prior, [2, np.nan], [0, 1_000], 0.008)
    for values in out.values():
        assert np.isnan(values).all()


def test_percentile_rank_is_the_mid_rank():
    ranks = percentile_rank([5, 10, 25, 40, 50, np.nan], [40, 10, 30, 20])
    np.testing.assert_allclose(ranks[:5], [0.0, 0.125, 0.5, 0.875, 1.0])
    assert np.isnan(ranks[5])
    assert percentile_rank([10], [10, 10, 20])[0] == pytest.approx(1 / 3)  # ties share
    assert np.isnan(percentile_rank([10], [])).all()


# --------------------------------------------------------------------------- assess
def test_output_shape_columns_and_order():
    frame = portfolio()
    frame.index = frame.index + 100  # the caller's index is kept
    out = assess(frame, None, AS_OF)
    assert len(out) == len(frame)
    assert list(out.index) == list(frame.index)
    assert list(out["campaign_id"]) == list(frame["campaign_id"])
    assert list(out.columns[-len(OUTPUT_COLUMNS) :]) == list(OUTPUT_COLUMNS)
    assert out["platform"].isna().all()  # campaign level: platform added as NULL
    assert set(out["verdict"]) <= {
        "vanity",
        "converting",
        "efficient",
        "underperforming",
        "too_early",
        "insufficient_data",
    }
    assert json.loads(out["thresholds"].iloc[0]) == VerdictThresholds().as_dict()
    assert (out["as_of"] == AS_OF).all()


def test_viral_campaign_with_few_leads_is_vanity(result):
    viral = result.loc["viral"]
    assert viral["verdict"] == "vanity"
    assert bool(viral["is_high_engagement"])
    # the evidence, recomputed independently from the hand-computed baseline and the prior
    baseline = hand_baseline()
    assert viral["baseline_rate"] == pytest.approx(baseline * 1000)
    p = sps.gamma.cdf(
        0.5 * baseline, viral["prior_alpha"] + 20, scale=1 / (viral["prior_beta"] + 200_000)
    )
    assert viral["prob_below_threshold"] == pytest.approx(p)
    assert viral["prob_below_threshold"] >= 0.9
    assert viral["rate"] == pytest.approx(0.1)
    assert viral["reason"].startswith("200,000 engagements, 20 leads; the portfolio converts")
    assert "probability this campaign converts below half of that" in viral["reason"]


def test_normal_campaigns_are_not_vanity(result):
    normal = result.loc[[cid for cid, *_ in NORMAL]]
    assert set(normal["verdict"]) <= {"converting", "efficient"}
    assert (normal["prob_below_threshold"] < 0.01).all()


def test_small_high_converting_campaign_is_efficient(result):
    small = result.loc["small"]
    assert small["verdict"] == "efficient"
    assert not bool(small["is_high_engagement"])
    assert small["posterior_mean_rate"] >= small["baseline_rate"]
    # shrunk towards the portfolio: between the baseline and its raw 18.75 per 1,000
    assert small["posterior_mean_rate"] < small["rate"] == pytest.approx(18.75)


def test_small_low_converting_campaign_is_underperforming(result):
    weak = result.loc["weak"]
    assert weak["verdict"] == "underperforming"
    assert weak["posterior_mean_rate"] < weak["baseline_rate"]
    assert weak["prob_above_baseline"] < 0.5


@pytest.mark.parametrize(
    "leads, verdict",
    [
        (16, "efficient"),  # posterior mean above the baseline, far from certain (P ~ 70%)
        (14, "efficient"),  # raw rate just below the baseline, shrunk to just above it
        (13, "underperforming"),  # posterior mean below the baseline (P above ~ 40%)
    ],
)
def test_low_engagement_split_on_posterior_mean_against_baseline(leads, verdict):
    frame = pd.concat([portfolio(), pd.DataFrame([_row("edge", 3_000, leads)])])
    edge = by_id(assess(frame, None, AS_OF)).loc["edge"]
    assert not bool(edge["is_high_engagement"])
    assert 0.3 < edge["prob_above_baseline"] < 0.8  # a close call either way
    assert (edge["posterior_mean_rate"] >= edge["baseline_rate"]) == (verdict == "efficient")
    assert edge["verdict"] == verdict


def test_campaign_within_attribution_window_is_too_early(result):
    recent = result.loc["recent"]  # ended 3 days before as_of, 14-day window
    assert recent["verdict"] == "too_early"
    assert not recent["is_mature"] and not recent["is_reference"]
    assert recent["attribution_window_closes"] == AS_OF + dt.timedelta(days=11)
    assert "too early" in recent["reason"]
    # the same numbers once the window has closed: flagged
    later = by_id(assess(portfolio(), None, AS_OF + dt.timedelta(days=11)))
    assert later.loc["recent", "verdict"] == "vanity"
    # the boundary: window closes on as_of exactly -> mature
    assert later.loc["recent", "is_mature"]
    assert (
        by_id(assess(portfolio(), None, AS_OF + dt.timedelta(days=10))).loc["recent", "verdict"]
        == "too_early"
    )


def test_campaign_without_end_date_is_too_early(result):
    assert result.loc["noend", "verdict"] == "too_early"
    assert "no end date" in result.loc["noend", "reason"]


def test_tiny_campaign_is_insufficient_data(result):
    tiny = result.loc["tiny"]  # 40 engagements
    assert tiny["verdict"] == "insufficient_data"
    assert tiny["reason"] == (
        "40 engagements, 0 leads; at least 500 engagements are needed to judge a campaign."
    )


def test_too_few_expected_leads_is_insufficient_data(result):
    lowexp = result.loc["lowexp"]  # 550 engagements x ~4.8 per 1,000 = 2.6 expected leads < 3
    assert lowexp["expected_conversions"] == pytest.approx(550 * hand_baseline())
    assert lowexp["expected_conversions"] < 3
    assert lowexp["verdict"] == "insufficient_data"
    relaxed = by_id(assess(portfolio(), {"min_expected_conversions": 2}, AS_OF))
    assert relaxed.loc["lowexp", "verdict"] != "insufficient_data"


def test_zero_engagements_give_null_rates_not_zero_or_infinity(result):
    zero = result.loc["zero"]  # 0 engagements, 2 leads
    assert zero["verdict"] == "insufficient_data"
    for col in (
        "rate",
        "posterior_mean_rate",
        "rate_low",
        "rate_high",
        "prob_below_threshold",
        "prob_above_baseline",
    ):
        assert pd.isna(zero[col]), col
    # and they reach DuckDB as NULL
    duckdb = pytest.importorskip("duckdb")
    frame = result.reset_index()  # noqa: F841 - read by DuckDB's replacement scan
    nulls = duckdb.sql(
        "select rate is null, posterior_mean_rate is null, isinf(coalesce(rate, 0)) "
        "from frame where campaign_id = 'zero'"
    ).fetchall()
    assert nulls == [(True, True, False)]


def test_unknown_counts_are_insufficient_data():
    frame = portfolio()
    frame["engagements"] = frame["engagements"].astype("float64")
    frame.loc[frame["campaign_id"] == "c01", "engagements"] = np.nan
    out = by_id(assess(frame, None, AS_OF))
    assert out.loc["c01", "verdict"] == "insufficient_data"
    assert not out.loc["c01", "is_reference"]
    assert pd.isna(out.loc["c01", "rate"]) and pd.isna(out.loc["c01", "posterior_mean_rate"])


def test_tiny_and_immature_campaigns_do_not_move_the_portfolio_numbers(result):
    assert sorted(result.index[result["is_reference"]]) == sorted(REFERENCE_IDS)
    frame = portfolio()
    crowd = [_row(f"t{i:02d}", 100 + i, 0) for i in range(40)]  # mature but tiny
    crowd.append(_row("fresh", 900_000, 0, AS_OF))  # enormous, still in its window
    out = by_id(assess(pd.concat([frame, pd.DataFrame(crowd)], ignore_index=True), None, AS_OF))
    cols = [
        "engagement_percentile_rank",
        "is_high_engagement",
        "baseline_rate",
        "posterior_mean_rate",
        "prob_below_threshold",
        "verdict",
        "prior_alpha",
        "prior_beta",
    ]
    pd.testing.assert_frame_equal(out.loc[result.index, cols], result[cols])
    # and the prior is the fit on exactly the reference campaigns
    ref = result.loc[REFERENCE_IDS]
    prior = fit_gamma_prior(ref["conversions"], ref["engagements"])
    assert result["prior_alpha"].iloc[0] == pytest.approx(prior.alpha)
    assert result["prior_beta"].iloc[0] == pytest.approx(prior.beta)
    assert result["prior_method"].iloc[0] == prior.method == "empirical_bayes"


def test_high_engagement_follows_the_percentile(result):
    ref = result[result["is_reference"]]
    expected = ref["engagements"].rank(method="average").sub(0.5).div(len(ref))
    np.testing.assert_allclose(ref["engagement_percentile_rank"], expected)
    np.testing.assert_array_equal(
        ref["is_high_engagement"].astype(bool), ref["engagement_percentile_rank"] >= 0.5
    )
    # 50,000 is above 14 of the 16 reference campaigns (below c12 at 60,000 and viral)
    assert result.loc["recent", "engagement_percentile_rank"] == pytest.approx(14 / 16)


@pytest.mark.parametrize(
    "override, campaign, before, after",
    [
        # nobody reaches the 100th percentile: the viral campaign is no longer "high"
        ({"engagement_percentile": 1.0}, "viral", "vanity", "underperforming"),
        # 0.1 leads per 1,000 is not credibly below 1% of a ~4.8 baseline
        ({"baseline_fraction": 0.01}, "viral", "vanity", "converting"),
        # a 2-day window has closed for the campaign that ended 3 days ago
        ({"attribution_window_days": 2}, "recent", "too_early", "vanity"),
        # 800 engagements no longer count as enough volume
        ({"min_engagements": 1_000}, "small", "efficient", "insufficient_data"),
    ],
)
def test_threshold_overrides_change_verdicts(result, override, campaign, before, after):
    assert result.loc[campaign, "verdict"] == before
    out = by_id(assess(portfolio(), VerdictThresholds.from_mapping(override), AS_OF))
    assert out.loc[campaign, "verdict"] == after
    assert json.loads(out.loc[campaign, "thresholds"])[next(iter(override))] == next(
        iter(override.values())
    )


def test_confidence_threshold_is_applied():
    # a high-engagement campaign whose evidence is moderate: vanity at 90%, not at 99.99%
    frame = portfolio()
    frame.loc[frame["campaign_id"] == "c12", "conversions"] = 100  # 1.7 per 1,000 at 60,000
    out = by_id(assess(frame, None, AS_OF))
    p = out.loc["c12", "prob_below_threshold"]
    assert 0.9 <= p < 0.9999
    assert out.loc["c12", "verdict"] == "vanity"
    strict = by_id(assess(frame, {"confidence": 0.9999}, AS_OF))
    assert strict.loc["c12", "verdict"] == "converting"
    assert "needed to call it vanity" in strict.loc["c12", "reason"]


def test_raw_ratio_below_the_threshold_is_not_enough():
    # 110 leads from 60,000: raw rate below half the baseline, but not credibly (P ~ 80% < 90%)
    frame = portfolio()
    frame.loc[frame["campaign_id"] == "c12", "conversions"] = 110
    c12 = by_id(assess(frame, None, AS_OF)).loc["c12"]
    assert c12["rate"] < 0.5 * c12["baseline_rate"]
    assert 0.5 < c12["prob_below_threshold"] < 0.9
    assert c12["verdict"] == "converting"


def test_rate_per_only_rescales(result):
    out = by_id(assess(portfolio(), {"rate_per": 100}, AS_OF))
    assert (out["verdict"] == result["verdict"]).all()
    np.testing.assert_allclose(out["baseline_rate"], result["baseline_rate"] / 10)
    np.testing.assert_allclose(
        out["posterior_mean_rate"], result["posterior_mean_rate"] / 10, equal_nan=True
    )
    assert "per 100;" in out.loc["viral", "reason"]


def test_campaign_by_platform_level_and_fractional_leads():
    rows = []
    for cid, e, c in NORMAL:
        rows.append(_row(cid, e * 0.6, c * 0.6, platform="linkedin", attribution_model="linear"))
        rows.append(_row(cid, e * 0.4, c * 0.4, platform="tiktok", attribution_model="linear"))
    rows.append(_row("viral", 200_000, 20.5, platform="tiktok", attribution_model="linear"))
    frame = pd.DataFrame(rows)
    out = assess(frame, None, AS_OF)
    assert len(out) == len(frame)
    viral = out[out["campaign_id"] == "viral"].iloc[0]
    assert viral["platform"] == "tiktok"
    assert viral["verdict"] == "vanity"
    assert viral["reason"].startswith("200,000 engagements, 20.5 leads;")


def test_invalid_input_is_rejected():
    frame = portfolio()
    with pytest.raises(ValueError, match="duplicate"):
        assess(pd.concat([frame, frame.iloc[[0]]]), None, AS_OF)
    mixed = frame.copy()
    mixed.loc[0, "attribution_model"] = "first_touch"
    with pytest.raises(ValueError, match="attribution models"):
        assess(mixed, None, AS_OF)
    with pytest.raises(ValueError, match="end_date"):
        assess(frame.drop(columns=["end_date"]), None, AS_OF)
    negative = frame.copy()
    negative.loc[0, "conversions"] = -1
    with pytest.raises(ValueError, match="'conversions'"):
        assess(negative, None, AS_OF)
    with pytest.raises(ValueError, match="'bogus'"):
        assess(frame, {"bogus": 1}, AS_OF)


def test_empty_frame_gives_empty_result():
    out = assess(portfolio().iloc[0:0], None, AS_OF)
    assert len(out) == 0
    assert list(out.columns[-len(OUTPUT_COLUMNS) :]) == list(OUTPUT_COLUMNS)


# --------------------------------------------------------------------------- sentences
EXAMPLE = {
    "verdict": "vanity",
    "engagements": 12_400,
    "conversions": 3,
    "baseline_rate": 9.1,
    "posterior_mean_rate": 0.9,
    "prob_below_threshold": 0.973,
    "prob_above_baseline": 0.0001,
    "thresholds": json.dumps(VerdictThresholds().as_dict()),
}


def test_sentence_english_example_from_the_design():
    assert sentence(EXAMPLE) == (
        "12,400 engagements, 3 leads; the portfolio converts 9.1 per 1,000; "
        "97% probability this campaign converts below half of that."
    )


def test_sentence_italian_number_formatting():
    assert sentence(EXAMPLE, lang="it") == (
        "12.400 interazioni, 3 lead; il portafoglio converte 9,1 ogni 1.000; "
        "97% di probabilità che questa campagna converta meno della metà."
    )


def test_sentence_probability_is_rounded_down_and_fraction_follows_thresholds():
    row = EXAMPLE | {
        "prob_below_threshold": 0.8996,
        "thresholds": json.dumps({"baseline_fraction": 0.3}),
    }
    assert sentence(row).endswith("89% probability this campaign converts below 30% of that.")
    assert sentence(EXAMPLE | {"prob_below_threshold": 0.99999}).startswith(
        "12,400 engagements, 3 leads; the portfolio converts 9.1 per 1,000; >99% probability"
    )


def test_sentence_italian_dates_and_reasons(result):
    recent = result.loc["recent"].to_dict()
    assert "il 27 giugno 2024" in sentence(recent, "it")
    assert "fino all'11 luglio 2024" in sentence(recent, "it")
    assert "ended on 27 June 2024" in sentence(recent, "en")
    assert sentence(result.loc["zero"].to_dict(), "it") == (
        "Nessuna interazione registrata (2 lead): non c'è un tasso da giudicare."
    )
    with pytest.raises(ValueError, match="'fr'"):
        sentence(recent, "fr")


def test_every_reason_is_one_sentence(result):
    for cid, row in result.iterrows():
        for lang in ("en", "it"):
            text = sentence(row, lang)
            assert text.endswith(".") and text.count(". ") == 0, (cid, text)
            assert not re.search(r"\b(nan|inf|n/a)\b", text, re.I), (cid, text)
        assert row["reason"] == sentence(row, "en")
