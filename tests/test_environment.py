"""The lock and environment.yml pin the same versions; the lock pins hashes."""

from pathlib import Path

from motcua.envfile import env_pins, lock_pins, render

ROOT = Path(__file__).resolve().parents[1]


def test_environment_yml_matches_lock():
    lock = lock_pins(ROOT / "requirements.lock")
    env = env_pins(ROOT / "environment.yml")
    assert lock, "no pins read from requirements.lock"
    missing = {k: v for k, v in lock.items() if k != "pip" and env.get(k) != v}
    extra = {k: v for k, v in env.items() if k not in lock}
    assert not missing and not extra, (
        f"environment.yml disagrees with the lock: missing/different {missing}, extra {extra}"
    )
    assert (ROOT / "environment.yml").read_text(encoding="utf-8") == render(ROOT / "requirements.lock")


def test_lock_pins_every_direct_dependency_with_hashes():
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = [d for d in deps["dependencies"] + deps["optional-dependencies"]["dev"]]
    lock = lock_pins(ROOT / "requirements.lock")
    import re

    for spec in names:
        name = re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower().replace("_", "-")
        assert name in lock, f"{name} is not pinned in requirements.lock"
    text = (ROOT / "requirements.lock").read_text()
    assert text.count("--hash=sha256:") >= len(lock)
    assert "file://" not in text and "/opt/" not in text, "the lock must not name machine-specific indexes"
