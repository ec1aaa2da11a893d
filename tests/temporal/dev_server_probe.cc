// Starts a dev server through the test fixture, prints "<pid> <address>" and waits to be
// killed. dev_server_test kills it in different ways and checks that the server goes too.

#include <unistd.h>

#include <cstdio>
#include <exception>

#include "tests/support/dev_server.h"

int main() {
  try {
    auto server = weft::testing::DevServer::Start();
    std::printf("%d %s\n", static_cast<int>(server->pid()), server->address().c_str());
    std::fflush(stdout);
    while (true) pause();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
}
