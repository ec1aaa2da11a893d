// Runs a program to completion and captures what it wrote: how CLI tests see weft as a user
// does, with stdout and stderr kept apart.
#ifndef WEFT_TESTS_SUPPORT_SUBPROCESS_H_
#define WEFT_TESTS_SUPPORT_SUBPROCESS_H_

#include <string>
#include <vector>

namespace weft::testing {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal number if it was killed by a signal
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up on PATH if not a path) with `input` on its stdin.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& input = "");

// The weft binary under test: $WEFT_BINARY, set by CTest.
std::string WeftBinary();

}  // namespace weft::testing

#endif  // WEFT_TESTS_SUPPORT_SUBPROCESS_H_
