"""docker/neo4j-local: the script that runs a Neo4j server from Maven Central jars."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "docker" / "neo4j-local"
# The home of the server the suite runs against (scripts/test gives the tests their own).
DEFAULT_HOME = Path(os.environ.get("KG_NEO4J_HOME") or ROOT / "docker" / ".neo4j")
UNSET = "unset NEO4J_URI NEO4J_USERNAME NEO4J_PASSWORD\n"
EXPORTS = re.compile(
    r"^export NEO4J_URI=bolt://127\.0\.0\.1:(\d+) NEO4J_USERNAME=neo4j NEO4J_PASSWORD=(.+)\n$"
)


def run(*args: str, home: Path | None = None, env: dict[str, str] | None = None, timeout: float = 240):
    full_env = {**os.environ, "KG_PYTHON": sys.executable, **(env or {})}
    if home is not None:
        full_env["KG_NEO4J_HOME"] = str(home)
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, env=full_env, timeout=timeout, check=False
    )


def test_neo4j_local_is_valid_bash() -> None:
    assert os.access(SCRIPT, os.X_OK)
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True)


def test_neo4j_local_usage(tmp_path: Path) -> None:
    result = run("bogus", home=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert "start|stop|status|reset" in result.stderr


def test_neo4j_local_status_stop_reset_without_server(tmp_path: Path) -> None:
    status = run("status", home=tmp_path)
    assert (status.returncode, status.stdout) == (3, "not running\n")
    stop = run("stop", home=tmp_path)
    assert (stop.returncode, stop.stdout) == (0, UNSET)
    reset = run("reset", home=tmp_path)
    assert (reset.returncode, reset.stdout) == (0, UNSET)


def test_neo4j_local_stop_output_evals_back_to_the_embedded_store(tmp_path: Path) -> None:
    # `eval "$(docker/neo4j-local stop)"` leaves no NEO4J_* variable behind for kg to follow.
    script = f'export NEO4J_URI=bolt://127.0.0.1:1 NEO4J_USERNAME=neo4j NEO4J_PASSWORD=x; eval "$({SCRIPT} stop)"; env'
    proc = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, check=True,
        env={**os.environ, "KG_NEO4J_HOME": str(tmp_path)},
    )
    assert not [line for line in proc.stdout.splitlines() if line.startswith("NEO4J_")]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_neo4j_local_stopped_server_error_says_how_back(tmp_path: Path) -> None:
    # NEO4J_URI still set, nothing listening: the error names the URI and both ways out.
    uri = f"bolt://127.0.0.1:{free_port()}"
    env = {**os.environ, "NEO4J_URI": uri, "NEO4J_USERNAME": "neo4j", "NEO4J_PASSWORD": "x"}
    env.pop("KG_DB", None)
    proc = subprocess.run(
        [sys.executable, "-m", "kg", "stats"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert proc.returncode == 1
    assert proc.stderr == (
        f"Error: no Neo4j server answers at {uri}; start one with `eval \"$(docker/neo4j-local start)\"`, "
        "or unset NEO4J_URI to use the embedded store\n"
    )


def test_neo4j_local_never_kills_a_stranger(tmp_path: Path) -> None:
    # A PID file naming a live process that is not our server is stale: ignored and removed.
    stranger = subprocess.Popen(["sleep", "60"])
    try:
        (tmp_path / "run").mkdir()
        (tmp_path / "run" / "neo4j.pid").write_text(f"{stranger.pid}\n")
        assert run("status", home=tmp_path).returncode == 3
        assert run("stop", home=tmp_path).returncode == 0
        assert stranger.poll() is None
        assert not (tmp_path / "run" / "neo4j.pid").exists()
    finally:
        stranger.kill()
        stranger.wait()


def listening(pid: int) -> list[str]:
    """Local addresses the process listens on (TCP and UDP)."""
    if shutil.which("ss") is None:
        pytest.skip("needs ss (iproute2) to list listening sockets")
    out = subprocess.run(["ss", "-Htlunp"], capture_output=True, text=True, check=True).stdout
    return [line.split()[4] for line in out.splitlines() if f"pid={pid}," in line]


@pytest.mark.neo4j
def test_neo4j_local_start_reuses_the_running_server() -> None:
    uri = os.environ.get("NEO4J_URI", "")
    status = run("status")
    if status.returncode != 0 or not uri or uri.rsplit(":", 1)[-1] not in status.stdout:
        pytest.skip("the server in NEO4J_URI was not started by docker/neo4j-local with its default home")
    started = time.monotonic()
    result = run("start")
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 5
    m = EXPORTS.match(result.stdout)
    assert m, result.stdout
    assert f"bolt://127.0.0.1:{m.group(1)}" == uri
    assert shlex.split(m.group(2)) == [os.environ["NEO4J_PASSWORD"]]
    pid = int((DEFAULT_HOME / "run" / "neo4j.pid").read_text())
    addresses = listening(pid)
    assert addresses and all(a.startswith(("127.0.0.1:", "[::ffff:127.0.0.1]:")) for a in addresses), addresses


@pytest.mark.neo4j
@pytest.mark.slow
def test_neo4j_local_lifecycle(tmp_path: Path) -> None:
    """start → exports → a real query → start again (same) → stop → status; on a fresh home."""
    if not (DEFAULT_HOME / "lib" / ".complete").exists():
        pytest.skip("no fetched jars to share; run docker/neo4j-local start once")
    home = tmp_path / "neo4j"
    home.mkdir()
    (home / "lib").symlink_to(DEFAULT_HOME / "lib")  # share the jars; everything else is fresh
    env = {
        "NEO4J_PASSWORD": "a secret with spaces",  # shell-quoted in the export line
        "NEO4J_BOLT_PORT": "",  # a free port, whatever the caller's environment says
        "KG_NEO4J_HEAP": "512m",
        "KG_NEO4J_PAGECACHE": "64m",
    }
    try:
        first = run("start", home=home, env=env)
        assert first.returncode == 0, first.stderr
        m = EXPORTS.match(first.stdout)
        assert m, first.stdout
        port, password = m.group(1), shlex.split(m.group(2))[0]
        assert password == "a secret with spaces"
        assert "ready in" in first.stderr
        pid = int((home / "run" / "neo4j.pid").read_text())
        assert all(a.endswith(f":{port}") and "127.0.0.1" in a for a in listening(pid))

        from kg.store.neo4j import Neo4jStore

        with Neo4jStore(f"bolt://127.0.0.1:{port}", "neo4j", password) as store:
            assert store.query("RETURN 1 AS one").rows == [[1]]
        again = run("start", home=home, env=env)
        assert (again.returncode, again.stdout) == (0, first.stdout)
        assert run("status", home=home).returncode == 0
        conf = (home / "conf" / "neo4j.conf").read_text()
        assert "server.http.enabled=false" in conf and f"server.bolt.listen_address=127.0.0.1:{port}" in conf
    finally:
        stop = run("stop", home=home, timeout=60)
    assert (stop.returncode, stop.stdout) == (0, UNSET), stop.stderr
    assert run("status", home=home).returncode == 3
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
