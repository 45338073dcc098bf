"""``govkz serve``: Datasette on the search index, configured for journalists.

The configuration lives in ``pipeline/datasette/`` (metadata.json with facets and canned
queries, templates/, plugins/govkz.py). Datasette names a database after its file stem, so the
metadata written for the database ``index`` is re-keyed to the stem of the file being served.

The same setup runs from a shell without this module::

    datasette corpus/index.sqlite -m pipeline/datasette/metadata.json \\
        --template-dir pipeline/datasette/templates --plugins-dir pipeline/datasette/plugins
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

DATASETTE_DIR = Path(__file__).parent / "datasette"
METADATA = DATASETTE_DIR / "metadata.json"
TEMPLATES = DATASETTE_DIR / "templates"
PLUGINS = DATASETTE_DIR / "plugins"

SETTINGS: dict[str, Any] = {
    "default_page_size": 20,
    "truncate_cells_html": 300,
    "suggest_facets": False,
    "facet_time_limit_ms": 1000,
    "sql_time_limit_ms": 5000,
    "allow_download": False,
}


def metadata_for(index_path: Path) -> dict[str, Any]:
    """metadata.json with its ``index`` database renamed to the served file's stem."""
    meta: dict[str, Any] = json.loads(METADATA.read_text(encoding="utf-8"))
    dbs = meta.get("databases", {})
    if "index" in dbs and index_path.stem != "index":
        dbs[index_path.stem] = dbs.pop("index")
    return meta


def make_datasette(index_path: Path) -> Any:
    """A configured Datasette instance for ``index_path`` (startup not yet invoked)."""
    from datasette.app import Datasette

    if not index_path.exists():
        raise FileNotFoundError(f"no index at {index_path}: run `govkz index` first")
    return Datasette(
        files=[str(index_path)],
        metadata=metadata_for(index_path),
        template_dir=str(TEMPLATES),
        plugins_dir=str(PLUGINS),
        settings=SETTINGS,
    )


def serve(index_path: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Serve the index until interrupted (blocking)."""
    import asyncio

    import uvicorn

    ds = make_datasette(index_path)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")


def main(argv: list[str] | None = None) -> None:
    """``python -m pipeline.serve --index PATH [--host H] [--port N]``."""
    parser = argparse.ArgumentParser(prog="govkz serve", description=__doc__)
    parser.add_argument("--index", type=Path, default=Path("corpus/index.sqlite"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    serve(args.index, args.host, args.port)


if __name__ == "__main__":
    main()
