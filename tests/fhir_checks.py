"""Checks on exported FHIR bundles, with fhir.resources' R4B models (the R4-compatible release it ships)."""

from fhir.resources.R4B.bundle import Bundle


def validated(bundle):
    """The bundle parsed by the library: raises on any element R4 does not allow or any missing one."""
    return Bundle.model_validate(bundle)


def library_json(bundle):
    """The bundle as the library writes it back."""
    return validated(bundle).model_dump(mode="json", by_alias=True, exclude_none=True)


def resource_types(bundle):
    return [entry["resource"]["resourceType"] for entry in bundle["entry"]]


def resources_of(bundle, resource_type):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type]


def references(value):
    """Every ``reference`` string anywhere inside a resource."""
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [r for v in value.values() for r in references(v)]
    if isinstance(value, list):
        return [r for v in value for r in references(v)]
    return []
