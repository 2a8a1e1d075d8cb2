from __future__ import annotations

from pathlib import Path

import pytest

from composelint.output.redact import (
    MASK,
    is_secret_key,
    mask_line,
    mask_lines,
    mask_text,
    mask_url_password,
    mask_value,
    redact_plain,
)


@pytest.mark.parametrize(
    "name",
    [
        "PASSWORD",
        "DB_PASSWORD",
        "MYSQL_ROOT_PASSWORD",
        "dbPassword",
        "DBPASSWORD",
        "db-passwd",
        "GITHUB_TOKEN",
        "SECRET_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "API_KEY",
        "apikey",
        "STRIPE_KEY",
        "DB_PASS",
        "REDIS_PWD",
        "JWT_PRIVATE",
        "GOOGLE_CREDENTIALS",
        "HASH_SALT",
    ],
)
def test_secret_keys(name: str) -> None:
    assert is_secret_key(name)


@pytest.mark.parametrize(
    "name",
    [
        "PWD",  # the working directory
        "KEY",
        "MONKEY",
        "HOST",
        "DB_USER",
        "POSTGRES_PASSWORD_FILE",  # a path to the secret, not the secret
        "SSL_KEY_PATH",
        "KEY_FILE",
        "secrets",  # the Compose attribute listing secret names
        "PASSPORT_COUNTRY",
    ],
)
def test_not_secret_keys(name: str) -> None:
    assert not is_secret_key(name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgres://app:s3cr3t@db:5432/app", "postgres://app:****@db:5432/app"),
        ("redis://:s3cr3t@cache:6379/0", "redis://:****@cache:6379/0"),
        ("amqp://guest:guest@rabbit", "amqp://guest:****@rabbit"),
        ("x=mysql+pymysql://u:p%40ss@h/db y", "x=mysql+pymysql://u:****@h/db y"),
        ("host=db user=app password=s3cr3t dbname=x", "host=db user=app password=**** dbname=x"),
        (
            "jdbc:postgresql://db/app?user=a&password=s3cr3t&ssl=true",
            "jdbc:postgresql://db/app?user=a&password=****&ssl=true",
        ),
        (
            "Server=db;Database=x;User Id=sa;Password=s3cr3t;",
            "Server=db;Database=x;User Id=sa;Password=****;",
        ),
        # not a password: a port and a query string with an e-mail address
        ("http://host:8080/path?mail=a@b.example", "http://host:8080/path?mail=a@b.example"),
        ("postgres://app@db/app", "postgres://app@db/app"),
        # a reference is the source text, not the secret
        ("postgres://app:${DB_PASS}@db/app", "postgres://app:${DB_PASS}@db/app"),
    ],
)
def test_mask_url_password(text: str, expected: str) -> None:
    assert mask_url_password(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("DB_PASSWORD=hunter2", "DB_PASSWORD=****"),
        ("export API_TOKEN='abc def'", "export API_TOKEN=****"),
        ('      POSTGRES_PASSWORD: "hunter2"  # comment', "      POSTGRES_PASSWORD: ****"),
        ("  - DB_PASSWORD=hunter2", "  - DB_PASSWORD=****"),
        ('  - "DB_PASSWORD=hunter2"', '  - "DB_PASSWORD=****"'),
        ("    environment: {DB_PASSWORD: x1, A: b}", "    environment: {DB_PASSWORD: ****, A: b}"),
        ('    command: ["--password=abc", "-v"]', '    command: ["--password=****", "-v"]'),
        (
            "  DATABASE_URL: postgres://u:pw@db:5432/x",
            "  DATABASE_URL: postgres://u:****@db:5432/x",
        ),
        ("      PASSWORD: ${DB_PASS}", "      PASSWORD: ${DB_PASS}"),
        ("      PASSWORD: ${DB_PASS:-topsecret}", "      PASSWORD: ${DB_PASS:-****}"),
        ("PASSWORD=${HOST:-topsecret}", "PASSWORD=****"),
        ("      PASSWORD: ''", "      PASSWORD: ''"),
        ("      DB_HOST: db", "      DB_HOST: db"),
        ("    secrets: [db_password]", "    secrets: [db_password]"),
        ("POSTGRES_PASSWORD_FILE=/run/secrets/pw", "POSTGRES_PASSWORD_FILE=/run/secrets/pw"),
    ],
)
def test_mask_line(line: str, expected: str) -> None:
    assert mask_line(line) == expected


def test_mask_lines_masks_secret_block_scalars_and_multiline_dotenv_values() -> None:
    lines = [
        "x-keys:",
        "  TLS_PRIVATE_KEY: |",
        "    -----BEGIN KEY-----",
        "    AAAAsecret",
        "  NAME: web",
        'SSH_PRIVATE_KEY="-----BEGIN',
        "AAAAsecret",
        '-----END"',
        "AFTER=1",
    ]
    out = mask_lines(lines)
    assert "AAAAsecret" not in "\n".join(out)
    assert out[2:5] == ["    ****", "    ****", "  NAME: web"]
    assert out[6:9] == ["****", "****", "AFTER=1"]


def test_mask_text_masks_keyed_values_in_messages() -> None:
    msg = "services.db.environment.POSTGRES_PASSWORD: 123456 is not of type 'string'"
    assert (
        mask_text(msg) == "services.db.environment.POSTGRES_PASSWORD: **** is not of type 'string'"
    )
    assert mask_text('service "web" depends on undefined service "db"') == (
        'service "web" depends on undefined service "db"'
    )


def test_mask_value() -> None:
    assert mask_value("DB_PASSWORD", "hunter2") == MASK
    assert mask_value("DB_PASSWORD", "") == ""
    assert mask_value("DATABASE_URL", "mysql://u:p@h/d") == "mysql://u:****@h/d"
    assert mask_value("HOST", "db") == "db"


def test_redact_plain() -> None:
    model = {
        "services": {
            "api": {
                "environment": {
                    "DB_PASSWORD": "hunter2",
                    "EMPTY_TOKEN": "",
                    "INHERITED_SECRET": None,
                    "PORT": "80",
                },
                "command": ["--token=abc123", "serve"],
                "secrets": [{"source": "db_password", "target": "/run/secrets/db_password"}],
                "healthcheck": {"test": ["CMD", "curl", "http://admin:pw123@localhost/health"]},
                "read_only": True,
            }
        },
        "secrets": {"db_password": {"file": "./pw.txt"}, "inline": {"content": "x"}},
    }
    out = redact_plain(model)
    api = out["services"]["api"]
    assert api["environment"] == {
        "DB_PASSWORD": MASK,
        "EMPTY_TOKEN": "",
        "INHERITED_SECRET": None,
        "PORT": "80",
    }
    assert api["command"] == ["--token=****", "serve"]
    assert api["secrets"] == model["services"]["api"]["secrets"]
    assert api["healthcheck"]["test"][2] == "http://admin:****@localhost/health"
    assert api["read_only"] is True
    assert out["secrets"] == model["secrets"]
    assert model["services"]["api"]["environment"]["DB_PASSWORD"] == "hunter2"  # input untouched


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # malformed user info: everything from the first ":" to the last "@"
        ("postgres://u:pw@x@db/x", "postgres://u:****@db/x"),
        ("postgres://u:pw#x@db/x", "postgres://u:****@db/x"),
        ("mysql://root:pw:x/y@db", "mysql://root:****@db"),
        # a port, then an "@" in the query: no user info
        ("http://h:8080/p?to=a@b", "http://h:8080/p?to=a@b"),
        (
            "https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/2",
            "https://****@o1.ingest.sentry.io/2",
        ),
        ("https://someone@example.com/", "https://someone@example.com/"),
        ('-Dx=y username=\\"u\\" password=\\"kafka1\\";', '-Dx=y username=\\"u\\" password=****;'),
        ('{"db": {"password": "j1"}}', '{"db": {"password": ****}}'),
        ('["server", "--password", "f1"]', '["server", "--password", "****"]'),
        ("server --api-key f1 --port 80", "server --api-key **** --port 80"),
        ("mysqladmin ping -uroot -pglued1", "mysqladmin ping -uroot -p****"),
        ("redis-server -p 6379", "redis-server -p 6379"),  # -p is a port here
        ("ghp_" + "a" * 36, "****"),
        ("xoxb-1234-5678-abcdefgh", "****"),
        ("key sk_live_abcdefghij1 end", "key **** end"),
        ("AKIAABCDEFGHIJKLMNOP", "****"),
        ("eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl", "****"),
        ("https://hooks.slack.com/services/T0/B0/xyz", "https://hooks.slack.com/services/****"),
        (
            "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
            "-----BEGIN RSA PRIVATE KEY-----****-----END RSA PRIVATE KEY-----",
        ),
        ("the image nginx:1.25 on port 80", "the image nginx:1.25 on port 80"),
    ],
)
def test_mask_text_by_what_the_value_is(text: str, expected: str) -> None:
    assert mask_text(text) == expected


def test_mask_lines_follows_anchors_next_lines_and_complex_keys() -> None:
    lines = [
        "x-pw: &pw anchored1",
        "x-block: &blk",
        "  blockvalue2",
        "services:",
        "  secret-manager:",
        "    image: vault",
        "  db:",
        "    environment:",
        "      DB_PASSWORD: *pw",
        "      API_TOKEN: *blk",
        "      JWT_SECRET:",
        "        nextline3",
        "      ? SOME_SECRET",
        "      : complex4",
        '      "ODD_SECRET ": spaced5',
    ]
    out = mask_lines(lines)
    assert out == [
        "x-pw: &pw ****",
        "x-block: &blk",
        "  ****",
        "services:",
        "  secret-manager:",  # a mapping under a secret-looking key is not a value
        "    image: vault",
        "  db:",
        "    environment:",
        "      DB_PASSWORD: ****",
        "      API_TOKEN: ****",
        "      JWT_SECRET:",
        "        ****",
        "      ? SOME_SECRET",
        "      : ****",
        '      "ODD_SECRET ": ****',
    ]


def test_redact_plain_masks_by_flag_shape_and_wider_names() -> None:
    model = {
        "command": ["mysqld", "--password", "f1", "-pglued1"],
        "healthcheck": {"test": ["CMD", "mysqladmin", "ping", "-pglued2"]},
        "labels": {"traefik.http.middlewares.a.basicauth.users": "admin:$apr1$x$y"},
        "environment": {
            "STRIPE_SK": "s1",
            "NPM_AUTH": "n1",
            "SLACK_WEBHOOK": "w1",
            "SOME_SECRET ": "t1",
            "GH": "ghp_" + "b" * 36,
        },
        "ports": ["-p", "80"],
    }
    out = redact_plain(model)
    assert out["command"] == ["mysqld", "--password", MASK, "-p" + MASK]
    assert out["healthcheck"]["test"][3] == "-p" + MASK
    assert set(out["labels"].values()) == {MASK}
    assert set(out["environment"].values()) == {MASK}
    assert out["ports"] == ["-p", "80"]


# The reproducers of backtracking regexes: each took 12 to 23 s. A generous CPU-time
# bound (the scanners need milliseconds) that the old code could not meet.
_SLOW_BEFORE = [
    'X: "a' + " " * 100_000 + 'b"',
    "X: " + "postgres+" * 11111 + "://h",
    "X: " + "$${A:-" * 16666,
    "A=" + "${A=" * 25_000,
    "a:" * 50_000,
]


@pytest.mark.parametrize(
    "line", _SLOW_BEFORE, ids=["spaces", "scheme", "defaults", "nested", "colons"]
)
def test_masking_is_linear(line: str) -> None:
    import time

    start = time.process_time()
    mask_lines([line, line])
    mask_text(line)
    redact_plain({"X": line, "L": [line]})
    assert time.process_time() - start < 3.0


@pytest.mark.parametrize("fmt", ["text", "sarif", "gitlab"])
def test_a_long_value_in_every_format_is_quick(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    from composelint import cli

    compose = "services:\n  web:\n    image: nginx\n    environment:\n"
    compose += "".join(f"      V{i}: {_quote(line)}\n" for i, line in enumerate(_SLOW_BEFORE))
    compose += "      DB_PASSWORD: ${DB_PASSWORD:-" + "a" * 50_000 + "\n"  # unclosed: a finding
    (tmp_path / "compose.yaml").write_text(compose)
    start = time.process_time()
    code = cli.main(["--format", fmt, "--select", "ALL", "--no-color", str(tmp_path)])
    assert time.process_time() - start < 10.0
    assert code in (1, 2)
    assert capsys.readouterr().out


def _quote(value: str) -> str:
    import json

    return json.dumps(value)


def test_an_escaped_dollar_is_a_literal_unless_it_names_a_container_variable() -> None:
    # "$$ecret" is the literal "$ecret"; "$$MYSQL_ROOT_PASSWORD" is read in the container
    assert mask_line("      DB_PASSWORD: $$ecretValue") == "      DB_PASSWORD: ****"
    assert mask_line("      DB_PASSWORD: $${DB_PW}") == "      DB_PASSWORD: $${DB_PW}"
    line = "      test: mysqladmin ping -p$$MYSQL_ROOT_PASSWORD"
    assert mask_line(line) == line
