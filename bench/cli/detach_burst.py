#!/usr/bin/env python3
"""Many `weft run --detach` processes at once against one `weft serve`.

Usage:
  bench/cli/detach_burst.py [--processes N] [--parallel P] [--rounds R] NAME=WEFT_BINARY ...

For each binary in turn, R rounds: a fresh journal in a temporary folder, a `weft serve` of it
(bench/peers/weft's three-step workflow and Lua activities), then N processes of `weft run
--detach --new`, P at a time, each started as soon as one ends. Prints per binary and round the
processes per second, how many failed (and the first error, e.g. "database is locked"), the
p50 and the longest wall time of a process, and the CPU time (user + system) per process of the
clients (the server's is not counted). No retries: a process that fails is counted as failed.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEFT = ROOT / "bench" / "peers" / "weft"


def burst(binary: str, processes: int, parallel: int) -> str:
    with tempfile.TemporaryDirectory() as folder:
        journal = Path(folder) / "journal.db"

        def command(*rest):
            return [binary, "--log-level", "off", *rest, "--journal", str(journal),
                    "--workflows", str(WEFT / "workflows"), "--lua-dir", str(WEFT / "activities")]

        serve = subprocess.Popen(command("serve"), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)

        def one(n):
            began = time.perf_counter()
            done = subprocess.run(
                command("run", "--detach", "bench-three-steps", "-i", json.dumps({"n": n}), "--new"),
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=600)
            return done.returncode, done.stderr.strip(), time.perf_counter() - began

        try:
            if one(-1)[0] != 0:  # warm-up: the journal and its schema exist before the burst
                return "the warm-up run failed"
            cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
            began = time.perf_counter()
            with ThreadPoolExecutor(parallel) as pool:
                results = list(pool.map(one, range(processes)))
            wall = time.perf_counter() - began
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
        finally:
            serve.terminate()
            serve.wait(30)
    failures = [error for code, error, _ in results if code != 0]
    times = sorted(seconds for _, _, seconds in results)
    cpu_ms = ((after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)) * 1000
    first = f" (first: {failures[0].splitlines()[0]})" if failures else ""
    return (f"{processes / wall:7.1f} processes/s, {len(failures)} failed{first}, "
            f"p50 {times[len(times) // 2] * 1000:7.1f} ms, longest {times[-1] * 1000:7.1f} ms, "
            f"CPU {cpu_ms / processes:5.1f} ms per process")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binaries", nargs="+", help="NAME=PATH of a weft binary")
    parser.add_argument("--processes", type=int, default=1000)
    parser.add_argument("--parallel", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    binaries = [spec.partition("=")[::2] for spec in args.binaries]
    for name, path in binaries:
        if not path:
            sys.exit(f"{name}: give NAME=PATH")
    for round_number in range(1, args.rounds + 1):
        for name, path in binaries:
            print(f"round {round_number} {name:<10} {burst(path, args.processes, args.parallel)}",
                  flush=True)


if __name__ == "__main__":
    main()
