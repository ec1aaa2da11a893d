// TempJournal: a journal file for a test, named after what the test checks, in a folder of this
// process under the system's temporary directory; any file of that name left by an earlier
// test is removed first. Header-only; any thread.
#ifndef WEFT_TESTS_EMBEDDED_TEMP_JOURNAL_H_
#define WEFT_TESTS_EMBEDDED_TEMP_JOURNAL_H_

#include <unistd.h>

#include <filesystem>
#include <string>

namespace weft::embedded::testing {

inline std::filesystem::path TempJournal(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("weft-journal-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / (name + ".db");
  std::filesystem::remove(path);
  return path;
}

}  // namespace weft::embedded::testing

#endif  // WEFT_TESTS_EMBEDDED_TEMP_JOURNAL_H_
