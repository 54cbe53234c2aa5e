"""Linting: a resolved policy -> findings.

``loader`` loads a policy for every command; ``engine`` runs the rules of ``rules`` over it and applies
suppressions; ``catalogue`` is the one table of every code the tool emits; ``config`` reads
``select``/``ignore``/severity settings; ``runner`` lints many policies through the content cache;
``docs`` generates the rule pages from the rules' own docstrings; ``cookiedb`` is the Open Cookie Database.
"""
