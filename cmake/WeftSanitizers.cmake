# The instrumented builds, each in a build folder of its own (docs/fuzzing.md):
#
#   WEFT_SANITIZE=address,undefined   every target, tests included, built with those sanitizers
#                                     (GCC or clang); scripts/test's sanitizer step, build-asan/.
#   WEFT_FUZZ=ON                      clang only: every library instrumented for libFuzzer's
#                                     coverage, with AddressSanitizer and UBSan, and the fuzz
#                                     targets of tests/fuzz; scripts/fuzz, build-fuzz/.
#
# Set before the components are added, so that every library weft builds is instrumented alike
# (a library left uninstrumented hides its bugs from ASan and its branches from the fuzzer),
# except the code protoc generates for the Temporal API (runtime/temporal/api/protos.cmake).
# Third-party libraries come from Debian, uninstrumented: what they do inside is not checked.

set(WEFT_SANITIZE "" CACHE STRING "Sanitizers for every target, e.g. address,undefined or thread")
option(WEFT_FUZZ "Build the libFuzzer targets of tests/fuzz (clang)" OFF)

if(WEFT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "WEFT_FUZZ needs clang (libFuzzer); scripts/fuzz configures it")
  endif()
  if(NOT WEFT_SANITIZE)
    set(WEFT_SANITIZE address,undefined)
  endif()
  # The libraries get the fuzzer's coverage instrumentation; only the targets link its main().
  add_compile_options(-fsanitize=fuzzer-no-link)
  # libstdc++ 12's std::stable_sort calls its own get_temporary_buffer, deprecated in C++23
  # mode, and clang reports that at our call site: a warning about the library, not an error.
  add_compile_options(-Wno-error=deprecated-declarations)
endif()

if(WEFT_SANITIZE)
  # -fno-sanitize-recover: a UBSan finding fails the test (or stops the fuzzer) instead of
  # printing a line nobody reads. Frame pointers make the reports' stacks complete and cheap.
  add_compile_options(-fsanitize=${WEFT_SANITIZE} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${WEFT_SANITIZE})
  # Size on disk. The instrumentation's metadata (a source location for every check, a
  # descriptor for every global) is copied into each of some seventy test binaries, which made
  # build-asan/ 11 GB, enough to fill a CI machine's disk: every function and global in a section
  # of its own lets the linker drop what a test does not reach, and the debug info (line tables
  # only, -g1) is stored compressed.
  add_compile_options(-ffunction-sections -fdata-sections)
  add_link_options(-Wl,--gc-sections -Wl,--compress-debug-sections=zlib)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # -Wmaybe-uninitialized depends on what the optimizer sees, which the instrumentation
    # changes: GCC 12 then reports it inside libstdc++'s std::function (under valijson's
    # std::regex), where the plain build does not. A false positive; the plain build keeps it.
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
  if(WEFT_SANITIZE MATCHES "undefined" AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # Clang's -fsanitize=function checks calls through function pointers against the callee's
    # type; Lua calls weft's lua_CFunctions from C, which clang cannot see, and protobuf's
    # and gRPC's callbacks come from uninstrumented code: nothing it could check is ours.
    add_compile_options(-fno-sanitize=function)
  endif()
endif()
