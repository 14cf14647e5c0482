"""Choose a classifier recipe by stratified k-fold cross-validation on train ∪ val; the test split is never read.

Each fold is held out once and scores the recipe; the other folds are split 7:1 (stratified) into a training part and
a validation part that picks the kept epoch, as `kr_nb teacher` does with the official splits. Prints accuracy,
balanced accuracy and AUROC per recipe (mean ± sd over folds × seeds) and writes the table as JSON.

    python benchmarks/teacher_recipe.py --data breastmnist [--folds 5] [--seeds 1] [--workers 2] [--recipes a,b]

Recipes are `TrainConfig` / `ModelConfig` overrides named in RECIPES below; `base` is the current default.
Each run uses one torch thread; `--workers` runs that many at once. BreastMNIST results: nbs/02_classifier.ipynb.
"""
import argparse, json, time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields
import numpy as np

RECIPES = {
    'base': {},
    'valid_loss': {'monitor': 'valid_loss'},
    'last': {'monitor': 'last'},
    'ema': {'ema': 0.99},
    'ema_last': {'ema': 0.99, 'monitor': 'last'},
    'steps600': {'min_steps': 600},
    'steps600_ema': {'min_steps': 600, 'ema': 0.99},
    'width64': {'width': 64},
    'flip': {'flip': True},
    'ls0.1': {'label_smoothing': 0.1},
    'lr1e-3': {'lr': 1e-3},
    'steps500': {'min_steps': 500},
    'depth2': {'depth': 2},
    'dropout0.3': {'dropout': 0.3},
    'wd0.05': {'wd': 5e-2},
    'mixup0.4': {'mixup': 0.4},
    'bs32': {'bs': 32},
    'ens3': {'ensemble': 3},   # mean probabilities of 3 models trained with seeds seed, seed+100, seed+200
}

def _job(args):
    data, recipe, fold, seed, folds = args
    import torch; torch.set_num_threads(1)
    from sklearn.model_selection import StratifiedKFold
    from kr_nb.data import ImageData, load_data, stratified_split
    from kr_nb.classifier import TrainConfig, ModelConfig, model_config, train_classifier, predict, classification_metrics
    sp = load_data(data)
    pool = ImageData(np.concatenate([sp.train.images, sp.val.images]), np.concatenate([sp.train.labels, sp.val.labels]), sp.classes, 'train+val')
    tr_idx, te_idx = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(pool.images, pool.labels))[fold]
    inner = pool.subset(tr_idx)
    a, b = stratified_split(inner, 1/8, seed)
    over = RECIPES[recipe]
    tk, mk = ({k: v for k, v in over.items() if k in {f.name for f in fields(C)}} for C in (TrainConfig, ModelConfig))
    t0 = time.time()
    test = pool.subset(te_idx)
    probs = [predict(train_classifier(inner.subset(a), inner.subset(b), model_config(inner.subset(a), **mk), TrainConfig(seed=seed + 100*i, **tk), quiet=True).model, test)
             for i in range(over.get('ensemble', 1))]
    m = classification_metrics(test.labels, np.mean(probs, 0))
    return recipe, fold, seed, m['accuracy'], m['balanced_accuracy'], m['auroc'], time.time() - t0

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default='breastmnist'); ap.add_argument('--folds', type=int, default=5)
    ap.add_argument('--seeds', type=int, default=1); ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--recipes', default=','.join(RECIPES)); ap.add_argument('--out', default=None)
    a = ap.parse_args()
    names = a.recipes.split(',')
    unknown = [n for n in names if n not in RECIPES]
    if unknown: raise SystemExit(f"unknown recipe(s) {unknown}: choose from {list(RECIPES)}")
    jobs = [(a.data, r, f, s, a.folds) for r in names for s in range(a.seeds) for f in range(a.folds)]
    rows = []
    with ProcessPoolExecutor(a.workers) as ex:
        for row in ex.map(_job, jobs):
            rows.append(row); print(*[f"{v:.4f}" if isinstance(v, float) else v for v in row], flush=True)
    print(f"\n{a.data}: {a.folds}-fold CV on train+val × {a.seeds} seed(s); test split not read")
    print(f"{'recipe':14s} {'accuracy':>15s} {'balanced':>15s} {'auroc':>15s} {'s/run':>6s}")
    table = {}
    for r in names:
        v = np.array([x[3:] for x in rows if x[0] == r])
        table[r] = {k: [float(v[:, i].mean()), float(v[:, i].std())] for i, k in enumerate(('accuracy', 'balanced_accuracy', 'auroc', 'seconds'))}
        print(f"{r:14s} " + ' '.join(f"{v[:, i].mean():.4f}±{v[:, i].std():.4f}" for i in range(3)) + f" {v[:, 3].mean():6.1f}")
    if a.out: open(a.out, 'w').write(json.dumps({'data': a.data, 'folds': a.folds, 'seeds': a.seeds, 'recipes': {r: RECIPES[r] for r in names}, 'table': table, 'rows': rows}, indent=1))
