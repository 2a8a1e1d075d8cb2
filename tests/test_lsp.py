"""The language server: position mapping, project lookup, and the real server
driven over pipes by a minimal JSON-RPC client (no mocks)."""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from composelint.lsp import (
    Session,
    disable_edit,
    lsp_range,
    path_to_uri,
    split_lines,
    text_edits,
    uri_to_path,
    utf16_column,
)
from composelint.model.span import Span

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 20.0  # seconds for any one expected message: the test cannot hang CI

# -- pure helpers --------------------------------------------------------------------


def test_utf16_column_counts_astral_characters_twice() -> None:
    line = '    command: "é😀 ${MISSING}"'
    assert line.index("$") + 1 == 18  # our 1-based code-point column
    assert utf16_column(line, 18) == 18  # é is one unit, 😀 two: 17 code points = 18 units
    assert utf16_column("abc", 1) == 0
    assert utf16_column("abc", 99) == 3  # clamped to the line


def test_lsp_range_is_zero_based_and_clamped() -> None:
    lines = split_lines("a: 1\r\nb: é😀x\n")
    assert lines == ["a: 1", "b: é😀x", ""]
    assert lsp_range(Span("f", 2, 6, 2, 7), lines) == ((1, 6), (1, 7))
    assert lsp_range(Span("f", 9, 1, 9, 2), lines) == ((2, 0), (2, 0))  # past the end
    assert lsp_range(Span("f", 1, 1, 1, 1), lines) == ((0, 0), (0, 0))


def test_text_edits_cover_only_the_changed_lines() -> None:
    old = "a: 1\r\nb: 😀 2\r\nc: 3"
    assert text_edits(old, old) == []
    assert text_edits(old, "a: 1\r\nb: 😀 2\r\nc: 4\n") == [((2, 0), (2, 4), "c: 4\n")]
    assert text_edits(old, "b: 😀 2\r\nc: 3") == [((0, 0), (1, 0), "")]
    assert text_edits("x\n", "x\ny\n") == [((1, 0), (1, 0), "y\n")]
    assert text_edits("", "a\n") == [((0, 0), (0, 0), "a\n")]


def test_uri_round_trip_with_escapes(tmp_path: Path) -> None:
    path = tmp_path / "my dir" / "compose.yaml"
    uri = path_to_uri(path)
    assert "%20" in uri
    assert uri_to_path(uri) == path.parent.resolve() / path.name
    assert uri_to_path("untitled:Untitled-1") is None


def test_env_file_and_override_map_to_their_projects(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    (tmp_path / "compose.override.yaml").write_text("services:\n  web:\n    ports: ['80']\n")
    (tmp_path / "compose.prod.yaml").write_text("services:\n  db:\n    image: postgres\n")
    (tmp_path / ".env").write_text("A=1\n")
    session = Session()
    root = tmp_path.resolve()
    main = [root / "compose.yaml", root / "compose.override.yaml"]
    assert [s.compose_files for s in session.specs_for(root / "compose.override.yaml")] == [main]
    assert [s.compose_files for s in session.specs_for(root / ".env")] == [
        main,
        [root / "compose.prod.yaml"],
    ]


def test_an_included_file_maps_to_the_project_that_includes_it(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("include: [compose.app.yml, nginx/compose.yml]\n")
    (tmp_path / "compose.app.yml").write_text("services:\n  web:\n    image: nginx\n")
    (tmp_path / "nginx").mkdir()
    (tmp_path / "nginx" / "compose.yml").write_text("services:\n  proxy:\n    image: nginx\n")
    root = tmp_path.resolve()
    for fragment in (root / "compose.app.yml", root / "nginx" / "compose.yml"):
        specs = Session().specs_for(fragment)
        assert [s.compose_files for s in specs] == [[root / "compose.yaml"]]


def test_buffer_overrides_the_file_on_disk(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    (tmp_path / ".env").write_text("TAG=1\n")
    session = Session()
    compose = tmp_path.resolve() / "compose.yaml"
    (spec,) = session.specs_for(compose)
    buffer = "services:\n  web:\n    image: nginx:${TAG}${NOPE}\n"
    result = session.lint(spec, {compose: buffer})
    found = [(f.name, f.span) for f in result.files[compose].findings]
    assert ("var-undefined", Span("compose.yaml", 3, 24, 3, 31)) in found
    assert result.files[tmp_path.resolve() / ".env"].findings == []
    # a .env buffer feeds interpolation too, and a file read through it is re-linted with it
    result = session.lint(spec, {compose: buffer, tmp_path.resolve() / ".env": "TAG=1\nNOPE=\n"})
    assert [f.name for f in result.files[compose].findings] == []
    assert spec.key() in {s.key() for s in session.specs_for(tmp_path.resolve() / ".env")}


def test_an_unchanged_file_is_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from composelint.load import yamlload

    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:${TAG}\n")
    session = Session()
    compose = tmp_path.resolve() / "compose.yaml"
    env = tmp_path.resolve() / ".env"
    (spec,) = session.specs_for(compose)
    parsed: list[str] = []
    real = yamlload.load_yaml

    def counting(text: str, display: str, **kwargs: Any) -> Any:
        parsed.append(display)
        return real(text, display, **kwargs)

    monkeypatch.setattr(yamlload, "load_yaml", counting)
    first = session.lint(spec, {env: "TAG=1\n"})
    assert parsed == ["compose.yaml"]
    again = session.lint(spec, {env: "TAG=\n"})  # only the .env buffer changed
    assert parsed == ["compose.yaml"]
    assert [f.name for f in first.files[compose].findings] == []
    assert "var-undefined" not in [f.name for f in again.files[compose].findings]
    session.lint(spec, {compose: "services:\n  web:\n    image: nginx\n"})  # an edit
    assert parsed == ["compose.yaml", "compose.yaml"]


def test_a_cached_parse_lints_the_same() -> None:
    """The parse cache shares trees between lints: nothing may change a loaded node."""
    from composelint.lint.registry import load_registry
    from composelint.lint.settings import Settings
    from composelint.load.yamlload import ParseCache
    from composelint.resolve.resolver import ResolveOptions
    from composelint.run import Targets, lint

    fixtures = Path(__file__).parent / "fixtures" / "projects"
    registry = load_registry()
    cache = ParseCache(size=1000)

    def run(c: ParseCache | None) -> list[Any]:
        targets = Targets(
            paths=(str(fixtures),), cwd=fixtures, resolve=ResolveOptions(parse_cache=c)
        )
        report = lint(targets, Settings(isolated=True), registry)
        return [report.findings, [p.project.model.to_plain() for p in report.projects]]

    fresh = run(None)
    assert run(cache) == fresh
    assert run(cache) == fresh  # from the cache, after a lint of the same trees


def test_the_collector_is_off_during_a_lint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    session = Session()
    (spec,) = session.specs_for(tmp_path.resolve() / "compose.yaml")
    seen: list[bool] = []
    real = session._check

    def check(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(session, "_check", check)
    assert gc.isenabled()
    session.lint(spec, {})
    assert seen == [False]
    assert gc.isenabled()


def test_disable_comment_placement() -> None:
    text = 'services:\n  web:\n    image: nginx\n    command: "${X}"\n'
    assert disable_edit(text, 4, "var-undefined", "compose") == (
        3,
        19,
        "  # composelint: disable=var-undefined",
    )
    # an existing directive on the line gets the rule appended
    text = "A = 1  # composelint: disable=env-crlf\n"
    assert disable_edit(text, 1, "env-whitespace-around-equals", "env") == (
        0,
        38,
        ",env-whitespace-around-equals",
    )
    assert disable_edit(text, 1, "env-crlf", "env") is None  # already disabled
    # an env file gets a comment line above (a trailing one is env-inline-comment)
    assert disable_edit("A=1\n  B = 2\n", 2, "env-whitespace-around-equals", "env") == (
        1,
        0,
        "  # composelint: disable=env-whitespace-around-equals\n",
    )
    # inside a quoted multi-line value no "#" is a comment: nothing is offered
    text = 'A="x\nB = 2\n"\n'
    assert disable_edit(text, 2, "env-whitespace-around-equals", "env") is None
    # a block scalar: neither a trailing comment nor a line above is a comment
    text = "services:\n  web:\n    command: |\n      echo ${X}\n"
    assert disable_edit(text, 4, "var-undefined", "compose") is None


# -- the real server over pipes ----------------------------------------------------------

needs_pygls = pytest.mark.skipif(
    importlib.util.find_spec("pygls") is None, reason="pygls (composelint[lsp]) not installed"
)


class Client:
    """A minimal LSP client: Content-Length framed JSON-RPC over the server's pipes."""

    def __init__(self, cwd: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "composelint", "server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        self.stderr = bytearray()  # drained: a full pipe would block the server's logging
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        err = self.proc.stderr
        assert err is not None
        while chunk := err.read1(65536):
            self.stderr += chunk

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while True:
                header = out.readline()
                if not header:
                    return
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            assert length is not None
            self.messages.put(json.loads(out.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any] | None) -> Any:
        self.next_id += 1
        ident = self.next_id
        self.send({"id": ident, "method": method, "params": params})
        reply = self.wait(lambda m: m.get("id") == ident and "method" not in m)
        assert "error" not in reply, reply
        return reply["result"]

    def wait(self, want: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            left = deadline - time.monotonic()
            try:
                message = self.messages.get(timeout=max(left, 0.01))
            except queue.Empty:
                raise AssertionError("no expected message from the server in time") from None
            if message.get("method") == "window/logMessage":
                print(message["params"]["message"], file=sys.stderr)
            if want(message):
                return message

    def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        """The next diagnostics published for ``uri``."""
        message = self.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
            )
        )
        result: list[dict[str, Any]] = message["params"]["diagnostics"]
        return result

    def close(self) -> int:
        try:
            self.request("shutdown", None)
            self.notify("exit", {})
            return self.proc.wait(timeout=TIMEOUT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    c = Client(tmp_path)
    try:
        result = c.request(
            "initialize",
            {"processId": os.getpid(), "rootUri": path_to_uri(tmp_path), "capabilities": {}},
        )
        caps = result["capabilities"]
        assert caps["hoverProvider"] and caps["codeActionProvider"]
        c.notify("initialized", {})
        yield c
    finally:
        if c.proc.poll() is None:
            c.proc.kill()
            c.proc.wait()


def _open(client: Client, path: Path, text: str, language: str = "yaml") -> str:
    uri = path_to_uri(path)
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}},
    )
    return uri


def _change(client: Client, uri: str, version: int, text: str) -> None:
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
    )


def _summary(diags: list[dict[str, Any]]) -> list[tuple[str, int, int, int, int, int]]:
    return [
        (
            d["code"],
            d["severity"],
            d["range"]["start"]["line"],
            d["range"]["start"]["character"],
            d["range"]["end"]["line"],
            d["range"]["end"]["character"],
        )
        for d in diags
    ]


@needs_pygls
def test_broken_file_then_fixed(client: Client, tmp_path: Path) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text("services: {}\n")  # the disk copy is fine: the buffer must win
    broken = 'services:\n  web:\n    image: nginx\n    ports: ["80:80"\n    restart: always\n'
    uri = _open(client, compose, broken)
    diags = client.diagnostics(uri)
    # yaml-syntax at 5:5 (1-based): the key where "]" was expected
    assert _summary(diags) == [("CMP002", 1, 4, 4, 4, 5)]
    d = diags[0]
    assert d["source"] == "composelint"
    assert d["codeDescription"]["href"] == "https://composelint.dev/rules/yaml-syntax"
    assert d["message"].startswith("did not find expected ',' or ']'")

    # a burst of keystrokes: the first edit after the pause is linted at once, the
    # rest once, after a short debounce, with the last text (the first lint's result
    # is published only when it ended before the next edit asked for a lint)
    _change(client, uri, 2, "services:\n  web:\n    image: [ngi")
    _change(client, uri, 3, "services:\n  web:\n    image: nginx\n    restart: always\n")
    first = client.diagnostics(uri)
    if first:
        assert _summary(first)[0][0] == "CMP002"
        assert client.diagnostics(uri) == []
    assert client.close() == 0


def test_the_debounce_adapts_to_typing() -> None:
    from composelint.lsp import TYPING_DEBOUNCE_SECONDS, TYPING_PAUSE_SECONDS, edit_delay

    assert edit_delay(None) == 0  # the first edit
    assert edit_delay(TYPING_PAUSE_SECONDS + 1) == 0  # after a pause
    assert edit_delay(0.08) == TYPING_DEBOUNCE_SECONDS  # while typing
    assert TYPING_DEBOUNCE_SECONDS <= 0.05


@needs_pygls
def test_utf16_range_hover_and_env_relint(client: Client, tmp_path: Path) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text('services:\n  web:\n    image: nginx\n    command: "é😀 ${MISSING}"\n')
    env = tmp_path / ".env"
    env.write_text("OTHER=1\n")
    uri = _open(client, compose, compose.read_text())
    diags = client.diagnostics(uri)
    # code points: "$" at column 18 (1-based); UTF-16: 😀 is two units, so 18 (0-based)
    assert _summary(diags) == [("CMP501", 2, 3, 18, 3, 28)]
    # the message, then the note and the help on their own lines
    message, note, fix = diags[0]["message"].split("\n")
    assert message == 'variable "MISSING" is not set'
    assert note.startswith("note: Compose substitutes an empty string")
    assert fix == "help: set it in .env or give a default: ${MISSING:-value}"

    hover = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 20}},
    )
    assert hover["contents"]["kind"] == "markdown"
    text = hover["contents"]["value"]
    assert text.startswith("**CMP501 var-undefined** (warning)")
    assert "## What it catches" in text and "https://composelint.dev/rules/var-undefined" in text
    assert (
        client.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}},
        )
        is None
    )

    # editing the project's .env re-lints the compose file with the unsaved .env buffer
    env_uri = _open(client, env, "OTHER=1\n", "dotenv")
    assert client.diagnostics(env_uri) == []
    _change(client, env_uri, 2, "OTHER=1\nMISSING=x\n")
    client.wait(  # fails after TIMEOUT unless compose.yaml's diagnostics become empty
        lambda m: (
            m.get("method") == "textDocument/publishDiagnostics"
            and m["params"] == {"uri": uri, "diagnostics": []}
        )
    )
    assert client.close() == 0


@needs_pygls
def test_code_actions_fix_and_disable(client: Client, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    env = tmp_path / ".env"
    env.write_text("X = 1\n")
    env_uri = _open(client, env, "X = 1\n", "dotenv")
    diags = client.diagnostics(env_uri)
    assert _summary(diags) == [("CMP403", 2, 0, 1, 0, 4)]
    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": env_uri},
            "range": {"start": {"line": 0, "character": 2}, "end": {"line": 0, "character": 2}},
            "context": {"diagnostics": diags},
        },
    )
    by_title = {a["title"]: a for a in actions}
    fix = by_title['remove the spaces around "=" (env-whitespace-around-equals)']
    assert fix["kind"] == "quickfix"
    assert fix["edit"]["changes"] == {
        env_uri: [
            {
                "range": {"start": {"line": 0, "character": 1}, "end": {"line": 0, "character": 4}},
                "newText": "=",
            }
        ]
    }
    disable = by_title["Disable env-whitespace-around-equals for this line"]
    assert disable["edit"]["changes"] == {
        env_uri: [
            {
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                "newText": "# composelint: disable=env-whitespace-around-equals\n",
            }
        ]
    }
    # the editor applies the disable edit: the finding is suppressed
    _change(client, env_uri, 2, "# composelint: disable=env-whitespace-around-equals\nX = 1\n")
    assert client.diagnostics(env_uri) == []
    assert client.close() == 0


def test_server_without_pygls_says_what_to_install() -> None:
    """With pygls unavailable, the subcommand prints one line and exits 2."""
    code = (
        "import sys; sys.modules['pygls'] = None; "  # find_spec('pygls') is then None
        "from composelint.cli import main; sys.exit(main(['server']))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (
        "composelint: error: the language server needs pygls: install composelint[lsp]\n"
    )


# -- hostile input: the server answers every request and never dies --------------------

INVALID_PARAMS = -32602


def _raw(client: Client, data: bytes) -> None:
    assert client.proc.stdin is not None
    client.proc.stdin.write(data)
    client.proc.stdin.flush()


def _reply(client: Client, method: str, params: Any) -> dict[str, Any]:
    client.next_id += 1
    ident = client.next_id
    client.send({"id": ident, "method": method, "params": params})
    return client.wait(lambda m: m.get("id") == ident and "method" not in m)


@needs_pygls
@pytest.mark.parametrize("length", [b"99999999999999999999", b"1000000000000"])
def test_an_oversized_frame_is_skipped_not_fatal(
    client: Client, tmp_path: Path, length: bytes
) -> None:
    """A Content-Length beyond any int (OverflowError) or any memory (MemoryError)
    is reported in the log; the next frame is read as usual."""
    _raw(client, b"Content-Length: " + length + b"\r\n\r\n")
    logged = client.wait(lambda m: m.get("method") == "window/logMessage")
    assert "Content-Length" in logged["params"]["message"]
    uri = _open(client, tmp_path / "compose.yaml", "services:\n  web:\n    image: nginx\n")
    assert _reply(client, "textDocument/hover", _at(uri, 0, 0)) == {
        "jsonrpc": "2.0",
        "id": client.next_id,
        "result": None,
    }
    assert client.close() == 0


def _at(uri: str, line: Any, character: Any) -> dict[str, Any]:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


@needs_pygls
def test_requests_with_bad_params_get_an_answer(client: Client, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "compose.yaml", "services:\n  web:\n    image: nginx\n")
    bad = [
        ("textDocument/hover", {"textDocument": {"uri": uri}, "position": "x"}),
        ("textDocument/hover", _at(uri, 2**31, 0)),
        ("textDocument/hover", _at(uri, 0, -5)),
        ("textDocument/hover", {"position": {"line": 0, "character": 0}}),
        ("textDocument/hover", None),
        (
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": {
                    "start": {"line": -1, "character": 0},
                    "end": {"line": 0, "character": 0},
                },
                "context": {"diagnostics": []},
            },
        ),
        ("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": [1, 2]}),
    ]
    for method, params in bad:
        reply = _reply(client, method, params)
        assert reply.get("error", {}).get("code") == INVALID_PARAMS, (method, params, reply)
    # and the server still works
    assert _reply(client, "textDocument/hover", _at(uri, 0, 0))["result"] is None
    assert client.close() == 0


@needs_pygls
def test_no_code_action_carries_a_secret(client: Client, tmp_path: Path) -> None:
    """The env-inline-comment fix for a token moves "#..." that docker run reads as
    part of the token: the server offers only the disable comment for that line."""
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    text = "API_TOKEN=abc #CommentSecret4\n"
    env = tmp_path / ".env"
    env.write_text(text)
    env_uri = _open(client, env, text, "dotenv")
    diags = client.diagnostics(env_uri)
    assert [d["code"] for d in diags] == ["CMP407"]
    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": env_uri},
            "range": {"start": {"line": 0, "character": 14}, "end": {"line": 0, "character": 14}},
            "context": {"diagnostics": diags},
        },
    )
    assert [a["title"] for a in actions] == ["Disable env-inline-comment for this line"]
    assert "CommentSecret4" not in json.dumps([diags, actions])
    assert client.close() == 0


@needs_pygls
def test_userinfo_fix_is_not_sent(client: Client, tmp_path: Path) -> None:
    """The url-userinfo-unencoded fix rewrites password text: no code action carries it."""
    text = (
        "services:\n  app:\n    image: acme/app\n    environment:\n"
        "      DATABASE_URL: postgresql://app:Zq9@Secret5@db/app\n"
        "  db:\n    image: postgres:16\n"
    )
    compose = tmp_path / "compose.yaml"
    compose.write_text(text)
    uri = _open(client, compose, text)
    diags = [d for d in client.diagnostics(uri) if d["code"] == "CMP301"]
    assert len(diags) == 1
    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": diags[0]["range"],
            "context": {"diagnostics": diags},
        },
    )
    assert all("url-userinfo-unencoded)" not in a["title"] for a in actions)
    assert "Secret5" not in json.dumps([diags, actions])
    assert client.close() == 0


@needs_pygls
def test_edits_during_a_lint_are_linted_together_once(tmp_path: Path) -> None:
    """A project is linted once at a time: requests that arrive while it runs make one
    more lint of the newest buffers when it ends, and the older result is dropped."""
    import asyncio
    from types import SimpleNamespace

    from composelint.load.discover import ProjectSpec
    from composelint.lsp import LintResult, _Linter

    spec = ProjectSpec([tmp_path / "compose.yaml"], tmp_path)
    calls: list[float] = []

    class SlowSession:
        def lint(self, spec: ProjectSpec, overrides: Any) -> LintResult:
            calls.append(time.monotonic())
            time.sleep(0.3)
            return LintResult(spec, {})

    server = SimpleNamespace(workspace=SimpleNamespace(text_documents={}))
    linter = _Linter(server, SlowSession())  # type: ignore[arg-type]
    published: list[int] = []
    linter.publish = lambda key, result: published.append(len(calls))  # type: ignore[method-assign]

    async def scenario() -> None:
        linter._start(spec)
        await asyncio.sleep(0.05)
        for _ in range(5):  # five edits while the first lint runs
            linter._start(spec)
        while len(calls) < 2 or linter.running:
            await asyncio.sleep(0.02)

    asyncio.run(scenario())
    assert len(calls) == 2  # the first lint, then one for all five edits
    assert published == [2]  # only the newest result


# -- fixes: quick fixes and "fix all" from the fix engine ---------------------------------


def _apply_edits(text: str, edits: list[dict[str, Any]]) -> str:
    """What an editor does with a list of TextEdits (ASCII text: UTF-16 = code points)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(p: dict[str, int]) -> int:
        return starts[min(p["line"], len(lines))] + p["character"]

    spans = [(offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"]) for e in edits]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


FIX_ALL_BEFORE = (
    'version: "3"  # obsolete\n'
    "services:\n"
    "  web:\n"
    "    image: nginx\n"
    "    env_file: a.env\n"
    "    ports:\n"
    "      - 8080:80\n"
    "      - 22:22\n"
    "    environment:\n"
    "      - 'TOKEN=\"abc\"'\n"
)
# ports-order moves the entries; the quoting of 22:22 waits for the next pass
FIX_ALL_AFTER = (
    "services:\n"
    "  web:\n"
    "    image: nginx\n"
    "    env_file: a.env\n"
    "    ports:\n"
    '      - "22:22"\n'
    "      - 8080:80\n"
    "    environment:\n"
    "      - 'TOKEN=\"abc\"'\n"
)


def _code_actions(
    client: Client, uri: str, diags: list[dict[str, Any]], line: int, **context: Any
) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": {
                "start": {"line": line, "character": 0},
                "end": {"line": line, "character": 99},  # the whole line
            },
            "context": {"diagnostics": diags, **context},
        },
    )
    return result


@needs_pygls
def test_fix_all_applies_every_safe_fix_of_the_buffer_to_convergence(
    client: Client, tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.composelint]\nextend-select = ["ports-order"]\n'
    )
    (tmp_path / "a.env").write_text("X = 1\n")  # fixable, but not the document asked about
    compose = tmp_path / "compose.yaml"
    compose.write_text("services: {}\n")  # the buffer is fixed, not the file on disk
    uri = _open(client, compose, FIX_ALL_BEFORE)
    diags = client.diagnostics(uri)
    assert {d["code"] for d in diags} >= {"CMP701", "CMP702", "CMP712", "CMP406"}
    (action,) = _code_actions(client, uri, diags, 0, only=["source.fixAll"])
    assert action["kind"] == "source.fixAll.composelint"
    assert list(action["edit"]["changes"]) == [uri]  # nothing for a.env
    assert _apply_edits(FIX_ALL_BEFORE, action["edit"]["changes"][uri]) == FIX_ALL_AFTER
    assert compose.read_text() == "services: {}\n"
    assert (tmp_path / "a.env").read_text() == "X = 1\n"
    # a quick-fix request gets no fix-all, a source request no quick fixes
    quick = _code_actions(client, uri, diags, 7, only=["quickfix"])
    assert quick and all(a["kind"] == "quickfix" for a in quick)
    assert _code_actions(client, uri, diags, 6, only=["source.organizeImports"]) == []
    # the buffer once fixed: fix-all has nothing left to do
    _change(client, uri, 2, FIX_ALL_AFTER)
    client.diagnostics(uri)
    (action,) = _code_actions(client, uri, [], 0, only=["source.fixAll.composelint"])
    assert action["edit"]["changes"] == {}
    assert client.close() == 0


@needs_pygls
def test_quick_fixes_prefer_only_safe_fixes_and_fix_all_resolves_lazily(tmp_path: Path) -> None:
    c = Client(tmp_path)
    try:
        caps = {"textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}}
        result = c.request(
            "initialize",
            {"processId": os.getpid(), "rootUri": path_to_uri(tmp_path), "capabilities": caps},
        )
        assert result["capabilities"]["codeActionProvider"]["resolveProvider"] is True
        kinds = result["capabilities"]["codeActionProvider"]["codeActionKinds"]
        assert {"quickfix", "source.fixAll", "source.fixAll.composelint"} <= set(kinds)
        c.notify("initialized", {})
        uri = _open(c, tmp_path / "compose.yaml", FIX_ALL_BEFORE)
        diags = c.diagnostics(uri)
        # the light bulb of line 10: the unsafe quote removal is offered, not preferred
        actions = _code_actions(c, uri, diags, 9)
        by_title = {a["title"]: a for a in actions}
        unsafe = by_title["remove the quotes (env-quote-in-value)"]
        assert unsafe["isPreferred"] is False and unsafe["kind"] == "quickfix"
        fix_all = by_title["Fix all auto-fixable problems (composelint)"]
        assert "edit" not in fix_all  # computed when chosen
        resolved = c.request("codeAction/resolve", fix_all)
        after = _apply_edits(FIX_ALL_BEFORE, resolved["edit"]["changes"][uri])
        assert after == FIX_ALL_BEFORE.replace('version: "3"  # obsolete\n', "").replace(
            "      - 22:22\n", '      - "22:22"\n'
        )  # no ports-order here: it is opt-in
        # the safe fix of line 8 is preferred
        (quote,) = [a for a in _code_actions(c, uri, diags, 7) if a["title"].startswith("quote")]
        assert quote["isPreferred"] is True
        assert c.close() == 0
    finally:
        if c.proc.poll() is None:
            c.proc.kill()
            c.proc.wait()


@needs_pygls
def test_fix_all_sends_no_secret(client: Client, tmp_path: Path) -> None:
    """The env-inline-comment fix of a token is sensitive: fix-all leaves that line alone."""
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    text = "API_TOKEN=abc #CommentSecret4\nB = 2\n"
    env = tmp_path / ".env"
    env.write_text(text)
    env_uri = _open(client, env, text, "dotenv")
    diags = client.diagnostics(env_uri)
    (action,) = _code_actions(client, env_uri, diags, 0, only=["source.fixAll"])
    assert _apply_edits(text, action["edit"]["changes"][env_uri]) == (
        "API_TOKEN=abc #CommentSecret4\nB=2\n"
    )
    assert "CommentSecret4" not in json.dumps(action)
    assert client.close() == 0
