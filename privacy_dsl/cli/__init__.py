"""The command line: ``main`` (argument parsing and dispatch), ``commands`` (one module per command),
``usage`` (help texts), shell completion.
"""
