"""The whole system on this machine: real local servers, for ``make dev`` and the tests.

    servers.py        start, wait for and stop DynamoDB Local, localstripe, chalice local, mkdocs serve
    dev.py            ``allavie dev``: the running system, its settings, and stopping it on a signal
    api_server.py     ``chalice local`` with a deeper listen queue
    stripe_server.py  localstripe on 127.0.0.1, in memory
"""
