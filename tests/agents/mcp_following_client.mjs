// An agent that writes a workflow and follows its runs, with nothing but `weft mcp` and the
// official MCP TypeScript SDK (@modelcontextprotocol/sdk, installed by scripts/setup), and no
// access to the project's files: it reads the reference, writes a Lua activity, a workflow
// with a signal, an update with a validator and a compensation, and its dry-run cases through
// the tools; dry-runs them; starts a run under its own workflow_id, follows it with
// describe_run and get_result's progress, sends the update and the signal; reads the
// structured failure of a second run (retried, then compensated); cancels a third; lists the
// runs. Along the way: a broken module lies beside the good ones (the test put it there), an
// unknown argument is refused, an id reused while its run is running is refused, an unknown id
// is not_found, and a closed run still answers queries. Exits 1 on the first expectation that
// does not hold.
//
// usage: node mcp_following_client.mjs <weft binary> <project folder> <SDK folder>
import assert from "node:assert/strict";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [weft, project, sdkDir] = process.argv.slice(2);
const sdk = (file) =>
  import(pathToFileURL(path.join(sdkDir, "node_modules/@modelcontextprotocol/sdk/dist/esm", file)).href);
const { Client } = await sdk("client/index.js");
const { StdioClientTransport } = await sdk("client/stdio.js");

const step = (text) => console.log(`- ${text}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const client = new Client({ name: "weft-mcp-following-test", version: "1.0.0" });
await client.connect(new StdioClientTransport({
  command: weft,
  args: ["mcp", "--rescan-interval-ms", "100"],
  cwd: project,
  env: { ...process.env, WEFT_LOG_LEVEL: "warn" },
  stderr: "inherit",
}));
const call = async (name, args = {}, options = undefined) => {
  const result = await client.callTool({ name, arguments: args }, undefined, options);
  return { ...result, value: result.structuredContent ?? JSON.parse(result.content[0].text) };
};
const show = (value) => JSON.stringify(value);

// The reference first, as an agent without the repository reads it.
const guide = (await client.readResource({ uri: "weft://docs/agents" })).contents[0].text;
for (const tool of ["describe_run", "list_runs", "cancel_workflow", "wait_seconds"]) {
  assert.ok(guide.includes(tool), `the agent guide names ${tool}`);
}
const testing = await client.callTool({ name: "get_reference", arguments: { topic: "testing" } });
assert.match(testing.content[0].text, /events:/);
step("read the guide and the test format");

// A module that does not load lies beside the good ones; the rest keep working.
const lua = `local M = {}
function M.reserve(input) return {seat = "12A", traveller = input.traveller} end
function M.release(input) return {released = input.seat} end
function M.charge(input)
  if input.amount > 5000 then
    error({type = "CardDeclined", message = "over the card's limit", details = {limit = 5000},
           non_retryable = true})
  end
  if input.amount == 999 then error({type = "GatewayBusy", message = "try again later"}) end
  return {charge_id = "ch-" .. input.traveller}
end
return M
`;
const activity = await call("write_activity", { module: "trip", lua });
assert.equal(activity.isError, false, show(activity.value));
const activities = await call("list_activities");
assert.deepEqual(activities.value.broken.map((b) => b.module), ["broken"]);
assert.ok(activities.value.activities.some((a) => a.name === "trip.charge"));
step("write_activity trip; list_activities lists the broken module apart");

const workflow = `dsl: 1
name: book-trip
description: Reserves a seat, waits for approval, then charges; releases the seat when it fails.
input:
  type: object
  required: [traveller, amount]
  properties:
    traveller: {type: string}
    amount: {type: integer}
vars: {status: reserving, seats: 1}
on_failure: compensate
defaults:
  call:
    timeouts: {start_to_close: 10s}
handlers:
  queries:
    status: \${ vars.status }
  signals:
    approve: {}
  updates:
    set_seats:
      validate: \${ update.seats >= 1 && update.seats <= 4 }
      set: {seats: '\${ update.seats }'}
      result: '\${ {"seats": update.seats} }'
steps:
  - id: reserve
    call: trip.reserve
    args: {traveller: '\${ input.traveller }'}
    compensate:
      call: trip.release
      args: {seat: '\${ steps.reserve.result.seat }'}
  - id: waiting
    set: {status: awaiting approval}
  - id: approval
    await: {signal: approve, timeout: 10m}
  - id: charge
    call: trip.charge
    args: {traveller: '\${ input.traveller }', amount: '\${ input.amount * vars.seats }'}
    retry: {maximum_attempts: 2, initial_interval: 3s, non_retryable_error_types: [CardDeclined]}
  - id: booked
    set: {status: booked}
output:
  seat: \${ steps.reserve.result.seat }
  seats: \${ vars.seats }
  charge_id: \${ steps.charge.result.charge_id }
`;
const written = await call("write_workflow", { yaml: workflow });
assert.equal(written.isError, false, show(written.value));
const tested = await call("write_test", { workflow: "book-trip", yaml: `workflow: book-trip
cases:
  - name: two seats, approved and charged
    input: {traveller: ada, amount: 100}
    mocks:
      reserve: {result: {seat: 12A}}
      charge: {result: {charge_id: ch-ada}}
    events:
      - update: set_seats
        input: {seats: 9}
        after: reserve
        expect: {rejected: true}
      - update: set_seats
        input: {seats: 2}
        expect: {result: {seats: 2}}
      - signal: approve
    expect:
      steps: [reserve, charge]
      output: {seat: 12A, seats: 2, charge_id: ch-ada}
  - name: a declined card releases the seat
    input: {traveller: bob, amount: 9000}
    mocks:
      reserve: {result: {seat: 3C}}
      charge: {error: {type: CardDeclined, message: over the card's limit, non_retryable: true}}
      reserve.compensate: {result: {released: 3C}}
    events:
      - signal: approve
    expect:
      steps: [reserve, charge, reserve.compensate]
      error: {type: CardDeclined}
` });
assert.equal(tested.isError, false, show(tested.value));
assert.equal(tested.value.passed, true, show(tested.value));
const dry = (await call("test_workflow", { name: "book-trip" })).value;
const declined = dry.files[0].cases[1];
assert.equal(declined.error.type, "CardDeclined");
assert.equal(declined.error.step, "charge");
assert.deepEqual(declined.error.compensations, ["compensate reserve"]);
step(`write_workflow, write_test, test_workflow: passed; the dry run's failure: ${show(declined.error)}`);

// Strict arguments: get_result takes wait_seconds, not wait.
const stray = await call("get_result", { workflow_id: "trip-ada", wait: 5 });
assert.equal(stray.isError, true);
assert.equal(stray.value.argument, "wait");
assert.ok(stray.value.accepted.some((a) => a.startsWith("wait_seconds")), show(stray.value));

// A run under the agent's own id.
const started = await call("start_workflow", { name: "book-trip", workflow_id: "trip-ada",
                                               input: { traveller: "ada", amount: 100 } });
assert.equal(started.isError, false, show(started.value));
assert.equal(started.value.workflow_id, "trip-ada");
const reused = await call("start_workflow", { name: "book-trip", workflow_id: "trip-ada",
                                              input: { traveller: "eve", amount: 1 } });
assert.equal(reused.isError, true);
assert.equal(reused.value.status, "already_running");
assert.match(reused.value.error, /trip-ada is already running/);
step("started trip-ada under its own id; a second start with that id is refused");

// Follow it: get_result gives up at its bound, with progress on the way; describe_run says
// it waits at `approval` for the signal `approve`.
const progress = [];
const waiting = await call("get_result", { workflow_id: "trip-ada", wait_seconds: 2 },
                           { onprogress: (p) => progress.push(p) });
assert.equal(waiting.isError, false, show(waiting.value));
assert.equal(waiting.value.status, "running");
assert.ok(progress.length >= 1, "progress notifications while get_result waits");
// The first report may come before the background engine has taken the run (pending).
assert.match(progress[0].message, /trip-ada is (pending|running) after/);
let described = (await call("describe_run", { workflow_id: "trip-ada" })).value;
assert.equal(described.status, "running", show(described));
assert.deepEqual(described.awaiting_signals, ["approve"], show(described));
assert.deepEqual(described.in_progress, [{ step: "approval", kind: "await", signal: "approve" }]);
assert.ok(described.history.some((h) => h.events.includes("reserve completed")), show(described.history));
assert.ok(described.history.some((h) => h.commands.includes("reserve: call trip.reserve")));
step(`get_result after 2 s: running (${progress.length} progress notifications); describe_run: at ${show(described.in_progress)}`);

// The update's validator refuses 9 seats and takes 2; then the signal moves it on.
const refused = await call("update_workflow", { workflow_id: "trip-ada", update: "set_seats", input: { seats: 9 } });
assert.equal(refused.isError, true);
assert.equal(refused.value.rejected, true, show(refused.value));
const updated = await call("update_workflow", { workflow_id: "trip-ada", update: "set_seats", input: { seats: 2 } });
assert.equal(updated.isError, false, show(updated.value));
assert.deepEqual(updated.value.result, { seats: 2 });
assert.equal((await call("query_workflow", { workflow_id: "trip-ada", query: "status" })).value.result,
             "awaiting approval");
const signalled = await call("signal_workflow", { workflow_id: "trip-ada", signal: "approve" });
assert.equal(signalled.value.delivered, true, show(signalled.value));
const done = await call("get_result", { workflow_id: "trip-ada", wait_seconds: 30 });
assert.equal(done.isError, false, show(done.value));
assert.deepEqual(done.value.result, { seat: "12A", seats: 2, charge_id: "ch-ada" });
const closedQuery = await call("query_workflow", { workflow_id: "trip-ada", query: "status" });
assert.equal(closedQuery.isError, false, show(closedQuery.value));
assert.equal(closedQuery.value.result, "booked");
step(`update refused then accepted, signal sent: ${show(done.value.result)}; the closed run answers status=booked`);

// A second run fails: its charge is retried once (describe_run shows the attempt and the last
// failure), then the seat is released and the failure reads as data.
await call("start_workflow", { name: "book-trip", workflow_id: "trip-bob", input: { traveller: "bob", amount: 999 } });
assert.equal((await call("signal_workflow", { workflow_id: "trip-bob", signal: "approve" })).isError, false);
let retrying = null;
for (let i = 0; i < 100 && !retrying; ++i) {
  described = (await call("describe_run", { workflow_id: "trip-bob" })).value;
  retrying = described.pending_activities?.find((a) => a.attempt === 2 && a.last_failure);
  if (!retrying) await sleep(100);
}
assert.ok(retrying, show(described));
assert.equal(retrying.step, "charge");
assert.equal(retrying.activity, "trip.charge");
assert.equal(retrying.last_failure.type, "GatewayBusy");
step(`describe_run: ${show(retrying)}`);
const failed = await call("get_result", { workflow_id: "trip-bob", wait_seconds: 30 });
assert.equal(failed.isError, true);
assert.equal(failed.value.status, "failed", show(failed.value));
assert.equal(failed.value.error.type, "GatewayBusy");
assert.equal(failed.value.error.step, "charge");
assert.deepEqual(failed.value.error.compensations, ["compensate reserve"]);
assert.equal(failed.value.failure.info.attempt, 2);
assert.equal(failed.value.failure.info.activity_type, "trip.charge");
assert.equal(failed.value.failure.cause.type, "GatewayBusy");
step(`trip-bob failed as data: ${show(failed.value.error)}, attempt ${failed.value.failure.info.attempt}`);

// A third is cancelled while it waits; an id nobody used is not_found.
await call("start_workflow", { name: "book-trip", workflow_id: "trip-cy", input: { traveller: "cy", amount: 5 } });
const cancelled = await call("cancel_workflow", { workflow_id: "trip-cy", reason: "plans changed" });
assert.equal(cancelled.isError, false, show(cancelled.value));
const cyResult = await call("get_result", { workflow_id: "trip-cy", wait_seconds: 30 });
assert.equal(cyResult.value.status, "cancelled", show(cyResult.value));
const missing = await call("get_result", { workflow_id: "trip-nobody", wait_seconds: 0 });
assert.equal(missing.isError, true);
assert.equal(missing.value.status, "not_found");
assert.equal((await call("describe_run", { workflow_id: "trip-nobody" })).value.status, "not_found");

const all = (await call("list_runs", { workflow: "book-trip" })).value.runs;
assert.deepEqual(all.map((r) => r.workflow_id).sort(), ["trip-ada", "trip-bob", "trip-cy"]);
const failures = (await call("list_runs", { workflow: "book-trip", status: "failed" })).value.runs;
assert.deepEqual(failures.map((r) => r.workflow_id), ["trip-bob"]);
const badStatus = await call("list_runs", { status: "broken" });
assert.equal(badStatus.isError, true);
step(`cancelled trip-cy; trip-nobody not_found; list_runs: ${show(all.map((r) => [r.workflow_id, r.status]))}`);

await client.close();
console.log("ok: wrote, ran and followed workflows over MCP alone");
