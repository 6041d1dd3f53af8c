"""The domain of the Allavie booking and privacy platform.

Modules are small and named after what they mean. Only the adapters
(``db``, ``models``, ``payments``, ``messages``) import boto3, pynamodb or stripe.
"""
