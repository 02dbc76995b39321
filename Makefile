# inducci-events: the two set-up commands are `make run` and `make test`.
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
FLASK   := $(BIN)/flask --app wsgi
PYTEST_ARGS ?=

.PHONY: run test fuzz install install-test translations extract-messages migrate seed bench clean

run: install translations ## install into .venv, migrate, seed the demo and serve on http://127.0.0.1:5000
	$(FLASK) db upgrade
	$(FLASK) demo seed
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install-test translations ## install what the tests need and run the whole suite
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-libical.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

fuzz: install-test translations ## schemathesis against the API, long: 500 examples per operation and phase
	SCHEMATHESIS_MAX_EXAMPLES=$${SCHEMATHESIS_MAX_EXAMPLES:-500} $(BIN)/python -m pytest -p no:cacheprovider \
		tests/api/test_schemathesis.py -k keeps_its_document $(PYTEST_ARGS)

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml tests/calendar/js/package-lock.json
	$(BIN)/pip install --quiet -e '.[test]'
	# ical.js for the calendar interoperability tests (run with Debian's node; skipped without npm)
	if command -v npm >/dev/null 2>&1; then cd tests/calendar/js && npm ci --no-audit --no-fund --silent; \
	else echo "npm is missing: the ical.js part of the calendar tests will skip (apt-get install npm)" >&2; fi
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

translations: install ## compile the .po catalogues (the .mo files are not committed)
	$(BIN)/pybabel compile -f -d translations

extract-messages: install ## refresh messages.pot and merge it into every catalogue
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

migrate: install
	$(FLASK) db upgrade

seed: install
	$(FLASK) demo seed

clean:
	rm -rf $(VENV) instance/inducci-events.db* translations/*/LC_MESSAGES/*.mo
