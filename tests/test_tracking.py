"Experiment tracking (`--log`) and torchvision data (`--data tv:`) through the real CLI, offline."
import importlib.util, json, os, time
from pathlib import Path
import numpy as np
import pytest
from kr_nb.cli import main

TEACHER = ['--variants', 'none', '--no_mia', '--epochs', '2', '--width', '8', '--quiet']

def events(d):
    "The scalar tags and values TensorBoard's event files under `d` hold."
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    ea = EventAccumulator(str(d)); ea.Reload()
    return {t: [s.value for s in ea.Scalars(t)] for t in ea.Tags()['scalars']}

def test_tensorboard_logs_the_teacher_and_never_enters_a_cache_key(tmp_path):
    pytest.importorskip('tensorboard')
    out = tmp_path/'run'
    assert main(['run', '--out', str(out), *TEACHER]) == 0
    stage = next(out.glob('teacher-*')); before = (stage/'stage.json').read_text()
    assert main(['run', '--out', str(out), '--log', 'tensorboard', '--force', 'teacher', *TEACHER]) == 0
    assert [p.name for p in out.glob('teacher-*')] == [stage.name]  # --log is not part of the key: the same folder
    ev = events(out/'logs'/'teacher'); m = json.loads((stage/'stage.json').read_text())
    assert {'train_loss', 'valid_loss', 'accuracy'} <= set(ev) and len(ev['accuracy']) == 2, ev.keys()
    assert abs(max(ev['accuracy']) - m['result']['val']['accuracy']) < 1e-6, (ev['accuracy'], m['result']['val'])
    assert before != (stage/'stage.json').read_text()  # it was retrained (--force), into the same folder

def test_teacher_command_logs_every_epoch_to_mlflow(tmp_path, monkeypatch):
    pytest.importorskip('mlflow')
    from mlflow.tracking import MlflowClient
    monkeypatch.delenv('MLFLOW_TRACKING_URI', raising=False)
    assert main(['teacher', '--out', str(tmp_path/'t'), '--epochs', '3', '--width', '8', '--log', 'mlflow',
                 '--log_dir', str(tmp_path/'logs'), '--quiet']) == 0
    store = tmp_path/'logs'/'mlruns'
    uri = f"sqlite:///{store/'mlflow.db'}" if (store/'mlflow.db').exists() else store.resolve().as_uri()
    cl = MlflowClient(uri)
    (r,) = cl.search_runs([cl.get_experiment_by_name('kr_nb').experiment_id])
    acc = [h.value for h in cl.get_metric_history(r.info.run_id, 'accuracy')]
    m = json.loads((tmp_path/'t'/'metrics.json').read_text())
    assert r.info.run_name == 'teacher' and len(acc) == 3 and r.data.params['train.epochs'] == '3'
    assert abs(max(acc) - m['val']['accuracy']) < 1e-6, (acc, m['val'])

def test_wandb_offline_gets_each_epoch(tmp_path, monkeypatch):
    "fastai's WandbCallback in offline mode; `wandb.log` is wrapped (the network boundary) to see what it sends."
    wandb = pytest.importorskip('wandb')
    from kr_nb.classifier import tracking, train_classifier, model_config, TrainConfig
    from kr_nb.test_utils import tiny_splits
    monkeypatch.setenv('WANDB_MODE', 'offline'); monkeypatch.setenv('WANDB_SILENT', 'true')
    from wandb.sdk.wandb_run import Run
    sent, log = [], Run.log  # wandb.init binds the module's wandb.log to its run's method: wrap the method
    def spy(self, d, *a, **k):
        sent.append(dict(d)); return log(self, d, *a, **k)
    monkeypatch.setattr(Run, 'log', spy)
    sp = tiny_splits(n=90, size=8)
    with tracking('wandb', tmp_path, 'tiny', {'train': {'epochs': 3}}):
        learn = train_classifier(sp.train, sp.val, model_config(sp.train, width=8), TrainConfig(epochs=3, bs=16), quiet=True)
    accs = [d['accuracy'] for d in sent if 'accuracy' in d]
    assert len(accs) == 3 and abs(accs[-1] - learn.recorder.values[-1][2]) < 1e-6, sent[-3:]
    assert wandb.run is None and list((tmp_path/'wandb').glob('offline-run-*'))  # finished, written locally

def test_a_tracker_not_installed_is_refused_before_any_work(tmp_path, capsys, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, 'find_spec', lambda n, *a: None if n == 'wandb' else real(n, *a))
    assert main(['run', '--out', str(tmp_path/'run'), '--log', 'wandb', *TEACHER]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count('\n') == 0 and "--log wandb needs the wandb package: pip install 'kr_nb[wandb]'" in err, err
    assert not (tmp_path/'run').exists()  # refused before the run folder (or anything else) was made

def tiny_mnist(root, n=(120, 30), seed=0):
    "MNIST's four idx files where torchvision reads them (`root/MNIST/raw`): what --root points at for files on disk."
    rng, raw = np.random.default_rng(seed), Path(root)/'MNIST'/'raw'; raw.mkdir(parents=True, exist_ok=True)
    for part, k in zip(('train', 't10k'), n):
        labs = np.arange(k, dtype=np.uint8) % 10
        ims = np.clip(rng.normal(20 + 20 * labs[:, None, None], 10, (k, 28, 28)), 0, 255).astype(np.uint8)
        (raw/f'{part}-images-idx3-ubyte').write_bytes(np.array([2051, k, 28, 28], '>i4').tobytes() + ims.tobytes())
        (raw/f'{part}-labels-idx1-ubyte').write_bytes(np.array([2049, k], '>i4').tobytes() + labs.tobytes())

def test_torchvision_dataset_from_root_runs_end_to_end(tmp_path, monkeypatch):
    monkeypatch.setenv('KR_NB_OFFLINE', '1')
    tiny_mnist(tmp_path/'tv')
    assert main(['run', '--data', 'tv:MNIST', '--root', str(tmp_path/'tv'), '--size', '8', '--out', str(tmp_path/'run'),
                 *TEACHER]) == 0
    m = json.loads((tmp_path/'run'/'metrics.json').read_text())
    assert m['dataset'] == 'mnist' and 0 <= m['teacher']['accuracy'] <= 1

def test_missing_torchvision_dataset_offline_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv('KR_NB_OFFLINE', '1')
    t = time.time()
    assert main(['run', '--data', 'tv:STL10', '--root', str(tmp_path/'none'), '--out', str(tmp_path/'run')]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count('\n') == 0 and f"tv:STL10 is not in {tmp_path/'none'} and kr_nb is offline" in err, err
    assert time.time() - t < 20
    print(f"offline error in {time.time() - t:.1f} s: {err}")
