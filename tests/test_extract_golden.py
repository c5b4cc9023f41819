"""The extractor's output, frozen byte for byte on every paper we have gold for.

Each set (our extract fixture, the sample, every ``tests/fixtures/heldout/*_papers.txt`` and the
shared dev dump) is run through ``kg extract --format jsonl`` in-process and compared with
``tests/golden/extract/``: the full output for our own text, one sha256 per paper for the dev
dump (its text never enters the repository), and a sha256 over every mention's count and
family. This test never writes its expected files. After an INTENDED change to the output
(bump ``EXTRACTOR_VERSION`` too), regenerate them explicitly:

    .venv/bin/python scripts/bless_extract_golden.py [SET ...]
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bless_extract_golden", ROOT / "scripts" / "bless_extract_golden.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)

SETS = golden.golden_sets()
REGENERATE = f"regenerate with `{golden.BLESS} {{name}}` only if the change is intended"


def _first_difference(got: list[bytes], expected: list[bytes]) -> str:
    for i, (a, b) in enumerate(zip(got, expected)):
        if a != b:
            return f"paper {i} differs"
    return f"{len(got)} papers extracted, {len(expected)} expected"


def _entity_diff(got: bytes, expected: bytes) -> str:
    g, e = json.loads(got), json.loads(expected)
    gs = {json.dumps(x, ensure_ascii=False, sort_keys=True) for x in g["entities"]}
    es = {json.dumps(x, ensure_ascii=False, sort_keys=True) for x in e["entities"]}
    lines = [f"  + {x}" for x in sorted(gs - es)] + [f"  - {x}" for x in sorted(es - gs)]
    return "\n".join([f"  id {g['id']}:", *lines] if lines else [f"  id {g['id']}: same entities, other order"])


@pytest.mark.parametrize("name", sorted(set(SETS) - {golden.DEV}))
def test_extract_golden_output_is_byte_equal(name: str) -> None:
    expected_path = golden.GOLDEN / f"{name}.jsonl"
    if not expected_path.exists():
        pytest.fail(f"no golden for {name} ({expected_path}); " + REGENERATE.format(name=name))
    got = golden.cli_output(SETS[name])
    expected = expected_path.read_bytes()
    if got != expected:
        g, e = got.splitlines(), expected.splitlines()
        details = [_entity_diff(a, b) for a, b in zip(g, e) if a != b][:5]
        pytest.fail(
            f"{name}: {_first_difference(g, e)}\n" + "\n".join(details) + "\n" + REGENERATE.format(name=name)
        )


def test_extract_golden_dev_dump_is_byte_equal() -> None:
    path = SETS[golden.DEV]
    if not path.exists():
        pytest.skip(f"shared dev dump not found at {path} (CI always has it)")
    expected_path = golden.GOLDEN / "dev.sha256"
    if not expected_path.exists():
        pytest.fail(f"no golden for the dev dump ({expected_path}); " + REGENERATE.format(name=golden.DEV))
    got = golden.line_digests(golden.cli_output(path))
    expected = expected_path.read_text(encoding="utf-8").split()
    if got != expected:
        diff = [i for i, (a, b) in enumerate(zip(got, expected)) if a != b]
        pytest.fail(
            f"dev: {len(got)} papers extracted, {len(expected)} expected; papers {diff[:20]} differ "
            f"(`kg extract {path}` shows them)\n" + REGENERATE.format(name=golden.DEV)
        )


@pytest.mark.parametrize("name", sorted(SETS))
def test_extract_golden_counts_and_families_are_equal(name: str) -> None:
    path = SETS[name]
    if not path.exists():
        pytest.skip(f"{path} not found (the shared dev dump; CI always has it)")
    expected = golden.read_extras().get(name)
    if expected is None:
        pytest.fail(f"no count/family digest for {name} in {golden.GOLDEN / 'extras.sha256'}; " + REGENERATE.format(name=name))
    assert golden.extras_digest(path) == expected, f"{name}: a mention's count or family changed; " + REGENERATE.format(
        name=name
    )


def test_extract_golden_covers_every_gold_set() -> None:
    """A new held-out set without a golden fails here rather than going unpinned."""
    gold = sorted(p.name.removesuffix("_gold.jsonl") for p in (ROOT / "tests" / "fixtures" / "heldout").glob("*_gold.jsonl"))
    assert len(gold) >= 15 and set(gold) <= set(SETS), f"gold sets without their papers in the golden: {set(gold) - set(SETS)}"
    missing = [n for n in sorted(set(SETS) - {golden.DEV}) if not (golden.GOLDEN / f"{n}.jsonl").exists()]
    assert not missing, f"no golden for {missing}; " + REGENERATE.format(name=" ".join(missing))
