"""The package's one exception type (shared with numeric_backend)."""

from numeric_backend._errors import SymbolicVAEError, fail

__all__ = ["SymbolicVAEError", "fail"]
