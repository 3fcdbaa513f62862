"""numeric_backend's one exception type for bad input."""


class NumericBackendError(ValueError):
    """Bad input to numeric_backend: the message names the argument and what was wrong with it."""


def fail(argument: str, problem: str) -> NumericBackendError:
    """Build the error for ``argument``; ``problem`` says what was wrong (and what was received)."""
    return NumericBackendError(f"{argument}: {problem}")
