# make serve: the site at http://127.0.0.1:8000 with live reload.  make test: the whole suite.
# Every target installs first; installing again is a no-op until pyproject.toml or
# package-lock.json changes.

# The MkDocs-compatible engine that builds and serves the site (README, "Engine"): mkdocs, or
# ENGINE=properdocs for ProperDocs, the maintained fork of MkDocs 1.x, still with
# mkdocs-material. make install installs both; talksite runs the one TALKSITE_ENGINE names.
ENGINE ?= mkdocs
export TALKSITE_ENGINE := $(ENGINE)

PY := .venv/bin/python
INSTALLED := .venv/.installed
NPM_INSTALLED := node_modules/.installed
# MkDocs is pinned below 2.0 in pyproject.toml; Material's banner about 2.0 is noise here.
export NO_MKDOCS_2_WARNING := 1
# The suite starts some 140 talksite processes and five pytest ones: Python caches talksite's
# compiled modules and pytest its rewritten tests in __pycache__/, where an environment that
# sets PYTHONDONTWRITEBYTECODE (container images often do) would have every process compile
# them again (about 10 s of the suite's wall time on two cores). Snippets run without writing
# any (talksite.snippets.runner); the tests that import the outage lab's helpers leave one in
# snippets/outage/_lab/, git-ignored like the rest.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install serve site slides-pdf handout lint test test-snippets

install: $(INSTALLED) $(if $(wildcard package.json),$(NPM_INSTALLED))

$(PY):
	python3 -m venv .venv

$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --editable '.[test]'
	touch $@

$(NPM_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

serve: install
	$(PY) -m $(ENGINE) serve --config-file mkdocs.yml --dev-addr 127.0.0.1:8000

# Strict, into a new folder: site/ is replaced only when the build succeeds.
site: install
	.venv/bin/talksite build

# The site, plus the deck printed to site/slides/slides.pdf by headless Chromium; only such a
# build links the PDF from the pages.
slides-pdf: install
	.venv/bin/talksite build --pdf

# The site, plus site/slides/handout.pdf: each slide with its notes, and for a slide that shows
# a snippet, the whole file, its recorded output, what recorded it and a QR code to its page.
handout: install
	.venv/bin/talksite build --handout

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# Four pytest-xdist workers: most tests wait on servers, sockets and browsers rather than
# compute, so four fit two cores. Privileged tests take turns machine-wide, so they are one
# group (talksite.testing), run first by one worker; see "In parallel" in the README.
test: lint
	$(PY) -m pytest -n 4 --dist loadgroup

# The snippets alone; with PG=15, on that installed PostgreSQL major instead of the embedded
# one (Debian: apt-get install postgresql-15), as .ci/run does for each version in mkdocs.yml's
# verified_on.
test-snippets: install
	$(if $(PG),TALKSITE_POSTGRES_BINDIR=/usr/lib/postgresql/$(PG)/bin) $(PY) -m pytest -n 4 --dist loadgroup tests/test_snippets.py
