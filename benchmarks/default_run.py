"""The default run's seconds per stage (issue 33's target: at most 300 s on two CPU cores, audit included), as data.

    python benchmarks/default_run.py --label after [--kr_nb kr_nb] [--runs runs/default_run] [--out benchmarks/results]

Runs `kr_nb run --quiet` with no other option (digits, seed 0: the README's first command) into the new folder
`<runs>/<label>` (an existing one is refused: a timed run must not read stages from a cache), times it, and writes
one row per stage to `default_run.csv` (label, stage, seconds, the run's wall seconds and peak memory, commit,
command, machine), keeping the rows of other labels. Time a `before` label from a checkout of the older commit
(`--kr_nb "python -m kr_nb.cli"` with `PYTHONPATH` at it, `--commit` naming it) on the same machine, one run after
the other, with nothing else running.
"""
import argparse, json, shlex, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from audit_study import commit, machine
import privacy_utility
from privacy_utility import merge_csv, run_cell

def stage_rows(m:dict, label:str, wall:float, prov:dict) -> list:
    "`privacy_utility.stage_rows` of the run (digits, kr, seed 0), each with its label, wall seconds and peak memory."
    extra = {'label': label, 'wall_seconds': round(wall, 1), 'peak_memory_mb': m.get('peak_memory_mb')}
    return [r | extra for r in privacy_utility.stage_rows(m, 'digits', 'kr', 0, prov)]

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--label', required=True, help="the row's name on the speed page (e.g. before, after)")
    ap.add_argument('--kr_nb', default='kr_nb', help='the command that runs kr_nb (e.g. "python -m kr_nb.cli")')
    ap.add_argument('--runs', default='runs/default_run', help='where the run folder goes')
    ap.add_argument('--out', default='benchmarks/results', help='where default_run.csv goes')
    ap.add_argument('--commit', default=None, help="the commit of the kr_nb that runs (default: this checkout's)")
    a = ap.parse_args()
    folder = Path(a.runs)/a.label
    if folder.exists(): raise SystemExit(f"{folder} exists: remove it or pass another --runs (a timed run must not reuse cached stages)")
    folder.parent.mkdir(parents=True, exist_ok=True)
    wall = run_cell([*shlex.split(a.kr_nb), 'run', '--quiet', '--out', str(folder)], folder, folder.parent/f'{a.label}.log')
    m = json.loads((folder/'metrics.json').read_text())
    prov = {'commit': a.commit or commit(), 'command': 'kr_nb run', 'machine': machine()}
    rows = stage_rows(m, a.label, wall, prov)
    n = merge_csv(rows, Path(a.out)/'default_run.csv', ('label',))  # a label's rows: those of its latest run
    print(f"{a.label}: {sum(m['timings'].values()):.1f} s of stages, {wall:.1f} s wall; wrote {Path(a.out)/'default_run.csv'} ({n} rows)")
