"Tiny fixture runs of every method through `kr_nb run`, their metrics without wall-clock fields, as JSON: `python tools/fixture_runs.py OUT.json`."
import json, os, platform, sys, tempfile
from pathlib import Path
import torch
from kr_nb.test_utils import tiny_npz
from kr_nb.cli import main

TINY = ['--epochs', '3', '--student_steps', '0', '--width', '8', '--n_shadows', '2', '--quiet']
RUNS = {  # name -> the options after --data (each run small enough for a test)
    'kr': ['--gen_train_steps', '40', *TINY],
    'kr_pipeline_shadows': ['--gen_train_steps', '40', '--student_shadows', 'pipeline', '--variants', 'gkd', *TINY],
    'bn': ['--method', 'bn', '--gen_iterations', '5', '--gen_group', '10', '--n_per_class', '5', *TINY],
    'dp': ['--dp_epsilon', '8', '--variants', 'none', *TINY]}

def no_time(d):
    "`d` without the fields that differ between any two runs (seconds, peak memory, stages reused)."
    if isinstance(d, dict): return {k: no_time(v) for k, v in d.items() if 'seconds' not in k and k not in ('timings', 'peak_memory_mb', 'resumed')}
    if isinstance(d, list): return [no_time(v) for v in d]
    return d

def machine() -> str:
    "What makes float results differ between machines: the CPU model, its instruction sets, torch, threads, the host."
    info = Path('/proc/cpuinfo').read_text() if Path('/proc/cpuinfo').exists() else ''
    model = next((l.split(':', 1)[1].strip() for l in info.splitlines() if l.startswith('model name')), platform.processor())
    flags = next((l.split(':', 1)[1].split() for l in info.splitlines() if l.startswith('flags')), [])
    simd = ' '.join(sorted(f for f in flags if f.startswith(('avx', 'amx', 'fma', 'sse4'))))
    mid = Path('/etc/machine-id').read_text().strip()[:8] if Path('/etc/machine-id').exists() else '?'
    # two VMs of one CPU kind can still differ (the brief's Teacher 0.9944 vs 0.9806): the machine's id too
    return f"{platform.machine()} {model} [{simd}] torch {torch.__version__} threads {torch.get_num_threads()} id {mid}"

def fixture_runs(names=tuple(RUNS)) -> dict:
    "Run the named fixture runs in a temporary folder; returns name -> metrics without wall-clock fields."
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = str(tiny_npz(Path(tmp)/'tiny.npz', n=120, size=8, n_classes=3))
        for n in names:
            main(['run', '--data', data, '--out', f'{tmp}/{n}', *RUNS[n]])
            m = no_time(json.loads(Path(f'{tmp}/{n}/metrics.json').read_text()))
            m['config']['data'] = 'tiny.npz'  # not the temporary folder it was written to
            out[n] = m
    return out

if __name__ == '__main__':
    res = {'machine': machine(), 'runs': fixture_runs()}
    Path(sys.argv[1]).write_text(json.dumps(res, indent=1, sort_keys=True))
    print(f"wrote {sys.argv[1]} ({', '.join(res['runs'])}; {res['machine']})")
