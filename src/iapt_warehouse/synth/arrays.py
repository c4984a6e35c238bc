"""Small vectorised helpers shared by the simulation and the table builders (numpy day numbers)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntA = npt.NDArray[np.int64]
FloatA = npt.NDArray[np.float64]
BoolA = npt.NDArray[np.bool_]

NA = -(10**6)  # "no value" for day numbers and code indices stored as int64
EPOCH_MONTH = 1970 * 12  # month index of 1970-01 (day 0)


def day_of(year: int, month: int, day: int = 1) -> int:
    """Days since 1970-01-01."""
    return int(np.datetime64(f"{year:04d}-{month:02d}-{day:02d}", "D").astype(np.int64))


def month_start(month_index: IntA | int) -> IntA:
    """First day (day number) of month indices (year * 12 + month - 1)."""
    months = np.asarray(month_index, dtype=np.int64) - EPOCH_MONTH
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def month_of(days: IntA) -> IntA:
    """Month index of day numbers."""
    return (
        np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) + EPOCH_MONTH
    )


def days_in_month(month_index: IntA) -> IntA:
    return month_start(np.asarray(month_index) + 1) - month_start(month_index)


def weekday(days: IntA) -> IntA:
    """0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday)."""
    return (np.asarray(days, dtype=np.int64) + 3) % 7


def segment_offsets(counts: IntA) -> IntA:
    """Start position of each segment in a flattened array."""
    out = np.zeros(len(counts), dtype=np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=out[1:])
    return out


def position_in_segment(counts: IntA) -> IntA:
    """For a flattened array of segments with these lengths: each element's position in its segment."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(segment_offsets(counts), counts)


def segment_cumsum(values: IntA, counts: IntA) -> IntA:
    """Cumulative sum restarting at each segment."""
    if len(values) == 0:
        return values.copy()
    total = np.cumsum(values)
    starts = segment_offsets(counts)
    nonempty = counts > 0
    base = np.zeros(len(counts), dtype=np.int64)
    base[nonempty] = total[starts[nonempty]] - values[starts[nonempty]]
    return total - np.repeat(base, counts)


def choice(rng: np.random.Generator, p: FloatA, n: int) -> IntA:
    """n draws of category indices with probabilities p (inverse CDF: fast and deterministic)."""
    cdf = np.cumsum(p)
    cdf /= cdf[-1]
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(p) - 1).astype(np.int64)


def uniform_int(rng: np.random.Generator, lo: IntA | int, hi: IntA | int, n: int) -> IntA:
    """Integers uniform on [lo, hi] inclusive (lo, hi broadcast)."""
    lo_a = np.asarray(lo, dtype=np.int64)
    span = np.asarray(hi, dtype=np.int64) - lo_a + 1
    out: IntA = lo_a + np.floor(rng.random(n) * np.maximum(span, 1)).astype(np.int64)
    return out


def neg_binomial(rng: np.random.Generator, mean: float, n: int, shape: float = 2.0) -> IntA:
    """Over-dispersed counts with the given mean (gamma-Poisson)."""
    lam = rng.gamma(shape, mean / shape, n)
    return rng.poisson(lam).astype(np.int64)
