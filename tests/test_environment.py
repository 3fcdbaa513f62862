"""The process settings made on import: SymPy's cache is raised before SymPy is imported, unless the environment
sets its size."""

import os
import subprocess
import sys

from symbolic_vae._core.environment import SYMPY_CACHE_ENTRIES

SHOW_CACHE = "import symbolic_vae, sympy.core.cache as c; print(c.SYMPY_CACHE_SIZE)"


def _cache_size_in_new_process(**settings: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "SYMPY_CACHE_SIZE"} | settings
    return subprocess.run([sys.executable, "-c", SHOW_CACHE], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_importing_the_package_raises_sympys_cache():
    assert _cache_size_in_new_process() == str(SYMPY_CACHE_ENTRIES)


def test_a_cache_size_the_environment_sets_is_kept():
    assert _cache_size_in_new_process(SYMPY_CACHE_SIZE="500") == "500"
    assert _cache_size_in_new_process(SYMPY_CACHE_SIZE="none") == "None"
