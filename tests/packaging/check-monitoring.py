#!/usr/bin/env python3
"""Checks the Grafana dashboard and the Prometheus alert rules against the exporter's metrics.

Usage: check-monitoring.py METRICS_LIST DASHBOARD_JSON ALERT_RULES_YML [PROMTOOL]

Every PromQL expression of the dashboard (panels and template variables) and of the alert rules
may only name metrics from METRICS_LIST, or `up`, which Prometheus adds to every target. The
dashboard must import into a current Grafana: schema version, the DS_PROMETHEUS input, unique
panel ids, a data source on every query. With PROMTOOL, each dashboard expression (Grafana
variables replaced by sample values) is also parsed by promtool.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

# Series Prometheus itself attaches to every scrape target.
TARGET_SERIES = {"up"}
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
            "and", "or", "unless", "atan2", "inf", "nan", "start", "end"}
GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
IDENTIFIER = re.compile(r"(?<![\w:.$])([A-Za-z_:][\w:]*)(\s*\()?")


def metric_names(expr):
    """The metric names an expression selects: identifiers that are not functions,
    keywords, label names or parts of strings, ranges or Grafana variables."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = GROUPING.sub(" ", text)
    text = re.sub(r"\$\{?\w+\}?", " ", text)
    names = set()
    for match in IDENTIFIER.finditer(text):
        word, call = match.groups()
        if call or word.lower() in KEYWORDS:
            continue
        names.add(word)
    return names


def variable_query_expr(query):
    """The PromQL inside a Grafana Prometheus variable query such as label_values(m{...}, l)."""
    match = re.fullmatch(r"\s*label_values\((.*),\s*\w+\s*\)\s*", query, re.S)
    if match:
        return match.group(1)
    match = re.fullmatch(r"\s*(?:query_result|metrics)\((.*)\)\s*", query, re.S)
    return match.group(1) if match else None


def dashboard_panels(panels):
    for panel in panels:
        yield panel
        yield from dashboard_panels(panel.get("panels", []))


def check_dashboard(dashboard, errors):
    """Returns the PromQL expressions of the dashboard; appends structural problems to errors."""
    if dashboard.get("schemaVersion", 0) < 36:
        errors.append(f"dashboard schemaVersion {dashboard.get('schemaVersion')} is older than 36")
    inputs = [i.get("name") for i in dashboard.get("__inputs", [])]
    if inputs != ["DS_PROMETHEUS"]:
        errors.append(f"dashboard __inputs should be exactly DS_PROMETHEUS, not {inputs}")
    if not dashboard.get("uid") or dashboard.get("id") is not None:
        errors.append("dashboard needs a fixed uid and a null id to import")
    expected_ds = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
    exprs = []
    ids = set()
    for panel in dashboard_panels(dashboard.get("panels", [])):
        where = f"panel {panel.get('id')} \"{panel.get('title')}\""
        if panel.get("id") in ids:
            errors.append(f"{where}: duplicate panel id")
        ids.add(panel.get("id"))
        if "gridPos" not in panel:
            errors.append(f"{where}: no gridPos")
        if panel.get("type") == "row":
            continue
        if panel.get("datasource") != expected_ds:
            errors.append(f"{where}: data source is not ${{DS_PROMETHEUS}}")
        targets = panel.get("targets", [])
        if not targets:
            errors.append(f"{where}: no queries")
        refs = [t.get("refId") for t in targets]
        if len(set(refs)) != len(refs):
            errors.append(f"{where}: duplicate refId")
        for target in targets:
            if target.get("datasource") != expected_ds:
                errors.append(f"{where}: query {target.get('refId')} data source is not ${{DS_PROMETHEUS}}")
            if not target.get("expr", "").strip():
                errors.append(f"{where}: query {target.get('refId')} has no expression")
            exprs.append((where, target.get("expr", "")))
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        query = query.get("query", "") if isinstance(query, dict) else query or ""
        expr = variable_query_expr(query)
        if expr is None:
            errors.append(f"variable {variable.get('name')}: unsupported query {query!r}")
        else:
            exprs.append((f"variable {variable.get('name')}", expr))
    return exprs


def alert_exprs(rules):
    for group in rules.get("groups", []):
        for rule in group.get("rules", []):
            yield f"rule {rule.get('alert') or rule.get('record')}", str(rule.get("expr", ""))


def grafana_to_promql(expr):
    """Replaces Grafana's variables with values that make a plain PromQL expression."""
    for name, value in (("__range", "1d"), ("__rate_interval", "5m"), ("__interval", "1h")):
        expr = expr.replace("$" + name, value)
    return re.sub(r"\$\{?\w+\}?", ".*", expr)


def promtool_parse(promtool, exprs, errors):
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:expr_{i}", "expr": grafana_to_promql(expr)} for i, (_, expr) in enumerate(exprs)]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        yaml.safe_dump(rules, handle)
    try:
        result = subprocess.run([promtool, "check", "rules", handle.name], capture_output=True, text=True)
    finally:
        os.unlink(handle.name)
    if result.returncode != 0:
        errors.append("promtool rejects a dashboard expression:\n" + result.stdout + result.stderr)


def main(argv):
    if len(argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    metrics_file, dashboard_file, rules_file = argv[1:4]
    with open(metrics_file, encoding="utf-8") as handle:
        known = {line.strip() for line in handle if line.strip() and not line.startswith("#")}
    with open(dashboard_file, encoding="utf-8") as handle:
        dashboard = json.load(handle)
    with open(rules_file, encoding="utf-8") as handle:
        rules = yaml.safe_load(handle)

    errors = []
    dashboard_exprs = check_dashboard(dashboard, errors)
    used = set()
    for where, expr in dashboard_exprs + list(alert_exprs(rules)):
        names = metric_names(expr)
        if not names:
            errors.append(f"{where}: names no metric: {expr!r}")
        for name in sorted(names - known - TARGET_SERIES):
            errors.append(f"{where}: {name} is not a metric of the exporter")
        used |= names
    if len(argv) == 5:
        promtool_parse(argv[4], dashboard_exprs, errors)

    for error in errors:
        print("FAIL:", error, file=sys.stderr)
    print(f"{len(dashboard_exprs)} dashboard expressions, {len(list(alert_exprs(rules)))} alert rules, "
          f"metrics used: {', '.join(sorted(used))}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
