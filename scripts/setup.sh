# scripts/setup.sh - sourced by the README's commands: installs the Debian
# packages wg needs (when root; otherwise prints the one apt-get line and
# exits 2) and builds with CMake. Nothing is downloaded except through apt.

WG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WG_PACKAGES="gcc libc6-dev make cmake pkg-config protobuf-c-compiler libprotobuf-c-dev
libzmq3-dev libuv1-dev libcmocka-dev libyaml-dev libsodium-dev libncurses-dev"

wg_install_packages() {
    local missing=() p
    for p in $WG_PACKAGES "$@"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
            grep -q "install ok installed"; then
            missing+=("$p")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "wg: missing Debian packages; run as root:" >&2
        echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 2
    fi
    echo "wg: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# wg_build DIR [cmake options...]
wg_build() {
    local dir="$1"
    shift
    cmake -S "$WG_ROOT" -B "$dir" -DWG_WERROR=ON "$@" >/dev/null
    cmake --build "$dir" -j"$(nproc)" >&2
}
