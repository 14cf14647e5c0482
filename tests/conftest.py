import os, sys, subprocess, shutil
from pathlib import Path
import pytest

os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
os.environ.setdefault('MPLBACKEND', 'Agg')
os.environ.setdefault('OMP_NUM_THREADS', '1')  # tiny test models: one thread is fastest, and CLI subprocesses inherit it
ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent/'shared'/'data'/'medmnist'
if 'KR_NB_DATA' not in os.environ and SHARED.exists(): os.environ['KR_NB_DATA'] = str(SHARED)

def kr_nb_exe():
    exe = shutil.which('kr_nb') or str(Path(sys.executable).parent/'kr_nb')
    return exe

@pytest.fixture
def run_cli(tmp_path):
    "Run the installed `kr_nb` command; returns the CompletedProcess."
    def _run(*args, timeout=600, env=None):
        e = {**os.environ, **(env or {})}
        return subprocess.run([kr_nb_exe(), *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=tmp_path, env=e)
    return _run

@pytest.fixture
def medmnist_dir():
    d = os.environ.get('KR_NB_DATA')
    if not d or not (Path(d)/'pneumoniamnist.npz').exists(): pytest.skip('shared MedMNIST files not available')
    return Path(d)
