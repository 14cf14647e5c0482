"""`kr_nb run` under `accelerate launch` with 2 CPU processes (gloo) against 1 process on the same tiny data.

What must be identical, bit for bit, and why:
- sharded sampling (tuning sets, the pool): each part of a set is seeded from its global position, so which process
  makes it does not matter;
- shadow models (shadow k on process k mod 2) and everything trained by one process (Teacher, Students), given the
  same generator: one process trains each, with the same seed, thread count and data order as without a launcher;
- hence every metric and audit row.
What is not bit-identical: the generator itself. Data-parallel training averages the two processes' gradients with an
all-reduce, which adds in another order than one process's mean over the whole batch, so the weights agree to float
rounding (checked with a tolerance), and everything sampled from them can differ. The equality run therefore takes the
1-process run's generator stage (copied, as a resumed run would) and recomputes every other stage with 2 processes.
"""
import json, os, shutil, subprocess, sys, time
from pathlib import Path
import numpy as np
import pytest
from safetensors.numpy import load_file
from kr_nb.test_utils import tiny_npz

TINY = ['--gen_train_steps', '40', '--epochs', '5', '--student_steps', '0', '--bs', '8', '--width', '8', '--n_shadows', '4', '--quiet', '--device', 'cpu']
ENV = {'CUDA_VISIBLE_DEVICES': '', 'OMP_NUM_THREADS': '1'}  # CPU processes over gloo, one thread each, as the 1-process run

def launch(n:int, *args, timeout=900):
    "`kr_nb` with `n` processes (`accelerate launch`, torchrun underneath) or plainly for 1; returns (CompletedProcess, seconds)."
    mod = [sys.executable, '-m', 'kr_nb.cli']
    cmd = mod if n == 1 else [str(Path(sys.executable).parent/'accelerate'), 'launch', '--multi_gpu', '--num_processes', str(n), '--num_machines', '1',
                               '--mixed_precision', 'no', '--dynamo_backend', 'no', '--main_process_port', str(29500 + os.getpid() % 1000), '-m', 'kr_nb.cli']
    t = time.time()
    r = subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, timeout=timeout, env={**os.environ, **ENV})
    return r, time.time() - t

def _strip(d):
    "Metrics without what differs between any two runs (wall time, memory, which stages were resumed)."
    if isinstance(d, dict): return {k: _strip(v) for k, v in d.items() if 'seconds' not in k and k not in ('timings', 'resumed', 'peak_memory_mb')}
    if isinstance(d, list): return [_strip(v) for v in d]
    return d

@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('dist'); data = tiny_npz(tmp/'tiny.npz', n=120, size=8, n_classes=3)
    one, two = tmp/'one', tmp/'two'
    r1, s1 = launch(1, 'run', '--data', data, '--out', one, *TINY)
    assert r1.returncode == 0, r1.stderr[-3000:]
    two.mkdir()
    for d in one.iterdir():  # the generator (and what it depends on) as trained by one process; every other stage is recomputed
        if d.is_dir() and d.name.split('-')[0] in ('split', 'teacher', 'generator'): shutil.copytree(d, two/d.name, symlinks=True)
    r2, s2 = launch(2, 'run', '--data', data, '--out', two, *TINY)
    assert r2.returncode == 0, r2.stderr[-3000:]
    print(f"\n1 process: {s1:.1f} s (whole run); 2 processes: {s2:.1f} s (every stage after the generator)")
    return one, two, data

def _stage(run:Path, name:str) -> Path:
    found = [d for d in run.iterdir() if d.is_dir() and d.name.startswith(name + '-')]
    assert len(found) == 1, (name, found); return found[0]

def test_same_stages_recomputed(runs):
    one, two, _ = runs
    m2 = json.loads((two/'metrics.json').read_text())
    assert set(m2['resumed']) == {'split', 'teacher', 'generator'}  # the rest really ran on 2 processes
    assert {'tuning', 'pool', 'shadows', 'student_shadows', 'student_gkd', 'mia_teacher', 'mia_student'} <= set(m2['timings'])

def test_synthetic_sets_identical(runs):
    one, two, _ = runs
    a, b = np.load(_stage(one, 'pool')/'pool.npz'), np.load(_stage(two, 'pool')/'pool.npz')
    assert len(a['labels']) > 100 and np.array_equal(a['labels'], b['labels']) and np.array_equal(a['images'], b['images'])
    t1, t2 = (json.loads((_stage(r, 'tuning')/'tuning.json').read_text()) for r in (one, two))
    assert _strip(t1['table']) == _strip(t2['table'])  # sharded tuning sets give the same scores

def test_shadows_identical(runs):
    one, two, _ = runs
    for name in ('shadows', 'student_shadows'):
        s1, s2 = _stage(one, name), _stage(two, name)
        w1 = sorted(p.relative_to(s1) for p in s1.rglob('*.safetensors')); w2 = sorted(p.relative_to(s2) for p in s2.rglob('*.safetensors'))
        assert len(w1) == 4 and w1 == w2, (w1, w2)
        for p in w1:
            a, b = load_file(str(s1/p)), load_file(str(s2/p))
            assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a), p

def test_metrics_identical(runs):
    one, two, _ = runs
    m1, m2 = (json.loads((r/'metrics.json').read_text()) for r in (one, two))
    assert _strip(m1['student']) == _strip(m2['student']) and _strip(m1['ablations']) == _strip(m2['ablations'])
    assert _strip(m1['mia']) == _strip(m2['mia'])  # the audit: shadow logits, LiRA, intervals, canaries
    assert (two/'report.md').exists() and (two/'roc.png').exists() and not list(two.glob('.*.tmp'))

def test_regenerated_sets(runs, tmp_path):
    "GKD with sets regenerated during training: every process samples its share of each new set; the Student is the same."
    one, _, data = runs
    regen = ['--synthetic_mode', 'regenerate', '--regenerate_every', '2', '--variants', 'gkd', '--no-mia']
    r1, _ = launch(1, 'run', '--data', data, '--out', tmp_path/'a', *TINY, *regen)
    assert r1.returncode == 0, r1.stderr[-3000:]
    (tmp_path/'b').mkdir()
    for d in (tmp_path/'a').iterdir():
        if d.is_dir() and d.name.split('-')[0] in ('split', 'teacher', 'generator'): shutil.copytree(d, tmp_path/'b'/d.name, symlinks=True)
    r2, _ = launch(2, 'run', '--data', data, '--out', tmp_path/'b', *TINY, *regen)
    assert r2.returncode == 0, r2.stderr[-3000:]
    m1, m2 = (json.loads((tmp_path/r/'metrics.json').read_text())['student'] for r in 'ab')
    assert m1['sets_seen'] >= 2 and _strip(m1) == _strip(m2)  # at least one set regenerated before the kept epoch

def test_generator_data_parallel(runs, tmp_path):
    "The generator trained by 2 processes (half of each batch each) against 1: the same recipe, equal up to float rounding."
    one, _, data = runs
    r, _ = launch(2, 'run', '--data', data, '--out', tmp_path/'g2', *TINY, '--variants', 'hard', '--no-mia')
    assert r.returncode == 0, r.stderr[-3000:]
    def ema(run):
        w = load_file(str(next((_stage(run, 'generator')/'work'/'checkpoints').glob('step_000040'))/'ema'/'diffusion_pytorch_model.safetensors'))
        return np.concatenate([w[k].ravel() for k in sorted(w)])
    a, b = ema(one), ema(tmp_path/'g2')
    rel = np.abs(a - b).max() / np.abs(a).max()
    print(f"\ngenerator EMA weights, 1 vs 2 processes: max |diff| / max |w| = {rel:.2e}")
    assert 0 <= rel < 1e-3

def test_one_process_commands_refused(runs):
    _, _, data = runs
    r, _ = launch(2, 'data', '--data', data)
    assert r.returncode != 0 and 'runs on one process' in r.stderr

def test_lora_data_parallel(tmp_path):
    "`kr_nb lora` with 2 processes (each fine-tunes on half of every batch) against 1: the adapters agree up to float rounding."
    from kr_nb.test_utils import tiny_sd
    data = tiny_npz(tmp_path/'tiny.npz', n=40, size=8, n_classes=2); sd = tiny_sd(tmp_path/'sd')
    opts = ['--data', data, '--model', sd, '--caption_model', 'none', '--resolution', '16', '--epochs', '2', '--bs', '4', '--grad_accum', '1', '--device', 'cpu', '--quiet']
    ws = []
    for n in (1, 2):
        r, _ = launch(n, 'lora', *opts, '--out', tmp_path/f'l{n}')
        assert r.returncode == 0, r.stderr[-3000:]
        ws.append(load_file(str(tmp_path/f'l{n}'/'lora'/'final'/'pytorch_lora_weights.safetensors')))
    assert ws[0].keys() == ws[1].keys() and len(ws[0]) > 0
    a, b = (np.concatenate([w[k].ravel() for k in sorted(w)]) for w in ws)
    rel = np.abs(a - b).max() / np.abs(a).max()
    print(f"\nLoRA adapter, 1 vs 2 processes: max |diff| / max |w| = {rel:.2e}")
    assert rel < 1e-3 and np.abs(a).max() > 0

def test_sample_and_mia_commands(runs, tmp_path):
    "`kr_nb sample` (120 images: two sampling batches, one per process) and `kr_nb mia` (shadows spread) with 2 processes write what 1 process writes."
    one, _, data = runs
    for n in (1, 2):
        r, _ = launch(n, 'sample', one, '--n', '40', '--seed', '3', '--out', tmp_path/f's{n}.npz', '--quiet', '--device', 'cpu')
        assert r.returncode == 0, r.stderr[-3000:]
        r, _ = launch(n, 'mia', f"teacher={_stage(one, 'teacher')/'model'}", '--data', data, '--manifest', _stage(one, 'split')/'manifest.json',
                      '--n_shadows', '4', '--out', tmp_path/f'm{n}', '--device', 'cpu')
        assert r.returncode == 0, r.stderr[-3000:]
    a, b = np.load(tmp_path/'s1.npz'), np.load(tmp_path/'s2.npz')
    assert a['train_images'].shape[0] == 120 and np.array_equal(a['train_images'], b['train_images']) and np.array_equal(a['train_labels'], b['train_labels'])
    m1, m2 = (json.loads((tmp_path/f'm{n}'/'metrics.json').read_text())['mia'] for n in (1, 2))
    assert _strip(m1) == _strip(m2) and 'teacher' in m1['rows']

def test_process_group_left_at_exit(tmp_path):
    "Every process leaves the gloo group before the interpreter's teardown (left to it, gloo's threads aborted a process now and then: 3 of 35 launches)."
    script = tmp_path/'leave.py'
    script.write_text("import atexit, torch.distributed as dist\n"
                      "from kr_nb import distributed as d\n"
                      "atexit.register(lambda: print('group left' if not dist.is_initialized() else 'group still up', flush=True))\n"
                      "d.gather({'rank': d.rank()}); d.barrier()\n")  # exit hooks run last-registered first: kr_nb's, then this check
    cmd = [str(Path(sys.executable).parent/'accelerate'), 'launch', '--multi_gpu', '--num_processes', '2', '--num_machines', '1', '--mixed_precision', 'no',
           '--dynamo_backend', 'no', '--main_process_port', str(28500 + os.getpid() % 1000), str(script)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env={**os.environ, **ENV})
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.count('group left') == 2 and 'group still up' not in r.stdout, r.stdout
