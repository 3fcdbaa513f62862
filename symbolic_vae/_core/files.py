"""Files the package writes: JSON written atomically (a reader, or a kill, sees the old file or the new one, never
half of one), with the mode a plain ``open()`` would give, and the package's cache directory."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

CACHE_DIR_ENV = "SYMBOLIC_VAE_CACHE_DIR"
"""The environment variable that moves the package's cache directory (the verdict store, partial runs)."""


def cache_dir() -> Path:
    """The package's cache directory: $SYMBOLIC_VAE_CACHE_DIR, else the platform's user cache dir."""
    import platformdirs

    return Path(os.environ.get(CACHE_DIR_ENV) or platformdirs.user_cache_dir("symbolic-vae"))


def new_file_mode(path: Path) -> int:
    """The mode of the existing ``path``, else 0o666 less the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_json_atomically(path: Path, payload: Any, *, indent: int | None = 2) -> None:
    """Write ``payload`` (strict JSON: no NaN or inf) to ``path`` through a temporary file in the same directory and
    an atomic rename; ``indent=None`` writes compact JSON (several times faster for a large payload)."""
    text = json.dumps(payload, indent=indent, allow_nan=False) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, new_file_mode(path))  # mkstemp makes 0600; give the file the mode a plain open() would
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
