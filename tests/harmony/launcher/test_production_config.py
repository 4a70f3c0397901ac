"""The production profile's generated files, read as text: what nginx, supervisord and Rasa will do."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from harmony.launcher.production_config import Layout, nginx_conf, production_endpoints
from harmony.launcher.production_programs import programs, services_env
from harmony.settings import SettingsError, load_settings


def _layout(tmp_path: Path, **env: str) -> Layout:
    return Layout.from_settings(load_settings({"HARMONY_PRODUCTION_DIR": str(tmp_path), **env}))


def test_ports_come_from_the_settings_and_two_parts_never_share_one(tmp_path: Path) -> None:
    layout = _layout(tmp_path, HARMONY_PUBLIC_PORT="9000", HARMONY_PRODUCTION_PORTS="gateway-1=9101,redis=9102")
    assert (layout.ports["public"], layout.ports["gateway-1"], layout.redis_url) == (
        9000,
        9101,
        "redis://127.0.0.1:9102/0",
    )
    with pytest.raises(SettingsError, match="both set to port 9101"):
        _layout(tmp_path, HARMONY_PRODUCTION_PORTS="gateway-1=9101,rasa-1=9101")
    with pytest.raises(SettingsError, match="unknown part 'gateway-3'"):
        _layout(tmp_path, HARMONY_PRODUCTION_PORTS="gateway-3=9103")


def test_the_endpoints_put_the_lock_store_on_redis_and_keep_every_other_section(tmp_path: Path) -> None:
    source = tmp_path / "endpoints.yml"
    source.write_text(
        "action_endpoint:\n  url: ${HARMONY_ACTION_SERVER_URL}\n"
        "tracker_store:\n  type: our.Store\n  url: ${HARMONY_TRACKER_STORE_URL}\n  cache: 10\n"
        "lock_store:\n  type: in_memory\n",
        encoding="utf-8",
    )
    endpoints = yaml.safe_load(production_endpoints(source))
    assert endpoints["tracker_store"] == {"type": "our.Store", "url": "${HARMONY_TRACKER_STORE_URL}", "cache": 10}
    assert endpoints["action_endpoint"] == {"url": "${HARMONY_ACTION_SERVER_URL}"}
    assert endpoints["lock_store"]["type"] == "redis"
    assert endpoints["lock_store"]["url"] == "${HARMONY_LOCK_STORE_HOST}"


def test_nginx_keeps_a_socket_io_session_on_one_gateway_and_balances_plain_websockets(tmp_path: Path) -> None:
    conf = nginx_conf(_layout(tmp_path))
    sticky = conf.split("upstream gateways_sticky {", 1)[1].split("}", 1)[0]
    assert "ip_hash;" in sticky and "127.0.0.1:8081" in sticky and "127.0.0.1:8082" in sticky
    assert '"websocket:" gateways_balanced;' in conf and "default gateways_sticky;" in conf
    assert "proxy_pass http://$socketio_upstream;" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf and "proxy_read_timeout 3600s;" in conf
    assert "listen 127.0.0.1:5010;" in conf and "listen 127.0.0.1:5060;" in conf  # Rasa, actions: internal
    assert "$request_uri" not in conf and "$args" not in conf  # the Rasa token is in query strings


def test_nginx_keeps_its_connections_to_rasa_and_the_action_servers_and_hashes_conversations_to_rasa(
    tmp_path: Path,
) -> None:
    conf = nginx_conf(_layout(tmp_path))
    upstreams = {
        block.split("{", 1)[0].strip(): block.split("{", 1)[1].split("}", 1)[0] for block in conf.split("upstream ")[1:]
    }
    for internal in ("rasa_servers", "action_servers"):
        assert "keepalive 16;" in upstreams[internal] and "keepalive_timeout 4s;" in upstreams[internal]
    for public in ("gateways_balanced", "gateways_sticky"):
        assert "keepalive" not in upstreams[public]
    rasa = upstreams["rasa_servers"]  # nginx: the balancing method must come before keepalive
    assert "hash $arg_route consistent;" in rasa and rasa.index("hash") < rasa.index("keepalive")
    for internal_port in ("5010", "5060"):  # request bodies in memory, not one temporary file each
        server = conf.split(f"listen 127.0.0.1:{internal_port};", 1)[1].split("location", 1)[0]
        assert "client_body_buffer_size" in server
    for location in ("proxy_pass http://rasa_servers;", "proxy_pass http://action_servers;"):
        block = conf.split(location, 1)[1].split("}", 1)[0]
        assert 'proxy_set_header Connection "";' in block  # HTTP/1.1 without "close", or nothing is kept


def test_every_service_reaches_its_peers_through_the_balanced_addresses(tmp_path: Path) -> None:
    layout = _layout(tmp_path)
    settings = load_settings(
        {
            "HARMONY_RASA_URL": layout.rasa_url,
            "HARMONY_ACTION_SERVER_URL": layout.action_server_url,
            "HARMONY_REDIS_URL": layout.redis_url,
        }
    )
    env = services_env(settings)
    assert env["HARMONY_RASA_URL"] == "http://127.0.0.1:5010"
    assert env["HARMONY_ACTION_SERVER_URL"] == "http://127.0.0.1:5060/webhook"
    assert (env["HARMONY_REDIS_URL"], env["HARMONY_LOCK_STORE_PORT"]) == ("redis://127.0.0.1:6380/0", "6380")
    listed = {program.name: program for program in programs(layout, settings, tmp_path / "m.tar.gz", Path("py"))}
    assert sorted(listed) == sorted(
        ["postgres", "redis", "nginx", "actions-1", "actions-2", "rasa-1", "rasa-2", "gateway-1", "gateway-2"]
    )
    assert listed["gateway-2"].env["HARMONY_GATEWAY_PORT"] == "8082"
    assert listed["rasa-1"].env["HARMONY_RASA_PORT"] == "5011"
    assert "HARMONY_RASA_TOKEN" not in listed["rasa-1"].env  # read from the shared var dir's file
