"The numbers in README.md and on the results page are the ones the result files under benchmarks/results/ give."
import json, re
from pathlib import Path
import pytest
from kr_nb.results import (RESULTS, headline_table, attack_table, speed_table, stage_table, chosen_table, defence_table,
                           choice_table, default_run_table, channel_table, dp_generator_table, read_rows, FRESH_SEEDS,
                           Table, fresh_summary, seed_table, prior_table, defence_summary, excess_table,
                           paired_table, goal_table)

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not (RESULTS/'privacy_utility.csv').exists(), reason='no privacy_utility.csv yet')

def numbers(text:str) -> list: return re.findall(r'\d+\.\d+', text)

def test_readme_headline_is_the_files():
    "The README's headline table is exactly what `headline_table` computes from privacy_utility.csv now."
    assert headline_table().md in (ROOT/'README.md').read_text()

def test_readme_fresh_summary_is_the_files():
    "The README's fresh-seed paragraph (gap, excess AUC, generator, DP-SGD) is what `fresh_summary` computes now."
    if not (RESULTS/'fresh_seeds.csv').exists(): pytest.skip('no fresh_seeds.csv yet')
    s = fresh_summary()
    assert s in (ROOT/'README.md').read_text() and numbers(s), s[:200]

def _page_tables(nb:Path) -> list:
    "The markdown tables a results page keeps as outputs."
    out = []
    for c in json.loads(nb.read_text())['cells']:
        for o in c.get('outputs', []):
            md = o.get('data', {}).get('text/markdown')
            if md: out.append(''.join(md))
    return out

def test_results_page_is_the_files():
    "Every table the results page shows is one the result files give now (rerun tools/run_nbs.py after a benchmark)."
    now = [headline_table().md, attack_table('generator_attacks', ('dataset', 'method', 'attack')).md,
           attack_table('power_study', ('n_shadows', 'attack'), cols=('auc', 'tpr_1pct')).md,
           attack_table('shadows', ('n_shadows', 'target', 'attack'), cols=('auc', 'tpr_1pct', 'control_auc')).md, speed_table().md,
           stage_table().md, chosen_table().md]
    if (RESULTS/'defences.csv').exists(): now += [defence_table().md, choice_table().md]
    if (RESULTS/'defences.csv').exists() and any(r['seed'] in FRESH_SEEDS for r in read_rows('defences')):
        now += [defence_table(seeds=FRESH_SEEDS).md, seed_table().md, excess_table().md, goal_table().md]
    if (RESULTS/'fresh_seeds.csv').exists(): now += [headline_table(name='fresh_seeds').md, str(fresh_summary())]
    if (RESULTS/'default_run.csv').exists(): now.append(default_run_table().md)
    if (RESULTS/'channels.csv').exists(): now.append(channel_table().md)
    if (RESULTS/'defences.csv').exists() and any(r.get('gen_dp_epsilon') for r in read_rows('defences')):
        now.append(dp_generator_table().md)
    if (RESULTS/'gen_prior.csv').exists(): now.append(prior_table().md)
    if (RESULTS/'defences.csv').exists() and any(r['defence'] == 'prior8' for r in read_rows('defences')):
        now.append(str(defence_summary('breastmnist', 'prior8')))
    if (RESULTS/'defences.csv').exists() and any(r['defence'] == 'scratch8' for r in read_rows('defences')):
        now.append(str(defence_summary('breastmnist', 'scratch8')))
    if (RESULTS/'defences.csv').exists() and any(r['defence'] == 'p8t4' for r in read_rows('defences')):
        now += [choice_table(base='prior8').md, *(str(defence_summary('breastmnist', d)) for d in ('p8ho4', 'p8t4'))]
    tried = {r['defence'] for r in read_rows('defences')} if (RESULTS/'defences.csv').exists() else set()
    now += [str(defence_summary('breastmnist', d)) for d in ('mx4', 'mx10', 'mx4s', 's420') if d in tried]
    if (RESULTS/'paired_excess.csv').exists(): now += [paired_table().md, paired_table(target="teacher", defences=("none",)).md]
    shown = _page_tables(ROOT/'nbs'/'11_results.ipynb')
    assert shown and all(t in now for t in shown), [t[:200] for t in shown if t not in now]

def test_a_changed_number_is_caught():
    "Failing on purpose: one digit changed in the README's table no longer matches the files."
    md = headline_table().md
    n = numbers(md)[0]
    wrong = md.replace(n, n[:-1] + str((int(n[-1]) + 1) % 10), 1)
    assert wrong != md and wrong not in headline_table().md and md in (ROOT/'README.md').read_text()
