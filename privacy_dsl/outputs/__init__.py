"""What findings and policies become: ``reporters`` (text, JSON, SARIF, JUnit, GitHub annotations),
``notice`` (the human-readable privacy notice in HTML or Markdown) and ``fmt`` (the canonical layout).
"""
