"""Output files that are either complete or absent: write to a temporary file beside the
target, fsync, then rename over it (atomic on POSIX)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import jsonlines


@contextlib.contextmanager
def atomic_text_writer(path: Path | str | None) -> Iterator[IO[str]]:
    """A text stream for ``path``; ``None`` or ``"-"`` means standard output."""
    if path is None or str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_jsonl_writer(path: Path | str | None) -> Iterator[jsonlines.Writer]:
    """A ``jsonlines.Writer`` whose file appears only when the block completes."""
    with atomic_text_writer(path) as fh:
        writer = jsonlines.Writer(fh, compact=True, sort_keys=False)
        yield writer


def jsonl_files(paths: Iterable[Path], *, recursive: bool = False) -> Iterator[Path]:
    """The files behind ``paths``: a file as given, a directory as its ``*.jsonl``."""
    for path in paths:
        if path.is_dir():
            yield from sorted(path.rglob("*.jsonl") if recursive else path.glob("*.jsonl"))
        else:
            yield path


def iter_jsonl_lines(
    paths: Iterable[Path], *, recursive: bool = False
) -> Iterator[tuple[Path, int, str]]:
    """(file, line number, line) for every non-blank line, streaming one line at a time."""
    for file in jsonl_files(paths, recursive=recursive):
        with file.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if line.strip():
                    yield file, lineno, line
