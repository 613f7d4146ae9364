"""Compiled code only: the numba kernels, by topic.

- :mod:`nmi._kernels.encode`: value ranges, hash encoders, label values to dense codes;
- :mod:`nmi._kernels.count`: pair counts (dense, in-range, pair keys, run lengths, merges);
- :mod:`nmi._kernels.info`: entropy, mutual information terms, expected mutual information.

Kernels know nothing of the public API. Every one assumes its inputs were validated by the
caller: 1-D, C-contiguous, native byte order, integer dtypes, and the contract stated in its
docstring. Breaking a contract is undefined behaviour; the test suite runs the kernels with
``NUMBA_BOUNDSCHECK=1`` to catch it.

Label values reach the kernels as integers. 64-bit unsigned, float and datetime labels are
passed as an ``int64`` view of their bits (the caller decodes them afterwards), so every
kernel does its arithmetic in ``int64``; smaller integer dtypes are read as they are, without
a converted copy. Counts are exact ``int64``; sums of logarithms are ``float64`` with
compensated (Neumaier) summation. Every kernel is compiled with the options of
:mod:`nmi._jit`.
"""
