"""Writes a large CSV for the streaming / peak-memory check of `scouter profile create`:
20 numeric columns and 2 categorical ones, about SIZE_GB gigabytes (default 1).

    /usr/bin/python3 bench/Scouter.Benchmarks/large_csv.py /tmp/large.csv [SIZE_GB]
    /usr/bin/time -v dotnet src/Scouter.Cli/bin/Release/net10.0/scouter.dll profile create \
        --type psi --input /tmp/large.csv -o /tmp/large_profile.json      # "Maximum resident set size"
"""
import os
import sys

import numpy as np

path = sys.argv[1]
target = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
rng = np.random.default_rng(3)
regions = np.array(["north", "south", "east", "west", "central"], dtype=object)
segments = np.array([f"segment_{i:02d}" for i in range(40)], dtype=object)
header = ",".join([f"f{i}" for i in range(20)] + ["region", "segment"])
fmt = ["%.6g"] * 20 + ["%s", "%s"]
with open(path, "w", encoding="utf-8") as f:
    f.write(header + "\n")
    while f.tell() < target * 1e9:
        n = 200_000
        block = np.empty((n, 22), dtype=object)
        block[:, :20] = rng.standard_normal((n, 20)) * 100
        block[:, 20] = regions[rng.integers(0, len(regions), n)]
        block[:, 21] = segments[rng.integers(0, len(segments), n)]
        np.savetxt(f, block, fmt=fmt, delimiter=",")
print(f"{path}: {os.path.getsize(path) / 1e9:.2f} GB")
