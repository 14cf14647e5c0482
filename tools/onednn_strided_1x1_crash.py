"""Pure-torch reproducer of a native crash in oneDNN's convolution weight gradient (for an upstream report).

    python tools/onednn_strided_1x1_crash.py        # exit 139 (SIGSEGV) or 134 (double free) on affected builds

The weight gradient of a 1×1 convolution with stride 2, channels-last memory, fewer than 16 input channels, an odd
batch, inputs of 16 px or more and 2 or more intra-op threads crashes the process (seen with torch 2.14.1+cu130, oneDNN
3.12, AVX-512 CPU). It passes with 1 thread, an even batch, 16+ input channels, 8 px inputs, channels-first memory or
`torch.backends.mkldnn.enabled = False`. kr_nb's small ResNet has such a shortcut when `--width` is below 16, so
`kr_nb.classifier.make_learner` keeps channels-first memory there (`channels_last_safe`).
"""
import torch, torch.nn.functional as F

torch.set_num_threads(2)
x = torch.randn(63, 8, 16, 16).contiguous(memory_format=torch.channels_last)
w = torch.randn(16, 8, 1, 1).contiguous(memory_format=torch.channels_last).requires_grad_(True)
for _ in range(20): F.conv2d(x, w, stride=2).sum().backward()
print(f"no crash (torch {torch.__version__}, {torch.get_num_threads()} threads)")
