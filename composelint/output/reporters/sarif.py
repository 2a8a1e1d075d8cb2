"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` describes every rule that has a result (id = code,
name, short description = summary, full description = the docs' "What it catches",
help = the whole Markdown docs, default level). Each result has ``ruleId``,
``ruleIndex``, ``level``, a masked ``message`` (``text`` is the one-clause message;
when the finding has a note or help, ``markdown`` adds them as paragraphs and the
result's ``properties`` carry them as ``note`` and ``help``), one physical location (relative
URIs under ``%SRCROOT%``; columns count Unicode code points, ends exclusive),
``relatedLocations``, ``partialFingerprints`` (``composelint.lint.fingerprint``) and
``fixes`` when the finding has one. No source snippets are included. A finding
about no particular file (an unreadable path argument, an internal error) is a
tool execution notification of the invocation instead, as SARIF consumers need a
location on every result; such an error makes ``executionSuccessful`` false.
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from composelint import __version__
from composelint.lint.engine import INTERNAL_CODE
from composelint.lint.fingerprint import fingerprints
from composelint.model.findings import Finding, Fix, Severity
from composelint.model.span import Span
from composelint.output.redact import mask_text, shown_replacement
from composelint.output.reporters import Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "composelint/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_SECTION = re.compile(r"^##[ \t]+What it catches[ \t]*\n(?P<body>.*?)(?=^##[ \t]|\Z)", re.M | re.S)


def artifact_location(path: str) -> dict[str, Any]:
    """A relative display path under ``%SRCROOT%``; an absolute one as a file URI."""
    if PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute():
        absolute = PureWindowsPath(path) if PureWindowsPath(path).drive else PurePosixPath(path)
        return {"uri": absolute.as_uri()}
    return {"uri": quote(path.replace("\\", "/")), "uriBaseId": "%SRCROOT%"}


def region(span: Span) -> dict[str, int]:
    return {
        "startLine": span.line,
        "startColumn": span.col,
        "endLine": span.end_line,
        "endColumn": span.end_col,
    }


def _physical(span: Span) -> dict[str, Any]:
    return {"artifactLocation": artifact_location(span.path), "region": region(span)}


def _what_it_catches(doc: str) -> str:
    m = _SECTION.search(doc)
    if m is None:
        return ""
    return m.group("body").strip()


def _descriptor(f: Finding, report: Report) -> dict[str, Any]:
    rule = report.rules.get(f.code)
    if rule is None or rule.name != f.name:  # an internal error, or a rule we know nothing of
        return {
            "id": f.code,
            "name": f.name,
            "defaultConfiguration": {"level": LEVELS[f.severity]},
        }
    doc = inspect.cleandoc(rule.doc)
    out: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
    }
    full = _what_it_catches(doc)
    if full:
        out["fullDescription"] = {"text": full, "markdown": full}
    out["help"] = {"text": doc, "markdown": doc}
    out["defaultConfiguration"] = {"level": LEVELS[rule.severity]}
    return out


def _fixes(fix: Fix) -> list[dict[str, Any]]:
    changes: dict[str, list[dict[str, Any]]] = {}
    for e in fix.edits:
        changes.setdefault(e.span.path, []).append(
            {"deletedRegion": region(e.span), "insertedContent": {"text": shown_replacement(e)}}
        )
    return [
        {
            "description": {"text": mask_text(fix.description)},
            "artifactChanges": [
                {"artifactLocation": artifact_location(path), "replacements": replacements}
                for path, replacements in changes.items()
            ],
        }
    ]


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&#|~])")  # CommonMark + GFM inline syntax


def _markdown(text: str) -> str:
    """Plain text as Markdown that renders as the same text."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _message(f: Finding) -> dict[str, str]:
    """``text`` the message; ``markdown`` also the note and the help, when there are any."""
    text = mask_text(f.message)
    out = {"text": text}
    if f.note or f.help:
        paragraphs = [_markdown(text)]
        if f.note:
            paragraphs.append(_markdown(mask_text(f.note)))
        if f.help:
            paragraphs.append("**help:** " + _markdown(mask_text(f.help)))
        out["markdown"] = "\n\n".join(paragraphs)
    return out


def _result(f: Finding, rule_index: int, fp: str) -> dict[str, Any]:
    assert f.span is not None
    out: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": LEVELS[f.severity],
        "message": _message(f),
        "locations": [{"physicalLocation": _physical(f.span)}],
    }
    if f.related:
        out["relatedLocations"] = [
            {
                "id": i,
                "physicalLocation": _physical(r.span),
                "message": {"text": mask_text(r.message)},
            }
            for i, r in enumerate(f.related, start=1)
        ]
    out["partialFingerprints"] = {FINGERPRINT_KEY: fp}
    if f.fix is not None and f.fix.edits:
        out["fixes"] = _fixes(f.fix)
    properties = {k: mask_text(v) for k, v in (("note", f.note), ("help", f.help)) if v}
    if properties:
        out["properties"] = properties
    return out


def sarif_log(report: Report) -> dict[str, Any]:
    """The SARIF log as plain data."""
    findings = list(report.findings)
    located = [f for f in findings if f.span is not None]
    unlocated = [f for f in findings if f.span is None]
    rules: list[dict[str, Any]] = []
    index: dict[tuple[str, str], int] = {}
    for f in located:
        if (f.code, f.name) not in index:
            index[(f.code, f.name)] = len(rules)
            rules.append(_descriptor(f, report))
    results = [
        _result(f, index[(f.code, f.name)], fp)
        for f, fp in zip(located, fingerprints(located, report.sources), strict=True)
    ]
    invocation: dict[str, Any] = {
        "executionSuccessful": not any(
            f.code == INTERNAL_CODE or (f.span is None and f.severity is Severity.ERROR)
            for f in findings
        )
    }
    if unlocated:
        invocation["toolExecutionNotifications"] = [
            {
                "level": LEVELS[f.severity],
                "message": _message(f),
                "descriptor": {"id": f.code},
            }
            for f in unlocated
        ]
    driver = {"name": "composelint", "version": __version__, "rules": rules}
    run = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report) -> str:
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"
