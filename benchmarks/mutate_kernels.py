"""Mutation testing of the numba kernels: planted bugs, one at a time, against the fast tests.

mutmut (``make mutate``) leaves decorated functions alone, so it never touches the kernels of
``nmi/_kernels``. This script plants, one at a time, each bug of the list below: small edits a
person could make (an off-by-one, a swapped index, a dropped term, a wrong comparison), in the
counting, encoding and information kernels. For each it copies the package into a scratch
folder, applies the edit and runs the fast tests (not ``slow``, not ``spawns``) with ``-x``
against the kernels compiled as they ship. A mutant is killed when a test fails, caught when
the tests run past the time limit (a hang), and survives when they all pass.

Compiling is the cost: each mutant gets a private numba cache folder, seeded with the
compiled code of the unmutated package minus the kernels the edit reaches (those of the
edited file, and the kernels of other files that call into it, ``CALLERS``), so only those
recompile. Under ``make mutate`` that compiled code is taken from mutmut's copy
(``mutants/``), whose clean run compiled every kernel the fast tests call (numba keys its
cache on the source text); run alone, the script compiles it first, in a clean run of the
tests. Each mutant's tests start with the files that test its kernel file most directly, so
a planted bug usually fails within the first seconds.
A mutant that a test killed in an earlier run starts with that test: the kills are kept in
``benchmarks/kernel_mutant_kills.json``, which each run brings up to date. The order only
decides how soon a mutant fails; one that survives has run every test either way.

Run: python benchmarks/mutate_kernels.py [--jobs 2] [--only NAME ...] [--list] [--json PATH]
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNELS = "nmi/_kernels"
# the kernels of other files whose compiled code includes a file's kernels (numba compiles a
# called kernel into its caller, and its cache does not track this): these are compiled again
CALLERS = {
    "encode.py": ["count.count_encoded", "count.pair_keys", "count.small_information"],
    "info.py": ["count.small_information"],
    "count.py": [],
    "resample.py": [],
    "draws.py": ["resample.py"],
}
TEST_FILES = [
    "tests/test_kernels.py",
    "tests/test_contingency.py",
    "tests/test_functional.py",
    "tests/test_invariants.py",
    "tests/test_kinds.py",
    "tests/test_weights.py",
    "tests/test_noise.py",
    "tests/test_hostile.py",
    "tests/test_ami.py",
    "tests/test_score_many.py",
    "tests/test_validation.py",
    "tests/test_state.py",
    "tests/test_metric.py",
    "tests/test_jit.py",
    "tests/test_reduced.py",
    "tests/test_resampling.py",
    "tests/test_uncertainty.py",
]
# the files run first for a mutant of each kernel file (then the rest of TEST_FILES)
FIRST_FILES = {
    "count.py": ["tests/test_kernels.py", "tests/test_contingency.py", "tests/test_kinds.py"],
    "encode.py": ["tests/test_kernels.py", "tests/test_contingency.py", "tests/test_hostile.py"],
    "resample.py": ["tests/test_resampling.py", "tests/test_uncertainty.py"],
    "draws.py": ["tests/test_resampling.py", "tests/test_uncertainty.py"],
    "info.py": [
        "tests/test_kernels.py",
        "tests/test_ami.py",
        "tests/test_weights.py",
        "tests/test_reduced.py",
    ],
}
PYTEST_ARGS = ["-x", "-q", "-m", "not slow and not spawns", "-p", "no:cacheprovider"]
TIME_LIMIT = 300.0
SEED = ROOT / "mutants" / KERNELS  # mutmut's copy of the kernels, compiled by its clean run
KILLS = ROOT / "benchmarks" / "kernel_mutant_kills.json"  # mutant name -> the test that killed it


@dataclass(frozen=True)
class Mutant:
    """One planted bug: ``old`` (found exactly once in ``file``) replaced by ``new``."""

    name: str
    file: str
    old: str
    new: str


MUTANTS = [
    # info.py: entropies, mutual information, expected mutual information
    Mutant(
        "info.neumaier_branch",
        "info.py",
        "if abs(total) >= abs(term):",
        "if abs(total) <= abs(term):",
    ),
    Mutant("info.entropy_zero_cells", "info.py", "        if x > 0:\n", "        if x >= 0:\n"),
    Mutant(
        "info.entropy_sign",
        "info.py",
        "(x / n) * (log_n - math.log(x))",
        "(x / n) * (math.log(x) - log_n)",
    ),
    Mutant(
        "info.small_log_bound", "info.py", "if x < _LOG_SMALL.size:", "if x <= _LOG_SMALL.size:"
    ),
    Mutant(
        "info.small_cols_index",
        "info.py",
        "_LOG_SMALL[small_cols[cols[p]]]",
        "_LOG_SMALL[small_cols[rows[p]]]",
    ),
    Mutant(
        "info.gather_block_short",
        "info.py",
        "hi = min(lo + _GATHER, counts.size)",
        "hi = min(lo + _GATHER - 1, counts.size)",
    ),
    Mutant(
        "info.mi_row_log_index",
        "info.py",
        "(log_rows[rows[p]] + gathered[p - lo])",
        "(log_rows[cols[p]] + gathered[p - lo])",
    ),
    Mutant(
        "info.mi_count_log",
        "info.py",
        "((_log_count(x) + log_n) -",
        "((_log_count(x) - log_n) -",
    ),
    Mutant(
        "info.underflow_proves_independence",
        "info.py",
        " or product < _SMALLEST_NORMAL:",
        ":",
    ),
    Mutant("info.mi_of_independent", "info.py", "if with_mi and not independent:", "if with_mi:"),
    Mutant(
        "info.binomial_drops_factorial",
        "info.py",
        "- log_gamma_shift) - math.lgamma(v + 1.0))",
        "- log_gamma_shift))",
    ),
    Mutant(
        "info.dirichlet_groups_dropped",
        "info.py",
        "log_binomial_sum(sums, sums_mult, groups * alpha)",
        "log_binomial_sum(sums, sums_mult, alpha)",
    ),
    Mutant(
        "info.golden_wrong_way",
        "info.py",
        "        if f_left < f_right:\n",
        "        if f_left > f_right:\n",
    ),
    Mutant(
        "info.independent_skip_cell",
        "info.py",
        "for p in range(counts.size):\n            product",
        "for p in range(counts.size - 1):\n            product",
    ),
    Mutant(
        "info.window_log_off_by_one",
        "info.py",
        "math.log(base + t))",
        "math.log(base + t - 1))",
    ),
    Mutant(
        "info.falling_window_index",
        "info.py",
        "window[x - base] - window[x - m - base]",
        "window[x - base] - window[x - m - base - 1]",
    ),
    Mutant(
        "info.emi_lowest_overlap", "info.py", "lo = max(1, a + b - n)", "lo = max(0, a + b - n)"
    ),
    Mutant(
        "info.emi_walk_cut",
        "info.py",
        "if p < 1e-22 * p_mode:\n                    break\n            p = p_mode",
        "if p < 1e-2 * p_mode:\n                    break\n            p = p_mode",
    ),
    Mutant(
        "info.emi_down_recurrence",
        "info.py",
        "p *= k * 1.0 * (rest + k) /",
        "p *= k * 1.0 * (rest + k + 1) /",
    ),
    Mutant(
        "info.emi_multiplicity",
        "info.py",
        "a_mult[i] * b_mult[j] * s",
        "a_mult[i] * s",
    ),
    # count.py: dense tables, pair keys, run lengths, merges
    Mutant(
        "count.dense_col_offset",
        "count.py",
        "* kb + (np.int64(b[i]) - offset_b)]",
        "* kb + (np.int64(b[i]) - offset_a)]",
    ),
    Mutant(
        "count.encoded_transposed",
        "count.py",
        "out[ca[i] * kb + cb[i]] += 1",
        "out[cb[i] * kb + ca[i]] += 1",
    ),
    Mutant(
        "count.pair_keys_last",
        "count.py",
        "        for i in range(m):\n            out[start + i]",
        "        for i in range(m - 1):\n            out[start + i]",
    ),
    Mutant(
        "count.split_low_bucket",
        "count.py",
        "starts[((keys[i] - base) >> shift) + 1] += 1",
        "starts[((keys[i] - base) >> shift)] += 1",
    ),
    Mutant(
        "count.join_low_short",
        "count.py",
        "range(starts[j], starts[j + 1]):",
        "range(starts[j], starts[j + 1] - 1):",
    ),
    Mutant(
        "count.runs_first_key",
        "count.py",
        "if i == 0 or sorted_keys[i] != sorted_keys[i - 1]:",
        "if i == 1 or sorted_keys[i] != sorted_keys[i - 1]:",
    ),
    Mutant(
        "count.write_runs_col_mask", "count.py", "cols[p] = k & mask", "cols[p] = k & (mask >> 1)"
    ),
    Mutant(
        "count.write_runs_col_sums",
        "count.py",
        "col_sums[cols[q]] += counts[q]",
        "col_sums[cols[q]] += 1",
    ),
    Mutant("count.weighted_runs_assign", "count.py", "sums[p] += counts[i]", "sums[p] = counts[i]"),
    Mutant("count.merge_keeps_duplicate", "count.py", "j += k1 == k2", "j += 0"),
    Mutant("count.merge_tie_order", "count.py", "if k1 <= k2:", "if k1 < k2:"),
    Mutant("count.dense_rows", "count.py", "rows[p] = r\n", "rows[p] = c\n"),
    Mutant(
        "count.sum_by_index_assign",
        "count.py",
        "out[index[p]] += counts[p]",
        "out[index[p]] = counts[p]",
    ),
    Mutant(
        "count.renumber_last",
        "count.py",
        "for p in range(index.size):\n        index[p] = remap",
        "for p in range(index.size - 1):\n        index[p] = remap",
    ),
    Mutant(
        "count.within_copy_column",
        "count.py",
        "t[c1 + v1 * width + np.uint64(b[i + 1])] += 1",
        "t[c1 + v1 * width + np.uint64(b[i])] += 1",
    ),
    Mutant(
        "count.within_sum_copies",
        "count.py",
        "out[j] += t[j] + t[cells + j] + t[2 * cells + j] + t[3 * cells + j]",
        "out[j] += t[j] + t[cells + j] + t[2 * cells + j]",
    ),
    Mutant("count.within_flag_ignored", "count.py", "v3 = span if f3 else v3", "v3 = v3"),
    Mutant(
        "count.within_tail_bound",
        "count.py",
        "elif v >= span:\n            return k",
        "elif v > span:\n            return k",
    ),
    Mutant(
        "count.within_weight_index",
        "count.py",
        "+= weights[i + 2]",
        "+= weights[i + 1]",
    ),
    Mutant(
        "count.small_col_codes",
        "count.py",
        "new_cols = np.cumsum(col_sums != 0) - 1",
        "new_cols = np.cumsum(col_sums != 0)",
    ),
    Mutant(
        "count.small_range_wraps",
        "count.py",
        "np.uint64(hi_b) - np.uint64(lo_b) >= limit",
        "hi_b - lo_b >= max_cells",
    ),
    # encode.py: value ranges, hash tables, text rows, encoding by sorting
    Mutant("encode.max_from_min", "encode.py", "hi = max(hi, v)", "hi = max(lo, v)"),
    Mutant("encode.first_seen_code", "encode.py", "first_seen[i] = c", "first_seen[i] = k"),
    Mutant(
        "encode.grow_loses_last",
        "encode.py",
        "grown[:k] = distinct[:k]\n        distinct = grown\n        keys",
        "grown[: k - 1] = distinct[: k - 1]\n        distinct = grown\n        keys",
    ),
    Mutant("encode.relabel_ignored", "encode.py", "codes[j] = new_codes[c]", "codes[j] = c"),
    Mutant("encode.rank_ignored", "encode.py", "out[i] = rank[x[i]]", "out[i] = x[i]"),
    Mutant(
        "encode.offset_sign",
        "encode.py",
        "out[i] = np.int64(x[i]) - offset",
        "out[i] = np.int64(x[i]) + offset",
    ),
    Mutant(
        "encode.rows_last_word",
        "encode.py",
        "    for j in range(words.shape[1]):\n        if words[i, j] != words[r, j]:",
        "    for j in range(words.shape[1] - 1):\n        if words[i, j] != words[r, j]:",
    ),
    Mutant(
        "encode.pack_drops_position",
        "encode.py",
        "out[i] = (high << pos_bits) | i",
        "out[i] = high << pos_bits",
    ),
    Mutant(
        "encode.order_run_direction",
        "encode.py",
        "if x[packed[i] & mask] < x[packed[i - 1] & mask]:",
        "if x[packed[i] & mask] > x[packed[i - 1] & mask]:",
    ),
    Mutant(
        "encode.rank_first_value", "encode.py", "if i == 0 or v != previous:", "if v != previous:"
    ),
    # draws.py: the generator, alias tables and variates
    Mutant(
        "draws.binomial_flip_dropped",
        "draws.py",
        "    return n - k if flip else k",
        "    return k",
    ),
    Mutant(
        "draws.btrs_squeeze_or",
        "draws.py",
        "            if us >= 0.07 and v <= v_r:",
        "            if us >= 0.07 or v <= v_r:",
    ),
    Mutant(
        "draws.inversion_recurrence",
        "draws.py",
        "                prob *= a / k - s",
        "                prob *= a / k + s",
    ),
    Mutant(
        "draws.alias_kept_inverted",
        "draws.py",
        "np.int64(f < flat[e + np.uint64(THR)])",
        "np.int64(f >= flat[e + np.uint64(THR)])",
    ),
    Mutant(
        "draws.alias_other_unmapped",
        "draws.py",
        "        entries[j, OTHER] = keep[entries[j, OTHER]]",
        "        entries[j, OTHER] = entries[j, OTHER]",
    ),
    Mutant(
        "draws.right_tail_skips_one",
        "draws.py",
        "    x = last\n",
        "    x = last + 1\n",
    ),
    Mutant(
        "draws.hypergeometric_flip",
        "draws.py",
        "        x = good - x",
        "        x = bad - x",
    ),
    # resample.py: bootstrap draws, fixed-margin tables, the replicates' sums
    Mutant(
        "resample.multinomial_total_kept",
        "resample.py",
        "        left_total -= c\n",
        "        left_total -= 0\n",
    ),
    Mutant(
        "resample.fixup_skipped",
        "resample.py",
        "    for _ in range(n - s):",
        "    for _ in range(0):",
    ),
    Mutant(
        "resample.overshoot_kept",
        "resample.py",
        "    while s > n:",
        "    while s > n + 1:",
    ),
    Mutant(
        "resample.taken_without_its_test",
        "resample.py",
        "        if to_uniform(r) * ratio * counts[i] < x[i]:",
        "        if x[i] > 0:",
    ),
    Mutant(
        "resample.ratio_of_the_last_run",
        "resample.py",
        "            ratio = max(ratio, top / counts[runs[d]])",
        "            ratio = top / counts[runs[d]]",
    ),
    Mutant(
        "resample.run_short",
        "resample.py",
        "            r, s0, s1, s2, s3 = step(s0, s1, s2, s3)\n            v = pick(",
        "            if i == runs[d + 1] - 1:\n                break\n"
        "            r, s0, s1, s2, s3 = step(s0, s1, s2, s3)\n            v = pick(",
    ),
    Mutant(
        "resample.poisson_wrong_table",
        "resample.py",
        "        first = offset[d]\n",
        "        first = offset[0]\n",
    ),
    Mutant(
        "resample.added_unit_from_the_run_draw",
        "resample.py",
        "    r, s0, s1, s2, s3 = step(s0, s1, s2, s3)\n    first = runs[d]",
        "    first = runs[d]",
    ),
    Mutant(
        "resample.added_never_last_of_run",
        "resample.py",
        "return min(first + int(to_uniform(r) * (runs[d + 1] - first))",
        "return min(first + int(to_uniform(r) * (runs[d + 1] - first - 1))",
    ),
    Mutant(
        "resample.singleton_rows_one",
        "resample.py",
        "            k_rows += v\n            sq_rows += v",
        "            k_rows += 1\n            sq_rows += v",
    ),
    Mutant(
        "resample.plain_empty_cells_counted",
        "resample.py",
        "        at = cell_rc[c]\n        cells += int(v > 0)",
        "        at = cell_rc[c]\n        cells += 1",
    ),
    Mutant(
        "resample.plain_rows_counted_once",
        "resample.py",
        "        row_x[np.uint64(at >> 32)] += v",
        "        row_x[np.uint64(at >> 32)] += 1",
    ),
    Mutant(
        "resample.past_the_table_left_as_its_last",
        "resample.py",
        "                s_cells += v * math.log(v) - xlx_table[last]",
        "                s_cells += 0.0",
    ),
    Mutant(
        "resample.beyond_the_table_left_at_minus_one",
        "resample.py",
        "    if signs < 0:",
        "    if signs < -1:",
    ),
    Mutant(
        "resample.empty_cells_counted",
        "resample.py",
        "            cells += int(v > 0)",
        "            cells += 1",
    ),
    Mutant(
        "resample.jackknife_square",
        "resample.py",
        "    i[sq_at] -= 2 * a - 1",
        "    i[sq_at] -= 2 * a + 1",
    ),
    Mutant(
        "resample.margins_rest_kept",
        "resample.py",
        "            rest -= good\n",
        "            rest -= 0\n",
    ),
    Mutant(
        "resample.seed_once",
        "resample.py",
        "    seed_state(seed, state)\n    if len(plan[0]) == 0:",
        "    if len(plan[0]) == 0:",
    ),
]


# every operator of the kernels and what it becomes: mutmut's operator swaps, for kernels
SWAPS = {
    "+": "-", "-": "+", "*": "/", "/": "*", "//": "/", "%": "//", "**": "*",
    "<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "==",
    "+=": "-=", "-=": "+=", "*=": "/=", "/=": "*=", "//=": "/=",
    "<<": ">>", ">>": "<<", "&": "|", "|": "&", "^": "&",
    "and": "or", "or": "and", "not": "", "True": "False", "False": "True",
    "break": "continue", "continue": "break", "max": "min", "min": "max",
}  # fmt: skip


def kernel_lines(source: str) -> list[int]:
    """Return the numbers of the lines of every ``@jit`` / ``@jit_inline`` function's body."""
    lines: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef):
            continue
        called = (x.func if isinstance(x, ast.Call) else x for x in node.decorator_list)
        names = {d.id if isinstance(d, ast.Name) else getattr(d, "attr", "") for d in called}
        if not names & {"jit", "jit_inline"}:
            continue
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring
        if body:
            lines.extend(range(body[0].lineno, (body[-1].end_lineno or body[-1].lineno) + 1))
    return lines


def line_tokens(line: str) -> list[tokenize.TokenInfo]:
    """The tokens of one line of code (a line inside brackets tokenizes up to its end)."""
    found: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(line.lstrip()).readline):
            found.append(tok)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return found


def changed_number(text: str) -> str | None:
    """A number one step away: an int plus one, a float plus one (0.5 -> 1.5; twice it past
    2**53, where adding one changes nothing)."""
    try:
        value = int(text, 0)
    except ValueError:
        try:
            value_f = float(text)
        except ValueError:
            return None
        return repr(value_f + 1.0 if value_f + 1.0 != value_f else 2.0 * value_f)
    return str(value + 1)


def operator_mutants(file: str) -> list[Mutant]:
    """Every operator, comparison, keyword and number of every kernel of ``file``, one at a time.

    Each mutant changes one token of one line; the text replaced is that line, with the lines
    before it added until it occurs once in the file.
    """
    source = (ROOT / KERNELS / file).read_text()
    lines = source.splitlines(keepends=True)
    out: list[Mutant] = []
    for lineno in kernel_lines(source):
        line = lines[lineno - 1]
        indent = len(line) - len(line.lstrip())
        for tok in line_tokens(line):
            text = tok.string
            if tok.type == tokenize.NUMBER:
                new = changed_number(text)
            elif tok.type in (tokenize.OP, tokenize.NAME) and text in SWAPS:
                new = SWAPS[text]
            else:
                continue
            if new is None:
                continue
            col = indent + tok.start[1]
            mutated = line[:col] + new + line[indent + tok.end[1] :]
            if text == "not":  # "not x" -> "x"
                mutated = line[:col] + line[indent + tok.end[1] :].lstrip()
            start = lineno - 1
            while source.count("".join(lines[start:lineno])) != 1 and start > 0:
                start -= 1
            old = "".join(lines[start:lineno])
            name = f"{file[:-3]}.L{lineno}c{col}.{text}->{new or 'dropped'}"
            out.append(Mutant(name, file, old, "".join(lines[start : lineno - 1]) + mutated))
    return out


def copy_tree(dest: Path) -> None:
    """Copy the tracked files the tests need (package, tests, this script...) to ``dest``."""
    listed = subprocess.run(
        [
            "git",
            "ls-files",
            "nmi",
            "tests",
            "pyproject.toml",
            "README.md",
            "docs",
            "examples",
            "benchmarks/mutate_kernels.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for rel in listed:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)


def files_to_run(kernel_file: str | None, killer: str | None = None) -> list[str]:
    first = FIRST_FILES.get(kernel_file or "", [])
    files = first + [f for f in TEST_FILES if f not in first]
    # the test that killed the mutant last time, if it is still one of these files' tests
    return [killer, *files] if killer and killer.partition("::")[0] in files else files


def run_tests(
    work: Path, cache: Path, kernel_file: str | None = None, killer: str | None = None
) -> tuple[str, float, str]:
    """Run the fast tests in ``work`` with numba's cache in ``cache``: (outcome, seconds, test)."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), PYTHONPATH=str(work))
    env.pop("MUTANT_UNDER_TEST", None)
    start = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", *PYTEST_ARGS, *files_to_run(kernel_file, killer)],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIME_LIMIT,
        )
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - start, ""
    seconds = time.perf_counter() - start
    if result.returncode == 0:
        return "survived", seconds, ""
    failed = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("FAILED")]
    if result.returncode < 0:
        return "killed", seconds, f"the test process crashed (signal {-result.returncode})"
    return "killed", seconds, failed[0] if failed else ""


def forget_compiled(cache: Path, names: list[str]) -> None:
    """Remove cached machine code from a numba cache folder: of every kernel of a file
    (``"info.py"``) or of one kernel (``"count.small_information"``)."""
    stems = tuple(f"{Path(n).stem}." if n.endswith(".py") else f"{n}-" for n in names)
    for path in cache.rglob("*"):
        if path.is_file() and path.name.startswith(stems):
            path.unlink()


def seed_cache(work: Path, cache: Path) -> bool:
    """Fill ``cache`` with the compiled kernels of mutmut's copy, for the sources in ``work``.

    Returns False (and fills nothing) when there is no such copy or its kernels' sources
    differ from ``work``'s.
    """
    from numba.core.caching import UserProvidedCacheLocator

    compiled = SEED / "__pycache__"
    sources = sorted((work / KERNELS).glob("*.py"))
    if not compiled.is_dir() or any(
        not (SEED / f.name).is_file() or (SEED / f.name).read_bytes() != f.read_bytes()
        for f in sources
    ):
        return False
    folder = cache / UserProvidedCacheLocator.get_suitable_cache_subpath(str(sources[0]))
    folder.mkdir(parents=True, exist_ok=True)
    for path in compiled.iterdir():
        if path.suffix in (".nbi", ".nbc"):
            shutil.copy2(path, folder / path.name)
    return True


def try_mutant(
    mutant: Mutant, work: Path, base_cache: Path, killer: str | None = None
) -> dict[str, object]:
    source = work / KERNELS / mutant.file
    original = source.read_text()
    stat = source.stat()
    if original.count(mutant.old) != 1:
        raise SystemExit(f"{mutant.name}: the text to replace is not found exactly once")
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work.parent))
    try:
        shutil.copytree(base_cache, cache, dirs_exist_ok=True)
        forget_compiled(cache, [mutant.file, *CALLERS[mutant.file]])
        source.write_text(original.replace(mutant.old, mutant.new))
        outcome, seconds, test = run_tests(work, cache, mutant.file, killer)
    finally:
        source.write_text(original)
        os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        shutil.rmtree(cache, ignore_errors=True)
    return {"name": mutant.name, "outcome": outcome, "seconds": round(seconds, 1), "test": test}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="mutants tried at once")
    parser.add_argument("--only", nargs="*", help="names of the mutants to try")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--json", type=Path, help="also write the results there")
    parser.add_argument(
        "--systematic",
        action="store_true",
        help="every operator, comparison, keyword and number of every kernel (not the list)",
    )
    parser.add_argument("--files", nargs="*", help="with --systematic: these kernel files only")
    parser.add_argument("--sample", type=int, help="try this many, drawn at random (seeded)")
    args = parser.parse_args()
    if args.systematic:
        files = args.files or sorted(CALLERS)
        pool_ = [m for f in files for m in operator_mutants(f)]
    else:
        pool_ = MUTANTS
    mutants = [x for x in pool_ if not args.only or x.name in args.only]
    if args.sample is not None and args.sample < len(mutants):
        import random

        mutants = sorted(random.Random(2026).sample(mutants, args.sample), key=lambda m: m.name)
    if args.list:
        for x in mutants:
            print(f"{x.name:34} {x.file}: {x.old.strip()!r} -> {x.new.strip()!r}")
        return
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="nmi-kernel-mutants-"))
    jobs = max(1, min(args.jobs, len(mutants)))
    workers = [scratch / f"w{i}" for i in range(jobs)]
    caches = [scratch / f"base-cache-{i}" for i in range(jobs)]
    for work in workers:
        copy_tree(work)
    if all(seed_cache(work, cache) for work, cache in zip(workers, caches, strict=True)):
        # mutmut's clean run passed these tests with these kernels: a check once is enough
        clean = [run_tests(workers[0], caches[0])]
        where = f"kernels compiled by mutmut's clean run, {SEED.relative_to(ROOT)}"
    else:
        # the unmutated package must pass; this also fills each worker's cache with its kernels
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            clean = list(pool.map(run_tests, workers, caches))
        where = "kernels compiled by the clean run"
    for outcome, _, test in clean:
        if outcome != "survived":
            raise SystemExit(f"the unmutated package fails its tests ({outcome} {test})")
    print(
        f"{len(mutants)} kernel mutants, {jobs} at a time; clean run {clean[0][1]:.0f} s ({where})"
    )
    free = list(range(jobs))
    results: list[dict[str, object]] = []
    kills: dict[str, str] = json.loads(KILLS.read_text()) if KILLS.is_file() else {}

    def job(mutant: Mutant) -> dict[str, object]:
        slot = free.pop()
        try:
            return try_mutant(mutant, workers[slot], caches[slot], kills.get(mutant.name))
        finally:
            free.append(slot)

    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for result in pool.map(job, mutants):
            results.append(result)
            if result["outcome"] == "killed" and "::" in str(result["test"]):
                kills[str(result["name"])] = str(result["test"])
            else:
                kills.pop(str(result["name"]), None)
            KILLS.write_text(json.dumps(dict(sorted(kills.items())), indent=1) + "\n")
            if args.json:  # after each mutant, so that a stopped run keeps what it found
                args.json.write_text(json.dumps(results, indent=1))
            print(
                f"  {result['outcome']:8} {result['name']:34} {result['seconds']:6.1f} s  "
                f"{result['test']}",
                flush=True,
            )
    shutil.rmtree(scratch, ignore_errors=True)
    caught = sum(r["outcome"] in ("killed", "timeout") for r in results)
    print(
        f"kernel mutants: {len(results)}, killed or timed out: {caught} "
        f"({100 * caught / len(results):.1f}%), survived: {len(results) - caught}; "
        f"{time.perf_counter() - started:.0f} s in all"
    )


if __name__ == "__main__":
    main()
