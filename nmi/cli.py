"""Command line: ``nmi score PREDS TARGET`` and ``nmi demo``.

Files are read in chunks and fed to the streaming accumulator, so files larger than memory
can be scored: ``.npy`` files are memory-mapped (never unpickled), ``.csv``/``.tsv`` and
``.txt`` files are read a block at a time. Any error ends the program with status 2 and one
line on stderr.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import numpy.typing as npt

from ._noise import NOISE_POLICIES
from ._registry import BY_NAME, MI, NAMES, NMI, NRMI, RMI
from ._validation import AVERAGE_METHODS, MISSING_OPTIONS
from ._version import __version__
from .metric import NormalizedMutualInfoScore
from .uncertainty import bootstrap as bootstrap_scores

__all__ = ["main", "score_files"]

CHUNK_ROWS = 1 << 22  # labels per update when reading .npy files
CHUNK_BYTES = 1 << 24  # bytes per block when reading text files
FORMATS = (".npy", ".csv", ".tsv", ".txt")


class UsageError(Exception):
    """A problem with the user's files or options: reported in one line, exit status 2."""


class _Source:
    """One labeling read in chunks from a file."""

    def __init__(
        self,
        path: str,
        column: str | None,
        role: str,
        chunk_rows: int = CHUNK_ROWS,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        self.path = Path(path)
        self.chunk_rows, self.chunk_bytes = chunk_rows, chunk_bytes
        self.role = role
        suffix = self.path.suffix.lower()
        if suffix not in FORMATS:
            raise UsageError(
                f"{role} file {path}: unknown format {suffix or '(no extension)'!r}; "
                f"use one of {', '.join(FORMATS)}"
            )
        if not self.path.exists():
            raise UsageError(f"{role} file {path} does not exist")
        if self.path.is_dir():
            raise UsageError(f"{role} file {path} is a directory; give a file of labels")
        if not self.path.is_file():
            raise UsageError(f"{role} file {path} is not a regular file; give a file of labels")
        self.suffix = suffix
        self.size = self.path.stat().st_size
        self.length: int | None = None
        self.column = column
        if suffix == ".npy":
            try:
                self.array = np.load(self.path, mmap_mode="r", allow_pickle=False)
            except (ValueError, EOFError, OSError) as exc:
                if "pickle" in str(exc) or "Python objects" in str(exc):
                    raise UsageError(
                        f"{role} file {path} cannot be read without unpickling ({exc}); save "
                        "the labels as numbers or fixed-width strings"
                    ) from None
                raise UsageError(
                    f"{role} file {path} is not a readable .npy file ({type(exc).__name__}: "
                    f"{exc or 'no data'}); it may be empty or cut short: write it again with "
                    "numpy.save"
                ) from None
            if self.array.ndim != 1:
                raise UsageError(f"{role} file {path} holds shape {self.array.shape}, not 1-D")
            self.length = int(self.array.shape[0])
        elif self.size == 0:
            raise UsageError(f"{role} file {path} is empty")

    def as_labels(self, given: Sequence[str], option: str) -> list[Any]:
        """Noise labels given as text, as values of this file's labels."""
        if self.suffix != ".npy" or self.array.dtype.kind == "U":
            return list(given)
        try:
            if self.array.dtype.kind == "b":  # NumPy reads any non-empty text as True
                words = {"true": True, "1": True, "false": False, "0": False}
                return [words[g.lower()] for g in given]
            return np.array(given).astype(self.array.dtype).tolist()  # type: ignore[no-any-return]
        except (KeyError, ValueError, TypeError, OverflowError):
            raise UsageError(
                f"{option} {', '.join(given)}: not a label of {self.role} file {self.path}, which "
                f"holds {self.array.dtype} labels"
            ) from None

    def chunks(self) -> Iterator[tuple[npt.NDArray[Any], int]]:
        """Yield (labels, bytes consumed) a chunk at a time."""
        if self.suffix == ".npy":
            rows = self.chunk_rows
            step_bytes = self.array.itemsize * rows
            for start in range(0, max(self.length or 0, 1), rows):
                yield np.asarray(self.array[start : start + rows]), step_bytes
            return
        yield from self._text_chunks()

    def _text_chunks(self) -> Iterator[tuple[npt.NDArray[Any], int]]:
        delimiter = {".csv": ",", ".tsv": "\t"}.get(self.suffix)
        with self.path.open("rb") as f:
            rest = b""
            index: int | None = None if delimiter else 0
            started = False
            while True:
                block = f.read(self.chunk_bytes)
                data = rest + block
                if block:
                    cut = _record_end(data, quoted=delimiter is not None)
                    data, rest = data[:cut], data[cut:]
                else:
                    rest = b""
                if data:
                    if index is None or (delimiter is None and not started):
                        data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark
                        started = True
                    try:
                        text = data.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        raise UsageError(
                            f"{self.role} file {self.path} is not UTF-8 text ({exc.reason} at "
                            f"byte {exc.start} of a block); save it as UTF-8"
                        ) from None
                    if delimiter is None:
                        yield np.array(_lines(text), dtype=str), len(block)
                    else:
                        # csv reads a quoted field across newlines, which the block keeps
                        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
                        if index is None:
                            index = self._column_index(rows[0])
                            rows = rows[1:]
                        yield self._column(rows, index), len(block)
                if not block:
                    break

    def _column_index(self, header: Sequence[str]) -> int:
        if self.column is None:
            if len(header) == 1:
                return 0
            raise UsageError(
                f"{self.role} file {self.path} has {len(header)} columns "
                f"({', '.join(header)}); name the one to score with --column"
                + (" (and --weights-column for the weights file)" if self.role == "weights" else "")
            )
        if self.column not in header:
            raise UsageError(
                f"{self.role} file {self.path} has no column {self.column!r} "
                f"(columns: {', '.join(header)})"
            )
        return header.index(self.column)

    def _column(self, rows: list[list[str]], index: int) -> npt.NDArray[Any]:
        try:
            return np.array([row[index] for row in rows if row], dtype=str)
        except IndexError:
            raise UsageError(f"{self.role} file {self.path}: a row has too few columns") from None


def _record_end(data: bytes, quoted: bool) -> int:
    """Return where the last whole record of ``data`` ends: after its last newline.

    ``quoted`` (csv, tsv): a newline inside a quoted field ends no record; ``data`` starts
    at a record's start, so a newline ends one where the quotes before it are even in number
    (a quote within a quoted field is doubled). 0 where no record ends in ``data``.
    """
    end = data.rfind(b"\n")
    while quoted and end >= 0 and data.count(b'"', 0, end) % 2:
        end = data.rfind(b"\n", 0, end)
    return end + 1


def _lines(text: str) -> list[str]:
    r"""Split text into its lines at ``\n`` (and ``\r\n``) only: one label per line.

    ``str.splitlines`` would also break at form feeds, U+0085, U+2028 and others, which can
    be inside a label.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _progress(total: int) -> Any:
    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    return tqdm(total=total, unit="B", unit_scale=True, file=sys.stderr, desc="scoring")


class _Buffer:
    """Labels read from one source and not yet scored."""

    def __init__(self, source: _Source, bar: Any) -> None:
        self.chunks = source.chunks()
        self.parts: list[npt.NDArray[Any]] = []
        self.count = 0
        self.done = False
        self.bar = bar

    def read(self) -> None:
        item = next(self.chunks, None)
        if item is None:
            self.done = True
            return
        self.parts.append(item[0])
        self.count += item[0].size
        if self.bar is not None:
            self.bar.update(item[1])

    def take(self, count: int) -> npt.NDArray[Any]:
        joined = np.concatenate(self.parts) if len(self.parts) > 1 else self.parts[0]
        rest = joined[count:]
        self.parts = [rest] if rest.size else []
        self.count = int(rest.size)
        return joined[:count]


def score_files(
    preds: str,
    target: str,
    column: str | None = None,
    *,
    weights: str | None = None,
    weights_column: str | None = None,
    preds_noise: Sequence[str] = (),
    target_noise: Sequence[str] = (),
    noise_policy: str | dict[str, str] = "keep",
    missing: str = "raise",
    chunk_rows: int = CHUNK_ROWS,
    chunk_bytes: int = CHUNK_BYTES,
    accumulator: type[NormalizedMutualInfoScore] = NormalizedMutualInfoScore,
) -> NormalizedMutualInfoScore:
    """Stream two label files (and a weights file) through an accumulator and return it.

    Noise labels are given as text and read as values of each file's labels. With
    ``missing="noise"``, an empty field of a text file is a missing label. ``.npy`` files
    are read ``chunk_rows`` labels at a time, text files ``chunk_bytes`` at a time, which
    bounds the memory the labels take. ``accumulator``: the class to stream into.
    """
    for name, size in (("chunk_rows", chunk_rows), ("chunk_bytes", chunk_bytes)):
        if size < 1:
            raise UsageError(f"{name.replace('_', '-')} must be at least 1, got {size}")
    sizes = (chunk_rows, chunk_bytes)
    a = _Source(preds, column, "preds", *sizes)
    b = _Source(target, column, "target", *sizes)
    sources = [a, b]
    if weights is not None:
        sources.append(_Source(weights, weights_column, "weights", *sizes))
    lengths = {s.role: s.length for s in sources if s.length is not None}
    if len(set(lengths.values())) > 1:
        raise UsageError(_lengths_differ([_values(role, n) for role, n in lengths.items()]))
    metric = accumulator(
        preds_noise=a.as_labels(preds_noise, "--preds-noise") or None,
        target_noise=b.as_labels(target_noise, "--target-noise") or None,
        noise_policy=noise_policy,
        missing=missing,
    )
    bar = _progress(sum(s.size for s in sources))
    buffers = [_Buffer(s, bar) for s in sources]
    scored = 0  # samples passed to the accumulator
    try:
        while not all(buf.done for buf in buffers):
            # read from whichever file is behind, then score the samples every file has
            behind = min((buf for buf in buffers if not buf.done), key=lambda buf: buf.count)
            behind.read()
            ready = min(buf.count for buf in buffers)
            if ready:
                parts = [buf.take(ready) for buf in buffers]
                if missing == "noise":
                    parts[:2] = [_empty_as_missing(x) for x in parts[:2]]
                w = None if weights is None else _as_weights(parts[2], sources[2], scored)
                try:
                    metric.update(parts[0], parts[1], sample_weight=w)
                except ValueError as exc:
                    raise UsageError(
                        f"in samples {scored} to {scored + ready - 1}: {exc}"
                    ) from None
                scored += ready
    finally:
        if bar is not None:
            bar.close()
    if any(buf.count for buf in buffers):
        counts = [scored + buf.count for buf in buffers]
        raise UsageError(
            _lengths_differ([_values(s.role, n) for s, n in zip(sources, counts, strict=True)])
        )
    if scored == 0:
        raise UsageError(f"no labels in {preds} and {target}")
    return metric


def _values(role: str, n: int) -> str:
    return f"{role} has {n} {'weights' if role == 'weights' else 'labels'}"


def _lengths_differ(parts: list[str]) -> str:
    """Join 'a has 5 labels', 'b has 4 labels' into one message."""
    return ", ".join(parts[:-1]) + " but " + parts[-1]


def _empty_as_missing(labels: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Text labels with empty fields as missing (None); other arrays as they are."""
    if labels.dtype.kind != "U":
        return labels
    empty = labels == ""
    if not empty.any():
        return labels
    out = labels.astype(object)
    out[empty] = None
    return out


def _as_weights(values: npt.NDArray[Any], source: _Source, start: int) -> npt.NDArray[Any]:
    """Weights read as text become numbers; a field that is not one is named."""
    if values.dtype.kind != "U":
        return values
    try:
        return values.astype(np.float64)
    except ValueError:
        for i, v in enumerate(values.tolist()):
            try:
                float(v)
            except ValueError:
                raise UsageError(
                    f"weights file {source.path}: weight {start + i} is {v!r}, not a number"
                ) from None
        raise  # pragma: no cover - astype and float agree


def _report(
    metric: NormalizedMutualInfoScore,
    methods: Sequence[str],
    reduction: str | None = None,
    bootstrap: dict[str, Any] | None = None,
    scores: Sequence[str] = (),
) -> dict[str, Any]:
    table = metric.table
    n_preds, n_target = table.n_clusters
    report = {
        "total_weight" if table.weighted else "n_samples": table.n_samples,
        "weighted": table.weighted,
        "n_clusters_preds": n_preds,
        "n_clusters_target": n_target,
        MI.key: table.mutual_info(),
        "entropy_preds": table.row_entropy(),
        "entropy_target": table.col_entropy(),
        NMI.name: {m: table.normalized_mutual_info(m) for m in methods},
    }
    if bootstrap is not None:  # the interval beside each NMI, from the table alone
        results = {
            m: bootstrap_scores(contingency=table, score=NMI.name, average_method=m, **bootstrap)
            for m in methods
        }
        report["bootstrap"] = {**bootstrap, "method": next(iter(results.values())).method}
        report["nmi_interval"] = {m: list(r.confidence_interval) for m, r in results.items()}
        report["nmi_standard_error"] = {m: r.standard_error for m, r in results.items()}
    if reduction is not None:
        report["reduction"] = reduction
        report[RMI.key] = table.reduced_mutual_info(reduction)
        report[NRMI.key] = {
            norm: table.normalized_reduced_mutual_info(norm, reduction)
            for norm in ("target", "preds", "mean")
        }
    if scores:  # each score asked for by name, under each average_method where it takes one
        report["scores"] = {}
        asked = NAMES if "all" in scores else dict.fromkeys(scores)
        for name in asked:
            spec = BY_NAME[name]
            try:
                if "average_method" in spec.options:
                    values = {m: spec.of(table, average_method=m) for m in methods}
                    report["scores"][name] = values
                else:
                    report["scores"][name] = spec.of(table)
            except ValueError:
                if "all" not in scores:
                    raise  # asked by name: say why it is not defined
                report["scores"][name] = math.nan  # not defined for these weights
    if table.noise is not None:
        totals = table.noise.totals
        n_p, n_t, n_b = totals.preds, totals.target, totals.both
        report["noise_singletons"] = {"preds": n_p, "target": n_t, "both": n_b}
    return report


def _finite(value: Any) -> Any:
    """Return the report with every NaN or infinite float as None (JSON's null)."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _print_report(report: dict[str, Any], out: TextIO) -> None:
    if report["weighted"]:
        rows = [("total weight", f"{report['total_weight']:.6g}")]
    else:
        rows = [("samples", f"{report['n_samples']}")]
    rows += [
        ("clusters in preds", f"{report['n_clusters_preds']}"),
        ("clusters in target", f"{report['n_clusters_target']}"),
    ]
    if "noise_singletons" in report:
        single = report["noise_singletons"]
        rows.append(
            (
                "noise singletons",
                f"{single['preds']} in preds, {single['target']} in target, "
                f"{single['both']} in both",
            )
        )
    rows += [
        ("mutual information", f"{report[MI.key]:.6f} nats"),
        ("entropy of preds", f"{report['entropy_preds']:.6f} nats"),
        ("entropy of target", f"{report['entropy_target']:.6f} nats"),
    ]
    for m, v in report[NMI.name].items():
        if "nmi_interval" in report:
            low, high = report["nmi_interval"][m]
            boot = report["bootstrap"]
            level = f"{100 * boot['confidence_level']:g}%"
            interval = f"  [{low:.6f}, {high:.6f}] {level}, {boot['n_resamples']} replicates"
            rows.append((f"NMI ({m})", f"{v:.6f}{interval}"))
        else:
            rows.append((f"NMI ({m})", f"{v:.6f}"))
    if "reduction" in report:
        reduction = report["reduction"]
        rows.append((f"RMI ({reduction})", f"{report[RMI.key]:.6f} nats"))
        rows += [(f"normalized RMI ({norm})", f"{v:.6f}") for norm, v in report[NRMI.key].items()]
    for name, value in report.get("scores", {}).items():
        unit = f" {BY_NAME[name].unit}" if BY_NAME[name].unit else ""
        if isinstance(value, dict):
            rows += [(f"{name} ({m})", f"{v:.6f}{unit}") for m, v in value.items()]
        else:
            rows.append((name, f"{value:.6f}{unit}"))
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}", file=out)


def _cmd_score(args: argparse.Namespace) -> int:
    methods = list(AVERAGE_METHODS) if args.average_method == "all" else [args.average_method]
    policy: str | dict[str, str] = args.noise_policy
    if args.preds_noise_policy or args.target_noise_policy:
        policy = {
            "preds": args.preds_noise_policy or args.noise_policy,
            "target": args.target_noise_policy or args.noise_policy,
        }
    metric = score_files(
        args.preds,
        args.target,
        args.column,
        weights=args.weights,
        weights_column=args.weights_column,
        preds_noise=args.preds_noise,
        target_noise=args.target_noise,
        noise_policy=policy,
        missing=args.missing,
        chunk_rows=args.chunk_rows,
        chunk_bytes=args.chunk_bytes,
    )
    bootstrap = None
    if args.bootstrap is not None:
        bootstrap = {
            "n_resamples": args.bootstrap,
            "confidence_level": args.confidence_level,
            "random_state": args.seed,
        }
    report = _report(metric, methods, args.reduction, bootstrap, args.score)
    if args.json:
        print(json.dumps(_finite(report), indent=2, allow_nan=False))
    else:
        _print_report(report, sys.stdout)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from ._demo import run_demo

    run_demo(args.output)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=__package__, description="Normalized mutual information between two clusterings."
    )
    parser.add_argument("--version", action="version", version=f"nmi {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    score = commands.add_parser(
        "score",
        help="score two label files",
        description="Score two label files (.npy, .csv, .tsv or .txt, one label per sample); "
        "text labels are compared as text.",
    )
    score.add_argument("preds", help="predicted labels")
    score.add_argument("target", help="target labels")
    score.add_argument(
        "--average-method",
        default="arithmetic",
        choices=[*AVERAGE_METHODS, "all"],
        help="normalizer (default arithmetic; 'all' prints every one)",
    )
    score.add_argument(
        "--reduction",
        choices=["dirichlet", "flat"],
        help="also print the reduced mutual information (Jerdee, Kirkley and Newman) with this "
        "reduction, and its share of each side's; whole-number weights only",
    )
    score.add_argument(
        "--score",
        action="append",
        default=[],
        choices=[*NAMES, "all"],
        metavar="NAME",
        help=f"also print this score (repeat for several): one of {', '.join(NAMES)}, or all",
    )
    score.add_argument(
        "--bootstrap",
        type=int,
        metavar="N",
        help="print a bootstrap confidence interval beside each NMI, from N replicates drawn "
        "from the table (e.g. 9999); whole-number weights only",
    )
    score.add_argument(
        "--confidence-level",
        type=float,
        default=0.95,
        metavar="P",
        help="of the bootstrap interval (default %(default)s)",
    )
    score.add_argument(
        "--seed", type=int, metavar="S", help="seed of the bootstrap (default: fresh entropy)"
    )
    score.add_argument("--column", help="column of a .csv/.tsv file (needed when it has several)")
    score.add_argument("--json", action="store_true", help="print JSON instead of a table")
    score.add_argument(
        "--chunk-rows",
        type=int,
        default=CHUNK_ROWS,
        metavar="N",
        help="labels read per update from .npy files (default %(default)s)",
    )
    score.add_argument(
        "--chunk-bytes",
        type=int,
        default=CHUNK_BYTES,
        metavar="N",
        help="bytes read per update from text files (default %(default)s)",
    )
    weights = score.add_argument_group("sample weights")
    weights.add_argument("--weights", metavar="FILE", help="one non-negative weight per sample")
    weights.add_argument(
        "--weights-column", metavar="NAME", help="column of a .csv/.tsv weights file"
    )
    noise = score.add_argument_group("noise and missing labels")
    noise.add_argument(
        "--preds-noise",
        metavar="LABEL",
        action="append",
        default=[],
        help="a label of preds that means noise (repeat for several)",
    )
    noise.add_argument(
        "--target-noise",
        metavar="LABEL",
        action="append",
        default=[],
        help="a label of target that means noise or unknown (repeat for several)",
    )
    noise.add_argument(
        "--noise-policy",
        default="keep",
        choices=NOISE_POLICIES,
        help="noise is one cluster per label (keep, the default), left out of the score "
        "(drop), or each sample a cluster of its own (singleton)",
    )
    for side in ("preds", "target"):
        noise.add_argument(
            f"--{side}-noise-policy",
            choices=NOISE_POLICIES,
            help=f"the policy for {side} alone (default: --noise-policy)",
        )
    noise.add_argument(
        "--missing",
        default="raise",
        choices=MISSING_OPTIONS,
        help="with 'noise', missing labels (NaN in .npy files, empty fields of text files) "
        "are noise under the policy; by default NaN is an error and an empty field a label",
    )
    score.set_defaults(func=_cmd_score)
    demo = commands.add_parser(
        "demo", help="score a k-means clustering of the bundled iris data set"
    )
    demo.add_argument("--output", default="nmi-demo.png", help="PNG to write (default %(default)s)")
    demo.set_defaults(func=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"nmi: error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, TypeError, OSError, UnicodeDecodeError) as exc:
        print(f"nmi: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover - interactive
        print("nmi: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
