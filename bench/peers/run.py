"""weft's Temporal worker against the official Go and Python SDKs, side by side in one run.

    ~/.cache/weft/venv/bin/python bench/peers/run.py [--runs 500] [--rounds 3] [--long-rounds 600]

One Temporal dev server (the Temporal CLI from scripts/setup, on free loopback ports, with eager
activity execution on, which all three workers ask for by default). In each of `--rounds`
rounds, each worker (weft, Go, Python) in turn, in an order rotated from round to round, on a
task queue of its own: start the worker, let it idle and
read its resident memory, then start `--runs` runs of bench-three-steps at once from this
script's client and wait for all of them; the worker's CPU seconds (utime + stime from
/proc/<pid>/stat) and the wall time from the first start to the last result are measured. The
CPU ratios against the SDKs are taken within each round and reported as median, minimum and
maximum, so that one noisy round does not decide. In the first round, one bench-long run (`--long-rounds` activities, a long history) per SDK is exported and
replayed, each replayer on its own workflow's history of the same shape and length (six events
per round; the default 600 rounds stay under the server's default suggestion to continue as new,
4,096 events, so that neither run continues as new, and the script refuses histories that did).
Both replayers are timed in process over the same steps, from the history's JSON text to the
verdict, `--replay-repeat` times after a warm-up: weft with build/bench/temporal_replay_bench
(the library code of `weft replay`), Python with the SDK's Replayer (python/peer.py replay).
`weft replay` as a whole process per replay (start-up included) is a second weft row.

Prints a Markdown table for bench/RESULTS.md. Needs: build/weft and
build/bench/temporal_replay_bench (scripts/build), the venv and the Temporal CLI
(scripts/setup), Go (to build bench/peers/go).
"""

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from temporalio.client import Client

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT / "bench" / "peers"
CACHE = Path(os.environ.get("WEFT_CACHE_DIR", Path.home() / ".cache" / "weft"))
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def context_switches(pid: int) -> int:
    """Voluntary and involuntary context switches of every live thread of `pid`: how often the
    worker's threads slept and were woken (a thread that exited meanwhile is not counted)."""
    total = 0
    for status in Path(f"/proc/{pid}/task").glob("*/status"):
        try:
            lines = status.read_text().splitlines()
        except OSError:
            continue  # the thread exited
        total += sum(int(line.split()[1]) for line in lines if line.endswith("ctxt_switches") is False
                     and "ctxt_switches:" in line)
    return total


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start(argv, log: Path, env=None) -> subprocess.Popen:
    return subprocess.Popen(argv, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            env={**os.environ, **(env or {})}, start_new_session=True)


def wait_for(log: Path, text: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while text not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{process.args[0]} did not print {text!r}:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


def start_dev_server(work: Path, eager: bool = True):
    """A dev server on free loopback ports, once it answers: (process, address)."""
    port = free_port()
    address = f"127.0.0.1:{port}"
    # The Go and Python SDKs and weft all ask for eager activity execution by default; the
    # server grants it only with this setting.
    settings = ["--dynamic-config-value", "system.enableActivityEagerExecution=true"] if eager else []
    server = start([str(CACHE / "bin" / "temporal"), "server", "start-dev", "--ip", "127.0.0.1",
                    "--port", str(port), "--http-port", str(free_port()), "--metrics-port",
                    str(free_port()), "--headless", "--log-level", "error", *settings],
                   work / "server.log", {"TEMPORAL_VERSION_CHECK_DISABLED": "1"})
    for _ in range(300):
        try:
            asyncio.run(Client.connect(address))
            break
        except Exception:
            if server.poll() is not None:
                raise SystemExit(f"the dev server exited:\n{(work / 'server.log').read_text()[-3000:]}")
            time.sleep(0.2)
    return server, address


async def drive(address: str, queue: str, runs: int) -> float:
    client = await Client.connect(address)
    started = time.perf_counter()
    handles = await asyncio.gather(*[
        client.start_workflow("bench-three-steps", {"n": i}, id=f"{queue}-{i}-{uuid.uuid4().hex[:6]}",
                              task_queue=queue) for i in range(runs)])
    results = await asyncio.gather(*[h.result() for h in handles])
    elapsed = time.perf_counter() - started
    for i, result in enumerate(results):
        if result["value"] != i + 6:
            raise SystemExit(f"{queue}: run {i} returned {result}")
    return elapsed


async def long_history(address: str, queue: str, rounds: int, out: Path, weft: Path) -> None:
    client = await Client.connect(address)
    handle = await client.start_workflow("bench-long", {"rounds": rounds},
                                         id=f"{queue}-long-{uuid.uuid4().hex[:6]}", task_queue=queue)
    await handle.result()
    # The JSON `temporal workflow show -o json` prints, which both replayers read.
    history = subprocess.run([str(weft), "history", handle.id, "--address", address],
                             check=True, capture_output=True, text=True).stdout
    # A run that continued as new leaves a shorter last history: not the same length as the
    # other SDK's.
    last = json.loads(history)["events"][-1]["eventType"]
    if last != "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED":
        raise SystemExit(f"{queue}: the bench-long history ends with {last}, not a completion; "
                         f"fewer --long-rounds keep it under the server's continue-as-new "
                         f"suggestion")
    out.write_text(history)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--long-rounds", type=int, default=600,
                        help="activities in the replayed bench-long run (6 history events each)")
    parser.add_argument("--replay-repeat", type=int, default=10,
                        help="replays timed per replayer, after one warm-up")
    parser.add_argument("--keep-histories", metavar="DIR",
                        help="copy the exported bench-long histories there (to profile replay)")
    parser.add_argument("--weft", default=str(ROOT / "build" / "weft"))
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of the three-step runs, the workers in a rotated order each")
    parser.add_argument("--workers", default="weft,go,python",
                        help="which workers to measure, comma-separated")
    arguments = parser.parse_args()
    weft = Path(arguments.weft)
    replay_bench = weft.parent / "bench" / "temporal_replay_bench"
    if "weft" in arguments.workers.split(",") and not replay_bench.exists():
        raise SystemExit(f"{replay_bench} is missing: build it (scripts/build)")
    work = Path(tempfile.mkdtemp(prefix="weft-peers-"))
    processes = []
    try:
        go_peer = work / "go-peer"
        go = shutil.which("go", path=os.environ.get("PATH", "") + ":/usr/local/go/bin")
        if go is None:
            raise SystemExit("Go is needed to build bench/peers/go: run scripts/setup")
        subprocess.run([go, "build", "-o", str(go_peer), "."], cwd=PEERS / "go", check=True)
        server, address = start_dev_server(work)
        processes.append(server)
        workers = {
            "weft": [str(weft), "worker", "--address", address, "--task-queue", "bench-weft",
                     "--workflows", str(PEERS / "weft" / "workflows"), "--lua-dir",
                     str(PEERS / "weft" / "activities")],
            "go": [str(go_peer), "-address", address, "-task-queue", "bench-go"],
            "python": [sys.executable, str(PEERS / "python" / "peer.py"), "worker", "--address",
                       address, "--task-queue", "bench-python"],
        }
        chosen = [name for name in workers if name in arguments.workers.split(",")]
        # One table per round; the workers take turns in a rotated order each round, so that
        # none is always first (the server's state and the machine's load drift over a run).
        rounds = []
        for round_index in range(arguments.rounds):
            order = chosen[round_index % len(chosen):] + chosen[:round_index % len(chosen)]
            rows = {}
            for name in order:
                log = work / f"{name}-{round_index}.log"
                worker = start(workers[name], log)
                processes.append(worker)
                wait_for(log, "weft worker on task queue" if name == "weft" else "polling", worker)
                time.sleep(3)
                idle = resident_mb(worker.pid)
                before = cpu_seconds(worker.pid)
                switches_before = context_switches(worker.pid)
                server_before = cpu_seconds(server.pid)
                wall = asyncio.run(drive(address, f"bench-{name}", arguments.runs))
                cpu = cpu_seconds(worker.pid) - before
                switches = context_switches(worker.pid) - switches_before
                server_cpu = cpu_seconds(server.pid) - server_before
                if round_index == 0:
                    asyncio.run(long_history(address, f"bench-{name}", arguments.long_rounds,
                                             work / f"{name}-long.json", weft))
                rows[name] = {"cpu": cpu, "wall": wall, "idle_mb": idle, "server_cpu": server_cpu,
                              "switches": switches}
                worker.terminate()
                worker.wait(timeout=30)
            rounds.append({name: rows[name] for name in chosen})
        print_results(arguments, rounds, work, weft)
        if arguments.keep_histories:
            Path(arguments.keep_histories).mkdir(parents=True, exist_ok=True)
            for history in work.glob("*-long.json"):
                shutil.copy(history, arguments.keep_histories)
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        shutil.rmtree(work, ignore_errors=True)


def process_replay_seconds(argv, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        subprocess.run(argv, check=True, capture_output=True)
    return (time.perf_counter() - started) / repeat


def in_process_replay(argv) -> dict:
    return json.loads(subprocess.run(argv, check=True, capture_output=True, text=True).stdout)


def print_results(arguments, rounds, work: Path, weft: Path) -> None:
    cpu_model = next((line.split(":", 1)[1].strip()
                      for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "?")
    print(f"Machine: {os.cpu_count()} cores, {cpu_model}; load average "
          f"{os.getloadavg()[0]:.1f} at the end. Runs: {arguments.runs} of bench-three-steps "
          f"per worker and round, {len(rounds)} rounds.\n")
    # The server's CPU in the same window says which side bounds the wall time: on 2 cores, a
    # server busy most of the time while the worker idles is the limit.
    print("| Round | Worker | CPU seconds | CPU ms per run | Context switches per run "
          "| Wall seconds | Runs/s | Server CPU seconds | Idle RSS (MB) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for index, rows in enumerate(rounds, 1):
        for name, row in rows.items():
            print(f"| {index} | {name} | {row['cpu']:.2f} | "
                  f"{1000 * row['cpu'] / arguments.runs:.2f} | "
                  f"{row['switches'] / arguments.runs:.1f} | {row['wall']:.2f} | "
                  f"{arguments.runs / row['wall']:.0f} | {row['server_cpu']:.2f} | "
                  f"{row['idle_mb']:.1f} |")
    rows = rounds[0]
    # Each ratio is taken within a round (the same server, minutes apart), then summarised.
    for peer in ("go", "python"):
        if {"weft", peer} <= rows.keys():
            ratios = sorted(r["weft"]["cpu"] / r[peer]["cpu"] for r in rounds)
            print(f"\nWorker CPU per run, weft/{peer}: median {statistics.median(ratios):.2f} "
                  f"(min {ratios[0]:.2f}, max {ratios[-1]:.2f}; per round "
                  f"{', '.join(f'{r:.2f}' for r in ratios)})")
    repeat = arguments.replay_repeat
    print(f"\nReplay of one bench-long history ({arguments.long_rounds} rounds), from its JSON text "
          f"to the verdict; mean of {repeat} replays after a warm-up.\n")
    print("| Replayer | History events | Seconds per replay | of which JSON to protobuf | "
          "Events/s | CPU seconds per replay |")
    print("|---|---|---|---|---|---|")
    replays = {}
    if "weft" in rows:
        history = work / "weft-long.json"
        bench = weft.parent / "bench" / "temporal_replay_bench"
        replays["weft"] = in_process_replay([str(bench), str(history), str(repeat)])
        process = process_replay_seconds([str(weft), "replay", str(history)], repeat)
        replays["weft process"] = {"events": replays["weft"]["events"],
                                   "seconds_per_replay": process, "parse_seconds": None,
                                   "cpu_seconds_per_replay": None}
    if "python" in rows:
        replays["python"] = in_process_replay(
            [sys.executable, str(PEERS / "python" / "peer.py"), "replay",
             str(work / "python-long.json"), "--repeat", str(repeat)])
    labels = {"weft": "weft (in process: bench/temporal/replay_bench.cc)",
              "weft process": "`weft replay` (a process per replay, start-up included)",
              "python": "Python SDK Replayer (in process)"}
    for name, replay in replays.items():
        parse, cpu = replay["parse_seconds"], replay["cpu_seconds_per_replay"]
        print(f"| {labels[name]} | {replay['events']:,} | {replay['seconds_per_replay']:.4f} | "
              f"{'-' if parse is None else f'{parse:.4f}'} | "
              f"{replay['events'] / replay['seconds_per_replay']:,.0f} | "
              f"{'-' if cpu is None else f'{cpu:.4f}'} |")
    if {"weft", "python"} <= replays.keys():
        def rate(name):
            return replays[name]["events"] / replays[name]["seconds_per_replay"]

        def cpu_rate(name):
            return replays[name]["events"] / replays[name]["cpu_seconds_per_replay"]
        print(f"\nReplay ratio (events/s): weft in process {rate('weft') / rate('python'):.1f} "
              f"times the Python Replayer; `weft replay` as a process "
              f"{rate('weft process') / rate('python'):.1f} times. In CPU time per event, "
              f"in process: {cpu_rate('weft') / cpu_rate('python'):.1f} times.")


if __name__ == "__main__":
    main()
