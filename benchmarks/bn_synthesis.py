"""BN-statistics synthesis speed: seconds per 100 images for each iteration count, at the sizes of digits (16 px)
and MedMNIST (28 px), with the pipeline's default Teacher (small ResNet, width 32).

    python benchmarks/bn_synthesis.py [--n 100] [--iterations 50,100] [--sizes 16,28] [--device auto]

Speed does not depend on the Teacher's weights, so a freshly initialised Teacher is used; its class-wise statistics
are recorded on digits resized to each size. Prints one line per size and iteration count.
"""
import argparse, time
import torch
from kr_nb.data import load_data
from kr_nb.classifier import build_model, model_config
from kr_nb.generator import get_method, for_data, balanced_labels

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--n', type=int, default=100); ap.add_argument('--iterations', default='50,100')
    ap.add_argument('--sizes', default='16,28'); ap.add_argument('--device', default='auto')
    a = ap.parse_args()
    bn = get_method('bn')
    print(f"threads {torch.get_num_threads()}, device {a.device}, {a.n} images per measurement (10 classes, groups of {bn.config().group})")
    for size in map(int, a.sizes.split(',')):
        d = load_data('digits', size=size)
        teacher = build_model(model_config(d.train))
        for it in map(int, a.iterations.split(',')):
            gen = bn.generator(for_data(bn.config(iterations=(it,), device=a.device), d.train), d.classes).fit(d.train, teacher=teacher)
            t = time.perf_counter(); gen.sample(balanced_labels(a.n // 10, 10), seed=0); dt = time.perf_counter() - t
            print(f"{size:3d} px  {it:4d} iterations: {dt / a.n * 100:6.1f} s per 100 images")
