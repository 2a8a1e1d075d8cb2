from __future__ import annotations

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
