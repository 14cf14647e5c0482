"Every `kr_nb …` command written in the README or on a docs page parses with the real CLI parser (no option is stale)."
import json, re, shlex
from pathlib import Path
import pytest
from kr_nb import cli

ROOT = Path(__file__).resolve().parents[1]

def doc_texts() -> dict:
    "Markdown and code of the README and every page: {name: text}."
    out = {'README.md': (ROOT/'README.md').read_text()}
    for p in sorted((ROOT/'nbs').rglob('*.ipynb')):
        if '.ipynb_checkpoints' in p.parts or '_proc' in p.parts: continue
        out[str(p.relative_to(ROOT))] = '\n'.join(''.join(c['source']) for c in json.loads(p.read_text())['cells'])
    for p in sorted((ROOT/'nbs').rglob('*.md')):
        if p.name != 'bad_inputs.md': out[str(p.relative_to(ROOT))] = p.read_text()  # its commands are meant to fail
    return out

CMD = re.compile(r"(?:^|[`\s(])(?:kr_nb|-m kr_nb\.cli)\s+(" + '|'.join(cli.COMMANDS) + r")\b((?:[^`\n]|\\\n)*)")

def commands(text:str) -> list:
    "The `kr_nb COMMAND ARGS` written in `text` (backticked or in shell blocks, line continuations joined)."
    text = re.sub(r'\\\n\s*', ' ', text)
    out = []
    for m in CMD.finditer(text):
        if m.group(2).startswith(':'): continue  # an error message ("kr_nb run: error: ..."), not a command
        rest = re.split(r'\s(?:&&|\||;|#)\s|[`)]', m.group(2))[0]
        if '...' in rest or '…' in rest or '<' in rest or "'" in rest.replace("\\'", '') and rest.count("'") % 2: continue  # a placeholder
        try: args = shlex.split(rest)
        except ValueError: continue
        if args: out.append([m.group(1), *args])  # a bare `kr_nb mia` in prose names the command
    return out

class Parsed(Exception): pass

def parses(argv:list) -> str|None:
    "None when `kr_nb ARGV` parses (nothing runs); else the one-line error the CLI prints."
    orig = cli.Parser.parse_args
    def stop(self, args=None, namespace=None): raise Parsed(orig(self, args, namespace))
    cli.Parser.parse_args = stop
    try:
        import contextlib, io
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()): rc = cli.main(argv)
        return err.getvalue().strip() or f"exit {rc}"
    except Parsed: return None
    except SystemExit: return None  # --help
    finally: cli.Parser.parse_args = orig

ALL = [(name, c) for name, t in doc_texts().items() for c in commands(t)]

def test_the_docs_write_commands():
    assert len(ALL) >= 10, ALL
    assert commands("run `kr_nb run --data digits --n_shadows 8` now") == [['run', '--data', 'digits', '--n_shadows', '8']]

@pytest.mark.parametrize('name,argv', ALL, ids=[f"{n}:{' '.join(c)[:60]}" for n, c in ALL])
def test_every_documented_command_parses(name, argv):
    assert parses(argv) is None, (name, argv, parses(argv))

def test_a_stale_option_is_caught():
    assert 'unknown option --n-shadow' in parses(['run', '--n-shadow', '8'])
