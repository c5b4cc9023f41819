"""The extractor's rules, one function per rule, grouped by concern.

Every stage function takes the per-text ``TextState`` (``state.py``) and adds to it; the
order they run in is ``kg.extract.components.assemble.STAGES``, the only place it lives.
Lower modules hold what the rules share: cue words (``cues``), word shapes (``shapes``),
name extents (``spans``), type cues from context (``types``), roles (``roles``).

A stage may hold named sub-rules: ``@sub_rules("variant", ...)`` on the stage function
declares them, and ``d.add(..., sub="variant")`` records what one finds as
``names.shaped.variant``; the stage's plain ``add`` calls are its main rule, the stage id.
Each id (``RULE_IDS``) names the mentions it finds, is counted by ``kg eval --verbose`` and
can be switched off alone (``--disable``).

What the rules do, by step (the stage ids are in ``STAGES``):

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
