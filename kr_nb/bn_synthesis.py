"""`kr_nb.bn_synthesis`, the old name of `kr_nb.bn`: deprecated, kept for one release.

Not generated: nbdev writes `kr_nb.bn` from nbs/06_bn.ipynb."""
import warnings
from .bn import *
warnings.warn("kr_nb.bn_synthesis is now kr_nb.bn; the old name goes in the next release",
              DeprecationWarning, stacklevel=2)
