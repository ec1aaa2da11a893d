// The codec server over real HTTP on loopback, as the Temporal UI and CLI call it: Payloads JSON
// in and out of /encode and /decode under any prefix, the CORS answers a browser needs, the
// namespace check, and the refusals with their reasons. RunCodecServerService: the server for
// the lifetime of `weft codec-server`, until a stop signal (sent to this thread, which waits
// for it).

#include "runtime/temporal/codec_server.h"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using nlohmann::json;
using weft::temporal::CodecServerOptions;
using weft::temporal::StartCodecServer;

namespace {

constexpr char kKeys[] = "k1 YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=";
// {"metadata": {"encoding": "json/plain"}, "data": {"secret":"x"}}, base64 as protobuf's JSON
// writes bytes.
const json kPlain = {
    {"payloads",
     {{{"metadata", {{"encoding", "anNvbi9wbGFpbg=="}}}, {"data", "eyJzZWNyZXQiOiJ4In0="}}}}};

std::unique_ptr<weft::http::HttpServer> Start(CodecServerOptions options = {}) {
  options.address = "127.0.0.1:0";
  options.keys = {.keys = kKeys};
  auto server = StartCodecServer(options);
  if (!server) FAIL(server.error());
  return std::move(*server);
}

}  // namespace

TEST_CASE("Payloads encode and decode under any prefix, as the protocol's JSON") {
  auto server = Start();
  httplib::Client client("127.0.0.1", server->port());

  auto encoded = client.Post("/encode", kPlain.dump(), "application/json");
  REQUIRE(encoded);
  REQUIRE(encoded->status == 200);
  CHECK(encoded->get_header_value("Content-Type") == "application/json");
  const json sealed = json::parse(encoded->body);
  REQUIRE(sealed["payloads"].size() == 1);
  CHECK(sealed["payloads"][0]["metadata"]["encoding"] ==
        "YmluYXJ5L2VuY3J5cHRlZA==");                                        // binary/encrypted
  CHECK(sealed["payloads"][0]["metadata"]["encryption-key-id"] == "azE=");  // k1

  // The UI's and the CLI's endpoint setting: http://host:port/{namespace}.
  auto decoded = client.Post("/default/decode", {{"X-Namespace", "default"}}, encoded->body,
                             "application/json");
  REQUIRE(decoded);
  REQUIRE(decoded->status == 200);
  CHECK(json::parse(decoded->body) == kPlain);

  // Decoding what is not encrypted gives it back.
  auto plain = client.Post("/decode", kPlain.dump(), "application/json; charset=utf-8");
  CHECK(json::parse(plain->body) == kPlain);
  CHECK(client.Get("/healthz")->body == "ok\n");
}

TEST_CASE("A browser at an allowed origin gets the CORS answers; another origin gets none") {
  auto server = Start({.cors_origins = {"http://localhost:8233"}});
  httplib::Client client("127.0.0.1", server->port());
  const httplib::Headers preflight = {
      {"Origin", "http://localhost:8233"},
      {"Access-Control-Request-Method", "POST"},
      {"Access-Control-Request-Headers", "content-type,x-namespace"}};
  auto allowed = client.Options("/default/decode", preflight);
  REQUIRE(allowed);
  CHECK(allowed->status == 204);
  CHECK(allowed->get_header_value("Access-Control-Allow-Origin") == "http://localhost:8233");
  CHECK(allowed->get_header_value("Access-Control-Allow-Credentials") == "true");
  CHECK(allowed->get_header_value("Access-Control-Allow-Methods") == "POST, OPTIONS");
  CHECK(allowed->get_header_value("Access-Control-Allow-Headers") ==
        "Authorization, Content-Type, X-Namespace");
  CHECK(allowed->get_header_value("Vary") == "Origin");

  auto post = client.Post("/decode", {{"Origin", "http://localhost:8233"}}, kPlain.dump(),
                          "application/json");
  CHECK(post->get_header_value("Access-Control-Allow-Origin") == "http://localhost:8233");

  auto other = client.Options("/decode", {{"Origin", "http://elsewhere.example"}});
  CHECK(other->status == 204);
  CHECK_FALSE(other->has_header("Access-Control-Allow-Origin"));
}

TEST_CASE("With namespaces given, a request for another namespace is refused") {
  auto server = Start({.namespaces = {"payments"}});
  httplib::Client client("127.0.0.1", server->port());
  CHECK(client.Post("/decode", {{"X-Namespace", "payments"}}, kPlain.dump(), "application/json")
            ->status == 200);
  CHECK(client.Post("/payments/decode", kPlain.dump(), "application/json")->status == 200);
  auto refused =
      client.Post("/decode", {{"X-Namespace", "default"}}, kPlain.dump(), "application/json");
  CHECK(refused->status == 403);
  CHECK(refused->body == "the namespace `default` is not served here (--namespace)\n");
  CHECK(client.Post("/default/decode", kPlain.dump(), "application/json")->status == 403);
}

TEST_CASE("What the codec server cannot take is refused with the reason") {
  auto server = Start();
  httplib::Client client("127.0.0.1", server->port());
  auto not_json = client.Post("/decode", "{payloads", "application/json");
  CHECK(not_json->status == 400);
  CHECK(not_json->body.starts_with("the body is not a Payloads message in JSON: "));
  CHECK(client.Post("/decode", kPlain.dump(), "text/plain")->status == 415);
  auto get = client.Get("/decode");
  CHECK(get->status == 405);
  CHECK(get->get_header_value("Allow") == "POST, OPTIONS");
  CHECK(client.Get("/other")->status == 404);

  // Encrypted with a key this server lacks.
  CodecServerOptions other_keys{
      .address = "127.0.0.1:0",
      .keys = {.keys = "k9 YmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmI="}};
  auto other = StartCodecServer(other_keys);
  REQUIRE(other);
  httplib::Client other_client("127.0.0.1", (*other)->port());
  auto sealed = other_client.Post("/encode", kPlain.dump(), "application/json");
  auto unknown = client.Post("/decode", sealed->body, "application/json");
  CHECK(unknown->status == 400);
  CHECK(unknown->body ==
        "payloads[0]: a payload is encrypted with the key `k9`, which WEFT_CODEC_KEYS does not "
        "hold (it holds k1); add that key below the first one\n");
}

TEST_CASE("A codec server without usable keys does not start") {
  auto none = StartCodecServer({.address = "127.0.0.1:0", .keys = {.key_file = "/nonexistent"}});
  REQUIRE_FALSE(none);
  CHECK(none.error() ==
        "cannot read the key file /nonexistent: No such file or directory (--codec-key-file)");
}

TEST_CASE("As a service, the server says where it listens and serves until a stop signal") {
  const pthread_t waiting = ::pthread_self();
  std::string listening;
  auto served = weft::temporal::RunCodecServerService(
      {.address = "127.0.0.1:0", .keys = {.keys = kKeys}}, [&](const std::string& address) {
        listening = address;
        httplib::Client client("127.0.0.1", std::stoi(address.substr(address.rfind(':') + 1)));
        auto healthy = client.Get("/healthz");
        CHECK((healthy && healthy->status == 200));
        ::pthread_kill(waiting, SIGTERM);
      });
  CHECK(served);
  CHECK(listening.starts_with("127.0.0.1:"));
}

TEST_CASE("As a service, a server that cannot start ends it with the reason") {
  bool listened = false;
  auto served = weft::temporal::RunCodecServerService(
      {.address = "127.0.0.1:0", .keys = {.key_file = "/nonexistent"}},
      [&](const std::string&) { listened = true; });
  REQUIRE_FALSE(served);
  CHECK(served.error() ==
        "cannot read the key file /nonexistent: No such file or directory (--codec-key-file)");
  CHECK_FALSE(listened);
}
