// replay: replays a history exported from any Temporal server (`temporal workflow show -o json`,
// `weft history`) against this build, and says whether the build is deterministic for it. Exit
// 0: deterministic; 1: it diverged (the event and the command are printed); 2: the history or
// the arguments cannot be used.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cmd/weft/commands.h"
#include "dsl/definition_catalog.h"
#include "runtime/temporal/history_replayer.h"

namespace weft::cli {
namespace {

struct ReplayOptions {
  std::vector<std::string> files;
  std::string workflows_dir;
  std::string workflow_id = "replay";
  bool json = false;
};

[[noreturn]] void Fail(const std::string& message, int exit_code) {
  std::cerr << "weft replay: " << message << "\n";
  throw CLI::RuntimeError(exit_code);
}

std::string ReadHistory(const std::string& file) {
  if (file == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), {});
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) Fail(file + ": cannot be read", 2);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void RunReplay(const ReplayOptions& options) {
  // Only a history without a pin needs the folder; by default ./workflows, when there is one.
  std::shared_ptr<dsl::DefinitionCatalog> catalog;
  std::string folder = options.workflows_dir;
  if (folder.empty() && std::filesystem::is_directory("workflows")) folder = "workflows";
  if (!folder.empty()) {
    catalog = std::make_shared<dsl::DefinitionCatalog>(folder);
    catalog->Rescan();
  }

  bool all_deterministic = true;
  nlohmann::json reports = nlohmann::json::array();
  for (const std::string& file : options.files) {
    auto replayer = temporal::HistoryReplayer::FromJson(ReadHistory(file));
    if (!replayer) Fail(file + ": " + replayer.error(), 2);
    auto report = replayer->Replay(catalog, options.workflow_id);
    if (!report) Fail(file + ": " + report.error(), 2);
    all_deterministic = all_deterministic && report->deterministic();
    if (options.json) {
      nlohmann::json item = {{"file", file},
                             {"workflow_type", report->workflow_type},
                             {"definition", report->definition},
                             {"events", report->events},
                             {"workflow_tasks", report->workflow_tasks},
                             {"deterministic", report->deterministic()}};
      if (report->divergence) {
        item["divergence"] = {{"event_id", report->divergence->event_id},
                              {"message", report->divergence->message}};
      }
      reports.push_back(std::move(item));
    } else if (report->deterministic()) {
      std::cout << file << ": deterministic: " << report->workflow_type << ", "
                << report->workflow_tasks << " workflow tasks, " << report->events
                << " events replayed against " << report->definition << "\n";
    } else {
      std::cout << file << ": NOT deterministic: " << report->workflow_type << " against "
                << report->definition << "\n  at event " << report->divergence->event_id << ": "
                << report->divergence->message << "\n";
    }
  }
  if (options.json) std::cout << (reports.size() == 1 ? reports[0] : reports).dump(2) << "\n";
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
  command->callback([options] { RunReplay(*options); });
}

}  // namespace weft::cli
