# Sourced: where the PHP and Go hosts find topwire's C library and header
# (built by `make c-build` into $CARGO_TARGET_DIR/release).
c_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
c_lib_dir=$(cd "${CARGO_TARGET_DIR:-$c_root/target}/release" && pwd)
export TOPWIRE_LIB="$c_lib_dir/libtopwire_c.so"            # PHP: FFI::cdef(..., TOPWIRE_LIB)
export TOPWIRE_HEADER="$c_root/bindings/c/include/topwire.h"
export CGO_CFLAGS="-I$c_root/bindings/c/include"           # Go: cgo finds topwire.h
export CGO_LDFLAGS="-L$c_lib_dir -Wl,-rpath,$c_lib_dir"     # ... and libtopwire_c.so
# The Go example uses the standard library only: never reach for a module proxy.
export GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local
# Go needs a cache and a GOPATH even then; CI's environment may lack HOME.
export GOCACHE="${GOCACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/go-build}"
export GOPATH="${GOPATH:-${HOME:-/tmp}/go}"
