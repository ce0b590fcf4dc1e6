#!/usr/bin/env bash
# Tenancy in containers on this machine, with no image registry: builds the image of deploy/Dockerfile
# from binaries built here (target `host`) on a Debian trixie base made from Debian's packages, and
# runs deploy/compose.yaml with podman (docker-compose over podman's Docker API), with the stand-ins of
# deploy/local/containers/ for the two images it cannot pull (Tansu for Kafka, the tests' mail catcher).
#   deploy/local/containers.sh [up]   install what is missing, build, start, wait until all four are ready
#   deploy/local/containers.sh health run each service's health check once (fails unless all are ready)
#   deploy/local/containers.sh down   stop and remove the stack with its volumes (Tansu forgets its topics)
# Environment: TENANCY_CONTAINER_BINARIES=DIR uses binaries already built there (the tests pass their
# debug build) instead of `swift build -c release`; TENANCY_PUBLISH_ADDRESS (default 127.0.0.1) is the
# address the services' ports are published on; TENANCY_COMPOSE_PROJECT (default tenancy);
# TENANCY_IMAGE (default localhost/tenancy:latest) the image built and run.
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$TENANCY_ROOT"

log() { printf 'containers: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
podman() { as_root "$(type -P podman)" "$@"; }

PROJECT="${TENANCY_COMPOSE_PROJECT:-tenancy}"
IMAGE="${TENANCY_IMAGE:-localhost/tenancy:latest}"
STATE="$TENANCY_RUN_DIR/containers"
SOCKET="$STATE/podman.sock"
# The keys and operators of deploy/compose.yaml's header.
KEYS="$TENANCY_RUN_DIR/compose"
SERVICES=(lifecycle sharing notifications deactivation)
# The runtime image's packages; the base image's tag carries their hash, so a change makes a new base.
BASE_PACKAGES=librdkafka1,libsqlite3-0,libcurl4,libxml2,ca-certificates,tzdata,passwd
BINARIES=(tenancy tenancy-lifecycle tenancy-sharing tenancy-notifications tenancy-deactivation)

compose() {
  as_root env DOCKER_HOST="unix://$SOCKET" TENANCY_MAIL_DIR="$STATE/mail" TENANCY_COMPOSE_KEYS="$KEYS" TENANCY_IMAGE="$IMAGE" \
    TENANCY_PUBLISH_ADDRESS="${TENANCY_PUBLISH_ADDRESS:-127.0.0.1}" \
    docker-compose --ansi never -p "$PROJECT" -f deploy/compose.yaml -f deploy/local/containers/compose.yaml "$@"
}

install_tools() {
  local missing=()
  for tool in podman mmdebstrap docker-compose; do type -P "$tool" >/dev/null || missing+=("$tool"); done
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Debian trixie (librdkafka 2.8) from the machine's own Debian mirror and security mirror.
base_image() {
  local sources=/etc/apt/sources.list.d/debian.sources uri security tag
  uri=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' "$sources")
  security=$(awk '/^URIs:/ && $2 ~ /security/ { print $2; exit }' "$sources")
  [ -n "$uri" ] || { log "no Debian URIs: line in $sources; cannot locate Debian's packages"; exit 1; }
  tag="localhost/tenancy-base:trixie-$(printf '%s %s %s' "$BASE_PACKAGES" "$uri" "$security" | sha256sum | cut -c1-12)"
  if ! podman image exists "$tag"; then
    log "making the Debian trixie base image from $uri (about 45 s)"
    local tar="$STATE/base.tar"
    as_root mmdebstrap --quiet --variant=minbase --include="$BASE_PACKAGES" trixie "$tar" \
      "deb $uri trixie main" "deb $uri trixie-updates main" ${security:+"deb $security trixie-security main"}
    podman import --quiet "$tar" "$tag" >/dev/null
    as_root rm -f "$tar"
  fi
  echo "$tag"
}

# Where the sandbox forbids the rlimits podman sets by default, run with the host's limits instead.
allow_default_rlimits() {
  local base=$1 output
  output=$(podman run --rm --network none --no-healthcheck "$base" true 2>&1) && return
  grep -q 'error setting rlimit' <<<"$output" || { log "podman cannot run a container here: $output"; exit 1; }
  log "podman cannot set its default rlimits here: writing /etc/containers/containers.conf.d/tenancy-ulimits.conf"
  as_root mkdir -p /etc/containers/containers.conf.d
  printf '[containers]\ndefault_ulimits = []\n' | as_root tee /etc/containers/containers.conf.d/tenancy-ulimits.conf >/dev/null
}

# bin/ (executables without their debug sections, the notification templates) and lib/ (the Swift
# runtime libraries they load from the toolchain): the build context of the Dockerfile's `host` target.
stage_binaries() {
  local from=${TENANCY_CONTAINER_BINARIES:-} context="$STATE/image"
  if [ -z "$from" ]; then
    log "building the release executables (the first time, about 10 minutes)"
    swift build -c release --quiet
    from=$(swift build -c release --show-bin-path)
  fi
  rm -rf "$context" && mkdir -p "$context/bin" "$context/lib"
  for binary in "${BINARIES[@]}"; do strip --strip-debug -o "$context/bin/$binary" "$from/$binary"; done
  cp -R "$from/Tenancy_Notifications.resources" "$context/bin/"
  for binary in "${BINARIES[@]}"; do ldd "$from/$binary"; done \
    | awk '$3 ~ /\/lib\/swift\// { print $3 }' | sort -u | xargs -r cp -t "$context/lib/"
}

build_images() {
  local base=$1 tools="$STATE/tools"
  log "building $IMAGE on $base"
  podman build --quiet --format docker --network host -f deploy/Dockerfile --target host \
    --build-arg RUNTIME_BASE="$base" -t "$IMAGE" "$STATE/image" >/dev/null
  # Each build of new binaries leaves the previous image untagged: remove those, not others'.
  podman image prune --force --filter label=org.opencontainers.image.title=Tenancy >/dev/null
  mkdir -p "$tools"
  cp "$(tansu_binary)" "$tools/tansu"
  cp deploy/local/mail-catcher.py "$tools/"
  for target in broker mail; do
    podman build --quiet --format docker --network host -f deploy/local/containers/Dockerfile --target "$target" \
      --build-arg BASE="$base" -t "localhost/tenancy-$target:latest" "$tools" >/dev/null
  done
}

# The files of deploy/compose.yaml's header, readable by the image's user (uid 10001), which reads
# them as bind-mounted secrets; the operator's own secret stays yours.
make_keys() {
  if [ ! -f "$KEYS/invitation_key" ]; then
    log "making the service keys, an operator ($(id -un)) and the secrets and invitation keys in $KEYS"
    local cli="$STATE/image/bin/tenancy"
    mkdir -p -m 700 "$KEYS"
    "$cli" service-keys --directory "$KEYS/keys" >/dev/null
    "$cli" operators add "$(id -un)" --directory "$KEYS/operators" >/dev/null
    (umask 077; for key in secrets_key invitation_key; do head -c 32 /dev/urandom | base64 > "$KEYS/$key"; done)
  fi
  as_root chown 10001:10001 "$KEYS"/keys/*.key "$KEYS"/secrets_key "$KEYS"/invitation_key \
    $(printf "$KEYS/operators/%s " "${SERVICES[@]}")
  # The emails hold invitation tokens: the catcher (uid 10001) writes them, the caller's group reads them.
  mkdir -p "$STATE/mail" && as_root chown 10001:"$(id -g)" "$STATE/mail" && as_root chmod 750 "$STATE/mail"
}

api_service() { pgrep -f "podman system service --time=0 unix://$SOCKET" >/dev/null; }

start_api_service() {
  api_service && [ -S "$SOCKET" ] && return
  stop_api_service
  rm -f "$SOCKET"
  as_root setsid podman system service --time=0 "unix://$SOCKET" > "$STATE/podman-service.log" 2>&1 &
  for _ in $(seq 50); do [ -S "$SOCKET" ] && return; sleep 0.1; done
  log "podman's API service did not start: $STATE/podman-service.log"; exit 1
}

stop_api_service() { as_root pkill -f "podman system service --time=0 unix://$SOCKET" || true; }

# The container of a service, by the labels docker-compose 1 and 2 both set (their names differ).
container() {
  podman ps --all --quiet --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$1"
}

# podman runs health checks from systemd timers; without systemd nothing runs them, so this does.
healthy() { local id; id=$(container "$1") && [ -n "$id" ] && podman healthcheck run "$id" >/dev/null 2>&1; }

wait_healthy() {
  local seconds=$1 deadline=$(( $(date +%s) + $1 )) waiting; shift
  while :; do
    waiting=()
    for service in "$@"; do healthy "$service" || waiting+=("$service"); done
    [ ${#waiting[@]} -eq 0 ] && return
    if (( $(date +%s) >= deadline )); then log "not ready after $seconds s: ${waiting[*]} (see: podman logs $(container "${waiting[0]}"))"; exit 1; fi
    sleep 1
  done
}

up() {
  "$TENANCY_ROOT/deploy/local/setup.sh"
  install_tools
  mkdir -p "$STATE"
  local base
  base=$(base_image)
  allow_default_rlimits "$base"
  stage_binaries
  build_images "$base"
  make_keys
  start_api_service
  compose up -d --no-build kafka mail
  wait_healthy 60 kafka mail
  compose up -d --no-build "${SERVICES[@]}"
  wait_healthy 180 "${SERVICES[@]}"
  local address=${TENANCY_PUBLISH_ADDRESS:-127.0.0.1}
  cat <<EOF
Tenancy is running in containers (compose project $PROJECT): reads on $address:8081-8084, health and
metrics on $address:9181-9184, emails as files in $STATE/mail. The CLI from the image:
  export BIN=$TENANCY_ROOT/deploy/local/containers TENANCY_COMPOSE_PROJECT=$PROJECT TENANCY_IMAGE=$IMAGE TENANCY_MAIL_DIR=$STATE/mail
  export TENANCY_OPERATOR_NAME=$(id -un)
  export TENANCY_OPERATOR_SECRET=\$(cat $KEYS/operators/$(id -un).secret)
and the README's walkthrough runs as written. Stop with: deploy/local/containers.sh down
EOF
}

down() {
  type -P docker-compose >/dev/null && type -P podman >/dev/null || return 0
  mkdir -p "$STATE"
  start_api_service
  local output
  output=$(compose down --volumes --timeout 30 2>&1) || { printf '%s\n' "$output" >&2; stop_api_service; exit 1; }
  stop_api_service
}

case "${1:-up}" in
  up) up ;;
  health) for service in "${SERVICES[@]}"; do healthy "$service" || { log "$service is not ready"; exit 1; }; done ;;
  down) down ;;
  *) log "usage: $0 [up|health|down]"; exit 2 ;;
esac
