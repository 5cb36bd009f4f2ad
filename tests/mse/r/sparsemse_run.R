# Drive SparseMSE 2.0.1 on the reference CSVs and print its answers at full precision.
#
# Usage: Rscript tests/mse/r/sparsemse_run.R <csv> [<sparsemse source file>]
#
# With the package installed, library(SparseMSE) is used. Without it (CRAN is not
# reachable here) pass the path of a local copy of the package's R/routines.R;
# that copy is another project's code and is never committed to samen.
# Needs lpSolve (Debian: r-cran-lpsolve). One "key<TAB>value" line per result.

args <- commandArgs(trailingOnly = TRUE)
csv <- args[1]
if (requireNamespace("SparseMSE", quietly = TRUE)) {
  env <- asNamespace("SparseMSE")
  src <- paste("SparseMSE", as.character(packageVersion("SparseMSE")))
} else {
  env <- new.env()
  sys.source(args[2], envir = env)
  src <- paste("sourced", basename(args[2]))
}
fn <- function(name) get(name, envir = env)

z <- read.csv(csv, check.names = FALSE)
m <- ncol(z) - 1
lists <- names(z)[1:m]
out <- function(key, ...) cat(key, "\t", paste(..., collapse = " "), "\n", sep = "")
num <- function(x) sprintf("%.17g", x)

out("dataset", sub("\\.csv$", "", basename(csv)))
out("R", R.version.string)
out("lpSolve", as.character(packageVersion("lpSolve")))
out("source", src)

# Count LP checks and glm fits as R-REFERENCE.md does, by tracing the functions
# the stepwise search calls (checkident, glm) inside the package environment.
counter <- new.env()
counter$lp <- 0
counter$glm <- 0
orig_checkident <- fn("checkident")
orig_glm <- stats::glm
assign("checkident", function(...) {
  counter$lp <- counter$lp + 1
  orig_checkident(...)
}, envir = env)
glm_counting <- function(...) {
  counter$glm <- counter$glm + 1
  orig_glm(...)
}
# The model's two-list terms in order of entry, empty overlaps included: the
# stepwise search passes the whole term matrix to modelfit each time it adds one.
counter$mx <- NULL
orig_modelfit <- fn("modelfit")
modelfit_recording <- function(zdat, mX = NULL, check = TRUE) {
  counter$mx <- mX
  orig_modelfit(zdat, mX, check)
}
if (!isNamespace(env)) {
  assign("glm", glm_counting, envir = env)
  assign("modelfit", modelfit_recording, envir = env)
}

pair_names <- function(mx) {
  if (is.null(mx) || length(mx) == 0) return("")
  mx <- as.matrix(mx)
  paste(apply(mx, 2, function(p) paste(lists[p], collapse = ":")), collapse = ",")
}

# --- estimatepopulation.0(z, method = "stepwise", quantiles = c(0.025, 0.975))
res <- fn("estimatepopulation.0")(z, method = "stepwise", quantiles = c(0.025, 0.975))
out("stepwise.estimate", num(res$estimate))  # 2.5%, point est., 97.5%
fit <- res$MSEfit$fit
terms <- attr(terms(fit), "term.labels")
out("stepwise.terms", paste(terms[grepl(":", terms)], collapse = ","))  # non-empty only
if (!isNamespace(env)) out("stepwise.pairs", pair_names(counter$mx))  # order of entry
out("stepwise.empty", paste(colnames(res$MSEfit$emptyoverlaps), collapse = ","))
out("stepwise.poisspempty", num(res$MSEfit$poisspempty))
out("stepwise.lp_checks", counter$lp)
if (!isNamespace(env)) out("stepwise.glm_fits", counter$glm)
out("stepwise.intercept", num(coef(fit)[1]))
out("stepwise.intercept_se", num(sqrt(summary(fit)$cov.unscaled[1, 1])))
out("stepwise.aic", num(fit$aic))
out("stepwise.deviance", num(fit$deviance))

# --- estimatepopulation.0(z, method = "main")
res <- fn("estimatepopulation.0")(z, method = "main", quantiles = c(0.025, 0.975))
out("main.estimate", num(res$estimate))

# --- checkident for the main-effects model, every single pair and all pairs
pairs <- combn(m, 2)
out("checkident.main", fn("checkident")(z, NULL))
for (j in seq_len(ncol(pairs))) {
  out(paste0("checkident.", pair_names(pairs[, j])), fn("checkident")(z, pairs[, j]))
}
out("checkident.all", fn("checkident")(z, 0))
out("count_triples", fn("count_triples")(z))

# --- checkallmodels(z): models without an extended MLE (<= 6 lists, as the reference)
if (m <= 6) {
  bad <- fn("checkallmodels")(z)
  if (is.null(bad)) {
    out("checkallmodels.count", 0)
  } else {
    bad <- as.matrix(bad)
    if (ncol(bad) == 1) bad <- t(bad)
    out("checkallmodels.count", nrow(bad))
    models <- apply(bad, 1, function(r) paste(colnames(bad)[r == 1], collapse = ","))
    out("checkallmodels.models", paste(sort(models), collapse = ";"))
  }
}
