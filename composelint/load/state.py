"""Reading state snapshots: what ``docker inspect`` and friends print, into the state model.

A state file holds one or more JSON values, one after the other (what
``{ docker inspect $(docker ps -aq); docker network inspect $(docker network ls -q); }
> state.json`` writes). Each value is recognised by its shape, whatever the order:

* an array of ContainerInspect objects (``docker inspect``; Docker Engine API,
  "ContainerInspectResponse": ``Id``, ``Name`` with a leading ``/``, ``Created``,
  ``State.Running`` / ``State.StartedAt``, ``Config.Image`` / ``Config.Env`` /
  ``Config.Labels``, ``HostConfig.PortBindings``, ``Mounts``,
  ``NetworkSettings.Networks`` -> EndpointSettings ``Aliases`` / ``DNSNames``);
* an array of NetworkInspect objects (``docker network inspect``; "Network":
  ``Name``, ``Id``, ``Driver``, ``Scope``, ``IPAM``, ``Containers`` -> ``{Name}``,
  ``Labels``);
* ``docker compose ps --format json``: one object per line since Compose v2.21
  (docker/compose#10918; the docs were corrected in #13868), an array before; its
  objects carry ``Name``, ``Service``, ``Project``, ``State`` (a string), ``Image``,
  ``Labels`` and ``Networks`` as comma-separated strings, and ``Publishers``.

The file is input like any other: it is read through the shared bounded reader, and
anything unexpected (bad JSON, wrong shapes, wrong types) is one :class:`StateError`
with the line and column of the offending value, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from composelint import limits
from composelint.model.span import Span
from composelint.model.state import Container, Endpoint, EngineState, Mount, Network

if TYPE_CHECKING:
    from composelint.model.project import Problem

MAX_STATE_BYTES = limits.MAX_STATE_BYTES  # a module attribute, so that tests can lower it

WHAT_IT_IS = (
    "a state file is what docker inspect, docker network inspect or "
    "docker compose ps --format json prints"
)


class StateError(Exception):
    """A state file that cannot be used; ``line``/``col`` locate it (1-based)."""

    def __init__(
        self,
        message: str,
        line: int = 1,
        col: int = 1,
        *,
        note: str | None = None,
        help: str | None = None,
    ) -> None:
        super().__init__(message)
        self.line = line
        self.col = col
        self.note = note
        self.help = help


class _Shape(Exception):
    """A value of the wrong type, at a dotted path inside one element."""

    def __init__(self, message: str, note: str | None = None) -> None:
        super().__init__(message)
        self.note = note


def read_state(path: Path, display: str) -> EngineState:
    """Read and parse one state file (raises StateError)."""
    from composelint.load.sources import UnreadableFile, read_text

    try:
        text = read_text(path, max_bytes=MAX_STATE_BYTES)
    except UnreadableFile as exc:
        raise StateError(str(exc)) from None
    return parse_state(text, display)


def read_state_stream(stream: IO[Any], display: str) -> EngineState:
    """Read and parse a state from a stream (stdin), bounded like a file."""
    from composelint.load.sources import UnreadableFile, read_stream

    try:
        text = read_stream(stream, max_bytes=MAX_STATE_BYTES)
    except UnreadableFile as exc:
        raise StateError(str(exc)) from None
    return parse_state(text, display)


def parse_state(text: str, display: str) -> EngineState:
    state = EngineState(sources=[display])
    found = False
    for offset, value in _values(text):
        found = True
        items = value if isinstance(value, list) else [value]
        offsets = _element_offsets(text, offset) if isinstance(value, list) else [offset]
        for item, at in zip(items, offsets, strict=True):
            line, col = _position(text, at)
            try:
                _add(state, item, Span.point(display, line, col))
            except _Shape as exc:
                raise StateError(str(exc), line, col, note=exc.note, help=WHAT_IT_IS) from None
    if not found:
        raise StateError(
            "the file holds no JSON",
            note="docker inspect with no container prints nothing",
            help=WHAT_IT_IS,
        )
    return state


# -- JSON values and where they are ----------------------------------------------

_WS = " \t\r\n"


def _values(text: str) -> Iterator[tuple[int, Any]]:
    """Every top-level JSON value with its offset (concatenated values, NDJSON)."""
    decoder = json.JSONDecoder()
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in _WS:
            i += 1
        if i >= n:
            return
        start = i
        try:
            value, i = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise StateError(
                f"not JSON: {exc.msg}", exc.lineno, exc.colno, help=WHAT_IT_IS
            ) from None
        except (RecursionError, ValueError) as exc:  # absurd nesting, 5000-digit numbers
            line, col = _position(text, start)
            reason = "nested too deeply" if isinstance(exc, RecursionError) else "a huge number"
            raise StateError(f"not usable JSON: {reason}", line, col, help=WHAT_IT_IS) from None
        yield start, value


def _element_offsets(text: str, start: int) -> list[int]:
    """Offsets of the elements of the (valid) array that starts at ``start``."""
    decoder = json.JSONDecoder()
    out: list[int] = []
    i = start + 1
    while True:
        while text[i] in _WS or text[i] == ",":
            i += 1
        if text[i] == "]":
            return out
        out.append(i)
        _, i = decoder.raw_decode(text, i)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# -- shapes -------------------------------------------------------------------


def _add(state: EngineState, item: Any, origin: Span) -> None:
    if not isinstance(item, dict):
        raise _Shape(f"expected an object (a container or a network), found {_kind(item)}")
    if isinstance(item.get("Config"), dict) or isinstance(item.get("NetworkSettings"), dict):
        state.containers.append(_container(item, origin))
        state.has_containers = True
    elif "Service" in item and "Project" in item:
        state.containers.append(_ps_entry(item, origin))
        state.has_containers = True
    elif "Name" in item and ("Driver" in item or "IPAM" in item or "Scope" in item):
        state.networks.append(_network(item))
        state.has_networks = True
    else:
        keys = ", ".join(sorted(str(k) for k in item)[:6]) or "no keys"
        raise _Shape(
            "an object that is not a container, a network or a compose ps entry",
            note=f"its keys: {keys}",
        )


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }.get(type(v), type(v).__name__)


def _get(obj: dict[str, Any], path: str, want: type, default: Any = None) -> Any:
    """``obj["A"]["B"]`` for path ``A.B``; missing or null -> ``default``; another type
    -> _Shape naming the path."""
    cur: Any = obj
    parts = path.split(".")
    for i, part in enumerate(parts):
        if not isinstance(cur, dict):
            raise _Shape(f"{'.'.join(parts[:i])} is {_kind(cur)}, expected an object")
        cur = cur.get(part)
        if cur is None:
            return default
    if want is str and isinstance(cur, str):
        return cur
    if want is not str and isinstance(cur, want) and not (want is int and isinstance(cur, bool)):
        return cur
    raise _Shape(f"{path} is {_kind(cur)}, expected {_kind(want())}")


def _strings(value: Any, path: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise _Shape(f"{path} must be an array of strings")
    return value


def _string_map(value: Any, path: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _Shape(f"{path} must be an object of strings")
    return value


def _container(obj: dict[str, Any], origin: Span) -> Container:
    name = _get(obj, "Name", str, "").lstrip("/")
    if not name:
        raise _Shape("a container without a Name")
    env: dict[str, str] = {}
    for entry in _strings(_get(obj, "Config.Env", list), "Config.Env"):
        key, _, value = entry.partition("=")
        env[key] = value
    endpoints = []
    for net, ep in _get(obj, "NetworkSettings.Networks", dict, {}).items():
        if ep is None:
            ep = {}
        if not isinstance(ep, dict):
            raise _Shape(f"NetworkSettings.Networks.{net} is {_kind(ep)}, expected an object")
        aliases = _strings(ep.get("Aliases"), f"NetworkSettings.Networks.{net}.Aliases")
        dns = _strings(ep.get("DNSNames"), f"NetworkSettings.Networks.{net}.DNSNames")
        ip = ep.get("IPAddress")
        endpoints.append(
            Endpoint(
                str(net),
                tuple(dict.fromkeys([*aliases, *dns])),
                ip if isinstance(ip, str) and ip else None,
            )
        )
    ports: set[tuple[int, str, str]] = set()
    for key, binds in _get(obj, "HostConfig.PortBindings", dict, {}).items():
        port, _, proto = str(key).partition("/")
        if binds is None:
            continue
        if not port.isdigit() or not isinstance(binds, list):
            raise _Shape(f"HostConfig.PortBindings.{key} is not a port binding list")
        for b in binds:
            host = b.get("HostPort") if isinstance(b, dict) else None
            if not isinstance(host, str):
                raise _Shape(f"HostConfig.PortBindings.{key}: HostPort must be a string")
            ports.add((int(port), proto or "tcp", host))
    mounts = []
    for i, m in enumerate(_get(obj, "Mounts", list, [])):
        if not isinstance(m, dict) or not isinstance(m.get("Destination"), str):
            raise _Shape(f"Mounts[{i}] has no Destination")
        mounts.append(
            Mount(
                str(m.get("Type") or ""),
                m["Destination"],
                str(m.get("Source") or ""),
                str(m.get("Name") or ""),
            )
        )
    return Container(
        name=name,
        id=_get(obj, "Id", str, ""),
        labels=_string_map(_get(obj, "Config.Labels", dict), "Config.Labels"),
        endpoints=tuple(endpoints),
        network_names=tuple(e.network for e in endpoints),
        env=env,
        image=_get(obj, "Config.Image", str),
        ports=frozenset(ports),
        mounts=tuple(mounts),
        running=_get(obj, "State.Running", bool, False),
        started_at=_get(obj, "State.StartedAt", str, ""),
        origin=origin,
    )


def _ps_entry(obj: dict[str, Any], origin: Span) -> Container:
    """A ``docker compose ps --format json`` object: no environment, aliases or mounts."""
    name = _get(obj, "Name", str, "")
    if not name:
        raise _Shape("a docker compose ps entry without a Name")
    labels = _split_labels(_get(obj, "Labels", str, ""))
    labels.setdefault("com.docker.compose.project", _get(obj, "Project", str, ""))
    labels.setdefault("com.docker.compose.service", _get(obj, "Service", str, ""))
    nets = tuple(n for n in _get(obj, "Networks", str, "").split(",") if n)
    ports: set[tuple[int, str, str]] = set()
    for pub in _get(obj, "Publishers", list, []):
        if not isinstance(pub, dict):
            raise _Shape("Publishers must be an array of objects")
        target, published = pub.get("TargetPort"), pub.get("PublishedPort")
        if isinstance(target, int) and isinstance(published, int) and published:
            ports.add((target, str(pub.get("Protocol") or "tcp"), str(published)))
    return Container(
        name=name,
        id=_get(obj, "ID", str, ""),
        labels=labels,
        network_names=nets,
        image=_get(obj, "Image", str),
        ports=frozenset(ports),
        running=_get(obj, "State", str, "") == "running",
        origin=origin,
    )


def _split_labels(text: str) -> dict[str, str]:
    """``a=1,b=2`` -> {"a": "1", "b": "2"} (how compose ps prints Labels)."""
    out: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if sep:
            out[key] = value
    return out


def _network(obj: dict[str, Any]) -> Network:
    name = _get(obj, "Name", str, "")
    if not name:
        raise _Shape("a network without a Name")
    members = []
    for cid, ep in _get(obj, "Containers", dict, {}).items():
        cname = ep.get("Name") if isinstance(ep, dict) else None
        members.append(cname if isinstance(cname, str) and cname else str(cid))
    return Network(
        name=name,
        id=_get(obj, "Id", str, ""),
        labels=_string_map(_get(obj, "Labels", dict), "Labels"),
        containers=tuple(members),
    )


def load_states(
    paths: list[str], cwd: Path, stdin: IO[Any] | None = None
) -> tuple[EngineState | None, list[Problem]]:
    """The merged state of every ``--state`` file (``-``: ``stdin``), and one fatal
    problem per file that could not be used (the others still count)."""
    from composelint.load.sources import display_path, resolve_path
    from composelint.model.project import Problem

    merged: EngineState | None = None
    problems: list[Problem] = []
    for arg in paths:
        path = None if arg == "-" else resolve_path(arg, cwd)
        display = "<stdin>" if path is None else display_path(path, cwd)
        try:
            if path is None:
                state = read_state_stream(stdin if stdin is not None else sys.stdin, display)
            else:
                state = read_state(path, display)
        except StateError as exc:
            problems.append(
                Problem(
                    STATE_RULE,
                    f"state file: {exc}",
                    Span.point(display, exc.line, exc.col),
                    fatal=True,
                    note=exc.note,
                    help=exc.help,
                )
            )
            continue
        if merged is None:
            merged = state
        else:
            merged.merge(state)
    return merged, problems


STATE_RULE = "state-file-invalid"
