"""``privacy-dsl diff``: what a change to a policy means in privacy terms.

One direction, like the rest of the package: ``git`` reads a policy as it was at a revision
(untrusted input: nothing is checked out, run or written) -> ``sides`` parses, resolves and lints
each version with one configuration -> ``compare`` turns the two models and their findings into
``Change`` values (a kind, a severity, a sentence, places) -> ``render`` writes them as text,
Markdown, a GitHub job summary or JSON. See docs/diff.md.
"""
