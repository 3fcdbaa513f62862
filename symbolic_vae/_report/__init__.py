"""The report: the catalog of every claim (``registry``), the JSON ledger (``ledger``), LaTeX and notebook views
(``latex``), figures (``plots``) and collapse thresholds on data (``thresholds``).

May import: every other layer of symbolic_vae, and numeric_backend.
"""
