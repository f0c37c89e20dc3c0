"""The risk model's trees against LightGBM on the same feature matrix (bench/run-risk): both read
the same CSV files `schoolsight risk export` wrote, train on the same rows with the same recency
weights, and score the same test year. Schoolsight's trees boost from the schedule baseline's
log-odds (the matrix's `inspection_schedule` column); LightGBM runs three ways: with its defaults,
as a user would; boosting from the same column (`init_score`), the same work; and also with
Schoolsight's tree settings (7 leaves, 80% of the rows a tree). The runs alternate
(three rounds of all three) so each meets the same machine; each times its training alone. Prints
AUC and the median training time of each, and the ratios.

Usage: risk.py MATRIX_DIR SCHOOLSIGHT_BIN
"""
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import lightgbm as lgb
import pandas as pd
from sklearn.metrics import roc_auc_score

ROUNDS = 3


PRIOR = "inspection_schedule"


def lightgbm(folder: Path, from_prior: bool, small_trees: bool = False) -> tuple[float, float]:
    train = pd.read_csv(folder / "train.csv")
    test = pd.read_csv(folder / "test.csv")
    features = [c for c in train.columns if c not in ("label", "weight")]
    # The same knobs the Rust side uses where LightGBM has them: 16 bins a feature, one thread,
    # a fixed seed; LightGBM's defaults otherwise (100 rounds, learning rate 0.1, 31 leaves).
    params = {"objective": "binary", "max_bin": 16, "num_threads": 1, "seed": 20140530, "verbose": -1}
    if small_trees:
        params |= {"num_leaves": 7, "bagging_fraction": 0.8, "bagging_freq": 1}
    init = train[PRIOR] if from_prior else None
    started = time.perf_counter()
    data = lgb.Dataset(train[features], label=train["label"], weight=train["weight"], init_score=init,
                       params={"max_bin": 16})
    model = lgb.train(params, data)
    seconds = time.perf_counter() - started
    scores = model.predict(test[features], raw_score=True) + (test[PRIOR] if from_prior else 0.0)
    return roc_auc_score(test["label"], scores), seconds


def schoolsight(folder: Path, binary: str) -> tuple[float, float]:
    out = subprocess.run([binary, "risk", "fit-matrix", str(folder)], check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["auc"], result["train_seconds"]


def main(folder: Path, binary: str) -> None:
    matrix = json.loads((folder / "matrix.json").read_text())
    sides = {
        "Schoolsight GBDT (Rust)": lambda: schoolsight(folder, binary),
        "LightGBM, defaults (Python)": lambda: lightgbm(folder, False),
        "LightGBM, from the same prior": lambda: lightgbm(folder, True),
        "LightGBM, prior, our tree sizes": lambda: lightgbm(folder, True, small_trees=True),
    }
    runs = {name: [] for name in sides}
    for _ in range(ROUNDS):
        for name, run in sides.items():
            runs[name].append(run())
    auc = {name: r[0][0] for name, r in runs.items()}
    seconds = {name: statistics.median(s for _, s in r) for name, r in runs.items()}
    print(f"cut-off {matrix['cutoff']}: {matrix['train_rows']} training rows, {matrix['test_rows']} test rows, "
          f"{matrix['features']} features; median of {ROUNDS} alternating runs")
    print(f"{'model':<32} {'AUC':>7} {'training (s)':>13}")
    for name in sides:
        print(f"{name:<32} {auc[name]:>7.4f} {seconds[name]:>13.3f}")
    ours = "Schoolsight GBDT (Rust)"
    for name in list(sides)[1:]:
        print(f"against {name}: AUC ratio Schoolsight / LightGBM {auc[ours] / auc[name]:.3f}, "
              f"training-time ratio LightGBM / Schoolsight {seconds[name] / seconds[ours]:.2f} (above 1: Schoolsight trains faster)")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
