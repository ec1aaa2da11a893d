// The load for the Restate peer: `runs` calls of Bench/threeSteps through the server's HTTP
// ingress, at most `inFlight` open at a time, then `sequential` calls one after the other,
// each timed from request to result. Prints one line of JSON (the driver adds the servers'
// CPU, and runs the two phases as two processes so as to measure it around the first).
//   node dist/load.js INGRESS_URL RUNS IN_FLIGHT SEQUENTIAL
const [url, runs, inFlight, sequential] = [
  process.argv[2],
  Number(process.argv[3]),
  Number(process.argv[4]),
  Number(process.argv[5]),
];

async function call(order: number): Promise<void> {
  const response = await fetch(`${url}/Bench/threeSteps`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ n: order }),
  });
  const body = (await response.json()) as { value?: number };
  if (!response.ok || body.value !== order + 6) {
    throw new Error(`run ${order}: HTTP ${response.status} ${JSON.stringify(body)}`);
  }
}

async function main(): Promise<void> {
  await call(-1); // warm-up: the first call opens connections and the service's deployment
  const start = performance.now();
  let next = 0;
  const client = async () => {
    for (let order = next++; order < runs; order = next++) await call(order);
  };
  await Promise.all(Array.from({ length: inFlight }, client));
  const wall = (performance.now() - start) / 1000;
  const latencies: number[] = [];
  for (let order = 0; order < sequential; ++order) {
    const began = performance.now();
    await call(runs + order);
    latencies.push(performance.now() - began);
  }
  latencies.sort((x, y) => x - y);
  if (latencies.length === 0) latencies.push(NaN);
  // Nearest rank, as the other drivers' "inclusive" quantiles nearly are for 100 samples.
  const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)];
  console.log(JSON.stringify({ runs, in_flight: inFlight, runs_per_s: runs > 0 ? runs / wall : null, wall_s: wall,
                               p50_ms: quantile(0.5), p95_ms: quantile(0.95) }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
