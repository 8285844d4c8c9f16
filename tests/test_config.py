"""Configuration comes from environment variables; a bad value is one line naming the
variable (never a traceback), and the defaults give a working single-box install."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from comptoir import config
from comptoir.config import ConfigError

COMPTOIR = Path(sys.executable).parent / "comptoir"
GOOD_KEY = "k" * 50


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DATABASE_URL": "mysql://shop:secret@db.example.com/comptoir"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://shop@127.0.0.1:5432"}, "DATABASE_URL"),
        ({"EMAIL_PORT": "abc"}, "EMAIL_PORT"),
        ({"EMAIL_PORT": "70000"}, "EMAIL_PORT"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
        ({"CSRF_TRUSTED_ORIGINS": ""}, "CSRF_TRUSTED_ORIGINS"),
        ({"EMAIL_USE_TLS": "perhaps"}, "EMAIL_USE_TLS"),
        ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "EMAIL_USE_SSL"),
        ({"DEFAULT_FROM_EMAIL": "the shop"}, "DEFAULT_FROM_EMAIL"),
    ],
    ids=lambda v: "+".join(f"{k}={val}" for k, val in v.items()) if isinstance(v, dict) else v,
)
def test_bad_value_raises_one_line_error_naming_the_variable(tmp_path, env, named):
    with pytest.raises(ConfigError) as raised:
        config.load(env, base_dir=tmp_path)
    message = str(raised.value)
    assert named in message
    assert "\n" not in message


def test_data_dir_that_is_a_file_is_refused(tmp_path):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("")
    with pytest.raises(ConfigError, match="COMPTOIR_DATA_DIR"):
        config.load({"COMPTOIR_DATA_DIR": str(a_file)}, base_dir=tmp_path)


def test_defaults_give_sqlite_in_the_data_dir_with_debug_off(tmp_path):
    loaded = config.load({}, base_dir=tmp_path)

    assert loaded.data_dir == tmp_path / "data"
    assert loaded.data_dir.is_dir()
    assert loaded.database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(loaded.database["NAME"]).parent == loaded.data_dir
    assert loaded.debug is False
    assert "localhost" in loaded.allowed_hosts
    assert loaded.email_port == 25
    assert loaded.email_backend == "comptoir.mail.backends.OutboxOnlyBackend"


def test_data_dir_comes_from_comptoir_data_dir(tmp_path):
    loaded = config.load({"COMPTOIR_DATA_DIR": str(tmp_path / "elsewhere")}, base_dir=tmp_path)
    assert loaded.data_dir == tmp_path / "elsewhere"
    assert Path(loaded.database["NAME"]).parent == tmp_path / "elsewhere"


def test_secret_key_is_generated_once_into_the_data_dir_and_reused(tmp_path):
    first = config.load({}, base_dir=tmp_path)
    key_file = first.data_dir / "secret_key"

    assert key_file.read_text().strip() == first.secret_key
    assert len(first.secret_key) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert config.load({}, base_dir=tmp_path).secret_key == first.secret_key


def test_given_secret_key_is_used_and_nothing_is_written(tmp_path):
    loaded = config.load({"SECRET_KEY": GOOD_KEY}, base_dir=tmp_path)
    assert loaded.secret_key == GOOD_KEY
    assert not (loaded.data_dir / "secret_key").exists()


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("On", True), ("no", False), ("", False)]
)
def test_debug_accepts_the_usual_spellings(tmp_path, raw, expected):
    assert config.load({"DEBUG": raw}, base_dir=tmp_path).debug is expected


def test_postgres_url_is_parsed(tmp_path):
    url = "postgres://shop:secret@db.internal:5433/comptoir"
    database = config.load({"DATABASE_URL": url}, base_dir=tmp_path).database
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["HOST"], database["PORT"]) == (
        "comptoir",
        "db.internal",
        5433,
    )


def test_email_host_switches_to_smtp(tmp_path):
    env = {"EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": "587", "EMAIL_USE_TLS": "yes"}
    loaded = config.load(env, base_dir=tmp_path)
    assert loaded.email_backend == "django.core.mail.backends.smtp.EmailBackend"
    assert (loaded.email_host, loaded.email_port, loaded.email_use_tls) == (
        "smtp.example.com",
        587,
        True,
    )


def run_cli(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    assert COMPTOIR.exists(), f"{COMPTOIR} missing: install the package (pip install -e .)"
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY"}}
    base.update(COMPTOIR_DATA_DIR=str(tmp_path / "data"), **env)
    return subprocess.run(
        [str(COMPTOIR), "check"],
        env=base,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_reports_a_bad_value_in_one_line_without_traceback(tmp_path):
    done = run_cli(tmp_path, DEBUG="maybe")

    output = (done.stdout + done.stderr).strip()
    assert done.returncode == 2
    assert len(output.splitlines()) == 1, output
    assert "DEBUG" in output
    assert "Traceback" not in output


def test_cli_check_passes_with_good_settings(tmp_path):
    done = run_cli(tmp_path, SECRET_KEY=GOOD_KEY)
    assert done.returncode == 0, done.stdout + done.stderr


def _load_key(data_dir: str) -> str:
    return config.load_secret_key({}, Path(data_dir))


def test_processes_starting_together_share_one_generated_secret_key(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=6) as pool:
        keys = set(pool.map(_load_key, [str(tmp_path)] * 24))

    assert len(keys) == 1
    assert (tmp_path / "secret_key").read_text().strip() in keys
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]


def test_passwords_are_hashed_with_argon2_outside_the_tests():
    from comptoir import settings as real_settings

    assert real_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_public_url_is_checked_and_normalised(tmp_path):
    good = config.load({"PUBLIC_URL": "https://shop.example.com"}, base_dir=tmp_path)
    assert good.public_url == "https://shop.example.com/"
    assert config.load({}, base_dir=tmp_path).public_url == ""
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        config.load({"PUBLIC_URL": "shop.example.com"}, base_dir=tmp_path)
