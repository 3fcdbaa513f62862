"""The kernels: numeric kernels built only from verified closed forms (``build``: KernelSource, Kernel, kernel(),
the spectrum helpers), and the checks that compare each compiled kernel with its closed form at high precision on
every backend (``checks``).

May import: ``symbolic_vae._core``, ``symbolic_vae._model``, ``symbolic_vae._engine``, ``symbolic_vae._papers``,
numeric_backend.
"""
