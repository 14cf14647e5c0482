"""Recipe variants over seeds, decided on the validation split: the evidence a default change needs.

    python benchmarks/recipes.py --data breastmnist --seeds 0,1,2 \\
        --variant "default=" --variant "x3=--multiple 3" --variant "balanced=--gen_balanced true --gen_aug hflip" \\
        [--base "--no_mia"] [--runs runs/recipes] [--out benchmarks/recipes] [--kr_nb kr_nb] [--summarise_only]

Each variant × seed is one `kr_nb run` (without the audit unless `--base` says otherwise) in that seed's folder, so
variants that change only later stages (e.g. the Student's `--multiple` or `--regenerate_every`) reuse the Teacher,
generator, tuning and pool their recipe shares with an earlier variant: the stage cache keys on the recipe. After each
run its `metrics.json` and `config.json` are copied to `<variant>.json` and `<variant>.config.json` beside it; a
finished variant × seed whose config is the one `kr_nb run` builds now is not run again, so a killed study resumes and a
study after a default changed reruns only what the change touches. `--summarise_only` tabulates the finished current
cells and runs nothing.

The table's decision columns are **validation** scores of the epoch each model kept (`val` in metrics.json: the split
`fit` already chose that epoch on); test accuracy is in separate columns marked "report only", and the table says
which. Mean ± s.d. over seeds (sample s.d., n − 1); generator seconds are the generator stage's own time, as recorded when
it was computed (a variant that reused the stage repeats that figure). Writes `recipes.csv` and `recipes.md` in `--out`.
"""
import argparse, json, shlex, shutil, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from privacy_utility import run_cell, data_name, is_current, write_csv, mean_sd as ms

MODELS = ('teacher', 'hard', 'soft', 'gkd')

def parse_variant(s:str) -> tuple:
    "`name=options` → (name, [options]); the name must be a plain word (it names files)."
    name, sep, opts = s.partition('=')
    if not sep or not name.replace('_', '').replace('-', '').isalnum(): raise SystemExit(f"--variant {s!r}: expected NAME=OPTIONS with a plain NAME (e.g. 'x3=--multiple 3')")
    return name, shlex.split(opts)

def row_of(m:dict, variant:str, seed:int) -> dict:
    "Validation (decision) and test (report only) scores of the Teacher and each Student of one run."
    r = {'variant': variant, 'seed': seed, 'generator_s': round(m['timings'].get('generator', 0.), 1),
         'tuning_score': (m.get('tuning') or {}).get('score'), 'tuning_best': (m.get('tuning') or {}).get('best')}
    for k in MODELS:
        res = m['teacher'] if k == 'teacher' else m['ablations'].get(k)
        if not res: continue
        val = res.get('val') or {}
        r.update({f'{k}_val_acc': val.get('accuracy'), f'{k}_val_bal': val.get('balanced_accuracy'), f'{k}_test_acc': res['accuracy']})
        if k != 'teacher': r.update({f'{k}_sets_seen': res.get('sets_seen'), f'{k}_steps': res.get('steps')})
    return r


def summarise(rows:list, cmd:str, data:str) -> str:
    variants = list(dict.fromkeys(r['variant'] for r in rows))
    head = ' | '.join(f'{k} val bal. acc.' for k in MODELS)
    lines = [f"{data}: mean ± s.d. over seeds. **Decide on the validation columns**; the test columns are for reporting only.",
             f"Command: `{cmd}`.", '',
             f"| variant | n | {head} | GKD val acc. | gen. s | GKD test acc. (report only) | soft test (report only) | hard test (report only) |",
             '|' + '---|' * (3 + len(MODELS) + 5)]
    for v in variants:
        rs = [r for r in rows if r['variant'] == v]
        lines.append(f"| {v} | {len(rs)} | " + ' | '.join(ms(rs, f'{k}_val_bal') for k in MODELS) +
                     f" | {ms(rs, 'gkd_val_acc')} | {ms(rs, 'generator_s', '.0f')} | {ms(rs, 'gkd_test_acc')} | {ms(rs, 'soft_test_acc')} | {ms(rs, 'hard_test_acc')} |")
    return '\n'.join(lines) + '\n'

def run_variants(data:str, seeds:list, variants:list, base:list, runs:Path, kr_nb:list, run:bool=True) -> list:
    "Each (name, options) variant × seed as a `kr_nb run` in the seed's folder (finished current cells read, not run); one `row_of` each. `run=False`: read the finished current cells only, skip the rest."
    rows, t0 = [], time.time()
    for s in seeds:
        folder = runs/data_name(data)/f"seed{s}"
        for name, opts in variants:
            done, args = folder/f"{name}.json", ['--data', data, '--seed', str(s), '--out', str(folder), '--quiet', *base, *opts]
            if not is_current(done, folder/f"{name}.config.json", args):
                if not run: print(f"{data} seed {s} {name}: not finished with the current config, left out", flush=True); continue
                folder.mkdir(parents=True, exist_ok=True)
                dt = run_cell([*kr_nb, 'run', *args], folder, folder.parent/f"{folder.name}.{name}.log")  # beside the run folder: kr_nb writes only into folders it owns
                shutil.copy(folder/'metrics.json', done); shutil.copy(folder/'config.json', folder/f"{name}.config.json")
                print(f"{data} seed {s} {name}: {dt / 60:.1f} min (total {(time.time() - t0) / 60:.0f} min)", flush=True)
            rows.append(row_of(json.loads(done.read_text()), name, s))
    return rows

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', default='digits'); ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--variant', action='append', required=True, help="NAME=OPTIONS for kr_nb run (repeat; 'default=' for the defaults)")
    ap.add_argument('--base', default='--no_mia', help='options every run gets (default: no audit)')
    ap.add_argument('--runs', default='runs/recipes'); ap.add_argument('--out', default='benchmarks/recipes')
    ap.add_argument('--kr_nb', default='kr_nb', help='the command that runs kr_nb')
    ap.add_argument('--summarise_only', action='store_true', help='read the finished cells, run nothing')
    a = ap.parse_args()
    variants = [parse_variant(v) for v in a.variant]
    if len({n for n, _ in variants}) < len(variants): raise SystemExit("--variant names must differ")
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    rows = run_variants(a.data, [int(x) for x in a.seeds.split(',')], variants, shlex.split(a.base), Path(a.runs), shlex.split(a.kr_nb), not a.summarise_only)
    write_csv(rows, out/'recipes.csv', ('variant', 'seed'))
    cmd = 'python benchmarks/recipes.py ' + ' '.join(shlex.quote(x) for x in sys.argv[1:])
    (out/'recipes.md').write_text(summarise(rows, cmd, data_name(a.data)))
    print((out/'recipes.md').read_text())
