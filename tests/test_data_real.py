"The shared, official MedMNIST files load as the documented splits."
import numpy as np
from kr_nb.data import load_data, load_npz, make_manifest, check_manifest

def test_pneumoniamnist_by_name(medmnist_dir):
    sp = load_data('pneumoniamnist')
    assert (len(sp.train), len(sp.val), len(sp.test)) == (4708, 524, 624)
    assert sp.classes == ['normal', 'pneumonia'] and sp.train.images.shape[1:] == (28, 28, 1)

def test_breastmnist_by_path(medmnist_dir):
    sp = load_npz(medmnist_dir/'breastmnist.npz')
    assert (len(sp.train), len(sp.val), len(sp.test)) == (546, 78, 156)
    m = make_manifest(sp.train, seed=1)
    assert check_manifest(m, sp.train, used=m.members)
    assert np.bincount(sp.train.labels[m.members]).min() > 0
