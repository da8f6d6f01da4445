"""The apps depend one way (README, "Architecture"): config → blog → comments → outbox →
core, blog → authors → core, and comments → authors (authors' names are reserved). Every
import of every module is checked, function-level ones too; migrations are left out (they
name other apps' migrations, not their code)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each package may import from the project; anything else is against the direction.
MAY_IMPORT = {
    "core": set(),
    "outbox": {"core"},
    "images": {"core"},
    "authors": {"core"},
    "comments": {"core", "outbox", "authors"},
    "blog": {"core", "authors", "comments", "outbox", "images"},
}
PROJECT = {*MAY_IMPORT, "config", "bench", "tests"}


def imported_packages(source: str) -> list[tuple[int, str]]:
    """Return (line, top-level package) for every absolute import in the source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def modules(package: str) -> list[Path]:
    return [
        path
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    ]


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_every_import_follows_the_direction(package):
    assert modules(package), f"no modules found under {package}/"
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for path in modules(package)
        for line, target in imported_packages(path.read_text(encoding="utf-8"))
        if target in PROJECT and target != package and target not in MAY_IMPORT[package]
    ]
    assert wrong == []


def test_the_walk_sees_function_level_imports():
    source = "def f():\n    from blog.models import Post\n    import comments.thread\n"

    assert imported_packages(source) == [(2, "blog"), (3, "comments")]
