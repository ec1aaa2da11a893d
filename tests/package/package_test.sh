#!/usr/bin/env bash
# The Debian package, as a user gets it: CPack packs this build (cmake/WeftInstall.cmake) into
# a .deb; the test checks its control data (name, version, Depends read off the binary, no
# debug information), unpacks it into a scratch root (installing with dpkg would need root and
# change the machine), and uses it as installed: `weft version`, and `weft run hello` in an
# empty folder holding only the package's examples.
#
# package_test.sh <build dir> <expected version>
set -euo pipefail
build_dir=$1
version=$2

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

fail() {
  echo "package_test: $*" >&2
  exit 1
}

cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$scratch/out" > "$scratch/cpack.log" 2>&1 ||
  { cat "$scratch/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$scratch"/out/weft_*.deb)
echo "package: $(basename "$deb"), $(du -h "$deb" | cut -f1)"

[[ $(dpkg-deb -f "$deb" Package) == weft ]] || fail "package name is not weft"
[[ $(dpkg-deb -f "$deb" Version) == "$version" ]] || fail "version is not $version"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
# Every shared library the binary needs comes from a package that Depends names (the package
# that holds it, as dpkg knows it on this machine), libcurl4, which weft opens on first use
# and so does not need at start (activities/curl_library.h), and tzdata, the time zones that
# schedules read (runtime/schedule/time_zone.h).
depends_on() {
  local package=${1%%:*}  # dpkg -S says libssl3:amd64
  [[ ", $depends," == *", $package "* || ", $depends," == *", $package,"* ]]
}
depends_on libcurl4 || fail "Depends does not name libcurl4"
depends_on tzdata || fail "Depends does not name tzdata"
while read -r soname; do
  # (awk reads all its input: one that exits early would kill the writer, which pipefail reports)
  path=$(ldconfig -p | awk -v lib="$soname" '$1 == lib && !found { found = $NF } END { print found }')
  [[ -n $path ]] || fail "$soname, which usr/bin/weft needs, is not installed here"
  # dpkg may list the file under /lib or under /usr/lib (merged /usr): either will do.
  file=$(realpath "$path")
  file=${file#/usr}
  package=$(dpkg -S "*$file" 2> /dev/null | awk -v a="$file" -v b="/usr$file" \
    '($NF == a || $NF == b) && !found { found = $1 } END { sub(/:.*/, "", found); print found }')
  [[ -n $package ]] || fail "no package holds $path"
  # ... or a name it provides (libspdlog1.10 provides libspdlog1.10-fmt9, which shlibdeps uses).
  provided=$(dpkg-query -W -f='${Provides}' "$package" | tr -d ',' | sed 's/([^)]*)//g')
  found=false
  for name in $package $provided; do depends_on "$name" && found=true; done
  $found || fail "Depends does not name $package, which holds $soname"
done < <(readelf -d "$build_dir/weft" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')

root=$scratch/root
dpkg-deb -x "$deb" "$root"
weft=$root/usr/bin/weft
[[ -x $weft ]] || fail "no usr/bin/weft in the package"
if readelf -S "$weft" | grep -q '\.debug_info'; then fail "usr/bin/weft is not stripped"; fi
for file in usr/share/weft/workflow.schema.json usr/share/weft/examples/workflows/hello.yaml \
  usr/share/doc/weft/README.md usr/share/doc/weft/language.md; do
  [[ -f $root/$file ]] || fail "no $file in the package"
done

"$weft" version | tee "$scratch/version.txt"
grep -q "^weft $version$" "$scratch/version.txt" || fail "weft version does not print $version"

project=$scratch/project
mkdir "$project"
cp -r "$root/usr/share/weft/examples/." "$project/"
result=$(cd "$project" && "$weft" run hello --input '{"name": "Ada"}' 2> "$scratch/run.err") ||
  { cat "$scratch/run.err" >&2; fail "weft run hello failed"; }
echo "weft run hello: $result"
[[ $(echo "$result" | tr -d ' \n') == '{"greeting":"Hello,Ada!"}' ]] || fail "unexpected result"
echo "package_test: ok"
