"""[sources.NAME] tables and the metrics that read them: what is accepted, what is refused
(always naming the file and the key), and what `autus-tui check` says."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autus_tui.core.config import ConfigError
from autus_tui.core.source_config import SourceSpec, render_header
from autus_tui.services.config_files import load_config
from autus_tui.services.incident_files import load_matrix
from autus_tui.services.runbook_files import load_runbooks

SOURCES = '''
[sources.node]
kind = "prometheus"
url = "http://127.0.0.1:9100/metrics"

[sources.prom]
kind = "prometheus_query"
url = "https://prometheus.internal:9090/"
timeout = 0.5
headers = { Authorization = "Bearer ${AUTUS_PROM_TOKEN}", X-Scope-OrgID = "launch" }

[metrics.root_free]
label = "Root Free"
source = "node"
path = 'node_filesystem_avail_bytes{mountpoint="/", fstype!~"tmpfs|overlay"}'
unit = "bytes"

[metrics.offset]
label = "NTP Offset"
source = "node"
path = "node_timex_offset_seconds"
unit = "s"
minimum = -1
maximum = 1

[metrics.idle]
label = "CPU idle"
source = "node"
path = 'node_cpu_seconds_total{mode="idle"}'
combine = "sum"

[metrics.error_rate]
source = "prom"
query = 'sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m])) * 100'
'''


def write(tmp_path: Path, text: str, name: str = "autus.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_sources_and_the_metrics_that_read_them(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, SOURCES), {}, {})
    node, prom = config.sources.named
    assert (node.name, node.kind, node.url, node.timeout) == (
        "node", "prometheus", "http://127.0.0.1:9100/metrics", None)
    assert (prom.kind, prom.url, prom.timeout) == (
        "prometheus_query", "https://prometheus.internal:9090", 0.5)
    assert prom.headers == (("Authorization", "Bearer ${AUTUS_PROM_TOKEN}"),
                            ("X-Scope-OrgID", "launch"))
    specs = {spec.key: spec for spec in config.metrics}
    assert specs["root_free"].maximum == math.inf  # a metric of your own: no 1 TB ceiling
    assert (specs["offset"].minimum, specs["offset"].maximum) == (-1, 1)
    assert specs["idle"].combine == "sum"
    rate = specs["error_rate"]  # a default metric moved to the Prometheus server
    assert (rate.source, rate.path, rate.query is not None, rate.maximum) == (
        "prom", "", True, 100)


def test_header_variables_are_read_from_the_environment_only() -> None:
    template = "Bearer ${TOKEN} costs $$5"
    assert render_header(template, {"TOKEN": "abc"}) == "Bearer abc costs $5"
    with pytest.raises(ValueError, match="environment variable TOKEN is not set"):
        render_header(template, {})
    with pytest.raises(ValueError, match="TOKEN holds a line break"):
        render_header(template, {"TOKEN": "a\r\nX-Evil: 1"})


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ('[sources.node]\nurl = "http://x/metrics"\n', "sources.node.kind", "required"),
        ('[sources.node]\nkind = "graphite"\nurl = "http://x"\n', "sources.node.kind",
         "expected one of ops, prometheus, prometheus_query"),
        ('[sources.node]\nkind = "prometheus"\n', "sources.node.url", "required"),
        ('[sources.node]\nkind = "prometheus"\nurl = "ftp://x"\n', "sources.node.url",
         "http:// or https://"),
        ('[sources.node]\nkind = "prometheus"\nurl = "http://x"\npoll = 1\n',
         "sources.node.poll", "unknown key"),
        ('[sources.backend]\nkind = "ops"\nurl = "http://x"\n', "sources.backend",
         "set it in [backend]"),
        ('[sources.node]\nkind = "prometheus"\nurl = "http://x"\ntimeout = 2\n',
         "sources.node.timeout", "must be below backend.interval"),
        ('[sources.p]\nkind = "prometheus_query"\nurl = "http://x"\n'
         'headers = { Authorization = "Bearer s3cr3t-t0ken" }\n',
         "sources.p.headers.Authorization", "write it as ${VARIABLE}"),
        ('[sources.p]\nkind = "prometheus_query"\nurl = "http://x"\n'
         'headers = { X-Api-Key = "s3cr3t-t0ken" }\n',
         "sources.p.headers.X-Api-Key", "never stored in the file"),
        ('[sources.p]\nkind = "prometheus_query"\nurl = "http://x"\n'
         'headers = { Authorization = "Bearer ${TOKEN" }\n',
         "sources.p.headers.Authorization", "a $ starts ${VARIABLE}"),
        ('[sources.p]\nkind = "prometheus_query"\nurl = "http://u:s3cr3t-t0ken@x"\n',
         "sources.p.url", "a URL with a user or password is refused"),
        ('[metrics.q]\nlabel = "Q"\npath = "q"\nsource = "nowhere"\n', "metrics.q.source",
         "no source named 'nowhere'"),
        ('[metrics.q]\nlabel = "Q"\npath = "q"\nsource = "prometheus"\n',
         "metrics.q.source", "prometheus_path is not set"),
        (SOURCES + '[metrics.load]\nlabel = "L"\nsource = "node"\npath = "sum(node_load1)"\n',
         "metrics.load.path", "sum(...) is a PromQL aggregation"),
        (SOURCES + '[metrics.load]\nlabel = "L"\nsource = "node"\npath = "x"\nper = "y[5m]"\n',
         "metrics.load.per", "a range ([5m])"),
        (SOURCES + '[metrics.load]\nlabel = "L"\nsource = "node"\n'
         'path = \'x{a=~"("}\'\n', "metrics.load.path", "not a regular expression"),
        (SOURCES + '[metrics.load]\nlabel = "L"\nsource = "prom"\npath = "node_load1"\n',
         "metrics.load.query", "required"),
        (SOURCES + '[metrics.load]\nlabel = "L"\nsource = "prom"\nquery = "sum(up"\n',
         "metrics.load.query", "an unclosed '('"),
        (SOURCES + '[metrics.load]\nlabel = "L"\nsource = "node"\nquery = "up"\n',
         "metrics.load.query", "only for a prometheus_query source"),
        ('[metrics.active_users]\ncombine = "sum"\n', "metrics.active_users.combine",
         "only for Prometheus sources"),
        ('[metrics.active_users]\ncombine = "median"\n', "metrics.active_users.combine",
         "expected one of sum, max, min, avg"),
        ('[metrics.active_users]\nminimum = 5\nmaximum = 5\n', "metrics.active_users.minimum",
         "must be below maximum"),
        ('[metrics.active_users]\nenabled = "no"\n', "metrics.active_users.enabled",
         "expected true or false"),
        ('[backend]\nhealth_path = "health"\n', "backend.health_path", "starting with '/'"),
    ],
)
def test_what_cannot_work_is_refused_naming_file_and_key(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, {}, {})
    assert (caught.value.source, caught.value.key) == (path, key)
    assert problem in caught.value.problem
    assert "s3cr3t-t0ken" not in str(caught.value)  # a pasted secret is never repeated


def test_a_later_layer_changes_only_the_keys_it_sets(tmp_path: Path) -> None:
    base = write(tmp_path, SOURCES)
    config = load_config(base, {}, {})
    assert config.sources.get("node") == SourceSpec(
        "node", "prometheus", "http://127.0.0.1:9100/metrics", origin=base)


def test_metrics_and_health_switched_off(tmp_path: Path) -> None:
    text = SOURCES + "".join(
        f"[metrics.{key}]\nenabled = false\n"
        for key in ("active_users", "gate_observe", "gate_ring", "gate_lock", "afterimage_rate",
                    "avg_response", "gate_failures", "db_connections", "memory_pct")
    ) + '[backend]\nhealth_path = ""\n'
    config = load_config(write(tmp_path, text), {}, {})
    assert [spec.key for spec in config.metrics] == ["error_rate", "root_free", "offset", "idle"]
    assert len(config.sources.switched_off) == 9
    assert config.backend.health_path == ""
    # the runbook's rules and the incident matrix may still name them (no value: not done)
    assert load_runbooks(config).items
    assert load_matrix(config).rows


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "autus_tui.cli", *args], capture_output=True, text=True,
        timeout=30, stdin=subprocess.DEVNULL, env=env,
    )


def test_check_names_the_sources_and_what_is_wrong(tmp_path: Path) -> None:
    path = write(tmp_path, SOURCES + '[metrics.gate_lock]\nenabled = false\n')
    env = {key: value for key, value in os.environ.items() if not key.startswith("AUTUS_")}
    missing = run_cli("check", "--config", path, env=env)
    assert missing.returncode == 1
    assert missing.stderr.strip() == (
        f"autus-tui: {path}: sources.prom.headers.Authorization: "
        "environment variable AUTUS_PROM_TOKEN is not set")

    good = run_cli("check", "--config", path, env={**env, "AUTUS_PROM_TOKEN": "t0k3n-value"})
    assert good.returncode == 0, good.stderr
    assert ("sources ok: backend (ops, 8 metrics, health); prom (prometheus_query, 1 metric); "
            "node (prometheus, 3 metrics)") in good.stdout
    assert "switched off: gate_lock" in good.stdout
    assert "t0k3n-value" not in good.stdout + good.stderr

    refused = write(tmp_path, SOURCES.replace('path = "node_timex_offset_seconds"',
                                              'path = "avg(node_timex_offset_seconds)"'),
                    "refused.toml")
    bad = run_cli("check", "--config", refused, env=env)
    assert bad.returncode == 1
    assert bad.stderr.startswith(
        f"autus-tui: {refused}: metrics.offset.path: not a Prometheus selector: avg(...) is a "
        "PromQL aggregation")
    assert "Traceback" not in bad.stderr
