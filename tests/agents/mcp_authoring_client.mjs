// An agent with no file system, driven by the official MCP TypeScript SDK
// (@modelcontextprotocol/sdk, installed by scripts/setup): it reads the reference as resources
// and through get_reference, is refused an argument a tool does not take, writes a Lua
// activity, a workflow and its test through the tools (each checked before it is written),
// dry-runs it, runs it on the embedded engine and reads the result; then sees a broken module
// and a broken workflow file listed beside the good ones. Exits 1 on the first expectation
// that does not hold. The project folder is only touched here to break files, as an editor
// would.
//
// usage: node mcp_authoring_client.mjs <weft binary> <project folder> <SDK folder>
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [weft, project, sdkDir] = process.argv.slice(2);
const sdk = (file) =>
  import(pathToFileURL(path.join(sdkDir, "node_modules/@modelcontextprotocol/sdk/dist/esm", file)).href);
const { Client } = await sdk("client/index.js");
const { StdioClientTransport } = await sdk("client/stdio.js");
const { McpError } = await sdk("types.js");

const step = (text) => console.log(`- ${text}`);
const withTimeout = (promise, ms, what) =>
  Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`timed out: ${what}`)), ms).unref())]);

const client = new Client({ name: "weft-mcp-authoring-test", version: "1.0.0" });
await client.connect(new StdioClientTransport({
  command: weft,
  args: ["mcp", "--rescan-interval-ms", "100"],
  cwd: project,
  env: { ...process.env, WEFT_LOG_LEVEL: "warn" },
  stderr: "inherit",
}));
const call = async (name, args = {}) => {
  const result = await client.callTool({ name, arguments: args });
  return { ...result, value: result.structuredContent ?? JSON.parse(result.content[0].text) };
};
const text = async (name, args) => (await client.callTool({ name, arguments: args })).content[0].text;

// The reference, as resources and as a tool.
assert.ok(client.getServerCapabilities().resources, "the resources capability");
const instructions = client.getInstructions() ?? "";
for (const name of ["weft://docs/language", "get_reference", "write_workflow", "weft://docs/testing"]) {
  assert.ok(instructions.includes(name), `the instructions name ${name}`);
}
const { resources } = await client.listResources();
const uris = resources.map((r) => r.uri);
for (const uri of ["weft://docs/agents", "weft://docs/language", "weft://docs/expressions",
                   "weft://docs/activities", "weft://docs/testing",
                   "weft://schema/workflow.schema.json", "weft://schema/workflow-test.schema.json",
                   "weft://examples/workflows/order-clothes.yaml",
                   "weft://examples/tests/workflows/order-clothes.test.yaml",
                   "weft://examples/activities/payments.lua"]) {
  assert.ok(uris.includes(uri), `resources/list lacks ${uri}`);
}
const activitiesDoc = (await client.readResource({ uri: "weft://docs/activities" })).contents[0];
assert.equal(activitiesDoc.mimeType, "text/markdown");
assert.match(activitiesDoc.text, /non_retryable = true/);
const testSchema = JSON.parse((await client.readResource({ uri: "weft://schema/workflow-test.schema.json" })).contents[0].text);
assert.deepEqual(testSchema.required, ["workflow", "cases"]);
await assert.rejects(client.readResource({ uri: "weft://docs/nope" }),
                     (error) => error instanceof McpError && error.code === -32002);
assert.equal(await text("get_reference", { topic: "testing" }),
             (await client.readResource({ uri: "weft://docs/testing" })).contents[0].text);
assert.match(await text("get_reference", { topic: "examples" }), /workflows\/hello\.yaml/);
step(`${resources.length} resources; get_reference serves the same text`);

// Strict arguments: what validate_workflow does not take is refused, not ignored.
const stray = await call("list_workflows", { yaml: "dsl: 1" });
assert.equal(stray.isError, true);
assert.equal(stray.value.argument, "yaml");
assert.match(stray.value.error, /unknown argument `yaml` of list_workflows; list_workflows takes no arguments/);
const typed = await call("get_reference", { topic: 3 });
assert.equal(typed.isError, true);
assert.match(typed.value.error, /argument `topic` must be string, not integer/);
step("unknown and ill-typed arguments refused, naming the argument");

// A large text result is not repeated in structuredContent.
const schema = await client.callTool({ name: "get_schema", arguments: {} });
assert.equal(schema.structuredContent, undefined);
assert.equal(JSON.parse(schema.content[0].text).schema.type, "object");

// Author a workflow with no file system.
const lua = `local M = {}
M.doc = {shout = {description = "Upper-cases text", input = {type = "object", required = {"text"}}}}
function M.shout(input)
  if input.text == "" then error({type = "Empty", message = "nothing to shout", non_retryable = true}) end
  return {text = string.upper(input.text)}
end
return M
`;
const badLua = await call("write_activity", { module: "loud", lua: "return {" });
assert.equal(badLua.isError, true);
assert.match(badLua.value.error, /loud\.lua:1:/);
const activity = await call("write_activity", { module: "loud", lua });
assert.equal(activity.isError, false, JSON.stringify(activity.value));
assert.deepEqual(activity.value.activities.map((a) => a.name), ["loud.shout"]);

const workflow = `dsl: 1
name: shout
description: Shouts a name.
input: {type: object, required: [who], properties: {who: {type: string}}}
steps:
  - id: shout_it
    call: loud.shout
    args: {text: '\${ input.who }'}
    timeouts: {start_to_close: 10s}
output: \${ steps.shout_it.result }
`;
const typo = await call("validate_workflow", { yaml: workflow.replace("start_to_close", "start_to_clos") });
assert.equal(typo.isError, true);
const diagnostic = typo.value.files[0].diagnostics.find((d) => d.code === "WEFT1102");
assert.ok(diagnostic, JSON.stringify(typo.value));
assert.equal(diagnostic.line, 9);
assert.equal(diagnostic.hint, "did you mean `start_to_close`?");
const refused = await call("write_workflow", { yaml: workflow.replace("loud.shout", "loud.whisper") });
assert.equal(refused.isError, true);
assert.equal(refused.value.files[0].diagnostics[0].code, "WEFT1206");
const written = await call("write_workflow", { yaml: workflow });
assert.equal(written.isError, false, JSON.stringify(written.value));
assert.equal(written.value.name, "shout");
assert.ok((await client.listTools()).tools.some((t) => t.name === "shout"), "the new workflow is a tool");
const tested = await call("write_test", { workflow: "shout", yaml: `workflow: shout
cases:
  - name: shouts
    input: {who: ada}
    mocks: {shout_it: {result: {text: ADA}}}
    expect: {steps: [shout_it], output: {text: ADA}}
` });
assert.equal(tested.isError, false, JSON.stringify(tested.value));
assert.equal(tested.value.passed, true);
assert.equal((await call("test_workflow", { name: "shout" })).value.passed, true);
step("write_activity, write_workflow (after a refusal with diagnostics), write_test: passed");

const started = await call("shout", { who: "ada" });
assert.equal(started.isError, false, JSON.stringify(started.value));
const result = await withTimeout(call("get_result", { workflow_id: started.value.workflow_id }), 60000, "get_result");
assert.equal(result.isError, false, JSON.stringify(result.value));
assert.deepEqual(result.value.result, { text: "ADA" });
step(`shout ran on the embedded engine: ${JSON.stringify(result.value.result)}`);

// One broken file of each kind does not hide the rest.
fs.writeFileSync(path.join(project, "activities/broken.lua"), "return {\n");
fs.writeFileSync(path.join(project, "workflows/half.yaml"), "dsl: 1\nname: half\nsteps: []\nbogus: true\n");
const activities = await call("list_activities");
assert.deepEqual(activities.value.broken.map((b) => b.module), ["broken"]);
assert.equal(activities.value.broken[0].error.type, "LuaModuleError");
assert.ok(activities.value.activities.some((a) => a.name === "loud.shout"));
const listWorkflows = async () => (await call("list_workflows")).value;
let listed = await listWorkflows();
for (let i = 0; i < 50 && !listed.broken; ++i) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  listed = await listWorkflows();
}
assert.ok(listed.broken, JSON.stringify(listed));
assert.match(listed.broken[0].file, /half\.yaml$/);
assert.ok(listed.broken[0].diagnostics.length > 0);
assert.ok(listed.workflows.some((w) => w.name === "shout"));
const again = await call("shout", { who: "grace" });
const second = await withTimeout(call("get_result", { workflow_id: again.value.workflow_id }), 60000, "get_result");
assert.deepEqual(second.value.result, { text: "GRACE" });
step("a broken module and a broken workflow are listed as broken; the rest still runs");

await client.close();
console.log("ok: authored and ran a workflow over MCP alone");
