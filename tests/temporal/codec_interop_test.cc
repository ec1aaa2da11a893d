// Encrypted payloads between weft and the official Python SDK, on a dev server: the Python side
// has a PayloadCodec written in tests/python/codec_interop.py from docs/operations.md alone,
// reading the same key file. A Python client runs a weft workflow (weft decrypts its input,
// Python weft's result) and a weft client runs a Python workflow (the other way round); the
// server's raw history, read with no codec, holds no plaintext; keys rotate; the Temporal CLI
// shows the payloads through `weft codec-server`; and a weft process without the right key
// says which key it lacks and where its keys came from.

#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <nlohmann/json.hpp>

#include "tests/support/dev_server.h"
#include "tests/support/python_worker.h"
#include "tests/support/subprocess.h"
#include "tests/temporal/weft_worker_process.h"

namespace {

using nlohmann::json;
using weft::testing::ChildProcess;
using weft::testing::DevServer;
using weft::testing::ProcessResult;
using weft::testing::RequiredEnv;
using weft::testing::RunProcess;
using weft::testing::TempFolder;
using weft::testing::UniqueName;
using weft::testing::WeftBinary;

constexpr char kNewKey[] = "YmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmI=";
constexpr char kOldKey[] = "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=";
constexpr char kOtherKey[] = "Y2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2M=";

constexpr char kSecretWorkflow[] = R"(dsl: 1
name: codec-secret
input:
  type: object
  required: [secret]
  properties: {secret: {type: string}}
steps:
  - id: wrap
    call: json.stringify
    args: {value: {secret: '${ input.secret }'}}
    timeouts: {start_to_close: 10s}
    result: wrapped
  - id: wrap_here
    call: json.stringify
    local: true
    args: {value: '${ input.secret }'}
    timeouts: {start_to_close: 10s}
    result: wrapped_here
output: '${ {"secret": input.secret, "wrapped": vars.wrapped, "wrapped_here": vars.wrapped_here} }'
)";

// The parts shared by the tests of this file: the key files, a weft worker and a Python worker
// that both encrypt, each on its own task queue.
struct Sides {
  TempFolder folder{"weft-codec"};
  TempFolder workflows{"weft-codec-workflows"};
  std::string keys = (folder.path() / "keys").string();              // k-new first, k-old below
  std::string other_keys = (folder.path() / "other-keys").string();  // a key nobody used
  std::string weft_queue = UniqueName("weft-codec");
  std::string python_queue = UniqueName("python-codec");
  std::unique_ptr<ChildProcess> weft;
  std::unique_ptr<ChildProcess> python;

  Sides() {
    folder.Write("keys",
                 std::string("# test keys\nk-new ") + kNewKey + "\nk-old " + kOldKey + "\n");
    folder.Write("other-keys", std::string("k-other ") + kOtherKey + "\n");
    chmod(keys.c_str(), 0600);
    chmod(other_keys.c_str(), 0600);
    workflows.Write("codec-secret.yaml", kSecretWorkflow);
    weft = weft::testing::StartWeftWorker(DevServer::Shared().address(), weft_queue,
                                          workflows.path(), {"--codec-key-file", keys});
    python = ChildProcess::Start({RequiredEnv("WEFT_PYTHON"), Script(), "worker",
                                  DevServer::Shared().address(), python_queue, keys});
    python->WaitForOutput("ready", std::chrono::seconds(60));
  }

  static std::string Script() { return RequiredEnv("WEFT_TEST_PYTHON_DIR") + "/codec_interop.py"; }
};

Sides& Both() {
  static Sides sides;
  return sides;
}

std::string Base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned int bits = 0;
  int count = 0;
  for (unsigned char c : bytes) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += kAlphabet[(bits >> count) & 63];
    }
  }
  if (count > 0) out += kAlphabet[(bits << (6 - count)) & 63];
  while (out.size() % 4 != 0) out += '=';
  return out;
}

std::string Secret() { return "s3cr3t-" + UniqueName("card"); }

ProcessResult Python(const std::vector<std::string>& arguments) {
  std::vector<std::string> argv = {RequiredEnv("WEFT_PYTHON"), Sides::Script()};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return RunProcess(argv);
}

// The run's history as the server holds it, read with no codec.
json RawHistory(const std::string& workflow_id, const std::string& secret) {
  const ProcessResult raw = Python({"raw", DevServer::Shared().address(), workflow_id, secret});
  INFO(raw.err);
  REQUIRE(raw.exit_code == 0);
  return json::parse(raw.out);
}

ProcessResult Weft(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), WeftBinary());
  arguments.insert(arguments.end(), {"--address", DevServer::Shared().address()});
  return RunProcess(arguments);
}

// Every payload the history holds is encrypted, and the secret is nowhere in it.
void CheckNoPlaintext(const json& raw) {
  INFO(raw.dump(2));
  CHECK(raw["marker_in_history"] == false);
  REQUIRE(raw["payloads"].size() >= 4);  // at least the input, an activity's both ways, a result
  for (const json& payload : raw["payloads"]) {
    INFO(payload["path"]);
    CHECK(payload["encoding"] == "binary/encrypted");
  }
}

std::string KeyOf(const json& raw, const std::string& path_part) {
  for (const json& payload : raw["payloads"]) {
    if (payload["path"].get<std::string>().find(path_part) != std::string::npos) {
      return payload["key_id"];
    }
  }
  FAIL("no payload at " << path_part << " in " << raw.dump(2));
  return "";
}

}  // namespace

TEST_CASE("A Python client with the codec runs a weft workflow: each reads what the other wrote") {
  Sides& sides = Both();
  const std::string secret = Secret();
  const std::string id = UniqueName("py-runs-weft");
  const ProcessResult ran =
      Python({"run", DevServer::Shared().address(), sides.weft_queue, "codec-secret", id,
              json{{"secret", secret}}.dump(), sides.keys});
  INFO(ran.err << "\nweft worker:\n" << sides.weft->LogTail());
  REQUIRE(ran.exit_code == 0);
  const json result = json::parse(ran.out)["result"];
  CHECK(result["secret"] == secret);
  CHECK(result["wrapped"] == json{{"secret", secret}}.dump());
  CHECK(result["wrapped_here"] == json(secret).dump());

  const json raw = RawHistory(id, secret);
  CheckNoPlaintext(raw);
  CHECK(KeyOf(raw, "workflow_execution_started_event_attributes.input") == "k-new");
  CHECK(KeyOf(raw, "workflow_execution_completed_event_attributes.result") == "k-new");
  CHECK(KeyOf(raw, "marker_recorded_event_attributes") == "k-new");  // the local activity's
}

TEST_CASE("Payloads written with a key that is no longer first still read after a rotation") {
  Sides& sides = Both();
  const std::string secret = Secret();
  const std::string id = UniqueName("py-old-key");
  // The Python client still encrypts with k-old; weft's file has k-new first, k-old below.
  const ProcessResult ran =
      Python({"run", DevServer::Shared().address(), sides.weft_queue, "codec-secret", id,
              json{{"secret", secret}}.dump(), sides.keys, "k-old"});
  INFO(ran.err << "\nweft worker:\n" << sides.weft->LogTail());
  REQUIRE(ran.exit_code == 0);
  CHECK(json::parse(ran.out)["result"]["secret"] == secret);
  const json raw = RawHistory(id, secret);
  CheckNoPlaintext(raw);
  CHECK(KeyOf(raw, "workflow_execution_started_event_attributes.input") == "k-old");
  CHECK(KeyOf(raw, "workflow_execution_completed_event_attributes.result") == "k-new");
}

TEST_CASE("weft's client with the keys runs a Python workflow with the codec") {
  Sides& sides = Both();
  const std::string secret = Secret();
  const std::string id = UniqueName("weft-runs-py");
  const ProcessResult started =
      Weft({"start", "py-codec-echo", "--task-queue", sides.python_queue, "--id", id, "--input",
            json{{"secret", secret}}.dump(), "--codec-key-file", sides.keys});
  INFO(started.err);
  REQUIRE(started.exit_code == 0);
  const ProcessResult result = Weft({"result", id, "--codec-key-file", sides.keys});
  INFO(result.err << "\nPython worker:\n" << sides.python->LogTail());
  REQUIRE(result.exit_code == 0);
  const json answer = json::parse(result.out);
  CHECK(answer["echo"] == json{{"secret", secret}});
  std::string shouted = secret;
  std::ranges::transform(shouted, shouted.begin(), [](unsigned char c) { return std::toupper(c); });
  CHECK(answer["shouted"] == shouted + "!");
  CheckNoPlaintext(RawHistory(id, secret));

  {  // the Temporal CLI shows ciphertext alone, and plaintext through weft codec-server
    auto show = [&](std::vector<std::string> extra) {
      std::vector<std::string> argv = {RequiredEnv("WEFT_TEMPORAL_CLI"),
                                       "workflow",
                                       "show",
                                       "--workflow-id",
                                       id,
                                       "--output",
                                       "json",
                                       "--address",
                                       DevServer::Shared().address()};
      argv.insert(argv.end(), extra.begin(), extra.end());
      return RunProcess(argv);
    };
    // The CLI prints payloads as protobuf JSON does: their data in base64.
    const std::string input_data = Base64(json{{"secret", secret}}.dump());
    const ProcessResult plain = show({});
    REQUIRE(plain.exit_code == 0);
    CHECK(plain.out.find(input_data) == std::string::npos);
    CHECK(plain.out.find(Base64("binary/encrypted")) != std::string::npos);

    auto server = ChildProcess::Start(
        {WeftBinary(), "codec-server", "--listen", "127.0.0.1:0", "--codec-key-file", sides.keys});
    server->WaitForOutput("listening on ", std::chrono::seconds(10));
    const std::string log = server->LogTail();
    const auto at = log.find("listening on ") + std::string("listening on ").size();
    const std::string listening = log.substr(at, log.find('\n', at) - at);
    const ProcessResult decoded =
        show({"--codec-endpoint", "http://" + listening + "/{namespace}"});
    INFO(decoded.err << "\ncodec server:\n" << server->LogTail());
    REQUIRE(decoded.exit_code == 0);
    CHECK(decoded.out.find(input_data) != std::string::npos);
    CHECK(decoded.out.find(Base64("binary/encrypted")) == std::string::npos);
  }
}

TEST_CASE("A weft client without the key says which key it lacks and where it looked") {
  Sides& sides = Both();
  const std::string secret = Secret();
  const std::string id = UniqueName("weft-wrong-key");
  REQUIRE(Weft({"start", "py-codec-echo", "--task-queue", sides.python_queue, "--id", id, "--input",
                json{{"secret", secret}}.dump(), "--codec-key-file", sides.keys, "--wait"})
              .exit_code == 0);

  const ProcessResult wrong = Weft({"result", id, "--codec-key-file", sides.other_keys});
  CHECK(wrong.exit_code != 0);
  CHECK(wrong.out.find(secret) == std::string::npos);
  CHECK(wrong.err.find("a payload is encrypted with the key `k-new`, which the key file " +
                       sides.other_keys +
                       " does not hold (it holds k-other); add that key "
                       "below the first one") != std::string::npos);

  const ProcessResult none = Weft({"result", id});
  CHECK(none.exit_code != 0);
  CHECK(
      none.err.find("the payload is binary/encrypted (key `k-new`) and this process has no payload "
                    "keys: give it the key file (--codec-key-file or WEFT_CODEC_KEYS)") !=
      std::string::npos);

  const ProcessResult bad_file = Weft({"result", id, "--codec-key-file", "/nonexistent/keys"});
  CHECK(bad_file.exit_code != 0);
  CHECK(bad_file.err.find("cannot read the key file /nonexistent/keys: No such file or directory "
                          "(--codec-key-file)") != std::string::npos);
}

TEST_CASE("A weft worker without the key leaves the task and logs which key it lacks") {
  Sides& sides = Both();
  const std::string queue = UniqueName("weft-lacks-key");
  auto worker =
      weft::testing::StartWeftWorker(DevServer::Shared().address(), queue, sides.workflows.path(),
                                     {"--codec-key-file", sides.other_keys});
  const std::string id = UniqueName("lacks-key");
  REQUIRE(Weft({"start", "codec-secret", "--task-queue", queue, "--id", id, "--input",
                json{{"secret", Secret()}}.dump(), "--codec-key-file", sides.keys})
              .exit_code == 0);
  worker->WaitForOutput("a payload is encrypted with the key `k-new`, which the key file " +
                            sides.other_keys + " does not hold (it holds k-other)",
                        std::chrono::seconds(30));
  // Nothing was recorded in its name: the run waits for a worker that has the key.
  auto client = weft::testing::ConnectClient(DevServer::Shared().address());
  const json history = weft::testing::HistoryOf(client, id);
  CHECK(weft::testing::CountEvents(history, "EVENT_TYPE_WORKFLOW_TASK_COMPLETED") == 0);
  CHECK(Weft({"terminate", id, "--reason", "test over"}).exit_code == 0);
}

TEST_CASE("weft replay reads an encrypted export with the keys, and says what it lacks without") {
  Sides& sides = Both();
  const std::string secret = Secret();
  const std::string id = UniqueName("replay-encrypted");
  REQUIRE(Python({"run", DevServer::Shared().address(), sides.weft_queue, "codec-secret", id,
                  json{{"secret", secret}}.dump(), sides.keys})
              .exit_code == 0);
  // What `temporal workflow show -o json` exports without a codec endpoint: ciphertext.
  const ProcessResult exported =
      RunProcess({RequiredEnv("WEFT_TEMPORAL_CLI"), "workflow", "show", "--workflow-id", id,
                  "--output", "json", "--address", DevServer::Shared().address()});
  REQUIRE(exported.exit_code == 0);
  sides.folder.Write("export.json", exported.out);
  const std::string file = (sides.folder.path() / "export.json").string();

  const ProcessResult replayed =
      RunProcess({WeftBinary(), "replay", file, "--workflows", sides.workflows.path().string(),
                  "--codec-key-file", sides.keys});
  INFO(replayed.out << replayed.err);
  CHECK(replayed.exit_code == 0);
  CHECK(replayed.out.find(": deterministic: codec-secret") != std::string::npos);

  const ProcessResult without =
      RunProcess({WeftBinary(), "replay", file, "--workflows", sides.workflows.path().string()});
  INFO(without.out << without.err);
  CHECK(without.exit_code != 0);
  CHECK((without.out + without.err).find("binary/encrypted (key `k-new`)") != std::string::npos);
}
