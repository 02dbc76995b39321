// Swagger UI for /api/v1/docs: the app's own OpenAPI document, no external requests.
(function () {
  "use strict";
  var root = document.getElementById("api-docs");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    presets: [SwaggerUIBundle.presets.apis],
  });
}());
