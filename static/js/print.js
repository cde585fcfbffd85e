// "Print or save a copy" on the confirmation and status pages: shown only where JavaScript can print
// (css/print.css lays out the summary; browsers offer "Save as PDF" in the same dialog).
for (const button of document.querySelectorAll("[data-print-button]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
