"""The one exception type raised on bad input anywhere in the distribution."""


class SymbolicVAEError(ValueError):
    """Bad input: the message names the argument and what was wrong with it."""


def fail(argument: str, problem: str) -> SymbolicVAEError:
    """Build the error for ``argument``; ``problem`` says what was wrong (and what was received)."""
    return SymbolicVAEError(f"{argument}: {problem}")
