# What Rcapture 1.4-4 reports for a multiple-list table, recomputed with base R's glm().
#
# Usage: Rscript tests/mse/r/rcapture_glm.R <csv> [--ms]
#
# Rcapture cannot be installed here (no CRAN), so this script rebuilds, from the
# description in shared/reference/mse/METHODS.md, the numbers its calls print:
#   closedp.t(X, dfreq = TRUE)                        -> "closedp.<model>" lines
#   closedpCI.t(X, dfreq = TRUE, m = "Mt")            -> "ci.Mt"
#   closedpCI.0(X, dfreq = TRUE, m = "M0")            -> "ci.M0"
#   closedpCI.t(X, dfreq = TRUE, m = "Mth", h = ...)  -> "ci.Mth <h>"
#   closedpMS.t(X, dfreq = TRUE, maxorder = 2, stopiflong = FALSE) and then
#   closedpCI.t(X, dfreq = TRUE, mX = <best model>)   -> "ms.*" lines (with --ms)
# Every model is a Poisson log-linear glm (R's own IRLS, glm.control() defaults)
# on the complete table of 2^k - 1 observable histories, zero cells included.
# The script is checked against the published numbers of six data sets
# (R-REFERENCE.md) before its output on the other sets is trusted.
# Output: one "key<TAB>values" line per result, numbers with 17 significant digits.

args <- commandArgs(trailingOnly = TRUE)
csv <- args[1]
with_ms <- "--ms" %in% args

z <- read.csv(csv, check.names = FALSE)
k <- ncol(z) - 1
num <- function(x) paste(sprintf("%.17g", x), collapse = " ")
out <- function(key, ...) cat(key, "\t", paste(..., collapse = " "), "\n", sep = "")
out("dataset", sub("\\.csv$", "", basename(csv)))
out("R", R.version.string)

# ---- The complete table. Histories are ordered as binary numbers from 11...1
# down to 00...01, the first list being the most significant digit (the order of
# Rcapture's histpos.t; only the behavioural models Mb/Mbh depend on it).
codes <- (2^k - 1):1
H <- sapply((k - 1):0, function(b) (codes %/% 2^b) %% 2)
obs_codes <- as.vector(as.matrix(z[, 1:k]) %*% 2^((k - 1):0))
y <- vapply(codes, function(cd) sum(z[[k + 1]][obs_codes == cd]), numeric(1))
n <- sum(y)
nbcap <- rowSums(H)
colnames(H) <- paste0("c", 1:k)

# ---- One Poisson glm; the intercept is given as an explicit column.
# Warnings (non-convergence, fitted rates numerically 0) are counted, not shown.
poisson_glm <- function(X, yy, offset = NULL) {
  warns <- character(0)
  d <- data.frame(yy = yy, X, check.names = FALSE)
  f <- withCallingHandlers(
    glm(yy ~ 0 + ., data = d, family = poisson, offset = offset),
    warning = function(w) {
      warns <<- c(warns, conditionMessage(w))
      invokeRestart("muffleWarning")
    }
  )
  f$n_warnings <- length(warns)
  f
}

# Chao's lower-bound models: while an eta (a column after the first nca ones,
# intercept included) is negative, drop the first negative one and refit.
drop_negative_eta <- function(fit, X, yy, nca, offset = NULL) {
  negative <- function(b) !is.na(b) & b < 0
  while (ncol(X) > nca && any(negative(coef(fit)[-(1:nca)]))) {
    pos <- nca + which(negative(coef(fit)[-(1:nca)]))[1]
    X <- X[, -pos, drop = FALSE]
    fit <- poisson_glm(X, yy, offset)
  }
  list(fit = fit, X = X)
}

heterogeneity <- function(form) {
  switch(form,
    Chao = sapply(3:k, function(j) pmax(nbcap - j + 1, 0)),
    Poisson = cbind(tau = 2^nbcap - 1),
    Darroch = cbind(tau = nbcap^2 / 2),
    Gamma = cbind(tau = log(3.5) - log(3.5 + nbcap))
  )
}

design <- function(base, het = NULL, pairs = NULL) {
  X <- if (base == "M0") cbind(nbcap = nbcap) else H
  if (!is.null(pairs) && length(pairs)) {
    for (p in pairs) X <- cbind(X, H[, p[1]] * H[, p[2]])
    colnames(X)[(k + 1):ncol(X)] <- vapply(pairs, function(p) paste0("c", p[1], "c", p[2]), "")
  }
  nca <- ncol(X) + 1
  if (!is.null(het)) {
    hc <- heterogeneity(het)
    if (is.null(colnames(hc))) colnames(hc) <- paste0("eta", 3:k)
    X <- cbind(X, hc)
  }
  list(X = cbind(Intercept = 1, X), nca = nca)
}

# ---- Poisson abundance n + exp(b0) and its standard error.
poisson_n <- function(fit) {
  b0 <- coef(fit)[[1]]
  v <- summary(fit)$cov.unscaled[1, 1]
  c(n + exp(b0), sqrt(exp(b0) + exp(2 * b0) * v))
}

table_row <- function(key, abundance, stderr, fit) {
  rank <- fit$rank
  bic <- fit$aic + (log(n) - 2) * rank
  out(key, num(c(abundance, stderr, fit$deviance, fit$df.residual, fit$aic, bic)),
      as.integer(!fit$converged), fit$n_warnings)
}

# ---- closedp.t: the twelve standard models.
# closedp.<model>: abundance stderr deviance df AIC BIC notconverged nwarnings
models <- list(
  "M0" = list("M0", NULL), "Mt" = list("Mt", NULL),
  "Mh Chao (LB)" = list("M0", "Chao"), "Mh Poisson2" = list("M0", "Poisson"),
  "Mh Darroch" = list("M0", "Darroch"), "Mh Gamma3.5" = list("M0", "Gamma"),
  "Mth Chao (LB)" = list("Mt", "Chao"), "Mth Poisson2" = list("Mt", "Poisson"),
  "Mth Darroch" = list("Mt", "Darroch"), "Mth Gamma3.5" = list("Mt", "Gamma")
)
fits <- list()
for (name in names(models)) {
  spec <- models[[name]]
  d <- design(spec[[1]], spec[[2]])
  fit <- poisson_glm(d$X, y)
  if (identical(spec[[2]], "Chao")) {
    fit <- drop_negative_eta(fit, d$X, y, d$nca)$fit
    out(paste0("chao_dropped.", name), setdiff(colnames(d$X), names(coef(fit))))
  }
  fits[[name]] <- fit
  p <- poisson_n(fit)
  table_row(paste0("closedp.", name), p[1], p[2], fit)
}

# Behavioural models. Mb: log mu = b0 + b1 (occasions before the first capture)
# + b2 (captures after the first); Mbh adds an indicator of "not on list 1"
# right after the intercept. N and its delta-method s.e. follow from the
# geometric sums over the unobserved cell.
first <- apply(H, 1, function(h) which(h == 1)[1])
before <- first - 1
after <- nbcap - 1
e <- exp
fit <- poisson_glm(cbind(Intercept = 1, before = before, after = after), y)
b <- coef(fit)
V <- summary(fit)$cov.unscaled
den <- 1 + e(b[3]) - e(b[2])
N <- e(b[1]) * (1 + e(b[3]))^k / den
g <- N * c(1, e(b[2]) / den, k * e(b[3]) / (1 + e(b[3])) - e(b[3]) / den)
table_row("closedp.Mb", N, sqrt(drop(t(g) %*% V %*% g) - N), fit)

fit <- poisson_glm(cbind(Intercept = 1, notfirst = 1 - H[, 1], before = before, after = after), y)
b <- coef(fit)
V <- summary(fit)$cov.unscaled
den <- 1 + e(b[4]) - e(b[3])
r <- e(b[2] + b[3]) / den
s <- e(b[1]) * (1 + e(b[4]))^(k - 1)
N <- s * (1 + r)
g <- s * c(1 + r, r, r + e(b[2] + 2 * b[3]) / den^2,
           (k - 1) * e(b[4]) / (1 + e(b[4])) - e(b[2] + b[3] + b[4]) / den^2)
table_row("closedp.Mbh", N, sqrt(drop(t(g) %*% V %*% g) - N), fit)

# ---- Multinomial profile likelihood interval (Cormack 1992 correction).
# The unobserved cell N - n is appended as a row with only the intercept and
# the model refitted; the profile log-likelihood is -(deviance - 2 ct) / 2.
cormack <- function(n0, total) {
  if (total > 100) {
    if (n0 == 0 || n0 == 1) -total + 0.5 * log(2 * pi * total) else n0 - total - 0.5 * log(n0 / total)
  } else {
    # log of n0^n0 total! / (total^total n0!), with 0 log 0 = 0
    (if (n0 > 0) n0 * log(n0) else 0) + lgamma(total + 1) - total * log(total) - lgamma(n0 + 1)
  }
}

profile_ci <- function(X, yy, npois, nca = NULL, offset = NULL, alpha = 0.05, fmax = 3) {
  Xa <- rbind(X, c(1, rep(0, ncol(X) - 1)))
  offa <- if (is.null(offset)) NULL else c(offset, 0)
  nwarn <- 0
  loglik <- function(N, target = 0) {
    n0 <- N - n
    ya <- c(yy, n0)
    f <- poisson_glm(Xa, ya, offa)
    if (!is.null(nca)) f <- drop_negative_eta(f, Xa, ya, nca, offa)$fit
    -(f$deviance - 2 * cormack(n0, sum(ya))) / 2 - target
  }
  opt <- optimize(loglik, c(n, 1.5 * npois), tol = 1e-4, maximum = TRUE)
  target <- opt$objective - qchisq(1 - alpha, 1) / 2
  lo <- tryCatch(uniroot(loglik, c(n, opt$maximum), target = target, tol = 1e-4)$root,
                 error = function(e) n)
  hi <- tryCatch(uniroot(loglik, c(opt$maximum, fmax * npois), target = target, tol = 1e-4)$root,
                 error = function(e) Inf)  # Rcapture prints ">" fmax * N
  c(opt$maximum, lo, hi, fmax * npois)
}

# ci.<model>: abundance (multinomial MLE) InfCL SupCL upper-search-end
ci <- function(key, X, fit, nca = NULL) {
  if (any(is.na(coef(fit)))) {
    out(key, "NA NA NA NA")  # not of full rank: Rcapture computes no interval
    return(invisible())
  }
  out(key, num(profile_ci(X, y, poisson_n(fit)[1], nca)))
}
d <- design("Mt")
ci("ci.Mt", d$X, fits[["Mt"]])
for (h in c("Chao", "Poisson", "Darroch", "Gamma")) {
  d <- design("Mt", h)
  long <- names(models)[vapply(models, function(s) identical(s, list("Mt", h)), TRUE)]
  ci(paste("ci.Mth", h), d$X, fits[[long]], if (h == "Chao") d$nca else NULL)
}
# closedpCI.0(m = "M0"): the table of frequencies by number of lists (k down to 1)
# with offset log(choose(k, j)); for M0 the profile is the one of the full table.
fj <- vapply(k:1, function(j) sum(y[nbcap == j]), numeric(1))
X0 <- cbind(Intercept = 1, nbcap = k:1)
off0 <- log(choose(k, k:1))
f0 <- poisson_glm(X0, fj, off0)
yy_full <- y
y <- fj
out("ci.M0", num(profile_ci(X0, fj, n + exp(coef(f0)[[1]]), NULL, off0)))
y <- yy_full

# ---- closedpMS.t(maxorder = 2): every hierarchical model with two-list terms
# (main effects always in). Names as Rcapture: interactions "ij", then the lists
# that are in no interaction. BIC = AIC + (log n - 2) rank.
if (with_ms) {
  allpairs <- combn(k, 2, simplify = FALSE)
  P <- length(allpairs)
  Xall <- cbind(Intercept = 1, H, sapply(allpairs, function(p) H[, p[1]] * H[, p[2]]))
  nm <- character(2^P)
  res <- matrix(NA_real_, 2^P, 8)
  for (code in 0:(2^P - 1)) {
    on <- bitwAnd(code, 2^(0:(P - 1))) > 0
    cols <- c(rep(TRUE, k + 1), on)
    f <- suppressWarnings(glm.fit(Xall[, cols, drop = FALSE], y, family = poisson()))
    b0 <- f$coefficients[1]
    Xc <- Xall[, cols, drop = FALSE]
    v <- tryCatch(solve(crossprod(Xc, f$weights * Xc))[1, 1], error = function(e) NA)
    inpair <- unique(unlist(allpairs[on]))
    nm[code + 1] <- paste0("[", paste(c(vapply(allpairs[on], paste, "", collapse = ""),
                                      as.character(setdiff(1:k, inpair))), collapse = ","), "]")
    res[code + 1, ] <- c(n + exp(b0), sqrt(exp(b0) + exp(2 * b0) * v), f$deviance,
                         f$df.residual, f$aic, f$aic + (log(n) - 2) * f$rank,
                         as.numeric(!f$converged), code)
  }
  out("ms.models", 2^P)
  for (crit in c("aic", "bic")) {
    col <- if (crit == "aic") 5 else 6
    ord <- order(res[, col])
    # ms.<crit>.top<i>: name abundance stderr deviance df AIC BIC notconverged
    for (i in 1:10) {
      j <- ord[i]
      out(paste0("ms.", crit, ".top", i), nm[j], num(res[j, 1:6]), res[j, 7])
    }
    j <- ord[1]
    code <- res[j, 8]
    on <- bitwAnd(code, 2^(0:(P - 1))) > 0
    d <- design("Mt", NULL, allpairs[on])
    fit <- poisson_glm(d$X, y)
    ci(paste0("ms.", crit, ".ci"), d$X, fit)
  }
}
