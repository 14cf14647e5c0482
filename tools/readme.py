"""Render README.md from nbs/index.ipynb without Quarto (which `nbdev_readme` needs and these machines lack).

Cells marked `#| hide` (or `#| include: false`) are dropped, `#| echo: false` keeps only the output, directives are
stripped, code is fenced, text and markdown outputs are kept. Where Quarto exists `nbdev_readme` gives the same content. `--check` exits 1 when README.md is stale.
"""
import sys
from pathlib import Path
from execnb.nbio import read_nb
from nbdev.process import extract_directives

def _hidden(d): return 'hide' in d or d.get('include:', [''])[0] == 'false' or d.get('include', [''])[0] == 'false'

def render(nb_path='nbs/index.ipynb') -> str:
    parts = []
    for c in read_nb(nb_path).cells:
        src = c.source
        if c.cell_type == 'markdown': parts.append(src.strip()); continue
        if c.cell_type != 'code': continue
        d = extract_directives(c, remove=True)
        if _hidden(d) or 'default_exp' in d: continue
        if d.get('echo:', [''])[0] != 'false': parts.append(f"```python\n{c.source.strip()}\n```")
        if d.get('output:', [''])[0] == 'false': continue
        for o in c.get('outputs', []):
            txt = o.get('text') if o.get('output_type') == 'stream' else o.get('data', {}).get('text/markdown') or o.get('data', {}).get('text/plain')
            if txt: parts.append(f"```\n{''.join(txt).rstrip()}\n```" if 'text/markdown' not in o.get('data', {}) else ''.join(txt).strip())
    md = '\n\n'.join(p for p in parts if p) + '\n'
    return md.replace('](images/', '](nbs/images/')  # the page's images, from the repository root

if __name__ == '__main__':
    root = Path(__file__).resolve().parents[1]
    md = render(root/'nbs'/'index.ipynb')
    if '--check' in sys.argv:
        ok = (root/'README.md').exists() and (root/'README.md').read_text() == md
        if not ok: print("README.md is out of date: run `python tools/readme.py`", file=sys.stderr)
        sys.exit(0 if ok else 1)
    (root/'README.md').write_text(md)
    print('wrote README.md')
