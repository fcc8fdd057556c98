"""The one documented place where the vanity-verdict thresholds live.

Every number that decides a verdict (see "Vanity verdicts" in DESIGN.md) is a field of
:class:`VerdictThresholds`. Nothing else in the pipeline hard-codes them: the verdict asset builds
one instance (``VerdictThresholds()`` for the defaults, or ``VerdictThresholds.from_mapping(cfg)``
to override some of them from run configuration) and :func:`pipeline.verdicts.stats.assess` stores
the instance it used, as JSON, on every verdict row.

Rules in brief (the full reasoning is in :mod:`pipeline.verdicts.stats`):

* ``too_early`` when ``end_date + attribution_window_days > as_of``;
* ``insufficient_data`` when ``engagements < min_engagements`` or the portfolio baseline rate times
  the engagements is below ``min_expected_conversions``;
* ``vanity`` when engagement is high (percentile rank >= ``engagement_percentile``) and the
  posterior probability that the campaign's rate is below ``baseline_fraction`` x baseline is at
  least ``confidence``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

__all__ = ["VerdictThresholds"]


@dataclass(frozen=True)
class VerdictThresholds:
    """Thresholds for the vanity verdicts. Frozen: build a new one to change anything."""

    engagement_percentile: float = 0.5
    """A campaign is "high engagement" when its engagements are at or above this percentile
    (0-1) of the portfolio's reference campaigns (mature, with at least ``min_engagements``).
    0.5 = the busier half of the portfolio; 0.8 = the top fifth. 0 makes every campaign high,
    1 makes none high."""

    baseline_fraction: float = 0.5
    """A high-engagement campaign is ``vanity`` when its lead rate is credibly below this fraction
    of the portfolio baseline rate (0 < x <= 1). 0.5 = "converts at less than half the portfolio".
    """

    confidence: float = 0.9
    """Posterior probability (0 < x < 1) that the rate is below ``baseline_fraction`` x baseline
    that is required before a campaign is called ``vanity``."""

    attribution_window_days: int = 14
    """Days after a campaign's end date during which leads are still expected to arrive. A
    campaign with ``end_date + attribution_window_days > as_of`` is ``too_early`` and never
    flagged, and it takes no part in the portfolio percentile, prior or baseline."""

    min_engagements: int = 500
    """Campaigns with fewer engagements than this are ``insufficient_data``; they also take no
    part in the portfolio percentile, prior or baseline (so a crowd of tiny campaigns cannot move
    the numbers the big ones are judged by)."""

    min_expected_conversions: float = 3.0
    """The portfolio baseline rate x the campaign's engagements (the leads it would have produced
    at the portfolio rate) must reach this for any verdict other than ``insufficient_data``. With
    fewer expected leads, even zero leads is not evidence of anything."""

    credible_interval: float = 0.9
    """Probability mass (0 < x < 1) of the equal-tailed posterior credible interval reported as
    ``rate_low`` .. ``rate_high``."""

    rate_per: int = 1000
    """Rates are reported per this many engagements (DESIGN.md: lead rate = leads per 1,000
    engagements). Only presentation: verdicts do not depend on it."""

    # ------------------------------------------------------------------ validation
    def __post_init__(self) -> None:
        # validates direct construction too; coerces e.g. numpy scalars and "0.95" to the type
        for f in fields(self):
            object.__setattr__(self, f.name, _check(f.name, getattr(self, f.name)))

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_mapping(cls, d: Mapping[str, Any] | None) -> VerdictThresholds:
        """Defaults overridden by the entries of ``d`` (e.g. run config or a YAML section).

        Unknown keys, values of the wrong type and values out of range raise ``ValueError`` naming
        the offending key. Numeric strings (``"0.95"``, from environment variables) are accepted.
        ``None`` or an empty mapping gives the defaults.
        """
        if d is None:
            return cls()
        if not isinstance(d, Mapping):
            raise ValueError(
                f"verdict thresholds must be a mapping of name -> value, got {type(d).__name__}"
            )
        known = {f.name for f in fields(cls)}
        unknown = sorted(str(k) for k in d if k not in known)
        if unknown:
            raise ValueError(
                f"unknown verdict threshold {', '.join(repr(k) for k in unknown)}; "
                f"known thresholds: {', '.join(sorted(known))}"
            )
        return cls(**dict(d))

    def as_dict(self) -> dict[str, Any]:
        """Plain ``{name: value}`` dict (JSON-serialisable), the inverse of ``from_mapping``."""
        return asdict(self)


# ---------------------------------------------------------------------- checks
# name -> (kind, low, low_inclusive, high, high_inclusive); None = unbounded
_RULES: dict[str, tuple[type, float | None, bool, float | None, bool]] = {
    "engagement_percentile": (float, 0.0, True, 1.0, True),
    "baseline_fraction": (float, 0.0, False, 1.0, True),
    "confidence": (float, 0.0, False, 1.0, False),
    "attribution_window_days": (int, 0, True, None, False),
    "min_engagements": (int, 0, True, None, False),
    "min_expected_conversions": (float, 0.0, True, None, False),
    "credible_interval": (float, 0.0, False, 1.0, False),
    "rate_per": (int, 1, True, None, False),
}


def _check(name: str, value: Any) -> Any:
    """Return ``value`` as the field's type, or raise ValueError naming ``name``."""
    kind, low, low_inc, high, high_inc = _RULES[name]
    original = value
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ValueError(
                f"verdict threshold {name!r} must be a number, got {original!r}"
            ) from None
    # numbers.Real covers int, float and numpy scalars; bool is deliberately refused
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"verdict threshold {name!r} must be a number, got {original!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"verdict threshold {name!r} must be finite, got {original!r}")
    if kind is int:
        if value != int(value):
            raise ValueError(f"verdict threshold {name!r} must be a whole number, got {original!r}")
        value = int(value)

    too_low = low is not None and (value < low or (value == low and not low_inc))
    too_high = high is not None and (value > high or (value == high and not high_inc))
    if too_low or too_high:
        parts = []
        if low is not None:
            parts.append(f"{'>=' if low_inc else '>'} {low}")
        if high is not None:
            parts.append(f"{'<=' if high_inc else '<'} {high}")
        raise ValueError(
            f"verdict threshold {name!r} must be {' and '.join(parts)}, got {original!r}"
        )
    return value
