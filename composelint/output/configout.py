"""Print the resolved model the way ``docker compose config`` does.

Key order follows compose v2.40: in YAML the top level is ``name, services,
networks, volumes, secrets, configs, models`` then extensions; in JSON the top
level is sorted. Names (services, networks, environment keys ...) and service
attributes are sorted; the structs compose prints in field order (ports,
volumes, healthcheck, ...) use that order. Unknown keys follow, sorted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cmp_to_key
from typing import Any

_OLD_BOOLS = frozenset(
    [
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
    ]
)
# strings go-yaml would read back as another type: it double-quotes them
_GO_NOT_STR = re.compile(
    r"""^(?:
      |~|null|Null|NULL|true|True|TRUE|false|False|FALSE
      |[-+]?(?:0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)
      |[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?
      |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
      |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
      |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?
    )$""",
    re.VERBOSE,
)
TOP_YAML = ("name", "services", "networks", "volumes", "secrets", "configs", "models")
_PORT = ("name", "mode", "host_ip", "target", "published", "protocol", "app_protocol")
_SVC_VOLUME = (
    "type",
    "source",
    "target",
    "read_only",
    "consistency",
    "bind",
    "volume",
    "tmpfs",
    "image",
)
_HEALTHCHECK = (
    "test",
    "timeout",
    "interval",
    "retries",
    "start_period",
    "start_interval",
    "disable",
)
_DEPENDENCY = ("condition", "restart", "required")
_SVC_NETWORK = (
    "aliases",
    "driver_opts",
    "gw_priority",
    "interface_name",
    "ipv4_address",
    "ipv6_address",
    "link_local_ips",
    "mac_address",
    "priority",
)
_SVC_FILE = ("source", "target", "uid", "gid", "mode")
_BUILD = (
    "context",
    "dockerfile",
    "dockerfile_inline",
    "entitlements",
    "args",
    "ssh",
    "labels",
    "cache_from",
    "cache_to",
    "no_cache",
    "additional_contexts",
    "network",
    "pull",
    "target",
    "shm_size",
    "extra_hosts",
    "isolation",
    "privileged",
    "secrets",
    "tags",
    "ulimits",
    "platforms",
)
_NETWORK = (
    "name",
    "driver",
    "driver_opts",
    "ipam",
    "external",
    "internal",
    "enable_ipv4",
    "enable_ipv6",
    "attachable",
    "labels",
)
_VOLUME = ("name", "driver", "driver_opts", "external", "labels")
_FILE_OBJECT = (
    "name",
    "file",
    "environment",
    "content",
    "external",
    "labels",
    "driver",
    "driver_opts",
    "template_driver",
)


_DEPLOY = (
    "mode",
    "replicas",
    "labels",
    "update_config",
    "rollback_config",
    "resources",
    "restart_policy",
    "placement",
    "endpoint_mode",
)
_SERVICE_FIELDS = tuple(
    [
        "profiles",
        "annotations",
        "attach",
        "build",
        "develop",
        "blkio_config",
        "cap_add",
        "cap_drop",
        "cgroup_parent",
        "cgroup",
        "cpu_count",
        "cpu_percent",
        "cpu_period",
        "cpu_quota",
        "cpu_rt_period",
        "cpu_rt_runtime",
        "cpus",
        "cpuset",
        "cpu_shares",
        "command",
        "configs",
        "container_name",
        "credential_spec",
        "depends_on",
        "deploy",
        "device_cgroup_rules",
        "devices",
        "dns",
        "dns_opt",
        "dns_search",
        "dockerfile",
        "domainname",
        "entrypoint",
        "provider",
        "environment",
        "env_file",
        "expose",
        "extends",
        "external_links",
        "extra_hosts",
        "group_add",
        "gpus",
        "hostname",
        "healthcheck",
        "image",
        "init",
        "ipc",
        "isolation",
        "labels",
        "label_file",
        "links",
        "logging",
        "log_driver",
        "log_opt",
        "mem_limit",
        "mem_reservation",
        "memswap_limit",
        "mem_swappiness",
        "mac_address",
        "models",
        "net",
        "network_mode",
        "networks",
        "oom_kill_disable",
        "oom_score_adj",
        "pid",
        "pids_limit",
        "platform",
        "ports",
        "privileged",
        "pull_policy",
        "read_only",
        "restart",
        "runtime",
        "scale",
        "secrets",
        "security_opt",
        "shm_size",
        "stdin_open",
        "stop_grace_period",
        "stop_signal",
        "storage_opt",
        "sysctls",
        "tmpfs",
        "tty",
        "ulimits",
        "use_api_socket",
        "user",
        "userns_mode",
        "uts",
        "volume_driver",
        "volumes",
        "volumes_from",
        "working_dir",
        "post_start",
        "pre_stop",
    ]
)
_RESOURCE = ("cpus", "memory", "pids", "devices", "generic_resources")
_UPDATE = ("parallelism", "delay", "failure_action", "monitor", "max_failure_ratio", "order")
_IPAM = ("driver", "config", "options")
_BIND = ("selinux", "propagation", "create_host_path", "recursive")
_VOLUME_OPTS = ("labels", "nocopy", "subpath")
_TMPFS = ("size", "mode")
_IPAM_POOL = ("subnet", "ip_range", "gateway", "aux_addresses")


@dataclass(frozen=True)
class _Spec:
    """How compose orders a value: a struct's field order (other keys follow, sorted),
    specs of some fields, and the spec of every item / map value."""

    order: tuple[str, ...] = ()
    fields: dict[str, _Spec] = field(default_factory=dict)
    each: _Spec | None = None


_PLAIN = _Spec()
_DEPLOY_SPEC = _Spec(
    _DEPLOY,
    {
        "resources": _Spec(("limits", "reservations"), each=_Spec(_RESOURCE)),
        "restart_policy": _Spec(("condition", "delay", "max_attempts", "window")),
        "placement": _Spec(("constraints", "preferences", "max_replicas_per_node")),
        "update_config": _Spec(_UPDATE),
        "rollback_config": _Spec(_UPDATE),
    },
)
_SERVICE = _Spec(
    _SERVICE_FIELDS,
    fields={
        "ports": _Spec(each=_Spec(_PORT)),
        "volumes": _Spec(
            each=_Spec(
                _SVC_VOLUME,
                {"bind": _Spec(_BIND), "volume": _Spec(_VOLUME_OPTS), "tmpfs": _Spec(_TMPFS)},
            )
        ),
        "secrets": _Spec(each=_Spec(_SVC_FILE)),
        "configs": _Spec(each=_Spec(_SVC_FILE)),
        "healthcheck": _Spec(_HEALTHCHECK),
        "build": _Spec(_BUILD),
        "deploy": _DEPLOY_SPEC,
        "devices": _Spec(each=_Spec(("source", "target", "permissions"))),
        "ulimits": _Spec(each=_Spec(("single", "soft", "hard"))),
        "depends_on": _Spec(each=_Spec(_DEPENDENCY)),
        "networks": _Spec(each=_Spec(_SVC_NETWORK)),
    },
)
_NETWORK_SPEC = _Spec(_NETWORK, {"ipam": _Spec(_IPAM, {"config": _Spec(each=_Spec(_IPAM_POOL))})})
_TOP_FIELDS = {
    "services": _Spec(each=_SERVICE),
    "networks": _Spec(each=_NETWORK_SPEC),
    "volumes": _Spec(each=_Spec(_VOLUME)),
    "secrets": _Spec(each=_Spec(_FILE_OBJECT)),
    "configs": _Spec(each=_Spec(_FILE_OBJECT)),
}


def _go_yaml_less(a: str, b: str) -> bool:
    """go-yaml v3's map key order: letters after other characters, digit runs by value."""
    digits = False
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            digits = ca.isdigit()
            continue
        al, bl = ca.isalpha(), cb.isalpha()
        if al and bl:
            return ca < cb
        if al or bl:
            return al if digits else bl
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and a[j].isdigit():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdigit():
            an, ai = an * 10 + int(a[ai]), ai + 1
        bi = i
        while bi < len(b) and b[bi].isdigit():
            bn, bi = bn * 10 + int(b[bi]), bi + 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


def _go_yaml_cmp(a: str, b: str) -> int:
    return -1 if _go_yaml_less(a, b) else (1 if _go_yaml_less(b, a) else 0)


_GO_YAML_KEY = cmp_to_key(_go_yaml_cmp)


def _order(value: Any, spec: _Spec, key: Callable[[str], Any] | None) -> Any:
    """Maps sorted by key, structs in field order, recursively."""
    if isinstance(value, list):
        return [_order(v, spec.each or _PLAIN, key) for v in value]
    if not isinstance(value, dict):
        return value
    head = [k for k in spec.order if k in value]
    keys = head + sorted((k for k in value if k not in spec.order), key=key)
    return {k: _order(value[k], spec.fields.get(k) or spec.each or _PLAIN, key) for k in keys}


def order_like_compose(model: dict[str, Any], *, json_order: bool = False) -> dict[str, Any]:
    """YAML maps in go-yaml's key order; JSON maps in Go's encoding/json (byte) order."""
    top = _Spec(() if json_order else TOP_YAML, _TOP_FIELDS)
    out: dict[str, Any] = _order(model, top, None if json_order else _GO_YAML_KEY)
    if not json_order:  # extensions come last
        ext = [k for k in out if k.startswith("x-")]
        out = {
            **{k: v for k, v in out.items() if not k.startswith("x-")},
            **{k: out[k] for k in ext},
        }
    return out


def _escape_dollars(value: Any) -> Any:
    """Compose prints every literal ``$`` as ``$$`` (keys too), so that its output can be
    read back without interpolation."""
    if isinstance(value, str):
        return value.replace("$", "$$")
    if isinstance(value, dict):
        return {_escape_dollars(k): _escape_dollars(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escape_dollars(v) for v in value]
    return value


def _omit_empty(model: dict[str, Any]) -> dict[str, Any]:
    """Compose's YAML leaves out what its JSON prints as ``null`` / ``{}``: a service's
    unset ``command`` and ``entrypoint``, an empty ``deploy.placement`` or
    ``deploy.resources``, a network's
    empty ``ipam``."""
    out = dict(model)
    if isinstance(out.get("services"), dict):
        out["services"] = {name: _omit_empty_service(svc) for name, svc in out["services"].items()}
    if isinstance(out.get("networks"), dict):
        out["networks"] = {
            name: {k: v for k, v in net.items() if not (k == "ipam" and v == {})}
            if isinstance(net, dict)
            else net
            for name, net in out["networks"].items()
        }
    return out


def _omit_empty_service(svc: Any) -> Any:
    if not isinstance(svc, dict):
        return svc
    out = {k: v for k, v in svc.items() if not (k in ("command", "entrypoint") and v is None)}
    deploy = out.get("deploy")
    if isinstance(deploy, dict):
        out["deploy"] = {
            k: v for k, v in deploy.items() if not (k in ("placement", "resources") and v == {})
        }
    return out


def _without_nested_extensions(model: dict[str, Any]) -> dict[str, Any]:
    """Compose's JSON output keeps top-level ``x-`` keys but drops the ones inside
    services, networks, build ... (its YAML output keeps them all)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if not str(k).startswith("x-")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return {k: (v if k.startswith("x-") else strip(v)) for k, v in model.items()}


def output_problem(model: dict[str, Any], read_chars: int) -> str | None:
    """Why the model is not printed, or None: what ``config`` prints is bounded by a
    multiple of what it read (``composelint.limits``), however far aliases and
    interpolation expanded it. Estimated before rendering, which would cost more."""
    from composelint import limits

    bound = limits.OUTPUT_FACTOR * read_chars + limits.OUTPUT_SLACK
    size, stack = 0, [model]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            size += sum(len(str(k)) + 4 for k in value)
            stack.extend(value.values())
        elif isinstance(value, list):
            size += 4 * len(value)
            stack.extend(value)
        else:
            size += len(str(value)) + 1
        if size > bound:
            return (
                f"the resolved project is larger than {bound} characters "
                f"({limits.OUTPUT_FACTOR} times the {read_chars} read, plus "
                f"{limits.OUTPUT_SLACK}): not printed"
            )
    return None


def render_config(model: dict[str, Any], fmt: str = "yaml", *, show_secrets: bool = False) -> str:
    """The model as ``docker compose config`` prints it, secrets masked unless asked."""
    if not show_secrets:
        from composelint.output.redact import redact_plain

        model = redact_plain(model)
    if fmt == "json":
        return (
            json.dumps(
                order_like_compose(
                    _escape_dollars(_without_nested_extensions(model)), json_order=True
                ),
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
    from composelint.output.yamlemit import emit

    data = _omit_empty(order_like_compose(_escape_dollars(model)))
    fast = emit(data, go_double_quotes)
    return fast if fast is not None else pyyaml_dump(data)


def go_double_quotes(value: str) -> bool:
    """Strings go-yaml would read back as another type (a number, a YAML 1.1 boolean
    such as "Y" or "on"): ``config`` double-quotes them."""
    return bool(_GO_NOT_STR.match(value)) or value in _OLD_BOOLS


def pyyaml_dump(data: Any) -> str:
    """``data`` as YAML in go-yaml v3's style, by PyYAML (``yamlemit`` writes the same
    bytes faster, and falls back to this for what it does not know)."""
    import yaml

    class _NoAliasDumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)  # indent lists under their key, as compose does

        def choose_scalar_style(self) -> str:
            # as go-yaml v3: a string holding a newline as a literal block when the
            # emitter allows it; a string that would read back as another type
            # double-quoted
            event = self.event
            if isinstance(event, yaml.ScalarEvent) and event.tag == "tag:yaml.org,2002:str":
                if "\n" in event.value:
                    event.style = "|"
                elif go_double_quotes(event.value):
                    event.style = '"'
            style: str = super().choose_scalar_style()
            return style

    text: str = yaml.dump(
        data,
        width=1_000_000,
        Dumper=_NoAliasDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
    )
    return text
