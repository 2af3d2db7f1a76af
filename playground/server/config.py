"""uvicorn's `Config`, carrying the playground's settings to the protocol classes.

uvicorn builds one protocol object per connection and hands it only the `Config`; the
protocols in `http_protocols` and `ws_protocol` need the playground's settings, and the HTTP
ones share a count of open connections per address. Both live here, as declared attributes of
our own subclass: no protocol searches the app's middleware for them, and a protocol given a
plain `uvicorn.Config` (a server started some other way) fails at its first connection, loudly,
instead of running under the environment's defaults.

The object is pickled into each worker (`--workers`, `--reload`): the settings go with it, and
the counts start empty there, each process counting its own connections.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from typing import Any

import uvicorn

from playground.server.settings import Settings


class PlaygroundConfig(uvicorn.Config):
    def __init__(self, app: Any, settings: Settings, **options: Any) -> None:
        super().__init__(app, **options)
        self.settings = settings
        self.http_connections_by_address: Counter[str] = Counter()  # HTTP connections open, per address
        self.capped_app: Any = None  # http_protocols' CappedApp, built at the first connection
        self._proxies = _networks(settings.trusted_proxies())

    def is_trusted_proxy(self, host: str) -> bool:
        """Whether `host` is a proxy named in --forwarded-allow-ips (its connections carry many clients)."""
        if self._proxies is None:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self._proxies)


def _networks(proxies: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network] | None:
    """The proxies as networks; None for `*` (every peer is a proxy). Names that are not
    addresses (uvicorn also accepts unix socket paths) match nothing here."""
    if "*" in proxies:
        return None
    networks = []
    for proxy in proxies:
        try:
            networks.append(ipaddress.ip_network(proxy, strict=False))
        except ValueError:
            continue
    return networks


def playground_config(config: object) -> PlaygroundConfig:
    """`config` as the playground's Config; TypeError when uvicorn was started without it."""
    if not isinstance(config, PlaygroundConfig):
        raise TypeError(
            f"the playground's protocols need a PlaygroundConfig (playground.server.config), got "
            f"{type(config).__module__}.{type(config).__qualname__}: start the server with "
            "playground.server.run.serve or `python -m playground`"
        )
    return config
