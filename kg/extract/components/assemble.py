"""Names, the paper's own system, typing and roles, folded into one mention per entity.

Reads what the earlier components left on the Doc (tokens, sentences, URLs, acronym
definitions, gazetteer matches) and writes ``doc._.kg_mentions``: a tuple of plain dicts
``{name, type, aliases, role, evidence, count, family}``.

The working state of one text is a ``_Doc``; what it finds are typed ``Occurrence`` values
(``kg.extract.state``: kinds ``Kind``, and the one type-confidence scale ``Conf``, as a table).
Name helpers the resolver and the evaluation share (``family_of``, ``canonical_url``,
``is_github``, the gazetteer) live in ``kg.names``.

The rules, in the order they run:

1. **Occurrences.** A token is a *strong* name when one of its hyphen parts has two
   capitals ("GRPO", "InstructGPT", "MMaDA"), a capital and a digit ("T5", "C3Net"), or
   is a lone capital in an all-capitalised compound ("X-Magical", "Critic-V").
   A lower-case prefix on a camel-case word is strong too ("pixelSplat", "nnU-Net").
   Gazetteer matches count when they sit on whole tokens and, for single words (or
   ``case: exact`` records), keep their capitals. Version, year and size tails stay with
   a name ("BraTS 2021", "PaliGemma 2", "Whisper large-v3", "Stable Diffusion 3 Medium";
   "X 2019 and 2020" are two editions; "MoCo v3", "DIHARD III", "WMT14 En-De") unless the
   number counts something ("3 times") or is a score ("MUSIQ 70.1"). A capitalised word
   glued to a known name is part of it ("FLUX.1 Kontext", "ISPRS Potsdam", "the Song
   Describer Dataset"); so is a non-generic acronym before it ("HT Demucs") and a known
   name's non-adjective lower-case tail ("nuScenes-lidarseg", "Seed-TTS-eval"), while an
   adjective tail is dropped ("GPT-4o-based", "LLM-Guided").
   Capitalised words that are not strong become names only from context: right before
   a dataset/benchmark noun ("Summary dataset"), in a list with a type noun ("methods
   such as Latent Plans or C-Bet"), right after a plural type noun ("the datasets A and
   B"), as a member of a list next to other names ("on Cora, PubMed and OGB"), or as the
   object of "we propose". Metrics ("PDM score", "L2 error", "W4A4") are dropped.
   Names of older papers: Title Case names with small inner words, typed by the noun or
   apposition after them ("Faces in the Crowd, a dataset of ..."); two coordinated runs of
   three capitalised words ("A B C and D E F"); a known data set with an organisation or
   variant word before it and more words or a part label after it ("Google Speech
   Commands", "Yelp Review Polarity", "ShanghaiTech Part A", "WMT'14"); a lower-case word
   that names a variant of an acronym the text never writes bare ("real NVP"); tier words
   ("AlphaGo Zero"). In an ALL-CAPS title only names the abstract, a definition or the
   gazetteer attests count.
2. **Acronym definitions** join the short and the long form. A definition is generic,
   and both forms are dropped, when the short form is on the stoplist, or the long form
   is lower case / ends in a class word ("Markov Game", "latent variable models")
   — unless the paper proposes it, the gazetteer knows it, or its letters are coined
   ("REfining ... hoMography (REARM)"). A Title Case architecture with a singular acronym is
   one named design ("Temporal Segment Networks (TSN)"), and a lower-case definition set
   apart by "our approach, ..." or an apposition ("..., a recent optimiser") is specific.
3. **Own system**: a name-like title prefix ("VILP: ..."), or the first name after
   "we propose/introduce/present ...", "called", "named", "the proposed model, X".
   Typed from the title's head noun, then the words around it ("X, an advanced MLLM").
   Every later use of a one-word own name is an occurrence; its size variants
   ("X-8B", "X-S", "X-B/-L/-XL") are aliases of it unless the text introduces them as
   another kind of thing ("X, a pipeline ... X-2M, a corpus"). A checkpoint of any system
   the text also names bare is one entity with it ("MusicGen" and "MusicGen-Large").
4. **Types** of other names: the noun right after ("X benchmark", "the X validation set"),
   an apposition ("X, a ... benchmark", "X, 2,400 demonstrations", "a test set, X,";
   not the subject after an opening phrase: "On MMLU, the model ..."), the head noun of
   its list ("models like X and Y"), the
   gazetteer, the long form's head, "trained on X" / "questions from X" / a thousands
   count ("Alpaca-52K") for data, a model family inside the name ("MedSAM"), then the
   shape (a size/digit suggests a model). Finally the names of one coordinated list
   share the best-attested member's type ("ETTh1, ETTh2 and ETTm1").
5. **Roles** from cue words in the sentence: proposes, code (URLs), evaluates_on
   (benchmarks/datasets in evaluation sentences), compares_to (after "outperforms",
   "compared with", "than", ...), else uses.
"""

from __future__ import annotations

import bisect
from bisect import bisect_left, bisect_right
import re
from collections import Counter, defaultdict
from functools import lru_cache
from itertools import compress, repeat
from operator import attrgetter, contains, itemgetter, ne, sub

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.components import vocab
from kg.extract.components.lexer import char_positions, positions
from kg.extract.lexicon import Lexicon, load_lexicon
from kg.extract.lexicon import match_key
from kg.extract.state import Conf, Kind, Occurrence
from kg.names import SIZE_TAIL as _SIZE_RE, VIT_CHECKPOINT as _VIT_CHECKPOINT, family_of, is_github

# vocab.kw_type for words that are already lower case (d.lower): the dict lookup alone
_kw = vocab._KW_TYPE.get

__all__ = ["SCAN_WORDS", "assemble", "family_of", "shape"]

NONE, CAP, STRONG = 0, 1, 2
# i -> i - 1 and i -> i + 1 as C functions, to shift index sets with map()
_MINUS_1, _PLUS_1 = (-1).__add__, (1).__add__

_SIZE_PART = re.compile(r"^\d+(?:\.\d+)?[BMKT]$")
_MODEL_SUFFIX = re.compile(
    r"(?:BERT|GPT|LLM|VLM|VLA|LLaMA|Llama|T5|ViT|CLIP|SAM|Zephyr|Vicuna|Mistral|Gemma|Qwen|Whisper|FM|(?<=[a-z])LM)"
    r"(?:-?\d[\w.]*)?$"
)
_CAMEL_BENCH = re.compile(r"[a-z0-9](?:Bench|Eval)(?:\d\w*)?$")
_YEAR_INSIDE = re.compile(r"(?<!\d)(?:19[89]\d|20[0-3]\d)(?!\d)")
_MILLIONS = re.compile(r"[A-Za-z]\d+M$")
_DATA_SUFFIX = re.compile(r"(?<=[A-Za-z])(?:DB|Bank)$")
# "Alpaca-52K", "Dolly-15K": a count in thousands sizes a dataset, never a model
_PARAM_SIZE = re.compile(r"[-_ ](?:\d{1,3}(?:\.\d+)?[BMT]|\d+x\d+(?:\.\d+)?B|A\d+(?:\.\d+)?B)$")  # _SIZE_RE without K
_K_SIZE = re.compile(r"[-_ ]\d+(?:\.\d+)?[Kk]$")
_NUM_TAIL = re.compile(r"^(?:[vV]?\d+(?:\.\d+)*|\d+(?:\.\d+)?[BM])$")
_MODEL_TIERS = frozenset("Pro Ultra Flash Nano Lite Mini Max Plus Turbo Sonnet Opus Haiku Instruct Chat Base Vision".split())
# a decimal is a version when it is small ("2.0", "17.0"); "0.189" or "70.1" is a score; a tier
# word names an edition ("AlphaGo Zero", "AlphaGo Master", "X Lite")
_VERSION_TOKEN = re.compile(r"^(?:[vV]\d+(?:\.\d+)*|(?:[1-9]|1\d|20)\.\d{1,2}|XL|XXL|Pro|Max|Mini|Plus|Turbo|Ultra|Flash|Lite|Zero|Master)$")
# tails that keep a name whole: "BraTS 2021", "Common Voice 17.0", "PaliGemma 2", "Whisper large-v3",
# "Stable Diffusion 3 Medium"
_YEAR = re.compile(r"^(?:19[89]\d|20[0-4]\d)$")
_DEC_VERSION = re.compile(r"^(?:[vV]\d+(?:\.\d+)*|(?:1?\d|20)\.\d|\d+\.0)$")
_V_VERSION = re.compile(r"^[vV]\d+(?:\.\d+)*$")
_ROMAN = frozenset("II III IV VI VII VIII".split())
_LANG_PAIR = re.compile(r"^(?:[A-Z][a-z]-[A-Z][a-z]|[A-Z]{2}-[A-Z]{2}|[a-z]{2}-[a-z]{2})$")
_SMALL_INT = re.compile(r"^(?:[1-9]|1\d|20)$")
_SIZE_TOKEN = re.compile(r"^(?:\d+(?:\.\d+)?[BMK]|\d+x\d+(?:\.\d+)?B)$")
_TIER_WORDS = _MODEL_TIERS | frozenset("Medium Large Small Tiny Huge Giant XL XXL Base Max".split())
_LOWER_SIZE = re.compile(r"^(?:tiny|base|small|medium|large|huge|giant|xl|xxl)(?:-v\d+(?:\.\d+)?)?$")
# a number followed by one of these counts something ("GRPO 3 times"), it is not a version
_COUNT_AFTER = frozenset(
    """% x \u00d7 times points point pp percent of out to - / steps epochs layers tasks datasets
    benchmarks languages hours days samples examples images videos tokens iterations rounds seeds
    trials runs shots categories classes models frames minutes seconds""".split()
)
_NUM_END = re.compile(r"\d$")
_BARE_NUM = re.compile(r"^\d+(?:[.,]\d+)*$")
_AFTER_LOWER_SIZE = frozenset(
    ", . ; : ) and or model models checkpoint checkpoints variant at on in with by from for as while which is was".split()
)

# "we propose X", "this paper introduces X", "X, which we call Y", "named X", "the proposed model, X"
_PROPOSE_VERBS = frozenset(
    f"{stem}{end}"
    for stem, ends in {
        "propose": ("", "s", "d"),
        "introduce": ("", "s", "d"),
        "present": ("", "s", "ed"),
        "develop": ("", "s", "ed"),
        "design": ("", "s", "ed"),
        "construct": ("", "s", "ed"),
        "build": ("", "s"),
        "built": ("",),
        "contribute": ("", "s", "d"),
        "release": ("", "s", "d"),
        "devise": ("", "s", "d"),
        "formulate": ("", "s", "d"),
        "establish": ("", "es", "ed"),
        "name": ("", "s"),
        "call": ("", "s"),
        "term": ("", "s"),
        "dub": ("", "s"),
        "create": ("", "s", "d"),
        "curate": ("", "s", "d"),
        "collect": ("", "s", "ed"),
    }.items()
    for end in ends
)
_NAMING = frozenset("called named dubbed termed coined".split())
_SUBJECT_NOUNS = frozenset("paper work study article letter".split())
_ADVERBS = frozenset("first then further also additionally therefore thus hence here newly now hereby".split())
_PROPOSED_NOUNS = frozenset(
    "model method framework approach algorithm system architecture technique benchmark dataset policy".split()
)
# single title words before a colon that announce a genre, not a system
_TITLE_PREFIX_WORDS = frozenset(
    """position survey review overview tutorial perspective perspectives erratum correction
    commentary editorial introduction benchmarking revisiting rethinking towards beyond""".split()
)
_NOT_A_NAME_AFTER = frozenset("problem problems issue issues effect effects phenomenon paradox dilemma".split())
_NOT_MODIFIER = frozenset(
    """and or with on in is are was were has have to of for that which by as at from than per each every
    achieves achieve outperforms outperform shows show uses use improves improve reaches sets
    establishes demonstrates yields attains surpasses exhibits provides performs enables requires
    obtains delivers gives brings leads across over under using it its they we this these those
    also then still only just not there here who whose""".split()
)
_OBJECT_STOP = frozenset("on using with from via by than against over trained based built uses use".split())
_ALL_PROPOSE_CUES = _PROPOSE_VERBS | _NAMING | {"proposed"}
# "NAME: rest of the title", "NAME - rest", "NAME -- rest"
_TITLE_PREFIX_RE = re.compile(r"^\s*([^:\n]{1,60}?)\s*(?::|\s[-\u2013\u2014]\s|-\s)\s*(\S.*)$")


_T_VERSION, _T_SMALL_INT, _T_SIZE, _T_TIER, _T_LOWER_SIZE, _T_LANG_PAIR = 1, 2, 3, 4, 5, 6


@lru_cache(maxsize=65536)
def _tail_kind(w: str) -> int:
    """Which kind of name tail ``w`` can be (0: none); the tests of ``_tail_end``, in its order."""
    if _YEAR.match(w) or _DEC_VERSION.match(w):
        return _T_VERSION
    if _SMALL_INT.match(w):
        return _T_SMALL_INT
    if _SIZE_TOKEN.match(w):
        return _T_SIZE
    if w in _TIER_WORDS:
        return _T_TIER
    if _LOWER_SIZE.match(w):
        return _T_LOWER_SIZE
    if _LANG_PAIR.match(w):
        return _T_LANG_PAIR
    if w in _ROMAN:
        return _T_VERSION  # "DIHARD III", "BCI Competition IV"
    return 0


def _tail_end(d: "_Doc", b: int, model_like: bool, numbered: bool = False) -> int:
    """End of a name that ends at token ``b`` after its version, year or size tail.

    "BraTS 2021", "TREC DL 2019", "Common Voice 17.0", "AlpacaEval 2.0", "PaliGemma 2",
    "Stable Diffusion 3 Medium", "Llama 3.1 8B", "Whisper large-v3". A number that counts
    something ("3 times", "2 points", "12%") is not a tail. ``model_like``: sizes and
    lower-case size words count too; ``numbered``: the name itself ends in a version, so a
    tier word may follow it directly ("Gemini 1.5 Pro").
    """
    words, lower, n = d.words, d.lower, d.n
    starts, ends = d.starts, d.ends
    b0 = b
    while b < n and b - b0 < 3 and starts[b] == ends[b - 1] + 1:
        w = words[b]
        kind = _tail_kind(w)
        if not kind or (kind == _T_LOWER_SIZE and not model_like):
            break
        nxt = lower[b + 1] if b + 1 < n else ""
        if kind == _T_VERSION:
            ok = nxt not in _COUNT_AFTER and not _BARE_NUM.match(nxt)
        elif kind == _T_SMALL_INT:
            # "Prometheus 2 and X": a model's generation; "Task 2 and 3" counts
            ok = (
                b == b0
                and nxt not in _COUNT_AFTER
                and (nxt not in ("and", "or") or (model_like and not (b + 2 < n and _BARE_NUM.match(words[b + 2]))))
                and not _BARE_NUM.match(nxt)
            )
        elif kind == _T_SIZE:
            ok = model_like
        elif kind == _T_TIER:
            # "Gemini 1.5 Pro", and "Mistral Small 3.1": a tier with its own version
            ok = numbered or (model_like and bool(_DEC_VERSION.match(nxt) or _SMALL_INT.match(nxt)))
        elif kind == _T_LANG_PAIR:
            ok = not model_like  # "WMT16 En-Ro", "IWSLT14 DE-EN": a translation direction of a data set
        else:  # a lower-case size word, model_like
            ok = "-v" in w or nxt in _AFTER_LOWER_SIZE or not nxt
        if not ok:
            break
        numbered = True
        b += 1
    return b


_GENERIC_SUITE_NOUNS = frozenset(("benchmark", "suite", "harness"))


def _other_system(o: Occurrence, fk: str, own_type_hints) -> bool:
    """Whether a sized name built on the paper's own system is a different artifact.

    "We present MathForge, a generation pipeline ... we release MathForge-2M, a corpus ...
    fine-tuning on it yields MathForge-7B": the corpus and the model are not the pipeline.
    The text says so when the two were introduced as different kinds of thing.
    """
    fam_type = next((h for h in own_type_hints.get(fk, ()) if h), None)
    var_type = next((h for h in own_type_hints.get(o.key, ()) if h), None)
    return bool(fam_type and var_type and fam_type != var_type)


def _name_word_after(d: "_Doc", b: int) -> bool:
    """Whether the capitalised word at ``b``, right after a known name, is part of that name.

    Mid-sentence, a capitalised word glued to a known name is rarely anything else: "ISPRS
    Potsdam", "FLUX.1 Kontext". Not in the title (Title Case), not a word that starts a
    clause, not a language ("English LibriSpeech"; "Multilingual" is a split), not another
    known name or a generic term.
    """
    w, lw = d.words[b], d.lower[b]
    return (
        b >= d.title_end
        and w.isalpha()
        and shape(w) == CAP
        and lw not in vocab.SENT_STARTERS
        and (lw not in vocab.LANGUAGES or lw.endswith("lingual"))
        and not d.covered[b]
        and d.lex.lookup(w) is None
        and not d.lex.is_stop(w)
    )


_VARIANT_NOUNS = frozenset(("variant", "version", "extension", "modification", "generalization", "generalisation"))
_VERB_ENDS = ("ed", "ing", "ly")


def _lower_prefix(d: "_Doc", i: int, b: int) -> int:
    """Start of an acronym's name that a lower-case word before it belongs to, else ``i``.

    "real NVP", "dense TARN, a strong baseline": a word that names a variant, glued before an
    unknown acronym that the text never writes bare, with an apposition after it or used
    twice; or "twin VQN, a variant of VQN". Not a word that says how a system is used
    ("the original TSN", "standard PPO": ``plain_modifiers.txt``), a verb form or a cue word.
    """
    words, lower, lex = d.words, d.lower, d.lex
    k = i - 1
    w, x = lower[k], words[i]
    if not (
        3 <= len(x) <= 6
        and x.isupper()
        and x.isalpha()
        and d.starts[i] == d.ends[k] + 1
        and words[k].isalpha()
        and words[k].islower()
        and len(w) >= 3
        and not w.endswith(_VERB_ENDS)
        and w not in vocab.CONNECTORS
        and w not in vocab.SENT_STARTERS
        and w not in _NOT_MODIFIER
        and w not in _SCAN_WORDS
        and _kw(w) is None
        and match_key(w) not in lex.plain_modifiers
        and lex.lookup(x) is None
        and not lex.is_stop(w)
    ):
        return i
    n = d.n
    appos = b + 1 < n and words[b] == "," and lower[b + 1] in _DETERMINERS
    if appos and not _VARIANT_NOUNS.isdisjoint(lower[b + 2 : b + 6]):
        return k  # "twin VQN, a variant of VQN": a named variant beside the original
    uses = positions(words, x)
    if any(j == 0 or lower[j - 1] != w for j in uses):
        return i  # the text writes the acronym bare too: the word only describes it here
    return k if appos or len(uses) >= 2 else i


def _data_words_after(d: "_Doc", b: int) -> int:
    """End of the capitalised words (at most two) after a name ending at ``b`` when a lower-case
    data or benchmark noun follows them: "the Caltech-UCSD Birds dataset"; else ``b``."""
    if b >= d.n or not d.words[b][:1].isupper():
        return b  # (the usual case)
    j = b
    while (
        j < d.n
        and j - b < 2
        and d.starts[j] == d.ends[j - 1] + 1
        and d.words[j].isalpha()
        and shape(d.words[j]) == CAP
        and not d.covered[j]
        and d.lower[j] not in vocab.SENT_STARTERS
        and _kw(d.lower[j]) is None
    ):
        j += 1
    if j > b and j < d.n and d.lower[j] in _CUE_NOUNS and d.words[j].islower() and d.lower[j] != "tasks":
        return j
    return b


def _data_word_before(d: "_Doc", a: int) -> int:
    """Start of a data set's name that ends at a known one: one capitalised word glued before
    it mid-sentence is part of it ("Google Speech Commands", "Split CIFAR-100", "Tiny ImageNet"),
    not a word that starts a clause, a language ("English LibriSpeech") or a type noun."""
    k = a - 1
    if (
        k >= d.title_end
        and k >= 1
        and d.starts[a] == d.ends[k] + 1
        and not d.covered[k]
        and d.words[k].isalpha()
        and shape(d.words[k]) == CAP
        and not d.is_sentence_initial(k)
        and d.lower[k] not in vocab.SENT_STARTERS
        and d.lower[k] not in vocab.LANGUAGES
        and d.lower[k] not in vocab.CAP_RUN_GENERIC
        and _kw(d.lower[k]) is None
        and d.lex.lookup(d.words[k]) is None
    ):
        return k
    return a


_PART_WORDS = frozenset(("Part", "Track", "Task", "Subtask"))
_APOSTROPHES = frozenset(("'", "\u2019"))
_PART_LABEL = re.compile(r"^(?:[A-Z]|[1-9]\d?|I{1,3}|IV|V)$")


def _part_tail(d: "_Doc", b: int) -> int:
    """End of a part label after a data set's name ending at ``b``: "ShanghaiTech Part A",
    "SemEval-2017 Task 1" (two words, glued by single spaces), or an edition year after an
    apostrophe ("WMT'16", "IWSLT’15"); else ``b``."""
    if b + 1 >= d.n or (d.words[b] not in _PART_WORDS and d.words[b] not in _APOSTROPHES):
        return b  # (the usual case, one set test)
    if (
        d.words[b] in _APOSTROPHES
        and d.starts[b] == d.ends[b - 1]
        and d.starts[b + 1] == d.ends[b]
        and len(d.words[b + 1]) == 2
        and d.words[b + 1].isdigit()
    ):
        return b + 2
    if (
        b + 1 < d.n
        and d.words[b] in _PART_WORDS
        and d.starts[b] == d.ends[b - 1] + 1
        and d.starts[b + 1] == d.ends[b] + 1
        and _PART_LABEL.match(d.words[b + 1])
        and not d.covered[b]
        and not d.covered[b + 1]
    ):
        return b + 2
    return b


_SPLIT_PAIR = re.compile(r"[A-Z]{1,6}-[A-Z]{1,6}$")


def _split_setting_end(d: "_Doc", b: int) -> int:
    """End of a train-to-test split setting written right after a data set's name, or 0.

    "ABC→D", "ABC->D" and "ABC-D": capital split names joined by an arrow or a hyphen, with
    no spaces.
    """
    words, starts, ends, n = d.words, d.starts, d.ends, d.n
    w = words[b]
    if _SPLIT_PAIR.match(w):
        return b + 1
    if not (w.isupper() and w.isalpha() and len(w) <= 6):
        return 0
    k = b + 1
    if k < n and words[k] == "→" and starts[k] == ends[b]:
        k += 1
    elif k + 1 < n and words[k] == "-" and words[k + 1] == ">" and starts[k] == ends[b]:
        k += 2
    else:
        return 0
    if k < n and starts[k] == ends[k - 1] and words[k].isupper() and words[k].isalpha() and len(words[k]) <= 6:
        return k + 1
    return 0


def _typed_run_after(d: "_Doc", b: int) -> tuple[int, str | None] | None:
    """(end, type) when the capitalised words from ``b`` on end in a capitalised type noun.

    At most four words, each glued to the one before by a single space, none a word that
    starts a clause: "Learning Environment", "Database", "Time Series Forecasting Archive".
    """
    words, lower = d.words, d.lower
    j = b
    while (
        j < d.n
        and j - b < 4
        and d.starts[j] == d.ends[j - 1] + 1
        and words[j].isalpha()
        and shape(words[j]) == CAP
        and not d.covered[j]
        and lower[j] not in vocab.SENT_STARTERS
    ):
        if lower[j] in _CUE_NOUNS:
            return j + 1, (None if lower[j] == "tasks" else _kw(lower[j]))  # "Atari Learning Tasks": a description
        if lower[j] in ("repository", "collection") and j > b:
            return j + 1, "dataset"  # "the Monash Time Series Forecasting Repository"
        j += 1
    return None


def _slashed_family(d: "_Doc", j: int) -> str | None:
    """The family of the name that starts a "NAME-B/-L/-XL" run ending at token ``j``."""
    while j >= 1 and (d.words[j] in ("/", "-") or (len(d.words[j]) <= 3 and d.words[j].isupper())):
        j -= 1
    if j >= 0 and "-" in d.words[j] and shape(d.words[j]) == STRONG:
        return family_of(d.words[j])
    return None


def _more_editions(d: "_Doc", a: int, b: int, bt: int, typ: str | None, add) -> None:
    """"TREC DL 2019 and 2020": each further year or version is its own edition of the same name."""
    words, n = d.words, d.n
    if bt - b != 1 or not (_YEAR.match(words[b]) or _DEC_VERSION.match(words[b])):
        return
    base = d.surface(a, b)
    j = bt
    while j + 1 < n and words[j] in (",", "and", "or") and not d.covered[j + 1]:
        k = j + 1
        if k < n and words[k] in ("and", "or"):
            k += 1
        if k < n and not d.covered[k] and (_YEAR.match(words[k]) or _DEC_VERSION.match(words[k])) and (
            k + 1 >= n or d.lower[k + 1] not in _COUNT_AFTER
        ):
            add(k, k + 1, Kind.NAME, typ, Conf.FIRM, surface=f"{base} {words[k]}")
            j = k + 1
        else:
            break


def _propose_positions(d: "_Doc") -> list[int]:
    """Token indices where the object of a propose cue may start."""
    lower = d.lower
    cues = d.where(_ALL_PROPOSE_CUES)
    if not cues:
        return []
    out = []
    n = d.n
    for i in cues:
        w = lower[i]
        if w in _NAMING:
            out.append(i + 1)
            continue
        if w == "proposed":
            if i > 0 and lower[i - 1] in ("the", "our"):
                # "the proposed model, DiffusionDrive"
                for k in range(i + 1, min(n, i + 5)):
                    if lower[k].rstrip("s") in _PROPOSED_NOUNS or lower[k] in _PROPOSED_NOUNS:
                        out.append(k + 2 if k + 1 < n and lower[k + 1] == "," else k + 1)
                        break
                continue
        j = i - 1
        while j >= 0 and lower[j] in _ADVERBS:
            j -= 1
        if j < 0:
            continue
        subj = lower[j] == "we" or (
            lower[j] in _SUBJECT_NOUNS and j > 0 and lower[j - 1] in ("this", "our")
        )
        if not subj and lower[j] == "and":
            # "We identify the cause and propose X": the same subject
            a = d.sents[d.sent_index(i)][0]
            subj = "we" in lower[max(a, i - 20) : j]
        if not subj or (w.startswith("present") and d.words[i - 1] == "present"):
            continue
        if i + 1 < n and lower[i + 1] in ("to", "that", "how", "and", "our"):
            continue
        out.append(i + 1)
    return out


# Cue words, compared with lower-cased tokens (a set lookup per sentence, not a regex scan).
COMPARE_WORDS = frozenset(
    """compare outperform outperforms outperformed outperforming surpass surpasses surpassed surpassing
    exceed exceeds exceeded exceeding beat beats beating compared comparison comparing than versus
    vs against superior excels""".split()
)
EVAL_WORDS = frozenset(
    """evaluate evaluated evaluates evaluating evaluation evaluations benchmark benchmarks experiments
    experiment tested test tests testing results validate validated validates achieve achieves
    achieved achieving accuracy performance state-of-the-art sota record improvement improvements
    scores""".split()
)
_LIST_CUES = frozenset(["such", "like", "including", "e.g", "namely"])


_LOWER_CAMEL = re.compile(r"^[a-z]{1,6}[A-Z](?:[A-Z]|[a-z]{2,}|-[A-Z])")


@lru_cache(maxsize=65536)
def shape(w: str) -> int:
    """STRONG for name-shaped tokens (GRPO, InstructGPT, T5, X-Magical), CAP for capitalised words."""
    if not w or not w[0].isalnum():
        return NONE
    if w[0].isdigit():
        # "2WikiMultihopQA": a digit-led name with capitals and lower case inside
        rest = w.lstrip("0123456789")
        ok = len(rest) >= 4 and sum(c.isupper() for c in rest) >= 2 and any(c.islower() for c in rest)
        return STRONG if ok else NONE
    if len(w) == 1 or _DOTTED_ABBREV.match(w):
        return NONE  # "U.S", "S.U.N": letters with dots abbreviate words
    if w[0].islower() and len(w) >= 4 and _LOWER_CAMEL.match(w):
        return STRONG  # "pixelSplat", "iTransformer", "nnU-Net", "vLLM": a lower-case prefix on a name
    parts = [p for p in re.split(r"[-\u2010\u2011]", w) if p]
    all_cap_parts = len(parts) > 1 and all(p[0].isupper() or p[0].isdigit() for p in parts)
    any_upper = False
    for p in parts:
        up = sum(c.isupper() for c in p)
        if up:
            any_upper = True
        if up >= 2:
            return STRONG
        if up and any(c.isdigit() for c in p) and (p[0].isalpha() or (_SIZE_PART.match(p) and parts[0][0].isupper())):
            return STRONG
        if all_cap_parts and len(p) == 1 and p.isupper():
            return STRONG
        if len(p) <= 2 and p.endswith("*") and p[0].isupper():
            return STRONG
    if w[0].isupper():
        if len(parts) >= 2 and parts[1] in _SIZE_WORDS and parts[0].lower() not in vocab.GENERIC_HEADS:
            return STRONG  # "Whisper-large-v3", "Roberta-base": a checkpoint name
        if len(parts) >= 2 and parts[-1] in ("Bench", "Arena", "Gym", "Suite"):
            return STRONG  # "Quill-Bench", "Robo-Arena": a benchmark name
        if w.endswith("++") and len(w) > 4:
            return STRONG  # "Transformer++", "Trajectron++": a named improvement of a thing
        return CAP
    return NONE if not any_upper else NONE


_DOTTED_ABBREV = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")
_SIZE_WORDS = frozenset("tiny small base medium large huge giant xl xxl".split())


_MODEL_TAGS = frozenset(
    """mini turbo preview chat instruct base large small tiny medium xl xxl pro plus nano lite flash
    vision coder math hf it o alpha beta gamma delta sigma omega zero dev schnell distill""".split()
)


# "Seed-TTS-eval", "Code-bench": a lower-case tail that makes a benchmark of a name
_BENCH_TAGS = frozenset(("eval", "bench", "test", "arena"))
_BENCH_TAIL = re.compile(r"[-_](?:eval|bench|test|arena)$", re.IGNORECASE)


@lru_cache(maxsize=65536)
def strip_suffix(w: str) -> str:
    """A name without a trailing lower-case word ("LLM-based" -> "LLM", "ControlNet-like" -> "ControlNet")."""
    parts = re.split(r"([-\u2010\u2011])", w)
    while len(parts) >= 3:
        last = parts[-1]
        if len(last) >= 3 and last.isalpha() and last.islower() and last not in _MODEL_TAGS and last not in _BENCH_TAGS:
            parts = parts[:-2]
        elif last in _LINK_WORDS:
            parts = parts[:-2]  # "LLM-as-a-judge" -> "LLM-as-a" -> "LLM-as" -> "LLM"
        elif last[:1].isupper() and last[1:].islower() and last.lower() in _TITLE_ADJ:
            parts = parts[:-2]  # "LLM-Guided", "OCR-Free" in a Title Case title
        else:
            break
    return "".join(parts)


_LINK_WORDS = frozenset("a an as of to in on by".split())
_TITLE_ADJ = frozenset(
    """guided free based aware driven derived conditioned augmented grounded specific agnostic
    centric style like level enhanced oriented informed assisted powered generated written
    labeled labelled annotated synthesized synthesised authored translated""".split()
)


_ADJ_TAIL = re.compile(
    r"(?:ed|ing|al|ive|ic|ous|ble|ful|less|ant|ent|ary|ory|like|based|free|wise|level|style|scale|only|aware|modal|step|"
    r"shot|turn|task|time|wide|size|sized|specific|centric|native|agnostic|friendly|ready|parameter|policy|"
    r"horizon|action|language|sample|value|weight|objective|learning|tuning|observation|divergence)$"
)


def _is_plural_acronym(w: str) -> bool:
    return len(w) > 2 and w.endswith("s") and w[-2].isupper()


@lru_cache(maxsize=65536)
def _title_head_type(title_tail: str) -> str | None:
    """Type implied by the head noun of the title text after "NAME:"."""
    words = re.findall(r"[\w][\w.+-]*", title_tail)
    if words and words[0].lower().endswith("ing") and words[0].lower() not in ("learning", "reasoning", "planning"):
        return None  # a verb phrase: "Evaluating Video World Models ..."
    head = None
    for w in words:
        lw = w.lower()
        if lw in vocab.CONNECTORS and lw not in ("the", "a", "an", "and"):
            break
        if lw in ("towards", "toward", "beyond", "using", "via", "across", "when", "is", "are", "as", "without", "against", "at", "into", "within", "versus", "vs"):
            break
        head = w
    if head is None:
        return None
    return vocab.kw_type(head.rstrip("s") if head.lower().endswith("ss") else head) or vocab.kw_type(head)


#: Evidence is the sentence that shows a role, up to this many characters (the longest
#: sentence of the fixtures and the dev set has 508); a longer one is cut to a window of
#: ``EVIDENCE_CONTEXT`` characters either side of the mention, so evidence never exceeds it.
EVIDENCE_MAX = 600
EVIDENCE_CONTEXT = 200
_CUT_SPACES = (" ", "\n", "\t")


class _Doc:
    """The per-text working state of the assembler: tokens, sentences, cue positions, and the
    occurrences found so far (``occ``, typed ``Occurrence`` values added with ``add``)."""

    def __init__(self, text: str, tokens, sents, lex: Lexicon, lower: list[str] | None = None, scan_hits=None):
        self.text = text
        self.sents = sents
        self.lex = lex
        self.words, self.starts, self.ends = tokens
        self.lower = lower if lower is not None and len(lower) == len(self.words) else list(map(str.lower, self.words))
        self.n = len(self.words)
        # the cue words of the rule families (_FAMILIES), found by one C-level scan (or the
        # pipeline's scan shared with the gazetteer: ``scan_hits``) and sorted into one
        # ascending position list per family (``where``)
        by_family: list[list[int]] = [[] for _ in _FAMILIES]
        low = self.lower
        if scan_hits is None:
            scan_hits = compress(range(self.n), map(_SCAN_WORDS.__contains__, low))
        for i in scan_hits:
            for k in _WORD_FAMILIES.get(low[i], ()):
                by_family[k].append(i)
        self._by_family = by_family
        self.sent_starts = list(map(_FIRST, sents))
        self.title_end = sents[0][1] if sents and "\n\n" in text else 0
        self._cues: dict[int, tuple[bool, int]] = {}
        self._eval_pos: list[int] | None = None
        self._compare_pos: list[int] = []
        self._stext: dict[int, str] = {}  # sentence_text by sentence index
        self._clause_start: dict[int, list[int]] = {}  # see _ends_opening_phrase
        self.known_type: dict[int, str] = {}
        self.cand: list[int] = []
        self.noun_list_type: dict[int, str] = {}
        self.def_explicit: set[str] = set()
        self.covered = [False] * self.n  # tokens that belong to an occurrence already
        self.caps_title = False  # the title is printed in capitals (set by ``assemble``)
        self.occ: list[Occurrence] = []  # every occurrence found, in the order found

    def add(self, a: int, b: int, kind: Kind, typ: str | None = None, tprio: float = Conf.NONE, rec=None, surface=None) -> Occurrence:
        """Record an occurrence of tokens ``a`` .. ``b`` (exclusive) and mark them covered."""
        o = Occurrence(a, b, surface or self.text[self.starts[a] : self.ends[b - 1]], kind, typ, tprio, rec)
        self.occ.append(o)
        covered = self.covered
        if b - a == 1:
            covered[a] = True
        else:
            for i in range(a, b):
                covered[i] = True
        return o

    def where(self, family: frozenset[str]) -> list[int]:
        """Ascending indices of the tokens whose lower-case form is in ``family``, one of ``_FAMILIES``.

        The list is the document's own: read it, do not change it.
        """
        return self._by_family[_FAMILY_INDEX[family]]

    def tok_at(self, char: int) -> int:
        """Index of the token starting at ``char`` (or -1)."""
        i = bisect.bisect_left(self.starts, char)
        return i if i < self.n and self.starts[i] == char else -1

    def tok_ending(self, char: int) -> int:
        i = bisect.bisect_left(self.ends, char)
        return i if i < self.n and self.ends[i] == char else -1

    def sent_index(self, i: int) -> int:
        """Index of the sentence that holds token ``i``."""
        return bisect.bisect_right(self.sent_starts, i) - 1

    def sent_start(self, i: int) -> int:
        return self.sents[self.sent_index(i)][0]

    def is_sentence_initial(self, i: int) -> bool:
        s = self.sent_starts[bisect_right(self.sent_starts, i) - 1]  # self.sent_start(i), inline
        # allow an opening quote or bracket before the first word
        return i == s or (i == s + 1 and not self.words[s][0].isalnum())

    def surface(self, a: int, b: int) -> str:
        return self.text[self.starts[a] : self.ends[b - 1]]

    def sentence_cues(self, k: int) -> tuple[bool, int]:
        """(has an evaluation word, index of the first comparison word or -1) for sentence ``k``."""
        got = self._cues.get(k)
        if got is None:
            if self._eval_pos is None:
                # the positions of both kinds of cue word, once per document (from the cue scan)
                self._eval_pos, self._compare_pos = self.where(EVAL_WORDS), self.where(COMPARE_WORDS)
            a, b = self.sents[k]
            pos = self._eval_pos
            j = bisect_left(pos, a)
            ev = j < len(pos) and pos[j] < b
            pos = self._compare_pos
            j = bisect_left(pos, a)
            cmp = pos[j] if j < len(pos) and pos[j] < b else -1
            got = self._cues[k] = (ev, cmp)
        return got

    def sentence_text(self, k: int) -> str:
        got = self._stext.get(k)
        if got is None:
            a, b = self.sents[k]
            got = self._stext[k] = "" if a >= b else self.text[self.starts[a] : self.ends[b - 1]].strip()
        return got

    def evidence(self, k: int, a: int, b: int) -> str:
        """The evidence for an occurrence of tokens ``a`` .. ``b`` in sentence ``k``.

        The whole sentence, unless it is longer than ``EVIDENCE_MAX`` characters (one
        sentence listing thousands of names): then a window of about ``EVIDENCE_CONTEXT``
        characters either side of the occurrence, cut at spaces, with "…" where it cuts.
        """
        got = self._stext.get(k)
        if got is None:
            got = self.sentence_text(k)
        if len(got) <= EVIDENCE_MAX:
            return got
        return self._window(k, a, b)

    def _window(self, k: int, a: int, b: int) -> str:
        sa, sb = self.sents[k]
        text, starts, ends, n = self.text, self.starts, self.ends, self.n
        lo0, hi0 = starts[sa], ends[sb - 1]
        # the occurrence's characters, inside the sentence (a token past the end: its start)
        ms = starts[a] if a < n else lo0
        me = ends[b - 1] if a < b <= n else ms
        ms = min(max(ms, lo0), hi0)
        me = min(max(me, ms), hi0)
        lo = max(lo0, ms - EVIDENCE_CONTEXT)
        hi = min(hi0, me + EVIDENCE_CONTEXT, lo + EVIDENCE_MAX - 2)  # (room for two "…")
        if lo > lo0 and not text[lo - 1].isspace():
            # start at the next word (unless one word runs up to the occurrence)
            cut = [p for p in map(text.find, _CUT_SPACES, repeat(lo), repeat(ms)) if p >= 0]
            if cut:
                lo = min(cut) + 1
        if hi < hi0 and not text[hi].isspace():
            # end after the last whole word (unless the occurrence itself is cut)
            cut = max(map(text.rfind, _CUT_SPACES, repeat(me), repeat(hi)))
            if cut >= 0:
                hi = cut
        return ("\u2026" if lo > lo0 else "") + text[lo:hi].strip() + ("\u2026" if hi < hi0 else "")


def assemble(
    text: str,
    tokens,
    sents,
    urls,
    definitions,
    gaz_matches,
    lex: Lexicon | None = None,
    lower: list[str] | None = None,
    scan_hits: list[int] | None = None,
) -> tuple[dict, ...]:
    """Fold everything found in one text into one mention dict per entity.

    ``scan_hits``: ascending indices of (at least) every token whose lower-case form is in
    ``SCAN_WORDS``, when a scan shared with another component found them (see the pipeline).
    """
    lex = lex or load_lexicon()
    d = _Doc(text, tokens, sents, lex, lower, scan_hits)
    d.caps_title = bool(d.title_end) and _caps_title(d.words[: d.title_end])
    n = d.n
    words, lower = d.words, d.lower
    covered, occ, add = d.covered, d.occ, d.add
    t_starts, t_ends = d.starts, d.ends

    # -- URLs
    url_occ: list[tuple[int, str, str]] = []
    for s, e, raw, canon in urls:
        i = bisect.bisect_right(d.starts, s) - 1
        if i >= 0:
            covered[i] = True
        url_occ.append((max(i, 0), raw, canon))

    # -- propose cues: token index where the object may start
    propose_at = [i for i in _propose_positions(d) if i < n]

    # -- acronym definitions (judged later, once we know what is proposed)
    defs = []
    for df in definitions:
        a, b = df["long_span"]
        sa, sb = df["short_span"]
        defs.append(df)
        for i in range(min(a, sa), max(b, sb)):
            covered[i] = True
        if sb < n and words[sb - 1] != ")" and sb < n and words[sb] == ")":
            covered[sb] = True

    # -- gazetteer matches on whole tokens, case-checked
    # the matcher yields by start, longest first: the order the overlap test needs
    for s, e, key in gaz_matches:
        # d.tok_at(s), d.tok_ending(e), inline
        a = bisect_left(t_starts, s)
        if a >= n or t_starts[a] != s:
            continue
        b1 = bisect_left(t_ends, e)
        if b1 >= n or t_ends[b1] != e or any(covered[a : b1 + 1]):
            continue
        rec = lex.records[key]
        surf = text[s:e]
        if (rec.exact or b1 == a) and not _case_ok_forms(surf, rec.forms, rec.exact):  # _case_ok(surf, rec)
            continue
        if lex.is_stop(surf):
            continue
        if b1 + 1 < n and lower[b1 + 1] in _NOT_A_NAME_AFTER:
            continue
        # Title Case makes every phrase look like a name: "... Score-based Diffusion Policies"
        if rec.exact and " " in rec.name and a < d.title_end:
            continue
        b = b1 + 1
        if d.caps_title and a < d.title_end:
            add(a, b, Kind.GAZ, rec.type, Conf.FIRM, rec)  # "IMPROVING BERT FINE-TUNING": capitals say nothing
            continue
        # a capitalised word glued right after: the rules below that look at the next word need one
        cap_after = b < n and words[b][:1].isupper() and d.starts[b] == t_ends[b1] + 1
        run = _typed_run_after(d, b) if cap_after and a >= d.title_end else None
        if run is not None:
            if run[1] is not None and (run[0] > b + 1 or rec.type in ("model", "method")):
                # "the Hanabi Learning Environment", "the AlphaFold Database": a longer name
                # that its own type noun ends
                add(a, run[0], Kind.NAME, run[1], Conf.APPOS)
            else:
                add(a, b, Kind.GAZ, rec.type, Conf.FIRM, rec)  # "the ImageNet Dataset", "MMLU Tasks": ImageNet, MMLU
            continue
        if rec.type in ("model", "method") and b < n and d.starts[b] == t_ends[b1] + 1 and _VIT_CHECKPOINT.match(words[b]):
            # "CLIP ViT-L/14", "DINOv2 ViT-S/14": a checkpoint of the known model, one entity with it
            add(a, b + 1, Kind.GAZ, rec.type, Conf.FIRM, rec)
            continue
        if (
            b1 == a
            and rec.type in ("model", "method")
            and "-" not in surf
            and b < n
            and d.starts[b] == d.ends[b - 1] + 1
            and shape(words[b]) == STRONG
            and not lex.is_stop(words[b])
            and lex.lookup(words[b]) is None
            and lex.variant_stem(words[b]) is None
            and lex.lookup(words[b].split("-")[0]) is None  # "CLIP ViT-L/14": two known names
        ):
            add(a, b + 1, Kind.NAME)  # "Swin UNETR": a known word in front of a new name makes one name
            continue
        if rec.type in ("benchmark", "dataset"):
            bt = _tail_end(d, b, False, rec.name[-1:].isdigit())
            if bt > b:
                add(a, bt, Kind.NAME, rec.type, Conf.FIRM)  # "BraTS 2021", "TREC DL 2019": an edition of a known set
                _more_editions(d, a, b, bt, rec.type, add)
                continue
        if cap_after and rec.type in ("benchmark", "dataset"):
            se = _split_setting_end(d, b)
            if se:
                # "CALVIN ABC→D", "CALVIN ABC-D": train on splits A-C, test on D; the suite is the entity
                add(a, se, Kind.GAZ, rec.type, Conf.FIRM, rec, surface=surf)
                continue
        if rec.type in ("benchmark", "dataset") and b < n and d.starts[b] == d.ends[b - 1] + 1 and (
            _VERSION_TOKEN.match(words[b])
            or (words[b].isupper() and 2 <= len(words[b]) <= 6 and not lex.is_stop(words[b]))
            or _name_word_after(d, b)  # "ISPRS Potsdam", "SWE-bench Multilingual"
        ):
            e = b + 1
            while e < n and e - b < 3 and d.starts[e] == d.ends[e - 1] + 1 and _name_word_after(d, e):
                e += 1  # "Yelp Review Polarity", "Amazon Review Full": the name goes on
            add(_data_word_before(d, a), _part_tail(d, e), Kind.NAME, rec.type, Conf.FIRM)  # "CALVIN ABC": a split of a known suite
            continue
        if rec.type in ("benchmark", "dataset") and (_data_word_before(d, a) < a or _part_tail(d, b) > b):
            # "Google Speech Commands", "Split CIFAR-100", "ShanghaiTech Part A": a longer name
            add(_data_word_before(d, a), _part_tail(d, b), Kind.NAME, rec.type, Conf.FIRM)
            continue
        if rec.type == "model":
            # "Gemini 1.5 Pro", "Claude 3.5 Sonnet", "Llama 3.1 8B": version and size tails
            b0 = b
            b = _tail_end(d, b, True, surf[-1:].isdigit())
            # "Grounding DINO": a capitalised word right before makes another model
            if (
                a - 1 >= d.title_end
                and shape(words[a - 1]) == CAP
                and not d.is_sentence_initial(a - 1)
                and lower[a - 1] not in vocab.SENT_STARTERS
                and lower[a - 1] not in vocab.LANGUAGES
                and d.starts[a] == d.ends[a - 1] + 1
                and not covered[a - 1]
            ):
                add(a - 1, b, Kind.NAME, rec.type, Conf.FIRM)
                continue
            if b < n and d.starts[b] == d.ends[b - 1] + 1 and lower[b] not in _TYPE_NOUNS and _name_word_after(d, b):
                b = _tail_end(d, b + 1, True)  # "FLUX.1 Kontext", "Stable Audio Open", "Aya Expanse 8B"
            if (
                b + 2 < n
                and words[b] == "["
                and words[b + 2] == "]"
                and d.starts[b] == d.ends[b - 1] + 1
                and words[b + 1].isalpha()
                and words[b + 1].islower()
                and len(words[b + 1]) <= 8
            ):
                b += 3  # "FLUX.1 Kontext [dev]", "FLUX.1 [schnell]": a release tier in brackets
            if b > b0:
                add(a, b, Kind.NAME, rec.type, Conf.FIRM)
                continue
        if rec.type == "method" and b < n and d.starts[b] == d.ends[b - 1] + 1 and _V_VERSION.match(words[b]):
            add(a, b + 1, Kind.NAME, rec.type, Conf.FIRM)  # "MoCo v3", "Point Transformer V3": a version of a method
            continue
        if (
            rec.type in ("model", "method")
            and a - 1 >= d.title_end
            and not covered[a - 1]
            and words[a - 1].isupper()
            and 2 <= len(words[a - 1]) <= 4
            and d.starts[a] == d.ends[a - 1] + 1
            and not lex.is_stop(words[a - 1])
            and lex.lookup(words[a - 1]) is None
        ):
            add(a - 1, b, Kind.NAME, rec.type, Conf.FIRM)  # "HT Demucs": an acronym that is no generic term names a variant
            continue
        add(a, b, Kind.GAZ, rec.type, Conf.FIRM, rec)

    # -- strong-shaped tokens, variant stems, "X Bench" (only tokens with a capital can be one)
    # a token with a capital differs from its lower-case form: one C-level comparison per token
    cand = list(compress(range(n), map(ne, words, lower)))
    shapes = list(map(shape, map(words.__getitem__, cand)))
    d.cand = cand
    d.cap_set = set(compress(cand, map(CAP.__eq__, shapes)))
    slash = "/" in text  # the "/-X" sizes below need a slash token
    for i, sh in zip(cand, shapes):
        if covered[i]:
            continue
        w = words[i]
        if slash and i >= 3 and words[i - 1] == "-" and words[i - 2] == "/" and d.starts[i] == d.ends[i - 1] == d.starts[i - 1] + 1:
            # "LineAR-B/-L/-XL": each "/-X" is a size of the name before the slashes
            fam = _slashed_family(d, i - 3)
            if fam:
                add(i, i + 1, Kind.NAME, surface=f"{fam}-{w}")
            continue
        if sh == CAP and "-" not in w:
            # a capitalised word is a name only as "X Bench"; the context rules see it later
            if i + 1 < n and lower[i + 1] in vocab.NAME_SUFFIX_BENCH and words[i + 1][0].isupper() and (
                not d.is_sentence_initial(i) and i >= d.title_end
            ):
                # "the Zebra Test Suite": capitalised words right before belong to the name
                a = i
                while (
                    a - 1 >= d.title_end
                    and a > i - 2
                    and not covered[a - 1]
                    and a - 1 in d.cap_set
                    and not d.is_sentence_initial(a - 1)
                    and lower[a - 1] not in vocab.SENT_STARTERS
                    and d.starts[a] == d.ends[a - 1] + 1
                ):
                    a -= 1
                add(a, i + 2, Kind.NAME, "benchmark", Conf.KNOWN)
            continue
        if sh == CAP and i >= d.title_end:
            # "Med-Flamingo", "Video-Gemini": a domain prefix on a known model is a new model
            last = w.rsplit("-", 1)[1]
            krec = lex.lookup(last) if last[:1].isupper() else None
            if krec is not None and krec.type == "model" and _case_ok(last, krec):
                add(i, i + 1, Kind.NAME, "model", Conf.FIRM)
                continue
        stripped = strip_suffix(w) if "-" in w else w
        if stripped != w and not _ADJ_TAIL.search(w) and (
            (i + 1 < n and _kw(lower[i + 1])) or lex.lookup(stripped) is not None
        ):
            # "SWE-smith dataset", "nuScenes-lidarseg": a lower-case part of a name, not "LLM-based"
            stripped = w
        if stripped != w:
            if (
                shape(stripped) == STRONG
                and not lex.is_stop(stripped)
                and not _is_plural_acronym(stripped)
                and w[len(stripped) + 1 :].lower() not in _METRIC_NOUNS  # "TM-score": a metric
            ):
                add(i, i + 1, Kind.NAME, surface=stripped)
            continue
        stem = lex.variant_stem(w) if sh != NONE else None
        if stem is not None:
            rec = lex.lookup(stem)
            vt = "model" if rec is None else rec.type
            if vt == "method" and _CHECKPOINT_TAIL.match(w, len(stem)):
                vt = "model"  # "SegFormer-B5", "UNet-L": a sized checkpoint of an architecture
            bt = _tail_end(d, i + 1, vt == "model", bool(_NUM_END.search(w)))
            o = add(i, bt if not any(covered[i + 1 : bt]) else i + 1, Kind.VARIANT, vt, Conf.FIRM)
            o.stem = stem
            continue
        if i + 1 < n and words[i + 1].lower() in vocab.NAME_SUFFIX_BENCH and words[i + 1][0].isupper() and (
            # "The ReproArena Benchmark": a name that stands alone keeps a generic noun out
            (sh == STRONG and lower[i + 1] not in _GENERIC_SUITE_NOUNS)
            or (sh == CAP and not d.is_sentence_initial(i) and i >= d.title_end)
        ):
            add(i, i + 2, Kind.NAME, "benchmark", Conf.KNOWN)
            continue
        if sh == STRONG:
            if lex.is_stop(w) and not _is_plural_acronym(w):
                continue
            if i + 3 < n and words[i + 1] == "(" and words[i + 3] == ")" and d.starts[i + 1] == d.ends[i] and (
                words[i + 2].isdigit() or len(words[i + 2]) == 1
            ):
                continue  # "SE(3)", "SO(3)", "GL(n)": a group or a function, written as maths
            a, b = i, i + 1
            bt = _tail_end(d, b, True, w[-1:].isdecimal())  # bool(_NUM_END.search(w))
            tail_from = b
            dn = _data_words_after(d, b)
            if dn > b:
                b = bt = dn  # "the Caltech-UCSD Birds dataset": capitalised words up to the data noun
            elif bt > b and not any(covered[b:bt]):
                b = bt  # "NaturalSpeech 3", "BraTS 2021", "Whisper large-v3"
            # "CALVIN ABC", "BridgeData V2": a short capital tail or version
            elif b < n and not covered[b] and d.starts[b] == d.ends[b - 1] + 1 and (
                _VERSION_TOKEN.match(words[b])
                or (words[b].isupper() and 2 <= len(words[b]) <= 6 and not lex.is_stop(words[b]))
                # "TREC DL 2019": a generic-looking capital tail counts when an edition follows
                or (words[b].isupper() and 2 <= len(words[b]) <= 4 and _tail_end(d, b + 1, False) > b + 1)
            ):
                b += 1
                tail_from = b
                bt = _tail_end(d, b, False)
                if bt > b and not any(covered[b:bt]):
                    b = bt
            # "Deep Q-Network": capitalised words right before, mid-sentence
            while (
                a - 1 >= d.title_end
                and not covered[a - 1]
                and ("-" not in words[a - 1] or strip_suffix(words[a - 1]) == words[a - 1])
                and shape(words[a - 1]) == CAP
                and not d.is_sentence_initial(a - 1)
                and lower[a - 1] not in vocab.SENT_STARTERS
                and lower[a - 1] not in vocab.LANGUAGES
                and d.starts[a] == d.ends[a - 1] + 1
                and a - 1 > i - 3
            ):
                a -= 1
            if a == i and i > d.title_end and w.isupper() and lower[i - 1].isalpha():
                a = _lower_prefix(d, i, b)  # "real NVP", "dense TARN"
            add(a, _part_tail(d, b), Kind.NAME)  # "ShanghaiTech Part A"
            if b > tail_from:
                _more_editions(d, a, tail_from, b, None, add)

    # -- capitalised names from context: "X dataset", "methods such as X or Y"
    _inner_lower_names(d, covered, add)
    _context_names(d, covered, add)
    _noun_then_list(d, covered, add)
    _coordinated_names(d, covered, add)

    # -- own system: title prefix and the object of "we propose"
    own_keys: set[str] = set()
    own_type_hints: dict[str, list[str | None]] = defaultdict(list)
    title_tail = ""
    if d.title_end:
        m = _TITLE_PREFIX_RE.match(text[: d.starts[d.title_end - 1] + 200].split("\n\n")[0])
        if m:
            prefix, title_tail = m.group(1), m.group(2)
            pk = match_key(prefix)
            prefix_end = len(prefix) + text.find(prefix)
            ptoks = [k for k in range(0, d.title_end) if d.starts[k] < prefix_end]
            if len(ptoks) == 1 or (" " not in prefix.strip()):
                pw = prefix.strip()
                # a plain capitalised word ("Kestrel: ...") counts when the abstract uses it as written
                plain_name = (
                    " " not in pw
                    and pw.lower() not in _TITLE_PREFIX_WORDS
                    and any(c.isalpha() for c in pw)
                    and _occurs_after(words, pw, d.title_end)
                )
                if shape(pw) == STRONG or plain_name or (re.search(r"[a-z][A-Z]|[A-Z].*[A-Z]|\d", prefix) and " " not in pw):
                    if not lex.lookup(prefix) and not lex.is_stop(prefix):
                        own_keys.add(pk)
                        if not any(o.start == 0 and match_key(o.surface) == pk for o in occ):
                            add(0, len(ptoks) or 1, Kind.OWN, surface=prefix.strip())
            else:
                own_keys.add("title:" + pk)  # multi-word prefix: own only if the abstract names it too
    title_type = _title_head_type(title_tail) if title_tail else None

    cand_starts = sorted(
        [(o.start, o) for o in occ] + [(df["long_span"][0], df) for df in defs], key=_FIRST
    ) if propose_at else []
    cand_pos = list(map(_FIRST, cand_starts))
    proposed_defs: set[int] = set()
    for p in propose_at:
        sent_end = d.sents[d.sent_index(p)][1] if p < n else n
        j = bisect.bisect_left(cand_pos, p)
        picked = _propose_title_case(d, p, sent_end, covered, add, own_keys, own_type_hints)
        while not picked and j < len(cand_starts) and cand_starts[j][0] < min(p + 13, sent_end):
            pos, item = cand_starts[j]
            # the object comes before any clause that uses something else ("trained on X")
            if any(words[k] in (";", ":") or d.lower[k] in _OBJECT_STOP for k in range(p, pos)):
                break
            if isinstance(item, dict):  # a definition (an occurrence otherwise)
                if lex.is_stop(item["short"]) or lex.is_stop(item.get("inner_short", "")):
                    j += 1
                    continue
                proposed_defs.add(id(item))
                own_keys.add(match_key(item["short"]))
                own_type_hints[match_key(item["short"])].append(_between_type(d, p, pos))
                picked = True
                break
            if item.kind is Kind.GAZ or (item.rec is not None):
                j += 1
                continue
            k = match_key(item.surface)
            own_keys.add(k)
            # "we introduce a benchmark, X" / "we introduce X, a data mixing law"
            own_type_hints[k].append(
                _apposition_type(d, item.end) or _between_type(d, max(0, p - 3), pos) or _antecedent_type(d, p)
            )
            picked = True
            break
        if not picked:
            picked = _propose_dash_name(d, p, sent_end, covered, add, own_keys, own_type_hints)
        if not picked:
            _propose_title_phrase(d, p, sent_end, add, own_keys, text)

    # every later use of a one-word own name, as written ("Kestrel" in the title and the abstract)
    singles = {k for k in own_keys if not k.startswith("title:")}
    if singles:
        # candidates by lower-case form (one C-level set test per token), then the exact key
        low_forms = {o.surface.lower() for o in occ if o.kind == Kind.OWN} | singles
        if len(low_forms) == 1:
            hits = positions(lower, next(iter(low_forms)))  # one form (the usual case): list.index scans
        else:
            hits = compress(range(n), map(low_forms.__contains__, lower))
        for i in hits:
            if i >= d.title_end and not covered[i] and shape(words[i]) != NONE and match_key(words[i]) in singles:
                add(i, i + 1, Kind.OWN)

    # -- judge definitions
    link: dict[str, str] = {}  # long key -> short key
    generic: set[str] = set()
    def_long: dict[str, list[str]] = defaultdict(list)
    def_type: dict[str, str | None] = {}
    for df in defs:
        short, long = df["short"], df["long"]
        sk = match_key(short[:-1] if _is_plural_acronym(short) else short)
        ok, typ = _judge_definition(df, id(df) in proposed_defs or sk in own_keys, lex)
        if not ok and not lex.is_stop(short) and not lex.is_stop(long):
            cued = _definition_cue(d, df)
            if cued:
                ok, typ = True, cued  # "our approach, gated graph routing (GGR)": one named thing
        if not ok:
            generic.add(sk)
            continue
        a, b = df["long_span"]
        sa, sb = df["short_span"]
        o_long = add(a, b, Kind.LONG, surface=long)
        if _is_plural_acronym(short):
            short = short[:-1]  # "GP-VAEs" defines GP-VAE
        o_short = add(sa, sb, Kind.SHORT, surface=short)
        o_long.def_short = short
        o_short.def_short = short
        link[match_key(long)] = match_key(short)
        def_long[match_key(short)].append(long)
        def_type[match_key(short)] = typ
        if _long_head_explicit(long):
            d.def_explicit.add(match_key(short))
        nxt = _next_word_type(d, max(b, sb) + (1 if max(b, sb) < n and words[max(b, sb)] == ")" else 0))
        if typ in ("benchmark", "dataset") and match_key(short) in d.def_explicit:
            # "the Open Graph Benchmark (OGB) datasets X and Y": the long form names the type
            o_short.type, o_short.tprio = typ, Conf.DEFINED
        elif nxt:
            o_short.type, o_short.tprio = nxt, Conf.APPOS
        if "title:" + match_key(long) in own_keys:
            own_keys.add(match_key(short))
    # later mentions of a defined long form, anywhere (title included)
    if def_long:
        _long_form_mentions(d, text, occ, def_long, add)
    # a multi-word title prefix the abstract also names ("Align Anything" / "align-anything")
    for k in [k for k in own_keys if k.startswith("title:")]:
        pk = k[6:]
        for o in occ:
            if match_key(o.surface) == pk:
                own_keys.add(pk)
        if pk not in own_keys:
            for a in [i for i in compress(range(n), map(contains, words, repeat("-"))) if i >= d.title_end]:
                if match_key(words[a]) == pk:
                    add(a, a + 1, Kind.OWN, surface=words[a])
                    own_keys.add(pk)
                    own_type_hints[pk].append(_next_word_type(d, a + 1))
                    tp = text[: d.ends[d.title_end - 1]]
                    j = tp.find(":")
                    if j > 0:
                        o = add(0, 1, Kind.OWN, surface=tp[:j].strip())
                        o.alias_only = True
                    break

    # types of names the gazetteer knows, by token: a sibling in a list takes the same type
    typed = [o for o in occ if o.type and o.tprio >= Conf.FIRM]
    d.known_type = {o.start: o.type for o in typed}
    d.known_type.update({o.end - 1: o.type for o in typed})

    # -- a name glued to a short lower-case tail ("FuSeis") is the name it extends
    surfaces = {o.surface for o in occ if o.kind != Kind.CTX}
    for o in occ:
        sf = o.surface
        if o.kind != Kind.NAME:
            continue
        if not sf[-1:].isalpha() or sf[-1].isupper():
            continue  # every tail below holds the last character: it must be a letter, not a capital
        for k in (1, 2, 3):
            head, tail = sf[:-k], sf[-k:]
            if len(head) > 1 and tail.isalpha() and tail.islower() and head in surfaces and shape(head) == STRONG:
                o.surface = head
                o.glued = True
                break

    if d.caps_title:
        _drop_caps_title_words(d, occ)

    # -- group occurrences into entities
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def union(x: str, y: str) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[rx] = ry

    for o in occ:
        k = match_key(o.surface)
        o.key = k
        parent.setdefault(k, k)
        if o.def_short:
            union(k, match_key(o.def_short))
        if o.rec is not None:
            # union(k, "gaz:" + key), inline: both are usually their own roots
            gk = "gaz:" + o.rec.key
            rx = k if parent[k] == k else find(k)
            ry = gk if parent.get(gk, gk) == gk else find(gk)
            if rx != ry:
                parent[rx] = ry
    for lk, sk in link.items():
        parent.setdefault(lk, lk)
        parent.setdefault(sk, sk)
        union(lk, sk)
    # size variants of the paper's own system are the same system ("MMaDA-8B")
    # ... and so are those of any system the text also names by its family name ("MusicGen"
    # and "MusicGen-Large"): one entity, the family name canonical, the variant an alias
    occ_keys = {o.key for o in occ}
    for o in occ:
        fam = family_of(o.surface)
        if not fam:
            continue
        fk = match_key(fam)
        if fk in own_keys and (_other_system(o, fk, own_type_hints) or _K_SIZE.search(o.surface)):
            continue  # (and "CTS-38K" counts examples: the data the CTS method made, not a size of it)
        # (a variant the gazetteer knows as its own artifact stays apart: "Objaverse-XL")
        if fk in own_keys or (fk in occ_keys and fk not in generic and o.rec is None and lex.lookup(o.surface) is None):
            union(o.key, fk)
            o.variant_of_own = True

    groups: dict[str, list[Occurrence]] = defaultdict(list)
    for o in occ:
        k = o.key
        r = parent[k]
        # most keys are a root or one step from it (a gazetteer key): find() only for longer paths
        groups[r if parent.get(r, r) == r else find(k)].append(o)

    mentions: list[dict] = []
    for root, items in groups.items():
        if len(items) == 1:
            # one occurrence: the same tests as below, without the sets and generators
            o = items[0]
            k0, sf = o.key, o.surface
            is_own = k0 in own_keys
            if not is_own and (k0 in generic or lex.is_stop(sf)):
                continue
            if o.kind == Kind.NAME and _is_plural_acronym(sf):
                continue
            if not is_own and o.rec is None and _is_metric(d, o):
                continue
        else:
            keys = {o.key for o in items}
            is_own = bool(keys & own_keys)
            if keys & generic and not is_own:
                continue
            if not is_own and all(lex.is_stop(o.surface) for o in items):
                continue
            # plural-only acronyms ("LLMs") that nothing defined: a class, not a thing
            if all(_is_plural_acronym(o.surface) and o.kind == Kind.NAME for o in items):
                continue
            # a metric: "PDM score", "L2 error", "W4A4" (a precision setting)
            if not is_own and all(o.rec is None and _is_metric(d, o) for o in items):
                continue
        # a lone capitalised word from context needs to look like a name
        m = _build_mention(d, items, is_own, own_type_hints, title_type, def_type, lex)
        if m is not None:
            mentions.append(m)
    _list_sibling_types(d, mentions)
    for m in mentions:
        del m["_conf"], m["_items"]

    # -- URLs
    seen_urls: dict[str, dict] = {}
    for i, raw, canon in url_occ:
        typ = "github" if is_github(canon) else "url"
        k = canon
        if k in seen_urls:
            seen_urls[k]["count"] += 1
            continue
        aliases = (raw,) if raw != canon and raw.rstrip("/") != canon or (raw != canon and typ == "url") else ()
        seen_urls[k] = {
            "name": canon,
            "type": typ,
            "aliases": tuple(a for a in aliases if a != canon),
            "role": "code",
            "evidence": d.evidence(d.sent_index(i), i, i + 1) if n else "",
            "count": 1,
            "family": None,
        }
    mentions.extend(seen_urls.values())
    return tuple(mentions)


def _caps_title(title_words: list[str]) -> bool:
    """Whether a title is printed in capitals ("DEEP GENERATIVE CLASSIFIERS FOR ..."): then
    every word has the shape of an acronym and the shape says nothing."""
    # (C-level counts: a word with cased letters differs from its upper or lower form)
    uppers = list(map(str.upper, title_words))
    cased = sum(map(ne, map(str.lower, title_words), uppers))
    upper = cased - sum(map(ne, title_words, uppers))
    return upper >= 3 and upper >= 0.8 * cased


def _drop_caps_title_words(d: _Doc, occ: list[Occurrence]) -> None:
    """In an ALL-CAPS title, keep only names the gazetteer, a definition or the abstract attests.

    "ROPENET: NEURAL KNOT TYING" with "We present RopeNet" keeps ROPENET (as an alias: the
    abstract's capitals name it); "GENERATIVE" or "LEARNING SPARSE" is no name. A known name
    ("IMAGENET") stays, spelled as the gazetteer spells it, and so does anything defined in
    the title.
    """
    te = d.title_end
    later = {match_key(o.surface) for o in occ if o.start >= te}
    keep: list[Occurrence] = []
    for o in occ:
        if o.start < te and o.kind not in (Kind.LONG, Kind.SHORT):
            k = match_key(o.surface)
            if k in later:
                o.alias_only = True  # the abstract's capitals name it
            elif o.rec is None:
                continue
            elif match_key(o.rec.name) == k:
                o.canonical = o.rec.name  # "IMAGENET" only in the title: the gazetteer spells it
        keep.append(o)
    occ[:] = keep


def _long_form_mentions(d: _Doc, text: str, occ: list[Occurrence], def_long: dict[str, list[str]], add) -> None:
    """Later mentions of a defined long form, anywhere (title included).

    Every place where a long form's lower-case text starts and ends on token boundaries is
    an occurrence of it, unless an occurrence of a long form already holds its first token;
    the names found there before (not definitions or the paper's own system) give way to it.

    Linear in the hits: a long form is looked for once however often it is defined (a second
    search finds only places the first one took), whether a long form holds a token is one
    list lookup, and the names that give way are dropped in one pass at the end (only long
    forms are added meanwhile, and only other kinds are dropped, so the result is the same
    as dropping them at each hit).
    """
    n = d.n
    in_long: set[int] = set()  # tokens an occurrence of a long form holds
    for s, e in [(o.start, o.end) for o in occ if o.kind == Kind.LONG]:
        in_long.update(range(s, e))
    dropped: list[tuple[int, int]] = []  # (a, b1): the token spans of the added occurrences
    low_text = text.lower()
    searched: set[str] = set()
    tok_at, tok_ending = d.tok_at, d.tok_ending
    for sk, longs in def_long.items():
        for long in longs:
            ll = long.lower()
            if ll in searched or not ll:
                continue
            searched.add(ll)
            size = len(ll)
            pos = low_text.find(ll)
            while pos >= 0:
                a = tok_at(pos)
                if a >= 0 and a not in in_long:
                    b1 = tok_ending(pos + size)
                    if b1 >= 0:
                        dropped.append((a, b1))
                        o = add(a, b1 + 1, Kind.LONG, surface=text[pos : pos + size])
                        o.def_short = sk
                        in_long.update(range(a, b1 + 1))
                pos = low_text.find(ll, pos + 1)
    if not dropped:
        return
    keep_kinds = (Kind.LONG, Kind.SHORT, Kind.OWN)
    if len(dropped) <= 8:
        # a few spans (the usual case): the plain test
        occ[:] = [
            o for o in occ if o.kind in keep_kinds or not any(o.start <= b1 and a < o.end for a, b1 in dropped)
        ]
        return
    # tokens inside any added span, as prefix counts: does an occurrence overlap one?
    depth = [0] * (n + 2)
    for a, b1 in dropped:
        depth[a] += 1
        depth[b1 + 1] -= 1
    inside = [0] * (n + 1)
    run = 0
    for i in range(n):
        run += depth[i]
        inside[i + 1] = inside[i] + (run > 0)

    def overlaps(o: Occurrence) -> bool:
        s, e = o.start, o.end
        if e > s:
            s, e = max(s, 0), min(e, n)
            return e > s and inside[e] > inside[s]
        return any(s <= b1 and a < e for a, b1 in dropped)  # (an empty span: the plain test)

    occ[:] = [o for o in occ if o.kind in keep_kinds or not overlaps(o)]


_METRIC_NOUNS = frozenset("score scores error errors metric metrics distance rate rates".split())
_PRECISION_RE = re.compile(r"^W\d+A\d+(?:KV\d+)?$")


def _is_metric(d: _Doc, o: Occurrence) -> bool:
    """A measured quantity, not an artifact: "PDM score", "L2 error", "W4A4" bit widths."""
    if _PRECISION_RE.match(o.surface):
        return True
    e = o.end
    return e < d.n and d.lower[e] in _METRIC_NOUNS and o.kind in (Kind.NAME, Kind.CTX)


_CHAIN_GAP = frozenset([",", "and", "or", "&", "(", ")", "the"])
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)


def _closes_opening_phrase(d: _Doc, comma: int, after: int) -> bool:
    """Whether the comma at ``comma`` ends an opening phrase and the name ending before
    ``after`` is the subject that follows ("Applied to A and B, OurNet removes ...")."""
    lower = d.lower
    if lower[comma] != "," or (after < d.n and lower[after] in (",", "and", "or", "&")):
        return False
    return _ends_opening_phrase(d, comma - 1, comma)


def _list_sibling_types(d: _Doc, mentions: list[dict]) -> None:
    """Names in one coordinated list share a type: "on ETTh1, ETTh2 and ETTm1", "A, B and C".

    The member whose type is best attested sets the type of weaker members: a name typed
    only by its shape or a weak cue takes the type of a sibling known from the gazetteer or
    a head noun. Role and evidence follow the new type.
    """
    if not _may_retype(mentions):
        return
    occs = [(o.start, o.end, id(m), m) for m in mentions for o in m["_items"] if o.end > o.start]
    occs.sort(key=_FIRST)
    if len(occs) < 2:
        return
    lower = d.lower
    # occs[j] continues the list of occs[j - 1] across one to four gap tokens, all separators
    # or the like and at least one a real separator (gap lengths first, in C), unless the
    # comma closes an opening phrase and occs[j] is the subject after it
    near = [j for j, g in enumerate(map(sub, map(_FIRST, occs[1:]), map(_SECOND, occs)), 1) if 0 < g <= 4]
    linked = [
        j
        for j in near
        if _CHAIN_GAP.issuperset(gap := lower[occs[j - 1][1] : occs[j][0]])
        and any(w in (",", "and", "or", "&") for w in gap)
        and not _closes_opening_phrase(d, occs[j - 1][1], occs[j][1])
    ]
    # a chain: a maximal run of linked pairs j0..j1, the occurrences j0 - 1 .. j1
    chains: list[list[tuple]] = []
    j0 = j1 = -2
    for j in linked:
        if j == j1 + 1:
            j1 = j
            continue
        if j1 >= 0:
            chains.append(occs[j0 - 1 : j1 + 1])
        j0 = j1 = j
    if j1 >= 0:
        chains.append(occs[j0 - 1 : j1 + 1])
    for chain in chains:
        members = {t[2]: t[3] for t in chain}
        if len(members) < 2:
            continue
        best = max(members.values(), key=lambda m: m["_conf"])
        if best["_conf"] < Conf.SIBLING or best["type"] not in ("model", "method", "dataset", "benchmark"):
            continue
        # siblings disagree at the top: leave them be
        if any(m["_conf"] >= Conf.FIRM and m["type"] != best["type"] for m in members.values()):
            continue
        for m in members.values():
            if m["_conf"] < min(Conf.FIRM, best["_conf"]) and m["type"] != best["type"] and m["type"] in (
                "model", "method", "dataset", "benchmark"
            ):
                own = m["role"] == "proposes"
                if own:
                    continue
                m["type"] = best["type"]
                m["_conf"] = best["_conf"] - 0.01
                m["role"], m["evidence"] = _role_and_evidence(d, m["_items"], m["type"], False)
                if m["type"] != "model":
                    m["family"] = None


_SIBLING_TYPES = frozenset(("model", "method", "dataset", "benchmark"))


def _may_retype(mentions: list[dict]) -> bool:
    """Whether ``_list_sibling_types`` can change any mention: a weakly typed one (below 2,
    not the paper's own) and a better attested one (1.2 or more) of another type.

    Without such a pair no chain changes anything (the first change needs one), and most
    texts have none: the chains need not be built.
    """
    weak = [m for m in mentions if m["_conf"] < Conf.FIRM and m["type"] in _SIBLING_TYPES and m["role"] != "proposes"]
    if not weak:
        return False
    # the least confidence of a weak mention of each type: one pass, not weak x mentions
    least: dict[str, float] = {}
    for w in weak:
        t, c = w["type"], w["_conf"]
        if c < least.get(t, 2):
            least[t] = c
    return any(
        b["_conf"] >= Conf.SIBLING and b["type"] in _SIBLING_TYPES and any(t != b["type"] and c < b["_conf"] for t, c in least.items())
        for b in mentions
    )


def _occurs_after(words: list[str], w: str, start: int) -> bool:
    """Whether ``w`` is one of ``words[start:]`` (without copying the list)."""
    try:
        words.index(w, start)
    except ValueError:
        return False
    return True


def _case_ok(surface: str, rec) -> bool:
    """A single-word (or exact-case) gazetteer hit must keep the capitals of one of its forms."""
    return _case_ok_forms(surface, rec.forms, rec.exact)


@lru_cache(maxsize=65536)
def _case_ok_forms(surface: str, forms: tuple[str, ...], exact: bool) -> bool:
    """``_case_ok`` on the record's forms and case flag (the same hits recur across a corpus)."""
    if surface in forms:
        return True
    for f in forms:
        if f.replace("-", " ") == surface or f.replace("-", "") == surface:
            return True
    if exact:
        return False
    if "-" in surface and not surface.isalpha() and any(c.isdigit() for c in surface):
        return True  # "bge-m3" for "BGE-M3": a hyphenated word with a digit is no ordinary word
    # "Minigrid" for "MiniGrid": a long CamelCase name with its inner capitals lowered (short
    # ones would turn words into names: "Palm", "Cola")
    if len(surface) >= 8 and surface[0].isupper() and surface[1:].islower():
        if any(f[0] == surface[0] and f[1:].lower() == surface[1:] and not f[1:].islower() for f in forms):
            return True
    # same letters, and at least as many capitals as the least-capitalised form
    min_caps = min(sum(c.isupper() for c in f) for f in forms)
    return sum(c.isupper() for c in surface) >= min_caps and surface[:1].isupper() == any(f[:1].isupper() for f in forms)


_CUE_NOUNS = vocab.DATA_KW | vocab.BENCH_KW
_CTX_MAX_WORDS = 4  # capitalised words a "<name> dataset" name may have before its type noun
_WALK_SEPS = frozenset((",", "and", "or", "&"))


_INNER_CONNECTORS = frozenset("of in at from about on for with without under over into through across".split())
_NO_NAME_NOUNS = frozenset(("metric", "metrics", "measure", "measures", "score", "scores"))


def _cap_run(d: _Doc, j: int, limit: int) -> int:
    """End of the run of capitalised words from ``j`` (at most ``limit``), glued by single spaces."""
    k = j
    while k < d.n and k - j < limit and k in d.cap_set and not d.covered[k] and d.words[k].isalpha() and (
        k == j or d.starts[k] == d.ends[k - 1] + 1
    ):
        k += 1
    return k


def _run_recurs(d: _Doc, i: int) -> bool:
    """Whether the capitalised run that opens a sentence at ``i`` is written again elsewhere
    in the text, first word and all: then the first word is part of the name ("Residual Echo
    Units are ... We show that Residual Echo Units ...")."""
    if d.lower[i] in vocab.SENT_STARTERS:
        return False
    j = i
    while j < d.n and j - i < 4 and j in d.cap_set and not d.covered[j]:
        j += 1
    return j - i >= 2 and d.text.count(d.surface(i, j)) >= 2


def _coordinated_run(d: _Doc, k: int, back: bool = False) -> bool:
    """Whether the capitalised word at ``k``, across "and"/"or" from a run, starts (``back``:
    ends) a run of three or more capitalised words of its own: "Deformable Memory Readers and
    Stacked Pointer Machines" are two names, not one Title Case phrase (two-word runs are
    often places or organisations: "Central Asia and Sub-Saharan Africa")."""
    if d.lower[k + 1 if back else k - 1] not in ("and", "or"):
        return False
    step = -1 if back else 1
    run = [k, k + step, k + 2 * step]
    return all(0 <= x < d.n and x in d.cap_set and not d.is_sentence_initial(x) for x in run)


_GENERIC_MODIFIERS = frozenset(
    "deep neural convolutional recurrent artificial feedforward feed-forward multilayer multi-layer shallow spiking bayesian".split()
)


def _named_architecture_run(d: _Doc, i: int, j: int) -> bool:
    """A run of three or more capitalised words ending in an architecture noun names one design
    ("Stacked Pointer Machines", "Deformable Memory Readers" need no such test), unless it is a
    kind of neural network ("Graph Neural Networks"), only generic modifiers ("Deep
    Convolutional Networks"), or a generic class spelled out ("Support Vector Machines": SVM)."""
    low = d.lower[i:j]
    if len(low) < 3 or low[-1] not in _ARCHITECTURE_HEADS or low[-2] == "neural":
        return False
    if all(w in _GENERIC_MODIFIERS for w in low[:-1]):
        return False
    initials = "".join(w[0] for w in low)
    return initials not in d.lex.stop and not d.lex.is_stop(d.surface(i, j))


def _inner_lower_names(d: _Doc, covered: list[bool], add) -> None:
    """Title Case names with small lower-case words inside: "Faces in the Crowd", "Songs from the Valley".

    Capitalised runs joined by a preposition (and a determiner) are one name when the words
    after it say what it is: a type noun ("the Dogs in the Snow dataset") or an apposition
    ("Hands at Work, a dataset of ..."; not a metric: "Intersection over Union, a metric").
    Without such a cue the phrase is left alone (and its parts are no names either).
    """
    words, lower, n, te = d.words, d.lower, d.n, d.title_end
    for k in sorted(d.cap_set):
        if k < te or k + 2 >= n or lower[k + 1] not in _INNER_CONNECTORS or covered[k]:
            continue
        # the run before the connector, back to its first word (not one that opens the sentence)
        a = k
        while (
            a - 1 >= te
            and a - 1 in d.cap_set
            and not covered[a - 1]
            and k - a < 3
            and d.starts[a] == d.ends[a - 1] + 1
            and lower[a - 1] not in vocab.SENT_STARTERS
        ):
            a -= 1
        if d.is_sentence_initial(a) or lower[a] in vocab.SENT_STARTERS or not _member_shaped(words[a]):
            continue
        e = k + 1
        while e < n and e - a < 10 and lower[e] in _INNER_CONNECTORS:
            j = e + 1
            if j < n and lower[j] in _DETERMINERS:
                j += 1
            r = _cap_run(d, j, 3)
            if r == j or any(lower[x] in vocab.SENT_STARTERS for x in range(j, r)):
                break
            e = r
        if e <= k + 1:
            continue
        t = _next_word_type(d, e) if e < n and _kw(lower[e]) else _apposition_type(d, e)
        if t is None or not _NO_NAME_NOUNS.isdisjoint(lower[e : e + 10]) or d.lex.is_stop(d.surface(a, e)):
            continue
        add(a, e, Kind.CTX, t, Conf.APPOS)


def _context_names(d: _Doc, covered: list[bool], add) -> None:
    """Capitalised phrases typed by their context: "Summary dataset", "methods such as X or Y"."""
    words, lower, n = d.words, d.lower, d.n
    te = d.title_end
    # where a walk back from a token over separators and names found got to: tokens stay
    # covered, so a later walk over the same list jumps instead of stepping (path
    # compression: linear, not quadratic, in a list of thousands of names)
    jump: dict[int, int] = {}
    for i in d.where(_CUE_NOUNS):
        t = _kw(lower[i])
        if i >= te and lower[i] != "tasks" and i > 0:
            # walk back over a list of names: "the A, B, and C datasets"
            j = i - 1
            while j >= te:
                if words[j] in _WALK_SEPS or covered[j]:
                    # separators and existing occurrences: skip to the word before them
                    path = []
                    while j >= te and (words[j] in _WALK_SEPS or covered[j]):
                        path.append(j)
                        j = jump.get(j, j - 1)
                    for k in path:
                        jump[k] = j
                    continue
                b = j + 1
                a = j
                while a >= d.title_end and shape(words[a]) == CAP and not covered[a] and b - a <= _CTX_MAX_WORDS:
                    a -= 1
                a += 1
                # a run right after a name continues it ("Hanabi Learning Environment"): leave it
                glued_left = a - 1 >= 0 and covered[a - 1] and d.starts[a] == d.ends[a - 1] + 1
                if a < b and not glued_left and not d.is_sentence_initial(a) and lower[a] not in vocab.SENT_STARTERS:
                    if all(lower[k] not in vocab.SENT_STARTERS for k in range(a, b)):
                        # "the Song Describer Dataset": a capitalised type noun right after is part of the name
                        whole = b == i and words[i][0].isupper() and d.starts[i] == d.ends[i - 1] + 1
                        add(a, b + 1 if whole else b, Kind.CTX, t, Conf.APPOS)
                        j = a - 1
                        if j >= 0 and (covered[j] or words[j] in (",", "and", "or", "&")):
                            continue  # another member of the list
                break  # (a capitalised word right before is not: "Big Kestrel Image Quality Dataset")
    # runs of two or more capitalised words mid-sentence: "generated using Anthropic Personas"
    cap_set = d.cap_set
    run_starts = cap_set.intersection(map(_MINUS_1, cap_set))  # i + 1 is capitalised too ...
    run_starts.difference_update(map(_PLUS_1, cap_set))  # ... and i - 1 is not
    if te in cap_set and te + 1 in cap_set and lower[te] in vocab.SENT_STARTERS:
        run_starts.add(te)  # "Unlike Gated Residual Lattices, ...": the abstract's first word, whatever ends the title
    for i in sorted(run_starts):
        if i < d.title_end:
            continue
        if (d.is_sentence_initial(i) or lower[i] in vocab.SENT_STARTERS) and not _run_recurs(d, i):
            i += 1  # "Using Anthropic Personas ...": a run may start after the first word
            if i + 1 not in cap_set or lower[i] in vocab.SENT_STARTERS:
                continue
        if covered[i]:
            continue
        if i > 0 and words[i - 1] in (")", ":", ";") or (i > 0 and not words[i - 1][:1].isalnum() and words[i - 1] not in (",", "(")):
            continue
        if i >= 2 and words[i - 1] == "s" and words[i - 2] in ("'", "\u2019"):
            continue  # "Bird's Eye View": the run started before the possessive
        if i > 0 and covered[i - 1] and d.starts[i] == d.ends[i - 1] + 1:
            continue  # continues a name already found ("Hanabi Learning Environment")
        j = i
        while j < n and not covered[j] and shape(words[j]) == CAP and j - i < 4:
            j += 1
        # part of a longer Title Case phrase ("Harmonization of On- and Off-Policy ...")?
        three = j - i >= 3  # (a run of three words coordinated with another: two names)
        longer = (
            j + 1 < n and lower[j] in vocab.CONNECTORS and shape(words[j + 1]) != NONE and not (three and _coordinated_run(d, j + 1))
        ) or (
            i >= 2 and lower[i - 1] in vocab.CONNECTORS and shape(words[i - 2]) != NONE
            and not (three and _coordinated_run(d, i - 2, back=True))
        ) or (
            # "Lanterns of the Old Town": the run ends a longer Title Case name
            # (not a unit after a number: "48 Hz on a Jetson Orin")
            i >= 4 and lower[i - 1] in _DETERMINERS and lower[i - 2] in _INNER_CONNECTORS
            and shape(words[i - 3]) == CAP and len(words[i - 3]) >= 3 and not d.is_sentence_initial(i - 3)
            and not words[i - 4][:1].isdigit()
        )
        if j - i >= 2 and not longer and not (j < n and covered[j]) and (
            lower[j - 1] not in vocab.CAP_RUN_GENERIC or _named_architecture_run(d, i, j)
        ):
            if lower[j - 1] == "project" and j - i >= 2 and not any(
                lower[k] in vocab.SENT_STARTERS or lower[k] in vocab.TOOLS for k in range(i, j - 1)
            ):
                add(i, j, Kind.CTX, "dataset", Conf.SIZE)  # "the Materials Project", "the Human Connectome Project": data
            elif not any(lower[k] in vocab.SENT_STARTERS or lower[k] in vocab.TOOLS for k in range(i, j)):
                last = words[j - 1]
                bare = strip_suffix(last) if "-" in last else last
                if bare != last:
                    # "Diffusion Forcing-style noise": the name without its adjective tail
                    add(i, j, Kind.CTX, surface=d.text[d.starts[i] : d.starts[j - 1] + len(bare)])
                    continue
                jt = _tail_end(d, j, False)
                add(i, jt if not any(covered[j:jt]) else j, Kind.CTX)  # "Common Voice 17.0"

    # lists after "such as / like / e.g. / including" whose members include a name
    # ... and "four benchmarks (A, B, C, and D)": a bracketed list after a type noun
    starts_of_lists = sorted(
        d.where(_LIST_CUES)
        + [i for i in char_positions(d.text, d.starts, "(") if i > 0 and _kw(lower[i - 1])]
    )
    for i in starts_of_lists:
        if i < d.title_end:
            continue
        if lower[i] == "such" and (i + 1 >= n or lower[i + 1] != "as"):
            continue
        j = i + (2 if lower[i] == "such" else 1)
        if words[i] == "(" and j < n and lower[j] in ("e.g", "i.e"):
            j += 1
        sent_end = d.sents[d.sent_index(i)][1]
        members = []
        while j < sent_end and len(members) < 8:
            w = words[j]
            if w in (",", "and", "or", ".", "(") or (w == "." and j + 1 < n):
                j += 1
                continue
            if covered[j]:
                members.append(None)
                while j < sent_end and covered[j]:
                    j += 1
                continue
            if shape(w) == CAP:
                a = j
                while j < sent_end and shape(words[j]) == CAP and not covered[j] and j - a < 3:
                    j += 1
                members.append((a, j))
                continue
            break
        if None in members:
            for m in members:
                if m is not None:
                    add(m[0], m[1], Kind.CTX)


_LIST_SEP = frozenset([",", "and", "or", "&"])
_AFTER_MEMBER = frozenset([",", "and", "or", "&", ".", ";", ":", ")", "("])
_PLURAL_TYPE_NOUNS = frozenset("datasets benchmarks corpora models baselines methods algorithms codecs tokenizers vocoders".split())
# the word families _Doc finds in one scan (``_Doc.where``); a word may be in several
_FAMILIES = (_ALL_PROPOSE_CUES, _CUE_NOUNS, _LIST_CUES, _PLURAL_TYPE_NOUNS, EVAL_WORDS, COMPARE_WORDS)
_FAMILY_INDEX = {f: k for k, f in enumerate(_FAMILIES)}
_SCAN_WORDS = frozenset().union(*_FAMILIES)
SCAN_WORDS = _SCAN_WORDS  # the cue words ``assemble`` looks for in every text (``scan_hits``)
_WORD_FAMILIES = {w: tuple(k for k, f in enumerate(_FAMILIES) if w in f) for w in _SCAN_WORDS}
_LOWER_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")
_MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)


@lru_cache(maxsize=65536)
def _member_shaped(w: str) -> bool:
    """The tests of ``_is_member_word`` on the word alone: capitalised, no starter or type word."""
    lw = w.lower()
    return (
        shape(w) == CAP
        and lw not in vocab.SENT_STARTERS
        and lw not in vocab.LANGUAGES
        and lw not in _MONTHS
        and lw not in vocab.CONNECTORS
        and lw not in vocab.CAP_RUN_GENERIC
        and _kw(lw) is None
    )


def _is_member_word(d: _Doc, k: int) -> bool:
    """A capitalised word that may be a name when it sits in a list of names."""
    w = d.words[k]
    # side-effect-free tests, the cached word tests first
    return (
        _member_shaped(w)
        and not d.covered[k]
        and k >= d.title_end
        and not d.is_sentence_initial(k)
        and not (
            k > 0
            and shape(d.words[k - 1]) != NONE
            and not d.covered[k - 1]
            and d.lower[k - 1] not in vocab.SENT_STARTERS
        )
        and not d.lex.is_stop(w)
    )


def _coordinated_names(d: _Doc, covered: list[bool], add) -> None:
    """Capitalised words listed with names are names too: "on Cora, PubMed and OGB", "TimesFM, Chronos and Moirai".

    The word must be a list member on its own: followed by a separator or the end of the
    clause ("Human experts" is a phrase, not a member), and next to a name or to another
    member that is.
    """
    words, lower, n = d.words, d.lower, d.n
    # only capitalised words next to a list separator can be members (the word tests first:
    # most capitalised words are sentence starters)
    sep = _LIST_SEP
    near = sorted(
        k
        for k in d.cap_set
        if _member_shaped(words[k]) and ((k + 1 < n and lower[k + 1] in sep) or (k > 0 and lower[k - 1] in sep))
    )
    if not near:
        return
    for _ in range(2):
        for k in reversed(near) if _ == 0 else near:  # right to left, then left to right
            if covered[k] or not _is_member_word(d, k):
                continue
            if k + 1 < n and lower[k + 1] not in _AFTER_MEMBER and not (
                _kw(lower[k + 1]) and words[k + 1].islower()
            ):
                continue
            # a name before: "X, Word" / "X and Word"
            j = k - 1
            left = False
            if j >= 0 and lower[j] in _LIST_SEP:
                j -= 1
                if j >= 0 and lower[j] == ",":
                    j -= 1
                left = j >= 0 and covered[j] and (j + 1 >= n or words[j] != ")") or (j >= 0 and words[j] == ")" and covered[j - 1])
            # a name after: "Word, X" / "Word and (the) X"
            j = k + 1
            right = False
            if j < n and lower[j] in _LIST_SEP:
                j += 1
                if j < n and lower[j] in ("and", "or"):
                    j += 1
                if j < n and lower[j] == "the":
                    j += 1
                right = j < n and covered[j]
            if left or right:
                add(k, k + 1, Kind.CTX)


@lru_cache(maxsize=65536)
def _list_member_shaped(w: str) -> bool:
    """A word that can be a name in a list after a type noun: "ogbn-arxiv", "GRPO", "Cora"."""
    return bool(_LOWER_NAME.match(w)) or shape(w) == STRONG or (
        shape(w) == CAP and w.lower() not in vocab.SENT_STARTERS and w.lower() not in vocab.CONNECTORS
    )


def _noun_then_list(d: _Doc, covered: list[bool], add) -> None:
    """Names right after a plural type noun take its type: "the datasets ogbn-arxiv and ogbn-products"."""
    words, lower, n = d.words, d.lower, d.n
    for i in d.where(_PLURAL_TYPE_NOUNS):
        t = _kw(lower[i]) if lower[i] not in ("baselines",) else None
        j = i + 1
        if j < n and words[j] in (":", "("):
            j += 1
        members: list[tuple[int, int, bool]] = []
        final = False  # the next member is the last one: "A, B and C, OurNet ..." ends at C
        while j < n and len(members) < 10:
            if covered[j]:
                a = j
                while j < n and covered[j] and lower[j] not in _LIST_SEP:
                    j += 1
                members.append((a, j, True))
            elif _list_member_shaped(words[j]):
                members.append((j, j + 1, False))
                j += 1
            else:
                break
            if final:
                break
            if j < n and lower[j] in _LIST_SEP:
                final = lower[j] in ("and", "or")
                j += 1
                if j < n and lower[j] in ("and", "or"):
                    final = True
                    j += 1
                continue
            break
        # lower-case names only in a list that ends cleanly ("... and ogbn-products,")
        clean = j >= n or words[j] in _AFTER_MEMBER or lower[j] in _LIST_SEP or words[j - 1] in _AFTER_MEMBER
        if not members or (not clean and any(not c for _, _, c in members)):
            continue
        if sum(1 for _, _, c in members if not c) and len(members) < 2:
            continue
        for a, b, was_covered in members:
            if not was_covered:
                add(a, b, Kind.CTX, t, Conf.KNOWN if t else Conf.NONE)
            elif t:
                d.noun_list_type[a] = t


def _method_or_eval(d: _Doc, k: int, t: str | None) -> str | None:
    """An "evaluation framework/protocol" is a benchmark, not a method."""
    if t == "method" and k > 0 and d.lower[k - 1] in ("evaluation", "evaluating", "assessment", "testing"):
        return "benchmark"
    return t


def _between_type(d: _Doc, a: int, b: int) -> str | None:
    """Type named by a head noun between a propose cue and its object ("a novel model (i.e., X)")."""
    words, lower = d.words, d.lower
    t = None
    for k in range(a, b):
        kt = _kw(lower[k])
        if kt and lower[k] not in ("learning", "optimization", "optimisation", "tasks", "score", "measure"):
            if k + 1 < b and words[k + 1] == "-":
                continue
            t = _method_or_eval(d, k, kt)
    return t


# the words _next_word_type can read a type from: keyword nouns and the data-collection words
_TYPE_NOUNS = frozenset(vocab._KW_TYPE) | frozenset(
    ("mixture", "mix", "collection", "set", "sets", "split", "splits", "subset", "subsets")
)


def _next_word_type(d: _Doc, i: int) -> str | None:
    """Type named by the noun after a name or a list of names ("CALVIN and LIBERO benchmarks")."""
    words, lower, covered = d.words, d.lower, d.covered
    n = d.n
    steps = 0
    while i < n and steps < 12 and (words[i] in (",", "and", "or", "&") or covered[i]):
        i += 1
        steps += 1
    if i >= n:
        return None
    # every type below comes from a type noun at i .. i + 3: one set test rules most words out
    if _TYPE_NOUNS.isdisjoint(lower[i : i + 4]):
        return None
    if lower[i] in ("learning", "optimization", "optimisation", "score", "measure", "metric", "solution"):
        return None
    t = _kw(lower[i])
    if t and i + 1 < n and (words[i + 1] == "-" or lower[i + 1] in _VERB_OBJECT_START):
        return None  # "X, and approaches the ...", "X models the ...": a verb, not a type noun
    if t is None and lower[i] in ("mixture", "mix", "collection", "subset", "subsets"):
        return "dataset"  # "the Tulu 3 SFT mixture", "the four PeMS subsets"
    if t is None:
        # "the X clinical note corpora", "the X crystal structure prediction benchmarks": up to
        # three lower-case modifiers before a data noun
        for k in (i + 1, i + 2, i + 3):
            w = lower[k - 1]
            if k >= n or not w.isalpha() or w in _NOT_MODIFIER or w in ("a", "an", "the") or not (
                words[k - 1].islower() or d.lex.is_stop(words[k - 1])
            ):
                break
            # "the X SFT mixture", "the X training set"; "the X validation set" is evaluation
            kt = _kw(lower[k]) or ("dataset" if lower[k] in ("mixture", "mix", "collection") else _set_type(lower, k))
            if kt in ("dataset", "benchmark") and lower[k] != "tasks":
                return kt
    return t


_VERB_OBJECT_START = frozenset("the a an our its their this these".split())
_NOT_EVAL_BEFORE_ON = frozenset(
    """based built relies rely relying depend depends depending conditioned focus focuses focusing
    operate operates operating run runs running deployed implemented work works working act acts
    draw draws drawing rest rests build builds center centers centred centered improve improves
    improved improving""".split()
)
_TRAIN_BEFORE_ON = frozenset(
    """trained pretrained pre-trained fine-tuned finetuned tuned learned learnt fit training
    pretraining pre-training fine-tuning finetuning distilled collected train trains pretrain
    pretrains finetune finetunes fine-tune fine-tunes""".split()
)
_DATA_UNITS = frozenset(
    """questions question samples examples images videos clips documents queries prompts problems
    instances utterances recordings sentences passages articles conversations dialogues trajectories
    episodes demonstrations scenes molecules graphs items reviews tweets posts records sampled drawn
    taken collected data subset subsets split splits claims""".split()
)
_ADJ_SKIP_STOP = frozenset("and or with of by to from for that which is are was were has have its their our".split())


_EVAL_HEADS = frozenset(("on", "across", "from", "of"))
_DETERMINERS = frozenset(("a", "an", "the"))
_LIST_SEP3 = frozenset((",", "and", "or"))


def _eval_prior(d: _Doc, a: int) -> str | None:
    """"on X" after a result/evaluation word suggests a benchmark; "trained on X" a dataset."""
    words, lower, covered = d.words, d.lower, d.covered
    j = a - 1
    # "on A, B and C": walk back over the names and separators of a list
    # (members are names found or capitalised words: "On Amazon, YelpChi and ...")
    k = j
    named = False
    while k >= 0 and a - k < 25:
        if words[k] in (",", "and", "or") or covered[k]:
            named = named or covered[k]
        elif (
            words[k][:1].isupper()
            and lower[k] not in vocab.CONNECTORS
            and lower[k] not in vocab.SENT_STARTERS
            and lower[k] not in _EVAL_HEADS
        ):
            named = True
        else:
            break
        k -= 1
    # (a list holds names: "On this benchmark, X ..." is an opening phrase, not a list)
    if k < j and named and not _LIST_SEP3.isdisjoint(words[k + 1 : a]):
        j = k
    skipped = 0
    while j >= 0 and skipped < 3 and words[j][:1].islower() and lower[j] not in ("on", "across") and lower[j] not in _ADJ_SKIP_STOP:
        j -= 1
        skipped += 1
    if j >= 1 and lower[j] == "from" and lower[j - 1] in _DATA_UNITS:
        return "dataset"  # "questions from X", "clips sampled from X"
    if j >= 1 and lower[j] == "of" and (lower[j - 1] in _DATA_PARTS or lower[j - 1] in _DATA_UNITS):
        return "dataset"  # "a multilingual slice of X", "the claims of X"
    if j < 1 or lower[j] not in ("on", "across") or (j + 1 < d.n and lower[j + 1] == "average"):
        return None  # (not "by 8% on average over X")
    prev = lower[j - 1]
    if prev in ("and", "or", ","):
        # "conditioned on the plan and on X": the verb of the first "on" rules
        for k in range(j - 2, max(0, j - 10), -1):
            if lower[k] in ("on", "across"):
                prev = lower[k - 1]
                break
    if prev in _NOT_EVAL_BEFORE_ON:
        return None
    if prev in _TRAIN_BEFORE_ON:
        return "dataset"
    return "benchmark"


_CUE_OCCURRENCES = 6


def _type_cues(
    d: _Doc, items: list[Occurrence], lex: Lexicon, strong_only: bool = False, own: bool = False
) -> list[tuple[float, str]]:
    """(priority, type) pairs from the words around the first occurrences of a name.

    The first ``_CUE_OCCURRENCES`` occurrences in text order say what a name is; a paper
    that names its system twenty times does not need twenty looks. ``own``: the cues for
    the paper's own system, which reads only priorities of 3 or more and the shape's model
    cue (see ``_build_mention``): the "on X" and list-sibling cues (below ``Conf.SUFFIX``) are skipped.
    """
    out: list[tuple[float, str]] = []
    append = out.append
    n = d.n
    words, lower, known_type, noun_list_type = d.words, d.lower, d.known_type, d.noun_list_type
    covered, nouns = d.covered, _TYPE_NOUNS
    if len(items) > _CUE_OCCURRENCES:
        items = sorted(items, key=_START)[:_CUE_OCCURRENCES]
    for o in items:
        e = o.end
        # each helper is called only where its first test can pass (the same tests, inline)
        i = e + 1 if e < n and words[e] == ")" else e
        if i < n and (
            not nouns.isdisjoint(lower[i : i + 4])
            # past names and separators (at most 12 tokens) the type noun is at most 14 words on
            or ((covered[i] or words[i] in (",", "and", "or", "&")) and not nouns.isdisjoint(lower[i : i + 15]))
        ):
            nxt = _next_word_type(d, i)
            if nxt:
                append((Conf.NOUN, nxt))
        # _apposition_type needs "a", "an" or "the" at most nine words on, or ", <number> ..."
        if e < n and (covered[e] or words[e] in ("and", ")", ",") or lower[e] == "as") and (
            not _DETERMINERS.isdisjoint(lower[e + 1 : e + 10]) or (e + 1 < n and words[e + 1][:1].isdigit())
        ):
            ap = _apposition_type(d, e)
            if ap:
                append((Conf.APPOS, ap))
        a0 = o.start
        if i + 2 < n and lower[i] in ("is", "are") and lower[i + 1] in ("a", "an"):
            ct = _copula_type(d, a0, i)
            if ct:
                append((Conf.APPOS, ct))  # "X (ABC) is a dataset of ...": the subject says what it is
        if a0 >= 3 and words[a0 - 1] == ",":
            pt = _kw(lower[a0 - 2]) or _set_type(lower, a0 - 2)  # "a new test set, ReviewZ-Live, ..."
            set_off = e < n and words[e] in _APPOS_END  # "..., LongZ-60, it ...": a name between commas
            if (
                pt
                and (set_off and lower[a0 - 2] not in ("learning", "tasks") or lower[a0 - 3] in ("our", "the", "this", "a", "an", "new"))
                # "On this benchmark, ZetaNet outperforms ...": the subject after an opening phrase
                and (set_off or not _ends_opening_phrase(d, a0 - 2, a0 - 1))
            ):
                append((Conf.APPOS, pt))  # "Our model, EchoASR, ..."
        if o.type:
            append((o.tprio, o.type))
        if strong_only:
            continue  # weaker cues never beat the gazetteer's type
        lh = _list_head_type(d, a0)
        if lh:
            append((Conf.KNOWN, lh))
        sc = _surface_cues(o.surface)
        if sc:
            out.extend(sc)  # the shape and "-52K" cues (all weak: their order among weak cues never matters)
        if own:
            lt = noun_list_type.get(a0)
            if lt:
                append((Conf.KNOWN, lt))  # (the one cue of priority 3 or more below)
            continue
        # _eval_prior ends on "on", "across" or "from" at most four words back, unless a list
        # or an occurrence sits right before the name (then at most 28 words back)
        if a0 == 0 or (
            not covered[a0 - 1] and words[a0 - 1] not in (",", "and", "or") and _EVAL_HEADS.isdisjoint(lower[max(0, a0 - 4) : a0])
        ) or _EVAL_HEADS.isdisjoint(lower[max(0, a0 - 28) : a0]):
            ev = None
        else:
            ev = _eval_prior(d, a0)
        if ev:
            # "trained on X" says more than a size suffix does ("pretrained on Panda-70M")
            append((Conf.FIRM if ev == "dataset" else Conf.WEAK, ev))
        lt = noun_list_type.get(a0)
        if lt:
            append((Conf.KNOWN, lt))  # "the datasets A, B and C"
        # coordinated with a known name: "PixArt-alpha and Stable Diffusion 3" (the keys of
        # known_type are token indices, so a hit is in range)
        if e + 1 in known_type and words[e] in (",", "and", "or"):
            append((Conf.SIBLING, known_type[e + 1]))
        elif a0 - 2 in known_type and words[a0 - 1] in (",", "and", "or"):
            append((Conf.SIBLING, known_type[a0 - 2]))
    return out


@lru_cache(maxsize=65536)
def _shape_cue(surface: str) -> tuple[float, str] | None:
    """The cue a name's own shape gives: a size variant or a model suffix says model."""
    if _YEAR_INSIDE.search(surface):
        return (Conf.SHAPE, "dataset")  # "PHOENIX-2014T": a year names data
    if family_of(surface) and not _K_SIZE.search(surface):
        # "Qwen-7B" says model; a letter size alone ("PTB-XL", "Foo-L") says less than "on X"
        return (Conf.SIZE, "model") if _SIZE_RE.search(surface) else (Conf.FAINT, "model")
    if _MODEL_SUFFIX.search(surface):
        return (Conf.SUFFIX, "model")  # "ClinicalBERT", "BioGPT", "CodeT5"
    if _BENCH_TAIL.search(surface) or _CAMEL_BENCH.search(surface):
        return (Conf.FIRM, "benchmark")  # "Seed-TTS-eval", "Med-Bench", "T3Bench", "GPTEval3D"
    if _MILLIONS.search(surface):
        return (Conf.SHAPE, "dataset")  # "Wikidata5M": a count in millions glued to a name is data
    if _DATA_SUFFIX.search(surface):
        return (Conf.SUFFIX, "dataset")  # "ProtaDB", "GlyphBank": a database or data bank
    return None


@lru_cache(maxsize=65536)
def _surface_cues(surface: str) -> tuple[tuple[float, str], ...]:
    """The cues a name's own text gives: its shape, and a thousands count for data ("Alpaca-52K")."""
    c = _shape_cue(surface)
    out = () if c is None else (c,)
    if _K_SIZE.search(surface) is not None:
        stem = _K_SIZE.sub("", surface)
        if _BENCH_TAIL.search(stem) or _CAMEL_BENCH.search(stem):
            return out + ((Conf.FIRM, "benchmark"),)  # "HR-Bench 4K": a benchmark at a 4K resolution
        out += ((Conf.COUNT, "dataset"),)
    return out


_APPOS_STOP = frozenset(
    {"that", "which", "to", "for", "with", "in", "on", "designed", "capable", "based", "by", "where", "whose", "and"}
    # "X, the best results among open models": the phrase is about a result, not X
    | {"among", "than", "over", "across", "at", "from", "against"}
)


# words that open a sentence with an adverbial phrase: "On MMLU, the model ...", "Using X, the ..."
_PHRASE_OPENERS = frozenset(
    """on in for across with under using from at beyond unlike like after during among over
    compared relative via through without against besides starting building built trained
    evaluated applied given following""".split()
)


_SUBJECT_PRONOUNS = frozenset(("we", "they", "it", "i"))


def _ends_opening_phrase(d: _Doc, i: int, comma: int) -> bool:
    """Whether the comma at ``comma`` closes a sentence-opening phrase the name ending at ``i`` is in.

    "On MMLU, the proposed model ..." : what follows the comma is the subject, not an
    apposition of MMLU. Only the first ", a/an/the" of such a sentence closes the phrase.
    """
    s = d.sent_start(i)
    if d.lower[s] not in _PHRASE_OPENERS:
        return False
    lower = d.lower
    # "On top of X we train Y, a family of ...": a subject has started the main clause.
    # The first such token from the sentence start on does not depend on the comma: each
    # sentence is scanned once, however many names it holds ([scanned up to, first hit])
    got = d._clause_start.get(s)
    if got is None:
        got = d._clause_start[s] = [s, -1]
    if got[1] < 0 and got[0] < comma:
        for k in range(got[0], comma):
            if (lower[k] == "," and lower[k + 1] in ("a", "an", "the")) or lower[k] in _SUBJECT_PRONOUNS:
                got[1] = k
                break
        else:
            got[0] = comma
    if 0 <= got[1] < comma:
        return False
    # "Compared with X, a recent optimiser, our schedule ...": a second comma and the subject
    # after it; the first comma opened an apposition, not the main clause
    end = d.sents[d.sent_index(comma)][1]
    for k in range(comma + 2, min(end - 1, comma + 16)):
        if lower[k] == "," and lower[k + 1] in _MAIN_SUBJECTS:
            return False
        if lower[k] in _SUBJECT_PRONOUNS:
            break
    return True


_MAIN_SUBJECTS = frozenset("we our it its they their this these".split())


# "X, a held-out split of Y": a part of a dataset is data
_DATA_PARTS = frozenset(("split", "subset", "partition", "portion", "slice"))


_APPOS_END = frozenset((",", ".", ";", ":", "(", ")"))
_DATA_VERBS = frozenset("sampled drawn taken collected data".split())
_EVAL_SET_MODIFIERS = frozenset("test evaluation eval held-out holdout validation".split())


def _antecedent_type(d: _Doc, p: int) -> str | None:
    """Type of the noun a relative clause hangs on: "a new set of 180k pages that we release as X".

    ``p`` is where the object of the propose cue starts; the cue must follow "that" or
    "which" (with "we" and at most an adverb between).
    """
    lower = d.lower
    k = p - 2
    while k >= 0 and p - k <= 5 and lower[k] not in ("that", "which"):
        k -= 1
    if k < 1 or lower[k] not in ("that", "which"):
        return None
    s0 = d.sents[d.sent_index(k)][0]
    for j in range(k - 1, max(s0, k - 16) - 1, -1):
        w = lower[j]
        if w in (",", ";", ":"):
            continue
        t = _kw(w) or _set_type(lower, j) or ("dataset" if w in ("subset", "subsets", "collection") else None)
        if t and w not in ("learning", "optimization", "optimisation", "tasks", "score", "measure"):
            return _method_or_eval(d, j, t)
    return None


def _copula_type(d: _Doc, a: int, i: int) -> str | None:
    """Type from "X is a/an ... NOUN" when X opens its sentence: "Cars of the Desert Highway
    (CDH) is a dataset of ...". The head noun is the first type noun before "of", "that", ...
    (at most six words on)."""
    s0 = d.sent_start(a)
    words, lower = d.words, d.lower
    if any(not d.covered[x] and words[x] not in ("(", ")") for x in range(s0, i)):
        return None
    for k in range(i + 2, min(d.n, i + 8)):
        w = lower[k]
        if w in _APPOS_STOP or w in (",", ".", ";", ":", "of", "("):
            return None
        kt = _kw(w) or _set_type(lower, k)
        if kt and w not in ("learning", "optimization", "optimisation", "tasks") and not (k + 1 < d.n and words[k + 1] == "-"):
            return _method_or_eval(d, k, kt)
    return None


def _set_type(lower: list[str], k: int) -> str | None:
    """Type of a data word at ``k``: "a test set", "the X validation split" are benchmarks;
    "a training set", "a split of X" data."""
    w = lower[k]
    if w in ("set", "sets") or (w in ("split", "splits") and not (k + 1 < len(lower) and lower[k + 1] == "of")):
        return "benchmark" if k >= 1 and lower[k - 1] in _EVAL_SET_MODIFIERS else "dataset"
    if w == "suite":
        return "benchmark"
    if w in _DATA_PARTS and k + 1 < len(lower) and lower[k + 1] == "of":
        return "dataset"
    return None


def _apposition_type(d: _Doc, i: int) -> str | None:
    """Type from ", a/an/the ... NOUN" (or "as a ... NOUN") after a name ending at token ``i``."""
    words, lower, covered = d.words, d.lower, d.covered
    n = d.n
    j = i
    while j < n and (covered[j] or words[j] in ("and", ")")) and j - i < 8:
        j += 1
    if j < n and words[j] == ",":
        j += 1
    elif j + 1 < n and lower[j] == "as":
        j += 1
    else:
        return None
    if j < n and words[j][:1].isdigit() and words[j - 1] == ",":
        # "X, 2,400 teleoperated demonstrations across ...": a count of data units is data
        for k in range(j + 1, min(n, j + 8)):
            if lower[k] in _DATA_UNITS and lower[k] not in _DATA_VERBS:
                return "dataset"
            if lower[k] in (".", ";", "(", "which", "that", "while", "and"):
                break
        return None
    if j >= n or lower[j] not in ("a", "an", "the"):
        return None
    if _ends_opening_phrase(d, i, j - 1):
        return None
    t = None
    stop = _APPOS_STOP
    k = j + 1
    for k in range(j + 1, min(n, j + 11)):
        w = lower[k]
        if w in stop or w in (".", ";", ":", "(") or w == ",":
            if w in (",", "and") and t is None:
                continue
            break
        if w == "of" and t is not None:
            break  # "X, a dataset of 300 hours of ... tasks": the head noun came before "of"
        kt = _kw(w) or _set_type(lower, k) or ("dataset" if w == "collection" else None)
        if kt and w not in ("learning", "optimization", "optimisation"):
            if k + 1 < n and words[k + 1] == "-":
                continue
            t = _method_or_eval(d, k, kt)
    # a parameter count in the phrase, or right after it ("with 28M parameters"), says model
    # (k is n when the text ends right after the determiner: "We use X, the")
    end = min(n, k + 5) if k < n and lower[k] == "with" else k
    if t in (None, "method") and _counts_parameters(d, j + 1, end):
        return "model"  # "X, a 1.4B-parameter diffusion transformer", "X, a transducer with 28M parameters"
    return t


_PARAM_TOKEN = re.compile(r"\d+(?:\.\d+)?[KMBT]-param(?:eter)?s?$", re.IGNORECASE)
_COUNT_TOKEN = re.compile(r"\d+(?:\.\d+)?[KMBT]$", re.IGNORECASE)


def _counts_parameters(d: _Doc, a: int, b: int) -> bool:
    """Whether the tokens from ``a`` to ``b`` (not past a sentence end) give a parameter count.

    Something with a parameter count is a trained model, whatever noun the phrase ends in.
    """
    words, lower = d.words, d.lower
    for k in range(a, b):
        w = words[k]
        if w in (".", ";"):
            return False
        if _PARAM_TOKEN.match(w) or (
            _COUNT_TOKEN.match(w) and k + 1 < d.n and lower[k + 1] in ("parameters", "parameter", "params")
        ):
            return True
    return False


_LIST_HEAD_SKIP = frozenset((",", "and", "or", "(", ".", "e.g", "i.e", "such", "as", "like", "including", "'", "\u2019", "s"))


_HEAD_CUES = frozenset(("such", "like", "including", "e.g", "("))


_BEFORE_A_VERB = frozenset("we to also further they systematically extensively then and".split())


def _list_head_type(d: _Doc, a: int) -> str | None:
    """Type from the head noun of a list the name is in: "models like A and B", "(e.g., T5)"."""
    words, lower, covered = d.words, d.lower, d.covered
    # fast exit, the usual case: no separator or name right before, or no list cue among the
    # twelve words before (the walk below looks no further)
    if a <= 0 or not (covered[a - 1] or lower[a - 1] in _LIST_HEAD_SKIP) or _HEAD_CUES.isdisjoint(lower[max(0, a - 12) : a]):
        return None
    j = a - 1
    steps = 0
    while j >= 0 and steps < 12:
        w = lower[j]
        if w in _LIST_HEAD_SKIP or covered[j]:
            j -= 1
            steps += 1
            continue
        break
    if j < 0 or steps == 0:
        return None
    seg = lower[j + 1 : a]
    if _HEAD_CUES.isdisjoint(seg):
        return None
    if j > 0 and lower[j - 1] in _BEFORE_A_VERB:
        return None  # "We benchmark A, B (C) and D against ...": a verb, not the list's head noun
    t = _kw(lower[j])
    if t is None and _is_plural_acronym(words[j]):
        t = vocab.kw_type(words[j])
    if t is None and (lower[j] in _DATA_PARTS or lower[j] in ("subsets", "splits", "partitions")):
        t = "dataset"  # "the four PeMS subsets (PEMS03, PEMS04, ...)"
    return t


_OWN_NOUNS = frozenset("approach method model framework algorithm system architecture network technique".split())


def _definition_cue(d: _Doc, df: dict) -> str | None:
    """The type the words around a lower-case definition give it, when they single it out:
    "Our approach, gated graph routing (GGR), ..." or "stochastic weight tempering (SWT), a
    recent optimiser for ...". A generic term gets neither ("reinforcement learning (RL) is")."""
    a, _ = df["long_span"]
    _, sb = df["short_span"]
    lower = d.lower
    if a >= 3 and lower[a - 1] == "," and lower[a - 2] in _OWN_NOUNS and lower[a - 3] in ("our", "the"):
        return _method_or_eval(d, a - 2, _kw(lower[a - 2])) if lower[a - 3] == "our" else None
    e = sb + 1 if sb < d.n and d.words[sb] == ")" else sb
    if e + 1 < d.n and d.words[e] == "," and lower[e + 1] in ("a", "an") and _NO_NAME_NOUNS.isdisjoint(lower[e : e + 10]):
        return _apposition_type(d, e)
    return None


def _judge_definition(df: dict, proposed: bool, lex: Lexicon) -> tuple[bool, str | None]:
    """Whether an acronym definition names a specific artifact, and the type its long form implies."""
    short, long = df["short"], df["long"]
    single = short[:-1] if _is_plural_acronym(short) else short
    rec = lex.lookup(short) or lex.lookup(single) or lex.lookup(long)
    head_type = _long_head_type(long)
    if rec is not None:
        if proposed and lex.lookup(long) is None:
            return True, head_type  # the paper's own "Token-Aware Credit Optimization (TACO)", not TACO the data set
        return True, rec.type
    if lex.is_stop(short) or lex.is_stop(single) or lex.is_stop(df.get("inner_short", short)):
        return (True, head_type) if proposed and not lex.is_stop(short) else (False, None)
    if proposed:
        return True, head_type
    letters = [c for c in single if c.isalpha()]
    if any(c.islower() for c in letters):  # "UniMP", "SePPO": coined, never a field acronym
        return True, head_type
    words = long.split()
    parts = [p for w in words for p in w.split("-") if p]
    if any(sum(c.isupper() for c in p) >= 2 and any(c.islower() for c in p) for p in parts):
        return True, head_type  # "REfining ... hoMography": capitals that spell a coined name
    if any(shape(w) == STRONG and not lex.is_stop(w) for w in words):
        return True, head_type  # "multi-modal GP-VAE (MM-GPVAE)": a variant of a named thing
    sp = single.split("-")
    if len(sp) == 2 and sp[0].isupper() and len(sp[0]) <= 3 and not lex.is_stop(sp[0]) and lex.is_stop(sp[1]):
        return True, head_type  # "residual-quantized VAE (RQ-VAE)": a named kind of a generic class
    title_case = words[0][:1].isupper() and all(w[:1].isupper() or w.lower() in vocab.CONNECTORS or not w[:1].isalpha() for w in words)
    if not title_case:
        return False, None
    last = words[-1].lower().strip(")")
    if last in vocab.GENERIC_HEADS and not _named_architecture(words, short):
        return False, None
    for k, w in enumerate(words[1:], 1):
        if w in ("for", "of", "in", "on", "with") and words[k - 1].lower() in vocab.GENERIC_HEADS and words[k - 1].lower() not in ("learning",):
            return False, None  # "Large Language and Vision Models for Autonomous Driving"
    if len(words) == 1 and "-" not in long:
        return False, None
    return True, head_type


_ARCHITECTURE_HEADS = frozenset("network networks machine machines transformer transformers".split())


def _named_architecture(words: list[str], short: str) -> bool:
    """A Title Case architecture with a singular acronym is one named design: "Temporal Segment
    Networks (TSN)", "Factorization Machines (FM)". A plural acronym ("Graph Neural Networks
    (GNNs)") or a kind of neural network ("Bayesian Neural Networks (BNN)") names a class;
    a generic class spelled out ("Deep Belief Networks (DBN)") has its acronym on the stoplist.
    """
    return (
        len(words) >= 2
        and words[-1].lower() in _ARCHITECTURE_HEADS
        and words[-2].lower() != "neural"
        and not _is_plural_acronym(short)
    )


@lru_cache(maxsize=65536)
def _long_head_explicit(long: str) -> bool:
    """Whether the long form's head noun itself says the type ("... Benchmark", "... Network")."""
    words = long.split()
    head = words[-1] if words else ""
    for k, w in enumerate(words):
        if k > 0 and w.lower() in vocab.CONNECTORS and w.lower() not in ("and", "the", "a", "an"):
            head = words[k - 1]
            break
    return vocab.kw_type(head) is not None or head.lower() in _BENCH_HEADS


_BENCH_HEADS = frozenset("environment environments decathlon challenge competition leaderboard olympiad".split())


@lru_cache(maxsize=65536)
def _long_head_type(long: str) -> str | None:
    words = long.split()
    head = words[-1] if words else ""
    for k, w in enumerate(words):
        if k > 0 and w.lower() in vocab.CONNECTORS and w.lower() not in ("and", "the", "a", "an"):
            head = words[k - 1]
            break
    t = vocab.kw_type(head)
    if head.lower() in _BENCH_HEADS:
        return "benchmark"
    if t in ("dataset", "benchmark", "model"):
        return t
    return "method"


def _propose_title_case(d: _Doc, p: int, sent_end: int, covered, add, own_keys, own_type_hints) -> bool:
    """A Title Case phrase right after "we propose": "Directional Stimulus Prompting, a novel framework"."""
    words, lower = d.words, d.lower
    j = p
    if j < sent_end and lower[j] in ("the", "a", "an"):
        j += 1
    if j >= sent_end or covered[j] or shape(words[j]) != CAP or lower[j] in vocab.SENT_STARTERS:
        return False
    k = j
    while k < sent_end and k - j < 6 and not covered[k] and (
        shape(words[k]) == CAP
        or (lower[k] in ("of", "for", "with") and k + 1 < sent_end and shape(words[k + 1]) == CAP)
    ):
        k += 1
    one_word = (
        k - j == 1
        and k + 1 < sent_end
        and (words[k] == "," and lower[k + 1] in ("a", "an", "the") or words[k] == "(" or lower[k] in ("which", "that"))
        and not d.lex.is_stop(words[j])
        and lower[j] not in vocab.LANGUAGES
    )
    if (k - j < 2 and not one_word) or not (
        k >= sent_end or words[k] in (",", ".", ";", ":", "(") or lower[k] in ("which", "that", "to", "as", "for")
    ):
        return False
    o = add(j, k, Kind.OWN)
    key = match_key(o.surface)
    own_keys.add(key)
    own_type_hints[key].append(_apposition_type(d, k) or _next_word_type(d, k))
    return True


_DASH_MARKS = frozenset((":", "\u2014", "\u2013", "-"))


def _propose_dash_name(d: _Doc, p: int, sent_end: int, covered, add, own_keys, own_type_hints) -> bool:
    """A single-word name set off at the end of a propose sentence: "... evaluation framework -- eval-anything."."""
    words = d.words
    if _DASH_MARKS.isdisjoint(words[p : min(sent_end, p + 25)]):
        return False  # no mark in reach (one C-level test instead of the loop)
    for k in range(p, min(sent_end, p + 25)):
        if words[k] in (":", "\u2014", "\u2013") or (words[k] == "-" and k + 1 < sent_end and words[k + 1] == "-"):
            j = k + 1
            while j < sent_end and words[j] in ("-",):
                j += 1
            if j < sent_end and not covered[j] and words[j][:1].isalnum() and "-" in words[j] or (j < sent_end and shape(words[j]) != NONE and not covered[j]):
                end = j + 1
                if end >= sent_end or words[end] in (".", ",", "(", ";"):
                    o = add(j, end, Kind.OWN)
                    key = match_key(o.surface)
                    own_keys.add(key)
                    own_type_hints[key].append(_between_type(d, p, k))
                    return True
            return False
    return False


def _propose_title_phrase(d: _Doc, p: int, sent_end: int, add, own_keys, text) -> None:
    """A lower-case phrase after "we propose" that is the paper's title: "we propose policy-guided diffusion."."""
    if not d.title_end:
        return
    j = p
    if j < sent_end and d.lower[j] in ("the", "a", "an"):
        j += 1
    tk = match_key(text[: d.ends[d.title_end - 1]])
    k = j
    while k < sent_end and k - j < 8:
        k += 1
        phrase = d.surface(j, k)
        if len(phrase) < len(tk) and phrase.isascii():
            continue  # an ASCII phrase's key is never longer than the phrase itself
        if match_key(phrase) == tk:
            o = add(j, k, Kind.OWN)
            o.canonical = text[: d.ends[d.title_end - 1]].strip()
            own_keys.add(tk)
            return


_DIGIT = re.compile(r"\d")
_DIGITS_END = re.compile(r"\d{2,}$")


def _build_mention(d: _Doc, items: list[Occurrence], is_own: bool, own_type_hints, title_type, def_type, lex) -> dict | None:
    """One mention dict from the occurrences of one entity."""
    # canonical: a defined short form, else the own-system name, else the most frequent form
    if len(items) == 1:
        # one occurrence: its canonical form (not for a short form), else its surface
        o = items[0]
        name = (o.kind != Kind.SHORT and o.canonical) or o.surface
        shorts = None
    else:
        shorts = [o for o in items if o.kind == Kind.SHORT]
    if shorts is None:
        pass
    elif shorts:
        name = shorts[0].surface
        if _is_plural_acronym(name) and any(o.surface == name[:-1] for o in items):
            name = name[:-1]
    elif any(o.canonical for o in items):
        name = next(o.canonical for o in items if o.canonical)
    else:
        forms = [o.surface for o in items if not o.variant_of_own and not o.alias_only]
        forms = forms or [o.surface for o in items]
        f0 = forms[0]
        if forms.count(f0) == len(forms):
            name = f0  # one form only: the most frequent one
        else:
            counts = Counter(forms)  # first-seen order, as max() needs
            # prefer a form seen in the abstract over the title's capitalisation
            name = max(counts, key=lambda f: (counts[f], -len(f)))
        own_title = [o for o in items if o.kind == Kind.OWN and o.start < d.title_end and not o.alias_only]
        if own_title:
            name = own_title[0].surface
            fam = family_of(name)
            if fam and any(o.surface == fam for o in items):
                name = fam  # "Tapir-7B: ..." with "we introduce Tapir": the system is Tapir
    name = name.strip()
    if not name:
        return None
    name_key = match_key(name)

    # -- type
    if is_own:
        known = False
    elif len(items) == 1:
        known = items[0].rec is not None
    else:
        known = any(o.rec is not None for o in items)
    # (priority, type) from the text around the name; a known name only needs the strong ones
    # (the paper's own system reads them only when no propose hint says what it is)
    cues = None if is_own else _type_cues(d, items, lex, strong_only=known)
    if is_own:
        cand = []
        if title_type and any(o.start < d.title_end for o in items):
            cand.append(title_type)
        hints = [h for k in {o.key for o in items} for h in own_type_hints.get(k, []) if h]
        cand.extend(hints)
        if not hints:
            # what the introducing sentence says of it beats later mentions ("the X mixture")
            cues = _type_cues(d, items, lex, own=True)
            cand.extend(t for p, t in cues if p >= Conf.KNOWN)
        cand.extend(o.type for o in items if o.kind == Kind.SHORT and o.type)
        # the most specific word said about it wins: benchmark/dataset, then model, then method
        typ = next((c for c in cand if c in ("benchmark", "dataset")), None)
        if typ is None and "model" in cand:
            typ = "model"
        if typ is None and "method" in cand:
            typ = "method"
        if typ is None:
            # no word says what it is: a name built on a model family ("LLaVA-Surg") is a model
            if cues is None:
                cues = _type_cues(d, items, lex, own=True)
            weak = [t for p, t in cues if p >= Conf.SUFFIX and t == "model"]
            typ = weak[0] if weak else None
            if typ is None:
                # "MathBench-12K", "Alpaca-52K": the name's own shape says benchmark or dataset
                shaped = [c for c in _surface_cues(name) if c[1] in ("benchmark", "dataset")]
                typ = max(shaped)[1] if shaped else None
        if typ is None:
            dt = def_type.get(name_key)
            typ = dt if dt in ("model", "dataset", "benchmark") else "method"
    else:
        best = max(cues) if cues else (Conf.NONE, None)
        typ, conf = best[1], best[0]
        if len(items) == 1:
            rec = items[0].rec or lex.lookup(name)
        else:
            rec = next((o.rec for o in items if o.rec is not None), None) or lex.lookup(name)
        if rec is None and best[1] is None:
            # "FineWeb-2", "LibriTTS-R", "WavLM-TDNN": an edition or a build of a known name
            # (only with no cue at all: "On TOFU and MUSE-News" says benchmark, whatever MUSE is)
            stem = _NUMBER_TAIL.sub("", name)
            if stem == name:
                stem = _FIRST_PART.sub("", name)
            srec = lex.lookup(stem) if stem != name else None
            if srec is not None:
                typ, conf = srec.type, Conf.SHAPE
                if typ == "method" and _CHECKPOINT_TAIL.match(name, len(stem)):
                    typ = "model"  # "SegFormer-B5": a sized checkpoint of an architecture
                best = (conf, typ)
        ctx = None
        if rec is not None and rec.type in _DATA_TYPES and best[0] < Conf.APPOS:
            ctx = _data_context_type(d, items)
        if ctx is not None:
            typ, conf = ctx, Conf.KNOWN  # "the long-horizon benchmarks ETTh1 and ETTm2": the use decides
        elif rec is not None and (
            typ is None
            or best[0] < Conf.APPOS
            or (rec.type in ("model", "method") and typ in ("model", "method"))
            # "ImageNet models", "Chatbot Arena models": models of a known data set
            or (rec.type in ("dataset", "benchmark") and typ in ("model", "method"))
        ):
            typ, conf = rec.type, max(conf, Conf.KNOWN)
        dt = def_type.get(name_key)
        if dt and (typ is None or best[0] < Conf.FIRM):
            typ, conf = dt, (Conf.FIRM if name_key in d.def_explicit else Conf.GUESS)
        if typ is None:
            typ = "model" if (_DIGIT.search(name) and not _DIGITS_END.search(name)) or family_of(name) else "method"
            conf = Conf.NONE
        elif typ == "method" and name[-1:] in "BMT" and _PARAM_SIZE.search(name) and family_of(name):
            typ = "model"  # "Qwen2.5-7B policies": a name with a parameter count is a trained model
        elif typ == "method" and any(o.kind is Kind.VARIANT and o.type == "model" for o in items):
            # "a ResNet-50 network", "the VGG-16 architecture": a depth or size variant of a
            # known model is that trained model, whatever noun follows
            typ = "model"

    # -- aliases: every other form as written, no case-only duplicates
    if len(items) == 1:
        s = items[0].surface.strip()
        aliases = [s] if s and s.casefold() != name.casefold() else []
    else:
        seen = {name.casefold()}
        aliases = []
        for o in sorted(items, key=_START):
            s = o.surface.strip()
            if s.casefold() not in seen and s:
                seen.add(s.casefold())
                aliases.append(s)
    # the gazetteer's own name, when the text wrote another form ("Pile" for "The Pile")
    if not is_own and rec is not None and match_key(rec.name) != name_key and all(
        match_key(a) != match_key(rec.name) for a in aliases
    ):
        aliases.append(rec.name)
    # -- family: a size/checkpoint variant of another system
    fam = None
    if not is_own and typ == "model":
        fam = family_of(name)
    role, evidence = _role_and_evidence(d, items, typ, is_own)
    return {
        "name": name,
        "type": typ,
        "aliases": tuple(aliases),
        "role": role,
        "evidence": evidence,
        "count": len(items),
        "family": fam,
        "_conf": Conf.KNOWN if is_own else conf,
        "_items": items,
    }


_DATA_TYPES = ("dataset", "benchmark")


def _data_context_type(d: _Doc, items: list[Occurrence]) -> str | None:
    """dataset or benchmark, when the words around a known data name say which one it is here.

    A data set is a benchmark where it is evaluated on and a dataset where it is trained on
    (the guidelines); the gazetteer can only hold the usual use. The list it stands in says
    which ("the benchmarks A, B and C", "the datasets A and B"). (The verb before "on" is
    too weak a cue to overrule the gazetteer: "results on ImageNet" is still a dataset.)
    """
    kinds = set()
    for o in sorted(items, key=_START)[:_CUE_OCCURRENCES]:
        a0 = o.start
        lt = d.noun_list_type.get(a0) or _list_head_type(d, a0)
        if lt in _DATA_TYPES:
            kinds.add(lt)
    return kinds.pop() if len(kinds) == 1 else None  # (lists that disagree say nothing)


_CHECKPOINT_TAIL = re.compile(r"[-_]?(?:[A-Z]\d{1,2}|[SBLHG]|XL|XXL|\d+(?:\.\d+)?[BMK])$")
_NUMBER_TAIL = re.compile(r"[- ]\d+(?:\.\d+)?$")
_FIRST_PART = re.compile(r"-[^-]+$")
_START = attrgetter("start")

def _role_and_evidence(d: _Doc, items: list[Occurrence], typ: str, is_own: bool) -> tuple[str, str]:
    """The strongest role any occurrence's sentence gives the entity, with that sentence as evidence
    (a window of it around the occurrence when it is longer than ``EVIDENCE_MAX``).

    proposes (the paper's own system) > code > evaluates_on (a benchmark; a dataset in an
    evaluation sentence or after "on") > compares_to (after a comparison word) > uses.
    """
    n = d.n
    if len(items) > 1:
        # the abstract's sentences show a role better than the title does
        te = d.title_end
        items = sorted(items, key=lambda o: (o.start < te, o.start))
    if is_own or typ == "benchmark":
        # every occurrence gives the same role: the first one wins
        o = items[0]
        s0 = o.start
        return ("proposes" if is_own else "evaluates_on"), d.evidence(d.sent_index(s0) if s0 < n else 0, s0, o.end)
    role, evidence = "uses", ""
    at = (0, items[0])  # the sentence and occurrence the evidence comes from
    best_p = 0  # 2: compares_to, 1: uses
    sent_starts, cues = d.sent_starts, d._cues
    for o in items:
        a = o.start
        k = bisect_right(sent_starts, a) - 1 if a < n else 0  # d.sent_index(a), inline
        got = cues.get(k)
        ev, cmp = got if got is not None else d.sentence_cues(k)
        if typ == "dataset" and (ev or _eval_prior(d, a) == "benchmark"):
            return "evaluates_on", d.evidence(k, a, o.end)  # nothing later can beat it
        if cmp >= 0 and a > cmp:
            if best_p < 2:
                best_p, role, evidence, at = 2, "compares_to", d.sentence_text(k), (k, o)
        elif not best_p:
            best_p, role, evidence, at = 1, "uses", d.sentence_text(k), (k, o)
    if len(evidence) > EVIDENCE_MAX:  # d.evidence(k, ...), once for the sentence that won
        k, o = at
        evidence = d._window(k, o.start, o.end)
    return role, evidence


if not Doc.has_extension("kg_mentions"):
    Doc.set_extension("kg_mentions", default=())


@Language.factory("kg_assemble", default_config={})
def make_assemble(nlp: Language, name: str):
    """Fill ``doc._.kg_mentions`` from the other components' extensions."""
    lex = load_lexicon()

    def run(doc: Doc) -> Doc:
        doc._.kg_mentions = assemble(
            doc._.kg_text or doc.text,
            doc._.kg_tokens,
            doc._.kg_sents,
            doc._.kg_urls,
            doc._.kg_acronyms,
            doc._.kg_gazetteer,
            lex,
            doc._.kg_lower,
        )
        return doc

    return run
