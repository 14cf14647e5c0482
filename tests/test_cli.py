"The `kr_nb` command, run as a user runs it: by subprocess, after `pip install -e .`."
import json
import numpy as np
import pytest
from kr_nb.test_utils import tiny_npz, tiny_image_folder
from kr_nb.core import KrError

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
    assert 'breastmnist.npz' in line and "class 0 ('0')" in line  # named like a MedMNIST set, labels that do not fit it: its own class indices

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
    assert 'not a .npz file' in _bad(run_cli, 'data', '--data', (tmp_path/'x.npz').write_bytes(b'junk') and tmp_path/'x.npz')
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

def _tutorial_commands():
    "(notebook, argv) of every `!kr_nb ...` line of the Colab tutorials, continuation lines joined."
    from pathlib import Path
    import shlex
    for nb in sorted((Path(__file__).resolve().parents[1]/'nbs'/'tutorials').glob('*.ipynb')):
        for c in json.loads(nb.read_text())['cells']:
            if c['cell_type'] != 'code': continue
            for line in ''.join(c['source']).replace('\\\n', ' ').splitlines():
                if line.strip().startswith('!kr_nb '): yield nb.name, shlex.split(line.strip()[1:])[1:]

def test_tutorial_commands_parse_into_run_configs():
    """The Colab tutorials need a GPU, so CPU CI skips them (`nbs/tutorials/.notest`); what can be checked here is that
    every command they run names options that exist and values the configs accept (a typo would cost a GPU session)."""
    from kr_nb import cli
    cmds = list(_tutorial_commands())
    assert {nb for nb, _ in cmds} == {'kr_colab.ipynb', 'tckr_colab.ipynb'} and len(cmds) >= 4, cmds
    for nb, argv in cmds:
        assert argv[0] == 'run', (nb, argv)
        method = cli._method(argv[1:])
        a = cli._run_parser('run', '', method).parse_args(argv[1:])
        assert a.device == 'cuda', (nb, argv)
        a.device = 'cpu'  # RunConfig checks that the device exists: everything else is validated as on the GPU
        cfg = cli._run_config(a, method)
        assert cfg.method == method, (nb, cfg)
    with pytest.raises(KrError, match='did you mean --gen_train_steps'): cli._run_parser('run', '', 'kr').parse_args(['--gen_trainsteps', '5'])  # a typo is caught, with the spelling meant

def test_tutorials_start_with_install_and_gpu_check():
    from pathlib import Path
    for nb in sorted((Path(__file__).resolve().parents[1]/'nbs'/'tutorials').glob('*.ipynb')):
        cells = json.loads(nb.read_text())['cells']
        text = '\n'.join(''.join(c['source']) for c in cells)
        assert 'colab-badge.svg' in text and f'nbs/tutorials/{nb.name}' in text, nb.name
        code = [''.join(c['source']) for c in cells if c['cell_type'] == 'code']
        assert 'pip install' in code[0] and 'torch.cuda.is_available()' in code[1], nb.name
        assert 'memory' in text and ('min' in text or ' h ' in text), nb.name  # expected time and memory stated
