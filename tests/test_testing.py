"""The hypothesis strategies in mlsysim.testing."""

import numpy as np
import pytest
from hypothesis import given, settings

from mlsysim import ureg
from mlsysim.hardware import H100, Accelerator, Spec
from mlsysim.testing import catalog_specs, magnitudes, quantities, spec_variants


@given(quantities("h", 0.5, 100))
def test_scalar_quantities_in_range(q):
    assert q.units == ureg.hour
    assert 0.5 <= q.m <= 100


@given(quantities("GB/s", 1, 1000, units=["GB/s", "Gbit/s", "MiB/s"]))
def test_quantities_in_other_units_keep_their_size(q):
    assert q.dimensionality == ureg("GB/s").dimensionality
    size = q.to("GB/s").m
    assert (1 - 1e-12) <= size <= 1000 * (1 + 1e-12)


@given(quantities("s", 1, 10, shape=(3, 2)))
def test_array_quantities_have_shape(q):
    assert q.m.shape == (3, 2)
    assert np.all((q.m >= 1) & (q.m <= 10))


@given(quantities("s", 1, 10, arrays=True))
def test_scalar_or_array(q):
    assert np.all(np.asarray(q.m) >= 1)


@given(magnitudes(1e-10, 10.0))
def test_log_uniform_covers_range(x):
    assert 1e-10 <= x <= 10.0


def test_bad_bounds():
    with pytest.raises(ValueError):
        magnitudes(2, 1)
    with pytest.raises(ValueError):
        quantities("s", 1, 2, units=["GB"])


@given(catalog_specs())
def test_catalog_specs_are_specs(spec):
    assert isinstance(spec, Spec)


@settings(max_examples=50)
@given(spec_variants())
def test_variants_are_valid_specs(spec):
    # evolve re-validated them; they are still well formed and printable
    assert isinstance(spec, Spec)
    assert str(spec)


@given(spec_variants(H100, scale=(0.5, 2.0)))
def test_variants_of_one_entry(spec):
    assert isinstance(spec, Accelerator)
    ratio = (spec.memory_bandwidth / H100.memory_bandwidth).to("").m
    assert 0.5 * (1 - 1e-12) <= ratio <= 2.0 * (1 + 1e-12)


@given(spec_variants(Accelerator))
def test_variants_of_a_class(spec):
    assert isinstance(spec, Accelerator)
