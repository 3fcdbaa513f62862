"""numeric_backend, as used by this package, reads its settings from SYMBOLIC_VAE_TORCH_CACHE and
SYMBOLIC_VAE_TORCH_AOT and caches under ~/.cache/symbolic-vae (set once, when the package is imported)."""

import numeric_backend

PREFIX = "SYMBOLIC_VAE"
CACHE_NAME = "symbolic-vae"

numeric_backend.use_environment(PREFIX, CACHE_NAME)
