"""Questions developers ask of a policy: ``engine`` (is this purpose allowed to use this data?) and
``policytest`` (``.privacy-test`` files that pin the answers).
"""
