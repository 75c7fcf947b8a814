"""The data directory taken away, filled up, or shared: refused clearly, reported, never lost."""
import os
import shutil
import subprocess
import time

import pytest

from conftest import *  # noqa: F401,F403


def test_a_second_instance_on_the_same_data_dir_is_refused(service):
    p = subprocess.run([str(BINARY)], env={**service.env, "CONV_LISTEN": "127.0.0.1:0"}, capture_output=True,
                       timeout=20, cwd=service.data_dir.parent)
    assert p.returncode == 2, p
    assert b"CONV_DATA_DIR" in p.stderr and str(service.proc.pid).encode() in p.stderr, p.stderr
    assert b"listening on" not in p.stdout
    # The first one is untouched, and once it has stopped the directory is free again.
    assert service.join("ada").status_code == 202
    service.restart()
    assert service.get("/matchmaking/status", "ada").json()["status"] == "pending"


def test_the_refusal_names_the_process_that_holds_the_lock_whatever_the_file_says(service):
    # What the file holds is not what counts (a predecessor's words, or nothing yet): the
    # kernel says who holds the lock.
    (service.data_dir / "lock").write_text("99999\n")
    p = subprocess.run([str(BINARY)], env={**service.env, "CONV_LISTEN": "127.0.0.1:0"}, capture_output=True,
                       timeout=20, cwd=service.data_dir.parent)
    assert p.returncode == 2, p
    assert f"in use by process {service.proc.pid}".encode() in p.stderr, p.stderr


def test_writes_are_refused_once_the_data_dir_is_removed_and_it_is_not_made_again(service):
    assert service.join("ada").status_code == 202
    # Removed in one step: rmtree empties the directory entry by entry, and the service may
    # meanwhile probe its audio directory or reopen its event log in it, leaving rmdir a
    # non-empty directory. Renamed away first, the path is gone at once, as after `rm -rf`.
    gone = service.data_dir.with_name("gone")
    os.rename(service.data_dir, gone)
    shutil.rmtree(gone)
    r = service.join("bea")
    assert r.status_code == 503 and r.json()["error"]["code"] == "SERVICE_UNAVAILABLE", r.text
    body = wait_ready(service, ready=False)
    assert body["stores"]["store"] == "down", body
    time.sleep(1.2)  # another probe: none of them makes the directory again
    service.get("/readyz")
    assert not service.data_dir.exists()


def test_writes_resume_when_a_renamed_data_dir_is_put_back(service):
    moved = service.data_dir.with_name("moved")
    os.rename(service.data_dir, moved)
    r = service.join("ada")
    assert r.status_code == 503, r.text
    os.rename(moved, service.data_dir)
    r = service.join("ada")
    assert r.status_code == 202, r.text
    wait_ready(service, ready=True)
    service.restart()
    assert service.get("/matchmaking/status", "ada").json()["status"] == "pending"


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MiB file system of its own (tmpfs: the test needs to be root to mount it)."""
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_readyz_reports_a_full_disk_and_recovers_when_space_is_freed(small_disk, tmp_path):
    svc = Service(small_disk / "data")
    svc.log_path = tmp_path / "data.log"  # not on the disk that fills up
    svc.start()
    try:
        assert svc.join("ada").status_code == 202
        wait_ready(svc, ready=True)
        filler = small_disk / "filler"
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)
        body = wait_ready(svc, ready=False)
        assert body["stores"] == {"store": "down", "events": "down", "audio": "down"}, body
        r = svc.join("bea", level="C2")
        assert r.status_code == 503 and r.json()["error"]["code"] == "SERVICE_UNAVAILABLE", r.text
        filler.unlink()
        wait_ready(svc, ready=True)
        assert svc.join("bea", level="C2").status_code == 202
        assert "is down: store: the disk is full" in svc.log_path.read_text()
    finally:
        svc.stop()
