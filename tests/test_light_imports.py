"""The label schema and the corpus tools import nothing heavy."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize("module", ["corpus.validate", "model.labels"])
def test_schema_and_validator_do_not_import_torch(module):
    code = f"import sys, {module}; heavy = [m for m in ('torch', 'transformers') if m in sys.modules]; print(heavy); sys.exit(bool(heavy))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_model_still_exports_the_extractor():
    import model

    assert model.Extractor.__name__ == "Extractor" and model.Document.__name__ == "Document"
    with pytest.raises(AttributeError):
        _ = model.nothing_here
