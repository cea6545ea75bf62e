"""Expected failures of the file system give one ``Error:`` line naming the path, a ``Hint:``, exit 1 and no
traceback: unreadable, missing, a directory where a file belongs, read-only targets, a full disk.

Each case is real, not simulated: the command runs in a fresh process. As root (CI) the process drops its
capabilities first (``setpriv``), so that file modes bind it as they bind a user; a full disk is a small tmpfs
mounted in a private mount namespace (``unshare``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, TINY_BIB, TINY_TTL, snapshot

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path, **extra) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.setdefault("PARTNERGRAPH_CACHE", str(tmp_path / "cache"))
    env.pop("PARTNERGRAPH_DATA", None)
    env.pop("PARTNERGRAPH_STORE", None)
    env.update(extra)
    return env


def _as_user() -> list[str]:
    """A prefix that makes the command obey file modes: root drops its capabilities (DAC override)."""
    if os.geteuid() == 0:
        return ["setpriv", "--bounding-set=-all", "--inh-caps=-all", "--"]
    return []


def run(tmp_path: Path, *args: str, cwd: Path | None = None, tmpfs: tuple[Path, int] | None = None,
        prepare: str = "", **env) -> subprocess.CompletedProcess:
    """``partnergraph ARGS`` as a user would run it; ``tmpfs=(folder, kib)`` mounts a full-able disk there
    first and runs ``prepare`` (shell) after mounting, before the command."""
    cmd = [*_as_user(), sys.executable, "-m", "partnergraph", *args]
    if tmpfs:
        folder, kib = tmpfs
        ns = ["unshare", "--mount"] if os.geteuid() == 0 else ["unshare", "--user", "--map-root-user", "--mount"]
        script = f'mount -t tmpfs -o size={kib}k tmpfs "{folder}" && {prepare} exec "$@"'
        cmd = [*ns, "sh", "-c", script, "sh", *cmd]
    return subprocess.run(cmd, cwd=cwd or tmp_path, env=_env(tmp_path, **env), capture_output=True, text=True,
                          timeout=300)


def assert_clean_error(r: subprocess.CompletedProcess, path: str | Path, *words: str) -> None:
    assert r.returncode == 1, (r.returncode, r.stdout[-500:], r.stderr[-2000:])
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    lines = r.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 1, r.stderr
    assert str(path) in errors[0], errors[0]
    for w in words:
        assert w.lower() in r.stderr.lower(), r.stderr
    assert any(line.startswith("Hint: ") for line in lines), r.stderr


@pytest.fixture
def tiny_dir(tmp_path) -> Path:
    d = tmp_path / "tiny"
    d.mkdir()
    (d / "sources.bib").write_text(TINY_BIB, encoding="utf-8")
    (d / "claims.ttl").write_text(TINY_TTL, encoding="utf-8")
    return d


@pytest.fixture
def restore_modes():
    """chmod'ed paths get their modes back, so tmp_path can be removed."""
    changed: list[tuple[Path, int]] = []

    def chmod(path: Path, mode: int) -> None:
        changed.append((path, path.stat().st_mode & 0o777))
        path.chmod(mode)

    yield chmod
    for path, mode in reversed(changed):
        path.chmod(mode)


@pytest.mark.parametrize("name, command", [
    pytest.param("sources.bib", ["stats"], id="sources-stats"),
    pytest.param("claims.ttl", ["stats"], id="claims-stats"),
    pytest.param("sources.bib", ["validate"], id="sources-validate"),
    pytest.param("claims.ttl", ["validate", "--no-shacl"], id="claims-validate"),
    pytest.param("sources.bib", ["bib", "lint"], id="sources-bib-lint"),
])
def test_unreadable_data_file(tmp_path, tiny_dir, restore_modes, name, command):
    restore_modes(tiny_dir / name, 0o000)
    r = run(tmp_path, *command, "--data", str(tiny_dir))
    assert_clean_error(r, tiny_dir / name, "permission")


@pytest.mark.parametrize("name", ["sources.bib", "claims.ttl"])
def test_data_file_is_a_directory(tmp_path, tiny_dir, name):
    (tiny_dir / name).unlink()
    (tiny_dir / name).mkdir()
    r = run(tmp_path, "stats", "--data", str(tiny_dir))
    assert_clean_error(r, tiny_dir / name, "directory")


@pytest.mark.parametrize("name", ["sources.bib", "claims.ttl"])
def test_data_file_missing(tmp_path, tiny_dir, name):
    (tiny_dir / name).unlink()
    r = run(tmp_path, "stats", "--data", str(tiny_dir))
    assert_clean_error(r, tiny_dir / name, "missing")


def test_data_directory_is_a_file(tmp_path):
    """--data naming a file is a bad invocation (exit 2, click's one-line usage error), not a traceback."""
    f = tmp_path / "data.txt"
    f.write_text("not a folder\n", encoding="utf-8")
    r = run(tmp_path, "stats", "--data", str(f))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"Error: Invalid value for '--data': Directory '{f}' is a file." in r.stderr


def test_unreadable_data_directory(tmp_path, tiny_dir, restore_modes):
    """--data naming a folder the user cannot read: click's own one-line check (exit 2)."""
    restore_modes(tiny_dir, 0o000)
    r = run(tmp_path, "stats", "--data", str(tiny_dir))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"Error: Invalid value for '--data': Directory '{tiny_dir}' is not readable." in r.stderr


@pytest.mark.parametrize("command", [
    pytest.param(["link", "trust", "auditcommission1998", "--stance", "supports"], id="link"),
    pytest.param(["claim", "add", "--kind", "Finding", "--label", "A new finding", "--derived-from", "review2004"],
                 id="claim-add"),
    pytest.param(["bib", "rename", "gray1989", "gray1989b"], id="bib-rename"),
])
def test_read_only_data_directory_on_a_write(tmp_path, tiny_dir, restore_modes, command):
    before = snapshot(tiny_dir)
    restore_modes(tiny_dir, 0o555)
    r = run(tmp_path, *command, "--data", str(tiny_dir))
    assert_clean_error(r, tiny_dir, "permission")
    assert snapshot(tiny_dir) == before


def test_bib_add_unreadable_import(tmp_path, tiny_dir, restore_modes):
    src = tmp_path / "export.bib"
    src.write_text("@book{new2020, author = {New, Ann}, title = {T}, year = {2020}}\n", encoding="utf-8")
    restore_modes(src, 0o000)
    before = snapshot(tiny_dir)
    r = run(tmp_path, "bib", "add", str(src), "--data", str(tiny_dir))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"Error: Invalid value for 'FILES...': File '{src}' is not readable." in r.stderr
    assert snapshot(tiny_dir) == before


def test_bib_add_directory_as_import(tmp_path, tiny_dir):
    src = tmp_path / "exports"
    src.mkdir()
    r = run(tmp_path, "bib", "add", str(src), "--data", str(tiny_dir))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"Error: Invalid value for 'FILES...': File '{src}' is a directory." in r.stderr


@pytest.mark.parametrize("command, name", [
    pytest.param(["map"], "m.html", id="map"),
    pytest.param(["report"], "r.md", id="report"),
    pytest.param(["export", "--to", "graphml"], "g.graphml", id="export"),
    pytest.param(["gaps", "--format", "svg"], "g.svg", id="gaps"),
])
def test_read_only_output_folder(tmp_path, tiny_dir, restore_modes, command, name):
    out = tmp_path / "ro"
    out.mkdir()
    restore_modes(out, 0o555)
    r = run(tmp_path, *command, "--data", str(tiny_dir), "-o", str(out / name))
    assert_clean_error(r, out, "permission")
    assert list(out.iterdir()) == []


def test_read_only_working_folder_for_default_output(tmp_path, tiny_dir, restore_modes):
    """``map`` with no -o writes into the working folder: read-only there is an error naming it."""
    work = tmp_path / "work"
    work.mkdir()
    restore_modes(work, 0o555)
    r = run(tmp_path, "map", "--data", str(tiny_dir), cwd=work)
    assert_clean_error(r, "evidence-map.html", "permission")
    assert f"Hint: check the permissions of {work}" in r.stderr


def test_read_only_cache_only_costs_speed(tmp_path, tiny_dir, restore_modes):
    cache = tmp_path / "rocache"
    cache.mkdir()
    restore_modes(cache, 0o555)
    r = run(tmp_path, "stats", "--data", str(tiny_dir), "--format", "csv", PARTNERGRAPH_CACHE=str(cache))
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "totals,sources,3" in r.stdout


def test_full_disk_on_an_output(tmp_path, tiny_dir):
    disk = tmp_path / "disk"
    disk.mkdir()
    r = run(tmp_path, "map", "--data", str(tiny_dir), "-o", str(disk / "m.html"), tmpfs=(disk, 16))
    assert_clean_error(r, disk / "m.html", "space")


def test_full_disk_on_a_data_write(tmp_path):
    """The data folder on a disk with room for the data but not for a new copy of claims.ttl."""
    disk = tmp_path / "disk"
    disk.mkdir()
    kib = sum(-(-p.stat().st_size // 4096) * 4 for p in DATA.iterdir() if p.is_file()) + 16
    before = snapshot(DATA)
    r = run(tmp_path, "link", "s000-ac-rec-a-know", "gray1989", "--stance", "supports", "--data",
            str(disk / "data"), tmpfs=(disk, kib), prepare=f'cp -r "{DATA}" "{disk}/data" &&')
    assert_clean_error(r, disk / "data", "space")
    assert snapshot(DATA) == before
