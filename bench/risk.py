"""LightGBM on the feature matrix Schoolsight exported (bench/run-risk): the same rows, the same
recency weights, the same test year. Prints both models' AUC and training time and the ratios.

Usage: risk.py MATRIX_DIR   (holds train.csv, test.csv and rust.json from `schoolsight risk export`)
"""
import json
import sys
import time
from pathlib import Path

import lightgbm as lgb
import pandas as pd
from sklearn.metrics import roc_auc_score


def main(folder: Path) -> None:
    train = pd.read_csv(folder / "train.csv")
    test = pd.read_csv(folder / "test.csv")
    rust = json.loads((folder / "rust.json").read_text())
    features = [c for c in train.columns if c not in ("label", "weight")]
    # The same knobs the Rust side uses where LightGBM has them: 16 bins a feature, one thread,
    # a fixed seed; LightGBM's defaults otherwise (100 rounds, learning rate 0.1, 31 leaves).
    params = {"objective": "binary", "max_bin": 16, "num_threads": 1, "seed": 20140530, "verbose": -1}
    started = time.perf_counter()
    data = lgb.Dataset(train[features], label=train["label"], weight=train["weight"], params={"max_bin": 16})
    model = lgb.train(params, data)
    seconds = time.perf_counter() - started
    auc = roc_auc_score(test["label"], model.predict(test[features]))

    print(f"cut-off {rust['cutoff']}: {len(train)} training rows, {len(test)} test rows, {len(features)} features")
    print(f"{'model':<34} {'AUC':>7} {'training (s)':>13}")
    print(f"{'Schoolsight GBDT (perpetual, Rust)':<34} {rust['auc']:>7.4f} {rust['train_seconds']:>13.3f}")
    print(f"{'LightGBM (Python)':<34} {auc:>7.4f} {seconds:>13.3f}")
    print(f"AUC ratio Schoolsight / LightGBM: {rust['auc'] / auc:.3f}")
    print(f"training-time ratio LightGBM / Schoolsight: {seconds / rust['train_seconds']:.2f} "
          f"(above 1: Schoolsight trains faster)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
