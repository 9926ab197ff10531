"""Harvesting CKAN portals served on 127.0.0.1: the Action API, ckanext-dcat's catalogue endpoint, faults.

The portals are real HTTP servers (``tests/ckan_server.py``) over ``tests/fixtures/ckan/packages.json``:
plain core-CKAN packages, ckanext-fluent multilingual ones, ckanext-dcat HealthDCAT-AP ones, a
package harvested into CKAN with its original ``uri``, one with invalid values and one private.
The portal caps ``rows`` at 4 (as ``ckan.search.rows_max`` does), so 19 public packages take 5 pages.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from catalogue.dcat.namespaces import DCAT, DCT, FOAF, HEALTHDCATAP, RDF, VCARD
from catalogue.dcat.profile import MappingContext, map_dataset, map_datasets
from catalogue.errors import HarvestError
from catalogue.records import dataset_id_for_iri
from catalogue.search.base import SearchQuery
from catalogue.vocab import get_vocabularies
from harvesters.base import NodeSpec
from harvesters.ckan import (
    CkanHarvester,
    PackageMapper,
    describe_ckan_error,
    language_tag,
    search_url,
    site_root,
    valid_iri,
)
from tests.ckan_server import HTML_PAGE, CkanPortal
from tests.golden import assert_matches_golden

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ckan"
EXPECTED = FIXTURES / "expected"
PACKAGES: list[dict] = json.loads((FIXTURES / "packages.json").read_text(encoding="utf-8"))
PUBLIC = [p for p in PACKAGES if not p.get("private")]
BY_NAME = {p["name"]: p for p in PACKAGES}
NODE = "be-ckan"
ROWS_MAX = 4
GOLDEN = {"plain": "rare-disease-exomes", "fluent": "cancer-genomes-multilingual", "health": "covid-host-genetics"}
UNIT_ROOT = "https://ckan.example.org/ckan/"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # rdflib's closed XSD namespace upsets pytest's collection
R8_CATEGORY = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"


@pytest.fixture
def portal():
    with CkanPortal(PACKAGES, prefix="/ckan", rows_max=ROWS_MAX) as server:
        yield server


def _serve_dcat(server: CkanPortal) -> None:
    """ckanext-dcat's catalogue endpoint, two Hydra pages, next to the portal's Action API."""
    for path, name in (("/catalog.ttl", "dcat-catalog-page1.ttl"), ("/catalog.ttl?page=2", "dcat-catalog-page2.ttl")):
        body = (FIXTURES / name).read_text(encoding="utf-8").replace("__ROOT__", server.root)
        server.documents[path] = (body, "text/turtle", 200)


def _iri(package: dict, root: str) -> str:
    """The dataset IRI a package must get: its original ``uri`` (field or extra), else the CKAN one."""
    extras = {e["key"]: e["value"] for e in package.get("extras") or []}
    for candidate in (package.get("uri"), extras.get("uri")):
        if candidate and candidate.startswith(("http://", "https://")):
            return candidate
    return f"{root}dataset/{package['id']}"


def _harvest_direct(settings, url: str):
    harvester = CkanHarvester(settings)
    said: list[str] = []
    pages = list(harvester.iter_pages(NodeSpec(name=NODE, url=url, country="BE", type="ckan"), said.append))
    return pages, harvester, said


def _datasets(pages) -> list[str]:
    return [str(s) for page in pages for s in page.graph.subjects(RDF.type, DCAT.Dataset)]


def _context(node: str = NODE) -> MappingContext:
    vocab = get_vocabularies()
    return MappingContext(node=node, node_country="BE", harvested="2026-01-01T00:00:00Z",
                          country_code=vocab.country_code, canonical_health_category=vocab.canonical_health_category)


def _normalised(record: dict, root: str) -> dict:
    """A record as a golden file holds it: no harvest time, no id (it hashes the port-dependent IRI)."""
    data = {k: v for k, v in record.items() if k not in ("harvested", "id")}
    return json.loads(json.dumps(data, ensure_ascii=False).replace(root, "{root}"))


def _record(catalogue, iri: str):
    return catalogue.dataset(dataset_id_for_iri(iri)).record


def _ids(catalogue) -> set[str]:
    return {r.id for r in catalogue.search(SearchQuery.parse("", filters={"node": (NODE,)}, size=100)).items}


# Action API ------------------------------------------------------------------------------------------

def test_action_api_harvest_reads_every_public_package_once(catalogue, portal):
    catalogue.add_node(NODE, portal.root, "BE", "ckan", "Belgian CKAN")
    [summary] = catalogue.harvest([NODE])
    assert summary.status == "success", summary.message
    assert (summary.added, summary.invalid, summary.pages) == (len(PUBLIC), 0, 5)

    searches = portal.searches()
    assert [int(s["start"]) for s in searches] == [0, 4, 8, 12, 16]  # paged by what came back, not by rows asked
    assert all(s["sort"] == "id asc" and s["include_private"] == "false" for s in searches)
    assert any(path.startswith("/ckan/catalog.ttl") for path in portal.requests)  # the DCAT endpoint was probed

    iris = {_iri(p, portal.root) for p in PUBLIC}
    originals = {"https://biobank.example.be/dataset/nbr-2021", "https://health.example.be/dataset/covid-host-genetics"}
    assert originals < iris
    assert _ids(catalogue) == {dataset_id_for_iri(i) for i in iris}
    assert catalogue.search(SearchQuery.parse("private pilot")).total == 0

    # a second pass over an unchanged portal changes nothing
    [again] = catalogue.harvest([NODE])
    assert (again.status, again.added, again.updated, again.unchanged, again.withdrawn) == \
        ("success", 0, 0, len(PUBLIC), 0)


def test_package_search_pages_carry_each_package_once(settings, portal):
    pages, harvester, said = _harvest_direct(settings, portal.root)
    iris = _datasets(pages)
    assert len(pages) == 5 and len(iris) == len(set(iris)) == len(PUBLIC)
    assert all(page.format == "ckan-json" and page.triples > 0 for page in pages)
    assert any("page 5: 3 package(s)" in line and "19 of 19" in line for line in said), said
    assert not any("start parameter" in w for w in harvester.warnings)


@pytest.mark.parametrize("kind", sorted(GOLDEN))
def test_records_match_golden_files(catalogue, portal, kind):
    catalogue.add_node(NODE, portal.root, "BE", "ckan", "Belgian CKAN")
    [summary] = catalogue.harvest([NODE])
    assert summary.status == "success", summary.message
    iri = _iri(BY_NAME[GOLDEN[kind]], portal.root)
    record = _record(catalogue, iri)
    assert record.id == dataset_id_for_iri(iri) and record.node == NODE
    assert_matches_golden(EXPECTED / f"{kind}.json", _normalised(record.to_dict(), portal.root))


def test_multilingual_titles_are_language_tagged(catalogue, portal):
    catalogue.add_node(NODE, portal.root, "BE", "ckan")
    catalogue.harvest([NODE])
    fluent = _record(catalogue, f"{portal.root}dataset/{BY_NAME['cancer-genomes-multilingual']['id']}")
    assert fluent.title == {"en": "Cancer genomes of Flanders and Wallonia",
                            "nl": "Kankergenomen van Vlaanderen en Wallonië",
                            "fr": "Génomes du cancer de Flandre et de Wallonie"}
    assert set(fluent.description) == {"en", "nl", "fr"}
    assert fluent.keywords == {"en": ["cancer", "whole genome"], "fr": ["cancer", "génome complet"],
                               "nl": ["kanker", "volledig genoom"]}  # fluent tags win over the flat tag list
    assert fluent.publisher.name == {"en": "University Hospitals Leuven", "nl": "Universitaire Ziekenhuizen Leuven"}
    assert fluent.distributions[0].title == {"en": "EGA dataset", "nl": "EGA-dataset"}

    microbiome = _record(catalogue, f"{portal.root}dataset/{BY_NAME['microbiome-keywords-fluent']['id']}")
    assert microbiome.title == {"en": "Gut microbiome reference", "de": "Darmmikrobiom-Referenz",
                                "pt-br": "Referência do microbioma intestinal"}  # CKAN's pt_BR; empty fr dropped
    assert microbiome.keywords == {"en": ["metagenomics", "microbiome"], "de": ["Mikrobiom"]}
    assert microbiome.themes == ["http://publications.europa.eu/resource/authority/data-theme/TECH"]  # group TECH

    plain = _record(catalogue, f"{portal.root}dataset/{BY_NAME['rare-disease-exomes']['id']}")
    assert plain.title == {"": "Rare disease exome cohort"}  # the portal does not say its default locale


def test_default_locale_of_the_portal_tags_plain_texts(settings):
    with CkanPortal(PACKAGES, rows_max=50, locale_default="nl_BE") as server:
        pages, _harvester, said = _harvest_direct(settings, server.root)
    graph = Graph()
    for page in pages:
        graph += page.graph
    plain = URIRef(f"{server.root}dataset/{BY_NAME['rare-disease-exomes']['id']}")
    assert set(graph.objects(plain, DCT.title)) == {Literal("Rare disease exome cohort", lang="nl-be")}
    assert Literal("exome", lang="nl-be") in set(graph.objects(plain, DCAT.keyword))
    fluent = URIRef(f"{server.root}dataset/{BY_NAME['cancer-genomes-multilingual']['id']}")
    assert {lit.language for lit in graph.objects(fluent, DCT.title)} == {"en", "nl", "fr"}
    assert any("default locale nl-be" in line for line in said), said


def test_health_fields_land_in_the_record(catalogue, portal):
    catalogue.add_node(NODE, portal.root, "BE", "ckan")
    catalogue.harvest([NODE])
    covid = _record(catalogue, "https://health.example.be/dataset/covid-host-genetics")
    assert covid.identifier == "BE-HG-COVID-01"
    assert (covid.number_of_records, covid.number_of_unique_individuals) == (48210, 12051)
    assert (covid.min_typical_age, covid.max_typical_age) == (18, 95)
    assert sorted(covid.health_categories) == [R8_CATEGORY + "HGPD", R8_CATEGORY + "IDHP"]  # pre-R8 IRI made canonical
    assert covid.health_themes == ["http://www.wikidata.org/entity/Q84263196"]
    assert covid.population_coverage == {"": "Adults hospitalised with COVID-19 in 14 Belgian hospitals, 2020-2022"}
    assert covid.hdab.email == "access@hda.example.be" and covid.hdab.url == "https://www.hda.example.be/apply"
    assert covid.publisher.type == "http://purl.org/adms/publishertype/NationalAuthority"
    assert covid.coding_systems == ["http://www.wikidata.org/entity/P494"]
    assert covid.code_values == ["U07.1", "http://id.who.int/icd/entity/1790791774"]
    assert covid.purpose == {"": "https://w3id.org/dpv#AcademicResearch"}
    assert covid.legal_basis == {"": "https://w3id.org/dpv#Consent"}
    assert covid.countries == ["BE"] and covid.temporal.start == "2020-03-01"
    assert covid.distributions[0].download_url == "https://health.example.be/files/covid-hg-sumstats.tsv.gz"
    assert covid.distributions[0].byte_size == 52428800
    assert covid.access_rights.endswith("/NON_PUBLIC")

    diabetes = _record(catalogue, f"{portal.root}dataset/{BY_NAME['diabetes-cohort-ml']['id']}")
    assert diabetes.health_categories == [R8_CATEGORY + "EHRS"]  # a bare category code
    assert diabetes.number_of_unique_individuals == 8800 and (diabetes.min_typical_age, diabetes.max_typical_age) == \
        (30, 80)
    assert diabetes.population_coverage == {"en": "Adults with type 2 diabetes in Flanders",
                                            "nl": "Volwassenen met type 2-diabetes in Vlaanderen"}
    assert diabetes.hdab.name == {"en": "Health Data Agency", "nl": "Agentschap Gezondheidsdata"}
    assert diabetes.hdab.email == "access@hda.example.be"
    assert diabetes.access_rights == "http://publications.europa.eu/resource/authority/access-right/RESTRICTED"


def test_invalid_values_are_warnings_not_bad_rdf(catalogue, portal):
    catalogue.add_node(NODE, portal.root, "BE", "ckan")
    [summary] = catalogue.harvest([NODE])
    assert summary.status == "success" and summary.invalid == 0
    messages = [p["message"] for p in summary.problems]
    broken = [m for m in messages if m.startswith(f"package {BY_NAME['broken-metadata']['id']}:")]
    for expected in ("uri 'dataset-42' is not an absolute http(s) IRI", "theme 'not a theme IRI' is not an IRI",
                     "language 'klingon' is neither an IRI nor a known language code",
                     "spatial_uri 'somewhere over the rainbow' is not an IRI",
                     "health_theme 'http://exa mple.org/theme' is not an IRI",
                     "contact email 'nobody' is not an e-mail address", "resource url 'not a url' is not a URL",
                     "resource mimetype 'a csv file' is not a media type",
                     "url (landing page) 'www.example.org/cohort' is not an http(s) URL"):
        assert any(expected in m for m in broken), (expected, broken)

    record = _record(catalogue, f"{portal.root}dataset/{BY_NAME['broken-metadata']['id']}")
    assert record.themes == [] and record.languages == [] and record.spatial == []
    assert record.landing_page == f"{portal.root}dataset/broken-metadata"  # the CKAN page instead
    assert record.number_of_records is None and record.issued is None
    assert record.distributions[0].access_url is None and record.distributions[0].byte_size is None
    dataset_problems = [p["message"] for p in summary.problems if p["dataset"] == record.iri]
    assert any("numberOfRecords: 'many' is not a number" in m for m in dataset_problems), dataset_problems
    assert any("minTypicalAge 90 is above maxTypicalAge 18" in m for m in dataset_problems)
    assert any("dct:issued: '31/12/2020' is not an ISO 8601 date" in m for m in dataset_problems)

    untitled = _record(catalogue, f"{portal.root}dataset/{BY_NAME['untitled-dataset-17']['id']}")
    assert untitled.title == {"": "untitled-dataset-17"}  # what CKAN shows for an empty title


# The ckanext-dcat catalogue endpoint -----------------------------------------------------------------

def test_dcat_endpoint_is_preferred_over_the_action_api(catalogue):
    with CkanPortal(PACKAGES, rows_max=ROWS_MAX) as server:
        _serve_dcat(server)
        catalogue.add_node("nl-ckan", server.root, "NL", "ckan", "Dutch CKAN")
        [summary] = catalogue.harvest(["nl-ckan"])
        requests = server.requests
    assert summary.status == "success", summary.message
    assert (summary.pages, summary.added) == (2, 5)
    assert not any("/api/" in path for path in requests), requests  # neither package_search nor status_show
    assert requests.count("/catalog.ttl") == 1  # the probe's download is page one: not fetched twice
    assert "/catalog.ttl?page=2" in requests
    record = catalogue.dataset(dataset_id_for_iri(f"{server.root}dataset/0b1f6a52-1d2e-4c55-9a0e-000000000001")).record
    assert record.title == {"en": "Lifelines genome subset", "nl": "Lifelines genoomsubset"}
    assert record.number_of_unique_individuals == 3000 and record.countries == ["NL"]


@pytest.mark.parametrize("answer,warned", [
    ((HTML_PAGE, "text/html; charset=utf-8", 200), False),  # a web front end answering every path
    (("Internal Server Error", "text/plain", 500), True),
    (("@prefix broken", "text/turtle", 200), True),
    (("@prefix dct: <http://purl.org/dc/terms/> .\n<http://x/c> dct:title \"empty\" .\n", "text/turtle", 200), True),
])
def test_unusable_catalogue_endpoint_falls_back_to_the_action_api(settings, answer, warned):
    with CkanPortal(PACKAGES, rows_max=50, documents={"/catalog.ttl": answer}) as server:
        pages, harvester, _said = _harvest_direct(settings, server.root)
        assert server.searches()
    assert len(_datasets(pages)) == len(PUBLIC)
    catalogue_warnings = [w for w in harvester.warnings if "catalog.ttl" in w]
    assert bool(catalogue_warnings) is warned, harvester.warnings
    if warned:
        assert "Action API instead" in catalogue_warnings[0]


# Misbehaving portals ---------------------------------------------------------------------------------

def test_portal_ignoring_start_stops_with_a_warning_and_no_duplicates(catalogue):
    with CkanPortal(PACKAGES, rows_max=ROWS_MAX, ignore_start=True) as server:
        catalogue.add_node(NODE, server.root, "BE", "ckan")
        [summary] = catalogue.harvest([NODE])
        starts = [int(s["start"]) for s in server.searches()]
    assert summary.status == "success", summary.message
    assert (summary.pages, summary.added) == (1, ROWS_MAX)
    assert starts == [0, 4]  # the second page repeated the first: stop there
    assert any("does the portal ignore the start parameter?" in p["message"] for p in summary.problems)
    assert len(_ids(catalogue)) == ROWS_MAX


@pytest.mark.parametrize("mode,fail_from,expected", [
    ("html", 0, "answered with an HTML page ('Welcome - Data portal') instead of CKAN Action API JSON"),
    ("html", 8, "answered with an HTML page"),  # half way through the pass
    ("error", 0, "the CKAN portal reported an error for"),
    ("error", 12, "Authorization Error - Access denied: search is disabled"),
    ("conflict", 0, "HTTP 409"),
    ("not-ckan", 0, "not a CKAN Action API response"),
])
def test_broken_answers_fail_the_run_and_keep_earlier_data(catalogue, portal, mode, fail_from, expected):
    catalogue.add_node(NODE, portal.root, "BE", "ckan")
    [first] = catalogue.harvest([NODE])
    assert first.status == "success"
    before, triples = _ids(catalogue), catalogue.rdf.count(NODE)

    portal.packages = [p for p in portal.packages if p["name"] != "epilepsy-trios"]  # a partial pass must not withdraw
    portal.mode, portal.fail_from = mode, fail_from
    [failed] = catalogue.harvest([NODE])
    assert failed.status == "failed"
    assert expected in failed.message and "package_search" in failed.message, failed.message
    assert (failed.added, failed.withdrawn) == (0, 0)
    assert _ids(catalogue) == before and catalogue.rdf.count(NODE) == triples
    assert catalogue.node(NODE).datasets == len(PUBLIC)


def test_deleted_package_is_withdrawn_after_a_complete_pass(catalogue, portal):
    catalogue.add_node(NODE, portal.root, "BE", "ckan")
    catalogue.harvest([NODE])
    gone = BY_NAME["epilepsy-trios"]
    portal.packages = [p for p in portal.packages if p["id"] != gone["id"]]
    [summary] = catalogue.harvest([NODE])
    assert (summary.status, summary.added, summary.withdrawn, summary.unchanged) == \
        ("success", 0, 1, len(PUBLIC) - 1)
    view = catalogue.dataset(dataset_id_for_iri(f"{portal.root}dataset/{gone['id']}"))
    assert view.status == "withdrawn"
    assert catalogue.search(SearchQuery.parse("epilepsy trio genomes")).total == 0


def test_packages_shifted_by_a_deletion_while_paging_are_read_again(settings, portal):
    ordered = sorted(PUBLIC, key=lambda p: p["id"])

    def delete_an_early_package(start: int) -> None:
        if start == 4 and len(portal.packages) == len(PACKAGES):
            # while page 2 is served, a package of page 1 goes: every later package moves one place left,
            # so the package at offset 8 moves to page 2 (already served) and page 3 would never show it
            portal.packages = [p for p in portal.packages if p["id"] != ordered[0]["id"]]

    portal.after_search = delete_an_early_package
    pages, harvester, said = _harvest_direct(settings, portal.root)
    iris = _datasets(pages)
    assert len(iris) == len(set(iris)) == len(PUBLIC)  # the shifted one read on the second sweep, none twice
    assert _iri(ordered[8], portal.root) in iris
    assert any("the portal changed while it was paged (19 -> 18 packages)" in line for line in said), said
    assert [int(s["start"]) for s in portal.searches()] == [0, 4, 8, 12, 16, 0, 4, 8, 12, 16]
    assert not any("start parameter" in w for w in harvester.warnings)


def test_portal_that_keeps_changing_fails_instead_of_withdrawing(settings, portal):
    def delete_one_each_page(start: int) -> None:
        if start > 0:
            portal.packages = portal.packages[1:]

    portal.after_search = delete_one_each_page
    with pytest.raises(HarvestError) as info:
        _harvest_direct(settings, portal.root)
    assert "different ones could be read by paging package_search (it kept changing while it was paged)" in \
        info.value.message
    assert "Nothing was changed or withdrawn" in info.value.message


def test_endless_paging_is_stopped_by_the_page_limit(settings, portal):
    with pytest.raises(HarvestError) as info:
        _harvest_direct(settings.with_overrides(harvest_max_pages=2), portal.root)
    assert "GDI_HARVEST_MAX_PAGES" in info.value.message and "start=8" in info.value.message


def test_a_site_that_is_not_ckan_gets_a_clear_error(settings, node_server):
    node_server.set("/", HTML_PAGE, content_type="text/html")
    with pytest.raises(HarvestError) as info:
        _harvest_direct(settings, node_server.url("/portal/"))
    assert "no CKAN Action API at" in info.value.message and "root of a CKAN site" in info.value.message


# The package -> RDF mapping on its own ---------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(GOLDEN))
def test_package_mapping_matches_the_golden_records(kind):
    """The same golden files as the end-to-end harvest: the stores add and lose nothing."""
    mapper = PackageMapper(UNIT_ROOT)
    graph, _problems = mapper.graph(BY_NAME[GOLDEN[kind]])
    [mapped] = list(map_datasets(graph, _context()))
    assert_matches_golden(EXPECTED / f"{kind}.json", _normalised(mapped.record.to_dict(), UNIT_ROOT))


def test_package_mapping_of_core_ckan_extras():
    package = BY_NAME["rare-disease-exomes"]
    graph, problems = PackageMapper(UNIT_ROOT).graph(package)
    assert problems == []
    s = URIRef(f"{UNIT_ROOT}dataset/{package['id']}")
    assert (s, RDF.type, DCAT.Dataset) in graph
    assert graph.value(s, DCT.identifier) == Literal(package["id"])
    assert set(graph.objects(s, DCT.language)) == {
        URIRef("http://publications.europa.eu/resource/authority/language/ENG"),
        URIRef("http://publications.europa.eu/resource/authority/language/NLD")}  # JSON-encoded list of codes
    assert set(graph.objects(s, DCT.conformsTo)) == {URIRef("https://www.ga4gh.org/product/phenopackets/")}
    assert graph.value(s, DCT.accrualPeriodicity) == \
        URIRef("http://publications.europa.eu/resource/authority/frequency/ANNUAL")
    assert set(graph.objects(s, DCAT.theme)) == {URIRef("http://publications.europa.eu/resource/authority/data-theme/HEAL")}
    assert graph.value(s, DCT.issued) == Literal("2024-01-15T09:30:00.123456", datatype=XSD.dateTime)
    contact = graph.value(s, DCAT.contactPoint)
    assert graph.value(contact, VCARD.fn) == Literal("Data Access Committee")  # maintainer before author
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:dac@example.be")
    creator = graph.value(s, DCT.creator)
    assert graph.value(creator, FOAF.name) == Literal("Centre for Medical Genetics")
    publisher = graph.value(s, DCT.publisher)
    assert (publisher, RDF.type, FOAF.Organization) in graph
    assert graph.value(publisher, FOAF.homepage) == URIRef(f"{UNIT_ROOT}organization/be-genomics")
    distributions = {graph.value(d, DCT.title): d for d in graph.objects(s, DCAT.distribution)}
    dictionary = distributions[Literal("Data dictionary")]
    assert dictionary == URIRef(f"{UNIT_ROOT}dataset/{package['id']}/resource/{package['resources'][1]['id']}")
    assert graph.value(dictionary, DCAT.accessURL) == \
        URIRef("https://genomics.example.be/files/rare%20exomes%20dictionary.csv")  # the space a user typed
    assert graph.value(dictionary, DCAT.byteSize) == Literal("20480", datatype=XSD.nonNegativeInteger)
    assert graph.value(dictionary, DCT.format) == URIRef("http://publications.europa.eu/resource/authority/file-type/CSV")
    assert graph.value(dictionary, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert graph.value(dictionary, DCT.license) == URIRef("http://www.opendefinition.org/licenses/cc-by")


def test_package_mapping_keeps_original_iris_and_health_extras():
    graph, _ = PackageMapper(UNIT_ROOT).graph(BY_NAME["national-biobank-registry"])
    s = URIRef("https://biobank.example.be/dataset/nbr-2021")  # the `uri` extra ckanext-dcat stored
    assert graph.value(s, DCT.identifier) == Literal("NBR-2021")
    assert graph.value(s, DCT.spatial) == URIRef("http://publications.europa.eu/resource/authority/country/BEL")
    assert graph.value(s, DCAT.distribution) == URIRef("https://biobank.example.be/dataset/nbr-2021/distribution/api")

    graph, _ = PackageMapper(UNIT_ROOT).graph(BY_NAME["covid-host-genetics"])
    s = URIRef("https://health.example.be/dataset/covid-host-genetics")
    publisher = graph.value(s, DCT.publisher)
    # HealthDCAT-AP Release 8 puts the publisher note, type and trust on the publisher agent
    assert graph.value(publisher, DCT.description) == Literal("Sciensano is the Belgian national public health "
                                                              "institute.")
    assert graph.value(publisher, HEALTHDCATAP.trustedDataHolder) == Literal(True)
    retention = graph.value(s, HEALTHDCATAP.retentionPeriod)
    assert graph.value(retention, DCAT.endDate) == Literal("2035-12-31", datatype=XSD.date)
    assert set(graph.objects(s, URIRef("https://w3id.org/dpv#hasPersonalData"))) == {
        URIRef("https://w3id.org/dpv/dpv-pd#Age"), URIRef("https://w3id.org/dpv/dpv-pd#Gender")}
    assert graph.value(s, HEALTHDCATAP.analytics) == \
        URIRef("https://health.example.be/reports/covid-host-genetics-quality.pdf")


def test_package_mapping_without_a_publisher_keeps_health_publisher_fields_on_the_dataset():
    package = copy.deepcopy(BY_NAME["diabetes-cohort-ml"])
    package["organization"] = None
    graph, problems = PackageMapper(UNIT_ROOT).graph(package)
    s = URIRef(f"{UNIT_ROOT}dataset/{package['id']}")
    assert graph.value(s, DCT.publisher) is None
    assert set(graph.objects(s, HEALTHDCATAP.publisherNote)) == {
        Literal("Regional diabetes registry", lang="en"), Literal("Regionaal diabetesregister", lang="nl")}
    assert graph.value(s, HEALTHDCATAP.trustedDataHolder) == Literal(False)
    assert problems == []
    mapped = map_dataset(graph, s, _context())
    assert mapped.record.title["nl"] == "Genetisch cohort type 2-diabetes"


def test_unusable_language_keys_are_reported():
    package = {"id": "x1", "name": "x1", "title_translated": {"en": "Title", "english (UK)": "Colour"}}
    graph, problems = PackageMapper(UNIT_ROOT).graph(package)
    assert set(graph.objects(URIRef(f"{UNIT_ROOT}dataset/x1"), DCT.title)) == {Literal("Title", lang="en"),
                                                                              Literal("Colour")}
    assert problems == ["'english (UK)' is not a language code; the text is kept without a language"]


@pytest.mark.parametrize("url,root", [
    ("https://ckan.example.org", "https://ckan.example.org/"),
    ("https://ckan.example.org/", "https://ckan.example.org/"),
    ("https://example.org/data/", "https://example.org/data/"),
    ("https://example.org/data", "https://example.org/data/"),
    ("https://example.org/data/api/3/action/package_search?q=x", "https://example.org/data/"),
    ("https://example.org/data/api", "https://example.org/data/"),
    ("https://example.org/catalog.ttl", "https://example.org/"),
])
def test_site_root(url, root):
    assert site_root(url) == root


def test_small_helpers():
    assert search_url("https://x.org/p/", 40) == ("https://x.org/p/api/3/action/package_search?rows=100&start=40"
                                                  "&sort=id+asc&include_private=false")
    assert describe_ckan_error({"__type": "Validation Error", "message": "bad", "rows": ["Must be a natural number"]}) \
        == "Validation Error - bad - rows: Must be a natural number"
    assert describe_ckan_error(None) == "no error details given"
    assert language_tag("pt_BR") == "pt-br" and language_tag("english") is None
    assert valid_iri(" https://x.org/a ") == "https://x.org/a"
    for bad in ("https:/x.org", "x.org/a", "http://a b", "internalURI:x", "javascript:alert(1)", "", None, 12):
        assert valid_iri(bad) is None, bad
