from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.files import atomic_write_text, safe_code, sha256_files, slugify


def test_slugify_vietnamese():
    assert slugify("Thành phố Tuy Hòa") == "thanh-pho-tuy-hoa"
    assert slugify("Thị xã Đông Hòa") == "thi-xa-dong-hoa"
    assert slugify("Huyện Đồng Xuân") == "huyen-dong-xuan"


@pytest.mark.parametrize("hostile", ["../../x", "<img src=x onerror=alert(1)>", "", "...", "/etc/passwd", "a\\b"])
def test_slugify_hostile_names_are_safe_file_names(hostile):
    s = slugify(hostile)
    assert s and "/" not in s and "\\" not in s and not s.startswith(".")
    assert set(s) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")


@given(st.text())
def test_slugify_property_always_safe(text):
    s = slugify(text)
    assert s and set(s) <= set("abcdefghijklmnopqrstuvwxyz0123456789-") and len(s) <= 60


def test_safe_code_rejects_empty_and_strips_separators():
    assert safe_code("555") == "555"
    assert safe_code("../5/5") == "55"
    with pytest.raises(ValueError):
        safe_code("../")


def test_atomic_write_leaves_no_temp_file(tmp_path: Path):
    target = tmp_path / "a" / "r.html"
    atomic_write_text(target, "xin chào")
    assert target.read_text(encoding="utf-8") == "xin chào"
    assert [p.name for p in target.parent.iterdir()] == ["r.html"]


def test_atomic_write_keeps_old_file_when_interrupted(tmp_path: Path, monkeypatch):
    target = tmp_path / "r.html"
    atomic_write_text(target, "old")
    import os

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_sha256_files_depends_on_names_and_bytes(tmp_path: Path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("1"), b.write_text("2")
    h1 = sha256_files([a, b], root=tmp_path)
    assert h1 == sha256_files([b, a], root=tmp_path)
    b.write_text("3")
    assert sha256_files([a, b], root=tmp_path) != h1


def test_atomic_write_makes_an_ordinary_readable_file(tmp_path: Path):
    target = tmp_path / "r.html"
    atomic_write_text(target, "x")
    assert target.stat().st_mode & 0o044 == 0o044 or (target.stat().st_mode & 0o777) == (0o666 & ~_umask())


def _umask() -> int:
    import os

    m = os.umask(0)
    os.umask(m)
    return m


def test_sha_cache_reads_a_file_again_only_when_its_status_changed(tmp_path, monkeypatch) -> None:
    import os

    from motcua.cache import shas as files
    from motcua.files import ShaCache, sha256_file

    f = tmp_path / "panel.parquet"
    f.write_bytes(b"a" * 1000)
    old = 1_600_000_000_000_000_000
    os.utime(f, ns=(old, old))  # long ago: may be remembered (its ctime is now, though: not yet)
    store = tmp_path / "shas.json"
    reads: list[str] = []
    real = files.sha256_file

    def counted(p, *a):
        reads.append(str(p))
        return real(p, *a)

    monkeypatch.setattr(files, "sha256_file", counted)
    c = ShaCache(store)
    assert c.sha(f) == sha256_file(f) and len(reads) == 1
    c.save()
    assert not store.exists()  # changed (ctime) less than RACY_NS ago: hashed, never remembered
    monkeypatch.setattr(ShaCache, "RACY_NS", -1)
    c = ShaCache(store)
    c.sha(f)
    c.save()
    assert ShaCache(store).sha(f) == sha256_file(f) and len(reads) == 2  # read from the cache file
    f.write_bytes(b"b" * 1000)  # same size; the mtime set back: ctime still tells
    os.utime(f, ns=(old, old))
    assert ShaCache(store).sha(f) == sha256_file(f) == real(f) and len(reads) == 3
    store.write_text("not json", encoding="utf-8")
    assert ShaCache(store).sha(f) == real(f)  # an unreadable cache: hash again
