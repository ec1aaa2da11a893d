# Every third-party library weft builds against, found once here. scripts/setup installs them
# from Debian 12 packages. Each is linked PRIVATE by the one component that uses it.

find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

find_package(yaml-cpp REQUIRED)           # dsl
find_package(nlohmann_json 3.11 REQUIRED) # the JSON value every layer exchanges
find_package(spdlog REQUIRED)             # logging, to stderr
find_package(CLI11 REQUIRED)              # cmd/weft
find_package(valijson REQUIRED)           # input schemas
# Without this valijson calls abort() on a schema it cannot parse; with it, it throws, and the
# code that uses it turns that into an error. One setting for every translation unit.
set_property(TARGET valijson APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS VALIJSON_USE_EXCEPTIONS=1)
find_package(CURL REQUIRED)               # activities: http.request
find_package(SQLite3 REQUIRED)            # runtime/embedded
find_package(Protobuf REQUIRED)           # runtime/temporal
find_package(gRPC REQUIRED)               # runtime/temporal
find_package(OpenSSL 3 REQUIRED)          # runtime/temporal: TLS diagnosis, the payload codec
pkg_check_modules(LUA REQUIRED IMPORTED_TARGET lua5.4)  # runtime/lua
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)     # dsl: matches()
include(WeftStaticDependencies)  # from their archives where Debian ships them

# The tests and benchmarks need tools that running weft does not (`scripts/setup --tests`
# installs them). AUTO builds them when those are installed, so that the quick start, which
# installs only what weft needs, configures too; ON requires them.
if(WEFT_BUILD_TESTS STREQUAL "AUTO")
  find_package(Catch2 2 QUIET)
  find_path(HTTPLIB_INCLUDE_DIR httplib.h)
  if(Catch2_FOUND AND HTTPLIB_INCLUDE_DIR)
    set(WEFT_BUILD_TESTS ON)
  else()
    message(STATUS "Tests not built: Catch2 or cpp-httplib is missing (scripts/setup --tests)")
    set(WEFT_BUILD_TESTS OFF)
  endif()
elseif(WEFT_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
  find_path(HTTPLIB_INCLUDE_DIR httplib.h REQUIRED)  # loopback HTTP servers in tests
endif()
if(WEFT_BUILD_BENCHMARKS STREQUAL "AUTO")
  find_package(benchmark QUIET)
  set(WEFT_BUILD_BENCHMARKS ${benchmark_FOUND})
  if(NOT benchmark_FOUND)
    message(STATUS "Benchmarks not built: Google Benchmark is missing (scripts/setup --tests)")
  endif()
elseif(WEFT_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
