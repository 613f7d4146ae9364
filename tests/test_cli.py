"""The command line: formats, chunked reading, output, and one-line errors with status 2."""

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nmi
from nmi import cli


@pytest.fixture
def labels(rng):
    target = rng.integers(0, 12, 5000)
    preds = np.where(rng.random(5000) < 0.7, target % 5, rng.integers(0, 5, 5000))
    return preds, target


def write(path, values, kind, header="label"):
    path = Path(path)
    if kind == "npy":
        np.save(path, values)
    elif kind == "txt":
        path.write_text("".join(f"{v}\n" for v in values))
    else:
        sep = "," if kind == "csv" else "\t"
        rows = [f"other{sep}{header}"] + [f"x{i}{sep}{v}" for i, v in enumerate(values)]
        path.write_text("\n".join(rows) + "\n")
    return str(path)


def run_main(capsys, *argv):
    status = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.mark.parametrize("pred_kind", ["npy", "csv", "tsv", "txt"])
@pytest.mark.parametrize("target_kind", ["npy", "txt"])
def test_formats_give_the_one_shot_scores(tmp_path, capsys, labels, pred_kind, target_kind):
    preds, target = labels
    p = write(tmp_path / f"p.{pred_kind}", preds, pred_kind)
    t = write(tmp_path / f"t.{target_kind}", target, target_kind)
    argv = ["score", p, t, "--average-method", "all", "--json"]
    if pred_kind in ("csv", "tsv"):
        argv += ["--column", "label"]
    status, out, err = run_main(capsys, *argv)
    assert status == 0
    assert err == ""
    report = json.loads(out)
    table = nmi.contingency_matrix(preds, target)
    assert report["n_samples"] == 5000
    assert report["n_clusters_preds"] == table.shape[0]
    assert report["n_clusters_target"] == table.shape[1]
    assert report["mutual_info"] == pytest.approx(table.mutual_info(), rel=1e-12)
    assert report["entropy_preds"] == pytest.approx(table.row_entropy(), rel=1e-12)
    assert report["entropy_target"] == pytest.approx(table.col_entropy(), rel=1e-12)
    for method in ("min", "geometric", "arithmetic", "max"):
        expected = nmi.normalized_mutual_info_score(preds, target, method)
        assert report["nmi"][method] == pytest.approx(expected, rel=1e-12)


def test_named_column_and_table_output(tmp_path, capsys, labels):
    preds, target = labels
    p = tmp_path / "p.csv"
    p.write_text("cluster,extra\n" + "".join(f"{v},z\n" for v in preds))
    t = write(tmp_path / "t.npy", target, "npy")
    status, out, _ = run_main(capsys, "score", p, t, "--column", "cluster")
    assert status == 0
    expected = nmi.normalized_mutual_info_score(preds, target)
    assert f"NMI (arithmetic)    {expected:.6f}" in out
    assert "samples             5000" in out
    assert "NMI (max)" not in out


def test_files_are_read_in_chunks(tmp_path, labels):
    preds, target = labels
    p = write(tmp_path / "p.npy", preds, "npy")
    t = write(tmp_path / "t.txt", target, "txt")
    updates = []

    class Counting(nmi.NormalizedMutualInfoScore):
        def update(self, a, b, **kwargs):
            updates.append(len(a))
            super().update(a, b, **kwargs)

    metric = cli.score_files(p, t, chunk_rows=333, chunk_bytes=1000, accumulator=Counting)
    assert len(updates) > 10
    assert max(updates) <= 1000
    expected = nmi.normalized_mutual_info_score(preds, target)
    assert metric.compute() == pytest.approx(expected, rel=1e-12)
    with pytest.raises(cli.UsageError, match="chunk-rows must be at least 1"):
        cli.score_files(p, t, chunk_rows=0)


def test_progress_bar_only_on_a_terminal(tmp_path, capsys, monkeypatch, labels):
    preds, target = labels
    p = write(tmp_path / "p.npy", preds, "npy")
    t = write(tmp_path / "t.npy", target, "npy")
    status, _, err = run_main(capsys, "score", p, t)
    assert status == 0
    assert err == ""

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    fake = Terminal()
    monkeypatch.setattr(sys, "stderr", fake)
    assert cli.main(["score", p, t]) == 0
    assert "scoring" in fake.getvalue()


def empty_file(d):
    (d / "p.txt").write_text("")
    return str(d / "p.txt")


BAD_PREDS = {
    "does not exist": lambda d: str(d / "missing.npy"),
    "unknown format": lambda d: write(d / "p.parquet", [1], "txt"),
    "labels but target has 5": lambda d: write(d / "p.npy", np.arange(4), "npy"),
    "preds has 6 labels but": lambda d: write(d / "p.txt", range(6), "txt"),
    "without unpickling": lambda d: write(d / "p.npy", np.array([{}, 1], dtype=object), "npy"),
    "no column 'label'": lambda d: write(d / "p.csv", range(5), "csv", header="x"),
    "is empty": empty_file,
    "not 1-D": lambda d: write(d / "p.npy", np.zeros((5, 2)), "npy"),
}


@pytest.mark.spawns
@pytest.mark.parametrize("message", list(BAD_PREDS))
def test_errors_exit_2_with_one_line(tmp_path, message):
    target = write(tmp_path / "t.npy", np.arange(5), "npy")
    preds = BAD_PREDS[message](tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "nmi", "score", preds, target, "--column", "label"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("nmi: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.spawns
def test_console_script_and_module_agree(tmp_path, labels):
    preds, target = labels
    p = write(tmp_path / "p.npy", preds, "npy")
    t = write(tmp_path / "t.npy", target, "npy")
    script = Path(sys.executable).parent / "nmi"
    outputs = [
        subprocess.run(
            [*cmd, "score", p, t, "--json"], capture_output=True, text=True, check=True, timeout=120
        ).stdout
        for cmd in ([str(script)], [sys.executable, "-m", "nmi"])
    ]
    assert json.loads(outputs[0]) == json.loads(outputs[1])


@pytest.mark.parametrize("policy", ["keep", "drop", "singleton"])
@pytest.mark.parametrize("kind", ["npy", "csv", "txt"])
def test_noise_and_weights_options_match_the_functional_api(tmp_path, capsys, rng, policy, kind):
    n = 3000
    truth = np.array(["a", "b", "c", "?"])[rng.integers(0, 4, n)]
    clusters = np.where(rng.random(n) < 0.2, -1, rng.integers(0, 5, n))
    weights = rng.random(n) * 3
    p = write(tmp_path / f"p.{kind}", clusters, kind)
    t = write(tmp_path / "t.csv", truth, "csv")
    w = write(tmp_path / f"w.{kind}", weights, kind, header="w")
    argv = ["score", p, t, "--column", "label", "--json", "--average-method", "all"]
    argv += ["--chunk-rows", "700", "--chunk-bytes", "2000"]  # the files in chunks of their own
    argv += ["--preds-noise", "-1", "--target-noise", "?", "--noise-policy", policy]
    labels = clusters if kind == "npy" else clusters.astype(str)
    noise = dict(
        preds_noise=-1 if kind == "npy" else "-1",
        target_noise="?",
        noise_policy=policy,
    )
    for extra, sample_weight in (([], None), (["--weights", w, "--weights-column", "w"], weights)):
        status, out, err = run_main(capsys, *argv, *extra)
        assert status == 0, err
        report = json.loads(out)
        table = nmi.contingency_matrix(labels, truth, sample_weight=sample_weight, **noise)
        assert report["weighted"] is (sample_weight is not None)
        total = report["total_weight" if sample_weight is not None else "n_samples"]
        assert total == pytest.approx(table.n_samples, rel=1e-12)
        assert ("n_samples" in report) is (sample_weight is None)
        assert [report["n_clusters_preds"], report["n_clusters_target"]] == list(table.n_clusters)
        for method, value in report["nmi"].items():
            expected = nmi.normalized_mutual_info_score(
                labels, truth, method, sample_weight=sample_weight, **noise
            )
            assert value == pytest.approx(expected, rel=1e-9, abs=1e-12)
        if policy == "singleton":
            singles = report["noise_singletons"]
            assert singles["preds"] + singles["both"] == np.count_nonzero(clusters == -1)
            assert singles["target"] + singles["both"] == np.count_nonzero(truth == "?")
        else:
            assert "noise_singletons" not in report


def test_missing_fields_and_the_table_output(tmp_path, capsys, rng):
    n = 500
    truth = np.array(["a", "b", ""])[rng.integers(0, 3, n)]  # empty fields: unknown truth
    clusters = rng.integers(0, 3, n)
    p = write(tmp_path / "p.npy", clusters, "npy")
    t = write(tmp_path / "t.csv", truth, "csv")
    status, _, err = run_main(capsys, "score", p, t, "--column", "label")
    assert status == 0  # without --missing, an empty field is a label like any other
    argv = ["score", p, t, "--column", "label", "--missing", "noise"]
    status, out, err = run_main(capsys, *argv, "--target-noise-policy", "singleton")
    assert status == 0, err
    missing = np.where(truth == "", None, truth).astype(object)
    expected = nmi.normalized_mutual_info_score(
        clusters, missing, noise_policy={"preds": "keep", "target": "singleton"}, missing="noise"
    )
    assert f"NMI (arithmetic)    {expected:.6f}" in out
    singles = np.count_nonzero(truth == "")
    assert f"noise singletons    0 in preds, {singles} in target, 0 in both" in out
    status, out, err = run_main(capsys, *argv, "--noise-policy", "drop", "--weights", p)
    assert status == 0, err
    keep = truth != ""
    total = clusters[keep].sum()
    assert f"total weight        {total:.6g}" in out
    expected = nmi.normalized_mutual_info_score(
        clusters[keep], truth[keep], sample_weight=clusters[keep]
    )
    assert f"NMI (arithmetic)    {expected:.6f}" in out


BAD_OPTIONS = {
    "weight 3 is 'x', not a number": lambda d: [
        "--weights",
        write(d / "w.txt", [1, 1, 1, "x", 1], "txt"),
    ],
    "in samples 0 to 4: sample_weight[2] is -1.0": lambda d: [
        "--weights",
        write(d / "w.npy", np.array([1.0, 1.0, -1.0, 1.0, 1.0]), "npy"),
    ],
    "preds has 5 labels, target has 5 labels but weights has 4 weights": lambda d: [
        "--weights",
        write(d / "w.npy", np.ones(4), "npy"),
    ],
    "--preds-noise abc: not a label of preds file": lambda d: ["--preds-noise", "abc"],
    "missing labels": lambda d: ["--missing", "noise"],
}


@pytest.mark.parametrize("message", list(BAD_OPTIONS))
def test_bad_weights_and_noise_options_exit_2_with_one_line(tmp_path, capsys, message):
    p = write(tmp_path / "p.npy", np.arange(5), "npy")
    with_nan = message == "missing labels"  # a NaN target is refused before any weight
    t = write(
        tmp_path / "t.npy", np.array([0.0, 1.0, np.nan if with_nan else 2.0, 1.0, 0.0]), "npy"
    )
    status, out, err = run_main(capsys, "score", p, t, *BAD_OPTIONS[message](tmp_path))
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert message in err, err


def test_noise_labels_of_a_bool_file_are_read_as_bools(tmp_path, capsys):
    p = write(tmp_path / "p.npy", np.array([True, True, False, False, True, False]), "npy")
    t = write(tmp_path / "t.npy", np.array([0, 0, 1, 1, 1, 0]), "npy")
    argv = ["score", p, t, "--json", "--noise-policy", "drop"]
    status, out, err = run_main(capsys, *argv, "--preds-noise", "False")
    assert status == 0, err
    expected = nmi.normalized_mutual_info_score([True, True, True], [0, 0, 1])
    assert json.loads(out)["nmi"]["arithmetic"] == pytest.approx(expected)
    status, _, err = run_main(capsys, *argv, "--preds-noise", "maybe")
    assert status == 2
    assert "not a label of preds file" in err


def test_broken_files_get_one_line_and_status_2(tmp_path, capsys):
    good = write(tmp_path / "good.txt", [0, 1, 1], "txt")
    (tmp_path / "empty.npy").write_bytes(b"")
    np.save(tmp_path / "whole.npy", np.arange(1000))
    data = (tmp_path / "whole.npy").read_bytes()
    (tmp_path / "cut.npy").write_bytes(data[: len(data) // 2])
    (tmp_path / "folder.txt").mkdir()
    (tmp_path / "latin1.txt").write_bytes("caf\xe9\n1\n2\n".encode("latin-1"))
    cases = {
        "empty.npy": "is not a readable .npy file",
        "cut.npy": "is not a readable .npy file",
        "folder.txt": "is a directory",
        "latin1.txt": "latin1.txt is not UTF-8 text",
    }
    for name, message in cases.items():
        status, out, err = run_main(capsys, "score", tmp_path / name, good)
        assert status == 2, name
        assert err.count("\n") == 1, (name, err)
        assert message in err, (name, err)
        assert out == ""


@pytest.mark.parametrize("kind", ["txt", "csv"])
def test_a_byte_order_mark_is_not_part_of_the_first_label(tmp_path, capsys, kind):
    p = tmp_path / f"p.{kind}"
    t = write(tmp_path / "t.txt", ["x", "y", "x"], "txt")
    body = "a\nb\na\n" if kind == "txt" else "label\na\nb\na\n"
    p.write_bytes(b"\xef\xbb\xbf" + body.encode())
    status, out, err = run_main(capsys, "score", p, t, "--json", "--column", "label")
    assert status == 0, err
    assert json.loads(out)["n_clusters_preds"] == 2  # "a" twice and "b", not "\ufeffa"
    assert json.loads(out)["nmi"]["arithmetic"] == 1.0


def test_a_bad_thread_count_in_the_environment_is_named(monkeypatch):
    monkeypatch.setenv("NMI_NUM_THREADS", "abc")
    big = np.arange(1 << 21) % 7
    with pytest.raises(ValueError, match="NMI_NUM_THREADS must be a whole number"):
        nmi.normalized_mutual_info_score(big, big % 3)


def test_thread_count_from_the_environment(monkeypatch):
    from nmi._parallel import n_threads

    monkeypatch.delenv("NMI_NUM_THREADS", raising=False)
    monkeypatch.delenv("NUMBA_NUM_THREADS", raising=False)
    cpus = n_threads()
    monkeypatch.setenv("NUMBA_NUM_THREADS", "1")  # an upper bound on the CPUs used
    assert n_threads() == 1
    monkeypatch.setenv("NUMBA_NUM_THREADS", str(cpus + 5))
    assert n_threads() == cpus
    monkeypatch.setenv("NMI_NUM_THREADS", "3")  # nmi's own setting wins
    assert n_threads() == 3
    monkeypatch.delenv("NMI_NUM_THREADS")
    monkeypatch.setenv("NUMBA_NUM_THREADS", "two")
    with pytest.raises(ValueError, match="NUMBA_NUM_THREADS must be a whole number"):
        n_threads()


def test_version_and_the_column_to_score(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"nmi {nmi.__version__}"
    # several columns and no --column: an error that lists them, not the first one scored
    p = write(tmp_path / "p.csv", [0, 0, 1, 1, 2], "csv")
    t = write(tmp_path / "t.txt", [5, 5, 6, 6, 6], "txt")
    status, out, err = run_main(capsys, "score", p, t)
    assert status == 2
    assert "p.csv has 2 columns (other, label); name the one to score with --column" in err
    assert out == ""
    single = tmp_path / "single.csv"
    single.write_text("label\n0\n0\n1\n1\n2\n")  # one column: no need to name it
    status, out, err = run_main(capsys, "score", str(single), t, "--json")
    assert status == 0, err
    assert json.loads(out)["n_clusters_preds"] == 3


def test_json_report_has_no_nan_or_infinity():
    report = {"a": float("nan"), "b": {"c": float("inf"), "d": 0.5}, "e": 3, "f": True}
    assert cli._finite(report) == {"a": None, "b": {"c": None, "d": 0.5}, "e": 3, "f": True}
    json.dumps(cli._finite(report), allow_nan=False)  # valid JSON


@pytest.mark.parametrize("reduction", ["dirichlet", "flat"])
def test_the_reduced_mutual_info_on_request(tmp_path, capsys, labels, reduction):
    preds, target = labels
    p, t = write(tmp_path / "p.npy", preds, "npy"), write(tmp_path / "t.txt", target, "txt")
    status, out, _ = run_main(capsys, "score", p, t, "--reduction", reduction, "--json")
    assert status == 0
    report = json.loads(out)
    assert report["reduction"] == reduction
    rmi = nmi.reduced_mutual_info_score(preds, target, reduction=reduction)
    assert report["reduced_mutual_info"] == pytest.approx(rmi, rel=1e-12)
    for norm, value in report["normalized_reduced_mutual_info"].items():
        assert value == pytest.approx(
            nmi.normalized_reduced_mutual_info_score(
                preds, target, normalization=norm, reduction=reduction
            ),
            rel=1e-12,
        )
    status, out, _ = run_main(capsys, "score", p, t, "--reduction", reduction)
    assert f"RMI ({reduction})" in out
    assert f"{rmi:.6f} nats" in out
    assert "normalized RMI (target)" in out
    status, out, _ = run_main(capsys, "score", p, t)
    assert "RMI" not in out
    # the reduction counts objects: fractional weights get one line and status 2
    w = write(tmp_path / "w.txt", np.full(preds.size, 0.5), "txt")
    status, _, err = run_main(capsys, "score", p, t, "--reduction", reduction, "--weights", w)
    assert status == 2
    assert err.startswith("nmi: error: the reduced mutual information needs whole-number")


def test_a_file_scores_the_same_however_it_is_read(tmp_path, capsys):
    # quoted fields across newlines: a block must not end inside one
    preds = tmp_path / "p.csv"
    preds.write_text('id,label\n1,"a\nb"\n2,c\n3,"d,\n""e"""\n4,c\n5,"a\nb"\n', newline="")
    target = tmp_path / "t.txt"
    target.write_text("x\ny\nz\ny\nx\n")
    expected = nmi.normalized_mutual_info_score(["a\nb", "c", 'd,\n"e"', "c", "a\nb"],
                                                ["x", "y", "z", "y", "x"])  # fmt: skip
    size = preds.stat().st_size
    for chunk in range(1, size + 2):
        code = cli.main(["score", str(preds), str(target), "--column", "label", "--json",
                     "--chunk-bytes", str(chunk)])  # fmt: skip
        assert code == 0, chunk
        report = json.loads(capsys.readouterr().out)
        assert report["n_samples"] == 5, chunk
        assert report["nmi"]["arithmetic"] == expected, chunk


def test_a_text_file_holds_one_label_per_line_whatever_its_characters(tmp_path, capsys):
    # form feed, U+0085, U+2028, U+2029 and a lone carriage return are inside labels
    labels = ["a\fb", "c\x85d", "e\u2028f", "g\u2029h", "i\rj", "a\fb"]
    preds = tmp_path / "p.txt"
    preds.write_bytes("\r\n".join(labels).encode() + b"\r\n")
    target = tmp_path / "t.txt"
    target.write_text("0\n1\n2\n3\n4\n0\n")
    assert cli.main(["score", str(preds), str(target), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n_samples"] == 6
    assert report["n_clusters_preds"] == 5
    assert report["nmi"]["arithmetic"] == 1.0
