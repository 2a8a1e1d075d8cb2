"""A Kafka broker advertises `localhost` to the containers that connect to it.

## What it catches

A broker whose `KAFKA_ADVERTISED_LISTENERS`, `KAFKA_CFG_ADVERTISED_LISTENERS` or
(legacy images) `KAFKA_ADVERTISED_HOST_NAME` announces `localhost` / `127.0.0.1`
on the listener another service of the project connects to. The listener is
matched by port: the client's port is looked up in `KAFKA_LISTENERS` /
`KAFKA_CFG_LISTENERS` (or, without them, among the advertised ports). The usual
two-listener setup — `PLAINTEXT://kafka:29092` for containers and
`PLAINTEXT_HOST://localhost:9092` for the host — is fine as long as the other
containers use port 29092.

## Why it matters

A Kafka client only uses the bootstrap address for the first request; the broker
then answers with its *advertised* address, and every later connection goes
there. Advertising `localhost` sends the client to its own container: it logs
`Connection to node 1 (localhost/127.0.0.1:9092) could not be established. Broker
may not be available.` and never produces or consumes, although the bootstrap
server name and port are right.

## Bad

```yaml
services:
  kafka:
    image: bitnami/kafka:3.7
    environment:
      KAFKA_CFG_LISTENERS: PLAINTEXT://:9092,CONTROLLER://:9093
      KAFKA_CFG_ADVERTISED_LISTENERS: PLAINTEXT://localhost:9092
  app:
    image: acme/app
    environment:
      KAFKA_BOOTSTRAP_SERVERS: kafka:9092
```

## Good

```yaml
services:
  kafka:
    image: bitnami/kafka:3.7
    environment:
      KAFKA_CFG_LISTENERS: PLAINTEXT://:9092,CONTROLLER://:9093,EXTERNAL://:9094
      KAFKA_CFG_ADVERTISED_LISTENERS: PLAINTEXT://kafka:9092,EXTERNAL://localhost:9094
      KAFKA_CFG_LISTENER_SECURITY_PROTOCOL_MAP: PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT
  app:
    image: acme/app
    environment:
      KAFKA_BOOTSTRAP_SERVERS: kafka:9092
```
"""

from __future__ import annotations

from collections.abc import Iterator

from composelint.analysis.connections import Route, env_text, routes
from composelint.analysis.connectivity import Connection
from composelint.analysis.connstrings import parse_value
from composelint.model.context import RuleContext
from composelint.model.findings import Related, Violation

code = "CMP210"
name = "kafka-advertised-loopback"
summary = "A Kafka broker advertises localhost to the containers that connect to it"
severity = "error"

_ADVERTISED = ("KAFKA_ADVERTISED_LISTENERS", "KAFKA_CFG_ADVERTISED_LISTENERS")
_LISTENERS = ("KAFKA_LISTENERS", "KAFKA_CFG_LISTENERS")


def _listener_names(project: RuleContext, broker: str) -> dict[int, str]:
    """port -> listener name, from the broker's bind listeners."""
    out: dict[int, str] = {}
    for var in _LISTENERS:
        text = env_text(project, broker, var)
        if text:
            for d in parse_value(text, var).destinations:
                if d.port is not None and d.raw_scheme:
                    out[d.port] = d.raw_scheme.upper()
    return out


def _advertised(project: RuleContext, broker: str) -> list[Connection]:
    return project.view(_all_advertised).get(broker, [])


def _all_advertised(project: RuleContext) -> dict[str, list[Connection]]:
    """Advertised listeners by broker service (one pass over the inventory)."""
    from composelint.analysis.connectivity import connections

    names = {*_ADVERTISED, "KAFKA_ADVERTISED_HOST_NAME"}
    out: dict[str, list[Connection]] = {}
    for c in connections(project):
        if c.variable is not None and c.variable.upper() in names:
            out.setdefault(c.client, []).append(c)
    return out


def _used(
    ads: list[Connection], names: dict[int, str], client_port: int | None
) -> Connection | None:
    """The advertised listener a client on ``client_port`` is handed."""
    listener = names.get(client_port) if client_port is not None else None
    if listener is not None:
        return next((a for a in ads if (a.dest.raw_scheme or "").upper() == listener), None)
    by_port = [a for a in ads if a.dest.port == client_port]
    if by_port:
        return by_port[0]
    if len(ads) == 1:
        return ads[0]  # one listener: everyone is handed it
    return None


def check(project: RuleContext) -> Iterator[Violation]:
    from composelint.analysis.connectivity import is_loopback

    by_broker: dict[str, list[Route]] = {}
    for route in routes(project):
        by_broker.setdefault(route.target.name, []).append(route)
    for broker, clients in by_broker.items():
        ads = _advertised(project, broker)
        if not ads:
            continue
        names = _listener_names(project, broker)
        reported: set[int] = set()
        for route in clients:
            ad = _used(ads, names, route.conn.port)
            if ad is None or id(ad) in reported or not is_loopback(ad.host):
                continue
            reported.add(id(ad))
            conn = route.conn
            yield Violation(
                f"{broker} advertises {ad.host!r} ({ad.variable}) on the listener {route.client} uses",
                ad.span,
                (Related(conn.span, f"{route.client} connects to {broker} here"),)
                if conn.span
                else (),
                note=f"{route.client} connects to {conn.host}:{conn.port}, and Kafka clients "
                "reconnect to the advertised address, which is "
                f"{route.client}'s own container, and fail with \"Connection to node ... could "
                'not be established. Broker may not be available"',
                help=f"advertise {broker}:<port> for containers (and a separate listener with "
                "localhost for the host)",
            )
