"""Attacks on the generator itself, read from finished `kr_nb run` folders: one row per run and attack.

    python benchmarks/generator_attacks.py RUN_FOLDER [RUN_FOLDER ...] [--out benchmarks/results/generator_attacks.csv]

Each folder's `metrics.json` (or its newest `metrics_k*.json`, as `audit_study.py` keeps them) gives the dataset, the
seed, the method and the `mia_generator` stage's rows: the distance to the nearest synthetic image, the naive
denoising loss and PIA, each with AUC, its interval, TPR at 1 % FPR with its Clopper–Pearson interval and the
ε lower bound. Prints mean ± s.d. over seeds per dataset and attack.
"""
import argparse, csv, json, sys
from pathlib import Path
import numpy as np
sys.path.insert(0, str(Path(__file__).parent))
from audit_study import commit, machine

COLS = ('dataset', 'method', 'seed', 'attack', 'auc', 'auc_lo', 'auc_hi', 'tpr_1pct', 'tpr_1pct_lo', 'tpr_1pct_hi', 'tpr_01pct', 'epsilon_lb',
        'n_members', 'n_nonmembers', 'commit', 'command', 'machine')

def metrics_of(folder:Path) -> dict:
    "The run's metrics: `metrics.json`, else the newest `metrics_k*.json`."
    f = folder/'metrics.json'
    if not f.exists(): f = max(folder.glob('metrics_k*.json'), key=lambda p: p.stat().st_mtime, default=None)
    if f is None: raise SystemExit(f"{folder}: no metrics.json (not a finished kr_nb run folder)")
    return json.loads(f.read_text())

def rows_of(m:dict, folder:Path) -> list:
    "One row per generator attack of one run."
    c = m['config']; gen = m.get('mia', {}).get('generator', {})
    if not gen: raise SystemExit(f"{folder}: the run has no generator audit (run without --no_mia and with Students)")
    return [dict(dataset=m['dataset'], method=m['method'], seed=c['seed'], attack=a, auc=r['auc'], auc_lo=r['auc_ci'][0], auc_hi=r['auc_ci'][1],
                 tpr_1pct=r['tpr_at_1pct_fpr'], tpr_1pct_lo=r['tpr_at_1pct_fpr_ci'][0], tpr_1pct_hi=r['tpr_at_1pct_fpr_ci'][1],
                 tpr_01pct=r['tpr_at_0.1pct_fpr'], epsilon_lb=r['epsilon_lb'], n_members=r['n_members'], n_nonmembers=r['n_nonmembers'],
                 commit=commit(), command=f"kr_nb run --data {c['data']} --seed {c['seed']} --method {m['method']}", machine=machine())
            for a, r in gen.items()]

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('folders', nargs='+'); p.add_argument('--out', default='benchmarks/results/generator_attacks.csv')
    a = p.parse_args(argv)
    rows = [r for f in a.folders for r in rows_of(metrics_of(Path(f)), Path(f))]
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    with open(a.out, 'w', newline='') as f:
        w = csv.DictWriter(f, COLS); w.writeheader(); w.writerows(rows)
    for key in sorted({(r['dataset'], r['attack']) for r in rows}):
        rs = [r for r in rows if (r['dataset'], r['attack']) == key]
        ms = lambda c: (lambda v: f"{v.mean():.3f} ± {v.std(ddof=1) if len(v) > 1 else 0:.3f}")(np.array([r[c] for r in rs], float))
        print(f"{key[0]:15s} {key[1]:15s} n={len(rs)} AUC {ms('auc')} TPR@1% {ms('tpr_1pct')}")
    print(f"wrote {a.out}")

if __name__ == '__main__': main()
