"""The audit study: how many shadows, and which attack leads, measured by `kr_nb run` on seeds × shadow counts.

    python benchmarks/audit_study.py [--data digits] [--seeds 0,1,2] [--shadows 4,8,16] [--teacher_only]
                                     [--out benchmarks/results] [--runs runs/audit_study] [--extra "..."]

Each seed has one run folder; the shadow counts run in it one after the other, so the Teacher, the generator and the
Students are trained once per seed and only the shadows, the control and the audits are added per count.
`--teacher_only` (the real-data baseline: no Students) is the power study on selection seeds: its rows are the
shadow-only study (each shadow attacked with the others, the target never used) that declares
`kr_nb.mia.HEADLINES`. Writes `<name>.csv` (one row per seed, count, target and attack; with commit, command and
machine), `<name>.png` (TPR at 1 % FPR against the shadow count) and prints mean ± s.d. over seeds. Names: `power_study` (`--teacher_only`) and `shadows` (otherwise).
"""
import argparse, csv, json, os, platform, shlex, subprocess, sys, time
from pathlib import Path
import numpy as np

ATTACKS = ('lira_online', 'lira_offline', 'rmia_offline', 'rmia_online')
COLS = ('study', 'dataset', 'seed', 'n_shadows', 'target', 'attack', 'auc', 'auc_lo', 'auc_hi', 'tpr_1pct', 'tpr_1pct_lo', 'tpr_1pct_hi',
        'tpr_01pct', 'epsilon_lb', 'control_auc', 'rmia_a', 'seconds_per_shadow', 'commit', 'command', 'machine')

def commit() -> str:
    "The checkout's commit, with `+changes` when tracked files differ from it (the numbers came from uncommitted code)."
    git = lambda *a: subprocess.run(['git', *a], capture_output=True, text=True, cwd=Path(__file__).parent).stdout.strip()
    try: c = git('rev-parse', '--short', 'HEAD') or '?'
    except OSError: return '?'
    return c + ('+changes' if git('status', '--porcelain', '--untracked-files=no') else '')

def machine() -> str:
    "The host, its CPU model, widest vector instructions and thread count, the GPU when used: numbers differ between machines of one kind."
    info = Path('/proc/cpuinfo').read_text() if Path('/proc/cpuinfo').exists() else ''
    cpu = next((l.split(':', 1)[1].strip() for l in info.splitlines() if l.startswith('model name')), platform.machine())
    try:
        import torch
        gpu = f", {torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else ''
    except ImportError: gpu = ''
    flags = next((l.split(':', 1)[1].split() for l in info.splitlines() if l.startswith('flags')), [])
    isa = next((f", {n}" for f, n in (('avx512f', 'AVX-512'), ('avx2', 'AVX2')) if f in flags), '')  # float paths differ by it
    return f"{platform.node() or '?'} ({cpu}{isa}, {os.cpu_count()} CPU threads{gpu})"

def rows_of(m:dict, study:str, data:str, seed:int, k:int, cmd:str, shadow_s:float) -> list:
    "One row per target and attack: the audit itself (`shadows`) or the shadow-only power study (`power_study`)."
    mia, out = m['mia'], []
    base = dict(study=study, dataset=data, seed=seed, n_shadows=k, commit=commit(), command=cmd, machine=machine(), seconds_per_shadow=round(shadow_s / k, 2))
    for t in ('teacher', 'student'):
        if t not in mia['rows']: continue
        st = mia.get('studies', {}).get(t, {})
        src = st.get('rows', {}) if study == 'power_study' else mia['rows'][t]
        ctl = mia['rows'].get(f'{t} (control)', {})
        for a in ATTACKS:
            if a not in src: continue
            r = src[a]
            out.append(base | dict(target=t, attack=a, auc=r['auc'], auc_lo=r['auc_ci'][0], auc_hi=r['auc_ci'][1], tpr_1pct=r['tpr_at_1pct_fpr'],
                                   tpr_1pct_lo=r['tpr_at_1pct_fpr_ci'][0], tpr_1pct_hi=r['tpr_at_1pct_fpr_ci'][1], tpr_01pct=r['tpr_at_0.1pct_fpr'],
                                   epsilon_lb=r['epsilon_lb'], control_auc=ctl.get(a, {}).get('auc', '') if study == 'shadows' else '',
                                   rmia_a=st.get('rmia_a', '')))
    return out

def summary(rows:list) -> str:
    "Mean ± s.d. over seeds of AUC and TPR@1 % per study, count, target and attack."
    lines = []
    for key in sorted({(r['study'], r['target'], int(r['n_shadows']), r['attack']) for r in rows}):
        rs = [r for r in rows if (r['study'], r['target'], int(r['n_shadows']), r['attack']) == key]
        f = lambda c: (lambda v: f"{v.mean():.3f} ± {v.std(ddof=1) if len(v) > 1 else 0:.3f}")(np.array([float(r[c]) for r in rs if r[c] != '']))
        lines.append(f"{key[0]:12s} {key[1]:8s} K={key[2]:<3d} {key[3]:13s} n={len(rs)} AUC {f('auc')} TPR@1% {f('tpr_1pct')} TPR@0.1% {f('tpr_01pct')}"
                     + (f" control {f('control_auc')}" if key[0] == 'shadows' else ''))
    return '\n'.join(lines)

def plot(rows:list, path:Path):
    "TPR at 1 % FPR (mean ± s.d. over seeds) against the number of shadows, one panel per target, one line per attack."
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    ts = sorted({r['target'] for r in rows}, key=('teacher', 'student').index)
    fig, axs = plt.subplots(1, len(ts), figsize=(4.2 * len(ts), 3.4), squeeze=False)
    for ax, t in zip(axs[0], ts):
        for a in ATTACKS:
            ks = sorted({int(r['n_shadows']) for r in rows if r['target'] == t and r['attack'] == a})
            v = [np.array([float(r['tpr_1pct']) for r in rows if r['target'] == t and r['attack'] == a and int(r['n_shadows']) == k]) for k in ks]
            if ks: ax.errorbar(ks, [x.mean() for x in v], [x.std(ddof=1) if len(x) > 1 else 0 for x in v], marker='o', capsize=3, label=a)
        ax.axhline(0.01, color='k', ls=':', lw=1, label='chance (1 %)')
        ax.set(xscale='log', xticks=ks, xticklabels=ks, xlabel='shadow models', ylabel='TPR at 1 % FPR', title=f"{rows[0]['dataset']}: {t}")
        ax.legend(fontsize=7)
    fig.suptitle(f"{rows[0]['study'].replace('_', ' ')}: mean ± s.d. over {len({r['seed'] for r in rows})} seeds", fontsize=9)
    fig.tight_layout(); fig.savefig(path, dpi=100); plt.close(fig)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', default='digits'); p.add_argument('--seeds', default='0,1,2'); p.add_argument('--shadows', default='4,8,16')
    p.add_argument('--teacher_only', action='store_true', help='the real-data baseline only: the shadow-only power study')
    p.add_argument('--out', default='benchmarks/results'); p.add_argument('--runs', default='runs/audit_study')
    p.add_argument('--extra', default='', help='more kr_nb run options for every cell')
    p.add_argument('--kr_nb', default=f'{sys.executable} -m kr_nb.cli', help='how to call kr_nb')
    a = p.parse_args(argv)
    study = 'power_study' if a.teacher_only else 'shadows'
    out, rows = Path(a.out), []; out.mkdir(parents=True, exist_ok=True)
    for s in [int(x) for x in a.seeds.split(',')]:
        folder = Path(a.runs)/f"{a.data}-{'teacher' if a.teacher_only else 'kr'}-s{s}"
        for k in [int(x) for x in a.shadows.split(',')]:
            args = ['--data', a.data, '--seed', str(s), '--n_shadows', str(k), '--out', str(folder), *(['--variants', 'none'] if a.teacher_only else []), *shlex.split(a.extra)]
            cmd = [*shlex.split(a.kr_nb), 'run', *args]
            keep = folder/f'metrics_k{k}.json'
            if not keep.exists():
                t = time.time(); log = Path(a.runs)/f"{folder.name}-k{k}.log"; log.parent.mkdir(parents=True, exist_ok=True)
                with open(log, 'w') as f: r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT)
                if r.returncode: raise SystemExit(f"{' '.join(cmd)} failed (exit {r.returncode}); see {log}")
                keep.write_text((folder/'metrics.json').read_text())
                print(f"seed {s} K={k}: {time.time() - t:.0f} s", flush=True)
            m = json.loads(keep.read_text())
            rows += rows_of(m, study, a.data, s, k, 'kr_nb run ' + ' '.join(args), m['timings'].get('shadows', float('nan')))  # the Teacher's shadows
    with open(out/f'{study}.csv', 'w', newline='') as f:
        w = csv.DictWriter(f, COLS); w.writeheader(); w.writerows(rows)
    plot(rows, out/f'{study}.png')
    print(summary(rows)); print(f"wrote {out/f'{study}.csv'} and {out/f'{study}.png'}")

if __name__ == '__main__': main()
