// new: the add-temporal-workflow scaffolder (agents/workflow_scaffold.h). Exit codes: 0
// created, 2 an invalid name or argument, 3 a file already exists (nothing written), 1 an I/O
// error.
#include <iostream>
#include <memory>
#include <string>

#include "agents/workflow_scaffold.h"
#include "cmd/weft/commands.h"
#include "cmd/weft/output.h"

namespace weft::cli {
namespace {

using agents::ScaffoldError;
using agents::ScaffoldRequest;
using agents::ScaffoldWorkflow;

struct NewOptions {
  ScaffoldRequest request;
  std::string activity = "none";
  bool json = false;
};

void RunNew(NewOptions& options) {
  options.request.lua_activity = options.activity == "lua";
  auto scaffold = ScaffoldWorkflow(options.request);
  if (!scaffold) {
    const ScaffoldError& error = scaffold.error();
    if (options.json) PrintJson(error.ToJson());
    CommandFailed("new", error.message, error.ExitCode());
  }
  if (!options.json) {
    std::cout << scaffold->Text();
    return;
  }
  nlohmann::json out = scaffold->ToJson();
  out["created"] = true;
  PrintJson(out);
}

}  // namespace

void AddNewCommand(CLI::App& app) {
  auto options = std::make_shared<NewOptions>();
  auto* command = app.add_subcommand(
      "new",
      "Scaffold a workflow (add-temporal-workflow): workflows/<name>.yaml that validates "
      "as written, optionally a Lua activity and dry-run tests; never overwrites");
  command->add_option("name", options->request.name, "The workflow name, e.g. order-clothes")
      ->required();
  command->add_option("--description,-d", options->request.description, "What the workflow does");
  command
      ->add_option("--activity", options->activity,
                   "lua: also write activities/<name>.lua with the activity the step calls; "
                   "none: call the built-in `log`")
      ->check(CLI::IsMember({"lua", "none"}))
      ->capture_default_str();
  command->add_flag("--test", options->request.test,
                    "Also write tests/workflows/<name>.test.yaml with dry-run cases (weft test)");
  command->add_option("--workflows", options->request.workflows_dir, "Workflow folder")
      ->capture_default_str();
  command->add_option("--activities", options->request.activities_dir, "Lua activity folder")
      ->capture_default_str();
  command->add_option("--tests", options->request.tests_dir, "Test case folder")
      ->capture_default_str();
  command->add_flag("--json", options->json, "Print what was created as JSON");
  command->callback([options] { RunNew(*options); });
}

}  // namespace weft::cli
