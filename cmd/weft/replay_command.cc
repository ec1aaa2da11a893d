// replay: replays a history exported from any Temporal server (`temporal workflow show -o json`,
// `weft history`) against this build, and says whether the build is deterministic for it. Exit
// 0: deterministic; 1: it diverged (the event and the command are printed); 2: the history or
// the arguments cannot be used.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cmd/weft/commands.h"
#include "cmd/weft/flags.h"
#include "cmd/weft/output.h"
#include "runtime/temporal/connection_arguments.h"
#include "runtime/temporal/history_file_replay.h"

namespace weft::cli {
namespace {

struct ReplayOptions {
  std::vector<std::string> files;
  std::string workflows_dir;
  std::string workflow_id = "replay";
  bool json = false;
  std::string codec_key_file;
};

void RunReplay(const ReplayOptions& options) {
  const auto catalog = temporal::ReplayCatalog(options.workflows_dir);
  bool all_deterministic = true;
  nlohmann::json reports = nlohmann::json::array();
  for (const std::string& file : options.files) {
    auto replay = temporal::ReplayHistoryFile(file, std::cin, catalog, options.workflow_id,
                                              temporal::PayloadKeys(options.codec_key_file));
    if (!replay) {
      CommandFailed("replay", replay.error(), 2);
    }
    all_deterministic = all_deterministic && replay->report.deterministic();
    if (options.json) {
      reports.push_back(replay->ToJson());
    } else {
      std::cout << replay->Text();
    }
  }
  if (options.json) PrintJson(reports.size() == 1 ? reports[0] : reports);
  if (!all_deterministic) throw CLI::RuntimeError(1);
}

}  // namespace

void AddReplayCommand(CLI::App& app) {
  auto options = std::make_shared<ReplayOptions>();
  CLI::App* command = app.add_subcommand(
      "replay", "Replay exported histories against this build: exit 0 if deterministic, 1 if not");
  command
      ->add_option("history", options->files,
                   "History JSON (`temporal workflow show -o json`, `weft history`); - for stdin")
      ->required();
  command->add_option("--workflows", options->workflows_dir,
                      "Definitions for histories without a pin (default: ./workflows)");
  command->add_option("--workflow-id", options->workflow_id,
                      "The workflow id the run had (histories do not record it)");
  command->add_flag("--json", options->json, "The outcome as JSON");
  AddCodecKeyFlag(*command, options->codec_key_file);
  command->callback([options] { RunReplay(*options); });
}

}  // namespace weft::cli
