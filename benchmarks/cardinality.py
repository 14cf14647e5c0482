"""The cardinality curve (as in TCKR): GKD Student accuracy against the synthetic multiple, over seeds.

    python benchmarks/cardinality.py [--data digits] [--seeds 0,1,2] [--multiples 0.1,0.25,0.5,1,2,5,10]
                                     [--base "--no_mia"] [--runs runs/cardinality] [--out benchmarks/cardinality]
                                     [--summarise_only]

The multiple is the number of synthetic images per regeneration period as a multiple of the real members
(`GKDConfig.multiple`). Each multiple × seed is one `kr_nb run --variants gkd --multiple M` in the seed's folder
(`recipes.run_variants`): the Teacher, generator and tuning are computed once per seed and reused, each multiple samples
its own pool and trains its own Student; finished cells are read, not run again. A report, not a choice: validation
and test accuracy are both shown, mean ± s.d. over seeds. Writes `cardinality.csv`, `cardinality.md` and
`cardinality.png` (log x; the Teacher's test accuracy as a band).

A Student's epochs are counted over its synthetic set, so at a fixed epoch budget a low multiple is also a short
training (digits, 0.25×: 20 optimiser steps, test accuracy 0.40). Students take at least `GKDConfig.student_steps`
(140, digits' 1× Student) optimiser steps, so below 1× the curve compares multiples at matched steps (the extra epochs
bring extra periods, each a new slice of the pool); `--base "--no_mia --student_steps 0"` gives the fixed-epoch curve.
The table shows each Student's steps.
"""
import argparse, shlex, sys
from pathlib import Path
import numpy as np
sys.path.insert(0, str(Path(__file__).parent))
from privacy_utility import data_name, write_csv, mean_sd as ms
from recipes import run_variants

def variants(multiples:list) -> list:
    "One (name, options) per multiple; names are plain words (`m0p5` for 0.5×)."
    if not multiples or any(not 0 < m <= 100 for m in multiples): raise SystemExit(f"--multiples must be in (0, 100], got {multiples}")
    return [(f"m{m:g}".replace('.', 'p'), ['--variants', 'gkd', '--multiple', f"{m:g}"]) for m in multiples]

def summarise(rows:list, multiples:list, cmd:str, data:str) -> str:
    lines = [f"{data}: GKD Student against the synthetic multiple, mean ± s.d. over seeds (a report: nothing is chosen here).",
             f"Command: `{cmd}`.", '', '| multiple | n | GKD val acc. | GKD test acc. | Teacher test acc. | sets seen by the kept epoch | optimiser steps |', '|---|---|---|---|---|---|---|']
    for m, (name, _) in zip(multiples, variants(multiples)):
        rs = [r for r in rows if r['variant'] == name]
        lines.append(f"| {m:g}× | {len(rs)} | {ms(rs, 'gkd_val_acc')} | {ms(rs, 'gkd_test_acc')} | {ms(rs, 'teacher_test_acc')} | {ms(rs, 'gkd_sets_seen', '.1f')} | {ms(rs, 'gkd_steps', '.0f')} |")
    return '\n'.join(lines) + '\n'

def plot(rows:list, multiples:list, data:str, path:Path):
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 3.4))
    for key, label in (('gkd_test_acc', 'GKD Student, test'), ('gkd_val_acc', 'GKD Student, val')):
        v = [np.array([r[key] for r in rows if r['variant'] == n and r.get(key) is not None], float) for n, _ in variants(multiples)]
        ok = [i for i, x in enumerate(v) if len(x)]
        ax.errorbar([multiples[i] for i in ok], [v[i].mean() for i in ok], yerr=[v[i].std(ddof=1) if len(v[i]) > 1 else 0 for i in ok], fmt='o-', capsize=3, label=label)
    t = np.array([r['teacher_test_acc'] for r in rows if r.get('teacher_test_acc') is not None], float)
    if len(t): ax.axhspan(t.mean() - t.std(), t.mean() + t.std(), color='k', alpha=.12, label='Teacher, test (±1 s.d.)')
    ax.set(xscale='log', xlabel='synthetic multiple (images per period / members)', ylabel='accuracy', title=f"{data}: cardinality")
    ax.set_xticks(multiples, [f"{m:g}×" for m in multiples]); ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.legend(fontsize=7); fig.tight_layout(); fig.savefig(path, dpi=100); plt.close(fig)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', default='digits'); ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--multiples', default='0.1,0.25,0.5,1,2,5,10')
    ap.add_argument('--base', default='--no_mia', help='options every run gets (default: no audit)')
    ap.add_argument('--runs', default='runs/cardinality'); ap.add_argument('--out', default='benchmarks/cardinality')
    ap.add_argument('--kr_nb', default='kr_nb', help='the command that runs kr_nb')
    ap.add_argument('--summarise_only', action='store_true', help='read the finished cells, run nothing (a multiple × seed not yet run is left out)')
    a = ap.parse_args()
    try: multiples = [float(m) for m in a.multiples.split(',')]
    except ValueError: raise SystemExit(f"--multiples: expected numbers separated by commas, got {a.multiples!r}") from None
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    rows = run_variants(a.data, [int(s) for s in a.seeds.split(',')], variants(multiples), shlex.split(a.base), Path(a.runs), shlex.split(a.kr_nb), not a.summarise_only)
    write_csv(rows, out/'cardinality.csv', ('variant', 'seed'))
    cmd = 'python benchmarks/cardinality.py ' + ' '.join(shlex.quote(x) for x in sys.argv[1:])
    (out/'cardinality.md').write_text(summarise(rows, multiples, cmd, data_name(a.data)))
    plot(rows, multiples, data_name(a.data), out/'cardinality.png')
    print((out/'cardinality.md').read_text())
