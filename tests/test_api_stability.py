"""A snapshot of the API contract (shared/API.md): a rename or a dropped parameter fails here.

Extra parameters are allowed only after the listed ones and only with defaults; extra
record fields are allowed.  A deliberate change to this table is an API change and
follows docs/api-stability.md (deprecation for one release).
"""

import importlib
import inspect

import attrs
import pytest

import mlsysim
import mlsysim._records

P = inspect.Parameter
POS, KW = P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY
REQ = P.empty
LUSTRE_MDS = mlsysim.hardware.LUSTRE_MDS

# module, function, [(parameter, kind, default)]
SIGNATURES = [
    ("storage", "transfer_time", [("size", POS, REQ), ("bandwidth", POS, REQ)]),
    ("storage", "egress_cost", [("size", POS, REQ), ("price", POS, REQ)]),
    ("storage", "data_gravity", [("dataset_size", POS, REQ), ("link_bandwidth", POS, REQ),
                                 ("training_time", POS, REQ), ("egress_price", POS, REQ),
                                 ("compute_cost_in_place", POS, REQ)]),
    ("storage", "device_throughput", [("device", POS, REQ), ("block_size", POS, REQ), ("queue_depth", POS, 1)]),
    ("storage", "fit_device", [("block_size", POS, REQ), ("queue_depth", POS, REQ), ("throughput", POS, REQ),
                               ("access", KW, "random"), ("base", KW, None)]),
    ("storage", "input_pipeline", [("accelerators", POS, REQ), ("batch_bytes", POS, REQ), ("compute_time", POS, REQ),
                                   ("storage_bandwidth", POS, REQ), ("access_efficiency", POS, 1.0),
                                   ("network_bandwidth", POS, None), ("overlap", POS, True)]),
    ("storage", "prefetch_depth", [("latency", POS, REQ), ("compute_time", POS, REQ)]),
    ("storage", "cache_hit_fraction", [("cache_capacity", POS, REQ), ("dataset_size", POS, REQ),
                                       ("policy", POS, "static")]),
    ("storage", "workload_demand", [("workload", POS, REQ), ("accelerators", POS, 1)]),
    ("storage", "supported_accelerators", [("workload", POS, REQ), ("storage_bandwidth", POS, REQ),
                                           ("client_bandwidth", KW, None), ("clients", KW, 1),
                                           ("min_utilization", KW, None)]),
    ("storage", "tiered_pipeline", [("demand", POS, REQ), ("tiers", POS, REQ)]),
    ("metadata", "metadata_demand", [("accelerators", POS, REQ), ("workers_per_accelerator", POS, REQ),
                                     ("opens_per_worker", POS, REQ), ("ops_per_open", POS, 3)]),
    ("metadata", "mds_saturation", [("demand", POS, REQ), ("servers", POS, 1), ("server", POS, LUSTRE_MDS)]),
    ("metadata", "mmc_wait_time", [("arrival_rate", POS, REQ), ("service_rate", POS, REQ), ("servers", POS, REQ)]),
    ("checkpoint", "fleet_mtbf", [("node_mtbf", POS, REQ), ("nodes", POS, REQ)]),
    ("checkpoint", "failure_probability", [("mtbf", POS, REQ), ("duration", POS, REQ)]),
    ("checkpoint", "fleet_survival", [("node_survival", POS, REQ), ("nodes", POS, REQ)]),
    ("checkpoint", "young_interval", [("write_time", POS, REQ), ("mtbf", POS, REQ)]),
    ("checkpoint", "daly_interval", [("write_time", POS, REQ), ("mtbf", POS, REQ)]),
    ("checkpoint", "expected_runtime", [("work", POS, REQ), ("interval", POS, REQ), ("write_time", POS, REQ),
                                        ("mtbf", POS, REQ), ("restart_time", POS, "0 s")]),
    ("checkpoint", "optimal_interval", [("write_time", POS, REQ), ("mtbf", POS, REQ), ("restart_time", POS, "0 s")]),
    ("checkpoint", "waste_breakdown", [("work", POS, REQ), ("interval", POS, REQ), ("write_time", POS, REQ),
                                       ("mtbf", POS, REQ), ("restart_time", POS, "0 s")]),
    ("ops", "canary_sample_size", [("confidence", POS, REQ), ("failure_rate", POS, REQ),
                                   ("allowed_failures", POS, 0)]),
    ("ops", "shadow_duration", [("confidence", POS, REQ), ("failure_rate", POS, REQ), ("request_rate", POS, REQ),
                                ("traffic_fraction", POS, 1.0)]),
    ("ops", "toil_cost", [("models", POS, REQ), ("alert_cost", KW, REQ), ("deploy_cost", KW, REQ),
                          ("dependency_cost", KW, REQ), ("heterogeneity", KW, 1.0)]),
    ("ops", "platform_roi", [("models", POS, REQ), ("platform_cost", KW, REQ), ("toil_reduction", KW, REQ),
                             ("alert_cost", KW, REQ), ("deploy_cost", KW, REQ), ("dependency_cost", KW, REQ),
                             ("heterogeneity", KW, 1.0)]),
    ("ops", "break_even_models", [("platform_cost", KW, REQ), ("toil_reduction", KW, REQ), ("alert_cost", KW, REQ),
                                  ("deploy_cost", KW, REQ), ("dependency_cost", KW, REQ),
                                  ("heterogeneity", KW, 1.0)]),
]

# record-returning functions: (module, record class, required fields)
RECORDS = [
    ("storage", "DataGravity", ["transfer_time", "egress_cost", "transfer_exceeds_training", "decision"]),
    ("storage", "InputPipeline", ["demand", "supply", "per_accelerator_bandwidth", "io_time", "compute_time",
                                  "stall_time", "utilization", "bottleneck"]),
    ("storage", "TieredPipeline", ["delivered_bandwidth", "utilization", "bottleneck_tier"]),
    ("storage", "DeviceFit", ["device", "predicted", "measured", "relative_error"]),
    ("metadata", "MdsSaturation", ["capacity", "utilization", "overloaded", "servers_needed"]),
    ("checkpoint", "WasteBreakdown", ["useful", "checkpointing", "rework", "restart", "total", "waste_fraction"]),
]


@pytest.mark.parametrize("module, name, params", SIGNATURES, ids=[f"{m}.{n}" for m, n, _ in SIGNATURES])
def test_signature(module, name, params):
    mod = importlib.import_module(f"mlsysim.models.{module}")
    fn = getattr(mod, name)
    assert getattr(mlsysim.models, module) is mod
    sig = inspect.signature(fn)
    actual = list(sig.parameters.values())
    listed = [p for p in actual if p.name in {n for n, _, _ in params}]
    assert [p.name for p in listed] == [n for n, _, _ in params], "parameter names or order changed"
    for p, (pname, kind, default) in zip(listed, params):
        assert p.kind == kind, f"{name}({pname}) kind changed"
        if default is REQ:
            assert p.default is REQ, f"{name}({pname}) became optional"
        else:
            assert p.default == default, f"{name}({pname}) default changed"
    # positional parameters keep their positions; extras come with defaults
    positional = [p.name for p in actual if p.kind == POS]
    listed_pos = [n for n, k, _ in params if k == POS]
    assert positional[: len(listed_pos)] == listed_pos
    for p in actual:
        if p.name not in {n for n, _, _ in params}:
            assert p.default is not REQ, f"extra parameter {p.name} must have a default"


@pytest.mark.parametrize("module, cls, fields", RECORDS, ids=[c for _, c, _ in RECORDS])
def test_record_fields(module, cls, fields):
    mod = importlib.import_module(f"mlsysim.models.{module}")
    record = getattr(mod, cls)
    assert attrs.has(record)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):  # frozen
        setattr(object.__new__(record), fields[0], 1)
    assert issubclass(record, mlsysim._records.Record)
    names = [f.name for f in attrs.fields(record)]
    for f in fields:
        assert f in names


def test_top_level_sweep():
    assert callable(mlsysim.sweep)
    assert list(inspect.signature(mlsysim.sweep).parameters)[0] == "fn"
