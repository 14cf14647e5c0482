"The benchmark runners (benchmarks/*.py), on a tiny dataset: what they read, reuse and refuse."
import csv, json, subprocess, sys
from pathlib import Path
import pytest
from kr_nb.test_utils import tiny_npz
from conftest import kr_nb_exe

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'benchmarks'))
import recipes, privacy_utility, audit_study

TINY = '--epochs 2 --student_steps 0 --width 8 --bs 16 --gen_train_steps 20 --gen_ckpt_every 10 --gen_block_channels 8,16 --n_per_class 4 --clf_epochs 1'

def test_recipes_reuse_shared_stages_and_keep_test_apart(tmp_path):
    f = tiny_npz(tmp_path/'tiny.npz', n=60)
    cmd = [sys.executable, ROOT/'benchmarks'/'recipes.py', '--data', f, '--seeds', '0', '--runs', tmp_path/'runs', '--out', tmp_path/'out',
           '--kr_nb', kr_nb_exe(), '--base', f'--no_mia {TINY}', '--variant', 'default=', '--variant', 'x2=--multiple 2']
    r = subprocess.run(list(map(str, cmd)), capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    seed = tmp_path/'runs'/'tiny'/'seed0'
    assert len(list(seed.glob('generator-*'))) == 1 and len(list(seed.glob('student_gkd-*'))) == 2  # the Student changed, the generator was reused
    md = (tmp_path/'out'/'recipes.md').read_text()
    assert 'Decide on the validation columns' in md and 'report only' in md and '| x2 | 1 |' in md, md
    rows = (tmp_path/'out'/'recipes.csv').read_text().splitlines()
    assert len(rows) == 3 and 'gkd_val_bal' in rows[0]
    r2 = subprocess.run(list(map(str, cmd)), capture_output=True, text=True, timeout=300)  # finished cells are read, not rerun
    assert r2.returncode == 0 and 'min (total' not in r2.stdout, r2.stdout
    c = json.loads((seed/'x2.config.json').read_text()); c['tune']['clf_steps'] += 1  # as if made before a default changed
    (seed/'x2.config.json').write_text(json.dumps(c))
    r_s = subprocess.run(list(map(str, cmd + ['--summarise_only'])), capture_output=True, text=True, timeout=300)  # reads, runs nothing
    assert r_s.returncode == 0 and 'min (total' not in r_s.stdout and 'seed 0 x2: not finished with the current config, left out' in r_s.stdout, r_s.stdout
    assert '| x2 |' not in (tmp_path/'out'/'recipes.md').read_text() and '| default | 1 |' in (tmp_path/'out'/'recipes.md').read_text()
    r3 = subprocess.run(list(map(str, cmd)), capture_output=True, text=True, timeout=600)
    assert r3.returncode == 0 and r3.stdout.count('min (total') == 1 and 'seed 0 x2:' in r3.stdout, r3.stdout  # only the stale cell runs again
    assert len(list(seed.glob('generator-*'))) == 1 and json.loads((seed/'x2.config.json').read_text())['tune']['clf_steps'] == c['tune']['clf_steps'] - 1

def test_recipe_table_uses_validation_scores():
    m = lambda v, t: {'timings': {'generator': 10.}, 'tuning': {'score': 'accuracy', 'best': {}},
                      'teacher': {'accuracy': t, 'val': {'accuracy': v, 'balanced_accuracy': v}},
                      'ablations': {k: {'accuracy': t, 'val': {'accuracy': v, 'balanced_accuracy': v}, 'sets_seen': 1} for k in ('hard', 'soft', 'gkd')}}
    rows = [recipes.row_of(m(.8, .1), 'a', 0), recipes.row_of(m(.9, .1), 'a', 1)]
    md = recipes.summarise(rows, 'cmd', 'tiny')
    assert '0.8500 ± 0.0707' in md and '0.1000 ± 0.0000' in md, md  # val mean ± sample s.d.; test reported apart
    with pytest.raises(SystemExit, match='NAME=OPTIONS'): recipes.parse_variant('--multiple 3')

def test_runner_names_a_missing_command(tmp_path):
    with pytest.raises(SystemExit, match="'no_such_kr_nb' not found"): privacy_utility.run_cell(['no_such_kr_nb', 'run'], tmp_path, tmp_path/'log')

def test_dp_recipe_grid_is_every_combination_of_dpconfig_fields():
    import dp_recipe
    g = dp_recipe.parse_grid('lr=0.5,1 epochs=30,60')
    assert g == [{'lr': .5, 'epochs': 30}, {'lr': .5, 'epochs': 60}, {'lr': 1., 'epochs': 30}, {'lr': 1., 'epochs': 60}]
    assert isinstance(g[0]['epochs'], int)
    with pytest.raises(SystemExit, match="DPConfig field"): dp_recipe.parse_grid('learning_rate=1')

def test_cardinality_curve_reuses_the_generator_per_seed(tmp_path):
    import cardinality
    f = tiny_npz(tmp_path/'tiny.npz', n=60)
    cmd = [sys.executable, ROOT/'benchmarks'/'cardinality.py', '--data', f, '--seeds', '0', '--multiples', '0.5,2', '--runs', tmp_path/'runs',
           '--out', tmp_path/'out', '--kr_nb', kr_nb_exe(), '--base', f'--no_mia {TINY}']
    r = subprocess.run(list(map(str, cmd)), capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    seed = tmp_path/'runs'/'tiny'/'seed0'
    assert len(list(seed.glob('generator-*'))) == 1 and len(list(seed.glob('student_gkd-*'))) == 2 and not list(seed.glob('student_hard-*'))
    assert [json.loads((seed/f'{n}.config.json').read_text())['gkd']['multiple'] for n in ('m0p5', 'm2')] == [0.5, 2.]
    md = (tmp_path/'out'/'cardinality.md').read_text()
    assert '| 0.5× | 1 |' in md and '| 2× | 1 |' in md and (tmp_path/'out'/'cardinality.png').stat().st_size > 5000, md
    with pytest.raises(SystemExit, match=r'in \(0, 100\]'): cardinality.variants([0., 1.])

def test_method_extra_reaches_only_its_method():
    got = privacy_utility.method_extras(["kr=--gen_balanced true --filters 0,0.5", "bn=--filters 0,0.5", "kr= --clf_steps 40"])
    assert got == {'kr': ['--gen_balanced', 'true', '--filters', '0,0.5', '--clf_steps', '40'], 'bn': ['--filters', '0,0.5']}
    with pytest.raises(SystemExit, match='expected METHOD=OPTIONS'): privacy_utility.method_extras(['--gen_balanced true'])

def test_audit_study_rows_read_the_audit_or_the_power_study():
    "One row per target and studied attack; `power_study` rows come from the shadow-only study, `shadows` rows from the audit with its control."
    r = lambda auc: {'auc': auc, 'auc_ci': [auc - .01, auc + .01], 'tpr_at_1pct_fpr': .02, 'tpr_at_1pct_fpr_ci': [.01, .03], 'tpr_at_0.1pct_fpr': 0., 'epsilon_lb': 0.}
    att = {a: r(.6) for a in audit_study.ATTACKS} | {'loss': r(.9)}
    m = {'mia': {'rows': {'teacher': att, 'teacher (control)': {a: r(.5) for a in att}},
                 'studies': {'teacher': {'rows': {a: r(.55) for a in audit_study.ATTACKS}, 'rmia_a': .3}}}}
    rows = audit_study.rows_of(m, 'shadows', 'digits', 0, 4, 'kr_nb run', 20.)
    assert len(rows) == len(audit_study.ATTACKS) and {x['auc'] for x in rows} == {.6} and {x['control_auc'] for x in rows} == {.5}
    assert all(set(x) <= set(audit_study.COLS) for x in rows) and rows[0]['seconds_per_shadow'] == 5.
    st = audit_study.rows_of(m, 'power_study', 'digits', 100, 4, 'kr_nb run', 20.)
    assert {x['auc'] for x in st} == {.55} and {x['control_auc'] for x in st} == {''}
    assert 'AUC 0.600 ± 0.000' in audit_study.summary(rows)

def _metrics(acc=0.9, t_acc=0.95, auc=0.55, ctl=0.5):
    att = lambda a: {'auc': a, 'auc_ci': [a - .03, a + .03], 'tpr_at_1pct_fpr': .02, 'tpr_at_0.1pct_fpr': 0.}
    clf = lambda a, v: {'accuracy': a, 'balanced_accuracy': a, 'auroc': .99, 'val': {'accuracy': v}}
    return {'teacher': clf(t_acc, .96), 'student': clf(acc, .93), 'timings': {'split': 0., 'teacher': 10., 'generator': 90.},
            'privacy': {'synthetic': {'ssim': {'mean': .3}}, 'reference': {'ssim': {'mean': .9}}},
            'mia': {'headline': 'rmia_online', 'generator': {'distance': att(.6)},
                    'rows': {'teacher': {'rmia_online': att(.6)}, 'student': {'rmia_online': att(auc)},
                             'student (control)': {'rmia_online': att(ctl)}, 'teacher (control)': {'rmia_online': att(.5)}}}}

def test_result_rows_carry_the_provenance_recorded_in_the_run_folder(tmp_path):
    "A cell's commit and machine are the ones that ran it (benchmark.json), not the summarising checkout's."
    (tmp_path/privacy_utility.PROVENANCE).write_text(json.dumps({'commit': 'abc1234', 'machine': 'box (2 CPU threads)'}))
    prov = privacy_utility.provenance(tmp_path)
    rows = privacy_utility.rows_of(_metrics(), 'digits', 'kr', 0, 'kr_nb run', prov=prov)
    assert [r['method'] for r in rows] == ['teacher', 'kr'] and {r['commit'] for r in rows} == {'abc1234'}
    assert privacy_utility.provenance(tmp_path/'none', 'f00')['commit'] == 'f00'  # not recorded: the one given
    st = privacy_utility.stage_rows(_metrics(), 'digits', 'kr', 0, prov)
    assert [(r['stage'], r['seconds']) for r in st] == [('split', 0.), ('teacher', 10.), ('generator', 90.)]
    (tmp_path/'tuning-x').mkdir()
    (tmp_path/'tuning-x'/'tuning.json').write_text(json.dumps({'setting': {'steps': 10, 'guidance': 2.}, 'table': [
        {'steps': 10, 'guidance': 1., 'val_accuracy': .8}, {'steps': 10, 'guidance': 2., 'val_accuracy': .9}]}))
    tu = privacy_utility.tuning_rows(tmp_path, 'digits', 'kr', 0, prov)
    assert [r['chosen'] for r in tu] == [False, True] and tu[1]['commit'] == 'abc1234'

def test_defence_rows_hold_what_issue_33_reports():
    import defences
    r = defences.defence_row(_metrics(acc=.9, t_acc=.95, auc=.55, ctl=.5), 'digits', 'rq50', 1, {'commit': 'c', 'machine': 'm'})
    assert (r['defence'], r['seed'], r['headline']) == ('rq50', 1, 'rmia_online')
    assert abs(r['gap_points'] - (-5.)) < 1e-9 and r['mia_auc'] == .55 and r['control_auc'] == .5 and r['control_hi'] == .53
    assert r['gen_distance_auc'] == .6 and r['ssim_nearest_member'] == .3 and r['seconds'] == 100.
    assert (r['val_accuracy'], r['teacher_val_accuracy']) == (.93, .96) and abs(r['val_gap_points'] + 3.) < 1e-9
    m = _metrics() | {'resumed': ['split', 'teacher', 'ensemble']}; m['timings'] |= {'ensemble': 40., 'student_gkd': 5.}
    r = defences.defence_row(m, 'digits', 't4', 0, {'commit': 'c', 'machine': 'm'})
    assert (r['seconds'], r['recomputed_seconds'], r['ensemble_seconds']) == (145., 135., 40.)  # split, teacher reused
    assert r['peak_memory_mb'] is None  # a run without the figure; with it, the run's own peak
    assert defences.defence_row(m | {'peak_memory_mb': 812.5}, 'digits', 't4', 0, {})['peak_memory_mb'] == 812.5

def test_defences_csv_keeps_the_rows_of_other_calls(tmp_path):
    "Summarising seeds 3-5 does not wipe the selection seeds' rows; a row of the same key is replaced."
    import defences
    p = tmp_path/'defences.csv'; row = lambda de, s, auc: {'dataset': 'digits', 'defence': de, 'seed': s, 'mia_auc': auc}
    assert defences.merge_csv([row('none', 0, .55), row('t4', 0, .54)], p, ('dataset', 'defence', 'seed')) == 2
    assert defences.merge_csv([row('none', 3, .52), row('t4', 0, .50)], p, ('dataset', 'defence', 'seed')) == 3
    rows = list(csv.DictReader(open(p)))
    assert sorted((r['defence'], r['seed'], r['mia_auc']) for r in rows) == [('none', '0', '0.55'), ('none', '3', '0.52'), ('t4', '0', '0.5')]
    two = lambda auc, t, g='8 px': row('none', 0, auc) | {'teacher_mia_auc': t, 'plain_gen': g}  # seed 0's plain runs
    assert defences.merge_csv([two(.55, .59)], tmp_path/'two.csv', defences.KEY) == 1
    assert defences.merge_csv([two(.56, .60)], tmp_path/'two.csv', defences.KEY) == 2  # the other machine's: kept beside
    assert defences.merge_csv([two(.57, .60)], tmp_path/'two.csv', defences.KEY) == 2  # the same plain run again: replaced
    assert defences.merge_csv([two(.58, .60, '16 px')], tmp_path/'two.csv', defences.KEY) == 3  # same Teacher, other generator

def test_machine_names_the_vector_instructions():
    "Machines of one kind differ in their widest vector instructions (and so in their floats): the row's machine says which."
    from audit_study import machine
    flags = next((l.split() for l in Path('/proc/cpuinfo').read_text().splitlines() if l.startswith('flags')), []) \
        if Path('/proc/cpuinfo').exists() else []
    m = machine()
    assert 'CPU threads' in m
    if 'avx512f' in flags: assert 'AVX-512' in m, m
    elif 'avx2' in flags: assert 'AVX2' in m and 'AVX-512' not in m, m

def test_privacy_utility_keeps_the_rows_of_cells_it_did_not_run(tmp_path):
    "Rerunning digits' KR cells leaves the MedMNIST rows (and their stage seconds) in the result files."
    out, runs = tmp_path/'out', tmp_path/'runs'; out.mkdir()
    cell = runs/'digits'/'kr'/'seed0'; cell.mkdir(parents=True)
    (cell/'metrics.json').write_text(json.dumps(_metrics()))
    (cell/privacy_utility.PROVENANCE).write_text(json.dumps({'commit': 'new', 'machine': 'm'}))
    old = lambda ds, me: {'dataset': ds, 'method': me, 'seed': 0, 'accuracy': .8, 'commit': 'old'}
    privacy_utility.write_csv([old('breastmnist', 'kr'), old('digits', 'kr')], out/'privacy_utility.csv', ('dataset', 'method', 'seed'))
    privacy_utility.write_csv([{'dataset': 'breastmnist', 'method': 'kr', 'seed': 0, 'stage': 'teacher', 'seconds': 9}],
                              out/'stage_seconds.csv', ('dataset', 'method', 'seed'))
    cmd = [sys.executable, ROOT/'benchmarks'/'privacy_utility.py', '--datasets', 'digits', '--methods', 'kr', '--seeds', '0',
           '--out', out, '--runs', runs, '--summarise_only']
    r = subprocess.run(list(map(str, cmd)), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    rows = list(csv.DictReader(open(out/'privacy_utility.csv')))
    assert sorted((x['dataset'], x['method'], x['commit']) for x in rows) == [
        ('breastmnist', 'kr', 'old'), ('digits', 'kr', 'new'), ('digits', 'teacher', 'new')]  # digits' old row replaced
    st = list(csv.DictReader(open(out/'stage_seconds.csv')))
    assert {x['dataset'] for x in st} == {'breastmnist', 'digits'} and len(st) == 4
    assert '| breastmnist | kr | 1 |' in (out/'privacy_utility.md').read_text()

def test_default_run_rows_and_a_cached_folder_refused(tmp_path):
    "The timed default run writes one row per stage; a folder left from before is refused (its stages would be cached)."
    import default_run
    rows = default_run.stage_rows(_metrics() | {'peak_memory_mb': 1200.}, 'after', 226.04, {'commit': 'c', 'machine': 'm'})
    assert [(r['stage'], r['seconds']) for r in rows] == [('split', 0.), ('teacher', 10.), ('generator', 90.)]
    assert {(r['label'], r['wall_seconds'], r['peak_memory_mb'], r['commit']) for r in rows} == {('after', 226.0, 1200., 'c')}
    (tmp_path/'runs'/'after').mkdir(parents=True)
    cmd = [sys.executable, ROOT/'benchmarks'/'default_run.py', '--label', 'after', '--runs', tmp_path/'runs', '--out', tmp_path]
    r = subprocess.run(list(map(str, cmd)), capture_output=True, text=True, timeout=120)
    assert r.returncode and 'exists: remove it' in r.stderr and not (tmp_path/'default_run.csv').exists(), r.stderr

def test_plain_gen_names_the_size_the_plain_generator_trained_at(tmp_path):
    import defences
    for name, cfg in (('a', {'train_size': 8, 'size': 16}), ('b', {'train_size': 0, 'size': 28})):
        g = tmp_path/name/'generator-x'/'generator'; g.mkdir(parents=True)
        (g/'generator.json').write_text(json.dumps({'kind': 'kr', 'config': cfg}))
    assert (defences.plain_gen(tmp_path/'a'), defences.plain_gen(tmp_path/'b')) == ('8 px', '28 px')
    assert defences.row_gen(tmp_path/'a', tmp_path/'b') == '8 px'  # a defended run names its plain run's generator
    assert defences.row_gen(tmp_path/'none', tmp_path/'b') == '28 px'  # no plain run: its own

def test_channel_students_read_the_run_and_its_audit(tmp_path):
    "channels.py: the run's own Student and control, attacked as the run attacked them; options that differ are refused."
    import channels
    f = tiny_npz(tmp_path/'tiny.npz', n=60); out = tmp_path/'run'
    args = ['--data', str(f), '--seed', '0', *TINY.split(), '--n_canaries', '0']
    r = subprocess.run([kr_nb_exe(), 'run', *args, '--out', str(out), '--quiet'], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    rows = channels.channel_rows(out, args, 'tiny', 'none', 0, {'commit': 'c', 'machine': 'm'})
    assert [x['student'] for x in rows] == list(channels.STUDENTS)
    mia = json.loads((out/'metrics.json').read_text())['mia']; h = mia['headline']; by = {x['student']: x for x in rows}
    assert by['student']['mia_auc'] == pytest.approx(mia['rows']['student'][h]['auc'])  # the same Student, shadows and attack
    assert by['control']['mia_auc'] == pytest.approx(mia['rows']['student (control)'][h]['auc'])
    assert (out/'chan_neither').is_dir() and (out/'chan_labels').is_dir()  # the control slice's sub-runs, beside the run's stages
    with pytest.raises(SystemExit, match='were computed, not read'): channels.channel_students(out, args + ['--temperature', '2'])

def test_gen_prior_screens_variants_on_val_and_keeps_its_rows(tmp_path):
    "benchmarks/gen_prior.py: a prior fitted once, DP fine-tunes of it beside a scratch fit, val scores; rerun keeps rows."
    pub, priv = tiny_npz(tmp_path/'pub.npz', n=60, seed=5), tiny_npz(tmp_path/'priv.npz', n=60)
    small = {'train_steps': 20, 'ckpt_every': 10, 'block_channels': [8, 16]}
    var = lambda tag, **kw: f"{tag}={json.dumps(small | kw)}"
    cmd = [sys.executable, ROOT/'benchmarks'/'gen_prior.py', '--public', pub, '--private', priv, '--seeds', '0',
           '--prior_fields', json.dumps(small), '--n_per_class', '4', '--runs', tmp_path/'runs', '--out', tmp_path/'out',
           '--variants', var('scratch'), var('bias8', init='PRIOR', trainable='bias', dp_epsilon=8)]
    r = subprocess.run(list(map(str, cmd)), capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    assert (tmp_path/'runs'/'prior-pub'/'generator'/'generator.json').exists()
    rows = {x['variant']: x for x in csv.DictReader(open(tmp_path/'out'/'gen_prior.csv'))}
    assert set(rows) == {'scratch', 'bias8'} and rows['bias8']['public'] == 'pub' and rows['scratch']['public'] == ''
    assert 0 < float(rows['bias8']['epsilon']) <= 8 and float(rows['scratch']['epsilon']) == 0
    assert 0 < int(rows['bias8']['trained']) < int(rows['bias8']['weights']) / 5 and rows['scratch']['trained'] == ''
    assert '"PRIOR"' in rows['bias8']['config']  # as given, not a path
    assert all(0 <= float(x['val_balanced_accuracy']) <= 1 for x in rows.values())
    r2 = subprocess.run(list(map(str, cmd)), capture_output=True, text=True, timeout=300)
    assert r2.returncode == 0 and r2.stdout.count(', kept') == 2, r2.stdout  # finished variants are not run again
    bad = subprocess.run(list(map(str, cmd[:-2] + ['x={"trainable": "bias"}'])), capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "fine-tunes part of a prior" in bad.stderr.strip().splitlines()[-1], bad.stderr[-500:]

def test_paired_excess_reads_a_run_or_reaudits_a_copy_of_an_older_one(tmp_path):
    "paired_excess.py: a run's own paired test is read; a run audited before it existed is re-audited in a copy, untouched."
    f = tiny_npz(tmp_path/'tiny.npz', n=60); run = tmp_path/'base'/'tiny'/'kr'/'seed0'
    r = subprocess.run([kr_nb_exe(), 'run', '--data', str(f), '--seed', '0', *TINY.split(), '--n_canaries', '0', '--out', str(run),
                        '--quiet'], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    m = json.loads((run/'metrics.json').read_text()); mi = m['mia']; h = mi['headline']
    for t in ('teacher', 'student'):  # the run's own paired test: the same AUCs as its table, an interval around the gap
        e = mi['excess'][t][h]
        assert e['gap'] == pytest.approx(mi['rows'][t][h]['auc'] - mi['rows'][f'{t} (control)'][h]['auc'])
        assert e['gap_ci'][0] <= e['gap'] <= e['gap_ci'][1] and 0 <= e['p_no_leak'] <= 1
    cmd = lambda out: list(map(str, [sys.executable, ROOT/'benchmarks'/'paired_excess.py', '--dataset', 'tiny', '--seeds', '0',
                                     '--base', tmp_path/'base', '--scratch', tmp_path/'scratch', '--out', out]))
    r = subprocess.run(cmd(tmp_path/'read'), capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    read = {x['target']: x for x in csv.DictReader(open(tmp_path/'read'/'paired_excess.csv'))}
    assert set(read) == {'teacher', 'student'} and {x['reaudited'] for x in read.values()} == {'False'}
    del m['mia']['excess']; old = json.dumps(m); (run/'metrics.json').write_text(old)  # as a run audited before the paired test
    r = subprocess.run(cmd(tmp_path/'again'), capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    again = {x['target']: x for x in csv.DictReader(open(tmp_path/'again'/'paired_excess.csv'))}
    for t, x in again.items():  # the same models, images and seed: the same AUCs and the same paired test
        assert x['reaudited'] == 'True' and float(x['auc']) == pytest.approx(float(x['run_auc']))
        assert float(x['excess']) == pytest.approx(float(read[t]['excess'])) and x['excess_lo'] == read[t]['excess_lo']
        assert -1 <= float(x['score_spearman']) <= 1 and x['score_spearman'] == read[t]['score_spearman']
    copy = tmp_path/'scratch'/'tiny'/'none'/'seed0'
    assert (run/'metrics.json').read_text() == old and (copy/'metrics.json').exists()
    stamp = (copy/'metrics.json').stat().st_mtime_ns
    r = subprocess.run(cmd(tmp_path/'cached'), capture_output=True, text=True, timeout=600)  # the finished copy is read
    assert r.returncode == 0 and (copy/'metrics.json').stat().st_mtime_ns == stamp, r.stderr[-2000:]
    assert (tmp_path/'cached'/'paired_excess.csv').read_text() == (tmp_path/'again'/'paired_excess.csv').read_text()
    r = subprocess.run(cmd(tmp_path/'x') + ['--tags', 'none,t4'], capture_output=True, text=True, timeout=60)
    assert r.returncode and 'no finished run' in r.stderr and 't4' in r.stderr, r.stderr
