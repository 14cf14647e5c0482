"""Where the Student's leak comes from (issue 33): a KR run's GKD Student against Students that lack one channel or both,
all audited by the run's own Student shadows and headline attack.

    python benchmarks/channels.py [--dataset digits] [--seeds 0,1,2] [--base runs/benchmark] [--runs runs/channels]
                                  [--tag none --options ""]

A member can reach the Student by two roads: the synthetic images (the generator saw it) and the soft labels (the
Teacher saw it). Each Student below is trained by the run's GKD recipe on the run's class counts:
- `student`: the run's own GKD Student (both roads);
- `images_only`: the run's synthetic pool, labelled by the no-access control (a classifier of the control slice, which
  holds no candidate);
- `images_heldout`: the run's pool labelled by four leave-one-fold-out Teachers of the members, each image by the one
  that never saw its nearest member (`--holdout_folds 4`): a labeller as good as the Teacher that does not know the
  member an image is near;
- `images_heldout_cluster`: the same with folds of near members (`--holdout_by cluster`), so the Teacher that labels
  an image saw neither its nearest member nor that member's neighbours;
- `labels_only`: the run's Teacher labelling the pool of a generator trained and tuned on the control slice only;
- `neither`: generator and labeller both of the control slice: a Student with no access, the null for a Student.
The control row is the run's no-access control (a real-data classifier) under the same attack.

`--base` holds the run: `<base>/<dataset>/kr/seed<s>` as `privacy_utility.py` writes a plain one, `<base>/<dataset>/<tag>/seed<s>`
as `defences.py` writes a defended one (`--tag`, with its `--options` beyond data and seed). It is copied to
`<runs>/<dataset>/<tag>/seed<s>`, its stages are read from there (none is recomputed) and the sub-runs of the control
slice go beside them. Writes `channels.csv` (one row per dataset, tag, seed and Student; rows of other keys kept):
the headline attack's AUC with its interval, TPR at 1 % FPR, LiRA online's AUC, the Student's val accuracy, the seconds
it took to train (the control slice's generator, shared, counted in `labels_only`), commit, command and machine.
"""
import argparse, shlex, shutil, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from audit_study import commit, machine
from privacy_utility import provenance, merge_csv

KEY = ('dataset', 'tag', 'seed', 'student')
STUDENTS = ('student', 'images_only', 'images_heldout', 'images_heldout_cluster', 'labels_only', 'neither', 'control')

def channel_students(folder:Path, args:list) -> dict:
    "{name: (model, seconds)} for the Students of `STUDENTS` (and the control), with the run's stages, from the run in `folder`."
    import numpy as np
    from dataclasses import replace
    from kr_nb.cli import _run_parser, _run_config
    from kr_nb.data import load_data
    from kr_nb.engine import Run, run_members, run_model_config
    from kr_nb.generator import filtered, reject_near_members
    from kr_nb.stages import stage_split, stage_teacher, stage_generator, stage_tuning, stage_pool, stage_student
    from kr_nb.audit_stages import stage_shadows, stage_control, stage_student_shadows
    from kr_nb.pipeline import shadow_pipeline
    from kr_nb.gkd import train_student, train_ensemble, labeller
    a = _run_parser('run', '', 'kr').parse_args(args); cfg = _run_config(a, 'kr')
    cfg = replace(cfg, mia=replace(cfg.mia, pipeline_budget=1.0))  # the control slice's generator: the run's steps
    run = Run(cfg, folder, (), True, 'kr', False)
    splits = load_data(cfg.data, size=cfg.size, seed=cfg.seed, root=cfg.root, image_col=cfg.image_col,
                       label_col=cfg.label_col, classes=cfg.classes)
    man, _ = stage_split(run, splits); teacher, _ = stage_teacher(run, splits, man)
    stage_generator(run, splits, man, teacher); gen, tres = stage_tuning(run, splits, teacher)
    gen = filtered(gen, teacher, tres['filter'], cfg.device)
    gen = reject_near_members(gen, run_members(splits, man), splits.val, cfg.gkd.reject_quantile, cfg.gkd.reject_space,
                              teacher, cfg.device)
    pool = stage_pool(run, splits, man, gen) if cfg.gkd.synthetic_mode == 'pool' else None
    student, _ = stage_student(run, splits, man, gen, teacher, 'gkd', pool)
    mcfg = run_model_config(cfg, splits, man, dp=True)
    t_sh = stage_shadows(run, splits, man, mcfg, cfg.train, cfg.mia, cfg.dp)
    control = stage_control(run, splits, man, mcfg, cfg.train, cfg.mia, cfg.dp)
    rerun = shadow_pipeline(run, splits, man, 'gkd')  # the method rerun on a set of members (the control slice below)
    s_sh = stage_student_shadows(run, splits, man, t_sh, gen, pool, 'gkd', rerun)
    computed = [k for k in run.timings if k not in run.resumed]
    if computed: raise SystemExit(f"{folder}: stages {computed} were computed, not read: --options differ from the run's")
    out = {'student': (student, 0.), 'control': (control, 0.)}
    gk = replace(cfg.gkd, variant='gkd'); counts = run_members(splits, man).counts(); sm = run_model_config(cfg, splits, man)
    t = time.time()
    mine = None if pool is None else pool.for_variant('gkd')
    out['images_only'] = (train_student(gen, control, counts, splits.val, gk, cfg.train, sm, pool=mine, quiet=True).model,
                          time.time() - t)
    tr = run_members(splits, man)
    for name, by in (('images_heldout', 'random'), ('images_heldout_cluster', 'cluster')):
        t = time.time(); ho = replace(gk, holdout_folds=4, holdout_by=by)
        ms = train_ensemble(tr, splits.val, 4, sm, cfg.train, seed=cfg.seed, holdout=True, cluster=by == 'cluster')
        out[name] = (train_student(gen, labeller(ms, tr, ho, seed=cfg.seed), counts, splits.val, gk, cfg.train, sm,
                                   pool=mine, quiet=True).model, time.time() - t)
    ctl = np.asarray(man.control)
    for name, sub, j, who in (('labels_only', 'chan_labels', 90, teacher), ('neither', 'chan_neither', 91, control)):
        for g in (run.out/'chan_labels').glob('generator-*'):  # one generator of the control slice for both (same key)
            if not (run.out/sub/g.name).exists(): shutil.copytree(g, run.out/sub/g.name)
        t = time.time(); out[name] = (rerun(run.out/sub, j, who, ctl), time.time() - t)
    return out, dict(splits=splits, man=man, shadows=s_sh, cfg=cfg)

def channel_rows(folder:Path, args:list, dataset:str, tag:str, seed:int, prov:dict) -> list:
    "One row per Student of `channel_students`: the run's headline attack against it, with the run's Student shadows."
    from dataclasses import replace
    from kr_nb.mia import audit
    from kr_nb.classifier import evaluate
    students, c = channel_students(folder, args)
    mc = replace(c['cfg'].mia, loo=False, n_canaries=0)
    rows = []
    for name in STUDENTS:
        m, secs = students[name]
        # the guard checks which candidates a target trained on; these never trained on a non-member
        r = audit(m, c['splits'], c['man'], c['shadows'], mc, target_used=c['man'].members, device=c['cfg'].device)
        h = r['headline']; mm = r['metrics']
        rows.append({'dataset': dataset, 'tag': tag, 'seed': seed, 'student': name, 'headline': h,
                     'mia_auc': mm[h]['auc'], 'mia_auc_lo': mm[h]['auc_ci'][0], 'mia_auc_hi': mm[h]['auc_ci'][1],
                     'tpr_1pct': mm[h]['tpr_at_1pct_fpr'], 'lira_online_auc': mm['lira_online']['auc'],
                     'val_accuracy': evaluate(m, c['splits'].val, device=c['cfg'].device)['accuracy'],
                     'seconds': round(secs, 1), 'command': shlex.join(['kr_nb', 'run', *args]), **prov})
        print(f"seed {seed} {name}: {h} AUC {mm[h]['auc']:.3f}", flush=True)
    return rows

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--dataset', default='digits'); ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--base', default='runs/benchmark', help='where the KR runs are (<base>/<dataset>/kr/seed<s>)')
    ap.add_argument('--runs', default='runs/channels', help='where the copies and the control-slice sub-runs go')
    ap.add_argument('--tag', default='none', help="the runs' setting, as defences.py names it ('none': plain KR)")
    ap.add_argument('--options', default='', help='the kr_nb run options the runs had beyond --data and --seed')
    ap.add_argument('--out', default='benchmarks/results', help='where channels.csv goes')
    a = ap.parse_args()
    rows = []
    for s in map(int, a.seeds.split(',')):
        base = Path(a.base)/a.dataset/('kr' if a.tag == 'none' else a.tag)/f'seed{s}'
        out = Path(a.runs)/a.dataset/a.tag/f'seed{s}'
        if not (base/'metrics.json').exists(): raise SystemExit(f"no finished run in {base}")
        shutil.copytree(base, out, dirs_exist_ok=True)
        prov = {'run_commit': provenance(base)['commit'], 'commit': commit(), 'machine': machine()}
        rows += channel_rows(out, ['--data', a.dataset, '--seed', str(s), *shlex.split(a.options)], a.dataset, a.tag, s, prov)
    Path(a.out).mkdir(parents=True, exist_ok=True)
    n = merge_csv(rows, Path(a.out)/'channels.csv', KEY)
    print(f"wrote {Path(a.out)/'channels.csv'} ({len(rows)} rows of this call, {n} in all)")
