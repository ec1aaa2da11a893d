"""weft's Temporal worker as work grows: the cost of a step late in a long run, and memory of many cached runs.

    ~/.cache/weft/venv/bin/python bench/temporal/scale.py step-cost [--before 10,100,1000] [--after 100]
    ~/.cache/weft/venv/bin/python bench/temporal/scale.py cached [--runs 10000]

Both start a Temporal dev server (the Temporal CLI from scripts/setup, loopback, free ports) and
one `weft worker` serving bench/temporal/workflows with the Lua activity of bench/peers/weft.

step-cost: for each N of --before, a run of bench-gated makes N activity calls and stops at a
gate (a query says when it is there); the worker's CPU is then read, the signal `go` sent, and
the run's --after further calls timed to its result. CPU is the sum of the worker's threads'
time on CPU (/proc/<pid>/task/*/schedstat, nanoseconds). Two ways per N:
  - cached: the worker that made the first N calls holds the run (its sticky cache);
  - evicted: the worker is restarted at the gate, so the new one must first rebuild the run
    from its history of N calls, once, and then holds it.
A worker whose cost per step is flat has the same cached figure at every N.

cached: --runs runs of bench-waiting each make one activity call and wait for a signal, all held
by one worker (--max-cached-runs above --runs); the worker's resident memory growth divided by
the runs, once its sticky cache holds them all (its temporal_sticky_cache_size gauge) and it is
idle. Then every run is signalled and its result checked, so the figure is of runs that were
really waiting in the cache (its hit and miss counters are printed).

Prints Markdown for bench/RESULTS.md.
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from temporalio.client import Client

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "peers"))
import run as peers  # noqa: E402  (the dev server and /proc helpers of the peers harness)

WORKFLOWS = ROOT / "bench" / "temporal" / "workflows"
ACTIVITIES = ROOT / "bench" / "peers" / "weft" / "activities"


def thread_cpu_seconds(pid: int) -> float:
    """The CPU time of the process's live threads, at nanosecond resolution."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass  # a thread that ended while being read
    return total / 1e9


def metric(address: str, name: str) -> float:
    text = urllib.request.urlopen(f"http://{address}/metrics", timeout=10).read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(name) and not line.startswith("#"))


class Worker:
    def __init__(self, weft: Path, address: str, queue: str, work: Path, cached_runs: int):
        self.metrics = f"127.0.0.1:{peers.free_port()}"
        self.log = work / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.process = peers.start(
            [str(weft), "worker", "--address", address, "--task-queue", queue, "--workflows",
             str(WORKFLOWS), "--lua-dir", str(ACTIVITIES), "--max-cached-runs", str(cached_runs),
             "--metrics-address", self.metrics], self.log)
        peers.wait_for(self.log, "weft worker on task queue", self.process)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)


async def at_gate(handle) -> None:
    deadline = time.monotonic() + 600
    while not await handle.query("at_gate"):
        if time.monotonic() > deadline:
            raise SystemExit(f"{handle.id} did not reach its gate in 10 minutes")
        await asyncio.sleep(0.2)


async def step_cost(arguments, weft: Path, address: str, work: Path) -> None:
    client = await Client.connect(address)
    queue = "bench-scale"
    after = arguments.after
    rows = []
    worker = Worker(weft, address, queue, work, 1000)
    try:
        for before in arguments.before:
            for mode in ("cached", "evicted"):
                handle = await client.start_workflow(
                    "bench-gated", {"before": before, "after": after},
                    id=f"gated-{before}-{mode}-{uuid.uuid4().hex[:6]}", task_queue=queue)
                await at_gate(handle)
                if mode == "evicted":
                    worker.stop()
                    worker = Worker(weft, address, queue, work, 1000)
                await asyncio.sleep(2)  # the worker idle before the window opens
                cpu = thread_cpu_seconds(worker.process.pid)
                started = time.perf_counter()
                await handle.signal("go")
                result = await handle.result()
                wall = time.perf_counter() - started
                cpu = thread_cpu_seconds(worker.process.pid) - cpu
                expected = sum(range(before + after))
                if result != {"value": expected, "steps": before + after}:
                    raise SystemExit(f"{handle.id} returned {result}, not {expected}")
                rows.append((before, mode, cpu, wall))
                print(f"  step {before}, {mode}: {1e6 * cpu / after:.0f} µs CPU per step",
                      file=sys.stderr)
    finally:
        worker.stop()
    print(f"{after} activity calls after the gate, timed from the signal to the result.\n")
    print("| Calls before | Worker | CPU µs per step | Wall ms per step |")
    print("|---|---|---|---|")
    for before, mode, cpu, wall in rows:
        print(f"| {before} | {mode} | {1e6 * cpu / after:.0f} | {1e3 * wall / after:.2f} |")
    cached = {before: cpu for before, mode, cpu, _ in rows if mode == "cached"}
    first = cached[arguments.before[0]]
    print("\nCached, against the first: " +
          ", ".join(f"step {b}: {c / first:.2f}x" for b, c in cached.items()))


async def cached_runs(arguments, weft: Path, address: str, work: Path) -> None:
    client = await Client.connect(address)
    queue = "bench-cached"
    runs = arguments.runs
    worker = Worker(weft, address, queue, work, runs + 100)
    try:
        await asyncio.sleep(3)
        idle = peers.resident_mb(worker.process.pid)
        started = time.perf_counter()
        handles = []
        for first in range(0, runs, 500):
            handles += await asyncio.gather(*[
                client.start_workflow("bench-waiting", {"n": n},
                                      id=f"waiting-{n}-{uuid.uuid4().hex[:6]}", task_queue=queue)
                for n in range(first, min(runs, first + 500))])
        # Held when the cache has them all and the worker has stopped working.
        deadline = time.monotonic() + 1800
        while metric(worker.metrics, "temporal_sticky_cache_size") < runs:
            if time.monotonic() > deadline:
                raise SystemExit("the worker did not cache every run in 30 minutes")
            await asyncio.sleep(1)
        while True:
            cpu = thread_cpu_seconds(worker.process.pid)
            await asyncio.sleep(2)
            if thread_cpu_seconds(worker.process.pid) - cpu < 0.05:
                break
        held = time.perf_counter() - started
        resident = peers.resident_mb(worker.process.pid)
        hits_before = metric(worker.metrics, "temporal_sticky_cache_hit")
        misses_before = metric(worker.metrics, "temporal_sticky_cache_miss")
        signalled = time.perf_counter()
        for first in range(0, runs, 500):
            await asyncio.gather(*[h.signal("go") for h in handles[first:first + 500]])
        # In batches: each awaited result is a long poll of the run's history, and the dev
        # server refuses more concurrent polls per namespace than a few thousand.
        results = []
        for first in range(0, runs, 200):
            results += await asyncio.gather(*[h.result() for h in handles[first:first + 200]])
        drained = time.perf_counter() - signalled
        for n, result in enumerate(results):
            if result != {"value": n + 1}:
                raise SystemExit(f"run {n} returned {result}")
        hits = metric(worker.metrics, "temporal_sticky_cache_hit") - hits_before
        misses = metric(worker.metrics, "temporal_sticky_cache_miss") - misses_before
    finally:
        worker.stop()
    growth = resident - idle
    print(f"| Runs held | Idle RSS (MB) | RSS holding them (MB) | Growth (MB) | KB per run | "
          f"Started and held in (s) | Signalled and closed in (s) | Cache hits / misses after |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {runs:,} | {idle:.1f} | {resident:.1f} | {growth:.1f} | "
          f"{1024 * growth / runs:.1f} | {held:.1f} | {drained:.1f} | "
          f"{hits:.0f} / {misses:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("measure", choices=["step-cost", "cached"])
    parser.add_argument("--before", default="10,100,1000",
                        help="step-cost: activity calls before the gate, comma-separated")
    parser.add_argument("--after", type=int, default=100,
                        help="step-cost: activity calls measured after the gate")
    parser.add_argument("--runs", type=int, default=10000, help="cached: runs held at once")
    parser.add_argument("--weft", default=str(ROOT / "build" / "weft"))
    arguments = parser.parse_args()
    arguments.before = [int(n) for n in arguments.before.split(",")]
    weft = Path(arguments.weft)
    work = Path(tempfile.mkdtemp(prefix="weft-scale-"))
    server, address = peers.start_dev_server(work)
    try:
        cpu_model = next((line.split(":", 1)[1].strip()
                          for line in Path("/proc/cpuinfo").read_text().splitlines()
                          if line.startswith("model name")), "?")
        print(f"Machine: {os.cpu_count()} cores, {cpu_model}; load average "
              f"{os.getloadavg()[0]:.1f} at the start.\n")
        measure = step_cost if arguments.measure == "step-cost" else cached_runs
        asyncio.run(measure(arguments, weft, address, work))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except Exception:
            server.kill()
        print(f"(logs in {work})", file=sys.stderr)


if __name__ == "__main__":
    main()
