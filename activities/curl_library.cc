#include "activities/curl_library.h"

#include <dlfcn.h>

#include <mutex>
#include <optional>

namespace weft::activities {
namespace {

constexpr char kSoname[] = "libcurl.so.4";

// Loads `name` from `library` into `function`; false with `error` set when it is not there.
template <typename Function>
bool Bind(void* library, const char* name, Function& function, std::string& error) {
  function = reinterpret_cast<Function>(::dlsym(library, name));
  if (function != nullptr) return true;
  error = std::string(kSoname) + " has no " + name;
  return false;
}

std::expected<CurlLibrary, std::string> Open() {
  // RTLD_LOCAL: libcurl's symbols stay its own, as they would be in a library linked at start
  // that nothing else looks into. Never closed: a process that sent a request may send another.
  void* library = ::dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* reason = ::dlerror();
    return std::unexpected("http.request needs libcurl (Debian's libcurl4): " +
                           std::string(reason != nullptr ? reason : kSoname));
  }
  CurlLibrary curl{};
  std::string error;
  if (!Bind(library, "curl_easy_init", curl.easy_init, error) ||
      !Bind(library, "curl_easy_cleanup", curl.easy_cleanup, error) ||
      !Bind(library, "curl_easy_setopt", curl.easy_setopt, error) ||
      !Bind(library, "curl_easy_perform", curl.easy_perform, error) ||
      !Bind(library, "curl_easy_getinfo", curl.easy_getinfo, error) ||
      !Bind(library, "curl_easy_strerror", curl.easy_strerror, error) ||
      !Bind(library, "curl_slist_append", curl.slist_append, error) ||
      !Bind(library, "curl_slist_free_all", curl.slist_free_all, error) ||
      !Bind(library, "curl_getdate", curl.getdate, error)) {
    return std::unexpected(error);
  }
  decltype(&::curl_global_init) global_init = nullptr;
  if (!Bind(library, "curl_global_init", global_init, error)) return std::unexpected(error);
  if (const CURLcode code = global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
    return std::unexpected("http.request: curl_global_init failed (libcurl error " +
                           std::to_string(static_cast<int>(code)) + ")");
  }
  return curl;
}

}  // namespace

std::expected<const CurlLibrary*, std::string> CurlLibrary::Get() {
  // Opened once; a failure is not kept, so that installing libcurl mends the next attempt of
  // the activity without restarting the worker.
  static std::mutex mutex;
  static std::optional<CurlLibrary> opened;
  std::lock_guard lock(mutex);
  if (!opened) {
    auto library = Open();
    if (!library) return std::unexpected(library.error());
    opened = *library;
  }
  return &*opened;
}

}  // namespace weft::activities
