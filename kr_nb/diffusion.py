"""`kr_nb.diffusion`, the old name of `kr_nb.kr`: deprecated, kept for one release.

Not generated: nbdev writes `kr_nb.kr` from nbs/03_kr.ipynb."""
import warnings
from .kr import *
from .kr import KRConfig as DiffusionConfig, KRGenerator as DiffusionGenerator
warnings.warn("kr_nb.diffusion is now kr_nb.kr; DiffusionConfig is KRConfig; DiffusionGenerator is KRGenerator; "
              "the old name goes in the next release",
              DeprecationWarning, stacklevel=2)
