# weft_embed_files: text files compiled into the binary as raw string literals, so that it
# serves them with no file and no network at run time (the web UI's assets, the MCP server's
# reference).
#
# weft_embed_files(TEMPLATE <file.cc.in> OUTPUT <file.cc> PLACEHOLDER <name> DELIMITER <word>
#                  BASE_DIR <dir> [KEY_PREFIX <text>] FILES <path relative to BASE_DIR>...)
# Writes OUTPUT (in the current binary folder) from TEMPLATE, whose @PLACEHOLDER@ becomes one
# line `{"<KEY_PREFIX><path>", R"<DELIMITER>(<text>)<DELIMITER>"},` per file, in the order
# given. Editing a file or the template re-runs CMake, which rewrites OUTPUT only when a text
# changed, so that nothing recompiles otherwise.
function(weft_embed_files)
  cmake_parse_arguments(arg "" "TEMPLATE;OUTPUT;PLACEHOLDER;DELIMITER;BASE_DIR;KEY_PREFIX" "FILES"
    ${ARGN})
  set(entries "")
  foreach(file IN LISTS arg_FILES)
    set(path ${arg_BASE_DIR}/${file})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${path})
    file(READ ${path} text)
    string(FIND "${text}" ")${arg_DELIMITER}\"" clash)
    if(NOT clash EQUAL -1)
      message(FATAL_ERROR "${path} contains the raw-string delimiter ${arg_DELIMITER}")
    endif()
    string(APPEND entries
      "      {\"${arg_KEY_PREFIX}${file}\", R\"${arg_DELIMITER}(${text})${arg_DELIMITER}\"},\n")
  endforeach()
  # Not configure_file(@ONLY) on the texts themselves: JavaScript or a doc may hold @words@.
  set(template ${CMAKE_CURRENT_SOURCE_DIR}/${arg_TEMPLATE})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${template})
  file(READ ${template} template_text)
  string(REPLACE "@${arg_PLACEHOLDER}@" "${entries}" source "${template_text}")
  set(output ${CMAKE_CURRENT_BINARY_DIR}/${arg_OUTPUT})
  file(WRITE ${output}.new "${source}")
  configure_file(${output}.new ${output} COPYONLY)
endfunction()
