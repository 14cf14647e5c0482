"""`kr_nb.lora`, the old name of `kr_nb.tckr`: deprecated, kept for one release.

Not generated: nbdev writes `kr_nb.tckr` from nbs/05_tckr.ipynb."""
import warnings
from .tckr import *
warnings.warn("kr_nb.lora is now kr_nb.tckr; the old name goes in the next release",
              DeprecationWarning, stacklevel=2)
