"""Other tools' formats: ``export`` and ``importer`` (Fides), ``observed`` and ``verify`` (browser
captures, HAR and inspection.json, checked against the declared cookies).
"""
