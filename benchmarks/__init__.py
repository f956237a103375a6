"""Benchmarks of the dashboard, runnable with one command: ``make bench``.

``python -m benchmarks`` creates its own PostgreSQL databases, runs every benchmark
in a child process (so that one failure or one memory peak does not affect the
next), drops the databases and regenerates ``docs/benchmarks.md``.
See ``benchmarks/__main__.py`` for the options.
"""
