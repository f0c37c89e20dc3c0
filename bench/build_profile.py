#!/usr/bin/env python3
"""Runtime side of bench/run-build: the same work on two release binaries, alternately.

Each binary imports the bundled data into a fresh SQLite database, answers letter searches from
the CLI, trains and lists an LA's risk, and serves pages to one client at a time. The runs
alternate (baseline, candidate, baseline, ...) so that a slower moment of the machine falls on
both; the median of each is printed with the ratio candidate / baseline (above 1: the candidate
is slower).

    build_profile.py BASELINE_BIN CANDIDATE_BIN DATA_FOLDER [ROUNDS]
"""

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

QUERIES = ["safeguarding", "special measures", "governors", "phonics", "attendance",
           "leadership and management", "requires improvement", "mathematics"]
PAGES = ["/", "/la/Derby", "/la/Derby/outcomes?from=2013-01-01&to=2013-12-31",
         "/school/112977", "/search?q=safeguarding", "/api/las"]
PAGE_REQUESTS = 50


def run(binary, workdir, *args):
    env = dict(os.environ, DATABASE_URL=f"sqlite:{workdir}/bench.db?mode=rwc",
               SCHOOLSIGHT_INDEX=f"{workdir}/index", RUST_LOG="warn")
    subprocess.run([binary, *args], env=env, cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def timed(work):
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_pages(binary, workdir, data):
    """Seconds for PAGE_REQUESTS requests of each page, one at a time, after one warm-up each."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite:{workdir}/bench.db?mode=rwc",
               SCHOOLSIGHT_INDEX=f"{workdir}/index", RUST_LOG="warn")
    server = subprocess.Popen([binary, "serve", "--addr", f"127.0.0.1:{port}", "--data", data],
                              env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        for page in PAGES:
            urllib.request.urlopen(base + page, timeout=30).read()
        start = time.perf_counter()
        for _ in range(PAGE_REQUESTS):
            for page in PAGES:
                urllib.request.urlopen(base + page, timeout=30).read()
        return time.perf_counter() - start
    finally:
        server.terminate()
        server.wait()


def workloads(data):
    return {
        "import-bundled (data and letters)": lambda b, w: timed(lambda: run(b, w, "import-bundled", "--data", data)),
        f"search, {len(QUERIES)} CLI queries": lambda b, w: timed(lambda: [run(b, w, "search", q) for q in QUERIES]),
        "risk list Derby (trains the model)": lambda b, w: timed(lambda: run(b, w, "risk", "list", "--la", "Derby", "--at", "2019-09-01")),
        f"{len(PAGES)} pages x {PAGE_REQUESTS}, served": lambda b, w: serve_pages(b, w, data),
    }


def main():
    baseline, candidate, data = (os.path.abspath(a) for a in sys.argv[1:4])
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    names = list(workloads(data))
    times = {(side, name): [] for side in ("baseline", "candidate") for name in names}
    for round_ in range(rounds):
        for side, binary in (("baseline", baseline), ("candidate", candidate)):
            workdir = tempfile.mkdtemp(prefix=f"schoolsight-build-{side}-")
            try:
                for name, work in workloads(data).items():
                    times[(side, name)].append(work(binary, workdir))
            finally:
                shutil.rmtree(workdir)
        print(f"round {round_ + 1} of {rounds} done", file=sys.stderr)
    print(f"{'work':40} {'baseline s':>11} {'candidate s':>12} {'ratio':>7}")
    for name in names:
        b = statistics.median(times[("baseline", name)])
        c = statistics.median(times[("candidate", name)])
        print(f"{name:40} {b:11.3f} {c:12.3f} {c / b:7.3f}")


if __name__ == "__main__":
    main()
