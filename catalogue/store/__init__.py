"""Persistent stores: the RDF store (named graph per node) and the SQL database."""
