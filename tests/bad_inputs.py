"""The catalogue of bad inputs: each case is a command a user might type, the exit status it must give and a
fragment of the one-line message. `tests/test_bad_inputs.py` runs them; `tools/bad_inputs.py` runs them and writes
the docs page `nbs/bad_inputs.md` (input → status → message). Cases run in-process through `kr_nb.cli.main`,
which is what the `kr_nb` console script calls (the Ctrl-C case, which needs a signal, runs by subprocess in the test).
"""
import contextlib, io, shutil
from pathlib import Path
import numpy as np

TINY_RUN = ['--epochs', '2', '--student_steps', '0', '--width', '8', '--bs', '16', '--gen_train_steps', '20', '--gen_ckpt_every', '10', '--gen_block_channels', '8,16',
            '--n_per_class', '4', '--clf_epochs', '1', '--n_shadows', '2', '--quiet']

def make_files(d:Path) -> dict:
    "The files the cases refer to, written into `d`; returns name -> path."
    from PIL import Image
    from kr_nb.test_utils import tiny_npz, tiny_image_folder
    from kr_nb.cli import main
    d.mkdir(parents=True, exist_ok=True)
    f = {'tiny': tiny_npz(d/'tiny.npz', n=90, n_classes=3), 'other16': tiny_npz(d/'other16.npz', n=90, size=16, n_classes=3),
         'one_class': tiny_npz(d/'one_class.npz', n=40, n_classes=1), 'empty_val': tiny_npz(d/'empty_val.npz', n=40, empty_split='val'),
         'no_class1_in_test': tiny_npz(d/'no_class1_in_test.npz', n=40, empty_class=1, in_split='test'),
         'big200': tiny_npz(d/'big200.npz', n=30, size=200), 'small18': tiny_npz(d/'small18.npz', n=18, n_classes=3),
         'one_px': d/'one_px.npz', 'pickled': d/'pickled.npz', 'a_file': d/'a_file.txt'}
    np.savez(f['one_px'], **{f'{s}_{k}': (np.zeros((4, 1, 1), np.uint8) if k == 'images' else np.array([[0], [1], [0], [1]], np.uint8)) for s in ('train', 'val', 'test') for k in ('images', 'labels')})
    np.savez(f['pickled'], **{f'{s}_{k}': np.array([{'a': 1}], dtype=object) for s in ('train', 'val', 'test') for k in ('images', 'labels')})
    f['a_file'].write_text('not a folder')
    f['float_tiff'] = tiny_image_folder(d/'float_tiff', n_per_class=4)
    Image.fromarray(np.random.rand(8, 8).astype(np.float32), 'F').save(f['float_tiff']/'cat'/'float.tiff')
    run = d/'run'
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(['run', '--data', str(f['tiny']), '--out', str(run), *TINY_RUN]) == 0
    f['run'], f['student'] = run, next(run.glob('student_gkd-*'))/'model'
    f['truncated_run'] = d/'truncated_run'; shutil.copytree(run, f['truncated_run'])
    pool = next(f['truncated_run'].glob('pool-*'))/'pool.npz'; pool.write_bytes(pool.read_bytes()[:200])
    return f

# id, what the user did, command (a list; {name} is a path from make_files, {out} a fresh output folder), exit status, message fragment
CASES = [
    ('student-other-seed', "audit a run's Student against the manifest of another seed", ['mia', 'student={student}', '--data', '{tiny}', '--seed', '1', '--out', '{out}'], 2, 'belongs to another membership manifest (seed 0)'),
    ('student-other-data', "audit a run's Student on unrelated 16 px data", ['mia', 'student={student}', '--data', '{other16}', '--out', '{out}'], 2, 'was trained on 8 px × 1 channel images, this data is 16 px'),
    ('one-class', 'a dataset with a single class', ['teacher', '--data', '{one_class}', '--out', '{out}'], 2, 'classification needs at least 2'),
    ('class-missing-from-test', 'a class absent from the test split (AUROC would be NaN)', ['teacher', '--data', '{no_class1_in_test}', '--out', '{out}'], 2, "[test]: class 1 ('1') has no samples"),
    ('empty-val', 'an empty validation split', ['run', '--data', '{empty_val}', '--out', '{out}'], 2, 'the val split is empty'),
    ('lr-negative', '`--lr -1`', ['teacher', '--lr', '-1', '--out', '{out}'], 2, 'lr must be > 0'),
    ('epochs-0', '`--epochs 0`', ['run', '--epochs', '0', '--out', '{out}'], 2, 'epochs must be ≥ 1'),
    ('bs-0', '`--bs 0`', ['teacher', '--bs', '0', '--out', '{out}'], 2, 'bs must be ≥ 1'),
    ('width-0', '`--width 0`', ['teacher', '--width', '0', '--out', '{out}'], 2, 'width must be ≥ 1'),
    ('regenerate-every-0', '`--regenerate_every 0`', ['run', '--regenerate_every', '0', '--out', '{out}'], 2, 'regenerate_every must be ≥ 1'),
    ('device-meta', '`--device meta`', ['run', '--device', 'meta', '--out', '{out}'], 2, "device 'meta' cannot train or run models here"),
    ('out-is-file', '`--out` names an existing file', ['teacher', '--out', '{a_file}'], 2, 'is a file, not a folder'),
    ('out-unwritable', '`--out` inside a file (cannot be created)', ['teacher', '--out', '{a_file}/sub'], 2, 'cannot write to --out'),
    ('truncated-pool', "rerun a run whose cached synthetic pool was truncated", ['run', '--data', '{tiny}', '--out', '{truncated_run}', *TINY_RUN], 2, 'run again with --force pool'),
    ('sample-n-negative', '`kr_nb sample RUN --n -3`', ['sample', '{run}', '--n', '-3', '--out', '{out}/s.npz'], 2, '--n must be ≥ 1'),
    ('sample-steps-0', '`kr_nb sample RUN --setting steps=0`', ['sample', '{run}', '--setting', 'steps=0', '--out', '{out}/s.npz'], 2, 'sampler steps must be ≥ 1'),
    ('sample-out-unwritable', '`kr_nb sample` into a folder that cannot be created (checked before sampling)', ['sample', '{run}', '--out', '{a_file}/s.npz'], 2, 'the folder of --out'),
    ('images-200px', '200 px images without `--size`', ['run', '--data', '{big200}', '--out', '{out}'], 2, 'images are 200 px'),
    ('too-small-to-audit', 'a dataset so small a shadow model would get almost no images', ['run', '--data', '{small18}', '--out', '{out}'], 2, 'is too small to audit'),
    ('size-18', '`kr_nb generator --size 18` (checked before the Teacher trains)', ['generator', '--size', '18', '--out', '{out}'], 2, 'image size 18 must be divisible by 4'),
    ('synthetic-mode', '`--synthetic_mode stream`', ['run', '--synthetic_mode', 'stream', '--out', '{out}'], 2, "unknown synthetic mode 'stream'"),
    ('n-shadows-odd', '`--n_shadows 3`', ['run', '--n_shadows', '3', '--out', '{out}'], 2, 'n_shadows must be even'),
    ('gen-train-steps-0', '`--gen_train_steps 0`', ['run', '--gen_train_steps', '0', '--out', '{out}'], 2, 'train_steps must be ≥ 1'),
    ('size-3', '`--size 3`', ['data', '--size', '3', '--out', '{out}'], 2, 'image size must be at least 4 px'),
    ('one-px-images', 'a .npz of 1 px images', ['data', '--data', '{one_px}', '--out', '{out}'], 2, 'images of 1 px are too small'),
    ('pickled-npz', 'a .npz holding Python objects', ['data', '--data', '{pickled}', '--out', '{out}'], 2, 'holds Python objects (pickles), which kr_nb does not load'),
    ('float-tiff', 'an image folder with a floating-point TIFF', ['data', '--data', '{float_tiff}', '--out', '{out}'], 2, 'floating-point image'),
    ('unknown-method', '`--method gan`', ['run', '--method', 'gan', '--out', '{out}'], 2, "unknown method 'gan'"),
    ('sample-out-suffix', '`kr_nb sample RUN --out DIR/x` (no .npz)', ['sample', '{run}', '--n', '1', '--out', '{out}/x', '--quiet'], 0, 'x.npz'),
    ('no-mia-hyphen', '`--no-mia`, as users type it', ['run', '--data', '{tiny}', '--out', '{out}', '--no-mia', *TINY_RUN], 0, 'method kr'),
]

def run_case(case, files:dict, out:Path):
    "Run one case in-process: (exit status, stdout, stderr)."
    from kr_nb.cli import main
    _, _, args, _, _ = case
    argv = [a.format(out=out, **files) for a in args]
    o, e = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        try: status = main(argv)
        except SystemExit as x: status = x.code  # argparse's own errors
    return status, o.getvalue(), e.getvalue()
