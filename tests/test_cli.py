"The `kr_nb` command, run as a user runs it: by subprocess, after `pip install -e .`."
import json
import numpy as np
import pytest
from kr_nb.test_utils import tiny_npz, tiny_image_folder

def test_help_lists_commands(run_cli):
    r = run_cli('--help')
    assert r.returncode == 0, r.stderr
    for cmd in ('data', 'teacher'): assert f'  {cmd} ' in r.stdout
    r = run_cli('teacher', '--help')
    assert r.returncode == 0 and '--epochs' in r.stdout and '--data' in r.stdout

def test_data_summary(run_cli, tmp_path):
    r = run_cli('data', '--out', tmp_path/'d')
    assert r.returncode == 0, r.stderr
    sm = json.loads((tmp_path/'d'/'summary.json').read_text())
    assert sm['train']['n'] + sm['val']['n'] + sm['test']['n'] == 1797
    assert len(sm['classes']) == 10 and (tmp_path/'d'/'samples.png').stat().st_size > 1000
    assert 'train' in r.stdout and 'balance' in r.stdout

def test_teacher_on_npz(run_cli, tmp_path):
    f = tiny_npz(tmp_path/'tiny.npz', n=60)
    r = run_cli('teacher', '--data', f, '--out', tmp_path/'t', '--width', 8, '--epochs', 4, '--bs', 16, '--quiet')
    assert r.returncode == 0, r.stderr
    m = json.loads((tmp_path/'t'/'metrics.json').read_text())
    assert {'accuracy', 'balanced_accuracy', 'auroc', 'seconds'} <= set(m)
    assert 0 <= m['accuracy'] <= 1 and m['seconds'] > 0 and m['split'] == 'test'
    assert (tmp_path/'t'/'model'/'model.safetensors').exists() and (tmp_path/'t'/'model'/'config.json').exists()

def _bad(run_cli, *args):
    r = run_cli(*args)
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]

@pytest.mark.parametrize('kw,msg', [
    (dict(drop='val_labels'), 'missing key(s) val_labels'),
    (dict(n_labels_off=1), '20 images but 21 labels'),
    (dict(dtype=np.float32), 'images must be uint8, got float32'),
    (dict(shape=(20, 8)), 'images must have shape'),
    (dict(empty_class=1), "class 1 ('1') has no samples"),
])
def test_bad_npz(run_cli, tmp_path, kw, msg):
    f = tiny_npz(tmp_path/'bad.npz', **kw)
    line = _bad(run_cli, 'data', '--data', f, '--out', tmp_path/'o')
    assert msg in line and 'bad.npz' in line

def test_labels_out_of_range(run_cli, tmp_path):
    f = tiny_npz(tmp_path/'breastmnist.npz', label_offset=3)
    line = _bad(run_cli, 'teacher', '--data', f, '--out', tmp_path/'o')
    assert 'breastmnist.npz' in line and 'labels out of range [0, 2)' in line

def test_unreadable_image(run_cli, tmp_path):
    d = tiny_image_folder(tmp_path/'imgs', corrupt=True)
    line = _bad(run_cli, 'data', '--data', d, '--out', tmp_path/'o')
    assert 'broken.png' in line and 'unreadable image' in line

def test_class_without_images(run_cli, tmp_path):
    d = tiny_image_folder(tmp_path/'imgs', empty_class='dog')
    line = _bad(run_cli, 'data', '--data', d, '--out', tmp_path/'o')
    assert "class 'dog' has no images" in line

def test_unknown_name_missing_file_bad_device(run_cli, tmp_path):
    assert "unknown dataset 'mnistt'" in _bad(run_cli, 'data', '--data', 'mnistt')
    assert 'file not found' in _bad(run_cli, 'data', '--data', tmp_path/'none.npz')
    assert 'not a readable .npz' in _bad(run_cli, 'data', '--data', (tmp_path/'x.npz').write_bytes(b'junk') and tmp_path/'x.npz')
    line = _bad(run_cli, 'teacher', '--device', 'tpu9', '--epochs', 1)
    assert "unknown device 'tpu9'" in line

def test_no_network_download(run_cli, tmp_path):
    "A MedMNIST name that is in no data folder triggers a download, which fails here with a clear message."
    r = run_cli('data', '--data', 'retinamnist', '--root', tmp_path/'empty', '--out', tmp_path/'o',
                env={'KR_NB_DATA': str(tmp_path/'empty'), 'HOME': str(tmp_path)})
    if r.returncode == 0:  # a machine with a network: the download worked
        assert (tmp_path/'empty'/'retinamnist.npz').exists() and (tmp_path/'o'/'summary.json').exists()
    else:
        assert r.stderr.strip().count('\n') == 0 and 'could not download retinamnist' in r.stderr, r.stderr
