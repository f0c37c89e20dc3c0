"""Import benchmark: Schoolsight against the pipeline a data analyst would otherwise use.

Both sides load the same whole-England files (the bundled national GIAS-format register and
the Ofsted management-information file) into a fresh SQLite database:
  * schoolsight: `schoolsight import FILE...` (decode, validate every cell, upsert, one
    transaction per file);
  * pandas: `read_csv` + `to_sql` into SQLite (no validation, no upsert).
Each side runs REPEATS times, alternating, in this one process's session; the script prints
the best and median wall time of each and the ratio. Run it with bench/run-import.
"""

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

import pandas as pd

REPEATS = int(os.environ.get("REPEATS", "5"))


def schoolsight_import(binary, files, db):
    subprocess.run(
        [binary, "import", *files],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "DATABASE_URL": f"sqlite://{db}?mode=rwc"},
    )


def pandas_import(files, db):
    with sqlite3.connect(db) as conn:
        for i, path in enumerate(files):
            frame = pd.read_csv(path, encoding="cp1252", dtype=str, keep_default_na=True)
            frame.to_sql(f"file_{i}", conn, if_exists="replace", index=False)


def timed(run):
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "bench.db")
        start = time.perf_counter()
        run(db)
        return time.perf_counter() - start


def main():
    binary, files = sys.argv[1], sys.argv[2:]
    rows = sum(sum(1 for _ in open(f, "rb")) - 1 for f in files)
    ours, theirs = [], []
    for _ in range(REPEATS):
        ours.append(timed(lambda db: schoolsight_import(binary, files, db)))
        theirs.append(timed(lambda db: pandas_import(files, db)))
    print(f"files: {len(files)}, data rows: {rows}, repeats: {REPEATS}")
    print(f"{'pipeline':<32}{'best s':>10}{'median s':>10}{'rows/s':>12}")
    for name, times in [("schoolsight import", ours), ("pandas read_csv + to_sql", theirs)]:
        best = min(times)
        print(f"{name:<32}{best:>10.3f}{statistics.median(times):>10.3f}{rows / best:>12.0f}")
    print(f"ratio (pandas best / schoolsight best): {min(theirs) / min(ours):.2f}x")


if __name__ == "__main__":
    main()
