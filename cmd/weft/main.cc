// weft: the command line. Results go to stdout, logs to stderr (through spdlog), so that
// `weft ... | jq` always sees clean output. Subcommands are thin: they parse, wire components
// together and print; they live in the *_commands.cc files beside this one.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/weft/commands.h"
#include "dsl/spelling.h"

namespace {

void ConfigureLogging(spdlog::level::level_enum level) {
  auto logger = spdlog::stderr_color_mt("weft");
  logger->set_pattern("%^%L%$ %H:%M:%S.%e %v");
  logger->set_level(level);
  spdlog::set_default_logger(std::move(logger));
  spdlog::debug("weft " WEFT_VERSION ", Temporal API " WEFT_TEMPORAL_API_VERSION);
}

// The first word that is not an option of `weft` itself: the command, if the user gave one.
std::optional<std::string> CommandWord(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--log-level") {
      ++i;  // its value
    } else if (!arg.starts_with("-")) {
      return std::string(arg);
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> CommandNames(CLI::App& app) {
  std::vector<std::string_view> names;
  for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
    names.push_back(command->get_name());
  }
  return names;
}

bool HasCommand(CLI::App& app, const std::string& word) {
  const std::vector<std::string_view> names = CommandNames(app);
  return std::ranges::find(names, word) != names.end();
}

// CLI11 would take an unknown command for an extra argument, and with --help print the main
// help and succeed: a typo in a script would pass unnoticed.
void ReportUnknownCommand(CLI::App& app, const std::string& word) {
  std::cerr << "weft: unknown command \"" << word << "\"";
  if (auto closest = weft::dsl::ClosestSpelling(word, CommandNames(app))) {
    std::cerr << "; did you mean \"" << *closest << "\"?";
  }
  std::cerr << " (`weft --help` lists the commands)\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"weft: declarative YAML workflows, run durably on Temporal or on one machine"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", "weft " WEFT_VERSION);

  const std::map<std::string, spdlog::level::level_enum> levels{
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"error", spdlog::level::err},   {"off", spdlog::level::off}};
  spdlog::level::level_enum log_level = spdlog::level::info;
  app.add_option("--log-level", log_level, "Log level on stderr")
      ->transform(CLI::CheckedTransformer(levels, CLI::ignore_case))
      ->envname("WEFT_LOG_LEVEL");
  app.parse_complete_callback([&] { ConfigureLogging(log_level); });

  // A process runs one command: the groups after the one that holds it are not built, which
  // saves most of the 0.6 ms that building all of them takes (bench/RESULTS.md, "Process
  // start"). The order is that of `weft --help`.
  const std::optional<std::string> word = CommandWord(argc, argv);
  for (const auto add :
       {weft::cli::AddVersionCommand, weft::cli::AddRunCommands, weft::cli::AddLanguageCommands,
        weft::cli::AddActivityCommands, weft::cli::AddClientCommands, weft::cli::AddNewCommand,
        weft::cli::AddPolytopeCommands, weft::cli::AddWorkerCommand, weft::cli::AddReplayCommand,
        weft::cli::AddCodecServerCommand, weft::cli::AddServeCommand, weft::cli::AddTestCommand,
        weft::cli::AddMcpCommand, weft::cli::AddUiCommand, weft::cli::AddScheduleCommands}) {
    add(app);
    if (word && HasCommand(app, *word)) break;
  }
  if (word && !HasCommand(app, *word)) {
    ReportUnknownCommand(app, *word);
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& error) {  // a command that failed, with its own exit code
    return error.get_exit_code();
  } catch (const CLI::Error& error) {
    // A usage error exits 2, as every other usage error of weft's (CLI11 has a code per kind);
    // --help and --version are "errors" that succeed.
    return app.exit(error) == 0 ? 0 : 2;
  }
  if (app.get_subcommands().empty()) {
    std::cerr << app.help() << "\nweft: a command is required\n";
    return 2;
  }
  return 0;
}
