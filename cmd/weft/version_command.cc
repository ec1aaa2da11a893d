#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cmd/weft/commands.h"

namespace weft::cli {

void AddVersionCommand(CLI::App& app) {
  auto* command =
      app.add_subcommand("version", "Print weft's version and the Temporal API it speaks");
  auto json = std::make_shared<bool>(false);
  command->add_flag("--json", *json, "Print as JSON");
  command->callback([json] {
    if (*json) {
      nlohmann::json version = {
          {"weft", WEFT_VERSION},
          {"temporal_api", WEFT_TEMPORAL_API_VERSION},
          {"temporal_api_source", "@temporalio/core-bridge@" WEFT_CORE_BRIDGE_VERSION}};
      std::cout << version.dump() << "\n";
    } else {
      std::cout << "weft " WEFT_VERSION "\n"
                << "Temporal API " WEFT_TEMPORAL_API_VERSION
                   " (protos from @temporalio/core-bridge@" WEFT_CORE_BRIDGE_VERSION ")\n";
    }
  });
}

}  // namespace weft::cli
