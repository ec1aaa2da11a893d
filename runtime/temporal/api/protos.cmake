# Copied by runtime/temporal/api/CMakeLists.txt into the prepared proto tree as its
# CMakeLists.txt. Every message of the Temporal API, and the gRPC stubs of its two services.
file(GLOB_RECURSE protos RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} *.proto)

add_library(weft_temporal_api STATIC ${protos})
add_library(weft::temporal_api ALIAS weft_temporal_api)
# Generated code: not held to the project's warnings, and its headers are system headers to
# the code that includes them. Debug info for it is large and never read.
target_include_directories(weft_temporal_api SYSTEM PUBLIC ${CMAKE_CURRENT_BINARY_DIR})
target_compile_options(weft_temporal_api PRIVATE -g0 -w)
# Nor instrumented in the sanitizer and fuzz builds (=all covers the fuzzer's coverage too):
# protoc wrote it, and its parsing runs in Debian's uninstrumented libprotobuf anyway. With
# AddressSanitizer's redzones its descriptor tables made every Temporal test binary of
# build-asan/ 230 MB, 11 GB for the folder: enough to fill a CI machine's disk.
if(WEFT_SANITIZE)
  target_compile_options(weft_temporal_api PRIVATE -fno-sanitize=all)
endif()
target_link_libraries(weft_temporal_api PUBLIC protobuf::libprotobuf gRPC::grpc++)

protobuf_generate(TARGET weft_temporal_api LANGUAGE cpp IMPORT_DIRS ${Protobuf_INCLUDE_DIRS})

protobuf_generate(
  LANGUAGE grpc
  PROTOS temporal/api/workflowservice/v1/service.proto temporal/api/operatorservice/v1/service.proto
  OUT_VAR grpc_sources
  GENERATE_EXTENSIONS .grpc.pb.h .grpc.pb.cc
  PLUGIN protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>
  IMPORT_DIRS ${Protobuf_INCLUDE_DIRS})
target_sources(weft_temporal_api PRIVATE ${grpc_sources})
