"""Pieces of a claim table's rows: the check that an identity holds at explicit sizes, run when the claim is
verified, and the negative control that a perturbed identity fails there."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from symbolic_vae._core.claim import Check, Control
from symbolic_vae._engine.identity import SizedIdentity, prove_at_sizes

Build = Callable[[tuple[int, ...]], SizedIdentity]


def at_sizes(build: Build, sizes: Iterable[tuple[int, ...]], *, what: str = "identity") -> Check:
    """The check ``prove_at_sizes(build, sizes, what=what)``, deferred to the claim's run."""
    sizes = tuple(sizes)
    return lambda: prove_at_sizes(build, sizes, what=what)


def control_at_sizes(perturbation: str, build: Build, sizes: Iterable[tuple[int, ...]]) -> Control:
    """The negative control ``perturbation``: the perturbed identity ``build`` must fail at ``sizes``."""
    return Control(perturbation, at_sizes(build, sizes, what="control"))
