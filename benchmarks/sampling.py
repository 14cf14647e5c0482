"""Sampling throughput (images/s) of kr_nb's sampler vs the stock diffusers scheduler loop, same UNet and settings.

    python benchmarks/sampling.py [--n 200] [--steps 20] [--guidance 2] [--size 16] [--gen DIR]

Runs on the CPU, and on the GPU when one is present. Without --gen it times a freshly initialised default UNet
(speed does not depend on the weights). Prints one line per device and sampler, and the speed-up.
"""
import argparse, time
import numpy as np, torch
from kr_nb.generator import load_generator, balanced_labels
from kr_nb.kr import KRConfig, KRGenerator, make_scheduler, sample_images, sample_images_stock

def bench(fn, reps=2):
    fn()  # warm-up
    ts = []
    for _ in range(reps):
        if torch.cuda.is_available(): torch.cuda.synchronize()
        t = time.perf_counter(); fn()
        if torch.cuda.is_available(): torch.cuda.synchronize()
        ts.append(time.perf_counter() - t)
    return min(ts)

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--n', type=int, default=200); ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--guidance', type=float, default=2.); ap.add_argument('--size', type=int, default=16)
    ap.add_argument('--gen', default=None); ap.add_argument('--gpu_n', type=int, default=5000)
    a = ap.parse_args()
    gen = load_generator(a.gen) if a.gen else KRGenerator(KRConfig(size=a.size))
    devs = ['cpu'] + (['cuda'] if torch.cuda.is_available() else [])
    print(f"UNet {sum(p.numel() for p in gen.unet.parameters())/1e6:.2f} M params, {gen.cfg.size} px, DDIM {a.steps} steps, guidance {a.guidance}, threads {torch.get_num_threads()}")
    for dev in devs:
        n = a.n if dev == 'cpu' else a.gpu_n
        labels = balanced_labels(max(n // gen.cfg.n_classes, 1), gen.cfg.n_classes)
        sch = lambda: make_scheduler('ddim', gen.train_sched)
        ours = bench(lambda: sample_images(gen.unet, labels, gen.cfg.n_classes, sch(), a.steps, a.guidance, 0, bs=100 if dev == "cpu" else 1000, device=dev))
        stock = bench(lambda: sample_images_stock(gen.unet, labels, gen.cfg.n_classes, sch(), a.steps, a.guidance, 0, device=dev))
        print(f"{dev:4s} kr_nb sampler : {len(labels)/ours:8.1f} images/s ({len(labels)} images in {ours:.2f} s)")
        print(f"{dev:4s} stock loop    : {len(labels)/stock:8.1f} images/s ({len(labels)} images in {stock:.2f} s)  -> speed-up x{stock/ours:.2f}")
