// polytope add-workflow-tool [FILE]: what polytope.yml's add-temporal-client runs to register
// the add-temporal-workflow tool, once (agents/polytope_file.h). Exit 0 whether it added the
// tool or found it there; 1 with the file, line and problem when it cannot.
#include <iostream>
#include <memory>
#include <string>

#include "agents/polytope_file.h"
#include "cmd/weft/commands.h"
#include "cmd/weft/output.h"

namespace weft::cli {

void AddPolytopeCommands(CLI::App& app) {
  auto* polytope = app.add_subcommand("polytope", "Edit a project's polytope.yml for Polytope");
  polytope->require_subcommand(1);
  auto file = std::make_shared<std::string>("polytope.yml");
  auto* add = polytope->add_subcommand(
      "add-workflow-tool",
      "Register the add-temporal-workflow tool in polytope.yml, once, keeping the rest of the "
      "file as it is");
  add->add_option("file", *file, "The polytope file")->capture_default_str();
  add->callback([file] {
    auto registered = agents::AddWorkflowTool(*file);
    if (!registered) CommandFailed("polytope", registered.error());
    std::cout << (*registered == agents::ToolRegistration::kAdded
                      ? "added the tool add-temporal-workflow to "
                      : "the tool add-temporal-workflow is already in ")
              << *file << "\n";
  });
}

}  // namespace weft::cli
