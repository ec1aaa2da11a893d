#include "runtime/run/random_id.h"

#include <sys/random.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>

namespace weft::run {
namespace {

// 16 bytes from the kernel's pool; getrandom only fails on signals (retried) or on kernels
// without it, where std::random_device reads the same pool.
void RandomBytes(unsigned char* out, std::size_t size) {
  std::size_t filled = 0;
  while (filled < size) {
    const ssize_t got = getrandom(out + filled, size - filled, 0);
    if (got > 0) {
      filled += static_cast<std::size_t>(got);
    } else if (got < 0 && errno != EINTR) {
      std::random_device device;
      for (; filled < size; ++filled) out[filled] = static_cast<unsigned char>(device());
    }
  }
}

std::string Format(unsigned char (&bytes)[16], unsigned version) {
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | (version << 4));
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // variant 10
  char text[37];
  std::snprintf(text, sizeof text,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
                bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
  return text;
}

}  // namespace

std::string NewUuid() {
  unsigned char bytes[16];
  RandomBytes(bytes, sizeof bytes);
  return Format(bytes, 4);
}

std::string NewShortId() { return NewUuid().substr(0, 8); }

std::string NewTimeOrderedUuid() {
  unsigned char bytes[16];
  RandomBytes(bytes, sizeof bytes);
  const auto ms =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  return Format(bytes, 7);
}

}  // namespace weft::run
