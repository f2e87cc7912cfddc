"""Loading the reference geography shipped in ``geo/data``.

The CSV files name the source and year of every figure. Loading is idempotent: rows are
matched by code, so a corrected file can be loaded again by a later migration.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.db import transaction

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load(country_model: Any, region_model: Any) -> tuple[int, int]:
    """Create or update countries and regions from the CSV files. Takes the model classes so
    that migrations can pass their historical models."""
    countries = {}
    for row in read_csv("countries.csv"):
        countries[row["code"]], _created = country_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "iso_alpha2": row["iso_alpha2"],
                "name_en": row["name_en"],
                "population": int(row["population"]),
                "population_year": int(row["population_year"]),
                "population_source": row["population_source"],
                "latitude": float(row["lat"]),
                "longitude": float(row["lon"]),
                "point_source": row["point_source"],
            },
        )
    rows = read_csv("regions.csv")
    regions: dict[str, Any] = {}
    # Parents first, so that a child can refer to a row loaded in the same run.
    for row in sorted(rows, key=lambda r: bool(r["parent_code"])):
        regions[row["code"]], _created = region_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "country": countries[row["country"]],
                "parent": regions[row["parent_code"]] if row["parent_code"] else None,
                "kind": row["kind"],
                "name": row["name"],
                "name_en": row["name_en"],
                "coverage_unit": row["coverage_unit"].strip().lower() == "yes",
                "population": int(row["population"]),
                "population_year": int(row["population_year"]),
                "population_source": row["population_source"],
                "latitude": float(row["lat"]),
                "longitude": float(row["lon"]),
                "point_source": row["point_source"],
            },
        )
    return len(countries), len(regions)
