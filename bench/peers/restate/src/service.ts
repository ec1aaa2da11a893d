// The three-step benchmark workflow as a Restate service: each step a `ctx.run` (journaled by
// the server before the handler goes on), each adding its number to the previous value, from
// the input's n, as weft's bench.step does (bench/peers/weft). Serves HTTP/2 on 127.0.0.1 only, at the port given as argv[2].
import * as http2 from "node:http2";
import * as restate from "@restatedev/restate-sdk";

type Value = { value: number; step: number };

function step(value: number, number: number): Value {
  return { value: value + number, step: number };
}

const bench = restate.service({
  name: "Bench",
  handlers: {
    threeSteps: async (ctx: restate.Context, input: { n: number }): Promise<Value> => {
      const first = await ctx.run("first", () => step(input.n, 1));
      const second = await ctx.run("second", () => step(first.value, 2));
      return await ctx.run("third", () => step(second.value, 3));
    },
  },
});

const port = Number(process.argv[2]);
http2
  .createServer(restate.createEndpointHandler({ services: [bench] }))
  .listen(port, "127.0.0.1", () => console.log(`listening on 127.0.0.1:${port}`));
