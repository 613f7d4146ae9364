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


def test_first_column_by_default_and_table_output(tmp_path, capsys, labels):
    preds, target = labels
    p = tmp_path / "p.csv"
    p.write_text("cluster,extra\n" + "".join(f"{v},z\n" for v in preds))
    t = write(tmp_path / "t.npy", target, "npy")
    status, out, _ = run_main(capsys, "score", p, t)
    assert status == 0
    expected = nmi.normalized_mutual_info_score(preds, target)
    assert f"NMI (arithmetic)    {expected:.6f}" in out
    assert "samples             5000" in out
    assert "NMI (max)" not in out


def test_files_are_read_in_chunks(tmp_path, capsys, monkeypatch, labels):
    preds, target = labels
    p = write(tmp_path / "p.npy", preds, "npy")
    t = write(tmp_path / "t.txt", target, "txt")
    monkeypatch.setattr(cli, "CHUNK_ROWS", 333)
    monkeypatch.setattr(cli, "CHUNK_BYTES", 1000)
    updates = []
    original = nmi.NormalizedMutualInfoScore.update

    def counting(self, a, b):
        updates.append(len(a))
        original(self, a, b)

    monkeypatch.setattr(nmi.NormalizedMutualInfoScore, "update", counting)
    status, out, _ = run_main(capsys, "score", p, t, "--json")
    assert status == 0
    assert len(updates) > 10
    assert max(updates) <= 1000
    expected = nmi.normalized_mutual_info_score(preds, target)
    assert json.loads(out)["nmi"]["arithmetic"] == pytest.approx(expected, rel=1e-12)


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
