#include "runtime/temporal/history_file_replay.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include "runtime/temporal/encryption_codec.h"

namespace weft::temporal {

nlohmann::json HistoryFileReplay::ToJson() const {
  nlohmann::json item = {{"file", file},
                         {"workflow_type", report.workflow_type},
                         {"definition", report.definition},
                         {"events", report.events},
                         {"workflow_tasks", report.workflow_tasks},
                         {"deterministic", report.deterministic()}};
  if (report.divergence) {
    item["divergence"] = {{"event_id", report.divergence->event_id},
                          {"message", report.divergence->message}};
  }
  return item;
}

std::string HistoryFileReplay::Text() const {
  std::ostringstream out;
  if (report.deterministic()) {
    out << file << ": deterministic: " << report.workflow_type << ", " << report.workflow_tasks
        << " workflow tasks, " << report.events << " events replayed against " << report.definition
        << "\n";
  } else {
    out << file << ": NOT deterministic: " << report.workflow_type << " against "
        << report.definition << "\n  at event " << report.divergence->event_id << ": "
        << report.divergence->message << "\n";
  }
  return out.str();
}

std::shared_ptr<const dsl::DefinitionCatalog> ReplayCatalog(const std::filesystem::path& folder) {
  std::filesystem::path chosen = folder;
  if (std::error_code missing;
      chosen.empty() && std::filesystem::is_directory("workflows", missing)) {
    chosen = "workflows";
  }
  if (chosen.empty()) return nullptr;
  auto catalog = std::make_shared<dsl::DefinitionCatalog>(chosen);
  catalog->Rescan();
  return catalog;
}

std::expected<HistoryFileReplay, std::string> ReplayHistoryFile(
    const std::string& file, std::istream& standard_input,
    const std::shared_ptr<const dsl::DefinitionCatalog>& catalog, const std::string& workflow_id,
    const std::optional<EncryptionOptions>& keys) {
  auto codec = MakePayloadCodec(keys);
  if (!codec) return std::unexpected(codec.error());
  std::string text;
  if (file == "-") {
    text.assign(std::istreambuf_iterator<char>(standard_input), {});
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::unexpected(file + ": cannot be read");
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto replayer = HistoryReplayer::FromJson(text, codec->get());
  if (!replayer) return std::unexpected(file + ": " + replayer.error());
  auto report = replayer->Replay(catalog, workflow_id);
  if (!report) return std::unexpected(file + ": " + report.error());
  return HistoryFileReplay{.file = file, .report = std::move(*report)};
}

bool HistoryFilesReplay::deterministic() const {
  return std::ranges::all_of(
      replays, [](const HistoryFileReplay& one) { return one.report.deterministic(); });
}

nlohmann::json HistoryFilesReplay::ToJson() const {
  if (replays.size() == 1) return replays[0].ToJson();
  nlohmann::json all = nlohmann::json::array();
  for (const HistoryFileReplay& one : replays) all.push_back(one.ToJson());
  return all;
}

std::string HistoryFilesReplay::Text() const {
  std::string text;
  for (const HistoryFileReplay& one : replays) text += one.Text();
  return text;
}

HistoryFilesReplay ReplayHistoryFiles(const std::vector<std::string>& files,
                                      std::istream& standard_input,
                                      const std::shared_ptr<const dsl::DefinitionCatalog>& catalog,
                                      const std::string& workflow_id,
                                      const std::optional<EncryptionOptions>& keys) {
  HistoryFilesReplay all;
  for (const std::string& file : files) {
    auto replay = ReplayHistoryFile(file, standard_input, catalog, workflow_id, keys);
    if (!replay) {
      all.error = replay.error();
      break;
    }
    all.replays.push_back(std::move(*replay));
  }
  return all;
}

}  // namespace weft::temporal
