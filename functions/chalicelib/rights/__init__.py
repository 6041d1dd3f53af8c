"""The customer's rights under the GDPR, from a link or through the operator: see and correct
(``profile``, ``email_change``), choose channels (``preferences``), a fresh link
(``fresh_link``), registerutdrag (``export``), erasure (``erasure``), each request recorded
without personal data (``log``), and the e-mails they send (``mail``)."""
