"""Reference numbers for the thin-data cases and the practitioners' methods.

Three sources, each given beside its numbers:

* R 4.2.2's own ``glm``, ``anova`` and ``step`` (``Rscript tests/mse/r/robust_methods.R``,
  output in ``tests/mse/r/output/robust_methods.txt``, 17 significant digits);
* Rcapture 1.4-4's own tests and examples, which reproduce the published values of
  Rivest (2011, *Int. J. Biostat.* 7(1), art. 23) for the diabetes data of Bruno et
  al. (1994): ``inst/tests/testPapersResults.R`` and ``tests/Examples/Rcapture-Ex.Rout.save``
  of the package's sources (rounded as printed there);
* Seber (1982), *The Estimation of Animal Abundance*, Tables 3.7 and 3.8 (as reprinted in
  the 2002 edition), for the Chapman estimator.
"""

from __future__ import annotations

# ---- SparseMSE's main-effects Wald interval, by glm:
# f <- glm(y ~ A + B, poisson); n + exp(qnorm(c(.025, .975), coef(f)[1], sqrt(vcov(f)[1, 1])))
# (estimate, lower, upper); R prints Inf for the upper limit.
WALD_TWO_LISTS_NO_OVERLAP = (5821982349737.6982, 70.0, float("inf"))  # y = (0, 40, 30)
WALD_ONE_CASE_ON_BOTH = (100.0, 100.0, float("inf"))  # y = (100, 0, 0)

# ---- glm(y ~ A + B + C + g + A:g, poisson) on the histories of two levels, level x with
# its 12 cases on list A only; total = observed + predicted unobserved counts.
COVARIATE_ONE_LIST_TOTAL = 152.60724057822389
COVARIATE_ONE_LIST_AIC = 50.179993504153565

# ---- Kosovo (4 lists): glm(y ~ . + EXH:ABA + EXH:OSCE + EXH:HRW + ABA:OSCE + OSCE:HRW).
# deviance(f), df.residual(f), pchisq(deviance, df, lower.tail = FALSE)
KOSOVO_GOF = (39.893643555408559, 5, 1.5689601754411338e-07)
# residuals(f, type = "pearson"), cells in Rcapture's order (11...1 down to 00...01)
KOSOVO_PEARSON = (
    -1.3956162233953386,
    3.0441219812558473,
    0.64667666562576742,
    -2.1388110123392994,
    -2.1660266151635117,
    -0.75656337270914009,
    2.4407419275870903,
    0.17784830392033196,
    0.84011912797404398,
    -2.0696201437737787,
    0.65179375129097117,
    0.86838524882789725,
    2.0200816771753964,
    0.25718824312251054,
    -1.5473714707816646,
)
# anova(glm(y ~ . + EXH:ABA), glm(y ~ . + EXH:ABA + EXH:OSCE), test = "Chisq"):
# (deviance difference, df, Pr(>Chi))
KOSOVO_LRT = (2.0885453675438725, 1, 0.14840731947434851)

# ---- Model averaging over the 64 two-list glm models (robust_methods.R, average()):
# (averaged estimate, unconditional se, Chao lower, Chao upper, models used, largest weight)
AVERAGE = {
    ("kosovo_4lists", "aic"): (
        14358.393189649898,
        1027.6117299593873,
        12539.277015504247,
        16584.079093359338,
        2,
        0.72495934862060085,
    ),
    ("kosovo_4lists", "bic"): (
        14342.594982215842,
        1018.8122841353266,
        12537.767085703868,
        16547.705130815164,
        2,
        0.98469084302410759,
    ),
    ("rome_hiv_4lists", "aic"): (
        12796.175116155055,
        2277.5698044399737,
        9164.9768683984512,
        18241.328883819067,
        64,
        0.10294544589853907,
    ),
}

# ---- step(glm(count ~ A + B + C + year), scope = list(lower = ~ A + B + C + year,
#      upper = ~ (A + B + C + year)^2), direction = "both", k = 2) on covariates_3lists.csv
STEP_TERMS = ("A:year", "B:year", "C:year")
STEP_AIC = 148.35757522761082
STEP_TOTAL = 2879.6074939652408

# ---- Rivest (2011) on the diabetes data of Bruno et al. (1994), as Rcapture's tests
# reproduce them: closedpCI.t(diabetes, dfreq = TRUE, mX = ~ . + c1:c3 + c2:c4 + c3:c4,
# h = <form>, h.control = list(theta = <theta>)) -> round(abundance), round(stderr),
# round(deviance, 2), df.
DIABETES_COUNTS = (58, 157, 18, 104, 46, 650, 12, 709, 14, 20, 7, 74, 8, 182, 10)
DIABETES_TERMS = "c1:c3,c2:c4,c3:c4"
DIABETES = {
    # form, theta: (abundance, stderr, deviance, df)
    (None, None): (2472, 53, 21.97, 7),
    ("chao", None): (2588, 75, 3.13, 6),
    ("poisson", None): (2573, 76, 12.88, 6),
    ("darroch", None): (2752, 133, 8.32, 6),
    ("normal", None): (2764, 101, 8.22, 6),
    ("gamma", None): (2964, 219, 6.74, 6),
    ("gamma", 0.5): (4238, 952, 5.49, 6),
}
# Bruno et al.'s own model: mX = ~ (c1 + c2 + c3 + c4)^2 - c1:c4
DIABETES_BRUNO = (2771, 145, 7.62, 5)
# Rcapture-Ex.Rout.save, closedpCI.t(..., h = "Normal", mname = "Mth normal with I"):
# abundance, stderr, InfCL, SupCL, deviance, df, AIC as printed
DIABETES_NORMAL_PRINTED = (2763.5, 100.9, 2592.3, 2990.8, 8.224, 6, 111.386)

# ---- Chapman (1951) with Seber's variance: (n1, n2, m) -> (estimate, se, normal upper
# limit) as Seber (1982) Tables 3.7-3.8 print them.
CHAPMAN_SEBER = {
    (500, 149, 7): (9393, 3022, 15316),
    (1000, 243, 21): (11101, 2184, None),
}
