"""Across articles (issue #18): search, canonical entities, shared disputed points and the
stance map.  Qt-free; it reads the tables the store keeps (store/migrations.py, v8)."""
