"""The benchmark workflows written with the official Temporal Python SDK (bench/peers/README.md).

    python peer.py worker --address HOST:PORT --task-queue Q
    python peer.py replay HISTORY.json [--repeat N]

`worker` serves BenchThreeSteps and BenchLong and their activity until SIGTERM; `replay` replays
an exported history of BenchLong with the SDK's Replayer, from the history's JSON text to the
verdict (as bench/temporal/replay_bench.cc times weft), and prints one line of JSON: seconds
per replay, how they split between parsing the JSON into protobuf and replaying, and the
process's CPU seconds per replay.
"""

import argparse
import asyncio
import json
import resource
import signal
import sys
import time
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client, WorkflowHistory
from temporalio.worker import Replayer, Worker


@activity.defn(name="bench.step")
async def step(value: int, number: int) -> dict:
    return {"value": value + number, "step": number}


@workflow.defn(name="bench-three-steps")
class BenchThreeSteps:
    @workflow.run
    async def run(self, arguments: dict) -> dict:
        result = {"value": arguments["n"]}
        for number in (1, 2, 3):
            result = await workflow.execute_activity(
                step, args=[result["value"], number], start_to_close_timeout=timedelta(seconds=30))
        return result


@workflow.defn(name="bench-long")
class BenchLong:
    @workflow.run
    async def run(self, arguments: dict) -> dict:
        value = 0
        for i in range(arguments["rounds"]):
            last = await workflow.execute_activity(
                step, args=[value, i], start_to_close_timeout=timedelta(seconds=30))
            value = last["value"]
        return {"value": value}


async def serve(address: str, task_queue: str) -> None:
    client = await Client.connect(address)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with Worker(client, task_queue=task_queue, workflows=[BenchThreeSteps, BenchLong],
                      activities=[step]):
        print("polling", flush=True)
        await stop.wait()


def cpu_seconds() -> float:
    """CPU time of the whole process, every thread (the SDK's core runs on its own threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def replay(path: str, repeat: int) -> None:
    with open(path) as f:
        text = f.read()  # read once, outside the timing, as weft's driver does
    replayer = Replayer(workflows=[BenchLong])
    parsing = replaying = 0.0
    events = 0
    cpu_started = 0.0
    # Round 0 is the warm-up (imports, the core runtime): not counted. replay_workflow raises
    # if the history does not replay deterministically.
    for round in range(repeat + 1):
        started = time.perf_counter()
        history = WorkflowHistory.from_json("bench-long", text)
        parsed = time.perf_counter()
        await replayer.replay_workflow(history)
        done = time.perf_counter()
        events = len(history.events)
        if round == 0:
            cpu_started = cpu_seconds()
        else:
            parsing += parsed - started
            replaying += done - parsed
    print(json.dumps({"events": events, "repeat": repeat,
                      "seconds_per_replay": (parsing + replaying) / repeat,
                      "parse_seconds": parsing / repeat, "replay_seconds": replaying / repeat,
                      "cpu_seconds_per_replay": (cpu_seconds() - cpu_started) / repeat}))


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    worker = commands.add_parser("worker")
    worker.add_argument("--address", required=True)
    worker.add_argument("--task-queue", required=True)
    replayed = commands.add_parser("replay")
    replayed.add_argument("history")
    replayed.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    if arguments.command == "worker":
        asyncio.run(serve(arguments.address, arguments.task_queue))
    else:
        asyncio.run(replay(arguments.history, arguments.repeat))


if __name__ == "__main__":
    sys.exit(main())
