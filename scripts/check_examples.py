"""Validates every example in openapi/openapi.json against the schema it illustrates: each
component schema's `example`, and each request or response body's own `example` (checked
against that body's schema). The document is OpenAPI 3.0, whose schema dialect is JSON Schema
draft 4 plus `nullable` (turned into a `null` type here); `discriminator` and
`contentMediaType` only annotate. Exits non-zero naming every example that does not fit.

Usage: python check_examples.py [openapi.json]
"""

import copy
import json
import pathlib
import sys

import jsonschema_rs

DRAFT4 = "http://json-schema.org/draft-04/schema#"


def _draft4(node):
    """The schema with OpenAPI 3.0's `nullable` made a `null` type, recursively."""
    if isinstance(node, list):
        return [_draft4(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _draft4(value) for key, value in node.items() if key not in ("example", "discriminator")}
    if out.pop("nullable", False) and "type" in out:
        out["type"] = [out["type"], "null"]
    return out


def main(path: str) -> int:
    spec = json.loads(pathlib.Path(path).read_text())
    components = _draft4(spec["components"])
    problems = []
    checked = 0

    def check(where: str, schema: dict, example) -> None:
        nonlocal checked
        checked += 1
        root = {"$schema": DRAFT4, "components": components, **_draft4(copy.deepcopy(schema))}
        validator = jsonschema_rs.validator_for(root, validate_formats=True)
        for error in validator.iter_errors(example):
            problems.append(f"{where}: {error.message} at {list(error.instance_path)}")

    for name, schema in spec["components"]["schemas"].items():
        if "example" in schema:
            check(f"components.schemas.{name}", {"$ref": f"#/components/schemas/{name}"}, schema["example"])
    for route, item in spec["paths"].items():
        for method, op in item.items():
            bodies = [("request", op.get("requestBody", {}))]
            bodies += [(code, r) for code, r in op.get("responses", {}).items()]
            for what, body in bodies:
                for media, content in body.get("content", {}).items():
                    if "example" in content:
                        check(f"{method} {route} {what} {media}", content.get("schema", {}), content["example"])
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{checked} examples checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "openapi/openapi.json"))
