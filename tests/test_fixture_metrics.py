"The tiny fixture runs of every method give the metrics recorded before the pipeline was split by concern (issue 28)."
import json, sys
from pathlib import Path
import pytest
sys.path.insert(0, str(Path(__file__).resolve().parents[1]/'tools'))
from fixture_runs import fixture_runs, machine, RUNS

REF = json.loads((Path(__file__).parent/'data'/'fixture_metrics.json').read_text())

def _numbers(d, p=''):
    "Every number in `d` by its path."
    if isinstance(d, dict): return {k: v for kk, vv in d.items() for k, v in _numbers(vv, f'{p}/{kk}').items()}
    if isinstance(d, list): return {k: v for i, vv in enumerate(d) for k, v in _numbers(vv, f'{p}/{i}').items()}
    return {p: d} if isinstance(d, (int, float)) and not isinstance(d, bool) else {}

def test_fixture_runs_match_the_recorded_metrics():
    "Identical on the machine that recorded the reference (CPU kind, torch, threads, host); elsewhere the same fields and settings."
    got = fixture_runs(tuple(RUNS))
    assert set(got) == set(REF['runs'])
    for n, m in got.items():
        ref = REF['runs'][n]
        assert m['config'] == ref['config'], n  # the same defaults and options
        assert set(_numbers(m)) == set(_numbers(ref)), (n, set(_numbers(m)) ^ set(_numbers(ref)))
        if machine() == REF['machine']: assert m == ref, n
