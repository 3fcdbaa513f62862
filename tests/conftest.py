import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
# torch-compiled kernels queue ahead-of-time packages for a background builder; in the suite only the test of that
# mechanism builds one (synchronously), so no builder competes with the other tests for the CPU.
for _name in ("SYMBOLIC_VAE_TORCH_AOT", "NUMERIC_BACKEND_TORCH_AOT"):  # as used by symbolic_vae, and alone
    os.environ.setdefault(_name, "0")
# The suite is hermetic: its verdict store (and partial runs) live in a directory of this session, never in the
# user's cache, so every verdict a test asserts was computed by this session's code.
os.environ["SYMBOLIC_VAE_CACHE_DIR"] = tempfile.mkdtemp(prefix="symbolic-vae-tests-")
# verify's default is a local Dask cluster (one worker per core); the suite runs its claims in-process unless a test
# asks for workers or a scheduler (the tests of the Dask path do).
os.environ.setdefault("SYMBOLIC_VAE_WORKERS", "1")
