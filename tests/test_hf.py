"Hugging Face datasets in: a `save_to_disk` folder and an `hf:` id (a local dataset repo, offline) through `kr_nb run` end to end."
import json, os, time
from pathlib import Path
import numpy as np
import pytest
datasets = pytest.importorskip('datasets')
from PIL import Image
from kr_nb.cli import main
from kr_nb.data import load_data

TINY = ['--epochs', '2', '--student_steps', '0', '--width', '8', '--n_shadows', '2', '--gen_train_steps', '20',
        '--gen_ckpt_every', '10', '--gen_block_channels', '8,16', '--n_per_class', '4', '--clf_epochs', '1', '--quiet']

def tiny_hf(n=90, classes=('cat', 'dog', 'owl'), seed=0, size=8):
    "A `datasets.Dataset` with an `Image` and a `ClassLabel` column, as the Hub's image sets have."
    rng = np.random.default_rng(seed)
    ims = [Image.fromarray(np.clip(rng.normal(60 + 60 * (i % 3), 30, (size, size)), 0, 255).astype(np.uint8)) for i in range(n)]
    feats = datasets.Features({'image': datasets.Image(), 'label': datasets.ClassLabel(names=list(classes))})
    return datasets.Dataset.from_dict({'image': ims, 'label': [i % len(classes) for i in range(n)]}, features=feats)

def test_save_to_disk_folder_runs_end_to_end(tmp_path):
    d = tmp_path/'pets'
    datasets.DatasetDict(train=tiny_hf(120), validation=tiny_hf(30, seed=1), test=tiny_hf(30, seed=2)).save_to_disk(str(d))
    sp = load_data(str(d))
    assert sp.classes == ['cat', 'dog', 'owl'] and (len(sp.train), len(sp.val), len(sp.test)) == (120, 30, 30)
    assert main(['run', '--data', str(d), '--out', str(tmp_path/'run'), *TINY]) == 0
    m = json.loads((tmp_path/'run'/'metrics.json').read_text())
    assert 0 <= m['student']['accuracy'] <= 1 and 'teacher' in m['mia']['rows']

def test_hf_id_from_a_local_dataset_repo_offline(tmp_path, monkeypatch):
    "`hf:<id>` goes through `datasets.load_dataset`; a local dataset repo stands in for the Hub's, offline."
    monkeypatch.setenv('HF_DATASETS_OFFLINE', '1'); monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    repo = tmp_path/'repo'/'data'; repo.mkdir(parents=True)
    tiny_hf(90).to_parquet(str(repo/'train-00000-of-00001.parquet')); tiny_hf(30, seed=2).to_parquet(str(repo/'test-00000-of-00001.parquet'))
    sp = load_data(f"hf:{tmp_path/'repo'}")
    assert sp.classes == ['cat', 'dog', 'owl'] and len(sp.test) == 30 and len(sp.train) + len(sp.val) == 90  # val from train
    assert main(['run', '--data', f"hf:{tmp_path/'repo'}", '--out', str(tmp_path/'run'), '--no_mia', *TINY]) == 0

def test_missing_dataset_offline_is_one_line(capsys, monkeypatch):
    monkeypatch.setenv('HF_DATASETS_OFFLINE', '1'); monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    t = time.time()
    assert main(['run', '--data', 'hf:uoft-cs/cifar10', '--out', '/tmp/never']) == 2
    err = capsys.readouterr().err.strip()
    assert err.count('\n') == 0 and "Hugging Face dataset 'uoft-cs/cifar10' is not in the local cache" in err, err
    assert time.time() - t < 20
    print(f"offline error in {time.time() - t:.1f} s: {err}")

def test_sample_formats_round_trip(tmp_path, capsys):
    "`kr_nb sample --format npz|imagefolder|hf`: the same images back through --data, byte for byte, with a dataset card."
    from kr_nb.test_utils import tiny_npz
    from kr_nb.data import load_npz, load_hf, load_image_folder
    data = tiny_npz(tmp_path/'tiny.npz', n=60, size=8, n_classes=3)
    assert main(['run', '--data', str(data), '--out', str(tmp_path/'run'), '--variants', 'gkd', '--no_mia', *TINY]) == 0
    outs = {}
    for fmt, name in (('npz', 's.npz'), ('imagefolder', 's_png'), ('hf', 's_hf')):
        assert main(['sample', str(tmp_path/'run'), '--n', '4', '--format', fmt, '--out', str(tmp_path/name), '--quiet']) == 0
        outs[fmt] = tmp_path/name
    z = load_npz(outs['npz']).train
    key = lambda ims, ys: sorted((int(y), im.tobytes()) for im, y in zip(ims, ys))
    union = lambda sp: key(np.concatenate([sp[s].images for s in ('train', 'val', 'test')]), np.concatenate([sp[s].labels for s in ('train', 'val', 'test')]))
    assert union(load_hf(str(outs['hf']), val_frac=0.25)) == key(z.images, z.labels)
    assert union(load_image_folder(outs['imagefolder'], val_frac=0.25, test_frac=0.25)) == key(z.images, z.labels)
    card = (outs['hf']/'README.md').read_text()
    assert '**method**: kr' in card and 'chosen on the validation split' in card and (tmp_path/'s.md').exists()
    assert main(['sample', str(tmp_path/'run'), '--format', 'hf', '--out', str(outs['npz'])]) == 2  # a file where a folder goes

def test_push_a_run_with_the_network_mocked(tmp_path):
    "`kr_nb push RUN --repo ID`: the upload call is mocked (the network boundary); what it would send loads back."
    import shutil
    from unittest import mock
    from kr_nb.test_utils import tiny_npz
    from kr_nb.core import load_json
    data = tiny_npz(tmp_path/'tiny.npz', n=60, size=8, n_classes=3)
    assert main(['run', '--data', str(data), '--out', str(tmp_path/'run'), '--variants', 'gkd', *TINY]) == 0
    hub = tmp_path/'hub'
    def upload(self, repo_id, folder_path, **kw): shutil.copytree(folder_path, hub/repo_id)
    with mock.patch('huggingface_hub.HfApi.create_repo') as create, mock.patch('huggingface_hub.HfApi.upload_folder', upload):
        assert main(['push', str(tmp_path/'run'), '--repo', 'me/kr-tiny']) == 0
    assert create.call_args.kwargs['private'] is True
    sent = hub/'me'/'kr-tiny'
    card = (sent/'README.md').read_text()
    assert 'kr_nb kr generator' in card and 'data fingerprint' in card and 'headline attack' in card, card
    assert 'train_indices' not in load_json(sent/'generator.json')['provenance']
    assert main(['sample', str(sent), '--n', '2', '--out', str(tmp_path/'s.npz'), '--quiet']) == 0  # a pulled copy samples
