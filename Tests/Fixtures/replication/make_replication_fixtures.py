#!/usr/bin/env python3
"""Reference values for `metasae aggregate`, from scipy and statsmodels.

Each design is a set of seeds, each with the seed's four metrics, three
diagnostics and a flat control's differences at every SAE depth. For every
series the expected numbers come from scipy.stats (t.interval, spearmanr,
page_trend_test, wilcoxon with alternative='greater') and statsmodels'
Holm, and the exact Spearman p from enumerating every ordering: nothing here
calls metasae. Ties, zero steps and LTES saturating at 1 are planted.
Writes replication.json beside this script.
Usage: python3 Tests/Fixtures/replication/make_replication_fixtures.py
"""
import itertools
import json
import os
import warnings

import numpy as np
import scipy
from scipy import stats
from statsmodels.stats.multitest import multipletests

HERE = os.path.dirname(os.path.abspath(__file__))
ALPHA = 0.05


def f(x):
    x = float(x)
    return None if np.isnan(x) else x


def exact_spearman_p(x, y):
    """Share of the orderings of y whose |rho| reaches the observed |rho|."""
    rx, ry = stats.rankdata(x), stats.rankdata(y)
    def rho(a, b):
        a, b = a - a.mean(), b - b.mean()
        d = np.sqrt((a * a).sum() * (b * b).sum())
        return np.nan if d == 0 else (a * b).sum() / d
    observed = rho(rx, ry)
    if np.isnan(observed):
        return np.nan
    hits = total = 0
    for perm in itertools.permutations(ry):
        value = rho(rx, np.array(perm))
        total += 1
        hits += (not np.isnan(value)) and abs(value) >= abs(observed) - 1e-12
    return hits / total


def holm(p):
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    keep = ~np.isnan(p)
    if keep.any():
        out[keep] = multipletests(p[keep], method="holm")[1]
    return out


def wilcoxon_greater(d):
    d = np.asarray(d, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stats.wilcoxon(d, alternative="greater")
    return float(res.statistic), float(res.pvalue)


def series_expectation(direction, depths, values):
    values = np.asarray(values, dtype=float)
    s, _ = values.shape
    oriented = -values if direction == "falling" else values
    per_depth = []
    for j, depth in enumerate(depths):
        column = values[:, j]
        mean = column.mean()
        low, high = stats.t.interval(0.95, s - 1, loc=mean, scale=stats.sem(column))
        per_depth.append({"depth": depth, "mean": mean, "interval": [low, high]})
    rhos, exact = [], []
    for row in values:
        rhos.append(f(stats.spearmanr(depths, row).statistic))
        exact.append(f(exact_spearman_p(np.array(depths, float), row)))
    steps = []
    if direction == "positive":
        for j, depth in enumerate(depths):
            stat, p = wilcoxon_greater(oriented[:, j])
            steps.append({"from": None, "to": depth, "statistic": stat, "p": p})
    else:
        for j in range(len(depths) - 1):
            stat, p = wilcoxon_greater(oriented[:, j + 1] - oriented[:, j])
            steps.append({"from": depths[j], "to": depths[j + 1], "statistic": stat, "p": p})
    adjusted = holm([step["p"] for step in steps])
    for step, p in zip(steps, adjusted):
        step["pHolm"] = f(p)
    finite = [r for r in rhos if r is not None]
    mean_rho = float(np.mean(finite))
    out = {"perDepth": per_depth, "rho": rhos, "pExact": exact, "steps": steps, "meanRho": mean_rho,
           "seedsWithPositiveRho": sum(r is not None and r > 0 for r in rhos)}
    if direction == "positive":
        out["page"] = None
        out["pooledP"] = float(np.max(adjusted))
        out["expectedPattern"] = bool(all(row["mean"] > 0 for row in per_depth))
    else:
        res = stats.page_trend_test(oriented)
        out["page"] = {"L": float(res.statistic), "p": float(res.pvalue), "method": res.method}
        out["pooledP"] = float(res.pvalue)
        out["expectedPattern"] = bool(mean_rho > 0 if direction == "rising" else mean_rho < 0)
    return out


def design(rng, seeds, depth_count):
    depths = list(range(1, depth_count + 1))
    d = np.arange(depth_count, dtype=float)
    series = []
    def add(name, family, control, direction, values, used=None):
        used = used or depths
        series.append({"name": name, "family": family, "control": control, "direction": direction,
                       "depths": used, "values": np.asarray(values, float).tolist()})
    noise = lambda scale: rng.standard_normal((seeds, depth_count)) * scale
    add("FRI", "metric", None, "rising", -0.06 + 0.012 * d + noise(0.01))
    # Rounded: ties within a seed and between seeds' steps.
    add("CSP", "metric", None, "rising", np.round(0.3 - 0.02 * d + noise(0.03), 2))
    add("PDS", "metric", None, "positive", (0.01 + noise(0.015))[:, 1:], depths[1:])
    # Saturating at 1: zero steps at the deepest depths.
    add("LTES", "metric", None, "rising", np.minimum(1.0, np.round(0.8 + 0.06 * d + noise(0.03), 2)))
    add("ODM", "diagnostic", None, "falling", 0.15 - 0.01 * d + noise(0.01))
    add("mean L0", "diagnostic", None, "falling", 20 - 2.5 * d + noise(1.0))
    add("alive latents", "diagnostic", None, "falling", np.round(200 - 8 * d + noise(6)))
    add("FRI − flat control", "control difference", "flat control", "rising", 0.002 * d + noise(0.004))
    add("PDS − flat control", "control difference", "flat control", "positive", noise(0.01)[:, 1:], depths[1:])
    add("ODM − flat control", "control difference", "flat control", "falling", -0.003 * d + noise(0.004))
    families = {}
    for entry in series:
        entry["expected"] = series_expectation(entry["direction"], entry["depths"], entry["values"])
        key = entry["family"] if entry["control"] is None else entry["family"] + ": " + entry["control"]
        families.setdefault(key, []).append(entry)
    for members in families.values():
        adjusted = holm([m["expected"]["pooledP"] for m in members])
        for m, p in zip(members, adjusted):
            m["expected"]["pHolm"] = f(p)
            m["expected"]["significant"] = bool(m["expected"]["expectedPattern"] and p < ALPHA)
    supporting = sum(m["expected"]["significant"] for m in series if m["family"] == "metric")
    evaluated = sum(m["family"] == "metric" for m in series)
    if depth_count < 3 or seeds < 2:
        conclusion = "inconclusive"
    elif supporting == evaluated or supporting >= 3:
        conclusion = "supported"
    else:
        conclusion = "partially supported" if supporting >= 1 else "not supported"
    return {"seeds": seeds, "depths": depths, "series": series, "conclusion": conclusion, "supporting": supporting}


def main():
    rng = np.random.default_rng(2026)
    out = {"scipy": scipy.__version__,
           "designs": [design(rng, 6, 6), design(rng, 14, 5), design(rng, 3, 4), design(rng, 10, 6)]}
    def clean(x):
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        if isinstance(x, list):
            return [clean(v) for v in x]
        if isinstance(x, (float, np.floating)):
            return f(x)
        if isinstance(x, np.integer):
            return int(x)
        if isinstance(x, np.bool_):
            return bool(x)
        return x
    with open(os.path.join(HERE, "replication.json"), "w") as handle:
        json.dump(clean(out), handle, indent=1)


if __name__ == "__main__":
    main()
