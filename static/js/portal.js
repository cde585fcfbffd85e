// Progressive enhancement only: every page works without this file.

// Move focus to the error summary so screen-reader and keyboard users hear what to fix.
const summary = document.querySelector("[data-error-summary]");
if (summary) summary.focus();

// A second click on Submit while the first is on its way does nothing (the server also guards).
for (const form of document.querySelectorAll("form[data-submit-once]")) {
  form.addEventListener("submit", (event) => {
    if (form.dataset.submitting) event.preventDefault();
    form.dataset.submitting = "1";
  });
}
