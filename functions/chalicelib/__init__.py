"""The domain of the Allavie booking and privacy platform, one package per capability.

Layers, top to bottom (``make check`` enforces them with import-linter; see
docs/architecture.md): routes; rights; booking | complaints; payments | marketing | cookies;
retention; messages | photos; links; store; core. Only ``store`` imports pynamodb or
botocore (and ``photos.bucket``, the S3 adapter, botocore's config and errors), only
``payments.gateway`` imports stripe, only ``photos.processing`` imports Pillow.
"""
