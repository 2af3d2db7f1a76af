"""The playground's one typed settings object.

Every option is written once, here, as a dataclass field with its help text. The command line
(`python -m playground --help`) and the environment variables (`PLAYGROUND_<NAME>`) are both
generated from these fields, so an option cannot exist in one place and be missing in another.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ENV_PREFIX = "PLAYGROUND_"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _option(default: Any, help: str) -> Any:
    return dataclasses.field(default=default, metadata={"help": help})


@dataclasses.dataclass(frozen=True)
class Settings:
    """What the playground needs to know to run; defaults suit `make serve` on a laptop."""

    host: str = _option("127.0.0.1", "Interface to listen on.")
    port: int = _option(8000, "TCP port to listen on.")
    reload: bool = _option(False, "Restart when playground code changes (for authors).")
    site_dir: Path = _option(PROJECT_ROOT / "site", "The built static site to serve at /.")
    snippets_dir: Path = _option(PROJECT_ROOT / "snippets", "Where the snippet files live.")
    log_level: str = _option("info", "uvicorn log level.")
    workers: int = _option(1, "Worker processes. With more than one, chat rooms go through a hub all workers share.")

    # Plain HTTP, for every client address.
    http_requests_per_second: float = _option(50.0, "Sustained HTTP requests per second per client address; more get 429.")
    http_request_burst: int = _option(300, "HTTP requests a client may make at once (a cold page load with its runtime).")
    http_max_body_bytes: int = _option(16 * 1024, "Largest HTTP request body accepted; larger gets 413.")

    # Websockets: every limit applies to every websocket endpoint (echo, chat, mounted snippets).
    ws_max_message_bytes: int = _option(64 * 1024, "Largest websocket message accepted; larger closes with 1009.")
    ws_per_message_deflate: bool = _option(False, "Offer per-message deflate compression to websocket clients.")
    ws_allowed_origins: str = _option(
        "", "Comma-separated extra Origins (a copy of the site elsewhere) allowed to open websockets and to "
            "call the HTTP endpoints cross-origin; same origin and localhost always are.")
    ws_max_connections_per_ip: int = _option(16, "Open websockets allowed per client address; more close with 1013.")
    ws_messages_per_second: float = _option(20.0, "Sustained messages per second per websocket; faster closes with 1008.")
    ws_message_burst: int = _option(40, "Messages a websocket may send at once before the rate applies.")
    ws_idle_timeout: float = _option(300.0, "Seconds a websocket may stay silent before the server closes it.")
    ws_ping_interval: float = _option(20.0, "Seconds between the server's keepalive pings.")
    ws_ping_timeout: float = _option(20.0, "Seconds to wait for a pong before dropping the connection.")

    # Chat rooms.
    chat_max_rooms: int = _option(100, "Chat rooms open at once.")
    chat_max_members: int = _option(50, "Members per chat room.")
    chat_max_text: int = _option(2000, "Characters in one chat message.")
    chat_broker: str = _option("", "Unix socket of the chat hub; set by the playground itself when workers > 1.")

    # The concurrency lab.
    lab_max_requests: int = _option(100, "Concurrent requests one lab run may fire.")
    lab_max_seconds: float = _option(5.0, "Seconds one lab target request may wait or work.")
    lab_deadline: float = _option(30.0, "Seconds after which a lab run stops waiting for its requests.")
    lab_threadpool_tokens: int = _option(40, "Threads in the lab target's threadpool (FastAPI's default is 40).")

    @classmethod
    def fields(cls) -> tuple[dataclasses.Field[Any], ...]:
        return dataclasses.fields(cls)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read `PLAYGROUND_*` variables; anything not set keeps its default."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in cls.fields():
            raw = environ.get(env_name(field.name))
            if raw is not None:
                values[field.name] = _parse(field, raw, source=env_name(field.name))
        return cls(**values)

    @classmethod
    def from_args(
        cls, argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
    ) -> Settings:
        """Flags win over environment variables, which win over defaults."""
        base = cls.from_env(environ)
        namespace = build_parser(base).parse_args(argv)
        return dataclasses.replace(base, **vars(namespace))


def env_name(field_name: str) -> str:
    return ENV_PREFIX + field_name.upper()


def export_to_environment(settings: Settings) -> None:
    """Hand settings to processes uvicorn starts (the reloader's child, the workers): they build
    the app from the environment, the one channel they read."""
    for field in Settings.fields():
        os.environ[env_name(field.name)] = str(getattr(settings, field.name))


def _field_type(field: dataclasses.Field[Any]) -> type:
    # `from __future__ import annotations` makes field.type a string; map it back.
    return {"str": str, "int": int, "bool": bool, "float": float, "Path": Path}[str(field.type)]


def _parse(field: dataclasses.Field[Any], raw: str, *, source: str) -> Any:
    kind = _field_type(field)
    if kind is bool:
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise ValueError(f"{source}: expected a boolean (true/false/1/0), got {raw!r}")
    try:
        return kind(raw)
    except ValueError as error:
        raise ValueError(f"{source}: expected {kind.__name__}, got {raw!r}") from error


def build_parser(defaults: Settings | None = None) -> argparse.ArgumentParser:
    """One flag per settings field, its default taken from `defaults`."""
    defaults = defaults or Settings()
    parser = argparse.ArgumentParser(
        prog="python -m playground",
        description="Serve the built site and the playground endpoints.",
        epilog=f"Every flag can also be set as an environment variable {ENV_PREFIX}<NAME>.",
    )
    for field in Settings.fields():
        flag = "--" + field.name.replace("_", "-")
        current = getattr(defaults, field.name)
        kind = _field_type(field)
        help_text = f"{field.metadata['help']} [env {env_name(field.name)}; default: {current}]"
        if kind is bool:
            parser.add_argument(
                flag, dest=field.name, action=argparse.BooleanOptionalAction,
                default=current, help=help_text,
            )
        else:
            parser.add_argument(flag, dest=field.name, type=kind, default=current, help=help_text)
    return parser


def markdown_table() -> str:
    """The settings as the README lists them (a test keeps the README equal to this)."""
    rows = ["| flag | environment variable | default | what it does |", "|---|---|---|---|"]
    for field in Settings.fields():
        default = field.default
        if isinstance(default, Path):
            default = default.relative_to(PROJECT_ROOT).as_posix() + "/"
        shown = "off" if default is False else "on" if default is True else f"`{default}`" if default != "" else "(none)"
        flag = "--" + field.name.replace("_", "-")
        rows.append(f"| `{flag}` | `{env_name(field.name)}` | {shown} | {field.metadata['help']} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
