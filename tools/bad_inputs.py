"""Write nbs/bad_inputs.md, the catalogue of bad inputs, by running every case of tests/bad_inputs.py.

    python tools/bad_inputs.py        # about two minutes on two CPU cores

The page shows what the user typed, the exit status and the exact one-line message; tests/test_bad_inputs.py runs
the same cases and checks that the page lists each of them with its message.
"""
import os, re, sys, tempfile
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tests'))
os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('MPLBACKEND', 'Agg')
from bad_inputs import CASES, ENV_CASES, make_files, run_case, run_env_case

def main():
    d = Path(tempfile.mkdtemp(prefix='kr_nb_bad_'))
    files = make_files(d/'files')
    rows = []
    for i, case in enumerate(CASES):
        cid, what, args, status, fragment = case
        code, out, err = run_case(case, files, d/f'out{i}')
        msg = err.strip().splitlines()[-1] if code else next((l for l in out.splitlines() if fragment in l), '')
        msg = re.sub(r'a{300}', 'a…(300 characters)', msg.replace(str(d) + '/', '').replace(str(d), ''))
        if code != status or fragment not in msg: raise SystemExit(f"case {cid}: exit {code}, message {msg!r}: expected {status} and {fragment!r}")
        names = {k: Path(v).name for k, v in files.items()} | {'student': 'run/student_gkd-…/model'}
        cmd = ' '.join(['kr_nb'] + [(a.format(out='OUT', **names) if a else "''") for a in args if a not in ('--quiet',)])
        cmd = re.sub(r'a{300}', 'a…(300 characters)', cmd)
        cmd = re.sub(r'--epochs 2 .* --n_shadows 2', '<tiny settings>', cmd)
        rows.append(f"| `{cid}` | {what} | `{cmd}` | {code} | {msg.replace('|', chr(92) + '|')} |")
    names = {k: Path(v).name for k, v in files.items()}
    for i, case in enumerate(ENV_CASES):
        cid, what, args, env, status, fragment = case
        code, out, err = run_env_case(case, files, d/f'env{i}')
        msg = err.strip().splitlines()[-1].replace(str(d) + '/', '').replace(str(d), '')
        if code != status or fragment not in msg: raise SystemExit(f"case {cid}: exit {code}, message {msg!r}: expected {status} and {fragment!r}")
        envs = ' '.join(f"{k}={v.format(out='OUT', **names)}" for k, v in env.items())
        cmd = ' '.join([envs, 'kr_nb'] + [a.format(out='OUT', **names) for a in args])
        rows.append(f"| `{cid}` | {what} | `{cmd}` | {code} | {msg.replace('|', chr(92) + '|')} |")
    page = ['---', 'title: Bad inputs', 'description: What each kind of bad input gives, generated from the test suite', '---', '',
            'Every case below is run by `tests/test_bad_inputs.py`; this page is written by `python tools/bad_inputs.py` from the',
            'same cases, with the messages exactly as printed. Bad input is refused before any work, with exit status 2 and one line',
            'on stderr; Ctrl-C exits with 130 and one line (`test_ctrl_c_exits_130_with_one_line`). File names: `tiny.npz` is a',
            'three-class 8 px MedMNIST-layout file, `run` a finished tiny `kr_nb run` on it, `truncated_run` the same with its pool',
            'file cut short; the other names say what is wrong with them.', '',
            '| case | input | command | exit | message |', '|---|---|---|---|---|', *rows]
    (ROOT/'nbs'/'bad_inputs.md').write_text('\n'.join(page) + '\n')
    print(f"wrote {ROOT/'nbs'/'bad_inputs.md'} ({len(rows)} cases)")
    for p in d.rglob('*'):
        if p.is_fifo(): p.unlink()

if __name__ == '__main__': main()
