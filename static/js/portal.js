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

// An error summary link moves focus to its question's input (a fragment link alone only scrolls),
// keeping the question's label in view above it.
for (const link of document.querySelectorAll("[data-error-summary] a[href^='#']")) {
  link.addEventListener("click", (event) => {
    const target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    const question = target.closest("fieldset, .mb-3") || target;
    question.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  });
}
