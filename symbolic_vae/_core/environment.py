"""The process settings the package makes when it is imported: SymPy's cache size (before SymPy is imported), and
numeric_backend reading its settings from SYMBOLIC_VAE_TORCH_CACHE and SYMBOLIC_VAE_TORCH_AOT and caching under
~/.cache/symbolic-vae."""

import os

SYMPY_CACHE_ENTRIES = 100_000
"""SymPy's cache size (``SYMPY_CACHE_SIZE``; SymPy's default is 1000) unless the environment sets one. The
explicit-size derivations build the same subexpressions over and over: with this cache a cold ``verify`` takes about
a fifth less CPU time, for about 100 MB more memory per process. SymPy reads the setting once, when it is first
imported, so it has no effect on a process that imported SymPy before this package; it changes no result."""
os.environ.setdefault("SYMPY_CACHE_SIZE", str(SYMPY_CACHE_ENTRIES))

import numeric_backend  # noqa: E402 - imports SymPy, after its cache size is set

PREFIX = "SYMBOLIC_VAE"
CACHE_NAME = "symbolic-vae"

numeric_backend.use_environment(PREFIX, CACHE_NAME)
