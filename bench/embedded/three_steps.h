// kThreeSteps: the workflow most embedded-engine benchmarks run: three `call` steps of
// `bench.step`, each result feeding the next step's arguments. One definition, so that the
// drivers' figures stay comparable.
#ifndef WEFT_BENCH_EMBEDDED_THREE_STEPS_H_
#define WEFT_BENCH_EMBEDDED_THREE_STEPS_H_

namespace weft::bench {

inline constexpr const char* kThreeSteps = R"(dsl: 1
name: three-steps
input: {type: object}
defaults:
  call:
    timeouts: {start_to_close: 30s}
steps:
  - id: reserve
    call: bench.step
    args: {order: '${ input.order }', step: 1}
    result: a
  - id: charge
    call: bench.step
    args: {order: '${ input.order }', step: '${ vars.a.step + 1 }'}
    result: b
  - id: ship
    call: bench.step
    args: {order: '${ input.order }', step: '${ vars.b.step + 1 }'}
    result: c
output: ${ vars.c }
)";

}  // namespace weft::bench

#endif  // WEFT_BENCH_EMBEDDED_THREE_STEPS_H_
