// The records upload client (DESIGN §4): a plain ES module, no build step.
//
// For each file: POST start -> the server's document (part size, part count, URLs to ask for parts);
// PUT the parts straight to storage (presigned S3 URLs, or the local backend's signed Django URLs),
// a few at a time across the whole page, each part retried by itself with backoff; POST complete.
// A reload resumes: the upload's id is kept in localStorage under the file's name, size and date,
// and choosing the same file again asks the server which parts it already has and sends only the rest.

const PARALLEL_PARTS = 4;
const PARALLEL_FILES = 3;
const URL_BATCH = 50;
const URL_MAX_AGE_MS = 10 * 60 * 1000; // the server's URLs live 15 minutes: refresh well before
const MAX_ATTEMPTS = 8;
const STORE_KEY = "portal-uploads-v1";
const SNIFF_BYTES = 4096;

// --- small helpers ------------------------------------------------------------------------------

function humanSize(bytes) {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < units.length - 1) {
    size /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${size} bytes` : `${size.toFixed(1)} ${units[unit]}`;
}

function humanDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "";
  if (seconds < 60) return `${Math.ceil(seconds)} s left`;
  if (seconds < 3600) return `${Math.ceil(seconds / 60)} min left`;
  const hours = Math.floor(seconds / 3600);
  return `${hours} h ${Math.ceil((seconds - hours * 3600) / 60)} min left`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function waitUntilOnline() {
  if (navigator.onLine !== false) return Promise.resolve();
  return new Promise((resolve) => window.addEventListener("online", resolve, { once: true }));
}

function readStore() {
  try {
    return JSON.parse(localStorage.getItem(STORE_KEY) || "{}");
  } catch {
    return {};
  }
}

function remember(key, value) {
  const store = readStore();
  if (value) store[key] = value;
  else delete store[key];
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify(store));
  } catch {
    // Private browsing can refuse storage: uploads still work, they just cannot resume after a reload.
  }
}

function fileKey(category, file) {
  return [category, file.webkitRelativePath || file.name, file.size, file.lastModified].join("|");
}

function extensionOf(name) {
  const base = name.split("/").pop();
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return "";
  const ext = base.slice(dot).toLowerCase();
  // "1.2.840.113619.2.55.1" style DICOM names: a UID's last number is not an extension.
  return /^\.[a-z0-9]{1,5}$/.test(ext) && !/^\.\d+$/.test(ext) ? ext : "";
}

// The same first-bytes rules as requests_app/sniffing.py, so a wrong file is refused before any byte is sent.
async function sniff(file) {
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  const at = (offset, text) => [...text].every((c, i) => head[offset + i] === c.charCodeAt(0));
  const bytes = (offset, list) => list.every((b, i) => head[offset + i] === b);
  if (head.length >= 132 && at(128, "DICM")) return "dicom";
  if (bytes(0, [0x50, 0x4b, 0x03, 0x04])) return "zip";
  if (new TextDecoder("latin1").decode(head.slice(0, 1024)).includes("%PDF-")) return "pdf";
  if (bytes(0, [0xff, 0xd8, 0xff])) return "jpeg";
  if (bytes(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (at(4, "ftyp") && ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif"].some((b) => at(8, b)))
    return "heic";
  if (at(0, "II*\0") || at(0, "MM\0*") || at(0, "II+\0") || at(0, "MM\0+")) return "tiff";
  const group = head[0] | (head[1] << 8);
  if (head.length >= 8 && (group === 0x0002 || group === 0x0008)) return "dicom"; // no preamble; the server checks it
  return null;
}

async function postJSON(url, csrf, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(body || {}),
  });
  let data = {};
  try {
    data = await response.json();
  } catch {
    data = {};
  }
  return { response, data };
}

// --- page-wide pools: at most PARALLEL_PARTS part uploads in flight, and a few files started at a time
// (a CD's folder of 400 files must not open 400 uploads at once) -----------------------------------

function makePool(limit) {
  return {
    running: 0,
    waiting: [],
    async run(task) {
      if (this.running >= limit) await new Promise((resolve) => this.waiting.push(resolve));
      this.running += 1;
      try {
        return await task();
      } finally {
        this.running -= 1;
        const next = this.waiting.shift();
        if (next) next();
      }
    },
  };
}

const pool = makePool(PARALLEL_PARTS);
const filePool = makePool(PARALLEL_FILES);

// --- the page-wide overall bar ------------------------------------------------------------------

const allUploads = new Set();

const overall = {
  element: null,
  ensure(firstArea) {
    if (this.element) return;
    const wrapper = document.createElement("div");
    wrapper.className = "upload-overall mb-3 d-none";
    wrapper.innerHTML = `
      <p class="small mb-1" data-overall-text></p>
      <div class="progress" role="progressbar" aria-label="All files" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0">
        <div class="progress-bar" style="width: 0%"></div>
      </div>`;
    firstArea.closest("form, main, body").prepend(wrapper);
    this.element = wrapper;
  },
  update() {
    if (!this.element) return;
    const active = [...allUploads].filter((u) => !u.removed && !u.rejected);
    if (!active.length) return;
    const total = active.reduce((sum, u) => sum + u.file.size, 0);
    const sent = active.reduce((sum, u) => sum + u.sentBytes(), 0);
    const percent = total ? Math.floor((sent / total) * 100) : 100;
    const done = active.every((u) => u.done);
    const shown = done ? 100 : Math.min(percent, 99);
    this.element.classList.remove("d-none");
    const bar = this.element.querySelector("[role=progressbar]");
    bar.setAttribute("aria-valuenow", String(shown));
    bar.querySelector(".progress-bar").style.width = `${shown}%`;
    this.element.querySelector("[data-overall-text]").textContent = done
      ? `All ${active.length} file(s) uploaded (${humanSize(total)}).`
      : `Uploading ${active.length} file(s): ${humanSize(sent)} of ${humanSize(total)}.`;
  },
};

// --- one file --------------------------------------------------------------------------------------

class Upload {
  constructor(area, file, { document: existing } = {}) {
    this.area = area;
    this.file = file;
    this.document = existing || null;
    this.key = file ? fileKey(area.category, file) : null;
    this.doneParts = new Map(); // part number -> bytes
    this.inFlight = new Map(); // part number -> bytes sent so far
    this.requests = new Set();
    this.urls = new Map(); // part number -> {url, at}
    this.samples = [];
    this.done = false;
    this.removed = false;
    this.rejected = false;
    this.row = this.renderRow();
    if (file) allUploads.add(this);
  }

  get name() {
    return this.file ? this.file.webkitRelativePath || this.file.name : this.document.name;
  }

  renderRow() {
    const row = document.createElement("li");
    row.className = "upload-item border rounded p-2 mb-2";
    row.innerHTML = `
      <div class="d-flex justify-content-between align-items-start gap-2">
        <div class="text-break"><span class="fw-semibold" data-name></span> <span class="small text-body-secondary" data-size></span></div>
        <div class="d-flex gap-1 flex-shrink-0">
          <label class="btn btn-sm btn-link p-0 d-none" data-replace>Replace<input type="file" class="visually-hidden"></label>
          <button type="button" class="btn btn-sm btn-link p-0" data-remove>Remove</button>
        </div>
      </div>
      <div class="progress mt-1" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0">
        <div class="progress-bar" style="width: 0%"></div>
      </div>
      <p class="small mb-0 mt-1" data-state></p>`;
    row.querySelector("[data-name]").textContent = this.name;
    row.querySelector("[data-size]").textContent = humanSize(this.file ? this.file.size : this.document.size);
    row.querySelector("[role=progressbar]").setAttribute("aria-label", `Upload of ${this.name}`);
    row.querySelector("[data-remove]").setAttribute("aria-label", `Remove ${this.name}`);
    row.querySelector("[data-remove]").addEventListener("click", () => this.remove());
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

  setPercent(percent) {
    const bar = this.row.querySelector("[role=progressbar]");
    bar.setAttribute("aria-valuenow", String(percent));
    bar.querySelector(".progress-bar").style.width = `${percent}%`;
  }

  sentBytes() {
    if (this.done) return this.file ? this.file.size : 0;
    let sum = 0;
    for (const bytes of this.doneParts.values()) sum += bytes;
    for (const bytes of this.inFlight.values()) sum += bytes;
    return sum;
  }

  showProgress() {
    const size = this.file.size;
    const sent = this.sentBytes();
    const now = performance.now();
    this.samples.push([now, sent]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 8000) this.samples.shift();
    const [t0, b0] = this.samples[0];
    const speed = now > t0 ? ((sent - b0) / (now - t0)) * 1000 : 0;
    const percent = this.done ? 100 : Math.min(99, Math.floor((sent / size) * 100));
    this.setPercent(percent);
    if (!this.done && speed > 0) {
      this.setState(`${percent}% · ${humanSize(speed)}/s · ${humanDuration((size - sent) / speed)}`);
    }
    overall.update();
  }

  partSize(number) {
    const { part_size: partSize } = this.document;
    return Math.min(partSize, this.file.size - (number - 1) * partSize);
  }

  async run() {
    if (this.removed) return;
    try {
      if (!(await this.resume())) await this.start();
      if (this.removed || this.rejected) return;
      await this.sendMissingParts();
      if (this.removed) return;
      await this.complete();
    } catch (error) {
      if (this.removed) return;
      this.setState(`${error.message} Choose the file again to continue where it stopped.`, "text-danger");
    }
  }

  async resume() {
    const saved = readStore()[this.key];
    if (!saved) return false;
    const response = await fetch(saved.parts_url, { credentials: "same-origin" });
    if (!response.ok) {
      remember(this.key, null);
      return false;
    }
    const data = await response.json();
    if (data.status !== "pending") {
      remember(this.key, null);
      return false;
    }
    this.document = data;
    for (const part of data.stored) {
      if (part.size === this.partSize(part.number)) this.doneParts.set(part.number, part.size);
    }
    this.area.forgetPendingRow(data.id);
    this.setState(`Continuing from ${humanSize(this.sentBytes())} already sent.`);
    this.showProgress();
    return true;
  }

  async start() {
    this.setState("Starting…");
    const { response, data } = await postJSON(this.area.startUrl, this.area.csrf, {
      name: this.file.name,
      relative_path: this.file.webkitRelativePath || "",
      size: this.file.size,
      category: this.area.category,
      report_type: this.area.reportType(),
      content_type: this.file.type || "",
      context: this.area.context,
    });
    if (!response.ok) {
      this.rejected = true;
      this.setState(data.error || "The upload could not start. Please try again.", "text-danger");
      this.row.classList.add("border-danger");
      overall.update();
      return;
    }
    this.document = data;
    remember(this.key, { id: data.id, parts_url: data.parts_url });
  }

  async urlFor(number) {
    const cached = this.urls.get(number);
    if (cached && performance.now() - cached.at < URL_MAX_AGE_MS) return cached.url;
    const wanted = [];
    for (let n = number; n <= this.document.part_count && wanted.length < URL_BATCH; n += 1) {
      if (!this.doneParts.has(n)) wanted.push(n);
    }
    const { response, data } = await postJSON(this.document.parts_url, this.area.csrf, { parts: wanted });
    if (!response.ok) throw new Error(data.error || "Could not prepare the upload.");
    const at = performance.now();
    for (const [n, url] of Object.entries(data.urls)) this.urls.set(Number(n), { url, at });
    return this.urls.get(number).url;
  }

  async sendMissingParts() {
    const missing = [];
    for (let n = 1; n <= this.document.part_count; n += 1) if (!this.doneParts.has(n)) missing.push(n);
    this.setState(missing.length ? "Uploading…" : "Checking the file…");
    await Promise.all(missing.map((n) => pool.run(() => this.sendPart(n))));
  }

  async sendPart(number) {
    for (let attempt = 1; ; attempt += 1) {
      if (this.removed) return;
      await waitUntilOnline();
      try {
        const url = await this.urlFor(number);
        await this.put(number, url);
        this.inFlight.delete(number);
        this.doneParts.set(number, this.partSize(number));
        this.showProgress();
        return;
      } catch (error) {
        this.inFlight.delete(number);
        if (this.removed) return;
        if (error.status === 403) this.urls.delete(number); // expired URL: ask for a fresh one
        if (attempt >= MAX_ATTEMPTS) throw new Error("The connection keeps failing.");
        const delay = Math.min(30000, 1000 * 2 ** (attempt - 1)) * (0.5 + Math.random());
        this.setState(`Connection problem: trying part ${number} again in ${Math.ceil(delay / 1000)} s…`, "text-warning-emphasis");
        await sleep(delay);
      }
    }
  }

  put(number, url) {
    const start = (number - 1) * this.document.part_size;
    const blob = this.file.slice(start, start + this.partSize(number));
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      this.requests.add(xhr);
      xhr.open("PUT", url);
      xhr.upload.onprogress = (event) => {
        this.inFlight.set(number, event.loaded);
        this.showProgress();
      };
      xhr.onload = () => {
        this.requests.delete(xhr);
        if (xhr.status >= 200 && xhr.status < 300) resolve();
        else reject(Object.assign(new Error(`Part ${number} failed (${xhr.status}).`), { status: xhr.status }));
      };
      xhr.onerror = xhr.onabort = xhr.ontimeout = () => {
        this.requests.delete(xhr);
        reject(Object.assign(new Error(`Part ${number} was interrupted.`), { status: 0 }));
      };
      xhr.send(blob);
    });
  }

  async complete() {
    this.setState("Checking the file…");
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const { response, data } = await postJSON(this.document.complete_url, this.area.csrf);
      if (response.status === 409 && data.error) {
        // Storage is missing parts (one was lost): ask which, and send those again.
        const stored = await (await fetch(this.document.parts_url, { credentials: "same-origin" })).json();
        this.doneParts = new Map(stored.stored.map((p) => [p.number, p.size]));
        await this.sendMissingParts();
        continue;
      }
      if (!response.ok) throw new Error(data.error || "The file could not be checked.");
      this.document = { ...this.document, ...data };
      remember(this.key, null);
      if (data.status === "uploaded") {
        this.done = true;
        this.showProgress();
        this.setState(data.description ? `Uploaded · ${data.description}` : "Uploaded", "text-success");
        this.row.querySelector("[data-replace]").classList.remove("d-none");
        this.area.markUploaded();
      } else {
        this.rejected = true;
        this.row.classList.add("border-danger");
        this.setState(data.rejection_reason || "This file was not accepted.", "text-danger");
        overall.update();
      }
      return;
    }
    throw new Error("The file could not be completed.");
  }

  async remove() {
    this.removed = true;
    for (const xhr of this.requests) xhr.abort();
    if (this.key) remember(this.key, null);
    if (this.document && this.document.remove_url) {
      const { response, data } = await postJSON(this.document.remove_url, this.area.csrf);
      if (!response.ok && response.status !== 404) {
        this.removed = false;
        this.setState(data.error || "The file could not be removed.", "text-danger");
        return;
      }
    }
    allUploads.delete(this);
    this.row.remove();
    overall.update();
  }

  async replaceWith(file) {
    await this.remove();
    if (this.removed) this.area.add([file]);
  }
}

// --- one category's area ----------------------------------------------------------------------

class UploadArea {
  constructor(element) {
    this.element = element;
    this.category = element.dataset.category;
    this.context = element.dataset.context || "intake";
    this.startUrl = element.dataset.startUrl;
    this.csrf = element.dataset.csrf;
    this.maxFileBytes = Number(element.dataset.maxFileBytes);
    this.acceptedText = element.dataset.acceptedText;
    this.allowsNoExtension = element.dataset.allowsNoExtension === "true";
    const [extensions, types, documents] = [...element.querySelectorAll("script[type='application/json']")].map((s) =>
      JSON.parse(s.textContent),
    );
    this.extensions = extensions;
    this.types = types;
    this.list = element.querySelector("[data-upload-list]");
    this.errorBox = element.querySelector("[data-upload-error]");
    this.pendingRows = new Map();
    for (const existing of documents) this.showExisting(existing);
    this.wire();
  }

  reportType() {
    const select = this.element.querySelector("[data-report-type]");
    return select ? select.value : "";
  }

  showExisting(summary) {
    const upload = new Upload(this, null, { document: summary });
    upload.setPercent(summary.status === "uploaded" ? 100 : 0);
    if (summary.status === "uploaded") {
      upload.setState(summary.description ? `Uploaded · ${summary.description}` : "Uploaded", "text-success");
    } else if (summary.status === "rejected") {
      upload.rejected = true;
      upload.row.classList.add("border-danger");
      upload.setState(summary.rejection_reason || "This file was not accepted.", "text-danger");
    } else {
      upload.setState("Paused. Choose the same file again to continue where it stopped, or remove it.", "text-warning-emphasis");
      this.pendingRows.set(summary.id, upload);
    }
  }

  forgetPendingRow(id) {
    const row = this.pendingRows.get(id);
    if (row) row.row.remove();
    this.pendingRows.delete(id);
  }

  markUploaded() {
    const name = { scans: "scans_availability", slides: "slides_availability", reports: "reports_availability",
      treatment_plan: "treatment_plan_availability" }[this.category];
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

  async refusal(file) {
    if (file.size === 0) return `${file.name} is empty.`;
    if (file.size > this.maxFileBytes) return `${file.name} is too large (${humanSize(file.size)}). ${this.acceptedText}`;
    const extension = extensionOf(file.name);
    if (extension && !this.extensions.includes(extension)) return `${file.name} is not a type we accept here. ${this.acceptedText}`;
    if (!extension && !this.allowsNoExtension) return `${file.name} is not a type we accept here. ${this.acceptedText}`;
    const kind = await sniff(file);
    if (!this.types.includes(kind)) return `${file.name} is not a type we accept here. ${this.acceptedText}`;
    return null;
  }

  async add(files, { folder = false } = {}) {
    overall.ensure(this.element);
    const refused = [];
    const accepted = [];
    for (const file of files) {
      const reason = await this.refusal(file);
      if (reason) refused.push({ file, reason });
      else accepted.push(file);
    }
    this.showRefusals(refused, folder);
    for (const file of accepted) {
      const upload = new Upload(this, file);
      upload.setState("Waiting to start…");
      filePool.run(() => upload.run());
    }
    overall.update();
  }

  showRefusals(refused, folder) {
    if (!refused.length) {
      this.errorBox.classList.add("d-none");
      return;
    }
    const text = folder
      ? `${refused.length} file(s) in the folder were left out because they are not medical images (for example ${refused
          .slice(0, 3)
          .map((r) => r.file.name)
          .join(", ")}). ${this.acceptedText}`
      : refused.map((r) => r.reason).join(" ");
    this.errorBox.textContent = text;
    this.errorBox.classList.remove("d-none");
  }
}

// A dropped folder arrives as directory entries: walk them so a CD's folder works like the folder picker.
async function filesFromDrop(dataTransfer) {
  const entries = [...dataTransfer.items].map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry()).filter(Boolean);
  if (!entries.length) return [...dataTransfer.files];
  const files = [];
  async function walk(entry, path) {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      if (path) Object.defineProperty(file, "webkitRelativePath", { value: `${path}${file.name}` });
      files.push(file);
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (!batch.length) break;
        for (const child of batch) await walk(child, `${path}${entry.name}/`);
      }
    }
  }
  for (const entry of entries) await walk(entry, "");
  return files;
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
  if ([...allUploads].some((u) => !u.done && !u.removed && !u.rejected && u.document)) event.preventDefault();
});
