"""Small hand-made node catalogues for harvest tests."""

from __future__ import annotations

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .
@prefix hc: <https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/> .
"""


def dataset_ttl(key: str, title: str, country: str = "DEU", individuals: int = 100, extra: str = "",
                access: str = "RESTRICTED", category: str = "HGPD") -> str:
    return f"""
<https://node.example.org/dataset/{key}> a dcat:Dataset ;
    dct:identifier "{key}" ;
    dct:title {title} ;
    dct:description "Description of {key}."@en ;
    dct:spatial <http://publications.europa.eu/resource/authority/country/{country}> ;
    dct:accessRights <http://publications.europa.eu/resource/authority/access-right/{access}> ;
    healthdcatap:healthCategory hc:{category} ;
    healthdcatap:numberOfUniqueIndividuals "{individuals}"^^xsd:nonNegativeInteger {extra}.
"""


def catalogue_ttl(datasets: dict[str, str], **kwargs) -> str:
    """``datasets`` maps a key to a Turtle title literal, e.g. ``'"Cohort"@en'``."""
    body = "".join(dataset_ttl(k, t, **kwargs) for k, t in datasets.items())
    links = ", ".join(f"<https://node.example.org/dataset/{k}>" for k in datasets) or "()"
    catalog = "<https://node.example.org/catalog> a dcat:Catalog ; dct:title \"Test node\"@en"
    if datasets:
        catalog += f" ; dcat:dataset {links}"
    return PREFIXES + catalog + " .\n" + body
