#!/usr/bin/env python3
"""Writes FILES random (incompressible, all distinct) files totalling TOTAL_BYTES under DIR.

Sizes are log-uniform over a range of 2^14 (e.g. 12 B .. 190 KiB for a mean of 20 KB), scaled so
that they add up to TOTAL_BYTES exactly; 100 files per directory, 100 directories per top-level
directory. Sizes and layout are fixed by the seed; the content comes from os.urandom.

usage: gen-tree.py DIR FILES TOTAL_BYTES [SEED]
"""
import math
import os
import random
import sys


def main():
    out, n, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    if n <= 0 or total < n:
        sys.exit("gen-tree.py: need FILES > 0 and TOTAL_BYTES >= FILES")
    rng = random.Random(seed)
    spread = math.log(2.0**14)
    raw = [math.exp(rng.random() * spread) for _ in range(n)]
    scale = total / sum(raw)
    sizes = [max(1, int(r * scale)) for r in raw]
    # Put the rounding difference on the largest file so the total is exact.
    biggest = max(range(n), key=sizes.__getitem__)
    sizes[biggest] += total - sum(sizes)
    for i, size in enumerate(sizes):
        d = os.path.join(out, "t%03d" % (i // 10000), "d%02d" % (i // 100 % 100))
        if i % 100 == 0:
            os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "f%05d.bin" % i), "wb") as f:
            left = size
            while left > 0:
                step = min(left, 8 << 20)
                f.write(os.urandom(step))
                left -= step


if __name__ == "__main__":
    main()
