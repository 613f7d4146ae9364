"""Report of a mutation run: kill rates per module, and every mutant that survived.

Reads mutmut's results (``mutants/``, from ``mutmut run``) and, when given, the results of
``benchmarks/mutate_kernels.py --json``. Each surviving mutant is listed with the edit it made
and, for an equivalent mutant (one that no test can kill, because the program behaves the
same), the reason, from ``EQUIVALENT`` below. A survivor without a reason is a gap in the tests.

Run: python benchmarks/mutation_report.py [--kernels mutants/kernels.json]
"""

from __future__ import annotations

import argparse
import ast
import collections
import difflib
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# "caught by type check": mypy --strict, run by the test suite (tests/test_types.py), rejects
# the mutant, so mutmut runs no test against it
CAUGHT = ("killed", "timeout", "segfault", "suspicious", "caught by type check")

# Mutants no test can kill: the program gives the same results and raises the same errors
# with them. Keyed by mutmut's name (stable while the function's text is unchanged).
_ZIP = "zip(..., strict=True) over two 3-tuples: the lengths always match"
_SLACK = "the bounds carry a slack of 1e-9: a value exactly on the slackened bound cannot arise"
_PACK = (
    "sets how many low bits of the values the packing drops, which changes the speed only: "
    "values that tie or leave their order are put in order by value afterwards"
)
_INT32 = "int32 codes up to 2**31 - 1 samples: the other side of the bound needs 2**31 samples"
_SMALL = (
    "both ways of reading the column logarithms give the same bits; this only picks which "
    "is taken (the tests compare them)"
)
_IMPORT = (
    "runs once, at import, before mutmut switches a mutant on (tests/test_docs.py checks the "
    "rendered docstrings)"
)
_FALSY = "None is as false as False: the flag is only ever read by `if not`"
_WARN = "warnings.warn with no category, or None, warns a UserWarning, the category given"
_TRAMPOLINE = (
    "stacklevel=3 names the test's own line under mutmut, whose trampoline adds a frame; "
    "outside mutmut the test checks the warning points at the caller"
)
_REORDER = "putting labels that are already in order in order again changes nothing"
_DISTINCT_SORT = "the labels sorted are distinct: every sort gives the one order"
_RANKS = "the ranks are written into an int32 array: the dtype of the range does not matter"
_EMPTY = "an empty array of counts: only its size is read"
_ZIP4 = "zip(..., strict=True) of the four record names and four arrays: lengths always match"
_BITS = "the records' label bits are int64 already (check_records refuses other dtypes)"
_OVERFLOW = "sends more tables to the exact sum, which then decides as before (a shortcut only)"
_ENC_GIVEN = "its one caller always passes the encoder it built"
_CODES = "the codes are whole numbers below 2**53, cast to an integer dtype right after"
_WIDER = "a wider dtype for the codes than needed: the same codes, more bytes"
_HUGE = "differs only for more than 2**32 distinct labels"
_ARANGE = "np.arange of int64 bounds is int64 without being asked"
_ORDERED = (
    "codes 0..k-1 are in label order, so the flag only spares a sort of labels already sorted"
)
_TUNING = (
    "the tuning only picks among ways of counting that give the same table; leaving it out "
    "takes the defaults"
)
_CONTAINS = "'XXiuXX' still holds every dtype kind letter the test looks for"
_ZIP8 = "zip(..., strict=True) of the eight field names and an array checked to hold eight"
_FLOAT_TOTALS = (
    "every caller passes float64 totals (NoiseTotals.to_array's output, or its sum over sources)"
)
_VIEW_NONE = "ndarray.view(None) reinterprets the bits as float64, NumPy's default: the same view"
_ONE_GROUP = (
    "with one group of records, selecting its records by label code selects them all, as "
    "slice(None) does"
)
_PARALLEL = "parallel only cuts the work into chunks counted on threads; the table is the same"
_PATH = "sends the labels to another way of counting (the general one); the table is the same"
_EMPTY_TARGET = (
    "a target without samples is marked empty, and every caller then counts the rows alone "
    "without reading its codes, encoder, offset or labels"
)
_REENCODE = "builds the target's encoder again instead of reusing it: the same codes"
_COMPACT = (
    "compact codes 0..k-1 always take the offset form, which never calls the decoder or "
    "reads the block size"
)
_HUGE_LABELS = "rows x columns beyond int64 needs over 3e9 labels on a side"
_REPEATS = (
    "only the order in which repeated cells of integer counts are added changes; with "
    "weights, at most the last bit of a sum of repeats, which no contract fixes"
)
_ENC_DATA = "finishing a table reads an offset-form encoder's offset and size, never its data"
_CONVERTED = "the singletons are converted to the table's dtype on the next line"
_STEP_ASIDE = (
    "only changes which inputs take the one-call path for small integers; the others take "
    "the general path, which gives the same bits (tests/test_functional.py compares them)"
)
_ONE_CLUSTER = (
    "with a single cluster on a side every term of the kernel's sum is exactly 0, "
    "(log x + log n) - (log n + log x)"
)
_STRIDE = "a wider stride for the column in the pair keys keeps the (row, col) order"
_SORT_PATH = (
    "only picks between NumPy's sort and the sort by buckets of high bits, which give the "
    "same sorted keys"
)
_SIDE_GIVEN = "its one caller always names the side"
_DEDUP = "the sorted labels are deduplicated next: equal labels tie whatever the sort"
_BUFFERS = "sizes or dtypes of scratch buffers that are grown or rewritten before they are read"
_UNREAD = "the map's entries for absent labels are never read: their fill value is free"
_SINGLETON_FLAG = (
    "marks singletons where a policy drops or keeps the noise: the singleton table then built "
    "reads each side's policy again and is empty, so adding it changes nothing"
)
_LABEL_ORDER = (
    "leaves the labels of the intermediate singleton table out of order; adding it to the "
    "counted table places each label by searching the merged, sorted labels: the same sum"
)
_FLOAT_KEYS = (
    "float64 pair keys hold every key exactly below 2**53, which needs over 2**26 labels on "
    "each side: more than a test can count"
)
_ONE_REGION = (
    "the first region then spans every key and the others none: one thread sorts and counts "
    "them all, into the same table"
)
_SCRATCH_SHIFT = (
    "each region's scratch starts one key later, still holds the region's keys as int32 "
    "(half their bytes) and meets no other region's"
)
_SLICE_END = "the slice's end only bounds a view: the kernel writes as many cells as it counted"
_FRESH_INDEX = (
    "the one caller that leaves in_place unset passes index arrays fresh from divmod: "
    "renumbering them in place changes nothing that is read again"
)
_TOTALS_TYPE = (
    "only sets whether weight_both is an int or a float, in totals that are compared with "
    "zero and passed on as float64; with_singletons takes the type from the table"
)
_ZERO_CODES = (
    "a target without regular samples, not marked empty, is counted against zero codes: "
    "the one-pass count then gives what counting the rows alone gives"
)
_NO_SIDE = (
    "one side without clusters and the other with some cannot be: both count the same "
    "samples; the empty table scores 1.0 further on too"
)
_SHARED = "target codes built to be shared by several rows count one row the same"
_INDEPENDENT_ZERO = (
    "the kernel's mutual information of a table it finds independent is 0.0 already, and "
    "exactly 0 with a single cluster on a side"
)
_NO_SAMPLES = (
    "the formulas give 1.0 for an empty table and for a single sample alike: a side "
    "without entropy is fully homogeneous and complete"
)
_DENSE_OR_SPARSE = (
    "only picks dense or sparse counting, which give the same table (tests/test_contingency.py "
    "compares every path)"
)
_TOTAL_ORDER = (
    "the weights' total added up from the row sums instead of the cells: the same sum, at "
    "most its last bit apart, which no contract fixes"
)
_IN_PLACE = (
    "renumbers into a fresh index instead of the counted one in place: the same codes, one "
    "more array while it runs"
)
_DISTINCT = "the labels are distinct: no two compare equal, so > and >= agree"
_FALSY_OR = "None is as false as False: the flag is only ever read by `if` and `or`"
_UNREAD_TABLE = "the dense table is read only when the count is dense: its size otherwise is free"
_ENC_FORM = (
    "only picks the encoder's form (values less an offset, first-seen ranks, hash table, "
    "sorting), which give the same codes (tests/test_contingency.py compares the forms)"
)
_ENC_BITS = "the kernels read the hash table's bits only with a hash table; this form has none"
_ENC_OFFSET = "the kernels read the offset only in the offset form; this form has ranks"
_SPAN = (
    "one more code past the largest value: no sample has it, so it is dropped with the "
    "other absent values (or the range tips to another form of encoder)"
)
_KERNEL_DTYPE = (
    "the kernel reads any integer dtype: converting to int64 only spares compiling a "
    "specialization per dtype"
)
_REASON = (
    "the reason is only compared with the other reasons' names: any other string words the "
    "message for fractional weights"
)
_SQUARES = "both ways of summing the squares are exact at this size: the bound picks the faster"
_FIELDS_FLOAT = "the fields hold the float sums wlogw_*: NumPy makes the array float64 unasked"
_NEGATIVE_DENOMINATOR = (
    "mean(H) - E[MI] is below zero only by rounding where E[MI] meets min(H): when a side is "
    "all singletons, which is taken exactly above (none of 20,000 random tables of 3 to 11 "
    "samples reaches it)"
)
_UNREAD_MESSAGE = "the refusal's message is never read here: only whether whole_counts raises"
_WINDOW = (
    "only which log-factorials come from the compensated window and which from lgamma: "
    "the same expected MI but for rounding, bits no contract fixes"
)
_PERFECT_COVERS = (
    "an empty table and one cluster a side are perfect matches (one cell per row and "
    "column): nmi_of returns 1.0 on the next line"
)
_FLOAT64_LABELS = "a table's float labels are float64: every float label is read as float64"
_ONE_LENGTH = "a part's preds and target records have one length"
_SINGLE = (
    "an int64 array of n, or a longer run of multiplicities: the kernel adds floats to the "
    "value (exact below 2**53, which whole_counts ensures) and reads one multiplicity per value"
)
EQUIVALENT: dict[str, str] = {
    **{f"nmi._reduced.x__single__mutmut_{i}": _SINGLE for i in (2, 4, 6, 8, 9)},
    **{f"nmi._noise.xǁNoiseTotalsǁto_array__mutmut_{i}": _FIELDS_FLOAT for i in (2, 4)},
    **{f"nmi._scores.x_adjusted_mutual_info__mutmut_{i}": _NEGATIVE_DENOMINATOR for i in (40, 46)},
    "nmi._scores.x_all_scores__mutmut_15": _UNREAD_MESSAGE,
    "nmi._scores.x_all_scores__mutmut_18": _FALSY_OR,
    "nmi._scores.x_all_scores__mutmut_28": _NO_SAMPLES,
    **{f"nmi._scores.x_expected_mutual_info_of_sums__mutmut_{i}": _ONE_CLUSTER for i in (1, 3, 6)},
    **{
        f"nmi._scores.x_expected_mutual_info_of_sums__mutmut_{i}": _WINDOW
        for i in (33, 35, 37, 38, 43)
    },
    "nmi._scores.x_expected_mutual_info_of_sums__mutmut_49": _PARALLEL,
    **{
        f"nmi._scores.x_expected_mutual_info_of_sums__mutmut_{i}": (
            "astype(None) converts to float64"
        )
        for i in (57, 58)
    },
    **{f"nmi._scores.x_nmi_of__mutmut_{i}": _PERFECT_COVERS for i in (1, 5, 7)},
    **{f"nmi._scores.x_settle__mutmut_{i}": _INDEPENDENT_ZERO for i in (1, 2)},
    **{f"nmi._state.x_labels_to_bits__mutmut_{i}": _FLOAT64_LABELS for i in (11, 13)},
    "nmi._state.x_labels_to_bits__mutmut_17": _CONTAINS,
    "nmi._state.x_table_to_records__mutmut_50": _ONE_LENGTH,
    **{f"nmi._counting.x__finish_side__mutmut_{i}": _ARANGE for i in (5, 8)},
    **{f"nmi._counting.x__finish_side__mutmut_{i}": _IN_PLACE for i in (16, 17)},
    **{f"nmi._counting.x__sort_labels__mutmut_{i}": _REORDER for i in (1, 4, 5, 10)},
    **{f"nmi._counting.x__sort_labels__mutmut_{i}": _DISTINCT_SORT for i in (13, 15)},
    "nmi._counting.x__sort_labels__mutmut_7": _DISTINCT,
    "nmi._counting.x_count_dense__mutmut_13": _TUNING,
    **{f"nmi._counting.x_count_dense__mutmut_{i}": _PATH for i in (5, 15, 16)},
    **{f"nmi._counting.x_count_sparse__mutmut_{i}": _FLOAT_KEYS for i in (8, 45, 47, 49, 51)},
    **{f"nmi._counting.x_count_weighted__mutmut_{i}": _UNREAD_TABLE for i in (23, 25)},
    **{f"nmi._counting.x_from_encoders__mutmut_{i}": _PARALLEL for i in (15, 24)},
    "nmi._counting.x_from_table__mutmut_24": _FALSY_OR,
    "nmi._counting.x_from_table__mutmut_25": _REORDER,
    "nmi._encoding.xǁEncoderǁ__init____mutmut_9": _SPAN,
    "nmi._encoding.xǁEncoderǁ__init____mutmut_11": _ENC_BITS,
    **{
        f"nmi._encoding.xǁEncoderǁ__init____mutmut_{i}": _ENC_FORM
        for i in (12, 17, 26, 27, 28, 31, 34, 38, 39, 44, 45, 46, 47, 57, 58)
    },
    **{f"nmi._encoding.xǁEncoderǁ__init____mutmut_{i}": _DISTINCT_SORT for i in (73, 75)},
    "nmi._encoding.xǁEncoderǁ__init____mutmut_83": _ENC_OFFSET,
    **{f"nmi._scores.x_information__mutmut_{i}": _PARALLEL for i in (11, 29, 30)},
    "nmi._scores.x_information__mutmut_41": _FALSY_OR,
    **{f"nmi._scores.x_small_information__mutmut_{i}": _KERNEL_DTYPE for i in (36, 37)},
    **{f"nmi._scores.x_whole_counts__mutmut_{i}": _REASON for i in (18, 19)},
    **{f"nmi._scores.x_adjusted_rand__mutmut_{i}": _SQUARES for i in (8, 9)},
    **{
        f"nmi._counting.x_dense_fits__mutmut_{i}": _DENSE_OR_SPARSE
        for i in (3, 14, 15, 16, 17, 18, 20, 21, 22, 23, 24, 25)
    },
    **{f"nmi._counting.x_count_plain__mutmut_{i}": _PARALLEL for i in (1, 25, 26, 27, 28, 29)},
    **{f"nmi._counting.x_count_plain__mutmut_{i}": _TUNING for i in (43, 44, 52, 53)},
    "nmi._counting.x_count_plain__mutmut_77": _TOTAL_ORDER,
    **{f"nmi._counting.x_count_pairs__mutmut_{i}": _TUNING for i in (12, 16, 23, 35, 47)},
    **{f"nmi._counting.x_count_pairs__mutmut_{i}": _PARALLEL for i in (36, 37)},
    "nmi._counting.x_count_pairs__mutmut_24": _SHARED,
    "nmi._counting.x_count_dense__mutmut_1": _PARALLEL,
    "nmi._counting.x_dense_fits__mutmut_19": _PATH,
    **{f"nmi._counting.x_count_against__mutmut_{i}": _SINGLETON_FLAG for i in (18, 23)},
    **{f"nmi._counting.x_count_against__mutmut_{i}": _PATH for i in (29, 32)},
    **{f"nmi._counting.x_count_against__mutmut_{i}": _TUNING for i in (44, 58, 59)},
    **{f"nmi._counting.x_count_against__mutmut_{i}": _PARALLEL for i in (1, 13, 83)},
    **{f"nmi._counting.x_count_alone__mutmut_{i}": _PARALLEL for i in (1, 14)},
    "nmi._counting.x_count_alone__mutmut_24": _TUNING,
    "nmi.functional.x_nmi_update__mutmut_51": _TUNING,
    **{f"nmi._counting.x_guess_and_count__mutmut_{i}": _PATH for i in (8, 9, 71, 87)},
    **{f"nmi._counting.x_one_pass_pays__mutmut_{i}": _PATH for i in (1, 2, 3, 4)},
    **{f"nmi._counting.x__singletons_of_cells__mutmut_{i}": _LABEL_ORDER for i in (46, 47, 55)},
    "nmi._counting.x_count_block__mutmut_78": _ONE_REGION,
    "nmi._counting.x_count_block__mutmut_93": _SCRATCH_SHIFT,
    "nmi._counting.x_count_block__mutmut_128": _SLICE_END,
    "nmi._cells.x_keep_present__mutmut_1": _FRESH_INDEX,
    **{f"nmi._state.x_table_from_records__mutmut_{i}": _TOTALS_TYPE for i in (12, 17)},
    **{f"nmi._state.x_table_from_records__mutmut_{i}": _ONE_GROUP for i in (32, 34)},
    **{f"nmi._counting.xǁTargetCodesǁof__mutmut_{i}": _ZERO_CODES for i in (36, 39)},
    **{
        f"nmi.contingency.xǁContingencyǁto_scipy__mutmut_{i}": (
            "every row and column of a table without noise singletons holds a cell, so "
            "scipy infers the same shape (tables with singletons are refused before)"
        )
        for i in (2, 4)
    },
    **{f"nmi.contingency.x_with_singletons__mutmut_{i}": _ZIP for i in (41, 42)},
    **{f"nmi._state.x_table_from_state__mutmut_{i}": _ZIP for i in (115, 116)},
    **{f"nmi._noise.xǁNoiseTotalsǁcheck__mutmut_{i}": _SLACK for i in (50, 51)},
    **{f"nmi._encoding.xǁEncoderǁ_by_sorting__mutmut_{i}": _INT32 for i in (4, 5)},
    **{f"nmi._encoding.xǁEncoderǁ_by_sorting__mutmut_{i}": _PACK for i in (21, 22, 29, 31, 32, 33)},
    **{f"nmi._encoding.xǁEncoderǁ_by_sorting__mutmut_{i}": _REORDER for i in (63, 64, 67)},
    "nmi._encoding.xǁEncoderǁ_by_sorting__mutmut_70": (
        "the decoded labels are distinct (-0.0 is read as 0.0), so > and >= agree"
    ),
    "nmi._encoding.xǁEncoderǁ_by_sorting__mutmut_71": (
        "values come in int64 order: negative floats backwards before the positive "
        "ones, uint64 values above 2**63 before the others; every later label then "
        "exceeds the first only when all are in order"
    ),
    **{f"nmi._encoding.xǁEncoderǁ_by_sorting__mutmut_{i}": _DISTINCT_SORT for i in (75, 77)},
    **{f"nmi._encoding.xǁEncoderǁ_by_sorting__mutmut_{i}": _RANKS for i in (87, 89)},
    "nmi._encoding.xǁEncoderǁ_by_sorting__mutmut_93": (
        "bits is read only with a hash table, which this form has none of"
    ),
    **{f"nmi._counting.x_count_one__mutmut_{i}": _EMPTY for i in (5, 7)},
    **{f"nmi._state.x_check_records__mutmut_{i}": _ZIP4 for i in (8, 9)},
    **{f"nmi._state.x_labels_from_bits__mutmut_{i}": _BITS for i in (3, 5)},
    "nmi._scores.x__parallel_mutual_info__mutmut_13": _SMALL,
    "nmi.contingency.x_as_weighted__mutmut_1": (
        "a weighted table converted to float64 again is an equal table"
    ),
    "nmi.contingency.x_as_weighted__mutmut_3": ("astype(None) converts to float64, as asked"),
    "nmi.functional.x_many_update__mutmut_3": (
        "without noise labels or missing='noise', the noisy reading of the labels is the plain one"
    ),
    "nmi._encoding.x_as_codes__mutmut_3": _ENC_GIVEN,
    **{f"nmi._encoding.x_as_codes__mutmut_{i}": _CODES for i in (11, 13)},
    **{f"nmi._encoding.x_as_codes__mutmut_{i}": _WIDER for i in (25, 27, 30)},
    **{f"nmi._encoding.x_as_codes__mutmut_{i}": _HUGE for i in (31, 32, 33)},
    **{f"nmi._encoding.x_as_codes__mutmut_{i}": _ARANGE for i in (40, 43)},
    "nmi._encoding.x_as_codes__mutmut_50": _ORDERED,
    **{f"nmi._counting.x_count_noisy__mutmut_{i}": _TUNING for i in (54, 86)},
    "nmi._cells.x__beyond_float__mutmut_2": _CONTAINS,
    "nmi.contingency.x_with_singletons__mutmut_56": _CONTAINS,
    **{f"nmi._counting.x__singletons_of_cells__mutmut_{i}": _ARANGE for i in (41, 44)},
    **{
        f"nmi._counting.x__singletons_of_cells__mutmut_{i}": _DISTINCT_SORT
        for i in (49, 51, 58, 60)
    },
    "nmi._encoding.xǁEncoderǁ_by_sorting__mutmut_68": (
        "np.all(None) is False: putting labels that are already "
        "in order in order again changes nothing"
    ),
    **{f"nmi._noise.xǁNoiseTotalsǁfrom_array__mutmut_{i}": _ZIP8 for i in (21, 22)},
    **{f"nmi._noise.xǁNoiseTotalsǁfrom_array__mutmut_{i}": _FLOAT_TOTALS for i in (4, 6)},
    "nmi._state.x__records_table__mutmut_15": ("astype(None) converts to float64, as asked"),
    "nmi._state.x_table_from_records__mutmut_28": (
        "no records: two empty groups add up to the one empty table"
    ),
    **{f"nmi._counting.x_guess_and_count__mutmut_{i}": _PARALLEL for i in (1, 84)},
    **{f"nmi._counting.xǁTargetCodesǁof__mutmut_{i}": _PATH for i in (10, 11, 53)},
    **{f"nmi._counting.xǁTargetCodesǁof__mutmut_{i}": _EMPTY_TARGET for i in (21, 22, 37, 38)},
    **{f"nmi._counting.xǁTargetCodesǁof__mutmut_{i}": _TUNING for i in (47, 48, 91, 92)},
    **{f"nmi._counting.xǁTargetCodesǁof__mutmut_{i}": _REENCODE for i in (58, 60)},
    **{f"nmi._counting.xǁTargetCodesǁof__mutmut_{i}": _WIDER for i in (70, 73)},
    "nmi._counting.xǁTargetCodesǁof__mutmut_83": _ORDERED,
    **{f"nmi._counting.xǁTargetCodesǁof__mutmut_{i}": _ARANGE for i in (97, 100)},
    "nmi.contingency.xǁContingencyǁ__init____mutmut_26": ("astype(None) converts to float64"),
    "nmi.contingency.xǁContingencyǁ__init____mutmut_27": (
        "counts are the last of the three arrays checked: break and continue both end the loop"
    ),
    "nmi.contingency.xǁContingencyǁ__init____mutmut_30": _CONTAINS,
    "nmi.contingency.xǁContingencyǁ__init____mutmut_67": (
        "a single label is always in order: checking it changes nothing"
    ),
    **{
        f"nmi.contingency.xǁContingencyǁ__init____mutmut_{i}": _HUGE_LABELS
        for i in (86, 88, 89, 90, 91)
    },
    "nmi.contingency.xǁContingencyǁ__init____mutmut_103": (
        "a wider stride for the column in the sort keys keeps the (row, col) order"
    ),
    **{f"nmi.contingency.xǁContingencyǁ__init____mutmut_{i}": _REPEATS for i in (109, 111)},
    "nmi._encoding.xǁEncoderǁoffset_form__mutmut_4": (
        "bits is read only with a hash table, which this form has none of"
    ),
    **{f"nmi._counting.x_singleton_table__mutmut_{i}": _CONVERTED for i in (11, 12)},
    "nmi._noise.x_singleton_information__mutmut_9": (
        "a label without singletons adds 0 * log(its sum), 0: taking it in changes nothing"
    ),
    **{
        f"nmi._noise.x_singleton_information__mutmut_{i}": ("astype(None) converts to float64")
        for i in (12, 17)
    },
    **{
        f"nmi._scores.x_small_information__mutmut_{i}": _STEP_ASIDE
        for i in (15, 17, 22, 26, 28, 49, 50, 51)
    },
    **{
        f"nmi._scores.x_small_information__mutmut_{i}": ("the int64 copy holds the same values")
        for i in (35, 38)
    },
    **{f"nmi._cells.x_sort_keys__mutmut_{i}": _SORT_PATH for i in (1, 3, 4, 5, 6, 21, 23, 25)},
    "nmi._cells.x_sort_keys__mutmut_34": ("one more, empty, bucket: nothing moves"),
    **{f"nmi._cells.x_union_labels__mutmut_{i}": _SIDE_GIVEN for i in (1, 2)},
    "nmi._cells.x_union_labels__mutmut_10": ("no dtype kind is 'X': the set of kinds is the same"),
    "nmi._cells.x_union_labels__mutmut_15": (
        "two label arrays have at most two kinds, never all four numeric ones"
    ),
    "nmi._cells.x_union_labels__mutmut_25": _CONTAINS,
    "nmi._cells.x_union_labels__mutmut_49": _DEDUP,
    "nmi._cells.x_union_labels__mutmut_52": ("deduplicating a single label changes nothing"),
    **{f"nmi._counting.x_count_block__mutmut_{i}": _ARANGE for i in (4, 6)},
    "nmi._counting.x_count_block__mutmut_7": (
        "thresholds of 0 send every key to the last region: one thread counts all, correctly"
    ),
    **{f"nmi._counting.x_count_block__mutmut_{i}": _INT32 for i in (114, 115, 116)},
    **{f"nmi._counting.x_count_sparse__mutmut_{i}": _PARALLEL for i in (1, 76)},
    "nmi._counting.x_count_sparse__mutmut_9": ("int64 keys where int32 would do: the same keys"),
    "nmi._counting.x_count_sparse__mutmut_12": _INT32,
    **{
        f"nmi._counting.x_count_sparse__mutmut_{i}": _BUFFERS
        for i in (16, 18, 19, 26, 28, 29, 31, 42)
    },
    "nmi._counting.x_count_weighted__mutmut_10": _PATH,
    **{
        f"nmi._counting.x_count_weighted__mutmut_{i}": ("astype(None)/zeros(None) is float64")
        for i in (19, 21)
    },
    **{f"nmi._counting.x_count_weighted__mutmut_{i}": _REPEATS for i in (73, 75)},
    **{f"nmi._counting.x_key_shift__mutmut_{i}": _STRIDE for i in (6, 8)},
    **{f"nmi._counting.x_key_shift__mutmut_{i}": _HUGE_LABELS for i in (9, 10, 11, 12, 13)},
    **{f"nmi.functional.x__plain_call__mutmut_{i}": _PATH for i in (8, 9, 10, 11, 12, 13, 14, 15)},
    "info.mi_of_independent": (
        "the mutual information of a table found independent is set "
        "to 0.0 by settle(), whatever the kernel summed"
    ),
    "encode.order_run_direction": (
        "a run of tied entries left in descending order still keeps equal values together; "
        "Encoder._by_sorting then finds the decoded labels out of order and sorts them, with "
        "the codes, right after"
    ),
    "info.independent_skip_cell": (
        "in a table with every cell present, the last cell is fixed by its row and "
        "column sums: when every other cell is the product of its marginals over n, "
        "so is the last"
    ),
    **{
        f"nmi._cells.x_keep_present__mutmut_{i}": (
            "an int64 map where int32 would do: the same codes"
        )
        for i in (5, 18)
    },
    "nmi._cells.x_keep_present__mutmut_7": _INT32,
    **{
        f"nmi._cells.x_keep_present__mutmut_{i}": ("np.full of -1 without a dtype is int64")
        for i in (12, 15)
    },
    **{f"nmi._cells.x_keep_present__mutmut_{i}": _UNREAD for i in (16, 17)},
    **{
        f"nmi._cells.x_merge_cells__mutmut_{i}": ("astype(None) converts to float64, as asked")
        for i in (11, 12)
    },
    **{f"nmi._cells.x_check_count_total__mutmut_{i}": _OVERFLOW for i in (5, 8, 11)},
    "nmi._scores.x__parallel_mutual_info__mutmut_19": (
        "the column logarithms are not read on the small-column "
        "path: their placeholder's size does not matter"
    ),
    **{
        f"nmi.functional.x_with_keywords_doc__mutmut_{i}": _IMPORT for i in (1, 2, 3, 4, 5, 6, 7, 8)
    },
    **{f"nmi.metric.xǁNormalizedMutualInfoScoreǁcompute__mutmut_{i}": _WARN for i in (3, 6)},
    "nmi.metric.xǁNormalizedMutualInfoScoreǁcompute__mutmut_10": _TRAMPOLINE,
}


def mutmut_results() -> dict[str, str]:
    out = subprocess.run(
        [str(Path(sys.executable).parent / "mutmut"), "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    results = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and name.startswith("nmi."):
            results[name] = status
    return results


def mutant_functions() -> dict[tuple[str, str], ast.FunctionDef]:
    """The functions of the mutated modules (originals and mutants), by (module, name)."""
    found = {}
    for path in (ROOT / "mutants" / "nmi").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                found[(f"nmi.{path.stem}", node.name)] = node
    return found


def edit_of(name: str, functions: dict[tuple[str, str], ast.FunctionDef]) -> str:
    """The lines a mutant changed, as ``- old`` / ``+ new``."""
    module, _, function = name.partition(".x")
    function = "x" + function
    original = functions.get((module, re.sub(r"__mutmut_\d+$", "__mutmut_orig", function)))
    mutant = functions.get((module, function))
    if original is None or mutant is None:
        return "(source not found)"
    old = ast.unparse(original).splitlines()
    new = ast.unparse(mutant).replace(mutant.name, original.name).splitlines()
    lines = [
        line.strip()
        for line in difflib.unified_diff(old, new, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    if len(lines) == 2 and max(map(len, lines)) > 140:
        # one long line changed: show both around the first character that differs
        pairs = zip(lines[0][1:], lines[1][1:], strict=False)
        first = next((i for i, (a, b) in enumerate(pairs) if a != b), 0) + 1
        start = max(1, first - 50)
        lines = [f"{x[0]} ...{x[start : start + 120]}..." for x in lines]
    return " | ".join(x if len(x) <= 140 else x[:137] + "..." for x in lines)


def short(name: str) -> str:
    return name.replace("xǁ", "").replace("ǁ", ".").replace(".x_", ".")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernels", type=Path, help="JSON written by mutate_kernels.py")
    args = parser.parse_args()
    results = mutmut_results()
    unchecked = [n for n, status in results.items() if status == "not checked"]
    if unchecked:
        print(f"{len(unchecked)} mutants not checked (the run was stopped): left out below\n")
    results = {n: status for n, status in results.items() if status != "not checked"}
    by_module: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for name, status in results.items():
        by_module[name.partition(".x")[0]][status] += 1
    kernels = json.loads(args.kernels.read_text()) if args.kernels else []
    for k in kernels:
        k["module"] = f"nmi._kernels.{k['name'].split('.')[0]}"
        by_module[k["module"]][k["outcome"]] += 1
    print(
        f"{'module':24} {'mutants':>8} {'killed':>7} {'typed':>6} {'timeout':>8} "
        f"{'survived':>9} {'equiv.':>7} {'rate':>7} {'w/o equiv.':>10}"
    )
    totals = collections.Counter[str]()
    survivors = [n for n, s in results.items() if s not in CAUGHT]
    left = [k for k in kernels if k["outcome"] not in CAUGHT]
    equivalents = collections.Counter(n.partition(".x")[0] for n in survivors if n in EQUIVALENT)
    equivalents.update(k["module"] for k in left if k["name"] in EQUIVALENT)

    def row(label: str, counts: collections.Counter[str]) -> str:
        n, caught, equivalent = counts["mutants"], counts["caught"], counts["equivalent"]
        return (
            f"{label:24} {n:8} {counts['killed']:7} {counts['typed']:6} {counts['timeout']:8} "
            f"{n - caught:9} {equivalent:7} {100 * caught / n:6.1f}% "
            f"{100 * caught / max(1, n - equivalent):9.1f}%"
        )

    for module in sorted(by_module):
        counts = by_module[module]
        line = collections.Counter[str](
            mutants=sum(counts.values()),
            caught=sum(counts[s] for s in CAUGHT),
            killed=counts["killed"] + counts["segfault"] + counts["suspicious"],
            typed=counts["caught by type check"],
            timeout=counts["timeout"],
            equivalent=equivalents[module],
        )
        totals.update(line)
        print(row(module, line))
    print(row("all", totals))
    print(
        "killed: a test failed (or the test process crashed); typed: mypy --strict rejects the "
        "mutant\n(tests/test_types.py); timeout: a test ran past its hang limit; w/o equiv.: the "
        "rate with the\nmutants named equivalent below left out"
    )
    functions = mutant_functions()
    print(f"\nsurvivors ({len(survivors)} of mutmut, by module and function):")
    for name in sorted(survivors):
        reason = EQUIVALENT.get(name)
        tag = f"equivalent: {reason}" if reason else results[name]
        print(f"  {short(name)}  [{tag}]\n      {edit_of(name, functions)}")
    print(f"\nkernel survivors ({len(left)} of {len(kernels)}):")
    for k in left:
        print(f"  {k['name']}  [{EQUIVALENT.get(k['name'], k['outcome'])}]")
    # mutmut numbers a function's mutants in the order of its text: once the function is
    # edited, a key may name another mutant. Keys that name a caught mutant, or none, say so.
    stale = sorted(
        n
        for n in EQUIVALENT
        if n.startswith("nmi.") and (results.get(n) in CAUGHT or (n not in results and results))
    )
    if stale and not unchecked:
        print(f"\nnamed equivalent, but caught or not generated ({len(stale)}; review the keys):")
        for name in stale:
            print(f"  {short(name)}  [{results.get(name, 'not generated')}]")


if __name__ == "__main__":
    main()
