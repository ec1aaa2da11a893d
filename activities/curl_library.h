// CurlLibrary: the libcurl functions http.request calls, from a libcurl opened on its first use.
//
// Why not link it: a process loads every library it links, and the libraries they need, before
// main(). libcurl brings some 27 of weft's 90 (GnuTLS, Kerberos, LDAP, SSH, ...), about 4 ms of
// a 13 ms process start (bench/RESULTS.md, "Process start"), while only http.request uses it and
// most processes (weft run, weft list, weft validate) never send a request. Opened here, it
// costs those 4 ms once, in the process that sends the first request.
//
// The library is Debian's libcurl4 (the soname libcurl.so.4), the one the headers the build
// compiles against belong to; the package depends on it by name (cmake/WeftInstall.cmake).
//
// Thread-safe: Get() opens the library and runs curl_global_init once, under a lock; the functions
// are libcurl's own, as thread-safe as libcurl documents them.
#ifndef WEFT_ACTIVITIES_CURL_LIBRARY_H_
#define WEFT_ACTIVITIES_CURL_LIBRARY_H_

#include <curl/curl.h>

#include <expected>
#include <string>

namespace weft::activities {

struct CurlLibrary {
  // libcurl's functions, typed by its header, so that a call through one is checked as a call to
  // the function would be (except the options of the variadic setopt and getinfo).
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_getdate) getdate;

  // The library, opened and initialized; the same for the whole process once opened. An error
  // (libcurl is not installed, or lacks a function) says which library and what is missing; the
  // next call tries again.
  static std::expected<const CurlLibrary*, std::string> Get();
};

}  // namespace weft::activities

#endif  // WEFT_ACTIVITIES_CURL_LIBRARY_H_
