# The weft binary in an image, built from its Debian package: what polytope.yml's weft tools run
# (add-temporal-client serves workflows/ with `weft worker`; the others validate, test and
# start workflows).
#
#   docker build -t weft:local .
#
# The build stage installs what building weft needs (scripts/setup, without the test tools) and
# makes the package (scripts/package); the runtime stage installs that package with apt, which
# pulls exactly the libraries its Depends line names (read off the binary when it was packed),
# and carries workflows/ and activities/ as defaults that a mounted project folder replaces.
FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends sudo git ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN scripts/setup && rm -rf build-package && scripts/package && cp build-package/weft_*.deb /weft.deb

FROM debian:12-slim
COPY --from=build /weft.deb /tmp/weft.deb
RUN apt-get update && apt-get install -y --no-install-recommends /tmp/weft.deb ca-certificates \
    && rm -rf /var/lib/apt/lists/* /tmp/weft.deb
WORKDIR /app
COPY workflows workflows
COPY activities activities
ENTRYPOINT ["weft"]
CMD ["--help"]
