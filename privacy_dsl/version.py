"""The version of privacy-dsl: one place, read by the build (hatch) and by every module that prints it.

Its own module, so that a module low in the import flow (the cache, a reporter) can name the
version without importing the package's facade (``privacy_dsl/__init__.py``), which re-exports the API.
"""

__version__ = "0.1.0"
