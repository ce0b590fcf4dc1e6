#!/usr/bin/env python3
"""Writes Tenancy's Grafana dashboards (grafana/*.json): one overview and one per service.

The panels are declared once here and each dashboard picks those that apply to its service, so the
five files never drift apart. Run it after changing a panel; `--check` exits 1 when a committed file
differs from what it would write (the tests run that).

Every query selects on the `service` label (lifecycle, sharing, notifications, deactivation), which
the scrape configuration sets (docs/operations.md, "Scraping").
"""
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVICES = ["lifecycle", "sharing", "notifications", "deactivation"]
# Notifications reads no command topic: it has no command panels.
COMMANDS = {"lifecycle", "sharing", "deactivation"}
# Services that check credentials against a replica of Lifecycle's events.
REPLICA_GATED = {"sharing", "deactivation"}


def panel(title, unit, *queries, kind="timeseries", description=""):
    """A panel; each query is (PromQL with {sel} for the service selector, legend)."""
    return {"title": title, "unit": unit, "queries": queries, "kind": kind, "description": description}


def health_panels():
    return [
        panel("Ready instances", "short", ("sum by (service) (tenancy_ready{sel})", "{{service}}"), kind="stat",
              description="Instances answering /health/ready 200 (tenancy_ready)."),
        panel("Resident memory", "bytes", ("process_resident_memory_bytes{sel}", "{{service}} {{instance}}")),
        panel("CPU", "percentunit", ("rate(process_cpu_seconds_total{sel}[1m])", "{{service}} {{instance}}"),
              description="CPU seconds per second: 1 is one core."),
    ]


def command_panels():
    return [
        panel("Commands by type and outcome", "reqps",
              ("sum by (type, status) (rate(tenancy_commands_total{sel}[1m]))", "{{type}} {{status}}")),
        panel("Refusals by code", "reqps",
              ('sum by (code) (rate(tenancy_commands_total{sel, status="rejected"}[1m]))', "{{code}}")),
        panel("Handler latency (p50, p99)", "s",
              ("histogram_quantile(0.5, sum by (le) (rate(tenancy_handler_duration_seconds_bucket{sel}[5m])))", "p50"),
              ("histogram_quantile(0.99, sum by (le) (rate(tenancy_handler_duration_seconds_bucket{sel}[5m])))", "p99")),
        panel("Rate-limited and forwarded commands", "reqps",
              ("sum by (limit) (rate(tenancy_rate_limited_total{sel}[1m]))", "rate limit: {{limit}}"),
              ("sum(rate(tenancy_commands_forwarded_total{sel}[1m]))", "forwarded to their task")),
    ]


def pipeline_panels():
    return [
        panel("Record age at commit (p50, p99)", "s",
              ("histogram_quantile(0.5, sum by (le) (rate(tenancy_record_age_at_commit_seconds_bucket{sel}[5m])))", "p50"),
              ("histogram_quantile(0.99, sum by (le) (rate(tenancy_record_age_at_commit_seconds_bucket{sel}[5m])))", "p99"),
              description="From the record's producer timestamp to the commit of its batch."),
        panel("Consumer lag", "short", ("sum by (service, instance) (tenancy_consumer_lag{sel})", "{{service}} {{instance}}")),
        panel("Batches: size (mean) and duration (p99)", "short",
              ("sum(rate(tenancy_batch_size_sum{sel}[5m])) / sum(rate(tenancy_batch_size_count{sel}[5m]))", "records per batch"),
              ("histogram_quantile(0.99, sum by (le) (rate(tenancy_batch_duration_seconds_bucket{sel}[5m])))", "p99 duration (s)")),
        panel("Batch failures and reruns", "short",
              ("sum(increase(tenancy_batch_failures_total{sel}[5m]))", "failed batches"),
              ("sum(increase(tenancy_batches_rerun_with_savepoints_total{sel}[5m]))", "rerun with savepoints")),
        panel("Outbox depth and oldest record", "short",
              ("sum by (service, instance) (tenancy_outbox_depth{sel})", "depth {{service}} {{instance}}"),
              ("max by (service, instance) (tenancy_outbox_oldest_age_seconds{sel})", "oldest (s) {{service}} {{instance}}")),
        panel("Published, failed and parked records", "short",
              ("sum(rate(tenancy_outbox_published_total{sel}[1m]))", "published/s"),
              ("sum(increase(tenancy_outbox_failures_total{sel}[5m]))", "failures (5m)"),
              ("sum(increase(tenancy_outbox_parked_total{sel}[5m]))", "parked (5m)")),
        panel("Dead letters and forged events", "short",
              ("sum by (service) (increase(tenancy_dead_letters_total{sel}[5m]))", "dead letters {{service}}"),
              ("sum by (service) (increase(tenancy_forged_events_total{sel}[5m]))", "forged events {{service}}")),
        panel("Events applied", "ops", ("sum by (service) (rate(tenancy_events_applied_total{sel}[1m]))", "{{service}}")),
    ]


def replica_panels():
    return [
        panel("Replica lag behind Lifecycle", "s",
              ("max by (service, instance) (tenancy_replica_lag_seconds{sel})", "{{service}} {{instance}}"),
              ("sum by (service) (increase(tenancy_replica_lag_refusals_total{sel}[5m]))", "refusals (5m) {{service}}")),
    ]


def email_panels():
    return [panel("Emails by status", "short", ("sum by (status) (increase(tenancy_emails_total{sel}[5m]))", "{{status}}"))]


def saga_panels():
    return [
        panel("Sagas started and finished", "short",
              ("sum by (kind) (increase(tenancy_sagas_started_total{sel}[15m]))", "started {{kind}}"),
              ("sum by (kind, outcome) (increase(tenancy_sagas_finished_total{sel}[15m]))", "{{outcome}} {{kind}}")),
        panel("Saga steps retried", "short",
              ("sum by (kind, step) (increase(tenancy_saga_steps_retried_total{sel}[15m]))", "{{kind}} {{step}}")),
    ]


def panels_for(service):
    """Rows of panels, by section, for one service (None: the overview)."""
    rows = [("Health", health_panels())]
    if service is None or service in COMMANDS:
        rows.append(("Commands", command_panels()))
    rows.append(("Pipeline", pipeline_panels()))
    if service is None or service in REPLICA_GATED:
        rows.append(("Replica", replica_panels()))
    if service in (None, "notifications"):
        rows.append(("Email", email_panels()))
    if service in (None, "deactivation"):
        rows.append(("Sagas", saga_panels()))
    return rows


def grafana_panels(service):
    selector = '{service=~"$service"}' if service is None else '{service="%s"}' % service
    out, y, next_id = [], 0, 1
    for section, panels in panels_for(service):
        out.append({"type": "row", "title": section, "id": next_id, "collapsed": False,
                    "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}})
        next_id, y = next_id + 1, y + 1
        for index, p in enumerate(panels):
            targets = []
            for ref, (query, legend) in enumerate(p["queries"]):
                # "{sel}" is the selector alone; "{sel, x}" merges the extra matchers into it.
                expr = query.replace("{sel}", selector).replace("{sel, ", selector[:-1] + ", ")
                targets.append({"refId": chr(ord("A") + ref), "expr": expr, "legendFormat": legend,
                                "datasource": {"type": "prometheus", "uid": "${datasource}"}})
            out.append({
                "type": "stat" if p["kind"] == "stat" else "timeseries",
                "title": p["title"], "description": p["description"], "id": next_id,
                "datasource": {"type": "prometheus", "uid": "${datasource}"},
                "fieldConfig": {"defaults": {"unit": p["unit"]}, "overrides": []},
                "gridPos": {"h": 8, "w": 12, "x": 12 * (index % 2), "y": y + 8 * (index // 2)},
                "targets": targets,
            })
            next_id += 1
        y += 8 * ((len(panels) + 1) // 2)
    return out


def dashboard(service):
    variables = [{"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Data source"}]
    if service is None:
        variables.append({"name": "service", "type": "custom", "label": "Service", "includeAll": True, "multi": True,
                          "allValue": ".+", "query": ",".join(SERVICES),
                          "current": {"text": "All", "value": "$__all"}})
    name = "overview" if service is None else service
    return {
        "uid": f"tenancy-{name}",
        "title": "Tenancy: overview" if service is None else f"Tenancy: {service.capitalize()}",
        "tags": ["tenancy"],
        "timezone": "utc",
        "schemaVersion": 39,
        "refresh": "30s",
        "time": {"from": "now-1h", "to": "now"},
        "templating": {"list": variables},
        "panels": grafana_panels(service),
    }


def rendered():
    return {f"{'overview' if s is None else s}.json": json.dumps(dashboard(s), indent=2) + "\n" for s in [None] + SERVICES}


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for name, text in rendered().items():
        path = HERE / "grafana" / name
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
    if stale:
        print("out of date (run deploy/observability/dashboards.py): " + ", ".join(stale), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
