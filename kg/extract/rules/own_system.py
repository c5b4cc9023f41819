"""The paper's own system: a name-like title prefix ("VILP: ..."), the first name after
"we propose/introduce/present ...", "called", "named", "the proposed model, X", and every
later use of a one-word own name.
"""

from __future__ import annotations

import bisect
import re
from itertools import compress, repeat
from operator import contains

from kg.extract.components import vocab
from kg.extract.components.lexer import positions
from kg.extract.lexicon import match_key, WORDS
from kg.extract.rules.appositions import antecedent_type, apposition_type
from kg.extract.rules.cues import ALL_PROPOSE_CUES, NAMING
from kg.extract.rules.shapes import BY_FIRST, CAP, NONE, shape, STRONG, title_head_type
from kg.extract.rules.spans import occurs_after
from kg.extract.rules.state import sub_rules, TextState
from kg.extract.rules.types import between_type, next_word_type
from kg.extract.state import KIND_GAZ, KIND_OWN, Occurrence


_SUBJECT_NOUNS = frozenset("paper work study article letter".split())

_ADVERBS = WORDS["adverbs"]

_PROPOSED_NOUNS = WORDS["proposed_nouns"]

# single title words before a colon that announce a genre, not a system
_TITLE_PREFIX_WORDS = WORDS["title_prefix_words"]

_OBJECT_STOP = WORDS["object_stop"]

# "NAME: rest of the title", "NAME - rest", "NAME -- rest"
_TITLE_PREFIX_RE = re.compile(r"^\s*([^:\n]{1,60}?)\s*(?::|\s[-\u2013\u2014]\s|-\s)\s*(\S.*)$")


def other_system(o: Occurrence, fk: str, own_type_hints) -> bool:
    """Whether a sized name built on the paper's own system is a different artifact.

    "We present MathForge, a generation pipeline ... we release MathForge-2M, a corpus ...
    fine-tuning on it yields MathForge-7B": the corpus and the model are not the pipeline.
    The text says so when the two were introduced as different kinds of thing.
    """
    fam_type = next((h for h in own_type_hints.get(fk, ()) if h), None)
    var_type = next((h for h in own_type_hints.get(o.key, ()) if h), None)
    return bool(fam_type and var_type and fam_type != var_type)


def _propose_positions(d: TextState) -> list[int]:
    """Token indices where the object of a propose cue may start."""
    lower = d.lower
    cues = d.where(ALL_PROPOSE_CUES)
    if not cues:
        return []
    out = []
    n = d.n
    for i in cues:
        w = lower[i]
        if w in NAMING:
            out.append(i + 1)
            continue
        if w == "proposed":
            if i > 0 and lower[i - 1] in {"the", "our"}:
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
            lower[j] in _SUBJECT_NOUNS and j > 0 and lower[j - 1] in {"this", "our"}
        )
        if not subj and lower[j] == "and":
            # "We identify the cause and propose X": the same subject
            a = d.sents[d.sent_index(i)][0]
            subj = "we" in lower[max(a, i - 20) : j]
        if not subj or (w.startswith("present") and d.words[i - 1] == "present"):
            continue
        if i + 1 < n and lower[i + 1] in {"to", "that", "how", "and", "our"}:
            continue
        out.append(i + 1)
    return out


def find_propose_cues(d: TextState) -> None:
    """Token indices where the object of a propose cue may start ("we propose X")."""
    n = d.n
    d.propose_at = [i for i in _propose_positions(d) if i < n]


def own_title_prefix(d: TextState) -> None:
    """The paper's own system from a name-like title prefix ("VILP: ..."); the title's type."""
    text, words, lex, own_keys = d.text, d.words, d.lex, d.own_keys
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
                    and occurs_after(words, pw, d.title_end)
                )
                if shape(pw) == STRONG or plain_name or (re.search(r"[a-z][A-Z]|[A-Z].*[A-Z]|\d", prefix) and " " not in pw):
                    if not lex.lookup(prefix) and not lex.is_stop(prefix):
                        own_keys.add(pk)
                        if not any(o.start == 0 and match_key(o.surface) == pk for o in d.occ):
                            d.add(0, len(ptoks) or 1, KIND_OWN, surface=prefix.strip())
            else:
                own_keys.add("title:" + pk)  # multi-word prefix: own only if the abstract names it too
    d.title_type = title_head_type(title_tail) if title_tail else None


@sub_rules("title_case", "dash_name", "title_phrase")
def own_proposed_objects(d: TextState) -> None:
    """The first name after "we propose/introduce/present ...", "called", "named", "the proposed model, X"."""
    propose_at = d.propose_at
    if not propose_at:
        return
    words, n, lex, covered, add = d.words, d.n, d.lex, d.covered, d.add
    own_keys, own_type_hints, proposed_defs = d.own_keys, d.own_type_hints, d.proposed_defs
    cand_starts = sorted([(o.start, o) for o in d.occ] + [(df["long_span"][0], df) for df in d.defs], key=BY_FIRST)
    cand_pos = list(map(BY_FIRST, cand_starts))
    for p in propose_at:
        sent_end = d.sents[d.sent_index(p)][1] if p < n else n
        j = bisect.bisect_left(cand_pos, p)
        picked = _propose_title_case(d, p, sent_end, covered, add, own_keys, own_type_hints)
        while not picked and j < len(cand_starts) and cand_starts[j][0] < min(p + 13, sent_end):
            pos, item = cand_starts[j]
            # the object comes before any clause that uses something else ("trained on X")
            if any(words[k] in {";", ":"} or d.lower[k] in _OBJECT_STOP for k in range(p, pos)):
                break
            if isinstance(item, dict):  # a definition (an occurrence otherwise)
                if lex.is_stop(item["short"]) or lex.is_stop(item.get("inner_short", "")):
                    j += 1
                    continue
                proposed_defs.add(id(item))
                own_keys.add(match_key(item["short"]))
                own_type_hints[match_key(item["short"])].append(between_type(d, p, pos))
                picked = True
                break
            if item.kind is KIND_GAZ or (item.rec is not None):
                j += 1
                continue
            k = match_key(item.surface)
            own_keys.add(k)
            # "we introduce a benchmark, X" / "we introduce X, a data mixing law"
            own_type_hints[k].append(
                apposition_type(d, item.end) or between_type(d, max(0, p - 3), pos) or antecedent_type(d, p)
            )
            picked = True
            break
        if not picked:
            picked = _propose_dash_name(d, p, sent_end, covered, add, own_keys, own_type_hints)
        if not picked:
            _propose_title_phrase(d, p, sent_end, add, own_keys, d.text)


def own_later_uses(d: TextState) -> None:
    """Every later use of a one-word own name, as written ("Kestrel" in the title and the abstract)."""
    singles = {k for k in d.own_keys if not k.startswith("title:")}
    if not singles:
        return
    words, lower, n, covered = d.words, d.lower, d.n, d.covered
    # candidates by lower-case form (one C-level set test per token), then the exact key
    low_forms = {o.surface.lower() for o in d.occ if o.kind == KIND_OWN} | singles
    if len(low_forms) == 1:
        hits = positions(lower, next(iter(low_forms)))  # one form (the usual case): list.index scans
    else:
        hits = compress(range(n), map(low_forms.__contains__, lower))
    for i in hits:
        if i >= d.title_end and not covered[i] and shape(words[i]) != NONE and match_key(words[i]) in singles:
            d.add(i, i + 1, KIND_OWN)


def own_title_phrase_uses(d: TextState) -> None:
    """A multi-word title prefix the abstract also names ("Align Anything" / "align-anything")."""
    own_keys, words, n, text = d.own_keys, d.words, d.n, d.text
    for k in [k for k in own_keys if k.startswith("title:")]:
        pk = k[6:]
        for o in d.occ:
            if match_key(o.surface) == pk:
                own_keys.add(pk)
        if pk not in own_keys:
            for a in [i for i in compress(range(n), map(contains, words, repeat("-"))) if i >= d.title_end]:
                if match_key(words[a]) == pk:
                    d.add(a, a + 1, KIND_OWN, surface=words[a])
                    own_keys.add(pk)
                    d.own_type_hints[pk].append(next_word_type(d, a + 1))
                    tp = text[: d.ends[d.title_end - 1]]
                    j = tp.find(":")
                    if j > 0:
                        o = d.add(0, 1, KIND_OWN, surface=tp[:j].strip())
                        o.alias_only = True
                    break


def _propose_title_case(d: TextState, p: int, sent_end: int, covered, add, own_keys, own_type_hints) -> bool:
    """A Title Case phrase right after "we propose": "Directional Stimulus Prompting, a novel framework"."""
    words, lower = d.words, d.lower
    j = p
    if j < sent_end and lower[j] in {"the", "a", "an"}:
        j += 1
    if j >= sent_end or covered[j] or shape(words[j]) != CAP or lower[j] in vocab.SENT_STARTERS:
        return False
    k = j
    while k < sent_end and k - j < 6 and not covered[k] and (
        shape(words[k]) == CAP
        or (lower[k] in {"of", "for", "with"} and k + 1 < sent_end and shape(words[k + 1]) == CAP)
    ):
        k += 1
    one_word = (
        k - j == 1
        and k + 1 < sent_end
        and (words[k] == "," and lower[k + 1] in {"a", "an", "the"} or words[k] == "(" or lower[k] in {"which", "that"})
        and not d.lex.is_stop(words[j])
        and lower[j] not in vocab.LANGUAGES
    )
    if (k - j < 2 and not one_word) or not (
        k >= sent_end or words[k] in {",", ".", ";", ":", "("} or lower[k] in {"which", "that", "to", "as", "for"}
    ):
        return False
    o = add(j, k, KIND_OWN, sub="title_case")
    key = match_key(o.surface)
    own_keys.add(key)
    own_type_hints[key].append(apposition_type(d, k) or next_word_type(d, k))
    return True


_DASH_MARKS = frozenset((":", "\u2014", "\u2013", "-"))


def _propose_dash_name(d: TextState, p: int, sent_end: int, covered, add, own_keys, own_type_hints) -> bool:
    """A single-word name set off at the end of a propose sentence: "... evaluation framework -- eval-anything."."""
    words = d.words
    if _DASH_MARKS.isdisjoint(words[p : min(sent_end, p + 25)]):
        return False  # no mark in reach (one C-level test instead of the loop)
    for k in range(p, min(sent_end, p + 25)):
        if words[k] in {":", "\u2014", "\u2013"} or (words[k] == "-" and k + 1 < sent_end and words[k + 1] == "-"):
            j = k + 1
            while j < sent_end and words[j] in ("-",):
                j += 1
            if j < sent_end and not covered[j] and words[j][:1].isalnum() and "-" in words[j] or (j < sent_end and shape(words[j]) != NONE and not covered[j]):
                end = j + 1
                if end >= sent_end or words[end] in {".", ",", "(", ";"}:
                    o = add(j, end, KIND_OWN, sub="dash_name")
                    key = match_key(o.surface)
                    own_keys.add(key)
                    own_type_hints[key].append(between_type(d, p, k))
                    return True
            return False
    return False


def _propose_title_phrase(d: TextState, p: int, sent_end: int, add, own_keys, text) -> None:
    """A lower-case phrase after "we propose" that is the paper's title: "we propose policy-guided diffusion."."""
    if not d.title_end:
        return
    j = p
    if j < sent_end and d.lower[j] in {"the", "a", "an"}:
        j += 1
    tk = match_key(text[: d.ends[d.title_end - 1]])
    k = j
    while k < sent_end and k - j < 8:
        k += 1
        phrase = d.surface(j, k)
        if len(phrase) < len(tk) and phrase.isascii():
            continue  # an ASCII phrase's key is never longer than the phrase itself
        if match_key(phrase) == tk:
            o = add(j, k, KIND_OWN, sub="title_phrase")
            o.canonical = text[: d.ends[d.title_end - 1]].strip()
            own_keys.add(tk)
            return
