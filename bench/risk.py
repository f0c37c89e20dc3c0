"""The risk model's trees against LightGBM on the same feature matrix (bench/run-risk): both read
the same CSV files `schoolsight risk export` wrote, train on the same rows with the same recency
weights, and score the same test year. The runs alternate (Schoolsight, LightGBM, three times each)
so both meet the same machine; each side times its training alone. Prints AUC and the median
training time of both, and the ratios.

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


def lightgbm(folder: Path) -> tuple[float, float]:
    train = pd.read_csv(folder / "train.csv")
    test = pd.read_csv(folder / "test.csv")
    features = [c for c in train.columns if c not in ("label", "weight")]
    # The same knobs the Rust side uses where LightGBM has them: 16 bins a feature, one thread,
    # a fixed seed; LightGBM's defaults otherwise (100 rounds, learning rate 0.1, 31 leaves).
    params = {"objective": "binary", "max_bin": 16, "num_threads": 1, "seed": 20140530, "verbose": -1}
    started = time.perf_counter()
    data = lgb.Dataset(train[features], label=train["label"], weight=train["weight"], params={"max_bin": 16})
    model = lgb.train(params, data)
    seconds = time.perf_counter() - started
    return roc_auc_score(test["label"], model.predict(test[features])), seconds


def schoolsight(folder: Path, binary: str) -> tuple[float, float]:
    out = subprocess.run([binary, "risk", "fit-matrix", str(folder)], check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["auc"], result["train_seconds"]


def main(folder: Path, binary: str) -> None:
    matrix = json.loads((folder / "matrix.json").read_text())
    runs = {"rust": [], "lightgbm": []}
    for _ in range(ROUNDS):
        runs["rust"].append(schoolsight(folder, binary))
        runs["lightgbm"].append(lightgbm(folder))
    rust_auc, lgb_auc = runs["rust"][0][0], runs["lightgbm"][0][0]
    rust_s = statistics.median(s for _, s in runs["rust"])
    lgb_s = statistics.median(s for _, s in runs["lightgbm"])
    print(f"cut-off {matrix['cutoff']}: {matrix['train_rows']} training rows, {matrix['test_rows']} test rows, "
          f"{matrix['features']} features; median of {ROUNDS} alternating runs")
    print(f"{'model':<34} {'AUC':>7} {'training (s)':>13}")
    print(f"{'Schoolsight GBDT (perpetual, Rust)':<34} {rust_auc:>7.4f} {rust_s:>13.3f}")
    print(f"{'LightGBM (Python)':<34} {lgb_auc:>7.4f} {lgb_s:>13.3f}")
    print(f"AUC ratio Schoolsight / LightGBM: {rust_auc / lgb_auc:.3f}")
    print(f"training-time ratio LightGBM / Schoolsight: {lgb_s / rust_s:.2f} (above 1: Schoolsight trains faster)")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
