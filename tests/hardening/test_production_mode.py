"""Issue 12, item 4: production mode. Settings are read once per process, so each case runs
`samtale` in a subprocess with the environment docs/operations.md documents."""

import os
import subprocess
import sys

import pytest

SECRET = "k" * 30 + "-not-the-dev-key-" + "q" * 30

PRODUCTION = {
    "SAMTALE_PRODUCTION": "1",
    "SAMTALE_SECRET_KEY": SECRET,
    "SAMTALE_ALLOWED_HOSTS": "samtale.example.dk",
    "SAMTALE_CSRF_TRUSTED_ORIGINS": "https://samtale.example.dk",
    "SAMTALE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def clean_env(tmp_path) -> dict[str, str]:
    """This process's environment without our settings — and without DJANGO_ALLOW_ASYNC_UNSAFE, which the
    browser tests' conftest sets for Playwright: a production server never has it, and `check --deploy`
    rightly refuses it."""
    dropped = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if not k.startswith("SAMTALE_") and k not in dropped}
    return {**base, "SAMTALE_DATA_DIR": str(tmp_path)}


def samtale(tmp_path, *args, **env):
    return subprocess.run(
        [sys.executable, "-m", "samtale.cli", *args],
        env={**clean_env(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_the_documented_production_settings(tmp_path):
    r = samtale(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert r.returncode == 0, r.stderr
    assert "no issues" in r.stdout


@pytest.mark.parametrize(
    "override",
    [{"SAMTALE_SECRET_KEY": ""}, {"SAMTALE_DEBUG": "1"}, {"SAMTALE_DEV_LOGIN": "1"}],
    ids=["dev-secret-key", "debug", "dev-login"],
)
def test_production_mode_refuses_to_start_unsafe(tmp_path, override):
    env = {**PRODUCTION, **override}
    env = {k: v for k, v in env.items() if v}
    r = samtale(tmp_path, "check", **env)
    assert r.returncode != 0 and "ImproperlyConfigured" in r.stderr and "SAMTALE_PRODUCTION=1" in r.stderr


def test_proxy_header_makes_requests_secure_and_sends_hsts(tmp_path):
    code = (
        "import django;django.setup();from django.test import Client;"
        "r=Client().get('/api/v1/codes',HTTP_X_FORWARDED_PROTO='https',HTTP_HOST='samtale.example.dk');"
        "print(r.status_code, r.get('Strict-Transport-Security'), r.get('Cache-Control'))"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean_env(tmp_path), **PRODUCTION, "DJANGO_SETTINGS_MODULE": "samtale.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    status, hsts, cache = r.stdout.split(" ", 2)
    assert status == "401" and hsts.startswith("max-age=31536000") and "no-store" in cache


def test_api_responses_are_not_cached(api_a):
    assert "no-store" in api_a.get("/codes")["Cache-Control"]
