"""How the local cluster's worker processes end: without the interpreter's teardown."""

from __future__ import annotations

import atexit
import functools
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from symbolic_vae._core.process_exit import exit_without_teardown


class SkipTeardown(WorkerPlugin):
    """For the workers of the embedded local cluster: once Dask has closed a worker, its process exits (status 0)
    without the interpreter's teardown (``exit_without_teardown``). Everything the worker computed has been returned
    or stored by then. The workers of a cluster at a ``--scheduler`` address are the user's processes and are not
    given it."""

    name = "symbolic-vae-skip-teardown"

    def teardown(self, worker: Any) -> None:
        # the first exit handler to run, after Dask's close completed
        atexit.register(functools.partial(exit_without_teardown, 0))
