# The weft binary in an image: what polytope.yml's weft tools run (add-temporal-client serves
# workflows/ with `weft worker`; the others validate, test and start workflows).
#
#   docker build -t weft:local .
#
# The build stage installs the same Debian 12 packages as scripts/setup (without the test and
# benchmark tools) and builds only the binary; the runtime stage carries the binary, the shared
# libraries it links (found with ldd, so no runtime package list can drift from the build),
# and workflows/ and activities/ as defaults that a mounted project folder replaces.
FROM debian:12 AS build
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config git ca-certificates nodejs npm \
      libyaml-cpp-dev libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc \
      liblua5.4-dev libspdlog-dev libsqlite3-dev nlohmann-json3-dev libcli11-dev \
      libvalijson-dev libcurl4-openssl-dev libre2-dev libssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DWEFT_BUILD_TESTS=OFF -DWEFT_BUILD_BENCHMARKS=OFF \
    && cmake --build /build --target weft
# The C library and the loader stay the runtime image's own (the same Debian release).
RUN mkdir -p /out/lib && cp /build/weft /out/weft \
    && ldd /build/weft | awk '/=> \// {print $3}' \
       | grep -Ev '/(libc|libm|libpthread|libdl|librt|ld-linux[^/]*)\.so' \
       | xargs -I{} cp -L {} /out/lib/

FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/weft /usr/local/bin/weft
COPY --from=build /out/lib /opt/weft/lib
ENV LD_LIBRARY_PATH=/opt/weft/lib
WORKDIR /app
COPY workflows workflows
COPY activities activities
ENTRYPOINT ["weft"]
CMD ["--help"]
