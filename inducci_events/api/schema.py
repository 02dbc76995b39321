"""Small builders for the OpenAPI document, so route modules stay short."""


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema):
    return {"application/json": {"schema": schema}}


def ok(description, schema=None, status="200"):
    response = {"description": description}
    if schema is not None:
        response["content"] = json_content(schema)
    return {status: response}


#: Status -> name of the shared error response in ``components.responses``.
ERROR_RESPONSES = {
    "400": ("BadRequest", "Malformed JSON or a form without its token"),
    "401": ("Unauthorized", "No or bad credentials"),
    "403": ("Forbidden", "Not allowed"),
    "404": ("NotFound", "Unknown id"),
    "409": ("Conflict", "Conflict with the current state"),
    "422": ("ValidationFailed", "Valid JSON with invalid values"),
    "429": ("RateLimited", "Too many requests"),
}


def errors(*statuses):
    return {str(s): {"$ref": f"#/components/responses/{ERROR_RESPONSES[str(s)][0]}"} for s in statuses}


def operation(summary, responses, *, body=None, params=None, auth=False, tags=None):
    op = {"summary": summary, "responses": responses}
    if body is not None:
        op["requestBody"] = {"required": True, "content": json_content(body)}
    if params:
        op["parameters"] = params
    if auth:
        op["security"] = [{"bearer": []}]
    if tags:
        op["tags"] = tags
    return op


def path_param(name, schema_type="integer"):
    return {"name": name, "in": "path", "required": True, "schema": {"type": schema_type}}


def query_param(name, schema_type="string", fmt=None, description=None):
    schema = {"type": schema_type}
    if fmt:
        schema["format"] = fmt
    param = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        param["description"] = description
    return param


def obj(properties, required=()):
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema
