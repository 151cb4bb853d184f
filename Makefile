# Set-up and main jobs. Every target creates .venv and installs the project first when needed.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,pretrain]'
	touch $(STAMP)

.PHONY: install serve test format annotations model encoder baseline
install: $(STAMP)

serve: $(STAMP)
	$(VENV)/bin/zsie serve

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/python -m pytest -q

# Fix what ruff can and format the code (corpus/, cli/annotations.py, annotations/src/ excluded for now).
format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

annotations: $(STAMP)
	$(VENV)/bin/zsie annotations build annotations/src --output annotations
	$(VENV)/bin/zsie annotations validate annotations/

# The bundled model: fine-tune the committed pretrained encoder, evaluate on the test split, write the card.
model: $(STAMP)
	$(VENV)/bin/zsie train --train annotations/train.jsonl --dev annotations/dev.jsonl \
		--base-model models/encoder-small-mlm --output models/zsie-small --epochs 20 --augment-copies 2 --patience 5 --lr 1e-3 --batch-size 8 \
		--entity-threshold 0.6
	$(VENV)/bin/zsie find-threshold --model models/zsie-small --data annotations/dev.jsonl --output models/zsie-small
	$(VENV)/bin/zsie evaluate --model models/zsie-small --data annotations/test.jsonl --output models/zsie-small/eval
	$(VENV)/bin/zsie model-card models/zsie-small --compare "no pretraining=runs/scratch-small/eval/report.json"

# The pretrained encoder the bundled model starts from (about an hour on 2 cores).
encoder: $(STAMP)
	$(VENV)/bin/zsie pretrain --texts inews --output models/encoder-small-mlm --max-steps 1700 --max-minutes 58

# The comparison run: the same fine-tuning from a randomly initialised encoder.
baseline: $(STAMP)
	$(VENV)/bin/zsie train --train annotations/train.jsonl --dev annotations/dev.jsonl \
		--base-model scratch-small --output runs/scratch-small --epochs 20 --augment-copies 2 --patience 5 --lr 1e-3 --batch-size 8
	$(VENV)/bin/zsie evaluate --model runs/scratch-small --data annotations/test.jsonl --output runs/scratch-small/eval
