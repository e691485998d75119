#!/usr/bin/env python3
"""Reference values for the replication statistics, from scipy 1.17 and
statsmodels: Page's L (`scipy.stats.page_trend_test`, method='auto'), the
one-sided Wilcoxon signed-rank test (`scipy.stats.wilcoxon(d,
alternative='greater')`), t intervals (`scipy.stats.t.interval`), Holm
(`statsmodels.stats.multitest.multipletests(method='holm')`), and the power
of Page's test against a planted trend, by simulation.
Writes statistics.json beside this script.
Usage: python3 Tests/Fixtures/statistics/make_statistics_fixtures.py
"""
import json
import os
import warnings

import numpy as np
import scipy
from scipy import stats
from statsmodels.stats.multitest import multipletests

HERE = os.path.dirname(os.path.abspath(__file__))


def clean(x):
    x = float(x)
    return None if np.isnan(x) else x


def main():
    rng = np.random.default_rng(16)
    out = {"scipy": scipy.__version__}

    page = []
    shapes = [(3, 5), (10, 6), (12, 8), (13, 6), (2, 9), (21, 3), (5, 4), (2, 3), (20, 3), (13, 3)]
    for m, n in shapes:
        data = rng.standard_normal((m, n)) + 0.4 * np.arange(n)
        page.append(data)
    ties = np.round(rng.standard_normal((8, 5)) * 1.2) + np.arange(5) * 0.5
    page.append(ties)
    page.append(np.tile(np.arange(6.0), (10, 1)))          # a perfect trend
    page.append(np.ones((4, 5)))                           # every block tied
    page.append(np.tile(np.arange(6.0)[::-1], (3, 1)))     # the opposite trend
    out["page"] = []
    for data in page:
        res = stats.page_trend_test(data)
        out["page"].append({"data": data.tolist(), "L": float(res.statistic), "p": float(res.pvalue), "method": res.method})

    wil = []
    wil.append(rng.standard_normal(10) + 0.5)                              # exact
    wil.append(np.array([0.5, -0.2, 0.0, 1.1, 0.3, 0.0, 0.7, -0.4]))       # zeros: permutation
    wil.append(np.array([1.0, 2.0, 2.0, -1.0, 3.0, 1.0, -2.0, 4.0, 2.0]))  # ties: permutation
    wil.append(np.round(rng.standard_normal(20) * 2) + 0.5 * (rng.standard_normal(20) > -1))  # ties, n = 20: asymptotic
    wil.append(rng.standard_normal(60) + 0.2)                              # n > 50: asymptotic
    wil.append(np.array([0.3, 0.1, 0.7]))                                  # all positive, n = 3
    wil.append(np.array([-0.3, -0.1, -0.7, -0.2]))                         # all negative
    wil.append(np.array([2.5]))                                            # one difference
    wil.append(rng.standard_normal(13) * 0 + np.array([1, -1, 2, 2, 3, -3, 0, 4, 5, 1, 2, -2, 6.0]))  # n = 13 with ties, zero
    wil.append(np.array([1, -1, 2, 2, 3, -3, 0.5, 4, 5, 1, 2, -2, 6.0, 7]))  # n = 14 with ties: asymptotic
    out["wilcoxon"] = []
    for d in wil:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = stats.wilcoxon(d, alternative="greater")
        out["wilcoxon"].append({"d": d.tolist(), "statistic": clean(res.statistic), "p": clean(res.pvalue)})

    out["t_interval"] = []
    for n in (2, 3, 5, 10, 30):
        x = rng.standard_normal(n) * 0.3 + 0.1
        low, high = stats.t.interval(0.95, n - 1, loc=x.mean(), scale=stats.sem(x))
        out["t_interval"].append({"x": x.tolist(), "low": float(low), "high": float(high),
                                  "ppf": float(stats.t.ppf(0.975, n - 1))})
    # Every seed alike: scipy's interval is (nan, nan), from ±inf × a zero scale.
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = np.full(4, 0.25)
        low, high = stats.t.interval(0.95, 3, loc=x.mean(), scale=stats.sem(x))
    out["t_interval"].append({"x": x.tolist(), "low": clean(low), "high": clean(high), "ppf": float(stats.t.ppf(0.975, 3))})

    out["holm"] = []
    for p in ([0.01, 0.04, 0.03, 0.2], [0.5, 0.001, 0.02], [0.04, 0.04, 0.04], [0.9], [0.003, 0.6, 0.011, 0.02, 0.3]):
        out["holm"].append({"p": p, "adjusted": multipletests(p, method="holm")[1].tolist()})

    # Power of Page's test (alpha 0.05) with a planted trend: S blocks, k
    # treatments, value = slope * treatment + N(0, 1).
    out["power"] = []
    for blocks, treatments, slope in ((10, 6, 0.0), (10, 6, 0.15), (5, 6, 0.3)):
        sims = 4000
        hits = 0
        for _ in range(sims):
            data = rng.standard_normal((blocks, treatments)) + slope * np.arange(treatments)
            hits += stats.page_trend_test(data).pvalue < 0.05
        out["power"].append({"blocks": blocks, "treatments": treatments, "slope": slope, "simulations": sims,
                             "rejection_rate": hits / sims})

    with open(os.path.join(HERE, "statistics.json"), "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
