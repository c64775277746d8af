// The public API's documentation page: Swagger UI (from npm) reading the generated OpenAPI document.
window.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: node.dataset.spec, domNode: node, deepLinking: true });
});
