"""The papers' numbered equations as data: extracted from the papers' text (``equations.extract_*``), shipped as
JSON beside this module, and parsed with SymPy after a declared macro rewrite (``equations.parse_equation``)."""
