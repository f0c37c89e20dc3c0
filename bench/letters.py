"""Letters benchmark: documents per second for parse + store, Schoolsight against a plain
Python regex extractor over the same files.

The corpus is every letter text bundled in ../shared: the five seed letters, the two section 5
school reports and the 861 Ofsted children's-services letters and reports. Both sides read each
file, decide its kind, pull out its dates and its bulleted actions, and store one row per
document (and one per action) in a fresh SQLite database:
  * schoolsight: `schoolsight letters ingest FOLDER...` (full parser, register linking, search
    index, one transaction per document);
  * python: `re` patterns written for these letters, `sqlite3` inserts, one transaction.
Each side runs REPEATS times, alternating, in this one process's session; the script prints the
best and median times, documents per second and the ratio. Run it with bench/run-letters.
"""

import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

REPEATS = int(os.environ.get("REPEATS", "3"))

DATE = re.compile(r"\b(\d{1,2})\s+(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{4})\b")
KINDS = [
    ("la_focused_inspections", re.compile(r"focused inspection", re.I)),
    ("la_arrangements", re.compile(r"arrangements for supporting school improvement", re.I)),
    ("school_monitoring", re.compile(r"monitoring inspection|monitoring visit", re.I)),
    ("school_report", re.compile(r"School report|Inspection dates", re.I)),
]
ACTIONS = re.compile(r"should take further action to:\s*\n((?:\s*[-•*]\s*.+\n?)+)", re.I)
BULLET = re.compile(r"^\s*[-•*]\s*(.+)$", re.M)


def python_extract(text):
    kind = next((k for k, pattern in KINDS if pattern.search(text)), "other")
    dates = DATE.findall(text)
    block = ACTIONS.search(text)
    actions = BULLET.findall(block.group(1)) if block else []
    return kind, (" ".join(dates[0]) if dates else None), actions


def python_ingest(files, db):
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE letters (id INTEGER PRIMARY KEY, name TEXT, kind TEXT, letter_date TEXT, body TEXT)")
        conn.execute("CREATE TABLE actions (letter_id INTEGER, text TEXT)")
        for path in files:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            kind, date, actions = python_extract(text)
            cur = conn.execute("INSERT INTO letters (name, kind, letter_date, body) VALUES (?, ?, ?, ?)", (path, kind, date, text))
            conn.executemany("INSERT INTO actions VALUES (?, ?)", [(cur.lastrowid, a) for a in actions])


def schoolsight_ingest(binary, files, db, work):
    subprocess.run(
        [binary, "letters", "ingest", *files],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=work,
        env={**os.environ, "DATABASE_URL": f"sqlite://{db}?mode=rwc", "SCHOOLSIGHT_INDEX": os.path.join(work, "index")},
    )


def timed(run):
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        run(os.path.join(tmp, "bench.db"), tmp)
        return time.perf_counter() - start


def main():
    binary, folders = os.path.abspath(sys.argv[1]), sys.argv[2:]
    files = sorted(
        os.path.abspath(os.path.join(root, name))
        for folder in folders
        for root, _, names in os.walk(folder)
        for name in names
        if name.endswith(".txt")
    )
    ours, theirs = [], []
    for _ in range(REPEATS):
        ours.append(timed(lambda db, work: schoolsight_ingest(binary, files, db, work)))
        theirs.append(timed(lambda db, work: python_ingest(files, db)))
    print(f"documents: {len(files)}, repeats: {REPEATS}")
    print(f"{'pipeline':<36}{'best s':>10}{'median s':>10}{'docs/s':>10}")
    for name, times in [("schoolsight letters ingest", ours), ("python re + sqlite3", theirs)]:
        best = min(times)
        print(f"{name:<36}{best:>10.3f}{statistics.median(times):>10.3f}{len(files) / best:>10.0f}")
    print(f"ratio (python best / schoolsight best): {min(theirs) / min(ours):.2f}x")


if __name__ == "__main__":
    main()
