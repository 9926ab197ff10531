"""The profile chain DCAT-AP 3 -> HealthDCAT-AP: one ``dcat:Dataset`` in a graph -> a DatasetRecord.

Each profile reads the properties it defines and leaves the rest alone, so a later profile (a national
extension, say) is one more class in the chain rather than edits to this one. Mapping never raises on
odd data: what cannot be used is reported as a *problem* on the dataset, and only a dataset that
cannot be shown at all (no title) is rejected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from catalogue.dcat import namespaces as ns
from catalogue.dcat import values as v
from catalogue.records import (
    Agent,
    ContactPoint,
    DatasetRecord,
    Distribution,
    Period,
    dataset_id_for_identifier,
    dataset_id_for_iri,
)

CountryCoder = Callable[[str], "str | None"]


class _Terms:
    """A namespace's terms, each made once: mapping asks for the same few dozen terms for every
    dataset, and rdflib's namespaces build a new ``URIRef`` (after a validity check, for the closed
    ones) on every attribute access. Not a ``str``, so that ``DCT.format`` is a term, not a method."""

    def __init__(self, namespace: str) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = self.__dict__[name] = URIRef(self._namespace + name)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return getattr(self, name)


CV, DCAT, DCT, DPV, FOAF, HEALTHDCATAP, RDF, RDFS, SCHEMA, SKOS, VCARD = (
    _Terms(str(n)) for n in (ns.CV, ns.DCAT, ns.DCT, ns.DPV, ns.FOAF, ns.HEALTHDCATAP, ns.RDF, ns.RDFS,
                             ns.SCHEMA, ns.SKOS, ns.VCARD))


@dataclass
class MappingContext:
    node: str
    node_country: str | None
    harvested: str
    country_code: CountryCoder
    canonical_health_category: Callable[[str], str] = lambda iri: iri


@dataclass
class MappedDataset:
    """A mapped record, or the reason there is none; ``problems`` are warnings either way."""

    subject: str
    record: DatasetRecord | None
    problems: list[str] = field(default_factory=list)
    error: str | None = None
    id: str | None = None  # known even for a rejected dataset, so its earlier version can be kept


class Profile:
    name = ""

    def apply(self, g: Graph, s: Node, record: DatasetRecord, ctx: MappingContext, problems: list[str]) -> None:
        raise NotImplementedError


class DcatAp3Profile(Profile):
    """DCAT-AP 3.0.1 dataset properties."""

    name = "dcat-ap-3"

    def apply(self, g, s, record, ctx, problems):
        record.title = v.lang_map(g, s, DCT.title)
        record.description = v.lang_map(g, s, DCT.description)
        record.keywords = v.lang_list(g, s, DCAT.keyword)
        record.themes = v.iris(g, s, DCAT.theme)
        record.spatial = v.iris(g, s, DCT.spatial)
        countries = []
        for iri in record.spatial:
            code = ctx.country_code(iri)
            if code and code not in countries:
                countries.append(code)
        if not countries and ctx.node_country:
            # A dataset that names no country is taken to be from its node's country, so that
            # per-country coverage does not silently drop it; the problem tells the node to say so.
            countries = [ctx.node_country]
            problems.append(f"no country in dct:spatial; assumed the node's country {ctx.node_country}")
        record.countries = countries
        record.access_rights = v.iri(g, s, DCT.accessRights)
        if record.access_rights is None:
            rights = v.text(g, s, DCT.accessRights)
            if rights:
                record.access_rights = _access_right_from_text(rights)
        publisher = v.first(g, s, DCT.publisher)
        record.publisher = read_agent(g, publisher) if publisher is not None else None
        record.creators = [read_agent(g, a) for a in v.objects(g, s, [DCT.creator])]
        contact = v.first(g, s, DCAT.contactPoint)
        record.contact_point = read_contact(g, contact) if contact is not None else None
        record.temporal = read_period(g, v.first(g, s, DCT.temporal), problems)
        record.issued = v.date(g, s, DCT.issued, problems, "dct:issued")
        record.modified = v.date(g, s, DCT.modified, problems, "dct:modified")
        record.landing_page = v.iri(g, s, DCAT.landingPage)
        record.languages = v.iris(g, s, DCT.language)
        record.dataset_type = v.iri(g, s, DCT.type)
        record.version = v.text(g, s, DCAT.version) or v.text(g, s, URIRef("http://www.w3.org/2002/07/owl#versionInfo"))
        record.conforms_to = v.iris(g, s, DCT.conformsTo)
        record.frequency = v.iri(g, s, DCT.accrualPeriodicity)
        record.distributions = [read_distribution(g, d, problems) for d in v.objects(g, s, [DCAT.distribution])
                                if v.is_resource(d)]


class HealthDcatApProfile(Profile):
    """HealthDCAT-AP (Release 8) additions: health categories, counts, ages, access body."""

    name = "healthdcat-ap"

    def apply(self, g, s, record, ctx, problems):
        record.health_categories = list(dict.fromkeys(
            ctx.canonical_health_category(i) for i in v.iris(g, s, HEALTHDCATAP.healthCategory)))
        record.health_themes = v.iris(g, s, HEALTHDCATAP.healthTheme)
        record.number_of_records = v.integer(g, s, HEALTHDCATAP.numberOfRecords, problems, "numberOfRecords")
        record.number_of_unique_individuals = v.integer(
            g, s, HEALTHDCATAP.numberOfUniqueIndividuals, problems, "numberOfUniqueIndividuals")
        record.min_typical_age = v.integer(g, s, HEALTHDCATAP.minTypicalAge, problems, "minTypicalAge")
        record.max_typical_age = v.integer(g, s, HEALTHDCATAP.maxTypicalAge, problems, "maxTypicalAge")
        if (record.min_typical_age is not None and record.max_typical_age is not None
                and record.min_typical_age > record.max_typical_age):
            problems.append(f"minTypicalAge {record.min_typical_age} is above maxTypicalAge {record.max_typical_age}")
        record.population_coverage = v.lang_map(g, s, HEALTHDCATAP.populationCoverage)
        hdab = v.first(g, s, HEALTHDCATAP.hdab)
        record.hdab = read_agent(g, hdab) if hdab is not None else None
        record.coding_systems = v.iris(g, s, HEALTHDCATAP.hasCodingSystem)
        record.code_values = v.texts(g, s, HEALTHDCATAP.hasCodeValues)
        record.purpose = _described(g, v.first(g, s, DPV.hasPurpose))
        record.legal_basis = _described(g, v.first(g, s, DPV.hasLegalBasis))


DEFAULT_CHAIN: tuple[Profile, ...] = (DcatAp3Profile(), HealthDcatApProfile())
DATASET_TYPES = (DCAT.Dataset, DCAT.DatasetSeries)


def dataset_subjects(g: Graph) -> list[Node]:
    """Every described dataset: typed ``dcat:Dataset``/``dcat:DatasetSeries`` or linked by ``dcat:dataset``.

    A subject only linked from a catalogue (no triples of its own) is skipped: it is a reference to a
    dataset described elsewhere, not a description.
    """
    return select_datasets((s for t in DATASET_TYPES for s in g.subjects(RDF.type, t)),
                           g.objects(None, DCAT.dataset),
                           lambda s: v.first(g, s, DCT.title, DCT.identifier) is not None)


def select_datasets(typed: Iterable[Node], linked: Iterable[Node], described: Callable[[Node], bool]) -> list[Node]:
    """The rule of :func:`dataset_subjects`, whatever holds the triples: ``typed``, the subjects typed
    with one of DATASET_TYPES; ``linked``, the objects of ``dcat:dataset``; ``described(s)``, whether
    ``s`` has a ``dct:title`` or a ``dct:identifier``."""
    found = dict.fromkeys(typed)
    for s in linked:
        if v.is_resource(s) and s not in found and described(s):
            found[s] = None
    return v._sorted(found)


def map_dataset(g: Graph, s: Node, ctx: MappingContext, chain: Sequence[Profile] = DEFAULT_CHAIN) -> MappedDataset:
    problems: list[str] = []
    identifier = v.text(g, s, DCT.identifier)
    if isinstance(s, URIRef):
        iri: str | None = str(s)
        record_id = dataset_id_for_iri(iri)
    elif identifier:
        iri = None
        record_id = dataset_id_for_identifier(ctx.node, identifier)
    else:
        return MappedDataset(subject=_label(g, s), record=None, problems=problems,
                             error="blank-node dataset without dct:identifier: it cannot be given a stable id; "
                                   "give it an IRI or a dct:identifier")
    record = DatasetRecord(id=record_id, node=ctx.node, iri=iri, identifier=identifier, harvested=ctx.harvested)
    for profile in chain:
        profile.apply(g, s, record, ctx, problems)
    if not record.title:
        return MappedDataset(subject=iri or identifier or _label(g, s), record=None, problems=problems,
                             error="no dct:title: a dataset must have a title to be listed", id=record_id)
    return MappedDataset(subject=iri or identifier or "", record=record, problems=problems, id=record_id)


def map_datasets(g: Graph, ctx: MappingContext, chain: Sequence[Profile] = DEFAULT_CHAIN) -> Iterator[MappedDataset]:
    for s in dataset_subjects(g):
        yield map_dataset(g, s, ctx, chain)


# Nested resources ----------------------------------------------------------------------------------

def read_agent(g: Graph, node: Node) -> Agent:
    if isinstance(node, Literal):
        return Agent(name={(node.language or "").lower(): str(node).strip()})
    agent = Agent(
        iri=str(node) if isinstance(node, URIRef) else None,
        name=v.lang_map(g, node, FOAF.name, VCARD.fn, VCARD["organization-name"], SKOS.prefLabel, RDFS.label,
                        SCHEMA.name),
        email=v.email(v.text(g, node, FOAF.mbox, VCARD.hasEmail, CV.email, SCHEMA.email)),
        url=v.iri(g, node, FOAF.homepage, FOAF.page, VCARD.hasURL, CV.contactPage, SCHEMA.url),
        type=v.iri(g, node, DCT.type),
    )
    contact = v.first(g, node, CV.contactPoint, DCAT.contactPoint)
    if contact is not None and v.is_resource(contact):
        cp = read_contact(g, contact)
        agent.email = agent.email or cp.email
        agent.url = agent.url or cp.url
    return agent


def read_contact(g: Graph, node: Node) -> ContactPoint:
    if isinstance(node, Literal):
        value = str(node).strip()
        if "@" in value and " " not in value:
            return ContactPoint(email=v.email(value))
        return ContactPoint(name={"": value})
    return ContactPoint(
        iri=str(node) if isinstance(node, URIRef) else None,
        name=v.lang_map(g, node, VCARD.fn, VCARD["organization-name"], FOAF.name, RDFS.label),
        email=v.email(v.text(g, node, VCARD.hasEmail, CV.email, FOAF.mbox, SCHEMA.email)),
        url=v.iri(g, node, VCARD.hasURL, CV.contactPage, FOAF.homepage, SCHEMA.url),
        telephone=_telephone(g, node),
    )


def _telephone(g: Graph, node: Node) -> str | None:
    tel = v.first(g, node, VCARD.hasTelephone, CV.telephone)
    if tel is None:
        return None
    if v.is_resource(tel) and not isinstance(tel, URIRef):
        tel = v.first(g, tel, VCARD.hasValue)
    return str(tel).replace("tel:", "").strip() if tel is not None else None


def read_period(g: Graph, node: Node | None, problems: list[str]) -> Period | None:
    if node is None or not v.is_resource(node):
        return None
    start = (v.date(g, node, DCAT.startDate, problems, "temporal start")
             or v.date(g, node, SCHEMA.startDate, problems, "temporal start"))
    end = v.date(g, node, DCAT.endDate, problems, "temporal end") or v.date(g, node, SCHEMA.endDate, problems,
                                                                              "temporal end")
    if start is None:
        start = _time_instant(g, v.first(g, node, URIRef("http://www.w3.org/2006/time#hasBeginning")))
    if end is None:
        end = _time_instant(g, v.first(g, node, URIRef("http://www.w3.org/2006/time#hasEnd")))
    return Period(start=start, end=end) if start or end else None


def _time_instant(g: Graph, node: Node | None) -> str | None:
    if node is None:
        return None
    time = "http://www.w3.org/2006/time#"
    value = v.first(g, node, URIRef(time + "inXSDDate"), URIRef(time + "inXSDDateTimeStamp"),
                    URIRef(time + "inXSDDateTime"))
    return str(value) if value is not None else None


def read_distribution(g: Graph, node: Node, problems: list[str]) -> Distribution:
    fmt = v.iri(g, node, DCT.format) or v.text(g, node, DCT.format)
    media = v.iri(g, node, DCAT.mediaType) or v.text(g, node, DCAT.mediaType)
    return Distribution(
        iri=str(node) if isinstance(node, URIRef) else None,
        title=v.lang_map(g, node, DCT.title),
        description=v.lang_map(g, node, DCT.description),
        access_url=v.iri(g, node, DCAT.accessURL),
        download_url=v.iri(g, node, DCAT.downloadURL),
        format=fmt,
        media_type=media,
        byte_size=v.integer(g, node, DCAT.byteSize, problems, "distribution byteSize"),
        licence=v.iri(g, node, DCT.license),
        access_service=v.iri(g, node, DCAT.accessService),
    )


def _described(g: Graph, node: Node | None) -> dict[str, str]:
    if node is None:
        return {}
    if isinstance(node, Literal):
        return {(node.language or "").lower(): str(node).strip()}
    found = v.lang_map(g, node, DCT.description, RDFS.label, SKOS.prefLabel, DCT.title)
    if not found and isinstance(node, URIRef):
        return {"": str(node)}
    return found


_ACCESS_WORDS = {"public": "PUBLIC", "restricted": "RESTRICTED", "non-public": "NON_PUBLIC",
                 "non_public": "NON_PUBLIC", "nonpublic": "NON_PUBLIC", "non public": "NON_PUBLIC"}


def _access_right_from_text(text: str) -> str:
    code = _ACCESS_WORDS.get(text.strip().lower())
    return f"http://publications.europa.eu/resource/authority/access-right/{code}" if code else text


def _label(g: Graph, s: Node) -> str:
    return str(s) if not isinstance(s, BNode) else "(blank node)"


__all__ = ["DEFAULT_CHAIN", "MappedDataset", "MappingContext", "Profile", "dataset_subjects", "select_datasets",
           "map_dataset", "map_datasets"]
