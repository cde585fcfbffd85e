// What the family sees of each upload: one row per file (progress, speed, time left, state, remove and
// replace) and the page-wide overall bar. The rows listen to a Transfer (protocol.js); no HTTP here.

import { _, format } from "../i18n.js";
import { humanSize, removeDocument, Transfer } from "./protocol.js";

function humanDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "";
  if (seconds < 60) return format(_("%(seconds)s s left"), { seconds: Math.ceil(seconds) });
  if (seconds < 3600) return format(_("%(minutes)s min left"), { minutes: Math.ceil(seconds / 60) });
  const hours = Math.floor(seconds / 3600);
  return format(_("%(hours)s h %(minutes)s min left"), { hours, minutes: Math.ceil((seconds - hours * 3600) / 60) });
}

/** The rows whose file this page is sending (or sent). */
export const sending = new Set();

export const overall = {
  element: null,
  ensure(firstArea) {
    if (this.element) return;
    const wrapper = document.createElement("div");
    wrapper.className = "upload-overall mb-3 d-none";
    wrapper.innerHTML = `
      <p class="small mb-1" data-overall-text></p>
      <div class="progress" role="progressbar" aria-label="${_("All files")}" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0">
        <div class="progress-bar step-progress-0"></div>
      </div>`;
    firstArea.closest("form, main, body").prepend(wrapper);
    this.element = wrapper;
  },
  update() {
    if (!this.element) return;
    const active = [...sending].filter((u) => !u.removed && !u.rejected);
    if (!active.length) return;
    const total = active.reduce((sum, u) => sum + u.file.size, 0);
    const sent = active.reduce((sum, u) => sum + u.transfer.sentBytes(), 0);
    const percent = total ? Math.floor((sent / total) * 100) : 100;
    const done = active.every((u) => u.done);
    const shown = done ? 100 : Math.min(percent, 99);
    this.element.classList.remove("d-none");
    const bar = this.element.querySelector("[role=progressbar]");
    bar.setAttribute("aria-valuenow", String(shown));
    bar.querySelector(".progress-bar").style.width = `${shown}%`;
    this.element.querySelector("[data-overall-text]").textContent = done
      ? format(_("All %(count)s file(s) uploaded (%(size)s)."), {
          count: active.length,
          size: humanSize(total),
        })
      : this.unfinishedText(active, sent, total);
  },
  // Never "all uploaded" while a file failed: say how many, and that Retry continues them.
  unfinishedText(active, sent, total) {
    const failed = active.filter((u) => u.hasFailed).length;
    const running = active.filter((u) => !u.done && !u.hasFailed).length;
    const uploaded = active.filter((u) => u.done).length;
    if (failed && !running) {
      return format(
        _("%(failed)s of %(count)s file(s) failed to upload (%(uploaded)s uploaded). Press Retry on each to continue it."),
        { failed, count: active.length, uploaded },
      );
    }
    const failedNote = failed ? ` ${format(_("%(failed)s failed: press Retry on each."), { failed })}` : "";
    return format(
      _("Uploading %(count)s file(s): %(sent)s of %(total)s."),
      { count: active.length, sent: humanSize(sent), total: humanSize(total) },
    ) + failedNote;
  },
};

/** Whether leaving the page now would cut an upload off. */
export function uploadsInProgress() {
  return [...sending].some((u) => !u.done && !u.removed && !u.rejected && u.document);
}

export class UploadRow {
  /** ``area``: {list, csrf, transferOptions(), add(files), forgetPendingRow(id), markUploaded()}. */
  constructor(area, { file = null, document = null } = {}) {
    this.area = area;
    this.file = file;
    this.existing = document;
    this.transfer = file ? new Transfer(file, area.transferOptions(), this) : null;
    this.samples = [];
    this.removed = false;
    this.rejected = false;
    this.row = this.render();
    if (file) sending.add(this);
  }

  get document() {
    return this.transfer ? this.transfer.document : this.existing;
  }

  get done() {
    return Boolean(this.transfer && this.transfer.done);
  }

  get hasFailed() {
    return Boolean(this.transfer && this.transfer.failed);
  }

  get name() {
    return this.file ? this.file.webkitRelativePath || this.file.name : this.existing.name;
  }

  render() {
    const row = document.createElement("li");
    row.className = "upload-item border rounded p-2 mb-2";
    row.innerHTML = `
      <div class="d-flex justify-content-between align-items-start gap-2">
        <div class="text-break"><span class="fw-semibold" data-name></span> <span class="small text-body-secondary" data-size></span></div>
        <div class="d-flex gap-1 flex-shrink-0">
          <button type="button" class="btn btn-sm btn-outline-primary py-0 d-none" data-retry>${_("Retry")}</button>
          <label class="btn btn-sm btn-link p-0 d-none" data-replace>${_("Replace")}<input type="file" class="visually-hidden"></label>
          <button type="button" class="btn btn-sm btn-link p-0" data-remove>${_("Remove")}</button>
        </div>
      </div>
      <div class="progress mt-1" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0">
        <div class="progress-bar step-progress-0"></div>
      </div>
      <p class="small mb-0 mt-1" data-state></p>`;
    row.querySelector("[data-name]").textContent = this.name;
    row.querySelector("[data-size]").textContent = humanSize(this.file ? this.file.size : this.existing.size);
    row.querySelector("[role=progressbar]").setAttribute("aria-label", format(_("Upload of %(name)s"), { name: this.name }));
    row.querySelector("[data-remove]").setAttribute("aria-label", format(_("Remove %(name)s"), { name: this.name }));
    row.querySelector("[data-remove]").addEventListener("click", () => this.remove());
    row.querySelector("[data-retry]").setAttribute("aria-label", format(_("Retry %(name)s"), { name: this.name }));
    row.querySelector("[data-retry]").addEventListener("click", () => this.retry());
    const replaceInput = row.querySelector("[data-replace] input");
    replaceInput.addEventListener("change", () => {
      const [replacement] = replaceInput.files;
      if (replacement) this.replaceWith(replacement);
    });
    this.area.list.append(row);
    return row;
  }

  setState(text, tone = "") {
    const state = this.row.querySelector("[data-state]");
    state.textContent = text;
    state.className = `small mb-0 mt-1 ${tone}`;
  }

  // Only outcomes reach the live region; progress stays visual (screen readers would hear every step).
  announce(text) {
    const announcer = this.area.list.parentElement.querySelector("[data-upload-announcer]");
    if (announcer) announcer.textContent = `${this.name}: ${text}`;
  }

  setPercent(percent) {
    const bar = this.row.querySelector("[role=progressbar]");
    bar.setAttribute("aria-valuenow", String(percent));
    bar.querySelector(".progress-bar").style.width = `${percent}%`;
  }

  showUploaded(description) {
    this.setState(description ? format(_("Uploaded · %(description)s"), { description }) : _("Uploaded"), "text-success");
    this.announce(_("Uploaded"));
  }

  // --- the Transfer's listener ---

  state(text, tone) {
    this.setState(text, tone);
  }

  progress() {
    const size = this.file.size;
    const sent = this.transfer.sentBytes();
    const now = performance.now();
    this.samples.push([now, sent]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 8000) this.samples.shift();
    const [t0, b0] = this.samples[0];
    const speed = now > t0 ? ((sent - b0) / (now - t0)) * 1000 : 0;
    const percent = this.done ? 100 : Math.min(99, Math.floor((sent / size) * 100));
    this.setPercent(percent);
    if (!this.done && speed > 0) {
      this.setState(`${percent}% · ${format(_("%(size)s/s"), { size: humanSize(speed) })} · ${humanDuration((size - sent) / speed)}`);
    }
    overall.update();
  }

  resumed(document) {
    this.area.forgetPendingRow(document.id);
  }

  uploaded(document) {
    this.progress();
    this.showUploaded(document.description);
    this.row.querySelector("[data-replace]").classList.remove("d-none");
    this.area.markUploaded();
  }

  failed(message) {
    this.row.classList.add("border-danger");
    this.setState(format(_("Not uploaded: %(message)s Press Retry to continue where it stopped."), { message }), "text-danger");
    this.announce(format(_("Not uploaded: %(message)s"), { message }));
    this.row.querySelector("[data-retry]").classList.remove("d-none");
    overall.update();
  }

  refused(reason) {
    this.rejected = true;
    this.row.classList.add("border-danger");
    this.setState(reason, "text-danger");
    this.announce(reason);
    overall.update();
  }

  // --- the family's actions ---

  async remove() {
    this.removed = true;
    if (this.transfer) this.transfer.cancel();
    if (this.document && this.document.remove_url) {
      const { ok, error } = await removeDocument(this.document, this.area.csrf);
      if (!ok) {
        this.removed = false;
        if (this.transfer) this.transfer.uncancel();
        this.setState(error || _("The file could not be removed."), "text-danger");
        return;
      }
    }
    sending.delete(this);
    this.row.remove();
    overall.update();
  }

  retry() {
    this.row.classList.remove("border-danger");
    this.row.querySelector("[data-retry]").classList.add("d-none");
    this.setState(_("Trying again…"));
    this.transfer.retry();
    overall.update();
  }

  async replaceWith(file) {
    await this.remove();
    if (this.removed) this.area.add([file]);
  }
}
