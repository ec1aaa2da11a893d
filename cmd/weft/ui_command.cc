// ui: the local web application (ui/ui_server.h, docs/ui.md) over the embedded journal, or a
// Temporal namespace with --address. Here: the flags, and where runs started from the page are
// executed. Runs until SIGINT or SIGTERM.
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>
#include <string>

#include "cmd/weft/commands.h"
#include "cmd/weft/flags.h"
#include "cmd/weft/output.h"
#include "runtime/client/foreground_run.h"
#include "runtime/http/http_server.h"
#include "ui/ui_server.h"

namespace weft::cli {
namespace {

struct UiFlags {
  std::string host = "127.0.0.1";
  int port = 8233;
  std::string token;
  client::ForegroundOptions engine;  // what runs started from the page on the embedded engine
  std::string task_queue = "weft";
  temporal::ConnectionArguments connection;  // no --address: the embedded engine
};

void RunUi(const UiFlags& flags) {
  ui::UiServerOptions options{
      .address = http::ListenAddress(flags.host, flags.port),
      .token = flags.token,
      .api = ui::ProjectUiOptions(temporal::ToConnectionOptions(flags.connection), flags.engine,
                                  flags.task_queue)};
  const auto served = ui::RunUiService(std::move(options), [&flags](const ui::UiServer& server) {
    spdlog::info("ui: {} ({})", server.url,
                 flags.connection.address.empty()
                     ? "embedded journal " + flags.engine.journal.string()
                     : "Temporal " + flags.connection.address + ", namespace " +
                           flags.connection.namespace_name);
    // For people and for tests that start it on port 0: what to open, on stdout.
    std::cout << "weft ui at " << server.url << std::endl;
  });
  if (!served) CommandFailed("ui", served.error());
}

}  // namespace

void AddUiCommand(CLI::App& app) {
  auto flags = std::make_shared<UiFlags>();
  CLI::App* command = app.add_subcommand(
      "ui", "Serve a web page that draws workflows and their runs, live, and acts on them");
  command
      ->add_option("--host", flags->host,
                   "The interface to listen on; anything but loopback requires a token")
      ->capture_default_str();
  AddBoundedOption(*command, "--port", flags->port, "The port to listen on (0: a free one)", 0,
                   65535);
  command->add_option("--token", flags->token,
                      "The token a browser must present off loopback (default: a new one, "
                      "printed in the address)");
  AddEngineFlags(*command, flags->engine);  // where runs started from the page execute
  AddTaskQueueFlag(*command, flags->task_queue, "Temporal task queue of new runs");
  AddConnectionFlags(*command, flags->connection, /*address_optional=*/true);
  command->callback([flags] { RunUi(*flags); });
}

}  // namespace weft::cli
