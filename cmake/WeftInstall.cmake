# What `cmake --install` puts in place, and the Debian package built from it (scripts/package).
#
#   <prefix>/bin/weft                            the binary
#   <prefix>/share/weft/*.schema.json            the JSON Schemas of definitions and test files
#   <prefix>/share/weft/examples/                workflows/ and activities/*.lua: copy them into
#                                                an empty folder and `weft run hello` works
#   <prefix>/share/doc/weft/                     README.md and docs/
#
# `cmake --install build --strip` drops the debug information (the RelWithDebInfo binary is
# ~230 MB with it, ~25 MB without); the package is always stripped.

include(GNUInstallDirs)

install(TARGETS weft RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES schema/workflow.schema.json schema/workflow-test.schema.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/weft)
install(DIRECTORY workflows DESTINATION ${CMAKE_INSTALL_DATADIR}/weft/examples
        FILES_MATCHING PATTERN "*.yaml")
install(DIRECTORY activities DESTINATION ${CMAKE_INSTALL_DATADIR}/weft/examples
        FILES_MATCHING PATTERN "*.lua")
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME weft)
set(CPACK_PACKAGE_VENDOR "the weft authors")
set(CPACK_PACKAGE_CONTACT "weft maintainers <maintainers@weft.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "weft runs workflows written in YAML durably: on an embedded engine with a SQLite journal, \
or on a Temporal cluster through a worker that speaks Temporal's gRPC API.")
set(CPACK_PACKAGE_INSTALL_DIRECTORY weft)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # weft_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# The run-time dependencies are read off the binary's shared libraries by dpkg-shlibdeps, so
# that the package's Depends line cannot drift from what the build linked.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libcurl is opened when http.request first runs, not linked (activities/curl_library.h), and
# schedules read the system's tz database (runtime/schedule/time_zone.h): dpkg-shlibdeps can see
# neither.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4, tzdata")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates")
include(CPack)
