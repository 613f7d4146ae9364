"""Checks and label encoding at the boundary; every user-facing message lives here.

:func:`as_labels` turns whatever the caller passed into a :class:`Labels`: a 1-D, C-contiguous,
native-byte-order integer array that the kernels read directly, plus the rule that turns the
``int64`` label values the kernels report back into the caller's labels.
"""

from __future__ import annotations

import decimal
import math
import numbers
import sys
import warnings
from collections import abc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ._kernels import encode as kencode
from ._noise import NOISE_POLICIES, NoisePolicy

AVERAGE_METHODS = ("min", "geometric", "arithmetic", "max")

Decoder = Callable[[npt.NDArray[np.int64]], npt.NDArray[Any]]


@dataclass(frozen=True)
class Labels:
    """Kernel-ready labels.

    Attributes
    ----------
    data : numpy.ndarray
        1-D, C-contiguous, native-order integer array (any width; 64-bit unsigned, float and
        datetime labels as an ``int64`` view of their bits, str and object labels as codes).
    decode : callable
        Maps ``int64`` values of ``data`` to the caller's label values.
    ordered : bool
        Whether ``decode`` preserves order (False for the bit views of uint64 and float).
    noise : numpy.ndarray of bool, or None
        The samples that are noise under a ``"drop"`` or ``"singleton"`` policy (see
        :func:`as_noisy_labels`); None when there are none.
    """

    data: npt.NDArray[Any]
    decode: Decoder
    ordered: bool = True
    noise: npt.NDArray[np.bool_] | None = None

    def subset(self, keep: npt.NDArray[np.bool_]) -> Labels:
        """Return the samples where ``keep`` is True, without a noise mask."""
        return Labels(self.data[keep], self.decode, self.ordered)


def check_beta(beta: object) -> float:
    """Return ``beta`` (the V-measure's weight of completeness) as a float >= 0, else raise."""
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.integer, np.floating)):
        raise TypeError(f"beta must be a real number >= 0, got {type(beta).__name__} {beta!r}")
    value = float(beta)
    if not (math.isfinite(value) and value >= 0.0):
        raise ValueError(
            f"beta must be a finite number >= 0 (1.0 weighs homogeneity and completeness "
            f"alike), got {beta!r}"
        )
    return value


def check_choice(value: object, name: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices`` (case-insensitive for methods), else raise."""
    if isinstance(value, str) and value.lower() in choices:
        return value.lower()
    raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")


def check_num_classes(num_classes: object) -> int | None:
    """Return ``num_classes`` (torchmetrics' size of a dense table) if None or an int >= 1."""
    if num_classes is None:
        return None
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)):
        raise TypeError(
            f"num_classes must be a whole number, got {type(num_classes).__name__} {num_classes!r}"
        )
    if num_classes < 1:
        raise ValueError(f"num_classes must be at least 1, got {num_classes}")
    return int(num_classes)


def check_average_method(average_method: object) -> str:
    """Return ``average_method`` if it is one of :data:`AVERAGE_METHODS`, else raise."""
    if not isinstance(average_method, str):
        raise TypeError(
            f"average_method must be a str, one of {', '.join(map(repr, AVERAGE_METHODS))}; "
            f"got {type(average_method).__name__} {average_method!r}"
        )
    if average_method not in AVERAGE_METHODS:
        raise ValueError(
            f"average_method must be one of {', '.join(map(repr, AVERAGE_METHODS))}; "
            f"got {average_method!r}"
        )
    return average_method


def check_same_length(
    preds: Labels, target: Labels, preds_name: str = "preds", target_name: str = "target"
) -> None:
    """Raise ValueError unless both labelings have the same number of samples.

    ``preds_name``, ``target_name``: the arguments as the caller named them.
    """
    if preds.data.size != target.data.size:
        raise ValueError(
            f"{preds_name} and {target_name} must have the same length. Found input variables "
            f"with inconsistent numbers of samples: [{preds.data.size}, {target.data.size}]; "
            "each sample needs one predicted and one target label"
        )


def _as_array(labels: object, name: str) -> npt.NDArray[Any]:
    if labels is None:
        raise TypeError(f"{name} is None; pass a 1-D array-like of labels")
    if isinstance(labels, (str, bytes)):
        raise TypeError(
            f"{name} is a single {type(labels).__name__}; pass a 1-D array-like of labels"
        )
    if isinstance(labels, (abc.Set, abc.Mapping)):
        raise TypeError(
            f"{name} is a {type(labels).__name__}, which has no sample order; pass a list or "
            "array with one label per sample, in the order of the samples"
        )
    if isinstance(labels, abc.Iterator):
        raise TypeError(
            f"{name} is an iterator ({type(labels).__name__}), which can be read only once; "
            f"pass a list or array, e.g. list({name})"
        )
    labels = _tensor_values(labels, name)
    try:
        arr = np.asarray(labels)
    except (ValueError, TypeError, RuntimeError, NotImplementedError) as exc:
        raise ValueError(f"{name} could not be read as a 1-D array of labels: {exc}") from None
    if arr.ndim != 1:
        hint = ""
        if arr.ndim == 2 and 1 in arr.shape:
            hint = "; flatten it first (e.g. with .ravel())"
        elif arr.ndim == 0:
            hint = "; pass a sequence of labels, one per sample"
        raise ValueError(f"{name} must be 1D: shape is {arr.shape}{hint}")
    if isinstance(labels, (list, tuple)) and arr.dtype.kind in "US" and arr.size:
        # NumPy turns [1, "a"] into ["1", "a"]: refuse instead of merging 1 with "1".
        expected = str if arr.dtype.kind == "U" else bytes
        kinds = {type(v) for v in labels if not isinstance(v, expected)}
        if kinds:
            _raise_mixed(name, {expected, *kinds})
    return arr


def _masked_parts(labels: object) -> tuple[object, npt.NDArray[np.bool_]] | None:
    """``(values, missing)`` of a container that marks missing labels by a mask, or None.

    NumPy masked arrays; pandas nullable arrays and Series (``Int64``, ``UInt64``,
    ``boolean``, ...); polars Series and pyarrow arrays with nulls. Their values are read as
    they are held (a missing entry's value is a placeholder), never through ``float64``,
    which would merge ``2**53`` with ``2**53 + 1``. None for other containers, and for
    these when nothing is missing (NumPy then reads them exactly).
    """
    if isinstance(labels, np.ma.MaskedArray):
        return np.ma.getdata(labels), np.ma.getmaskarray(labels)
    module = type(labels).__module__.split(".")[0]
    found: Any = labels
    if module == "pandas":
        array = getattr(found, "array", found)
        values, mask = getattr(array, "_data", None), getattr(array, "_mask", None)
        if isinstance(values, np.ndarray) and isinstance(mask, np.ndarray) and mask.any():
            return values, mask  # a masked extension array: values and validity as held
        return None
    if module not in ("polars", "pyarrow"):
        return None
    nulls = found.null_count() if module == "polars" else found.null_count
    if not nulls:
        return None
    mask = np.asarray(found.is_null().to_numpy(**_copy_ok(module)), dtype=bool)
    kind = str(found.dtype if module == "polars" else found.type).lower()
    if kind.startswith(("int", "uint", "float", "double", "bool")):
        placeholder = False if kind.startswith("bool") else 0
        found = found.fill_null(placeholder)  # placeholders, under the mask
    return found.to_numpy(**_copy_ok(module)), mask


def _copy_ok(module: str) -> dict[str, Any]:
    """Keyword arguments of ``to_numpy`` that let pyarrow copy."""
    return {"zero_copy_only": False} if module == "pyarrow" else {}


def _missing_from_mask(name: str, mask: npt.NDArray[np.bool_]) -> SampleError:
    """Return the error for a missing label that a container's mask marks."""
    return SampleError(
        f"{name} has a missing label (masked or null) at index ",
        int(np.flatnonzero(mask)[0]),
        ": labels must be valid; drop or relabel those samples, or read missing labels as "
        "noise with missing='noise'",
    )


def _tensor_values(labels: object, name: str) -> object:
    """Return a torch tensor as NumPy can read it, anything else as it is.

    torch itself is never imported here: a tensor comes with its module loaded.
    """
    if not type(labels).__module__.startswith("torch") or not hasattr(labels, "device"):
        return labels
    tensor: Any = labels
    if tensor.device.type == "meta":
        raise ValueError(
            f"{name} is on the meta device, which holds a shape but no values; create it on "
            "a device that holds data ('cpu', 'cuda', ...)"
        )
    tensor = tensor.detach().cpu()
    if str(tensor.layout) != "torch.strided":
        tensor = tensor.to_dense()  # sparse labels: their implicit zeros are labels too
    narrow = tensor.is_floating_point() and tensor.element_size() < 4
    if narrow and str(tensor.dtype) != "torch.float16":  # NumPy has float16, not the others
        tensor = tensor.float()  # bfloat16 and float8 values are all float32 values exactly
    return tensor


class SampleError(ValueError):
    """A ValueError about one sample, whose message names the sample's index.

    Kept in parts so that a caller who passed a slice of the data (a Dask chunk) can name
    the index in the whole: :meth:`shifted`.
    """

    def __init__(self, before: str, index: int, after: str) -> None:
        super().__init__(f"{before}{index}{after}")
        self.parts = (before, index, after)

    def __reduce__(self) -> tuple[Any, ...]:  # to cross processes (Dask workers) whole
        return (SampleError, self.parts)

    @property
    def index(self) -> int:
        """Index of the sample in the labels that were checked."""
        return self.parts[1]

    def shifted(self, offset: int, where: str = "") -> SampleError:
        """Return the same error for the sample ``offset`` places further, ``where`` appended."""
        before, index, after = self.parts
        return SampleError(before, index + offset, f"{where}{after}")


def _categorical_parts(labels: object) -> tuple[npt.NDArray[Any], Any] | None:
    """Return ``(codes, categories)`` of labels that carry integer codes, else None.

    pandas ``Categorical`` and Series of category dtype, pyarrow dictionary arrays (chunked
    too). None is returned for anything else, and where a code is missing (-1 or null): those
    labels are then read value by value, with the usual rules for missing labels. Nothing is
    imported: a container comes with its module loaded.
    """
    module = type(labels).__module__
    item: Any = labels
    if module.startswith("pandas"):
        if getattr(getattr(item, "dtype", None), "name", None) == "category" and hasattr(
            item, "cat"
        ):
            item = item.array  # a Series: its Categorical
        if type(item).__name__ != "Categorical":
            return None
        codes, categories = np.asarray(item.codes), item.categories
    elif module.startswith("pyarrow"):
        if not str(getattr(item, "type", "")).startswith("dictionary<"):
            return None
        if type(item).__name__ == "ChunkedArray":
            item = item.combine_chunks()  # one dictionary for all chunks
        if item.null_count:
            return None
        codes = item.indices.to_numpy(zero_copy_only=False)
        categories = item.dictionary.to_numpy(zero_copy_only=False)
    elif module.startswith("polars"):
        parts = _polars_parts(item)
        if parts is None:
            return None
        codes, categories = parts
    else:
        return None
    if codes.ndim != 1 or (codes.size and int(codes.min()) < 0):
        return None
    return np.ascontiguousarray(codes), categories


def _polars_parts(series: Any) -> tuple[npt.NDArray[Any], Any] | None:
    """``(codes, categories)`` of a polars Series of Categorical, Enum or String dtype.

    Enum codes index its categories. Categorical codes may index a process-wide mapping, so
    they are renumbered over the categories present. String labels with few distinct values
    are coded by polars (cast to an Enum of their sorted distinct values); many distinct
    values, and nulls, are left to the value-by-value path.
    """
    pl = sys.modules.get("polars")
    if pl is None or not isinstance(series, pl.Series) or series.null_count():
        return None
    if isinstance(series.dtype, pl.Enum):
        return series.to_physical().to_numpy(), series.dtype.categories.to_numpy()
    if isinstance(series.dtype, pl.Categorical):
        present = series.unique()
        keys = present.to_physical().to_numpy().astype(np.int64)
        order = np.argsort(keys)
        categories = present.cast(pl.String).to_numpy()[order]
        return np.searchsorted(keys[order], series.to_physical().to_numpy()), categories
    if series.dtype == pl.String and series.len():
        present = series.unique()
        if 4 * present.len() > series.len():
            return None  # mostly distinct: polars' cast would cost more than the count
        present = present.sort()
        codes = series.cast(pl.Enum(present)).to_physical().to_numpy()
        return codes, present.to_numpy()
    return None


def _categorical_labels(codes: npt.NDArray[Any], categories: Any, name: str) -> Labels | None:
    """Labels given as codes into categories: the codes are counted, the categories decoded.

    The categories are read as labels themselves (the same checks and the same label values
    as the expanded labels would give); the table orders them as usual. None when two
    categories are one label (0.0 and -0.0): then the labels are read value by value.
    """
    read = as_labels(np.asarray(categories), name)
    values = read.decode(read.data)
    ordered = np.sort(values)
    if ordered.size > 1 and bool(np.any(ordered[1:] == ordered[:-1])):
        return None
    if codes.size and int(codes.max()) >= values.size:
        raise ValueError(f"{name} has codes beyond its {values.size} categories")
    return Labels(_native(codes), lambda v: values[v], ordered=False)


def _raise_mixed(name: str, kinds: set[type]) -> None:
    names = ", ".join(sorted(k.__name__ for k in kinds))
    raise TypeError(
        f"{name} mixes label types ({names}); convert every label to one type, "
        "e.g. all str or all int"
    )


def _native(arr: npt.NDArray[Any]) -> npt.NDArray[Any]:
    if not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))
    return np.ascontiguousarray(arr)


def _warn_fractional(name: str) -> None:
    warnings.warn(
        f"{name} has non-integer float values; each distinct value is treated as its own "
        "label. Pass integer cluster ids to silence this warning.",
        UserWarning,
        stacklevel=5,
    )


def _float_labels(arr: npt.NDArray[Any], name: str) -> Labels:
    finite = np.isfinite(arr)
    if not finite.all():
        bad = int(np.flatnonzero(~finite)[0])
        value = float(arr[bad])
        # scikit-learn's wording, which users (and its own tests) match on
        what = "NaN" if value != value else f"infinity ({value!r})"
        raise SampleError(
            f"{name} contains {what} at index ",
            bad,
            ": labels must be finite; drop or relabel those samples (NaN can also be read as "
            "a missing label with missing='noise')",
        )
    # scikit-learn's convention: each distinct float is a label, with a warning when the
    # values do not look like cluster ids.
    if arr.size and not np.array_equal(arr, np.floor(arr)):
        _warn_fractional(name)
    if arr.dtype.itemsize > 8 and not np.array_equal(arr.astype(np.float64), arr):
        return _vocabulary_labels(arr + 0.0, name)  # long doubles that float64 would merge
    # + 0.0 maps -0.0 to 0.0, so the two zeros are one label, as they compare equal.
    values = np.ascontiguousarray(arr, dtype=np.float64) + 0.0
    return Labels(values.view(np.int64), lambda v: v.view(np.float64), ordered=False)


_TEXT_MIN = 1 << 12  # fixed-width text of at least this many labels is hashed by a kernel


def text_labels(values: npt.NDArray[Any]) -> Labels:
    """Fixed-width text (``<U``, ``S``) labels through a hash of their raw machine words.

    The same vocabulary (sorted) and codes as ``np.unique``, which sorts the strings
    themselves: equal rows of code units are equal strings.
    """
    values = np.ascontiguousarray(values)
    if not values.dtype.isnative:
        values = values.astype(values.dtype.newbyteorder("="))
    width = next(w for w in (8, 4, 2, 1) if values.dtype.itemsize % w == 0)
    words = values.view(f"u{width}").reshape(values.size, values.dtype.itemsize // width)
    codes, first = kencode.encode_rows(words)
    vocab = values[first]
    order = np.argsort(vocab, kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    vocab = vocab[order]
    return Labels(rank[codes], lambda v: vocab[v])


def dict_labels(items: list[Any], dtype: Any) -> Labels:
    """Python str (or bytes) objects coded through a dict, without sorting the objects."""
    seen: dict[Any, int] = {}
    codes = np.fromiter((seen.setdefault(v, len(seen)) for v in items), np.int64, len(items))
    vocab = np.array(list(seen), dtype=dtype)
    order = np.argsort(vocab, kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    vocab = vocab[order]
    return Labels(rank[codes], lambda v: vocab[v])


def _vocabulary_labels(values: npt.NDArray[Any], name: str) -> Labels:
    if values.dtype.kind in "US" and values.size >= _TEXT_MIN and values.dtype.itemsize:
        return text_labels(values)
    try:
        vocab, codes = np.unique(values, return_inverse=True)
    except TypeError:
        kinds = {type(v) for v in values}
        if len(kinds) > 1:
            _raise_mixed(name, kinds)
        raise TypeError(
            f"{name} holds {next(iter(kinds)).__name__} labels, which cannot be sorted; "
            "use str or int labels"
        ) from None
    codes = np.ascontiguousarray(codes.reshape(-1), dtype=np.int64)
    return Labels(codes, lambda v: vocab[v])


def _is_missing(value: object) -> bool:
    """None, NaN, NaT and pandas' NA: the values that stand for a missing label."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return bool(value != value)  # NaN and NaT are the values unequal to themselves
    except (TypeError, ValueError):
        return False


def _missing_name(value: object) -> str:
    """How an error message names a missing value: NaN as scikit-learn words it."""
    return "NaN" if isinstance(value, float) and value != value else repr(value)


_FLOAT64_TYPES = {float, np.float64, np.float32, np.float16}  # converted without loss


def _exact_in_float64(value: Any) -> bool:
    try:
        return bool(float(value) == value)  # int, Fraction, Decimal compare exactly with floats
    except (OverflowError, ValueError):
        return False


def _is_whole(value: Any) -> bool:
    try:
        return bool(int(value) == value)
    except (OverflowError, ValueError):
        return False


def _object_labels(arr: npt.NDArray[Any], name: str) -> Labels:
    items = arr.tolist()
    kinds = {type(v) for v in items}
    plain = (int, str, bytes, bool)  # never missing: skip the per-value test for them
    if not all(k in plain for k in kinds):
        bad = next((i for i, v in enumerate(items) if _is_missing(v)), None)
        if bad is not None:
            raise SampleError(
                f"{name} contains {_missing_name(items[bad])} at index ",
                bad,
                ": missing labels are not supported by default; drop those samples, give them "
                "a label, or pass missing='noise' to score them under the noise policy",
            )
    if kinds <= {str, np.str_} and items:
        return dict_labels(items, str)
    if kinds <= {bytes, np.bytes_} and items:
        return dict_labels(items, bytes)
    if all(issubclass(k, str) for k in kinds):
        return _vocabulary_labels(arr.astype(str), name)
    if all(issubclass(k, bytes) for k in kinds):
        return _vocabulary_labels(arr.astype(bytes), name)
    if any(issubclass(k, (str, bytes)) for k in kinds):
        _raise_mixed(name, kinds)
    if all(issubclass(k, numbers.Integral) for k in kinds):
        for dtype in (np.int64, np.uint64):
            try:
                return as_labels(np.array(items, dtype=dtype), name)
            except OverflowError:
                continue
        return _vocabulary_labels(arr, name)  # Python ints beyond 64 bits
    if all(issubclass(k, (numbers.Real, decimal.Decimal)) for k in kinds):
        if kinds <= _FLOAT64_TYPES or all(_exact_in_float64(v) for v in items):
            return _float_labels(np.array(items, dtype=np.float64), name)
        # ints beyond 2**53, Fractions, Decimals, long doubles: float64 would merge distinct
        # values, so they are compared as they are
        if not all(_is_whole(v) for v in items):
            _warn_fractional(name)
        return _vocabulary_labels(arr, name)
    if any(issubclass(k, numbers.Complex) and not issubclass(k, numbers.Real) for k in kinds):
        raise TypeError(f"{name} contains complex numbers; labels must be real or str")
    return _vocabulary_labels(arr, name)


def as_labels(labels: object, name: str) -> Labels:
    """Validate one labeling and return it in kernel-ready form.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Lists, tuples and arrays of any integer dtype, bool, float, str, bytes, datetime or
        object; non-contiguous, read-only, memory-mapped and big-endian arrays.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    Labels
        The kernel-ready form.

    Raises
    ------
    TypeError
        None, a scalar str, complex values, mixed label types or an unsupported dtype.
    ValueError
        Not 1-D, NaN or infinite values, None inside, or not readable as an array.
    """
    parts = _categorical_parts(labels)
    if parts is not None:
        coded = _categorical_labels(*parts, name)
        if coded is not None:
            return coded
    masked = _masked_parts(labels)
    if masked is not None:
        values, mask = masked
        if mask.any():
            raise _missing_from_mask(name, mask)
        labels = values
    arr = _as_array(labels, name)
    kind = arr.dtype.kind
    if kind == "b":
        return Labels(_native(arr).view(np.uint8), lambda v: v.astype(bool))
    if kind in "iu":
        arr = _native(arr)
        if arr.dtype == np.uint64:
            # values above 2**63 keep their bits; the kernels only compare and offset them
            return Labels(arr.view(np.int64), lambda v: v.view(np.uint64), ordered=False)
        dtype = arr.dtype
        return Labels(arr, lambda v: v.astype(dtype))
    if kind == "f":
        return _float_labels(arr, name)
    if kind in "US":
        return _vocabulary_labels(arr, name)
    if kind in "Mm":
        arr = _native(arr)
        if np.isnat(arr).any():
            bad = int(np.flatnonzero(np.isnat(arr))[0])
            raise SampleError(
                f"{name} contains NaT at index ",
                bad,
                ": labels must be valid; drop or relabel those samples",
            )
        dtype = arr.dtype
        return Labels(arr.view(np.int64), lambda v: v.view(dtype))
    if kind == "O":
        return _object_labels(arr, name)
    if kind == "c":
        raise TypeError(f"{name} has complex dtype {arr.dtype}; labels must be real or str")
    raise TypeError(
        f"{name} has unsupported dtype {arr.dtype}; pass integer, bool, float, str or object labels"
    )


def check_weights(sample_weight: object, n: int) -> npt.NDArray[np.float64] | None:
    """Return ``sample_weight`` as a contiguous ``float64`` array of ``n`` values, or None.

    Raises
    ------
    TypeError
        Not numbers (str, complex, objects).
    ValueError
        Not 1-D, another length than the labels, negative, NaN or infinite values.
    """
    if sample_weight is None:
        return None
    try:
        w = np.asarray(sample_weight)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"sample_weight could not be read as a 1-D array: {exc}") from None
    if w.dtype.kind == "O" and w.size:
        try:
            w = w.astype(np.float64)
        except (TypeError, ValueError):
            pass  # not numbers: refused just below
    if w.size and w.dtype.kind not in "biuf":
        raise TypeError(
            f"sample_weight must hold real numbers, got dtype {w.dtype}; pass one "
            "non-negative weight per sample"
        )
    if w.ndim != 1:
        raise ValueError(f"sample_weight must be 1D with one weight per sample: shape is {w.shape}")
    if w.size != n:
        raise ValueError(
            f"sample_weight has {w.size} values but there are {n} samples; pass one weight "
            "per sample"
        )
    w = np.ascontiguousarray(w, dtype=np.float64)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise SampleError(
            "sample_weight[",
            i,
            f"] is {w[i].item()!r}: weights must be finite and non-negative; give the sample "
            "weight 0 to leave it out",
        )
    with np.errstate(over="ignore"):  # an overflowing total is refused just below
        total = float(w.sum()) if w.size else 0.0
    check_total_weight(total)
    return w


def check_total_weight(total: float) -> None:
    """Refuse weights whose total overflows float64; only relative weights matter."""
    if not np.isfinite(total):
        raise ValueError(
            "sample_weight adds up to more than float64 holds (about 1.8e308); only relative "
            "weights matter: divide every weight by the same factor, e.g. the largest"
        )


MISSING_OPTIONS = ("raise", "noise")


def _noise_values(values: object, name: str) -> tuple[Any, ...]:
    if values is None:
        return ()
    if isinstance(values, (str, bytes)) or np.ndim(values) == 0:  # type: ignore[arg-type]
        items: list[Any] = [values]
    else:
        items = list(np.asarray(values, dtype=object).reshape(-1))
    out = []
    for v in items:
        if isinstance(v, np.generic):
            v = v.item()
        if _is_missing(v):
            raise ValueError(
                f"{name} names {v!r}, a missing value; pass missing='noise' to treat missing "
                "labels as noise"
            )
        out.append(v)
    return tuple(out)


def _policy_name(policy: object, name: str) -> str:
    if not isinstance(policy, str) or policy not in NOISE_POLICIES:
        raise ValueError(
            f"{name} must be one of {', '.join(map(repr, NOISE_POLICIES))}; got {policy!r}"
        )
    return policy


def check_noise(
    preds_noise: object = None,
    target_noise: object = None,
    noise_policy: object = "keep",
    missing: object = "raise",
) -> NoisePolicy:
    """Validate the noise arguments shared by every scoring function and accumulator.

    Parameters
    ----------
    preds_noise, target_noise : label or sequence of labels, optional
        The label values that mean "noise" or "unknown" on each side.
    noise_policy : {"keep", "drop", "singleton"} or dict
        What noise means, for both sides, or per side as ``{"preds": ..., "target": ...}``
        (a side left out keeps its noise).
    missing : {"raise", "noise"}
        Whether missing labels (None, NaN, NaT, pandas NA) are an error or noise.
    """
    if isinstance(noise_policy, dict):
        unknown = set(noise_policy) - {"preds", "target"}
        if unknown:
            raise ValueError(
                "noise_policy keys must be 'preds' and/or 'target'; got "
                f"{sorted(map(str, unknown))}"
            )
        pp = _policy_name(noise_policy.get("preds", "keep"), "noise_policy['preds']")
        tp = _policy_name(noise_policy.get("target", "keep"), "noise_policy['target']")
    else:
        pp = tp = _policy_name(noise_policy, "noise_policy")
    if not isinstance(missing, str) or missing not in MISSING_OPTIONS:
        raise ValueError(
            f"missing must be one of {', '.join(map(repr, MISSING_OPTIONS))}; got {missing!r}"
        )
    return NoisePolicy(
        _noise_values(preds_noise, "preds_noise"),
        _noise_values(target_noise, "target_noise"),
        pp,
        tp,
        missing == "noise",
    )


def _missing_mask(arr: npt.NDArray[Any]) -> npt.NDArray[np.bool_] | None:
    kind = arr.dtype.kind
    if kind == "f":
        mask = np.isnan(arr)
    elif kind in "Mm":
        mask = np.isnat(arr)
    elif kind == "O":
        mask = np.fromiter((_is_missing(v) for v in arr.tolist()), dtype=bool, count=arr.size)
    else:
        return None
    return mask if mask.any() else None


def _can_occur(value: object, arr: npt.NDArray[Any]) -> bool:
    """Whether a noise label of this type can equal a label of ``arr``'s dtype."""
    kind = arr.dtype.kind
    text = isinstance(value, (str, bytes))
    if kind in "US":
        return text
    if kind in "biuf":
        return not text and isinstance(value, (numbers.Real, np.bool_))
    return True  # object, datetime: compared value by value


def as_noisy_labels(
    labels: object, name: str, policy: NoisePolicy, side: str | None = None
) -> Labels:
    """Validate one labeling under a noise policy.

    Returns the labels with the mask of its noise samples as :attr:`Labels.noise` (None when
    there are none, or when the side keeps its noise, which then needs nothing more). Missing
    values, when routed to the policy, are read as the side's first noise label under
    ``"keep"`` and as any valid label otherwise (those samples leave the table anyway).
    ``side``: "preds" or "target", whose noise this labeling has; by default ``name``.
    """
    side = name if side is None else side
    values, side_policy = policy.side(side)
    masked = _masked_parts(labels)
    held = None
    if masked is not None:
        labels, held = masked
        if held.any() and not policy.missing:
            raise _missing_from_mask(name, held)
    arr = _as_array(labels, name)
    for v in values:
        if not _can_occur(v, arr):
            raise TypeError(
                f"{side}_noise names {v!r} ({type(v).__name__}), which cannot occur among "
                f"{name}'s {arr.dtype} labels, so it would match nothing; name the noise "
                "label as the labels hold it (e.g. -1 for int labels, '-1' for str labels)"
            )
    missing = _missing_mask(arr) if policy.missing else None
    if held is not None and held.any():  # the container's own mask: its values are placeholders
        missing = held if missing is None else missing | held
    if missing is not None:
        if side_policy == "keep" and not values:
            raise ValueError(
                f"{name} has missing labels, which noise_policy 'keep' puts in the cluster of "
                f"{name}'s noise label, but {side}_noise names none: pass {side}_noise=<label>, "
                "or use noise_policy 'drop' or 'singleton'"
            )
        if side_policy == "keep":
            fill = values[0]
        else:
            present = np.flatnonzero(~missing)
            fill = arr[present[0]] if present.size else (values[0] if values else 0)
        arr = arr.astype(object if arr.dtype.kind == "O" else arr.dtype, copy=True)
        try:
            arr[missing] = fill
        except (TypeError, ValueError):
            raise TypeError(
                f"{side}_noise label {fill!r} does not fit {name}'s {arr.dtype} labels; name a "
                "noise label of the same type as the labels"
            ) from None
    out = as_labels(arr, name)
    if side_policy == "keep":
        return out
    mask = missing
    for v in values:
        hit = np.asarray(arr == v)
        if hit.shape == arr.shape:  # a label of another type compares as one False
            hit = hit.astype(bool, copy=False)
            mask = hit if mask is None else mask | hit
    if mask is None or not mask.any():
        return out
    return Labels(out.data, out.decode, out.ordered, mask)
