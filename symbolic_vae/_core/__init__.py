"""The core: what every layer shares. Claims and their parts (``claim``: Claim, Step, Control, PaperRef, the
PAPERS table), verdicts and how checks combine (``verdict``), the package's error type (``errors``), the argument
validators (``validation``), the run seed (``seeds``) and the environment variables (``environment``).

May import: numeric_backend only (its error type and environment helper). Nothing else of symbolic_vae.
"""
