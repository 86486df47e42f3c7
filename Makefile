.PHONY: test lint lock proto goldens release-tags bench bench-smoke

test:            ## set up and run every test (what CI runs)
	scripts/test

lint:
	.venv/bin/ruff check src tests scripts migrations bench
	.venv/bin/mypy src
	.venv/bin/mypy --strict bench/run.py

lock:            ## regenerate template/go.mod.jinja and go.sum.jinja from template/go-deps.toml
	.venv/bin/python scripts/lock_go_deps.py

proto:           ## regenerate the gRPC component's generated code (template/api/gen) from its .proto files
	.venv/bin/python scripts/proto_gen.py

goldens:         ## refresh golden files after a deliberate template change (review the diff!)
	.venv/bin/pytest tests/test_golden.py --update-goldens

release-tags:    ## recreate the vX.Y.Z tags of every release in this clone
	.venv/bin/python scripts/releases.py tag

PYTHON ?= .venv/bin/python
# Flags of bench/run.py, e.g. make bench BENCH_ARGS="--duration 15 --note 'the machine was shared'"
BENCH_ARGS ?=

bench:           ## the benchmark suite (~20 min on 2 cores): prints the table, writes bench/README.md
	$(PYTHON) bench/run.py $(BENCH_ARGS)

bench-smoke:     ## every benchmark row once with tiny durations: proves the suite works (numbers mean nothing)
	$(PYTHON) bench/run.py --smoke $(BENCH_ARGS)
