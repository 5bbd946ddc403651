"""``[probes.NAME]`` tables: defaults, merging, strict validation naming file and key."""

from __future__ import annotations

from typing import Any

import pytest

from autus_tui.core.config import ConfigError, build_config
from autus_tui.core.probe_config import check_items, probes_for
from autus_tui.core.probes import (
    NOT_CONFIGURED,
    ProbeResult,
    Status,
    for_items,
    not_configured,
    report_json,
    result,
)

SEED_ITEMS = ["pre.infra.backend", "pre.infra.websocket", "pre.infra.cdn", "pre.infra.ssl",
              "pre.deploy.tag", "pre.deploy.dns", "pre.deploy.sync", "pre.infra.db"]


def _probes(tables: dict[str, Any], source: str = "autus.toml") -> dict[str, Any]:
    config = build_config([(source, {"probes": tables})])
    return {spec.name: spec for spec in probes_for(config, SEED_ITEMS)}


def test_defaults_follow_the_backend_and_wait_for_targets() -> None:
    config = build_config([("autus.toml", {"backend": {"url": "https://ops.example:8443/",
                                                       "ca_file": "/etc/ca.pem"}})])
    specs = {spec.name: spec for spec in probes_for(config, SEED_ITEMS)}
    health, ws = specs["backend_health"], specs["backend_websocket"]
    assert (health.kind, health.url, health.item) == (
        "http", "https://ops.example:8443/ops/v1/health", "pre.infra.backend")
    assert (ws.kind, ws.url, ws.item) == (
        "websocket", "wss://ops.example:8443/ops/v1/ws", "pre.infra.websocket")
    assert health.ca_file == ws.ca_file == "/etc/ca.pem"
    waiting = {name: spec.missing for name, spec in specs.items() if not spec.configured}
    assert waiting == {"cdn": "url", "ssl": "url", "release_tag": "repo", "dns": "name",
                       "sync": "urls"}
    assert specs["release_tag"].tag == "v1.0.0" and specs["sync"].path == "version"


def test_not_configured_is_a_warn_that_fails_nothing() -> None:
    spec = _probes({})["cdn"]
    outcome = not_configured(spec)
    assert (outcome.status, outcome.configured, outcome.ms) == (Status.WARN, False, 0)
    assert outcome.detail == f"{NOT_CONFIGURED}: set probes.cdn.url"
    assert report_json([outcome]) == {"ok": True, "results": [{
        "name": "cdn", "kind": "http", "status": "WARN",
        "detail": "not configured: set probes.cdn.url", "ms": 0, "item": "pre.infra.cdn"}]}


def test_a_target_configures_a_default_and_a_new_probe_needs_kind_and_target() -> None:
    specs = _probes({
        "cdn": {"url": "https://cdn.example/app.js", "max_ms": 300},
        "db": {"kind": "tcp", "address": "db.internal:5432", "item": "pre.infra.db",
               "timeout": 2},
        "backend_health": {"url": "http://other:1/health"},
    })
    assert specs["cdn"].configured and specs["cdn"].item == "pre.infra.cdn"
    assert specs["cdn"].max_ms == 300
    assert (specs["db"].address, specs["db"].timeout) == ("db.internal:5432", 2.0)
    assert specs["backend_health"].url == "http://other:1/health"
    assert [s.name for s in for_items(specs.values(), ["pre.infra.db", "pre.infra.cdn"])] == [
        "cdn", "db"]


@pytest.mark.parametrize(("tables", "key", "words"), [
    ({"x": {"url": "http://a/"}}, "probes.x.kind", "required for a new probe"),
    ({"x": {"kind": "ftp"}}, "probes.x.kind", "expected one of http, tcp"),
    ({"x": {"kind": "http"}}, "probes.x.url", "required for a http probe"),
    ({"x": {"kind": "sync", "urls": ["http://a/", "http://b/"]}}, "probes.x.path", "required"),
    ({"x": {"kind": "git_tag", "tag": "v1"}}, "probes.x.repo", "required"),
    ({"x": {"kind": "tcp", "address": "db"}}, "probes.x.address", "host:port"),
    ({"x": {"kind": "tcp", "address": "db:70000"}}, "probes.x.address", "host:port"),
    ({"x": {"kind": "tcp", "address": "db:1", "url": "http://a/"}}, "probes.x.url",
     "unknown key for a tcp probe"),
    ({"cdn": {"expect": ["1.2.3.4"]}}, "probes.cdn.expect", "unknown key for a http probe"),
    ({"cdn": {"url": "ftp://cdn/"}}, "probes.cdn.url", "http:// or https://"),
    ({"ssl": {"url": "http://cdn/"}}, "probes.ssl.url", "https://"),
    ({"cdn": {"url": "https://"}}, "probes.cdn.url", "with a host"),
    ({"cdn": {"timeout": 0}}, "probes.cdn.timeout", "above 0"),
    ({"cdn": {"timeout": float("inf")}}, "probes.cdn.timeout", "above 0"),
    ({"cdn": {"timeout": float("nan")}}, "probes.cdn.timeout", "above 0"),
    ({"cdn": {"timeout": 3600}}, "probes.cdn.timeout", "at most 60"),
    ({"cdn": {"timeout": True}}, "probes.cdn.timeout", "above 0"),
    ({"cdn": {"expect_status": 99}}, "probes.cdn.expect_status", "100-599"),
    ({"cdn": {"item": "Not An Id"}}, "probes.cdn.item", "runbook item id"),
    ({"dns": {"name": "a.example", "expect": ["not-an-ip"]}}, "probes.dns.expect",
     "IP addresses"),
    ({"dns": {"name": "bad name"}}, "probes.dns.name", "host name"),
    ({"sync": {"urls": ["http://a/"]}}, "probes.sync.urls", "two or more"),
    ({"sync": {"urls": ["http://a/", "http://b/"], "path": "a..b"}}, "probes.sync.path",
     "dotted path"),
    ({"release_tag": {"repo": ".", "tag": "-d"}}, "probes.release_tag.tag", "leading -"),
    ({"release_tag": {"repo": ".", "tag": "v*"}}, "probes.release_tag.tag", "wildcards"),
    ({"ssl": {"url": "https://a/", "warn_days": -1}}, "probes.ssl.warn_days", "from 0"),
    ({"cdn": "https://cdn/"}, "probes.cdn", "expected a table"),
])
def test_errors_name_file_and_key(tables: dict[str, Any], key: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _probes(tables, "site/autus.toml")
    assert (caught.value.source, caught.value.key) == ("site/autus.toml", key)
    assert words in caught.value.problem
    assert str(caught.value).startswith(f"site/autus.toml: {key}: ")


def test_probes_is_a_known_top_level_key_and_must_be_tables() -> None:
    with pytest.raises(ConfigError) as caught:
        build_config([("a.toml", {"probes": "none"})])
    assert caught.value.key == "probes"
    with pytest.raises(ConfigError) as caught:
        build_config([("a.toml", {"probez": {}})])
    assert "probes" in caught.value.problem  # listed among the known keys


def test_an_item_that_names_no_runbook_item_is_an_error_naming_where_it_was_set() -> None:
    config = build_config([("a.toml", {"probes": {"cdn": {"item": "pre.infra.nope"}}})])
    with pytest.raises(ConfigError) as caught:
        check_items(config.probes, SEED_ITEMS)
    assert (caught.value.source, caught.value.key) == ("a.toml", "probes.cdn.item")
    # A default's item a custom runbook lacks is simply not attached.
    kept = {s.name: s.item for s in check_items(build_config([]).probes, ["pre.infra.cdn"])}
    assert kept["cdn"] == "pre.infra.cdn" and kept["backend_health"] is None


def test_a_new_kind_for_a_default_keeps_its_item_and_later_layers_merge() -> None:
    config = build_config([
        ("a.toml", {"probes": {"ssl": {"kind": "tcp", "address": "cdn:443"}}}),
        ("b.toml", {"probes": {"ssl": {"timeout": 1.5}}}),
    ])
    ssl = {s.name: s for s in config.probes}["ssl"]
    assert (ssl.kind, ssl.address, ssl.timeout, ssl.item) == ("tcp", "cdn:443", 1.5,
                                                               "pre.infra.ssl")
    assert ssl.source == "b.toml"


def test_results_are_cleaned_and_bounded() -> None:
    spec = _probes({})["backend_health"]
    hostile = "x[/]y [@click=app.quit]\x1b]0;T\x07 \u202egnp.exe\u2066 \r\n" + "z" * 2000
    outcome: ProbeResult = result(spec, Status.FAIL, hostile, 0.0123)
    assert outcome.detail.startswith("x[/]y [@click=app.quit] gnp.exe")
    assert not any(ch in outcome.detail for ch in "\x1b\x07\u202e\u2066\r\n")
    assert len(outcome.detail) <= 300 and outcome.ms == 12
