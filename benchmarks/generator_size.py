"""Seconds per training step and per sampled image of the default KR generator at the data's size and at a smaller
`train_size` (`--gen_train_size`), timed alternately on the same machine so that the load is the same for both.

    python benchmarks/generator_size.py [--data digits] [--sizes 16,8] [--steps 60] [--reps 3] [--n 200]

Each size gets the default UNet for it (`unet_channels`: on digits 24, 48, 48 at 16 px, 32, 64 at 8 px); size 0 is the
default, the data's native size (`native_size`).

Prints one line per size: the median seconds per step over `reps` timed fits of `steps` steps (after one warm-up
fit), the median seconds per 100 sampled images (10 DDIM steps, guidance 2), and the ratio to the first size.
"""
import argparse, tempfile, time
from dataclasses import replace
import numpy as np
from kr_nb.data import load_data
from kr_nb.generator import for_data, balanced_labels
from kr_nb.kr import KRConfig, KRGenerator

def time_fit(cfg, train, steps:int) -> float:
    "Seconds per step of `steps` steps from scratch (checkpoints off)."
    gen = KRGenerator(replace(cfg, train_steps=steps, ckpt_every=10 * steps, warmup=1), train.classes)
    t = time.perf_counter(); gen.fit(train, tempfile.mkdtemp(), quiet=True); return (time.perf_counter() - t) / steps

def time_sample(cfg, train, n:int) -> float:
    "Seconds per 100 images sampled from an untrained UNet (speed does not depend on the weights)."
    gen = KRGenerator(cfg, train.classes); labels = balanced_labels(max(1, n // train.n_classes), train.n_classes)
    t = time.perf_counter(); gen.sample(labels, seed=0); return (time.perf_counter() - t) / len(labels) * 100

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', default='digits'); ap.add_argument('--sizes', default='16,8', help="train sizes (0: the data's native size)")
    ap.add_argument('--steps', type=int, default=60); ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--n', type=int, default=200, help='images sampled per timing')
    a = ap.parse_args()
    train = load_data(a.data).train
    cfgs = {s: for_data(KRConfig(train_size=s, device='cpu'), train) for s in map(int, a.sizes.split(','))}
    for c in cfgs.values(): time_fit(c, train, 5)  # warm-up
    fit, samp = {s: [] for s in cfgs}, {s: [] for s in cfgs}
    for _ in range(a.reps):  # alternately: both sizes see the same load
        for s, c in cfgs.items(): fit[s].append(time_fit(c, train, a.steps)); samp[s].append(time_sample(c, train, a.n))
    first = next(iter(cfgs))
    for s in cfgs:
        f, p = np.median(fit[s]), np.median(samp[s])
        px = lambda c: c.train_size or train.size
        print(f"{a.data} train_size {px(cfgs[s])} px (UNet {cfgs[s].levels}): {f:.3f} s/step, {p:.2f} s per 100 images; "
              f"{np.median(fit[first]) / f:.2f}× and {np.median(samp[first]) / p:.2f}× the speed of {px(cfgs[first])} px")
