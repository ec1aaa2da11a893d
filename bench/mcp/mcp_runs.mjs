// Runs started and awaited by an agent over MCP (issue 17, point 2): the official MCP
// TypeScript SDK as the client, `weft mcp` as the server, and a `weft serve` of the same
// project executing the runs, as an agent's session with a project whose engine is a service.
//
// Each run is two tool calls, as an agent makes them: start_workflow, then get_result (which
// waits for the run to close, woken by the journal's doorbell); with `--calls 1`, one:
// start_workflow with wait_seconds, which starts the run and waits for it. The workflow is the
// peers' three-step one (bench/peers/weft): three Lua activities in turn, every step durable.
// With `--serve 0` no `weft serve` runs: `weft mcp` starts a background engine at the first run,
// as it does for an agent in a plain project, and that engine's CPU is counted where
// `weft serve`'s is (its pid from the journal's lease file).
//
// Per round, on a fresh project: `--runs` runs with up to `--in-flight` at once (runs per
// second; CPU per run of `weft mcp` and `weft serve` together, from /proc/<pid>/stat, and of
// the Node.js client apart), then
// `--sequential` runs one after the other (the p50 and p95 of start_workflow's call to
// get_result's answer). Rounds repeat the whole; the summary gives each figure's median and
// range.
//
// usage: node bench/mcp/mcp_runs.mjs <weft binary> <MCP SDK folder (scripts/setup's npm-mcp)>
//          [--runs 2000] [--in-flight 200] [--sequential 100] [--rounds 3] [--calls 2]
//          [--serve 1]
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const peers = path.join(here, "..", "peers", "weft");
const [weftArgument, sdkDir, ...rest] = process.argv.slice(2);
if (!weftArgument || !sdkDir) {
  console.error("usage: node mcp_runs.mjs <weft> <MCP SDK folder> [--runs N] [--in-flight N] " +
                "[--sequential N] [--rounds N]");
  process.exit(2);
}
const weft = path.resolve(weftArgument);
const options = { runs: 2000, "in-flight": 200, sequential: 100, rounds: 3, calls: 2, serve: 1 };
for (let i = 0; i < rest.length; i += 2) {
  const key = rest[i].replace(/^--/, "");
  if (!(key in options) || !/^\d+$/.test(rest[i + 1] ?? "")) {
    console.error(`unknown argument or bad value: ${rest[i]} ${rest[i + 1] ?? ""}`);
    process.exit(2);
  }
  options[key] = Number(rest[i + 1]);
}
if (options.serve !== 0 && options.serve !== 1) {
  console.error("--serve is 1 (a `weft serve` runs the runs) or 0 (a background engine does)");
  process.exit(2);
}
if (options.calls !== 1 && options.calls !== 2) {
  console.error("--calls is 1 (start_workflow with wait_seconds) or 2 (then get_result)");
  process.exit(2);
}

const sdk = (file) => import(pathToFileURL(
  path.join(sdkDir, "node_modules/@modelcontextprotocol/sdk/dist/esm", file)).href);
const { Client } = await sdk("client/index.js");
const { StdioClientTransport } = await sdk("client/stdio.js");

const ticks = 100;  // USER_HZ, as on every Linux
// CPU seconds of a process and its reaped children (utime, stime, cutime, cstime).
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields.slice(11, 15).reduce((sum, value) => sum + Number(value), 0) / ticks;
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};

// A project folder as `weft new` lays it out: workflows/, activities/, .weft/journal.db.
function makeProject() {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "weft-mcp-bench-"));
  fs.mkdirSync(path.join(project, "workflows"));
  fs.mkdirSync(path.join(project, "activities"));
  fs.copyFileSync(path.join(peers, "workflows", "bench-three-steps.yaml"),
                  path.join(project, "workflows", "bench-three-steps.yaml"));
  fs.copyFileSync(path.join(peers, "activities", "bench.lua"),
                  path.join(project, "activities", "bench.lua"));
  return project;
}

// `weft serve` in the project, ready once its log says how many open runs it found.
async function startServe(project) {
  const serve = spawn(weft, ["serve"], { cwd: project, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`weft serve not ready in 60 s:\n${log}`)),
                             60000);
    serve.stderr.on("data", (chunk) => {
      log += chunk;
      if (log.includes(" open runs)")) { clearTimeout(timer); resolve(); }
    });
    serve.on("exit", (code) => reject(new Error(`weft serve exited ${code}:\n${log}`)));
  });
  serve.stderr.resume();
  return serve;
}

// The pid of the engine holding the project's journal (`weft serve`'s, or a background one's).
function enginePid(project) {
  return Number(fs.readFileSync(path.join(project, ".weft", "journal.db.lock"), "utf8").trim());
}

async function round(number) {
  const project = makeProject();
  const serve = options.serve ? await startServe(project) : null;
  const client = new Client({ name: "weft-mcp-bench", version: "1.0.0" });
  const transport = new StdioClientTransport({
    command: weft, args: ["--log-level", "warn", "mcp"], cwd: project, stderr: "inherit" });
  await client.connect(transport);
  let next = 0;
  // One run as an agent makes it; throws on anything but a completed run with the right value.
  const run = async () => {
    const n = next++;
    const id = `bench-${n}`;
    const start = { name: "bench-three-steps", input: { n }, workflow_id: id };
    let result;
    if (options.calls === 1) {
      result = await client.callTool({ name: "start_workflow",
                                       arguments: { ...start, wait_seconds: 30 } });
    } else {
      const started = await client.callTool({ name: "start_workflow", arguments: start });
      if (started.isError) throw new Error(`start ${id}: ${started.content[0].text}`);
      result = await client.callTool({ name: "get_result", arguments: { workflow_id: id } });
    }
    const value = result.structuredContent ?? JSON.parse(result.content[0].text);
    if (result.isError || value.status !== "completed" || value.result?.value !== n + 6) {
      throw new Error(`run ${id}: ${result.content[0].text}`);
    }
  };
  try {
    for (let i = 0; i < 20; i++) await run();  // warm-up: the journal, the Lua state, the JIT
    const engine = serve ? serve.pid : enginePid(project);
    const mcpBefore = cpuSeconds(transport.pid);
    const serveBefore = cpuSeconds(engine);
    const clientBefore = process.cpuUsage();
    const began = performance.now();
    let remaining = options.runs;
    const lane = async () => { while (remaining-- > 0) await run(); };
    await Promise.all(Array.from({ length: Math.min(options["in-flight"], options.runs) }, lane));
    const wall = (performance.now() - began) / 1000;
    const mcpCpu = cpuSeconds(transport.pid) - mcpBefore;
    const serveCpu = cpuSeconds(engine) - serveBefore;
    if (enginePid(project) !== engine) throw new Error("the engine changed during the round");
    const client_cpu = process.cpuUsage(clientBefore);
    const latencies = [];
    for (let i = 0; i < options.sequential; i++) {
      const start = performance.now();
      await run();
      latencies.push(performance.now() - start);
    }
    const figures = { round: number, runs_per_s: options.runs / wall,
                      cpu_ms_per_run: (mcpCpu + serveCpu) * 1000 / options.runs,
                      mcp_cpu_ms_per_run: mcpCpu * 1000 / options.runs,
                      serve_cpu_ms_per_run: serveCpu * 1000 / options.runs,
                      client_cpu_ms_per_run:
                        (client_cpu.user + client_cpu.system) / 1000 / options.runs,
                      p50_ms: median(latencies), p95_ms: quantile(latencies, 0.95) };
    console.log(JSON.stringify(figures));
    return figures;
  } finally {
    await client.close();
    if (serve) {
      serve.kill("SIGTERM");
      await new Promise((resolve) => serve.exitCode !== null ? resolve() : serve.on("exit", resolve));
    } else {
      // The background engine would linger, then exit by itself; a round does not wait for it.
      try { process.kill(enginePid(project), "SIGTERM"); } catch { /* gone already */ }
    }
    fs.rmSync(project, { recursive: true, force: true });
  }
}

const rounds = [];
for (let i = 1; i <= options.rounds; i++) rounds.push(await round(i));
const summary = (key, digits) => {
  const values = rounds.map((r) => r[key]);
  return `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}-` +
         `${Math.max(...values).toFixed(digits)})`;
};
console.log(`runs started and awaited over MCP in ${options.calls} call(s) each, ` +
            `${options.runs} runs, ` +
            `${options["in-flight"]} in flight, ${options.rounds} rounds: ` +
            `runs/s ${summary("runs_per_s", 0)}, CPU ms per run ${summary("cpu_ms_per_run", 2)} ` +
            `(weft mcp ${summary("mcp_cpu_ms_per_run", 2)}, ` +
            `${options.serve ? "weft serve" : "the background engine"} ` +
            `${summary("serve_cpu_ms_per_run", 2)}; the SDK's client apart: ` +
            `${summary("client_cpu_ms_per_run", 2)}); ` +
            `one at a time: p50 ms ${summary("p50_ms", 2)}, p95 ms ${summary("p95_ms", 2)}`);
