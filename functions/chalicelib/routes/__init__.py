"""Routes, one Chalice blueprint per capability: parse, call the domain, answer."""
