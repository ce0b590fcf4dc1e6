#!/usr/bin/env bash
# The run command: installs what is missing, builds, starts a local Tansu broker and the four
# services in the background, and runs a short demo with the CLI. Stop with deploy/local/stop.sh.
#   --observability  also starts Prometheus scraping the four services with the shipped alert rules
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$TENANCY_ROOT"

OBSERVABILITY=0
for argument in "$@"; do
  case "$argument" in
    --observability) OBSERVABILITY=1 ;;
    -h | --help) sed -n '2,4s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $argument (see --help)" >&2; exit 2 ;;
  esac
done

KAFKA_PORT="${TENANCY_KAFKA_PORT:-9092}"
SMTP_PORT="${TENANCY_SMTP_PORT:-2525}"
# service:read port:ops port (health and metrics)
SERVICES=(lifecycle:8081:9181 sharing:8082:9182 notifications:8083:9183 deactivation:8084:9184)

"$TENANCY_ROOT/deploy/local/setup.sh"
echo "building (debug)..."
swift build
BIN="$(swift build --show-bin-path)"
# Databases, logs and caught emails (invitation tokens among them) are for this user only.
mkdir -p "$TENANCY_RUN_DIR/logs" "$TENANCY_RUN_DIR/data"
chmod 700 "$TENANCY_RUN_DIR"

is_running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Every service's key pair (each service is given only its own private key), made once.
KEYS_DIR="$TENANCY_RUN_DIR/keys"
"$BIN/tenancy" service-keys --directory "$KEYS_DIR" > /dev/null
# One operator for the local user, named after them; each service's file holds only its own
# signing keys, the secret stays in a file readable by this user only.
OPERATORS_DIR="$TENANCY_RUN_DIR/operators"
OPERATOR_NAME="$(id -un | tr -c 'a-z0-9._\n-' '-' | sed 's/^[^a-z]\+/op-/')"
if [ ! -s "$OPERATORS_DIR/$OPERATOR_NAME.secret" ]; then
  "$BIN/tenancy" operators add "$OPERATOR_NAME" --directory "$OPERATORS_DIR" > /dev/null
fi
# The key that encrypts integration secrets at rest, likewise generated once.
SECRETS_KEY_FILE="$TENANCY_RUN_DIR/secrets-key"
if [ ! -s "$SECRETS_KEY_FILE" ]; then
  (umask 077; head -c 32 /dev/urandom | base64 > "$SECRETS_KEY_FILE")
fi
# The key invitation tokens are made from, likewise; only Lifecycle and Notifications are given it.
INVITATION_KEY_FILE="$TENANCY_RUN_DIR/invitation-key"
if [ ! -s "$INVITATION_KEY_FILE" ]; then
  (umask 077; head -c 32 /dev/urandom | base64 > "$INVITATION_KEY_FILE")
fi

if ! is_running "$TENANCY_RUN_DIR/tansu.pid"; then
  echo "starting Tansu on 127.0.0.1:$KAFKA_PORT"
  "$(tansu_binary)" broker --listener-url "tcp://127.0.0.1:$KAFKA_PORT" --advertised-listener-url "tcp://127.0.0.1:$KAFKA_PORT" \
    --storage-engine memory://tansu/ > "$TENANCY_RUN_DIR/logs/tansu.log" 2>&1 &
  echo $! > "$TENANCY_RUN_DIR/tansu.pid"
  # Tansu keeps topics in memory: databases of a previous broker's run would point at lost offsets.
  rm -f "$TENANCY_RUN_DIR"/data/*.sqlite*
fi

# A local mail catcher: every email the services send lands as a file in .run/mail/.
if ! is_running "$TENANCY_RUN_DIR/mail.pid"; then
  echo "starting the mail catcher on 127.0.0.1:$SMTP_PORT (emails in $TENANCY_RUN_DIR/mail)"
  "$TENANCY_VENV/bin/python" "$TENANCY_ROOT/deploy/local/mail-catcher.py" --port "$SMTP_PORT" --directory "$TENANCY_RUN_DIR/mail" \
    > "$TENANCY_RUN_DIR/logs/mail.log" 2>&1 &
  echo $! > "$TENANCY_RUN_DIR/mail.pid"
fi

for entry in "${SERVICES[@]}"; do
  IFS=: read -r service port ops_port <<< "$entry"
  if ! is_running "$TENANCY_RUN_DIR/$service.pid"; then
    echo "starting tenancy-$service (reads on 127.0.0.1:$port, health and metrics on 127.0.0.1:$ops_port)"
    keys=(--secrets-key-file "$SECRETS_KEY_FILE")
    case "$service" in lifecycle | notifications) keys+=(--invitation-key-file "$INVITATION_KEY_FILE") ;; esac
    TENANCY_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" TENANCY_SESSION_TIMEOUT_MS=6000 TENANCY_HEARTBEAT_INTERVAL_MS=500 \
      TENANCY_SMTP_HOST=127.0.0.1 TENANCY_SMTP_PORT="$SMTP_PORT" MALLOC_ARENA_MAX=2 \
      "$BIN/tenancy-$service" --database "$TENANCY_RUN_DIR/data/$service.sqlite" --http-port "$port" --ops-port "$ops_port" \
      --service-key-file "$KEYS_DIR/$service.key" --service-public-keys-file "$KEYS_DIR/public-keys" \
      --operators-file "$OPERATORS_DIR/$service" "${keys[@]}" > "$TENANCY_RUN_DIR/logs/$service.log" 2>&1 &
    echo $! > "$TENANCY_RUN_DIR/$service.pid"
  fi
done

for entry in "${SERVICES[@]}"; do
  IFS=: read -r service _ ops_port <<< "$entry"
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$ops_port/health/ready" >/dev/null && break
    is_running "$TENANCY_RUN_DIR/$service.pid" || { echo "tenancy-$service exited; see $TENANCY_RUN_DIR/logs/$service.log"; exit 1; }
    sleep 0.5
  done
  curl -sf "http://127.0.0.1:$ops_port/health/ready" >/dev/null || { echo "tenancy-$service not ready; see $TENANCY_RUN_DIR/logs/$service.log"; exit 1; }
  echo "tenancy-$service ready"
done

# Prometheus from Debian's package (setup.sh unpacks it), scraping every ops port each 5 s with the
# alert rules of deploy/observability; a running one is told to read its configuration again.
PROMETHEUS_PORT="${TENANCY_PROMETHEUS_PORT:-9190}"
start_prometheus() {
  local directory="$TENANCY_RUN_DIR/prometheus" targets=() service ops_port
  for entry in "${SERVICES[@]}"; do
    IFS=: read -r service _ ops_port <<< "$entry"
    targets+=("$service=127.0.0.1:$ops_port")
  done
  mkdir -p "$directory/data"
  "$TENANCY_ROOT/deploy/observability/prometheus/config.sh" --interval 5s "${targets[@]}" > "$directory/prometheus.yml"
  if is_running "$TENANCY_RUN_DIR/prometheus.pid"; then
    kill -HUP "$(cat "$TENANCY_RUN_DIR/prometheus.pid")"
  else
    echo "starting Prometheus on 127.0.0.1:$PROMETHEUS_PORT"
    "$TENANCY_PROMETHEUS_DIR/usr/bin/prometheus" --config.file="$directory/prometheus.yml" --storage.tsdb.path="$directory/data" \
      --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --web.local-assets="$TENANCY_PROMETHEUS_DIR/usr/share/prometheus/web/" \
      > "$TENANCY_RUN_DIR/logs/prometheus.log" 2>&1 &
    echo $! > "$TENANCY_RUN_DIR/prometheus.pid"
  fi
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" >/dev/null && return; sleep 0.5; done
  echo "Prometheus not ready; see $TENANCY_RUN_DIR/logs/prometheus.log"
  exit 1
}
if [ "$OBSERVABILITY" -eq 1 ]; then start_prometheus; fi

export TENANCY_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT"
export TENANCY_OPERATOR_NAME="$OPERATOR_NAME"
export TENANCY_OPERATOR_SECRET="$(cat "$OPERATORS_DIR/$OPERATOR_NAME.secret")"
tenancy() { "$BIN/tenancy" "$@"; }
json_field() { "$TENANCY_VENV/bin/python" -c "import json,sys; print(json.load(sys.stdin)$1)"; }

mail_before=$(ls "$TENANCY_RUN_DIR/mail" 2>/dev/null | grep -c '\.eml$' || true)
echo
echo "== demo: an operator creates an organization (its first workspace, Owner and Owner API key)"
org_name="Demo $(date +%H%M%S)"
created=$(tenancy org create --as-operator --name "$org_name" --owner-email "owner@demo.example" --json)
organization=$(echo "$created" | json_field '["created"]["organization_id"]')
export TENANCY_CLIENT_ID=$(echo "$created" | json_field '["created"]["client_id"]')
export TENANCY_CLIENT_SECRET=$(echo "$created" | json_field '["secrets"]["client_secret"]')
# The Owner's key is shown once: it goes to a file only this user reads, not to the terminal.
OWNER_KEY_FILE="$TENANCY_RUN_DIR/demo-owner.env"
(umask 077 && printf 'export TENANCY_CLIENT_ID=%s\nexport TENANCY_CLIENT_SECRET=%s\n' "$TENANCY_CLIENT_ID" "$TENANCY_CLIENT_SECRET" > "$OWNER_KEY_FILE")
echo "$created" | OWNER_KEY_FILE="$OWNER_KEY_FILE" "$TENANCY_VENV/bin/python" -c '
import json, os, sys
result = json.load(sys.stdin)
result["secrets"] = {name: "(in " + os.environ["OWNER_KEY_FILE"] + ")" for name in result.get("secrets", {})}
print(json.dumps(result, indent=2))'

echo
echo "== the Owner tries to create a workspace before the feature is enabled (refused)"
tenancy workspace create --name Staging || true
echo
echo "== the operator enables workspace creation, cross-workspace sharing and deactivation"
tenancy org features "$organization" --as-operator --enable workspace_creation --enable cross_workspace_sharing \
  --enable workspace_deactivation
echo
echo "== the Owner creates a workspace and becomes its Owner, with a key of Staging's own"
staging_created=$(tenancy workspace create --name Staging --json)
staging=$(echo "$staging_created" | json_field '["created"]["workspace_id"]')
as_staging_owner() {
  TENANCY_CLIENT_ID=$(echo "$staging_created" | json_field '["created"]["client_id"]') \
    TENANCY_CLIENT_SECRET=$(echo "$staging_created" | json_field '["secrets"]["client_secret"]') tenancy "$@"
}
echo "workspace_id: $staging"
echo
echo "== the Owner creates a Slack step integration (its token is read from the environment, never a flag)"
integration=$(DEMO_SLACK_TOKEN="xoxb-demo-$RANDOM" tenancy integration create --kind step --vendor slack --name Alerts \
  --param channel=#soc --secret-env token=DEMO_SLACK_TOKEN --json | json_field '["created"]["integration_id"]')
echo "integration_id: $integration"
echo
echo "== and shares it with Staging: accepted at once, because the Owner also owns Staging"
tenancy share create "$integration" --to "$staging"
sleep 1
echo
echo "== Staging lists the shared copy, read-only (reads are signed, and a key reads its own workspace)"
as_staging_owner integration list "$staging" --shared to
echo
echo "== what deactivating Staging would affect (a dry run changes nothing)"
as_staging_owner workspace deactivate "$staging" --dry-run
echo
echo "== the Owner deactivates Staging with Staging's key (a key deactivates only its own workspace); the operator reactivates it"
as_staging_owner workspace deactivate "$staging"
sleep 2
tenancy workspace reactivate "$staging" --as-operator
sleep 2
tenancy workspace status "$staging" --as-operator
echo
echo "== the emails the Owner received (files in $TENANCY_RUN_DIR/mail)"
sleep 1
ls "$TENANCY_RUN_DIR/mail" | grep '\.eml$' | sort | tail -n "+$((mail_before + 1))" \
  | while read -r file; do grep -h -m1 '^Subject: ' "$TENANCY_RUN_DIR/mail/$file"; done
echo
echo "== the organization as Lifecycle's read side shows it"
tenancy org show "$organization"
cat <<DONE

Tenancy is running: broker 127.0.0.1:$KAFKA_PORT, services' reads on 127.0.0.1:8081-8084,
their health and metrics (/health/ready, /metrics) on 127.0.0.1:9181-9184.
Logs and databases: $TENANCY_RUN_DIR. Stop everything with: deploy/local/stop.sh
Use the CLI yourself:  $BIN/tenancy --help
As the demo organization's Owner:  source $OWNER_KEY_FILE
DONE
if [ "$OBSERVABILITY" -eq 1 ]; then
  cat <<DONE
Prometheus: http://127.0.0.1:$PROMETHEUS_PORT/classic/graph (queries), /classic/alerts (the shipped rules and
what fires), /classic/targets (the four services). Grafana dashboards to import: deploy/observability/grafana/
(docs/operations.md says what each panel and alert means).
DONE
fi
