"""The SPARQL harvester against real SPARQL servers (Fuseki, and an Oxigraph-backed endpoint)."""
