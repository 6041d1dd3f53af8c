"""The domain of the Allavie booking and privacy platform, one package per capability.

Layers, top to bottom (``make check`` enforces them with import-linter; see
docs/architecture.md): routes; rights; booking; payments | marketing | cookies;
retention; messages; links; store; core. Only ``store`` imports pynamodb or
botocore, only ``payments.gateway`` imports stripe.
"""
