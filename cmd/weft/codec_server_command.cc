// codec-server: Temporal's remote codec protocol with weft's payload keys
// (runtime/temporal/codec_server.h), for the Temporal UI and `temporal workflow show
// --codec-endpoint`. Runs until SIGINT or SIGTERM.
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cmd/weft/commands.h"
#include "cmd/weft/flags.h"
#include "cmd/weft/output.h"
#include "runtime/service/stop_signals.h"
#include "runtime/temporal/codec_server.h"
#include "runtime/temporal/connection_arguments.h"

namespace weft::cli {
namespace {

struct CodecServerFlags {
  std::string codec_key_file;
  temporal::CodecServerOptions server;
};

void RunCodecServer(CodecServerFlags& flags) {
  service::BlockStopSignals();  // before the server's threads start: they inherit the mask

  auto keys = temporal::PayloadKeys(flags.codec_key_file);
  if (!keys) {
    CommandFailed("codec-server", "no payload keys: give --codec-key-file or set WEFT_CODEC_KEYS");
  }
  flags.server.keys = *keys;
  auto server = temporal::StartCodecServer(flags.server);
  if (!server) CommandFailed("codec-server", server.error());
  std::string origins;
  for (const auto& origin : flags.server.cors_origins)
    origins += (origins.empty() ? "" : ", ") + origin;
  spdlog::info("codec server at http://{} (POST /encode, /decode; CORS for {})",
               (*server)->address(), origins.empty() ? "no origin" : origins);
  // For scripts and tests that start it on port 0: where it listens, on stdout.
  std::cout << "listening on " << (*server)->address() << std::endl;
  const char* signal = service::WaitForStopSignal();
  (*server)->Stop();
  spdlog::info("codec server stopped ({})", signal);
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
