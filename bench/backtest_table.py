"""Prints `schoolsight risk backtest --json` (read from standard input) as the README's Markdown table."""
import json
import sys

MODELS = ["gbdt", "logistic", "baseline_previous", "baseline_previous_and_time"]


def three(x):
    return "–" if x is None else f"{x:.3f}"


report = json.load(sys.stdin)
print("| cut-off | tested on | predicts | schools inspected | below good | AUC: trees | logistic | previous | previous + time "
      "| trees: Brier | precision top 10% | recall top 10% | precision top 20% | recall top 20% |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for w in report["windows"]:
    trees = w["models"]["gbdt"]
    aucs = " | ".join(three(w["models"][m]["auc"]) for m in MODELS)
    print(f"| {w['cutoff']} | {w['test_from']} to {w['test_to']} | {w['target'].replace('_', ' ')} | {w['inspections']} "
          f"| {100 * w['below_good_rate']:.1f}% | {aucs} | {three(trees['brier'])} | {three(trees['precision_top10'])} "
          f"| {three(trees['recall_top10'])} | {three(trees['precision_top20'])} | {three(trees['recall_top20'])} |")
print()
for w in report["windows"]:
    top = ", ".join(f["feature"].replace("_", " ") for f in w.get("top_features", [])[:5])
    print(f"- {w['cutoff']}: {top}")
