"""One settings object; the flags and the environment variables are generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.server.settings import Settings, build_parser, env_name


def test_every_field_has_a_flag_and_an_env_variable() -> None:
    help_text = build_parser().format_help()
    for name in Settings.fields():
        assert "--" + name.replace("_", "-") in help_text
        assert env_name(name) in help_text


def test_environment_overrides_defaults() -> None:
    settings = Settings.from_env(
        {"PLAYGROUND_PORT": "9123", "PLAYGROUND_RELOAD": "yes", "PLAYGROUND_SITE_DIR": "/srv/site"}
    )
    assert (settings.port, settings.reload, settings.site_dir) == (9123, True, Path("/srv/site"))
    assert settings.host == Settings().host


def test_flags_override_environment() -> None:
    settings = Settings.from_args(
        ["--port", "9001", "--no-reload"], {"PLAYGROUND_PORT": "9123", "PLAYGROUND_RELOAD": "1"}
    )
    assert (settings.port, settings.reload) == (9001, False)


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ValueError, match=r"PLAYGROUND_PORT: Input should be a valid integer.*got 'eighty'"):
        Settings.from_env({"PLAYGROUND_PORT": "eighty"})
    with pytest.raises(ValueError, match="PLAYGROUND_RELOAD: Input should be a valid boolean"):
        Settings.from_env({"PLAYGROUND_RELOAD": "maybe"})


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--port", "70000"),
        ("--port", "-1"),
        ("--http-requests-per-second", "0"),
        ("--ws-messages-per-second", "0"),  # rates divide
        ("--workers", "0"),
        ("--ws-idle-timeout", "-5"),
    ],
)
def test_out_of_range_flag_is_refused_naming_the_flag(flag: str, value: str) -> None:
    with pytest.raises(ValueError, match=f"^{flag}: Input should be"):
        Settings.from_args([flag, value], {})


def test_log_level_is_one_of_uvicorns() -> None:
    assert Settings.from_env({"PLAYGROUND_LOG_LEVEL": "debug"}).log_level == "debug"
    with pytest.raises(ValueError, match="PLAYGROUND_LOG_LEVEL"):
        Settings.from_env({"PLAYGROUND_LOG_LEVEL": "loud"})
    with pytest.raises(SystemExit):  # argparse knows the choices too
        Settings.from_args(["--log-level", "loud"], {})


def test_keyword_arguments_are_validated_and_the_environment_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_PORT", "9123")
    assert Settings().port == 8000
    assert Settings(port="9001").port == 9001
    with pytest.raises(ValueError, match="ws_message_burst"):
        Settings(ws_message_burst=0)


def test_replace_keeps_the_rest_and_validates() -> None:
    base = Settings(port=9001)
    assert base.replace(redis_url="redis://127.0.0.1:6379/0").port == 9001
    with pytest.raises(ValueError, match="--port"):
        base.replace(port=-2)


def test_hosts_allowed_by_default_are_local_and_the_listening_host() -> None:
    assert Settings().host_names() == {"localhost", "127.0.0.1", "[::1]"}
    assert Settings(host="0.0.0.0").host_names() == {"localhost", "127.0.0.1", "[::1]"}
    assert "play.example" in Settings(host="play.example").host_names()
    assert "docs.example" in Settings(allowed_hosts="Docs.Example, other").host_names()
    assert Settings(allowed_hosts="*").host_names() == frozenset()  # any


def test_forwarded_headers_are_trusted_from_no_proxy_by_default() -> None:
    from playground.server.run import uvicorn_options

    assert uvicorn_options(Settings())["proxy_headers"] is False
    options = uvicorn_options(Settings(forwarded_allow_ips="10.0.0.1, 10.0.0.2"))
    assert (options["proxy_headers"], options["forwarded_allow_ips"]) == (True, ["10.0.0.1", "10.0.0.2"])


def test_readme_lists_every_setting_as_generated() -> None:
    from playground.server.settings import markdown_table
    from tests.paths import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("-->\n", readme.index("<!-- settings:start")) + 4
    end = readme.index("<!-- settings:end -->")
    assert readme[start:end] == markdown_table(), (
        "README's settings table is stale: paste `python -m playground.server.settings`"
    )


def test_settings_survive_the_trip_to_worker_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers and the reloader's child rebuild settings from the environment: nothing is lost."""
    import os

    from playground.server.settings import export_to_environment

    monkeypatch.setattr(os, "environ", {})
    sent = Settings(
        reload=True,
        site_dir=Path("/srv/site"),
        ws_allowed_origins="https://a.example,https://b.example",
        http_requests_per_second=2.5,
        log_level="debug",
        forwarded_allow_ips="10.0.0.0/8",
    )
    export_to_environment(sent)
    assert Settings.from_env() == sent
