"""Each extraction rule on sentences written for these tests (never dev-set text)."""

from __future__ import annotations

import types

import pytest

from kg.extract import EXTRACTOR_VERSION, canonical_url, extract
from kg.extract.components.acronyms import find_definitions
from kg.extract.components.assemble import shape, strip_suffix, STRONG, CAP, NONE
from kg.names import family_of
from kg.extract.components.lexer import split_sentences, tokenize
from kg.model import EntityType, Paper, PaperMentions, Role


def run(title: str, abstract: str, github: str | None = None) -> dict[str, object]:
    """Mentions of one paper by name."""
    (pm,) = list(extract([Paper(id="t", title=title, abstract=abstract, github=github)]))
    return {m.name: m for m in pm.mentions}


def types_of(title: str, abstract: str) -> dict[str, str]:
    return {n: m.type.value for n, m in run(title, abstract).items()}


def assert_types(abstract: str, expected: dict[str, str]) -> None:
    """The abstract (under a neutral title) gives these names these types."""
    got = types_of("A Study", abstract)
    assert {k: got.get(k) for k in expected} == expected


def assert_absent(abstract: str, absent: set[str]) -> None:
    """None of these names is extracted from the abstract."""
    assert not (set(run("A Study", abstract)) & absent)


# ---------------------------------------------------------------- interface


def test_extract_is_lazy_and_keeps_order() -> None:
    papers = [Paper(id=str(i), title=f"Paper {i}", abstract="We use PPO.") for i in range(5)]
    out = extract(iter(papers), batch_size=2)
    assert isinstance(out, types.GeneratorType)
    got = list(out)
    assert [pm.paper.id for pm in got] == ["0", "1", "2", "3", "4"]
    assert all(isinstance(pm, PaperMentions) for pm in got)


def test_extract_version_is_a_string() -> None:
    assert isinstance(EXTRACTOR_VERSION, str) and EXTRACTOR_VERSION


def test_extract_empty_paper() -> None:
    assert run("", "") == {}


# ---------------------------------------------------------------- tokens and sentences


def test_extract_tokenizer_keeps_names_whole() -> None:
    words, starts, ends = tokenize("Qwen2.5-VL-7B beats MMRL++ and V* (see https://x.org/a.b).")
    assert words[:4] == ["Qwen2.5-VL-7B", "beats", "MMRL++", "and"]
    assert "V*" in words and "https://x.org/a.b" in words
    assert all(e > s for s, e in zip(starts, ends))


def test_extract_sentences_title_first_and_abbreviations() -> None:
    text = "A Title: Sub\n\nWe use e.g. ResNets here. Then we stop. Done."
    words, s, e = tokenize(text)
    sents = [" ".join(words[a:b]) for a, b in split_sentences(text, words, s, e)]
    assert sents == ["A Title : Sub", "We use e.g . ResNets here .", "Then we stop .", "Done ."]


@pytest.mark.parametrize(
    "word,expected",
    [
        ("GRPO", STRONG),
        ("InstructGPT", STRONG),
        ("T5", STRONG),
        ("X-Walker", STRONG),
        ("Critic-V", STRONG),
        ("mPLUG-2", STRONG),
        ("Transformer", CAP),
        ("Multi-Task", CAP),
        ("Kullback-Leibler", CAP),
        ("model", NONE),
        ("3D", NONE),
        ("I", NONE),
    ],
)
def test_extract_shape(word: str, expected: int) -> None:
    assert shape(word) == expected


@pytest.mark.parametrize(
    "word,expected",
    [("LLM-based", "LLM"), ("ControlNet-like", "ControlNet"), ("GPT-4o-mini", "GPT-4o-mini"), ("Show-o", "Show-o")],
)
def test_extract_strip_lowercase_suffix(word: str, expected: str) -> None:
    assert strip_suffix(word) == expected


# ---------------------------------------------------------------- acronyms


@pytest.mark.parametrize(
    "sentence,short,long",
    [
        ("We propose Sparse Reward Shaping (SRS) for robots.", "SRS", "Sparse Reward Shaping"),
        ("We propose SRS (Sparse Reward Shaping) for robots.", "SRS", "Sparse Reward Shaping"),
        ("We train with Proximal Policy Optimisation (PPO) here.", "PPO", "Proximal Policy Optimisation"),
        ("We build Mixture-of-Routing Experts (MoRE) for speed.", "MoRE", "Mixture-of-Routing Experts"),
        ("The Triple Text Transformer (T3) is small.", "T3", "Triple Text Transformer"),
        ("We extend Value Alignment (VA)-PPO to games.", "VA-PPO", "Value Alignment"),
    ],
)
def test_extract_acronym_definitions_both_orders(sentence: str, short: str, long: str) -> None:
    text = "T\n\n" + sentence
    words, s, e = tokenize(text)
    defs = find_definitions(text, (words, s, e), split_sentences(text, words, s, e))
    assert [(d["short"], d["long"]) for d in defs] == [(short, long)]


def test_extract_acronym_is_one_entity_and_later_mentions_link() -> None:
    got = run(
        "Robots",
        "We propose Sparse Reward Shaping (SRS), a method for robots. SRS is fast. "
        "Sparse Reward Shaping also helps PPO.",
    )
    assert "SRS" in got and "Sparse Reward Shaping" not in got
    assert got["SRS"].aliases == ("Sparse Reward Shaping",)
    assert got["SRS"].count == 4
    assert got["SRS"].role == Role.PROPOSES


@pytest.mark.parametrize(
    "abstract,dropped",
    [
        ("We study reinforcement learning (RL) with large language models (LLMs).", {"RL", "LLM", "LLMs"}),
        ("Agents act in a Markov decision process (MDP) and a Markov Game (MG).", {"MDP", "MG"}),
        ("We model latent variable models (LVMs) of neural data.", {"LVM", "LVMs"}),
        ("A Graph Neural Network (GNN) encodes the scene.", {"GNN"}),
        ("We use supervised fine-tuning (SFT) and chain-of-thought (CoT) prompts.", {"SFT", "CoT"}),
        ("Scores are reported as FID, PSNR and F1 on a single NVIDIA A100.", {"FID", "PSNR", "F1", "NVIDIA", "A100"}),
    ],
)
def test_extract_generic_acronyms_and_concepts_are_dropped(abstract: str, dropped: set[str]) -> None:
    assert not (set(run("A study", abstract)) & dropped)


def test_extract_coined_capitals_make_a_definition_specific() -> None:
    got = run("T", "Our method, ScAled REward Learning (SAREL), is tested in simulation.")
    assert "SAREL" in got


# ---------------------------------------------------------------- the paper's own system


@pytest.mark.parametrize(
    "title,abstract,name,etype",
    [
        ("ZEPHYRA: Fast Planning with Latent Search", "ZEPHYRA plans fast.", "ZEPHYRA", "method"),
        (
            "Kestrel: A Multilingual Foundation Model",
            "Kestrel is trained on web text and code.",
            "Kestrel",
            "model",
        ),
        ("A Study", "We introduce GridMind, a novel model for spatial puzzles.", "GridMind", "model"),
        ("A Study", "We propose GridMind, an iterative algorithm for puzzles.", "GridMind", "method"),
        ("A Study", "We present GridMind, a benchmark of 900 spatial puzzles.", "GridMind", "benchmark"),
        ("A Study", "We release GridMind, a dataset of 900 spatial puzzles.", "GridMind", "dataset"),
        ("A Study", "We propose a training recipe called FlowTune for diffusion.", "FlowTune", "method"),
        ("A Study", "We introduce Latent Tree Search, a framework for planning.", "Latent Tree Search", "method"),
        ("Evaluating Planners: PlanArena", "The proposed benchmark, PlanArena, has 40 tasks.", "PlanArena", "benchmark"),
    ],
)
def test_extract_own_system_and_its_type(title: str, abstract: str, name: str, etype: str) -> None:
    got = run(title, abstract)
    assert name in got, got
    assert got[name].type.value == etype
    assert got[name].role == Role.PROPOSES


def test_extract_own_system_lowercase_name_equal_to_title() -> None:
    got = run("Reward-Guided Sampling", "As an alternative, we propose reward-guided sampling. It works.")
    assert got["Reward-Guided Sampling"].role == Role.PROPOSES


def test_extract_title_prefix_must_look_like_a_name() -> None:
    assert run("Beyond Words: Grounding Robots in Speech", "We study speech.") == {}


def test_extract_size_variant_of_own_system_is_an_alias() -> None:
    got = run("Heron: An Open Vision Model", "We introduce Heron, a vision model. Heron-13B beats CLIP.")
    assert got["Heron"].aliases == ("Heron-13B",)
    assert "Heron-13B" not in got


# ---------------------------------------------------------------- named models, families


@pytest.mark.parametrize(
    "name,family",
    [
        ("Qwen2.5-VL-7B", "Qwen2.5-VL"),
        ("Llama-3-70B-Instruct", "Llama-3"),
        ("Mixtral-8x7B", "Mixtral"),
        ("GPT-4o", None),
        ("o1", None),
    ],
)
def test_extract_family_of(name: str, family: str | None) -> None:
    assert family_of(name) == family


def test_extract_named_models_with_versions() -> None:
    got = run(
        "A Study",
        "We fine-tune Qwen2.5-VL-7B and Llama-3-70B-Instruct and compare them with GPT-4o, o1 and SDXL.",
    )
    for name in ("Qwen2.5-VL-7B", "Llama-3-70B-Instruct", "GPT-4o", "o1", "SDXL"):
        assert got[name].type == EntityType.MODEL
    assert got["Qwen2.5-VL-7B"].family == "Qwen2.5-VL"
    assert got["GPT-4o"].role == Role.COMPARES_TO


def test_extract_exact_case_gazetteer_names() -> None:
    # "codex" and "sora" as ordinary words are not the models
    assert run("A Study", "An old codex and a sora are in the museum.") == {}
    assert set(run("A Study", "We compare Codex and Sora.")) == {"Codex", "Sora"}


def test_extract_known_name_in_lower_case_with_a_digit() -> None:
    # a hyphenated lower-case word with a digit is no ordinary word: the known model
    assert types_of("A Study", "It beats E5-Mistral-7B and bge-m3 on retrieval.").get("bge-m3") == "model"


def test_extract_a_type_noun_used_as_a_verb_types_nothing() -> None:
    # "and approaches the ..." is a verb: the list takes the type of its known member
    got = types_of("A Study", "Our editor beats InstructPix2Pix, QuillEdit and PaintMax-2, and approaches the best closed system.")
    assert got.get("QuillEdit") == got.get("PaintMax-2") == "model"
    assert types_of("A Study", "We compare the PPO, SAC and ZetaQ approaches.").get("ZetaQ") == "method"


def test_extract_lower_case_size_word_after_a_known_model() -> None:
    assert "Whisper small" in run("A Study", "It is within a point of Whisper small at a tenth of its size.")


def test_extract_a_preposition_is_no_modifier_of_a_type_noun() -> None:
    # "trained per dataset" does not make the list before it datasets
    got = types_of("A Study", "We compare with supervised models, PatchTST and QuillCast, trained per dataset.")
    assert got.get("QuillCast") != "dataset"


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # a parameter count in the introducing phrase says model, whatever its head noun
        ("We introduce LyraSong, a 1.4B-parameter latent diffusion transformer for songs.", {"LyraSong": "model"}),
        ("We present QuietEar, a streaming transducer with 28M parameters for hearing aids.", {"QuietEar": "model"}),
        # ... not a count further on, after the phrase has ended
        ("We propose FooLoss, a loss for training 7B-parameter models.", {"FooLoss": "method"}),
        # "a collection of ..." is data; "a mixture of experts" is not
        ("We release PageSet-50K, a collection of 50K annotated page images.", {"PageSet-50K": "dataset"}),
        ("We propose TeachMix, a mixture of specialised teachers for distillation.", {"TeachMix": "method"}),
    ],
)
def test_extract_own_system_typed_by_its_introducing_phrase(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


def test_extract_a_named_project_is_data_and_types_its_list() -> None:
    got = types_of("A Study", "It is pretrained on structures from the Crystal Lattice Project, Zentara and QMDB.")
    assert got.get("Crystal Lattice Project") == got.get("Zentara") == got.get("QMDB") == "dataset"
    assert run("A Study", "See the Project Page for videos.") == {}


def test_extract_a_proposed_acronym_that_a_known_data_set_also_uses() -> None:
    # the gazetteer's TACO is a data set; the paper's own TACO is what its long form says
    got = types_of("A Study", "We propose Tree-Aligned Credit Optimization (TACO), a simple RL objective. TACO is fast.")
    assert got.get("TACO") == "method"


def test_extract_a_typed_list_ends_at_its_last_conjunct() -> None:
    # "the benchmarks A, B and C, OurNet matches ...": OurNet is the subject, not a fourth benchmark
    got = types_of("A Study", "We propose ZetaSR. On the classic benchmarks Set5, Set14, BSD100 and Manga109, ZetaSR matches HAT.")
    assert got.get("ZetaSR") == "method" and got.get("Manga109") == "benchmark"
    assert types_of("A Study", "We use the datasets FooSet, BarSet, and BazSet for training.").get("BazSet") == "dataset"


def test_extract_benchmark_as_a_verb_heads_no_list() -> None:
    got = types_of("A Study", "We benchmark Lag-Llama, Tiny Quux Mixers (TQM) and ZetaGPT-1 against LightGBM.")
    assert got.get("TQM") != "benchmark" and got.get("ZetaGPT-1") != "benchmark"
    assert types_of("A Study", "It tops four benchmarks (ZetaQA, FooBench and Quux).").get("Quux") == "benchmark"


def test_extract_a_train_to_test_split_setting_is_the_suite() -> None:
    got = run("A Study", "It lifts the average length on CALVIN ABC→D, on CALVIN ABC-D and on CALVIN ABC->D.")
    assert set(got) == {"CALVIN"}
    assert "CALVIN ABC" in run("A Study", "It reaches 4.1 on CALVIN ABC and 0.9 on LIBERO.")  # a split alone is named


def test_extract_a_name_with_a_parameter_count_is_a_model() -> None:
    got = types_of("A Study", "We train Qwen2.5-3B and ZetaLM-7B policies with a dense retriever.")
    assert got.get("Qwen2.5-3B") == got.get("ZetaLM-7B") == "model"


def test_extract_a_counted_data_set_named_after_the_own_method_stays_apart() -> None:
    got = types_of(
        "A Study",
        "We present Quiet Trajectory Synthesis (QTS), a data generation framework. "
        "A checker filters the outputs, yielding QTS-38K, a corpus of 38K trajectories.",
    )
    assert got.get("QTS") == "method" and got.get("QTS-38K") == "dataset"


def test_extract_size_after_a_known_model_and_its_tier_word() -> None:
    got = run("A Study", "Our 4B model matches Aya Expanse 8B while staying close on English benchmarks such as MMLU.")
    assert "Aya Expanse 8B" in got and "English" not in got


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # "<noun phrase> that/which we release as X": X is what the noun says
        ("It is tuned on a 9k-hour subset with section labels that we release as TuneForm-9k.", {"TuneForm-9k": "dataset"}),
        ("We add a new set of 180k corrected pages, which we release as PageFix-180K.", {"PageFix-180K": "dataset"}),
        ("We collect a new benchmark of 14 recent floods that we release as FloodSet-14.", {"FloodSet-14": "benchmark"}),
        ("We train the planner with a new objective that we call QuuxLoss.", {"QuuxLoss": "method"}),
    ],
)
def test_extract_own_release_typed_by_the_noun_its_clause_hangs_on(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


def test_extract_a_vit_checkpoint_of_a_known_model_is_that_model() -> None:
    got = run("A Study", "We use CLIP ViT-L/14 features; CLIP alone is weaker than a plain ViT-B/16.")
    assert got["CLIP"].aliases == ("CLIP ViT-L/14",)
    assert got["ViT-B/16"].type == EntityType.MODEL
    alone = run("A Study", "Features come from a frozen CLIP ViT-L/14 encoder.")
    assert alone["CLIP ViT-L/14"].aliases == ("CLIP",) and alone["CLIP ViT-L/14"].family == "CLIP"


def test_extract_a_bench_name_with_a_resolution_is_a_benchmark() -> None:
    assert_types("We evaluate on HR-Quux 4K and ZoomBench 8K.", {"ZoomBench 8K": "benchmark"})
    # an own release named by its shape: a count says data, "Bench" says benchmark
    assert_types("We release QuuxChat-52K and MathQuux-Bench-12K.", {"QuuxChat-52K": "dataset", "MathQuux-Bench-12K": "benchmark"})


def test_extract_a_bracketed_release_tier_of_a_known_model() -> None:
    alone = run("A Study", "It approaches FLUX.1 Kontext [dev] but not GPT-4o [1].")
    assert alone["FLUX.1 Kontext [dev]"].family == "FLUX.1 Kontext" and "GPT-4o" in alone
    both = run("A Study", "We start from FLUX.1 Kontext and compare with FLUX.1 Kontext [pro].")
    assert both["FLUX.1 Kontext"].aliases == ("FLUX.1 Kontext [pro]",) and len(both) == 1


def test_extract_a_recognizer_is_a_model() -> None:
    got = types_of("A Study", "We fine-tune a base model into EchoVox-ASR, a 300M-parameter speech recognizer.")
    assert got.get("EchoVox-ASR") == "model"


# ---------------------------------------------------------------- benchmarks and datasets from context


@pytest.mark.parametrize(
    "abstract,expected",
    [
        ("We evaluate on the RoboArena benchmark.", {"RoboArena": "benchmark"}),
        ("Results on the Tangle and Knot datasets are strong.", {"Tangle": "dataset", "Knot": "dataset"}),
        ("Experiments on the KXQ, PLW, and ZZT-2 datasets confirm it.", {"KXQ": "dataset", "PLW": "dataset", "ZZT-2": "dataset"}),
        ("Accuracy improves by 4% on Mind Bench.", {"Mind Bench": "benchmark"}),
        ("Our agent solves HouseHunt, a hard navigation benchmark.", {"HouseHunt": "benchmark"}),
        ("It reaches 91% accuracy on CALVIN and 80% on LIBERO-90.", {"CALVIN": "benchmark", "LIBERO-90": "benchmark"}),
        ("We pre-train on ImageNet and test on MNIST.", {"ImageNet": "dataset", "MNIST": "dataset"}),
        # a known data set takes the type of the list it stands in (the gazetteer holds its usual use)
        ("It leads on the image benchmarks CIFAR-10, SVHN and STL-10.", {"CIFAR-10": "benchmark", "SVHN": "benchmark"}),
        ("We mix the driving datasets nuPlan and Argoverse 2 for pretraining.", {"nuPlan": "dataset"}),
        ("Accuracy rises on CIFAR-10 and on nuPlan.", {"CIFAR-10": "dataset", "nuPlan": "benchmark"}),
    ],
)
def test_extract_benchmarks_and_datasets_from_context(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


def test_extract_list_head_types_members() -> None:
    got = types_of("A Study", "Unlike methods such as Latent Drift or Q-Bert, we need no labels.")
    assert got == {"Latent Drift": "method", "Q-Bert": "method"}


# ---------------------------------------------------------------- roles and evidence


def test_extract_roles_and_evidence() -> None:
    got = run(
        "A Study",
        "We propose FooNet, a network for parsing. FooNet is trained with Adam. "
        "FooNet outperforms BarNet on the ParseBench benchmark. Code is available at https://github.com/a/foonet.",
    )
    assert got["FooNet"].role == Role.PROPOSES
    assert got["Adam"].role == Role.USES
    assert got["BarNet"].role == Role.COMPARES_TO
    assert got["ParseBench"].role == Role.EVALUATES_ON
    assert got["https://github.com/a/foonet"].role == Role.CODE
    assert got["BarNet"].evidence == "FooNet outperforms BarNet on the ParseBench benchmark."


# ---------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    "raw,canonical",
    [
        ("https://github.com/Owner/Repo", "https://github.com/Owner/Repo"),
        ("HTTPS://GitHub.com/Owner/Repo.git", "https://github.com/Owner/Repo"),
        ("https://github.com/Owner/Repo/tree/main/examples/x", "https://github.com/Owner/Repo"),
        ("https://github.com/Owner/Repo/blob/main/README.md", "https://github.com/Owner/Repo"),
        ("https://github.com/Owner/Repo{here}", "https://github.com/Owner/Repo"),
        ("https://github.com/Owner/Repo.", "https://github.com/Owner/Repo"),
        ("github.com/Owner/Repo?tab=readme#top", "https://github.com/Owner/Repo"),
        ("https://owner.github.io/project/", "https://owner.github.io/project"),
        ("https://example.org/page.", "https://example.org/page"),
        ("lab.github.io/tool/", "https://lab.github.io/tool"),
    ],
)
def test_extract_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical


def test_extract_urls_as_github_and_url_entities() -> None:
    got = run(
        "A Study",
        "Code: https://github.com/Lab/Tool.git. Videos at https://lab.github.io/tool/ and "
        "weights at https://github.com/Lab/Tool/tree/main/ckpt.",
    )
    assert got["https://github.com/Lab/Tool"].type == EntityType.GITHUB
    assert got["https://github.com/Lab/Tool"].count == 2
    assert got["https://lab.github.io/tool"].type == EntityType.URL


def test_extract_bare_github_address_without_a_scheme() -> None:
    got = run("A Study", "Code is available at github.com/Lab/Tool-2. See also gist.github.com/lab/abc and GitHub.com/Lab/Other.")
    assert got["https://github.com/Lab/Tool-2"].type == EntityType.GITHUB
    assert got["https://github.com/Lab/Tool-2"].aliases == ("github.com/Lab/Tool-2",)
    assert got["https://github.com/Lab/Tool-2"].role == Role.CODE
    assert "https://github.com/Lab/Other" in got
    assert not any("abc" in name for name in got)  # a gist is not a repository, and not a bare github.com/ address


def test_extract_bare_github_io_project_page() -> None:
    got = run("A Study", "Videos are at quux4d.github.io. Older ones at https://lab.github.io/old/.")
    assert got["https://quux4d.github.io"].type == EntityType.URL
    assert got["https://quux4d.github.io"].aliases == ("quux4d.github.io",)
    assert "https://lab.github.io/old" in got and len(got) == 2
    assert run("A Study", "We host the github.io pages ourselves.") == {}


def test_extract_github_from_the_paper_field() -> None:
    got = run("A Study", "We use PPO.", github="https://github.com/Lab/Thing.git")
    assert got["https://github.com/Lab/Thing"].role == Role.CODE
    assert got["https://github.com/Lab/Thing"].type == EntityType.GITHUB


# ---------------------------------------------------------------- gazetteer and stoplist data


def test_extract_stoplist_blocks_no_gazetteer_name_by_accident() -> None:
    # the stoplist compares case-insensitively: "SPIDEr" (a metric) would block "Spider" (a
    # benchmark). These three are generic on purpose (GPU brand, "GPS", "MAR").
    from kg.extract.lexicon import load_lexicon

    lex = load_lexicon()
    assert {k for k in lex.stop if k in lex.by_form} <= {"gps", "mar", "rtx"}


def test_extract_gazetteer_records_are_well_formed() -> None:
    import json
    from importlib import resources

    from kg.text import match_key

    text = resources.files("kg.extract").joinpath("data", "gazetteer.jsonl").read_text(encoding="utf-8")
    keys = set()
    for line in text.splitlines():
        rec = json.loads(line)
        assert set(rec) >= {"key", "name", "type", "aliases"}
        assert rec["type"] in {"model", "method", "dataset", "benchmark"}
        assert rec["key"] == match_key(rec["name"]) and rec["key"] not in keys
        keys.add(rec["key"])
    assert len(keys) >= 300


# ---------------------------------------------------------------- regressions found on probe abstracts


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # version and tier tails stay with a known model
        ("We compare Gemini 1.5 Pro and Claude 3.5 Sonnet.", {"Gemini 1.5 Pro": "model", "Claude 3.5 Sonnet": "model"}),
        ("Readers are Llama 3.1 8B and Stable Diffusion v1.5.", {"Llama 3.1 8B": "model", "Stable Diffusion v1.5": "model"}),
        # a capitalised word in front makes a different model
        ("Boxes come from Grounding DINO here.", {"Grounding DINO": "model"}),
        # a bracketed list after a type noun, digit-led names included
        ("We test on three benchmarks (FooQA, 3HopQA, and Bazbench).", {"FooQA": "benchmark", "3HopQA": "benchmark", "Bazbench": "benchmark"}),
        # a sibling of a known model is a model
        ("We apply it to PixArt-alpha and Stable Diffusion 3.", {"PixArt-alpha": "model"}),
        # names built on model families
        ("A fine-tuned ClinicalBERT model is the baseline.", {"ClinicalBERT": "model"}),
        # data nouns after modifiers
        ("We use the WardNotes and ICUNotes clinical note corpora.", {"WardNotes": "dataset", "ICUNotes": "dataset"}),
    ],
)
def test_extract_probe_regressions(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


@pytest.mark.parametrize(
    "abstract,absent",
    [
        ("Score distillation suffers from the Janus problem.", {"Janus"}),
        ("Accepted at ICLR 2025 and presented at the WACV workshop.", {"ICLR", "WACV"}),
        ("We render in Bird's Eye View (BEV) space.", {"BEV", "Eye View"}),
        ("Text-to-3D generation is slow; Object Detection and Knowledge Distillation are tasks.", {"Text-to-3D", "Object Detection", "Knowledge Distillation"}),
        ("The Python Sandbox runs tool calls.", {"Python Sandbox"}),
        ("Results use KV caches in BF16 on NVIDIA H100 GPUs.", {"KV", "BF16", "NVIDIA", "H100"}),
        ("We discuss Large Language and Vision Models for Autonomous Driving (LLVM-AD).", {"LLVM-AD"}),
    ],
)
def test_extract_probe_negatives(abstract: str, absent: set[str]) -> None:
    assert_absent(abstract, absent)


def test_extract_and_propose_shares_the_subject() -> None:
    got = run("A Study", "We find the cause and propose Calibrated Value Ensembles (CVE), a fix.")
    assert got["CVE"].role == Role.PROPOSES


def test_extract_glued_lowercase_tail_is_the_name() -> None:
    got = run("A Study", "We propose FooNet, a network. Experiments show that FooNetis fast.")
    assert set(got) == {"FooNet"} and got["FooNet"].count == 2


# ---------------------------------------------------------------- version, year and size tails


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # a number after a name is its version
        ("We fine-tune ZetaSpeech 3 on our data.", {"ZetaSpeech 3": "model"}),
        ("The backbone is OrcaVLM 2, which we freeze.", {"OrcaVLM 2": "model"}),
        # a year after a collection is its edition, and "2019 and 2020" are two editions
        ("We evaluate on the KiteSeg 2021 dataset.", {"KiteSeg 2021": "dataset"}),
        ("Results on PassRank 2019 and 2020 improve.", {"PassRank 2019": None, "PassRank 2020": None}),
        # a decimal version
        ("We train on VoiceBank 17.0 recordings.", {"VoiceBank 17.0": None}),
        # size words and patch sizes stay with a model
        ("We distill Stable Diffusion 3 Medium into one step.", {"Stable Diffusion 3 Medium": "model"}),
        ("The encoder is Whisper large-v3.", {"Whisper large-v3": "model"}),
        ("We prune ViT-B/16 and DiT-XL/2.", {"ViT-B/16": "model", "DiT-XL/2": "model"}),
        ("We start from FLUX.1-dev weights.", {"FLUX.1-dev": "model"}),
    ],
)
def test_extract_version_tails(abstract: str, expected: dict[str, str | None]) -> None:
    got = types_of("A Study", abstract)
    assert set(expected) <= set(got), got
    for k, t in expected.items():
        if t is not None:
            assert got[k] == t, (k, got)


@pytest.mark.parametrize(
    "abstract,absent",
    [
        # a number that counts something is no version
        ("ZetaNet 3 times faster than BetaNet.", {"ZetaNet 3"}),
        ("It beats GRPO by 2 points on FooQA 12% of the time.", {"GRPO 2", "FooQA 12"}),
        ("Compared with KiteSeg 2 and 3 layers deeper.", {"KiteSeg 2"}),
    ],
)
def test_extract_version_tails_negatives(abstract: str, absent: set[str]) -> None:
    assert_absent(abstract, absent)


def test_extract_size_variants_of_own_model_are_aliases() -> None:
    got = run(
        "Vantage: A Foundation Model for Weather",
        "We introduce Vantage, a foundation model. Vantage-S and Vantage-L are trained on ERA5; Vantage-L is best.",
    )
    assert "Vantage-S" not in got and "Vantage-L" not in got
    assert {"Vantage-S", "Vantage-L"} <= set(got["Vantage"].aliases)


# ---------------------------------------------------------------- metrics, prefixes, lower-case camel names


@pytest.mark.parametrize(
    "abstract,absent",
    [
        # a name right before score/error is a metric
        ("Our planner lowers the XYZ error and reaches a QRS score of 81.", {"XYZ", "QRS"}),
        # bit-width settings and standard metrics
        ("Under W4A4 and W8A8 it keeps accuracy; CRPS and gFID improve.", {"W4A4", "W8A8", "CRPS", "gFID"}),
        # a language in front of a dataset is not part of its name
        ("Accuracy on English VoxBank is unchanged.", {"English VoxBank"}),
        # a hyphenated metric noun: "XYZ-score" is a measure, not the name XYZ
        ("Designs reach a high QRX-score and a low ZWT-error.", {"QRX", "ZWT", "QRX-score"}),
        # languages, tracking/depth/CTR metrics, hardware and clinical settings are not artifacts
        (
            "In transfer to 12 held-out treebanks, including Wolof, Yoruba, Tagalog and Karelian, FooParse improves LAS by 3 points.",
            {"Wolof", "Yoruba", "Tagalog", "Karelian", "LAS"},
        ),
        ("HOTA, IDF1, AbsRel and LogLoss all improve on a T4 and an A4000 in the ICU.", {"HOTA", "IDF1", "AbsRel", "LogLoss", "T4", "A4000", "ICU"}),
        ("Under load, P99 latency drops by 30% and P50 by 12%.", {"P99", "P50"}),
        ("The agent runs on macOS, Ubuntu and Android and trains in FP4 and MXFP4.", {"macOS", "Ubuntu", "Android", "FP4", "MXFP4"}),
        # groups and functions written as maths
        ("Frames live on SE(3), rotations on SO(3), and attention costs O(n).", {"SE", "SO", "O"}),
    ],
)
def test_extract_metric_and_prefix_negatives(abstract: str, absent: set[str]) -> None:
    assert_absent(abstract, absent)


@pytest.mark.parametrize(
    "abstract,present",
    [
        # lower-case prefixes on names
        ("We compare against voxSplat and iFormer, and serve with nnQ-Net.", {"voxSplat", "iFormer", "nnQ-Net"}),
        # a known one-word name glued to a new strong name is one name
        ("The baseline is Swin QUNETR.", {"Swin QUNETR"}),
        ("Scores on English VoxBank are high.", {"VoxBank"}),
        # a capitalised run keeps its words, not its adjective tail
        ("To cut bias we train with Noise Tilting-style schedules.", {"Noise Tilting"}),
        # an acronym written right against its long form is still defined
        ("We propose QZPO(Quiet Zone Policy Optimization) for control.", {"QZPO"}),
    ],
)
def test_extract_lower_camel_and_glued_names(abstract: str, present: set[str]) -> None:
    assert present <= set(run("A Study", abstract))


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # a known name followed by capitalised words and a type noun names something larger
        ("We add 200k entries from the AlphaFold Database.", {"AlphaFold Database": "dataset"}),
        ("Agents play in the two-player Hanabi Learning Environment.", {"Hanabi Learning Environment": "benchmark"}),
        ("It is pretrained on the Monash Time Series Forecasting Archive.", {"Monash Time Series Forecasting Archive": "dataset"}),
        ("It is pretrained on the Monash Time Series Forecasting Repository.", {"Monash Time Series Forecasting Repository": "dataset"}),
        # ... but a known data set's own type noun is not part of its name
        ("We train on the ImageNet Dataset and report MMLU Tasks.", {"ImageNet": "dataset", "MMLU": "benchmark"}),
        # a "<name> Dataset" run is at most four words; the word before is not another member
        ("We fine-tune on the Big Kestrel Image Quality Dataset.", {"Big Kestrel Image Quality Dataset": "dataset", "Big": None}),
    ],
)
def test_extract_names_that_end_in_a_type_noun(abstract: str, expected: dict[str, str | None]) -> None:
    assert_types(abstract, expected)


def test_extract_improving_on_is_a_comparison_not_a_benchmark() -> None:
    got = types_of("A Study", "Our model is best, improving on ZetaCast and the QuuxFM model.")
    assert got.get("ZetaCast") != "benchmark"


# ---------------------------------------------------------------- types from list context


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # names right after a plural type noun take its type, lower-case names included
        ("We report results on the long-range datasets ZQR1, ZQR2 and ZQM1.", {"ZQR1": "dataset", "ZQR2": "dataset", "ZQM1": "dataset"}),
        ("It scales to the datasets foo-bar and foo-baz, with no tuning.", {"foo-bar": "dataset", "foo-baz": "dataset"}),
        # siblings of a known dataset are datasets
        ("We train on ImageNet, PlumSet-9 and QuokkaPix.", {"PlumSet-9": "dataset", "QuokkaPix": "dataset"}),
        # trained/pretrained/fine-tuned on X: a dataset, even with a size suffix
        ("The model is pretrained on Wombat-70M with captions.", {"Wombat-70M": "dataset"}),
        ("We fine-tune on Kiwi-15K for two epochs.", {"Kiwi-15K": "dataset"}),
        # a thousands count sizes a dataset
        ("We mix Emu-52K and GPT-4o outputs.", {"Emu-52K": "dataset"}),
        # a data unit "from X"
        ("It transfers to questions from MedZQA without tuning.", {"MedZQA": "dataset"}),
        # a capitalised word listed with names is a name of the same kind
        ("It beats GCN and GAT on Cora, Pubmix and the OGB datasets.", {"Cora": "dataset", "Pubmix": "dataset"}),
        ("It improves on TimesFM, Kronos and Moira.", {"Kronos": "model", "Moira": "model"}),
        # head nouns of a list
        ("It beats sequential recommenders including ZRec and Bert9Rec.", {"ZRec": "method", "Bert9Rec": "method"}),
        # a named mixture is data
        ("We combine the KakaPo 3 SFT mixture with our data.", {"KakaPo 3": "dataset"}),
        # a long form headed by a benchmark word
        ("We test on the Medical Imaging Decathlon (MID).", {"MID": "benchmark"}),
    ],
)
def test_extract_list_context_types(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


@pytest.mark.parametrize(
    "abstract,absent",
    [
        # a phrase is not a list member
        ("We compare GPT-4o, Claude and Human experts.", {"Human"}),
        ("It fits both Reward Modeling and Direct Preference Optimization paradigms.", {"Modeling"}),
        ("We use STL and Diffusion Models to plan.", {"Diffusion"}),
        ("It beats OpenVLA on the Google Robot and WidowX tasks.", {"Robot"}),
        ("Published in May and June, GPT-4o and English data.", {"May", "June", "English"}),
    ],
)
def test_extract_list_context_negatives(abstract: str, absent: set[str]) -> None:
    assert_absent(abstract, absent)


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # a comma that closes a sentence-opening phrase is not an apposition
        ("On MMLU, the proposed model gains 3 points.", {"MMLU": "benchmark"}),
        ("For Qwen2.5-7B, the resulting policy is stronger.", {"Qwen2.5-7B": "model"}),
        ("Across GSM8K and MATH, the method helps.", {"GSM8K": "benchmark", "MATH": "benchmark"}),
        # ... but an apposition after the main clause has begun still types the name
        ("On top of TokZ we train PixQuill, a family of autoregressive models.", {"PixQuill": "model"}),
        ("We evaluate StarNova, a benchmark of 500 puzzles.", {"StarNova": "benchmark"}),
    ],
)
def test_extract_opening_phrase_is_not_apposition(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # an evaluation harness is a benchmark suite
        ("Accuracy on tasks from the Quokka Evaluation Harness drops by 2 points.", {"Quokka Evaluation Harness": "benchmark"}),
        # a split or subset of a data set is data
        ("We construct FoldZ, a leakage-free split of ProtoStab for testing.", {"FoldZ": "dataset"}),
        # names ending in DB / Bank are databases
        ("Labels come from GlyphoDB and from KelpBank.", {"GlyphoDB": "dataset", "KelpBank": "dataset"}),
        # a translation direction belongs to the data set's name
        ("We train on WMT14 En-De and test on IWSLT14 DE-EN.", {"WMT14 En-De": "dataset"}),
        # a CamelCase name with its inner capital lowered is still the known name
        ("We evaluate on hard tasks from Minigrid and Procgen.", {"Minigrid": "benchmark"}),
    ],
)
def test_extract_heads_suffixes_and_tails(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


@pytest.mark.parametrize(
    "abstract,absent",
    [
        # units and counted generic units
        ("The model fits in 16 GB and needs 3 TFLOPs per token on a 7-DoF arm.", {"GB", "TFLOPs", "7-DoF"}),
        # quantities and functions of generic terms
        ("We predict ΔΔG and weight the loss by log-SNR.", {"ΔΔG", "log-SNR"}),
        # a pair of modalities
        ("A Camera-LiDAR fusion and an Audio-Visual encoder.", {"Camera-LiDAR", "Audio-Visual"}),
        # short CamelCase names are not matched lower-cased ("Palm" is a tree)
        ("Palm oil yields rose.", {"PaLM"}),
    ],
)
def test_extract_units_quantities_modalities_are_not_names(abstract: str, absent: set[str]) -> None:
    assert_absent(abstract, absent)


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # an apposition that counts data units, or names a test / training set
        ("We collect ZapBank-Real, 2,400 teleoperated demonstrations across 18 tasks.", {"ZapBank-Real": "dataset"}),
        ("We release QuillEval, a test set of 2,000 sentences per language.", {"QuillEval": "benchmark"}),
        ("We construct DocZ-200K, a training set of 200k question-answer pairs.", {"DocZ-200K": "dataset"}),
        # a name set off by commas after a type noun
        ("On our new long-video benchmark, LongZ-60, it reduces drift.", {"LongZ-60": "benchmark"}),
        ("We also report results on a health record benchmark, zICU, where it helps.", {"zICU": "benchmark"}),
        # ... but the subject after an opening phrase is not typed by it
        ("On this benchmark, ZetaNet outperforms all baselines.", {"ZetaNet": "method"}),
        # the sentence that introduces the paper's system types it, not a later "the X mixture"
        ("We introduce SpMix, a data mixing law. The SpMix mixture improves MMLU.", {"SpMix": "method"}),
        # a slice of X is data; a numbered edition of a known data set is data
        ("We add a multilingual slice of FineWeb-2 to the mix.", {"FineWeb-2": "dataset"}),
        # a subject after an opening list is not a sibling of the list
        ("Applied to BERT-base and RoBERTa-large, PruneQ removes 70% of heads.", {"BERT-base": "model", "RoBERTa-large": "model"}),
        # checkpoint and benchmark tails written in lower case
        ("WER is computed with Whisper-large-v3 on Seed-TTS-eval.", {"Whisper-large-v3": "model", "Seed-TTS-eval": "benchmark"}),
        ("We evaluate on Quill-Bench and Robo-Arena.", {"Quill-Bench": "benchmark", "Robo-Arena": "benchmark"}),
        # editions of a known benchmark stay apart
        ("We evaluate on AIME 2024 and AIME 2025.", {"AIME 2024": "benchmark", "AIME 2025": "benchmark"}),
    ],
)
def test_extract_appositions_tails_and_editions(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


@pytest.mark.parametrize(
    "abstract,absent",
    [
        # a parameter count in brackets is not an acronym
        ("Our ZebraMT-3.3B outperforms NLLB-200 (3.3B) by 3 points.", {"3.3B"}),
        # programming languages and natural phenomena
        ("We mine tasks in TypeScript and Kotlin.", {"TypeScript", "Kotlin"}),
        ("Skill improves during the Madden-Julian Oscillation (MJO) phases.", {"MJO", "Madden-Julian Oscillation"}),
    ],
)
def test_extract_sizes_languages_phenomena_are_not_names(abstract: str, absent: set[str]) -> None:
    assert_absent(abstract, absent)


def test_extract_variant_with_its_family_named_is_one_entity() -> None:
    got = run("A Study", "We compare with MusiQuill and MusiQuill-Large, and with Zappa-7B.")
    assert got["MusiQuill"].aliases == ("MusiQuill-Large",)
    assert "MusiQuill-Large" not in got
    # a checkpoint whose family the text never names bare stays itself, linked to the family
    assert got["Zappa-7B"].family == "Zappa"


@pytest.mark.parametrize(
    "abstract,absent",
    [
        # a score after a metric is not a version of a name
        ("On PixSet it attains QUOLIA 0.189, ZQM 70.1 and BRISQUE 12.3.", {"QUOLIA 0.189", "ZQM 70.1", "BRISQUE 12.3"}),
        # generic metrics with a cut-off or an averaging prefix
        ("It improves BLEU-4, minADE20 and macro-F1.", {"BLEU-4", "minADE20", "macro-F1"}),
        # data formats and countries
        ("Molecules are written as SMILES in UTF-8 text from the United States.", {"SMILES", "UTF-8", "United States"}),
    ],
)
def test_extract_scores_metrics_formats_are_not_names(abstract: str, absent: set[str]) -> None:
    assert_absent(abstract, absent)


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # a short generic acronym with a number stays a name ("PG-19" is not "PG")
        ("We test long-context modelling on PG-19.", {"PG-19": "benchmark"}),
        # a small decimal after a name is still its version
        ("We use Common Voice 17.0 and AlpacaEval 2.0.", {"Common Voice 17.0": "dataset", "AlpacaEval 2.0": "benchmark"}),
        # models named after a known data set stay the data set
        ("We re-rank Chatbot Arena models by judge scores.", {"Chatbot Arena": "benchmark"}),
        # an apposition about a result does not type the name
        ("It solves 40% on SWE-bench Lite, the best results among open models.", {"SWE-bench Lite": "benchmark"}),
    ],
)
def test_extract_numbers_versions_and_known_types(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # "on A and on B": the verb before the first "on" rules both
        ("Audio is conditioned on the plan and on ZorpNet embeddings.", {"ZorpNet": "method"}),
        # the data units of a set
        ("On the scientific claims of FactZ-Open, accuracy rises.", {"FactZ-Open": "dataset"}),
        # CamelCase benchmark suffixes, years and counts in millions
        ("We evaluate on QuoBench and ZapEval3D.", {"QuoBench": "benchmark", "ZapEval3D": "benchmark"}),
        ("We train on SIGNO-2014T and KGraph5M.", {"SIGNO-2014T": "dataset", "KGraph5M": "dataset"}),
        # codecs and tokenizers are trained models
        ("We compare with the neural codecs ZipCodec and Mimz.", {"ZipCodec": "model", "Mimz": "model"}),
        # a capitalised type noun right after a name is part of it
        ("On the Quokka Tunes Dataset, it wins.", {"Quokka Tunes Dataset": "dataset"}),
        # a model generation before "and"
        ("Llama Guard 3 and the moderation endpoint flag few outputs.", {"Llama Guard 3": "model"}),
    ],
)
def test_extract_more_type_cues(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # a build or edition of a known name takes its type when nothing else says
        ("Similarity is measured with WavLM-TDNN embeddings.", {"WavLM-TDNN": "model"}),
        ("We train on LibriTTS-R.", {"LibriTTS-R": "dataset"}),
        # ... but a checkpoint of an architecture is still a model
        ("We fine-tune ViT-B/16 on it.", {"ViT-B/16": "model"}),
        # the two ARC sets are two benchmarks
        ("We report ARC-Easy and ARC-Challenge accuracy.", {"ARC-Easy": "benchmark", "ARC-Challenge": "benchmark"}),
    ],
)
def test_extract_known_stems_and_editions(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


def test_extract_acronym_before_known_name_is_one_name() -> None:
    got = types_of("A Study", "It beats HT Demucs, RL PPO and the LLM Llama 3.")
    assert got.get("HT Demucs") == "method"
    assert "PPO" in got and "RL PPO" not in got and "Llama 3" in got


def test_extract_known_variant_stays_apart_and_eval_sets() -> None:
    got = types_of("A Study", "Assets come from Objaverse and Objaverse-XL. It scores 58% on the QuokkaQA validation set.")
    assert got.get("Objaverse") == "dataset" and got.get("Objaverse-XL") == "dataset"
    assert got.get("QuokkaQA") == "benchmark"


def test_extract_known_benchmark_with_capitalised_split() -> None:
    got = types_of("A Study", "On the SWE-bench Multilingual split it resolves more issues than on English LibriSpeech.")
    assert got.get("SWE-bench Multilingual") == "benchmark"
    assert "LibriSpeech" in got and "English LibriSpeech" not in got


def test_extract_plus_plus_names_and_sized_architectures() -> None:
    got = types_of("A Study", "We compare SegFormer-B5, Transformer++ and Trajectron++ written in C++.")
    assert got.get("SegFormer-B5") == "model"
    assert "Transformer++" in got and "Trajectron++" in got and "C++" not in got


def test_extract_lists_of_plain_capitalised_members_and_subsets() -> None:
    got = types_of("A Study", "We study fraud. On Zamazon, YelpZ and the large GraphZ-Fin datasets, our method wins.")
    assert got.get("YelpZ") == "benchmark"
    got = types_of("A Study", "Across METR-Z, PEMS-Z and the four PeMZ subsets (PEMZ03, PEMZ04), our model wins.")
    assert got.get("PEMS-Z") == "benchmark" and got.get("PeMZ") == "dataset" and got.get("PEMZ03") == "dataset"


def test_extract_abbreviations_countries_offices_are_not_names() -> None:
    got = run(
        "Robust Watermarks for LLM-Generated Text",
        "Forecasters at the U.S. National Weather Service in Germany and BCI users rated it.",
    )
    assert not set(got) & {"U.S", "Weather Service", "National Weather Service", "Germany", "BCI", "LLM-Generated"}


def test_extract_known_name_keeps_the_gazetteer_form_as_alias() -> None:
    got = run("A Study", "We train on the Pile for one epoch.")
    assert "The Pile" in got["Pile"].aliases


def test_extract_known_model_with_capitalised_word_after() -> None:
    got = types_of("A Study", "Editors such as FLUX.1 Kontext and Stable Audio Open are strong; GPT-4o and Llama help.")
    assert got.get("FLUX.1 Kontext") == "model" and got.get("Stable Audio Open") == "model"
    assert "GPT-4o" in got and "Llama" in got


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # three lower-case modifiers before the type noun
        ("It improves the match rate on the MPZ-20 and MPTZ-52 crystal structure prediction benchmarks.", {"MPZ-20": "benchmark"}),
        # a name set off after "a new ... test set,"
        ("On a new human-annotated test set, ReviewZ-Live, comments help.", {"ReviewZ-Live": "benchmark"}),
        # a weak evaluation cue beats the type of a known name's prefix
        ("On TOFZ and MUSE-Newz, it beats NPO.", {"MUSE-Newz": "benchmark"}),
        # two known names side by side stay two ...
        ("It distils a frozen Whisper Conformer teacher.", {"Whisper": "model"}),
        # ... but a ViT checkpoint after a known model is that model's ("CLIP ViT-L/14")
        ("It distils a frozen CLIP ViT-L/14 teacher.", {"CLIP ViT-L/14": "model", "ViT-L/14": None}),
    ],
)
def test_extract_modifiers_set_off_names_and_known_pairs(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


def test_extract_domain_prefix_on_known_model() -> None:
    got = types_of("A Study", "It beats Med-Flamingo and Video-Gemini but not the Non-Linear baseline.")
    assert got.get("Med-Flamingo") == "model" and got.get("Video-Gemini") == "model"
    assert "Non-Linear" not in got


def test_extract_regions_licences_generic_runs_are_not_names() -> None:
    got = run("A Study", "Extensive Domain Randomization enables transfer in North America; data are under a CC BY 4.0 licence.")
    assert got == {}


def test_extract_own_variant_introduced_as_other_kind_stays_apart() -> None:
    got = types_of(
        "QuillForge: Verified Synthetic Problems",
        "We present QuillForge, a generation pipeline for problems. Using this pipeline we release QuillForge-2M, "
        "a corpus of two million verified problems.",
    )
    assert got.get("QuillForge") == "method" and got.get("QuillForge-2M") == "dataset"


def test_extract_checkpoint_with_word_size_and_version_joins_its_family() -> None:
    got = run("A Study", "WER is computed with Whisper-large-v3; the Whisper baseline is weaker.")
    assert "Whisper-large-v3" in got["Whisper"].aliases


def test_extract_suite_nouns_verbs_and_known_lowercase_tails() -> None:
    got = types_of(
        "Can Agents Reproduce Papers? The ReproZ Benchmark",
        "We introduce ReproZ, a benchmark of 64 papers. It scores 41.4 on nuScenes-lidarseg, beating "
        "BEVFormer, TPVFormer and FB-OCC, and it also sets a new record, with GPT-4o-based agents.",
    )
    assert "ReproZ Benchmark" not in got and got.get("ReproZ") == "benchmark"
    assert got.get("nuScenes-lidarseg") == "benchmark"
    assert got.get("TPVFormer") == "method" and got.get("FB-OCC") == "method"  # "sets" is a verb here
    assert "GPT-4o" in got and "GPT-4o-based" not in got


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # versions of known methods, Roman-numeral editions
        ("We compare MoCo v3 and Point Transformer V3 on DIHARD III.", {"MoCo v3": "method", "Point Transformer V3": "method", "DIHARD III": "dataset"}),
        # "on average over X" is no evaluation on X
        ("It improves by 8% on average over FedZ and FedQ.", {"FedZ": "method", "FedQ": "method"}),
        # a named "X-to-Y" method stays
        ("Unlike Prompt-to-Prompt, it edits real images.", {"Prompt-to-Prompt": "method"}),
        # a lower-case data name with a generic-looking tail stays
        ("We train on ogbn-arxiv and ogbn-products.", {"ogbn-arxiv": "dataset"}),
    ],
)
def test_extract_versions_averages_and_compounds(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


def test_extract_tasks_modifiers_and_formats_are_not_names() -> None:
    got = run("A Study", "It handles Text-to-SQL, Sim-to-Real, near-OOD and multi-LLM inputs, JPEG images and PA-MPJPE.")
    assert got == {}


def test_extract_signal_and_quality_terms_are_not_names() -> None:
    got = run("A Study", "It lowers CMOS and cSDR errors, improves ROC-AUC, and uses an FFT on the HOMO-LUMO gap.")
    assert not set(got) & {"CMOS", "cSDR", "ROC-AUC", "FFT", "HOMO-LUMO"}


def test_extract_title_head_stops_at_without() -> None:
    got = types_of(
        "Margin Matters: Adaptive-Margin Quantile Optimization without a Reference Model",
        "We introduce AMQO (Adaptive-Margin Quantile Optimization), which scales the margin.",
    )
    assert got["AMQO"] == "method"


def test_extract_adjective_compounds_are_not_names() -> None:
    got = run("Reasoning Paths: LLM-Guided Completion and OCR-Free Parsing", "We use LLM-as-a-judge scoring and a Llama-style BPE baseline.")
    assert not set(got) & {"LLM-Guided", "OCR-Free", "LLM-as-a", "LLM-as", "Llama-style BPE"}


# ---------------------------------------------------------------- own systems, definitions, editions


@pytest.mark.parametrize(
    "title,abstract,name,typ",
    [
        # one capitalised word after "we introduce", set off by an apposition
        ("A Study", "We introduce Zorro, a 5B-parameter text-to-video model.", "Zorro", "model"),
        ("A Study", "We propose Quill, a framework for planning.", "Quill", "method"),
        # a title prefix typed by the abstract's apposition
        ("Zorro: Long Video Generation", "We introduce Zorro, a text-to-video model. Zorro is fast.", "Zorro", "model"),
    ],
)
def test_extract_one_word_own_system(title: str, abstract: str, name: str, typ: str) -> None:
    got = run(title, abstract)
    assert got[name].type.value == typ and got[name].role == Role.PROPOSES


def test_extract_own_name_counts_every_use() -> None:
    got = run("Zorro: Long Video Generation", "We introduce Zorro, a video model. Zorro is fast and Zorro is small.")
    assert got["Zorro"].count == 4


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # a named kind of a generic class, even with a lower-case long form
        ("Codes come from a residual-quantized variational autoencoder (RQ-VAE).", {"RQ-VAE": "method"}),
        # the long form's own head noun beats the noun after the list
        ("We use the Open Flower Benchmark (OFB) datasets flw-a and flw-b, too.", {"OFB": "benchmark"}),
        # a generic-looking capital tail with an edition
        ("Results on TRAQ DL 2019 and 2020 improve.", {"TRAQ DL 2019": None, "TRAQ DL 2020": None}),
        # a capitalised run with a version
        ("We use Open Speech 17.0 for training.", {"Open Speech 17.0": None}),
    ],
)
def test_extract_definitions_and_editions(abstract: str, expected: dict[str, str | None]) -> None:
    got = types_of("A Study", abstract)
    assert set(expected) <= set(got), got
    for k, t in expected.items():
        if t is not None:
            assert got[k] == t, (k, got)


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # "on A, B and C": the evaluation cue reaches every member of the list
        ("On Weatherly, QCL and Solar-Sun, it beats DLinear.", {"Weatherly": "benchmark", "QCL": "benchmark", "Solar-Sun": "benchmark"}),
        # "our model, X": the noun before an apposed name
        ("Our model, EchoZR, is small and fast.", {"EchoZR": "model"}),
        # trained systems named by their job
        ("We present GuardZ, a 1B safety classifier.", {"GuardZ": "model"}),
        # capitalised names right after a plural type noun
        ("We also test on the datasets Peptides-fn and PascalZ-SP.", {"Peptides-fn": "dataset", "PascalZ-SP": "dataset"}),
        # a lower-case part of a name before a type noun
        ("We fine-tune on the SWX-smith dataset.", {"SWX-smith": "dataset"}),
    ],
)
def test_extract_more_context_types(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


@pytest.mark.parametrize(
    "abstract,absent",
    [
        ("It matches ToxicZ, OpenAI Moderation and XSTest.", {"Moderation"}),
        ("An MNAR-resistant model and LLM-based agents.", {"MNAR-resistant", "LLM-based"}),
    ],
)
def test_extract_more_context_negatives(abstract: str, absent: set[str]) -> None:
    assert_absent(abstract, absent)


# ---------------------------------------------------------------- pipeline internals kept cheap


def test_extract_doc_keeps_text_without_spacy_tokens() -> None:
    from kg.extract import make_nlp

    nlp = make_nlp()
    text = "A  Title\n\nWe use  Qwen2.5-VL-7B  here."
    doc = nlp(text)
    assert doc.text == text and str(doc) == text
    words, starts, ends = doc._.kg_tokens
    assert "Qwen2.5-VL-7B" in words and doc._.kg_lower == [w.lower() for w in words]
    assert all(text[s:e] == w for w, s, e in zip(words, starts, ends))


@pytest.mark.parametrize(
    "text,found",
    [
        ("We train with Soft Actor Critic and Soft Actor-Critic.", 2),
        ("It uses the Open X-Embodiment data.", 1),
        ("nothing known here at all", 0),
    ],
)
def test_extract_gazetteer_matcher_on_tokens(text: str, found: int) -> None:
    from kg.extract.components.gazetteer import GazMatcher

    words, starts, ends = tokenize(text)
    got = GazMatcher()([w.lower() for w in words], starts, ends)
    longest = {}
    for s, e, key in got:
        longest[s] = max(longest.get(s, 0), e)
    assert len(longest) == found


def test_extract_url_prefilter_matches_the_regex() -> None:
    from kg.extract.components.lexer import URL_RE, url_matches

    text = "See https://a.org/x, www.b.com and HTTP://C.io/y. Also xhttp://d.e and http alone."
    assert [m.span() for m in url_matches(text)] == [m.span() for m in URL_RE.finditer(text)]


def test_extract_slashed_sizes_are_aliases_of_the_own_model() -> None:
    got = run("Zephyrine: Fast Image Generation", "We propose Zephyrine, a model. Zephyrine-B/-L/-XL are trained on ImageNet.")
    assert "XL" not in got and "L" not in got
    assert {"Zephyrine-B", "Zephyrine-L", "Zephyrine-XL"} <= set(got["Zephyrine"].aliases)


@pytest.mark.parametrize(
    "abstract,expected",
    [
        ("We fine-tune Mistral Small 3.1 on our data.", {"Mistral Small 3.1": "model"}),
        ("We evaluate on the QuuxEdit test set.", {"QuuxEdit": "benchmark"}),
    ],
)
def test_extract_tiers_and_test_sets(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # a model family inside a name makes a model
        ("It exceeds RadSAM and the ListZephyr reranking.", {"RadSAM": "model"}),
        ("We compare with WeatherFM and ClimaLM.", {"WeatherFM": "model", "ClimaLM": "model"}),
        # serving engines and libraries are methods
        ("We serve it with TurboServe, an inference engine.", {"TurboServe": "method"}),
    ],
)
def test_extract_model_or_method_cues(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


# ---------------------------------------------------------------- issue 13 §3: classes of names older ML papers use


@pytest.mark.parametrize(
    "surface,generic",
    [
        ("DNN-HMM", True),  # a hybrid of generic architecture classes
        ("BiLSTM-CRFs", True),
        ("GP-VAE", False),  # a named kind of a class: GP and VAE are stop words, not classes
        ("VQ-VAE", False),
        ("English-German", True),  # a language pair
        ("Recurrent Neural Networks", True),  # a generic class spelled out: RNN
        ("Long Short-Term Memory", True),
        ("Graph Attention Networks", False),  # GAN by its letters, but the gazetteer knows GAT
        ("Temporal Segment Networks", False),
        ("Latent Router", False),  # two initials ("LR") match a class by chance: not enough
    ],
)
def test_extract_lexicon_generic_classes(surface: str, generic: bool) -> None:
    from kg.extract.lexicon import load_lexicon

    assert load_lexicon().is_stop(surface) is generic


def test_extract_caps_title_detection() -> None:
    from kg.extract.components.assemble import _caps_title

    assert _caps_title("DEEP GENERATIVE CLASSIFIERS FOR OPEN-SET RECOGNITION".split())
    assert _caps_title("ROPENET : NEURAL KNOT TYING".split())
    assert not _caps_title("BERT : Pre-training of Deep Bidirectional Transformers".split())
    assert not _caps_title("GRPO for LLMs".split())  # too few words to tell


@pytest.mark.parametrize(
    "title,abstract,expected",
    [
        # a capitals title keeps what the abstract or the gazetteer attests, with the abstract's spelling
        ("ROPENET: LEARNING TO TIE KNOTS", "We present RopeNet, a network for knot tying.", {"RopeNet"}),
        ("TRAINING IMAGENET IN ONE HOUR", "Large minibatches make training fast.", {"ImageNet"}),
        ("SPARSE LATTICE MACHINES", "We study kernels on lattices.", set()),
    ],
)
def test_extract_caps_title_names(title: str, abstract: str, expected: set[str]) -> None:
    assert set(run(title, abstract)) == expected


@pytest.mark.parametrize(
    "abstract,expected",
    [
        # inner lower-case words, typed by the noun after or an apposition
        ("We train on the Dogs of the Northern Coast dataset.", {"Dogs of the Northern Coast": "dataset"}),
        ("We test on Songs from the Valley, a benchmark of folk songs.", {"Songs from the Valley": "benchmark"}),
        # a definition singled out by its apposition or by "our method,"
        ("We compare with adaptive ridge sampling (ARS), a recent sampler, on CIFAR-10.", {"ARS": "method"}),
        ("Our method, sparse token routing (STR), is fast.", {"STR": "method"}),
        # a copula types the subject
        ("Cars of the Desert Highway (CDH) is a dataset of dash-camera frames.", {"CDH": "dataset"}),
        # editions, tiers and part labels
        ("On WMT'14 English-German our model gains 2 BLEU.", {"WMT'14": "benchmark"}),
        ("GoSketch Zero beats GoSketch Master.", {"GoSketch Zero": "method", "GoSketch Master": "method"}),
        ("We count people in the ShanghaiTech Part B dataset.", {"ShanghaiTech Part B": "dataset"}),
        ("We evaluate on Google Speech Commands.", {"Google Speech Commands": "dataset"}),
        # a depth variant of a known model stays a model
        ("We use a ResNet-101 network as the backbone.", {"ResNet-101": "model"}),
        # a lower-case word that names a variant of an acronym never written bare
        ("We stack real NVP layers; real NVP is invertible.", {"real NVP": "method"}),
    ],
)
def test_extract_older_ml_names(abstract: str, expected: dict[str, str]) -> None:
    assert_types(abstract, expected)


@pytest.mark.parametrize(
    "abstract,absent",
    [
        ("We compare with the original TSN and with TSN-R on UCF101.", {"original TSN"}),
        ("A pretrained DCSN helps; DCSN is small.", {"pretrained DCSN"}),
        ("Quality is measured by Intersection over Union, a standard metric.", {"Intersection over Union"}),
        ("Photographs from Lanterns of the Old Town were shown to annotators.", {"Old Town", "Lanterns of the Old Town"}),
        ("Volunteers from Central Asia and Sub-Saharan Africa recorded prompts.", {"Central Asia", "Sub-Saharan Africa"}),
        ("Graph Neural Networks (GNNs) are used as surrogates.", {"GNNs", "GNN", "Graph Neural Networks"}),
        ("Deep Belief Networks (DBN) were popular.", {"DBN", "Deep Belief Networks"}),
        ("A TDNN-LSTM baseline with a CRF layer and MFCC features.", {"TDNN-LSTM", "CRF", "MFCC"}),
        ("Our English LibriSpeech split is small.", {"English LibriSpeech"}),
    ],
)
def test_extract_older_ml_negatives(abstract: str, absent: set[str]) -> None:
    assert_absent(abstract, absent)
