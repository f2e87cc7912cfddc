"""The programme directory as open data: Open Referral HSDS 3.0 JSON and GeoJSON.

The HSDS export is validated against the published HSDS 3.0 JSON schemas kept beside the
repository (``shared/schemas/hsds-3.0``), with every ``$ref`` resolved offline. No package
on PyPI ships geojson.org's JSON schemas, so the GeoJSON export is checked with the
``geojson`` package's validation and, per RFC 7946, by its structure: a FeatureCollection of
Point features whose coordinates are [longitude, latitude] within bounds.
"""

from __future__ import annotations

import io
import json
import os
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import geojson  # type: ignore[import-untyped]
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from jsonschema.validators import Draft202012Validator, validator_for  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tandem import cli
from tandem.core.models import AuditEntry
from tandem.core.roles import Role
from tandem.mapping.models import Cost, DeliveryLocation, Programme, Status
from tandem.mapping.render import opendata
from tests import factories

pytestmark = pytest.mark.django_db


# --- The published schemas ------------------------------------------------------------------


def schemas_folder() -> Path | None:
    """shared/schemas beside the repository (a clean clone in CI too), or TANDEM_SCHEMAS_DIR,
    or the shared folder of this machine."""
    candidates = [Path(__file__).resolve().parents[2] / ".." / "shared" / "schemas", Path("/work/shared/schemas")]
    if os.environ.get("TANDEM_SCHEMAS_DIR"):
        candidates.insert(0, Path(os.environ["TANDEM_SCHEMAS_DIR"]))
    return next((folder / "hsds-3.0" for folder in candidates if (folder / "hsds-3.0").is_dir()), None)


HSDS_FOLDER = schemas_folder()
needs_hsds_schemas = pytest.mark.skipif(
    HSDS_FOLDER is None,
    reason="the HSDS 3.0 schemas are not here: set TANDEM_SCHEMAS_DIR to the folder that holds hsds-3.0/",
)


@cache
def hsds_registry() -> Registry[Any]:
    """Every schema file of the folder under its own file name, so that "service.json"
    finds "attribute.json" without the network. The HSDS 3.0 files name no $schema; they are
    read as JSON Schema 2020-12, the dialect of the OpenAPI 3.1 document that ships with them."""
    assert HSDS_FOLDER is not None
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012))
        for path in sorted(HSDS_FOLDER.glob("*.json"))
    ]
    return Registry().with_resources(resources)


def validator(schema: dict[str, Any]) -> Any:
    cls = validator_for(schema, default=Draft202012Validator)
    return cls(schema, registry=hsds_registry(), format_checker=cls.FORMAT_CHECKER)


# A page of the HSDS API's "GET /services?full=true": the Page of openapi.json, with services
# in "contents" as the modular service schema describes them.
HSDS_PAGE = {
    "allOf": [{"$ref": "openapi.json#/components/schemas/Page"}],
    "type": "object",
    "required": ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"],
    "properties": {"contents": {"type": "array", "items": {"$ref": "service.json"}}},
}


def hsds_errors(dataset: dict[str, Any]) -> list[str]:
    """Every way the dataset departs from the page schema, and each service from the
    compiled service schema (every object inlined)."""
    errors = [f"page: {error.json_path}: {error.message}" for error in validator(HSDS_PAGE).iter_errors(dataset)]
    compiled = validator({"$ref": "service_with_definitions.json"})
    for service in dataset["contents"]:
        errors += [f"compiled {service['name']}: {e.json_path}: {e.message}" for e in compiled.iter_errors(service)]
    return errors


# --- The registry -------------------------------------------------------------------------


def located(programme: Programme, town: str, latitude: float, longitude: float, **fields: Any) -> DeliveryLocation:
    return factories.location(programme, town, latitude=latitude, longitude=longitude, **fields)


def full_programme() -> Programme:
    """A programme with every fact the registry holds."""
    made = factories.programme(
        "Tirana programme",
        code="AL-TIR-01",
        regions=["AL-11", "AL-01"],
        legal_bases=["court_mandated", "voluntary"],
        referral_routes=["court", "self"],
        target_groups=["men_partner_violence", "fathers"],
        languages=["sq", "sr-latn", "cnr", "rom", "en"],
        funding_sources=["state", "international"],
        cost=Cost.SLIDING,
        disability_access=True,
        remote_delivery=True,
        typical_weeks=24,
        typical_sessions=1,
        waiting_weeks=0,
    )
    located(made, "Tiranë", 41.3275, 19.8187)
    located(made, "Kamëz", 41.3817, 19.7603)
    return made


def text(export_format: str) -> str:
    build = opendata.hsds_dataset if export_format == "hsds" else opendata.geojson_collection
    return opendata.render(build())


def services() -> list[dict[str, Any]]:
    return list(opendata.hsds_dataset()["contents"])


# --- HSDS ---------------------------------------------------------------------------------


@needs_hsds_schemas
def test_the_hsds_export_validates_against_the_published_hsds_3_0_schemas() -> None:
    full_programme()
    factories.programme("Prishtina programme", country="XK", region="XK-D01", cost=Cost.FREE, languages=["sq"])
    factories.programme("Bare programme", legal_bases=[], cost=Cost.FEE)
    dataset = opendata.hsds_dataset()
    assert dataset["total_items"] == 3
    assert hsds_errors(dataset) == []


@needs_hsds_schemas
def test_an_empty_registry_is_a_valid_empty_hsds_page() -> None:
    dataset = opendata.hsds_dataset()
    assert dataset["contents"] == []
    assert dataset["empty"] is True
    assert hsds_errors(dataset) == []


@needs_hsds_schemas
def test_the_schema_check_catches_a_service_that_breaks_the_schema() -> None:
    full_programme()
    dataset = opendata.hsds_dataset()
    del dataset["contents"][0]["status"]
    dataset["contents"][0]["service_at_locations"][0]["location"]["location_type"] = "street"
    dataset["contents"][0]["languages"][0]["id"] = "not-a-uuid"
    errors = "\n".join(hsds_errors(dataset))
    assert "'status' is a required property" in errors
    assert "'street' is not one of" in errors
    assert "'not-a-uuid' is not a 'uuid'" in errors


def test_a_service_carries_its_provider_languages_areas_cost_and_public_locations() -> None:
    made = full_programme()
    [service] = services()
    assert service["name"] == "Tirana programme"
    assert service["status"] == "active"
    assert service["organization"]["name"] == made.provider.name
    assert service["organization"]["description"] == "Programme provider"
    assert [language["code"] for language in service["languages"]] == ["sq", "sr", "cnr", "rom", "en"]
    assert [language["name"] for language in service["languages"]][-2:] == ["Romani", "English"]
    assert [area["name"] for area in service["service_areas"]] == ["Berat", "Tiranë"]
    assert service["cost_options"][0]["option"] == "Fee depending on income"
    assert [funding["source"] for funding in service["funding"]] == ["State", "International donors"]
    assert "Typical length: 24 weeks." in service["description"]
    assert "Typical number of sessions: 1." in service["description"]
    assert "No waiting time." in service["description"]
    physical = [
        sal["location"] for sal in service["service_at_locations"] if sal["location"]["location_type"] == "physical"
    ]
    assert [(loc["name"], loc["latitude"], loc["longitude"]) for loc in physical] == [
        ("Kamëz", 41.3817, 19.7603),
        ("Tiranë", 41.3275, 19.8187),
    ]
    assert all(loc["accessibility"][0]["description"] for loc in physical)


def test_remote_delivery_is_a_virtual_location_without_coordinates() -> None:
    full_programme()
    [service] = services()
    [virtual] = [
        sal["location"] for sal in service["service_at_locations"] if sal["location"]["location_type"] == "virtual"
    ]
    assert "latitude" not in virtual
    assert virtual["name"] == "Remote delivery"


def test_a_free_programme_has_a_cost_option_of_nothing() -> None:
    factories.programme("Free one", cost=Cost.FREE)
    [service] = services()
    assert service["cost_options"][0]["amount"] == 0
    assert service["fees_description"] == "Free of charge"


def test_the_registry_codes_travel_as_attributes_of_a_tandem_taxonomy() -> None:
    full_programme()
    [service] = services()
    codes = {(a["link_type"], a["taxonomy_term"]["code"]) for a in service["attributes"]}
    assert codes == {
        ("country", "AL"),
        ("format", "group"),
        ("legal_basis", "court_mandated"),
        ("legal_basis", "voluntary"),
        ("referral_route", "court"),
        ("referral_route", "self"),
        ("target_group", "men_partner_violence"),
        ("target_group", "fathers"),
    }


def test_kosovo_carries_the_deployments_footnote() -> None:
    factories.programme("Prishtina programme", country="XK", region="XK-D01")
    [service] = services()
    [country] = [a["taxonomy_term"] for a in service["attributes"] if a["link_type"] == "country"]
    assert country["name"] == "Kosovo*"
    assert country["description"].startswith("* Kosovo: ")


def test_the_export_names_no_person() -> None:
    made = full_programme()
    person = factories.member(made.provider, Role.COORDINATOR, "coordinator.jana")
    person.email = "jana@example.org"
    person.save()
    for export_format in ("hsds", "geojson"):
        exported = text(export_format)
        assert "jana" not in exported
        assert person.last_name not in exported


# --- GeoJSON ------------------------------------------------------------------------------


def test_the_geojson_export_is_valid_geojson() -> None:
    full_programme()
    factories.programme("Prishtina programme", country="XK", region="XK-D01")
    exported = text("geojson")
    collection = geojson.loads(exported)
    assert collection.is_valid, collection.errors()
    assert collection.errors() == []


def test_each_public_location_is_a_point_of_longitude_then_latitude_within_bounds() -> None:
    made = full_programme()
    collection = json.loads(text("geojson"))
    assert collection["type"] == "FeatureCollection"
    assert [feature["properties"]["town"] for feature in collection["features"]] == ["Kamëz", "Tiranë"]
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["id"], str)
        assert isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        assert len(geometry["coordinates"]) == 2
        longitude, latitude = geometry["coordinates"]
        assert -180 <= longitude <= 180
        assert -90 <= latitude <= 90
    assert collection["features"][1]["geometry"]["coordinates"] == [19.8187, 41.3275]
    assert collection["features"][1]["properties"] == {
        "code": "AL-TIR-01",
        "name": "Tirana programme",
        "provider": made.provider.name,
        "country": "AL",
        "town": "Tiranë",
        "region": "AL-11",
        "region_name": "Tiranë",
        "format": "group",
        "languages": ["sq", "sr-Latn", "cnr", "rom", "en"],
        "cost": "sliding",
        "disability_access": True,
        "remote_delivery": True,
        "url": f"/programmes/{made.pk}/",
    }


def test_a_geojson_feature_has_the_id_of_its_hsds_location() -> None:
    full_programme()
    [service] = services()
    hsds_ids = {sal["location"]["id"] for sal in service["service_at_locations"]}
    geojson_ids = {feature["id"] for feature in opendata.geojson_collection()["features"]}
    assert geojson_ids < hsds_ids


# --- What stays out -----------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.ON_PAPER, Status.SUSPENDED, Status.CLOSED])
@pytest.mark.parametrize("export_format", ["hsds", "geojson"])
def test_a_programme_that_does_not_function_is_not_exported(status: Status, export_format: str) -> None:
    located(factories.programme("Paper programme", code="AL-PAPER", status=status), "Paperville", 41.1, 19.9)
    exported = text(export_format)
    assert "Paper programme" not in exported
    assert "AL-PAPER" not in exported
    assert "Paperville" not in exported


@pytest.mark.parametrize("export_format", ["hsds", "geojson"])
def test_a_programme_that_asked_not_to_be_published_is_not_exported(export_format: str) -> None:
    located(factories.programme("Hidden programme", code="AL-HIDDEN", publish=False), "Hiddenville", 41.1, 19.9)
    exported = text(export_format)
    assert "Hidden programme" not in exported
    assert "AL-HIDDEN" not in exported
    assert "Hiddenville" not in exported


@pytest.mark.parametrize("export_format", ["hsds", "geojson"])
def test_a_private_location_of_a_public_programme_is_nowhere_in_the_export(export_format: str) -> None:
    made = full_programme()
    located(made, "Safe house street", 41.987654, 20.123456, publish=False)
    exported = text(export_format)
    assert "Tirana programme" in exported
    assert "Safe house street" not in exported
    assert "41.987654" not in exported
    assert "20.123456" not in exported
    assert "41.98765" not in exported
    assert "20.12345" not in exported


# --- Stable identifiers -------------------------------------------------------------------


def test_two_exports_of_the_same_registry_are_identical() -> None:
    full_programme()
    assert text("hsds") == text("hsds")
    assert text("geojson") == text("geojson")


def test_identifiers_are_uuids_that_do_not_change_when_the_registry_grows() -> None:
    full_programme()
    [before] = services()
    factories.programme("Another programme")
    [after] = [service for service in services() if service["name"] == "Tirana programme"]
    assert after["id"] == before["id"] == opendata.stable_id("programme", "AL-TIR-01")
    assert after["service_at_locations"] == before["service_at_locations"]
    assert after["organization"]["id"] == before["organization"]["id"]
    assert uuid.UUID(after["id"]).version == 5


def test_the_export_reads_the_same_number_of_queries_however_many_programmes(django_assert_num_queries: Any) -> None:
    full_programme()
    with django_assert_num_queries(4):
        opendata.hsds_dataset()
    for number in range(3):
        more = factories.programme(f"Programme {number}", regions=["AL-11", "AL-01"], languages=["sq"])
        located(more, f"Town {number}", 41.0 + number / 10, 19.5)
    with django_assert_num_queries(4):
        opendata.hsds_dataset()
    with django_assert_num_queries(4):
        opendata.geojson_collection()


# --- The command --------------------------------------------------------------------------


def test_the_command_writes_the_file_and_an_audit_entry(tmp_path: Path) -> None:
    full_programme()
    output = tmp_path / "programmes.json"
    call_command("mapping_export", format="hsds", output=str(output), stdout=io.StringIO())
    assert output.read_text(encoding="utf-8") == text("hsds")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action == "mapping.export"
    assert entry.actor_id is None
    assert entry.actor_label == "command line"
    assert json.loads(entry.detail) == {"format": "hsds", "programmes": 1}


def test_tandem_mapping_export_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    full_programme()
    output = tmp_path / "programmes.geojson"
    assert cli.main(["mapping", "export", "--format", "geojson", "--output", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == text("geojson")
    assert str(output) in capsys.readouterr().out


def test_tandem_mapping_export_refuses_a_missing_folder_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["mapping", "export", "--format", "hsds", "--output", str(tmp_path / "missing" / "hsds.json")])
    assert exited.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_the_command_writes_geojson_to_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    full_programme()
    call_command("mapping_export", format="geojson", output=None)
    assert capsys.readouterr().out == text("geojson")
    assert AuditEntry.objects.filter(action="mapping.export", detail__contains='"geojson"').count() == 1


def test_the_command_refuses_a_folder_that_does_not_exist_in_one_line(tmp_path: Path) -> None:
    output = tmp_path / "missing" / "programmes.geojson"
    with pytest.raises(CommandError) as raised:
        call_command("mapping_export", format="geojson", output=str(output))
    assert str(output.parent) in str(raised.value)
    assert "\n" not in str(raised.value)
    assert not AuditEntry.objects.filter(action="mapping.export").exists()


# --- The web ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "export_format", "content_type", "filename"),
    [
        ("/programmes/open-data/hsds.json", "hsds", "application/json", "tandem-programmes-hsds.json"),
        ("/programmes/open-data/programmes.geojson", "geojson", "application/geo+json", "tandem-programmes.geojson"),
    ],
)
def test_the_open_data_files_are_served_to_anyone_as_the_command_writes_them(
    client: Client, tmp_path: Path, *, url: str, export_format: str, content_type: str, filename: str
) -> None:
    full_programme()
    output = tmp_path / filename
    call_command("mapping_export", format=export_format, output=str(output), stdout=io.StringIO())
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="sq")
    assert response.status_code == 200
    assert response["Content-Type"] == f"{content_type}; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.content.decode() == output.read_text(encoding="utf-8")


def test_downloading_open_data_on_the_web_is_not_audited(client: Client) -> None:
    full_programme()
    client.get("/programmes/open-data/hsds.json")
    client.get("/programmes/open-data/programmes.geojson")
    assert not AuditEntry.objects.filter(action="mapping.export").exists()


def test_the_directory_links_to_both_open_data_files(client: Client) -> None:
    page = client.get("/programmes/").content.decode()
    assert 'href="/programmes/open-data/hsds.json"' in page
    assert 'href="/programmes/open-data/programmes.geojson"' in page
