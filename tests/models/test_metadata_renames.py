"""Renamed record fields of the metadata models: the old names still work for one release and warn."""

from _helpers import check_renamed
from mlsysim.models.metadata import scaling_wall


def test_scaling_wall_limit_is_max_accelerators():
    # 48 OSTs x 28 GB/s = 1,344 GB/s / 80 MB/s = 16,800 accelerators; one MDS at 50,000 ops/s against
    # 8 workers x 50 opens/s x 3 ops per accelerator: floor(50,000 / 1,200) = 41 accelerators, the first wall
    w = scaling_wall("80 MB/s", "1344 GB/s", 8, "50 1/s")
    assert check_renamed(w, "limit", "max_accelerators") == 41
    assert w.first_wall == "metadata"
