"""A tiny Django app for snippets/locking/django_migration.py: one model, two migrations."""
