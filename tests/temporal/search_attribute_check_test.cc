// The worker's check of search attributes at start (runtime/temporal/search_attribute_check.h),
// against a real dev server: a served definition that sets an attribute the namespace lacks
// gets one warning line naming the attribute, the workflow and the command that registers it;
// once that very command has run, a worker starts without the warning and the definition's
// runs complete with the attribute set.

#include "runtime/temporal/search_attribute_check.h"

#include <catch2/catch.hpp>
#include <string>

#include "tests/support/dev_server.h"
#include "tests/support/python_worker.h"
#include "tests/support/subprocess.h"
#include "tests/temporal/weft_worker_process.h"

namespace {

using nlohmann::json;
using weft::testing::DevServer;

constexpr char kTicket[] = R"(dsl: 1
name: ticket
input:
  type: object
  required: [id]
  properties: {id: {type: string}}
search_attributes:
  TicketId: ${ input.id }
steps:
  - id: note
    call: log
    args: {message: '${ "ticket " + input.id }'}
    timeouts: {start_to_close: 10s}
output: {id: '${ input.id }'}
)";

constexpr char kPlain[] = R"(dsl: 1
name: plain
steps:
  - id: note
    call: log
    args: {message: plain}
    timeouts: {start_to_close: 10s}
)";

// The worker's log line of the warning, or "" if it has none.
std::string WarningLine(const std::string& log) {
  const std::size_t at = log.find("has no search attribute");
  if (at == std::string::npos) return "";
  const std::size_t begin = log.rfind('\n', at);
  const std::size_t end = log.find('\n', at);
  return log.substr(begin == std::string::npos ? 0 : begin + 1,
                    end == std::string::npos ? std::string::npos : end - begin - 1);
}

}  // namespace

TEST_CASE("the missing attributes of served definitions, by name, with who sets them") {
  auto definition = [](std::string name, std::vector<std::string> attributes) {
    auto out = std::make_shared<weft::dsl::Definition>();
    out->name = std::move(name);
    for (const auto& attribute : attributes) out->search_attributes[attribute] = {};
    return std::shared_ptr<const weft::dsl::Definition>(out);
  };
  const auto missing = weft::temporal::MissingSearchAttributes(
      {"CustomerId", "WorkflowType"}, {definition("a", {"CustomerId", "Region"}),
                                       definition("b", {"Region", "Tier"}), definition("c", {})});
  REQUIRE(missing.size() == 2);
  CHECK(missing[0].name == "Region");
  CHECK(missing[0].workflows == std::vector<std::string>{"a", "b"});
  CHECK(missing[1].name == "Tier");
  CHECK(missing[1].workflows == std::vector<std::string>{"b"});
  CHECK(weft::temporal::MissingSearchAttributesWarning({}, "default").empty());
  CHECK(weft::temporal::MissingSearchAttributesWarning(missing, "prod") ==
        "namespace prod has no search attribute Region (set by a, b); Tier (set by b): their "
        "runs fail every workflow task (BadSearchAttributes) until it is created: temporal "
        "operator search-attribute create --namespace prod --name Region --type Keyword && "
        "temporal operator search-attribute create --namespace prod --name Tier --type Keyword");
}

TEST_CASE("a worker warns once at start about a search attribute the namespace lacks") {
  DevServer& server = DevServer::Shared();
  weft::testing::TempFolder workflows("weft-search-attributes");
  workflows.Write("ticket.yaml", kTicket);
  workflows.Write("plain.yaml", kPlain);

  const std::string queue = weft::testing::UniqueName("search-attributes");
  auto unprepared = weft::testing::StartWeftWorker(server.address(), queue, workflows.path());
  const std::string warning = WarningLine(unprepared->LogTail(100000));
  INFO(unprepared->LogTail());
  REQUIRE_FALSE(warning.empty());
  CHECK(warning.starts_with("W "));  // a warning
  CHECK_THAT(warning, Catch::Contains("namespace default has no search attribute TicketId "
                                      "(set by ticket)"));
  // One line, however many pollers the worker has.
  const std::string log = unprepared->LogTail(100000);
  CHECK(log.find("has no search attribute") == log.rfind("has no search attribute"));
  unprepared->Stop();

  // The command the warning gives, as a user would paste it (pointed at this server).
  const std::string command = warning.substr(warning.find("temporal operator"));
  CHECK(command ==
        "temporal operator search-attribute create --namespace default --name TicketId --type "
        "Keyword");
  std::vector<std::string> argv = {weft::testing::RequiredEnv("WEFT_TEMPORAL_CLI")};
  for (std::size_t from = std::string("temporal ").size(); from < command.size();) {
    const std::size_t space = command.find(' ', from);
    argv.push_back(command.substr(from, space - from));
    from = space == std::string::npos ? command.size() : space + 1;
  }
  argv.insert(argv.end(), {"--address", server.address()});
  const weft::testing::ProcessResult created = weft::testing::RunProcess(argv);
  INFO(created.out << created.err);
  REQUIRE(created.exit_code == 0);

  auto prepared = weft::testing::StartWeftWorker(server.address(), queue, workflows.path());
  CHECK(WarningLine(prepared->LogTail(100000)).empty());

  auto client = weft::testing::ConnectClient(server.address());
  const std::string id = weft::testing::UniqueName("ticket");
  REQUIRE(client.Start("ticket", {{"id", "T-42"}}, {.workflow_id = id, .task_queue = queue}));
  weft::testing::WaitUntilClosed(client, id);
  auto outcome = client.Result({.workflow_id = id});
  REQUIRE(outcome);
  CHECK(outcome->result == json{{"id", "T-42"}});
}
