"""The programme directory as open data: Open Referral HSDS 3.0 JSON and GeoJSON.

Both are built from ``queries.public_programmes()`` (functioning programmes that may be
published) and only their public delivery locations: a programme that asked not to be
listed, or a location marked private, never reaches either file. Only organisational facts
leave: the provider's name and kind, never a person's name, email or phone.

Every identifier is a UUID derived (uuid5) from a fixed Tandem namespace and the
programme's reference, the organisation's or the location's key, so that two exports of
the same registry are identical and a consumer can follow a record from one export to the
next. A GeoJSON feature's ``id`` is the HSDS ``location.id`` of the same place.

The texts are written in the installation's language (``LANGUAGE_CODE``), whoever asks,
so that the file is the same from the command line and from the web.

HSDS 3.0 has no single "dataset" object in JSON: its API returns services, fully nested,
as a page (``GET /services?full=true``: ``total_items``, ``page_number``, ... and
``contents``). The HSDS file is that response with every service on one page; each service
carries its organisation, languages, service areas, cost options, funding, attributes and
its locations (through ``service_at_locations``), as in the compiled service schema.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import TextChoices
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_info, gettext as _, gettext_lazy, ngettext

from tandem.core.models import SiteSettings
from tandem.geo.models import FOOTNOTED
from tandem.mapping.models import (
    Cost,
    DeliveryLocation,
    Funding,
    LegalBasis,
    Programme,
    ReferralRoute,
    TargetGroup,
)
from tandem.mapping.queries.registry import exported_programmes

# Fixed for ever: changing it would give every record of the open data a new identity.
TANDEM_NAMESPACE = uuid.UUID("48181a6d-7f1e-49e1-bd2b-a61c01230844")
TAXONOMY = "Tandem programme registry"
# RFC 7946 (section 11.2): six decimal places are about 10 cm, more than any town needs.
COORDINATE_DECIMALS = 6
# Language codes of the registry that Django does not know.
EXTRA_LANGUAGE_NAMES = {"rom": gettext_lazy("Romani")}


def stable_id(*parts: object) -> str:
    """The same UUID for the same record in every export."""
    return str(uuid.uuid5(TANDEM_NAMESPACE, ":".join(str(part) for part in parts)))


def render(data: dict[str, Any]) -> str:
    """The text of an export, the same from the command line and from the web."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def hsds_dataset(programmes: list[Programme] | None = None) -> dict[str, Any]:
    """Every public programme as an HSDS 3.0 service, fully nested, on one page of the HSDS
    API's ``/services`` response."""
    if programmes is None:
        programmes = exported_programmes()
    with translation.override(settings.LANGUAGE_CODE):
        footnote = _footnote(programmes)
        services = [_service(programme, footnote) for programme in programmes]
    return {
        "total_items": len(services),
        "total_pages": 1,
        "page_number": 1,
        "size": len(services),
        "first_page": True,
        "last_page": True,
        "empty": not services,
        "contents": services,
    }


def geojson_collection(programmes: list[Programme] | None = None) -> dict[str, Any]:
    """One Point feature per public delivery location (RFC 7946: [longitude, latitude], WGS 84)."""
    if programmes is None:
        programmes = exported_programmes()
    features = []
    for programme in programmes:
        for location in _public_locations(programme):
            features.append(
                {
                    "type": "Feature",
                    "id": stable_id("location", location.pk),
                    "geometry": {
                        "type": "Point",
                        "coordinates": [_coordinate(location.longitude), _coordinate(location.latitude)],
                    },
                    "properties": {
                        "code": programme.code,
                        "name": programme.name,
                        "provider": programme.provider.name,
                        "country": programme.country.code,
                        "town": location.town,
                        "region": location.region.code,
                        "region_name": location.region.name,
                        "format": programme.format,
                        "languages": _language_tags(programme.languages),
                        "cost": programme.cost,
                        "disability_access": programme.disability_access,
                        "remote_delivery": programme.remote_delivery,
                        "url": reverse("mapping:programme", args=[programme.pk]),
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


# --- HSDS ---------------------------------------------------------------------------------


def _service(programme: Programme, footnote: str) -> dict[str, Any]:
    service_id = stable_id("programme", programme.code)
    organization_id = stable_id("organisation", programme.provider_id)
    service: dict[str, Any] = {
        "id": service_id,
        "organization_id": organization_id,
        "name": programme.name,
        "description": _description(programme),
        "status": "active",
        "fees_description": programme.get_cost_display(),
        "assured_date": programme.status_confirmed_on.isoformat(),
        "organization": {
            "id": organization_id,
            "name": programme.provider.name,
            "description": str(programme.provider.get_kind_display()),
        },
        "languages": [
            {"id": stable_id("language", programme.code, code), "service_id": service_id, "code": iso, "name": name}
            for code, iso, name in _languages(programme.languages)
        ],
        "service_areas": [
            {
                "id": stable_id("service_area", programme.code, region.code),
                "service_id": service_id,
                "name": region.name,
            }
            for region in sorted(programme.regions_served.all(), key=lambda region: region.code)
        ],
        "cost_options": [_cost_option(programme, service_id)],
        "funding": [
            {"id": stable_id("funding", programme.code, source), "service_id": service_id, "source": label}
            for source, label in _choices(programme.funding_sources, Funding)
            if source != Funding.NONE
        ],
        "service_at_locations": [
            _service_at_location(service_id, location, _physical_location(programme, location, organization_id))
            for location in _public_locations(programme)
        ],
        "attributes": _attributes(programme, service_id, footnote),
    }
    if programme.target_groups:
        service["eligibility_description"] = ", ".join(programme.target_group_labels())
    if programme.referral_routes:
        service["application_process"] = _("Referral routes: %(routes)s.") % {
            "routes": ", ".join(programme.referral_route_labels())
        }
    if programme.remote_delivery:
        remote = {
            "id": stable_id("remote", programme.code),
            "location_type": "virtual",
            "organization_id": organization_id,
            "name": _("Remote delivery"),
            "description": _("This programme is also delivered remotely."),
        }
        service["service_at_locations"].append(
            {
                "id": stable_id("service_at_location", "remote", programme.code),
                "service_id": service_id,
                "location_id": remote["id"],
                "location": remote,
            }
        )
    return service


def _description(programme: Programme) -> str:
    sentences = [_("Format: %(format)s.") % {"format": programme.get_format_display()}]
    if programme.legal_bases:
        sentences.append(_("Legal basis: %(bases)s.") % {"bases": ", ".join(programme.legal_basis_labels())})
    if programme.target_groups:
        sentences.append(_("Who it is for: %(groups)s.") % {"groups": ", ".join(programme.target_group_labels())})
    if programme.typical_weeks:
        weeks = programme.typical_weeks
        sentences.append(
            ngettext("Typical length: %(weeks)d week.", "Typical length: %(weeks)d weeks.", weeks) % {"weeks": weeks}
        )
    if programme.typical_sessions:
        sessions = programme.typical_sessions
        sentences.append(
            ngettext("Typical number of sessions: %(sessions)d.", "Typical number of sessions: %(sessions)d.", sessions)
            % {"sessions": sessions}
        )
    if programme.waiting_weeks == 0:
        sentences.append(_("No waiting time."))
    elif programme.waiting_weeks is not None:
        weeks = programme.waiting_weeks
        sentences.append(
            ngettext("Typical waiting time: %(weeks)d week.", "Typical waiting time: %(weeks)d weeks.", weeks)
            % {"weeks": weeks}
        )
    if programme.remote_delivery:
        sentences.append(_("Also offered remotely."))
    return " ".join(sentences)


def _cost_option(programme: Programme, service_id: str) -> dict[str, Any]:
    option: dict[str, Any] = {
        "id": stable_id("cost_option", programme.code),
        "service_id": service_id,
        "option": programme.get_cost_display(),
    }
    if programme.cost == Cost.FREE:
        option["amount"] = 0
    return option


def _physical_location(programme: Programme, location: DeliveryLocation, organization_id: str) -> dict[str, Any]:
    location_id = stable_id("location", location.pk)
    hsds: dict[str, Any] = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": organization_id,
        "name": location.town,
        "description": _("Region: %(region)s.") % {"region": location.region.name},
        "latitude": _coordinate(location.latitude),
        "longitude": _coordinate(location.longitude),
    }
    if programme.disability_access:
        hsds["accessibility"] = [
            {
                "id": stable_id("accessibility", location.pk),
                "location_id": location_id,
                "description": _("Accessible to people with disabilities."),
            }
        ]
    return hsds


def _service_at_location(service_id: str, location: DeliveryLocation, hsds_location: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": stable_id("service_at_location", location.pk),
        "service_id": service_id,
        "location_id": hsds_location["id"],
        "location": hsds_location,
    }


def _attributes(programme: Programme, service_id: str, footnote: str) -> list[dict[str, Any]]:
    """The registry's classifications as HSDS attributes with terms of a Tandem taxonomy,
    so that a consumer can filter by code instead of by translated text."""
    country = programme.country
    terms: list[tuple[str, str, str, str]] = [
        ("country", country.code, country.display_name, footnote if country.code in FOOTNOTED else _("Country")),
        ("format", programme.format, programme.get_format_display(), _("Format")),
    ]
    terms += [
        ("legal_basis", code, label, _("Legal basis")) for code, label in _choices(programme.legal_bases, LegalBasis)
    ]
    terms += [
        ("referral_route", code, label, _("Referral route"))
        for code, label in _choices(programme.referral_routes, ReferralRoute)
    ]
    terms += [
        ("target_group", code, label, _("Target group"))
        for code, label in _choices(programme.target_groups, TargetGroup)
    ]
    attributes = []
    for link_type, code, name, description in terms:
        term_id = stable_id("taxonomy_term", link_type, code)
        attributes.append(
            {
                "id": stable_id("attribute", programme.code, link_type, code),
                "link_id": service_id,
                "link_entity": "service",
                "link_type": link_type,
                "taxonomy_term_id": term_id,
                "taxonomy_term": {
                    "id": term_id,
                    "code": code,
                    "name": name,
                    "description": description,
                    "taxonomy": TAXONOMY,
                },
            }
        )
    return attributes


def _footnote(programmes: list[Programme]) -> str:
    """The deployment's footnote for a country shown with an asterisk, read once."""
    if not any(programme.country.code in FOOTNOTED for programme in programmes):
        return ""
    return _("* Kosovo: %(text)s") % {"text": SiteSettings.current().kosovo_footnote_display()}


# --- Shared -------------------------------------------------------------------------------


def _public_locations(programme: Programme) -> list[DeliveryLocation]:
    locations: list[DeliveryLocation] = getattr(programme, "public_locations", [])
    return sorted(locations, key=lambda location: (location.town, location.pk))


def _coordinate(value: float) -> float:
    return round(value, COORDINATE_DECIMALS)


def _choices(values: Iterable[str], choices: type[TextChoices]) -> list[tuple[str, str]]:
    known = dict(choices.choices)
    return [(value, str(known.get(value, value))) for value in values]


def _languages(codes: Iterable[str]) -> list[tuple[str, str, str]]:
    """(registry code, ISO 639 code, name) for each language, once: "sr-latn" is Serbian
    (ISO 639-1 "sr") written in Latin script; Montenegrin is ISO 639-3 "cnr"."""
    seen: set[str] = set()
    languages = []
    for code in codes:
        if code in seen:
            continue
        seen.add(code)
        try:
            name = str(get_language_info(code)["name_translated"])
        except KeyError:
            name = str(EXTRA_LANGUAGE_NAMES.get(code, code))
        languages.append((code, code.split("-")[0].lower(), name))
    return languages


def _language_tags(codes: Iterable[str]) -> list[str]:
    """BCP 47 tags: the ISO 639 code, with the script where the registry records one."""
    tags = []
    for code, iso, _name in _languages(codes):
        script = code.partition("-")[2]
        tags.append(f"{iso}-{script.title()}" if script else iso)
    return tags
