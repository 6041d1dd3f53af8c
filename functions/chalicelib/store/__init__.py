"""Storage: the one DynamoDB table through pynamodb.

The only package that imports pynamodb or botocore (``make check`` enforces
it). ``table`` and ``models`` define the items and their keys, ``connection``
binds them to a table, ``tx`` is the one way to write (a failed condition is
``errors.ConditionFailed``), ``lookups`` the reads several capabilities share.
"""
