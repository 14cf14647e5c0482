"""Choose the DP-SGD recipe on the validation split: for each target ε, train on the members a pipeline run would
use (same data, seed and membership split as `kr_nb run --seed S`) and score the kept epoch on val. The test split is
never read.

    python benchmarks/dp_recipe.py [--data digits] [--epsilons 8,1] [--seeds 0,1,2] [--workers 2]
                                   [--grid "lr=0.5,1,2 epochs=30,60 bs=64,128 max_grad_norm=1"]

Each grid point is a `DPConfig` override (every combination of the listed values); the current default is always
included. Prints val accuracy and balanced accuracy, mean ± s.d. over seeds, per ε and recipe, and the ε the
accountant reports; one torch thread per run, `--workers` runs at once.
"""
import argparse, itertools, time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
import numpy as np

def parse_grid(s:str) -> list:
    "'lr=0.5,1 epochs=30' → every combination as a dict of `DPConfig` overrides."
    from kr_nb.dp import DPConfig
    names = set(asdict(DPConfig()))
    axes = {}
    for part in s.split():
        k, _, vs = part.partition('=')
        if k not in names or not vs: raise SystemExit(f"--grid {part!r}: expected NAME=V1,V2 with NAME a DPConfig field ({', '.join(sorted(names - {'epsilon'}))})")
        axes[k] = [type(getattr(DPConfig(), k))(v) for v in vs.split(',')]
    return [dict(zip(axes, vals)) for vals in itertools.product(*axes.values())]

def _job(args):
    data, eps, over, seed = args
    import torch; torch.set_num_threads(1)
    from kr_nb.pipeline import RunConfig
    from kr_nb.stages import run_manifest as _manifest
    from kr_nb.data import load_data
    from kr_nb.classifier import model_config, predict, classification_metrics
    from kr_nb.dp import DPConfig, train_dp
    cfg = RunConfig(data=data, seed=seed)
    sp = load_data(data, seed=seed)
    members = sp.train.subset(_manifest(cfg, sp.train).members)
    t0 = time.time()
    model, rec = train_dp(members, sp.val, model_config(members, width=cfg.width), DPConfig(epsilon=eps, **over), seed=seed, device='cpu')
    m = classification_metrics(sp.val.labels, predict(model, sp.val, device='cpu'))
    return eps, tuple(sorted(over.items())), seed, m['accuracy'], m['balanced_accuracy'], rec['epsilon'], time.time() - t0

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', default='digits'); ap.add_argument('--epsilons', default='8,1'); ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--grid', default='lr=0.25,1 epochs=30,60'); ap.add_argument('--workers', type=int, default=2)
    a = ap.parse_args()
    from kr_nb.dp import DPConfig
    grid = [{}] + [g for g in parse_grid(a.grid) if any(getattr(DPConfig(), k) != v for k, v in g.items())]  # the default once
    jobs = [(a.data, float(e), g, int(s)) for e in a.epsilons.split(',') for g in grid for s in a.seeds.split(',')]
    rows = []
    with ProcessPoolExecutor(a.workers) as ex:
        for r in ex.map(_job, jobs): rows.append(r); print(*r, flush=True)
    print(f"\n{a.data}: DP-SGD recipes on the members of `kr_nb run --seed S`, scored on val (test not read); mean ± s.d. over seeds {a.seeds}")
    print('| ε | recipe (DPConfig overrides; {} = default) | val accuracy | val balanced acc. | ε spent | s/run |\n|---|---|---|---|---|---|')
    for e in dict.fromkeys(r[0] for r in rows):
        for g in dict.fromkeys(r[1] for r in rows if r[0] == e):
            v = np.array([r[3:] for r in rows if r[0] == e and r[1] == g], float)
            sd = lambda i: f" ± {v[:, i].std(ddof=1):.4f}" if len(v) > 1 else ''
            print(f"| {e:g} | {dict(g) or '{}'} | {v[:, 0].mean():.4f}{sd(0)} | {v[:, 1].mean():.4f}{sd(1)} | {v[:, 2].mean():.2f} | {v[:, 3].mean():.0f} |")
