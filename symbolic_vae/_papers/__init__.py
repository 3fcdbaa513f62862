"""The papers: one module per section of a paper, ``wz2022/<topic>`` and ``lucas2019/<topic>``. Each holds the
printed and derived expressions of its section, the checks specific to its mathematics, and ``claims()``: the table
of its claims. ``sections.SECTIONS`` lists them in ledger order (adding a section is one import and one row).

May import: ``symbolic_vae._core``, ``symbolic_vae._model``, ``symbolic_vae._engine``, numeric_backend.
"""
