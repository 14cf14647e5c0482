"The docs site, checked up to rendering (Quarto cannot run here): nbdev's processing, show_doc for every exported symbol and method, doc links, images, the sidebar."
import importlib, inspect, json, re, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'

@pytest.fixture(scope='module')
def proc():
    "nbdev's docs pre-processing (`proc_nbs`, the step before Quarto renders): the processed notebooks."
    r = subprocess.run([sys.executable, '-c', 'from nbdev.serve import proc_nbs; print(proc_nbs())'], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    return Path(r.stdout.strip().splitlines()[-1])

def _cells(nb:Path, kind=None): return [''.join(c['source']) for c in json.loads(nb.read_text())['cells'] if kind is None or c['cell_type'] == kind]

def _modules():
    "module name → its notebook, from the `default_exp` of each notebook."
    out = {}
    for nb in sorted(NBS.glob('[0-9]*.ipynb')):
        m = re.search(r'#\|\s*default_exp\s+(\S+)', '\n'.join(_cells(nb, 'code')))
        if m: out[m.group(1)] = nb
    return out

SKIP_METHODS = re.compile(r'^(_|forward$|before_|after_|on_)')

def _overrides(cls, name:str) -> bool:
    "Whether `cls.name` overrides a method of a kr_nb base class (the base's entry documents the contract)."
    return any(name in vars(b) for b in cls.__mro__[1:] if b.__module__.startswith('kr_nb.'))

def documented_names(mod):
    """What must have a show_doc entry: the module's exported functions and classes, and the public methods (and
    class methods) its classes define, except overrides of a kr_nb base class's method. Properties are described in
    their class's docstring and prose (show_doc renders a property as a function)."""
    m = importlib.import_module(f'kr_nb.{mod}')
    names = []
    for n in getattr(m, '__all__', []):
        o = getattr(m, n)
        if not (inspect.isfunction(o) or inspect.isclass(o)): continue
        names.append(n)
        if inspect.isclass(o) and o.__module__ == m.__name__:
            names += [f"{n}.{k}" for k, v in vars(o).items() if not SKIP_METHODS.match(k) and not _overrides(o, k)
                      and (inspect.isfunction(v) or isinstance(v, (classmethod, staticmethod)))]
    return names

def _obj(mod, name):
    o = importlib.import_module(f'kr_nb.{mod}')
    for p in name.split('.'): o = getattr(o, p)
    return o

def test_rules_pick_methods_not_properties_or_overrides():
    names = documented_names('generator')
    assert 'Generator.sample' in names and 'Generator' in names
    assert 'Method.config' not in names  # a property
    assert not any(n.startswith('ToyGenerator.') for n in documented_names('test_utils'))  # overrides only

def test_every_documented_function_and_method_has_a_docstring():
    "show_doc prints the docstring; without one the page says nothing about the method."
    bare = [f"{mod}.{n}" for mod in _modules() for n in documented_names(mod) if not inspect.getdoc(_obj(mod, n))]
    assert not bare, bare

def missing_show_docs(proc_nb:Path, names) -> list:
    src = '\n'.join(_cells(proc_nb, 'code'))
    return [n for n in names if not re.search(rf"show_doc\({re.escape(n)}\b", src)]

def test_every_exported_symbol_and_method_has_its_show_doc(proc):
    missing = {mod: missing_show_docs(proc/nb.name, documented_names(mod)) for mod, nb in _modules().items()}
    missing = {k: v for k, v in missing.items() if v}
    assert not missing, missing

LINK = re.compile(r'`(kr_nb\.[A-Za-z_][\w.]*)`')

def broken_links(text:str) -> list:
    "Backticked `kr_nb.module.symbol` references (nbdev turns them into links) that name no module or symbol."
    bad = []
    for ref in LINK.findall(text):
        parts, obj = ref.split('.'), None
        for i in range(len(parts), 1, -1):
            try: obj = importlib.import_module('.'.join(parts[:i])); rest = parts[i:]; break
            except ImportError: continue
        if obj is None: bad.append(ref); continue
        for p in rest:
            if not hasattr(obj, p): bad.append(ref); break
            obj = getattr(obj, p)
    return bad

def test_link_checker_catches_a_broken_link():
    assert broken_links("see `kr_nb.mia.audit` and `kr_nb.generator.Generator.use`") == []
    assert broken_links("see `kr_nb.mia.no_such_attack` and `kr_nb.nomodule`") == ['kr_nb.mia.no_such_attack', 'kr_nb.nomodule']

def test_no_doc_link_points_to_a_missing_symbol():
    pages = list(NBS.rglob('*.ipynb')) + list(NBS.glob('*.md'))
    bad = {p.name: broken_links('\n'.join(_cells(p)) if p.suffix == '.ipynb' else p.read_text()) for p in pages}
    assert not {k: v for k, v in bad.items() if v}, bad

IMG = re.compile(r'!\[[^\]]*\]\(([^)\s]+)\)')

def test_every_image_a_page_references_exists():
    missing = []
    for p in list(NBS.rglob('*.ipynb')) + list(NBS.glob('*.md')):
        text = '\n'.join(_cells(p, 'markdown')) if p.suffix == '.ipynb' else p.read_text()
        missing += [f"{p.name}: {src}" for src in IMG.findall(text) if not src.startswith(('http', 'data:')) and not (p.parent/src).exists()]
    assert not missing, missing

def figure_files(code:str) -> list:
    "The result figures a code cell displays from files: `Image(f'../benchmarks/…{f}…png')` over `for f in (...)`."
    out = []
    for tpl in re.findall(r"Image\(f?'\.\./(benchmarks/[^']+\.png)'", code):
        names = re.findall(r"'([^']+)'", (re.search(r"for f in \(([^)]*)\)", code) or re.match('()', '')).group(1))
        out += [tpl.replace('{f}', n) for n in names] if '{f}' in tpl else [tpl]
    return out

def test_every_figure_a_page_displays_is_in_the_repo():
    "A page that shows a benchmark's figure reads it from a tracked file: rerun on a fresh clone, the page still shows it."
    assert figure_files("for f in ('a', 'b'): display(Image(f'../benchmarks/results/figures/x_{f}.png'))") == [
        'benchmarks/results/figures/x_a.png', 'benchmarks/results/figures/x_b.png']
    files = [(nb.name, f) for nb in sorted(NBS.glob('*.ipynb')) for c in _cells(nb, 'code') for f in figure_files(c)]
    assert len(files) >= 6, files
    tracked = set(subprocess.run(['git', 'ls-files', 'benchmarks'], cwd=ROOT, capture_output=True, text=True).stdout.split())
    assert not [x for x in files if x[1] not in tracked], [x for x in files if x[1] not in tracked]

def test_sidebar_lists_every_page():
    "The sidebar (Pipeline stages / Tutorials / Reference) holds every notebook and page, and nothing that does not exist."
    side = (NBS/'sidebar.yml').read_text()
    listed = set(re.findall(r'(?:- |contents: )([\w/.-]+\.(?:ipynb|md))', side))
    pages = {str(p.relative_to(NBS)) for p in list(NBS.rglob('*.ipynb')) + list(NBS.glob('*.md')) if not p.name.startswith('_')}
    assert listed == pages, (sorted(pages - listed), sorted(listed - pages))
    for s in ('Pipeline stages', 'Tutorials', 'Reference'): assert f'section: {s}' in side

def test_pages_have_titles_and_figures_where_promised():
    "Every notebook page starts with a title and a one-line description, as nbdev turns them into the page header."
    for nb in NBS.rglob('*.ipynb'):
        first = _cells(nb, 'markdown')[0]
        assert re.match(r'#\s+\S', first) and '\n> ' in first, nb.name

def _run_nbs():
    "tools/run_nbs.py as a module (it is a script, not part of the package)."
    spec = importlib.util.spec_from_file_location('run_nbs', ROOT/'tools'/'run_nbs.py')
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
    return m

def test_output_filter_keeps_what_reads_well_on_a_page():
    k = _run_nbs()
    png = lambda kb: {'output_type': 'display_data', 'data': {'image/png': 'A' * int(kb * 1024 * 4 / 3), 'text/plain': ['<Figure>']}}
    outs = [{'output_type': 'stream', 'name': 'stderr', 'text': ['UserWarning: ...\n']},
            {'output_type': 'stream', 'name': 'stdout', 'text': ['epoch 1\r epoch 2\r']},
            {'output_type': 'stream', 'name': 'stdout', 'text': [f'{i}\n' for i in range(100)]},
            png(10), png(k.MAX_PNG_KB + 1),
            {'output_type': 'display_data', 'data': {'text/plain': ['<Figure size 640x480 with 0 Axes>']}}]
    kept = k.keep(outs)
    test_kinds = [(o['output_type'], len(o.get('text', ''))) for o in kept]
    assert test_kinds == [('stream', k.MAX_LINES), ('display_data', 0)], test_kinds   # stderr, progress, big figure, empty figure dropped
    assert kept[0]['text'][-1].startswith('... (71 more lines)')

def test_a_printed_traceback_is_a_failure():
    "IPython prints, not raises, when a display fails (a missing image file): run_nbs.py refuses to keep such a page."
    k = _run_nbs()
    shown = [{'output_type': 'stream', 'name': 'stdout', 'text': ['FileNotFoundError   Traceback (most recent call last)\n']}]
    assert k.printed_traceback(shown) and not k.printed_traceback([{'output_type': 'stream', 'name': 'stdout', 'text': ['ok\n']}])
    assert not [nb.name for nb in sorted(NBS.glob('*.ipynb')) if k.printed_traceback(_outputs(nb))]  # none kept one

def _outputs(nb:Path): return [o for c in json.loads(nb.read_text())['cells'] for o in c.get('outputs', [])]

def test_pages_keep_their_outputs_small():
    """The docs build does not execute example cells: a stage page shows what its notebook keeps (written by
    `python tools/run_nbs.py`). Every Pipeline-stages page keeps an output, the pages hold figures, none is large."""
    k = _run_nbs()
    side = (NBS/'sidebar.yml').read_text()
    stages = re.findall(r'- (\d\w+\.ipynb)', side.split('section: Pipeline stages')[1].split('section:')[0])
    assert len(stages) >= 10, stages
    empty = [p for p in stages if not _outputs(NBS/p)]
    assert not empty, f"pages without any output (run tools/run_nbs.py): {empty}"
    figs = {p: sum('image/png' in o.get('data', {}) for o in _outputs(NBS/p)) + len(IMG.findall('\n'.join(_cells(NBS/p, 'markdown'))))
            for p in stages}  # kept figures and committed ones (from full runs) that the page shows
    assert sum(figs.values()) >= 12 and sum(v > 0 for v in figs.values()) >= 9, figs
    for p in NBS.glob('*.ipynb'):
        for o in _outputs(p):
            d = o.get('data', {})
            assert len(''.join(d.get('image/png', ''))) * 3 / 4 / 1024 <= k.MAX_PNG_KB, p.name
            assert o.get('name') != 'stderr', f"{p.name} keeps a stderr output"
            assert len(o.get('text', d.get('text/plain', []))) <= k.MAX_LINES, p.name
