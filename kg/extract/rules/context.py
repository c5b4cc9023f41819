"""Capitalised words that are names only from context: before a data or benchmark noun
("Summary dataset"), in runs mid-sentence, in lists after "such as" or a plural type noun,
next to other names in a list, and Title Case names with small inner words ("Faces in
the Crowd, a dataset of ...").
"""

from __future__ import annotations

from kg.extract.components import vocab
from kg.extract.components.lexer import char_positions
from kg.extract.lexicon import WORDS
from kg.extract.rules.appositions import apposition_type
from kg.extract.rules.cues import CUE_NOUNS, DETERMINERS, kw, LIST_CUES, PLURAL_TYPE_NOUNS
from kg.extract.rules.definitions import NO_NAME_NOUNS
from kg.extract.rules.shapes import CAP, list_member_shaped, member_shaped, NONE, shape, strip_suffix
from kg.extract.rules.spans import cap_run, coordinated_run, named_architecture_run, run_recurs, tail_end
from kg.extract.rules.state import sub_rules, TextState
from kg.extract.rules.types import next_word_type, type_noun_before
from kg.extract.state import Conf, KIND_CTX


# i -> i - 1 and i -> i + 1 as C functions, to shift index sets with map()
_MINUS_1, _PLUS_1 = (-1).__add__, (1).__add__

_CTX_MAX_WORDS = 4  # capitalised words a "<name> dataset" name may have before its type noun

_WALK_SEPS = frozenset((",", "and", "or", "&"))

_AFTER_LIST_VERBS = WORDS["after_list_verbs"]

_INNER_CONNECTORS = WORDS["inner_connectors"]


def inner_lowercase_names(d: TextState) -> None:
    """Title Case names with small lower-case words inside: "Faces in the Crowd", "Songs from the Valley".

    Capitalised runs joined by a preposition (and a determiner) are one name when the words
    after it say what it is: a type noun ("the Dogs in the Snow dataset") or an apposition
    ("Hands at Work, a dataset of ..."; not a metric: "Intersection over Union, a metric").
    Without such a cue the phrase is left alone (and its parts are no names either).
    """
    covered, add = d.covered, d.add
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
        if d.is_sentence_initial(a) or lower[a] in vocab.SENT_STARTERS or not member_shaped(words[a]):
            continue
        e = k + 1
        while e < n and e - a < 10 and lower[e] in _INNER_CONNECTORS:
            j = e + 1
            if j < n and lower[j] in DETERMINERS:
                j += 1
            r = cap_run(d, j, 3)
            if r == j or any(lower[x] in vocab.SENT_STARTERS for x in range(j, r)):
                break
            e = r
        if e <= k + 1:
            continue
        t = next_word_type(d, e) if e < n and kw(lower[e]) else apposition_type(d, e)
        if t is None:
            t = type_noun_before(d, a, e)  # "on a new dataset, Letters from the Front, which ..."
        if t is None or not NO_NAME_NOUNS.isdisjoint(lower[e : e + 10]) or d.lex.is_stop(d.surface(a, e)):
            continue
        add(a, e, KIND_CTX, t, Conf.APPOS)


def type_noun_lists(d: TextState) -> None:
    """Capitalised names before a data or benchmark noun, a list of them too: "the A, B, and C datasets"."""
    covered, add = d.covered, d.add
    words, lower = d.words, d.lower
    te = d.title_end
    # where a walk back from a token over separators and names found got to: tokens stay
    # covered, so a later walk over the same list jumps instead of stepping (path
    # compression: linear, not quadratic, in a list of thousands of names)
    jump: dict[int, int] = {}
    for i in d.where(CUE_NOUNS):
        t = kw(lower[i])
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
                        add(a, b + 1 if whole else b, KIND_CTX, t, Conf.APPOS)
                        j = a - 1
                        if j >= 0 and (covered[j] or words[j] in {",", "and", "or", "&"}):
                            continue  # another member of the list
                break  # (a capitalised word right before is not: "Big Kestrel Image Quality Dataset")


@sub_rules("project", "adjective_tail")
def capitalised_runs(d: TextState) -> None:
    """Runs of two or more capitalised words mid-sentence: "generated using Anthropic Personas"."""
    words, lower, n, covered, add = d.words, d.lower, d.n, d.covered, d.add
    te = d.title_end
    # runs of two or more capitalised words mid-sentence: "generated using Anthropic Personas"
    cap_set = d.cap_set
    run_starts = cap_set.intersection(map(_MINUS_1, cap_set))  # i + 1 is capitalised too ...
    run_starts.difference_update(map(_PLUS_1, cap_set))  # ... and i - 1 is not
    if te in cap_set and te + 1 in cap_set and lower[te] in vocab.SENT_STARTERS:
        run_starts.add(te)  # "Unlike Gated Residual Lattices, ...": the abstract's first word, whatever ends the title
    for i in sorted(run_starts):
        if i < d.title_end:
            continue
        if (d.is_sentence_initial(i) or lower[i] in vocab.SENT_STARTERS) and not run_recurs(d, i):
            i += 1  # "Using Anthropic Personas ...": a run may start after the first word
            if i + 1 not in cap_set or lower[i] in vocab.SENT_STARTERS:
                continue
        if covered[i]:
            continue
        if i > 0 and words[i - 1] in {")", ":", ";"} or (i > 0 and not words[i - 1][:1].isalnum() and words[i - 1] not in {",", "("}):
            continue
        if i >= 2 and words[i - 1] == "s" and words[i - 2] in {"'", "\u2019"}:
            continue  # "Bird's Eye View": the run started before the possessive
        if i > 0 and covered[i - 1] and d.starts[i] == d.ends[i - 1] + 1:
            continue  # continues a name already found ("Hanabi Learning Environment")
        j = i
        while j < n and not covered[j] and shape(words[j]) == CAP and j - i < 4:
            j += 1
        # part of a longer Title Case phrase ("Harmonization of On- and Off-Policy ...")?
        three = j - i >= 3  # (a run of three words coordinated with another: two names)
        # (not across a name found already, "Gated Residual Networks on MNIST", nor back to a
        # sentence's first word before a run of three: "Training with Focal Margin Loss ...",
        # nor back into the title: "A Study" and "The Quiet Voice system ...")
        longer = (
            j + 1 < n and lower[j] in vocab.CONNECTORS and shape(words[j + 1]) != NONE and not covered[j + 1]
            and not (three and coordinated_run(d, j + 1))
        ) or (
            i - 2 >= te and lower[i - 1] in vocab.CONNECTORS and shape(words[i - 2]) != NONE and not covered[i - 2]
            and not (three and (coordinated_run(d, i - 2, back=True) or d.is_sentence_initial(i - 2)))
        ) or (
            # "Lanterns of the Old Town": the run ends a longer Title Case name
            # (not a unit after a number: "48 Hz on a Jetson Orin")
            i >= 4 and lower[i - 1] in DETERMINERS and lower[i - 2] in _INNER_CONNECTORS
            and shape(words[i - 3]) == CAP and len(words[i - 3]) >= 3 and not d.is_sentence_initial(i - 3)
            and not words[i - 4][:1].isdigit()
        )
        if j - i >= 2 and not longer and not (j < n and covered[j]) and not _language_variety(lower, i, j) and (
            lower[j - 1] not in vocab.CAP_RUN_GENERIC or named_architecture_run(d, i, j)
        ):
            if lower[j - 1] == "project" and j - i >= 2 and not any(
                lower[k] in vocab.SENT_STARTERS or lower[k] in vocab.TOOLS for k in range(i, j - 1)
            ):
                add(i, j, KIND_CTX, "dataset", Conf.SIZE, sub="project")  # "the Materials Project", "the Human Connectome Project": data
            elif not any(lower[k] in vocab.SENT_STARTERS or lower[k] in vocab.TOOLS for k in range(i, j)):
                last = words[j - 1]
                bare = strip_suffix(last) if "-" in last else last
                if bare != last:
                    # "Diffusion Forcing-style noise": the name without its adjective tail
                    add(i, j, KIND_CTX, surface=d.text[d.starts[i] : d.starts[j - 1] + len(bare)], sub="adjective_tail")
                    continue
                jt = tail_end(d, j, False)
                add(i, jt if not any(covered[j:jt]) else j, KIND_CTX)  # "Common Voice 17.0"


_VARIETY_WORDS = WORDS["language_variety_words"]


def _language_variety(lower: list[str], i: int, j: int) -> bool:
    """Whether tokens ``i`` .. ``j`` name a language variety, not an artifact: a language after
    words that only make a variety of it ("High German", "Modern Standard Arabic"; not
    "Kathbath Hindi", a corpus)."""
    if lower[j - 1] not in vocab.LANGUAGES:
        return False
    return all(w in _VARIETY_WORDS or w in vocab.LANGUAGES for w in lower[i : j - 1])


def cue_lists(d: TextState) -> None:
    """Capitalised members of a list after "such as / like / e.g. / including" (or a bracketed
    list after a type noun) that also holds a name found already: "methods such as Latent Plans or C-Bet"."""
    words, lower, n, covered, add = d.words, d.lower, d.n, d.covered, d.add
    # lists after "such as / like / e.g. / including" whose members include a name
    # ... and "four benchmarks (A, B, C, and D)": a bracketed list after a type noun
    starts_of_lists = sorted(
        d.where(LIST_CUES)
        + [i for i in char_positions(d.text, d.starts, "(") if i > 0 and kw(lower[i - 1])]
    )
    for i in starts_of_lists:
        if i < d.title_end:
            continue
        if lower[i] == "such" and (i + 1 >= n or lower[i + 1] != "as"):
            continue
        j = i + (2 if lower[i] == "such" else 1)
        if words[i] == "(" and j < n and lower[j] in {"e.g", "i.e"}:
            j += 1
        sent_end = d.sents[d.sent_index(i)][1]
        members = []
        while j < sent_end and len(members) < 8:
            w = words[j]
            if w in {",", "and", "or", ".", "("} or (w == "." and j + 1 < n):
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
                    add(m[0], m[1], KIND_CTX)


_LIST_SEP = frozenset([",", "and", "or", "&"])

_AFTER_MEMBER = WORDS["after_member"]


def _is_member_word(d: TextState, k: int) -> bool:
    """A capitalised word that may be a name when it sits in a list of names."""
    w = d.words[k]
    # side-effect-free tests, the cached word tests first
    return (
        member_shaped(w)
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


def coordinated_names(d: TextState) -> None:
    """Capitalised words listed with names are names too: "on Cora, PubMed and OGB", "TimesFM, Chronos and Moirai".

    The word must be a list member on its own: followed by a separator or the end of the
    clause ("Human experts" is a phrase, not a member), and next to a name or to another
    member that is.
    """
    covered, add = d.covered, d.add
    words, lower, n = d.words, d.lower, d.n
    # only capitalised words next to a list separator can be members (the word tests first:
    # most capitalised words are sentence starters)
    sep = _LIST_SEP
    near = sorted(
        k
        for k in d.cap_set
        if member_shaped(words[k]) and ((k + 1 < n and lower[k + 1] in sep) or (k > 0 and lower[k - 1] in sep))
    )
    if not near:
        return
    for _ in range(2):
        for k in reversed(near) if _ == 0 else near:  # right to left, then left to right
            if covered[k] or not _is_member_word(d, k):
                continue
            if k + 1 < n and lower[k + 1] not in _AFTER_MEMBER and not (
                kw(lower[k + 1]) and words[k + 1].islower()
            ) and not (lower[k + 1] in _AFTER_LIST_VERBS and k >= 2 and lower[k - 1] in {"and", "or"}):
                continue  # (a verb after the last member: the list is the clause's subject)
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
                if j < n and lower[j] in {"and", "or"}:
                    j += 1
                if j < n and lower[j] == "the":
                    j += 1
                right = j < n and covered[j]
            if left or right:
                add(k, k + 1, KIND_CTX)


def noun_then_list(d: TextState) -> None:
    """Names right after a plural type noun take its type: "the datasets ogbn-arxiv and ogbn-products"."""
    covered, add = d.covered, d.add
    words, lower, n = d.words, d.lower, d.n
    for i in d.where(PLURAL_TYPE_NOUNS):
        t = kw(lower[i]) if lower[i] not in ("baselines",) else None
        j = i + 1
        if j < n and words[j] in {":", "("}:
            j += 1
        members: list[tuple[int, int, bool]] = []
        final = False  # the next member is the last one: "A, B and C, OurNet ..." ends at C
        while j < n and len(members) < 10:
            if covered[j]:
                a = j
                while j < n and covered[j] and lower[j] not in _LIST_SEP:
                    j += 1
                members.append((a, j, True))
            elif list_member_shaped(words[j]):
                members.append((j, j + 1, False))
                j += 1
            else:
                break
            if final:
                break
            if j < n and lower[j] in _LIST_SEP:
                final = lower[j] in {"and", "or"}
                j += 1
                if j < n and lower[j] in {"and", "or"}:
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
                add(a, b, KIND_CTX, t, Conf.KNOWN if t else Conf.NONE)
            elif t:
                d.noun_list_type[a] = t
