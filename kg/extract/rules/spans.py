"""Where a name starts and ends: version, year and size tails, words glued before or after
a known name, part labels, split settings, capitalised runs and their coordination.
"""

from __future__ import annotations

import re

from kg.extract.components import vocab
from kg.extract.components.lexer import positions
from kg.extract.lexicon import match_key, WORDS
from kg.extract.rules.cues import CUE_NOUNS, DETERMINERS, kw, SCAN_WORDS
from kg.extract.rules.shapes import (
    CAP,
    DEC_VERSION,
    shape,
    SMALL_INT,
    STRONG,
    T_LANG_PAIR,
    T_LOWER_SIZE,
    T_SIZE,
    T_SMALL_INT,
    T_TIER,
    T_VERSION,
    tail_kind,
    YEAR,
)
from kg.extract.rules.state import TextState
from kg.extract.state import Conf, KIND_CTX, KIND_NAME, Occurrence
from kg.names import family_of


# a number followed by one of these counts something ("GRPO 3 times"), it is not a version
_COUNT_AFTER = WORDS["count_after"]

_BARE_NUM = re.compile(r"^\d+(?:[.,]\d+)*$")

_AFTER_LOWER_SIZE = WORDS["after_lower_size"]

NOT_MODIFIER = WORDS["not_modifier"]


def tail_end(d: TextState, b: int, model_like: bool, numbered: bool = False) -> int:
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
        kind = tail_kind(w)
        if not kind or (kind == T_LOWER_SIZE and not model_like):
            break
        nxt = lower[b + 1] if b + 1 < n else ""
        if kind == T_VERSION:
            ok = nxt not in _COUNT_AFTER and not _BARE_NUM.match(nxt)
        elif kind == T_SMALL_INT:
            # "Prometheus 2 and X", "Deep Voice 3 and X": a generation; "Task 2 and 3" counts
            ok = (
                b == b0
                and nxt not in _COUNT_AFTER
                and (nxt not in {"and", "or"} or not (b + 2 < n and _BARE_NUM.match(words[b + 2])))
                and not _BARE_NUM.match(nxt)
            )
        elif kind == T_SIZE:
            ok = model_like
        elif kind == T_TIER:
            # "Gemini 1.5 Pro", and "Mistral Small 3.1": a tier with its own version
            ok = numbered or (model_like and bool(DEC_VERSION.match(nxt) or SMALL_INT.match(nxt)))
        elif kind == T_LANG_PAIR:
            ok = not model_like  # "WMT16 En-Ro", "IWSLT14 DE-EN": a translation direction of a data set
        else:  # a lower-case size word, model_like
            ok = "-v" in w or nxt in _AFTER_LOWER_SIZE or not nxt
        if not ok:
            break
        numbered = True
        b += 1
    return b


def name_word_after(d: TextState, b: int) -> bool:
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


def lower_prefix(d: TextState, i: int, b: int) -> int:
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
        and w not in NOT_MODIFIER
        and w not in SCAN_WORDS
        and kw(w) is None
        and match_key(w) not in lex.plain_modifiers
        and lex.lookup(x) is None
        and not lex.is_stop(w)
    ):
        return i
    n = d.n
    appos = b + 1 < n and words[b] == "," and lower[b + 1] in DETERMINERS
    if appos and not _VARIANT_NOUNS.isdisjoint(lower[b + 2 : b + 6]):
        return k  # "twin VQN, a variant of VQN": a named variant beside the original
    uses = positions(words, x)
    if any(j == 0 or lower[j - 1] != w for j in uses):
        return i  # the text writes the acronym bare too: the word only describes it here
    return k if appos or len(uses) >= 2 else i


def data_words_after(d: TextState, b: int) -> int:
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
        and kw(d.lower[j]) is None
    ):
        j += 1
    if j > b and j < d.n and d.lower[j] in CUE_NOUNS and d.words[j].islower() and d.lower[j] != "tasks":
        return j
    return b


def data_word_before(d: TextState, a: int) -> int:
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
        and kw(d.lower[k]) is None
        and d.lex.lookup(d.words[k]) is None
    ):
        return k
    return a


_PART_WORDS = frozenset(("Part", "Track", "Task", "Subtask"))

_APOSTROPHES = frozenset(("'", "\u2019"))

_PART_LABEL = re.compile(r"^(?:[A-Z]|[1-9]\d?|I{1,3}|IV|V)$")


def part_tail(d: TextState, b: int) -> int:
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


def split_setting_end(d: TextState, b: int) -> int:
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


def typed_run_after(d: TextState, b: int) -> tuple[int, str | None] | None:
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
        if lower[j] in CUE_NOUNS:
            return j + 1, (None if lower[j] == "tasks" else kw(lower[j]))  # "Atari Learning Tasks": a description
        if lower[j] in {"repository", "collection"} and j > b:
            return j + 1, "dataset"  # "the Monash Time Series Forecasting Repository"
        j += 1
    return None


def slashed_family(d: TextState, j: int) -> str | None:
    """The family of the name that starts a "NAME-B/-L/-XL" run ending at token ``j``."""
    while j >= 1 and (d.words[j] in {"/", "-"} or (len(d.words[j]) <= 3 and d.words[j].isupper())):
        j -= 1
    if j >= 0 and "-" in d.words[j] and shape(d.words[j]) == STRONG:
        return family_of(d.words[j])
    return None


def more_editions(d: TextState, a: int, b: int, bt: int, typ: str | None, add) -> None:
    """"TREC DL 2019 and 2020": each further year or version is its own edition of the same name."""
    words, n = d.words, d.n
    if bt - b != 1 or not (YEAR.match(words[b]) or DEC_VERSION.match(words[b])):
        return
    base = d.surface(a, b)
    j = bt
    while j + 1 < n and words[j] in {",", "and", "or"} and not d.covered[j + 1]:
        k = j + 1
        if k < n and words[k] in {"and", "or"}:
            k += 1
        if k < n and not d.covered[k] and (YEAR.match(words[k]) or DEC_VERSION.match(words[k])) and (
            k + 1 >= n or d.lower[k + 1] not in _COUNT_AFTER
        ):
            add(k, k + 1, KIND_NAME, typ, Conf.FIRM, surface=f"{base} {words[k]}", sub="edition")
            j = k + 1
        else:
            break


METRIC_NOUNS = WORDS["metric_nouns"]

_PRECISION_RE = re.compile(r"^W\d+A\d+(?:KV\d+)?$")


def is_metric(d: TextState, o: Occurrence) -> bool:
    """A measured quantity, not an artifact: "PDM score", "L2 error", "W4A4" bit widths."""
    if _PRECISION_RE.match(o.surface):
        return True
    e = o.end
    return e < d.n and d.lower[e] in METRIC_NOUNS and o.kind in (KIND_NAME, KIND_CTX)


HARDWARE_NOUNS = WORDS["hardware_nouns"]
_PHRASE_ENDS = WORDS["phrase_ends"]


def is_hardware(d: TextState, o: Occurrence) -> bool:
    """A device, not an artifact: a name before a hardware noun or ending in one, where the
    hardware noun ends the phrase ("on an Orin SoC.", "a Coral Edge TPU accelerator and",
    "an Ethos-U55 NPU"); not a modifier of another noun ("DLRM GPU training", "the WISDM
    smartphone datasets": the system and the data set)."""
    if o.kind not in (KIND_NAME, KIND_CTX):
        return False
    e, n, lower = o.end, d.n, d.lower
    if e < n and lower[e] in HARDWARE_NOUNS:
        e += 1
    elif not (e - o.start >= 2 and lower[e - 1] in HARDWARE_NOUNS):
        return False
    while e < n and lower[e] in HARDWARE_NOUNS:
        e += 1
    return e >= n or not d.words[e][0].isalnum() or lower[e] in _PHRASE_ENDS


def occurs_after(words: list[str], w: str, start: int) -> bool:
    """Whether ``w`` is one of ``words[start:]`` (without copying the list)."""
    try:
        words.index(w, start)
    except ValueError:
        return False
    return True


def cap_run(d: TextState, j: int, limit: int) -> int:
    """End of the run of capitalised words from ``j`` (at most ``limit``), glued by single spaces."""
    k = j
    while k < d.n and k - j < limit and k in d.cap_set and not d.covered[k] and d.words[k].isalpha() and (
        k == j or d.starts[k] == d.ends[k - 1] + 1
    ):
        k += 1
    return k


def run_recurs(d: TextState, i: int) -> bool:
    """Whether the capitalised run that opens a sentence at ``i`` is written again elsewhere
    in the text, first word and all: then the first word is part of the name ("Residual Echo
    Units are ... We show that Residual Echo Units ...")."""
    if d.lower[i] in vocab.SENT_STARTERS:
        return False
    j = i
    while j < d.n and j - i < 4 and j in d.cap_set and not d.covered[j]:
        j += 1
    return j - i >= 2 and d.text.count(d.surface(i, j)) >= 2


def coordinated_run(d: TextState, k: int, back: bool = False) -> bool:
    """Whether the capitalised word at ``k``, across "and"/"or" from a run, starts (``back``:
    ends) a run of three or more capitalised words of its own: "Deformable Memory Readers and
    Stacked Pointer Machines" are two names, not one Title Case phrase (two-word runs are
    often places or organisations: "Central Asia and Sub-Saharan Africa")."""
    if d.lower[k + 1 if back else k - 1] not in {"and", "or"}:
        return False
    step = -1 if back else 1
    run = [k, k + step, k + 2 * step]
    return all(0 <= x < d.n and x in d.cap_set and not d.is_sentence_initial(x) for x in run)


_GENERIC_MODIFIERS = WORDS["generic_modifiers"]


def named_architecture_run(d: TextState, i: int, j: int) -> bool:
    """A run of three or more capitalised words ending in an architecture noun names one design
    ("Stacked Pointer Machines", "Deformable Memory Readers" need no such test), unless it is a
    kind of neural network ("Graph Neural Networks"), only generic modifiers ("Deep
    Convolutional Networks"), or a generic class spelled out ("Support Vector Machines": SVM)."""
    low = d.lower[i:j]
    if len(low) < 3 or low[-1] not in ARCHITECTURE_HEADS or low[-2] == "neural":
        return False
    if all(w in _GENERIC_MODIFIERS for w in low[:-1]):
        return False
    initials = "".join(w[0] for w in low)
    return initials not in d.lex.stop and not d.lex.is_stop(d.surface(i, j))


ARCHITECTURE_HEADS = frozenset("network networks machine machines transformer transformers".split())
