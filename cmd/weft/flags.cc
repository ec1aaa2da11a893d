#include "cmd/weft/flags.h"

#include <sstream>

#include "cmd/weft/output.h"
#include "runtime/client/json_argument.h"

namespace weft::cli {

void AddConnectionFlags(CLI::App& command, temporal::ConnectionArguments& arguments,
                        bool address_optional) {
  auto* address =
      command.add_option("--address", arguments.address, "Temporal frontend, host:port")
          ->envname("TEMPORAL_ADDRESS");
  if (address_optional) {
    address->description("Temporal frontend, host:port (none: the embedded engine's journal)");
  } else {
    address->required();
  }
  command.add_option("--namespace,-n", arguments.namespace_name, "Temporal namespace")
      ->envname("TEMPORAL_NAMESPACE")
      ->capture_default_str();
  command.add_option("--api-key", arguments.api_key, "API key (Temporal Cloud); turns TLS on")
      ->envname("TEMPORAL_API_KEY");
  command.add_flag("--tls", arguments.tls, "Connect with TLS")->envname("TEMPORAL_TLS");
  command.add_option("--tls-ca-path", arguments.tls_ca_path, "Server CA certificate (PEM)")
      ->envname("TEMPORAL_TLS_CA");
  command
      .add_option("--tls-cert-path", arguments.tls_cert_path, "Client certificate for mTLS (PEM)")
      ->envname("TEMPORAL_TLS_CERT");
  command.add_option("--tls-key-path", arguments.tls_key_path, "Client key for mTLS (PEM)")
      ->envname("TEMPORAL_TLS_KEY");
  command.add_option("--tls-server-name", arguments.tls_server_name, "Server name to verify")
      ->envname("TEMPORAL_TLS_SERVER_NAME");
  AddCodecKeyFlag(command, arguments.codec_key_file);
}

void AddCodecKeyFlag(CLI::App& command, std::string& key_file) {
  command
      .add_option("--codec-key-file", key_file,
                  "Encrypt payloads with the keys of this file, and decrypt with them "
                  "(or the keys themselves in WEFT_CODEC_KEYS)")
      ->envname("WEFT_CODEC_KEY_FILE");
}

void AddActivityFlags(CLI::App& command, std::vector<std::string>& plugins, std::string& lua_dir) {
  command.add_option("--plugin", plugins, "Load an activity plugin (a .so); repeatable");
  command
      .add_option("--lua-dir", lua_dir,
                  "Directory of Lua activity modules (default: ./activities if present)")
      ->envname("WEFT_LUA_DIR");
}

void AddJournalFlag(CLI::App& command, std::filesystem::path& journal) {
  command.add_option("--journal", journal, "The embedded engine's journal (SQLite)")
      ->envname("WEFT_JOURNAL")
      ->capture_default_str();
}

void AddEngineFlags(CLI::App& command, client::ForegroundOptions& engine) {
  AddJournalFlag(command, engine.journal);
  AddWorkflowsFlag(command, engine.workflows);
  AddActivityFlags(command, engine.plugins, engine.lua_dir);
}

void AddMetricsFlag(CLI::App& command, std::string& address) {
  command
      .add_option("--metrics-address", address,
                  "Serve Prometheus metrics at http://<host:port>/metrics, and /healthz and "
                  "/readyz for probes (e.g. 127.0.0.1:9464; 0.0.0.0:9464 for every interface)")
      ->envname("WEFT_METRICS_ADDRESS");
}

void AddInputFlag(CLI::App& command, std::string& input, const std::string& what) {
  command.add_option("--input,-i", input, what + " as JSON, @file or @- for stdin");
}

nlohmann::json InputJson(const std::string& input, nlohmann::json absent) {
  return OrFail(client::ParseJsonArgument(input, "--input", std::move(absent)), 2);
}

void AddTaskQueueFlag(CLI::App& command, std::string& task_queue, const std::string& help) {
  command.add_option("--task-queue,-t", task_queue, help)->capture_default_str();
}

CLI::Option* AddSecondsOption(CLI::App& command, const std::string& flag,
                              std::chrono::milliseconds& value, const std::string& help, double min,
                              double max) {
  std::ostringstream default_seconds;  // as CLI11 shows a double's default: "1", "0.5"
  default_seconds << std::chrono::duration<double>(value).count();
  return command
      .add_option_function<double>(
          flag,
          [&value](double seconds) {
            value = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::duration<double>(seconds));
          },
          help)
      ->default_str(default_seconds.str())
      ->check(CLI::Range(min, max));
}

void AddRescanFlag(CLI::App& command, std::chrono::milliseconds& interval) {
  AddSecondsOption(command, "--rescan-seconds", interval, "How often workflows/ is read", 0.05,
                   3600.0);
}

}  // namespace weft::cli
