# weft's executables allocate with jemalloc, linked from Debian's static archive
# (libjemalloc-dev), not with glibc's malloc.
#
# Why: the embedded engine and the Temporal worker build and drop many small JSON trees and
# strings per step, across threads (the engine thread allocates, the journal thread frees).
# Measured side by side (bench/RESULTS.md, "The allocator"), jemalloc halved the engine thread's
# CPU per run and cut the journal thread's by a tenth; the worker's CPU per run fell by a
# tenth in an earlier measurement by LD_PRELOAD.
#
# How: the archive defines malloc, free and the rest, so the executable's own calls bind to
# them at link time, and the linker exports them to the shared libraries it links (libstdc++,
# OpenSSL) and to those opened later (libcurl, plugins), which therefore use the same heap.
# Nothing changes at run time: no new shared library, no package dependency.
#
# Not with sanitizers (they replace malloc themselves), and WEFT_JEMALLOC=OFF keeps glibc's.

option(WEFT_JEMALLOC "Allocate with jemalloc, linked statically into weft's executables" ON)

if(WEFT_JEMALLOC AND NOT WEFT_SANITIZE)
  find_library(WEFT_JEMALLOC_ARCHIVE NAMES libjemalloc_pic.a libjemalloc.a)
  if(NOT WEFT_JEMALLOC_ARCHIVE)
    message(FATAL_ERROR "jemalloc's static archive is missing: install libjemalloc-dev "
                        "(scripts/setup does), or configure with -DWEFT_JEMALLOC=OFF")
  endif()
endif()

# Links the allocator into an executable (weft, the tests, the benchmarks).
function(weft_link_allocator target)
  if(WEFT_JEMALLOC AND NOT WEFT_SANITIZE)
    find_package(Threads REQUIRED)
    target_link_libraries(${target} PRIVATE ${WEFT_JEMALLOC_ARCHIVE} Threads::Threads
      ${CMAKE_DL_LIBS} m)
  endif()
endfunction()
