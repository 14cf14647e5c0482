"""Wall time of training N shadow models (the LiRA audit's cost) with 1 process and with P processes
(`accelerate launch`; shadow k on process k mod P), with the pipeline's recipe on digits (Carlini protocol).

    python benchmarks/shadows_parallel.py [--n_shadows 8] [--processes 1,2] [--threads 0] [--data digits]

Each setting trains the same shadows into a fresh cache folder and checks that every process count gives the same
weights. On CPUs the processes share the cores: `--threads T` gives each process T threads (0: the cores divided by
the process count), and 1 process with all cores is measured too. On a GPU machine each process takes its own GPU.
Prints one line per setting and the speed-up.
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path

def worker(a):
    import numpy as np
    from kr_nb.data import load_data, make_manifest
    from kr_nb.classifier import model_config, TrainConfig
    from kr_nb.mia import MIAConfig, train_shadows
    from kr_nb import distributed as dist
    splits = load_data(a.data, seed=0)
    cfg = MIAConfig(n_shadows=a.n_shadows)
    man = make_manifest(splits.train, 0, protocol=cfg.protocol, control_frac=cfg.control_frac)
    mcfg = model_config(splits.train.subset(man.members))
    dist.barrier(); t = time.perf_counter()
    sh = train_shadows(splits, man, mcfg, TrainConfig(), cfg, cache=a.cache, quiet=True)
    dt = time.perf_counter() - t
    if dist.is_main():  # the shadows' weight files, hashed in order: equal hashes, bit-identical shadows
        import hashlib
        h = hashlib.sha256(b''.join(p.read_bytes() for p in sorted(Path(a.cache).rglob('*.safetensors')))).hexdigest()[:16]
        print(json.dumps({'seconds': dt, 'n': len(sh), 'processes': dist.world(), 'check': h}), flush=True)

def launch(p:int, threads:int, a) -> dict:
    cache = tempfile.mkdtemp(prefix='kr_nb_shadows_')
    env = {**os.environ, 'OMP_NUM_THREADS': str(threads), 'MPLBACKEND': 'Agg'}
    me = [__file__, '--worker', '--cache', cache, '--n_shadows', str(a.n_shadows), '--data', a.data]
    cmd = [sys.executable, *me] if p == 1 else [str(Path(sys.executable).parent/'accelerate'), 'launch', '--multi_gpu', '--num_processes', str(p),
           '--num_machines', '1', '--mixed_precision', 'no', '--dynamo_backend', 'no', *me]
    t = time.perf_counter(); r = subprocess.run(cmd, capture_output=True, text=True, env=env); wall = time.perf_counter() - t
    if r.returncode: sys.exit(f"{p} processes failed:\n{r.stderr[-2000:]}")
    res = json.loads([l for l in r.stdout.splitlines() if l.startswith('{')][-1])
    return {**res, 'wall': wall, 'threads': threads}

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--n_shadows', type=int, default=8); ap.add_argument('--processes', default='1,2')
    ap.add_argument('--threads', type=int, default=0); ap.add_argument('--data', default='digits')
    ap.add_argument('--worker', action='store_true'); ap.add_argument('--cache', default=None)
    a = ap.parse_args()
    if a.worker: worker(a); sys.exit(0)
    import torch
    cores = os.cpu_count(); gpus = torch.cuda.device_count()
    print(f"{a.n_shadows} shadows on {a.data}; {cores} CPU cores, {gpus} GPUs ({torch.cuda.get_device_name(0) if gpus else 'CPU only'})")
    runs = []
    for p in map(int, a.processes.split(',')):
        th = a.threads or max(1, cores // p)
        runs.append(launch(p, th, a))
        if p == 1 and not a.threads and th > 1: runs.append(launch(1, 1, a))  # 1 process, 1 thread: the per-process cost
    base = runs[0]
    for r in runs:  # weights compared with 1 process at the same thread count (thread count changes float summation order)
        ref = next((q for q in runs if q['processes'] == 1 and q['threads'] == r['threads']), None)
        same = 'n/a' if ref is None or ref is r else ref['check'] == r['check']
        print(f"{r['processes']} process(es) x {r['threads']} thread(s): shadows {r['seconds']:7.1f} s (launch included {r['wall']:7.1f} s)"
              f"  speed-up {base['seconds'] / r['seconds']:.2f}x  same weights as 1 process: {same}")
