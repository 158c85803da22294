# jjjtalent — the two commands of the README:
#   make run    install, migrate, load reference + demo data, serve at http://127.0.0.1:8000
#   make test   install and run the test suite
# DATABASE_URL / REDIS_URL switch from SQLite + eager tasks to PostgreSQL + a real Celery worker.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test install demo worker beat bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --disable-pip-version-check -q --upgrade pip
	$(VENV)/bin/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference
	$(PY) manage.py seed_services
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_services --demo

run: demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

worker: install
	$(VENV)/bin/celery -A jjjtalent worker -l info

beat: install
	$(VENV)/bin/celery -A jjjtalent beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 var
