"""Defences against the Student's and the generator's leak (issue 33): each defence setting × seed is one `kr_nb run`
that reuses the plain KR run of its seed (split, Teacher, generator, tuning, shadows, control: the same keys), so only
what the defence changes is recomputed.

    python benchmarks/defences.py --defences "rq50=--reject_quantile 0.5" "rq50t=--reject_quantile 0.5 --reject_space teacher"
                                  [--dataset digits] [--seeds 0,1,2] [--base runs/benchmark] [--runs runs/defence]

`--base` holds the plain runs (`<base>/<dataset>/kr/seed<s>`, as `privacy_utility.py` writes them); the defended runs go
to `<runs>/<dataset>/<tag>/seed<s>`. Writes `defences.csv`, keeping the rows of other seeds, settings and plain runs
already in it: one row per (defence, seed, plain run), the plain run as defence `none`. A plain run is told by its
Teacher's audit AUC (`teacher_mia_auc`, shared by every run on top of it) and the size its generator trained at
(`plain_gen`), so a seed rerun on another machine, or after the default generator changed, adds rows beside the
first ones, and `choose_defence` compares each defended run with its own plain run. A defended run with no plain run
under `--base` computes every stage itself and names its own generator's size (it is then no candidate for
`choose_defence`, which needs the plain run on the same Teacher). Each row has the
accuracy, the headline attack's AUC, its control and TPR at 1 % FPR on the GKD Student, the generator channel's attack
AUCs, the nearest-member SSIM of the synthetic pool, the run's seconds (all stages; the stages it computed itself, i.e.
what a defence costs on top of what it reuses, the whole run for the plain row; the ensemble's), commit, command and
machine.
Choose on seeds 0–2 (selection: val accuracy and the audit, `kr_nb.results.choose_defence`); report the chosen
setting on fresh seeds 3–5 (`--seeds 3,4,5`).
"""
import argparse, csv, json, shlex, shutil, subprocess, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from audit_study import commit, machine
from privacy_utility import PROVENANCE, provenance, write_csv, merge_csv

# stages copied from the plain run: a copy is used only where the defended run's key for it is the same
KEY = ('dataset', 'defence', 'seed', 'teacher_mia_auc', 'plain_gen')  # a row's key: its plain run, told by its Teacher's audit AUC and generator
REUSED = ('split', 'teacher', 'generator', 'tuning', 'pool', 'privacy', 'shadows', 'control', 'mia_teacher', 'mia_generator')

def plain_gen(base:Path) -> str:
    "The size the plain run's generator trained at ('8 px'): the default changed from the data's size to its native size."
    g = [json.loads(p.read_text())['config'] for p in sorted(base.glob('generator-*/generator/generator.json'))]
    return ','.join(dict.fromkeys(f"{c.get('train_size') or c['size']} px" for c in g))

def row_gen(base:Path, out:Path) -> str:
    "A defended row's `plain_gen`: its plain run's, or with no plain run under `--base`, its own generator's size."
    return plain_gen(base) or plain_gen(out)

def recomputed(stage:str, m:dict) -> bool:
    "Whether a run computed `stage` itself: not resumed, or not one the plain run lends it (then nothing else made it)."
    return stage not in m.get('resumed', ()) or stage not in REUSED

def defence_row(m:dict, dataset:str, defence:str, seed:int, prov:dict, cmd:str='') -> dict:
    "The numbers issue 33 asks for, from one run's metrics."
    mia = m['mia']; h = mia['headline']; st, ctl = mia['rows']['student'][h], mia['rows']['student (control)'][h]
    r = {'dataset': dataset, 'defence': defence, 'seed': seed, 'teacher_accuracy': m['teacher']['accuracy'],
         'accuracy': m['student']['accuracy'], 'gap_points': 100 * (m['student']['accuracy'] - m['teacher']['accuracy']),
         'val_accuracy': m['student']['val']['accuracy'], 'teacher_val_accuracy': m['teacher']['val']['accuracy'],
         'val_gap_points': 100 * (m['student']['val']['accuracy'] - m['teacher']['val']['accuracy']),
         'headline': h, 'mia_auc': st['auc'], 'mia_auc_lo': st['auc_ci'][0], 'mia_auc_hi': st['auc_ci'][1],
         'control_auc': ctl['auc'], 'control_lo': ctl['auc_ci'][0], 'control_hi': ctl['auc_ci'][1],
         'tpr_1pct': st['tpr_at_1pct_fpr'], 'teacher_mia_auc': mia['rows']['teacher'][h]['auc'],
         'ssim_nearest_member': m['privacy']['synthetic']['ssim']['mean'],
         'ssim_unseen_real': m['privacy']['reference']['ssim']['mean'],
         'seconds': round(sum(m['timings'].values()), 1),
         'recomputed_seconds': round(sum(t for k, t in m['timings'].items() if recomputed(k, m)), 1),
         'ensemble_seconds': m['timings'].get('ensemble', 0.), 'peak_memory_mb': m.get('peak_memory_mb'),
         'gen_dp_epsilon': m.get('generator', {}).get('dp', {}).get('epsilon', 0.), 'command': cmd, **prov}
    for k, v in mia.get('generator', {}).items(): r[f'gen_{k}_auc'] = v['auc']
    return r

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--defences', nargs='*', default=[], metavar='TAG=OPTIONS', help='a defence setting: a tag and its kr_nb run options')
    ap.add_argument('--dataset', default='digits'); ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--base', default='runs/benchmark', help='where the plain KR runs are (privacy_utility.py --runs)')
    ap.add_argument('--runs', default='runs/defence', help='where the defended runs go')
    ap.add_argument('--out', default='benchmarks/results', help='where defences.csv goes')
    ap.add_argument('--kr_nb', default='kr_nb', help='the command that runs kr_nb')
    ap.add_argument('--summarise_only', action='store_true', help='read the finished runs, run nothing')
    a = ap.parse_args()
    defs = {}
    for d in a.defences:
        tag, sep, opts = d.partition('=')
        if not sep or not tag: raise SystemExit(f"--defences: expected TAG=OPTIONS (e.g. rq50='--reject_quantile 0.5'), got {d!r}")
        defs[tag] = shlex.split(opts)
    rows = []
    for s in map(int, a.seeds.split(',')):
        base = Path(a.base)/a.dataset/'kr'/f'seed{s}'
        plain = {'plain_gen': plain_gen(base)}  # every row on top of this plain run says which generator it had
        if (base/'metrics.json').exists():
            rows.append(defence_row(json.loads((base/'metrics.json').read_text()), a.dataset, 'none', s, provenance(base) | plain,
                                    f"kr_nb run --data {a.dataset} --seed {s}"))
        for tag, opts in defs.items():
            out = Path(a.runs)/a.dataset/tag/f'seed{s}'
            args = ['--data', a.dataset, '--seed', str(s), *opts]
            if not a.summarise_only and not (out/'metrics.json').exists():
                out.mkdir(parents=True, exist_ok=True)
                for st in REUSED:
                    for f in base.glob(f'{st}-*'):
                        if not (out/f.name).exists(): shutil.copytree(f, out/f.name)
                t = time.time()
                with open(out.parent/f'seed{s}.log', 'w') as log:
                    r = subprocess.run([*shlex.split(a.kr_nb), 'run', *args, '--out', str(out), '--quiet'], stdout=log, stderr=subprocess.STDOUT)
                if r.returncode: raise SystemExit(f"{tag} seed {s} failed (exit {r.returncode}); see {out.parent/f'seed{s}.log'}")
                (out/PROVENANCE).write_text(json.dumps({'commit': commit(), 'machine': machine()}))
                print(f"{tag} seed {s}: {(time.time() - t) / 60:.1f} min", flush=True)
            if (out/'metrics.json').exists():
                rows.append(defence_row(json.loads((out/'metrics.json').read_text()), a.dataset, tag, s,
                                        provenance(out) | {'plain_gen': row_gen(base, out)},
                                        shlex.join(['kr_nb', 'run', *args])))
    Path(a.out).mkdir(parents=True, exist_ok=True)
    n = merge_csv(rows, Path(a.out)/'defences.csv', KEY)
    print(f"wrote {Path(a.out)/'defences.csv'} ({len(rows)} rows of this call, {n} in all)")
