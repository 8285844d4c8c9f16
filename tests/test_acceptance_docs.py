"""Every test an acceptance document names (docs/acceptance/issue-*.md) exists, so the
documents cannot silently point at renamed or deleted tests."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs" / "acceptance").glob("issue-*.md"))
# tests/x/test_y.py, tests/x/test_y.py::test_z, ::Class::test_z, ::test_z[param id]
REFERENCE = re.compile(r"(tests/[\w./-]+\.py)((?:::\w+)*)(?:\[[^\]\n]*\])?")


def references(doc: Path) -> list[tuple[str, list[str]]]:
    return [
        (match.group(1), [part for part in match.group(2).split("::") if part])
        for match in REFERENCE.finditer(doc.read_text(encoding="utf-8"))
    ]


def defines(tree: ast.Module, names: list[str]) -> bool:
    """True when ``names`` (["Class", "test"] or ["test"]) is defined in the module."""
    body: list[ast.stmt] = tree.body
    for position, name in enumerate(names):
        last = position == len(names) - 1
        kinds = (ast.FunctionDef, ast.AsyncFunctionDef) if last else (ast.ClassDef,)
        found = next((n for n in body if isinstance(n, kinds) and n.name == name), None)
        if found is None:
            return False
        body = getattr(found, "body", [])
    return True


def missing_references(doc: Path) -> list[str]:
    missing = []
    trees: dict[str, ast.Module | None] = {}
    for path, names in references(doc):
        if path not in trees:
            file = ROOT / path
            trees[path] = ast.parse(file.read_text(encoding="utf-8")) if file.is_file() else None
        tree = trees[path]
        if tree is None:
            missing.append(f"{path} (no such file)")
        elif names and not defines(tree, names):
            missing.append(f"{path}::{'::'.join(names)}")
    return missing


def test_acceptance_documents_exist():
    assert DOCS, "docs/acceptance/ has no issue-*.md"


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.name)
def test_every_test_named_in_an_acceptance_document_exists(doc):
    assert references(doc), f"{doc.name} names no test"
    missing = missing_references(doc)
    assert not missing, f"{doc.name} names tests that do not exist:\n  " + "\n  ".join(missing)


def test_reference_parsing_understands_classes_and_parameters(tmp_path):
    doc = tmp_path / "issue-0.md"
    doc.write_text(
        "- `tests/test_acceptance_docs.py::test_acceptance_documents_exist`\n"
        "- tests/test_acceptance_docs.py::test_every_test_named_in_an_acceptance_document_exists"
        "[issue-2.md]\n"
        "- `tests/test_acceptance_docs.py::Nope::test_acceptance_documents_exist`\n"
        "- `tests/test_acceptance_docs.py::test_that_was_renamed[a b]`\n"
        "- `tests/no_such_file.py::test_x`\n",
        encoding="utf-8",
    )
    assert missing_references(doc) == [
        "tests/test_acceptance_docs.py::Nope::test_acceptance_documents_exist",
        "tests/test_acceptance_docs.py::test_that_was_renamed",
        "tests/no_such_file.py (no such file)",
    ]
