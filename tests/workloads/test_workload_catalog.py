"""The workloads catalog: every entry against the shipped DLIO configuration table, provenance, lookups."""

import csv
from importlib import resources

import attrs
import numpy as np
import pytest

from mlsysim import Q_, DomainError, UnitError, workloads
from mlsysim.workloads import CATALOG, TrainingWorkload, mlperf_results

REQUIRED = ["UNET3D_A100", "UNET3D_H100", "RESNET50_A100", "RESNET50_H100", "COSMOFLOW_A100", "COSMOFLOW_H100"]


def config_rows():
    text = resources.files("mlsysim").joinpath("data", "mlperf_storage_v1.0_workloads.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_required_entries_and_names():
    assert sorted(REQUIRED) == workloads.names()
    for name in REQUIRED:
        assert isinstance(getattr(workloads, name), TrainingWorkload)


@pytest.mark.parametrize("row", config_rows(), ids=lambda r: f"{r['workload']}_{r['accelerator']}")
def test_entries_equal_the_published_configuration(row):
    w = workloads.get(f"{row['workload']}_{row['accelerator']}")
    assert w.sample_size.m_as("B") == float(row["record_length_bytes"])
    assert w.batch_size == int(row["batch_size"])
    assert w.compute_time.m_as("s") == float(row["computation_time_s"])
    assert w.min_utilization == float(row["min_accelerator_utilization"])
    assert w.samples_per_file == int(row["samples_per_file"])
    assert w.accelerator == row["accelerator"].upper()
    assert w.provenance.path == row["source_path"]
    assert w.provenance.commit == "cd848ba808b2c627261dae8635f13593d3cceecc"
    assert w.provenance.repository == "mlcommons/storage" and w.provenance.tag == "v1.0"
    assert w.provenance.url.endswith(row["source_path"])


@pytest.mark.parametrize("const", REQUIRED)
def test_every_number_says_which_key_it_is(const):
    w = CATALOG[const]
    for name in w.quantity_fields():
        if getattr(w, name) is None:
            continue
        note = w.source_of(name).note
        assert note and "." in note.split(":")[0], f"{const}.{name}: {note}"


def test_unet3d_record_length_stdev():
    assert workloads.UNET3D_H100.sample_size_stdev.m_as("B") == 68341808
    assert workloads.RESNET50_H100.sample_size_stdev is None


def test_get_is_forgiving_and_unknown_names_list_close_ones():
    assert workloads.get("unet3d-h100") is workloads.UNET3D_H100
    assert workloads.get("MLPerf Storage v1.0 unet3d (H100)") is workloads.UNET3D_H100
    with pytest.raises(KeyError, match="UNET3D"):
        workloads.get("unet3d_v100")
    with pytest.raises(TypeError):
        workloads.get(3)


@pytest.mark.parametrize("field, value, exc", [
    ("sample_size", "1 s", UnitError), ("sample_size", 5.0, UnitError), ("compute_time", "-1 s", DomainError),
    ("batch_size", 0, DomainError), ("batch_size", 2.5, DomainError), ("min_utilization", 1.5, DomainError),
    ("min_utilization", 0.0, DomainError), ("samples_per_file", 0, DomainError), ("accelerator", "", UnitError),
])
def test_evolve_revalidates(field, value, exc):
    with pytest.raises(exc, match=field):
        attrs.evolve(workloads.UNET3D_A100, **{field: value})


def test_frozen_and_batch_bytes():
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        workloads.UNET3D_A100.batch_size = 8
    assert workloads.UNET3D_A100.batch_bytes.m_as("B") == 7 * 146600628
    assert "compute_time" in str(workloads.UNET3D_A100)


def test_results_load_and_are_consistent_with_their_semantics():
    results = mlperf_results()
    assert len(results) == 132
    assert {r.division for r in results} == {"Closed", "Open"}
    for r in results:
        # the published "MB/s" is MiB/s and equals samples/s x the nominal record length (to 6 digits)
        nominal = (r.samples_per_second * r.workload.sample_size).m_as("MiB/s")
        assert r.throughput.m_as("MiB/s") == pytest.approx(nominal, rel=1e-5)
        assert 0 < r.accelerator_utilization <= 1 and r.accelerators >= 1 and r.client_hosts >= 1
        assert r.url.startswith("https://github.com/mlcommons/storage_results_v1.0/blob/")
    assert len(mlperf_results("UNET3D", "H100", "open")) == 2


def test_catalog_is_deeply_frozen():
    # the catalog's values, from the shipped DLIO configuration table (unet3d_h100.yaml): record_length
    # 146,600,628 B, record_length_stdev 68,341,808 B, computation_time 0.323 s
    w = workloads.UNET3D_H100
    size = w.sample_size
    size.ito("MB")  # a copy: the catalog does not change
    assert w.sample_size.m == 146600628 and w.sample_size.units == Q_(1, "B").units
    grown = w.compute_time
    grown += Q_(1, "s")
    grown *= 2
    assert w.compute_time.m_as("s") == 0.323
    assert w.sample_size_stdev.m_as("B") == 68341808
    stdev = w.sample_size_stdev
    stdev.ito("kB")
    assert w.sample_size_stdev.m_as("B") == 68341808 and str(w.sample_size_stdev.units) == str(Q_(1, "B").units)
    with pytest.raises((TypeError, AttributeError)):
        w.field_sources["sample_size"] = w.provenance  # type: ignore[index]
    with pytest.raises((TypeError, AttributeError)):
        del w.field_sources["sample_size"]  # type: ignore[attr-defined]
    with pytest.raises((TypeError, AttributeError)):
        workloads.CATALOG["X"] = w  # type: ignore[index]
    assert workloads.get("unet3d_h100") is w and w.field_sources["sample_size"].note.startswith("dataset.record_length")


def test_an_array_field_is_refused_so_no_array_is_shared():
    # a field holds one number, as in the hardware catalog: an array would be a view the caller could write through
    for value in (Q_(np.array([1.0, 2.0]), "MB"), np.array([1.0, 2.0])):
        with pytest.raises((DomainError, UnitError), match="sample_size"):
            attrs.evolve(workloads.UNET3D_H100, sample_size=value)


def test_published_results_are_frozen_too():
    first = mlperf_results()[0]
    before = first.throughput.m, str(first.throughput.units)
    tp = first.throughput
    tp.ito("GB/s")
    tp *= 1000
    rate = first.samples_per_second
    rate += Q_(1, "1/s")
    again = mlperf_results()[0]
    assert (again.throughput.m, str(again.throughput.units)) == before
    assert again.samples_per_second.m == first.samples_per_second.m != rate.m
