"""What an environment variable's name says its value is for.

``classify_variable`` gives the :class:`VarRole` of a name (a destination URL, a host, a
port, a bind address, a credential ...); ``var_info`` adds how the value parser should
read it (listeners, host:port allowed, the scheme a bare host implies). Matching is by
the last words of the name, so any prefix (``APP_``, ``MYAPP_``) is allowed. Background:
connection-settings.md §H.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum
from functools import lru_cache

from composelint.analysis.images import hostport_variables
from composelint.analysis.schemes import LIBPQ_ENV
from composelint.model.record import Frozen, set_field

__all__ = ["VarInfo", "VarRole", "classify_variable", "var_info"]


class VarRole(Enum):
    DESTINATION_URL = "destination-url"  # URL / DSN / connection string / host list
    DESTINATION_HOST = "destination-host"  # a bare host name (DB_HOST, PGHOST)
    DESTINATION_PORT = "destination-port"  # DB_PORT, PGPORT
    BROWSER = "browser"  # NEXT_PUBLIC_*, VITE_*: used by the user's browser
    BIND = "bind"  # the service's own listen address (HOST, *_BIND, KAFKA_LISTENERS)
    ADVERTISED = "advertised"  # what a service tells others (KAFKA_ADVERTISED_LISTENERS)
    CREDENTIAL = "credential"  # POSTGRES_USER/PASSWORD/DB, MYSQL_*, RABBITMQ_DEFAULT_*
    PUBLIC = "public"  # the app's own public name/URL or accepted origins (VIRTUAL_HOST)
    OTHER = "other"


# fmt: off
# variable names -----------------------------------------------------------------------
_BROWSER_PREFIXES = ("NEXT_PUBLIC_", "VITE_", "REACT_APP_", "NUXT_PUBLIC_", "VUE_APP_",
                     "EXPO_PUBLIC_", "PUBLIC_", "GATSBY_")
# the app's own public name or URL, or names/origins it accepts: never a destination
_PUBLIC_NAMES = frozenset({
    "VIRTUAL_HOST", "VIRTUAL_PORT", "VIRTUAL_PATH", "LETSENCRYPT_HOST", "LETSENCRYPT_EMAIL",
    "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "TRUSTED_PROXIES", "TRUSTED_HOSTS", "HOSTNAME",
    "SERVER_NAME", "PUBLIC_URL", "BASE_URL", "APP_BASE_URL", "SITE_BASE_URL", "SITE_URL",
    "APP_URL", "ROOT_URL", "EXTERNAL_URL", "NEXTAUTH_URL", "AUTH_URL", "WEBHOOK_URL",
    "FRONTEND_URL", "CLIENT_URL", "HOMEPAGE_URL", "DOMAIN", "KC_HOSTNAME", "KC_HOSTNAME_URL",
    "KC_HOSTNAME_ADMIN", "KC_HOSTNAME_ADMIN_URL", "NO_PROXY",
})
_PUBLIC_LAST = frozenset({"ORIGIN", "ORIGINS", "DOMAIN", "DOMAINS"})
# the app's public host for URL generation: Phoenix's PHX_HOST (the runtime.exs of
# `mix phx.gen.release`: url: [host: System.get_env("PHX_HOST")])
_PUBLIC_EXACT_MORE = frozenset({"PHX_HOST"})
# Ory Hydra's urls.login / urls.consent / ...: where browsers are redirected
# (ory.sh/docs/hydra/reference/configuration)
_REDIRECT_URLS_LAST = frozenset({"LOGIN", "LOGOUT", "CONSENT", "ERROR", "REGISTRATION"})
# words that make a URL the app's address for browsers, mails and other outsiders:
# PENPOT_PUBLIC_URI, *_EXTERNAL_ENDPOINT, _APP_VCS_GITEA_BROWSER_ENDPOINT, DOMAIN_NAME
_PUBLIC_WORDS = frozenset({"PUBLIC", "EXTERNAL", "DOMAIN"})
_PUBLIC_WORD_LAST = frozenset({"URL", "URI", "URLS", "URIS", "ENDPOINT", "HOST", "HOSTNAME",
                               "NAME", "ADDRESS"})
# ..._BROWSER_URL / _ENDPOINT: the address browsers use (but _APP_BROWSER_HOST is
# Appwrite's headless-browser service, a destination)
_BROWSER_WORD_LAST = frozenset({"URL", "URI", "ENDPOINT"})
# links a service writes into mails and pages (PASSWORD_RESET_URL, MAIL_CONFIRM_URL, WEB_URL)
_LINK_PREV = frozenset({"RESET", "CONFIRM", "CONFIRMATION", "VERIFY", "VERIFICATION", "INVITE",
                        "UNSUBSCRIBE", "WEB", "SITE", "LOGIN", "LOGOUT", "SIGNUP"})
# browser SDKs configured through a server's environment: Grafana Faro's collector URL
# is used by the Faro Web SDK in the page (grafana.com/docs/grafana-cloud/monitor-
# applications/frontend-observability/)
_BROWSER_SDK_WORDS = frozenset({"FARO"})
_PUBLIC_TAILS = ("CALLBACK_URL", "REDIRECT_URI", "REDIRECT_URIS", "REDIRECT_URL",
                 "EXTERNAL_URL", "PUBLIC_URL")
_OTHER_LAST = frozenset({"PATH", "DIR", "FILE", "FILENAME", "IMAGE", "TAG", "VERSION",
                         "TIMEOUT", "METHOD", "MAP", "MODE", "LEVEL", "SIZE", "COUNT",
                         "ENABLED", "ENABLE", "TYPE", "DRIVER", "CONNECTION", "INTERVAL",
                         "RETRIES", "NAME"})
# SERVER_HOST, APP_PORT, UVICORN_HOST ...: the service's own listen address
_OWN_WORDS = frozenset({"SERVER", "HTTP", "HTTPS", "WEB", "APP", "UVICORN", "GUNICORN",
                        "HYPERCORN", "FLASK", "RUN", "LISTEN", "BIND"})
_BIND_EXACT = frozenset({"HOST", "PORT", "BIND", "ADDRESS", "LISTEN", "SERVER_ADDRESS"})
_CRED_EXACT = frozenset({"PGUSER", "PGPASSWORD", "PGDATABASE", "MYSQL_ROOT_HOST",
                         "MARIADB_ROOT_HOST", "MYSQL_ALLOW_EMPTY_PASSWORD",
                         "MYSQL_RANDOM_ROOT_PASSWORD", "SA_PASSWORD"})
_CRED_LAST = frozenset({"USER", "USERNAME", "PASSWORD", "PASS", "PASSWD", "PWD", "DB",
                        "DATABASE", "DBNAME", "VHOST"})
_URL_EXACT = frozenset({"DSN", "CONNECTION_STRING", "DOCKER_HOST", "CELERY_RESULT_BACKEND",
                        "BROKER", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "FASTCGI_PASS",
                        "PROXY_PASS", "UWSGI_PASS", "OLLAMA_HOST"})
_URL_LAST = frozenset({"URL", "URI", "URLS", "URIS", "DSN", "ENDPOINT", "ENDPOINTS", "ADDR",
                       "ADDRS", "ADDRESS", "ADDRESSES", "HOSTS", "SERVERS", "BROKERS", "NODES",
                       "CONNECT", "VOTERS", "UPSTREAM", "CONNSTR", "CONNSTRING"})
# destination variables that may hold a bare host name; a *_URL / *_DSN needs more
_LIST_LAST = frozenset({"HOSTS", "SERVERS", "BROKERS", "NODES", "ENDPOINT", "ENDPOINTS", "ADDR",
                        "ADDRS", "ADDRESS", "ADDRESSES", "CONNECT", "VOTERS", "UPSTREAM"})
_NOT_ADDRESS = frozenset({"EMAIL", "MAIL", "FROM", "MAC", "WALLET", "REPLY", "SENDER"})
_HOST_LAST = frozenset({"HOST", "HOSTNAME", "SERVER", "HOSTADDR"})
# host variables whose documented syntax accepts host:port (or a list of them): the
# names from the image facts (images.hostport_variables) and any *_SERVER / *_ADDR
_HOSTPORT_OK_LAST = frozenset({"SERVER", "ADDR"})
# a host variable naming one of these must not hold even an http:// URL
_DB_WORDS = frozenset({"DB", "DATABASE", "POSTGRES", "POSTGRESQL", "PG", "PGHOST", "MYSQL",
                       "MARIADB", "MONGO", "MONGODB", "REDIS", "RABBITMQ", "AMQP", "SQL",
                       "MSSQL", "MEMCACHED", "VALKEY"})
_SSLMODE_VARS = frozenset({"PGSSLMODE", "DB_SSLMODE", "POSTGRES_SSLMODE", "DATABASE_SSLMODE"})
# scheme of a bare host / host list, guessed from the variable name (first match wins)
_NAME_HINTS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"ZOOKEEPER", "ZK", "ZOOKEEPERS"}), "zookeeper"),
    (frozenset({"VOTERS"}), "kafka-quorum"),
    (frozenset({"KAFKA", "BOOTSTRAP", "BROKERS"}), "kafka-list"),
    (frozenset({"POSTGRES", "POSTGRESQL", "PG", "PGHOST", "PGHOSTADDR"}), "postgresql"),
    (frozenset({"MYSQL", "WORDPRESS"}), "mysql"), (frozenset({"MARIADB"}), "mariadb"),
    (frozenset({"MONGO", "MONGODB"}), "mongodb"), (frozenset({"REDIS", "VALKEY"}), "redis"),
    (frozenset({"RABBITMQ", "RABBIT", "AMQP"}), "amqp"),
    (frozenset({"MEMCACHED", "MEMCACHE"}), "memcached"),
    (frozenset({"MSSQL", "SQLSERVER"}), "mssql"), (frozenset({"SMTP"}), "smtp"),
)
# fmt: on


def _components(name: str) -> list[str]:
    return [c for c in re.split(r"[^A-Za-z0-9]+", name.upper()) if c]


@lru_cache(maxsize=4096)
def _classify(name: str) -> VarRole:
    c = _components(name)
    if not c:
        return VarRole.OTHER
    n = "_".join(c)
    last = c[-1]
    prev = c[-2] if len(c) > 1 else ""
    cs = set(c)
    if c[0] == "CONNECTIONSTRINGS" and len(c) > 1:
        return VarRole.DESTINATION_URL
    if n in _PUBLIC_NAMES or n in _PUBLIC_EXACT_MORE:
        return VarRole.PUBLIC
    if prev in ("CLUSTER", "NODE") and last in ("HOSTNAME", "NAME", "HOST"):
        return VarRole.OTHER  # its own node name: Weaviate CLUSTER_HOSTNAME, Logflare NODE_HOST
    if {"REAL", "IP"} <= cs:
        return VarRole.OTHER  # nginx set_real_ip_from: a trusted proxy address (frappe_docker)
    if n.startswith(_BROWSER_PREFIXES):
        return VarRole.BROWSER
    if (
        c[0] == "CORS"
        or last in _PUBLIC_LAST
        or n.endswith(_PUBLIC_TAILS)
        or ("ALLOWED" in cs and last in ("HOSTS", "HOST"))
        or (last in ("HOST", "URL", "HOSTNAME") and prev in ("VIRTUAL", "PUBLIC"))
        or (cs & _PUBLIC_WORDS and last in _PUBLIC_WORD_LAST)
        or ("BROWSER" in cs and last in _BROWSER_WORD_LAST)
        or (last in ("URL", "URI") and prev in _LINK_PREV)
        or ("URLS" in cs and last in _REDIRECT_URLS_LAST)
        or cs & _BROWSER_SDK_WORDS
    ):
        return VarRole.PUBLIC
    if n in _URL_EXACT:
        return VarRole.DESTINATION_URL
    if cs & {"ADVERTISED", "ADVERTISE", "ANNOUNCE"} or n.endswith("PUBLISH_HOST"):
        return VarRole.ADVERTISED
    if n in _BIND_EXACT or cs & {"LISTENERS", "LISTEN", "BIND"}:
        return VarRole.BIND
    if last in ("HOST", "PORT", "ADDRESS", "ADDR") and prev in _OWN_WORDS:
        return VarRole.BIND
    if n in _CRED_EXACT or last in _CRED_LAST:
        return VarRole.CREDENTIAL
    if last == "NAME" and prev in ("HOST", "SERVER"):
        return VarRole.DESTINATION_HOST
    if last == "NAME" and prev in ("DB", "DATABASE"):
        return VarRole.CREDENTIAL
    if last in _OTHER_LAST or "TRUSTED" in cs:
        return VarRole.OTHER
    if last == "PORT" or n == "PGPORT":
        if prev in ("HOST", "PUBLISHED", "EXTERNAL", "EXPOSED", "PUBLIC"):
            return VarRole.OTHER  # the host side of a published port
        return VarRole.DESTINATION_PORT
    if n.endswith("TCP_ADDR") or n in ("PGHOST", "PGHOSTADDR"):
        return VarRole.DESTINATION_HOST
    if last in _URL_LAST or n.endswith(("CONNECTION_STRING", "BOOTSTRAP_SERVERS")):
        if last.startswith("ADDR") and cs & _NOT_ADDRESS:
            return VarRole.OTHER  # MAIL_FROM_ADDRESS
        return VarRole.DESTINATION_URL
    if last in _HOST_LAST:
        return VarRole.DESTINATION_HOST
    return VarRole.OTHER


def classify_variable(name: str, *, extra_destination_names: Iterable[str] = ()) -> VarRole:
    """What an environment variable's name says its value is for (case-insensitive;
    any prefix such as APP_ or MYAPP_ is allowed, since matching is by the last words).

    PUBLIC covers the app's own public address and accepted names: VIRTUAL_HOST,
    LETSENCRYPT_HOST, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, CORS_*, *_ORIGIN(S), *_DOMAIN(S),
    *_CALLBACK_URL, *_REDIRECT_URI/URL, *_EXTERNAL_URL, *_PUBLIC_URL, PUBLIC_URL, BASE_URL,
    SITE_URL, APP_URL, ROOT_URL, NEXTAUTH_URL, AUTH_URL, WEBHOOK_URL, FRONTEND_URL,
    CLIENT_URL, HOSTNAME, SERVER_NAME, KC_HOSTNAME*, NO_PROXY (see _PUBLIC_NAMES).
    extra_destination_names: exact names (any case) to treat as DESTINATION_URL.
    """
    upper = name.upper()
    if any(upper == e.upper() for e in extra_destination_names):
        return VarRole.DESTINATION_URL
    return _classify(name)


class VarInfo(Frozen):
    role: VarRole | None
    listeners: bool  # KAFKA_LISTENERS, *_ADVERTISED_LISTENERS
    hostport_ok: bool  # a host variable that accepts host:port
    setting: str | None  # the libpq setting it holds: PGSSLMODE -> "sslmode"
    http_host_ok: bool  # a host variable that may hold an http(s) URL (ES_HOST)
    hint: str | None  # scheme for bare hosts, from the name
    bare_ok: bool  # a bare host name (no ':') counts: ELASTICSEARCH_HOSTS=es

    __slots__ = ("bare_ok", "hint", "hostport_ok", "http_host_ok", "listeners", "role", "setting")

    def __init__(
        self,
        role: VarRole | None,
        listeners: bool = False,
        hostport_ok: bool = False,
        setting: str | None = None,
        http_host_ok: bool = False,
        hint: str | None = None,
        bare_ok: bool = False,
    ) -> None:
        set_field(self, "role", role)
        set_field(self, "listeners", listeners)
        set_field(self, "hostport_ok", hostport_ok)
        set_field(self, "setting", setting)
        set_field(self, "http_host_ok", http_host_ok)
        set_field(self, "hint", hint)
        set_field(self, "bare_ok", bare_ok)

    @property
    def sslmode(self) -> bool:
        return self.setting == "sslmode"


@lru_cache(maxsize=4096)
def var_info(variable: str) -> VarInfo:
    c = _components(variable)
    cs = set(c)
    n = "_".join(c)
    role = _classify(variable)
    return VarInfo(
        role=role,
        listeners="LISTENERS" in cs,
        hostport_ok=n in hostport_variables() or (bool(c) and c[-1] in _HOSTPORT_OK_LAST),
        setting="sslmode" if n in _SSLMODE_VARS else LIBPQ_ENV.get(n),
        http_host_ok=not (cs & _DB_WORDS),
        hint=next((s for words, s in _NAME_HINTS if cs & words), None),
        bare_ok=role in (VarRole.BIND, VarRole.ADVERTISED)
        or (role is VarRole.DESTINATION_URL and bool(c) and c[-1] in _LIST_LAST),
    )
