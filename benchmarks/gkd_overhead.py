"""Student training time per epoch: fresh synthetic images every epoch (GKD regeneration) vs plain training on a
fixed synthetic set of the same size; the ratio is the regeneration overhead. Also with the background-thread
prefetch switched off, and the pool mode (generation paid once, up front).

    python benchmarks/gkd_overhead.py [--n 500] [--epochs 4] [--sample_steps 10] [--guidance 2]

Uses the pipeline's default UNet with fresh weights (speed does not depend on the weights) and digits at 16 px.
"""
import argparse, time
import torch
from kr_nb.data import load_data
from kr_nb.classifier import TrainConfig, model_config, train_classifier
from kr_nb.kr import KRConfig, KRGenerator
from kr_nb.generator import synthetic_like
from kr_nb.gkd import GKDConfig, train_student

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--n', type=int, default=500); ap.add_argument('--epochs', type=int, default=4)
    ap.add_argument('--sample_steps', type=int, default=10); ap.add_argument('--guidance', type=float, default=2.)
    ap.add_argument('--device', default='auto')
    a = ap.parse_args()
    d = load_data('digits')
    counts = (d.train.counts() * a.n / len(d.train)).round().astype(int)
    gen = KRGenerator(KRConfig(device=a.device), d.classes)  # the pipeline's default UNet
    gen.use(dict(scheduler='ddim', steps=a.sample_steps, guidance=a.guidance))
    tc = TrainConfig(epochs=a.epochs, device=a.device)
    teacher = train_classifier(d.train, d.val, model_config(d.train), TrainConfig(epochs=1, device=a.device), quiet=True).model
    mc = model_config(d.train)
    def timed(cfg, pool=None):
        t = time.perf_counter(); train_student(gen, teacher, counts, d.val, cfg, tc, mc, pool=pool, quiet=True); return (time.perf_counter() - t) / a.epochs
    t0 = time.perf_counter(); fixed = synthetic_like(gen, counts, seed=1); t_gen = time.perf_counter() - t0
    plain = timed(GKDConfig(variant='soft'), pool=fixed)
    regen = timed(GKDConfig(variant='gkd', regenerate_every=1, synthetic_mode='regenerate'))
    regen_seq = timed(GKDConfig(variant='gkd', regenerate_every=1, synthetic_mode='regenerate', prefetch=False))
    print(f"device {gen.cfg.device if a.device != 'auto' else ('cuda' if torch.cuda.is_available() else 'cpu')}, threads {torch.get_num_threads()}, "
          f"{sum(counts)} synthetic images per epoch, DDIM {a.sample_steps} steps, guidance {a.guidance}")
    print(f"generating one set               : {t_gen:6.2f} s")
    print(f"plain training (fixed set)       : {plain:6.2f} s/epoch")
    print(f"GKD, new set every epoch         : {regen:6.2f} s/epoch  -> overhead x{regen/plain:.2f}")
    print(f"GKD, new set every epoch, no prefetch thread: {regen_seq:6.2f} s/epoch  -> overhead x{regen_seq/plain:.2f}")
    print(f"pool mode: generation paid once ({t_gen:.1f} s per period of images), then plain speed")
