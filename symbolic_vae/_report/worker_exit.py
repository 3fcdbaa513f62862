"""How the local cluster's worker processes end: without the interpreter's teardown."""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin


def _exit_without_teardown() -> None:
    """Flush the standard streams and end the process at once, with the status 0 of a worker Dask closed."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(0)


class SkipTeardown(WorkerPlugin):
    """For the workers of the embedded local cluster: once Dask has closed a worker, its process exits without the
    interpreter's teardown, which frees every cached SymPy expression and tensor one by one (about a second at the
    end of a ``verify``). Everything the worker computed has been returned or stored by then. The workers of a
    cluster at a ``--scheduler`` address are the user's processes and are not given it."""

    name = "symbolic-vae-skip-teardown"

    def teardown(self, worker: Any) -> None:
        atexit.register(_exit_without_teardown)  # the first exit handler to run, after Dask's close completed
