"""Sweeps at scale: chunked (dask) evaluation and xarray export equal the in-memory call."""

import numpy as np
import pytest

import mlsysim
from mlsysim import Q_, DomainError
from mlsysim.models import checkpoint, storage

WRITE = Q_(np.linspace(10, 600, 37), "s")
MTBF = Q_(np.linspace(2, 24, 23), "h")  # write_time/mtbf <= 600 s / 2 h, inside Young's regime


def test_chunked_quantity_equals_in_memory():
    eager = mlsysim.sweep(checkpoint.young_interval, write_time=WRITE, mtbf=MTBF)
    lazy = mlsysim.sweep(checkpoint.young_interval, write_time=WRITE, mtbf=MTBF, chunks=(10, 7))
    assert lazy.lazy and not eager.lazy
    assert lazy.result.magnitude.chunks == ((10, 10, 10, 7), (7, 7, 7, 2))
    done = lazy.compute()
    assert not done.lazy
    assert done.result.units == eager.result.units
    np.testing.assert_array_equal(done.result.m, eager.result.m)


def test_chunked_record_with_string_field_equals_in_memory():
    kw = dict(accelerators=np.array([8, 64, 128, 512, 4096]), batch_bytes=Q_([1, 4, 16], "MB"),
              compute_time="50 ms", storage_bandwidth="672 GB/s", network_bandwidth="400 GB/s")
    eager = mlsysim.sweep(storage.input_pipeline, **kw)
    lazy = mlsysim.sweep(storage.input_pipeline, chunks={"accelerators": 2}, **kw).compute()
    assert eager.result.bottleneck.tolist() == lazy.result.bottleneck.tolist()
    assert set(eager.result.bottleneck.ravel()) >= {"compute", "network"}
    np.testing.assert_array_equal(eager.result.utilization, lazy.result.utilization)
    np.testing.assert_array_equal(eager.result.stall_time.m, lazy.result.stall_time.m)


def test_chunks_validate_early_and_name_unknown_axes():
    with pytest.raises(DomainError):
        mlsysim.sweep(checkpoint.young_interval, write_time=Q_([-1.0, 2.0], "s"), mtbf="4 h", chunks=1)
    with pytest.raises(ValueError, match="not swept axes"):
        mlsysim.sweep(checkpoint.young_interval, write_time=WRITE, mtbf="4 h", chunks={"mtbf": 2})
    with pytest.raises(ValueError, match="2 lengths for 1 axes"):
        mlsysim.sweep(checkpoint.young_interval, write_time=WRITE, mtbf="4 h", chunks=(2, 2))


def test_each_block_is_evaluated_once_for_all_fields():
    calls = []

    def counted(**kw):
        calls.append(1)
        return storage.input_pipeline(**kw)

    lazy = mlsysim.sweep(counted, accelerators=np.arange(1, 9), batch_bytes=Q_([1.0, 2.0], "MB"),
                         compute_time="50 ms", storage_bandwidth="1 GB/s", chunks=(4, 1))
    calls.clear()  # the probe
    lazy.compute(scheduler="synchronous")
    assert len(calls) == 2 * 2  # 2 x 2 blocks, however many fields the record has


def test_to_xarray_has_axes_units_and_values():
    s = mlsysim.sweep(checkpoint.waste_breakdown, work="30 day", interval=Q_([30, 60, 120], "min"),
                      write_time=Q_([1, 5], "min"), mtbf="4 h")
    ds = s.to_xarray()
    assert ds["total"].dims == ("interval", "write_time")
    assert ds.coords["interval"].attrs["units"] == "min"
    assert ds["total"].attrs["units"] == s.result.total.units.__format__("~P")
    # the parts sum to the total, seen through xarray
    parts = ds["useful"] + ds["checkpointing"] + ds["rework"] + ds["restart"]
    np.testing.assert_allclose(parts.values, ds["total"].values, rtol=1e-12)
    assert float(ds["total"].sel(interval=60, write_time=5)) == s.result.total.m[1, 1]
    assert ds.attrs["model"] == "mlsysim.models.checkpoint.waste_breakdown"


def test_lazy_sweep_to_xarray_stays_lazy_and_computes_equal():
    lazy = mlsysim.sweep(checkpoint.young_interval, write_time=WRITE, mtbf=MTBF, chunks=8)
    ds = lazy.to_xarray()
    assert ds["result"].chunks is not None
    eager = mlsysim.sweep(checkpoint.young_interval, write_time=WRITE, mtbf=MTBF)
    np.testing.assert_array_equal(ds["result"].values, eager.result.m)


def test_columns_of_a_lazy_sweep_ask_for_compute():
    lazy = mlsysim.sweep(checkpoint.young_interval, write_time=WRITE, mtbf=MTBF, chunks=8)
    with pytest.raises(TypeError, match="compute"):
        lazy.columns()
    assert len(lazy.compute().columns()["result [s]"]) == 37 * 23


def test_distributed_cluster_of_worker_processes_gives_the_in_memory_values():
    distributed = pytest.importorskip("distributed")
    eager = mlsysim.sweep(checkpoint.optimal_interval, write_time=WRITE, mtbf=MTBF, restart_time="10 min")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as cluster, \
            distributed.Client(cluster) as client:
        lazy = mlsysim.sweep(checkpoint.optimal_interval, write_time=WRITE, mtbf=MTBF,
                             restart_time="10 min", chunks=(12, 12))
        done = lazy.compute()
        assert len(client.scheduler_info()["workers"]) == 2
    np.testing.assert_array_equal(done.result.m, eager.result.m)
    assert done.result.units == eager.result.units
