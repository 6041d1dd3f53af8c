"""Storage: the one DynamoDB table through pynamodb, and the one door to it.

The only package that imports pynamodb or botocore (``make check`` enforces it), and the only one that
calls them or spells out a key (``make store-door``). ``table`` and ``models`` define the items and declare
their keys (``keytable`` checks docs/architecture.md against them), ``connection`` binds them to a table,
``tx`` is the one way to write (a failed condition is ``errors.ConditionFailed``), ``lookups`` and the
``*_repo`` modules are the reads, one per aggregate, through ``engine`` (DynamoDB, or ``memory`` in tests).
"""
