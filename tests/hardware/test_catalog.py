"""Catalog sanity over every entry, provenance, lookups, what-if variants, source figures."""

import attrs
import numpy as np
import pytest

from mlsysim import Q_, DomainError, UnitError, hardware
from mlsysim.hardware import (
    A100,
    CATALOG,
    FERAM_MCU,
    H100,
    HDD,
    IB_HDR200,
    LUSTRE_MDS,
    LUSTRE_OST,
    NVME_GEN4,
    S3_STANDARD,
    SATA_SSD,
    Provenance,
)
from mlsysim.units import DIMENSIONS

ENTRIES = sorted(CATALOG.items())
IDS = [name for name, _ in ENTRIES]


def test_at_least_twelve_entries():
    assert len(CATALOG) >= 12


@pytest.mark.parametrize("const, spec", ENTRIES, ids=IDS)
def test_every_field_has_right_dimension_and_sign(const, spec):
    for f in attrs.fields(type(spec)):
        kind = f.metadata.get("kind")
        value = getattr(spec, f.name)
        if kind is None or value is None:
            continue
        if kind == "count":
            assert float(value) >= 1, f"{const}.{f.name}"
            continue
        assert value.dimensionality == DIMENSIONS[kind], f"{const}.{f.name}"
        assert np.isfinite(value.m) and value.m > 0, f"{const}.{f.name}"


@pytest.mark.parametrize("const, spec", ENTRIES, ids=IDS)
def test_every_number_has_provenance_saying_what_it_measures(const, spec):
    assert isinstance(spec.provenance, Provenance)
    assert spec.provenance.source.strip()
    assert spec.provenance.url or "assumption" in (spec.provenance.note or "") + spec.provenance.source
    for name in spec.quantity_fields():
        if getattr(spec, name) is None:
            continue
        src = spec.source_of(name)
        assert src.note and len(src.note) > 10, f"{const}.{name} has no note saying what it measures"


@pytest.mark.parametrize("const, spec", ENTRIES, ids=IDS)
def test_field_sources_name_real_fields(const, spec):
    for name in spec.field_sources:
        assert name in attrs.fields_dict(type(spec)), f"{const}: field_sources names unknown field {name!r}"


@pytest.mark.parametrize("const, spec", ENTRIES, ids=IDS)
def test_lookup_by_constant_and_product_name(const, spec):
    assert hardware.get(const) is spec
    assert hardware.get(const.lower()) is spec
    assert hardware.get(spec.name.upper()) is spec


@pytest.mark.parametrize("const, spec", ENTRIES, ids=IDS)
def test_str_is_a_table(const, spec):
    text = str(spec)
    assert spec.name in text
    assert len(text.splitlines()) >= 2


def test_names_sorted_and_complete():
    assert hardware.names() == sorted(CATALOG)


def test_unknown_name_suggests_close_names():
    with pytest.raises(KeyError, match="H100"):
        hardware.get("H10O")
    with pytest.raises(KeyError, match="no hardware named"):
        hardware.get("zzzzzz")


def test_get_rejects_non_strings():
    with pytest.raises(TypeError):
        hardware.get(100)


# -------------------------------------------------------------- what-if variants

def test_evolve_revalidates():
    faster = attrs.evolve(H100, memory_bandwidth="4.8 TB/s")
    assert faster.memory_bandwidth == Q_(4.8, "TB/s")
    assert H100.memory_bandwidth == Q_(3.35, "TB/s")  # original untouched
    with pytest.raises(UnitError, match="Accelerator.memory_bandwidth"):
        attrs.evolve(H100, memory_bandwidth="1 s")
    with pytest.raises(DomainError, match="Accelerator.memory_bandwidth"):
        attrs.evolve(H100, memory_bandwidth="-1 GB/s")
    with pytest.raises(UnitError):
        attrs.evolve(H100, power=700)  # bare number
    with pytest.raises(UnitError):
        attrs.evolve(LUSTRE_OST, device=H100)
    with pytest.raises(DomainError):
        attrs.evolve(LUSTRE_OST, devices=0)
    with pytest.raises(DomainError):
        attrs.evolve(FERAM_MCU, supply_voltage_min="4 V")  # above the 3.6 V maximum


def test_specs_are_frozen():
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        H100.power = Q_(1, "W")


def test_flops_cannot_pass_for_bandwidth():
    with pytest.raises(UnitError):
        attrs.evolve(H100, memory_bandwidth="989 TFLOP/s")


# -------------------------------------------------------------- values against their sources

def test_h100_figures():
    # NVIDIA H100 SXM5: dense BF16 989.4 TFLOP/s (the 1,979 on the datasheet is 2:4 sparse),
    # 80 GB HBM3, 3.35 TB/s, 700 W, PCIe Gen5 x16 128 GB/s both ways -> 64 GB/s per direction.
    assert H100.peak_flops.to("TFLOP/s").m == pytest.approx(989.4)
    assert H100.peak_flops.to("TFLOP/s").m == pytest.approx(1979 / 2, rel=1e-3)  # half the sparse figure
    assert H100.memory_capacity.to("GiB").m == 80  # 80 GiB of HBM3 = 85.9 GB (five 16 GiB stacks)
    assert round(H100.memory_capacity.to("GB").m, 1) == 85.9  # 80 x 2**30 B = 85,899,345,920 B
    assert H100.memory_bandwidth.to("GB/s").m == pytest.approx(3350)
    assert H100.power.to("W").m == 700
    assert H100.host_link_bandwidth.to("GB/s").m == pytest.approx(128 / 2)


def test_a100_dense_bf16_is_not_fp32():
    # 312 TFLOP/s is dense BF16 tensor; FP32 would be 19.5 (the lab material mislabels it).
    assert A100.peak_flops.to("TFLOP/s").m == 312
    assert A100.memory_bandwidth.to("GB/s").m == 2039


def test_lustre_figures_match_lab():
    # Lab 04: OST = 4 x NVMe at 7 GB/s = 28 GB/s; 24 OSTs = 672 GB/s; MDS 50,000 ops/s.
    assert LUSTRE_OST.read_bandwidth.to("GB/s").m == 28
    assert (LUSTRE_OST.devices * NVME_GEN4.read_bandwidth).to("GB/s").m == pytest.approx(28)
    assert (24 * LUSTRE_OST.read_bandwidth).to("GB/s").m == pytest.approx(672)
    assert LUSTRE_MDS.ops_rate.to("1/s").m == 50_000
    assert "assumption" in LUSTRE_MDS.source_of("ops_rate").note


def test_ib_hdr200_is_25_gbyte_per_second_per_port():
    assert IB_HDR200.bandwidth.to("GB/s").m == pytest.approx(25.0)


def test_storage_device_figures():
    # Intel D7-P5500: 7,000 / 4,300 MB/s sequential, 1,000,000 / 130,000 4K IOPS.
    assert NVME_GEN4.read_bandwidth.to("MB/s").m == 7000
    assert NVME_GEN4.random_read_iops.to("1/s").m == 1e6
    assert NVME_GEN4.iops_block_size.to("B").m == 4096
    # 870 EVO: QD1 13,000 IOPS -> 1/13,000 s = 76.9 us per read.
    assert SATA_SSD.read_latency.to("us").m == pytest.approx(1e6 / 13000, rel=1e-3)
    # 7,200 RPM: half a turn = 60 / 7200 / 2 s = 4.1667 ms, plus an 8.2 ms average read seek = 12.37 ms
    assert HDD.read_latency.to("ms").m == pytest.approx(60 / 7200 / 2 * 1e3 + 8.2, rel=2e-3)


def test_s3_request_limits():
    # AWS: at least 3,500 PUT/COPY/POST/DELETE and 5,500 GET/HEAD per second per prefix.
    assert S3_STANDARD.get_rate_per_prefix.to("1/s").m == 5500
    assert S3_STANDARD.put_rate_per_prefix.to("1/s").m == 3500


def test_msp430_figures():
    # TI: 16 MHz, 256 KB FRAM, 118 uA/MHz active, 500 nA LPM3, 125 ns per 16-bit word write, 1e15 cycles.
    assert FERAM_MCU.clock.to("MHz").m == 16
    assert FERAM_MCU.nvm.capacity.to("KiB").m == 256
    assert FERAM_MCU.active_power.to("mW").m == pytest.approx(118e-6 * 16 * 3.0 * 1e3)
    assert FERAM_MCU.sleep_power.to("uW").m == pytest.approx(500e-9 * 3.0 * 1e6)
    assert FERAM_MCU.nvm.write_bandwidth.to("MB/s").m == pytest.approx(2 / 125e-9 / 1e6)
    assert FERAM_MCU.nvm.endurance == 1e15
    assert FERAM_MCU.supply_voltage_min.to("V").m == 1.8
