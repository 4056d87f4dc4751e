"""The PSI profile work of ProfileBenchmarks.CreatePsiProfile, done the way a Python user would:
per column np.quantile (linear / R-7) + np.searchsorted + np.bincount, on 1,000,000 rows x 20
numeric features. Prints the best of 5 runs.

    /usr/bin/python3 bench/Scouter.Benchmarks/numpy_psi.py     # python3-numpy from apt
"""
import time

import numpy as np

ROWS, COLUMNS, BINS = 1_000_000, 20, 10


def make_table(seed):
    rng = np.random.default_rng(seed)
    cols = []
    for c in range(COLUMNS):
        normal = rng.standard_normal(ROWS)
        cols.append([normal, np.exp(normal * 0.5), rng.random(ROWS) * 100][c % 3])
    return cols


def psi_profile(columns):
    probs = np.arange(1, BINS) / BINS
    profile = []
    for col in columns:
        present = col[np.isfinite(col)]
        edges = np.unique(np.quantile(present, probs))  # R-7, deduplicated
        bins = np.searchsorted(edges, present, side="left") + 1  # right-closed bins 1..k+1
        counts = np.bincount(bins, minlength=len(edges) + 2)
        counts[0] = len(col) - len(present)  # missing bin
        profile.append((edges, counts / len(col)))
    return profile


if __name__ == "__main__":
    table = make_table(1)
    psi_profile(table)  # warm-up
    times = []
    for _ in range(5):
        start = time.perf_counter()
        psi_profile(table)
        times.append(time.perf_counter() - start)
    print(f"numpy {np.__version__}: PSI profile of {ROWS:,} rows x {COLUMNS} features: "
          f"best {min(times) * 1000:.1f} ms, median {sorted(times)[2] * 1000:.1f} ms")
