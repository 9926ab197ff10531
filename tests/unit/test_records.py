"""The record's fast serialisation must say exactly what the plain, slow one says."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from catalogue.records import DatasetRecord
from tests.unit.test_mapping_golden import GOLDEN, INPUTS


def _records() -> list[DatasetRecord]:
    out = []
    for path in INPUTS:
        expected = json.loads(Path(path).with_suffix(".expected.json").read_text())
        out += [DatasetRecord.from_dict(m["record"]) for m in expected if m["record"]]
    return out


RECORDS = _records()


def test_the_golden_files_give_rich_records():
    assert len(RECORDS) >= 5 and GOLDEN.is_dir()
    assert any(r.distributions and r.publisher and r.contact_point and r.temporal and r.keywords for r in RECORDS)


@pytest.mark.parametrize("record", RECORDS, ids=[r.id for r in RECORDS])
def test_to_dict_equals_asdict_and_shares_no_container(record):
    data = record.to_dict()
    assert data == dataclasses.asdict(record)
    assert list(data) == [f.name for f in dataclasses.fields(DatasetRecord)]
    for key, value in data.items():
        if isinstance(value, (list, dict)):
            assert value is not getattr(record, key)  # mutating the dict leaves the record as it was
    for lang, words in data["keywords"].items():
        assert words is not record.keywords[lang]


@pytest.mark.parametrize("record", RECORDS, ids=[r.id for r in RECORDS])
def test_serialised_is_the_record_and_its_hash_ignores_the_harvest_time(record):
    text, digest = record.serialised()
    assert json.loads(text) == record.to_dict()
    plain = {k: v for k, v in record.to_dict().items() if k != "harvested"}
    expected = hashlib.sha256(json.dumps(plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
                              .encode("utf-8")).hexdigest()
    assert digest == expected == record.content_hash()
    later = dataclasses.replace(record, harvested="2030-01-01T00:00:00Z")
    assert later.serialised()[1] == digest and json.loads(later.serialised()[0])["harvested"] == "2030-01-01T00:00:00Z"
    assert dataclasses.replace(record, version="changed").content_hash() != digest
    unharvested = dataclasses.replace(record, harvested=None)
    assert json.loads(unharvested.serialised()[0]) == unharvested.to_dict()
