"""The package's architecture, held by reading its source.

- Layers, lowest first: each module imports (at module level) only from its own layer
  or lower ones, and the imports between modules form no cycle.
- Upward imports happen only inside the ``Network`` and ``RBM`` methods that hand work to a higher
  layer (fit, explain, plot …), when called.
- No module reads or writes another module's underscored names.

``LAYERS`` is the one statement of the order: the README's Development table is checked against
it, and the package's own docstring points here.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "neurograph"

LAYERS = [  # lowest first
    {"errors", "checks", "numbers", "markup"},
    {"data", "datasets", "engines"},
    {"files"},
    {"model"},
    {"training"},
    {"topology"},
    {"drawing"},
    {"teaching"},
    {"cli", "__init__", "__main__"},
]
FACADES = {"neurograph.model.network", "neurograph.model.training_methods",
           "neurograph.model.handoffs", "neurograph.model.rbm"}
"""Network's and RBM's methods import higher layers (training, drawing …) when called."""


def modules():
    """{dotted name: parsed source} of every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = (ast.parse(path.read_text(encoding="utf-8")), path.name == "__init__.py")
    return found


def layer_of(module):
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    for rank, names in enumerate(LAYERS):
        if top in names:
            return rank
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def imports(module, tree, is_package):
    """(imported module, at module level?) for each import of the package's own modules."""
    base = module.split(".") if is_package else module.split(".")[:-1]
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                prefix = ".".join(base[:len(base) - node.level + 1])
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            names = [f"{target}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            target, names = None, [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name.startswith("neurograph"):
                found.append((name, id(node) in top_level))
    return found


def resolve(name, known):
    """The module an imported name lives in (``pkg.mod.Name`` → ``pkg.mod``)."""
    while name not in known:
        name = name.rsplit(".", 1)[0]
    return name


def test_every_module_imports_only_from_its_own_layer_or_lower_ones():
    found = modules()
    graph = nx.DiGraph()
    upward = []
    for module, (tree, is_package) in found.items():
        for name, at_top in imports(module, tree, is_package):
            target = resolve(name, found)
            if target == module or target == "neurograph" and module != "neurograph":
                continue
            if at_top:
                graph.add_edge(module, target)
                assert layer_of(target) <= layer_of(module), \
                    f"{module} (layer {layer_of(module)}) imports {target} (layer " \
                    f"{layer_of(target)}) at module level"
            elif layer_of(target) > layer_of(module):
                upward.append((module, target))
    assert nx.is_directed_acyclic_graph(graph), nx.find_cycle(graph)
    assert all(module in FACADES for module, _ in upward), upward
    assert {target.split(".")[1] for _, target in upward} <= {"training", "teaching", "drawing",
                                                               "data", "topology"}
    assert len(graph) > 30  # the check read the whole package


def defined_private_names(tree):
    """Underscored names a module defines: functions, classes, attributes it assigns,
    slots it declares, names it binds."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__slots__" for t in node.targets):
            names.update(elt.value for elt in ast.walk(node.value)
                         if isinstance(elt, ast.Constant) and isinstance(elt.value, str))
    return {name for name in names if name.startswith("_") and not name.startswith("__")}


def test_no_module_reaches_into_another_modules_private_names():
    reaches = []
    for module, (tree, _) in modules().items():
        own = defined_private_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                name = node.attr
                if name.startswith("_") and not name.startswith("__") and name not in own:
                    reaches.append(f"{module}: .{name} (line {node.lineno})")
            elif isinstance(node, ast.ImportFrom):
                reaches += [f"{module}: imports {alias.name}" for alias in node.names
                            if alias.name.startswith("_") and not alias.name.startswith("__")]
    allowed = {"_repr_png_", "_repr_html_", "_repr_markdown_", "_repr_latex_"}  # IPython's
    assert [r for r in reaches if r.split(".")[-1].split(" ")[0] not in allowed] == []


def test_the_layers_are_what_the_folders_say():
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert folders == ["drawing", "engines", "files", "model", "teaching", "topology",
                       "training"]
    assert not list(PACKAGE.rglob("_*.py")) or all(
        p.name in ("__init__.py", "__main__.py") for p in PACKAGE.rglob("_*.py"))


def test_importing_neurograph_stays_light():
    code = ("import sys, neurograph; heavy = {'matplotlib', 'sklearn', 'scipy', 'torch', 'tqdm'}; "
            "print(sorted(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def readme_layers():
    """The rows of the README's layer table, each as the set of module names its first cell
    writes (```errors.py``` → errors, ```engines/``` → engines)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    development = readme.split("\n## Development\n", 1)[1]
    table = re.search(r"^\| layer \(lowest first\) \|.*\n\|[-|]+\|\n((?:\|.*\|\n)+)", development,
                      re.M)
    assert table, "the README's Development section has no table headed 'layer (lowest first)'"
    rows = []
    for line in table.group(1).splitlines():
        first = line.split("|")[1]
        rows.append({re.sub(r"(\.py|/)$", "", name) for name in re.findall(r"`([^`]+)`", first)})
    return rows


def test_the_readme_table_lists_exactly_the_layers_in_order():
    assert readme_layers() == LAYERS
