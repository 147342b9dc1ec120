"""Catalog entries: real products with cited numbers, and labelled scenario assumptions.

Every entry is a frozen spec (:mod:`mlsysim.hardware.specs`).  Its
``provenance`` names the primary source; ``field_sources`` says, per number,
what exactly it measures and where it comes from.  Numbers that are
textbook-lab assumptions rather than datasheet values say so in their note.

Prefixes are exact: ``GB`` is 10**9 bytes, ``GiB`` 2**30 bytes, as the
datasheets print them.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from .specs import (
    Accelerator,
    HostMemory,
    MetadataServer,
    Microcontroller,
    NetworkLink,
    NonVolatileMemory,
    ObjectStore,
    Provenance,
    Spec,
    StorageDevice,
    StorageServer,
)

_SEED_STORAGE = "Machine Learning Systems textbook, Vol. 2 lab 04 'Data Storage' (lab code)"

# --------------------------------------------------------------------------- accelerators

_H100_DATASHEET = Provenance(
    source="NVIDIA H100 Tensor Core GPU datasheet (H100 SXM column)",
    url="https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet",
    note="SXM5 form factor, 80 GB HBM3; figures cross-checked against G. Lockwood's H100 notes "
         "(https://glennklockwood.com/garden/processors/h100: 'BF16 | 133.8 | 989.4 | 1978.9' for "
         "vector | dense matrix | sparse), the NVIDIA PDF itself was not available to us",
)

H100 = Accelerator(
    name="NVIDIA H100 SXM5 80GB",
    peak_flops="989.4 TFLOP/s",
    memory_capacity="80 GiB",
    memory_bandwidth="3.35 TB/s",
    host_link_bandwidth="64 GB/s",
    power="700 W",
    scale_up_bandwidth="900 GB/s",
    provenance=_H100_DATASHEET,
    field_sources={
        "peak_flops": Provenance(
            source="NVIDIA H100 Tensor Core GPU Architecture whitepaper, Table 1 / H100 datasheet",
            url="https://resources.nvidia.com/en-us-tensor-core/gtc22-whitepaper-hopper",
            note="dense BF16/FP16 Tensor Core peak, no sparsity (the datasheet's 1,979 TFLOPS is the 2:4 sparse figure)",
        ),
        "memory_capacity": Provenance(_H100_DATASHEET.source, _H100_DATASHEET.url, "HBM3 capacity: the datasheet's \"80GB\" is five 16 GiB HBM3 stacks, 80 GiB = 85.9 GB"),
        "memory_bandwidth": Provenance(_H100_DATASHEET.source, _H100_DATASHEET.url, "HBM3 peak bandwidth, 3.35 TB/s"),
        "host_link_bandwidth": Provenance(
            _H100_DATASHEET.source, _H100_DATASHEET.url,
            "PCIe Gen5 x16: the datasheet's 128 GB/s counts both directions; 64 GB/s per direction",
        ),
        "power": Provenance(_H100_DATASHEET.source, _H100_DATASHEET.url, "maximum thermal design power, up to 700 W (configurable)"),
        "scale_up_bandwidth": Provenance(_H100_DATASHEET.source, _H100_DATASHEET.url, "NVLink 4, 900 GB/s total (both directions, 18 links)"),
    },
)

_A100_DATASHEET = Provenance(
    source="NVIDIA A100 Tensor Core GPU datasheet (A100 80GB SXM column)",
    url="https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf",
    note="SXM4 form factor, 80 GB HBM2e; figures cross-checked against G. Lockwood's A100 notes "
         "(https://glennklockwood.com/garden/processors/A100: 'BF16 | 312 | 624' dense | sparse)",
)

A100 = Accelerator(
    name="NVIDIA A100 SXM4 80GB",
    peak_flops="312 TFLOP/s",
    memory_capacity="80 GB",
    memory_bandwidth="2039 GB/s",
    host_link_bandwidth="32 GB/s",
    power="400 W",
    scale_up_bandwidth="600 GB/s",
    provenance=_A100_DATASHEET,
    field_sources={
        "peak_flops": Provenance(_A100_DATASHEET.source, _A100_DATASHEET.url,
                                 "dense BF16/FP16 Tensor Core peak (624 TFLOPS is the sparse figure)"),
        "memory_capacity": Provenance(_A100_DATASHEET.source, _A100_DATASHEET.url, "HBM2e capacity, 80 GB decimal"),
        "memory_bandwidth": Provenance(_A100_DATASHEET.source, _A100_DATASHEET.url, "HBM2e peak bandwidth, 2,039 GB/s"),
        "host_link_bandwidth": Provenance(_A100_DATASHEET.source, _A100_DATASHEET.url,
                                          "PCIe Gen4 x16: 64 GB/s both directions, 32 GB/s per direction"),
        "power": Provenance(_A100_DATASHEET.source, _A100_DATASHEET.url, "maximum TDP, 400 W"),
        "scale_up_bandwidth": Provenance(_A100_DATASHEET.source, _A100_DATASHEET.url, "NVLink 3, 600 GB/s total"),
    },
)

# --------------------------------------------------------------------------- storage devices

_P5500 = Provenance(
    source="Intel SSD D7-P5500 launch specifications (3.84 TB model), as reported by ilsoftware.it",
    url="https://ilsoftware.it/intel-presenta-le-sue-unita-ssd-pcie-40-per-le-aziende-d7-p5500-e-d7-p5600_21379",
    note="PCIe Gen4 x4 U.2 datacenter NVMe SSD; 'sequential read/write 7000/4300 MB/s, random 4K read "
         "1,000,000 IOPS, random write 130,000 IOPS'",
)

NVME_GEN4 = StorageDevice(
    name="Intel SSD D7-P5500 3.84TB",
    read_bandwidth="7000 MB/s",
    write_bandwidth="4300 MB/s",
    random_read_iops="1000000 IOPS",
    random_write_iops="130000 IOPS",
    read_latency="85 us",
    capacity="3.84 TB",
    kind="NVMe SSD",
    provenance=_P5500,
    field_sources={
        "read_bandwidth": Provenance(_P5500.source, _P5500.url,
                                     "sequential read, decimal MB/s (the textbook labs' '7 GB/s Gen4 NVMe')"),
        "write_bandwidth": Provenance(_P5500.source, _P5500.url, "sequential write, decimal MB/s"),
        "random_read_iops": Provenance(_P5500.source, _P5500.url, "4 KiB random read IOPS at the datasheet's high queue depth"),
        "random_write_iops": Provenance(_P5500.source, _P5500.url, "4 KiB random write IOPS, steady state"),
        "read_latency": Provenance(
            "Intel SSD DC P4500 specifications (Lenovo product guide 4XB7A08539)", None,
            "typical 4 KiB random read access latency of Intel's datacenter NVMe line ('Read access latency "
            "random 85 us', 1-2 TB P4500, a Gen3 sibling); the D7-P5500's own latency figure was not "
            "available, and NAND read time, not the PCIe generation, dominates it"),
        "capacity": Provenance(_P5500.source, _P5500.url, "user capacity, decimal TB"),
    },
)

_SAMSUNG_870 = Provenance(
    source="Samsung SSD 870 EVO data sheet",
    url="https://semiconductor.samsung.com/consumer-storage/internal-ssd/870evo/",
    note="SATA 6 Gbit/s client SSD, 1 TB model",
)

SATA_SSD = StorageDevice(
    name="Samsung 870 EVO 1TB",
    read_bandwidth="560 MB/s",
    write_bandwidth="530 MB/s",
    random_read_iops="98000 IOPS",
    random_write_iops="88000 IOPS",
    read_latency="76.9 us",
    capacity="1 TB",
    kind="SATA SSD",
    provenance=_SAMSUNG_870,
    field_sources={
        "read_bandwidth": Provenance(_SAMSUNG_870.source, _SAMSUNG_870.url, "sequential read, up to 560 MB/s (SATA-limited)"),
        "write_bandwidth": Provenance(_SAMSUNG_870.source, _SAMSUNG_870.url, "sequential write, up to 530 MB/s"),
        "random_read_iops": Provenance(
            "KitGuru, Samsung SSD 870 EVO 1TB review",
            "https://www.kitguru.net/components/ssd-drives/simon-crisp/samsung-ssd-870-evo-1tb-review/all/1/",
            "'up to 98,000 IOPS ... for reads ... at QD32', 4 KiB random"),
        "random_write_iops": Provenance(
            "KitGuru, Samsung SSD 870 EVO 1TB review",
            "https://www.kitguru.net/components/ssd-drives/simon-crisp/samsung-ssd-870-evo-1tb-review/all/1/",
            "'88,000 IOPS for ... writes at QD32', 4 KiB random"),
        "read_latency": Provenance(
            "KitGuru, Samsung SSD 870 EVO 1TB review (Samsung's QD1 figures)",
            "https://www.kitguru.net/components/ssd-drives/simon-crisp/samsung-ssd-870-evo-1tb-review/all/1/",
            "derived: 'up to 13,000 IOPS for reads at QD1' means one 4 KiB read takes 1/13,000 s = 76.9 us"),
        "capacity": Provenance(_SAMSUNG_870.source, _SAMSUNG_870.url, "user capacity, decimal TB"),
    },
)

_EXOS = Provenance(
    source="Seagate Exos X18 product data sheet",
    url="https://www.seagate.com/www-content/datasheets/pdfs/exos-x18-channel-DS2045-4-2106US-en_US.pdf",
    note="18 TB, 7,200 RPM, SATA 6 Gbit/s enterprise HDD",
)

HDD = StorageDevice(
    name="Seagate Exos X18 18TB",
    read_bandwidth="270 MB/s",
    write_bandwidth="270 MB/s",
    random_read_iops="152 IOPS",
    random_write_iops="280 IOPS",
    read_latency="12.36 ms",
    capacity="18 TB",
    kind="HDD",
    provenance=_EXOS,
    field_sources={
        "read_bandwidth": Provenance(_EXOS.source, _EXOS.url,
                                     "maximum sustained transfer rate at the outer diameter (270 MB/s; "
                                     "unverified against the stored datasheet, recalled figure); inner tracks are ~half"),
        "write_bandwidth": Provenance(_EXOS.source, _EXOS.url, "maximum sustained transfer rate at the outer diameter (as read)"),
        "random_read_iops": Provenance(
            "Tom's Hardware on the Seagate Exos 2X18 (dual-actuator sibling)",
            "https://www.tomshardware.com/news/seagate-launches-2nd-gen-dual-actuator-hdds-18-tb",
            "derived: the dual-actuator 2X18 does '304/560 random read/write IOPS (4K QD16)'; one actuator is half: 152"),
        "random_write_iops": Provenance(
            "Tom's Hardware on the Seagate Exos 2X18 (dual-actuator sibling)",
            "https://www.tomshardware.com/news/seagate-launches-2nd-gen-dual-actuator-hdds-18-tb",
            "derived: half of the dual-actuator 2X18's 560 random write IOPS (4K QD16, write cache on): 280"),
        "read_latency": Provenance(
            "Tom's Hardware on the Seagate Exos 2X18 (same 7,200 RPM spindle); HGST Ultrastar 7K4000 specification",
            "https://www.tomshardware.com/news/seagate-launches-2nd-gen-dual-actuator-hdds-18-tb",
            "derived: one small random read at QD1 = average seek + average rotational latency = 8.2 ms "
            "(typical read seek of a 7,200 RPM enterprise disk, the Ultrastar 7K4000's 'Read 8.2 ms typical'; "
            "the X18's own seek figure was not available) + 4.16 ms (half a turn, 60/7200/2 s, the 2X18's "
            "stated 'average latency of 4.16 ms') = 12.36 ms, i.e. about 81 IOPS at queue depth 1"),
        "capacity": Provenance(_EXOS.source, _EXOS.url, "user capacity, decimal TB"),
    },
)

_UFS = Provenance(
    source="Samsung 512GB eUFS 3.1 mass-production announcement (March 2020), as reported by CDRinfo",
    url="https://cdrinfo.com/d7/content/samsung-begins-mass-production-speedy-512gb-eufs-31-smartphones",
    note="phone flash storage, UFS 3.1; Samsung's table: '2100MB/s | 1200MB/s | 100,000 IOPS | 70,000 IOPS'",
)

UFS_31 = StorageDevice(
    name="Samsung eUFS 3.1 512GB",
    read_bandwidth="2100 MB/s",
    write_bandwidth="1200 MB/s",
    random_read_iops="100000 IOPS",
    random_write_iops="70000 IOPS",
    read_latency="100 us",
    capacity="512 GB",
    kind="UFS flash",
    provenance=_UFS,
    field_sources={
        "read_bandwidth": Provenance(_UFS.source, _UFS.url, "sequential read, decimal MB/s"),
        "write_bandwidth": Provenance(_UFS.source, _UFS.url, "sequential write, decimal MB/s"),
        "random_read_iops": Provenance(_UFS.source, _UFS.url, "4 KiB random read IOPS (queue depth not stated)"),
        "random_write_iops": Provenance(_UFS.source, _UFS.url, "4 KiB random write IOPS (queue depth not stated)"),
        "read_latency": Provenance("typical mobile NAND 4 KiB read latency at QD1", None,
                                   "assumed typical value, not from a datasheet (unverified)"),
        "capacity": Provenance(_UFS.source, _UFS.url, "user capacity, decimal GB"),
    },
)

_W25Q = Provenance(
    source="Winbond W25Q128JV serial NOR flash data sheet",
    url="https://www.winbond.com/hq/product/code-storage-flash-memory/serial-nor-flash/?__locale=en&partNo=W25Q128JV",
    note="128 Mbit (16 MiB) quad-SPI NOR flash",
)

NOR_FLASH = StorageDevice(
    name="Winbond W25Q128JV",
    read_bandwidth="66.5 MB/s",
    write_bandwidth="0.64 MB/s",
    random_read_iops="100000 IOPS",
    random_write_iops="1400 IOPS",
    read_latency="10 us",
    capacity="16 MiB",
    iops_block_size="256 B",
    kind="NOR flash",
    provenance=_W25Q,
    field_sources={
        "read_bandwidth": Provenance(_W25Q.source, _W25Q.url, "(recalled, unverified against the stored copy) quad-SPI fast read at 133 MHz: 4 bits x 133 MHz = 66.5 MB/s"),
        "write_bandwidth": Provenance(_W25Q.source, _W25Q.url, "(recalled, unverified) 256-byte page program, 0.4 ms typical: 256 B / 0.4 ms = 0.64 MB/s (erase excluded)"),
        "random_read_iops": Provenance(_W25Q.source, _W25Q.url,
                                       "derived: a 256-byte random read costs a command, address and dummy cycles "
                                       "(~10 us including bus overhead); an estimate, not a datasheet figure"),
        "random_write_iops": Provenance(_W25Q.source, _W25Q.url, "derived: 1 / (0.4 ms page program + overhead), 256-byte pages"),
        "read_latency": Provenance(_W25Q.source, _W25Q.url, "estimate of command + address + first data at 133 MHz plus bus overhead"),
        "capacity": Provenance(_W25Q.source, _W25Q.url, "128 Mbit = 16 MiB"),
        "iops_block_size": Provenance(_W25Q.source, _W25Q.url, "page size 256 bytes"),
    },
)

# --------------------------------------------------------------------------- memory

_DDR5 = Provenance(
    source="JEDEC JESD79-5 DDR5 SDRAM standard; DDR5-4800 x 8 channels (one server socket)",
    url="https://www.jedec.org/standards-documents/docs/jesd79-5c",
    note="peak = 4800 MT/s x 8 bytes per channel x 8 channels = 307.2 GB/s",
)

HOST_DRAM = HostMemory(
    name="DDR5-4800 8-channel host DRAM 512GB",
    capacity="512 GB",
    bandwidth="307.2 GB/s",
    latency="100 ns",
    provenance=_DDR5,
    field_sources={
        "capacity": Provenance("scenario assumption: 8 x 64 GB RDIMMs", None, "a typical training-server socket"),
        "bandwidth": Provenance(_DDR5.source, _DDR5.url, "theoretical peak, 8 channels x 38.4 GB/s; sustained is ~70-80% of it"),
        "latency": Provenance("typical DRAM load-to-use latency on a server CPU", None, "typical value, not a standard figure"),
    },
)

# --------------------------------------------------------------------------- storage servers

LUSTRE_OST = StorageServer(
    name="Lustre OST server (4 x NVMe Gen4)",
    read_bandwidth="28 GB/s",
    write_bandwidth="16 GB/s",
    devices=4,
    device=NVME_GEN4,
    provenance=Provenance(
        source=_SEED_STORAGE,
        url=None,
        note="textbook scenario assumption: one OST server with 4 NVMe drives at 7 GB/s each = 28 GB/s",
    ),
    field_sources={
        "read_bandwidth": Provenance(_SEED_STORAGE, None,
                                     "scenario assumption: 4 drives x 7 GB/s sequential read; the Lustre Operations "
                                     "Manual's scalability table gives 15-25 GB/s per OSS in production, so 28 GB/s "
                                     "is an optimistic all-NVMe server"),
        "write_bandwidth": Provenance(_SEED_STORAGE, None, "scenario assumption: 4 drives x 4.3 GB/s sequential write, rounded down to 16 GB/s"),
        "devices": Provenance(_SEED_STORAGE, None, "scenario assumption: 4 NVMe drives per OST"),
    },
)

LUSTRE_MDS = MetadataServer(
    name="Lustre MDS (single MDT)",
    ops_rate="50000 1/s",
    provenance=Provenance(
        source=_SEED_STORAGE,
        url=None,
        note="textbook scenario assumption: 50,000 metadata operations per second per MDS",
    ),
    field_sources={
        "ops_rate": Provenance(
            _SEED_STORAGE, None,
            "scenario assumption of 50,000 metadata ops/s per MDS (open, stat and close each count one). It "
            "equals the Lustre Operations Manual's older 'known production usage' figure of '50000/s metadata "
            "stat operations' (creates: 15000/s); newer manual editions report 100k creates/s and 200k stats/s "
            "in production, so this is a conservative planning figure",
        ),
    },
)

# --------------------------------------------------------------------------- networks

_IB = Provenance(
    source="NVIDIA ConnectX-6 adapter user manual, Introduction",
    url="https://docs.nvidia.com/networking/display/ConnectX6EN/Introduction",
    note="HDR InfiniBand, 4x lanes at 50 Gbit/s: 200 Gbit/s per port per direction",
)

IB_HDR200 = NetworkLink(
    name="InfiniBand HDR200",
    bandwidth="200 Gbit/s",
    latency="600 ns",
    provenance=_IB,
    field_sources={
        "bandwidth": Provenance(_IB.source, _IB.url, "200 Gbit/s = 25 GB/s per port, per direction (signalling rate of the data)"),
        "latency": Provenance(_IB.source, _IB.url, "ConnectX-6 'sub-600ns latency' (adapter); an upper bound for the adapter, switch hops add ~100+ ns each"),
    },
)


def _ethernet(rate: str, latency: str, std: str) -> NetworkLink:
    prov = Provenance(source=f"IEEE 802.3 {std}", url="https://standards.ieee.org/ieee/802.3/10422/",
                      note="per port, per direction (full duplex)")
    return NetworkLink(
        name=f"Ethernet {rate}",
        bandwidth=rate,
        latency=latency,
        provenance=prov,
        field_sources={
            "bandwidth": Provenance(prov.source, prov.url, "MAC data rate per port per direction"),
            "latency": Provenance("typical one-way host-to-host latency through one switch with a kernel TCP stack",
                                  None, "typical value, not part of the standard"),
        },
    )


ETHERNET_1G = _ethernet("1 Gbit/s", "50 us", "1000BASE-T (Clause 40)")
ETHERNET_10G = _ethernet("10 Gbit/s", "10 us", "10GBASE-R (Clause 49)")
ETHERNET_100G = _ethernet("100 Gbit/s", "5 us", "100GBASE-R (Clause 82)")

# --------------------------------------------------------------------------- object storage

_S3_PERF = Provenance(
    source="Amazon S3 User Guide, 'Best practices design patterns: optimizing Amazon S3 performance'",
    url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html",
    note="request-rate limits per partitioned prefix",
)

S3_STANDARD = ObjectStore(
    name="Amazon S3 Standard",
    get_rate_per_prefix="5500 1/s",
    put_rate_per_prefix="3500 1/s",
    first_byte_latency="30 ms",
    egress_price="0.09 USD/GB",
    provenance=_S3_PERF,
    field_sources={
        "get_rate_per_prefix": Provenance(_S3_PERF.source, _S3_PERF.url, "at least 5,500 GET/HEAD requests per second per prefix"),
        "put_rate_per_prefix": Provenance(_S3_PERF.source, _S3_PERF.url, "at least 3,500 PUT/COPY/POST/DELETE requests per second per prefix"),
        "first_byte_latency": Provenance(_S3_PERF.source, _S3_PERF.url, "representative value: AWS says median first-byte latencies for objects under 512 KB 'are often in the tens of milliseconds range'"),
        "egress_price": Provenance("Amazon S3 pricing, data transfer out to the internet (us-east-1, first 10 TB/month)",
                                   "https://aws.amazon.com/s3/pricing/",
                                   "list price 0.09 USD/GB for the first 10 TB/month (confirmed only through a "
                                   "secondary source); the textbook data-gravity lab assumes 0.08 USD/GB"),
    },
)

# --------------------------------------------------------------------------- microcontrollers

_MSP = Provenance(
    source="Texas Instruments MSP430FR5994 product page and data sheet (SLASE54)",
    url="https://www.ti.com/product/MSP430FR5994",
    note="16-bit FRAM MCU, 256 KB FRAM, 8 KB SRAM",
)

MSP430_FRAM = NonVolatileMemory(
    name="MSP430FR5994 FRAM",
    kind="FRAM",
    capacity="256 KiB",
    write_bandwidth="16 MB/s",
    endurance=1e15,
    provenance=_MSP,
    field_sources={
        "capacity": Provenance(_MSP.source, _MSP.url, "256KB of FRAM (binary kilobytes)"),
        "write_bandwidth": Provenance(
            "TI MSP430FR5994 product page, features", "https://www.ti.com/product/MSP430FR5994",
            "'Fast write at 125 ns per word (64KB in 4 ms)': 2 bytes / 125 ns = 16 MB/s (no erase step)",
        ),
        "endurance": Provenance(_MSP.source, _MSP.url, "10^15 write cycles"),
    },
)

FERAM_MCU = Microcontroller(
    name="TI MSP430FR5994",
    clock="16 MHz",
    active_power="5.664 mW",
    sleep_power="1.5 uW",
    supply_voltage_min="1.8 V",
    supply_voltage_max="3.6 V",
    nvm=MSP430_FRAM,
    sram="8 KiB",
    provenance=_MSP,
    field_sources={
        "clock": Provenance(_MSP.source, _MSP.url, "maximum CPU frequency, 16 MHz (FRAM wait states above 8 MHz)"),
        "active_power": Provenance(_MSP.source, _MSP.url,
                                   "derived: 'Active mode: 118 uA/MHz' x 16 MHz = 1.888 mA, at a 3.0 V supply = 5.664 mW"),
        "sleep_power": Provenance(_MSP.source, _MSP.url, "derived: 'Standby with VLO (LPM3): 500 nA' x 3.0 V = 1.5 uW"),
        "supply_voltage_min": Provenance(_MSP.source, _MSP.url, "recommended supply range 1.8 V to 3.6 V"),
        "supply_voltage_max": Provenance(_MSP.source, _MSP.url, "recommended supply range 1.8 V to 3.6 V"),
        "sram": Provenance(_MSP.source, _MSP.url, "on-chip SRAM, '8KB SRAM' (binary kilobytes: 8 KiB)"),
    },
)

#: Every catalog entry by its constant name (read-only: the catalog cannot be rewritten in place).
CATALOG: Mapping[str, Spec] = MappingProxyType({name: value for name, value in dict(globals()).items()
                                               if isinstance(value, Spec) and name.isupper()})

__all__ = sorted(CATALOG)
