"""Dynamic int8 on the CPU: torch.ao's path (torchao measured slower on this CPU, bench/README.md) with its
deprecation warnings silenced where they are raised, and only there."""

import warnings

import torch

from model.extractor import Extractor, quantize_int8


def test_int8_loads_and_extracts_without_deprecation_warnings(tiny_model_dir):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        extractor = Extractor.load(tiny_model_dir, device="cpu", int8=True)
        record = extractor.extract("市长李红梅主持会议，签约50亿元。")
    assert extractor.dtype == "int8" and isinstance(record["entities"], list)
    quantization = [w for w in caught if "quantiz" in str(w.message).lower() or "torchao" in str(w.message).lower()]
    assert quantization == []


def test_the_silencing_is_local():
    quantize_int8(torch.nn.Sequential(torch.nn.Linear(4, 4)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("something else is deprecated", DeprecationWarning, stacklevel=1)
    assert len(caught) == 1  # the filter did not leak out of quantize_int8
