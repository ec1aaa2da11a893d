// What the connection flags mean: TLS when asked for or implied by a certificate, and payload
// keys from a key file or from WEFT_CODEC_KEYS.
#include "runtime/temporal/connection_arguments.h"

#include <stdlib.h>

#include <catch2/catch.hpp>

using weft::temporal::ConnectionArguments;
using weft::temporal::PayloadKeys;
using weft::temporal::ToConnectionOptions;

TEST_CASE("the flags become the options of a connection, in plain text by default") {
  ::unsetenv("WEFT_CODEC_KEYS");
  const auto options = ToConnectionOptions(
      {.address = "temporal:7233", .namespace_name = "orders", .api_key = "secret"});
  CHECK(options.address == "temporal:7233");
  CHECK(options.namespace_name == "orders");
  CHECK(options.api_key == "secret");
  CHECK_FALSE(options.tls);  // the connection turns it on for an API key
  CHECK_FALSE(options.encryption);
}

TEST_CASE("TLS is on with --tls, or with a CA or a client certificate") {
  ConnectionArguments arguments{.address = "temporal:7233"};
  CHECK_FALSE(ToConnectionOptions(arguments).tls);
  arguments.tls = true;
  CHECK(ToConnectionOptions(arguments).tls);

  const auto with_ca =
      ToConnectionOptions({.tls_ca_path = "ca.pem", .tls_server_name = "temporal.internal"});
  REQUIRE(with_ca.tls);
  CHECK(with_ca.tls->server_ca_file == "ca.pem");
  CHECK(with_ca.tls->server_name == "temporal.internal");

  const auto with_cert =
      ToConnectionOptions({.tls_cert_path = "client.pem", .tls_key_path = "client.key"});
  REQUIRE(with_cert.tls);
  CHECK(with_cert.tls->client_cert_file == "client.pem");
  CHECK(with_cert.tls->client_key_file == "client.key");
}

TEST_CASE("payload keys come from the key file, or from WEFT_CODEC_KEYS") {
  ::unsetenv("WEFT_CODEC_KEYS");
  CHECK_FALSE(PayloadKeys(""));
  auto from_file = PayloadKeys("keys.txt");
  REQUIRE(from_file);
  CHECK(from_file->key_file == "keys.txt");
  CHECK(from_file->keys.empty());

  ::setenv("WEFT_CODEC_KEYS", "", 1);  // set but empty: none
  CHECK_FALSE(PayloadKeys(""));
  ::setenv("WEFT_CODEC_KEYS", "key-1 00112233", 1);
  auto from_environment = PayloadKeys("");
  REQUIRE(from_environment);
  CHECK(from_environment->keys == "key-1 00112233");
  CHECK(ToConnectionOptions({.address = "temporal:7233"}).encryption);
  ::unsetenv("WEFT_CODEC_KEYS");
}
