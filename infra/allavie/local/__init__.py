"""The whole system on this machine: real local servers, for ``make dev`` and the tests.

    servers.py        start, wait for and stop DynamoDB Local, localstripe, chalice local, mkdocs serve
    dev.py            ``allavie dev``: the running system, its settings, and stopping it on a signal
    api_server.py     ``chalice local`` with a deeper listen queue
    stripe_server.py  localstripe on 127.0.0.1, in memory
    stream_pump.py    the table's stream, read as Lambda's event source mapping would
    s3_server.py      the photo bucket on moto's S3 server, and the upload trigger S3's notification is in AWS
"""
