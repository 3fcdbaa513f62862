"""The derivations, one section per module, in ledger order. Each module defines ``claims() -> list[Claim]`` and
may define ``kernel_sources()`` (the closed forms it offers as kernels). Adding a derivation is one import and
one row of SECTIONS."""

from __future__ import annotations

import functools
from types import ModuleType

from symbolic_vae._core.claim import Claim, claim_prefix
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._engine.kernel_spec import KernelSpec
from symbolic_vae._papers.lucas2019 import ppca as _ppca
from symbolic_vae._papers.wz2022 import data_dependent_variance as _data_dependent_variance
from symbolic_vae._papers.wz2022 import decoder_variance as _decoder_variance
from symbolic_vae._papers.wz2022 import elbo as _elbo
from symbolic_vae._papers.wz2022 import encoder_variance as _encoder_variance
from symbolic_vae._papers.wz2022 import global_minimum as _global_minimum
from symbolic_vae._papers.wz2022 import mnist_spectrum as _mnist_spectrum
from symbolic_vae._papers.wz2022 import notation as _notation
from symbolic_vae._papers.wz2022 import optimal_biases as _optimal_biases
from symbolic_vae._papers.wz2022 import origin_hessian as _origin_hessian
from symbolic_vae._papers.wz2022 import training as _training
from symbolic_vae._papers.wz2022 import whitening as _whitening

SECTIONS: dict[str, ModuleType] = {
    "elbo": _elbo,
    "whitening": _whitening,
    "optimal_biases": _optimal_biases,
    "data_dependent_variance": _data_dependent_variance,
    "global_minimum": _global_minimum,
    "encoder_variance": _encoder_variance,
    "decoder_variance": _decoder_variance,
    "origin_hessian": _origin_hessian,
    "ppca": _ppca,
    "training": _training,
    "mnist_spectrum": _mnist_spectrum,
    "notation": _notation,
}
"""Section name -> derivation module, in ledger order."""

SECTION_OF_PREFIX: dict[str, str] = {
    "elbo": "elbo",
    "prop1": "whitening",
    "bias": "optimal_biases",
    "ddv": "data_dependent_variance",
    "globalmin": "global_minimum",
    "encvar": "encoder_variance",
    "decvar": "decoder_variance",
    "hessian": "origin_hessian",
    "lucas": "ppca",
    "training": "training",
    "mnist": "mnist_spectrum",
    "notation": "notation",
}
"""Claim-id prefix (the part before the first dot) -> the one section whose claims carry it, so that one claim is
found by building its section alone."""


@functools.cache
def section_claims(section: str) -> tuple[Claim, ...]:
    """The claims of one section (built once per process)."""
    if section not in SECTIONS:
        raise SymbolicVAEError(f"section: unknown name {section!r}; known: {', '.join(SECTIONS)}")
    return tuple(SECTIONS[section].claims())


def paper_claims() -> list[Claim]:
    """The claims of every section, in ledger order."""
    return [claim for section in SECTIONS for claim in section_claims(section)]


@functools.cache
def _section_claims_by_id(section: str) -> dict[str, Claim]:
    return {claim.id: claim for claim in section_claims(section)}


def paper_claim(claim_id: str) -> Claim:
    """The section claim with this id, built with its section alone (KeyError if there is none)."""
    section = SECTION_OF_PREFIX.get(claim_prefix(claim_id))
    if section is None:
        raise KeyError(claim_id)
    return _section_claims_by_id(section)[claim_id]


def section_title(section: str) -> str:
    """The first paragraph of the section module's docstring, without "Derivation: "."""
    import re

    module = SECTIONS[section]
    head = (module.__doc__ or section).strip().split("\n\n")[0].replace("\n", " ")
    head = re.sub(r"^Derivation:\s*", "", head)
    return head[:1].upper() + head[1:]


def offered_kernels() -> list[KernelSpec]:
    """The kernel offers of every section (``kernel_sources()`` of the modules that define it), in order."""
    return [spec for module in SECTIONS.values() for spec in getattr(module, "kernel_sources", list)()]
