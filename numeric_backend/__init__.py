"""Numeric backend: SymPy -> numeric callables, seeded random instances, batched minimization, high precision, and
SGD training of VAEs over a grid of beta values (``train_linear_vae``, ``train_nonlinear_vae``, ``latent_usage``).

Knows nothing about any paper and imports nothing of the packages that use it. torch is imported lazily, so
``import numeric_backend`` works without it. ``compile_expression(expr, args, backend)`` picks "numpy", "torch" or
"torch-compiled" by name. Bad input raises ``NumericBackendError`` (a ValueError). The environment variables it
reads are ``NUMERIC_BACKEND_TORCH_CACHE`` and ``NUMERIC_BACKEND_TORCH_AOT``, or another prefix set with
``use_environment``.
"""

from numeric_backend._derivatives import Derivatives
from numeric_backend._environment import use_environment
from numeric_backend._errors import NumericBackendError, fail
from numeric_backend._highprec import ZeroTest, classify_zero, evaluate_high_precision
from numeric_backend._minimize import MinimizeResult, convergence_criterion, minimize_batched
from numeric_backend._montecarlo import MonteCarloEstimate, agrees_with, monte_carlo_mean
from numeric_backend._multistart import MultistartResult, multistart_minimize
from numeric_backend._numpy_compile import NUMPY_TRANSLATION, SUPPORTED_NUMPY_NODES, NumpyFunction, to_numpy
from numeric_backend._sampling import (
    Domain,
    SecondMoments,
    SymbolRange,
    draw_points,
    random_dataset,
    second_moments,
)
from numeric_backend._tolerance import ROUND_TRIP_RTOL, round_trip_gap, within_round_trip_tolerance
from numeric_backend._torch_compile import (
    BACKENDS,
    CompiledTorchFunction,
    compile_expression,
    compile_torch,
    require_torch,
    torch_cache_dir,
)
from numeric_backend._torch_translate import (
    SUPPORTED_NODE_TYPES,
    TORCH_TRANSLATION,
    TorchFunction,
    to_torch,
)
from numeric_backend._training import (
    ACTIVE_UNIT_THRESHOLD,
    LatentUsage,
    TrainedVAE,
    latent_usage,
    train_linear_vae,
    train_nonlinear_vae,
)

__all__ = [
    "ACTIVE_UNIT_THRESHOLD",
    "LatentUsage",
    "TrainedVAE",
    "latent_usage",
    "train_linear_vae",
    "train_nonlinear_vae",
    "ROUND_TRIP_RTOL",
    "round_trip_gap",
    "within_round_trip_tolerance",
    "BACKENDS",
    "CompiledTorchFunction",
    "compile_expression",
    "compile_torch",
    "require_torch",
    "torch_cache_dir",
    "NUMPY_TRANSLATION",
    "SUPPORTED_NUMPY_NODES",
    "NumpyFunction",
    "to_numpy",
    "SUPPORTED_NODE_TYPES",
    "TORCH_TRANSLATION",
    "Domain",
    "MinimizeResult",
    "MonteCarloEstimate",
    "MultistartResult",
    "SecondMoments",
    "SymbolRange",
    "NumericBackendError",
    "TorchFunction",
    "ZeroTest",
    "agrees_with",
    "classify_zero",
    "convergence_criterion",
    "draw_points",
    "evaluate_high_precision",
    "fail",
    "use_environment",
    "minimize_batched",
    "monte_carlo_mean",
    "multistart_minimize",
    "Derivatives",
    "random_dataset",
    "second_moments",
    "to_torch",
]
