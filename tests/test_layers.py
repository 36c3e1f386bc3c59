"""The layers of rag/ (see ../shared/STYLE.md) stay honest: checked from the import statements."""
from __future__ import annotations

import ast
from pathlib import Path

RAG = Path(__file__).resolve().parent.parent / "rag"


def imports(path: Path) -> set[str]:
    """Absolute module names a file imports (relative imports resolved against rag/)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = ".".join(path.relative_to(RAG.parent).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.add(mod)
    return out


def files(sub: str = "") -> list[Path]:
    return sorted((RAG / sub).rglob("*.py"))


def test_nothing_in_rag_imports_gradio():
    for f in files():
        assert not any(m.split(".")[0] == "gradio" for m in imports(f)), f


def test_leaf_modules_import_nothing_of_the_package():
    for name in ("types.py", "errors.py"):
        assert not any(m.startswith("rag") for m in imports(RAG / name)), name


def test_backends_never_import_each_other():
    groups = {"embeddings": "rag.embeddings", "store": "rag.store", "llm": "rag.llm"}
    for sub, own in groups.items():
        for f in files(sub):
            others = [g for s, g in groups.items() if s != sub]
            bad = [m for m in imports(f) if any(m.startswith(o) for o in others)]
            assert not bad, (f, bad)


def test_lower_layers_do_not_import_the_facade_or_the_outside():
    outside = ("rag.pipeline", "rag.cli", "rag.api", "ui")
    for f in files():
        if f.name in ("pipeline.py", "cli.py", "api.py", "server.py") or f.name.startswith("eval"):
            continue
        bad = [m for m in imports(f) if m.startswith(outside)]
        assert not bad, (f, bad)


def test_import_reader_resolves_relative_imports():
    assert "rag.config" in imports(RAG / "pipeline.py")
    assert "rag.chunking" in imports(RAG / "corpus" / "anthology.py")
    assert "rag.errors" in imports(RAG / "store" / "chroma.py")
