// An agent's session with `weft mcp`, driven by the official MCP TypeScript SDK
// (@modelcontextprotocol/sdk, installed by scripts/setup): list the tools, scaffold a
// workflow, validate and dry-run it, see notifications/tools/list_changed and its tool appear,
// call that tool (a durable run on the embedded engine, running the scaffolded Lua activity)
// and read the result. Exits 1 on the first expectation that does not hold.
//
// usage: node mcp_client.mjs <weft binary> <project folder> <SDK folder>
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [weft, project, sdkDir] = process.argv.slice(2);
const sdk = (file) =>
  import(pathToFileURL(path.join(sdkDir, "node_modules/@modelcontextprotocol/sdk/dist/esm", file)).href);
const { Client } = await sdk("client/index.js");
const { StdioClientTransport } = await sdk("client/stdio.js");
const { ToolListChangedNotificationSchema, McpError } = await sdk("types.js");

const step = (text) => console.log(`- ${text}`);
// The timer must not keep node alive once the session is over.
const withTimeout = (promise, ms, what) =>
  Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`timed out: ${what}`)), ms).unref())]);

const transport = new StdioClientTransport({
  command: weft,
  args: ["mcp", "--rescan-interval-ms", "100"],
  cwd: project,
  env: { ...process.env, WEFT_LOG_LEVEL: "warn" },
  stderr: "inherit",
});
const client = new Client({ name: "weft-mcp-test", version: "1.0.0" });

let changes = 0;
let changed = null;
const nextChange = () => new Promise((resolve) => (changed = resolve));
client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
  changes += 1;
  if (changed) changed();
});

await client.connect(transport);
assert.equal(client.getServerVersion().name, "weft");
assert.equal(client.getServerCapabilities().tools.listChanged, true);
assert.match(client.getInstructions() ?? "", /add_temporal_workflow/);
step(`connected: ${JSON.stringify(client.getServerVersion())}`);

const names = async () => (await client.listTools()).tools.map((t) => t.name);
const call = async (name, args = {}) => {
  const result = await client.callTool({ name, arguments: args });
  return { ...result, value: result.structuredContent ?? JSON.parse(result.content[0].text) };
};

let tools = await names();
for (const name of ["list_workflows", "describe_workflow", "get_schema", "list_activities",
                    "add_temporal_workflow", "validate_workflow", "test_workflow",
                    "start_workflow", "signal_workflow", "query_workflow", "get_result", "hello"]) {
  assert.ok(tools.includes(name), `tools/list lacks ${name}: ${tools}`);
}
assert.ok(!tools.includes("greet-user"));
step(`tools/list: ${tools.length} tools`);

const listed = await call("list_workflows");
assert.deepEqual(listed.value.workflows.map((w) => w.name), ["hello"]);
const schema = await call("get_schema");
assert.equal(schema.value.schema.type, "object");
const activities = await call("list_activities");
assert.ok(activities.value.activities.some((a) => a.name === "log"));

// Scaffold, and the new workflow becomes a tool.
const announced = nextChange();
const added = await call("add_temporal_workflow", { name: "greet-user", description: "Greets a user" });
assert.equal(added.isError, false, JSON.stringify(added.value));
assert.deepEqual(added.value.files.map((f) => f.role), ["activity", "test", "workflow"]);
await withTimeout(announced, 10000, "notifications/tools/list_changed after add_temporal_workflow");
tools = (await client.listTools()).tools;
const tool = tools.find((t) => t.name === "greet-user");
assert.ok(tool, "the scaffolded workflow is a tool");
assert.deepEqual(tool.inputSchema.required, ["message"]);
assert.match(tool.description, /Greets a user/);
step(`scaffolded greet-user; list_changed received; its tool is listed`);

const again = await call("add_temporal_workflow", { name: "greet-user" });
assert.equal(again.isError, true);
assert.match(again.value.error, /already exists/);
const badName = await call("add_temporal_workflow", { name: "Greet_User" });
assert.equal(badName.isError, true);
assert.match(badName.value.error, /invalid workflow name/);

const valid = await call("validate_workflow", { name: "greet-user" });
assert.equal(valid.isError, false, JSON.stringify(valid.value));
assert.equal(valid.value.valid, true);
const tested = await call("test_workflow", { name: "greet-user" });
assert.equal(tested.isError, false, JSON.stringify(tested.value));
assert.equal(tested.value.passed, true);
assert.equal(tested.value.cases, 2);
step("validate_workflow: valid; test_workflow: 2 cases passed");

// A broken file: machine-readable diagnostics, as `weft validate --json` gives them.
fs.writeFileSync(path.join(project, "broken.yaml"),
                 "dsl: 1\nname: broken\nsteps:\n  - id: s\n    call: log\n    timeouts: {start_to_clos: 1s}\n");
const invalid = await call("validate_workflow", { path: "broken.yaml" });
assert.equal(invalid.isError, true);
const diagnostic = invalid.value.files[0].diagnostics.find((d) => d.code === "WEFT1102");
assert.ok(diagnostic, JSON.stringify(invalid.value));
assert.equal(diagnostic.line, 6);
assert.equal(diagnostic.hint, "did you mean `start_to_close`?");
step("validate_workflow of a broken file: WEFT1102 at line 6 with its hint");

// Call the workflow's own tool: a durable run on the embedded engine, with the real Lua
// activity the scaffold wrote; then its result.
const started = await call("greet-user", { message: "hello" });
assert.equal(started.isError, false, JSON.stringify(started.value));
assert.equal(started.value.engine, "embedded");
assert.ok(started.value.workflow_id);
const result = await withTimeout(call("get_result", { workflow_id: started.value.workflow_id }), 60000, "get_result");
assert.equal(result.isError, false, JSON.stringify(result.value));
assert.deepEqual(result.value.result, { message: "hello", result: { message: "hello", length: 5 } });
step(`greet-user ran: ${JSON.stringify(result.value.result)}`);

// One call that starts a run and waits for it: the outcome as get_result gives it.
const awaited = await withTimeout(call("start_workflow", {
  name: "greet-user", input: { message: "once" }, workflow_id: "awaited", wait_seconds: 30 }),
  60000, "start_workflow with wait_seconds");
assert.equal(awaited.isError, false, JSON.stringify(awaited.value));
assert.equal(awaited.value.workflow_id, "awaited");
assert.equal(awaited.value.status, "completed");
assert.deepEqual(awaited.value.result, { message: "once", result: { message: "once", length: 4 } });
step("start_workflow with wait_seconds: started and awaited in one call");

// An edit changes the tool: list_changed again.
const edited = nextChange();
const file = path.join(project, "workflows/greet-user.yaml");
fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('"Greets a user"', '"Greets a user warmly"'));
await withTimeout(edited, 10000, "notifications/tools/list_changed after an edit");
assert.match((await client.listTools()).tools.find((t) => t.name === "greet-user").description, /warmly/);
step("an edit of the file: list_changed, new description");

// Protocol errors are JSON-RPC errors; tool failures are results.
await assert.rejects(client.callTool({ name: "no-such-tool", arguments: {} }),
                     (error) => error instanceof McpError && error.code === -32602);
const missing = await call("describe_workflow", { name: "nope" });
assert.equal(missing.isError, true);
const described = await call("describe_workflow", { name: "greet-user" });
assert.deepEqual(described.value.steps.map((s) => s.id), ["process"]);
assert.match(described.value.source, /call: greet_user.process/);
await client.ping();
step("unknown tool: -32602; describe_workflow; ping");

await client.close();
console.log(`ok: ${changes} list_changed notifications`);
