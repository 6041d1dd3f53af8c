"""The site's JavaScript modules (site/assets/js): native ES modules, no bundler.

A page names its one module in its front matter (``module: booking`` is ``assets/js/pages/booking.js``);
every page also runs ``pages/site.js`` (the cookie banner). The template writes a ``modulepreload`` link
for every module a page's modules import, found here from their ``import ... from "./x.js"`` lines, so
the browser fetches them at once instead of one level of imports after another. A page naming a module
that does not exist, or an import of a missing file, fails the build.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

JS = Path(__file__).resolve().parents[1] / "assets" / "js"
IMPORT = re.compile(r"""^\s*(?:import|export)\b[^"';]*?\bfrom\s*["'](\.{1,2}/[^"']+)["']|^\s*import\s*["'](\.{1,2}/[^"']+)["']""",
                    re.M)
EVERY_PAGE = "site"


def imports(module: Path) -> list[Path]:
    """The modules one module imports statically (a dynamic import() is loaded when it is needed)."""
    found = []
    for match in IMPORT.finditer(module.read_text(encoding="utf-8")):
        target = (module.parent / (match.group(1) or match.group(2))).resolve()
        if not target.is_file():
            raise ValueError(f"{module.relative_to(JS)} imports {match.group(1) or match.group(2)}, which does not exist")
        found.append(target)
    return found


def preloads(entries: list[Path]) -> list[str]:
    """Every module the entries import, directly or not, as paths under assets/js, in a stable order."""
    seen: dict[Path, None] = {}
    todo = list(entries)
    while todo:
        module = todo.pop(0)
        for target in imports(module):
            if target not in seen and target not in entries:
                seen[target] = None
                todo.append(target)
    return sorted(p.relative_to(JS).as_posix() for p in seen)


def page_module(name: str, where: str) -> Path:
    if not re.fullmatch(r"[a-z][a-z0-9-]*", name):
        raise ValueError(f"{where}: module: {name!r} is not a module's name (booking, manage, ...)")
    path = JS / "pages" / f"{name}.js"
    if not path.is_file():
        raise ValueError(f"{where}: module: {name} — site/assets/js/pages/{name}.js does not exist")
    return path


def on_page_context(context: dict[str, Any], page: Any, config: Any, nav: Any) -> dict[str, Any]:
    """The page's modules and what they import, for site/overrides/main.html."""
    meta = page.meta or {}
    if "scripts" in meta:
        raise ValueError(f"{page.file.src_path}: scripts: is gone; name the page's one module (module: NAME)")
    names = [EVERY_PAGE] + ([meta["module"]] if meta.get("module") else [])
    entries = [page_module(name, page.file.src_path) for name in names]
    context["allavie_modules"] = [f"pages/{name}.js" for name in names]
    context["allavie_preloads"] = preloads(entries)
    return context


def on_config(config: Any) -> Any:
    """The every-page module's imports, for a page rendered without a page of its own (404.html)."""
    config["extra"]["allavie_site_preloads"] = preloads([page_module(EVERY_PAGE, "mkdocs.yml")])
    return config
