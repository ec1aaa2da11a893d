// The official Python SDK's worker of tests/python/interop_worker.py, on the shared dev
// server: the other side of the interop tests. Started on first use, once per test process.
#ifndef WEFT_TESTS_SUPPORT_PYTHON_WORKER_H_
#define WEFT_TESTS_SUPPORT_PYTHON_WORKER_H_

#include <string>

namespace weft::testing {

// The task queue the Python worker serves (workflows py-echo, py-counter, py-fails, py-waits
// and the activity greet). Throws if the worker cannot start.
const std::string& PythonTaskQueue();

// The value of a variable CTest sets; throws naming it when it is missing.
std::string RequiredEnv(const char* name);

}  // namespace weft::testing

#endif  // WEFT_TESTS_SUPPORT_PYTHON_WORKER_H_
