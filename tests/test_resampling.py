"""Resampled tables: the kernels' draws have the right distributions, the sums the right scores."""

import itertools
import math

import numpy as np
import pytest
from scipy import stats

import nmi
from nmi._jit import load
from nmi._kernels import draws as kdraws
from nmi._kernels import resample as kres
from nmi._registry import NAMES, SCORES
from nmi._resampling import operations as res
from nmi._resampling import plans, units
from nmi._resampling import replicates as rep

load()

FAST = tuple(score.name for score in SCORES if score.fast)


# the Poisson path's deficits: its total mean well under n (samples added), or well over
# it (samples taken away), or as its cost model chooses
DEFICITS = {"added": 2.5, "taken": -2.0, "poisson": None}


def draws(x, seeds, path):
    """Unit counts of one replicate per seed, by binomials or by the Poisson path."""
    x = np.asarray(x, np.int64)
    order = np.argsort(x, kind="stable")  # the Poisson path takes the units by count
    poisson = path in DEFICITS
    plan = plans.poisson_plan(x[order], DEFICITS[path]) if poisson else plans.BINOMIALS
    if poisson:
        assert len(plan[0]) > 0, "the Poisson path was not taken"
    drawn = np.empty((len(seeds), x.size), np.int64)
    kres.bootstrap_counts(x[order], int(x.sum()), plan, np.asarray(seeds, np.uint32), drawn)
    out = np.empty_like(drawn)
    out[:, order] = drawn
    return out


@pytest.mark.parametrize("path", ["binomials", "added", "taken"])
def test_small_draws_follow_the_multinomial(path):
    x = np.array([5, 3, 2, 1], np.int64)  # n = 11: both paths can take it
    n = int(x.sum())
    got = draws(x, np.arange(40000), path)
    assert (got.sum(axis=1) == n).all()
    outcomes = {}
    for row in map(tuple, got):
        outcomes[row] = outcomes.get(row, 0) + 1
    p = x / n
    expected = {o: stats.multinomial.pmf(o, n, p) * len(got) for o in outcomes}
    # pool the rare outcomes into one class: the chi-square needs expected counts >= 5
    common = [o for o, e in expected.items() if e >= 5]
    observed = [outcomes[o] for o in common]
    expect = [expected[o] for o in common]
    observed.append(len(got) - sum(observed))
    expect.append(len(got) - sum(expect))
    assert stats.chisquare(observed, expect).pvalue > 1e-4


@pytest.mark.parametrize("path", ["binomials", "added", "taken"])
def test_large_draws_have_the_multinomial_moments(path):
    rng = np.random.default_rng(3)
    x = rng.integers(1, 40, 400).astype(np.int64)
    x[:3] = [5000, 1, 700]  # a large unit and a unit of one
    n = int(x.sum())
    got = draws(x, np.arange(3000), path)
    assert (got.sum(axis=1) == n).all()
    p = x / n
    mean_err = (got.mean(axis=0) - n * p) / np.sqrt(n * p * (1 - p) / len(got))
    assert np.abs(mean_err).max() < 5.0
    var_ratio = got.var(axis=0, ddof=1) / (n * p * (1 - p))
    assert np.abs(var_ratio[:3] - 1).max() < 0.15
    assert abs(var_ratio.mean() - 1) < 0.02
    cov = np.cov(got[:, 0], got[:, 2])[0, 1]
    spread = math.sqrt(got[:, 0].var() * got[:, 2].var() / len(got))  # the estimate's own
    assert abs(cov + n * p[0] * p[2]) < 5 * spread


def test_draws_depend_on_the_seed_only():
    x = np.arange(1, 300, dtype=np.int64)
    for path in ("binomials", "poisson"):
        both = draws(x, [7, 8, 7], path)
        assert (both[0] == both[2]).all()
        assert (both[0] != both[1]).any()


def implied(entries):
    """The distribution an alias table draws from: {value: probability}."""
    out = {}
    for thr, keep, other in entries.tolist():
        kept = thr / 2**53
        out[keep] = out.get(keep, 0.0) + kept / len(entries)
        out[other] = out.get(other, 0.0) + (1 - kept) / len(entries)
    return out


def test_poisson_tables_are_the_poisson_distribution():
    means = np.array([0.3, 1, 2, 7.5, 30, 1000, 250000.25])
    lo, offset, shift, below, above, entries, ok = kdraws.poisson_tables(means, 1 << 22)
    assert ok
    for d, c in enumerate(means):
        first, last = offset[d], offset[d + 1]
        assert last - first == 2 ** (64 - shift[d])  # a power of two, for the draw's bits
        xs = np.arange(lo[d], lo[d] + last - first - 1)
        assert xs[0] <= c - 6 * math.sqrt(c) or xs[0] == 0
        assert xs[-1] >= c + 6 * math.sqrt(c)
        assert below[d] == pytest.approx(stats.poisson.cdf(lo[d] - 1, c), rel=1e-8, abs=1e-300)
        assert above[d] == pytest.approx(stats.poisson.sf(xs[-1], c), rel=1e-6, abs=1e-300)
        assert below[d] + above[d] < 1e-8  # the far tails are walked, rarely
        drawn = implied(entries[first:last])
        # the alias table's own rounding: some 1e-16 for each of its thousands of entries
        got = np.array([drawn.get(v, 0.0) for v in xs])
        assert np.allclose(got, stats.poisson.pmf(xs, c), rtol=1e-9, atol=1e-13)
        assert drawn.get(-1, 0.0) == pytest.approx(below[d] + above[d], rel=1e-6, abs=1e-15)
        assert set(drawn) <= {*xs.tolist(), -1}
    assert not kdraws.poisson_tables(means, 100)[-1]


@pytest.mark.parametrize(
    ("good", "bad", "sample"),
    [(5, 7, 4), (40, 60, 30), (3000, 1000, 2500), (10, 100000, 5000), (100000, 10, 99990),
     (1, 49, 25)],  # the walk's mode at the end of the support (it must not step past it)
)  # fmt: skip
def test_fixed_margin_cells_are_hypergeometric(good, bad, sample):
    # the first cell of a 2 x 2 table with rows (sample, rest) and columns (good, bad)
    rows = np.array([sample, good + bad - sample], np.int64)
    cols = np.array([good, bad], np.int64)
    table = np.empty((2, 2), np.int64)
    got = np.empty(4000, np.int64)
    for s in range(got.size):
        kres.permutation_table(rows, cols, good + bad, np.uint32(s), table)
        assert (table.sum(axis=1) == rows).all()
        assert (table.sum(axis=0) == cols).all()
        got[s] = table[0, 0]
    dist = stats.hypergeom(good + bad, good, sample)
    z = (got.mean() - dist.mean()) / math.sqrt(dist.var() / got.size)
    assert abs(z) < 5
    centred = got - got.mean()
    spread = math.sqrt(max(np.mean(centred**4) - got.var() ** 2, 1e-12) / got.size)
    assert abs(got.var() - dist.var()) < 5 * spread + 1e-9
    lo, hi = dist.ppf(0.001), dist.ppf(0.999)
    assert lo <= np.quantile(got, 0.05)
    assert np.quantile(got, 0.95) <= hi


def test_random_tables_keep_both_margins():
    rows = np.array([9, 1, 30, 4, 16], np.int64)
    cols = np.array([20, 20, 10, 10], np.int64)
    table = np.empty((5, 4), np.int64)
    seen = set()
    for s in range(50):
        kres.permutation_table(rows, cols, 60, np.uint32(s), table)
        assert (table.sum(axis=1) == rows).all()
        assert (table.sum(axis=0) == cols).all()
        assert (table >= 0).all()
        seen.add(table.tobytes())
    assert len(seen) > 40


def tables():
    """Tables of counts, with and without noise singletons, for the sums' checks."""
    rng = np.random.default_rng(11)
    out = []
    for n, ka, kb in [(60, 3, 4), (200, 7, 5), (40, 20, 2), (30, 1, 3), (25, 25, 25)]:
        t = rng.integers(0, kb, n)
        p = np.where(rng.random(n) < 0.5, t, rng.integers(0, ka, n))
        out.append(nmi.contingency_matrix(p, t))
        out.append(
            nmi.contingency_matrix(p, t, preds_noise=0, target_noise=1, noise_policy="singleton")
        )
    out.append(nmi.contingency_matrix([0, 1, 2, 3], [0, 0, 0, 0]))  # every sample its own
    out.append(nmi.contingency_matrix([0, 0, 1, 1], [5, 5, 6, 6]))  # a perfect match
    # several noise singletons beside one label: each a cluster (NMI 0.0 here, not 1.0)
    singletons = {"preds_noise": -1, "target_noise": -1, "noise_policy": "singleton"}
    out.append(nmi.contingency_matrix([-1, -1, -1], [4, 4, 4], **singletons))
    out.append(nmi.contingency_matrix([4, 4, 4, 4], [-1, -1, -1, -1], **singletons))
    out.append(nmi.contingency_matrix([-1, -1, 2, 2], [-1, -1, 3, 3], **singletons))
    return out


def scorer(name):
    return rep.check_score(name, "geometric" if name == "nmi" else "arithmetic")


@pytest.mark.parametrize("noise", [False, True])
@pytest.mark.parametrize("name", ["nmi", "v_measure", "homogeneity"])
def test_replicates_that_drop_every_error_are_perfect_matches(name, noise):
    # one error among 1,001 objects: about 37% of replicates draw none of it, and each of
    # those is a perfect match, scoring exactly 1.0 as its table does (a cell drawn 0 times
    # is no cell: counting it would miss the perfect match, and rounding can pass 1.0).
    # With noise: objects that are noise on both sides, a cluster of one each on both
    preds = np.array([0] * 500 + [1] * 300 + [2] * 200 + [0] + [-1] * 5 * noise)
    target = np.array([0] * 500 + [1] * 300 + [2] * 200 + [2] + [-1] * 5 * noise)
    kw = {"preds_noise": -1, "target_noise": -1, "noise_policy": "singleton"} if noise else {}
    fast = nmi.bootstrap(preds, target, score=name, n_resamples=2000, random_state=4, **kw)
    spec = rep.check_score(name, "arithmetic")
    tables = nmi.bootstrap(
        preds, target, score=spec.of_table, n_resamples=2000, random_state=4, **kw
    )
    one = tables.bootstrap_distribution == 1.0
    assert 0.3 < one.mean() < 0.45
    assert ((fast.bootstrap_distribution == 1.0) == one).all()
    assert fast.bootstrap_distribution.max() == 1.0


@pytest.mark.parametrize("name", FAST)
def test_scores_from_sums_are_the_tables_scores(name):
    spec = scorer(name)
    for table in tables():
        x, view = units.units_and_view(table)
        want = spec.of_table(table)
        assert rep.score_of_unit_counts(spec, x, view) == pytest.approx(want, rel=1e-10, abs=1e-12)
        # the same table rebuilt from its units scores the same (singletons as clusters)
        assert spec.of_table(view.table_of(x)) == pytest.approx(want, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("name", ["nmi", "ari", "vi", "ami"])
def test_jackknife_values_are_leave_one_out_scores(name):
    spec = scorer(name)
    for table in tables()[:4]:
        x, view = units.units_and_view(table)
        got = rep.leave_one_out_scores(spec, x, view)
        for k in range(x.size):
            one = x.copy()
            one[k] -= 1
            want = spec.of_table(view.table_of(one))
            assert got[k] == pytest.approx(want, rel=1e-9, abs=1e-12), (name, k)


@pytest.mark.parametrize("method", ["min", "geometric", "arithmetic", "max"])
def test_replicate_sums_scored_at_once_are_the_sums_scored_one_by_one(method):
    # the replicates' sums of every table, edge cases included (one cluster a side, a
    # perfect match, a table of singletons), scored as one array: the same bits as one by one
    f, i, ns = [], [], []
    for table in tables():
        x, view = units.units_and_view(table)
        x, views = units.sorted_by_count(x, [view])
        n = int(x.sum())
        seeds = np.arange(30, dtype=np.uint32)
        out_f = np.empty((30, 1, kres.FLOAT_STATS))
        out_i = np.empty((30, 1, kres.INT_STATS), np.int64)
        kres.bootstrap_stats(x, n, plans.draw_plan(x), *units.views_for_kernels(views), seeds,
                             rep.xlogx_table_for(x), out_f, out_i)  # fmt: skip
        f.append(out_f[:, 0])
        i.append(out_i[:, 0])
        ns.append(n)
    checked = 0
    for name in ("nmi", "mi", "vi", "homogeneity", "completeness", "v_measure", "ari"):
        spec = rep.check_score(name, method)
        for sums_f, sums_i, n in zip(f, i, ns, strict=True):
            got = rep.score_replicate_sums(spec, n, sums_f, sums_i)
            want = [
                rep.score_one_replicate(spec, n, a, b) for a, b in zip(sums_f, sums_i, strict=True)
            ]
            assert np.array_equal(got, np.array(want)), (name, n)
            checked += int(np.unique(got).size > 3)
    assert checked > 30  # most tables' replicates differ: the sums were drawn, not copied


@pytest.mark.parametrize(("k_preds", "k_target"), [(3, 2), (2, 3), (2, 2), (3, 3)])
def test_replicate_sums_of_ordinary_tables_are_scored_at_once(monkeypatch, k_preds, k_target):
    # only edge tables take the one-by-one path: here none, so from_sums is never called
    # (two clusters a side is ordinary too, and so are as many clusters on both sides)
    rng = np.random.default_rng(12)
    target = rng.integers(0, k_target, 300)
    preds = np.where(rng.random(300) < 0.6, target % k_preds, rng.integers(0, k_preds, 300))
    table = nmi.contingency_matrix(preds, target)
    assert table.shape == (k_preds, k_target)
    x, view = units.units_and_view(table)
    x, views = units.sorted_by_count(x, [view])
    n = int(x.sum())
    out_f = np.empty((50, 1, kres.FLOAT_STATS))
    out_i = np.empty((50, 1, kres.INT_STATS), np.int64)
    kres.bootstrap_stats(x, n, plans.draw_plan(x), *units.views_for_kernels(views),
                         np.arange(50, dtype=np.uint32), rep.xlogx_table_for(x), out_f,
                         out_i)  # fmt: skip
    assert (out_i[:, 0, kres.K_ROWS] == k_preds).all()
    assert (out_i[:, 0, kres.K_COLS] == k_target).all()
    calls = []
    monkeypatch.setattr(rep, "score_one_replicate", lambda *args: calls.append(args))
    for name in ("nmi", "mi", "vi", "homogeneity", "completeness", "v_measure"):
        got = rep.score_replicate_sums(
            rep.check_score(name, "arithmetic"), n, out_f[:, 0], out_i[:, 0]
        )
        assert np.isfinite(got).all(), name
        assert not calls, name


def test_replicates_scored_from_sums_or_from_tables_agree():
    # a callable goes the slow way, on a table per replicate: the same draws, the same scores
    table = tables()[3]
    x, view = units.units_and_view(table)
    seeds = np.arange(40, dtype=np.uint32)
    fast = rep.replicate_scores(scorer("nmi"), x, [view], seeds)
    slow_spec = rep.check_score(lambda t: t.normalized_mutual_info("geometric"), "arithmetic")
    slow = rep.replicate_scores(slow_spec, x, [view], seeds)
    assert np.allclose(fast, slow, rtol=1e-10, atol=1e-12)
    assert np.unique(fast).size > 10


def test_replicates_do_not_depend_on_the_thread_count(monkeypatch):
    rng = np.random.default_rng(5)
    t = rng.integers(0, 30, 20000)
    p = np.where(rng.random(t.size) < 0.6, t, rng.integers(0, 30, t.size))
    table = nmi.contingency_matrix(p, t)
    got = []
    for threads in ("1", "2", "3"):
        monkeypatch.setenv("NMI_NUM_THREADS", threads)
        assert len(rep.replicate_ranges(999, table.nnz)) == min(int(threads), 999)
        got.append(
            nmi.bootstrap(contingency=table, n_resamples=999, random_state=4).bootstrap_distribution
        )
    assert np.array_equal(got[0], got[1])
    assert np.array_equal(got[0], got[2])


def test_replicates_scored_on_tables_do_not_depend_on_their_blocks(monkeypatch):
    # scores computed on a table per replicate draw their counts in blocks: blocks of 7
    # replicates (the last one short) give the replicates drawn all at once
    rng = np.random.default_rng(6)
    t = rng.integers(0, 4, 300)
    table = nmi.contingency_matrix(np.where(rng.random(300) < 0.6, t, 3 - t), t)
    whole = nmi.bootstrap(
        contingency=table, score="ami", n_resamples=40, random_state=2
    ).bootstrap_distribution
    monkeypatch.setattr(rep, "_BLOCK_CELLS", 7 * table.nnz)
    blocks = nmi.bootstrap(
        contingency=table, score="ami", n_resamples=40, random_state=2
    ).bootstrap_distribution
    assert np.array_equal(whole, blocks)
    assert np.unique(blocks).size > 20


def test_margins_count_each_singleton_as_a_cluster():
    table = nmi.contingency_matrix(
        [0, 0, -1, -1, 1], [5, -1, 5, -1, 6], preds_noise=-1, target_noise=-1,
        noise_policy="singleton",
    )  # fmt: skip
    rows, cols = res.margins(table)
    assert rows.sum() == cols.sum() == 5
    assert sorted(rows.tolist()) == [1, 1, 1, 2]
    assert sorted(cols.tolist()) == [1, 1, 1, 2]


def test_every_score_name_is_one_a_table_answers():
    table = tables()[1]
    for name in NAMES:
        assert math.isfinite(scorer(name).of_table(table))
    slow = ["ami", "accuracy", "rmi", "nrmi"]  # scored on a table per replicate
    assert set(itertools.chain(FAST, slow)) == set(NAMES)


def test_alias_table_gives_each_unit_its_proportion():
    counts = np.array([5, 1, 1, 13, 2, 8, 1, 1, 0, 4], np.int64)
    entries, shift = kdraws.alias_table(counts)
    assert len(entries) == 16 == 2 ** (64 - shift)  # padded with units of weight 0
    drawn = implied(entries)
    got = np.array([drawn.get(k, 0.0) for k in range(counts.size)])
    assert np.allclose(got, counts / counts.sum(), rtol=1e-12, atol=1e-15)
    assert sum(drawn.get(k, 0.0) for k in range(counts.size, 16)) < 1e-15
    assert kdraws.alias_table(np.array([7], np.int64))[0].shape == (2, 3)  # two rows at least


def test_poisson_draws_beyond_their_table_walk_the_tails_exactly():
    import numba

    @numba.njit
    def sample(d, means, tables, size):
        lo, offset, shift, below, above, entries = tables
        flat = entries.ravel()
        state = np.empty(4, np.uint64)
        kdraws.seed_state(np.uint32(1), state)
        out = np.empty(size, np.int64)
        for i in range(size):  # as the bootstrap's Poisson loop draws
            v = kdraws.pick(kdraws.next_u64(state), shift[d], flat, offset[d])
            out[i] = v if v >= 0 else kdraws.beyond_table(d, means, lo, offset, below, above,
                                                          state)  # fmt: skip
        return out

    mean = 9.5
    # the second of two tables, of three values and the entry beyond them: most draws fall
    # beyond it, into the walked tails (the first table, of another mean, must not be read)
    window = np.array([9, 10, 11])
    below, above = stats.poisson.cdf(8, mean), stats.poisson.sf(11, mean)
    weights = np.append(stats.poisson.pmf(window, mean), below + above)
    entries, _ = kdraws.alias_table(weights)  # keeps 0..3: the values are 9 + that, or -1
    entries[:, 1:] = np.where(entries[:, 1:] == 3, -1, entries[:, 1:] + 9)
    first = np.array([[2**53, 0, 0]] * 4)  # a table that keeps 0 always
    tables = (np.array([0, 9]), np.array([0, 4, 8]), np.array([62, 62]), np.array([0.0, below]),
              np.array([0.0, above]), np.concatenate([first, entries]))  # fmt: skip
    means = np.array([0.5, mean])
    got = sample(1, means, tables, 100000)
    assert got.min() < 5
    assert got.max() > 15
    values = np.arange(40)  # every value, drawn or not: a value never drawn counts too
    observed = np.bincount(np.minimum(got, 40), minlength=41)
    expected = np.append(stats.poisson.pmf(values, mean), stats.poisson.sf(39, mean)) * got.size
    keep = expected >= 5
    observed = np.append(observed[keep], got.size - observed[keep].sum())
    expected = np.append(expected[keep], got.size - expected[keep].sum())
    assert stats.chisquare(observed, expected).pvalue > 1e-4


def test_bootstrap_draws_beyond_their_tables_are_the_multinomial():
    # the bootstrap's own loop, with a table of three values and the entry beyond them:
    # most units fall beyond it and are drawn again out of the loop; the replicates must
    # still be Multinomial(200, 1/20 each)
    units, n, mean = 20, 200, 9.5  # the Poisson draws' total mean: 190, 10 short of n
    window = np.array([9, 10, 11])
    below, above = stats.poisson.cdf(8, mean), stats.poisson.sf(11, mean)
    weights = np.append(stats.poisson.pmf(window, mean), below + above)
    entries, _ = kdraws.alias_table(weights)
    entries[:, 1:] = np.where(entries[:, 1:] == 3, -1, entries[:, 1:] + 9)
    run_table, run_shift = kdraws.alias_table(np.array([n], np.int64))
    counts = np.full(units, n // units, np.int64)
    plan = (run_table, np.array([run_shift]), np.array([0, units]), np.array([mean]),
            np.array([9]), np.array([0, 4]), np.array([62]), np.array([below]),
            np.array([above]), entries)  # fmt: skip
    got = np.empty((6000, units), np.int64)
    kres.bootstrap_counts(counts, n, plan, np.arange(6000, dtype=np.uint32), got)
    assert (got.sum(axis=1) == n).all()
    assert got.min() < 4  # the tails were walked
    assert got.max() > 18
    values = np.arange(25)
    observed = np.bincount(np.minimum(got.ravel(), 25), minlength=26)
    expected = np.append(stats.binom.pmf(values, n, 1 / units), stats.binom.sf(24, n, 1 / units))
    expected = expected * got.size
    keep = expected >= 5
    observed = np.append(observed[keep], got.size - observed[keep].sum())
    expected = np.append(expected[keep], got.size - expected[keep].sum())
    assert stats.chisquare(observed, expected).pvalue > 1e-4
    cov = np.cov(got[:, 0], got[:, 1])[0, 1]  # a multinomial's: -n p p = -0.5
    assert abs(cov + n / units**2) < 0.1


@pytest.mark.parametrize("noise", [False, True])
def test_replicate_sums_of_counts_past_the_xlogx_table(noise):
    # cells of 100,000 samples and more: past the table of x log x (2 ** 16 counts), their
    # terms computed on their own; the sums must be those of the counts drawn
    rng = np.random.default_rng(21)
    target = rng.integers(0, 3, 400_000)
    preds = np.where(rng.random(400_000) < 0.9, target, rng.integers(0, 3, 400_000))
    if noise:
        preds[:50] = -1
    table = nmi.contingency_matrix(
        preds, target, preds_noise=-1 if noise else None, noise_policy="singleton"
    )
    x, view = units.units_and_view(table)
    x, views = units.sorted_by_count(x, [view])
    n = int(x.sum())
    terms = rep.xlogx_table_for(x)
    assert x.max() > terms.size
    seeds = np.arange(20, dtype=np.uint32)
    plan = plans.draw_plan(x)
    parts = units.views_for_kernels(views)
    assert parts[-1][0, 3] == int(not noise)  # the plain path, or the one with singletons
    out_f = np.empty((20, 1, kres.FLOAT_STATS))
    out_i = np.empty((20, 1, kres.INT_STATS), np.int64)
    kres.bootstrap_stats(x, n, plan, *parts, seeds, terms, out_f, out_i)
    drawn = np.empty((20, x.size), np.int64)
    kres.bootstrap_counts(x, n, plan, seeds, drawn)
    single = (view.cell_rows == view.n_rows) | (view.cell_cols == view.n_cols)
    cells = views[0].unit_cell
    for b in range(20):
        v = drawn[b]
        plain = np.where(single[cells], 0, v).astype(float)
        r, c = view.cell_rows[cells], view.cell_cols[cells]  # a singleton counts on its
        rows = np.bincount(r[r < view.n_rows], v[r < view.n_rows])  # other side
        cols = np.bincount(c[c < view.n_cols], v[c < view.n_cols])

        def xlogx(a):
            a = np.asarray(a, float)
            return float(np.sum(a[a > 0] * np.log(a[a > 0])))

        assert out_f[b, 0, kres.S_CELLS] == pytest.approx(xlogx(plain), rel=1e-13)
        assert out_f[b, 0, kres.S_ROWS] == pytest.approx(xlogx(rows), rel=1e-13)
        assert out_f[b, 0, kres.S_COLS] == pytest.approx(xlogx(cols), rel=1e-13)
        squares = (v[~single[cells]] ** 2).sum() + v[single[cells]].sum()  # a singleton: 1
        assert out_i[b, 0, kres.SQ_CELLS] == squares


@pytest.mark.parametrize(
    ("n", "p"),
    [(1, 0.3), (7, 0.5), (40, 0.1), (60, 0.2), (200, 0.05), (1000, 0.5), (10**6, 0.3),
     (10**7, 1e-4), (30, 0.93), (10**5, 0.9999)],
)  # fmt: skip
def test_binomial_draws_follow_the_binomial(n, p):
    got = binomial_draws(n, p, 200000, seed=5)
    assert got.min() >= 0
    assert got.max() <= n
    assert binomial_fit(got, n, p) > 1e-4
    z = (got.mean() - n * p) / math.sqrt(n * p * (1 - p) / got.size)
    assert abs(z) < 5


def binomial_draws(n, p, size, seed):
    """``size`` draws of Binomial(``n``, ``p``) by the kernels' sampler, from one seed."""
    import numba

    @numba.njit
    def sample(n, p, size):
        state = np.empty(4, np.uint64)
        kdraws.seed_state(np.uint32(seed), state)
        out = np.empty(size, np.int64)
        for i in range(size):
            out[i] = kdraws.binomial(n, p, state)
        return out

    return sample(n, p, size)


def binomial_fit(got, n, p):
    """The chi-square p-value of the draws against Binomial(``n``, ``p``), rare values pooled."""
    values, observed = np.unique(got, return_counts=True)
    expected = stats.binom.pmf(values, n, p) * got.size
    keep = expected >= 5
    observed = np.append(observed[keep], got.size - observed[keep].sum())
    expected = np.append(expected[keep], got.size - expected[keep].sum())
    return stats.chisquare(observed, expected).pvalue


def test_draw_plans_follow_the_costs():
    rng = np.random.default_rng(8)
    many_small = np.sort(rng.poisson(10, 9500) + 1).astype(np.int64)  # 1e5 in 9,500 cells
    assert len(plans.draw_plan(many_small)[0]) > 0  # the Poisson path: 2 sqrt(n) << cells
    few_large = np.sort(rng.integers(5_000, 100_000, 600)).astype(np.int64)  # 3e7 in 600
    assert len(plans.draw_plan(few_large)[0]) == 0  # binomials: tables beyond the budget
    assert len(plans.draw_plan(np.array([1, 2, 3, 5], np.int64))[0]) == 0  # n = 11
    cost, c = plans.poisson_cost(many_small.size, int(many_small.sum()), 0)
    assert 0.0 <= c <= 2.5
    assert cost < many_small.size * plans._BINOMIAL_NS
    with pytest.raises(ValueError, match="increasing order"):
        plans.poisson_plan(many_small[::-1].copy())


@pytest.mark.parametrize("c", [1_600_000_000, 2**39])
def test_fixed_margin_tables_of_billions_of_samples_are_drawn(c):
    # (m + 1)(g + 1) passes int64 here: the hypergeometric walk must start near the mode
    # (it started in the far tail, every probability underflowed and the draw never ended)
    rows = np.array([2 * c + 1, 2 * c + 1], np.int64)
    cols = rows.copy()
    n = int(rows.sum())
    draws_ = []
    table = np.empty((2, 2), np.int64)
    for s in range(300):
        kres.permutation_table(rows, cols, n, np.uint32(s), table)
        assert table.sum(axis=0).tolist() == cols.tolist()
        assert table.sum(axis=1).tolist() == rows.tolist()
        draws_.append(int(table[0, 0]))
    x = np.array(draws_, np.float64)
    m, g = int(rows[0]), int(cols[0])  # Python integers: m g passes int64
    mean = m * g / n  # hypergeometric: m g / N
    sd = math.sqrt(mean * (1 - g / n) * (n - m) / (n - 1))
    assert abs(x.mean() - mean) < 4 * sd / math.sqrt(x.size)
    assert 0.8 < x.std() / sd < 1.2


def test_the_permutation_test_of_billions_of_samples_ends():
    c = 1_600_000_000
    table = nmi.Contingency.from_matrix([[c + 1, c], [c, c + 1]])
    res = nmi.permutation_test(contingency=table, score="ari", n_resamples=100, random_state=1)
    # the observed table is the least associated one the margins allow: ARI's minimum
    assert (res.null_distribution >= res.statistic - 1e-24).all()
    assert res.pvalue == 1.0
    assert abs(res.null_distribution.mean()) < 1e-9


def test_log_probabilities_of_the_samplers_are_exact_at_any_size():
    # lgamma differences of numbers near n log n lost up to 1e-2 at 2**40: the walk's mode
    # probability then summed short of u (or past 1), and the binomial's acceptance drifted
    import mpmath
    import numba

    @numba.njit
    def both(x, good, bad, sample, k, n, p):
        q = 1.0 - p
        return (
            kdraws.log_hypergeometric_probability(x, good, bad, sample),
            kdraws.log_binomial_probability(k, n, p, q),
        )

    mpmath.mp.dps = 50

    def log_fact(v):
        return mpmath.loggamma(mpmath.mpf(v) + 1)

    rng = np.random.default_rng(4)
    for bits in (4, 10, 20, 33, 40, 48):
        for _ in range(12):
            total = int(rng.integers(2**bits, 2 ** (bits + 1)))
            good, sample = (int(v) for v in rng.integers(1, total, 2))
            bad = total - good
            mean = sample * good / total
            sd = math.sqrt(mean * (bad / total) * (total - sample) / max(total - 1, 1))
            x = round(mean + rng.normal() * 2 * sd)
            x = min(max(x, max(0, sample - bad)), min(sample, good))
            p = round(good / total * 2**30) / 2**30  # 1 - p exact: p + q is 1
            k = min(max(round(total * p + rng.normal() * 2 * math.sqrt(total * p * (1 - p))), 0),
                    total)  # fmt: skip
            got_h, got_b = both(x, good, bad, sample, float(k), float(total), p)
            want_h = (log_fact(good) - log_fact(x) - log_fact(good - x) + log_fact(bad)
                      - log_fact(sample - x) - log_fact(bad - sample + x) - log_fact(total)
                      + log_fact(sample) + log_fact(total - sample))  # fmt: skip
            log_p, log_q = mpmath.log(p), mpmath.log(1 - mpmath.mpf(p))
            want_b = (log_fact(total) - log_fact(k) - log_fact(total - k)
                      + k * log_p + (total - k) * log_q)  # fmt: skip
            assert got_h == pytest.approx(float(want_h), abs=2e-12), (bits, x, good, sample)
            assert got_b == pytest.approx(float(want_b), abs=2e-12, rel=1e-14), (bits, k)


def test_the_fixed_margin_draw_that_summed_short_of_its_uniform_ends():
    # 2**40 samples, the 3 x 3 table of tests/test_billions.py: with the mode's probability
    # from lgamma the walk covered 0.992 of the mass, the uniform was 0.9966, and the walk
    # went on into subnormal probabilities that p * ratio rounds back to: it never ended
    rows = np.array([366503875936, 366503875920, 366503875920], np.int64)
    cols = np.array([274877906956, 412316860410, 412316860410], np.int64)
    n = int(rows.sum())
    table = np.empty((3, 3), np.int64)
    kres.permutation_table(rows, cols, n, np.uint32(2879800910), table)
    assert table.sum(axis=1).tolist() == rows.tolist()
    assert table.sum(axis=0).tolist() == cols.tolist()
    expected = np.outer(rows.astype(np.float64), cols) / n
    assert (np.abs(table - expected) < 6 * np.sqrt(expected)).all()


@pytest.mark.parametrize(("n", "p"), [(40, 0.5), (22, 0.5), (33, 0.7)])
def test_binomial_draws_near_the_rejection_threshold_are_unbiased(n, p):
    # means just past 10 take the rejection sampler: its centre moved by half a step
    # biases Binomial(40, 0.5) by 0.016 (about 10 standard errors at 2e6 draws)
    got = binomial_draws(n, p, 2_000_000, seed=9)
    z = (got.mean() - n * p) / math.sqrt(n * p * (1 - p) / got.size)
    assert abs(z) < 4.5
    assert binomial_fit(got, n, p) > 1e-5
