"""The package's one exception type: a ValueError subclass whose message names the argument and what was wrong.
It is shown, and importable, as ``symbolic_vae.SymbolicVAEError``. It derives from numeric_backend's error type, so
that numeric_backend's handlers (e.g. the minimizer rejecting a trial point) treat both alike."""

from numeric_backend import NumericBackendError


class SymbolicVAEError(NumericBackendError):
    """Bad input: the message names the argument and what was wrong with it."""


SymbolicVAEError.__module__ = "symbolic_vae"


def fail(argument: str, problem: str) -> SymbolicVAEError:
    """Build the error for ``argument``; ``problem`` says what was wrong (and what was received)."""
    return SymbolicVAEError(f"{argument}: {problem}")


def from_backend(err: NumericBackendError) -> SymbolicVAEError:
    """A numeric_backend error re-raised as the package's own (same message)."""
    return err if isinstance(err, SymbolicVAEError) else SymbolicVAEError(str(err))


__all__ = ["SymbolicVAEError", "fail", "from_backend"]
