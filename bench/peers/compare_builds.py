"""Worker CPU of several weft builds (or the Go peer) side by side on one dev server.

    ~/.cache/weft/venv/bin/python bench/peers/compare_builds.py [--runs 500] [--rounds 3] \
        before=/path/to/old/weft after=build/weft [go=/path/to/go-peer] [--no-eager]

For the question run.py cannot answer: did a change to the worker make it cheaper? Builds are
measured in turns (a, b, a, b, ...) so that the machine's load drifts over all of them alike;
each turn starts the worker on a fresh task queue, reads its idle memory, starts `--runs` runs of
bench-three-steps at once and waits for them, then stops the worker. A name starting with "go"
is a Go peer binary (go build in bench/peers/go). Prints each turn and the mean per build.
"""

import argparse
import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path

from run import PEERS, context_switches, cpu_seconds, drive, resident_mb, start, start_dev_server, wait_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("builds", nargs="+", help="name=path of a weft binary or Go peer")
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-eager", action="store_true",
                        help="leave the server's eager activity execution off")
    arguments = parser.parse_args()
    builds = dict(build.split("=", 1) for build in arguments.builds)
    work = Path(tempfile.mkdtemp(prefix="weft-compare-"))
    server, address = start_dev_server(work, eager=not arguments.no_eager)
    try:
        turns = {name: [] for name in builds}
        for round_number in range(arguments.rounds):
            for name, path in builds.items():
                queue = f"compare-{name}-{round_number}"
                log = work / f"{queue}.log"
                if name.startswith("go"):
                    worker = start([path, "-address", address, "-task-queue", queue], log)
                    wait_for(log, "polling", worker)
                else:
                    worker = start([path, "worker", "--address", address, "--task-queue", queue,
                                    "--workflows", str(PEERS / "weft" / "workflows"),
                                    "--lua-dir", str(PEERS / "weft" / "activities")], log)
                    wait_for(log, "weft worker on task queue", worker)
                time.sleep(3)
                idle = resident_mb(worker.pid)
                before = cpu_seconds(worker.pid)
                switches_before = context_switches(worker.pid)
                wall = asyncio.run(drive(address, queue, arguments.runs))
                cpu_ms = 1000 * (cpu_seconds(worker.pid) - before) / arguments.runs
                switches = (context_switches(worker.pid) - switches_before) / arguments.runs
                worker.terminate()
                worker.wait(timeout=30)
                turns[name].append(cpu_ms)
                print(f"{name} round {round_number}: {cpu_ms:.2f} ms CPU per run, wall {wall:.1f} s,"
                      f" {switches:.1f} context switches per run, idle {idle:.1f} MB, load {os.getloadavg()[0]:.1f}", flush=True)
        for name, values in turns.items():
            print(f"{name}: mean {sum(values) / len(values):.2f} ms CPU per run over "
                  f"{len(values)} turns")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
