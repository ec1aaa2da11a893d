# The Temporal API .proto files, fetched at configure time from the npm registry package
# @temporalio/core-bridge (it ships them under sdk-core/crates/protos/protos/api_upstream),
# pinned by version and SHA-256. Nothing of them is committed.
#
# The prepared tree is stamped with the pin: configuring again with the same pin touches no
# file, so the generated C++ is never rebuilt unless the pin changes.

set(WEFT_CORE_BRIDGE_VERSION 1.24.0)
set(WEFT_CORE_BRIDGE_SHA256 5f58de2e98bdc4711be3cbb06cc08bc39cb274cbbac41d02f0352bfe1630a8f7)

if(DEFINED ENV{WEFT_CACHE_DIR})
  set(_weft_default_cache $ENV{WEFT_CACHE_DIR})
elseif(DEFINED ENV{XDG_CACHE_HOME})
  set(_weft_default_cache $ENV{XDG_CACHE_HOME}/weft)
else()
  set(_weft_default_cache $ENV{HOME}/.cache/weft)
endif()
set(WEFT_CACHE_DIR ${_weft_default_cache} CACHE PATH "Downloads kept between builds")

# The registry the package is fetched from: any npm registry or mirror serves the same tarball
# at the same path, and the SHA-256 pin checks it.
set(WEFT_NPM_REGISTRY https://registry.npmjs.org CACHE STRING "npm registry for build-time downloads")

# Leaves the verified tarball of the pinned package at <out_var>, downloading it only when the
# cache does not already hold it. A plain HTTPS download (no npm needed to build weft).
function(_weft_core_bridge_tarball out_var)
  set(dir ${WEFT_CACHE_DIR}/npm)
  set(tarball ${dir}/temporalio-core-bridge-${WEFT_CORE_BRIDGE_VERSION}.tgz)
  if(EXISTS ${tarball})
    file(SHA256 ${tarball} actual)
    if(actual STREQUAL WEFT_CORE_BRIDGE_SHA256)
      set(${out_var} ${tarball} PARENT_SCOPE)
      return()
    endif()
    file(REMOVE ${tarball})
  endif()
  set(url ${WEFT_NPM_REGISTRY}/@temporalio/core-bridge/-/core-bridge-${WEFT_CORE_BRIDGE_VERSION}.tgz)
  message(STATUS "Fetching ${url} for the Temporal API protos")
  file(MAKE_DIRECTORY ${dir})
  # Downloaded beside its final name and moved when verified, so that an interrupted download
  # never passes for the package.
  file(DOWNLOAD ${url} ${tarball}.part STATUS status TLS_VERIFY ON
       EXPECTED_HASH SHA256=${WEFT_CORE_BRIDGE_SHA256})
  list(GET status 0 code)
  if(NOT code EQUAL 0)
    list(GET status 1 message)
    file(REMOVE ${tarball}.part)
    message(FATAL_ERROR "downloading ${url} failed: ${message}")
  endif()
  file(RENAME ${tarball}.part ${tarball})
  set(${out_var} ${tarball} PARENT_SCOPE)
endfunction()

# weft_prepare_temporal_protos(<root> <api_version_var>)
# Fills <root> with the .proto files weft compiles, and sets <api_version_var> to the Temporal
# API version the package bundles. Two packages are renamed because Debian 12's protoc emits
# C++ namespaces named after the package, and `namespace` and `export` are C++ keywords:
# temporal.api.namespace.v1 becomes temporal.api.namespace_.v1. The wire format carries no
# package names and gRPC method paths are unaffected, so this changes nothing on the wire.
# temporal.api.export.v1 is not needed by a worker or client and is left out.
function(weft_prepare_temporal_protos root api_version_var)
  set(pin "@temporalio/core-bridge@${WEFT_CORE_BRIDGE_VERSION} sha256:${WEFT_CORE_BRIDGE_SHA256}")
  set(stamp ${root}/.pin)
  if(EXISTS ${stamp})
    file(READ ${stamp} stamped)
  endif()
  if(NOT stamped STREQUAL pin)
    _weft_core_bridge_tarball(tarball)
    set(extract ${CMAKE_BINARY_DIR}/temporal-api-extract)
    set(upstream ${extract}/package/sdk-core/crates/protos/protos/api_upstream)
    file(REMOVE_RECURSE ${extract} ${root})
    file(ARCHIVE_EXTRACT INPUT ${tarball} DESTINATION ${extract}
         PATTERNS package/sdk-core/crates/protos/protos/api_upstream package/sdk-core/CHANGELOG.md)

    file(GLOB_RECURSE protos RELATIVE ${upstream} ${upstream}/*.proto)
    # google/protobuf/* are copies of the well-known types: use the system's, which match
    # libprotobuf. nexusservices is a server-side Nexus API that imports temporal.api.export.
    list(FILTER protos EXCLUDE REGEX "^(google/protobuf/|temporal/api/export/|temporal/api/nexusservices/)")
    foreach(proto IN LISTS protos)
      file(READ ${upstream}/${proto} text)
      string(REPLACE "temporal.api.namespace.v1" "temporal.api.namespace_.v1" text "${text}")
      file(WRITE ${root}/${proto} "${text}")
    endforeach()

    file(STRINGS ${extract}/package/sdk-core/CHANGELOG.md api_line
         REGEX "Temporal API definitions through API [0-9.]+" LIMIT_COUNT 1)
    string(REGEX MATCH "API ([0-9]+\\.[0-9]+\\.[0-9]+)" _ "${api_line}")
    if(NOT CMAKE_MATCH_1)
      message(FATAL_ERROR "cannot read the Temporal API version from the core-bridge CHANGELOG")
    endif()
    file(WRITE ${root}/.api-version ${CMAKE_MATCH_1})
    file(REMOVE_RECURSE ${extract})
    file(WRITE ${stamp} ${pin})
  endif()
  file(READ ${root}/.api-version version)
  set(${api_version_var} ${version} PARENT_SCOPE)
endfunction()
