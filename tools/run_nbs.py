"""Execute the notebooks and keep their small outputs, so the docs pages show their figures, tables and reprs.

    python tools/run_nbs.py [NOTEBOOK ...]        # default: every page under nbs/ except index and the tutorials

nbdev's docs build does not execute example cells: what a page shows is what the notebook keeps. This runs each
notebook top to bottom in one kernel (execnb, as `nbdev_test` does), skipping the cells flagged with the settings'
`tst_flags` (`slow`, `cuda`, `notest`) and `#| eval: false`, and writes back the outputs that read well on a page:
stdout text (at most `MAX_LINES` lines), tables and reprs, and figures whose PNG is at most `MAX_PNG_KB`. Warnings,
progress bars (stderr), hidden cells' outputs, `show_doc` outputs (the docs build renders
those itself) and anything larger are dropped. Then run `nbdev_clean`.

`nbs/index.ipynb` (README.md is generated from it) and the Colab tutorials (they need a GPU) are not executed here.
A notebook that raises, or prints a traceback instead of raising (IPython does so for a display that fails, e.g. an
image file that is missing), is left unchanged and the script exits 1 naming it.
"""
import os, sys, base64
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from nbdev.process import extract_directives
from nbdev.config import get_config

MAX_LINES, MAX_PNG_KB, MAX_HTML_KB = 30, 120, 30
SKIP = {'index.ipynb'}

def _directives(cell): return extract_directives(cell.copy(), remove=False) if cell.cell_type == 'code' else {}

def _no_eval(cell, flags):
    if cell.cell_type != 'code': return True
    d = _directives(cell)
    return 'nbdev_export' + '(' in cell.source or d.get('eval:', [''])[0].lower() == 'false' or bool(flags & d.keys())

def _trim_text(txt):
    lines = ''.join(txt).splitlines(True)
    return lines if len(lines) <= MAX_LINES else lines[:MAX_LINES - 1] + [f'... ({len(lines) - MAX_LINES + 1} more lines)\n']

def keep(outputs) -> list:
    "The outputs worth a place on a docs page (see the module docstring)."
    kept = []
    for o in outputs:
        t = o.get('output_type')
        if t == 'stream':
            if o.get('name') != 'stdout' or '\r' in ''.join(o['text']): continue
            kept.append({**o, 'text': _trim_text(o['text'])})
        elif t in ('display_data', 'execute_result'):
            data = dict(o.get('data', {}))
            if 'image/png' in data and len(''.join(data['image/png'])) * 3 / 4 / 1024 > MAX_PNG_KB: continue
            if 'text/html' in data:
                html = ''.join(data['text/html'])
                if 'progress' in html or len(html) / 1024 > MAX_HTML_KB: data.pop('text/html')
            if set(data) <= {'text/plain'} and "<Figure size" in ''.join(data.get('text/plain', '')): continue
            if 'text/plain' in data: data['text/plain'] = _trim_text(data['text/plain'])
            if data: kept.append({**o, 'data': data})
    return kept

def printed_traceback(outputs) -> bool:
    "Whether a cell's outputs hold an error, or a traceback IPython printed instead of raising (a display that failed)."
    text = lambda o: ''.join(o.get('text', '')) + ''.join(o.get('data', {}).get('text/plain', ''))
    return any(o.get('output_type') == 'error' or 'Traceback (most recent call last)' in text(o) for o in outputs)

def run(path:Path, flags:set) -> bool:
    nb = read_nb(path)
    for c in nb.cells:  # a cell that prints nothing must not keep what an older version of it printed
        if c.cell_type == 'code': c['outputs'] = []
    sh = CaptureShell(path)
    cwd = os.getcwd()
    try:
        os.chdir(path.parent)
        sh.run_all(nb, exc_stop=True, preproc=lambda c: _no_eval(c, flags))
    except Exception:
        sys.stderr.write(sh.prettytb(fname=path) + '\n'); return False
    finally: os.chdir(cwd)
    bad = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == 'code' and printed_traceback(c.get('outputs', []))]
    if bad: sys.stderr.write(f"{path.name}: a cell printed a traceback: {bad[0][:100]}\n"); return False
    for c in nb.cells:
        if c.cell_type != 'code': continue
        d = _directives(c)
        drop = 'hide' in d or d.get('output:', [''])[0] == 'false' or c.source.lstrip().startswith('show_doc(')
        c['outputs'] = [] if drop else keep(c.get('outputs', []))
    write_nb(nb, path)
    return True

def main(args):
    cfg = get_config()
    nbs = Path(cfg.config_path)/cfg.nbs_path
    flags = set(cfg.get('tst_flags', '').split())
    paths = [Path(a) for a in args] or [p for p in sorted(nbs.glob('*.ipynb')) if p.name not in SKIP]
    for k in ('HF_HUB_OFFLINE', 'TRANSFORMERS_OFFLINE'): os.environ.setdefault(k, '1')  # as in the tests: no hub retries
    os.environ.setdefault('MPLBACKEND', 'Agg'); os.environ['IN_TEST'] = '1'
    failed = [p for p in paths if not run(p.resolve(), flags)]
    if failed: sys.exit(f"notebooks that raised (left unchanged): {', '.join(map(str, failed))}")

if __name__ == '__main__': main(sys.argv[1:])
