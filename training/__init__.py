"""Learning: pretraining, fine-tuning and evaluation, built on the inference core in `model`."""
