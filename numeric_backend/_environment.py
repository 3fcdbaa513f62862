"""The environment variables numeric_backend reads, and the folder of its default cache. They carry a prefix,
``NUMERIC_BACKEND`` unless a package that embeds numeric_backend names its own with ``use_environment``:
``<PREFIX>_TORCH_CACHE`` (the persistent Inductor cache directory) and ``<PREFIX>_TORCH_AOT`` ("0" builds no
ahead-of-time packages). Read at each use, so a change of the environment takes effect at once."""

from __future__ import annotations

import re

from numeric_backend._errors import fail

INDUCTOR_CACHE_ENV = "TORCHINDUCTOR_CACHE_DIR"
"""torch Inductor's own cache directory variable (set for the processes numeric_backend starts)."""

_SETTINGS = {"prefix": "NUMERIC_BACKEND", "cache_name": "numeric-backend"}


def use_environment(prefix: str, cache_name: str) -> None:
    """Read ``<prefix>_TORCH_CACHE`` / ``<prefix>_TORCH_AOT`` and cache under ``~/.cache/<cache_name>``."""
    if not isinstance(prefix, str) or not re.fullmatch(r"[A-Z][A-Z0-9_]*", prefix):
        raise fail("prefix", f"expected an upper-case environment variable prefix such as 'MY_PACKAGE', got "
                             f"{prefix!r}")
    if not isinstance(cache_name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", cache_name):
        raise fail("cache_name", f"expected a folder name such as 'my-package', got {cache_name!r}")
    _SETTINGS.update(prefix=prefix, cache_name=cache_name)


def variable(setting: str) -> str:
    """The environment variable of ``setting`` ("TORCH_CACHE" or "TORCH_AOT") under the current prefix."""
    return f"{_SETTINGS['prefix']}_{setting}"


def cache_name() -> str:
    """The folder name of the default cache (under $XDG_CACHE_HOME or ~/.cache)."""
    return _SETTINGS["cache_name"]
