#!/usr/bin/env bash
# `deno task test:windows`: the unit tests and tests/windows/windows_suite.ts run by Deno's
# Windows build (deno.exe) under Wine, against a real pcscd with two vpcd readers.
#
# Wine 9+ implements winscard.dll over the host's libpcsclite, so the library's Windows code
# path (winscard.dll, the A entry points, 4-byte DWORDs, the 64-byte SCARD_READERSTATE) meets
# a real PC/SC stack. Debian 12's Wine 8 has only a stub winscard, so there everything runs in
# a Debian 13 chroot (cached in /var/cache/pcsc-deno/trixie-wine); on Debian 13 Wine is
# installed on the host.
#
# Where the environment cannot be set up (not root, no debootstrap, no mirror, no npm) it
# prints one line saying why and exits 0. Once it is set up, every failure fails the run. The
# last line is `N passed, N failed[, N skipped]`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${PCSC_DENO_CACHE:-/var/cache/pcsc-deno}"
DENO_VERSION="${DENO_VERSION:-2.9.6}"
MIRROR="http://deb.debian.org/debian"
ROOTFS="$CACHE/trixie-wine"
# The stamp is written last: a chroot without it is half-built and is built again.
READY="$ROOTFS/.pcsc-deno-ready"
DENO_DIR_WIN="$CACHE/deno-win32-x64-$DENO_VERSION"
PREFIX="$CACHE/wine-prefix"
PACKAGES=(wine wine64 libwine pcscd libpcsclite1 vsmartcard-vpcd)
VPCD_DRIVER=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
export DEBIAN_FRONTEND=noninteractive

skip() {
  echo "windows tests skipped: $*"
  exit 0
}

log() { echo "test:windows: $*" >&2; }

# Runs a command inside the Wine environment: the chroot, or the host on Debian 13. An array,
# not a function, so that `"${INSIDE[@]}" pcscd &` gives the daemon's own pid.
INSIDE=(env)
inside() { "${INSIDE[@]}" "$@"; }

# ----- preconditions: each missing one is a reason to skip, not to fail -----

[ "$(uname -s)" = Linux ] || skip "they need Linux with Wine (this is $(uname -s))"
[ "$(uname -m)" = x86_64 ] || skip "deno.exe is x86-64 (this is $(uname -m))"
[ "$(id -u)" = 0 ] || skip "they need root (chroot, mounts, a private pcscd)"
command -v apt-get >/dev/null || skip "no apt-get here to install Wine"
command -v unshare >/dev/null || skip "no unshare (util-linux)"
# a container without CAP_SYS_ADMIN cannot have the private mount namespace used below
unshare -m true 2>/dev/null || skip "unshare -m is not permitted here"

if grep -qE '^(13|trixie)' /etc/debian_version 2>/dev/null; then
  MODE=host
else
  MODE=chroot
  INSIDE=(chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root)
fi

# Everything below runs in a private mount namespace: the mounts made for the chroot and the
# bind on /run/pcscd vanish with it, whatever way the script ends, and the host's own pcscd
# (if any) keeps its socket.
if [ -z "${PCSC_WINDOWS_NS:-}" ]; then
  export PCSC_WINDOWS_NS=1
  exec unshare -m --propagation private bash "$0" "$@"
fi

mkdir -p "$CACHE"
# Two runs at once would build the same chroot or share its prefix.
exec 9>"$CACHE/windows.lock"
flock 9

START=$(date +%s.%N)

# ----- the Wine environment -----

# Runs quietly; on failure leaves the last line of its output in $FAILED_WITH for the skip line.
FAILED_WITH=""
apt_quiet() {
  local out
  if ! out=$("$@" 2>&1 </dev/null); then
    FAILED_WITH=$(echo "$out" | tail -n 1)
    return 1
  fi
}

build_chroot() {
  if ! command -v debootstrap >/dev/null; then
    log "installing debootstrap"
    apt_quiet apt-get update -q || skip "apt-get update failed: $FAILED_WITH"
    apt_quiet apt-get install -y -q debootstrap ||
      skip "debootstrap is not installable: $FAILED_WITH"
  fi
  local partial="$ROOTFS.partial"
  # a previous attempt died half-way; nothing is mounted in it outside our namespaces
  rm -rf --one-file-system "$partial" "$ROOTFS"
  log "building a Debian 13 chroot for Wine in $ROOTFS (about a minute)"
  local why
  if ! why=$(debootstrap --variant=minbase trixie "$partial" "$MIRROR" 2>&1 </dev/null); then
    skip "debootstrap trixie from $MIRROR failed: $(echo "$why" | tail -n 1)"
  fi
  # postinst scripts want /proc; it is unmounted with this namespace
  mount -t proc proc "$partial/proc"
  if ! why=$(chroot "$partial" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    DEBIAN_FRONTEND=noninteractive sh -c "apt-get update -q &&
      apt-get install -y -q --no-install-recommends ${PACKAGES[*]}" 2>&1 </dev/null); then
    umount "$partial/proc"
    skip "installing Wine in the chroot failed: $(echo "$why" | tail -n 1)"
  fi
  umount "$partial/proc"
  mv "$partial" "$ROOTFS"
  touch "$READY"
}

install_on_host() {
  local missing=()
  for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$package")
  done
  [ "${#missing[@]}" -eq 0 ] && return
  log "installing ${missing[*]}"
  apt_quiet apt-get update -q || skip "apt-get update failed: $FAILED_WITH"
  apt_quiet apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    skip "apt-get install ${missing[*]} failed: $FAILED_WITH"
}

if [ "$MODE" = chroot ]; then
  [ -e "$READY" ] || build_chroot
else
  install_on_host
fi

# deno.exe: npm refuses to install a win32 package on Linux, but `npm pack` fetches it as is.
if [ ! -x "$DENO_DIR_WIN/deno.exe" ]; then
  command -v npm >/dev/null || skip "no npm to fetch @deno/win32-x64"
  log "fetching deno.exe $DENO_VERSION from npm"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "@deno/win32-x64@$DENO_VERSION" >/dev/null 2>&1) ||
    { rm -rf "$tmp"; skip "npm pack @deno/win32-x64@$DENO_VERSION failed"; }
  mkdir -p "$DENO_DIR_WIN.partial"
  tar -xzf "$tmp"/*.tgz -C "$DENO_DIR_WIN.partial" --strip-components=1 package/deno.exe
  chmod +x "$DENO_DIR_WIN.partial/deno.exe"
  rm -rf "$tmp" "$DENO_DIR_WIN"
  mv "$DENO_DIR_WIN.partial" "$DENO_DIR_WIN"
fi

# The run's private folder: the daemon's socket and reader.conf, Wine's runtime dir.
if [ "$MODE" = chroot ]; then
  # The chroot's root must be a mount point for the mounts below to be its own.
  mount --bind "$ROOTFS" "$ROOTFS"
  mount -t proc proc "$ROOTFS/proc"
  mount --rbind /dev "$ROOTFS/dev"
  mount --rbind /sys "$ROOTFS/sys"
  mount -t tmpfs tmpfs "$ROOTFS/tmp"
  # The checkout, deno.exe and the prefix keep their host paths inside the chroot.
  for dir in "$ROOT" "$DENO_DIR_WIN" "$PREFIX"; do
    mkdir -p "$dir" "$ROOTFS$dir"
    mount --bind "$dir" "$ROOTFS$dir"
  done
  RUN_DIR=/tmp/pcsc-windows
  HOST_RUN_DIR="$ROOTFS$RUN_DIR"
else
  mkdir -p "$PREFIX"
  HOST_RUN_DIR=$(mktemp -d /tmp/pcsc-windows.XXXXXX)
  RUN_DIR="$HOST_RUN_DIR"
fi
mkdir -p "$HOST_RUN_DIR"/{run,reader.conf.d,xdg}
chmod 700 "$HOST_RUN_DIR/xdg"

WINE_ENV=(
  WINEDEBUG=-all
  WINEPREFIX="$PREFIX"
  XDG_RUNTIME_DIR="$RUN_DIR/xdg"
  # no Mono or Gecko installer dialogs: nothing here needs them
  WINEDLLOVERRIDES="mscoree,mshtml="
  PCSCLITE_CSOCK_NAME="$RUN_DIR/run/pcscd.comm"
)

PCSCD_PID=""
ROUTE_ADDED=""
cleanup() {
  set +e
  [ -n "$ROUTE_ADDED" ] && ip route del local 127.0.0.77 dev lo table local 2>/dev/null
  inside "${WINE_ENV[@]}" wineserver -k >/dev/null 2>&1
  if [ -n "$PCSCD_PID" ]; then
    kill "$PCSCD_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$PCSCD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$PCSCD_PID" 2>/dev/null
  fi
  [ "$MODE" = host ] && rm -rf "$HOST_RUN_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A new prefix takes ~10 s to create; do it here so its noise stays out of the test output.
if [ ! -e "$PREFIX/system.reg" ]; then
  log "creating the Wine prefix $PREFIX"
  inside "${WINE_ENV[@]}" wineboot -i >/dev/null 2>&1 || true
  inside "${WINE_ENV[@]}" wineserver -w
  [ -e "$PREFIX/system.reg" ] || { echo "wineboot did not create $PREFIX"; exit 1; }
fi

# ----- the daemon: two vpcd readers on a free pair of ports -----

listening() { # port: whether something listens on it (IPv4 or IPv6)
  local hex
  hex=$(printf '%04X' "$1")
  awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { found = 1 }
    END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# Below the ephemeral range (32768+), so no outgoing connection takes one meanwhile.
for _ in $(seq 100); do
  PORT=$((20000 + 2 * (RANDOM % 6000)))
  listening "$PORT" || listening $((PORT + 1)) || break
done
channel=$(printf '0x%X' "$PORT")
cat >"$HOST_RUN_DIR/reader.conf.d/vpcd" <<EOF
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:$channel
LIBPATH      $VPCD_DRIVER
CHANNELID    $channel
EOF

# pcscd 2.x asks polkit, which needs a D-Bus system bus that does not run here; 1.9.9 does
# not know the flag and would exit with its usage.
pcscd_flags=(--foreground --info -c "$RUN_DIR/reader.conf.d")
if inside pcscd --help 2>&1 | grep -q -- --disable-polkit; then
  pcscd_flags+=(--disable-polkit)
fi
# This namespace's /run/pcscd is the private folder, so the daemon meets no other.
[ "$MODE" = chroot ] && pcscd_run="$ROOTFS/run/pcscd" || pcscd_run=/run/pcscd
mkdir -p "$pcscd_run"
mount --bind "$HOST_RUN_DIR/run" "$pcscd_run"
"${INSIDE[@]}" pcscd "${pcscd_flags[@]}" >"$HOST_RUN_DIR/pcscd.log" 2>&1 </dev/null &
PCSCD_PID=$!

for _ in $(seq 100); do
  kill -0 "$PCSCD_PID" 2>/dev/null || break
  if [ -S "$HOST_RUN_DIR/run/pcscd.comm" ] && listening "$PORT" && listening $((PORT + 1)); then
    break
  fi
  sleep 0.1
done
if ! { [ -S "$HOST_RUN_DIR/run/pcscd.comm" ] && listening "$PORT" && listening $((PORT + 1)); }; then
  echo "pcscd did not come up; its log:"
  cat "$HOST_RUN_DIR/pcscd.log"
  echo "0 passed, 1 failed"
  exit 1
fi

# vpcd writes length and payload separately with Nagle on: without a quick-ACK route each APDU
# waits ~40 ms for a delayed ACK. The route is the host's (one network namespace).
HOST=127.0.0.1
if command -v ip >/dev/null; then
  if ! ip route show table local exact 127.0.0.77 | grep -q 'quickack 1'; then
    # removed again on exit (cleanup): the host is left as it was found
    ip route add local 127.0.0.77 dev lo table local quickack 1 2>/dev/null && ROUTE_ADDED=1
  fi
  ip route show table local exact 127.0.0.77 | grep -q 'quickack 1' && HOST=127.0.0.77
fi

log "set up in $(awk -v a="$START" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s" \
  "($MODE, readers on $HOST:$PORT and $((PORT + 1)))"

# `--script FILE [ARGS]`: run one script under deno.exe in this environment instead of the
# tests (tests/windows/idle_wait_cpu.ts), with the daemon's CPU time alongside.
if [ "${1:-}" = --script ]; then
  shift
  cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
  before=$(cpu_ticks "$PCSCD_PID")
  set +e
  inside "${WINE_ENV[@]}" sh -c 'cd "$1" && shift && exec wine "$@"' sh "$ROOT" \
    "$DENO_DIR_WIN/deno.exe" run --allow-all "$@" </dev/null
  status=$?
  set -e
  echo "pcscd meanwhile: $(awk -v t=$(($(cpu_ticks "$PCSCD_PID") - before)) \
    -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }') s CPU"
  exit "$status"
fi

# ----- the tests, under deno.exe -----

output="$HOST_RUN_DIR/deno-test.out"
set +e
inside "${WINE_ENV[@]}" NO_COLOR=1 \
  PCSC_WINDOWS_STACK="$HOST:$PORT:$((PORT + 1))" \
  sh -c 'cd "$1" && shift && exec wine "$@"' sh "$ROOT" \
  "$DENO_DIR_WIN/deno.exe" test --allow-all tests/unit/ tests/windows/windows_suite.ts \
  </dev/null 2>&1 | tee "$output"
# deno test's exit code, not tee's
status=${PIPESTATUS[0]}
set -e

summary=$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$output" | tail -n 1 || true)
if [ -z "$summary" ]; then
  echo "deno test printed no summary (exit code $status)"
  echo "--- pcscd log ---"
  tail -n 30 "$HOST_RUN_DIR/pcscd.log"
  echo "0 passed, 1 failed"
  exit 1
fi
count() { echo "$summary" | grep -oE "[0-9]+ $1" | grep -oE '^[0-9]+' || echo 0; }
passed=$(count passed)
failed=$(count failed)
ignored=$(count ignored)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # deno test failed outside any test (a module that does not load): count it
  failed=1
fi
line="$passed passed, $failed failed"
[ "$ignored" -gt 0 ] && line="$line, $ignored skipped"
echo "$line"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "no test ran"
  exit 1
fi
exit "$status"
