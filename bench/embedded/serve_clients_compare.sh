#!/usr/bin/env bash
# Runs embedded_serve_clients_bench for several builds in turns, so that a loaded machine's
# drift falls on all of them alike: ROUNDS rounds (default 2) of each LABEL=HARNESS:WEFT pair,
# the same arguments (ARGS: runs in_flight one_by_one processes parallel) for each.
#
#   ROUNDS=2 ARGS="2000 200 200 60 8" bench/embedded/serve_clients_compare.sh \
#     before=/tmp/b/bench-before:/tmp/b/weft-before after=build/bench/embedded_serve_clients_bench:build/weft
set -uo pipefail
rounds=${ROUNDS:-2}
read -r -a arguments <<<"${ARGS:-2000 200 200 60 8}"
folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
for ((round = 1; round <= rounds; round++)); do
  for pair in "$@"; do
    label=${pair%%=*}
    binaries=${pair#*=}
    "${binaries%%:*}" "$label" "${binaries#*:}" "${arguments[@]}" "$folder/$label" ||
      echo "$label: failed (exit $?)"
  done
done
