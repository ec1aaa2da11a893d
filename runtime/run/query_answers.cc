#include "runtime/run/query_answers.h"

#include <variant>

namespace weft::run {

std::vector<interpreter::RespondToQuery> AnswerQueries(
    const Interpret& interpret, std::int64_t now_unix_ms,
    const std::vector<interpreter::QueryWorkflow>& queries) {
  if (queries.empty()) return {};
  interpreter::Activation activation{.now_unix_ms = now_unix_ms, .is_replaying = false};
  for (const auto& query : queries) activation.jobs.push_back(query);
  const std::vector<interpreter::Command> commands = interpret(activation);
  std::vector<interpreter::RespondToQuery> answers;
  answers.reserve(queries.size());
  for (const auto& query : queries) {
    interpreter::RespondToQuery answer{
        .id = query.id,
        .failure =
            interpreter::Failure{.type = kQueryNotAnswered,
                                 .message = "the workflow did not answer the query " + query.name}};
    for (const interpreter::Command& command : commands) {
      const auto* response = std::get_if<interpreter::RespondToQuery>(&command);
      if (response != nullptr && response->id == query.id) answer = *response;
    }
    answers.push_back(std::move(answer));
  }
  return answers;
}

}  // namespace weft::run
