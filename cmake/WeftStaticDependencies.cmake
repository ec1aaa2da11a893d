# Links the third-party libraries that Debian also ships as static archives from those archives.
#
# Why: a process loads every shared library it needs before main(), and resolves each of their
# symbols against all of them. Linked to some sixty shared libraries (gRPC, protobuf and its
# forty-odd Abseil parts, yaml-cpp, Lua, SQLite, RE2, c-ares, ...), `weft version` spent half
# of its 13 ms start in the dynamic loader (bench/RESULTS.md, "Process start"); a one-shot
# `weft run` pays that on every run. From the archives the linker copies only what weft calls,
# resolved once at build time.
#
# What stays shared, and why: the C runtime (the system's own); OpenSSL, so that its security
# updates reach weft without a rebuild; libcurl, which weft opens only when an http.request runs
# (activities/curl_library.h). spdlog and fmt, which Debian ships only shared, are compiled from
# their headers instead (weft::spdlog, cmake/WeftDependencies.cmake), so that nothing left
# needs the shared C++ runtime, and libstdc++ and libgcc are linked statically too: with them
# shared, the loader resolved some seven thousand symbols against them at every start, a
# fifth of a one-shot `weft run`'s CPU time (bench/RESULTS.md, "Process start, a third time").
# Activity plugins are unaffected: their ABI is plain C (runtime/activity/plugin_abi.h), and
# one written in C++ brings its own libstdc++. The sanitizer and fuzz builds keep the shared
# runtime, whose operator new the sanitizers replace.
#
# How: after the find_package calls, every imported library whose file is a shared object with
# an archive of the same name beside it is pointed at the archive instead, and so are the
# shared objects named by path in imported link interfaces (pkg-config's targets list them so).
# WEFT_STATIC_DEPENDENCIES=OFF keeps everything shared.

option(WEFT_STATIC_DEPENDENCIES "Link the third-party libraries Debian ships as archives statically" ON)

# Shared objects that stay shared: matched against the file name without its extensions.
set(WEFT_ALWAYS_SHARED ssl crypto curl spdlog fmt stdc++ m dl rt pthread c gcc_s)

# The archive to link instead of a link item, or "" when there is none or the library stays
# shared. An item is a shared object's path (/x/libfoo.so.1.2 -> /x/libfoo.a) or a library's
# bare name (foo or -lfoo, as some pkg-config modules give it: found where the linker looks).
function(weft_archive_for item out)
  set(${out} "" PARENT_SCOPE)
  if(item MATCHES "^(.*)/lib([^/]+)\\.so(\\.[0-9.]+)?$")
    set(name ${CMAKE_MATCH_2})
    set(archive ${CMAKE_MATCH_1}/lib${name}.a)
  elseif(item MATCHES "^(-l)?([A-Za-z0-9_.+-]+)$" AND NOT TARGET ${item})
    set(name ${CMAKE_MATCH_2})
    find_library(WEFT_ARCHIVE_${name} NAMES lib${name}.a)
    set(archive ${WEFT_ARCHIVE_${name}})
  else()
    return()
  endif()
  if(NOT name IN_LIST WEFT_ALWAYS_SHARED AND archive AND EXISTS ${archive})
    set(${out} ${archive} PARENT_SCOPE)
  endif()
endfunction()

function(weft_prefer_static_archives)
  get_property(imported DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTY IMPORTED_TARGETS)
  foreach(target IN LISTS imported)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "INTERFACE_LIBRARY")
      set(location_properties "")
    else()
      get_target_property(configurations ${target} IMPORTED_CONFIGURATIONS)
      set(location_properties IMPORTED_LOCATION)
      if(configurations)
        foreach(configuration IN LISTS configurations)
          list(APPEND location_properties IMPORTED_LOCATION_${configuration})
        endforeach()
      endif()
    endif()
    foreach(property IN LISTS location_properties)
      get_target_property(location ${target} ${property})
      if(location)
        weft_archive_for("${location}" archive)
        if(archive)
          set_target_properties(${target} PROPERTIES ${property} ${archive})
        endif()
      endif()
    endforeach()

    get_target_property(interface ${target} INTERFACE_LINK_LIBRARIES)
    if(interface)
      set(rewritten "")
      foreach(item IN LISTS interface)
        weft_archive_for("${item}" archive)
        if(archive)
          list(APPEND rewritten ${archive})
        else()
          list(APPEND rewritten ${item})
        endif()
      endforeach()
      set_target_properties(${target} PROPERTIES INTERFACE_LINK_LIBRARIES "${rewritten}")
    endif()
  endforeach()
endfunction()

if(WEFT_STATIC_DEPENDENCIES)
  weft_prefer_static_archives()
endif()

if(WEFT_STATIC_DEPENDENCIES AND NOT WEFT_SANITIZE AND NOT WEFT_FUZZ)
  add_link_options($<$<LINK_LANGUAGE:CXX>:-static-libstdc++> -static-libgcc)
endif()

# Relative relocations packed (DT_RELR, glibc 2.36 and binutils 2.38 on): the loader applies the
# tens of thousands of a position-independent executable's pointer tables from a compact
# bitmap instead of one 24-byte entry each.
include(CheckLinkerFlag)
check_linker_flag(CXX "-Wl,-z,pack-relative-relocs" WEFT_LINKER_PACKS_RELOCATIONS)
if(WEFT_LINKER_PACKS_RELOCATIONS)
  add_link_options(-Wl,-z,pack-relative-relocs)
endif()
