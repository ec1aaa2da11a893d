// codec-server: Temporal's remote codec protocol with weft's payload keys
// (runtime/temporal/codec_server.h), for the Temporal UI and `temporal workflow show
// --codec-endpoint`. Runs until SIGINT or SIGTERM.
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "cmd/weft/commands.h"
#include "cmd/weft/flags.h"
#include "cmd/weft/output.h"
#include "runtime/service/run_service.h"
#include "runtime/temporal/codec_server.h"
#include "runtime/temporal/connection_arguments.h"

namespace weft::cli {
namespace {

struct CodecServerFlags {
  std::string codec_key_file;
  temporal::CodecServerOptions server;
};

void RunCodecServer(CodecServerFlags& flags) {
  auto keys = temporal::PayloadKeys(flags.codec_key_file);
  if (!keys) {
    CommandFailed("codec-server", "no payload keys: give --codec-key-file or set WEFT_CODEC_KEYS");
  }
  flags.server.keys = *keys;
  const auto served = service::RunService(
      {},
      [&](std::stop_token stop, service::ServiceReadiness&) -> std::expected<void, std::string> {
        auto server = temporal::StartCodecServer(flags.server);
        if (!server) return std::unexpected(server.error());
        // For scripts and tests that start it on port 0: where it listens, on stdout.
        std::cout << "listening on " << (*server)->address() << std::endl;
        service::WaitUntilStopRequested(stop);
        return {};
      });
  if (!served) CommandFailed("codec-server", served.error());
  spdlog::info("codec server stopped");
}

}  // namespace

void AddCodecServerCommand(CLI::App& app) {
  auto flags = std::make_shared<CodecServerFlags>();
  CLI::App* command = app.add_subcommand(
      "codec-server",
      "Serve Temporal's remote codec protocol with the payload keys, for the Temporal UI and CLI");
  AddCodecKeyFlag(*command, flags->codec_key_file);
  command
      ->add_option("--listen", flags->server.address,
                   "host:port to listen on (0.0.0.0:8081 for every interface: put a proxy that "
                   "authenticates in front)")
      ->capture_default_str();
  command
      ->add_option("--cors-origin", flags->server.cors_origins,
                   "Origin of a Temporal UI allowed to call from the browser; repeatable")
      ->capture_default_str();
  command->add_option("--namespace", flags->server.namespaces,
                      "Serve only this namespace (X-Namespace or the path); repeatable");
  command->callback([flags] { RunCodecServer(*flags); });
}

}  // namespace weft::cli
