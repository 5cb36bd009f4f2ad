# Reference numbers for the thin-data cases and the practitioners' methods of samen.mse,
# computed with base R's glm (no CRAN package is needed, none could be installed here).
#
# Usage: Rscript tests/mse/r/robust_methods.R   (from the repository root)
# Output: one "key<TAB>values" line per result, numbers with 17 significant digits;
# tests/mse/results/robust_reference.py keeps them, each under the R call that made it.

num <- function(x) paste(sprintf("%.17g", x), collapse = " ")
out <- function(key, ...) cat(key, "\t", paste(..., collapse = " "), "\n", sep = "")
out("R", R.version.string)

# The complete table of a CSV with k list columns and a count, in Rcapture's order
# (histories as binary numbers from 11...1 down to 00...01).
full_table <- function(csv) {
  z <- read.csv(csv, check.names = FALSE)
  k <- ncol(z) - 1
  codes <- (2^k - 1):1
  H <- sapply((k - 1):0, function(b) (codes %/% 2^b) %% 2)
  colnames(H) <- names(z)[1:k]
  obs <- as.vector(as.matrix(z[, 1:k]) %*% 2^((k - 1):0))
  y <- vapply(codes, function(cd) sum(z[[k + 1]][obs == cd]), numeric(1))
  data.frame(H, y = y, check.names = FALSE)
}

# ---- Thin tables: SparseMSE's main-effects Wald interval (estimatepopulation.0 with
# method = "main"), the glm that SparseMSE fits: n + exp(qnorm(c(.025, .975), b0, se(b0))).
wald <- function(key, d) {
  f <- glm(y ~ ., data = d, family = poisson)
  b0 <- coef(f)[1]; se <- sqrt(vcov(f)[1, 1]); n <- sum(d$y)
  out(key, num(c(n + exp(b0), n + exp(qnorm(0.025, b0, se)), n + exp(qnorm(0.975, b0, se)))))
}
wald("wald.two_lists_no_overlap", data.frame(A = c(1, 1, 0), B = c(1, 0, 1), y = c(0, 40, 30)))
wald("wald.one_case_on_both", data.frame(A = c(1, 1, 0), B = c(1, 0, 1), y = c(100, 0, 0)))

# ---- A covariate level whose cases are all on one list: glm(y ~ A + B + C + g + A:g) over
# the observed histories of each level; the unobserved count of a level is exp of the
# linear predictor at the all-zero history.
cov_rows <- expand.grid(A = c(1, 0), B = c(1, 0), C = c(1, 0), g = c("x", "y"))
cov_rows <- cov_rows[rowSums(cov_rows[, 1:3]) > 0, ]
key <- paste(cov_rows$A, cov_rows$B, cov_rows$C, cov_rows$g)
counts <- c("1 0 0 x" = 12, "1 0 0 y" = 20, "0 1 0 y" = 15, "0 0 1 y" = 11, "1 1 0 y" = 5,
            "1 0 1 y" = 4, "0 1 1 y" = 3, "1 1 1 y" = 1)
cov_rows$y <- ifelse(key %in% names(counts), counts[key], 0)
fc <- glm(y ~ A + B + C + g + A:g, data = cov_rows, family = poisson)
zero <- data.frame(A = 0, B = 0, C = 0, g = c("x", "y"))
dark <- predict(fc, newdata = zero, type = "response")
out("covariate_one_list.unobserved", num(dark))
out("covariate_one_list.total", num(sum(cov_rows$y) + sum(dark)))
out("covariate_one_list.aic", num(fc$aic))

# ---- Goodness of fit and the likelihood-ratio test on Kosovo (4 lists).
kos <- full_table("data/mse/kosovo_4lists.csv")
best <- glm(y ~ . + EXH:ABA + EXH:OSCE + EXH:HRW + ABA:OSCE + OSCE:HRW, data = kos,
            family = poisson)
out("gof.kosovo.deviance_df_p", num(c(deviance(best), df.residual(best),
                                      pchisq(deviance(best), df.residual(best),
                                             lower.tail = FALSE))))
out("gof.kosovo.pearson", num(residuals(best, type = "pearson")))
small <- glm(y ~ . + EXH:ABA, data = kos, family = poisson)
large <- glm(y ~ . + EXH:ABA + EXH:OSCE, data = kos, family = poisson)
a <- anova(small, large, test = "Chisq")
out("lrt.kosovo.statistic_df_p", num(c(a$Deviance[2], a$Df[2], a[["Pr(>Chi)"]][2])))

# ---- Model averaging over the 64 two-list models of a 4-list set: Akaike (or BIC =
# AIC + (log n - 2) rank, as Rcapture) weights over the models within 20 of the best,
# the weighted Poisson estimate n + exp(b0), the unconditional standard error of Buckland,
# Burnham & Augustin (1997), and Chao's (1987) log-transformed interval.
average <- function(name, d, criterion) {
  k <- ncol(d) - 1
  lists <- names(d)[1:k]
  pairs <- combn(lists, 2, simplify = FALSE)
  n <- sum(d$y)
  res <- t(sapply(0:(2^length(pairs) - 1), function(mask) {
    use <- pairs[bitwAnd(mask, 2^(seq_along(pairs) - 1)) > 0]
    terms <- c(".", vapply(use, function(p) paste(p, collapse = ":"), ""))
    f <- glm(as.formula(paste("y ~", paste(terms, collapse = " + "))), data = d,
             family = poisson, control = list(maxit = 200))
    b0 <- coef(f)[1]
    crit <- f$aic + if (criterion == "bic") (log(n) - 2) * f$rank else 0
    c(crit, n + exp(b0), sqrt(exp(b0) + exp(2 * b0) * vcov(f)[1, 1]))
  }))
  delta <- res[, 1] - min(res[, 1])
  keep <- delta <= 20
  w <- exp(-delta[keep] / 2); w <- w / sum(w)
  est <- sum(w * res[keep, 2])
  se <- sum(w * sqrt(res[keep, 3]^2 + (res[keep, 2] - est)^2))
  f0 <- est - n
  C <- exp(qnorm(0.975) * sqrt(log(1 + se^2 / f0^2)))
  out(paste0("average.", name, ".", criterion), num(c(est, se, n + f0 / C, n + f0 * C,
                                                       sum(keep), max(w))))
}
average("kosovo", kos, "aic")
average("kosovo", kos, "bic")
average("rome", full_table("data/mse/rome_hiv_4lists.csv"), "aic")

# ---- Stepwise selection of a covariate model: R's step() in both directions between the
# main effects and all two-way terms, by AIC (k = 2).
cz <- read.csv("tests/mse/results/covariates_3lists.csv")
grid <- expand.grid(A = c(1, 0), B = c(1, 0), C = c(1, 0), year = sort(unique(cz$year)))
grid <- grid[rowSums(grid[, 1:3]) > 0, ]
grid$year <- factor(grid$year)
m <- merge(grid, transform(cz, year = factor(year)), all.x = TRUE)
m$count[is.na(m$count)] <- 0
start <- glm(count ~ A + B + C + year, data = m, family = poisson)
chosen <- step(start, scope = list(lower = ~ A + B + C + year, upper = ~ (A + B + C + year)^2),
               direction = "both", k = 2, trace = 0)
out("step.covariates.terms", paste(sort(attr(terms(chosen), "term.labels")[
  grepl(":", attr(terms(chosen), "term.labels"))]), collapse = " "))
out("step.covariates.aic", num(chosen$aic))
zero <- data.frame(A = 0, B = 0, C = 0, year = factor(levels(m$year), levels = levels(m$year)))
out("step.covariates.total", num(sum(m$count) + sum(predict(chosen, zero, type = "response"))))
