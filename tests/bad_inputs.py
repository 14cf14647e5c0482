"""The catalogue of bad inputs: each case is a command a user might type, the exit status it must give and a
fragment of the one-line message. `tests/test_bad_inputs.py` runs them; `tools/bad_inputs.py` runs them and writes
the docs page `nbs/bad_inputs.md` (input → status → message). Cases run in-process through `kr_nb.cli.main`,
which is what the `kr_nb` console script calls (the Ctrl-C case, which needs a signal, runs by subprocess in the test).
"""
import contextlib, io, json, os, shutil, zipfile
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
    f['teacher'] = next(run.glob('teacher-*'))/'model'
    # a Student whose weights lost one bit after they were saved
    f['tampered_run'] = d/'tampered_run'; shutil.copytree(run, f['tampered_run'])
    f['tampered'] = next(f['tampered_run'].glob('student_gkd-*'))/'model'
    w = f['tampered']/'model.safetensors'; b = bytearray(w.read_bytes()); b[len(b) // 2] ^= 0x10; w.write_bytes(bytes(b))
    # a generator folder whose training record points at checkpoints by an absolute path
    f['abs_ckpt_gen'] = d/'abs_ckpt_gen'; shutil.copytree(next(run.glob('tuning-*'))/'generator', f['abs_ckpt_gen'])
    (f['abs_ckpt_gen']/'training.json').write_text('{"step": 20, "checkpoints": "/etc"}')
    f['wrong_type_gen'] = d/'wrong_type_gen'; shutil.copytree(next(run.glob('tuning-*'))/'generator', f['wrong_type_gen'])
    (f['wrong_type_gen']/'generator.json').write_text('{"kind": "kr", "config": [], "classes": "abc", "setting": {}}')
    # a folder of the user's own files, a dataset already there, a FIFO named like a dataset, random bytes named .npz
    f['mine'] = d/'mine'; f['mine'].mkdir(); (f['mine']/'report.md').write_text('my notes')
    f['existing'] = tiny_npz(d/'existing.npz', n=30, n_classes=3)
    os.mkfifo(f.setdefault('fifo', d/'fifo.npz'))
    f['random_bytes'] = d/'random_bytes.npz'; f['random_bytes'].write_bytes(np.random.default_rng(0).bytes(4096))
    # a .npz whose header claims 10¹¹ pixels, and one with a label of 10¹²
    f['huge_header'] = d/'huge_header.npz'
    with zipfile.ZipFile(f['huge_header'], 'w') as z:
        for k in ('train_images', 'train_labels', 'val_images', 'val_labels', 'test_images', 'test_labels'):
            buf = io.BytesIO()
            np.lib.format.write_array_header_1_0(buf, {'descr': '|u1', 'fortran_order': False, 'shape': (10**11, 1, 1) if k == 'train_images' else (4, 1)})
            z.writestr(k + '.npy', buf.getvalue() + b'\0' * 16)
    f['huge_label'] = d/'huge_label.npz'
    z = dict(np.load(f['tiny'])); z['train_labels'] = z['train_labels'].astype(np.int64); z['train_labels'][0] = 10**12
    np.savez(f['huge_label'], **z)
    # a run whose stage record was edited to a wrong type, a manifest with text indices, a model with a corrupt provenance
    f['bad_record_run'] = d/'bad_record_run'; shutil.copytree(run, f['bad_record_run'])
    (next(f['bad_record_run'].glob('split-*'))/'stage.json').write_text('{"result": {}, "seconds": "fast"}')
    man = json.loads((next(run.glob('split-*'))/'manifest.json').read_text()); man['members'] = [str(i) for i in man['members']]
    f['text_manifest'] = d/'text_manifest.json'; f['text_manifest'].write_text(json.dumps(man))
    # the same manifest on a copy of the data where a non-member's pixels are a member's (a split by index, as before)
    from kr_nb.data import load_data
    z = dict(np.load(f['tiny'])); mem, non = int(man['members'][0]), int(man['nonmembers'][0])
    z['train_images'][non] = z['train_images'][mem]; z['train_labels'][non] = z['train_labels'][mem]
    f['twins'] = d/'twins.npz'; np.savez(f['twins'], **z)
    tw = json.loads((next(run.glob('split-*'))/'manifest.json').read_text()); tw['fingerprint'] = load_data(str(f['twins'])).train.fingerprint()
    f['twin_manifest'] = d/'twin_manifest.json'; f['twin_manifest'].write_text(json.dumps(tw))
    f['bad_prov'] = d/'bad_prov'/'model'; shutil.copytree(f['teacher'], f['bad_prov'])
    meta = json.loads((f['bad_prov']/'config.json').read_text()); meta['provenance']['size'] = '8'; (f['bad_prov']/'config.json').write_text(json.dumps(meta))
    f['three_per_class'] = d/'three_per_class'; f['three_per_class'].mkdir()
    for c in ('a', 'b'):
        (f['three_per_class']/c).mkdir()
        for i in range(3): Image.fromarray(np.full((8, 8), 40 * i, np.uint8)).save(f['three_per_class']/c/f'{i}.png')
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
    ('size-18', '`kr_nb generator --size 18 --gen_train_size 18` (checked before the Teacher trains; at the default, digits train at their native 8 px)',
     ['generator', '--size', '18', '--gen_train_size', '18', '--out', '{out}'], 2, 'image size 18 must be divisible by 4'),
    ('synthetic-mode', '`--synthetic_mode stream`', ['run', '--synthetic_mode', 'stream', '--out', '{out}'], 2, "invalid choice: 'stream' (choose from 'pool', 'regenerate')"),
    ('n-shadows-odd', '`--n_shadows 3`', ['run', '--n_shadows', '3', '--out', '{out}'], 2, 'n_shadows must be even'),
    ('gen-train-steps-0', '`--gen_train_steps 0`', ['run', '--gen_train_steps', '0', '--out', '{out}'], 2, 'train_steps must be ≥ 1'),
    ('size-3', '`--size 3`', ['data', '--size', '3', '--out', '{out}'], 2, 'image size must be at least 4 px'),
    ('one-px-images', 'a .npz of 1 px images', ['data', '--data', '{one_px}', '--out', '{out}'], 2, 'images of 1 px are too small'),
    ('pickled-npz', 'a .npz holding Python objects', ['data', '--data', '{pickled}', '--out', '{out}'], 2, 'holds Python objects (pickles), which kr_nb does not load'),
    ('float-tiff', 'an image folder with a floating-point TIFF', ['data', '--data', '{float_tiff}', '--out', '{out}'], 2, 'floating-point image'),
    ('unknown-method', '`--method gan`', ['run', '--method', 'gan', '--out', '{out}'], 2, "unknown method 'gan'"),
    ('sample-out-suffix', '`kr_nb sample RUN --out DIR/x` (no .npz)', ['sample', '{run}', '--n', '1', '--out', '{out}/x', '--quiet'], 0, 'x.npz'),
    ('no-mia-hyphen', '`--no-mia`, as users type it', ['run', '--data', '{tiny}', '--out', '{out}', '--no-mia', *TINY_RUN], 0, 'method kr'),
    # options that are not options: refused, with the closest spelling (no silent default, no 44-line usage)
    ('dp-not-an-option', '`--dp 8` (the option is `--dp_epsilon`): must not run without DP-SGD', ['run', '--dp', '8', '--out', '{out}'], 2, 'unknown option --dp: did you mean --dp_epsilon'),
    ('typo-option', '`--n-shadow 8` (a typo)', ['run', '--n-shadow', '8', '--out', '{out}'], 2, 'unknown option --n-shadow: did you mean --n-shadows?'),
    ('abbreviated-option', '`--epoch 3` (abbreviations are off)', ['teacher', '--epoch', '3', '--out', '{out}'], 2, 'unknown option --epoch: did you mean --epochs?'),
    # non-finite and out-of-range numbers, refused at the config dataclasses
    ('guidance-nan', '`--gen_guidances nan`', ['run', '--gen_guidances', 'nan', '--out', '{out}'], 2, 'guidances must be a finite number, got nan'),
    ('lr-nan', '`--lr nan`', ['teacher', '--lr', 'nan', '--out', '{out}'], 2, 'lr must be a finite number, got nan'),
    ('wd-inf', '`--wd inf`', ['teacher', '--wd', 'inf', '--out', '{out}'], 2, 'wd must be a finite number, got inf'),
    ('temperature-inf', '`--temperature inf`', ['run', '--temperature', 'inf', '--out', '{out}'], 2, 'temperature must be a finite number, got inf'),
    ('seed-negative', '`--seed -1 --no-mia` (not "too small to audit")', ['run', '--seed', '-1', '--no-mia', '--out', '{out}'], 2, 'seed must be in [0, 2**32), got -1'),
    ('seed-too-large', '`--seed 4294967296`', ['teacher', '--seed', '4294967296', '--out', '{out}'], 2, 'seed must be in [0, 2**32)'),
    ('size-0', '`--size 0`', ['run', '--size', '0', '--out', '{out}'], 2, 'image size must be at least 4 px, got 0'),
    ('data-empty', "`--data ''` (not the current folder)", ['data', '--data', '', '--out', '{out}'], 2, '--data is empty'),
    ('norm-groups-0', '`--gen_norm_groups 0`', ['run', '--gen_norm_groups', '0', '--out', '{out}'], 2, 'norm_groups must be ≥ 1, got 0'),
    ('gen-jitter-above-1', '`--gen_jitter 1.5` (a share)', ['run', '--gen_jitter', '1.5', '--out', '{out}'], 2, 'jitter must be a share in [0, 1], got 1.5'),
    # relations between options, checked before the first stage
    ('mixup-with-students', '`--mixup 0.2` with distilled Students (checked before the Teacher)', ['run', '--mixup', '0.2', '--out', '{out}'], 2, '--mixup applies to cross-entropy training only'),
    ('bn-with-dp', '`--method bn --dp_epsilon 8` (checked before the DP Teacher)', ['run', '--method', 'bn', '--dp_epsilon', '8', '--out', '{out}'], 2, 'a DP-SGD Teacher has none'),
    ('dp-unreachable', '`--dp_epsilon 1e-9` (checked before the DP Teacher)', ['run', '--dp_epsilon', '1e-9', '--variants', 'none', '--out', '{out}'], 2, 'DP-SGD cannot reach ε = 1e-09'),
    ('gen-dp-unreachable', '`--gen_dp_epsilon 1e-9` (checked before the Teacher)', ['run', '--gen_dp_epsilon', '1e-9', '--out', '{out}'], 2, 'DP-SGD on the generator cannot reach ε = 1e-09'),
    ('gen-dp-balanced', '`--gen_dp_epsilon 8 --gen_balanced` (Poisson sampling)', ['run', '--gen_dp_epsilon', '8', '--gen_balanced', '--out', '{out}'], 2, 'balanced draws break the Poisson sampling'),
    ('steps-above-timesteps', '`--gen_sample_steps 2000` (more than the 1000 timesteps)', ['run', '--gen_sample_steps', '2000', '--out', '{out}'], 2, 'sampler steps (2000) must be ≤ the diffusion timesteps (1000)'),
    ('beta-schedule', '`--gen_beta_schedule cosine` (not a diffusers schedule)', ['run', '--gen_beta_schedule', 'cosine', '--out', '{out}'], 2, "unknown beta_schedule 'cosine'"),
    ('tckr-model-offline', 'TCKR with a model not in the offline cache (checked before the Teacher)', ['run', '--method', 'tckr', '--gen_model', 'nobody/no-such-model', '--gen_caption_model', 'none', '--out', '{out}'], 2, "cannot load the Stable Diffusion model 'nobody/no-such-model'"),
    # sampling settings: typed and finite
    ('sample-guidance-nan', '`kr_nb sample RUN --setting guidance=nan` (no all-black images)', ['sample', '{run}', '--setting', 'guidance=nan', '--out', '{out}/s.npz'], 2, 'must be a finite number'),
    ('sample-steps-text', '`kr_nb sample RUN --setting steps=ten`', ['sample', '{run}', '--setting', 'steps=ten', '--out', '{out}/s.npz'], 2, "setting steps must be an integer, got 'ten'"),
    ('sample-unknown-key', '`kr_nb sample RUN --setting iterations=5` (a BN setting on a kr generator)', ['sample', '{run}', '--setting', 'iterations=5', '--out', '{out}/s.npz'], 2, "kr generator has no setting ['iterations']"),
    # output that never destroys
    ('out-holds-user-files', '`--out` a folder with the user\'s own report.md', ['run', '--out', '{mine}'], 2, 'holds files kr_nb did not write (report.md)'),
    ('teacher-into-run', '`kr_nb teacher --out RUN` (would replace the run\'s metrics.json)', ['teacher', '--out', '{run}'], 2, 'is the folder of a `kr_nb run`'),
    ('mia-into-run', '`kr_nb mia --out RUN`', ['mia', 'teacher={teacher}', '--data', '{tiny}', '--out', '{run}'], 2, 'is the folder of a `kr_nb run`'),
    ('sample-over-dataset', '`kr_nb sample --out existing.npz` (would replace a dataset)', ['sample', '{run}', '--out', '{existing}'], 2, 'exists: give another name, or --force'),
    ('mia-duplicate-names', '`kr_nb mia t=A,t=B` (one would be dropped)', ['mia', 't={teacher},t={student}', '--data', '{tiny}', '--out', '{out}'], 2, "target name 't' is given twice"),
    ('mia-name-escapes', '`kr_nb mia ../x=A` (a name that would write outside --out)', ['mia', '../x={teacher}', '--data', '{tiny}', '--out', '{out}'], 2, "target name '../x'"),
    ('out-name-too-long', '`--out` with a 300-character folder name', ['data', '--out', '{out}/' + 'a' * 300], 2, 'File name too long'),
    # files verified when read
    ('tampered-weights', "audit a Student whose weights changed after they were saved", ['mia', 's={tampered}', '--data', '{tiny}', '--out', '{out}'], 2, 'differs from the file that was saved (sha256 mismatch)'),
    ('absolute-checkpoints', 'a generator folder pointing at checkpoints outside it', ['sample', '{abs_ckpt_gen}', '--out', '{out}/s.npz'], 2, 'points at checkpoints by an absolute path'),
    ('wrong-json-types', "a generator.json with wrong types", ['sample', '{wrong_type_gen}', '--out', '{out}/s.npz'], 2, "'config' must be an object"),
    ('fifo-npz', 'a FIFO named like a dataset (reading it would hang)', ['data', '--data', '{fifo}', '--out', '{out}'], 2, 'is not a regular file (a FIFO, device or socket)'),
    ('random-bytes-npz', 'random bytes named .npz (not "holds pickles")', ['data', '--data', '{random_bytes}', '--out', '{out}'], 2, 'not a .npz file (a .npz is a zip archive'),
    # sizes beyond memory, refused before allocating
    ('npz-header-huge', 'a .npz whose header claims 10¹¹ pixels', ['data', '--data', '{huge_header}', '--out', '{out}'], 2, 'GiB of memory, more than the'),
    ('label-huge', 'a .npz with one label of 10¹²', ['data', '--data', '{huge_label}', '--out', '{out}'], 2, 'label 1000000000000 is not a class index'),
    ('sample-n-huge', '`kr_nb sample RUN --n 1000000000` (beyond memory, refused before sampling)', ['sample', '{run}', '--n', '1000000000', '--out', '{out}/s.npz'], 2, '--n 1000000000 images per class would need'),
    ('stage-record-wrong-type', "rerun a run whose split stage record says `\"seconds\": \"fast\"`", ['run', '--data', '{tiny}', '--out', '{bad_record_run}', *TINY_RUN], 2, "'seconds' must be an integer or a number"),
    ('gen-init-missing', '`--gen_init` naming a folder with no saved generator', ['run', '--data', '{tiny}', '--gen_init', '{a_file}', '--out', '{out}'], 2, 'no saved generator here'),
    ('gen-trainable-no-init', '`--gen_trainable bias` with no prior to fine-tune', ['run', '--data', '{tiny}', '--gen_trainable', 'bias', '--out', '{out}'], 2, "trainable 'bias' fine-tunes part of a prior: give init (--gen_init) too"),
    ('gen-init-misfit', '`--gen_init RUN` whose UNet has other channels than this run asks for', ['run', '--data', '{tiny}', '--out', '{out}', *TINY_RUN, '--gen_init', '{run}', '--gen_block_channels', '16,32'], 2, 'its UNet differs from this config\'s in block_out_channels ((8, 16) there, (16, 32) here)'),
    ('manifest-copies', "a membership manifest with a member's exact copy among its non-members", ['mia', 'teacher={teacher}', '--data', '{twins}', '--manifest', '{twin_manifest}', '--out', '{out}'], 2, 'members and nonmembers hold 1 pixel-identical image(s)'),
    ('manifest-text-indices', 'a membership manifest whose members are strings', ['mia', 'teacher={teacher}', '--data', '{tiny}', '--manifest', '{text_manifest}', '--out', '{out}'], 2, 'members must be image indices'),
    ('provenance-corrupt', "a classifier whose provenance records its size as text", ['mia', 'x={bad_prov}', '--data', '{tiny}', '--out', '{out}'], 2, 'its provenance record is corrupt (size)'),
    ('folder-three-per-class', 'an image folder with three images per class', ['data', '--data', '{three_per_class}', '--out', '{out}'], 2, 'too few images (6, per class [3, 3])'),
    # tracking and torchvision data
    ('log-unknown', '`--log comet` (not a tracker kr_nb has)', ['run', '--log', 'comet', '--out', '{out}'], 2, "argument --log: invalid choice: 'comet'"),
    ('tv-typo', '`--data tv:MNSIT` (a typo of a torchvision name)', ['data', '--data', 'tv:MNSIT', '--out', '{out}'], 2, "no torchvision dataset 'MNSIT': did you mean tv:MNIST?"),
    ('tv-bad-option', '`--data tv:FakeData:sizes=50` (an option its class does not take)', ['data', '--data', 'tv:FakeData:sizes=50', '--out', '{out}'], 2, "unexpected keyword argument 'sizes'"),
    # defences
    ('vote-sigma-alone', '`--vote_sigma 2` without a Teacher ensemble', ['run', '--vote_sigma', '2', '--out', '{out}'], 2, 'set teachers ≥ 2'),
    ('teachers-too-many', '`--teachers 40`, more Teachers than the members have images of a class (refused before any training)', ['run', '--data', '{tiny}', '--teachers', '40', '--out', '{out}', *TINY_RUN], 2, 'fewer than one per Teacher'),
    ('holdout-one-fold', '`--holdout_folds 1` (one fold: its Teacher would see no member)', ['run', '--holdout_folds', '1', '--out', '{out}'], 2, 'holdout_folds must be 0 (off) or ≥ 2'),
    ('holdout-and-teachers', '`--holdout_folds 4 --teachers 2` (two ways of labelling at once)', ['run', '--holdout_folds', '4', '--teachers', '2', '--out', '{out}'], 2, 'use one of them'),
    ('holdout-by-alone', '`--holdout_by cluster` without held-out folds', ['run', '--holdout_by', 'cluster', '--out', '{out}'], 2, 'set holdout_folds ≥ 2'),
    ('cap-quantile-above-one', '`--cap_quantile 1.5` (a quantile above 1)', ['run', '--cap_quantile', '1.5', '--out', '{out}'], 2, 'cap_quantile must be in [0, 1]'),
    ('student-mixup-with-hard-labels', '`--student_mixup 0.4 --hard_weight 0.5` (a mixed image has no hard label)', ['run', '--student_mixup', '0.4', '--hard_weight', '0.5', '--out', '{out}'], 2, 'set hard_weight 0'),
    ('soft-smoothing-one', '`--soft_smoothing 1` (soft labels all uniform: nothing left to learn)', ['run', '--soft_smoothing', '1', '--out', '{out}'], 2, 'soft_smoothing must be in [0, 1)'),
    ('tolerance-one', '`--tolerance 1` (the whole grid would be "near the best")', ['run', '--tolerance', '1', '--out', '{out}'], 2, 'tolerance must be in [0, 1)'),
]

# cases that need an environment variable: id, what, command, environment, exit status, message fragment
ENV_CASES = [
    ('world-size-text', 'a malformed `RANK` from a launcher', ['data', '--out', '{out}'], {'RANK': 'x', 'WORLD_SIZE': '2'}, 2, "RANK='x' is not a whole number"),
    ('kr-nb-data-file', '`KR_NB_DATA` pointing at a file', ['data', '--data', 'breastmnist', '--out', '{out}'], {'KR_NB_DATA': '{existing}'}, 2, 'is a file: it must be a folder of dataset files'),
    ('tv-offline-missing', '`--data tv:STL10` offline, its files not under --root', ['data', '--data', 'tv:STL10', '--root', '{out}/none', '--out', '{out}'], {'KR_NB_OFFLINE': '1'}, 2, 'is not in'),
]

def run_env_case(case, files:dict, out:Path):
    "Run one environment case in a subprocess (a launcher's variables are read once per process): (exit status, stdout, stderr)."
    import subprocess, sys
    _, _, args, env, _, _ = case
    exe = shutil.which('kr_nb') or str(Path(sys.executable).parent/'kr_nb')
    e = {**os.environ, **{k: v.format(out=out, **files) for k, v in env.items()}}
    p = subprocess.run([exe, *[a.format(out=out, **files) for a in args]], capture_output=True, text=True, env=e, timeout=300)
    return p.returncode, p.stdout, p.stderr

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
