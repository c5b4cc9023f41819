"""``TextState``: the per-text working state the rules share (tokens, sentences, cue
positions, the occurrences found so far and what one stage passes to the next), and the
evidence sentence of an occurrence.
"""

from __future__ import annotations

import bisect
from bisect import bisect_left, bisect_right
from collections import defaultdict
from itertools import compress, repeat

from kg.extract.lexicon import Lexicon
from kg.extract.rules.cues import COMPARE_WORDS, EVAL_WORDS, FAMILIES, FAMILY_INDEX, SCAN_WORDS, WORD_FAMILIES
from kg.extract.rules.shapes import BY_FIRST
from kg.extract.state import Conf, Kind, Occurrence


#: Evidence is the sentence that shows a role, up to this many characters (the longest
#: sentence of the fixtures and the dev set has 508); a longer one is cut to a window of
#: ``EVIDENCE_CONTEXT`` characters either side of the mention, so evidence never exceeds it.
EVIDENCE_MAX = 600

EVIDENCE_CONTEXT = 200

_CUT_SPACES = (" ", "\n", "\t")


def sub_rules(*names: str):
    """Declare the sub-rules of a stage function: the ``sub`` names its ``add`` calls (and
    those of the helpers it calls) pass. Each is a rule of its own, ``<stage id>.<name>``:
    it names the occurrences it finds, ``kg eval --verbose`` counts it, and it can be
    switched off alone. A stage's plain ``add`` calls are its main rule (the stage id)."""

    def mark(fn):
        fn.sub_rules = names
        return fn

    return mark


class TextState:
    """The per-text working state of the assembler: tokens, sentences, cue positions, and the
    occurrences found so far (``occ``, typed ``Occurrence`` values added with ``add``)."""

    # (slots: the rules read these attributes in their hottest loops)
    __slots__ = ("text", "sents", "lex", "words", "starts", "ends", "lower", "n", "_by_family",
        "sent_starts", "title_end", "_cues", "_eval_pos", "_compare_pos", "_stext", "_clause_start",
        "known_type", "cand", "noun_list_type", "def_explicit", "covered", "caps_title", "occ", "urls_in",
        "definitions", "gaz_matches", "cap_set", "url_occ", "propose_at", "defs", "own_keys",
        "own_type_hints", "title_type", "proposed_defs", "link", "generic", "def_long", "def_type", "groups",
        "mentions", "rule", "disabled")

    def __init__(self, text: str, tokens, sents, lex: Lexicon, lower: list[str] | None = None, scan_hits=None):
        self.text = text
        self.sents = sents
        self.lex = lex
        self.words, self.starts, self.ends = tokens
        self.lower = lower if lower is not None and len(lower) == len(self.words) else list(map(str.lower, self.words))
        self.n = len(self.words)
        # the cue words of the rule families (FAMILIES), found by one C-level scan (or the
        # pipeline's scan shared with the gazetteer: ``scan_hits``) and sorted into one
        # ascending position list per family (``where``)
        by_family: list[list[int]] = [[] for _ in FAMILIES]
        low = self.lower
        if scan_hits is None:
            scan_hits = compress(range(self.n), map(SCAN_WORDS.__contains__, low))
        for i in scan_hits:
            for k in WORD_FAMILIES.get(low[i], ()):
                by_family[k].append(i)
        self._by_family = by_family
        self.sent_starts = list(map(BY_FIRST, sents))
        self.title_end = sents[0][1] if sents and "\n\n" in text else 0
        self._cues: dict[int, tuple[bool, int]] = {}
        self._eval_pos: list[int] | None = None
        self._compare_pos: list[int] = []
        self._stext: dict[int, str] = {}  # sentence_text by sentence index
        self._clause_start: dict[int, list[int]] = {}  # see ends_opening_phrase
        self.known_type: dict[int, str] = {}
        self.cand: list[int] = []
        self.noun_list_type: dict[int, str] = {}
        self.def_explicit: set[str] = set()
        self.covered = [False] * self.n  # tokens that belong to an occurrence already
        self.caps_title = False  # the title is printed in capitals (set by ``assemble``)
        self.occ: list[Occurrence] = []  # every occurrence found, in the order found
        # the components' findings (set by ``assemble``) and what the stages pass on
        self.urls_in: tuple = ()
        self.definitions: tuple = ()
        self.gaz_matches: tuple = ()
        self.cap_set: set[int] = set()
        self.url_occ: list[tuple[int, str, str]] = []
        self.propose_at: list[int] = []
        self.defs: list[dict] = []
        self.own_keys: set[str] = set()
        self.own_type_hints: dict[str, list[str | None]] = defaultdict(list)
        self.title_type: str | None = None
        self.proposed_defs: set[int] = set()
        self.link: dict[str, str] = {}  # long key -> short key
        self.generic: set[str] = set()
        self.def_long: dict[str, list[str]] = defaultdict(list)
        self.def_type: dict[str, str | None] = {}
        self.groups: dict[str, list[Occurrence]] = {}
        self.mentions: list[dict] = []
        self.rule = ""  # the id of the stage running (``STAGES``), set by ``assemble``
        self.disabled: frozenset[str] = frozenset()  # rule ids switched off (ablation), set by ``assemble``

    def add(
        self, a: int, b: int, kind: Kind, typ: str | None = None, tprio: float = Conf.NONE, rec=None, surface=None,
        sub: str = "",
    ) -> Occurrence:
        """Record an occurrence of tokens ``a`` .. ``b`` (exclusive) and mark them covered.

        ``sub``: the name of the stage's sub-rule that found it (declared with ``sub_rules``
        on the stage); the occurrence's rule is then ``<stage id>.<sub>``. A sub-rule
        switched off (``disabled``) records nothing: the occurrence comes back unrecorded
        and its tokens stay free.
        """
        rule = self.rule
        if sub:
            rule = f"{rule}.{sub}"
        o = Occurrence(a, b, surface or self.text[self.starts[a] : self.ends[b - 1]], kind, typ, tprio, rec, rule)
        if sub and rule in self.disabled:
            return o
        self.occ.append(o)
        covered = self.covered
        if b - a == 1:
            covered[a] = True
        else:
            for i in range(a, b):
                covered[i] = True
        return o

    def where(self, family: frozenset[str]) -> list[int]:
        """Ascending indices of the tokens whose lower-case form is in ``family``, one of ``FAMILIES``.

        The list is the document's own: read it, do not change it.
        """
        return self._by_family[FAMILY_INDEX[family]]

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
