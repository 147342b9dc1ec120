"""Vectorisation audit: for every public model function, a broadcast call equals element-wise calls.

Each case names the parameters to vary (unit, range, whole numbers or not) and the fixed
arguments.  Hypothesis gives each varied parameter a scalar or an array of shape (3,),
(2, 1) or (1, 3), so mixed scalar/array calls and two-dimensional broadcasting are both
exercised; records are compared field by field.  A test also checks that the table
covers every public function, so a new model cannot skip the audit.
"""

from __future__ import annotations

import inspect
import os

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsysim import Q_, hardware
from mlsysim._records import Record
from mlsysim.models import checkpoint, metadata, ops, storage

MODULES = {"storage": storage, "metadata": metadata, "checkpoint": checkpoint, "ops": ops}


def v(unit, lo, hi, whole=False):
    """A varied parameter: ``unit`` None for plain numbers."""
    return (unit, lo, hi, whole)


# module.function -> (varied parameters, fixed arguments)
CASES = {
    "storage.transfer_time": ({"size": v("GB", 0, 1e5), "bandwidth": v("GB/s", 0.01, 100)}, {}),
    "storage.egress_cost": ({"size": v("TB", 0, 100), "price": v("USD/GB", 0, 0.2)}, {}),
    "storage.data_gravity": ({"dataset_size": v("TB", 0.1, 1000), "link_bandwidth": v("Gbit/s", 1, 400),
                              "training_time": v("h", 1, 100), "egress_price": v("USD/GB", 0, 0.1),
                              "compute_cost_in_place": v("USD", 0, 1e5)}, {}),
    "storage.device_throughput": ({"block_size": v("KiB", 0.5, 4096), "queue_depth": v(None, 1, 256, True)},
                                  {"device": hardware.NVME_GEN4}),
    "storage.storage_throughput": ({"block_size": v("KiB", 4, 4096), "outstanding_reads": v(None, 1, 1e4, True),
                                    "servers": v(None, 1, 48, True), "extra_latency": v("us", 0, 1000)},
                                   {"server": hardware.LUSTRE_OST}),
    "storage.outstanding_reads": ({"bandwidth": v("GB/s", 0, 100), "block_size": v("KiB", 4, 1024),
                                   "latency": v("us", 10, 10000)}, {}),
    "storage.input_pipeline": ({"accelerators": v(None, 1, 4096, True), "batch_bytes": v("MB", 1, 1000),
                                "compute_time": v("ms", 1, 1000), "storage_bandwidth": v("GB/s", 1, 2000),
                                "access_efficiency": v(None, 0.01, 1), "network_bandwidth": v("GB/s", 1, 1000)},
                               {}),
    "storage.prefetch_depth": ({"latency": v("ms", 0, 500), "compute_time": v("ms", 1, 100)}, {}),
    "storage.prefetch_memory": ({"batch_bytes": v("MB", 1, 1000), "latency": v("ms", 0, 500),
                                 "compute_time": v("ms", 1, 100), "accelerators": v(None, 1, 8, True)}, {}),
    "storage.cache_hit_fraction": ({"cache_capacity": v("TB", 0, 50), "dataset_size": v("TB", 0.1, 100)}, {}),
    "storage.tiered_pipeline": ({"demand": v("GB/s", 0.1, 100)},
                                {"tiers": [("DRAM", "300 GB/s", 0.2), ("NVMe", "28 GB/s", 0.5),
                                           ("S3", "1.25 GB/s", 0.3)]}),
    "storage.workload_demand": ({"accelerators": v(None, 0, 4096, True)}, {"workload": "resnet50_h100"}),
    "storage.supported_accelerators": ({"storage_bandwidth": v("GB/s", 0.1, 2000),
                                        "client_bandwidth": v("GB/s", 0.1, 100), "clients": v(None, 1, 64, True),
                                        "min_utilization": v(None, 0.05, 1)}, {"workload": "unet3d_h100"}),
    "storage.cheapest_upgrade": ({"demand": v("GB/s", 0.5, 10), "dataset_size": v("TB", 1, 100),
                                  "cache_capacity": v("TB", 0, 10), "download_bandwidth": v("Gbit/s", 1, 100)},
                                 {"cache_bandwidth": "28 GB/s"}),
    "storage.fleet_logging": ({"vehicles": v(None, 1, 10000, True), "data_rate": v("kB/s", 1, 10000),
                               "uplink_bandwidth": v("Mbit/s", 0, 100), "local_capacity": v("GB", 1, 2000),
                               "uplink_availability": v(None, 0, 1)}, {}),
    "storage.weight_streaming": ({"weight_bytes": v("MB", 0, 500), "frame_budget": v("ms", 5, 100),
                                  "block_size": v("KiB", 4, 4096), "queue_depth": v(None, 1, 64, True),
                                  "compute_time": v("ms", 0, 20)}, {}),
    "storage.audio_buffer": ({"buffer_size": v("KiB", 1, 256), "sample_rate": v("kHz", 8, 96),
                              "channels": v(None, 1, 8, True), "read_latency": v("ms", 0, 500)}, {}),
    "metadata.metadata_demand": ({"accelerators": v(None, 1, 8192, True),
                                  "workers_per_accelerator": v(None, 1, 16, True),
                                  "opens_per_worker": v("1/s", 0, 100), "ops_per_open": v(None, 1, 5, True)}, {}),
    "metadata.file_open_rate": ({"sample_rate": v("1/s", 0, 1e7), "samples_per_file": v(None, 1, 1e4, True)}, {}),
    "metadata.layout_demand": ({"sample_rate": v("1/s", 0, 1e7), "samples_per_file": v(None, 1, 1e4, True)}, {}),
    "metadata.mds_saturation": ({"demand": v("1/s", 0, 1e7), "servers": v(None, 1, 100, True),
                                 "scaling_efficiency": v(None, 0, 1), "target_utilization": v(None, 0.1, 1)}, {}),
    "metadata.max_accelerators": ({"workers_per_accelerator": v(None, 1, 16, True),
                                   "opens_per_worker": v("1/s", 0.01, 100), "servers": v(None, 1, 16, True),
                                   "scaling_efficiency": v(None, 0, 1)}, {}),
    "metadata.scaling_wall": ({"per_accelerator_bandwidth": v("MB/s", 1, 1000),
                               "storage_bandwidth": v("GB/s", 10, 2000), "workers_per_accelerator": v(None, 1, 16, True),
                               "opens_per_worker": v("1/s", 0.01, 100), "network_bandwidth": v("GB/s", 10, 2000)},
                              {}),
    "metadata.erlang_c": ({"offered_load": v(None, 0, 500), "servers": v(None, 1, 1000, True)}, {}),
    "metadata.mmc_wait_time": ({"arrival_rate": v("1/s", 0, 1e5), "service_rate": v("1/s", 10, 1e4),
                                "servers": v(None, 1, 64, True)}, {}),
    "metadata.open_latency": ({"demand": v("1/s", 0, 2e5), "threads": v(None, 1, 64, True),
                               "servers": v(None, 1, 8, True)}, {}),
    "metadata.prefix_load": ({"request_rate": v("1/s", 0, 1e7), "prefixes": v(None, 1, 1000, True),
                              "target_utilization": v(None, 0.1, 1)}, {}),
    "checkpoint.fleet_mtbf": ({"node_mtbf": v("h", 1, 1e6), "nodes": v(None, 1, 1e5, True)}, {}),
    "checkpoint.failure_probability": ({"mtbf": v("h", 0.1, 1e6), "duration": v("h", 0, 1e4)}, {}),
    "checkpoint.fleet_survival": ({"node_survival": v(None, 0, 1), "nodes": v(None, 1, 1e5, True)}, {}),
    "checkpoint.fleet_failure_probability": ({"node_failure_probability": v(None, 0, 1),
                                              "nodes": v(None, 1, 1e5, True)}, {}),
    "checkpoint.expected_failures": ({"mtbf": v("h", 0.1, 1e6), "duration": v("h", 0, 1e4)}, {}),
    "checkpoint.young_interval": ({"write_time": v("s", 1, 600), "mtbf": v("s", 1e4, 1e6)}, {}),
    "checkpoint.daly_interval": ({"write_time": v("s", 1, 600), "mtbf": v("s", 1e4, 1e6)}, {}),
    "checkpoint.optimal_interval": ({"write_time": v("s", 1e-3, 1e5), "mtbf": v("s", 1e2, 1e7),
                                     "restart_time": v("s", 0, 3600)}, {}),
    "checkpoint.expected_runtime": ({"work": v("h", 1, 1000), "interval": v("min", 1, 600),
                                     "write_time": v("min", 0.1, 30), "mtbf": v("h", 1, 100),
                                     "restart_time": v("min", 0, 30)}, {}),
    "checkpoint.waste_breakdown": ({"work": v("h", 1, 1000), "interval": v("min", 1, 600),
                                    "write_time": v("min", 0.1, 30), "mtbf": v("h", 1, 100),
                                    "restart_time": v("min", 0, 30)}, {}),
    "checkpoint.optimal_segments": ({"work": v("h", 0.1, 1000), "write_time": v("min", 0.1, 30),
                                     "mtbf": v("h", 1, 100), "restart_time": v("min", 0, 30)}, {}),
    "checkpoint.checkpoint_write_time": ({"state_size": v("GB", 0, 1000), "bandwidth": v("GB/s", 0.1, 100),
                                          "latency": v("ms", 0, 100)}, {}),
    "checkpoint.checkpoint_storm": ({"state_size": v("GB", 1, 1000), "nodes": v(None, 1, 4096, True),
                                     "node_bandwidth": v("GB/s", 1, 50), "storage_bandwidth": v("GB/s", 10, 2000),
                                     "groups": v(None, 1, 64, True)}, {}),
    "checkpoint.checkpoint_plan": ({"state_size": v("GB", 1, 1000), "mtbf": v("h", 1, 100),
                                    "write_bandwidth": v("GB/s", 1, 600), "drain_bandwidth": v("GB/s", 1, 50),
                                    "restart_time": v("min", 0, 30)}, {}),
    "checkpoint.sdc_probability": ({"rate": v("1/h", 0, 1e-5), "duration": v("day", 0, 60),
                                    "devices": v(None, 1, 1e5, True)}, {}),
    "checkpoint.sdc_detection": ({"compute_time": v("ms", 0.1, 100), "checked_bytes": v("MB", 0, 1000),
                                  "hash_bandwidth": v("GB/s", 1, 500), "deadline": v("ms", 1, 100)}, {}),
    "checkpoint.incremental_checkpoint": ({"state_size": v("GB", 0.01, 10), "dirty_fraction": v(None, 0, 1),
                                           "bandwidth": v("GB/s", 0.1, 5), "target": v("ms", 10, 1000),
                                           "latency": v("ms", 0, 10)}, {}),
    "checkpoint.holdup_energy": ({"capacitance": v("uF", 0, 1000), "start_voltage": v("V", 3.0, 3.6),
                                  "cutoff_voltage": v("V", 1.8, 2.5), "efficiency": v(None, 0.1, 1)}, {}),
    "checkpoint.brownout_save": ({"state_size": v("KiB", 0.01, 64), "capacitance": v("uF", 1, 100),
                                  "start_voltage": v("V", 3.0, 3.6), "cutoff_voltage": v("V", 1.8, 2.5),
                                  "efficiency": v(None, 0.1, 1)}, {}),
    "ops.toil_cost": ({"models": v(None, 1, 1000, True), "alert_cost": v("USD/year", 0, 1e4),
                       "deploy_cost": v("USD/year", 0, 1e4), "dependency_cost": v("USD/year", 0, 1e4),
                       "heterogeneity": v(None, 0, 1)}, {}),
    "ops.toil_breakdown": ({"models": v(None, 1, 1000, True), "alert_cost": v("USD/year", 0, 1e4),
                            "deploy_cost": v("USD/year", 0, 1e4), "dependency_cost": v("USD/year", 0, 1e4),
                            "heterogeneity": v(None, 0, 1)}, {}),
    "ops.platform_roi": ({"models": v(None, 1, 1000, True), "platform_cost": v("USD/year", 0, 1e6),
                          "toil_reduction": v(None, 0, 1), "alert_cost": v("USD/year", 0, 1e4),
                          "deploy_cost": v("USD/year", 0, 1e4), "dependency_cost": v("USD/year", 0, 1e4),
                          "heterogeneity": v(None, 0, 1)}, {}),
    "ops.break_even_models": ({"platform_cost": v("USD/year", 0, 1e6), "toil_reduction": v(None, 0, 1),
                               "alert_cost": v("USD/year", 0, 1e4), "deploy_cost": v("USD/year", 0, 1e4),
                               "dependency_cost": v("USD/year", 0, 1e4), "heterogeneity": v(None, 0, 1)}, {}),
    "ops.canary_sample_size": ({"confidence": v(None, 0.5, 0.999), "failure_rate": v(None, 1e-6, 0.1),
                                "allowed_failures": v(None, 0, 5, True)}, {}),
    "ops.shadow_duration": ({"confidence": v(None, 0.5, 0.999), "failure_rate": v(None, 1e-6, 0.1),
                             "request_rate": v("1/s", 0.1, 1e4), "traffic_fraction": v(None, 0.01, 1)}, {}),
    "ops.shadow_plan": ({"confidence": v(None, 0.5, 0.999), "failure_rate": v(None, 1e-6, 0.1),
                         "request_rate": v("1/s", 0.1, 1e4), "traffic_fraction": v(None, 0.01, 1),
                         "release_cycle": v("day", 1, 30)}, {}),
    "ops.sequential_test": ({"baseline_rate": v(None, 1e-5, 1e-3), "regressed_rate": v(None, 2e-3, 0.05),
                             "alpha": v(None, 0.01, 0.2), "beta": v(None, 0.01, 0.2)}, {}),
    "ops.ensemble_dependencies": ({"models": v(None, 1, 1000, True), "heterogeneity": v(None, 0, 1),
                                   "releases_per_model": v(None, 0, 10)}, {}),
}

SHAPES = [(), (3,), (2, 1), (1, 3)]


def public_functions():
    for mname, mod in MODULES.items():
        for name in mod.__all__:
            obj = getattr(mod, name)
            if callable(obj) and not inspect.isclass(obj):
                yield f"{mname}.{name}"


# Functions whose broadcasting rule differs from plain element-wise broadcasting, and why.
REDUCING = {
    "checkpoint.series_mtbf": "sums failure rates over the last axis of component_mtbf (the components)",
    "storage.fit_device": "fits one device to all the points it is given (covered in test_storage_devices.py)",
    "storage.read_fio_json": "reads a file, not a model (one element per fio job)",
}


def test_every_public_function_is_audited():
    missing = sorted(set(public_functions()) - set(CASES) - set(REDUCING))
    assert not missing, f"add these to the vectorisation audit: {missing}"


@settings(max_examples=20)
@given(st.lists(st.lists(st.floats(1, 1e6), min_size=3, max_size=3), min_size=2, max_size=4),
       st.integers(1, 50))
def test_series_mtbf_reduces_the_last_axis_row_by_row(rows, count):
    grid = Q_(np.array(rows), "h")
    together = checkpoint.series_mtbf(grid, count)
    assert together.shape == (len(rows),)
    for i, row in enumerate(rows):
        one = checkpoint.series_mtbf(Q_(np.array(row), "h"), count)
        np.testing.assert_allclose(together[i].to("h").m, one.to("h").m, rtol=1e-12)


def _values(lo, hi, whole, shape):
    scalar = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    if whole:
        scalar = st.integers(int(lo), int(hi)).map(float)
    if shape == ():
        return scalar
    n = int(np.prod(shape))
    return st.lists(scalar, min_size=n, max_size=n).map(lambda xs: np.array(xs).reshape(shape))


@st.composite
def arguments(draw, varied):
    kwargs = {}
    for name, (unit, lo, hi, whole) in varied.items():
        shape = draw(st.sampled_from(SHAPES))
        m = draw(_values(lo, hi, whole, shape))
        kwargs[name] = m if unit is None else Q_(m, unit)
    return kwargs


def _shape_of(x):
    return np.shape(x.magnitude if hasattr(x, "magnitude") else x)


def _at(x, shape, idx):
    if hasattr(x, "magnitude"):
        return Q_(np.broadcast_to(x.magnitude, shape)[idx].item(), x.units)
    if isinstance(x, np.ndarray):
        return np.broadcast_to(x, shape)[idx].item()
    return x


def _assert_same(vec, one, where):
    if isinstance(one, Record):
        assert type(vec) is type(one), where
        for f in attrs.fields(type(one)):
            _assert_same(getattr(vec, f.name), getattr(one, f.name), f"{where}.{f.name}")
        return
    if hasattr(one, "units"):
        assert vec.dimensionality == one.dimensionality, where
        a, b = np.asarray(vec.to(one.units).magnitude, dtype=float), float(one.magnitude)
    else:
        a, b = np.asarray(vec), np.asarray(one)
        if a.dtype.kind in "USOb" or b.dtype.kind in "USOb":
            assert a.item() == b.item(), where
            return
        a, b = a.astype(float), b.astype(float)
    assert a.shape == (), f"{where}: element of a broadcast result has shape {a.shape}"
    if np.isnan(b):
        assert np.isnan(a), where
    else:
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=0, err_msg=where)


def _element(result, idx):
    if isinstance(result, Record):
        return result[idx] if result.shape else result
    if hasattr(result, "magnitude"):
        m = result.magnitude
        return Q_(np.asarray(m)[idx] if np.ndim(m) else m, result.units)
    return np.asarray(result)[idx] if np.ndim(result) else result


def _result_shape(result):
    if isinstance(result, Record):
        return result.shape
    return _shape_of(result)


@pytest.mark.parametrize("case", sorted(CASES))
def test_broadcast_equals_elementwise(case):
    mname, fname = case.split(".")
    fn = getattr(MODULES[mname], fname)
    varied, fixed = CASES[case]

    @settings(max_examples=int(os.environ.get("MLSYSIM_AUDIT_EXAMPLES", "15")))
    @given(arguments(varied))
    def check(kwargs):
        shape = np.broadcast_shapes(*(_shape_of(x) for x in kwargs.values()))
        result = fn(**fixed, **kwargs)
        assert _result_shape(result) == shape, f"{case}: result shape {_result_shape(result)} != {shape}"
        for idx in np.ndindex(*shape) if shape else [()]:
            one = fn(**fixed, **{k: _at(x, shape, idx) for k, x in kwargs.items()})
            _assert_same(_element(result, idx) if shape else result, one, f"{case}{idx}")

    check()
