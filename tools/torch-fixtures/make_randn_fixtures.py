#!/usr/bin/env python3
"""Print reference values of torch's CPU random streams as JSON (stdout).

Used by test/diffusion/torch-generator.test.ts through test/fixtures/torch-randn.json:
    /usr/bin/python3 tools/torch-fixtures/make_randn_fixtures.py > test/fixtures/torch-randn.json
Needs only PyTorch (Debian: apt-get install python3-torch). Small tensors are stored whole; for big ones the
first and last few values and the float64 sum keep the file small.
"""
import json
import torch

SEEDS = [0, 1, 42, 2**32 + 5, 18446744073709551557]  # the last one: largest prime below 2**64
SHAPES = [[1], [7], [15], [16], [17], [33], [4, 4, 8, 8]]
WHOLE_LIMIT = 64  # tensors up to this many elements are stored whole
EDGE = 8  # values kept from each end of a bigger tensor


def record(fn, shape, values):
    flat = values.reshape(-1)
    entry = {"fn": fn, "shape": shape}
    if flat.numel() <= WHOLE_LIMIT:
        entry["values"] = [float(v) for v in flat]
    else:
        entry["first"] = [float(v) for v in flat[:EDGE]]
        entry["last"] = [float(v) for v in flat[-EDGE:]]
        entry["sum"] = float(flat.double().sum())
        entry["abs_sum"] = float(flat.double().abs().sum())
    return entry


def run(seed, calls):
    g = torch.Generator().manual_seed(seed)
    out = []
    for fn, shape in calls:
        draw = torch.randn if fn == "randn" else torch.rand
        out.append(record(fn, shape, draw(shape, generator=g)))
    return {"seed": str(seed), "calls": out}


cases = []
for seed in SEEDS:
    for shape in SHAPES:
        cases.append(run(seed, [("randn", shape)]))
# One generator, successive calls: the scalar path's cached second Box-Muller value and the
# vectorised path share one stream.
cases.append(run(42, [("randn", [3]), ("randn", [3]), ("randn", [1]), ("randn", [16]), ("randn", [5]),
                      ("randn", [4, 4, 8, 8]), ("randn", [2]), ("randn", [17])]))
cases.append(run(7, [("randn", [1]), ("randn", [20]), ("randn", [1]), ("randn", [1])]))
cases.append(run(0, [("rand", [5]), ("rand", [20]), ("randn", [2]), ("rand", [3])]))

header = {
    "generator": "torch.Generator().manual_seed(seed), CPU, float32",
    "command": "/usr/bin/python3 tools/torch-fixtures/make_randn_fixtures.py",
    "torch_version": torch.__version__,
    "cpu_capability": next((line.split(":", 1)[1].strip() for line in torch.__config__.show().splitlines()
                            if "CPU capability" in line), "unknown"),
}
# One case per line keeps the file small and its diffs readable.
body = ",\n  ".join(json.dumps(case) for case in cases)
print(json.dumps(header, indent=1)[:-2] + ',\n "cases": [\n  ' + body + "\n ]\n}")
