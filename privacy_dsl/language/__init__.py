"""The language: text -> tokens -> model -> resolved policy.

``sources`` finds and reads the ``.privacy`` files; ``lexer`` and ``parser`` (on Lark, with the tables
of ``tables``) turn each into a ``model.Document``; ``resolve`` joins the documents of one directory
into a ``model.Policy``. ``taxonomy`` and ``jurisdictions`` are the reference data the model speaks of,
``suppressions`` reads inline ``# privacy-dsl: ignore[...]`` comments, ``modeldata`` is the model as
JSON data (pydantic, at the edge only).
"""
