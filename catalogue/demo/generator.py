"""Seeded, deterministic, realistic synthetic national catalogues for the demo portal and the tests.

Each :class:`DemoNode` stands for one national node of the 1+Million Genomes / Genomic Data Infrastructure
federation and publishes its HealthDCAT-AP catalogue the way real nodes do: in Turtle, RDF/XML, JSON-LD or
N-Triples, in one document or in Hydra pages (``hydra:next`` IRIs for some nodes, ckanext-dcat style
``hydra:nextPage`` string literals for others), with multilingual text in English and the national language(s),
blank-node datasets, and the datatype variants seen in the wild (``xsd:integer`` next to
``xsd:nonNegativeInteger``, ``xsd:date`` next to ``xsd:dateTime``, byte sizes as ``xsd:decimal``).

The federation runs every kind of node the catalogue harvests (``DemoNode.type``): DCAT catalogue documents,
a FAIR Data Point (one Turtle document per resource), a SPARQL endpoint (``catalogue.demo.sparql`` over
:func:`node_graph`) and a CKAN portal (ckanext-dcat's ``catalog.ttl``). Converting a node to another type
keeps its datasets, records and counts, with one exception forced by the source type: an FDP's resource
IRIs are the addresses of its documents (the harvester walks them), so its catalogue and dataset IRIs live
under the served base URL instead of ``https://{name}.example.eu``. One Genome of Europe cohort is published
by two nodes under the same IRI (:data:`CO_PUBLISHED`).

Everything is derived from ``seed`` through ``random.Random(seed + stable hash of the node name)`` and
serialised from a graph whose triples are inserted in sorted order, so the same seed gives byte-identical
documents in every process for the same base URL (no ``now()``, no dependence on ``PYTHONHASHSEED``; only
Hydra page links and an FDP's IRIs contain the base URL). All metadata are synthetic:
institution names are real GDI-style data holders, but no dataset, count or person described here exists.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from catalogue.dcat.namespaces import (
    ACCESS_RIGHT_NAL,
    COUNTRY_NAL,
    CV,
    DATA_THEME_NAL,
    DCAT,
    DCATAP,
    DCT,
    DPV,
    EU_AUTHORITY,
    FOAF,
    HEALTH_CATEGORY_NAL,
    HEALTH_THEME_NAL,
    HEALTHDCATAP,
    HYDRA,
    RDF,
    VCARD,
    XSD,
)

__all__ = ["CO_PUBLISHED", "DemoNode", "catalogue_totals", "demo_nodes", "fdp_base_url", "node_catalogue_url",
           "node_documents", "node_graph", "node_url", "parse_document", "totals"]

Triple = tuple[Node, Node, Node]

# Serialisation: our format name -> (file extension, media type, rdflib serializer, rdflib parser).
FORMATS: dict[str, tuple[str, str, str, str]] = {
    "turtle": ("ttl", "text/turtle", "turtle", "turtle"),
    "xml": ("rdf", "application/rdf+xml", "pretty-xml", "xml"),
    "json-ld": ("jsonld", "application/ld+json", "json-ld", "json-ld"),
    "nt": ("nt", "application/n-triples", "nt", "nt"),
}

LANGUAGE_NAL = EU_AUTHORITY + "language/"
FILE_TYPE_NAL = EU_AUTHORITY + "file-type/"
FREQUENCY_NAL = EU_AUTHORITY + "frequency/"
DATASET_TYPE_NAL = EU_AUTHORITY + "dataset-type/"
LICENCE_NAL = EU_AUTHORITY + "licence/"
IANA = "http://www.iana.org/assignments/media-types/"
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
WIKIDATA = "http://www.wikidata.org/entity/"
EHDS_REGULATION = "http://data.europa.eu/eli/reg/2025/327/oj"  # European Health Data Space Regulation

# ISO 639-1 tag -> EU language NAL code.
LANGUAGE_CODES = {
    "en": "ENG", "de": "DEU", "fr": "FRA", "nl": "NLD", "es": "SPA", "it": "ITA", "sv": "SWE", "fi": "FIN",
    "da": "DAN", "pt": "POR", "el": "ELL", "hu": "HUN", "ro": "RON", "pl": "POL", "cs": "CES",
}

# ISO 3166-1 alpha-2 -> alpha-3 (EU country NAL). Greece is "GR" in ISO (the EU's own "EL" is accepted too).
ALPHA3 = {
    "AT": "AUT", "BE": "BEL", "BG": "BGR", "CY": "CYP", "CZ": "CZE", "DE": "DEU", "DK": "DNK", "EE": "EST",
    "EL": "GRC", "ES": "ESP", "FI": "FIN", "FR": "FRA", "GR": "GRC", "HR": "HRV", "HU": "HUN", "IE": "IRL",
    "IT": "ITA", "LT": "LTU", "LU": "LUX", "LV": "LVA", "MT": "MLT", "NL": "NLD", "NO": "NOR", "PL": "POL",
    "PT": "PRT", "RO": "ROU", "SE": "SWE", "SI": "SVN", "SK": "SVK",
}

# National languages we have phrase tables for, by country (others publish in English only).
COUNTRY_LANGUAGES: dict[str, tuple[str, ...]] = {
    "AT": ("de",), "BE": ("nl", "fr"), "CY": ("el",), "CZ": ("cs",), "DE": ("de",), "DK": ("da",), "EL": ("el",),
    "ES": ("es",), "FI": ("fi",), "FR": ("fr",), "GR": ("el",), "HU": ("hu",), "IT": ("it",), "LU": ("fr",),
    "NL": ("nl",), "PL": ("pl",), "PT": ("pt",), "RO": ("ro",), "SE": ("sv",),
}
# Phrase tables: one block per language, "key: value", continuation lines indented; "|" separates list items.
# Sub-type phrases are written to stand alone (nominative, after a colon) so that no template has to inflect them.
_TEXT_BLOCKS: dict[str, str] = {
    "en": """
kind.goe: Genome of Europe population reference cohort
kind.cancer: Tumour/normal whole-genome sequencing
kind.rare: Trio whole-genome sequencing for rare diseases
kind.infect: Host and pathogen genomics
kind.pgx: Pharmacogenomics
intro.goe: National contribution to the Genome of Europe (GoE) population reference, part of the
  1+Million Genomes initiative.
intro.cancer: Paired tumour and germline (normal) genomes, sequenced for diagnosis and research in precision oncology.
intro.rare: Whole genomes of affected children and both parents (trios), sequenced to find the genetic cause of a
  rare disease.
intro.infect: Genomes of pathogens and of the infected patients, linked to clinical course and outcome.
intro.pgx: Germline genotypes of pharmacogenes, linked to prescriptions and adverse drug reactions.
focus.goe: Data type
focus.cancer: Tumour type
focus.rare: Disease group
focus.infect: Focus
focus.pgx: Focus
label.site: Recruitment site
label.participants: Participants
label.period: Collection period
label.age: Age
label.years: years
access.PUBLIC: Aggregated data: freely downloadable without registration.
access.RESTRICTED: Access to individual-level data after approval by the data access committee.
access.NON_PUBLIC: Individual-level data: access only with a data permit from the health data access body, in a
  secure processing environment.
pop.goe: Adults from the general population, representative of the country's regions
pop.cancer: Adult patients with a newly diagnosed cancer
pop.cancer_paed: Children and adolescents with cancer
pop.rare: Patients with a suspected rare genetic disease and their parents
pop.infect: Hospitalised and community patients with a confirmed infection
pop.pgx: Adult patients receiving drug treatment in routine care
sub.wgs30: 30x whole-genome sequencing
sub.array: genotyping array with imputation
sub.freq: aggregated allele frequencies
sub.colorectal: colorectal cancer
sub.breast: breast cancer
sub.paediatric: paediatric cancers
sub.lung: non-small cell lung cancer
sub.aml: acute myeloid leukaemia
sub.prostate: prostate cancer
sub.neurodev: neurodevelopmental disorders and intellectual disability
sub.retina: inherited retinal dystrophies
sub.cardio: hereditary cardiomyopathies
sub.neuromuscular: neuromuscular disorders
sub.undiagnosed: undiagnosed rare diseases in children
sub.cf: cystic fibrosis
sub.covid_host: host genetics of severe COVID-19
sub.sarscov2: SARS-CoV-2 genomic surveillance
sub.tb: tuberculosis (host and Mycobacterium tuberculosis)
sub.hiv: HIV-1 (host and viral genomes)
sub.preemptive: pre-emptive pharmacogenetic panel
sub.clopidogrel: CYP2C19 and clopidogrel response
sub.dpyd: DPYD and fluoropyrimidine toxicity
kw.common: genomics | 1+Million Genomes
kw.goe: population reference | Genome of Europe | allele frequencies
kw.cancer: cancer | somatic variants | precision oncology
kw.rare: rare diseases | trio sequencing | diagnostics
kw.infect: infectious diseases | pathogen genomics | host genetics
kw.pgx: pharmacogenomics | drug response | adverse drug reactions
dist.vcf: Variant calls (VCF)
dist.cram: Aligned reads (CRAM)
dist.pheno: Phenotypic and clinical data
dist.freq: Allele frequency summary statistics
dist.beacon: Beacon v2 query service
dist.fasta: Consensus genome sequences (FASTA)
purpose.research: Scientific research on the genetic basis of health and disease
purpose.public_health: Public health surveillance and scientific research
legal.consent: Explicit consent of the participants (GDPR Article 9(2)(a))
legal.public_interest: Scientific research in the public interest under national law (GDPR Article 9(2)(j))
legal.ehds: Secondary use of electronic health data under the European Health Data Space Regulation
contact: Data Access Office
catalog.desc: Catalogue of the genomic datasets of the national node. Demonstration data: synthetic metadata, no
  real individuals.
""",
    "de": """
kind.goe: Genome of Europe – Populationsreferenzkohorte
kind.cancer: Tumor/Normal-Ganzgenomsequenzierung
kind.rare: Trio-Ganzgenomsequenzierung bei seltenen Erkrankungen
kind.infect: Wirts- und Erregergenomik
kind.pgx: Pharmakogenomik
intro.goe: Nationaler Beitrag zur Populationsreferenz Genome of Europe (GoE) im Rahmen der Initiative
  1+Million Genomes.
intro.cancer: Gepaarte Tumor- und Keimbahngenome (Normalgewebe), sequenziert für Diagnostik und Forschung in der
  Präzisionsonkologie.
intro.rare: Ganze Genome betroffener Kinder und beider Eltern (Trios), sequenziert zur Aufklärung der genetischen
  Ursache einer seltenen Erkrankung.
intro.infect: Genome von Krankheitserregern und der infizierten Patientinnen und Patienten, verknüpft mit
  Krankheitsverlauf und Behandlungsergebnis.
intro.pgx: Keimbahn-Genotypen von Pharmakogenen, verknüpft mit Verordnungen und unerwünschten
  Arzneimittelwirkungen.
focus.goe: Datentyp
focus.cancer: Tumorart
focus.rare: Krankheitsgruppe
focus.infect: Schwerpunkt
focus.pgx: Schwerpunkt
label.site: Rekrutierungsort
label.participants: Teilnehmende
label.period: Erhebungszeitraum
label.age: Alter
label.years: Jahre
access.PUBLIC: Aggregierte Daten: ohne Registrierung frei herunterladbar.
access.RESTRICTED: Zugang zu Daten auf Individualebene nach Genehmigung durch das Datenzugangskomitee.
access.NON_PUBLIC: Daten auf Individualebene: Zugang nur mit einer Datengenehmigung der Zugangsstelle für
  Gesundheitsdaten in einer sicheren Verarbeitungsumgebung.
pop.goe: Erwachsene aus der Allgemeinbevölkerung, repräsentativ für die Regionen des Landes
pop.cancer: Erwachsene Patientinnen und Patienten mit neu diagnostizierter Krebserkrankung
pop.cancer_paed: Kinder und Jugendliche mit Krebserkrankung
pop.rare: Patientinnen und Patienten mit Verdacht auf eine seltene genetische Erkrankung und ihre Eltern
pop.infect: Stationär und ambulant behandelte Patientinnen und Patienten mit bestätigter Infektion
pop.pgx: Erwachsene Patientinnen und Patienten unter medikamentöser Behandlung in der Regelversorgung
sub.wgs30: Ganzgenomsequenzierung mit 30-facher Abdeckung
sub.array: Genotypisierungs-Array mit Imputation
sub.freq: aggregierte Allelfrequenzen
sub.colorectal: kolorektales Karzinom
sub.breast: Brustkrebs
sub.paediatric: Krebserkrankungen im Kindesalter
sub.lung: nicht-kleinzelliges Lungenkarzinom
sub.aml: akute myeloische Leukämie
sub.prostate: Prostatakarzinom
sub.neurodev: neurologische Entwicklungsstörungen und Intelligenzminderung
sub.retina: erbliche Netzhautdystrophien
sub.cardio: erbliche Kardiomyopathien
sub.neuromuscular: neuromuskuläre Erkrankungen
sub.undiagnosed: undiagnostizierte seltene Erkrankungen im Kindesalter
sub.cf: Mukoviszidose
sub.covid_host: Wirtsgenetik schwerer COVID-19-Verläufe
sub.sarscov2: genomische Surveillance von SARS-CoV-2
sub.tb: Tuberkulose (Wirt und Mycobacterium tuberculosis)
sub.hiv: HIV-1 (Wirts- und Virusgenome)
sub.preemptive: präemptives pharmakogenetisches Panel
sub.clopidogrel: CYP2C19 und Ansprechen auf Clopidogrel
sub.dpyd: DPYD und Fluoropyrimidin-Toxizität
kw.common: Genomik | 1+Million Genomes
kw.goe: Populationsreferenz | Genome of Europe | Allelfrequenzen
kw.cancer: Krebs | somatische Varianten | Präzisionsonkologie
kw.rare: seltene Erkrankungen | Trio-Sequenzierung | Diagnostik
kw.infect: Infektionskrankheiten | Erregergenomik | Wirtsgenetik
kw.pgx: Pharmakogenomik | Arzneimittelansprechen | unerwünschte Arzneimittelwirkungen
dist.vcf: Variantenaufrufe (VCF)
dist.cram: Alignierte Reads (CRAM)
dist.pheno: Phänotypische und klinische Daten
dist.freq: Zusammenfassende Statistik der Allelfrequenzen
dist.beacon: Beacon-v2-Abfragedienst
dist.fasta: Konsensus-Genomsequenzen (FASTA)
purpose.research: Wissenschaftliche Forschung zu den genetischen Grundlagen von Gesundheit und Krankheit
purpose.public_health: Überwachung der öffentlichen Gesundheit und wissenschaftliche Forschung
legal.consent: Ausdrückliche Einwilligung der Teilnehmenden (Art. 9 Abs. 2 lit. a DSGVO)
legal.public_interest: Wissenschaftliche Forschung im öffentlichen Interesse nach nationalem Recht
  (Art. 9 Abs. 2 lit. j DSGVO)
legal.ehds: Sekundärnutzung elektronischer Gesundheitsdaten nach der Verordnung über den europäischen
  Gesundheitsdatenraum
contact: Datenzugangsstelle
catalog.desc: Katalog der genomischen Datensätze des nationalen Knotens. Demonstrationsdaten: synthetische
  Metadaten, keine realen Personen.
""",
    "fr": """
kind.goe: Cohorte de référence populationnelle Genome of Europe
kind.cancer: Séquençage du génome entier tumeur/normal
kind.rare: Séquençage du génome entier en trio pour les maladies rares
kind.infect: Génomique de l'hôte et du pathogène
kind.pgx: Pharmacogénomique
intro.goe: Contribution nationale à la référence populationnelle Genome of Europe (GoE), dans le cadre de
  l'initiative 1+Million Genomes.
intro.cancer: Génomes tumoraux et constitutionnels (normaux) appariés, séquencés pour le diagnostic et la recherche
  en oncologie de précision.
intro.rare: Génomes complets d'enfants atteints et de leurs deux parents (trios), séquencés pour identifier la
  cause génétique d'une maladie rare.
intro.infect: Génomes des agents pathogènes et des patients infectés, reliés à l'évolution clinique et à l'issue de
  la maladie.
intro.pgx: Génotypes constitutionnels des pharmacogènes, reliés aux prescriptions et aux effets indésirables des
  médicaments.
focus.goe: Type de données
focus.cancer: Type de tumeur
focus.rare: Groupe de maladies
focus.infect: Thématique
focus.pgx: Thématique
label.site: Site de recrutement
label.participants: Participants
label.period: Période de collecte
label.age: Âge
label.years: ans
access.PUBLIC: Données agrégées : téléchargement libre sans inscription.
access.RESTRICTED: Accès aux données individuelles après approbation par le comité d'accès aux données.
access.NON_PUBLIC: Données individuelles : accès uniquement avec une autorisation de l'organisme responsable de
  l'accès aux données de santé, dans un environnement de traitement sécurisé.
pop.goe: Adultes de la population générale, représentatifs des régions du pays
pop.cancer: Patients adultes atteints d'un cancer nouvellement diagnostiqué
pop.cancer_paed: Enfants et adolescents atteints d'un cancer
pop.rare: Patients présentant une suspicion de maladie génétique rare et leurs parents
pop.infect: Patients hospitalisés et ambulatoires présentant une infection confirmée
pop.pgx: Patients adultes sous traitement médicamenteux en soins courants
sub.wgs30: séquençage du génome entier à 30x
sub.array: puce de génotypage avec imputation
sub.freq: fréquences alléliques agrégées
sub.colorectal: cancer colorectal
sub.breast: cancer du sein
sub.paediatric: cancers pédiatriques
sub.lung: cancer du poumon non à petites cellules
sub.aml: leucémie aiguë myéloïde
sub.prostate: cancer de la prostate
sub.neurodev: troubles du neurodéveloppement et déficience intellectuelle
sub.retina: dystrophies rétiniennes héréditaires
sub.cardio: cardiomyopathies héréditaires
sub.neuromuscular: maladies neuromusculaires
sub.undiagnosed: maladies rares sans diagnostic chez l'enfant
sub.cf: mucoviscidose
sub.covid_host: génétique de l'hôte dans les formes graves de COVID-19
sub.sarscov2: surveillance génomique du SARS-CoV-2
sub.tb: tuberculose (hôte et Mycobacterium tuberculosis)
sub.hiv: VIH-1 (génomes de l'hôte et du virus)
sub.preemptive: panel pharmacogénétique préemptif
sub.clopidogrel: CYP2C19 et réponse au clopidogrel
sub.dpyd: DPYD et toxicité des fluoropyrimidines
kw.common: génomique | 1+Million Genomes
kw.goe: référence populationnelle | Genome of Europe | fréquences alléliques
kw.cancer: cancer | variants somatiques | oncologie de précision
kw.rare: maladies rares | séquençage en trio | diagnostic
kw.infect: maladies infectieuses | génomique des pathogènes | génétique de l'hôte
kw.pgx: pharmacogénomique | réponse aux médicaments | effets indésirables
dist.vcf: Appels de variants (VCF)
dist.cram: Lectures alignées (CRAM)
dist.pheno: Données phénotypiques et cliniques
dist.freq: Statistiques résumées des fréquences alléliques
dist.beacon: Service d'interrogation Beacon v2
dist.fasta: Séquences génomiques consensus (FASTA)
purpose.research: Recherche scientifique sur les bases génétiques de la santé et de la maladie
purpose.public_health: Surveillance de la santé publique et recherche scientifique
legal.consent: Consentement explicite des participants (article 9, paragraphe 2, point a), du RGPD)
legal.public_interest: Recherche scientifique d'intérêt public au titre du droit national (article 9,
  paragraphe 2, point j), du RGPD)
legal.ehds: Utilisation secondaire des données de santé électroniques au titre du règlement relatif à l'espace
  européen des données de santé
contact: Bureau d'accès aux données
catalog.desc: Catalogue des jeux de données génomiques du nœud national. Données de démonstration : métadonnées
  synthétiques, aucune personne réelle.
""",
    "nl": """
kind.goe: Genome of Europe-populatiereferentiecohort
kind.cancer: Tumor/normaal-sequencing van het volledige genoom
kind.rare: Trio-sequencing van het volledige genoom bij zeldzame ziekten
kind.infect: Genomica van gastheer en ziekteverwekker
kind.pgx: Farmacogenomica
intro.goe: Nationale bijdrage aan de populatiereferentie Genome of Europe (GoE), onderdeel van het
  1+Million Genomes-initiatief.
intro.cancer: Gepaarde tumor- en kiembaangenomen (normaal weefsel), gesequenced voor diagnostiek en onderzoek in de
  precisieoncologie.
intro.rare: Volledige genomen van aangedane kinderen en beide ouders (trio's), gesequenced om de genetische oorzaak
  van een zeldzame ziekte te vinden.
intro.infect: Genomen van ziekteverwekkers en van de geïnfecteerde patiënten, gekoppeld aan het klinisch beloop en
  de uitkomst.
intro.pgx: Kiembaangenotypen van farmacogenen, gekoppeld aan voorschriften en bijwerkingen van geneesmiddelen.
focus.goe: Gegevenstype
focus.cancer: Tumortype
focus.rare: Ziektegroep
focus.infect: Focus
focus.pgx: Focus
label.site: Wervingslocatie
label.participants: Deelnemers
label.period: Verzamelperiode
label.age: Leeftijd
label.years: jaar
access.PUBLIC: Geaggregeerde gegevens: vrij te downloaden zonder registratie.
access.RESTRICTED: Toegang tot gegevens op individueel niveau na goedkeuring door de datatoegangscommissie.
access.NON_PUBLIC: Gegevens op individueel niveau: alleen toegankelijk met een datavergunning van de instantie voor
  toegang tot gezondheidsgegevens, in een beveiligde verwerkingsomgeving.
pop.goe: Volwassenen uit de algemene bevolking, representatief voor de regio's van het land
pop.cancer: Volwassen patiënten met een nieuw gediagnosticeerde kanker
pop.cancer_paed: Kinderen en adolescenten met kanker
pop.rare: Patiënten met een vermoedelijke zeldzame genetische aandoening en hun ouders
pop.infect: Opgenomen en poliklinische patiënten met een bevestigde infectie
pop.pgx: Volwassen patiënten die in de reguliere zorg met geneesmiddelen worden behandeld
sub.wgs30: sequencing van het volledige genoom (30x)
sub.array: genotyperingsarray met imputatie
sub.freq: geaggregeerde allelfrequenties
sub.colorectal: darmkanker
sub.breast: borstkanker
sub.paediatric: kinderkanker
sub.lung: niet-kleincellige longkanker
sub.aml: acute myeloïde leukemie
sub.prostate: prostaatkanker
sub.neurodev: neurologische ontwikkelingsstoornissen en verstandelijke beperking
sub.retina: erfelijke netvliesdystrofieën
sub.cardio: erfelijke cardiomyopathieën
sub.neuromuscular: neuromusculaire aandoeningen
sub.undiagnosed: niet-gediagnosticeerde zeldzame ziekten bij kinderen
sub.cf: taaislijmziekte (cystische fibrose)
sub.covid_host: gastheergenetica van ernstige COVID-19
sub.sarscov2: genomische surveillance van SARS-CoV-2
sub.tb: tuberculose (gastheer en Mycobacterium tuberculosis)
sub.hiv: hiv-1 (genomen van gastheer en virus)
sub.preemptive: preventief farmacogenetisch panel
sub.clopidogrel: CYP2C19 en respons op clopidogrel
sub.dpyd: DPYD en toxiciteit van fluoropyrimidines
kw.common: genomica | 1+Million Genomes
kw.goe: populatiereferentie | Genome of Europe | allelfrequenties
kw.cancer: kanker | somatische varianten | precisieoncologie
kw.rare: zeldzame ziekten | triosequencing | diagnostiek
kw.infect: infectieziekten | pathogeengenomica | gastheergenetica
kw.pgx: farmacogenomica | geneesmiddelrespons | bijwerkingen
dist.vcf: Variantcalls (VCF)
dist.cram: Gealigneerde reads (CRAM)
dist.pheno: Fenotypische en klinische gegevens
dist.freq: Samenvattende statistieken van allelfrequenties
dist.beacon: Beacon v2-bevragingsdienst
dist.fasta: Consensusgenoomsequenties (FASTA)
purpose.research: Wetenschappelijk onderzoek naar de genetische basis van gezondheid en ziekte
purpose.public_health: Surveillance van de volksgezondheid en wetenschappelijk onderzoek
legal.consent: Uitdrukkelijke toestemming van de deelnemers (artikel 9, lid 2, onder a, AVG)
legal.public_interest: Wetenschappelijk onderzoek van algemeen belang op grond van nationaal recht (artikel 9,
  lid 2, onder j, AVG)
legal.ehds: Secundair gebruik van elektronische gezondheidsgegevens op grond van de verordening betreffende de
  Europese ruimte voor gezondheidsgegevens
contact: Bureau datatoegang
catalog.desc: Catalogus van de genomische datasets van het nationale knooppunt. Demonstratiegegevens: synthetische
  metadata, geen echte personen.
""",
    "es": """
kind.goe: Cohorte poblacional de referencia Genome of Europe
kind.cancer: Secuenciación del genoma completo tumor/normal
kind.rare: Secuenciación del genoma completo en tríos para enfermedades raras
kind.infect: Genómica del huésped y del patógeno
kind.pgx: Farmacogenómica
intro.goe: Contribución nacional a la referencia poblacional Genome of Europe (GoE), en el marco de la iniciativa
  1+Million Genomes.
intro.cancer: Genomas tumorales y germinales (normales) emparejados, secuenciados para el diagnóstico y la
  investigación en oncología de precisión.
intro.rare: Genomas completos de niños afectados y de sus dos progenitores (tríos), secuenciados para identificar
  la causa genética de una enfermedad rara.
intro.infect: Genomas de patógenos y de los pacientes infectados, vinculados a la evolución clínica y al desenlace.
intro.pgx: Genotipos germinales de farmacogenes, vinculados a las prescripciones y a las reacciones adversas a
  medicamentos.
focus.goe: Tipo de datos
focus.cancer: Tipo de tumor
focus.rare: Grupo de enfermedades
focus.infect: Enfoque
focus.pgx: Enfoque
label.site: Centro de reclutamiento
label.participants: Participantes
label.period: Periodo de recogida
label.age: Edad
label.years: años
access.PUBLIC: Datos agregados: descarga libre sin registro.
access.RESTRICTED: Acceso a los datos individuales tras la aprobación del comité de acceso a datos.
access.NON_PUBLIC: Datos individuales: acceso solo con un permiso de datos del organismo de acceso a datos de
  salud, en un entorno de tratamiento seguro.
pop.goe: Adultos de la población general, representativos de las regiones del país
pop.cancer: Pacientes adultos con un cáncer de diagnóstico reciente
pop.cancer_paed: Niños y adolescentes con cáncer
pop.rare: Pacientes con sospecha de enfermedad genética rara y sus progenitores
pop.infect: Pacientes hospitalizados y ambulatorios con infección confirmada
pop.pgx: Pacientes adultos en tratamiento farmacológico en la práctica clínica habitual
sub.wgs30: secuenciación del genoma completo a 30x
sub.array: array de genotipado con imputación
sub.freq: frecuencias alélicas agregadas
sub.colorectal: cáncer colorrectal
sub.breast: cáncer de mama
sub.paediatric: cánceres pediátricos
sub.lung: cáncer de pulmón no microcítico
sub.aml: leucemia mieloide aguda
sub.prostate: cáncer de próstata
sub.neurodev: trastornos del neurodesarrollo y discapacidad intelectual
sub.retina: distrofias hereditarias de la retina
sub.cardio: miocardiopatías hereditarias
sub.neuromuscular: enfermedades neuromusculares
sub.undiagnosed: enfermedades raras sin diagnóstico en la infancia
sub.cf: fibrosis quística
sub.covid_host: genética del huésped en la COVID-19 grave
sub.sarscov2: vigilancia genómica del SARS-CoV-2
sub.tb: tuberculosis (huésped y Mycobacterium tuberculosis)
sub.hiv: VIH-1 (genomas del huésped y del virus)
sub.preemptive: panel farmacogenético preventivo
sub.clopidogrel: CYP2C19 y respuesta al clopidogrel
sub.dpyd: DPYD y toxicidad por fluoropirimidinas
kw.common: genómica | 1+Million Genomes
kw.goe: referencia poblacional | Genome of Europe | frecuencias alélicas
kw.cancer: cáncer | variantes somáticas | oncología de precisión
kw.rare: enfermedades raras | secuenciación en tríos | diagnóstico
kw.infect: enfermedades infecciosas | genómica de patógenos | genética del huésped
kw.pgx: farmacogenómica | respuesta a fármacos | reacciones adversas
dist.vcf: Llamadas de variantes (VCF)
dist.cram: Lecturas alineadas (CRAM)
dist.pheno: Datos fenotípicos y clínicos
dist.freq: Estadísticas resumidas de frecuencias alélicas
dist.beacon: Servicio de consulta Beacon v2
dist.fasta: Secuencias genómicas consenso (FASTA)
purpose.research: Investigación científica sobre las bases genéticas de la salud y la enfermedad
purpose.public_health: Vigilancia de la salud pública e investigación científica
legal.consent: Consentimiento explícito de los participantes (artículo 9, apartado 2, letra a), del RGPD)
legal.public_interest: Investigación científica de interés público conforme al Derecho nacional (artículo 9,
  apartado 2, letra j), del RGPD)
legal.ehds: Uso secundario de datos de salud electrónicos conforme al Reglamento relativo al Espacio Europeo de
  Datos de Salud
contact: Oficina de acceso a datos
catalog.desc: Catálogo de los conjuntos de datos genómicos del nodo nacional. Datos de demostración: metadatos
  sintéticos, sin personas reales.
""",
    "it": """
kind.goe: Coorte di riferimento di popolazione Genome of Europe
kind.cancer: Sequenziamento dell'intero genoma tumore/normale
kind.rare: Sequenziamento dell'intero genoma in trio per le malattie rare
kind.infect: Genomica dell'ospite e del patogeno
kind.pgx: Farmacogenomica
intro.goe: Contributo nazionale al riferimento di popolazione Genome of Europe (GoE), nell'ambito dell'iniziativa
  1+Million Genomes.
intro.cancer: Genomi tumorali e germinali (normali) appaiati, sequenziati per la diagnosi e la ricerca
  nell'oncologia di precisione.
intro.rare: Genomi completi di bambini affetti e di entrambi i genitori (trio), sequenziati per individuare la
  causa genetica di una malattia rara.
intro.infect: Genomi dei patogeni e dei pazienti infetti, collegati al decorso clinico e all'esito.
intro.pgx: Genotipi germinali dei farmacogeni, collegati alle prescrizioni e alle reazioni avverse ai farmaci.
focus.goe: Tipo di dati
focus.cancer: Tipo di tumore
focus.rare: Gruppo di malattie
focus.infect: Ambito
focus.pgx: Ambito
label.site: Centro di reclutamento
label.participants: Partecipanti
label.period: Periodo di raccolta
label.age: Età
label.years: anni
access.PUBLIC: Dati aggregati: scaricabili liberamente senza registrazione.
access.RESTRICTED: Accesso ai dati individuali previa approvazione del comitato di accesso ai dati.
access.NON_PUBLIC: Dati individuali: accesso solo con un'autorizzazione ai dati dell'organismo responsabile
  dell'accesso ai dati sanitari, in un ambiente di trattamento sicuro.
pop.goe: Adulti della popolazione generale, rappresentativi delle regioni del Paese
pop.cancer: Pazienti adulti con un tumore di nuova diagnosi
pop.cancer_paed: Bambini e adolescenti con tumore
pop.rare: Pazienti con sospetta malattia genetica rara e i loro genitori
pop.infect: Pazienti ricoverati e ambulatoriali con infezione confermata
pop.pgx: Pazienti adulti in trattamento farmacologico nella pratica clinica corrente
sub.wgs30: sequenziamento dell'intero genoma a 30x
sub.array: array di genotipizzazione con imputazione
sub.freq: frequenze alleliche aggregate
sub.colorectal: carcinoma del colon-retto
sub.breast: carcinoma mammario
sub.paediatric: tumori pediatrici
sub.lung: carcinoma polmonare non a piccole cellule
sub.aml: leucemia mieloide acuta
sub.prostate: carcinoma della prostata
sub.neurodev: disturbi del neurosviluppo e disabilità intellettiva
sub.retina: distrofie retiniche ereditarie
sub.cardio: cardiomiopatie ereditarie
sub.neuromuscular: malattie neuromuscolari
sub.undiagnosed: malattie rare senza diagnosi in età pediatrica
sub.cf: fibrosi cistica
sub.covid_host: genetica dell'ospite nella COVID-19 grave
sub.sarscov2: sorveglianza genomica di SARS-CoV-2
sub.tb: tubercolosi (ospite e Mycobacterium tuberculosis)
sub.hiv: HIV-1 (genomi dell'ospite e del virus)
sub.preemptive: pannello farmacogenetico preventivo
sub.clopidogrel: CYP2C19 e risposta al clopidogrel
sub.dpyd: DPYD e tossicità da fluoropirimidine
kw.common: genomica | 1+Million Genomes
kw.goe: riferimento di popolazione | Genome of Europe | frequenze alleliche
kw.cancer: cancro | varianti somatiche | oncologia di precisione
kw.rare: malattie rare | sequenziamento in trio | diagnostica
kw.infect: malattie infettive | genomica dei patogeni | genetica dell'ospite
kw.pgx: farmacogenomica | risposta ai farmaci | reazioni avverse
dist.vcf: Chiamate di varianti (VCF)
dist.cram: Letture allineate (CRAM)
dist.pheno: Dati fenotipici e clinici
dist.freq: Statistiche riassuntive delle frequenze alleliche
dist.beacon: Servizio di interrogazione Beacon v2
dist.fasta: Sequenze genomiche consenso (FASTA)
purpose.research: Ricerca scientifica sulle basi genetiche della salute e della malattia
purpose.public_health: Sorveglianza della sanità pubblica e ricerca scientifica
legal.consent: Consenso esplicito dei partecipanti (articolo 9, paragrafo 2, lettera a), del GDPR)
legal.public_interest: Ricerca scientifica di interesse pubblico ai sensi del diritto nazionale (articolo 9,
  paragrafo 2, lettera j), del GDPR)
legal.ehds: Uso secondario dei dati sanitari elettronici ai sensi del regolamento sullo spazio europeo dei dati
  sanitari
contact: Ufficio per l'accesso ai dati
catalog.desc: Catalogo dei dataset genomici del nodo nazionale. Dati dimostrativi: metadati sintetici, nessuna
  persona reale.
""",
    "sv": """
kind.goe: Genome of Europe – populationsreferenskohort
kind.cancer: Helgenomsekvensering av tumör och normalvävnad
kind.rare: Helgenomsekvensering av trios vid sällsynta sjukdomar
kind.infect: Värd- och patogengenomik
kind.pgx: Farmakogenomik
intro.goe: Nationellt bidrag till populationsreferensen Genome of Europe (GoE) inom initiativet
  1+Million Genomes.
intro.cancer: Parade genom från tumör och normalvävnad, sekvenserade för diagnostik och forskning inom
  precisionsonkologi.
intro.rare: Helgenom från drabbade barn och båda föräldrarna (trios), sekvenserade för att hitta den genetiska
  orsaken till en sällsynt sjukdom.
intro.infect: Genom från patogener och från de infekterade patienterna, kopplade till sjukdomsförlopp och utfall.
intro.pgx: Nedärvda genotyper för farmakogener, kopplade till förskrivningar och läkemedelsbiverkningar.
focus.goe: Datatyp
focus.cancer: Tumörtyp
focus.rare: Sjukdomsgrupp
focus.infect: Inriktning
focus.pgx: Inriktning
label.site: Rekryteringsort
label.participants: Deltagare
label.period: Insamlingsperiod
label.age: Ålder
label.years: år
access.PUBLIC: Aggregerade data: fritt nedladdningsbara utan registrering.
access.RESTRICTED: Tillgång till data på individnivå efter godkännande av kommittén för dataåtkomst.
access.NON_PUBLIC: Data på individnivå: tillgång endast med ett datatillstånd från organet för tillgång till
  hälsodata, i en säker behandlingsmiljö.
pop.goe: Vuxna från den allmänna befolkningen, representativa för landets regioner
pop.cancer: Vuxna patienter med nydiagnostiserad cancer
pop.cancer_paed: Barn och ungdomar med cancer
pop.rare: Patienter med misstänkt sällsynt genetisk sjukdom och deras föräldrar
pop.infect: Patienter i sluten- och öppenvård med bekräftad infektion
pop.pgx: Vuxna patienter som får läkemedelsbehandling i rutinvården
sub.wgs30: helgenomsekvensering med 30x täckning
sub.array: genotypningsarray med imputering
sub.freq: aggregerade allelfrekvenser
sub.colorectal: kolorektal cancer
sub.breast: bröstcancer
sub.paediatric: barncancer
sub.lung: icke-småcellig lungcancer
sub.aml: akut myeloisk leukemi
sub.prostate: prostatacancer
sub.neurodev: neuroutvecklingsstörningar och intellektuell funktionsnedsättning
sub.retina: ärftliga näthinnedystrofier
sub.cardio: ärftliga kardiomyopatier
sub.neuromuscular: neuromuskulära sjukdomar
sub.undiagnosed: odiagnostiserade sällsynta sjukdomar hos barn
sub.cf: cystisk fibros
sub.covid_host: värdgenetik vid svår covid-19
sub.sarscov2: genomisk övervakning av SARS-CoV-2
sub.tb: tuberkulos (värd och Mycobacterium tuberculosis)
sub.hiv: hiv-1 (värd- och virusgenom)
sub.preemptive: preventiv farmakogenetisk panel
sub.clopidogrel: CYP2C19 och svar på klopidogrel
sub.dpyd: DPYD och fluoropyrimidintoxicitet
kw.common: genomik | 1+Million Genomes
kw.goe: populationsreferens | Genome of Europe | allelfrekvenser
kw.cancer: cancer | somatiska varianter | precisionsonkologi
kw.rare: sällsynta sjukdomar | triosekvensering | diagnostik
kw.infect: infektionssjukdomar | patogengenomik | värdgenetik
kw.pgx: farmakogenomik | läkemedelssvar | läkemedelsbiverkningar
dist.vcf: Variantanrop (VCF)
dist.cram: Linjerade läsningar (CRAM)
dist.pheno: Fenotypiska och kliniska data
dist.freq: Sammanfattande statistik över allelfrekvenser
dist.beacon: Frågetjänst Beacon v2
dist.fasta: Konsensusgenomsekvenser (FASTA)
purpose.research: Vetenskaplig forskning om den genetiska grunden för hälsa och sjukdom
purpose.public_health: Folkhälsoövervakning och vetenskaplig forskning
legal.consent: Uttryckligt samtycke från deltagarna (artikel 9.2 a i dataskyddsförordningen)
legal.public_interest: Vetenskaplig forskning av allmänt intresse enligt nationell rätt (artikel 9.2 j i
  dataskyddsförordningen)
legal.ehds: Sekundär användning av elektroniska hälsodata enligt förordningen om ett europeiskt hälsodataområde
contact: Kontoret för dataåtkomst
catalog.desc: Katalog över den nationella nodens genomiska dataset. Demonstrationsdata: syntetiska metadata, inga
  verkliga personer.
""",
    "fi": """
kind.goe: Genome of Europe -väestöviitekohortti
kind.cancer: Kasvain- ja normaalikudoksen koko genomin sekvensointi
kind.rare: Koko genomin triosekvensointi harvinaissairauksissa
kind.infect: Isäntä- ja taudinaiheuttajagenomiikka
kind.pgx: Farmakogenomiikka
intro.goe: Kansallinen osuus Genome of Europe (GoE) -väestöviitteeseen osana 1+Million Genomes -aloitetta.
intro.cancer: Kasvaimen ja normaalikudoksen (ituradan) genomit pareittain, sekvensoitu diagnostiikkaa ja
  täsmäonkologian tutkimusta varten.
intro.rare: Sairastuneiden lasten ja molempien vanhempien (triot) koko genomit, sekvensoitu harvinaissairauden
  geneettisen syyn selvittämiseksi.
intro.infect: Taudinaiheuttajien ja infektoituneiden potilaiden genomit, yhdistetty taudinkulkuun ja
  hoitotulokseen.
intro.pgx: Farmakogeenien ituradan genotyypit yhdistettyinä lääkemääräyksiin ja lääkkeiden haittavaikutuksiin.
focus.goe: Aineistotyyppi
focus.cancer: Kasvaintyyppi
focus.rare: Sairausryhmä
focus.infect: Painopiste
focus.pgx: Painopiste
label.site: Rekrytointipaikka
label.participants: Osallistujat
label.period: Keruujakso
label.age: Ikä
label.years: vuotta
access.PUBLIC: Kootut tiedot: vapaasti ladattavissa ilman rekisteröitymistä.
access.RESTRICTED: Yksilötason tietojen käyttö aineistonkäyttökomitean hyväksynnän jälkeen.
access.NON_PUBLIC: Yksilötason tiedot: käyttö vain terveysdatan käyttölupaviranomaisen myöntämällä luvalla
  suojatussa käyttöympäristössä.
pop.goe: Aikuiset yleisväestöstä, maan alueita edustava otos
pop.cancer: Aikuispotilaat, joilla on äskettäin diagnosoitu syöpä
pop.cancer_paed: Syöpää sairastavat lapset ja nuoret
pop.rare: Potilaat, joilla epäillään harvinaista perinnöllistä sairautta, sekä heidän vanhempansa
pop.infect: Sairaala- ja avohoitopotilaat, joilla on varmistettu infektio
pop.pgx: Aikuispotilaat, jotka saavat lääkehoitoa tavanomaisessa hoidossa
sub.wgs30: koko genomin sekvensointi (30x)
sub.array: genotyypityssiru ja imputointi
sub.freq: kootut alleelifrekvenssit
sub.colorectal: paksu- ja peräsuolen syöpä
sub.breast: rintasyöpä
sub.paediatric: lasten syövät
sub.lung: ei-pienisoluinen keuhkosyöpä
sub.aml: akuutti myelooinen leukemia
sub.prostate: eturauhassyöpä
sub.neurodev: neurokehitykselliset häiriöt ja kehitysvammaisuus
sub.retina: perinnölliset verkkokalvon rappeumat
sub.cardio: perinnölliset kardiomyopatiat
sub.neuromuscular: hermo-lihastaudit
sub.undiagnosed: diagnosoimattomat harvinaissairaudet lapsilla
sub.cf: kystinen fibroosi
sub.covid_host: vaikean COVID-19-taudin isäntägenetiikka
sub.sarscov2: SARS-CoV-2:n genomiseuranta
sub.tb: tuberkuloosi (isäntä ja Mycobacterium tuberculosis)
sub.hiv: HIV-1 (isännän ja viruksen genomit)
sub.preemptive: ennakoiva farmakogeneettinen paneeli
sub.clopidogrel: CYP2C19 ja klopidogreelivaste
sub.dpyd: DPYD ja fluoropyrimidiinien toksisuus
kw.common: genomiikka | 1+Million Genomes
kw.goe: väestöviite | Genome of Europe | alleelifrekvenssit
kw.cancer: syöpä | somaattiset variantit | täsmäonkologia
kw.rare: harvinaissairaudet | triosekvensointi | diagnostiikka
kw.infect: infektiotaudit | taudinaiheuttajien genomiikka | isäntägenetiikka
kw.pgx: farmakogenomiikka | lääkevaste | haittavaikutukset
dist.vcf: Varianttikutsut (VCF)
dist.cram: Kohdistetut lukemat (CRAM)
dist.pheno: Fenotyyppitiedot ja kliiniset tiedot
dist.freq: Alleelifrekvenssien yhteenvetotilastot
dist.beacon: Beacon v2 -kyselypalvelu
dist.fasta: Konsensusgenomisekvenssit (FASTA)
purpose.research: Tieteellinen tutkimus terveyden ja sairauksien geneettisestä perustasta
purpose.public_health: Kansanterveyden seuranta ja tieteellinen tutkimus
legal.consent: Osallistujien nimenomainen suostumus (tietosuoja-asetuksen 9 artiklan 2 kohdan a alakohta)
legal.public_interest: Yleisen edun mukainen tieteellinen tutkimus kansallisen lainsäädännön nojalla
  (tietosuoja-asetuksen 9 artiklan 2 kohdan j alakohta)
legal.ehds: Sähköisten terveystietojen toissijainen käyttö eurooppalaista terveysdata-aluetta koskevan asetuksen
  nojalla
contact: Tietopalvelu
catalog.desc: Kansallisen solmun genomiaineistojen luettelo. Esittelyaineisto: synteettiset metatiedot, ei
  todellisia henkilöitä.
""",
    "da": """
kind.goe: Genome of Europe – befolkningsreferencekohorte
kind.cancer: Helgenomsekventering af tumor og normalvæv
kind.rare: Helgenomsekventering af trioer ved sjældne sygdomme
kind.infect: Værts- og patogengenomik
kind.pgx: Farmakogenomik
intro.goe: Nationalt bidrag til befolkningsreferencen Genome of Europe (GoE) som led i initiativet
  1+Million Genomes.
intro.cancer: Parrede genomer fra tumor og normalvæv (kimbane), sekventeret til diagnostik og forskning i
  præcisionsonkologi.
intro.rare: Hele genomer fra syge børn og begge forældre (trioer), sekventeret for at finde den genetiske årsag
  til en sjælden sygdom.
intro.infect: Genomer fra patogener og fra de smittede patienter, koblet til sygdomsforløb og udfald.
intro.pgx: Kimbanegenotyper for farmakogener, koblet til ordinationer og bivirkninger af lægemidler.
focus.goe: Datatype
focus.cancer: Tumortype
focus.rare: Sygdomsgruppe
focus.infect: Fokus
focus.pgx: Fokus
label.site: Rekrutteringssted
label.participants: Deltagere
label.period: Indsamlingsperiode
label.age: Alder
label.years: år
access.PUBLIC: Aggregerede data: frit tilgængelige til download uden registrering.
access.RESTRICTED: Adgang til data på individniveau efter godkendelse fra dataadgangskomitéen.
access.NON_PUBLIC: Data på individniveau: kun adgang med en datatilladelse fra organet for adgang til
  sundhedsdata, i et sikkert behandlingsmiljø.
pop.goe: Voksne fra den generelle befolkning, repræsentative for landets regioner
pop.cancer: Voksne patienter med nydiagnosticeret kræft
pop.cancer_paed: Børn og unge med kræft
pop.rare: Patienter med mistanke om en sjælden genetisk sygdom og deres forældre
pop.infect: Indlagte og ambulante patienter med bekræftet infektion
pop.pgx: Voksne patienter i medicinsk behandling i det almindelige sundhedsvæsen
sub.wgs30: helgenomsekventering med 30x dækning
sub.array: genotypebestemmelse med array og imputering
sub.freq: aggregerede allelfrekvenser
sub.colorectal: kræft i tyk- og endetarm
sub.breast: brystkræft
sub.paediatric: kræft hos børn
sub.lung: ikke-småcellet lungekræft
sub.aml: akut myeloid leukæmi
sub.prostate: prostatakræft
sub.neurodev: neuroudviklingsforstyrrelser og udviklingshæmning
sub.retina: arvelige nethindedystrofier
sub.cardio: arvelige kardiomyopatier
sub.neuromuscular: neuromuskulære sygdomme
sub.undiagnosed: udiagnosticerede sjældne sygdomme hos børn
sub.cf: cystisk fibrose
sub.covid_host: værtsgenetik ved svær covid-19
sub.sarscov2: genomisk overvågning af SARS-CoV-2
sub.tb: tuberkulose (vært og Mycobacterium tuberculosis)
sub.hiv: hiv-1 (værts- og virusgenomer)
sub.preemptive: præventivt farmakogenetisk panel
sub.clopidogrel: CYP2C19 og respons på clopidogrel
sub.dpyd: DPYD og toksicitet af fluoropyrimidiner
kw.common: genomik | 1+Million Genomes
kw.goe: befolkningsreference | Genome of Europe | allelfrekvenser
kw.cancer: kræft | somatiske varianter | præcisionsonkologi
kw.rare: sjældne sygdomme | triosekventering | diagnostik
kw.infect: infektionssygdomme | patogengenomik | værtsgenetik
kw.pgx: farmakogenomik | lægemiddelrespons | bivirkninger
dist.vcf: Variantkald (VCF)
dist.cram: Alignede reads (CRAM)
dist.pheno: Fænotypiske og kliniske data
dist.freq: Sammenfattende statistik over allelfrekvenser
dist.beacon: Beacon v2-forespørgselstjeneste
dist.fasta: Konsensusgenomsekvenser (FASTA)
purpose.research: Videnskabelig forskning i det genetiske grundlag for sundhed og sygdom
purpose.public_health: Overvågning af folkesundheden og videnskabelig forskning
legal.consent: Udtrykkeligt samtykke fra deltagerne (databeskyttelsesforordningens artikel 9, stk. 2, litra a)
legal.public_interest: Videnskabelig forskning i samfundets interesse efter national ret
  (databeskyttelsesforordningens artikel 9, stk. 2, litra j)
legal.ehds: Sekundær anvendelse af elektroniske sundhedsdata efter forordningen om det europæiske
  sundhedsdataområde
contact: Kontoret for dataadgang
catalog.desc: Katalog over den nationale knudes genomiske datasæt. Demonstrationsdata: syntetiske metadata, ingen
  rigtige personer.
""",
    "pt": """
kind.goe: Coorte populacional de referência Genome of Europe
kind.cancer: Sequenciação do genoma completo tumor/normal
kind.rare: Sequenciação do genoma completo em trios para doenças raras
kind.infect: Genómica do hospedeiro e do agente patogénico
kind.pgx: Farmacogenómica
intro.goe: Contributo nacional para a referência populacional Genome of Europe (GoE), no âmbito da iniciativa
  1+Million Genomes.
intro.cancer: Genomas tumorais e germinativos (normais) emparelhados, sequenciados para o diagnóstico e a
  investigação em oncologia de precisão.
intro.rare: Genomas completos de crianças afetadas e de ambos os progenitores (trios), sequenciados para
  identificar a causa genética de uma doença rara.
intro.infect: Genomas de agentes patogénicos e dos doentes infetados, associados à evolução clínica e ao desfecho.
intro.pgx: Genótipos germinativos de farmacogenes, associados às prescrições e às reações adversas a medicamentos.
focus.goe: Tipo de dados
focus.cancer: Tipo de tumor
focus.rare: Grupo de doenças
focus.infect: Foco
focus.pgx: Foco
label.site: Local de recrutamento
label.participants: Participantes
label.period: Período de recolha
label.age: Idade
label.years: anos
access.PUBLIC: Dados agregados: descarregamento livre sem registo.
access.RESTRICTED: Acesso aos dados individuais após aprovação da comissão de acesso a dados.
access.NON_PUBLIC: Dados individuais: acesso apenas com uma autorização de dados do organismo de acesso a dados de
  saúde, num ambiente de tratamento seguro.
pop.goe: Adultos da população geral, representativos das regiões do país
pop.cancer: Doentes adultos com cancro diagnosticado recentemente
pop.cancer_paed: Crianças e adolescentes com cancro
pop.rare: Doentes com suspeita de doença genética rara e os seus progenitores
pop.infect: Doentes internados e em ambulatório com infeção confirmada
pop.pgx: Doentes adultos sob tratamento farmacológico na prática clínica corrente
sub.wgs30: sequenciação do genoma completo a 30x
sub.array: array de genotipagem com imputação
sub.freq: frequências alélicas agregadas
sub.colorectal: cancro colorretal
sub.breast: cancro da mama
sub.paediatric: cancros pediátricos
sub.lung: cancro do pulmão de não pequenas células
sub.aml: leucemia mieloide aguda
sub.prostate: cancro da próstata
sub.neurodev: perturbações do neurodesenvolvimento e deficiência intelectual
sub.retina: distrofias hereditárias da retina
sub.cardio: cardiomiopatias hereditárias
sub.neuromuscular: doenças neuromusculares
sub.undiagnosed: doenças raras sem diagnóstico em idade pediátrica
sub.cf: fibrose quística
sub.covid_host: genética do hospedeiro na COVID-19 grave
sub.sarscov2: vigilância genómica do SARS-CoV-2
sub.tb: tuberculose (hospedeiro e Mycobacterium tuberculosis)
sub.hiv: VIH-1 (genomas do hospedeiro e do vírus)
sub.preemptive: painel farmacogenético preventivo
sub.clopidogrel: CYP2C19 e resposta ao clopidogrel
sub.dpyd: DPYD e toxicidade das fluoropirimidinas
kw.common: genómica | 1+Million Genomes
kw.goe: referência populacional | Genome of Europe | frequências alélicas
kw.cancer: cancro | variantes somáticas | oncologia de precisão
kw.rare: doenças raras | sequenciação em trio | diagnóstico
kw.infect: doenças infeciosas | genómica de agentes patogénicos | genética do hospedeiro
kw.pgx: farmacogenómica | resposta a medicamentos | reações adversas
dist.vcf: Chamadas de variantes (VCF)
dist.cram: Leituras alinhadas (CRAM)
dist.pheno: Dados fenotípicos e clínicos
dist.freq: Estatísticas resumidas das frequências alélicas
dist.beacon: Serviço de consulta Beacon v2
dist.fasta: Sequências genómicas consenso (FASTA)
purpose.research: Investigação científica sobre as bases genéticas da saúde e da doença
purpose.public_health: Vigilância da saúde pública e investigação científica
legal.consent: Consentimento explícito dos participantes (artigo 9.º, n.º 2, alínea a), do RGPD)
legal.public_interest: Investigação científica de interesse público ao abrigo do direito nacional (artigo 9.º,
  n.º 2, alínea j), do RGPD)
legal.ehds: Utilização secundária de dados de saúde eletrónicos ao abrigo do Regulamento relativo ao Espaço
  Europeu de Dados de Saúde
contact: Gabinete de acesso a dados
catalog.desc: Catálogo dos conjuntos de dados genómicos do nó nacional. Dados de demonstração: metadados
  sintéticos, sem pessoas reais.
""",
    "el": """
kind.goe: Κοόρτη αναφοράς πληθυσμού Genome of Europe
kind.cancer: Αλληλούχιση ολόκληρου του γονιδιώματος όγκου και φυσιολογικού ιστού
kind.rare: Αλληλούχιση ολόκληρου του γονιδιώματος σε τριάδες για σπάνια νοσήματα
kind.infect: Γονιδιωματική ξενιστή και παθογόνου
kind.pgx: Φαρμακογονιδιωματική
intro.goe: Εθνική συμβολή στο πληθυσμιακό γονιδίωμα αναφοράς Genome of Europe (GoE), στο πλαίσιο της
  πρωτοβουλίας 1+Million Genomes.
intro.cancer: Ζεύγη γονιδιωμάτων όγκου και βλαστικής σειράς (φυσιολογικού ιστού), αλληλουχημένα για διάγνωση και
  έρευνα στην ογκολογία ακριβείας.
intro.rare: Ολόκληρα γονιδιώματα πασχόντων παιδιών και των δύο γονέων τους (τριάδες), αλληλουχημένα για τον
  εντοπισμό της γενετικής αιτίας ενός σπάνιου νοσήματος.
intro.infect: Γονιδιώματα παθογόνων και των ασθενών με λοίμωξη, συνδεδεμένα με την κλινική πορεία και την έκβαση.
intro.pgx: Γονότυποι βλαστικής σειράς φαρμακογονιδίων, συνδεδεμένοι με συνταγογραφήσεις και ανεπιθύμητες ενέργειες
  φαρμάκων.
focus.goe: Τύπος δεδομένων
focus.cancer: Τύπος όγκου
focus.rare: Ομάδα νοσημάτων
focus.infect: Εστίαση
focus.pgx: Εστίαση
label.site: Κέντρο ένταξης
label.participants: Συμμετέχοντες
label.period: Περίοδος συλλογής
label.age: Ηλικία
label.years: ετών
access.PUBLIC: Συγκεντρωτικά δεδομένα: ελεύθερη λήψη χωρίς εγγραφή.
access.RESTRICTED: Πρόσβαση σε δεδομένα ατομικού επιπέδου μετά από έγκριση της επιτροπής πρόσβασης σε δεδομένα.
access.NON_PUBLIC: Δεδομένα ατομικού επιπέδου: πρόσβαση μόνο με άδεια δεδομένων από τον φορέα πρόσβασης σε
  δεδομένα υγείας, σε ασφαλές περιβάλλον επεξεργασίας.
pop.goe: Ενήλικες από τον γενικό πληθυσμό, αντιπροσωπευτικοί των περιφερειών της χώρας
pop.cancer: Ενήλικες ασθενείς με πρόσφατα διαγνωσμένο καρκίνο
pop.cancer_paed: Παιδιά και έφηβοι με καρκίνο
pop.rare: Ασθενείς με πιθανό σπάνιο γενετικό νόσημα και οι γονείς τους
pop.infect: Νοσηλευόμενοι και εξωτερικοί ασθενείς με επιβεβαιωμένη λοίμωξη
pop.pgx: Ενήλικες ασθενείς υπό φαρμακευτική αγωγή στην καθημερινή κλινική πράξη
sub.wgs30: αλληλούχιση ολόκληρου του γονιδιώματος (30x)
sub.array: μικροσυστοιχία γονοτύπησης με συμπλήρωση γονοτύπων
sub.freq: συγκεντρωτικές συχνότητες αλληλομόρφων
sub.colorectal: καρκίνος του παχέος εντέρου και του ορθού
sub.breast: καρκίνος του μαστού
sub.paediatric: παιδικοί καρκίνοι
sub.lung: μη μικροκυτταρικός καρκίνος του πνεύμονα
sub.aml: οξεία μυελογενής λευχαιμία
sub.prostate: καρκίνος του προστάτη
sub.neurodev: νευροαναπτυξιακές διαταραχές και διανοητική αναπηρία
sub.retina: κληρονομικές δυστροφίες του αμφιβληστροειδούς
sub.cardio: κληρονομικές μυοκαρδιοπάθειες
sub.neuromuscular: νευρομυϊκά νοσήματα
sub.undiagnosed: αδιάγνωστα σπάνια νοσήματα σε παιδιά
sub.cf: κυστική ίνωση
sub.covid_host: γενετική του ξενιστή στη σοβαρή COVID-19
sub.sarscov2: γονιδιωματική επιτήρηση του SARS-CoV-2
sub.tb: φυματίωση (ξενιστής και Mycobacterium tuberculosis)
sub.hiv: HIV-1 (γονιδιώματα ξενιστή και ιού)
sub.preemptive: προληπτικό φαρμακογενετικό πάνελ
sub.clopidogrel: CYP2C19 και ανταπόκριση στην κλοπιδογρέλη
sub.dpyd: DPYD και τοξικότητα φθοριοπυριμιδινών
kw.common: γονιδιωματική | 1+Million Genomes
kw.goe: πληθυσμός αναφοράς | Genome of Europe | συχνότητες αλληλομόρφων
kw.cancer: καρκίνος | σωματικές παραλλαγές | ογκολογία ακριβείας
kw.rare: σπάνια νοσήματα | αλληλούχιση τριάδων | διάγνωση
kw.infect: λοιμώδη νοσήματα | γονιδιωματική παθογόνων | γενετική ξενιστή
kw.pgx: φαρμακογονιδιωματική | ανταπόκριση σε φάρμακα | ανεπιθύμητες ενέργειες
dist.vcf: Κλήσεις παραλλαγών (VCF)
dist.cram: Στοιχισμένες αναγνώσεις (CRAM)
dist.pheno: Φαινοτυπικά και κλινικά δεδομένα
dist.freq: Συνοπτικά στατιστικά συχνοτήτων αλληλομόρφων
dist.beacon: Υπηρεσία ερωτημάτων Beacon v2
dist.fasta: Συναινετικές γονιδιωματικές αλληλουχίες (FASTA)
purpose.research: Επιστημονική έρευνα για τη γενετική βάση της υγείας και της νόσου
purpose.public_health: Επιτήρηση της δημόσιας υγείας και επιστημονική έρευνα
legal.consent: Ρητή συγκατάθεση των συμμετεχόντων (άρθρο 9 παράγραφος 2 στοιχείο α) ΓΚΠΔ)
legal.public_interest: Επιστημονική έρευνα δημοσίου συμφέροντος βάσει του εθνικού δικαίου (άρθρο 9 παράγραφος 2
  στοιχείο ι) ΓΚΠΔ)
legal.ehds: Δευτερογενής χρήση ηλεκτρονικών δεδομένων υγείας βάσει του κανονισμού για τον ευρωπαϊκό χώρο
  δεδομένων υγείας
contact: Γραφείο πρόσβασης σε δεδομένα
catalog.desc: Κατάλογος των γονιδιωματικών συνόλων δεδομένων του εθνικού κόμβου. Δεδομένα επίδειξης: συνθετικά
  μεταδεδομένα, χωρίς πραγματικά πρόσωπα.
""",
    "hu": """
kind.goe: Genome of Europe populációs referenciakohorsz
kind.cancer: Tumor- és normálszöveti teljesgenom-szekvenálás
kind.rare: Teljesgenom-szekvenálás triókban ritka betegségek esetén
kind.infect: Gazdaszervezet- és kórokozógenomika
kind.pgx: Farmakogenomika
intro.goe: Nemzeti hozzájárulás a Genome of Europe (GoE) populációs referenciához az 1+Million Genomes
  kezdeményezés keretében.
intro.cancer: Párosított tumor- és csíravonalbeli (normál) genomok, amelyeket diagnosztikai célra és precíziós
  onkológiai kutatáshoz szekvenáltak.
intro.rare: Érintett gyermekek és mindkét szülőjük (triók) teljes genomja, amelyeket egy ritka betegség genetikai
  okának feltárására szekvenáltak.
intro.infect: Kórokozók és a fertőzött betegek genomjai a klinikai lefolyással és a kimenetellel összekapcsolva.
intro.pgx: Farmakogének csíravonalbeli genotípusai a gyógyszerrendelésekkel és a nemkívánatos gyógyszerhatásokkal
  összekapcsolva.
focus.goe: Adattípus
focus.cancer: Daganattípus
focus.rare: Betegségcsoport
focus.infect: Fókusz
focus.pgx: Fókusz
label.site: Toborzási helyszín
label.participants: Résztvevők
label.period: Adatgyűjtési időszak
label.age: Életkor
label.years: év
access.PUBLIC: Aggregált adatok: regisztráció nélkül szabadon letölthetők.
access.RESTRICTED: Az egyéni szintű adatokhoz az adathozzáférési bizottság jóváhagyása után lehet hozzáférni.
access.NON_PUBLIC: Egyéni szintű adatok: hozzáférés kizárólag az egészségügyiadat-hozzáférési szerv által kiadott
  adatengedéllyel, biztonságos adatkezelési környezetben.
pop.goe: Felnőttek az általános népességből, az ország régióit reprezentálva
pop.cancer: Újonnan diagnosztizált daganatos betegségben szenvedő felnőtt betegek
pop.cancer_paed: Daganatos betegségben szenvedő gyermekek és serdülők
pop.rare: Ritka genetikai betegség gyanújával vizsgált betegek és szüleik
pop.infect: Igazolt fertőzésben szenvedő fekvő- és járóbetegek
pop.pgx: Rutinellátásban gyógyszeres kezelést kapó felnőtt betegek
sub.wgs30: teljesgenom-szekvenálás 30x lefedettséggel
sub.array: genotipizáló chip imputálással
sub.freq: aggregált allélgyakoriságok
sub.colorectal: vastag- és végbélrák
sub.breast: emlőrák
sub.paediatric: gyermekkori daganatok
sub.lung: nem kissejtes tüdőrák
sub.aml: akut mieloid leukémia
sub.prostate: prosztatarák
sub.neurodev: idegrendszeri fejlődési zavarok és értelmi fogyatékosság
sub.retina: örökletes retinadisztrófiák
sub.cardio: örökletes kardiomiopátiák
sub.neuromuscular: neuromuszkuláris betegségek
sub.undiagnosed: diagnózis nélküli ritka betegségek gyermekkorban
sub.cf: cisztás fibrózis
sub.covid_host: a súlyos COVID-19 gazdaszervezeti genetikája
sub.sarscov2: a SARS-CoV-2 genomikai monitorozása
sub.tb: tuberkulózis (gazdaszervezet és Mycobacterium tuberculosis)
sub.hiv: HIV-1 (a gazdaszervezet és a vírus genomja)
sub.preemptive: megelőző farmakogenetikai panel
sub.clopidogrel: CYP2C19 és a klopidogrélre adott válasz
sub.dpyd: DPYD és a fluoropirimidin-toxicitás
kw.common: genomika | 1+Million Genomes
kw.goe: populációs referencia | Genome of Europe | allélgyakoriságok
kw.cancer: daganatos betegségek | szomatikus variánsok | precíziós onkológia
kw.rare: ritka betegségek | trió-szekvenálás | diagnosztika
kw.infect: fertőző betegségek | kórokozógenomika | gazdaszervezeti genetika
kw.pgx: farmakogenomika | gyógyszerválasz | mellékhatások
dist.vcf: Variánshívások (VCF)
dist.cram: Illesztett readek (CRAM)
dist.pheno: Fenotípusos és klinikai adatok
dist.freq: Allélgyakoriságok összesítő statisztikái
dist.beacon: Beacon v2 lekérdezési szolgáltatás
dist.fasta: Konszenzus genomszekvenciák (FASTA)
purpose.research: Tudományos kutatás az egészség és a betegségek genetikai hátteréről
purpose.public_health: Népegészségügyi felügyelet és tudományos kutatás
legal.consent: A résztvevők kifejezett hozzájárulása (GDPR 9. cikk (2) bekezdés a) pont)
legal.public_interest: Közérdekű tudományos kutatás a nemzeti jog alapján (GDPR 9. cikk (2) bekezdés j) pont)
legal.ehds: Elektronikus egészségügyi adatok másodlagos felhasználása az európai egészségügyi adattérről szóló
  rendelet alapján
contact: Adathozzáférési iroda
catalog.desc: A nemzeti csomópont genomikai adatkészleteinek katalógusa. Bemutató adatok: szintetikus metaadatok,
  valós személyek nélkül.
""",
    "ro": """
kind.goe: Cohorta populațională de referință Genome of Europe
kind.cancer: Secvențierea întregului genom tumoră/țesut normal
kind.rare: Secvențierea întregului genom în trio pentru boli rare
kind.infect: Genomica gazdei și a agentului patogen
kind.pgx: Farmacogenomică
intro.goe: Contribuția națională la referința populațională Genome of Europe (GoE), în cadrul inițiativei
  1+Million Genomes.
intro.cancer: Genomuri tumorale și germinale (normale) pereche, secvențiate pentru diagnostic și cercetare în
  oncologia de precizie.
intro.rare: Genomurile complete ale copiilor afectați și ale ambilor părinți (trio), secvențiate pentru a
  identifica cauza genetică a unei boli rare.
intro.infect: Genomurile agenților patogeni și ale pacienților infectați, corelate cu evoluția clinică și cu
  rezultatul.
intro.pgx: Genotipuri germinale ale farmacogenelor, corelate cu prescripțiile și cu reacțiile adverse la
  medicamente.
focus.goe: Tipul de date
focus.cancer: Tipul de tumoră
focus.rare: Grupa de boli
focus.infect: Domeniu
focus.pgx: Domeniu
label.site: Centrul de recrutare
label.participants: Participanți
label.period: Perioada de colectare
label.age: Vârsta
label.years: ani
access.PUBLIC: Date agregate: descărcare liberă, fără înregistrare.
access.RESTRICTED: Acces la datele individuale după aprobarea comitetului de acces la date.
access.NON_PUBLIC: Date individuale: acces numai pe baza unui permis de date emis de organismul de acces la datele
  privind sănătatea, într-un mediu de prelucrare securizat.
pop.goe: Adulți din populația generală, reprezentativi pentru regiunile țării
pop.cancer: Pacienți adulți cu un cancer nou diagnosticat
pop.cancer_paed: Copii și adolescenți cu cancer
pop.rare: Pacienți cu suspiciune de boală genetică rară și părinții acestora
pop.infect: Pacienți internați și ambulatorii cu infecție confirmată
pop.pgx: Pacienți adulți aflați sub tratament medicamentos în practica clinică curentă
sub.wgs30: secvențierea întregului genom la 30x
sub.array: genotipare pe microarray cu imputare
sub.freq: frecvențe alelice agregate
sub.colorectal: cancer colorectal
sub.breast: cancer mamar
sub.paediatric: cancere pediatrice
sub.lung: cancer pulmonar fără celule mici
sub.aml: leucemie mieloidă acută
sub.prostate: cancer de prostată
sub.neurodev: tulburări de neurodezvoltare și dizabilitate intelectuală
sub.retina: distrofii retiniene ereditare
sub.cardio: cardiomiopatii ereditare
sub.neuromuscular: boli neuromusculare
sub.undiagnosed: boli rare nediagnosticate la copii
sub.cf: fibroză chistică
sub.covid_host: genetica gazdei în COVID-19 sever
sub.sarscov2: supravegherea genomică a SARS-CoV-2
sub.tb: tuberculoză (gazda și Mycobacterium tuberculosis)
sub.hiv: HIV-1 (genomurile gazdei și ale virusului)
sub.preemptive: panel farmacogenetic preventiv
sub.clopidogrel: CYP2C19 și răspunsul la clopidogrel
sub.dpyd: DPYD și toxicitatea fluoropirimidinelor
kw.common: genomică | 1+Million Genomes
kw.goe: referință populațională | Genome of Europe | frecvențe alelice
kw.cancer: cancer | variante somatice | oncologie de precizie
kw.rare: boli rare | secvențiere în trio | diagnostic
kw.infect: boli infecțioase | genomica agenților patogeni | genetica gazdei
kw.pgx: farmacogenomică | răspuns la medicamente | reacții adverse
dist.vcf: Variante identificate (VCF)
dist.cram: Citiri aliniate (CRAM)
dist.pheno: Date fenotipice și clinice
dist.freq: Statistici sumare ale frecvențelor alelice
dist.beacon: Serviciu de interogare Beacon v2
dist.fasta: Secvențe genomice consens (FASTA)
purpose.research: Cercetare științifică privind bazele genetice ale sănătății și bolii
purpose.public_health: Supravegherea sănătății publice și cercetare științifică
legal.consent: Consimțământul explicit al participanților (articolul 9 alineatul (2) litera (a) din RGPD)
legal.public_interest: Cercetare științifică în interes public, în temeiul dreptului național (articolul 9
  alineatul (2) litera (j) din RGPD)
legal.ehds: Utilizarea secundară a datelor electronice privind sănătatea în temeiul Regulamentului privind spațiul
  european al datelor privind sănătatea
contact: Biroul de acces la date
catalog.desc: Catalogul seturilor de date genomice ale nodului național. Date demonstrative: metadate sintetice,
  fără persoane reale.
""",
    "pl": """
kind.goe: Populacyjna kohorta referencyjna Genome of Europe
kind.cancer: Sekwencjonowanie całego genomu guza i tkanki prawidłowej
kind.rare: Sekwencjonowanie całego genomu w triach w chorobach rzadkich
kind.infect: Genomika gospodarza i patogenu
kind.pgx: Farmakogenomika
intro.goe: Krajowy wkład w populacyjny genom referencyjny Genome of Europe (GoE) w ramach inicjatywy
  1+Million Genomes.
intro.cancer: Sparowane genomy nowotworowe i germinalne (tkanka prawidłowa), zsekwencjonowane na potrzeby
  diagnostyki i badań w onkologii precyzyjnej.
intro.rare: Całe genomy chorych dzieci i obojga rodziców (tria), zsekwencjonowane w celu ustalenia genetycznej
  przyczyny choroby rzadkiej.
intro.infect: Genomy patogenów i zakażonych pacjentów, powiązane z przebiegiem klinicznym i wynikiem leczenia.
intro.pgx: Germinalne genotypy farmakogenów powiązane z receptami i działaniami niepożądanymi leków.
focus.goe: Rodzaj danych
focus.cancer: Rodzaj nowotworu
focus.rare: Grupa chorób
focus.infect: Obszar
focus.pgx: Obszar
label.site: Ośrodek rekrutacji
label.participants: Uczestnicy
label.period: Okres zbierania danych
label.age: Wiek
label.years: lat
access.PUBLIC: Dane zagregowane: swobodne pobieranie bez rejestracji.
access.RESTRICTED: Dostęp do danych na poziomie indywidualnym po zatwierdzeniu przez komitet dostępu do danych.
access.NON_PUBLIC: Dane na poziomie indywidualnym: dostęp wyłącznie na podstawie zezwolenia wydanego przez podmiot
  odpowiedzialny za dostęp do danych dotyczących zdrowia, w bezpiecznym środowisku przetwarzania.
pop.goe: Dorośli z populacji ogólnej, reprezentatywni dla regionów kraju
pop.cancer: Dorośli pacjenci z nowo rozpoznanym nowotworem
pop.cancer_paed: Dzieci i młodzież z chorobą nowotworową
pop.rare: Pacjenci z podejrzeniem rzadkiej choroby genetycznej i ich rodzice
pop.infect: Pacjenci hospitalizowani i ambulatoryjni z potwierdzonym zakażeniem
pop.pgx: Dorośli pacjenci leczeni farmakologicznie w ramach rutynowej opieki
sub.wgs30: sekwencjonowanie całego genomu (30x)
sub.array: genotypowanie mikromacierzowe z imputacją
sub.freq: zagregowane częstości alleli
sub.colorectal: rak jelita grubego
sub.breast: rak piersi
sub.paediatric: nowotwory wieku dziecięcego
sub.lung: niedrobnokomórkowy rak płuca
sub.aml: ostra białaczka szpikowa
sub.prostate: rak gruczołu krokowego
sub.neurodev: zaburzenia neurorozwojowe i niepełnosprawność intelektualna
sub.retina: dziedziczne dystrofie siatkówki
sub.cardio: dziedziczne kardiomiopatie
sub.neuromuscular: choroby nerwowo-mięśniowe
sub.undiagnosed: niezdiagnozowane choroby rzadkie u dzieci
sub.cf: mukowiscydoza
sub.covid_host: genetyka gospodarza w ciężkim przebiegu COVID-19
sub.sarscov2: nadzór genomiczny nad SARS-CoV-2
sub.tb: gruźlica (gospodarz i Mycobacterium tuberculosis)
sub.hiv: HIV-1 (genomy gospodarza i wirusa)
sub.preemptive: prewencyjny panel farmakogenetyczny
sub.clopidogrel: CYP2C19 a odpowiedź na klopidogrel
sub.dpyd: DPYD a toksyczność fluoropirymidyn
kw.common: genomika | 1+Million Genomes
kw.goe: populacja referencyjna | Genome of Europe | częstości alleli
kw.cancer: nowotwory | warianty somatyczne | onkologia precyzyjna
kw.rare: choroby rzadkie | sekwencjonowanie trio | diagnostyka
kw.infect: choroby zakaźne | genomika patogenów | genetyka gospodarza
kw.pgx: farmakogenomika | odpowiedź na leki | działania niepożądane
dist.vcf: Wykryte warianty (VCF)
dist.cram: Dopasowane odczyty (CRAM)
dist.pheno: Dane fenotypowe i kliniczne
dist.freq: Statystyki zbiorcze częstości alleli
dist.beacon: Usługa zapytań Beacon v2
dist.fasta: Sekwencje konsensusowe genomów (FASTA)
purpose.research: Badania naukowe nad genetycznymi podstawami zdrowia i choroby
purpose.public_health: Nadzór nad zdrowiem publicznym i badania naukowe
legal.consent: Wyraźna zgoda uczestników (art. 9 ust. 2 lit. a RODO)
legal.public_interest: Badania naukowe w interesie publicznym na podstawie prawa krajowego (art. 9 ust. 2 lit. j
  RODO)
legal.ehds: Wtórne wykorzystanie elektronicznych danych dotyczących zdrowia na podstawie rozporządzenia w sprawie
  europejskiej przestrzeni danych dotyczących zdrowia
contact: Biuro dostępu do danych
catalog.desc: Katalog genomicznych zbiorów danych węzła krajowego. Dane demonstracyjne: syntetyczne metadane, bez
  rzeczywistych osób.
""",
    "cs": """
kind.goe: Populační referenční kohorta Genome of Europe
kind.cancer: Celogenomové sekvenování nádorové a normální tkáně
kind.rare: Celogenomové sekvenování trií u vzácných onemocnění
kind.infect: Genomika hostitele a patogenu
kind.pgx: Farmakogenomika
intro.goe: Národní příspěvek k populační referenci Genome of Europe (GoE) v rámci iniciativy 1+Million Genomes.
intro.cancer: Párové genomy nádoru a zárodečné linie (normální tkáň), sekvenované pro diagnostiku a výzkum
  v precizní onkologii.
intro.rare: Celé genomy postižených dětí a obou rodičů (tria), sekvenované za účelem nalezení genetické příčiny
  vzácného onemocnění.
intro.infect: Genomy patogenů a infikovaných pacientů, propojené s klinickým průběhem a výsledkem léčby.
intro.pgx: Zárodečné genotypy farmakogenů propojené s preskripcí a nežádoucími účinky léčiv.
focus.goe: Typ dat
focus.cancer: Typ nádoru
focus.rare: Skupina onemocnění
focus.infect: Zaměření
focus.pgx: Zaměření
label.site: Místo náboru
label.participants: Účastníci
label.period: Období sběru
label.age: Věk
label.years: let
access.PUBLIC: Agregovaná data: volně ke stažení bez registrace.
access.RESTRICTED: Přístup k datům na individuální úrovni po schválení výborem pro přístup k datům.
access.NON_PUBLIC: Data na individuální úrovni: přístup pouze s povolením subjektu pro přístup k údajům o zdraví,
  v zabezpečeném prostředí pro zpracování.
pop.goe: Dospělí z běžné populace, reprezentativní pro regiony země
pop.cancer: Dospělí pacienti s nově diagnostikovaným nádorovým onemocněním
pop.cancer_paed: Děti a dospívající s nádorovým onemocněním
pop.rare: Pacienti s podezřením na vzácné genetické onemocnění a jejich rodiče
pop.infect: Hospitalizovaní a ambulantní pacienti s potvrzenou infekcí
pop.pgx: Dospělí pacienti léčení léky v běžné klinické praxi
sub.wgs30: celogenomové sekvenování s pokrytím 30x
sub.array: genotypizační čip s imputací
sub.freq: agregované frekvence alel
sub.colorectal: kolorektální karcinom
sub.breast: karcinom prsu
sub.paediatric: nádory dětského věku
sub.lung: nemalobuněčný karcinom plic
sub.aml: akutní myeloidní leukemie
sub.prostate: karcinom prostaty
sub.neurodev: neurovývojové poruchy a mentální postižení
sub.retina: dědičné dystrofie sítnice
sub.cardio: dědičné kardiomyopatie
sub.neuromuscular: nervosvalová onemocnění
sub.undiagnosed: nediagnostikovaná vzácná onemocnění u dětí
sub.cf: cystická fibróza
sub.covid_host: genetika hostitele u těžkého průběhu covidu-19
sub.sarscov2: genomická surveillance SARS-CoV-2
sub.tb: tuberkulóza (hostitel a Mycobacterium tuberculosis)
sub.hiv: HIV-1 (genomy hostitele a viru)
sub.preemptive: preventivní farmakogenetický panel
sub.clopidogrel: CYP2C19 a odpověď na klopidogrel
sub.dpyd: DPYD a toxicita fluoropyrimidinů
kw.common: genomika | 1+Million Genomes
kw.goe: populační reference | Genome of Europe | frekvence alel
kw.cancer: nádorová onemocnění | somatické varianty | precizní onkologie
kw.rare: vzácná onemocnění | sekvenování trií | diagnostika
kw.infect: infekční nemoci | genomika patogenů | genetika hostitele
kw.pgx: farmakogenomika | odpověď na léčbu | nežádoucí účinky
dist.vcf: Detekované varianty (VCF)
dist.cram: Zarovnaná čtení (CRAM)
dist.pheno: Fenotypová a klinická data
dist.freq: Souhrnné statistiky frekvencí alel
dist.beacon: Dotazovací služba Beacon v2
dist.fasta: Konsenzuální sekvence genomů (FASTA)
purpose.research: Vědecký výzkum genetických základů zdraví a nemoci
purpose.public_health: Dozor nad veřejným zdravím a vědecký výzkum
legal.consent: Výslovný souhlas účastníků (čl. 9 odst. 2 písm. a) GDPR)
legal.public_interest: Vědecký výzkum ve veřejném zájmu podle vnitrostátního práva (čl. 9 odst. 2 písm. j) GDPR)
legal.ehds: Sekundární využití elektronických údajů o zdraví podle nařízení o evropském prostoru pro zdravotní
  data
contact: Kancelář pro přístup k datům
catalog.desc: Katalog genomických datových sad národního uzlu. Demonstrační data: syntetická metadata, žádné
  skutečné osoby.
""",
}


def _parse_block(block: str) -> dict[str, str]:
    out: dict[str, str] = {}
    key = ""
    for line in block.strip("\n").splitlines():
        if line.startswith((" ", "\t")):
            out[key] += " " + line.strip()
        elif line.strip():
            key, _, value = line.partition(":")
            out[key.strip()] = value.strip()
    return out


TEXTS: dict[str, dict[str, str]] = {lang: _parse_block(block) for lang, block in _TEXT_BLOCKS.items()}
_missing = {lang: sorted(set(TEXTS["en"]) - set(t)) for lang, t in TEXTS.items() if set(TEXTS["en"]) - set(t)}
if _missing:  # a phrase table with a gap would silently drop text from the demo: fail at import instead
    raise RuntimeError(f"demo phrase tables incomplete: {_missing}")


def _t(lang: str, key: str) -> str:
    return TEXTS[lang][key]


def _colon(lang: str) -> str:
    return " : " if lang == "fr" else ": "


# Nodes -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoNode:
    """One national node of the demo federation, as the harvester and the portal see it."""

    name: str  # lower-case slug, e.g. "de-ghga"; also the node's host name under example.eu
    country: str  # ISO 3166-1 alpha-2, e.g. "DE" (Greece is "GR")
    title: str  # English title of the node's catalogue
    format: str  # "turtle" | "xml" | "json-ld" | "nt": the serialisation the node publishes
    page_size: int | None  # None: one document; else Hydra paging with this many datasets per page
    datasets: int  # number of datasets the node publishes (over all pages), co-published ones included
    # How the node publishes: "dcat" (catalogue documents), "fdp" (a FAIR Data Point: one document per
    # resource), "sparql" (a SPARQL 1.1 endpoint; ``format`` and ``page_size`` then go unused) or "ckan"
    # (a CKAN site whose ckanext-dcat endpoint is ``catalog.ttl``; ``format`` must be "turtle").
    type: str = "dcat"


@dataclass(frozen=True)
class _Org:
    slug: str
    names: dict[str, str]  # language -> name; "en" always present
    kind: str = "Academia-ScientificOrganisation"  # ADMS publisher type


@dataclass(frozen=True)
class _Spec:
    """What the generator knows about a node beyond :class:`DemoNode`: names, places, habits."""

    name: str
    country: str
    titles: dict[str, str]
    format: str
    page_size: int | None
    base_count: int
    paging: str  # "iri" (hydra:next IRIs) | "literal" (ckanext-dcat hydra:nextPage strings)
    publisher: _Org
    holders: tuple[_Org, ...]
    hdab: _Org
    cities: tuple[dict[str, str], ...]
    id_style: str
    weights: dict[str, float] = field(default_factory=dict)
    blank_last: bool = False  # publish the last dataset as a blank node (with a dct:identifier)
    pretty_xml: bool = True  # RDF/XML nodes: nested ("pretty") or flat rdf:Description output
    type: str = "dcat"  # the node's source type (see DemoNode.type)
    # Where the node's catalogue and dataset IRIs live, when not under its own domain (``_site``): a FAIR
    # Data Point's IRIs are the addresses of its documents, so they live where the FDP is served.
    iri_base: str | None = None

    @property
    def languages(self) -> tuple[str, ...]:
        return COUNTRY_LANGUAGES.get(self.country.upper(), ())


def _org(slug: str, en: str, kind: str = "Academia-ScientificOrganisation", **names: str) -> _Org:
    return _Org(slug=slug, names={"en": en, **names}, kind=kind)


def _hdab(en: str, **names: str) -> _Org:
    return _Org(slug="hdab", names={"en": en, **names}, kind="NationalAuthority")


def _city(en: str, **names: str) -> dict[str, str]:
    return {"en": en, **names}


_DEFAULT_WEIGHTS = {"goe": 1.5, "cancer": 3.0, "rare": 3.0, "infect": 1.2, "pgx": 1.0}

_SPECS: tuple[_Spec, ...] = (
    _Spec(
        name="de-ghga", country="DE", format="turtle", page_size=10, base_count=38, paging="literal",
        titles={"en": "German Human Genome-Phenome Archive (GHGA)", "de": "Deutsches Humangenom-Phänomarchiv (GHGA)"},
        publisher=_org("ghga", "German Human Genome-Phenome Archive (GHGA)",
                       de="Deutsches Humangenom-Phänomarchiv (GHGA)"),
        holders=(
            _org("dkfz", "German Cancer Research Center (DKFZ)", de="Deutsches Krebsforschungszentrum (DKFZ)"),
            _org("ukt", "University Hospital Tübingen", de="Universitätsklinikum Tübingen"),
            _org("charite", "Charité – Universitätsmedizin Berlin", de="Charité – Universitätsmedizin Berlin"),
        ),
        hdab=_hdab("Health Research Data Centre (FDZ Gesundheit)",
                   de="Forschungsdatenzentrum Gesundheit (FDZ Gesundheit)"),
        cities=(_city("Heidelberg"), _city("Tübingen"), _city("Berlin"), _city("Munich", de="München"),
                _city("Cologne", de="Köln")),
        id_style="ghga", weights={"goe": 1.2, "cancer": 3.5, "rare": 3.0, "infect": 1.0, "pgx": 1.0},
    ),
    _Spec(
        name="fr-pfmg", country="FR", format="xml", page_size=None, base_count=31, paging="",
        titles={"en": "France Genomic Medicine Plan 2025 (PFMG 2025)",
                "fr": "Plan France Médecine Génomique 2025 (PFMG 2025)"},
        publisher=_org("pfmg", "France Genomic Medicine Plan 2025 (PFMG 2025)", "NationalAuthority",
                       fr="Plan France Médecine Génomique 2025 (PFMG 2025)"),
        holders=(
            _org("seqoia", "SeqOIA genomic medicine laboratory", fr="Laboratoire de biologie médicale SeqOIA"),
            _org("auragen", "AURAGEN genomic medicine laboratory", fr="Laboratoire de biologie médicale AURAGEN"),
            _org("crefix", "CRefIX – Reference Centre for Innovation, Expertise and Transfer",
                 fr="CRefIX – Centre de référence, d'innovation, d'expertise et de transfert"),
        ),
        hdab=_hdab("French Health Data Hub", fr="Plateforme des données de santé (Health Data Hub)"),
        cities=(_city("Paris"), _city("Lyon"), _city("Marseille"), _city("Lille"), _city("Bordeaux"),
                _city("Strasbourg")),
        id_style="PFMG-{year}-{k:05d}", weights={"goe": 1.0, "cancer": 3.0, "rare": 4.0, "infect": 1.0, "pgx": 0.8},
    ),
    _Spec(
        name="be-sciensano", country="BE", format="turtle", page_size=None, base_count=16, paging="", type="fdp",
        titles={"en": "Belgian Genomic Data Node (Sciensano)",
                "nl": "Belgisch knooppunt voor genomische gegevens (Sciensano)",
                "fr": "Nœud belge de données génomiques (Sciensano)"},
        publisher=_org("sciensano", "Sciensano", "NationalAuthority", nl="Sciensano", fr="Sciensano"),
        holders=(
            _org("uzleuven", "University Hospitals Leuven", nl="Universitaire Ziekenhuizen Leuven", fr="UZ Leuven"),
            _org("chuliege", "University Hospital of Liège", nl="Universitair Ziekenhuis Luik", fr="CHU de Liège"),
            _org("uzgent", "Ghent University Hospital", nl="Universitair Ziekenhuis Gent",
                 fr="Hôpital universitaire de Gand"),
        ),
        hdab=_hdab("Belgian Health Data Agency", nl="Agentschap voor gezondheidsgegevens (Health Data Agency)",
                   fr="Agence des données de santé (Health Data Agency)"),
        cities=(_city("Brussels", nl="Brussel", fr="Bruxelles"), _city("Ghent", nl="Gent", fr="Gand"),
                _city("Leuven", nl="Leuven", fr="Louvain"), _city("Liège", nl="Luik", fr="Liège"),
                _city("Antwerp", nl="Antwerpen", fr="Anvers")),
        id_style="BE-GEN-{k:05d}",
    ),
    _Spec(
        name="lu-lih", country="LU", format="json-ld", page_size=None, base_count=8, paging="",
        titles={"en": "Luxembourg Genomic Data Node (LIH)", "fr": "Nœud luxembourgeois de données génomiques (LIH)"},
        publisher=_org("lih", "Luxembourg Institute of Health (LIH)", fr="Luxembourg Institute of Health (LIH)"),
        holders=(
            _org("ibbl", "Integrated BioBank of Luxembourg (IBBL)", fr="Integrated BioBank of Luxembourg (IBBL)"),
            _org("lcsb", "Luxembourg Centre for Systems Biomedicine (LCSB)",
                 fr="Luxembourg Centre for Systems Biomedicine (LCSB)"),
        ),
        hdab=_hdab("Luxembourg Health Data Access Body", fr="Organisme luxembourgeois d'accès aux données de santé"),
        cities=(_city("Luxembourg"), _city("Esch-sur-Alzette"), _city("Ettelbruck")),
        id_style="LU-LIH-{year}-{k:03d}", weights={"goe": 2.0, "cancer": 1.5, "rare": 2.0, "infect": 1.5, "pgx": 1.0},
    ),
    _Spec(
        name="es-isciii", country="ES", format="json-ld", page_size=8, base_count=27, paging="iri",
        titles={"en": "Spanish Genomic Data Node (ISCIII – IMPaCT)",
                "es": "Nodo español de datos genómicos (ISCIII – IMPaCT)"},
        publisher=_org("isciii", "Carlos III Health Institute (ISCIII)", "NationalAuthority",
                       es="Instituto de Salud Carlos III (ISCIII)"),
        holders=(
            _org("cnag", "National Centre for Genomic Analysis (CNAG)",
                 es="Centro Nacional de Análisis Genómico (CNAG)"),
            _org("ciberer", "Biomedical Research Network Centre for Rare Diseases (CIBERER)",
                 es="Centro de Investigación Biomédica en Red de Enfermedades Raras (CIBERER)"),
            _org("hulapaz", "La Paz University Hospital", es="Hospital Universitario La Paz"),
        ),
        hdab=_hdab("Spanish Health Data Access Body", es="Organismo de acceso a datos de salud de España"),
        cities=(_city("Madrid"), _city("Barcelona"), _city("Seville", es="Sevilla"), _city("Valencia"),
                _city("Santiago de Compostela")),
        id_style="ega",
    ),
    _Spec(
        name="it-iss", country="IT", format="turtle", page_size=None, base_count=24, paging="",
        titles={"en": "Italian Genomic Data Node (ISS)", "it": "Nodo italiano dei dati genomici (ISS)"},
        publisher=_org("iss", "Italian National Institute of Health (ISS)", "NationalAuthority",
                       it="Istituto Superiore di Sanità (ISS)"),
        holders=(
            _org("gemelli", "Agostino Gemelli University Polyclinic",
                 it="Fondazione Policlinico Universitario Agostino Gemelli IRCCS"),
            _org("tigem", "Telethon Institute of Genetics and Medicine (TIGEM)",
                 it="Istituto Telethon di Genetica e Medicina (TIGEM)"),
            _org("int-milano", "National Cancer Institute of Milan",
                 it="Fondazione IRCCS Istituto Nazionale dei Tumori di Milano"),
        ),
        hdab=_hdab("Italian Health Data Access Body",
                   it="Organismo italiano responsabile dell'accesso ai dati sanitari"),
        cities=(_city("Rome", it="Roma"), _city("Milan", it="Milano"), _city("Naples", it="Napoli"),
                _city("Turin", it="Torino"), _city("Bologna")),
        id_style="ISS-GEN-{year}-{k:04d}",
    ),
    _Spec(
        name="nl-healthri", country="NL", format="turtle", page_size=12, base_count=44, paging="literal",
        type="ckan",  # Health-RI's national catalogue runs CKAN with ckanext-dcat
        titles={"en": "Health-RI – Dutch National Genomic Data Node",
                "nl": "Health-RI – Nationaal knooppunt voor genomische data"},
        publisher=_org("health-ri", "Health-RI", "NonProfitOrganisation", nl="Health-RI"),
        holders=(
            _org("radboudumc", "Radboud University Medical Center", nl="Radboudumc"),
            _org("umcu", "University Medical Center Utrecht", nl="Universitair Medisch Centrum Utrecht"),
            _org("lumc", "Leiden University Medical Center", nl="Leids Universitair Medisch Centrum"),
        ),
        hdab=_hdab("Dutch Health Data Access Body", nl="Nederlandse instantie voor toegang tot gezondheidsgegevens"),
        cities=(_city("Amsterdam"), _city("Rotterdam"), _city("Utrecht"), _city("Nijmegen"), _city("Groningen"),
                _city("Leiden")),
        id_style="uuid",
    ),
    _Spec(
        name="se-scilifelab", country="SE", format="json-ld", page_size=None, base_count=21, paging="", type="sparql",
        titles={"en": "Swedish Genomic Data Node (SciLifeLab)", "sv": "Svensk nod för genomikdata (SciLifeLab)"},
        publisher=_org("scilifelab", "Science for Life Laboratory (SciLifeLab)",
                       sv="Science for Life Laboratory (SciLifeLab)"),
        holders=(
            _org("gms", "Genomic Medicine Sweden (GMS)", sv="Genomic Medicine Sweden (GMS)"),
            _org("karolinska", "Karolinska University Hospital", sv="Karolinska Universitetssjukhuset"),
        ),
        hdab=_hdab("Swedish Health Data Access Body", sv="Svenskt organ för tillgång till hälsodata"),
        cities=(_city("Stockholm"), _city("Uppsala"), _city("Gothenburg", sv="Göteborg"), _city("Lund"),
                _city("Umeå")),
        id_style="ega",
    ),
    _Spec(
        name="fi-csc", country="FI", format="xml", page_size=6, base_count=19, paging="literal",
        titles={"en": "Finnish Genomic Data Node (CSC)", "fi": "Suomen genomiaineistojen solmu (CSC)"},
        publisher=_org("csc", "CSC – IT Center for Science", fi="CSC – Tieteen tietotekniikan keskus"),
        holders=(
            _org("thl-biobank", "THL Biobank", "NationalAuthority", fi="THL Biopankki"),
            _org("helsinki-biobank", "Helsinki Biobank", fi="Helsingin Biopankki"),
        ),
        hdab=_hdab("Findata – Social and Health Data Permit Authority",
                   fi="Findata – Sosiaali- ja terveysalan tietolupaviranomainen"),
        cities=(_city("Helsinki"), _city("Tampere"), _city("Turku"), _city("Oulu"), _city("Kuopio")),
        id_style="FI-GDI-{k:05d}", pretty_xml=False,
        weights={"goe": 2.5, "cancer": 2.0, "rare": 2.0, "infect": 1.0, "pgx": 1.5},
    ),
    _Spec(
        name="dk-ngc", country="DK", format="turtle", page_size=None, base_count=15, paging="",
        titles={"en": "Danish National Genome Center", "da": "Nationalt Genom Center"},
        publisher=_org("ngc", "Danish National Genome Center", "NationalAuthority", da="Nationalt Genom Center"),
        holders=(
            _org("rigshospitalet", "Copenhagen University Hospital – Rigshospitalet", da="Rigshospitalet"),
            _org("auh", "Aarhus University Hospital", da="Aarhus Universitetshospital"),
        ),
        hdab=_hdab("Danish Health Data Authority", da="Sundhedsdatastyrelsen"),
        cities=(_city("Copenhagen", da="København"), _city("Aarhus"), _city("Odense"), _city("Aalborg")),
        id_style="NGC-{year}-{k:04d}",
    ),
    _Spec(
        name="pt-biodata", country="PT", format="json-ld", page_size=None, base_count=12, paging="",
        titles={"en": "BioData.pt – Portuguese Genomic Data Node",
                "pt": "BioData.pt – Nó português de dados genómicos"},
        publisher=_org("biodata", "BioData.pt – Portuguese Distributed Infrastructure for Biological Data",
                       pt="BioData.pt – Infraestrutura Portuguesa de Dados Biológicos"),
        holders=(
            _org("insa", "National Institute of Health Doutor Ricardo Jorge (INSA)", "NationalAuthority",
                 pt="Instituto Nacional de Saúde Doutor Ricardo Jorge (INSA)"),
            _org("ipo-porto", "Portuguese Oncology Institute of Porto", pt="Instituto Português de Oncologia do Porto"),
        ),
        hdab=_hdab("Portuguese Health Data Access Body", pt="Organismo português de acesso a dados de saúde"),
        cities=(_city("Lisbon", pt="Lisboa"), _city("Porto"), _city("Coimbra"), _city("Braga")),
        id_style="ega", blank_last=True,
    ),
    _Spec(
        name="gr-brfaa", country="GR", format="turtle", page_size=None, base_count=11, paging="",
        titles={"en": "Hellenic Genomic Data Node", "el": "Ελληνικός Κόμβος Γονιδιωματικών Δεδομένων"},
        publisher=_org("brfaa", "Biomedical Research Foundation of the Academy of Athens (BRFAA)",
                       el="Ίδρυμα Ιατροβιολογικών Ερευνών της Ακαδημίας Αθηνών (ΙΙΒΕΑΑ)"),
        holders=(
            _org("certh", "Centre for Research and Technology Hellas (CERTH)",
                 el="Εθνικό Κέντρο Έρευνας και Τεχνολογικής Ανάπτυξης (ΕΚΕΤΑ)"),
            _org("uoc", "University of Crete", el="Πανεπιστήμιο Κρήτης"),
        ),
        hdab=_hdab("Hellenic Health Data Access Body", el="Ελληνικός Φορέας Πρόσβασης σε Δεδομένα Υγείας"),
        cities=(_city("Athens", el="Αθήνα"), _city("Thessaloniki", el="Θεσσαλονίκη"),
                _city("Heraklion", el="Ηράκλειο"), _city("Patras", el="Πάτρα"), _city("Ioannina", el="Ιωάννινα")),
        id_style="GR-GDN-{k:05d}", blank_last=True,
    ),
    _Spec(
        name="cy-cing", country="CY", format="nt", page_size=None, base_count=9, paging="",
        titles={"en": "Cyprus Genomic Data Node (CING)", "el": "Κυπριακός Κόμβος Γονιδιωματικών Δεδομένων (ΙΝΓΚ)"},
        publisher=_org("cing", "The Cyprus Institute of Neurology and Genetics (CING)",
                       el="Ινστιτούτο Νευρολογίας και Γενετικής Κύπρου (ΙΝΓΚ)"),
        holders=(_org("ucy", "University of Cyprus", el="Πανεπιστήμιο Κύπρου"),),
        hdab=_hdab("Cyprus Health Data Access Body", el="Φορέας Πρόσβασης σε Δεδομένα Υγείας Κύπρου"),
        cities=(_city("Nicosia", el="Λευκωσία"), _city("Limassol", el="Λεμεσός"), _city("Larnaca", el="Λάρνακα"),
                _city("Paphos", el="Πάφος")),
        id_style="CY-CING-{k:04d}", weights={"goe": 1.5, "cancer": 1.5, "rare": 4.0, "infect": 0.8, "pgx": 0.8},
    ),
    _Spec(
        name="hu-semmelweis", country="HU", format="xml", page_size=None, base_count=12, paging="",
        titles={"en": "Hungarian Genomic Data Node", "hu": "Magyar Genomikai Adatcsomópont"},
        publisher=_org("semmelweis", "Semmelweis University", hu="Semmelweis Egyetem"),
        holders=(
            _org("pte", "University of Pécs", hu="Pécsi Tudományegyetem"),
            _org("debrecen", "University of Debrecen Clinical Centre", hu="Debreceni Egyetem Klinikai Központ"),
        ),
        hdab=_hdab("Hungarian Health Data Access Body", hu="Nemzeti Egészségügyi Adathozzáférési Szerv"),
        cities=(_city("Budapest"), _city("Debrecen"), _city("Szeged"), _city("Pécs")),
        id_style="HU-GEN-{year}-{k:03d}",
    ),
    _Spec(
        name="ro-umfcd", country="RO", format="nt", page_size=None, base_count=10, paging="",
        titles={"en": "Romanian Genomic Data Node", "ro": "Nodul românesc de date genomice"},
        publisher=_org("umfcd", "Carol Davila University of Medicine and Pharmacy",
                       ro="Universitatea de Medicină și Farmacie „Carol Davila” din București"),
        holders=(_org("umf-cluj", "Iuliu Hațieganu University of Medicine and Pharmacy",
                      ro="Universitatea de Medicină și Farmacie „Iuliu Hațieganu” din Cluj-Napoca"),),
        hdab=_hdab("Romanian Health Data Access Body", ro="Organismul român de acces la datele privind sănătatea"),
        cities=(_city("Bucharest", ro="București"), _city("Cluj-Napoca"), _city("Iași"), _city("Timișoara")),
        id_style="RO-GEN-{k:05d}", blank_last=True,
    ),
    _Spec(
        name="pl-abm", country="PL", format="nt", page_size=5, base_count=14, paging="iri",
        titles={"en": "Polish Genomic Data Node", "pl": "Polski węzeł danych genomicznych"},
        publisher=_org("abm", "Medical Research Agency (ABM)", "NationalAuthority",
                       pl="Agencja Badań Medycznych (ABM)"),
        holders=(
            _org("nio", "Maria Skłodowska-Curie National Research Institute of Oncology",
                 pl="Narodowy Instytut Onkologii im. Marii Skłodowskiej-Curie – Państwowy Instytut Badawczy"),
            _org("gumed", "Medical University of Gdańsk", pl="Gdański Uniwersytet Medyczny"),
        ),
        hdab=_hdab("Polish Health Data Access Body",
                   pl="Polski podmiot odpowiedzialny za dostęp do danych dotyczących zdrowia"),
        cities=(_city("Warsaw", pl="Warszawa"), _city("Kraków"), _city("Gdańsk"), _city("Poznań"), _city("Wrocław")),
        id_style="PL-GEN-{year}-{k:04d}",
    ),
    _Spec(
        name="cz-muni", country="CZ", format="turtle", page_size=None, base_count=13, paging="",
        titles={"en": "Czech Genomic Data Node", "cs": "Český uzel genomických dat"},
        publisher=_org("muni", "Masaryk University", cs="Masarykova univerzita"),
        holders=(
            _org("fnmotol", "Motol University Hospital", cs="Fakultní nemocnice v Motole"),
            _org("fnbrno", "University Hospital Brno", cs="Fakultní nemocnice Brno"),
        ),
        hdab=_hdab("Czech Health Data Access Body", cs="Český subjekt pro přístup k údajům o zdraví"),
        cities=(_city("Prague", cs="Praha"), _city("Brno"), _city("Olomouc"), _city("Ostrava")),
        id_style="CZ-GEN-{k:05d}",
    ),
    _Spec(
        name="ie-hrb", country="IE", format="turtle", page_size=None, base_count=9, paging="",
        titles={"en": "Irish Genomic Data Node"},
        publisher=_org("hrb", "Health Research Board (HRB)", "NationalAuthority"),
        holders=(_org("ucd", "University College Dublin"), _org("rcsi", "RCSI University of Medicine and Health "
                                                                         "Sciences")),
        hdab=_hdab("Irish Health Data Access Body"),
        cities=(_city("Dublin"), _city("Cork"), _city("Galway"), _city("Limerick")),
        id_style="IE-GDI-{k:04d}",
    ),
)
_SPEC_BY_NAME = {s.name: s for s in _SPECS}


def _stable_hash(text: str) -> int:
    """A hash of ``text`` that is the same in every process (``hash()`` is salted per process)."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def _rng(seed: int, name: str) -> random.Random:
    return random.Random(seed + _stable_hash(name))


# Datasets published by two nodes: co-publisher -> the node whose first dataset (its Genome of Europe cohort) it
# lists too, under the same IRI and with the same description: the Swedish node's SPARQL endpoint also holds
# the Danish GoE cohort. The harvest makes it one dataset with two sources (the description of the node
# harvested first is shown, the other listed under "Also published by"); each node's own figures count it.
CO_PUBLISHED: dict[str, str] = {"se-scilifelab": "dk-ngc"}
NODE_TYPES = ("dcat", "fdp", "sparql", "ckan")


def _own_count(spec: _Spec, seed: int) -> int:
    """How many datasets of its own a known node publishes under ``seed``."""
    rng = _rng(seed, "count:" + spec.name)
    return min(45, max(8, spec.base_count + rng.randint(-2, 2)))


def demo_nodes(seed: int = 2026) -> list[DemoNode]:
    """The demo federation: 18 national nodes in 18 countries, four source types, four serialisations.

    Fifteen are plain DCAT nodes (five of them paged); ``be-sciensano`` is a FAIR Data Point,
    ``se-scilifelab`` a SPARQL endpoint and ``nl-healthri`` a CKAN portal (see :data:`CO_PUBLISHED` for
    the dataset two nodes share). Dataset counts vary a little with ``seed`` (own datasets within 8–45)
    so that a different seed is a different federation, while names, types, formats and paging stay fixed
    for the portal's screenshots and docs.
    """
    nodes = []
    for spec in _SPECS:
        count = _own_count(spec, seed) + (spec.name in CO_PUBLISHED)
        nodes.append(DemoNode(name=spec.name, country=spec.country, title=spec.titles["en"], format=spec.format,
                              page_size=spec.page_size, datasets=count, type=spec.type))
    return nodes


def _spec_for(node: DemoNode) -> _Spec:
    """The generator's knowledge of ``node``; a node we do not know (a test's own) gets a plain generic one."""
    if node.type not in NODE_TYPES:
        raise ValueError(f"unknown demo node type {node.type!r}; expected one of {list(NODE_TYPES)}")
    known = _SPEC_BY_NAME.get(node.name)
    if known is not None:
        if (known.format, known.page_size, known.country, known.type) == (node.format, node.page_size,
                                                                            node.country, node.type):
            return known
        return _Spec(**{**known.__dict__, "format": node.format, "page_size": node.page_size,
                        "country": node.country, "paging": known.paging or "iri", "type": node.type})
    country = node.country.upper()
    return _Spec(
        name=node.name, country=country, titles={"en": node.title}, format=node.format, page_size=node.page_size,
        base_count=node.datasets, paging="literal" if _stable_hash(node.name) % 2 else "iri",
        publisher=_org("publisher", node.title), holders=(), hdab=_hdab(f"Health Data Access Body ({country})"),
        cities=(_city("Capital region"), _city("Northern region"), _city("Southern region")),
        id_style=f"{country}-DEMO-{{k:05d}}", type=node.type,
    )


# What each kind of collection looks like ---------------------------------------------------------------------------

KINDS = ("goe", "cancer", "rare", "infect", "pgx")
SUBTYPES: dict[str, tuple[str, ...]] = {
    "goe": ("wgs30", "array", "freq"),
    "cancer": ("colorectal", "breast", "paediatric", "lung", "aml", "prostate"),
    "rare": ("neurodev", "retina", "cardio", "neuromuscular", "undiagnosed", "cf"),
    "infect": ("covid_host", "sarscov2", "tb", "hiv"),
    "pgx": ("preemptive", "clopidogrel", "dpyd"),
}

# Coding systems as HealthDCAT-AP examples name them: Wikidata properties for ICD-10, Orphanet and HPO ids.
ICD10 = WIKIDATA + "P494"
ORPHANET = WIKIDATA + "P1550"
HPO = WIKIDATA + "P3841"
CODES: dict[str, dict[str, tuple[str, ...]]] = {
    "colorectal": {ICD10: ("C18", "C19", "C20")},
    "breast": {ICD10: ("C50",)},
    "paediatric": {ICD10: ("C91.0", "C71", "C64")},
    "lung": {ICD10: ("C34",)},
    "aml": {ICD10: ("C92.0",)},
    "prostate": {ICD10: ("C61",)},
    "neurodev": {ICD10: ("F79",), HPO: ("HP:0001249", "HP:0001263")},
    "retina": {ICD10: ("H35.5",), ORPHANET: ("ORPHA:791",), HPO: ("HP:0000556",)},
    "cardio": {ICD10: ("I42.0", "I42.1", "I42.2")},
    "neuromuscular": {ICD10: ("G71.0",), ORPHANET: ("ORPHA:98896",)},
    "undiagnosed": {ORPHANET: ("ORPHA:616874",)},
    "cf": {ICD10: ("E84",), ORPHANET: ("ORPHA:586",)},
    "covid_host": {ICD10: ("U07.1",)},
    "sarscov2": {ICD10: ("U07.1",)},
    "tb": {ICD10: ("A15",)},
    "hiv": {ICD10: ("B24",)},
    "clopidogrel": {ICD10: ("I21",)},
    "dpyd": {ICD10: ("C18", "C50", "Y43.1")},
}

# Health themes (R8 health-theme vocabulary) per sub-type; the kind's default where a sub-type has none.
HEALTH_THEMES: dict[str, tuple[str, ...]] = {
    "goe": ("HEALTH_PRODUCTS",),
    "cancer": ("CANCER_DISEASE",),
    "paediatric": ("CANCER_DISEASE", "LIFECOURSE_HEALTH"),
    "neurodev": ("MENTAL_HEALTH", "LIFECOURSE_HEALTH"),
    "retina": ("SENSORY_HEALTH",),
    "cardio": ("NONCOMMUNICABLE_DISEASES",),
    "neuromuscular": ("MENTAL_HEALTH",),
    "undiagnosed": ("LIFECOURSE_HEALTH",),
    "cf": ("NONCOMMUNICABLE_DISEASES", "LIFECOURSE_HEALTH"),
    "covid_host": ("RESPIRATORY_DISEASES",),
    "sarscov2": ("RESPIRATORY_DISEASES",),
    "tb": ("RESPIRATORY_DISEASES", "ANTIMICROBIAL_CONTROL"),
    "hiv": ("BLOOD_INFECTIONS",),
    "pgx": ("HEALTH_PRODUCTS",),
    "clopidogrel": ("HEALTH_PRODUCTS", "NONCOMMUNICABLE_DISEASES"),
    "dpyd": ("HEALTH_PRODUCTS", "CANCER_DISEASE"),
}

# Second health category (R8 healthcategories) to go with HGPD (human genetic, epigenomic and genomic data).
SECOND_CATEGORY: dict[str, tuple[str | None, ...]] = {
    "goe": ("RQSH", "EINS", None),  # research cohorts / biobanks
    "cancer": ("MRMR", "EINS", "EHRS"),  # cancer registries / biobanks / EHRs
    "rare": ("MRMR", "EHRS", None),  # rare-disease registries / EHRs
    "infect": ("RPDG",),  # pathogens
    "pgx": ("RMMD", "EHRS"),  # medicinal-product registries / EHRs
}

FREQUENCIES: dict[str, tuple[str, ...]] = {
    "goe": ("IRREG", "ANNUAL", "NEVER"),
    "cancer": ("QUARTERLY", "ANNUAL", "IRREG"),
    "rare": ("ANNUAL", "QUARTERLY", "IRREG"),
    "infect": ("ANNUAL", "IRREG", "NEVER"),
    "sarscov2": ("WEEKLY", "MONTHLY", "NEVER"),
    "pgx": ("ANNUAL", "NEVER"),
}

STANDARDS = {
    "vcf": "https://samtools.github.io/hts-specs/VCFv4.3.pdf",
    "cram": "https://samtools.github.io/hts-specs/CRAMv3.pdf",
    "phenopackets": "https://phenopacket-schema.readthedocs.io/en/2.0.0/",
    "omop": "https://ohdsi.github.io/CommonDataModel/",
    "beacon": "https://docs.genomebeacons.org/",
}

ANCHOR = date(2025, 11, 28)  # "today" of the demo: no date after it, so documents never depend on the clock


@dataclass
class _Distribution:
    key: str  # vcf | cram | pheno | freq | beacon | fasta
    file_type: str
    media_type: str
    byte_size: int | None
    size_decimal: bool = False
    compress: str | None = None
    json: bool = False


@dataclass
class _Dataset:
    """Everything drawn at random for one dataset; turned into triples by :func:`_dataset_triples`."""

    index: int
    identifier: str
    blank: bool
    kind: str
    subtype: str
    city: dict[str, str]
    languages: list[str]  # text languages, "en" first when present
    access: str
    publisher: _Org
    individuals: int
    records: int
    min_age: int
    max_age: int
    integer_type: URIRef
    start: date
    end: date
    issued: Literal
    modified: Literal
    version: str
    frequency: str
    themes: list[str]
    categories: list[str]
    health_themes: list[str]
    distributions: list[_Distribution]
    conforms_to: list[str]
    purpose: str
    legal_basis: str


def _log_uniform(rng: random.Random, low: int, high: int) -> int:
    return int(round(math.exp(rng.uniform(math.log(low), math.log(high)))))


def _individuals(rng: random.Random, kind: str, subtype: str) -> int:
    if kind == "goe":
        return _log_uniform(rng, 500, 20000)
    if kind == "cancer":
        return _log_uniform(rng, 200, 1500) if subtype == "paediatric" else _log_uniform(rng, 200, 8000)
    if kind == "rare":
        return 3 * max(34, _log_uniform(rng, 100, 5000) // 3)  # trios: probands and both parents
    if kind == "infect":
        low, high = {"covid_host": (500, 10000), "sarscov2": (1000, 25000), "tb": (300, 3000)}.get(subtype,
                                                                                                  (300, 5000))
        return _log_uniform(rng, low, high)
    return _log_uniform(rng, 500, 15000)


def _ages(rng: random.Random, kind: str, subtype: str) -> tuple[int, int]:
    if kind == "goe":
        return 18, rng.randint(80, 85)
    if subtype == "paediatric" or subtype in ("neurodev", "undiagnosed"):
        return 0, rng.choice((17, 18))
    return {
        "retina": (rng.randint(2, 10), rng.randint(65, 80)),
        "cardio": (rng.randint(10, 16), rng.randint(70, 80)),
        "neuromuscular": (0, rng.randint(40, 65)),
        "cf": (0, rng.randint(40, 55)),
        "sarscov2": (0, 95),
        "tb": (rng.randint(1, 5), 90),
        "hiv": (rng.randint(16, 18), rng.randint(75, 85)),
    }.get(subtype, (18, rng.randint(85, 90)))


def _records(rng: random.Random, kind: str, subtype: str, individuals: int) -> int:
    if subtype == "freq":
        return rng.randint(60_000_000, 130_000_000)  # variant sites in the summary table
    if kind == "cancer" or subtype in ("tb", "hiv"):
        return 2 * individuals  # tumour + normal, or host + pathogen genomes
    if subtype == "sarscov2":
        return individuals + individuals // rng.randint(12, 30)  # some patients sampled more than once
    return individuals


def _timestamp(rng: random.Random, day: date) -> Literal:
    """``xsd:date`` or ``xsd:dateTime`` (UTC or with an offset): nodes publish all three."""
    r = rng.random()
    if r < 0.55:
        return Literal(day.isoformat(), datatype=XSD.date)
    clock = f"{rng.randint(6, 19):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    zone = "Z" if r < 0.85 else rng.choice(("+01:00", "+02:00"))
    # normalize=False keeps the lexical form as written ("Z" would otherwise become "+00:00")
    return Literal(f"{day.isoformat()}T{clock}{zone}", datatype=XSD.dateTime, normalize=False)


def _identifier(rng: random.Random, spec: _Spec, k: int, year: int, used: set[str]) -> str:
    while True:
        if spec.id_style == "ghga":
            ident = f"GHGAD{rng.randrange(10**13, 10**14)}"
        elif spec.id_style == "ega":
            ident = f"EGAD{rng.randrange(10**10):011d}"
        elif spec.id_style == "uuid":
            ident = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        else:
            ident = spec.id_style.format(k=k, year=year)
        if ident not in used:
            used.add(ident)
            return ident
        k += 1000


def _languages(rng: random.Random, spec: _Spec, first: bool) -> list[str]:
    national = list(spec.languages)
    if not national:
        return ["en"]
    r = rng.random()
    if first or r >= 0.22:  # mostly English and national language(s)
        if len(national) > 1 and rng.random() < 0.4:
            national = [rng.choice(national)]
        return ["en", *national]
    if r < 0.14:
        return ["en"]
    return [rng.choice(national)]  # a few only in the national language


def _distributions(rng: random.Random, kind: str, subtype: str, access: str, individuals: int
                   ) -> list[_Distribution]:
    def size(per_individual: tuple[float, float]) -> int:
        return int(individuals * rng.uniform(*per_individual))

    def pheno() -> _Distribution:
        as_json = rng.random() < 0.5
        return _Distribution("pheno", "JSON" if as_json else "TSV",
                             "application/json" if as_json else "text/tab-separated-values",
                             size((2e3, 2e4)), json=as_json)

    if access == "PUBLIC":
        out = [_Distribution("freq", "TSV", "text/tab-separated-values", int(rng.uniform(1.5e9, 9e9)),
                             compress="application/gzip")]
        if rng.random() < 0.6:
            out.append(_Distribution("beacon", "JSON", "application/json", None))
    elif subtype == "sarscov2":
        out = [_Distribution("fasta", "TXT", "text/plain", size((9e3, 1.1e4)), compress="application/gzip")]
        if rng.random() < 0.6:
            out.append(pheno())
    else:
        out = [_Distribution("vcf", "GZIP", "application/gzip", size((8e7, 4e8)))]
        if subtype not in ("array",) and kind != "pgx" and rng.random() < 0.6:
            per = (3e10, 7e10) if kind == "cancer" else (1.4e10, 2.2e10)
            out.append(_Distribution("cram", "BIN", "application/octet-stream", size(per)))
        if rng.random() < 0.7:
            out.append(pheno())
    for d in out:
        d.size_decimal = d.byte_size is not None and rng.random() < 0.2
    return out[:3]


def _plan(spec: _Spec, count: int, seed: int) -> list[_Dataset]:
    """Draw every dataset of a node, in publication order. All randomness of a node happens here."""
    rng = _rng(seed, spec.name)
    weights = spec.weights or _DEFAULT_WEIGHTS
    # Each (sub-type, place) pair is used once per node, so titles within a node do not repeat.
    pools: dict[str, list[tuple[str, int]]] = {}
    for kind in KINDS:
        pool = [(sub, c) for sub in SUBTYPES[kind] for c in range(len(spec.cities))]
        rng.shuffle(pool)
        pools[kind] = pool
    used: set[str] = set()
    datasets: list[_Dataset] = []
    orgs = (spec.publisher, *spec.holders)
    for k in range(count):
        if k == 0:  # every node contributes a Genome of Europe cohort, listed first
            kind = "goe"
            choice = next(p for p in pools["goe"] if p[0] != "freq")
            pools["goe"].remove(choice)
        else:
            kinds = [x for x in KINDS if pools[x]] or list(KINDS)
            kind = rng.choices(kinds, weights=[weights.get(x, 1.0) for x in kinds])[0]
            if not pools[kind]:  # a tiny node asked for many datasets: reuse combinations
                pools[kind] = [(sub, c) for sub in SUBTYPES[kind] for c in range(len(spec.cities))]
            choice = pools[kind].pop()
        subtype, city_index = choice
        individuals = _individuals(rng, kind, subtype)
        min_age, max_age = _ages(rng, kind, subtype)
        start = date(rng.randint(2020, 2021) if kind == "infect" and subtype in ("covid_host", "sarscov2")
                     else rng.randint(2008, 2021), rng.randint(1, 12), 1)
        end = min(date(start.year + rng.randint(1, 5), rng.randint(1, 12), 28), date(2025, 6, 30))
        first_release = max(start + timedelta(days=365), date(2019, 1, 1))
        issued_day = first_release + timedelta(days=rng.randint(0, max(0, (date(2025, 9, 30) - first_release).days)))
        modified_day = min(issued_day + timedelta(days=rng.randint(0, 600)), ANCHOR)
        access = "PUBLIC" if subtype == "freq" else ("NON_PUBLIC" if rng.random() < 0.65 else "RESTRICTED")
        themes = ["HEAL"]
        if kind == "goe" and rng.random() < 0.35:
            themes.append("TECH")
        if kind == "goe" and rng.random() < 0.25:
            themes.append("SOCI")
        if (subtype == "sarscov2" and rng.random() < 0.6) or rng.random() < 0.04:
            themes.append("GOVE")
        if subtype == "sarscov2":
            categories = ["RPDG", "PHDR"]
        else:
            second = rng.choice(SECOND_CATEGORY[kind])
            categories = ["HGPD", *([second] if second else [])]
        distributions = _distributions(rng, kind, subtype, access, individuals)
        conforms: list[str] = []
        for d in distributions:
            if d.key in ("vcf", "cram", "beacon"):
                conforms.append(STANDARDS[d.key])
            elif d.key == "pheno" and d.json:
                conforms.append(STANDARDS["phenopackets"])
            elif d.key == "pheno" and rng.random() < 0.4:
                conforms.append(STANDARDS["omop"])
        version = rng.choice((f"{rng.randint(1, 3)}.{rng.randint(0, 4)}", f"v{rng.randint(1, 4)}",
                              f"{issued_day.year}-R{rng.randint(1, 3)}"))
        r = rng.random()
        datasets.append(_Dataset(
            index=k,
            identifier=_identifier(rng, spec, k + 1, issued_day.year, used),
            blank=spec.blank_last and k == count - 1,
            kind=kind,
            subtype=subtype,
            city=spec.cities[city_index],
            languages=_languages(rng, spec, first=k == 0),
            access=access,
            publisher=spec.publisher if rng.random() < 0.5 or not spec.holders else rng.choice(orgs[1:]),
            individuals=individuals,
            records=_records(rng, kind, subtype, individuals),
            min_age=min_age,
            max_age=max_age,
            integer_type=XSD.nonNegativeInteger if rng.random() < 0.8 else XSD.integer,
            start=start,
            end=end,
            issued=_timestamp(rng, issued_day),
            modified=_timestamp(rng, modified_day),
            version=version,
            frequency=rng.choice(FREQUENCIES.get(subtype) or FREQUENCIES[kind]),
            themes=themes,
            categories=categories,
            health_themes=list(HEALTH_THEMES.get(subtype) or HEALTH_THEMES[kind]),
            distributions=distributions,
            conforms_to=conforms,
            purpose="public_health" if kind == "infect" and rng.random() < 0.6 else "research",
            legal_basis="consent" if r < 0.55 else ("public_interest" if r < 0.85 else "ehds"),
        ))
    return datasets


# Triples -----------------------------------------------------------------------------------------------------------


def _site(spec: _Spec) -> str:
    """The node's own domain-like base for its resources (not the URL it is served from)."""
    return f"https://{spec.name}.example.eu"


def _bnode(*parts: str) -> BNode:
    # Labelled blank nodes so that N-Triples, RDF/XML and JSON-LD output is the same in every run.
    return BNode("b" + hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16])


def _int(value: int, datatype: URIRef) -> Literal:
    return Literal(str(value), datatype=datatype)


def _city_name(city: dict[str, str], lang: str) -> str:
    return city.get(lang, city["en"])


def _org_uri(spec: _Spec, org: _Org) -> URIRef:
    return URIRef(f"{_site(spec)}/organisation/{org.slug}")


def _org_triples(spec: _Spec, org: _Org) -> list[Triple]:
    s = _org_uri(spec, org)
    host = f"{org.slug}.{spec.country.lower()}.example.eu"
    out: list[Triple] = [
        (s, RDF.type, FOAF.Agent),
        (s, RDF.type, FOAF.Organization),
        (s, DCT.type, URIRef(PUBLISHER_TYPE + org.kind)),
        (s, FOAF.homepage, URIRef(f"https://{host}/")),
    ]
    out += [(s, FOAF.name, Literal(name, lang=lang)) for lang, name in org.names.items()]
    if org.slug == "hdab":  # the body a researcher applies to: give the application desk
        cp = _bnode(spec.name, "hdab-contact")
        out += [(s, CV.contactPoint, cp), (cp, RDF.type, CV.ContactPoint),
                (cp, CV.email, Literal(f"applications@{host}")),
                (cp, CV.contactPage, URIRef(f"https://{host}/apply"))]
    else:
        out.append((s, FOAF.mbox, URIRef(f"mailto:info@{host}")))
    return out


def _shared_triples(spec: _Spec) -> list[Triple]:
    out: list[Triple] = []
    for org in (spec.publisher, *spec.holders, spec.hdab):
        out += _org_triples(spec, org)
    return out


def _catalogue_uri(spec: _Spec) -> URIRef:
    return URIRef(f"{spec.iri_base or _site(spec)}/catalog")


def _catalogue_triples(spec: _Spec, seed: int) -> list[Triple]:
    c = _catalogue_uri(spec)
    rng = _rng(seed, "catalogue:" + spec.name)
    issued = date(rng.randint(2019, 2022), rng.randint(1, 12), rng.randint(1, 28))
    out: list[Triple] = [
        (c, RDF.type, DCAT.Catalog),
        (c, DCT.publisher, _org_uri(spec, spec.publisher)),
        (c, FOAF.homepage, URIRef(f"{_site(spec)}/")),
        (c, DCT.spatial, URIRef(COUNTRY_NAL + ALPHA3.get(spec.country.upper(), "EUR"))),
        (c, DCT.issued, Literal(issued.isoformat(), datatype=XSD.date)),
        (c, DCT.modified, Literal(ANCHOR.isoformat(), datatype=XSD.date)),
        (c, DCT.license, URIRef(LICENCE_NAL + "CC_BY_4_0")),
        (c, DCAT.themeTaxonomy, URIRef(DATA_THEME_NAL.rstrip("/"))),
        (c, DCT.language, URIRef(LANGUAGE_NAL + "ENG")),
        (c, DCT.title, Literal(spec.titles["en"], lang="en")),
        (c, DCT.description, Literal(_t("en", "catalog.desc"), lang="en")),
    ]
    for lang in spec.languages:
        out.append((c, DCT.language, URIRef(LANGUAGE_NAL + LANGUAGE_CODES[lang])))
        if lang in spec.titles:
            out.append((c, DCT.title, Literal(spec.titles[lang], lang=lang)))
        out.append((c, DCT.description, Literal(_t(lang, "catalog.desc"), lang=lang)))
    return out


def _dataset_subject(spec: _Spec, ds: _Dataset) -> Node:
    if ds.blank:
        return _bnode(spec.name, "dataset", ds.identifier)
    return URIRef(f"{spec.iri_base or _site(spec)}/dataset/{ds.identifier}")


def _description(lang: str, ds: _Dataset) -> str:
    colon = _colon(lang)
    return " ".join((
        _t(lang, f"intro.{ds.kind}"),
        f"{_t(lang, f'focus.{ds.kind}')}{colon}{_t(lang, f'sub.{ds.subtype}')}.",
        f"{_t(lang, 'label.site')}{colon}{_city_name(ds.city, lang)}.",
        f"{_t(lang, 'label.participants')}{colon}{ds.individuals}.",
        f"{_t(lang, 'label.period')}{colon}{ds.start.year}–{ds.end.year}.",
        _t(lang, f"access.{ds.access}"),
    ))


def _coverage(lang: str, ds: _Dataset) -> str:
    population = "cancer_paed" if ds.subtype == "paediatric" else ds.kind
    return (f"{_t(lang, f'pop.{population}')}. {_t(lang, 'label.age')}{_colon(lang)}"
            f"{ds.min_age}–{ds.max_age} {_t(lang, 'label.years')}.")


def _dataset_triples(spec: _Spec, ds: _Dataset, distributions: bool = True) -> list[Triple]:
    """The dataset and everything it alone links to (distributions, contact point, purpose, period...).

    ``distributions=False`` leaves the distributions' own descriptions out (the links stay), for a FAIR
    Data Point, which serves each distribution as a document of its own.
    """
    s = _dataset_subject(spec, ds)
    site = _site(spec)
    key = (spec.name, ds.identifier)
    period, contact = _bnode(*key, "period"), _bnode(*key, "contact")
    purpose, legal = _bnode(*key, "purpose"), _bnode(*key, "legal-basis")
    out: list[Triple] = [
        (s, RDF.type, DCAT.Dataset),
        (s, DCT.identifier, Literal(ds.identifier)),
        (s, DCT.accessRights, URIRef(ACCESS_RIGHT_NAL + ds.access)),
        (s, DCT.publisher, _org_uri(spec, ds.publisher)),
        (s, HEALTHDCATAP.hdab, _org_uri(spec, spec.hdab)),
        (s, DCT.spatial, URIRef(COUNTRY_NAL + ALPHA3.get(spec.country.upper(), "EUR"))),
        (s, DCT.issued, ds.issued),
        (s, DCT.modified, ds.modified),
        (s, DCAT.landingPage, URIRef(f"{site}/portal/dataset/{ds.identifier}")),
        (s, DCATAP.applicableLegislation, URIRef(EHDS_REGULATION)),
        (s, DCAT.version, Literal(ds.version)),
        (s, DCT.accrualPeriodicity, URIRef(FREQUENCY_NAL + ds.frequency)),
        (s, HEALTHDCATAP.numberOfRecords, _int(ds.records, ds.integer_type)),
        (s, HEALTHDCATAP.numberOfUniqueIndividuals, _int(ds.individuals, ds.integer_type)),
        (s, HEALTHDCATAP.minTypicalAge, _int(ds.min_age, ds.integer_type)),
        (s, HEALTHDCATAP.maxTypicalAge, _int(ds.max_age, ds.integer_type)),
        (s, DCT.temporal, period),
        (period, RDF.type, DCT.PeriodOfTime),
        (period, DCAT.startDate, Literal(ds.start.isoformat(), datatype=XSD.date)),
        (period, DCAT.endDate, Literal(ds.end.isoformat(), datatype=XSD.date)),
        (s, DCAT.contactPoint, contact),
        (contact, RDF.type, VCARD.Kind),
        (contact, RDF.type, VCARD.Organization),
        (contact, VCARD.hasEmail, URIRef(f"mailto:data-access@{spec.name}.example.eu")),
        (contact, VCARD.hasURL, URIRef(f"{site}/contact")),
        (s, DPV.hasPurpose, purpose),
        (purpose, RDF.type, DPV.Purpose),
        (s, DPV.hasLegalBasis, legal),
        (legal, RDF.type, DPV.LegalBasis),
    ]
    if ds.access == "PUBLIC":
        # Individual-level datasets carry no dct:type: the dataset-type NAL has no "personal data" concept
        # (GDI guidance: leave it empty rather than invent PERSONAL_DATA); summary statistics are STATISTICAL.
        out.append((s, DCT.type, URIRef(DATASET_TYPE_NAL + "STATISTICAL")))
    out += [(s, DCAT.theme, URIRef(DATA_THEME_NAL + t)) for t in ds.themes]
    out += [(s, HEALTHDCATAP.healthCategory, URIRef(HEALTH_CATEGORY_NAL + c)) for c in ds.categories]
    out += [(s, HEALTHDCATAP.healthTheme, URIRef(HEALTH_THEME_NAL + t)) for t in ds.health_themes]
    out += [(s, DCT.conformsTo, URIRef(u)) for u in ds.conforms_to]
    for system, codes in CODES.get(ds.subtype, {}).items():
        out.append((s, HEALTHDCATAP.hasCodingSystem, URIRef(system)))
        out += [(s, HEALTHDCATAP.hasCodeValues, Literal(code)) for code in codes]
    languages = ["en", *spec.languages]
    out += [(s, DCT.language, URIRef(LANGUAGE_NAL + LANGUAGE_CODES[lang])) for lang in languages]
    for lang in ds.languages:
        title = (f"{_t(lang, f'kind.{ds.kind}')}{_colon(lang)}{_t(lang, f'sub.{ds.subtype}')}, "
                 f"{_city_name(ds.city, lang)}")
        out += [
            (s, DCT.title, Literal(title, lang=lang)),
            (s, DCT.description, Literal(_description(lang, ds), lang=lang)),
            (s, HEALTHDCATAP.populationCoverage, Literal(_coverage(lang, ds), lang=lang)),
            (purpose, DCT.description, Literal(_t(lang, f"purpose.{ds.purpose}"), lang=lang)),
            (legal, DCT.description, Literal(_t(lang, f"legal.{ds.legal_basis}"), lang=lang)),
        ]
        publisher_name = ds.publisher.names.get(lang, ds.publisher.names["en"])
        out.append((contact, VCARD.fn, Literal(f"{_t(lang, 'contact')} – {publisher_name}", lang=lang)))
        keywords = [*_t(lang, "kw.common").split(" | "), *_t(lang, f"kw.{ds.kind}").split(" | "),
                    _t(lang, f"sub.{ds.subtype}")]
        out += [(s, DCAT.keyword, Literal(word.strip(), lang=lang)) for word in keywords]
    for d in ds.distributions:
        out += _distribution_triples(spec, ds, s, d) if distributions else _distribution_triples(spec, ds, s, d)[:1]
    return out


def _distribution_triples(spec: _Spec, ds: _Dataset, dataset: Node, d: _Distribution) -> list[Triple]:
    site = _site(spec)
    s: Node = (_bnode(spec.name, ds.identifier, "distribution", d.key) if ds.blank
               else URIRef(f"{dataset}/distribution/{d.key}"))
    out: list[Triple] = [
        (dataset, DCAT.distribution, s),
        (s, RDF.type, DCAT.Distribution),
        (s, DCT.format, URIRef(FILE_TYPE_NAL + d.file_type)),
        (s, DCAT.mediaType, URIRef(IANA + d.media_type)),
    ]
    out += [(s, DCT.title, Literal(_t(lang, f"dist.{d.key}"), lang=lang)) for lang in ds.languages]
    if d.byte_size is not None:
        out.append((s, DCAT.byteSize, _int(d.byte_size, XSD.decimal if d.size_decimal else XSD.nonNegativeInteger)))
    if d.compress:
        out.append((s, DCAT.compressFormat, URIRef(IANA + d.compress)))
    if d.key == "freq":  # the only files anyone may download: public summary statistics
        out += [
            (s, DCAT.accessURL, URIRef(f"{site}/files/{ds.identifier}/")),
            (s, DCAT.downloadURL, URIRef(f"{site}/files/{ds.identifier}/allele-frequencies.tsv.gz")),
            (s, DCT.license, URIRef(LICENCE_NAL + "CC_BY_4_0")),
        ]
    elif d.key == "beacon":
        service = URIRef(f"{site}/beacon")
        out += [
            (s, DCAT.accessURL, URIRef(f"{site}/beacon/v2/")),
            (s, DCAT.accessService, service),
            (service, RDF.type, DCAT.DataService),
            (service, DCT.title, Literal(f"{spec.titles['en']} – Beacon v2", lang="en")),
            (service, DCAT.endpointURL, URIRef(f"{site}/beacon/v2/")),
            (service, DCT.conformsTo, URIRef(STANDARDS["beacon"])),
            (service, DCAT.servesDataset, dataset),
        ]
    else:
        out.append((s, DCAT.accessURL, URIRef(f"{site}/access/{ds.identifier}")))
    return out


# Documents ---------------------------------------------------------------------------------------------------------


def _sort_key(triple: Triple) -> tuple[str, str, str]:
    return (triple[0].n3(), triple[1].n3(), triple[2].n3())


def _graph(triples: Iterable[Triple]) -> Graph:
    """A graph with our prefixes whose triples were inserted in sorted order (stable iteration everywhere)."""
    g = Graph(store="SimpleMemory", bind_namespaces="none")
    for prefix, ns in _PREFIXES.items():
        g.bind(prefix, ns)
    g.bind("xml", _XML_NS)
    for t in sorted(set(triples), key=_sort_key):
        g.add(t)
    return g


_PREFIXES = {
    "cv": str(CV), "dcat": str(DCAT), "dcatap": str(DCATAP), "dct": str(DCT), "dpv": str(DPV), "foaf": str(FOAF),
    "healthdcatap": str(HEALTHDCATAP), "hydra": str(HYDRA), "rdf": str(RDF), "vcard": str(VCARD), "xsd": str(XSD),
}
_XML_NS = "http://www.w3.org/XML/1998/namespace"  # bound too, or RDF/XML writes xml:lang as an undeclared ns1:lang


def _serialise(g: Graph, fmt: str, pretty_xml: bool = True) -> bytes:
    """Serialise ``g``; byte-stable across processes (rdflib walks some sets, whose order is salted)."""
    if fmt == "json-ld":
        # Inline context: a harvester must never have to fetch one.
        text = g.serialize(format="json-ld", context=dict(_PREFIXES), indent=2)
        text = json.dumps(_canonical_json(json.loads(text)), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    elif fmt == "xml":
        text = g.serialize(format="pretty-xml" if pretty_xml else "xml")
        text = _sort_xml_namespaces(text)
    elif fmt == "nt":
        text = "".join(line + "\n" for line in sorted({ln for ln in g.serialize(format="nt").splitlines() if ln}))
    else:
        text = g.serialize(format=FORMATS[fmt][2])
    return text.encode("utf-8")


def _canonical_json(value: Any) -> Any:
    """JSON-LD with every array in a fixed order (array order carries no meaning outside ``@list``)."""
    if isinstance(value, dict):
        return {k: (v if k == "@list" else _canonical_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _sort_xml_namespaces(text: str) -> str:
    """rdflib's pretty RDF/XML writer declares namespaces in set order: put the xmlns lines in sorted order."""
    start = text.find("<rdf:RDF")
    end = text.find(">", start)
    if start < 0 or end < 0:
        return text
    head = text[start:end].split("\n")
    declarations = sorted(line for line in head[1:] if line.strip().startswith("xmlns"))
    others = [line for line in head[1:] if not line.strip().startswith("xmlns")]
    return text[:start] + "\n".join([head[0], *declarations, *others]) + text[end:]


def node_catalogue_url(node: DemoNode, base_url: str) -> str:
    """Where a DCAT or CKAN node's catalogue (its first page) is served: ``{base_url}/{name}/catalog.{ext}``."""
    return base_url.rstrip("/") + _page_path(node, 1)


def node_url(node: DemoNode, base_url: str) -> str:
    """The URL to register the node with, as its type expects it (see ``gdi-catalogue nodes add --url``).

    dcat: the catalogue document; fdp: the FAIR Data Point root; sparql: the query endpoint; ckan: the
    site root (the harvester finds ``catalog.ttl`` there).
    """
    base = base_url.rstrip("/")
    if node.type == "fdp":
        return fdp_base_url(node, base) + "/"
    if node.type == "sparql":
        return f"{base}/{node.name}/sparql"
    if node.type == "ckan":
        return f"{base}/{node.name}/"
    return node_catalogue_url(node, base)


def _page_path(node: DemoNode, page: int) -> str:
    path = f"/{node.name}/catalog.{FORMATS[node.format][0]}"
    return path if page == 1 else f"{path}?page={page}"


def _hydra_triples(node: DemoNode, spec: _Spec, base_url: str, page: int, pages: int) -> list[Triple]:
    def url(p: int) -> str:
        return base_url.rstrip("/") + _page_path(node, p)

    s = URIRef(url(page))
    out: list[Triple] = [
        (s, HYDRA.totalItems, Literal(node.datasets)),
        (s, HYDRA.itemsPerPage, Literal(node.page_size)),
    ]
    if spec.paging == "literal":  # ckanext-dcat: hydra:PagedCollection with page URLs as plain strings
        out += [(s, RDF.type, HYDRA.PagedCollection),
                (s, HYDRA.firstPage, Literal(url(1))), (s, HYDRA.lastPage, Literal(url(pages)))]
        if page < pages:
            out.append((s, HYDRA.nextPage, Literal(url(page + 1))))
        if page > 1:
            out.append((s, HYDRA.previousPage, Literal(url(page - 1))))
    else:  # Hydra core: a hydra:PartialCollectionView linked by IRIs
        out += [(s, RDF.type, HYDRA.PartialCollectionView),
                (s, HYDRA.first, URIRef(url(1))), (s, HYDRA.last, URIRef(url(pages)))]
        if page < pages:
            out.append((s, HYDRA.next, URIRef(url(page + 1))))
        if page > 1:
            out.append((s, HYDRA.previous, URIRef(url(page - 1))))
    return out


def _node_spec(node: DemoNode, base_url: str) -> _Spec:
    spec = _spec_for(node)
    if node.type == "fdp":
        return replace(spec, iri_base=fdp_base_url(node, base_url))
    return spec


def _co_published(node: DemoNode, seed: int) -> list[tuple[Node, list[Triple]]]:
    """Datasets ``node`` lists that another node publishes: the owner's description, organisations included."""
    owner = _SPEC_BY_NAME.get(CO_PUBLISHED.get(node.name, ""))
    if owner is None:
        return []
    ds = _plan(owner, _own_count(owner, seed), seed)[0]
    triples = _dataset_triples(owner, ds) + _org_triples(owner, ds.publisher) + _org_triples(owner, owner.hdab)
    return [(_dataset_subject(owner, ds), triples)]


def _node_parts(node: DemoNode, seed: int, base_url: str
                ) -> tuple[_Spec, list[Triple], list[tuple[Node, list[Triple]]]]:
    if node.format not in FORMATS:
        raise ValueError(f"unknown demo format {node.format!r}; expected one of {sorted(FORMATS)}")
    spec = _node_spec(node, base_url)
    catalogue = _catalogue_triples(spec, seed) + _shared_triples(spec)
    shared = _co_published(node, seed)
    own = _plan(spec, max(0, node.datasets - len(shared)), seed)
    datasets = [(_dataset_subject(spec, ds), _dataset_triples(spec, ds)) for ds in own]
    return spec, catalogue, datasets + shared


def _page_triples(spec: _Spec, catalogue: list[Triple], datasets: Sequence[tuple[Node, list[Triple]]]
                  ) -> list[Triple]:
    out = list(catalogue)
    c = _catalogue_uri(spec)
    for subject, triples in datasets:
        out.append((c, DCAT.dataset, subject))
        out += triples
    return out


def node_graph(node: DemoNode, base_url: str, seed: int = 2026) -> Graph:
    """The node's whole catalogue in one graph (all pages' or documents' triples, no paging triples).

    This is also what a SPARQL node's endpoint holds. The IRIs of a DCAT, CKAN or SPARQL node live under
    the node's domain (``https://{name}.example.eu``), so its graph does not depend on ``base_url``; a FAIR
    Data Point's resource IRIs are the addresses of its documents (:func:`fdp_base_url`), so its do.
    """
    if node.type == "fdp":
        return _graph(t for triples in _fdp_triples(node, base_url, seed).values() for t in triples)
    spec, catalogue, datasets = _node_parts(node, seed, base_url)
    return _graph(_page_triples(spec, catalogue, datasets))


def node_documents(node: DemoNode, base_url: str, seed: int = 2026) -> dict[str, tuple[str, bytes]]:
    """What the node serves as static documents: path (with query string) -> (content type, body).

    DCAT and CKAN nodes: the first document is at ``/{name}/catalog.{ext}``, a paged node's later pages at
    ``...?page=N``; each page holds the catalogue, its share of datasets with all their descriptions, and
    the Hydra paging node. FAIR Data Points: one document per resource (:func:`fdp_base_url`). SPARQL
    nodes serve no documents: their endpoint answers queries over :func:`node_graph`
    (``catalogue.demo.sparql``).
    """
    if node.type == "sparql":
        _node_parts(node, seed, base_url)  # still refuse what the node could not be
        return {}
    if node.type == "ckan" and node.format != "turtle":
        raise ValueError(f"a CKAN demo node serves ckanext-dcat's catalog.ttl, so its format must be turtle, "
                         f"not {node.format!r}")
    if node.type == "fdp":
        content_type, prefix = FORMATS[node.format][1], base_url.rstrip("/")
        spec = _node_spec(node, base_url)
        return {url[len(prefix):]: (content_type, _serialise(_graph(triples), node.format, spec.pretty_xml))
                for url, triples in _fdp_triples(node, base_url, seed).items()}
    spec, catalogue, datasets = _node_parts(node, seed, base_url)
    content_type = FORMATS[node.format][1]
    if not node.page_size:
        body = _serialise(_graph(_page_triples(spec, catalogue, datasets)), node.format, spec.pretty_xml)
        return {_page_path(node, 1): (content_type, body)}
    size = node.page_size
    pages = max(1, math.ceil(len(datasets) / size))
    out: dict[str, tuple[str, bytes]] = {}
    for page in range(1, pages + 1):
        chunk = datasets[(page - 1) * size:page * size]
        triples = _page_triples(spec, catalogue, chunk) + _hydra_triples(node, spec, base_url, page, pages)
        out[_page_path(node, page)] = (content_type, _serialise(_graph(triples), node.format, spec.pretty_xml))
    return out


# FAIR Data Point ---------------------------------------------------------------------------------------------------

FDP_O = Namespace("https://w3id.org/fdp/fdp-o#")
FDP_SPEC = "https://specs.fairdatapoint.org/fdp-specs-v1.2.html"


def fdp_base_url(node: DemoNode, base_url: str) -> str:
    """Where an FDP node's resources live; its root (the node URL to register) is this plus ``/``."""
    return f"{base_url.rstrip('/')}/{node.name}/fdp"


def _fdp_triples(node: DemoNode, base_url: str, seed: int) -> dict[str, list[Triple]]:
    """Document URL -> its triples: the root, the catalogue, one per dataset and one per distribution.

    Laid out as the FDP reference implementation serves it: the root names its catalogue with
    ``fdp-o:metadataCatalog``, the catalogue its datasets with ``dcat:dataset``, a dataset its
    distributions with ``dcat:distribution``, and every one of those IRIs is the URL of the resource's
    own document. Organisations stay under the node's domain (they are named, never fetched). A
    blank-node dataset has no address, so the catalogue document describes it in place.
    """
    spec, catalogue, _ = _node_parts(node, seed, base_url)
    if node.name in CO_PUBLISHED:
        raise ValueError(f"{node.name} lists another node's dataset, which a FAIR Data Point cannot serve "
                         "(its dataset IRIs are the addresses of its own documents)")
    root, c = URIRef(fdp_base_url(node, base_url) + "/"), _catalogue_uri(spec)
    root_doc: list[Triple] = [
        (root, RDF.type, FDP_O.FAIRDataPoint), (root, RDF.type, FDP_O.MetadataService),
        (root, RDF.type, DCAT.DataService), (root, RDF.type, DCAT.Resource),
        (root, DCT.title, Literal(f"{spec.titles['en']} – FAIR Data Point", lang="en")),
        (root, DCT.publisher, _org_uri(spec, spec.publisher)),
        (root, DCAT.endpointURL, root),
        (root, FDP_O.conformsToFdpSpec, URIRef(FDP_SPEC)),
        (root, FDP_O.metadataCatalog, c),
        *_org_triples(spec, spec.publisher),
    ]
    out: dict[str, list[Triple]] = {str(root): root_doc, str(c): catalogue + [(c, DCT.isPartOf, root)]}
    for ds in _plan(spec, node.datasets, seed):
        s = _dataset_subject(spec, ds)
        out[str(c)].append((c, DCAT.dataset, s))
        if ds.blank:
            out[str(c)] += _dataset_triples(spec, ds)
            continue
        out[str(s)] = _dataset_triples(spec, ds, distributions=False)
        for d in ds.distributions:
            link, *own = _distribution_triples(spec, ds, s, d)
            out[str(link[2])] = own
    return out


def parse_document(body: bytes, fmt: str, base_url: str = "") -> Graph:
    """Parse one generated document with the parser matching its format (helper for tests and totals)."""
    g = Graph()
    g.parse(data=body, format=FORMATS[fmt][3], publicID=base_url or None)
    return g


# Oracle for tests --------------------------------------------------------------------------------------------------

_TOTALS_QUERY = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX healthdcatap: <http://healthdataportal.eu/ns/health#>
SELECT ?dataset (SAMPLE(?n) AS ?individuals) (SAMPLE(?spatial) AS ?country) WHERE {
  ?dataset a dcat:Dataset .
  OPTIONAL { ?dataset healthdcatap:numberOfUniqueIndividuals ?n }
  OPTIONAL { ?dataset dct:spatial ?spatial }
} GROUP BY ?dataset
"""
_ALPHA2 = {alpha3: alpha2 for alpha2, alpha3 in ALPHA3.items() if alpha2 != "EL"}


def _served_datasets(node: DemoNode, seed: int, base_url: str) -> dict[str, tuple[int, str | None]]:
    """Dataset key (its IRI, or a node-scoped blank-node label) -> (individuals, ISO alpha-2 country).

    Read from what the node serves: its documents parsed one by one, or, for a SPARQL node, the graph
    its endpoint holds.
    """
    if node.type == "sparql":
        graphs: Iterable[Graph] = [node_graph(node, base_url, seed)]
    else:
        graphs = (parse_document(body, node.format, base_url)
                  for _, body in node_documents(node, base_url, seed).values())
    out: dict[str, tuple[int, str | None]] = {}
    for g in graphs:
        for row in g.query(_TOTALS_QUERY):
            key = str(row.dataset) if isinstance(row.dataset, URIRef) else f"_:{node.name}:{row.dataset}"
            individuals = int(str(row.individuals)) if row.individuals is not None else 0
            country = _ALPHA2.get(str(row.country).rsplit("/", 1)[-1]) if row.country is not None else None
            out[key] = (individuals, country)
    return out


def totals(nodes: Sequence[DemoNode], seed: int = 2026, base_url: str = "http://demo.invalid"
           ) -> dict[str, dict[str, int]]:
    """Per node, ``{"datasets": n, "individuals": sum of numberOfUniqueIndividuals}``.

    An oracle for tests: it parses what the node serves (every page or document; a SPARQL node's store)
    and queries the RDF with SPARQL, so it checks what a harvester would see rather than restating the
    generator's own numbers. A dataset two nodes publish (:data:`CO_PUBLISHED`) counts for both here, as
    it does in per-node figures; :func:`catalogue_totals` counts it once.
    """
    out: dict[str, dict[str, int]] = {}
    for node in nodes:
        served = _served_datasets(node, seed, base_url)
        out[node.name] = {"datasets": len(served), "individuals": sum(n for n, _ in served.values())}
    return out


def catalogue_totals(nodes: Sequence[DemoNode], seed: int = 2026, base_url: str = "http://demo.invalid"
                     ) -> dict[str, Any]:
    """The federation as one catalogue: every dataset once (same IRI from two nodes is one dataset).

    ``{"datasets": n, "individuals": sum, "by_country": {alpha-2: individuals}, "shared": {iri: [node
    names]}}``, the country being the dataset's ``dct:spatial``, as the catalogue's country breakdown
    reads it. Blank-node datasets are never the same dataset across nodes.
    """
    merged: dict[str, tuple[int, str | None]] = {}
    publishers: dict[str, list[str]] = {}
    for node in nodes:
        for key, value in _served_datasets(node, seed, base_url).items():
            merged[key] = value
            publishers.setdefault(key, []).append(node.name)
    by_country: dict[str, int] = {}
    for individuals, country in merged.values():
        if country is not None:
            by_country[country] = by_country.get(country, 0) + individuals
    return {"datasets": len(merged), "individuals": sum(n for n, _ in merged.values()),
            "by_country": by_country,
            "shared": {key: names for key, names in sorted(publishers.items()) if len(names) > 1}}
