"""Vanity verdicts: the statistics, as pure functions (no I/O, no Dagster, no clock).

The question
------------
A campaign is *vanity* when its engagement is high for this portfolio but the leads it produces
per engagement are credibly far below the portfolio's. "Credibly" is a probability statement, so
leads are modelled as the counts they are.

The model
---------
For campaign *i* with ``e_i`` engagements and ``c_i`` conversions (leads)::

    c_i    ~ Poisson(e_i * lambda_i)          lambda_i = leads per engagement
    lambda_i ~ Gamma(alpha, beta)             shape alpha, rate beta (mean alpha / beta)

Integrating ``lambda_i`` out gives a negative-binomial marginal for ``c_i``; ``alpha`` and
``beta`` are fitted by maximising that marginal likelihood over the portfolio's *reference*
campaigns (empirical Bayes, :func:`fit_gamma_prior`). The posterior of each campaign's rate is then
``Gamma(alpha + c_i, beta + e_i)`` (conjugacy), from which come the posterior mean, the
equal-tailed credible interval and the probabilities the verdict uses (:func:`posterior_summary`).

Fractional conversions (linear or position-based attribution splits one lead over several
campaigns) are accepted: the Gamma posterior and the ``gammaln`` form of the likelihood are defined
for real, non-negative counts.

The reference set
-----------------
The portfolio's percentile, prior and baseline are computed on the *reference campaigns* only:
mature (attribution window closed, see below) with at least ``min_engagements`` engagements.
Campaigns still in their window would pull the baseline down (their leads have not all arrived);
mature-but-tiny campaigns would crowd the percentile (making every real campaign look "high") and
add noise, or junk such as test campaigns, to the prior. Every campaign, reference or not, is then
*scored* against those reference numbers.

The baseline
------------
The baseline is the pooled rate of the reference campaigns, ``sum(c) / sum(e)``: "the portfolio
converts 9.1 leads per 1,000 engagements". It is the number a marketer would compute from the
totals, it weighs each engagement equally, and it is one number for the whole portfolio so every
verdict sentence can quote it. Its known weakness: one huge campaign pulls the baseline towards its
own rate. For a huge *low* converter (the typical vanity case) that lowers the baseline it is
judged against, which makes the vanity flag harder to earn, i.e. conservative, never the other way
round. (The prior mean ``alpha / beta`` is the campaign-weighted alternative; it is reported via
``prior_alpha`` / ``prior_beta`` but not used as the baseline.)

Verdicts (first rule that applies)
----------------------------------
1. ``too_early`` - ``end_date + attribution_window_days > as_of``, or no end date (a running
   campaign). Leads lag engagement; judging before the window closes would flag every recent
   campaign. Never flagged, whatever its numbers.
2. ``insufficient_data`` - engagements or leads unknown, zero engagements, fewer than
   ``min_engagements`` engagements, or fewer than ``min_expected_conversions`` leads expected at the
   baseline rate (``baseline * e``). With, say, 2 expected leads, seeing 0 is unremarkable
   (Poisson P(0) = 14%), so no verdict either way would carry information. Also issued when the
   portfolio has no reference campaign at all (no baseline to compare with).
3. ``vanity`` - high engagement (percentile rank >= ``engagement_percentile``) and
   ``P(lambda_i < baseline_fraction * baseline | data) >= confidence``.
4. ``converting`` - high engagement otherwise (including "below the baseline but not credibly far
   below": the flag needs evidence, not a raw ratio).
5. ``efficient`` - low engagement and posterior mean >= baseline, or
   ``P(lambda_i > baseline) >= 0.5``. (For a Gamma posterior the mean exceeds the median, so the
   second condition implies the first; both are kept to match the stated rule.) The posterior mean
   rather than the raw rate is used so that 2 leads from 300 engagements do not make a campaign
   "efficient": the prior shrinks small campaigns towards the portfolio.
6. ``underperforming`` - low engagement otherwise.

Percentile rank
---------------
``engagement_percentile_rank`` is the mid-rank of the campaign's engagements among the reference
campaigns: (number below + half the number equal) / number of reference campaigns, in 0-1. With
ten distinct reference campaigns the ranks are 0.05, 0.15, ..., 0.95, so the default threshold 0.5
marks exactly the busier five as high engagement; ties are treated alike. Non-reference campaigns
are ranked against the reference set too (a too-early campaign above all of them has rank 1).

Missing values
--------------
Rates over zero volume are NaN (NULL in DuckDB), never 0 or infinity: ``rate`` when engagements
are 0, and every posterior column when engagements are 0 or unknown (with no engagements the
posterior is the prior, which says nothing about the campaign). Output rate and probability columns
are float64 with NaN for NULL; DuckDB reads NaN from a pandas float64 column as NULL.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special
from scipy import stats as sps

from pipeline.formatting import MONTHS, fmt_count, fmt_date, fmt_num, fmt_rate
from pipeline.verdicts.thresholds import VerdictThresholds

__all__ = [
    "GammaPrior",
    "OUTPUT_COLUMNS",
    "VERDICTS",
    "assess",
    "fit_gamma_prior",
    "nb_log_likelihood",
    "percentile_rank",
    "pooled_rate",
    "posterior_summary",
    "sentence",
]

VERDICTS: tuple[str, ...] = (
    "vanity",
    "converting",
    "efficient",
    "underperforming",
    "too_early",
    "insufficient_data",
)

REQUIRED_COLUMNS: tuple[str, ...] = (
    "campaign_id",
    "campaign_name",
    "end_date",
    "engagements",
    "conversions",
    "attribution_model",
)

#: Columns ``assess`` adds after the input columns, in this order.
OUTPUT_COLUMNS: tuple[str, ...] = (
    "as_of",
    "attribution_window_closes",
    "is_mature",
    "is_reference",
    "engagement_percentile_rank",
    "is_high_engagement",
    "baseline_rate",
    "expected_conversions",
    "rate",
    "posterior_mean_rate",
    "rate_low",
    "rate_high",
    "prob_below_threshold",
    "prob_above_baseline",
    "verdict",
    "reason",
    "prior_alpha",
    "prior_beta",
    "prior_method",
    "thresholds",
)

# Fit settings. Shape bounds for the optimiser; a fitted shape below _ALPHA_DEGENERATE means the
# likelihood ran to the edge of extreme overdispersion, which a handful of campaigns cannot
# support, so the weak prior is used instead.
_ALPHA_BOUNDS = (1e-3, 1e7)
_ALPHA_DEGENERATE = 1e-2
#: Shape of the weakly-informative fallback prior: Gamma(1, 1/m) is an exponential with mean m
#: (90% of its mass between 0.05 m and 3 m), i.e. worth one pseudo-lead.
WEAK_PRIOR_SHAPE = 1.0


# --------------------------------------------------------------------------- the prior
@dataclass(frozen=True)
class GammaPrior:
    """Gamma(alpha, beta) prior on leads per engagement (shape ``alpha``, rate ``beta``).

    ``beta`` is in engagements: the prior is worth ``alpha`` pseudo-leads observed over ``beta``
    pseudo-engagements. ``method`` says how it was obtained:

    * ``empirical_bayes`` - negative-binomial marginal maximum likelihood;
    * ``empirical_bayes_capped`` - as above, but the fit was stronger than one typical campaign
      (``beta`` above ``max_prior_exposure``, which includes the no-overdispersion case where the
      fit runs to alpha -> infinity); ``beta`` is set to the cap and ``alpha`` to
      fitted mean x cap, keeping the fitted mean;
    * ``fallback_few_campaigns`` - fewer than ``min_campaigns`` campaigns with engagements: weak
      prior (shape ``WEAK_PRIOR_SHAPE``) centred on the pooled rate;
    * ``fallback_degenerate`` - the optimiser failed or ran to the extreme-overdispersion edge:
      the same weak prior;
    * ``fallback_no_conversions`` - the portfolio has no leads at all: weak prior centred on half
      a lead over all engagements (any verdict is ``insufficient_data`` then anyway);
    * ``none`` - no campaign with engagements: alpha and beta are NaN.
    """

    alpha: float
    beta: float
    method: str
    n_campaigns: int = 0

    @property
    def mean(self) -> float:
        """Prior mean rate, leads per engagement."""
        return self.alpha / self.beta if self.beta > 0 else math.nan


def _counts(conversions: Any, exposures: Any) -> tuple[np.ndarray, np.ndarray]:
    c = np.asarray(conversions, dtype=float).ravel()
    e = np.asarray(exposures, dtype=float).ravel()
    if c.shape != e.shape:
        raise ValueError(f"conversions and exposures differ in length ({c.size} vs {e.size})")
    if not (np.isfinite(c).all() and np.isfinite(e).all()):
        raise ValueError("conversions and exposures must be finite numbers (no NaN/inf)")
    if (c < 0).any() or (e < 0).any():
        raise ValueError("conversions and exposures must be non-negative")
    return c, e


def pooled_rate(conversions: Any, exposures: Any) -> float:
    """``sum(conversions) / sum(exposures)`` per engagement; NaN when there are no exposures."""
    c, e = _counts(conversions, exposures)
    total = e.sum()
    return float(c.sum() / total) if total > 0 else math.nan


def nb_log_likelihood(alpha: float, beta: float, conversions: Any, exposures: Any) -> float:
    """Log marginal likelihood of the Poisson-Gamma model (negative binomial), summed.

    ``log P(c | e) = gammaln(alpha + c) - gammaln(alpha) - gammaln(c + 1)
    + alpha log(beta / (beta + e)) + c log(e / (beta + e))``, i.e. ``scipy.stats.nbinom`` with
    ``n = alpha`` and ``p = beta / (beta + e)``, extended to real ``c``. A campaign with zero
    engagements contributes 0 if it has no conversions and -inf otherwise.
    """
    c, e = _counts(conversions, exposures)
    if alpha <= 0 or beta <= 0:
        return -math.inf
    return float(_nb_loglik_terms(alpha, beta, c, e).sum())


def _nb_loglik_terms(alpha: float, beta: float, c: np.ndarray, e: np.ndarray) -> np.ndarray:
    out = np.zeros_like(c)
    pos = e > 0
    cp, ep = c[pos], e[pos]
    out[pos] = (
        special.gammaln(alpha + cp)
        - special.gammaln(alpha)
        - special.gammaln(cp + 1.0)
        - alpha * np.log1p(ep / beta)
        - cp * np.log1p(beta / ep)
    )
    out[~pos & (c > 0)] = -np.inf
    return out


def _negloglik_and_grad(x: np.ndarray, c: np.ndarray, e: np.ndarray) -> tuple[float, np.ndarray]:
    """Negative mean log-likelihood and gradient in (log alpha, log mean), mean = alpha / beta.

    The (shape, mean) parametrisation keeps the two coordinates nearly orthogonal, which the
    optimiser likes far better than (shape, rate).
    """
    alpha = math.exp(x[0])
    beta = alpha / math.exp(x[1])
    n = c.size
    ll = _nb_loglik_terms(alpha, beta, c, e).sum()
    d_alpha = np.sum(special.digamma(alpha + c) - special.digamma(alpha) - np.log1p(e / beta))
    d_beta = np.sum(alpha / beta - (alpha + c) / (beta + e))
    # beta = alpha / m: d/dlog(alpha) at fixed m moves beta too; d/dlog(m) moves beta only.
    g_log_alpha = alpha * d_alpha + beta * d_beta
    g_log_mean = -beta * d_beta
    return -ll / n, -np.array([g_log_alpha, g_log_mean]) / n


def _weak_prior(mean: float, cap: float, method: str, n: int) -> GammaPrior:
    beta = min(WEAK_PRIOR_SHAPE / mean, cap)
    return GammaPrior(alpha=float(mean * beta), beta=float(beta), method=method, n_campaigns=n)


def fit_gamma_prior(
    conversions: Any,
    exposures: Any,
    *,
    min_campaigns: int = 3,
    max_prior_exposure: float | None = None,
) -> GammaPrior:
    """Empirical-Bayes Gamma prior for leads per engagement, from a portfolio's campaigns.

    Maximises :func:`nb_log_likelihood` over ``(log alpha, log mean)`` with L-BFGS-B (analytic
    gradient, two starting points: method of moments and shape 1), then guards the answer:

    * campaigns with zero exposure carry no information about rates and are ignored;
    * fewer than ``min_campaigns`` campaigns: a weak prior (``WEAK_PRIOR_SHAPE`` pseudo-leads)
      centred on the pooled rate - two campaigns cannot estimate a spread;
    * the prior is never allowed to be worth more engagements than ``max_prior_exposure``
      (default: the median campaign's exposure). When the campaigns vary no more than Poisson
      noise (no overdispersion), the maximum-likelihood shape runs to infinity, i.e. "every
      campaign has the same rate", and would swamp every campaign's own data; small portfolios
      produce that answer often even when rates do differ. Capping keeps a typical campaign's data
      at least as heavy as the prior, and keeps the fitted mean;
    * optimiser failure or a shape at the extreme-overdispersion edge: the weak prior.

    Callers pass only the reference campaigns (see the module docstring).
    """
    c, e = _counts(conversions, exposures)
    keep = e > 0
    c, e = c[keep], e[keep]
    n = int(c.size)
    if n == 0:
        return GammaPrior(math.nan, math.nan, "none", 0)
    cap = float(np.median(e)) if max_prior_exposure is None else float(max_prior_exposure)
    if not cap > 0:
        raise ValueError(f"max_prior_exposure must be positive, got {max_prior_exposure!r}")
    pooled = float(c.sum() / e.sum())
    if c.sum() == 0:
        return _weak_prior(0.5 / e.sum(), cap, "fallback_no_conversions", n)
    if n < min_campaigns:
        return _weak_prior(pooled, cap, "fallback_few_campaigns", n)

    # Method-of-moments start: weighted variance of raw rates minus the Poisson part.
    r = c / e
    between = (np.sum(e * (r - pooled) ** 2) - (n - 1) * pooled) / e.sum()
    alpha0 = pooled**2 / between if between > 0 else 100.0
    alpha0 = float(np.clip(alpha0, 0.1, 1e4))
    log_a = (math.log(_ALPHA_BOUNDS[0]), math.log(_ALPHA_BOUNDS[1]))
    log_m = (math.log(pooled) - math.log(1e3), math.log(pooled) + math.log(1e3))
    best = None
    for a_start in (alpha0, 1.0):
        try:
            res = optimize.minimize(
                _negloglik_and_grad,
                x0=np.array([math.log(a_start), math.log(pooled)]),
                args=(c, e),
                jac=True,
                method="L-BFGS-B",
                bounds=[log_a, log_m],
            )
        except (FloatingPointError, ValueError):  # pragma: no cover - defensive
            continue
        if (
            np.isfinite(res.fun)
            and np.all(np.isfinite(res.x))
            and (best is None or res.fun < best.fun)
        ):
            best = res
    if best is None:
        return _weak_prior(pooled, cap, "fallback_degenerate", n)
    alpha = math.exp(best.x[0])
    mean = math.exp(best.x[1])
    if alpha < _ALPHA_DEGENERATE:
        return _weak_prior(pooled, cap, "fallback_degenerate", n)
    beta = alpha / mean
    if beta > cap:
        return GammaPrior(mean * cap, cap, "empirical_bayes_capped", n)
    return GammaPrior(alpha, beta, "empirical_bayes", n)


# --------------------------------------------------------------------------- the posterior
def posterior_summary(
    prior: GammaPrior,
    conversions: Any,
    exposures: Any,
    baseline_rate: float,
    thresholds: VerdictThresholds | None = None,
) -> dict[str, np.ndarray]:
    """Posterior ``Gamma(alpha + c, beta + e)`` of each campaign's rate, summarised.

    ``baseline_rate`` is per engagement (not per ``rate_per``). Returns arrays keyed
    ``posterior_mean_rate``, ``rate_low``, ``rate_high`` (equal-tailed ``credible_interval``),
    all per ``thresholds.rate_per`` engagements, and ``prob_below_threshold`` =
    ``P(rate < baseline_fraction * baseline)``, ``prob_above_baseline`` = ``P(rate > baseline)``.
    Entries are NaN where exposure is 0 or NaN or conversions NaN (no evidence: the posterior
    would be the prior), where the prior is undefined, and (probabilities only) where the
    baseline is NaN.
    """
    t = thresholds or VerdictThresholds()
    c = np.asarray(conversions, dtype=float).ravel()
    e = np.asarray(exposures, dtype=float).ravel()
    if c.shape != e.shape:
        raise ValueError(f"conversions and exposures differ in length ({c.size} vs {e.size})")
    nan = np.full(c.shape, np.nan)
    out = {
        k: nan.copy()
        for k in (
            "posterior_mean_rate",
            "rate_low",
            "rate_high",
            "prob_below_threshold",
            "prob_above_baseline",
        )
    }
    ok = np.isfinite(c) & np.isfinite(e) & (e > 0)
    if not (np.isfinite(prior.alpha) and np.isfinite(prior.beta)) or not ok.any():
        return out
    shape = prior.alpha + c[ok]
    scale = 1.0 / (prior.beta + e[ok])
    tail = (1.0 - t.credible_interval) / 2.0
    out["posterior_mean_rate"][ok] = shape * scale * t.rate_per
    out["rate_low"][ok] = sps.gamma.ppf(tail, shape, scale=scale) * t.rate_per
    out["rate_high"][ok] = sps.gamma.isf(tail, shape, scale=scale) * t.rate_per
    if np.isfinite(baseline_rate):
        out["prob_below_threshold"][ok] = sps.gamma.cdf(
            t.baseline_fraction * baseline_rate, shape, scale=scale
        )
        out["prob_above_baseline"][ok] = sps.gamma.sf(baseline_rate, shape, scale=scale)
    return out


def percentile_rank(values: Any, reference: Any) -> np.ndarray:
    """Mid-rank of each value among ``reference``, in 0-1: (below + equal / 2) / len(reference).

    NaN for NaN values and when ``reference`` is empty.
    """
    v = np.asarray(values, dtype=float).ravel()
    ref = np.sort(np.asarray(reference, dtype=float).ravel())
    ref = ref[np.isfinite(ref)]
    out = np.full(v.shape, np.nan)
    if ref.size == 0:
        return out
    ok = ~np.isnan(v)
    lo = np.searchsorted(ref, v[ok], side="left")
    hi = np.searchsorted(ref, v[ok], side="right")
    out[ok] = (lo + hi) / (2.0 * ref.size)
    return out


# --------------------------------------------------------------------------- assess
def _as_day(value: Any, what: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} is not a date: {value!r}") from exc
    if ts is pd.NaT or pd.isna(ts):
        raise ValueError(f"{what} is required, got {value!r}")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


def _numeric(frame: pd.DataFrame, col: str) -> np.ndarray:
    try:
        values = pd.to_numeric(frame[col], errors="raise")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"column {col!r} must be numeric: {exc}") from exc
    arr = np.asarray(values.astype("float64").to_numpy(na_value=np.nan), dtype=float)
    if np.isinf(arr).any():
        raise ValueError(f"column {col!r} contains infinite values")
    if (arr[~np.isnan(arr)] < 0).any():
        raise ValueError(f"column {col!r} contains negative values")
    return arr


def assess(
    frame: pd.DataFrame,
    thresholds: VerdictThresholds | Mapping[str, Any] | None,
    as_of: date | datetime | str,
) -> pd.DataFrame:
    """One verdict per row of ``frame``, the frame being one portfolio at one level.

    ``frame`` columns: ``campaign_id``, optional ``platform`` (absent or None = campaign level),
    ``campaign_name``, ``end_date`` (date; None = still running), ``engagements``, ``conversions``
    (leads, may be fractional under split attribution; NULL = unknown), ``attribution_model``.
    Other columns are passed through. Rows must be unique on (campaign_id, platform) and share one
    attribution model (mixing models would count leads twice); both are checked.

    The percentile, prior and baseline are fitted on this frame's reference campaigns, so call it
    once per level (campaigns; campaign x platform) - and per attribution model.

    Returns the input columns (``platform`` added as None when absent), in input order and with
    the input index, followed by :data:`OUTPUT_COLUMNS`. Rates are per ``thresholds.rate_per``
    engagements; ``prior_beta`` is in engagements (per-engagement rate parameter).
    """
    if isinstance(thresholds, VerdictThresholds):
        t = thresholds
    else:
        t = VerdictThresholds.from_mapping(thresholds)
    as_of_day = _as_day(as_of, "as_of")

    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"verdict input is missing column(s): {', '.join(missing)}")
    clash = [c for c in OUTPUT_COLUMNS if c in frame.columns]
    if clash:
        raise ValueError(f"verdict input already has output column(s): {', '.join(clash)}")
    out = frame.copy()
    if "platform" not in out.columns:
        out.insert(1, "platform", pd.Series([None] * len(out), index=out.index, dtype=object))
    dup = out.duplicated(subset=["campaign_id", "platform"], keep=False)
    if dup.any():
        keys = out.loc[dup, ["campaign_id", "platform"]].drop_duplicates().head(5)
        raise ValueError(
            "verdict input has duplicate (campaign_id, platform) rows: "
            + ", ".join(f"({r.campaign_id!r}, {r.platform!r})" for r in keys.itertuples())
        )
    models = out["attribution_model"].drop_duplicates().tolist()
    if len(models) > 1:
        raise ValueError(
            f"verdict input mixes attribution models {models!r}; assess one model at a time"
        )

    e = _numeric(out, "engagements")
    c = _numeric(out, "conversions")
    try:
        end = pd.to_datetime(out["end_date"], errors="raise")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"column 'end_date' must hold dates: {exc}") from exc
    if getattr(end.dt, "tz", None) is not None:
        end = end.dt.tz_localize(None)
    end = end.dt.normalize()
    closes = end + pd.Timedelta(days=t.attribution_window_days)
    closes_arr = closes.to_numpy(dtype="datetime64[ns]")
    too_early = np.isnat(closes_arr) | (closes_arr > as_of_day.to_datetime64())
    is_mature = ~too_early

    known = ~np.isnan(e) & ~np.isnan(c)
    reference = is_mature & known & (e > 0) & (np.nan_to_num(e) >= t.min_engagements)
    ref_e, ref_c = e[reference], c[reference]
    baseline = pooled_rate(ref_c, ref_e) if reference.any() else math.nan
    prior = fit_gamma_prior(ref_c, ref_e)

    rank = percentile_rank(e, ref_e)
    high = rank >= t.engagement_percentile  # False where rank is NaN; masked below
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(known & (e > 0), c / e * t.rate_per, np.nan)
    expected = e * baseline  # NaN when either is NaN
    post = posterior_summary(prior, c, e, baseline, t)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_per_engagement = (prior.alpha + c) / (prior.beta + e)  # NaN-safe: see insufficient

    insufficient = (
        ~known
        | ~(e > 0)
        | ~(e >= t.min_engagements)
        | ~(expected >= t.min_expected_conversions)
        | np.isnan(post["prob_below_threshold"])
    )
    verdict = np.select(
        [
            too_early,
            insufficient,
            high & (post["prob_below_threshold"] >= t.confidence),
            high,
            (mean_per_engagement >= baseline) | (post["prob_above_baseline"] >= 0.5),
        ],
        ["too_early", "insufficient_data", "vanity", "converting", "efficient"],
        default="underperforming",
    )

    out["as_of"] = as_of_day.date()
    out["attribution_window_closes"] = [None if pd.isna(x) else x.date() for x in closes]
    out["is_mature"] = is_mature
    out["is_reference"] = reference
    out["engagement_percentile_rank"] = rank
    out["is_high_engagement"] = pd.array(
        [None if np.isnan(r) else bool(h) for r, h in zip(rank, high, strict=True)],
        dtype="boolean",
    )
    out["baseline_rate"] = baseline * t.rate_per
    out["expected_conversions"] = expected
    out["rate"] = rate
    for key in ("posterior_mean_rate", "rate_low", "rate_high"):
        out[key] = post[key]
    out["prob_below_threshold"] = post["prob_below_threshold"]
    out["prob_above_baseline"] = post["prob_above_baseline"]
    out["verdict"] = verdict.astype(object)
    out["prior_alpha"] = prior.alpha
    out["prior_beta"] = prior.beta
    out["prior_method"] = prior.method
    out["thresholds"] = json.dumps(t.as_dict(), sort_keys=True)
    out["reason"] = [sentence(row, "en") for row in out.to_dict("records")]
    return out[[*(col for col in out.columns if col not in OUTPUT_COLUMNS), *OUTPUT_COLUMNS]]


# --------------------------------------------------------------------------- sentences
def _pct(p: float) -> str:
    """Probability as a percentage, rounded down so a shown 90% is never really 89.6%."""
    if not math.isfinite(p):
        return "n/a"
    if p * 100 >= 99.5:
        return ">99%"
    if p * 100 < 1:
        return "<1%"
    return f"{math.floor(p * 100 + 1e-9)}%"


def _plain_pct(x: float, lang: str) -> str:
    s = f"{x * 100:g}"
    return (s.replace(".", ",") if lang == "it" else s) + "%"


def _day(value: Any, lang: str, article: str = "") -> str:
    """``27 June 2024``; in Italian with its article: ``il 27 giugno``, ``l'8``, ``all'11``."""
    d = pd.Timestamp(value)
    text = fmt_date(d, lang)
    if not article:
        return text
    if d.day in (8, 11):  # "otto", "undici" start with a vowel
        return {"il": "l'", "al": "all'"}[article] + text
    return f"{article} {text}"


def _is_missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or x is pd.NaT


def _row_thresholds(row: Mapping[str, Any]) -> VerdictThresholds:
    raw = row.get("thresholds")
    if isinstance(raw, VerdictThresholds):
        return raw
    if isinstance(raw, str):
        raw = json.loads(raw)
    return VerdictThresholds.from_mapping(raw if isinstance(raw, Mapping) else None)


def sentence(row: Mapping[str, Any], lang: str = "en") -> str:
    """One plain sentence explaining the verdict of one output row of :func:`assess`.

    ``row`` is a mapping (a dict or a pandas Series) with the output columns; thresholds are read
    from its ``thresholds`` column (JSON string or mapping; defaults when absent). ``lang`` is
    ``"en"`` (``12,400``, ``9.1``) or ``"it"`` (``12.400``, ``9,1``). Probabilities are rounded
    down to whole percent.
    """
    if lang not in MONTHS:
        raise ValueError(f"unsupported language {lang!r}; use 'en' or 'it'")
    it = lang == "it"
    t = _row_thresholds(row)
    verdict = row.get("verdict")
    e, c = row.get("engagements"), row.get("conversions")
    per = fmt_num(t.rate_per, 0, lang)
    baseline = row.get("baseline_rate")

    if _is_missing(e) or _is_missing(c):
        return (
            "Mancano i conteggi di interazioni o di lead: non c'è nulla da giudicare."
            if it
            else "Engagement or lead counts are missing, so there is nothing to judge."
        )
    e, c = float(e), float(c)
    if it:
        leads = f"{fmt_count(c, lang)} lead"
        prefix = f"{fmt_count(e, lang)} {'interazione' if e == 1 else 'interazioni'}, {leads}"
    else:
        leads = f"{fmt_count(c, lang)} {'lead' if c == 1 else 'leads'}"
        prefix = f"{fmt_count(e, lang)} {'engagement' if e == 1 else 'engagements'}, {leads}"

    if verdict == "too_early":
        end = row.get("end_date")
        closes = row.get("attribution_window_closes")
        if _is_missing(end) or _is_missing(closes):
            return (
                f"{prefix} finora; la campagna non ha una data di fine, quindi è considerata "
                "ancora in corso ed è presto per giudicare."
                if it
                else f"{prefix} so far; the campaign has no end date, so it is treated as still "
                "running and it is too early to judge."
            )
        w = t.attribution_window_days
        return (
            f"{prefix} finora; la campagna è terminata {_day(end, lang, 'il')} e i lead "
            f"possono arrivare fino {_day(closes, lang, 'al')} (finestra di attribuzione di "
            f"{w} giorni), quindi è presto per giudicare."
            if it
            else f"{prefix} so far; the campaign ended on {_day(end, lang)} and leads can still "
            f"arrive until {_day(closes, lang)} ({w}-day attribution window), so it is too early "
            "to judge."
        )

    if verdict == "insufficient_data":
        if e == 0:
            return (
                f"Nessuna interazione registrata ({leads}): non c'è un tasso da giudicare."
                if it
                else f"No engagements recorded ({leads}), so there is no rate to judge."
            )
        if e < t.min_engagements:
            n = fmt_num(t.min_engagements, 0, lang)
            return (
                f"{prefix}; servono almeno {n} interazioni per giudicare una campagna."
                if it
                else f"{prefix}; at least {n} engagements are needed to judge a campaign."
            )
        if _is_missing(baseline):
            return (
                f"{prefix}; il portafoglio non ha campagne concluse con volume sufficiente per "
                "un confronto."
                if it
                else f"{prefix}; the portfolio has no finished campaign with enough volume to "
                "compare against."
            )
        expected = e * float(baseline) / t.rate_per
        x = fmt_num(expected, 1, lang)
        need = fmt_count(t.min_expected_conversions, lang)
        return (
            f"{prefix}; al tasso del portafoglio ({fmt_rate(baseline, lang)} ogni {per}) sarebbero "
            f"solo {x} lead attesi, mentre per giudicare ne servono almeno {need}."
            if it
            else f"{prefix}; at the portfolio's {fmt_rate(baseline, lang)} per {per} that is only "
            f"{x} expected leads, fewer than the {need} needed to judge."
        )

    head = (
        f"{prefix}; il portafoglio converte {fmt_rate(baseline, lang)} ogni {per}"
        if it
        else f"{prefix}; the portfolio converts {fmt_rate(baseline, lang)} per {per}"
    )
    frac = t.baseline_fraction
    if it:
        below = (
            "meno della metà"
            if frac == 0.5
            else "meno del portafoglio"
            if frac == 1
            else f"meno di {fmt_num(frac, 2, lang).rstrip('0')} volte quel tasso"
        )
    else:
        below = (
            "below half of that"
            if frac == 0.5
            else "below that"
            if frac == 1
            else f"below {_plain_pct(frac, lang)} of that"
        )
    p_below = _pct(float(row.get("prob_below_threshold")))
    p_above = _pct(float(row.get("prob_above_baseline")))
    mean = fmt_rate(float(row.get("posterior_mean_rate")), lang)

    if verdict == "vanity":
        return (
            f"{head}; {p_below} di probabilità che questa campagna converta {below}."
            if it
            else f"{head}; {p_below} probability this campaign converts {below}."
        )
    if verdict == "converting":
        conf = _plain_pct(t.confidence, lang)
        return (
            f"{head}; questa campagna converte circa {mean} ogni {per}; probabilità di "
            f"convertire {below}: {p_below} (soglia per giudicarla vanity: {conf})."
            if it
            else f"{head}; this campaign converts about {mean} per {per}, with {p_below} "
            f"probability of converting {below} ({conf} needed to call it vanity)."
        )
    if verdict == "efficient":
        return (
            f"{head}; interazioni contenute, ma questa campagna converte circa {mean} ogni "
            f"{per}, {p_above} di probabilità di convertire più del portafoglio."
            if it
            else f"{head}; modest engagement, but this campaign converts about {mean} per "
            f"{per}, {p_above} probability it converts above the portfolio."
        )
    if verdict == "underperforming":
        return (
            f"{head}; interazioni contenute e questa campagna converte solo circa {mean} ogni "
            f"{per}, {p_above} di probabilità di convertire più del portafoglio."
            if it
            else f"{head}; modest engagement, and this campaign converts only about {mean} per "
            f"{per}, {p_above} probability it converts above the portfolio."
        )
    raise ValueError(f"unknown verdict {verdict!r}")
