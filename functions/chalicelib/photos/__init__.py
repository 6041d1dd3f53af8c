"""Photos a customer adds to a booking: the domain (``uploads``), the one S3 adapter
(``bucket``, the only module here that imports boto3) and the processing of an upload
(``processing``, the only module that imports Pillow; it runs in its own Lambda)."""
