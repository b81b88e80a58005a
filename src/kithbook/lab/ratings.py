"""Ratings as arrays: who rated whom, how and when (from a source,target,rating,time file)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kithbook.domain.errors import InvalidInput

__all__ = ["Ratings", "load_ratings"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Ratings:
    """Who rated whom, how (in [-1, 1]) and when; members renumbered 0..size-1."""

    src: I64
    dst: I64
    weight: F64
    time: F64
    size: int
    scale: float

    def __len__(self) -> int:
        return int(self.src.size)

    def subset(self, mask: npt.NDArray[np.bool_]) -> Ratings:
        return Ratings(
            self.src[mask],
            self.dst[mask],
            self.weight[mask],
            self.time[mask],
            self.size,
            self.scale,
        )


def load_ratings(path: str | Path) -> Ratings:
    """Read a ``source,target,rating,time`` file (no header), or say what is wrong with it."""
    file = Path(path)
    if not file.is_file():
        raise InvalidInput(
            f"no ratings file at {file}: expected a CSV of source,target,rating,time lines "
            "(for Bitcoin OTC, ../shared/data/soc-sign-bitcoinotc.csv).",
            field="file",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # an empty file: reported below
            table = np.loadtxt(file, delimiter=",", dtype=np.float64, ndmin=2)
    except ValueError as error:
        raise InvalidInput(
            f"{file} is not a source,target,rating,time file of numbers without a header "
            f"line: {error}",
            field="file",
        ) from error
    if table.size == 0:
        raise InvalidInput(f"{file} holds no ratings.", field="file")
    if table.shape[1] != 4:
        raise InvalidInput(
            f"{file} has {table.shape[1]} columns per line; expected 4: source,target,rating,time.",
            field="file",
        )
    if not np.all(np.isfinite(table)):
        raise InvalidInput(f"{file} holds values that are not finite numbers.", field="file")
    people = table[:, :2]
    if np.any(people != np.round(people)):
        bad = int(np.flatnonzero(np.any(people != np.round(people), axis=1))[0]) + 1
        raise InvalidInput(
            f"{file} line {bad}: source and target must be whole numbers.", field="file"
        )
    scale = float(np.abs(table[:, 2]).max())
    if scale == 0:
        raise InvalidInput(f"{file}: every rating is 0, nothing to predict.", field="file")
    ids = people.astype(np.int64)
    _, numbered = np.unique(ids.ravel(), return_inverse=True)
    numbered = numbered.reshape(ids.shape).astype(np.int64)
    keep = numbered[:, 0] != numbered[:, 1]
    pairs = numbered[keep, 0] * (int(numbered.max()) + 1) + numbered[keep, 1]
    if np.unique(pairs).size != pairs.size:
        raise InvalidInput(
            f"{file} rates some pair more than once; keep one rating per pair.", field="file"
        )
    return Ratings(
        numbered[keep, 0],
        numbered[keep, 1],
        table[keep, 2] / scale,
        table[keep, 3],
        int(numbered.max()) + 1,
        scale,
    )
