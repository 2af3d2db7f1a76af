"""The playground's one typed settings object.

Every option is written once, here, as a field of a pydantic-settings model with its bounds and
help text. The command line (`python -m playground --help`), the environment variables
(`PLAYGROUND_<NAME>`) and the README's table are all generated from these fields, so an option
cannot exist in one place and be missing in another, and every value — from a flag, from the
environment or from a test's keyword argument — goes through the same coercion and validation.
A zero that would divide (a rate) or disable a limit by accident is refused with the field named.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

from playground.locations import described, project_dir

ENV_PREFIX = "PLAYGROUND_"
PROJECT_ROOT = project_dir()  # a checkout's root, or the current directory once installed
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")

LogLevel = Literal["critical", "error", "warning", "info", "debug", "trace"]


class Settings(BaseSettings):
    """What the playground needs to know to run; defaults suit `make serve` on a laptop.

    `Settings(...)` takes keyword arguments only (tests build one per configuration); the
    environment is read by `from_env`/`from_args`, never implicitly, so a stray variable in a
    test process cannot change a test's server."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid", validate_default=True)

    host: str = Field("127.0.0.1", description="Interface to listen on.")
    port: int = Field(8000, ge=0, le=65535, description="TCP port to listen on (0: any free port).")
    reload: bool = Field(False, description="Restart when playground code changes (for authors; one worker only).")
    site_dir: Path = Field(PROJECT_ROOT / "site", description="The built static site to serve at /.")
    snippets_dir: Path = Field(PROJECT_ROOT / "snippets", description="Where the snippet files live.")
    log_level: LogLevel = Field(
        "info", description="uvicorn log level: critical, error, warning, info, debug or trace."
    )
    workers: int = Field(
        1,
        ge=1,
        description="Worker processes. More than one needs --redis-url, where the chat rooms all workers share live.",
    )
    http: Literal["auto", "h11", "httptools"] = Field(
        "auto", description="HTTP parser: httptools when installed (auto), or h11."
    )
    loop: Literal["auto", "asyncio", "uvloop"] = Field(
        "auto", description="Event loop: uvloop when installed (auto), or asyncio's own."
    )

    # Who is the client: every per-address limit depends on it.
    forwarded_allow_ips: str = Field(
        "",
        description="Comma-separated proxy addresses or networks whose X-Forwarded-For/-Proto are "
        "believed (`*`: any peer, only behind a proxy). Empty: none, the peer is the client.",
    )
    allowed_hosts: str = Field(
        "",
        description="Comma-separated extra host names (no port) requests may name in Host; localhost, "
        "127.0.0.1, [::1] and --host (unless 0.0.0.0/::) always may. Others get 400 "
        "(DNS rebinding). `*` allows any.",
    )

    # Connections, before any request is read.
    max_connections: int = Field(
        2048,
        ge=1,
        description="Open connections (HTTP and websocket) at once; beyond it requests and websocket "
        "handshakes get 503 at once, except /healthz.",
    )
    http_header_timeout: float = Field(
        10.0, gt=0, description="Seconds a connection may take to send a complete request head; then it is closed."
    )
    http_max_header_bytes: int = Field(
        16 * 1024,
        ge=1024,
        description="Largest request head (request line and headers); larger is refused (431 or closed).",
    )

    http_max_pipelined: int = Field(
        16,
        ge=1,
        description="Requests one connection may send ahead of their answers (HTTP pipelining); more close "
        "the connection.",
    )
    http_body_timeout: float = Field(
        10.0,
        gt=0,
        description="Seconds a request body may take to arrive in full, counted from the end of its head; "
        "then 408 and the connection is closed.",
    )
    http_send_timeout: float = Field(
        30.0,
        gt=0,
        description="Seconds an HTTP response may wait for a client that stopped reading; then the "
        "connection is dropped.",
    )
    http_max_connections_per_ip: int = Field(
        64,
        ge=1,
        description="Open HTTP connections per client address (a proxy named in --forwarded-allow-ips is "
        "exempt); more get 429 and are closed. Websockets count under --ws-max-connections-per-ip.",
    )

    # Plain HTTP, for every client address.
    http_requests_per_second: float = Field(
        50.0,
        gt=0,
        description="Sustained HTTP requests (websocket handshakes included) per second per client address; "
        "more get 429.",
    )
    http_request_burst: int = Field(
        300, ge=1, description="HTTP requests a client may make at once (a cold page load with its runtime)."
    )
    http_max_body_bytes: int = Field(
        16 * 1024, ge=0, description="Largest HTTP request body accepted; larger gets 413."
    )
    http_max_clients: int = Field(
        10_000,
        ge=1,
        description="Client addresses whose request rate is remembered; the least recent is forgotten beyond it.",
    )

    # Websockets: every limit applies to every websocket endpoint (echo, chat, mounted snippets).
    ws_max_message_bytes: int = Field(
        64 * 1024, ge=1, description="Largest websocket message accepted; larger closes with 1009."
    )
    ws_per_message_deflate: bool = Field(
        False, description="Offer per-message deflate compression to websocket clients."
    )
    ws_allowed_origins: str = Field(
        "",
        description="Comma-separated extra Origins (a copy of the site elsewhere) allowed to open websockets and to "
        "call the HTTP endpoints cross-origin; same origin and localhost always are.",
    )
    ws_max_connections_per_ip: int = Field(
        16, ge=1, description="Open websockets allowed per client address; more close with 1013."
    )
    ws_messages_per_second: float = Field(
        20.0, gt=0, description="Sustained messages (pings included) per second per websocket; faster closes with 1008."
    )
    ws_messages_per_second_per_ip: float = Field(
        60.0,
        gt=0,
        description="Sustained messages per second from all the websockets of one client address together "
        "(counted per process; a burst of twice --ws-message-burst on top); faster closes with 1008.",
    )
    ws_message_burst: int = Field(
        40, ge=1, description="Messages a websocket may send at once before the rate applies."
    )
    ws_idle_timeout: float = Field(
        300.0, gt=0, description="Seconds a websocket may stay silent before the server closes it."
    )
    ws_ping_interval: float = Field(20.0, gt=0, description="Seconds between the server's keepalive pings.")
    ws_ping_timeout: float = Field(20.0, gt=0, description="Seconds to wait for a pong before dropping the connection.")
    ws_send_timeout: float = Field(
        10.0,
        gt=0,
        description="Seconds a websocket send or close (or a response at shutdown) may wait for a client "
        "that does not read; then the connection is dropped.",
    )
    ws_max_unsent_bytes: int = Field(
        1024 * 1024,
        ge=1024,
        description="Bytes queued for a client that does not read (pongs included) before the connection is dropped.",
    )

    metrics_allow_ips: str = Field(
        "127.0.0.1,::1",
        description="Comma-separated client addresses or networks that may read /metrics (load, file "
        "descriptors, versions); others get 404. Empty: nobody.",
    )

    # Chat rooms.
    chat_max_rooms: int = Field(100, ge=1, description="Chat rooms open at once.")
    chat_max_members: int = Field(50, ge=1, description="Members per chat room.")
    chat_max_text: int = Field(2000, ge=1, description="Characters in one chat message.")
    chat_room_messages_per_second: float = Field(
        20.0,
        gt=0,
        description="Messages per second one chat room carries, all members together (counted per process, a "
        "burst of twice that on top); a message over it is not delivered and its sender is told.",
    )
    chat_max_rooms_per_ip: int = Field(
        5, ge=1, description="Chat rooms one client address may be in at once; joining another closes with 1013."
    )
    chat_joins_per_minute_per_ip: float = Field(
        60.0,
        gt=0,
        description="Room joins per minute from one client address (counted per process; a burst of 20 on top); "
        "faster closes with 1013, saying when to try again: a few addresses cannot take every room at once.",
    )
    chat_room_silence_timeout: float = Field(
        600.0,
        gt=0,
        description="Seconds a chat room may go without a message, join or leave before it is closed (1000, "
        "with the reason): sockets that only sit in a room do not hold it for ever.",
    )
    redis_url: str = Field(
        "",
        description="Redis shared by several workers or machines (redis://host:6379/0): chat rooms, "
        "per-address limits, the lab's one run at a time. Empty: all in this process's memory.",
    )

    snippet_max_requests: int = Field(
        16,
        ge=1,
        description="HTTP requests the mounted snippet apps serve at once, all together (their `def` endpoints "
        "use the threads the static site needs too); more wait up to 5 s, then 503.",
    )

    # The concurrency lab.
    lab_max_requests: int = Field(100, ge=1, description="Concurrent requests one lab run may fire.")
    lab_max_seconds: float = Field(5.0, gt=0, description="Seconds one lab target request may wait or work.")
    lab_deadline: float = Field(30.0, gt=0, description="Seconds after which a lab run stops waiting for its requests.")
    lab_max_line_seconds: float = Field(
        120.0,
        gt=0,
        description="Seconds of lab time (each run's worst case: requests x seconds, at most --lab-deadline) "
        "the line of runs may hold; a run that does not fit gets 429 with the worst-case wait as Retry-After.",
    )
    lab_budget_seconds: float = Field(
        120.0,
        gt=0,
        description="Seconds of lab time one client address may use per 10 minutes; more gets 429 with the "
        "time until its budget holds the run.",
    )
    lab_threadpool_tokens: int = Field(
        40, ge=1, description="Threads in the lab target's threadpool (FastAPI's default is 40)."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)  # the environment only through from_env: explicit, testable

    @classmethod
    def fields(cls) -> dict[str, FieldInfo]:
        return cls.model_fields

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read `PLAYGROUND_*` variables; anything not set keeps its default."""
        return _validated(cls, _EnvMapping(cls, os.environ if environ is None else environ)(), env_name)

    @classmethod
    def from_args(cls, argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
        """Flags win over environment variables, which win over defaults."""
        from_env = cls.from_env(environ)
        flags = vars(build_parser(from_env).parse_args(argv))
        return _validated(cls, {**from_env.model_dump(exclude_unset=True), **flags}, flag_name)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed, validated like any other."""
        return _validated(type(self), {**self.model_dump(exclude_unset=True), **changes}, flag_name)

    def host_names(self) -> frozenset[str]:
        """Host header values (without port) this server answers to; empty set means any."""
        extra = {h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip()}
        if "*" in extra:
            return frozenset()
        listening = self.host.lower()
        if ":" in listening and not listening.startswith("["):
            listening = f"[{listening}]"
        if listening not in {"0.0.0.0", "[::]", ""}:
            extra.add(listening)
        return frozenset({*LOCAL_HOSTS, *extra})

    def trusted_proxies(self) -> list[str]:
        return [p.strip() for p in self.forwarded_allow_ips.split(",") if p.strip()]


class _EnvMapping(EnvSettingsSource):
    """pydantic-settings' environment source, reading a given mapping instead of `os.environ`."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {name.lower(): value for name, value in self._environ.items()}


def _validated(cls: type[Settings], values: dict[str, Any], name: Any) -> Settings:
    """Build settings, turning pydantic's errors into one line per bad value naming its source."""
    try:
        return cls(**values)
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "?"
            lines.append(f"{name(field)}: {problem['msg']}, got {problem.get('input')!r}")
        raise ValueError("; ".join(lines)) from None


def env_name(field_name: str) -> str:
    return ENV_PREFIX + field_name.upper()


def flag_name(field_name: str) -> str:
    return "--" + field_name.replace("_", "-")


def export_to_environment(settings: Settings) -> None:
    """Hand settings to processes uvicorn starts (the reloader's child, the workers): they build
    the app from the environment, the one channel they read."""
    for name in Settings.fields():
        os.environ[env_name(name)] = str(getattr(settings, name))


def build_parser(defaults: Settings | None = None) -> argparse.ArgumentParser:
    """One flag per settings field; a flag not given is left out, so the environment stands."""
    defaults = defaults or Settings()
    parser = argparse.ArgumentParser(
        prog="python -m playground",
        description="Serve the built site and the playground endpoints.",
        epilog=f"Every flag can also be set as an environment variable {ENV_PREFIX}<NAME>. {described()}",
        argument_default=argparse.SUPPRESS,
    )
    for name, field in Settings.fields().items():
        current = getattr(defaults, name)
        help_text = f"{field.description} [env {env_name(name)}; default: {current}]".replace("%", "%%")
        if field.annotation is bool:
            parser.add_argument(flag_name(name), dest=name, action=argparse.BooleanOptionalAction, help=help_text)
        else:
            choices = get_args(field.annotation) if _is_literal(field) else None
            parser.add_argument(flag_name(name), dest=name, choices=choices, help=help_text)
    return parser


def _is_literal(field: FieldInfo) -> bool:
    return get_origin(field.annotation) is Literal


def markdown_table() -> str:
    """The settings as the README lists them (a test keeps the README equal to this)."""
    rows = ["| flag | environment variable | default | what it does |", "|---|---|---|---|"]
    for name, field in Settings.fields().items():
        default = field.default
        if isinstance(default, Path):
            default = default.relative_to(PROJECT_ROOT).as_posix() + "/"
        shown = (
            "off" if default is False else "on" if default is True else f"`{default}`" if default != "" else "(none)"
        )
        rows.append(f"| `{flag_name(name)}` | `{env_name(name)}` | {shown} | {field.description} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
