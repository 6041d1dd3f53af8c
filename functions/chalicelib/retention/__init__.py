"""Personal data ends on time: 36 months after the last visit (``dates``, pure), carried on every
item of the customer (``expiry``), deleted by the nightly sweeper and the operator's command
and after DynamoDB's TTL through the table's stream (``sweeper``): one code path."""
