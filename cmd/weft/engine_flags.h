// The flags every command of the embedded engine shares (`weft run`, `resume`, `serve`, `list`,
// `show`): the journal, and for the commands that execute runs, the workflows folder and the
// activities.
//
// Plain data filled in by CLI11; one per command.
#ifndef WEFT_CMD_WEFT_ENGINE_FLAGS_H_
#define WEFT_CMD_WEFT_ENGINE_FLAGS_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cmd/weft/activity_flags.h"
#include "runtime/client/foreground_run.h"

namespace weft::cli {

struct EngineFlags {
  std::string journal = ".weft/journal.db";
  std::string workflows = "workflows";
  ActivityFlags activities;

  void AddJournal(CLI::App& command) {
    command.add_option("--journal", journal, "The embedded engine's journal (SQLite)")
        ->envname("WEFT_JOURNAL")
        ->capture_default_str();
  }
  void AddEngine(CLI::App& command) {
    AddJournal(command);
    command.add_option("--workflows", workflows, "Folder of workflow definitions")
        ->envname("WEFT_WORKFLOWS")
        ->capture_default_str();
    activities.Add(command);
  }
  client::ForegroundOptions Engine() const {
    return {.journal = journal,
            .workflows = workflows,
            .plugins = activities.plugins,
            .lua_dir = activities.lua_dir};
  }
};

}  // namespace weft::cli

#endif  // WEFT_CMD_WEFT_ENGINE_FLAGS_H_
