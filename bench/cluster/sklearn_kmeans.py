#!/usr/bin/python3
"""scikit-learn's unconstrained KMeans on the same .npy, for the speed ratio against `constrainedKMeans`.

Usage: /usr/bin/python3 bench/cluster/sklearn_kmeans.py --vectors bench/out/blobs.npy --k 2,25,100,1000 --max-iter 50
Prints one JSON line per K: seconds (fit only), n_iter, inertia, smallest cluster.
"""
import argparse
import json
import os

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")

import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--vectors", default="bench/out/blobs.npy")
    ap.add_argument("--k", default="1000")
    ap.add_argument("--max-iter", type=int, default=50)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    x = np.load(args.vectors)
    for k in [int(v) for v in args.k.split(",")]:
        t0 = time.perf_counter()
        km = KMeans(n_clusters=k, init="k-means++", n_init=1, max_iter=args.max_iter, random_state=args.seed, algorithm="lloyd")
        km.fit(x)
        seconds = time.perf_counter() - t0
        sizes = np.bincount(km.labels_, minlength=k)
        print(json.dumps({"k": k, "seconds": round(seconds, 2), "iterations": int(km.n_iter_), "inertia": float(km.inertia_),
                          "minCluster": int(sizes.min()), "n": x.shape[0], "d": x.shape[1]}), flush=True)


if __name__ == "__main__":
    main()
