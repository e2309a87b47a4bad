"""Fixtures for the WebNLG/DART readers and GenerationEval's metrics, from the official code itself.

Run by hand (CI reads the committed outputs): it needs Debian's python3-nltk, perl, java, and snapshots of
  github:microsoft/LoRA (examples/NLG/src), github:WebNLG/GenerationEval, github:BramVanroy/pyter (pyter3 0.3),
  github:nltk/nltk (tag 3.5, for NLTKWordTokenizer as GenerationEval's pinned nltk==3.5 has it) and
  github:cmu-mtlab/meteor built into meteor-1.5.jar (its paraphrase table is not available here, so METEOR runs
  with -m "exact stem synonym", as MeteorOfficialTest's figures do).

  python3 scripts/reference/make_nlg_fixtures.py --work /tmp/ref --meteor-jar /tmp/meteor/meteor-1.5.jar

What it changes in the official pipeline, and nothing else:
  * eval.py reads copies of the files without their final newline. gpt2_decode.py ends every file with one, and
    eval.py's f.read().split('\n') then adds an empty last segment: METEOR with -nr > 1 then stops with "Error:
    test and reference not same length" (eval.py reports -1) and TER averages in a 1 for that segment. Without
    the final newline all four metrics are computed over the real segments; lora reports those;
  * multi-bleu-detok.perl prints BLEU with 8 decimals instead of 2 (a copy with that printf changed);
  * METEOR's command gains -m "exact stem synonym" (no paraphrase table);
  * nltk.word_tokenize is NLTK 3.5's NLTKWordTokenizer on the whole line: NLTK's Punkt sentence model
    (nltk_data) is not available offline. The check at the end shows that on gpt2_decode --tokenize text
    a sentence split cannot change the tokens.
"""
import argparse, hashlib, json, os, random, re, shutil, subprocess, sys, types

ap = argparse.ArgumentParser()
ap.add_argument('--work', required=True)
ap.add_argument('--meteor-jar', required=True)
ap.add_argument('--shared', default=os.path.join(os.path.dirname(__file__), '../../../shared/data'))
ap.add_argument('--systems', default='', help='comma-separated names to compute now (default: all); results are cached')
ap.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '../../src/test/resources/fixtures/nlg'))
args = ap.parse_args()
W = os.path.abspath(args.work)
MIRROR = '/work/.mirror'

def git_show(repo, rev_path):
    return subprocess.check_output(['git', '-C', f'{MIRROR}/{repo}/repo', 'show', rev_path])

# --- the official code, laid out as microsoft/LoRA's download_evalscript.sh lays it out
ge = os.path.join(W, 'GenerationEval')
os.makedirs(os.path.join(ge, 'metrics', 'meteor-1.5'), exist_ok=True)
for f in ['metrics/chrF.py', 'metrics/__init__.py', 'metrics/multi-bleu-detok.perl']:
    open(os.path.join(ge, f), 'wb').write(git_show('WebNLG+GenerationEval', 'HEAD:' + f))
open(os.path.join(ge, 'eval.py'), 'wb').write(git_show('microsoft+LoRA', 'HEAD:examples/NLG/eval/eval.py'))
perl = open(os.path.join(ge, 'metrics/multi-bleu-detok.perl')).read()
assert perl.count('printf "BLEU = %.2f') == 1
open(os.path.join(ge, 'metrics/multi-bleu-detok.perl'), 'w').write(perl.replace('printf "BLEU = %.2f', 'printf "BLEU = %.8f'))
shutil.copy(args.meteor_jar, os.path.join(ge, 'metrics/meteor-1.5/meteor-1.5.jar'))
src = os.path.join(W, 'lora-src'); os.makedirs(src, exist_ok=True)
for f in ['format_converting_webnlg.py', 'format_converting_dart.py', 'gpt2_decode.py']:
    open(os.path.join(src, f), 'wb').write(git_show('microsoft+LoRA', 'HEAD:examples/NLG/src/' + f))
pyter_dir = os.path.join(W, 'pyter3'); os.makedirs(os.path.join(pyter_dir, 'pyter'), exist_ok=True)
open(os.path.join(pyter_dir, 'pyter/__init__.py'), 'wb').write(git_show('BramVanroy+pyter', 'HEAD:pyter/__init__.py'))
nltk35 = os.path.join(W, 'nltk35_destructive.py')
open(nltk35, 'wb').write(git_show('nltk+nltk', '3.5:nltk/tokenize/destructive.py'))

sys.path.insert(0, pyter_dir)
import importlib.util
spec = importlib.util.spec_from_file_location('nltk35_destructive', nltk35)
destructive = importlib.util.module_from_spec(spec); spec.loader.exec_module(destructive)
TOK35 = destructive.NLTKWordTokenizer()
import nltk
nltk.word_tokenize = lambda text, language='english', preserve_line=False: TOK35.tokenize(text)
for name in ['bert_score', 'razdel', 'tabulate', 'metrics.bleurt', 'metrics.bleurt.bleurt']:
    m = types.ModuleType(name); sys.modules[name] = m
sys.modules['bert_score'].score = None; sys.modules['razdel'].tokenize = None; sys.modules['tabulate'].tabulate = None
sys.modules['metrics.bleurt.bleurt'].score = None; sys.modules['metrics.bleurt'].bleurt = sys.modules['metrics.bleurt.bleurt']
real_check_output = subprocess.check_output
def check_output(command, shell=False, **kw):
    if isinstance(command, str) and 'meteor-1.5.jar' in command:
        command += ' -m "exact stem synonym"'
    return real_check_output(command, shell=shell, **kw)
subprocess.check_output = check_output
os.chdir(ge); sys.path.insert(0, ge)
sys.argv = ['eval.py']
import eval as generation_eval

def without_final_newline(path, target):
    text = open(path, encoding='utf8').read()
    open(target, 'w', encoding='utf8').write(text[:-1] if text.endswith('\n') else text)

def official(refs_prefix, hyp_path, num_refs):
    tmp = os.path.join(W, 'eval-input'); shutil.rmtree(tmp, ignore_errors=True); os.makedirs(tmp)
    without_final_newline(hyp_path, os.path.join(tmp, 'hypothesis'))
    for i in range(num_refs):
        without_final_newline(refs_prefix + str(i), os.path.join(tmp, 'reference' + str(i)))
    r = generation_eval.run(refs_path=os.path.join(tmp, 'reference'), hyps_path=os.path.join(tmp, 'hypothesis'),
                            num_refs=num_refs, metrics='bleu,meteor,chrf++,ter')
    assert r['meteor'] != -1, 'METEOR failed'
    return {'BLEU': r['bleu'], 'METEOR': r['meteor'], 'chrF++': r['chrf++'], 'TER': r['ter']}

# --- readers: the converting scripts' output on the dev files, as a digest plus its ends
def convert(script, data, out):
    subprocess.run([sys.executable, os.path.join(src, script), data, out], check=True, stdout=subprocess.DEVNULL)
    rows = [json.loads(l) for l in open(out, encoding='utf8')]
    h = hashlib.sha256()
    for r in rows:
        h.update(('%s\x01%s\x01%s\n' % (r['context'], r['completion'], r.get('cate', ''))).encode('utf8'))
    return rows, {'pairs': len(rows), 'sha256': h.hexdigest(), 'first': rows[:3], 'last': rows[-3:],
                  'seen_pairs': sum(1 for r in rows if r.get('cate') is True)}

readers = {}
wrows, readers['webnlg'] = convert('format_converting_webnlg.py', os.path.join(args.shared, 'webnlg/dev.json'), os.path.join(W, 'webnlg_dev.jsonl'))
drows, readers['dart'] = convert('format_converting_dart.py', os.path.join(args.shared, 'dart/dart-v1.1.1-full-dev.json'), os.path.join(W, 'dart_dev.jsonl'))

# --- systems: gpt2_decode.py's files for made-up outputs (the real script writes them, from its jsonl inputs)
def words_perturbed(text, k):
    """Deterministic damage to a reference, re-implemented in GenerationEvalOfficialTest."""
    w = text.split(' ')
    if k == 'swap':      # swap each pair of words at positions (3i+1, 3i+2): moves for TER's shifts
        for i in range(1, len(w) - 1, 3): w[i], w[i + 1] = w[i + 1], w[i]
    elif k == 'drop':    # every third word gone
        w = [x for i, x in enumerate(w) if i % 3 != 2]
    elif k == 'rotate':  # the last third moved to the front: a long shift
        c = len(w) - len(w) // 3; w = w[c:] + w[:c]
    elif k == 'half':    # the first half only: brevity penalty
        w = w[:max(1, len(w) // 2)]
    return ' '.join(w)

def decode_files(name, rows, kind, system, ref_filter='all'):
    """Runs gpt2_decode.py on a sample file whose 'predictions' are GPT-2 encodings of the made-up outputs."""
    sys.path.insert(0, src)
    d = os.path.join(W, 'systems', name); os.makedirs(d, exist_ok=True)
    inp = os.path.join(d, 'input.jsonl')
    with open(inp, 'w', encoding='utf8') as f:
        for r in rows: f.write(json.dumps(r) + '\n')
    groups = {}
    for r in rows: groups.setdefault(r['context'], []).append(r['completion'])
    ctx = list(groups)
    first_line = {}
    for i, r in enumerate(rows): first_line.setdefault(r['context'], i)
    outputs = {}
    for gi, c in enumerate(ctx):
        ref0 = groups[c][0]
        if system == 'last': outputs[c] = groups[c][-1]
        elif system == 'other': outputs[c] = groups[ctx[(gi + 1) % len(ctx)]][0]
        else: outputs[c] = words_perturbed(ref0, system)
    return d, inp, outputs, first_line

def run_decode(d, inp, outputs, first_line, kind, filt):
    # gpt2_decode.py reads ids from the sample file and decodes them with GPT-2's BPE; encode with the same files.
    vocab = os.path.join(W, 'vocab'); os.makedirs(vocab, exist_ok=True)
    shutil.copy(os.path.join(args.shared, 'gpt2/encoder.json'), vocab); shutil.copy(os.path.join(args.shared, 'gpt2/vocab.bpe'), vocab)
    sys.path.insert(0, src)
    lora_src = os.path.join(W, 'lora-src')
    open(os.path.join(lora_src, 'encoder.py'), 'wb').write(git_show('microsoft+LoRA', 'HEAD:examples/NLG/src/encoder.py'))
    spec = importlib.util.spec_from_file_location('lora_encoder', os.path.join(lora_src, 'encoder.py'))
    enc_mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(enc_mod)
    enc = enc_mod.get_encoder(vocab)
    sample = os.path.join(d, 'sample.jsonl')
    with open(sample, 'w') as f:
        for c, line in first_line.items():
            f.write(json.dumps({'id': line, 'predict': enc.encode(outputs[c])[0]}) + '\n')
    out = os.path.join(d, filt); os.makedirs(out, exist_ok=True)
    subprocess.run([sys.executable, os.path.join(lora_src, 'gpt2_decode.py'), '--vocab', vocab, '--sample_file', sample,
                    '--input_file', inp, '--ref_type', kind, '--ref_num', '6', '--output_ref_file', os.path.join(out, 'references'),
                    '--output_pred_file', os.path.join(out, 'hypothesis'), '--tokenize', '--lower', '--filter', filt],
                   check=True, stdout=subprocess.DEVNULL)
    return os.path.join(out, 'references', 'reference'), os.path.join(out, 'hypothesis')

# pyter is slow in Python (minutes per WebNLG system, three times that for DART): DART gets three of the systems,
# and every result is cached in WORK/results so that runs can be split (--systems) and run side by side.
SYSTEMS = [('webnlg', s) for s in ['last', 'other', 'swap', 'drop', 'rotate', 'half']] + \
          [('dart', s) for s in ['other', 'swap', 'rotate']]
wanted = set(filter(None, args.systems.split(',')))
systems = {}
os.makedirs(os.path.join(W, 'results'), exist_ok=True)
for kind, system in SYSTEMS:
    rows = wrows if kind == 'webnlg' else drows
    name = f'{kind}-{system}'
    # The dev split holds only the ten seen categories: 'seen' repeats 'all' and 'unseen' is empty.
    for filt in (['all', 'seen'] if kind == 'webnlg' and system == 'swap' else ['all']):
        cache = os.path.join(W, 'results', f'{name}-{filt}.json')
        if not os.path.exists(cache):
            if wanted and name not in wanted: continue
            d, inp, outputs, first_line = decode_files(name, rows, kind, system)
            refs, hyp = run_decode(d, inp, outputs, first_line, kind, filt)
            n = sum(1 for _ in open(hyp, encoding='utf8'))
            result = dict(official(refs, hyp, 6), segments=n,
                          hypothesis_sha256=hashlib.sha256(open(hyp, 'rb').read()).hexdigest(),
                          references_sha256=[hashlib.sha256(open(refs + str(i), 'rb').read()).hexdigest() for i in range(6)])
            json.dump(result, open(cache, 'w'))
            print(name, filt, result, file=sys.stderr)
        systems[f'{name}-{filt}'] = json.load(open(cache))
if wanted: sys.exit(0)

# --- gpt2_decode.py --filter seen|unseen on the test excerpt (its every fifth entry moved to an unseen category)
erows, _ = convert('format_converting_webnlg.py', os.path.join(args.out, 'webnlg-excerpt.json'), os.path.join(W, 'excerpt.jsonl'))
d, inp, outputs, first_line = decode_files('excerpt-swap', erows, 'webnlg', 'swap')
for filt in ['all', 'seen', 'unseen']:
    refs, hyp = run_decode(d, inp, outputs, first_line, 'webnlg', filt)
    systems[f'excerpt-swap-{filt}'] = dict(official(refs, hyp, 6), segments=sum(1 for _ in open(hyp, encoding='utf8')),
                                           hypothesis_sha256=hashlib.sha256(open(hyp, 'rb').read()).hexdigest(),
                                           references_sha256=[hashlib.sha256(open(refs + str(i), 'rb').read()).hexdigest() for i in range(6)])

# --- GenerationEval's own English sample (a WebNLG 2020 system, 4 references), first 200 lines, raw and decoded
sample_dir = os.path.join(args.out, 'generationeval-sample')
os.makedirs(os.path.join(sample_dir, 'references'), exist_ok=True)
def excerpt(path, n=200):
    return '\n'.join(git_show('WebNLG+GenerationEval', 'HEAD:data/en/' + path).decode('utf8').split('\n')[:n]) + '\n'
open(os.path.join(sample_dir, 'hypothesis'), 'w', encoding='utf8').write(excerpt('hypothesis'))
for i in range(4):
    open(os.path.join(sample_dir, 'references', f'reference{i}'), 'w', encoding='utf8').write(excerpt(f'references/reference{i}'))
systems['generationeval-sample'] = official(os.path.join(sample_dir, 'references', 'reference'), os.path.join(sample_dir, 'hypothesis'), 4)

# --- hand-sized cases for unit tests: pyter and chrF.py on a few pairs
import pyter
from metrics.chrF import computeChrF
import io
ter_cases = [
    ('THIS WEEK THE SAUDIS denied information published in the new york times',
     'SAUDI ARABIA denied THIS WEEK information published in the AMERICAN new york times'),
    ('a b c d e', 'c d e a b'), ('the cat sat', 'the cat sat'), ('', 'a b'), ('x y z', 'a b c d'),
    ('b a b a', 'a b a b'),
]
chrf_cases = [('the cat sat on the mat.', 'the cat is on the mat.*#a cat sat on a mat!'), ('Hello, world!', 'hello world'),
              ('a', 'a b'), ('abc', 'abc'), ('x y z', 'a b c*#x y*#')]
units = {
    'ter': [{'hyp': h, 'ref': r, 'ter': pyter.ter(h.split(), r.split()) if r.split() else None} for h, r in ter_cases],
    'chrf': [{'hyp': h, 'refs': r, 'chrf': computeChrF(io.StringIO(r), io.StringIO(h), 2, 6, 2.0)[0]} for h, r in chrf_cases],
    'nltk35': {s: TOK35.tokenize(s) for s in ['"Hello," she said. "It\'s 3.5 km -- isn\'t it?"',
                                             "They can't go; we cannot (won't) wanna.", "A 'quoted' word ... and U.S. end."]},
}

# --- the Punkt claim: on gpt2_decode --tokenize text, any sentence split gives the tokens of the whole line
checked = changed = 0
for kind, rows in [('webnlg', wrows), ('dart', drows)]:
    for r in rows:
        line = ' '.join(' '.join(re.split(r'(\W)', r['completion'].lower())).split())
        whole = TOK35.tokenize(line)
        words = line.split(' ')
        per_word = [t for w in words for t in TOK35.tokenize(w)]
        ends = [i + 1 for i, w in enumerate(words) if w in ('.', '?', '!')]
        parts = [' '.join(words[a:b]) for a, b in zip([0] + ends, ends + [len(words)]) if a < b]
        per_sentence = [t for p in parts for t in TOK35.tokenize(p)]
        checked += 1
        changed += (whole != per_word) or (whole != per_sentence)
units['punkt_check'] = {'lines': checked, 'lines_changed_by_a_split': changed}
print('punkt check', checked, changed, file=sys.stderr)

json.dump({'readers': readers}, open(os.path.join(args.out, 'readers.json'), 'w'), indent=1, ensure_ascii=False)
json.dump({'systems': systems, 'units': units}, open(os.path.join(args.out, 'generationeval.json'), 'w'), indent=1, ensure_ascii=False)
