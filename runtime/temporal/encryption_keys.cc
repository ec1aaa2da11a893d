#include "runtime/temporal/encryption_keys.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace weft::temporal {
namespace {

constexpr std::size_t kMaxKeyIdLength = 64;
constexpr char kMakeOne[] = "make one with `openssl rand -base64 32`";

// Standard base64 (RFC 4648 section 4), padding optional; nothing when `text` is not that.
std::optional<std::string> DecodeBase64(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  unsigned int bits = 0;
  int count = 0;
  for (char c : text) {
    int value;
    if (c >= 'A' && c <= 'Z') {
      value = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      value = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      value = c - '0' + 52;
    } else if (c == '+') {
      value = 62;
    } else if (c == '/') {
      value = 63;
    } else {
      return std::nullopt;
    }
    bits = (bits << 6) | static_cast<unsigned int>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  if (count >= 6) return std::nullopt;  // a lone trailing character is not base64
  return out;
}

bool ValidKeyId(std::string_view id) {
  return !id.empty() && id.size() <= kMaxKeyIdLength && std::ranges::all_of(id, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' ||
           c == '-';
  });
}

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t at = 0;
  while (at < line.size()) {
    while (at < line.size() && std::isspace(static_cast<unsigned char>(line[at]))) ++at;
    const std::size_t start = at;
    while (at < line.size() && !std::isspace(static_cast<unsigned char>(line[at]))) ++at;
    if (at > start) words.push_back(line.substr(start, at - start));
  }
  return words;
}

}  // namespace

std::expected<EncryptionKeys, std::string> EncryptionKeys::Parse(std::string_view text,
                                                                 std::string source) {
  std::vector<EncryptionKey> keys;
  int line_number = 0;
  for (std::size_t at = 0; at <= text.size();) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    at = end + 1;
    ++line_number;
    line = line.substr(0, line.find('#'));
    const std::string where = source + ":" + std::to_string(line_number) + ": ";
    // Commas separate keys as newlines do, for a variable set on one line.
    for (std::size_t from = 0; from <= line.size();) {
      std::size_t comma = line.find(',', from);
      if (comma == std::string_view::npos) comma = line.size();
      const auto words = Words(line.substr(from, comma - from));
      from = comma + 1;
      if (words.empty()) continue;
      if (words.size() != 2) {
        return std::unexpected(where + "expected `<key id> <base64 key>`, found " +
                               std::to_string(words.size()) + " words");
      }
      const std::string id(words[0]);
      if (!ValidKeyId(id)) {
        return std::unexpected(where + "`" + id.substr(0, 80) +
                               "` is not a key id (1-64 letters, digits and ._:-)");
      }
      if (std::ranges::any_of(keys, [&](const EncryptionKey& key) { return key.id == id; })) {
        return std::unexpected(where + "the key id `" + id + "` is listed twice");
      }
      auto bytes = DecodeBase64(words[1]);
      if (!bytes) {
        return std::unexpected(where + "the key of `" + id + "` is not base64 (" + kMakeOne + ")");
      }
      if (bytes->size() != kEncryptionKeyBytes) {
        return std::unexpected(where + "the key of `" + id + "` is " +
                               std::to_string(bytes->size()) + " bytes; AES-256 needs " +
                               std::to_string(kEncryptionKeyBytes) + " (" + kMakeOne + ")");
      }
      keys.push_back({.id = id, .bytes = std::move(*bytes)});
    }
  }
  if (keys.empty()) {
    return std::unexpected(source + ": holds no key; write `<key id> <base64 key>` lines (" +
                           kMakeOne + ")");
  }
  return EncryptionKeys(std::move(keys), std::move(source));
}

std::expected<EncryptionKeys, std::string> EncryptionKeys::Load(const EncryptionOptions& options) {
  if (!options.key_file.empty() && !options.keys.empty()) {
    return std::unexpected(std::string("payload keys come from --codec-key-file or ") +
                           kCodecKeysVariable + ", not both");
  }
  if (options.key_file.empty() && options.keys.empty()) {
    return std::unexpected(std::string("no payload keys: give --codec-key-file or set ") +
                           kCodecKeysVariable);
  }
  if (options.key_file.empty()) {
    auto keys = Parse(options.keys, kCodecKeysVariable);
    if (keys) keys->source_ = kCodecKeysVariable;
    return keys;
  }
  std::ifstream in(options.key_file, std::ios::binary);
  if (!in) {
    return std::unexpected("cannot read the key file " + options.key_file + ": " +
                           std::strerror(errno) + " (--codec-key-file)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto keys = Parse(text.str(), options.key_file);
  if (!keys) return keys;
  keys->source_ = "the key file " + options.key_file;
  // Keys readable by other users of the machine are not secret; say so, but run.
  struct stat info {};
  if (stat(options.key_file.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    spdlog::warn("the key file {} can be read by other users (mode {:o}); `chmod 600 {}`",
                 options.key_file, info.st_mode & 0777, options.key_file);
  }
  return keys;
}

const EncryptionKey* EncryptionKeys::Find(std::string_view id) const {
  auto found = std::ranges::find(keys_, id, &EncryptionKey::id);
  return found == keys_.end() ? nullptr : &*found;
}

std::string EncryptionKeys::ListIds() const {
  std::string ids;
  for (const EncryptionKey& key : keys_) ids += (ids.empty() ? "" : ", ") + key.id;
  return ids;
}

}  // namespace weft::temporal
