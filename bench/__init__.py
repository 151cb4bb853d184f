"""Speed and memory benchmarks: warm-up, repeats, medians and spreads, ratios against a baseline."""
