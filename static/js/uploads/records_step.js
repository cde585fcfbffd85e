// The records step's behaviour (and the status page's upload areas): wires each [data-upload-area] to the
// upload rows and transfers, from the one configuration the server renders as #upload-config
// (requests_app/templatetags/uploads.py): URLs, CSRF token, limits, the category -> availability answer map,
// and each area's file policy and files.

import { _, format, ngettext } from "../i18n.js";
import { filesFromDrop, refusal } from "./files.js";
import { filePool } from "./protocol.js";
import { overall, UploadRow, uploadsInProgress } from "./view.js";

const config = JSON.parse(document.getElementById("upload-config").textContent);

class UploadArea {
  constructor(element) {
    this.element = element;
    this.category = element.dataset.category;
    this.policy = config.areas[this.category];
    this.csrf = config.csrfToken;
    this.list = element.querySelector("[data-upload-list]");
    this.errorBox = element.querySelector("[data-upload-error]");
    this.pendingRows = new Map();
    for (const existing of this.policy.documents) this.showExisting(existing);
    this.wire();
  }

  transferOptions() {
    return {
      category: this.category,
      context: config.context,
      startUrl: config.startUrl,
      csrf: config.csrfToken,
      reportType: () => this.reportType(),
    };
  }

  reportType() {
    const select = this.element.querySelector("[data-report-type]");
    return select ? select.value : "";
  }

  showExisting(summary) {
    const upload = new UploadRow(this, { document: summary });
    upload.setPercent(summary.status === "uploaded" ? 100 : 0);
    if (summary.status === "uploaded") {
      upload.showUploaded(summary.description);
    } else if (summary.status === "rejected") {
      upload.refused(summary.rejection_reason || _("This file was not accepted."));
    } else {
      upload.setState(_("Paused. Choose the same file again to continue where it stopped, or remove it."), "text-warning-emphasis");
      this.pendingRows.set(summary.id, upload);
      this.checkStillStored(summary, upload);
    }
  }

  // An upload storage has aborted (left unfinished too long) cannot continue: say so before the family
  // chooses the file again (which then starts it from the beginning by itself).
  async checkStillStored(summary, upload) {
    try {
      const response = await fetch(summary.parts_url, { credentials: "same-origin" });
      if (response.status === 410) {
        upload.setState(
          _("This upload expired before it finished. Choose the same file again to upload it from the start."),
          "text-warning-emphasis",
        );
      }
    } catch {
      // Offline: the paused message stands, and choosing the file again still finds out.
    }
  }

  forgetPendingRow(id) {
    const row = this.pendingRows.get(id);
    if (row) row.row.remove();
    this.pendingRows.delete(id);
  }

  // Uploading a file answers the category's availability question, unless the family already answered it.
  markUploaded() {
    const name = config.availabilityFields[this.category];
    const radio = name && document.querySelector(`input[name='${name}'][value='uploaded']`);
    if (radio && !document.querySelector(`input[name='${name}']:checked`)) radio.checked = true;
  }

  wire() {
    for (const input of this.element.querySelectorAll("[data-file-input], [data-folder-input]")) {
      input.addEventListener("change", () => {
        this.add([...input.files], { folder: input.hasAttribute("data-folder-input") });
        input.value = "";
      });
    }
    const zone = this.element.querySelector("[data-drop-zone]");
    zone.addEventListener("dragover", (event) => {
      event.preventDefault();
      zone.classList.add("border-primary");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("border-primary"));
    zone.addEventListener("drop", async (event) => {
      event.preventDefault();
      zone.classList.remove("border-primary");
      const files = await filesFromDrop(event.dataTransfer);
      this.add(files, { folder: files.some((f) => f.webkitRelativePath) });
    });
  }

  async add(files, { folder = false } = {}) {
    overall.ensure(this.element);
    const refused = [];
    const accepted = [];
    for (const file of files) {
      const reason = await refusal(file, this.policy, config.maxFileBytes);
      if (reason) refused.push({ file, reason });
      else accepted.push(file);
    }
    this.showRefusals(refused, folder);
    for (const file of accepted) {
      const upload = new UploadRow(this, { file });
      upload.setState(_("Waiting to start…"));
      filePool.run(() => upload.transfer.run());
    }
    overall.update();
  }

  showRefusals(refused, folder) {
    if (!refused.length) {
      this.errorBox.classList.add("d-none");
      return;
    }
    const examples = refused
      .slice(0, 3)
      .map((r) => r.file.name)
      .join(", ");
    this.errorBox.textContent = folder
      ? format(
          ngettext(
            "%(count)s file in the folder was left out because it is not a medical image (%(examples)s). %(accepted)s",
            "%(count)s files in the folder were left out because they are not medical images (for example %(examples)s). %(accepted)s",
            refused.length,
          ),
          { count: refused.length, examples, accepted: this.policy.acceptedText },
        )
      : refused.map((r) => r.reason).join(" ");
    this.errorBox.classList.remove("d-none");
  }
}

for (const element of document.querySelectorAll("[data-upload-area]")) {
  if (!element.dataset.ready) {
    element.dataset.ready = "1";
    new UploadArea(element);
  }
}

// The records step: the tracking number only matters for mailed slides, the text box for a typed plan.
function showOnlyWhen(fieldName, radioName, value) {
  const field = document.querySelector(`[name='${fieldName}']`);
  const radios = document.querySelectorAll(`input[name='${radioName}']`);
  const wrapper = field && (field.closest(".mb-3") || field.parentElement);
  if (!wrapper || !radios.length) return;
  const update = () => {
    const chosen = document.querySelector(`input[name='${radioName}']:checked`);
    wrapper.hidden = !(chosen && chosen.value === value) && !field.value;
  };
  for (const radio of radios) radio.addEventListener("change", update);
  update();
}
showOnlyWhen("slides_tracking_number", "slides_availability", "mailed");
showOnlyWhen("treatment_plan_text", "treatment_plan_availability", "typed");

// A file dropped beside an area must not make the browser leave the page to open it.
for (const type of ["dragover", "drop"]) {
  window.addEventListener(type, (event) => {
    if (document.querySelector("[data-upload-area]") && !event.target.closest?.("[data-drop-zone]")) event.preventDefault();
  });
}

window.addEventListener("beforeunload", (event) => {
  if (uploadsInProgress()) event.preventDefault();
});
