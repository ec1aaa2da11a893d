// ReplaceFileAtomically: writes a file so that a reader (a worker's catalog rescanning
// workflows/, a Lua sandbox reloading activities/) sees either the old text or the new one,
// never half of it: the text goes to a hidden temporary file in the same folder, is flushed to
// disk, and is renamed over the target. Creates the folder when it is missing.
//
// Any thread; two writers of one path: the last rename wins.
#ifndef WEFT_AGENTS_ATOMIC_FILE_H_
#define WEFT_AGENTS_ATOMIC_FILE_H_

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace weft::agents {

// The error says which file and why.
std::expected<void, std::string> ReplaceFileAtomically(const std::filesystem::path& path,
                                                       std::string_view text);

}  // namespace weft::agents

#endif  // WEFT_AGENTS_ATOMIC_FILE_H_
