"""Which browser pages may talk to the playground: the page's own origin, localhost, and the
extra origins named in the settings. One policy for websockets (checked by `ws_guard`) and for
cross-origin HTTP (CORS, in `app`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from playground.server.settings import LOCAL_HOSTS, Settings

LOCAL_ORIGIN = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"


def allowed_origins(settings: Settings) -> frozenset[str]:
    """The extra origins of the settings (besides the page's own and localhost)."""
    return frozenset(o.strip().rstrip("/") for o in settings.ws_allowed_origins.split(",") if o.strip())


def origin_allowed(origin: str | None, host: str | None, extra: frozenset[str]) -> bool:
    """No Origin (not a browser), the page's own origin, localhost, or an allowed extra one."""
    if origin is None:
        return True
    if origin in extra:
        return True
    parts = urlsplit(origin)
    # urlsplit drops an IPv6 literal's brackets ("::1"); LOCAL_HOSTS names hosts as a Host header does.
    if parts.hostname in LOCAL_HOSTS or (parts.hostname and f"[{parts.hostname}]" in LOCAL_HOSTS):
        return True
    return host is not None and parts.netloc == host
