// AnswerQueries: the one query path of every driver. Queries reach the interpreter in an
// activation of their own, which history and the journal never record and which changes no
// state; each query gets the interpreter's RespondToQuery, or a QueryNotAnswered failure when
// the interpreter gave none (a query the definition does not declare is answered by the
// interpreter itself, with the names it knows).
//
// A pure function of the run's state; called on the thread that owns the run.
#ifndef WEFT_RUNTIME_RUN_QUERY_ANSWERS_H_
#define WEFT_RUNTIME_RUN_QUERY_ANSWERS_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "runtime/interpreter/activation.h"
#include "runtime/interpreter/command.h"

namespace weft::run {

// The interpreter as a driver sees it: a WorkflowInstance's Activate, or a script in tests.
using Interpret =
    std::function<std::vector<interpreter::Command>(const interpreter::Activation& activation)>;

// The failure a query gets when the interpreter did not answer it.
inline constexpr char kQueryNotAnswered[] = "QueryNotAnswered";

std::vector<interpreter::RespondToQuery> AnswerQueries(
    const Interpret& interpret, std::int64_t now_unix_ms,
    const std::vector<interpreter::QueryWorkflow>& queries);

}  // namespace weft::run

#endif  // WEFT_RUNTIME_RUN_QUERY_ANSWERS_H_
