"""European Genomic Data Catalogue: the framework-free core (no Flask imports outside ``catalogue.web``)."""

__version__ = "0.1.0"
