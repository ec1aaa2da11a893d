// The three-step benchmark workflow as a Restate service: each step a `ctx.run` (journaled by
// the server before the handler goes on), each adding its number to the previous value, as
// weft's bench.step does. Serves HTTP/2 on 127.0.0.1 only, at the port given as argv[2].
import * as http2 from "node:http2";
import * as restate from "@restatedev/restate-sdk";

type Value = { order: number; value: number; step: number };

function step(order: number, value: number, number: number): Value {
  return { order, value: value + number, step: number };
}

const bench = restate.service({
  name: "Bench",
  handlers: {
    threeSteps: async (ctx: restate.Context, input: { order: number }): Promise<Value> => {
      const a = await ctx.run("reserve", () => step(input.order, 0, 1));
      const b = await ctx.run("charge", () => step(input.order, a.value, 2));
      return await ctx.run("ship", () => step(input.order, b.value, 3));
    },
  },
});

const port = Number(process.argv[2]);
http2
  .createServer(restate.createEndpointHandler({ services: [bench] }))
  .listen(port, "127.0.0.1", () => console.log(`listening on 127.0.0.1:${port}`));
