"""The package's one exception type (shared with numeric_backend): a ValueError subclass whose message names the
argument and what was wrong. It is shown, and importable, as ``symbolic_vae.SymbolicVAEError``."""

from numeric_backend._errors import SymbolicVAEError, fail

SymbolicVAEError.__module__ = "symbolic_vae"

__all__ = ["SymbolicVAEError", "fail"]
