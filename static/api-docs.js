// Starts Swagger UI (vendored in /static/api-docs/) on Sportello's own OpenAPI document.
// Loaded from /api/docs as an external script: the Content-Security-Policy allows no inline code.
'use strict';

window.addEventListener('DOMContentLoaded', () => {
  window.ui = window.SwaggerUIBundle({
    url: '/api/v1/openapi.json',
    dom_id: '#swagger-ui',
    // No badge: it would send the document to validator.swagger.io.
    validatorUrl: null,
    // Deep links would put a link inside each operation's toggle button (nested controls).
    deepLinking: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    displayRequestDuration: true,
  });

  // Accessibility gaps in Swagger UI's markup, filled as it draws: the server picker's <select>
  // sits in an empty <label>, an enum parameter's <select> has no name (named after its
  // parameter, as its row shows it), nor has the request body's
  // editor in "Try it out" or the Authorize dialog's close button, and that dialog's "Authorize"
  // buttons are labelled "Apply credentials".
  const root = document.getElementById('swagger-ui');
  const nameControls = () => {
    for (const servers of root.querySelectorAll('select#servers:not([aria-label])')) {
      servers.setAttribute('aria-label', 'Server');
    }
    for (const control of root.querySelectorAll('tr[data-param-name] select:not([aria-label])')) {
      control.setAttribute('aria-label', control.closest('tr[data-param-name]').dataset.paramName);
    }
    for (const body of root.querySelectorAll('textarea.body-param__text:not([aria-label])')) {
      body.setAttribute('aria-label', 'Request body');
    }
    for (const close of root.querySelectorAll('button.close-modal:not([aria-label])')) {
      close.setAttribute('aria-label', 'Close');
    }
    for (const button of root.querySelectorAll('.auth-btn-wrapper button[aria-label]')) {
      button.removeAttribute('aria-label');
    }
  };
  new MutationObserver(nameControls).observe(root, { childList: true, subtree: true });
});
