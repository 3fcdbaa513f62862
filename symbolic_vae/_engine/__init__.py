"""The engine: how a claim becomes a verdict. The runner (``runner``: Context, run_claim, the per-process verdict
cache), symbolic identities at explicit sizes (``identity``), proofs region by region over piecewise expressions
(``regions``), numeric ground truth by multistart minimization (``ground_truth``, ``campaigns``), Monte Carlo
checks of the loss (``monte_carlo``), checks on datasets (``dataset_checks``), seeded random instances
(``instances``), exact rational linear algebra with exact instances (``exact``), float64 refutations
(``floats``), the checks and controls at explicit sizes that claim tables declare (``rows``), and kernels as typed
data with their one compile site (``kernel_spec``: KernelSpec, compiled). It knows no paper.

May import: ``symbolic_vae._core``, ``symbolic_vae._model``, numeric_backend.
"""
