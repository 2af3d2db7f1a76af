"""One settings object; the flags and the environment variables are generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.server.settings import Settings, build_parser, env_name


def test_every_field_has_a_flag_and_an_env_variable() -> None:
    help_text = build_parser().format_help()
    for field in Settings.fields():
        assert "--" + field.name.replace("_", "-") in help_text
        assert env_name(field.name) in help_text


def test_environment_overrides_defaults() -> None:
    settings = Settings.from_env({"PLAYGROUND_PORT": "9123", "PLAYGROUND_RELOAD": "yes",
                                  "PLAYGROUND_SITE_DIR": "/srv/site"})
    assert (settings.port, settings.reload, settings.site_dir) == (9123, True, Path("/srv/site"))
    assert settings.host == Settings().host


def test_flags_override_environment() -> None:
    settings = Settings.from_args(["--port", "9001", "--no-reload"],
                                  {"PLAYGROUND_PORT": "9123", "PLAYGROUND_RELOAD": "1"})
    assert (settings.port, settings.reload) == (9001, False)


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ValueError, match=r"PLAYGROUND_PORT: expected int, got 'eighty'"):
        Settings.from_env({"PLAYGROUND_PORT": "eighty"})
    with pytest.raises(ValueError, match="PLAYGROUND_RELOAD: expected a boolean"):
        Settings.from_env({"PLAYGROUND_RELOAD": "maybe"})


def test_readme_lists_every_setting_as_generated() -> None:
    from playground.server.settings import markdown_table
    from tests.paths import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("-->\n", readme.index("<!-- settings:start")) + 4
    end = readme.index("<!-- settings:end -->")
    assert readme[start:end] == markdown_table(), "README's settings table is stale: paste `python -m playground.server.settings`"
