"""R's dga results on the public data sets, to test ``samen.mse.dga`` against.

Source: /work/shared/reference/mse/R-REFERENCE.md (R 4.2.2, dga 2.0.2, Rcpp 1.0.10,
RcppArmadillo 0.12.0.1.0). For a data set with k lists, Y is the 2^k array of the CSV's
counts (the all-absent cell set to 0) and the call was

    bma.cr(Y, Nmissing, delta = 2^-k, graphs<k>)     # Nmissing = seq(1, nmax, step)

with the default prior on N (logprior = -log(sum(Y) + Nmissing)) and a uniform prior over
the graphs. The posterior of N = sum(Y) + Nmissing is the column sums of the returned
matrix; the median and the 2.5 % / 97.5 % limits are read off its cumulative sum, so they
have a resolution of `step`. R printed the mean rounded to a whole number, the top model
weight to three decimals and the tail mass (posterior mass of Nmissing > 0.9 * nmax) to
two significant digits; the tests compare at that precision.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DgaReference:
    name: str
    lists: int
    observed: int
    nmax: int
    step: int
    median: int
    lower: int
    upper: int
    mean: int
    tail_mass: float
    top_model_weight: float


DGA_REFERENCE = (
    DgaReference(
        name="uk2013_5lists",
        lists=5,
        observed=2_744,
        nmax=54_880,
        step=1,
        median=22_990,
        lower=10_387,
        upper=33_508,
        mean=21_282,
        tail_mass=3.2e-05,
        top_model_weight=0.443,
    ),
    DgaReference(
        name="western_us_5lists",
        lists=5,
        observed=345,
        nmax=50_000,
        step=1,
        median=2_133,
        lower=1_343,
        upper=3_880,
        mean=2_258,
        tail_mass=1.4e-06,
        top_model_weight=0.113,
    ),
    DgaReference(
        name="kosovo_4lists",
        lists=4,
        observed=4_400,
        nmax=88_000,
        step=1,
        median=12_595,
        lower=9_827,
        upper=16_544,
        mean=12_749,
        tail_mass=4.0e-10,
        top_model_weight=0.986,
    ),
    DgaReference(
        name="rome_hiv_4lists",
        lists=4,
        observed=1_896,
        nmax=37_920,
        step=1,
        median=11_220,
        lower=9_404,
        upper=14_095,
        mean=11_357,
        tail_mass=4.6e-10,
        top_model_weight=0.539,
    ),
    DgaReference(
        name="artificial_3lists",
        lists=3,
        observed=96,
        nmax=50_000,
        step=1,
        median=330,
        lower=98,
        upper=5_652,
        mean=869,
        tail_mass=3.2e-04,
        top_model_weight=0.351,
    ),
)
