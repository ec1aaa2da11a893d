// JournalCodec: the JSON form in which the embedded engine journals what it delivered to a run
// (activation jobs) and what the run answered (commands). Failures inside them take the one
// JSON form of runtime/run/failure_codec.h.
// Jobs must read back exactly (a run is rebuilt by replaying them); commands are written to
// be compared on replay and shown by `weft show`, and the few the engine re-arms after a
// restart (ScheduleActivity) read back too.
//
// Pure functions; thread-safe. Decoding never throws: malformed JSON is an error value naming
// what is wrong.
#ifndef WEFT_RUNTIME_EMBEDDED_JOURNAL_CODEC_H_
#define WEFT_RUNTIME_EMBEDDED_JOURNAL_CODEC_H_

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/interpreter/activation.h"
#include "runtime/interpreter/command.h"
#include "runtime/interpreter/failure.h"

namespace weft::embedded {

// "terminate", "request_cancel", "abandon": as journaled and as `weft show` prints it.
std::string_view ParentClosePolicyName(interpreter::StartChildWorkflow::ParentClosePolicy policy);
interpreter::StartChildWorkflow::ParentClosePolicy ParentClosePolicyFromName(std::string_view name);

// {"job": "start_workflow" | "resolve_activity" | ..., fields...}
nlohmann::json JobToJson(const interpreter::Job& job);
std::expected<interpreter::Job, std::string> JobFromJson(const nlohmann::json& json);

nlohmann::json JobsToJson(const std::vector<interpreter::Job>& jobs);
std::expected<std::vector<interpreter::Job>, std::string> JobsFromJson(const nlohmann::json& json);

// {"command": "schedule_activity" | "start_timer" | ..., fields...}
nlohmann::json CommandToJson(const interpreter::Command& command);
std::expected<interpreter::ScheduleActivity, std::string> ScheduleActivityFromJson(
    const nlohmann::json& json);

// The commands a replay must reproduce, as journaled: every command except query answers
// (queries are never journaled); the definition marker keeps name, version and sha256 only
// (the whole pin is in the run's row).
nlohmann::json JournaledCommands(const std::vector<interpreter::Command>& commands);

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_JOURNAL_CODEC_H_
