"""DP fine-tuning of a public prior (issue 33): a KR generator pre-trained on a public dataset and fine-tuned on a
private set's members with DP-SGD (the whole UNet, or `--gen_trainable bias`), against DP-SGD from scratch and the
plain generator. A screen, not a result: each variant × seed is scored on the private set's *val* split by `tune`
(a quick classifier trained on each setting's samples; the best setting's balanced accuracy and AUROC), with no audit
and no test split, to tell which variants are worth a full `kr_nb run`.

    python benchmarks/gen_prior.py [--public pneumoniamnist] [--private breastmnist] [--seeds 0,1,2] \\
        [--variants 'scratch8={"dp_epsilon": 8, "train_steps": 300}' 'all8={"init": "PRIOR", ...}'] [--runs runs/gen_prior]
        [--prior_fields '{}'] [--n_per_class 100]

The prior is the default KR generator (`for_data`, seed 0) fitted on the public set's whole train split, built once in
`<runs>/prior-<public>` (about 6 min on 2 CPU cores for PneumoniaMNIST); `PRIOR` in a variant stands for it. The members
of seed s are those `kr_nb run --seed s` trains on (`run_manifest` of the default `RunConfig`), the generator's seed is
s. Writes `gen_prior.csv` (one row per variant × seed; rows of other variants and seeds kept) with the seconds of
each fit, the ε spent and the trained weights; a variant × seed already there with the same fields is not run again.
"""
import argparse, json, sys, time
from dataclasses import replace
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from audit_study import commit, machine
from privacy_utility import merge_csv
from kr_nb.core import KrError
from kr_nb.data import load_data
from kr_nb.generator import for_data, tune, TuneConfig
from kr_nb.kr import KRConfig, KRGenerator
from kr_nb.pipeline import RunConfig
from kr_nb.results import read_rows
from kr_nb.stages import run_manifest

KEY = ('public', 'private', 'variant', 'seed')
DEFAULT = ('plain={}', 'scratch8={"dp_epsilon": 8, "train_steps": 300}',
           'all8={"init": "PRIOR", "dp_epsilon": 8, "train_steps": 300}',
           'bias8={"init": "PRIOR", "trainable": "bias", "dp_epsilon": 8, "train_steps": 300}')

def prior(public:str, runs:Path, fields:dict) -> Path:
    "The default KR generator (with `fields`) on the public set's whole train split (seed 0), fitted once."
    out = runs/f'prior-{Path(public).stem}'
    if not (out/'generator'/'generator.json').exists():
        tr = load_data(public).train; t = time.time()
        cfg = replace(for_data(KRConfig(device='cpu'), tr), **fields)
        KRGenerator(cfg, tr.classes).fit(tr, out/'work', quiet=True).save(out/'generator')
        print(f"prior on {public} ({len(tr)} images): {time.time() - t:.0f} s", flush=True)
    return out/'generator'

def members(sp, private:str, seed:int):
    "The members a `kr_nb run --seed seed` of the private set trains on."
    return sp.train.subset(run_manifest(RunConfig(data=private, seed=seed), sp.train).members)

def screen(sp, mem, private:str, variant:str, kw:dict, seed:int, runs:Path, n_per_class:int=100) -> dict:
    "Fit one variant on seed `seed`'s members `mem` of the private splits `sp`, score its settings on val; the row."
    cfg = replace(for_data(KRConfig(device='cpu'), mem), seed=seed, **kw)
    t = time.time(); g = KRGenerator(cfg, sp.classes).fit(mem, runs/Path(private).stem/variant/f'seed{seed}', quiet=True)
    fit_s = time.time() - t
    best = tune(g, sp.val, cfg=TuneConfig(n_per_class=n_per_class, seed=seed), quiet=True)['best']
    return {'variant': variant, 'seed': seed, 'members': len(mem), 'fit_seconds': round(fit_s, 1),
            'epsilon': round(g.dp['epsilon'], 3) if g.dp else 0., 'trained': (g.init or {}).get('parameters', ''),
            'weights': sum(x.numel() for x in g.unet.parameters()),
            'checkpoint': best['checkpoint'], 'guidance': best['guidance'],
            'val_balanced_accuracy': round(best['val_balanced_accuracy'], 4), 'val_auroc': round(best['val_auroc'], 4)}

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--public', default='pneumoniamnist'); ap.add_argument('--private', default='breastmnist')
    ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--variants', nargs='*', default=list(DEFAULT), metavar='TAG=JSON', help='a tag and KRConfig fields')
    ap.add_argument('--prior_fields', default='{}', metavar='JSON', help="KRConfig fields of the prior beyond the defaults")
    ap.add_argument('--n_per_class', type=int, default=100, help='synthetic images per class that score a setting on val')
    ap.add_argument('--runs', default='runs/gen_prior'); ap.add_argument('--out', default='benchmarks/results')
    a = ap.parse_args()
    vs = {}
    for v in a.variants:
        tag, sep, js = v.partition('=')
        try: vs[tag] = json.loads(js) if sep and tag else None
        except json.JSONDecodeError as e: raise SystemExit(f"--variants {v!r}: the fields are not JSON ({e})")
        if vs[tag] is None: raise SystemExit(f"--variants: expected TAG=JSON (e.g. all8='{{\"dp_epsilon\": 8}}'), got {v!r}")
        try: KRConfig(**{k: ('x' if x == 'PRIOR' else x) for k, x in vs[tag].items()})  # bad fields: refused before any work
        except (KrError, TypeError) as e: raise SystemExit(f"--variants {tag}: {e}")
    try: pf = json.loads(a.prior_fields); KRConfig(**pf)
    except (json.JSONDecodeError, KrError, TypeError) as e: raise SystemExit(f"--prior_fields {a.prior_fields!r}: {e}")
    runs = Path(a.runs); p = str(prior(a.public, runs, pf)) if any('PRIOR' in vs[t].values() for t in vs) else ''
    csv_path = Path(a.out)/'gen_prior.csv'
    done = {(r['variant'], r['seed'], r['config']) for r in read_rows('gen_prior', a.out)} if csv_path.exists() else set()
    rows, sp = [], load_data(a.private)  # read once
    for s in map(int, a.seeds.split(',')):
        mem = members(sp, a.private, s)
        for tag, raw in vs.items():
            conf = json.dumps(raw, sort_keys=True)  # as given: PRIOR, not this machine's path
            if (tag, s, conf) in done: print(f"{tag} seed {s}: in {csv_path}, kept"); continue
            r = screen(sp, mem, a.private, tag, {k: (p if x == 'PRIOR' else x) for k, x in raw.items()}, s, runs, a.n_per_class)
            rows.append({'public': Path(a.public).stem if 'init' in raw else '', 'private': Path(a.private).stem, **r, 'config': conf,
                         'commit': commit(), 'machine': machine()})
            print(json.dumps({k: r[k] for k in ('variant', 'seed', 'fit_seconds', 'epsilon', 'val_balanced_accuracy', 'val_auroc')}), flush=True)
            Path(a.out).mkdir(parents=True, exist_ok=True); merge_csv(rows, csv_path, KEY)
    print(f"wrote {csv_path}")
