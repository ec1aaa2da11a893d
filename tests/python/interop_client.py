"""A client written with the official Python SDK, driving weft workflows: the other side of
weft's client interop tests.

Usage: interop_client.py <address> <weft-task-queue> <scenario> [<python-task-queue>]

Prints one JSON object: what Python saw. Scenarios:
  drive    start `interop-counter` by name, signal, query, update (accepted and rejected by the
           validator), finish it with a signal and read its result
  failure  start `interop-fails`, whose `fail` step raises CardDeclined, and report the error
  invalid  start `interop-counter` with an input its schema refuses, and report the error
  child    run the Python workflow `py-parent-of-weft` on <python-task-queue>, whose child is
           the weft workflow `interop-greets`
  activity_failure
           start `interop-declines`, whose activity (the Python worker's `decline`) fails for
           good, and report the ActivityError and its cause as the SDK reads them
"""

import asyncio
import json
import os
import sys
import uuid

from temporalio.client import Client, WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.exceptions import ActivityError, ApplicationError


async def drive(client: Client, queue: str) -> dict:
    handle = await client.start_workflow("interop-counter", {"start": 2},
                                         id=f"py-drives-weft-{uuid.uuid4()}", task_queue=queue)
    seen = {}
    await handle.signal("add", 5)
    seen["after_signal"] = await handle.query("total")
    seen["update"] = await handle.execute_update("add_and_get", 3)
    seen["after_update"] = await handle.query("total")
    try:
        await handle.execute_update("add_and_get", -1)
        seen["rejected"] = None
    except WorkflowUpdateFailedError as error:
        cause = error.cause
        seen["rejected"] = {"class": type(cause).__name__,
                            "type": getattr(cause, "type", None),
                            "message": str(cause)}
    seen["after_rejection"] = await handle.query("total")
    await handle.signal("finish")
    seen["result"] = await handle.result()
    description = await handle.describe()
    seen["workflow_type"] = description.workflow_type
    seen["status"] = description.status.name if description.status else None
    return seen


async def failure(client: Client, queue: str, workflow: str, argument: object) -> dict:
    try:
        await client.execute_workflow(workflow, argument,
                                      id=f"py-fails-weft-{uuid.uuid4()}", task_queue=queue)
        return {"failed": False}
    except WorkflowFailureError as error:
        cause = error.cause
        return {"failed": True,
                "class": type(cause).__name__,
                "type": getattr(cause, "type", None),
                "message": cause.message if isinstance(cause, ApplicationError) else str(cause),
                "non_retryable": getattr(cause, "non_retryable", None),
                "details": list(getattr(cause, "details", []) or [])}


async def activity_failure(client: Client, queue: str) -> dict:
    workflow_id = f"py-weft-activity-fails-{uuid.uuid4()}"
    try:
        await client.execute_workflow("interop-declines", {"id": "order-9", "amount": 20000},
                                      id=workflow_id, task_queue=queue)
        return {"failed": False}
    except WorkflowFailureError as error:
        activity_error = error.cause
        seen = {"failed": True, "workflow_id": workflow_id,
                "class": type(activity_error).__name__}
        if isinstance(activity_error, ActivityError):
            seen.update({
                "activity_type": activity_error.activity_type,
                "activity_id": activity_error.activity_id,
                "scheduled_event_id": activity_error.scheduled_event_id,
                "started_event_id": activity_error.started_event_id,
                "identity": activity_error.identity,
                "retry_state": activity_error.retry_state.name
                if activity_error.retry_state is not None else None,
            })
        cause = activity_error.cause
        seen["cause"] = {"class": type(cause).__name__,
                         "type": getattr(cause, "type", None),
                         "message": getattr(cause, "message", str(cause)),
                         "non_retryable": getattr(cause, "non_retryable", None),
                         "details": list(getattr(cause, "details", []) or []),
                         "source": cause.failure.source if getattr(cause, "failure", None)
                         else None}
        return seen


async def child(client: Client, queue: str, python_queue: str) -> dict:
    result = await client.execute_workflow(
        "py-parent-of-weft",
        {"workflow": "interop-greets", "input": {"name": "Grace"}, "task_queue": queue,
         "id": f"weft-child-{uuid.uuid4()}"},
        id=f"py-parent-{uuid.uuid4()}", task_queue=python_queue)
    return result


async def main() -> None:
    address, queue, scenario = sys.argv[1:4]
    client = await Client.connect(address)
    if scenario == "drive":
        seen = await drive(client, queue)
    elif scenario == "failure":
        seen = await failure(client, queue, "interop-fails", {"id": "order-7"})
    elif scenario == "invalid":
        seen = await failure(client, queue, "interop-counter", {"start": "not a number"})
    elif scenario == "activity_failure":
        seen = await activity_failure(client, queue)
    elif scenario == "child":
        seen = await child(client, queue, sys.argv[4])
    else:
        raise SystemExit(f"unknown scenario {scenario}")
    print(json.dumps(seen), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
    # The SDK's native runtime threads can still be winding down when the interpreter
    # finalizes, which aborts the process (PyGILState_Release) after the answer is printed;
    # leave without finalizing, since everything that matters is on stdout already.
    sys.stdout.flush()
    os._exit(0)
