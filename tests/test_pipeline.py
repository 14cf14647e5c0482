"`kr_nb run` end to end on a tiny dataset: outputs, resume after a kill, `--force`, and `kr_nb mia` on its models."
import json, os, shutil, signal, subprocess, time
from pathlib import Path
import pytest
from kr_nb.test_utils import tiny_npz
from kr_nb.classifier import CONFIG, WEIGHTS
from kr_nb.mia import ATTACKS, MIAConfig
from conftest import kr_nb_exe

TINY = ['--gen_train_steps', '60', '--epochs', '4', '--student_steps', '0', '--width', '8', '--n_shadows', '2', '--quiet']

@pytest.fixture(scope='module')
def tiny_data(tmp_path_factory):
    return tiny_npz(tmp_path_factory.mktemp('data')/'tiny.npz', n=120, size=8, n_classes=3)

@pytest.fixture(scope='module')
def full_run(tiny_data, tmp_path_factory):
    out = tmp_path_factory.mktemp('runs')/'full'
    r = subprocess.run([kr_nb_exe(), 'run', '--data', tiny_data, '--out', out, *TINY], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    return out, json.loads((out/'metrics.json').read_text()), r.stdout

def test_run_outputs(full_run):
    out, m, stdout = full_run
    for k in ('teacher', 'student', 'ablations', 'timings', 'mia'): assert k in m
    assert set(m['ablations']) == {'hard', 'soft', 'gkd'}
    for r in [m['teacher'], m['student'], *m['ablations'].values()]:
        assert {'accuracy', 'balanced_accuracy', 'auroc'} <= set(r) and 0 <= r['accuracy'] <= 1
    assert m['mia']['protocol'] == 'carlini' and m['mia']['headline'] == MIAConfig(n_shadows=m['mia']['n_shadows']).headline
    for t in ('teacher', 'student', 'teacher (control)', 'student (control)'):
        for a in ATTACKS:
            r = m['mia']['rows'][t][a]
            assert {'auc', 'auc_ci', 'tpr_at_1pct_fpr', 'tpr_at_0.1pct_fpr', 'tpr_at_1pct_fpr_ci', 'epsilon_lb'} <= set(r) and r['auc_ci'][0] <= r['auc'] <= r['auc_ci'][1]
            assert r['tpr_at_1pct_fpr_ci'][0] <= r['tpr_at_1pct_fpr'] <= r['tpr_at_1pct_fpr_ci'][1] and r['epsilon_lb'] >= 0
    assert {'distance', 'denoising_loss', 'pia'} == set(m['mia']['generator'])
    assert all(v >= 0 for v in m['timings'].values()) and {'teacher', 'generator', 'tuning', 'student_gkd'} <= set(m['timings'])
    for f in ('report.md', 'accuracy.png', 'samples.png', 'roc.png', 'confusion_teacher.png', 'config.json', 'closest_pairs.png'): assert (out/f).exists(), f
    assert m['method'] == 'kr' and {'checkpoint', 'steps', 'guidance'} <= set(m['tuning']['setting'])
    assert 0 <= m['privacy']['synthetic']['ssim']['mean'] <= 1 and 'Visual privacy' in (out/'report.md').read_text()
    assert 'Student gkd' in stdout and 'AUC' in stdout
    assert 'TPR@0.1 % FPR' in (out/'report.md').read_text()

def _no_time(d):
    "Results without wall-clock fields, which differ between any two runs."
    if isinstance(d, dict): return {k: _no_time(v) for k, v in d.items() if 'seconds' not in k}
    return d

def test_kill_during_student_then_resume(full_run, tiny_data, tmp_path):
    "Kill a run while a Student trains, start it again: it resumes and ends with the uninterrupted run's metrics."
    _, ref, _ = full_run
    out = tmp_path/'killed'
    p = subprocess.Popen([kr_nb_exe(), 'run', '--data', tiny_data, '--out', out, *TINY], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    t0 = time.time()
    while not list(out.glob('student_*')) and p.poll() is None and time.time() - t0 < 600: time.sleep(0.2)
    assert p.poll() is None, f"run ended before the Student stage: {p.stderr.read()[-2000:]}"
    time.sleep(1.0)
    os.killpg(p.pid, signal.SIGKILL); p.wait()
    assert not (out/'metrics.json').exists()
    r = subprocess.run([kr_nb_exe(), 'run', '--data', tiny_data, '--out', out, *TINY], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    m = json.loads((out/'metrics.json').read_text())
    assert {'split', 'teacher', 'generator', 'tuning'} <= set(m['resumed'])
    for k in ('teacher', 'student', 'ablations', 'mia', 'tuning'): assert _no_time(m[k]) == _no_time(ref[k]), k

def test_resume_after_kill_between_config_and_weights(full_run, tiny_data, tmp_path):
    "A shadow folder left half-saved by a kill (one of its two files) is retrained on resume, not read (the failure CI met once)."
    out = tmp_path/'half'; shutil.copytree(full_run[0], out)
    for d in ['shadows-*', 'mia_teacher-*', 'mia_student-*']: (next(out.glob(d))/'stage.json').unlink()  # the audits read the shadows
    stage = next(out.glob('shadows-*')); (out/'metrics.json').unlink()
    s0, s1 = sorted(stage.glob('**/shadow_00')) + sorted(stage.glob('**/shadow_01'))
    (s0/CONFIG).unlink()   # weights without config (the order before this fix)
    (s1/WEIGHTS).unlink()  # config without weights (the order now)
    r = subprocess.run([kr_nb_exe(), 'run', '--data', tiny_data, '--out', out, *TINY], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    assert (s0/CONFIG).exists() and (s1/WEIGHTS).exists()
    m = json.loads((out/'metrics.json').read_text())
    assert 'shadows' not in m['resumed'] and 'student_shadows' in m['resumed'] and _no_time(m['mia']) == _no_time(full_run[1]['mia'])

def test_force_recomputes_stage_and_dependents(full_run, tiny_data, tmp_path):
    out = tmp_path/'forced'; shutil.copytree(full_run[0], out)
    r = subprocess.run([kr_nb_exe(), 'run', '--data', tiny_data, '--out', out, *TINY, '--force', 'student'], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    m = json.loads((out/'metrics.json').read_text())
    assert set(m['resumed']) == {'split', 'teacher', 'generator', 'tuning', 'pool', 'privacy', 'control', 'mia_teacher', 'shadows', 'mia_generator'}
    assert _no_time(m['student']) == _no_time(full_run[1]['student'])

REUSED = {'split', 'teacher', 'generator', 'tuning', 'pool', 'privacy', 'control', 'mia_teacher', 'shadows', 'mia_generator'}

def _relabelled(out, tiny_data, *opts) -> tuple:
    "`kr_nb run *opts` in `out` (a copy of the plain run): only the Students and what reads them recomputed; its metrics."
    r = subprocess.run([kr_nb_exe(), 'run', '--data', tiny_data, '--out', out, *TINY, *opts], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    m = json.loads((out/'metrics.json').read_text())
    assert set(m['resumed']) >= REUSED and m['timings']['ensemble'] > 0
    return m

def _ensembles(out) -> list: return sorted(d for d in out.iterdir() if d.name.startswith('ensemble-'))

def _trained_on(ens, k:int) -> list:
    "The member indices each of the `k` Teachers of an ensemble folder trained on (their provenance)."
    return [set(json.loads((ens/f'teacher_{j:02d}'/CONFIG).read_text())['provenance']['train_indices']) for j in range(k)]

def test_teacher_ensemble_reuses_the_plain_run_and_shadows_it(full_run, tiny_data, tmp_path):
    "`--teachers 2` recomputes only the Students and what reads them; distill and pipeline shadows get ensembles of their own."
    out = tmp_path/'ens'; shutil.copytree(full_run[0], out)
    m = _relabelled(out, tiny_data, '--teachers', '2')
    assert set(m['resumed']) == REUSED and m['config']['gkd']['teachers'] == 2
    ens = _ensembles(out)
    assert len(ens) == 1 and sorted(p.name for p in ens[0].glob('teacher_*')) == ['teacher_00', 'teacher_01']
    assert m['student']['accuracy'] != full_run[1]['student']['accuracy'] or m['mia'] != full_run[1]['mia']
    _relabelled(out, tiny_data, '--teachers', '2', '--student_shadows', 'pipeline')
    sub = [d for d in out.glob('student_shadows-*/pipeline_*/ensemble-*')]
    assert len(sub) == 2, sub  # each pipeline shadow labelled its Student with an ensemble on parts of its own members

def test_holdout_folds_reuse_the_plain_run_and_shadow_it(full_run, tiny_data, tmp_path):
    "`--holdout_folds 3`: leave-one-fold-out Teachers label the Students (only they and what reads them recomputed)."
    out = tmp_path/'hold'; shutil.copytree(full_run[0], out)
    m = _relabelled(out, tiny_data, '--holdout_folds', '3')
    assert set(m['resumed']) == REUSED and m['config']['gkd']['holdout_folds'] == 3
    ens = _ensembles(out)
    assert len(ens) == 1 and sorted(p.name for p in ens[0].glob('teacher_*')) == ['teacher_00', 'teacher_01', 'teacher_02']
    seen = _trained_on(ens[0], 3); members = set().union(*seen)
    assert all(len(members - s) > 0 for s in seen) and sum(len(members - s) for s in seen) == len(members)  # each left out once
    assert m['mia'] != full_run[1]['mia']  # the Student and its distill shadows were labelled anew
    _relabelled(out, tiny_data, '--holdout_folds', '3', '--holdout_by', 'cluster')
    ens2 = [d for d in _ensembles(out) if d != ens[0]]
    assert len(ens2) == 1  # clustered folds: an ensemble of their own
    seen2 = _trained_on(ens2[0], 3)
    assert seen2 != seen and sum(len(members - s) for s in seen2) == len(members)

def test_bad_force_and_method(run_cli, tiny_data, tmp_path):
    r = run_cli('run', '--data', tiny_data, '--out', tmp_path/'x', '--force', 'studnet')
    assert r.returncode == 2 and "unknown stage 'studnet'" in r.stderr and r.stderr.count('\n') == 1
    r = run_cli('run', '--method', 'gan', '--out', tmp_path/'y')
    assert r.returncode == 2 and "unknown method 'gan'" in r.stderr and r.stderr.count('\n') == 1

def test_mia_command_on_saved_models(full_run, tiny_data, tmp_path, run_cli):
    out, m, _ = full_run
    teacher = next(out.glob('teacher-*'))/'model'; student = next(out.glob('student_gkd-*'))/'model'
    manifest = next(out.glob('split-*'))/'manifest.json'
    r = run_cli('mia', f'teacher={teacher},student={student}', '--data', tiny_data, '--manifest', manifest, '--out', tmp_path/'mia', '--n_shadows', 2)
    assert r.returncode == 0, r.stderr[-3000:]
    res = json.loads((tmp_path/'mia'/'metrics.json').read_text())
    assert set(res['mia']['rows']) == {'teacher', 'student', 'teacher (control)', 'student (control)'}
    for t in ('teacher', 'student'):
        assert set(res['mia']['rows'][t]) == set(ATTACKS)
        assert abs(res['mia']['rows'][t]['loss']['auc'] - m['mia']['rows'][t]['loss']['auc']) < 1e-9  # same manifest, model and attack
    assert (tmp_path/'mia'/'roc.png').exists()

def test_mia_refuses_model_trained_on_everything(tiny_data, tmp_path, run_cli):
    r = run_cli('teacher', '--data', tiny_data, '--out', tmp_path/'t', '--epochs', 1, '--width', 8, '--quiet')
    assert r.returncode == 0, r.stderr
    r = run_cli('mia', tmp_path/'t', '--data', tiny_data, '--out', tmp_path/'m')
    assert r.returncode == 2 and 'no image is a non-member' in r.stderr

def test_generator_from_a_prior(full_run, tiny_data, tmp_path):
    "`--gen_init`: the generator fine-tunes from a saved one (its weights in the stage key, its record kept); a misfit is refused before any stage."
    out = tmp_path/'prior'; shutil.copytree(full_run[0], out)
    prior = next(full_run[0].glob('tuning-*/generator'))  # stands in for a generator pre-trained on public data
    bad = subprocess.run([kr_nb_exe(), 'run', '--data', tiny_data, '--out', out, *TINY, '--gen_init', prior, '--gen_block_channels', '16,32'],
                         capture_output=True, text=True, timeout=900)
    assert bad.returncode != 0 and 'its UNet differs from this config' in bad.stderr and len(bad.stderr.strip().splitlines()) == 1, bad.stderr[-2000:]
    assert len(list(out.glob('generator-*'))) == 1  # refused before any stage
    r = subprocess.run([kr_nb_exe(), 'run', '--data', tiny_data, '--out', out, *TINY, '--gen_init', full_run[0]], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    m = json.loads((out/'metrics.json').read_text())
    assert {'split', 'teacher', 'control', 'shadows'} <= set(m['resumed']) and 'generator' not in m['resumed']
    gens = [d for d in out.glob('generator-*') if d.name not in {p.name for p in full_run[0].glob('generator-*')}]
    st = json.loads((gens[0]/'stage.json').read_text())
    assert len(gens) == 1 and set(st['key']['init_weights']) == {'diffusion_pytorch_model.safetensors'}
    assert st['result']['init']['class_embedding'] == 'copied' and st['result']['init']['generator'] == str(prior.resolve())
    assert json.loads((gens[0]/'generator'/'training.json').read_text())['init'] == st['result']['init']
