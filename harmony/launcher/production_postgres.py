"""The production profile's PostgreSQL cluster: created once under var/production/postgres (as the
`postgres` user when we are root), its databases and their owner created when missing.

The superuser and the app's role have generated passwords (files readable by their owner only);
the server listens on 127.0.0.1 and asks every connection for its password (scram-sha-256).
"""

from __future__ import annotations

import os

import psycopg
from psycopg import sql

from harmony.launcher.postgres import ServerCommands, make_server_dir, server_bin_dir, server_user_ids
from harmony.launcher.production_config import APP_DATABASE, DATABASE_USER, TRACKER_DATABASE, Layout

CONNECT_TIMEOUT_SECONDS = 5
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "200",  # 6 services with connection pools, the CLI and the tests
    "shared_buffers": "128MB",
    "logging_collector": "off",  # its log goes to supervisord's (var/production/logs/postgres.log)
}
INCLUDE = "harmony.conf"  # our settings, rewritten at every start (ports may change)


def ensure_cluster(layout: Layout, admin_password: str) -> None:
    """initdb when there is no cluster yet; (re)write our settings file either way."""
    owner = server_user_ids()
    root, data, sockets = layout.postgres_dir, layout.postgres_dir / "data", layout.postgres_dir / "sockets"
    make_server_dir(root, owner)
    make_server_dir(sockets, owner)
    if not (data / "PG_VERSION").exists():
        password_file = root / "initdb-password"
        password_file.write_text(admin_password + "\n", encoding="utf-8")
        password_file.chmod(0o600)
        if owner is not None:
            os.chown(password_file, *owner)
        try:
            ServerCommands(server_bin_dir(), cwd=root).initdb(
                data, auth="scram-sha-256", password_file=password_file, sync=True
            )
        finally:
            password_file.unlink(missing_ok=True)
        with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(
                f"\n# the production profile's settings (harmony/launcher/production_postgres.py)\n"
                f"include_if_exists = '{INCLUDE}'\n"
            )
    settings = {**SERVER_SETTINGS, "port": str(layout.ports["postgres"]), "unix_socket_directories": f"'{sockets}'"}
    include = data / INCLUDE
    include.write_text("".join(f"{name} = {value}\n" for name, value in settings.items()), encoding="utf-8")
    if owner is not None:
        os.chown(include, *owner)


def postgres_command(layout: Layout) -> str:
    """The server in the foreground, as supervisord runs it."""
    return f"{server_bin_dir() / 'postgres'} -D {layout.postgres_dir / 'data'}"


def ensure_databases(layout: Layout, admin_password: str, password: str) -> None:
    """The app's role (its password as given) and its two databases: the app's and Rasa's tracker store."""
    with psycopg.connect(
        host="127.0.0.1",
        port=layout.ports["postgres"],
        user="postgres",
        password=admin_password,
        dbname="postgres",
        autocommit=True,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
    ) as connection:
        role = sql.Identifier(DATABASE_USER)
        exists = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (DATABASE_USER,)).fetchone()
        verb = sql.SQL("ALTER ROLE" if exists else "CREATE ROLE")
        connection.execute(sql.SQL("{} {} LOGIN PASSWORD {}").format(verb, role, sql.Literal(password)))
        for name in (APP_DATABASE, TRACKER_DATABASE):
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                connection.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), role))
