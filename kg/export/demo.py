"""Invented graphs for tests, benchmarks and the README screenshot (no real paper text)."""

from __future__ import annotations

import random

from kg.model import Entity, EntityType, Graph, Link, Paper, Role

__all__ = ["demo_graph", "synthetic_graph"]

_M, _ME, _D, _B, _G = EntityType.MODEL, EntityType.METHOD, EntityType.DATASET, EntityType.BENCHMARK, EntityType.GITHUB

# Topic -> (title stems, entities (name, type)). All titles are invented.
_TOPICS: dict[str, tuple[list[str], list[tuple[str, EntityType]]]] = {
    "vision-language": (
        ["Grounded Captioning with", "Visual Instruction Tuning for", "Chart Reading via", "Dense Region Prompts for"],
        [("CLIP", _M), ("Qwen2.5-VL", _M), ("LLaVA", _M), ("COCO", _D), ("MMMU", _B), ("ChartQA", _B), ("SigLIP", _M)],
    ),
    "reasoning": (
        ["Verifier-Guided Search for", "Process Rewards in", "Self-Consistency Meets", "Curriculum RL for"],
        [("GSM8K", _B), ("MATH", _B), ("GRPO", _ME), ("PPO", _ME), ("DeepSeek-R1", _M), ("AIME 2024", _B), ("Qwen2.5", _M)],
    ),
    "efficiency": (
        ["Low-Rank Adapters for", "Quantised Attention in", "Sparse Experts for", "KV-Cache Compression in"],
        [("LoRA", _ME), ("QLoRA", _ME), ("FlashAttention", _ME), ("Mixtral", _M), ("Llama 3", _M), ("MMLU", _B)],
    ),
    "diffusion": (
        ["Consistency Distillation for", "Guided Sampling in", "Latent Flows for", "Video Diffusion with"],
        [("Stable Diffusion", _M), ("DDPM", _ME), ("Flow Matching", _ME), ("LAION-5B", _D), ("FID", _B), ("DiT", _M)],
    ),
    "agents": (
        ["Tool-Using Agents for", "Web Navigation with", "Planning Tokens in", "Memory Graphs for"],
        [("ReAct", _ME), ("WebArena", _B), ("SWE-bench", _B), ("GPT-4o", _M), ("AgentBench", _B), ("Toolformer", _ME)],
    ),
    "speech": (
        ["Streaming Recognition via", "Codec Language Models for", "Speaker-Aware Decoding in"],
        [("Whisper", _M), ("LibriSpeech", _D), ("Common Voice", _D), ("EnCodec", _M), ("CTC", _ME)],
    ),
}
_SUBJECTS = [
    "Long Documents", "Low-Resource Languages", "Scientific Figures", "Robot Manipulation", "Code Repair",
    "Medical Reports", "Multi-Turn Dialogue", "Remote Sensing", "Table Understanding", "Open-Vocabulary Detection",
]  # fmt: skip


def demo_graph(n_papers: int = 60, seed: int = 7) -> Graph:
    """A small invented corpus with a few clear topics: what the README screenshot shows."""
    rng = random.Random(seed)
    entities: dict[str, Entity] = {}
    papers: list[Paper] = []
    links: list[Link] = []
    topics = sorted(_TOPICS)
    for i in range(n_papers):
        topic = topics[i % len(topics)] if i < len(topics) * 2 else rng.choice(topics)
        stems, pool = _TOPICS[topic]
        title = f"{rng.choice(stems)} {rng.choice(_SUBJECTS)}"
        pid = f"2509.{10000 + i * 37:05d}"
        papers.append(Paper(id=pid, title=title, abstract="(invented)", date=f"2025-09-{1 + i % 28:02d}",
                            url=f"https://arxiv.org/abs/{pid}", source="demo"))
        chosen = rng.sample(pool, k=min(len(pool), rng.randint(2, 4)))
        if rng.random() < 0.15:  # a few bridges between topics
            other = _TOPICS[rng.choice(topics)][1]
            chosen.append(rng.choice(other))
        for j, (name, etype) in enumerate(dict.fromkeys(chosen)):
            key = f"{etype.value}:{name.lower()}"
            entities.setdefault(key, Entity(key=key, name=name, type=etype))
            links.append(Link(paper_id=pid, entity_key=key, role=Role.USES if j else Role.EVALUATES_ON))
        if rng.random() < 0.3:
            repo = f"demo-lab/{topic}-{i}"
            key = f"github:{repo}"
            entities[key] = Entity(key=key, name=repo, type=_G)
            links.append(Link(paper_id=pid, entity_key=key, role=Role.CODE))
    return Graph(papers=papers, entities=sorted(entities.values(), key=lambda e: e.key), links=links)


def synthetic_graph(n_papers: int = 2000, *, n_topics: int = 60, seed: int = 1) -> Graph:
    """A large invented corpus: topics with their own entity pools plus a few very common entities."""
    rng = random.Random(seed)
    types = [_M, _ME, _D, _B]
    entities: dict[str, Entity] = {}
    pools: list[list[str]] = []
    for t in range(n_topics):
        pool = []
        for j in range(20):
            key = f"t{t}-e{j}"
            entities[key] = Entity(key=key, name=f"Topic{t}-Thing{j}", type=types[(t + j) % 4])
            pool.append(key)
        pools.append(pool)
    common = []
    for j in range(12):
        key = f"common-{j}"
        entities[key] = Entity(key=key, name=f"CommonBench{j}", type=_B)
        common.append(key)
    weights = [1 / (1 + t) ** 0.6 for t in range(n_topics)]
    papers, links = [], []
    for i in range(n_papers):
        t = rng.choices(range(n_topics), weights)[0]
        pid = f"syn-{i:05d}"
        papers.append(Paper(id=pid, title=f"Synthetic paper {i} on topic {t}", abstract="(invented)",
                            date=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", source="synthetic"))
        pool = pools[t]
        picks = {pool[min(int(rng.expovariate(0.25)), len(pool) - 1)] for _ in range(rng.randint(2, 5))}
        if rng.random() < 0.5:
            picks.add(common[min(int(rng.expovariate(0.5)), len(common) - 1)])
        if rng.random() < 0.08:
            picks.add(rng.choice(pools[rng.randrange(n_topics)]))
        for key in sorted(picks):
            links.append(Link(paper_id=pid, entity_key=key, role=Role.USES))
    return Graph(papers=papers, entities=list(entities.values()), links=links)
