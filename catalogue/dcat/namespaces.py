"""RDF namespaces used by DCAT-AP 3 and HealthDCAT-AP (Release 8)."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

DCT = DCTERMS
# rdflib ships DCAT 2 as a closed namespace; DCAT 3 terms (dcat:version, dcat:DatasetSeries) need an open one.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
HEALTHDCATAP = Namespace("http://healthdataportal.eu/ns/health#")
CV = Namespace("http://data.europa.eu/m8g/")
DPV = Namespace("https://w3id.org/dpv#")
GEODCATAP = Namespace("http://data.europa.eu/930/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SCHEMA = Namespace("http://schema.org/")
LOCN = Namespace("http://www.w3.org/ns/locn#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
COUNTRY_NAL = EU_AUTHORITY + "country/"
ACCESS_RIGHT_NAL = EU_AUTHORITY + "access-right/"
DATA_THEME_NAL = EU_AUTHORITY + "data-theme/"
HEALTH_CATEGORY_NAL = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"
HEALTH_THEME_NAL = "https://hdeu-dcat.data.health.europa.eu/resource/authority/health-theme/"

__all__ = [
    "ACCESS_RIGHT_NAL", "ADMS", "COUNTRY_NAL", "CV", "DATA_THEME_NAL", "DCAT", "DCATAP", "DCT", "DPV",
    "EU_AUTHORITY", "FOAF", "GEODCATAP", "HEALTHDCATAP", "HEALTH_CATEGORY_NAL", "HEALTH_THEME_NAL", "HYDRA",
    "LOCN", "OWL", "RDF", "RDFS", "SCHEMA", "SKOS", "VCARD", "XSD",
]
