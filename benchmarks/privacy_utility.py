"""The privacy–utility benchmark: datasets × methods × seeds, one `kr_nb run` process per cell, resumable.

    python benchmarks/privacy_utility.py [--datasets digits,breastmnist,pneumoniamnist] [--methods kr,bn,dp8]
                                         [--seeds 0,1,2] [--out benchmarks/results] [--runs runs/benchmark] [--extra "--n_shadows 4"]
                                         [--method_extra "kr=--gen_balanced true"]

Methods: `kr`, `bn`, `tckr` (needs `--tckr "--gen_model SD --gen_caption_model BLIP"`: the models must exist), and
`dpE` for DP-SGD at ε = E (the Teacher's architecture trained with DP-SGD, no Students, audited by the same code).
The Teacher row of each dataset and seed comes from its `kr` run (the Teacher trains on the members only, the same for
every method at a seed). A cell whose run folder holds `metrics.json` from the config `kr_nb run` builds now is read,
not run again; a killed benchmark resumes (and each run resumes its own stages); a cell run before a default changed
runs again, and only the stages the change touches are recomputed. Writes `privacy_utility.csv` (one row per cell,
with commit, command and machine; each run folder's `benchmark.json` records the commit and machine that ran it),
`stage_seconds.csv` (seconds per stage per cell) and `tuning.csv` (the generator settings each run scored on val),
keeping the rows of the cells not in this call; then `privacy_utility.md` (mean ± s.d. over seeds of every row in
the file, with the machine and the command) and `privacy_utility_<dataset>.png` (accuracy against the headline MIA AUC,
error bars over seeds).

On a multi-GPU node each cell can run on all GPUs: `--kr_nb "accelerate launch --multi_gpu --num_processes 8 -m kr_nb.cli"`
(the runner itself stays one process; see the `distributed` docs page).
"""
import argparse, csv, json, os, platform, shlex, subprocess, sys, time
from pathlib import Path
import numpy as np
sys.path.insert(0, str(Path(__file__).parent))
from audit_study import commit, machine

def method_args(method:str, a) -> list:
    if method in ('kr', 'bn'): return ['--method', method]
    if method == 'tckr':
        if not a.tckr: raise SystemExit("method tckr needs --tckr with the model options (e.g. --tckr '--gen_model SD_FOLDER --gen_caption_model BLIP_FOLDER')")
        return ['--method', 'tckr', *shlex.split(a.tckr)]
    if method.startswith('dp'): return ['--variants', 'none', '--dp_epsilon', method[2:]]
    raise SystemExit(f"unknown method {method!r}: use kr, bn, tckr or dpE (e.g. dp8)")

def method_extras(items:list) -> dict:
    "`METHOD=OPTIONS` items (`--method_extra`) as {method: [options]}: options only that method's runs get."
    out = {}
    for it in items:
        me, sep, opts = it.partition('=')
        if not sep or not me.strip(): raise SystemExit(f"--method_extra: expected METHOD=OPTIONS (e.g. kr='--gen_balanced true'), got {it!r}")
        out.setdefault(me.strip(), []).extend(shlex.split(opts))
    return out

def data_name(d:str) -> str:
    "A dataset's name for folders and tables: the file's stem for a path (`data/cifar5k.npz` → `cifar5k`)."
    return Path(d).stem.lower() if ('/' in d or d.endswith('.npz')) else d.lower()

def mean_sd(rows:list, k:str, fmt:str='.4f', scale:float=1.) -> str:
    "'mean ± s.d.' (sample s.d.) of column `k` over the rows that have it; the mean alone for one row, '' for none."
    v = np.array([r[k] for r in rows if r.get(k) not in (None, '')], float) * scale
    return '' if not len(v) else f"{v.mean():{fmt}} ± {v.std(ddof=1):{fmt}}" if len(v) > 1 else f"{v.mean():{fmt}}"

def current_config(args:list) -> dict:
    "The config `kr_nb run ARGS` would save in `config.json`, built by the CLI's own parser (this environment's kr_nb)."
    from kr_nb import cli
    from kr_nb.core import to_jsonable
    method = cli._method(args)
    return json.loads(json.dumps(to_jsonable(cli._run_config(cli._run_parser('run', '', method).parse_args(args), method))))

def is_current(metrics:Path, config:Path, args:list) -> bool:
    "A finished cell (`metrics` exists) whose saved `config` is the one `kr_nb run ARGS` builds now: read it, don't run it."
    return metrics.exists() and config.exists() and json.loads(config.read_text()) == current_config(args)

def write_csv(rows:list, path:Path, first:tuple):
    "One row per dict; the `first` columns lead, the rest sorted."
    with open(path, 'w', newline='') as f:
        w = csv.DictWriter(f, sorted({k for r in rows for k in r}, key=lambda k: (k not in first, first.index(k) if k in first else 0, k)))
        w.writeheader(); w.writerows(rows)

def merge_csv(rows:list, path:Path, key:tuple) -> int:
    "Write `rows` into the CSV at `path`, keeping its rows of other `key`s (another call's seeds or settings); the count."
    old = []
    if path.exists():
        with open(path, newline='') as f: old = list(csv.DictReader(f))
    new = {tuple(str(r[k]) for k in key) for r in rows}
    keep = [r for r in old if tuple(r.get(k, '') for k in key) not in new]
    write_csv(keep + rows, path, key); return len(keep) + len(rows)

def run_cell(cmd:list, folder:Path, log:Path) -> float:
    t = time.time()
    try:
        with open(log, 'w') as f: r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT)
    except FileNotFoundError: raise SystemExit(f"command {cmd[0]!r} not found: activate the environment kr_nb is installed in, or pass --kr_nb") from None
    if r.returncode: raise SystemExit(f"{' '.join(map(str, cmd))} failed (exit {r.returncode}); see {log}")
    return time.time() - t

PROVENANCE = 'benchmark.json'  # in each run folder: the commit and machine that ran the cell

def provenance(folder:Path, sha:str|None=None) -> dict:
    "The commit and machine that ran the cell in `folder` (recorded when it ran), else `sha` / this checkout's and this machine."
    p = folder/PROVENANCE
    return json.loads(p.read_text()) if p.exists() else {'commit': sha or commit(), 'machine': machine()}

def rows_of(m:dict, dataset:str, method:str, seed:int, cmd:str='', sha:str|None=None, prov:dict|None=None) -> list:
    "The Teacher row (from kr runs) and the method's row: accuracy and the headline attack on the target that method releases."
    from kr_nb.report import aop
    mia = m.get('mia', {}); h = mia.get('headline', 'lira_online'); out = []
    prov = prov or {'commit': sha or commit(), 'machine': machine()}
    def row(name, clf, att):
        r = {'dataset': dataset, 'method': name, 'seed': seed, 'accuracy': clf['accuracy'], 'balanced_accuracy': clf['balanced_accuracy'], 'auroc': clf['auroc'],
             'seconds': round(sum(m['timings'].values()), 1), 'peak_memory_mb': m.get('peak_memory_mb'),
             'commit': prov['commit'], 'command': cmd, 'machine': prov['machine']}
        if att:
            r.update(mia_auc=att[h]['auc'], mia_auc_lo=att[h]['auc_ci'][0], mia_auc_hi=att[h]['auc_ci'][1], tpr_1pct=att[h]['tpr_at_1pct_fpr'],
                     tpr_01pct=att[h]['tpr_at_0.1pct_fpr'], aop=aop(clf['accuracy'], att[h]['auc']), headline=h)
            ctl = mia['rows'].get(f"{'teacher' if name in ('teacher',) or name.startswith('dp') else 'student'} (control)")
            if ctl: r['control_auc'] = ctl[h]['auc']
        if clf.get('dp'): r['epsilon_spent'] = clf['dp']['epsilon']
        return r
    rows_ = mia.get('rows', {})
    if method == 'kr': out.append(row('teacher', m['teacher'], rows_.get('teacher')))
    if method.startswith('dp'): out.append(row(method, m['teacher'], rows_.get('teacher')))
    else: out.append(row(method, m['student'], rows_.get('student')))
    return out

def stage_rows(m:dict, dataset:str, method:str, seed:int, prov:dict) -> list:
    "One row per stage of a run: its seconds (0 where it was read from the cache of an earlier command)."
    return [{'dataset': dataset, 'method': method, 'seed': seed, 'stage': k, 'seconds': v, **prov} for k, v in m['timings'].items()]

def tuning_rows(folder:Path, dataset:str, method:str, seed:int, prov:dict) -> list:
    "The generator-setting grid a run scored on val (one row per setting), the chosen one marked."
    p = next(folder.glob('tuning-*/tuning.json'), None)
    if p is None: return []
    t = json.loads(p.read_text()); best = t.get('setting', {})
    return [{'dataset': dataset, 'method': method, 'seed': seed, **r, 'chosen': all(r.get(k) == v for k, v in best.items()), **prov}
            for r in t['table']]

def summarise(rows:list, cmd:str) -> str:
    keys = ['accuracy', 'balanced_accuracy', 'auroc', 'mia_auc', 'tpr_1pct', 'tpr_01pct', 'aop', 'control_auc', 'seconds', 'peak_memory_mb', 'epsilon_spent']
    lines = [f"Machine: {platform.node() or '?'} ({os.cpu_count()} CPU threads, {platform.processor() or platform.machine()}), Python {platform.python_version()}.",
             f"Command: `{cmd}`.", '', f'Mean ± s.d. over seeds (n = seeds); MIA: the headline attack ({", ".join(sorted({r["headline"] for r in rows if r.get("headline")}))}, Carlini protocol) on the released model: '
             'the Teacher for `teacher` and DP-SGD, the GKD Student for the synthetic-data methods; control: the no-access control target.', '',
             '| dataset | method | n | accuracy | balanced acc. | AUROC | MIA AUC | TPR@1 % | TPR@0.1 % | AOP | control AUC | minutes | peak MB | ε spent |',
             '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    order = {'teacher': 0, 'kr': 1, 'bn': 2, 'tckr': 3}
    for (ds, me) in sorted({(r['dataset'], r['method']) for r in rows}, key=lambda x: (x[0], order.get(x[1], 9), x[1])):
        rs = [r for r in rows if r['dataset'] == ds and r['method'] == me]
        ms = lambda k, scale=1, fmt='.4f': mean_sd(rs, k, fmt, scale)
        lines.append(f"| {ds} | {me} | {len(rs)} | {ms('accuracy')} | {ms('balanced_accuracy')} | {ms('auroc')} | {ms('mia_auc', fmt='.3f')} | {ms('tpr_1pct', fmt='.3f')} | "
                     f"{ms('tpr_01pct', fmt='.3f')} | {ms('aop', fmt='.3f')} | {ms('control_auc', fmt='.3f')} | {ms('seconds', 1/60, '.1f')} | {ms('peak_memory_mb', fmt='.0f')} | {ms('epsilon_spent', fmt='.2f')} |")
    return '\n'.join(lines) + '\n'

def plot(rows:list, out:Path):
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    for ds in sorted({r['dataset'] for r in rows}):
        fig, ax = plt.subplots(figsize=(5, 3.6))
        for me in sorted({r['method'] for r in rows if r['dataset'] == ds}):
            rs = [r for r in rows if r['dataset'] == ds and r['method'] == me and r.get('mia_auc') not in (None, '')]
            if not rs: continue
            x, y = np.array([r['mia_auc'] for r in rs], float), np.array([r['accuracy'] for r in rs], float)
            ax.errorbar(x.mean(), y.mean(), xerr=x.std(ddof=1) if len(x) > 1 else 0, yerr=y.std(ddof=1) if len(y) > 1 else 0, fmt='o', capsize=3, label=f"{me} (n={len(rs)})")
        ax.axvline(0.5, color='k', ls=':', lw=1); ax.set(xlabel='MIA AUC (headline attack)', ylabel='test accuracy', title=f"{ds}: privacy–utility")
        ax.legend(fontsize=7); fig.tight_layout(); fig.savefig(out/f"privacy_utility_{ds}.png", dpi=100); plt.close(fig)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--datasets', default='digits,breastmnist,pneumoniamnist'); ap.add_argument('--methods', default='kr,bn,dp8')
    ap.add_argument('--seeds', default='0,1,2'); ap.add_argument('--out', default='benchmarks/results', help='where results.csv, results.md and the figures go')
    ap.add_argument('--runs', default='runs/benchmark', help='where the run folders go (weights: not for git)')
    ap.add_argument('--extra', default='', help='options passed to every kr_nb run'); ap.add_argument('--tckr', default='')
    ap.add_argument('--method_extra', action='append', default=[], metavar='METHOD=OPTIONS', help="options one method's runs get (e.g. kr='--gen_balanced true'); repeatable")
    ap.add_argument('--kr_nb', default='kr_nb', help='the command that runs kr_nb (e.g. a pinned environment)')
    ap.add_argument('--summarise_only', action='store_true', help='read the finished cells, run nothing')
    ap.add_argument('--commit', default=None, help="the commit that ran the cells (default: this checkout's)")
    a = ap.parse_args()
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True); per_method = method_extras(a.method_extra)
    cells = [(d, me, int(s)) for d in a.datasets.split(',') for me in a.methods.split(',') for s in a.seeds.split(',')]
    rows, stages, tunings, t0 = [], [], [], time.time()
    for i, (d, me, s) in enumerate(cells):
        folder = Path(a.runs)/data_name(d)/me/f"seed{s}"
        args = ['--data', d, '--seed', str(s), '--out', str(folder), '--quiet', *method_args(me, a), *shlex.split(a.extra), *per_method.get(me, [])]
        if not a.summarise_only and not is_current(folder/'metrics.json', folder/'config.json', args):
            folder.parent.mkdir(parents=True, exist_ok=True)
            cmd = [*shlex.split(a.kr_nb), 'run', *args]
            dt = run_cell(cmd, folder, folder.parent/f"seed{s}.log")
            (folder/PROVENANCE).write_text(json.dumps({'commit': a.commit or commit(), 'machine': machine()}))
            print(f"[{i + 1}/{len(cells)}] {d} {me} seed {s}: {dt / 60:.1f} min (total {(time.time() - t0) / 60:.0f} min)", flush=True)
        if (folder/'metrics.json').exists():
            m, prov = json.loads((folder/'metrics.json').read_text()), provenance(folder, a.commit)
            rows += rows_of(m, data_name(d), me, s, shlex.join(['kr_nb', 'run', *[x for x in args if x != '--quiet']]), prov=prov)
            stages += stage_rows(m, data_name(d), me, s, prov); tunings += tuning_rows(folder, data_name(d), me, s, prov)
    cell = ('dataset', 'method', 'seed')  # the cells of this call replace their old rows; other cells' rows stay
    merge_csv(rows, out/'privacy_utility.csv', cell); merge_csv(stages, out/'stage_seconds.csv', cell)
    if tunings: merge_csv(tunings, out/'tuning.csv', cell)
    with open(out/'privacy_utility.csv', newline='') as f: rows = list(csv.DictReader(f))  # every cell's, for the summary
    cmd = 'python benchmarks/privacy_utility.py ' + ' '.join(shlex.quote(x) for x in sys.argv[1:])
    (out/'privacy_utility.md').write_text(summarise(rows, cmd)); plot(rows, out)
    print((out/'privacy_utility.md').read_text())
