// --plugin and --lua-dir: where the activities of the commands that execute or list them come
// from (`weft worker`, `run`, `resume`, `serve`, `activities`), read by the project's rule
// (activities::ProjectRegistryOptions: the built-ins, the plugins, and the Lua modules of the
// folder, or of ./activities when it exists).
//
// Plain data filled in by CLI11; one per command.
#ifndef WEFT_CMD_WEFT_ACTIVITY_FLAGS_H_
#define WEFT_CMD_WEFT_ACTIVITY_FLAGS_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "activities/builtin_activities.h"

namespace weft::cli {

struct ActivityFlags {
  std::vector<std::string> plugins;
  std::string lua_dir;

  void Add(CLI::App& command) {
    command.add_option("--plugin", plugins, "Load an activity plugin (a .so); repeatable");
    command
        .add_option("--lua-dir", lua_dir,
                    "Directory of Lua activity modules (default: ./activities if present)")
        ->envname("WEFT_LUA_DIR");
  }
  activities::RegistryOptions Registry() const {
    return activities::ProjectRegistryOptions(plugins, lua_dir);
  }
};

}  // namespace weft::cli

#endif  // WEFT_CMD_WEFT_ACTIVITY_FLAGS_H_
