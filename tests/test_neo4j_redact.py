"""A password inside NEO4J_URI (or --neo4j-uri) is used, and never printed."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.store.neo4j import redact_uri, split_userinfo

SECRET = "s3cr3t-Pa55"
runner = CliRunner()


@pytest.mark.parametrize(
    "uri,expected",
    [
        (f"bolt://neo4j:{SECRET}@localhost:7687", ("bolt://localhost:7687", "neo4j", SECRET)),
        (f"neo4j+s://u%40x:{SECRET}%2F@db.example.org", ("neo4j+s://db.example.org", "u@x", SECRET + "/")),
        ("bolt://neo4j@localhost:7687", ("bolt://localhost:7687", "neo4j", None)),
        ("bolt://localhost:7687", ("bolt://localhost:7687", None, None)),
        (f"bolt://a:{SECRET}@h:1/db?x=1", ("bolt://h:1/db?x=1", "a", SECRET)),
        (f"bolt://neo4j:{SECRET}/x?y#z@127.0.0.1:7687", ("bolt://127.0.0.1:7687", "neo4j", SECRET + "/x?y#z")),
    ],
)
def test_neo4j_redact_split_userinfo(uri: str, expected: tuple) -> None:
    assert split_userinfo(uri) == expected
    assert SECRET not in redact_uri(uri) and "%2F" not in redact_uri(uri).split("@")[0][-4:]


@pytest.mark.parametrize(
    "uri",
    [
        f"http://neo4j:{SECRET}@127.0.0.1:7474",  # not Bolt
        f"bolt://neo4j:{SECRET}@127.0.0.1:1",  # nothing listens
        f"bolt://neo4j:{SECRET}@127.0.0.1:notaport",
        f"bolt://neo4j:{SECRET}@:7687",
        f"neo4j://neo4j:{SECRET}@no-such-host.invalid:7687",
        f"bolt://neo4j:{SECRET}/x@127.0.0.1:1",  # a raw "/" in the password
    ],
)
@pytest.mark.parametrize("command", [["stats"], ["query", "RETURN 1"], ["lookup", "x"]])
def test_neo4j_redact_errors_never_show_the_password(uri: str, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--neo4j-uri", uri], env={"NEO4J_PASSWORD": "other"})
    assert result.exit_code == 1
    assert SECRET not in result.output
    assert result.output.startswith("Error: ") and "Traceback" not in result.output


@pytest.mark.neo4j
def test_neo4j_redact_real_server_credentials_in_the_uri() -> None:
    from conftest_neo4j import connect_neo4j

    connect_neo4j().close()  # skips (or fails under KG_REQUIRE_NEO4J=1) without a server
    host = os.environ["NEO4J_URI"].split("://", 1)[1]
    good = f"bolt://neo4j:{os.environ['NEO4J_PASSWORD']}@{host}"
    result = runner.invoke(app, ["stats", "--json", "--neo4j-uri", good], env={"NEO4J_PASSWORD": "wrong"})
    assert result.exit_code == 0, result.output
    bad = f"bolt://neo4j:{SECRET}@{host}"
    result = runner.invoke(app, ["stats", "--neo4j-uri", bad])
    assert result.exit_code == 1 and "refused the credentials" in result.output
    assert SECRET not in result.output and "bolt://neo4j:***@" in result.output
