// One-line text forms of commands and jobs, for golden traces, `weft show` and logs:
// `schedule_activity seq=1 type=payments.charge step=/steps/0 input={"amount":10}`.
// Every field that replay compares is in the text, so two traces are the same text exactly
// when the engines asked for the same things in the same order; JSON is written with sorted
// keys, so the text does not depend on how a value was built. Pure functions.
#ifndef WEFT_RUNTIME_INTERPRETER_COMMAND_TEXT_H_
#define WEFT_RUNTIME_INTERPRETER_COMMAND_TEXT_H_

#include <string>

#include "runtime/interpreter/activation.h"
#include "runtime/interpreter/command.h"

namespace weft::interpreter {

std::string CommandText(const Command& command);
std::string JobText(const Job& job);
std::string FailureText(const Failure& failure);

}  // namespace weft::interpreter

#endif  // WEFT_RUNTIME_INTERPRETER_COMMAND_TEXT_H_
