# Set-up and main jobs. Every target creates .venv and installs the project first when needed.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,pretrain]'
	touch $(STAMP)

.PHONY: install serve test annotations model
install: $(STAMP)

serve: $(STAMP)
	$(VENV)/bin/zsie serve

test: $(STAMP)
	$(VENV)/bin/python -m pytest -q

annotations: $(STAMP)
	$(VENV)/bin/zsie annotations build annotations/src --output annotations
	$(VENV)/bin/zsie annotations validate annotations/

model: $(STAMP)
	$(VENV)/bin/zsie train --train annotations/train.jsonl --dev annotations/dev.jsonl \
		--base-model models/encoder-small-mlm --output models/zsie-small
	$(VENV)/bin/zsie evaluate --model models/zsie-small --data annotations/test.jsonl --output models/zsie-small/eval
