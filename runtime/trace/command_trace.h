// CommandTrace: the commands an engine carried out, one line each ("<workflow id> <command>",
// command_text.h), appended to the file named by the WEFT_TRACE environment variable. It is
// how the conformance suite sees that both engines asked the same things of the world in the
// same order, and a cheap way to watch a run. When WEFT_TRACE is unset, Record() costs one
// branch.
//
// Engines record commands when they first send them, never again on replay, so a run's lines
// are the same whether or not its worker restarted (the embedded engine records an activation
// as it submits it to the journal: a process killed before the commit may record it twice).
// Thread-safe: lines from several threads and processes interleave whole (each is one write(2) to a
// file opened with O_APPEND).
#ifndef WEFT_RUNTIME_TRACE_COMMAND_TRACE_H_
#define WEFT_RUNTIME_TRACE_COMMAND_TRACE_H_

#include <string_view>
#include <vector>

#include "runtime/interpreter/command.h"

namespace weft::trace {

void RecordCommands(std::string_view workflow_id,
                    const std::vector<interpreter::Command>& commands);

}  // namespace weft::trace

#endif  // WEFT_RUNTIME_TRACE_COMMAND_TRACE_H_
