# Every third-party library weft builds against, found once here. scripts/setup installs them
# from Debian 12 packages. Each is linked PRIVATE by the one component that uses it.

find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

find_package(yaml-cpp REQUIRED)           # dsl
find_package(nlohmann_json 3.11 REQUIRED) # the JSON value every layer exchanges
find_package(spdlog REQUIRED)             # logging, to stderr (weft::spdlog below)
find_package(fmt REQUIRED)                # spdlog's formatting
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

# spdlog and fmt, which Debian ships only as shared libraries built against the shared C++
# runtime: linked statically (WEFT_STATIC_DEPENDENCIES), weft compiles them from their headers
# instead, so that no shared library of its own needs libstdc++ and weft can link the C++ runtime
# statically too (cmake/WeftStaticDependencies.cmake). Components link weft::spdlog.
add_library(weft_spdlog INTERFACE)
add_library(weft::spdlog ALIAS weft_spdlog)
if(WEFT_STATIC_DEPENDENCIES)
  get_target_property(spdlog_include spdlog::spdlog_header_only INTERFACE_INCLUDE_DIRECTORIES)
  target_include_directories(weft_spdlog SYSTEM INTERFACE ${spdlog_include})
  target_compile_definitions(weft_spdlog INTERFACE SPDLOG_FMT_EXTERNAL)
  target_link_libraries(weft_spdlog INTERFACE fmt::fmt-header-only Threads::Threads)
else()
  target_link_libraries(weft_spdlog INTERFACE spdlog::spdlog)
endif()

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
