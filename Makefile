# Set-up and main jobs. Every target creates .venv and installs the project first when needed.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,pretrain]'
	touch $(STAMP)

.PHONY: install serve test format annotations model model-written model-gold silver silver-links model-s3 silver2 model-s4 model-avg12 silver3 model-r3 model-avg-r3 silver4 model-r4 silver5 model-r5 model-avg-r5 ablation encoder encoder-wwm encoder-seq64 probe baseline
install: $(STAMP)

serve: $(STAMP)
	$(VENV)/bin/zsie serve

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/python -m pytest -q

# Fix what ruff can and format the code.
format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

annotations: $(STAMP)
	$(VENV)/bin/zsie annotations build annotations/src --output annotations
	$(VENV)/bin/zsie annotations validate annotations/

# The bundled model, in stages. Stage 1 (`model-written`, the recipe of v0.1, kept in models/zsie-written):
# fine-tune the pretrained encoder on the written training documents. Stage 2 (`model-gold`, the recipe of v0.2,
# into runs/zsie-gold): warm-start from stage 1 and fine-tune on the whole training split (real inews articles +
# written) with the lexicon channel and real-world name pools. Stage 3, self-training in two rounds: label the most
# on-topic inews articles outside the corpus with stage 2 (`silver`) and continue stage 2 on gold + silver (silver
# at half weight, titles moved after names in the augmented copies) into runs/zsie-s3 (`model-s3`, the recipe of
# v0.3); label again with that model (`silver2`) and continue stage 2 the same way on the new silver into
# runs/zsie-s4 (`model-s4`); average the two rounds (`model-avg12`, the weights of v0.4), label again with that
# average (`silver3`) and continue it on the new silver (`model-r3`). `model`: the uniform weight average of v0.4
# and round 3 (`zsie average`), the entity threshold chosen on dev for officials on real articles, evaluated on
# test (both slices), the card with the ablation tables (`make ablation` first).
TRAIN_DATA := --train annotations/train.jsonl --dev annotations/dev.jsonl --batch-size 8 --entity-threshold 0.6
STAGE2 := $(TRAIN_DATA) --base-model models/zsie-written --lr 5e-4
STAGE3 := $(TRAIN_DATA) --base-model runs/zsie-gold --lr 3e-4 --lexicon --augment-copies 1 --patience 3
model-gold: $(STAMP)
	$(VENV)/bin/zsie train $(STAGE2) --lexicon --output runs/zsie-gold --epochs 6 --augment-copies 2 --patience 3

# An evaluation set that must stay unseen: no silver text may share a line with it.
SILVER_AVOID ?= $(if $(wildcard ../shared/heldout-real),--avoid ../shared/heldout-real)
STAGE3_EPOCHS ?= 5

silver: $(STAMP)
	$(VENV)/bin/zsie silver --model runs/zsie-gold --count 400 --output runs/silver.jsonl $(SILVER_AVOID)

# The same articles with the teacher's relations too (for the ablation: silver links hurt relations).
silver-links: $(STAMP)
	$(VENV)/bin/zsie silver --model runs/zsie-gold --count 400 --output runs/silver-links.jsonl --relations $(SILVER_AVOID)

SELF_TRAIN := $(STAGE3) --epochs $(STAGE3_EPOCHS) --silver-weight 0.5 --postpose-share 0.3
model-s3: $(STAMP)
	$(VENV)/bin/zsie train $(SELF_TRAIN) --output runs/zsie-s3 --silver runs/silver.jsonl

silver2: $(STAMP)
	$(VENV)/bin/zsie silver --model runs/zsie-s3 --count 400 --output runs/silver2.jsonl $(SILVER_AVOID)

model-s4: $(STAMP)
	$(VENV)/bin/zsie train $(SELF_TRAIN) --output runs/zsie-s4 --silver runs/silver2.jsonl

# Round 3: the average of rounds 1 and 2 (v0.4) labels 400 articles again (`silver3`), its O for ORG, METRIC and
# DATE only 'O or one of these' (the teacher finds a third of the real ORGs), and is continued on gold + that
# silver (`model-r3`, lr 2e-4, 4 epochs).
model-avg12: $(STAMP)
	rm -rf runs/zsie-avg12
	$(VENV)/bin/zsie average runs/zsie-s3 runs/zsie-s4 --output runs/zsie-avg12

silver3: $(STAMP)
	$(VENV)/bin/zsie silver --model runs/zsie-avg12 --count 400 --output runs/silver3.jsonl --open-labels ORG,METRIC,DATE $(SILVER_AVOID)

ROUND3 := $(TRAIN_DATA) --base-model runs/zsie-avg12 --lr 2e-4 --lexicon --augment-copies 1 --patience 3 --epochs 4 \
	--silver-weight 0.5 --postpose-share 0.3
model-r3: $(STAMP)
	$(VENV)/bin/zsie train $(ROUND3) --output runs/zsie-r3 --silver runs/silver3.jsonl

# Round 4 (not shipped: on real dev it moved PERSON up and TITLE down, entity micro and officials no better; the
# rows r4, average-r4 and average3-r4 of the ablation table): v0.5 (the average of v0.4 and round 3, kept as
# runs/zsie-avg-r3) labels 600 articles (the 400 of round 3 and the next 200), open labels as in round 3, and is
# continued on gold + that silver for 3 epochs.
model-avg-r3: $(STAMP)
	rm -rf runs/zsie-avg-r3
	$(VENV)/bin/zsie average runs/zsie-avg12 runs/zsie-r3 --output runs/zsie-avg-r3

silver4: $(STAMP)
	$(VENV)/bin/zsie silver --model runs/zsie-avg-r3 --count 600 --output runs/silver4.jsonl --open-labels ORG,METRIC,DATE $(SILVER_AVOID)

ROUND4 := $(TRAIN_DATA) --base-model runs/zsie-avg-r3 --lr 2e-4 --lexicon --augment-copies 1 --patience 3 --epochs 3 \
	--silver-weight 0.5 --postpose-share 0.3
model-r4: $(STAMP)
	$(VENV)/bin/zsie train $(ROUND4) --output runs/zsie-r4 --silver runs/silver4.jsonl

# Round 5: v0.5 labels 400 articles outside the corpus again (open labels as in round 3) and is continued on the
# training split with 48 more real articles (197 real) + that silver for 3 epochs; `model-avg-r5` averages the two.
# (The measured run took the same weights from models/zsie-small, whose served threshold is 0.5 rather than 0.6.)
silver5: $(STAMP)
	$(VENV)/bin/zsie silver --model runs/zsie-avg-r3 --count 400 --output runs/silver5.jsonl --open-labels ORG,METRIC,DATE $(SILVER_AVOID)

model-r5: $(STAMP)
	$(VENV)/bin/zsie train $(ROUND4) --output runs/zsie-r5 --silver runs/silver5.jsonl

model-avg-r5: $(STAMP)
	rm -rf runs/zsie-avg-r5
	$(VENV)/bin/zsie average runs/zsie-avg-r3 runs/zsie-r5 --output runs/zsie-avg-r5

model: $(STAMP)
	rm -rf models/zsie-small
	$(VENV)/bin/zsie average runs/zsie-avg12 runs/zsie-r3 --output models/zsie-small
	$(VENV)/bin/zsie find-threshold --model models/zsie-small --data annotations/dev.jsonl --criterion officials-real --apply --output models/zsie-small
	$(VENV)/bin/zsie bench quant --model models/zsie-small
	$(VENV)/bin/zsie evaluate --model models/zsie-small --data annotations/test.jsonl --output models/zsie-small/eval
	$(VENV)/bin/zsie model-card models/zsie-small $(foreach run,$(ABLATION_RUNS),--ablation "$(run)=runs/abl-$(run)")

# Stage 1: the written-corpus model (training documents with source "written" only).
model-written: $(STAMP)
	mkdir -p runs && $(VENV)/bin/python -c "import json; docs = [json.loads(l) for l in open('annotations/train.jsonl')]; \
		open('runs/train-written.jsonl', 'w').writelines(json.dumps(d, ensure_ascii=False) + '\n' for d in docs if d['source'] == 'written')"
	$(VENV)/bin/zsie train --train runs/train-written.jsonl --dev annotations/dev.jsonl --base-model models/encoder-small-mlm \
		--output models/zsie-written --epochs 20 --augment-copies 2 --patience 5 --lr 1e-3 --batch-size 8 --entity-threshold 0.6 --pool-share 0

# The ablation table of the model card: each change alone and together. Stage 2 on its recipe with a short schedule
# (2 epochs, one augmented copy); stage 3 continuing stage 2 (3 epochs, one augmented copy). Scored on dev.
# s3-gold, s3-silver and s3-silver-post ran before the title pools were widened (training/augment.py); s3-spt
# is s3-silver-post's command after that, so a re-run of this target gives s3-silver-post the wider pools too.
# Self-training rounds, full schedule: r1 = model-s3, r2 = model-s4, r2-silver1 = r2's data with round-1 silver,
# average = v0.4's weights at the training threshold, r3 = model-r3, average-r3 = the bundled model's weights at the
# training threshold; r3-closed and average-r3-closed the same with silver whose O teaches O for every label.
# r4 = model-r4, average-r4 = the mean of v0.5 and r4, average3-r4 = the mean of v0.4, r3 and r4 (weights in thirds).
# The s3-* rows and r1 ran when the training split had 91 real articles; the others with 151.
ABLATION_RUNS := old-recipe lexicon pools pools+lexicon s3-gold s3-silver s3-silver-post s3-spt s3-spans r1 r2-silver1 r2 average r3 average-r3 r3-closed average-r3-closed r4 average-r4 average3-r4
ABLATION := $(STAGE2) --epochs 2 --augment-copies 1 --patience 2
ablation: $(STAMP)
	$(VENV)/bin/zsie train $(ABLATION) --output runs/abl-old-recipe --pool-share 0
	$(VENV)/bin/zsie train $(ABLATION) --output runs/abl-lexicon --pool-share 0 --lexicon
	$(VENV)/bin/zsie train $(ABLATION) --output runs/abl-pools
	$(VENV)/bin/zsie train $(ABLATION) --output runs/abl-pools+lexicon --lexicon
	$(VENV)/bin/zsie train $(STAGE3) --epochs 3 --output runs/abl-s3-gold
	$(VENV)/bin/zsie train $(STAGE3) --epochs 3 --output runs/abl-s3-silver --silver runs/silver-links.jsonl
	$(VENV)/bin/zsie train $(STAGE3) --epochs 3 --output runs/abl-s3-silver-post --silver runs/silver-links.jsonl --postpose-share 0.3
	$(VENV)/bin/zsie train $(STAGE3) --epochs 3 --output runs/abl-s3-spt --silver runs/silver-links.jsonl --postpose-share 0.3
	$(VENV)/bin/zsie train $(STAGE3) --epochs 3 --output runs/abl-s3-spans --silver runs/silver.jsonl --postpose-share 0.3
	$(VENV)/bin/zsie train $(SELF_TRAIN) --output runs/abl-r2-silver1 --silver runs/silver.jsonl
	rm -rf runs/abl-average-r3 && $(VENV)/bin/zsie average runs/zsie-avg12 runs/zsie-r3 --output runs/abl-average-r3
	$(VENV)/bin/zsie silver --model runs/zsie-avg12 --count 400 --output runs/silver3-closed.jsonl --open-labels '' $(SILVER_AVOID)
	$(VENV)/bin/zsie train $(ROUND3) --output runs/abl-r3-closed --silver runs/silver3-closed.jsonl
	rm -rf runs/abl-average-r3-closed && $(VENV)/bin/zsie average runs/zsie-avg12 runs/abl-r3-closed --output runs/abl-average-r3-closed
	rm -rf runs/abl-average-r4 && $(VENV)/bin/zsie average runs/zsie-avg-r3 runs/zsie-r4 --output runs/abl-average-r4
	rm -rf runs/abl-average3-r4 && $(VENV)/bin/zsie average runs/zsie-avg12 runs/zsie-r3 runs/zsie-r4 --output runs/abl-average3-r4
	ln -sfn zsie-s3 runs/abl-r1 && ln -sfn zsie-s4 runs/abl-r2 && ln -sfn zsie-avg12 runs/abl-average && ln -sfn zsie-r3 runs/abl-r3
	ln -sfn zsie-r4 runs/abl-r4
	for run in $(ABLATION_RUNS); do $(VENV)/bin/zsie evaluate --model runs/abl-$$run --data annotations/dev.jsonl --output runs/abl-$$run/dev; done

# The pretrained encoder the bundled model starts from (about an hour on 2 cores).
encoder: $(STAMP)
	$(VENV)/bin/zsie pretrain --texts inews --output models/encoder-small-mlm --max-steps 1700 --max-minutes 58

# Continued pretraining (issue 11, step 3): whole-word masking (rjieba's words), starting from the encoder above,
# on the inews articles outside the corpus and sharing no line with the held-out real set, in chunks that fit a
# session: each run continues from models/encoder-small-wwm/checkpoint when one is there (not committed: 800 steps
# left the loss where it was, 5.82) until 4,000 steps. ENCODER_MINUTES sets the chunk.
ENCODER_MINUTES ?= 100
# --resume where an encoder folder already holds a checkpoint of an earlier chunk
resume_from = $(if $(wildcard $(1)/checkpoint/state.json),--resume)
ENCODER_WWM := --texts inews-unannotated $(SILVER_AVOID) --init-from models/encoder-small-mlm --whole-word \
	--output models/encoder-small-wwm --max-steps 4000 --lr 3e-4 --warmup-steps 100 --checkpoint-every 200
encoder-wwm: $(STAMP)
	$(VENV)/bin/zsie pretrain $(ENCODER_WWM) --max-minutes $(ENCODER_MINUTES) \
		$(call resume_from,models/encoder-small-wwm)

# The same on short blocks (64 tokens x 64, character masking): about three times the steps per hour of 256-token
# blocks, and steps are what takes the encoder out of its unigram plateau (MLM loss 5.82 -> 4.97 in 2,834 steps,
# 25 minutes on 2 cores; 256-token blocks: 5.84 -> 5.82 in 800 steps). Resumable chunks from
# models/encoder-small-seq64/checkpoint (committed with its optimizer state) until 6,000 steps.
ENCODER_SEQ64 := --texts inews-unannotated $(SILVER_AVOID) --init-from models/encoder-small-mlm \
	--output models/encoder-small-seq64 --seq-len 64 --batch-size 64 --max-steps 6000 --lr 5e-4 --warmup-steps 100 \
	--checkpoint-every 500
encoder-seq64: $(STAMP)
	$(VENV)/bin/zsie pretrain $(ENCODER_SEQ64) --max-minutes $(ENCODER_MINUTES) \
		$(call resume_from,models/encoder-small-seq64)

# What an encoder is worth to the task, in minutes: a short fine-tune from it (2 epochs, lexicon channel, one
# augmented copy) scored on dev. `make probe ENCODER=models/encoder-small-wwm PROBE=runs/probe-wwm`.
ENCODER ?= models/encoder-small-mlm
PROBE ?= runs/probe-mlm
probe: $(STAMP)
	$(VENV)/bin/zsie train $(TRAIN_DATA) --base-model $(ENCODER) --lexicon --epochs 2 --augment-copies 1 --lr 5e-4 \
		--postpose-share 0.3 --patience 3 --output $(PROBE)
	$(VENV)/bin/zsie evaluate --model $(PROBE) --data annotations/dev.jsonl --output $(PROBE)/eval-dev

# The comparison run: the same fine-tuning from a randomly initialised encoder.
baseline: $(STAMP)
	$(VENV)/bin/zsie train --train annotations/train.jsonl --dev annotations/dev.jsonl \
		--base-model scratch-small --output runs/scratch-small --epochs 20 --augment-copies 2 --patience 5 --lr 1e-3 --batch-size 8
	$(VENV)/bin/zsie evaluate --model runs/scratch-small --data annotations/test.jsonl --output runs/scratch-small/eval
