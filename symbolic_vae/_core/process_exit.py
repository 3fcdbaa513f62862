"""Ending a process of the package without the interpreter's teardown: the teardown frees every cached SymPy
expression and tensor one by one (about a second after a ``verify``), and nothing the package keeps needs it."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from typing import NoReturn


def exit_without_teardown(code: int) -> NoReturn:
    """Flush logging and the standard streams, then end the process with exit status ``code`` at once. Every file
    the package writes is closed before (atomic writes); a closed pipe on a stream is ignored."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe, as in `symbolic-vae list | head`
            stream.flush()
    os._exit(code)
