# One static library per component (docs/internals.md#the-components-and-what-they-may-include),
# each with a namespaced alias and its own warnings. Headers are included by their path from the
# repository root, e.g. "runtime/temporal/connection.h", so a reader finds a file by its include
# line.

# weft_enable_warnings(<target>): the project's warnings, as errors, for code we write.
function(weft_enable_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Werror
    -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual -Wold-style-cast
    -Wimplicit-fallthrough -Wcast-qual -Wformat=2 -Wmissing-declarations
    # Designated initializers leave defaulted members out on purpose.
    -Wno-missing-field-initializers)
endfunction()

# weft_component(<name> [SOURCES <file>...])
# Creates the static library weft_<name> with the alias weft::<name>. A component without
# sources yet still gets a library, so that its place in the dependency graph is wired now.
function(weft_component name)
  cmake_parse_arguments(arg "" "" "SOURCES" ${ARGN})
  set(target weft_${name})
  if(NOT arg_SOURCES)
    set(placeholder ${CMAKE_CURRENT_BINARY_DIR}/${target}_empty.cc)
    file(CONFIGURE OUTPUT ${placeholder}
         CONTENT "// The ${name} component has no sources yet.\n")
    set(arg_SOURCES ${placeholder})
  endif()
  add_library(${target} STATIC ${arg_SOURCES})
  add_library(weft::${name} ALIAS ${target})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  weft_enable_warnings(${target})
  set_target_properties(${target} PROPERTIES UNITY_BUILD ${WEFT_UNITY_BUILD})
endfunction()
