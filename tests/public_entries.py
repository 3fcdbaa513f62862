"""The public library entry points as a table shared by the bad-input tests and the fuzz suite: for each entry,
its arguments (name as the user writes it, a valid value, kind, passed by keyword), and bad values by kind. Every
kernel (and per_latent, surviving_modes, minimal_loss, collapse_threshold) takes its spectrum positionally and every
other argument by keyword."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

import symbolic_vae as sv
from symbolic_vae import collapse_threshold, kernel, kernel_sources
from symbolic_vae._kernels.build import BuilderSource, KernelSource

SOURCES = kernel_sources()
PER_MODE = sorted(n for n, s in SOURCES.items() if isinstance(s, KernelSource))
SPECTRUM_LEVEL = sorted(n for n, s in SOURCES.items() if isinstance(s, BuilderSource))

ZETA = np.array([[2.0, 1.0, 0.5], [1.5, 1.5, 0.0]])  # batch (2,), d = 3: a tie and a zero
SIGMA = np.array([[0.5, 1.0, 1.5], [0.7, 0.7, 2.0]])


@functools.cache
def built_kernel(name: str) -> Any:
    return kernel(name)


@functools.cache
def built_per_latent(name: str) -> Any:
    return sv.per_latent(name)


def floats(values: list[float]) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def dataset(n: int = 40, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 4)) * np.array([3.0, 2.0, 1.5, 0.5]) + 7.0


NOT_REAL = {"nan": float("nan"), "inf": float("inf"), "-inf": -float("inf"), "abc": "abc", "True": True,
            "complex": 1j, "string array": np.array(["a"]), "datetime": np.datetime64("2020-01-01"),
            "object array": np.array([None], dtype=object), "ragged": [[1.0], [1.0, 2.0]], "dict": {"a": 1}}
BAD = {
    "positive": {**NOT_REAL, "-1": -1.0, "0": 0.0, "above range": 1e40, "below range": 1e-40, "empty": np.zeros(0),
                 "mismatched": np.ones(3)},
    "variance": {**NOT_REAL, "-1": -1.0, "0": 0.0, "above range": 1e70, "below range": 1e-70, "empty": np.zeros(0),
                 "mismatched": np.ones(3)},
    "non-negative": {**NOT_REAL, "-1": -1.0, "above range": 1e70, "empty": np.zeros(0), "mismatched": np.ones(3)},
    "spectrum": {**NOT_REAL, "negative": floats([2.0, -1.0, 0.0]), "unsorted": floats([1.0, 2.0, 0.5]),
                 "above range": floats([1e40, 1.0, 0.0]), "tiny": floats([1.0, 1e-200, 0.0]), "rank 0": 1.0,
                 "empty": np.zeros((2, 0)), "nan entry": floats([2.0, np.nan, 0.0])},
    "eigenvalues": {**NOT_REAL, "negative": floats([2.0, -1.0, 0.0]), "unsorted": floats([1.0, 2.0, 0.5]),
                    "above range": floats([1e70, 1.0, 0.0]), "tiny": floats([1.0, 1e-320, 0.0]), "rank 0": 1.0,
                    "empty": np.zeros((2, 0)), "nan entry": floats([2.0, np.nan, 0.0])},
    "size": {"2.7": 2.7, "inf": float("inf"), "1e18": 10**18, "0": 0, "-1": -1, "True": True, "abc": "abc",
             "None": None, "3.0": 3.0, "array": np.array([2])},
    "real": {**NOT_REAL, "above range": 1e40},
    "flag": {"1": 1, "yes": "yes", "None": None, "array": np.array([True])},
    "text": {"1": 1, "None": None, "bytes": b"abc"},
}
"""Bad values by the kind of argument (each must raise naming the argument)."""

Arg = tuple[str, Any, str, bool]  # (name as the user writes it, a valid value, kind, passed by keyword)


def per_mode_entry(name: str) -> tuple[Callable[..., Any], list[Arg]]:
    args: list[Arg] = [("zeta", ZETA, "spectrum", False), ("beta", 1.0, "positive", True),
                       ("eta_enc", 1.3, "positive", True), ("eta_dec", 0.8, "positive", True)]
    args += [(s.name, SIGMA, "positive", True) for s in SOURCES[name].args[1:] if s.name == "sigma"]
    return (lambda *a, **k: built_kernel(name)(*a, **k)), args


def spectrum_level_entry(name: str) -> tuple[Callable[..., Any], list[Arg]]:
    z, beta, res = ("zeta", ZETA, "spectrum", False), ("beta", 1.0, "positive", True), \
        ("residual", np.array([0.1, 0.2]), "non-negative", True)
    sizes = [("latent_dim", 2, "size", True), ("target_dim", 4, "size", True)]
    table: dict[str, list[Arg]] = {
        "decoder_variance_G": [z, beta, *sizes, ("s", 0.7, "variance", True), res,
                               ("partition", True, "flag", True)],
        "decoder_variance_G_prime": [z, beta, *sizes, ("s", 0.7, "variance", True), res],
        "optimal_decoder_variance": [z, beta, *sizes, res],
        "decoder_variance_surviving_modes": [z, beta, *sizes, res],
        "decoder_variance_regime": [z, beta, *sizes, res],
        "decoder_variance_collapse_thresholds": [z, *sizes, res],
        "origin_hessian_min_eigenvalue": [z, ("sigma2", np.array([[0.5, 1.0], [2.0, 0.1]]), "variance", True), beta,
                                          ("eta_enc", 1.3, "positive", True), ("eta_dec", 0.8, "positive", True)],
        "ppca_sigma2_mle": [("eigenvalues", np.array([[3.0, 2.0, 1.0, 0.5], [1.0, 1.0, 1.0, 0.0]]), "eigenvalues",
                             False),
                            ("latent_dim", 2, "size", True)],
        "ppca_column_norms": [("eigenvalues", np.array([[3.0, 2.0, 1.0, 0.5]]), "eigenvalues", False),
                              ("latent_dim", 2, "size", True)],
        "linear_vae_elbo": [("eigenvalues", np.array([[3.0, 2.0, 1.0], [1.0, 0.5, 0.0]]), "eigenvalues", False),
                            ("W", np.ones((2, 3, 2)), "real", True), ("V", np.ones((2, 2, 3)), "real", True),
                            ("D", np.array([0.5, 1.0]), "variance", True), ("s", 1.0, "variance", True)],
    }
    return (lambda *a, **k: built_kernel(name)(*a, **k)), table[name]


SCALARS: list[Arg] = [("beta", 1.0, "positive", True), ("eta_enc", 1.0, "positive", True),
                      ("eta_dec", 1.0, "positive", True)]
X_DATA = dataset()
MU_DATA = (X_DATA - X_DATA.mean(0))[:, :2] * 0.5  # a trained encoder's means [n, 2] and log-variances [n, 2]
LOGVAR_DATA = np.full((X_DATA.shape[0], 2), -1.0)
ENTRIES: dict[str, tuple[Callable[..., Any], list[Arg]]] = {
    **{f"kernel({n})": per_mode_entry(n) for n in PER_MODE},
    **{f"kernel({n})": spectrum_level_entry(n) for n in SPECTRUM_LEVEL},
    "per_latent": (lambda *a, **k: built_per_latent("sigma_star")(*a, **k),
                   [("zeta", ZETA, "spectrum", False), *SCALARS, ("latent_dim", 4, "size", True)]),
    "surviving_modes": (sv.surviving_modes, [("zeta", ZETA, "spectrum", False), *SCALARS,
                                             ("latent_dim", 2, "size", True)]),
    "minimal_loss": (sv.minimal_loss, [("zeta", ZETA, "spectrum", False), *SCALARS, ("latent_dim", 2, "size", True),
                                       ("residual", 0.5, "non-negative", True), ("partition", True, "flag", True),
                                       ("target_dim", 3, "size", True)]),
    "check_spectrum": (sv.check_spectrum, [("zeta", ZETA, "spectrum", False)]),
    "collapse_threshold": (lambda *a, **k: collapse_threshold()(*a, **k),
                           [("zeta", ZETA, "spectrum", False), ("eta_enc", 1.0, "positive", True),
                            ("eta_dec", 1.0, "positive", True)]),
    "whiten": (sv.whiten, [("X", X_DATA, "data", False), ("Y", X_DATA[:, :2], "data", False),
                           ("center", True, "flag", True)]),
    "thresholds": (sv.thresholds, [("X", X_DATA, "data", False), ("Y", X_DATA[:, :2], "data", False),
                                   ("beta_value", 1.0, "positive", True), ("eta_enc_value", 1.0, "positive", True),
                                   ("eta_dec_value", 1.0, "positive", True), ("latent_dim", 2, "size", True),
                                   ("source", "array", "text", True), ("learnable", False, "flag", True)]),
    "diagnose": (sv.diagnose, [("X", X_DATA, "data", False), ("mu", MU_DATA, "data", False),
                               ("logvar", LOGVAR_DATA, "data", False), ("beta_value", 1.0, "positive", True),
                               ("eta_enc_value", 1.0, "positive", True), ("eta_dec_value", 1.0, "positive", True),
                               ("source", "array", "text", True)]),
    "vae_loss": (sv.vae_loss, [("U", np.ones((2, 1)), "real", False), ("W", np.ones((3, 1)), "real", False),
                               ("sigma", np.array([0.5]), "positive", False), ("A", np.eye(3), "moment", True),
                               ("B", np.ones((3, 2)), "cross moment", True), ("S_yy", np.eye(2) * 3, "moment", True),
                               ("beta", 1.0, "positive", True), ("eta_enc", 1.0, "positive", True),
                               ("eta_dec", 1.0, "positive", True), ("partition", True, "flag", True)]),
}
BAD["data"] = {**NOT_REAL, "rank 3": np.ones((4, 3, 2)), "empty": np.zeros((0, 3)), "nan entry": floats([1.0, np.nan]),
               "mismatched rows": np.ones((7, 2)), "rank 0": 1.0}
BAD["moment"] = {**NOT_REAL, "not square": np.ones((3, 2)), "not symmetric": np.triu(np.ones((3, 3))),
                 "not psd": -np.eye(3), "above range": np.eye(3) * 1e70, "wrong size": np.eye(4)}
BAD["cross moment"] = {**NOT_REAL, "above range": 1e70, "wrong size": np.ones((3, 3))}
BROADCAST_KINDS = {"positive", "variance", "non-negative", "real", "moment", "cross moment"}
"""Kinds whose bad numbers fill an array of the valid argument's shape (so e.g. W = 1e40 tests the range of W,
not its rank)."""
MESSAGE = {"above range": "range", "below range": "range", "tiny": "range", "mismatched": "shape",
           "unsorted": "non-increasing", "negative": ">= 0", "-1": "positive|>= 0", "0": "positive|integer",
           "nan entry": "NaN", "empty": "entry|empty"}
"""What the message must say besides the argument's name, by bad value."""


OPTIONAL_LATENT_DIM = {"per_latent", "surviving_modes", "minimal_loss", "thresholds"}
"""Entries whose latent_dim may be None (d1 = d); the spectrum-level kernels require it."""


def case_is_valid(entry: str, name: str, kind: str, label: str) -> bool:
    """Whether a table value is in fact valid for this argument (so it is left out of the bad-input table)."""
    if kind == "size" and label == "None" and name == "latent_dim" and entry in OPTIONAL_LATENT_DIM:
        return True  # latent_dim=None means d1 = d
    if label == "mismatched" and (name == "sigma" and entry != "vae_loss"
                                  or entry == "kernel(origin_hessian_min_eigenvalue)" and name == "sigma2"):
        return True  # [3] broadcasts to [..., 3] / is [..., d1] with d1 = 3: shapes in test_mismatched_shapes
    return label == "mismatched rows" and name == "X"  # the message names Y (and X): see test_mismatched_shapes


CASES = [(entry, i, label) for entry, (_, args) in ENTRIES.items() for i, (name, _, kind, _) in enumerate(args)
         for label in BAD[kind] if not case_is_valid(entry, name, kind, label)]


def call_entry(entry: str, replace: dict[int, Any] | None = None) -> Any:
    fn, args = ENTRIES[entry]
    values = [replace[i] if replace and i in replace else value for i, (_, value, _, _) in enumerate(args)]
    positional = [v for v, (_, _, _, kw) in zip(values, args, strict=True) if not kw]
    keywords = {name: v for v, (name, _, _, kw) in zip(values, args, strict=True) if kw}
    return fn(*positional, **keywords)
