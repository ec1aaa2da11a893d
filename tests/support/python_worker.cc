#include "tests/support/python_worker.h"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "tests/support/child_process.h"
#include "tests/support/dev_server.h"

namespace weft::testing {

std::string RequiredEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(std::string(name) + " is not set; run the tests through ctest");
  }
  return value;
}

const std::string& PythonTaskQueue() {
  static const std::string queue = "python-interop-" + std::to_string(getpid());
  static std::unique_ptr<ChildProcess> worker = [] {
    auto process = ChildProcess::Start({RequiredEnv("WEFT_PYTHON"),
                                        RequiredEnv("WEFT_TEST_PYTHON_DIR") + "/interop_worker.py",
                                        DevServer::Shared().address(), queue});
    process->WaitForOutput("ready", std::chrono::seconds(60));
    return process;
  }();
  return queue;
}

}  // namespace weft::testing
