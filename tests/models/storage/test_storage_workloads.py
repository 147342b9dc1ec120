"""mlsysim.models.storage, MLPerf Storage workloads: bad input (known answers are in test_mlperf_storage.py)."""

import pytest

from _helpers import check_row, rows, vary
from mlsysim import DomainError, UnitError
from mlsysim.models import storage as S

# ============================================================ bad input


GOOD = {
    S.workload_demand: dict(workload="unet3d_h100", accelerators=8),
    S.supported_accelerators: dict(workload="unet3d_h100", storage_bandwidth="20 GB/s", client_bandwidth="4 GB/s",
                                   clients=2, min_utilization=0.9),
}

# (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
BAD = [
    (S.workload_demand, vary(GOOD, S.workload_demand, workload="unet3d_v100"), DomainError, "workload"),          # not in the catalog
    (S.workload_demand, vary(GOOD, S.workload_demand, workload=3.0), UnitError, "workload"),
    (S.workload_demand, vary(GOOD, S.workload_demand, accelerators=1.5), DomainError, "accelerators"),
    (S.supported_accelerators, vary(GOOD, S.supported_accelerators, storage_bandwidth="20 GB"), UnitError, "storage_bandwidth"),
    (S.supported_accelerators, vary(GOOD, S.supported_accelerators, storage_bandwidth="0 GB/s"), DomainError, "storage_bandwidth"),
    (S.supported_accelerators, vary(GOOD, S.supported_accelerators, client_bandwidth=4e9), UnitError, "client_bandwidth"),
    (S.supported_accelerators, vary(GOOD, S.supported_accelerators, clients=0), DomainError, "clients"),
    (S.supported_accelerators, vary(GOOD, S.supported_accelerators, min_utilization=1.2), DomainError, "min_utilization"),
    (S.supported_accelerators, vary(GOOD, S.supported_accelerators, min_utilization=0.0), DomainError, "min_utilization"),
]


@pytest.mark.parametrize("row", rows(BAD, GOOD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)
