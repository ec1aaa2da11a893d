"""A Temporal worker written with the official Python SDK: the other side of weft's interop tests.

Usage: interop_worker.py <address> <task-queue>. Prints "ready" once it polls, and serves until
killed. Its workflows exercise what a client does to a workflow: results, signals, queries,
updates with a validator, failures with a type and details, cancellation.
"""

import asyncio
import sys
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError
from temporalio.worker import Worker


@activity.defn
async def greet(name: str) -> str:
    return f"Hello, {name}!"


@activity.defn
async def decline(order: dict) -> None:
    """Fails for good: the failure a weft workflow records and a Python client reads back."""
    raise ApplicationError(f"card declined for {order['amount']}", {"order": order["id"]},
                           type="CardDeclined", non_retryable=True)


@workflow.defn(name="py-echo")
class Echo:
    @workflow.run
    async def run(self, order: dict) -> dict:
        greeting = await workflow.execute_activity(
            greet, order["name"], start_to_close_timeout=timedelta(seconds=10))
        return {"greeting": greeting, "order": order}


@workflow.defn(name="py-counter")
class Counter:
    def __init__(self) -> None:
        self.total = 0
        self.finished = False

    @workflow.run
    async def run(self, start: int) -> int:
        self.total += start
        await workflow.wait_condition(lambda: self.finished)
        return self.total

    @workflow.signal
    def add(self, amount: int) -> None:
        self.total += amount

    @workflow.signal
    def finish(self, _: object = None) -> None:
        self.finished = True

    @workflow.query(name="total")
    def get_total(self) -> int:
        return self.total

    @workflow.update
    def add_and_get(self, amount: int) -> int:
        self.total += amount
        return self.total

    @add_and_get.validator
    def check_amount(self, amount: int) -> None:
        if amount < 0:
            raise ValueError(f"amount must not be negative, got {amount}")


@workflow.defn(name="py-fails")
class Fails:
    @workflow.run
    async def run(self, order: dict) -> None:
        raise ApplicationError("card declined", {"order": order["id"]},
                               type="CardDeclined", non_retryable=True)


@workflow.defn(name="py-waits")
class Waits:
    @workflow.run
    async def run(self, _: object) -> None:
        await workflow.wait_condition(lambda: False)


@workflow.defn(name="py-nap")
class Nap:
    """Sleeps on a durable timer, then says so: what a server restart must not lose."""

    @workflow.run
    async def run(self, seconds: int) -> str:
        await asyncio.sleep(seconds)
        return "rested"


@workflow.defn(name="py-calls-weft")
class CallsWeft:
    """Runs one activity that a weft worker serves, and reports what Python saw."""

    @workflow.run
    async def run(self, call: dict) -> dict:
        options = dict(
            task_queue=call["task_queue"],
            start_to_close_timeout=timedelta(seconds=20),
            heartbeat_timeout=timedelta(seconds=2),
            retry_policy=RetryPolicy(maximum_attempts=call.get("attempts", 1),
                                     initial_interval=timedelta(seconds=5)),
            cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        handle = workflow.start_activity(call["activity"], call.get("input"), **options)
        if "cancel_after_ms" in call:
            await asyncio.sleep(call["cancel_after_ms"] / 1000)
            handle.cancel()
        try:
            return {"status": "completed", "result": await handle}
        except ActivityError as error:
            cause = error.cause
            if isinstance(cause, CancelledError):
                return {"status": "cancelled"}
            return {"status": "failed", "type": getattr(cause, "type", None),
                    "message": cause.message,
                    "non_retryable": getattr(cause, "non_retryable", None),
                    "details": list(getattr(cause, "details", []) or [])}


@workflow.defn(name="py-parent-of-weft")
class ParentOfWeft:
    """Runs a workflow of another worker (weft's) as its child, by name, and returns its result."""

    @workflow.run
    async def run(self, call: dict) -> dict:
        result = await workflow.execute_child_workflow(
            call["workflow"], call.get("input"), id=call["id"], task_queue=call["task_queue"],
            execution_timeout=timedelta(seconds=60))
        return {"child_result": result}


async def main(address: str, task_queue: str) -> None:
    client = await Client.connect(address)
    worker = Worker(client, task_queue=task_queue, workflows=[Echo, Counter, Fails, Waits, Nap, CallsWeft,
                                                           ParentOfWeft],
                    activities=[greet, decline])
    async with worker:
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
