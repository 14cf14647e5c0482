"""The paired test of a leak (issue 33): each audited run's Teacher and Student headline AUC minus its no-access
control's, paired over the same audited images (`kr_nb.mia.paired_auc_gap`), one row per (run, target).

    python benchmarks/paired_excess.py --dataset breastmnist --seeds 0,1,2 --tags none,prior8 \\
                                       [--base runs/benchmark] [--runs runs/defence] [--scratch /tmp/paired]

The runs are laid out as `defences.py` writes them: tag `none` is the plain run `<base>/<dataset>/kr/seed<s>`, any
other tag `<runs>/<dataset>/<tag>/seed<s>`. A run audited since the audit keeps its control's scores is read as it
is. An older one is copied to `--scratch` and only its two audit stages are recomputed there (every other stage is
reused, which the script checks; a finished copy of the same config is read again); the run itself is not touched.
Each row also has the AUCs the recomputed audit gives, which must equal the run's own (same models, same images,
same seed), and the rank correlation of the target's and the control's scores over the images (how much the pairing
can cancel). Writes `paired_excess.csv` with the run's commit and machine, keeping the rows of other runs in it.
"""
import argparse, json, shutil, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from audit_study import commit
from privacy_utility import provenance, merge_csv

KEY = ('dataset', 'defence', 'seed', 'machine', 'target')
AUDITS = ('mia_teacher', 'mia_student')  # the stages that hold the control's scores
REAUDIT = 'reaudit.json'  # in a re-audited copy: the commit whose code re-audited it

def run_dir(base:Path, runs:Path, dataset:str, tag:str, seed:int) -> Path:
    "Where `defences.py` put the run of `tag` (`none`: the plain run) at `seed`."
    return base/dataset/'kr'/f'seed{seed}' if tag == 'none' else runs/dataset/tag/f'seed{seed}'

def reaudit(run:Path, scratch:Path) -> tuple:
    "A copy of `run` in `scratch`, its audit stages recomputed (a finished copy of its config is read): (metrics, stages recomputed)."
    from kr_nb.pipeline import RunConfig, run_pipeline
    done = scratch/'metrics.json'
    same = done.exists() and (scratch/'config.json').read_text() == (run/'config.json').read_text()
    if same and json.loads(done.read_text())['mia'].get('excess'):
        m = json.loads(done.read_text()); return m, [k for k in m['timings'] if k not in m.get('resumed', ())]
    if scratch.exists(): shutil.rmtree(scratch)
    shutil.copytree(run, scratch, ignore=shutil.ignore_patterns(*(f'{s}-*' for s in AUDITS)))
    cfg = RunConfig(**json.loads((run/'config.json').read_text()))
    m = run_pipeline(cfg, scratch, force=list(AUDITS), quiet=True, show=False, log=False, overwrite=True)
    (scratch/REAUDIT).write_text(json.dumps({'commit': commit()}))
    return m, [k for k in m['timings'] if k not in m.get('resumed', ())]

def score_spearman(d:Path, target:str, attack:str) -> float:
    "Rank correlation of the target's and its control's scores over the audited images (what the pairing can cancel)."
    from scipy.stats import spearmanr
    a = json.loads(next(d.glob(f'mia_{target}-*/audit.json')).read_text())
    return float(spearmanr(a['scores'][attack], a['control_scores'][attack])[0])

def rows_of(m:dict, old:dict, dataset:str, tag:str, seed:int, prov:dict, recomputed:bool, d:Path) -> list:
    "One row per audited target: its paired excess over its control (headline attack), both AUCs, their scores' correlation."
    mi = m['mia']; h = mi['headline']; out = []
    for t, ex in mi.get('excess', {}).items():
        e, r, c = ex[h], mi['rows'][t][h], mi['rows'][f'{t} (control)'][h]
        out.append({'dataset': dataset, 'defence': tag, 'seed': seed, 'target': t, 'headline': h,
                    'auc': r['auc'], 'control_auc': c['auc'], 'run_auc': old['mia']['rows'][t][h]['auc'],
                    'run_control_auc': old['mia']['rows'][f'{t} (control)'][h]['auc'],
                    'excess': e['gap'], 'excess_lo': e['gap_ci'][0], 'excess_hi': e['gap_ci'][1], 'p_no_leak': e['p_no_leak'],
                    'n_boot': e['n_boot'], 'score_spearman': score_spearman(d, t, h), 'reaudited': recomputed,
                    'audit_commit': json.loads((d/REAUDIT).read_text())['commit'] if recomputed else prov['commit'], **prov})
    return out

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--dataset', default='digits'); ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--tags', default='none', help="comma-separated settings: none (the plain run) or a defences.py tag")
    ap.add_argument('--base', default='runs/benchmark', help='where the plain KR runs are (privacy_utility.py --runs)')
    ap.add_argument('--runs', default='runs/defence', help='where the defended runs are (defences.py --runs)')
    ap.add_argument('--scratch', default='runs/paired', help='where an older run is copied to be re-audited')
    ap.add_argument('--out', default='benchmarks/results', help='where paired_excess.csv goes')
    a = ap.parse_args()
    rows, todo = [], [(t, int(s)) for t in a.tags.split(',') for s in a.seeds.split(',')]
    missing = [str(run_dir(Path(a.base), Path(a.runs), a.dataset, t, s)) for t, s in todo
               if not (run_dir(Path(a.base), Path(a.runs), a.dataset, t, s)/'metrics.json').exists()]
    if missing: raise SystemExit(f"no finished run (metrics.json) in: {', '.join(missing)}")
    for tag, s in todo:
        d = run_dir(Path(a.base), Path(a.runs), a.dataset, tag, s); old = json.loads((d/'metrics.json').read_text())
        copy = Path(a.scratch)/a.dataset/tag/f'seed{s}'
        m, again = (old, []) if old['mia'].get('excess') else reaudit(d, copy)
        if set(again) - set(AUDITS): raise SystemExit(f"{d}: re-auditing recomputed {sorted(set(again) - set(AUDITS))}, not only the audit")
        new = rows_of(m, old, a.dataset, tag, s, provenance(d), bool(again), copy if again else d); rows += new
        print(f"{tag} seed {s}: " + '; '.join(f"{r['target']} {r['excess']:+.3f} [{r['excess_lo']:+.3f}, {r['excess_hi']:+.3f}] "
                                          f"(AUC {r['auc']:.4f}, run {r['run_auc']:.4f})" for r in new), flush=True)
    Path(a.out).mkdir(parents=True, exist_ok=True)
    n = merge_csv(rows, Path(a.out)/'paired_excess.csv', KEY)
    print(f"wrote {Path(a.out)/'paired_excess.csv'} ({len(rows)} rows of this call, {n} in all)")
