# Set-up and test entry points (README: `make start`, `make test`).
SHELL := /bin/bash
NAME ?= default
TEST_DEBS := jupyter-core jupyter-server python3-jupyter-server python3-ipykernel jupyter-notebook \
             openssh-server openssh-client strace procps curl util-linux systemd chromium \
             slurm-wlm munge iproute2

.PHONY: all deps build typecheck lint test-debs test-venv test test-unit test-systemd start stop status bench pack clean

all: build

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps: node_modules/.package-lock.json

build: deps
	npm run build

typecheck: deps
	npm run typecheck

# Formatter and linter (Biome): `npm run format` rewrites, `npm run lint` checks.
lint: deps
	npm run lint

test-debs:
	./scripts/ensure-debian.sh $(TEST_DEBS)

# JupyterLab 4 (jupyter_server 2.x) in a cached venv from the package index: the second column of the e2e matrix.
test-venv:
	./scripts/ensure-jupyterlab.sh

# Installs what the tests need (npm packages; Debian packages as root), builds, type-checks, runs every test; then
# the systemd suite under a real `systemd --user` where it can run (root, or a host booted with systemd), else it
# prints why it is skipped. Its node summary prints last, after the main suite's.
test: deps test-debs test-venv
	npm run lint
	npm run typecheck
	npm run build
	npm test
	./scripts/test-systemd.sh --or-skip

test-unit: deps
	npm run test:unit

# Only the systemd suite (also the last step of `make test`): the service under a real `systemd --user`; fails
# where it cannot run (needs root here: see the script).
test-systemd: deps test-debs
	npm run build
	./scripts/test-systemd.sh

# Installs, builds, makes sure JupyterLab exists (as root: from the package index), starts the instance, prints its URL.
start: build
	./scripts/start.sh $(NAME)

stop:
	./dist/jlremote.cjs stop --name $(NAME)

status:
	./dist/jlremote.cjs status --name $(NAME)

bench: build test-debs
	npm run bench

pack: build
	npm pack

clean:
	rm -rf dist *.tgz
