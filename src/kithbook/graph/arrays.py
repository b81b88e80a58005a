"""The array types the graph code passes around, named once.

numpy arrays carry their element type only as an annotation; naming each kind once lets
every module say which it wants, and lets mypy refuse an int8 column where a float32 one
belongs.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["BoolArray", "Float32Array", "Float64Array", "Int8Array", "Int32Array",
           "Int64Array", "UInt8Array"]

BoolArray = npt.NDArray[np.bool_]
Int8Array = npt.NDArray[np.int8]
UInt8Array = npt.NDArray[np.uint8]
Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
Float32Array = npt.NDArray[np.float32]
Float64Array = npt.NDArray[np.float64]
