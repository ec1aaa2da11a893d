#!/usr/bin/env python3
"""Wall time of one-shot weft commands, from the start of the process to its exit.

Usage:
  bench/cli/process_start.py [--repeat N] [--rounds R] [--dir DIR] NAME=WEFT_BINARY ...

Runs, in DIR (default: a new temporary folder where `weft new hello` scaffolds the hello
workflow), `weft version` and `weft run hello --new --input '{"message": "hi"}'` with each binary in turn, R rounds of N
invocations each, so that the machine's load drifts over all binaries alike. Prints, per binary
and command, the p50 and p95 wall time in milliseconds and the CPU time (user + system of the
children) per invocation. Each run of `weft run` journals into the same .weft/ journal, as a
user's repeated runs would.
"""

import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binaries", nargs="+", help="NAME=PATH of a weft binary")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", help="a folder with the hello workflow (default: scaffold one)")
    args = parser.parse_args()

    binaries = []
    for spec in args.binaries:
        name, _, path = spec.partition("=")
        if not path:
            parser.error(f"{spec}: expected NAME=PATH")
        binaries.append((name, os.path.abspath(path)))

    folder = args.dir or tempfile.mkdtemp(prefix="weft-start-")
    if not args.dir:
        subprocess.run([binaries[0][1], "new", "hello"], cwd=folder, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    commands = {"version": ["version"],
                "run hello": ["run", "hello", "--new", "--input", '{"message": "hi"}']}

    walls = {(name, label): [] for name, _ in binaries for label in commands}
    cpu = {key: 0.0 for key in walls}
    for _ in range(args.rounds):
        for name, path in binaries:
            for label, arguments in commands.items():
                subprocess.run([path, *arguments], cwd=folder, check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # warm
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    subprocess.run([path, *arguments], cwd=folder, check=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    walls[(name, label)].append((time.perf_counter() - start) * 1000)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[(name, label)] += (after.ru_utime - before.ru_utime +
                                       after.ru_stime - before.ru_stime) * 1000

    print(f"{'binary':<16} {'command':<10} {'p50 ms':>7} {'p95 ms':>7} {'CPU ms':>7}")
    for (name, label), values in walls.items():
        print(f"{name:<16} {label:<10} {statistics.median(values):7.2f} "
              f"{percentile(values, 0.95):7.2f} {cpu[(name, label)] / len(values):7.2f}")


if __name__ == "__main__":
    main()
