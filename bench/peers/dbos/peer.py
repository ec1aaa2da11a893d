"""The three-step benchmark workflow on DBOS Transact for Python, its system database on SQLite.

    python peer.py DIR [--runs 2000] [--in-flight 200] [--sequential 100] [--sync default|off]

Runs in one process, as DBOS is a library: `--runs` runs started with DBOS.start_workflow,
at most `--in-flight` open at a time (the oldest awaited before the next starts, as weft's
bench keeps its window), then `--sequential` runs one after the other, each timed from start
to result. Prints one line of JSON: runs per second, CPU milliseconds per run (this
process's getrusage, which is all of DBOS), p50 and p95 of the sequential runs, and the
durability in force.

`--sync default` leaves DBOS's SQLite as DBOS opens it: SQLite's rollback journal with
synchronous=FULL, each step its own transaction, fsynced at its commit. `--sync off` sets
PRAGMA synchronous=OFF on every connection (no fsync at all), to show what fsync costs DBOS.
"""

import argparse
import collections
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from dbos import DBOS, DBOSConfig


@DBOS.step()
def step(value: int, number: int) -> dict:
    # As bench.step does for weft (bench/peers/weft): the value plus the step number.
    return {"value": value + number, "step": number}


@DBOS.workflow()
def three_steps(n: int) -> dict:
    first = step(n, 1)
    second = step(first["value"], 2)
    return step(second["value"], 3)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def system_engine(path: Path, sync: str) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}")

    @sa.event.listens_for(engine, "connect")
    def _(dbapi_conn, _record) -> None:
        # What DBOS sets on its own engine (dbos/_sys_db_sqlite.py), plus the one change.
        dbapi_conn.isolation_level = "IMMEDIATE"
        dbapi_conn.execute("PRAGMA busy_timeout=30000")
        dbapi_conn.execute("PRAGMA foreign_keys=ON")
        dbapi_conn.execute("PRAGMA synchronous=OFF")

    return engine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=Path)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--in-flight", type=int, default=200)
    parser.add_argument("--sequential", type=int, default=100)
    parser.add_argument("--sync", choices=["default", "off"], default="default")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    database = args.dir / "dbos.sqlite"
    config: DBOSConfig = {"name": "weft-bench", "log_level": "WARNING"}
    if args.sync == "off":
        config["system_database_engine"] = system_engine(database, args.sync)
    else:
        config["system_database_url"] = f"sqlite:///{database}"
    DBOS(config=config)
    DBOS.launch()
    try:
        three_steps(-1)  # warm-up: the first workflow pays for imports and prepared state
        cpu_start, start = cpu_seconds(), time.perf_counter()
        open_runs: collections.deque = collections.deque()
        for order in range(args.runs):
            if len(open_runs) >= args.in_flight:
                open_runs.popleft().get_result()
            open_runs.append(DBOS.start_workflow(three_steps, order))
        for handle in open_runs:
            handle.get_result()
        wall = time.perf_counter() - start
        cpu = cpu_seconds() - cpu_start
        latencies = []
        for order in range(args.sequential):
            began = time.perf_counter()
            three_steps(args.runs + order)
            latencies.append((time.perf_counter() - began) * 1000)
        quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
        print(json.dumps({
            "runs": args.runs, "in_flight": args.in_flight,
            "runs_per_s": args.runs / wall, "cpu_ms_per_run": cpu * 1000 / args.runs,
            "p50_ms": statistics.median(latencies), "p95_ms": quantiles[94],
            "durability": "synchronous=OFF (no fsync)" if args.sync == "off"
            else "rollback journal, synchronous=FULL: fsync per step's commit",
        }), flush=True)
    finally:
        DBOS.destroy()


if __name__ == "__main__":
    sys.exit(main())
