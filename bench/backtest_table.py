"""Prints `schoolsight risk backtest --json [--measure-gain]` (read from standard input) as the README's
Markdown tables: the back-test, the features that carried the trees, and (with --measure-gain) what
the sources beyond the inspection history add."""
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

gains = [w for w in report["windows"] if w["models"].get("gbdt_history_only")]
if gains:
    print()
    print("| cut-off | AUC: trees, every feature | trees, inspection history only | gain |")
    print("|---|---:|---:|---:|")
    for w in gains:
        full, alone = w["models"]["gbdt"]["auc"], w["models"]["gbdt_history_only"]["auc"]
        gain = "–" if full is None or alone is None else f"{full - alone:+.3f}"
        print(f"| {w['cutoff']} | {three(full)} | {three(alone)} | {gain} |")
