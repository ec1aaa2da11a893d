// TLS, mutual TLS and API keys, for real: nginx from Debian terminates TLS on loopback in front
// of a dev server and passes gRPC on (grpc_pass), with certificates this test makes with the
// openssl CLI. `weft worker` and a client command (`weft start --wait`) connect through it with
// a custom CA and a server-name override, with a client certificate, and with an API key the
// proxy checks; a wrong CA, an expired certificate, a missing client certificate, a missing or
// wrong API key and a name the certificate does not hold are each refused at start, with an
// error that says what is wrong, by the worker and the client alike.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/dev_server.h"
#include "tests/support/subprocess.h"
#include "tests/temporal/weft_worker_process.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using weft::testing::ChildProcess;
using weft::testing::DevServer;
using weft::testing::FreeLoopbackPort;
using weft::testing::ProcessResult;
using weft::testing::RunProcess;
using weft::testing::TempFolder;
using weft::testing::WeftBinary;
using namespace std::chrono_literals;

constexpr char kServerName[] = "temporal.test";  // the only name the server certificate holds
constexpr char kApiKey[] = "weft-test-key";

constexpr char kHello[] = R"(dsl: 1
name: tls-hello
steps:
  - id: greet
    call: log
    args: {message: '${ "over TLS, " + input.name }'}
    timeouts: {start_to_close: 10s}
output: '${ "Hello, " + input.name + "!" }'
)";

void Run(const std::vector<std::string>& argv) {
  ProcessResult result = RunProcess(argv);
  INFO(argv[0] << " " << argv[1] << ": " << result.err);
  REQUIRE(result.exit_code == 0);
}

// The certificates: a CA and the server's certificate it signed (for kServerName only), the
// same key's certificate already expired, another CA that signed nothing of the server's, and
// a client CA with a client certificate for mutual TLS. Elliptic-curve keys: quick to make.
class Certificates {
 public:
  explicit Certificates(const fs::path& dir) : dir_(dir) {
    Key("ca");
    Run({"openssl", "req", "-x509", "-new", "-key", Path("ca.key"), "-out", Path("ca.pem"), "-days",
         "2", "-subj", "/CN=weft test CA"});
    Key("other-ca");
    Run({"openssl", "req", "-x509", "-new", "-key", Path("other-ca.key"), "-out",
         Path("other-ca.pem"), "-days", "2", "-subj", "/CN=another CA"});
    Key("client-ca");
    Run({"openssl", "req", "-x509", "-new", "-key", Path("client-ca.key"), "-out",
         Path("client-ca.pem"), "-days", "2", "-subj", "/CN=weft test client CA"});

    std::ofstream(dir_ / "server.ext") << "subjectAltName=DNS:" << kServerName << "\n";
    Key("server");
    Request("server", std::string("/CN=") + kServerName);
    Sign("server", "ca", "server.pem", "2");
    Sign("server", "ca", "expired.pem", "-1");  // not after the day before it became valid

    std::ofstream(dir_ / "client.ext") << "extendedKeyUsage=clientAuth\n";
    Key("client");
    Request("client", "/CN=weft worker");
    Sign("client", "client-ca", "client.pem", "2");
  }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  void Key(const std::string& name) {
    Run({"openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out",
         Path(name + ".key")});
  }
  void Request(const std::string& name, const std::string& subject) {
    Run({"openssl", "req", "-new", "-key", Path(name + ".key"), "-out", Path(name + ".csr"),
         "-subj", subject});
  }
  void Sign(const std::string& name, const std::string& ca, const std::string& out,
            const std::string& days) {
    Run({"openssl", "x509", "-req", "-in", Path(name + ".csr"), "-CA", Path(ca + ".pem"), "-CAkey",
         Path(ca + ".key"), "-CAcreateserial", "-out", Path(out), "-days", days, "-extfile",
         Path(name + ".ext")});
  }

  fs::path dir_;
};

// nginx in the foreground, one server block per way in, each passing gRPC to the dev server.
class Proxy {
 public:
  int tls_port = FreeLoopbackPort();      // server TLS
  int mtls_port = FreeLoopbackPort();     // server TLS, and a client certificate required
  int api_key_port = FreeLoopbackPort();  // server TLS, and `authorization: Bearer kApiKey`
  int expired_port = FreeLoopbackPort();  // server TLS with an expired certificate

  Proxy(const fs::path& dir, const Certificates& certificates, const std::string& upstream) {
    fs::create_directories(dir / "temp");
    const std::string temp = (dir / "temp").string();
    std::ofstream conf(dir / "nginx.conf");
    conf << "daemon off;\nmaster_process off;\nworker_processes 1;\npid " << (dir / "nginx.pid")
         << ";\nerror_log " << (dir / "error.log") << " info;\nevents {}\nhttp {\n"
         << "  access_log off;\n"
         << "  client_body_temp_path " << temp << "/body;\n  proxy_temp_path " << temp
         << "/proxy;\n  fastcgi_temp_path " << temp << "/fastcgi;\n  uwsgi_temp_path " << temp
         << "/uwsgi;\n  scgi_temp_path " << temp
         << "/scgi;\n"
         // Long polls last up to a minute on the server; the proxy must outwait them.
         << "  grpc_read_timeout 5m;\n  grpc_send_timeout 5m;\n  client_body_timeout 5m;\n";
    auto server = [&](int port, const std::string& certificate, const std::string& extra,
                      const std::string& location = "") {
      conf << "  server {\n    listen 127.0.0.1:" << port << " ssl http2;\n"
           << "    ssl_certificate " << certificates.Path(certificate) << ";\n"
           << "    ssl_certificate_key " << certificates.Path("server.key") << ";\n"
           << extra << "    location / {\n"
           << location << "      grpc_pass grpc://" << upstream << ";\n    }\n  }\n";
    };
    server(tls_port, "server.pem", "");
    server(mtls_port, "server.pem",
           "    ssl_client_certificate " + certificates.Path("client-ca.pem") +
               ";\n    ssl_verify_client on;\n");
    // A wrong or missing key gets HTTP 401, which a gRPC client reads as UNAUTHENTICATED, as
    // from a server that checks keys itself.
    server(api_key_port, "server.pem", "",
           std::string("      if ($http_authorization != \"Bearer ") + kApiKey +
               "\") {\n        return 401;\n      }\n");
    server(expired_port, "expired.pem", "");
    conf << "}\n";
    conf.close();

    const std::string nginx = fs::exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
    process_ = ChildProcess::Start({nginx, "-p", dir.string(), "-c", (dir / "nginx.conf").string(),
                                    "-e", (dir / "error.log").string()});
    // Ready when every port accepts a connection.
    for (int port : {tls_port, mtls_port, api_key_port, expired_port}) {
      const auto deadline = std::chrono::steady_clock::now() + 10s;
      while (RunProcess({"bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port)})
                 .exit_code != 0) {
        if (!process_->Running() || std::chrono::steady_clock::now() > deadline) {
          FAIL("nginx does not listen on " << port << " (scripts/setup --tests installs "
                                           << "nginx-light):\n"
                                           << process_->LogTail());
        }
        std::this_thread::sleep_for(50ms);
      }
    }
  }

  std::string Address(int port) const { return "127.0.0.1:" + std::to_string(port); }

 private:
  std::unique_ptr<ChildProcess> process_;
};

// Everything the tests share: one dev server, the certificates, the proxy, a workflows folder.
struct Setup {
  TempFolder folder{"weft-tls"};
  TempFolder workflows{"weft-tls-workflows"};
  Certificates certificates{folder.path()};
  Proxy proxy{folder.path(), certificates, DevServer::Shared().address()};

  Setup() { workflows.Write("tls-hello.yaml", kHello); }

  static Setup& Shared() {
    static Setup setup;
    return setup;
  }
};

std::vector<std::string> Flags(const std::string& address, const std::vector<std::string>& tls) {
  std::vector<std::string> flags = {"--address", address};
  flags.insert(flags.end(), tls.begin(), tls.end());
  return flags;
}

// A worker with these flags serves the folder, and a client with the same flags runs a
// workflow through it to its result.
void WorksWith(const std::string& address, const std::vector<std::string>& tls) {
  Setup& setup = Setup::Shared();
  const std::string queue = weft::testing::UniqueName("tls");
  std::vector<std::string> worker_flags = tls;
  auto worker = weft::testing::StartWeftWorker(address, queue, setup.workflows.path(), tls);
  std::vector<std::string> start = {WeftBinary(), "start",   "tls-hello",          "--task-queue",
                                    queue,        "--input", R"({"name": "Ada"})", "--wait"};
  for (const auto& flag : Flags(address, tls)) start.push_back(flag);
  ProcessResult result = RunProcess(start);
  INFO(result.err << "\nworker:\n" << worker->LogTail());
  REQUIRE(result.exit_code == 0);
  CHECK(json::parse(result.out) == "Hello, Ada!");
}

// The worker exits non-zero at start, and a client command fails, both naming `expected`.
void RefusedWith(const std::string& address, const std::vector<std::string>& tls,
                 const std::string& expected, bool names_address = true) {
  Setup& setup = Setup::Shared();
  std::vector<std::string> worker = {WeftBinary(),  "worker",      "--task-queue",
                                     "tls-refused", "--workflows", setup.workflows.path().string()};
  for (const auto& flag : Flags(address, tls)) worker.push_back(flag);
  const auto started = std::chrono::steady_clock::now();
  ProcessResult refused = RunProcess(worker);
  const auto took = std::chrono::steady_clock::now() - started;
  INFO("worker: " << refused.err);
  CHECK(refused.exit_code != 0);
  CHECK_THAT(refused.err, Catch::Contains(expected));
  if (names_address) CHECK_THAT(refused.err, Catch::Contains(address));
  CHECK(refused.err.find("Handshake failed") == std::string::npos);  // gRPC's noise stays quiet
  CHECK(took < 30s);  // a bounded check at start, not retries for ever

  std::vector<std::string> client = {WeftBinary(),  "start",   "tls-hello",         "--task-queue",
                                     "tls-refused", "--input", R"({"name": "Ada"})"};
  for (const auto& flag : Flags(address, tls)) client.push_back(flag);
  ProcessResult start = RunProcess(client);
  INFO("start: " << start.err);
  CHECK(start.exit_code != 0);
  CHECK_THAT(start.err, Catch::Contains(expected));
}

}  // namespace

TEST_CASE("server TLS with a custom CA and a server-name override") {
  Setup& setup = Setup::Shared();
  const std::string address = setup.proxy.Address(setup.proxy.tls_port);
  const std::string ca = setup.certificates.Path("ca.pem");
  WorksWith(address, {"--tls-ca-path", ca, "--tls-server-name", kServerName});

  SECTION("a CA that did not sign the server's certificate") {
    RefusedWith(address,
                {"--tls-ca-path", setup.certificates.Path("other-ca.pem"), "--tls-server-name",
                 kServerName},
                "is not signed by the CA in");
  }
  SECTION("the address's name, which the certificate does not hold") {
    RefusedWith(
        address, {"--tls-ca-path", ca},
        std::string("certificate is for ") + kServerName + ", not 127.0.0.1 (--tls-server-name");
  }
  SECTION("plain text to a TLS port") {
    RefusedWith(address, {}, "speaks TLS; connect with --tls");
  }
}

TEST_CASE("an expired server certificate is refused") {
  Setup& setup = Setup::Shared();
  RefusedWith(
      setup.proxy.Address(setup.proxy.expired_port),
      {"--tls-ca-path", setup.certificates.Path("ca.pem"), "--tls-server-name", kServerName},
      "the server's certificate expired on");
}

TEST_CASE("mutual TLS with a client certificate") {
  Setup& setup = Setup::Shared();
  const std::string address = setup.proxy.Address(setup.proxy.mtls_port);
  const std::vector<std::string> server = {"--tls-ca-path", setup.certificates.Path("ca.pem"),
                                           "--tls-server-name", kServerName};
  std::vector<std::string> mutual = server;
  for (const std::string& flag :
       {std::string("--tls-cert-path"), setup.certificates.Path("client.pem"),
        std::string("--tls-key-path"), setup.certificates.Path("client.key")}) {
    mutual.push_back(flag);
  }
  WorksWith(address, mutual);

  SECTION("without a client certificate") {
    RefusedWith(address, server, "asks for a client certificate and none was given");
  }
  SECTION("a certificate without its key") {
    std::vector<std::string> half = server;
    half.push_back("--tls-cert-path");
    half.push_back(setup.certificates.Path("client.pem"));
    RefusedWith(address, half, "--tls-key-path", /*names_address=*/false);
  }
}

TEST_CASE("an API key the proxy checks") {
  Setup& setup = Setup::Shared();
  const std::string address = setup.proxy.Address(setup.proxy.api_key_port);
  const std::vector<std::string> tls = {"--tls-ca-path", setup.certificates.Path("ca.pem"),
                                        "--tls-server-name", kServerName};
  std::vector<std::string> with_key = tls;
  with_key.push_back("--api-key");
  with_key.push_back(kApiKey);
  WorksWith(address, with_key);

  SECTION("no key") { RefusedWith(address, tls, "refused the credentials"); }
  SECTION("a wrong key") {
    std::vector<std::string> wrong = tls;
    wrong.push_back("--api-key");
    wrong.push_back("not-the-key");
    RefusedWith(address, wrong, "refused the credentials");
  }
}
