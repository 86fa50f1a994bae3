#!/bin/sh
# Build the side-by-side driver (driver.cpp, ours) against an unmodified checkout of
# https://github.com/brunorijsman/cascade-cpp (MIT): bench/cascade-cpp/build.sh CHECKOUT [OUT].
# Then: CASCADE_CPP_BENCH=OUT npm run bench -- cascade
set -eu
src=${1:?usage: build.sh CASCADE_CPP_CHECKOUT [OUT]}
out=${2:-/tmp/cascade-cpp-driver}
here=$(cd "$(dirname "$0")" && pwd)
g++ -O2 -std=c++14 -pthread -I"$src/include" "$src"/cascade/*.cpp "$here/driver.cpp" -o "$out"
echo "$out"
