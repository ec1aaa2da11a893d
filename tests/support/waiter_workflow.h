// The waiter workflow of the embedded engine's tests: it waits for a signal `go` and returns
// who sent it (`{by: ...}`), so that a test decides when a run closes. Shared by the tests of
// the journal's doorbell and of `weft serve`, which both need a run that stays open.
#ifndef WEFT_TESTS_SUPPORT_WAITER_WORKFLOW_H_
#define WEFT_TESTS_SUPPORT_WAITER_WORKFLOW_H_

namespace weft::testing {

inline constexpr char kWaiterWorkflow[] = R"(dsl: 1
name: waiter
vars: {by: nobody}
handlers:
  signals:
    go: {set: {by: '${ signal.by }'}}
steps:
  - {id: wait_go, await: {condition: '${ vars.by != "nobody" }'}}
output: '${ vars.by }'
)";

}  // namespace weft::testing

#endif  // WEFT_TESTS_SUPPORT_WAITER_WORKFLOW_H_
