/* The process list's upload: the chosen file opens in the editor (nothing is stored until it is deployed there). */
(function () {
  'use strict';

  document.addEventListener('DOMContentLoaded', () => {
    const input = document.getElementById('upload-file');
    if (!input) return;
    input.addEventListener('change', async (event) => {
      const file = event.target.files[0];
      if (!file) return;
      sessionStorage.setItem('govflow-upload', JSON.stringify({ name: file.name, xml: await file.text() }));
      window.location = input.dataset.editor;
    });
  });
})();
