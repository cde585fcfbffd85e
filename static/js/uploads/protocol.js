// The upload protocol over HTTP, with no DOM code: start, part URLs, PUT parts (retried, resumable), complete,
// remove. A Transfer tells its listener what happens: state(text, tone), progress(), resumed(document),
// uploaded(document), refused(reason), failed(message) (retry() then continues it).
//
// For each file: POST start -> the server's document (part size, part count, URLs to ask for parts);
// PUT the parts straight to storage (presigned S3 URLs, or the local backend's signed Django URLs),
// a few at a time across the whole page, each part retried by itself with backoff; POST complete.
// A reload resumes: the upload's id is kept in localStorage under the file's name, size and date,
// and choosing the same file again asks the server which parts it already has and sends only the rest.
// An upload storage has aborted (too old: the bucket's lifecycle rule) is answered 410 "gone": the client
// forgets it and starts the same file over by itself.

import { _, format } from "../i18n.js";
import { partChecksum } from "./crc32.js";

const PARALLEL_PARTS = 4;
const PARALLEL_FILES = 3;
const URL_BATCH = 4; // part URLs asked for at once at most (each needs its part's CRC32 first)
const URL_MAX_AGE_MS = 10 * 60 * 1000; // the server's URLs live 15 minutes: refresh well before
const MAX_ATTEMPTS = 8;
const STORE_KEY = "portal-uploads-v1";

export function humanSize(bytes) {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < units.length - 1) {
    size /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${size} bytes` : `${size.toFixed(1)} ${units[unit]}`;
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

// Page-wide pools: at most PARALLEL_PARTS part uploads in flight, and a few files started at a time
// (a CD's folder of 400 files must not open 400 uploads at once).
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

const partPool = makePool(PARALLEL_PARTS);
export const filePool = makePool(PARALLEL_FILES);

/** The family removes a file: {ok, error}; a 404 (already gone) counts as removed. */
export async function removeDocument(document, csrf) {
  const { response, data } = await postJSON(document.remove_url, csrf);
  return { ok: response.ok || response.status === 404, error: data.error };
}

// Storage no longer has this upload: start the file over.
class UploadGone extends Error {}

export class Transfer {
  /** ``options``: {category, context, startUrl, csrf, reportType: () => the report type chosen when it starts}. */
  constructor(file, options, listener) {
    this.file = file;
    this.options = options;
    this.listener = listener;
    this.key = fileKey(options.category, file);
    this.document = null;
    this.doneParts = new Map(); // part number -> bytes
    this.inFlight = new Map(); // part number -> bytes sent so far
    this.requests = new Set();
    this.urls = new Map(); // part number -> {url, at}
    this.checksums = new Map(); // part number -> CRC32 (base64), signed into its URL
    this.generation = 0; // bumped when the upload starts over: older parts' retries then stop
    this.done = false;
    this.cancelled = false;
    this.rejected = false;
    this.failed = false;
  }

  sentBytes() {
    if (this.done) return this.file.size;
    let sum = 0;
    for (const bytes of this.doneParts.values()) sum += bytes;
    for (const bytes of this.inFlight.values()) sum += bytes;
    return sum;
  }

  partSize(number) {
    const { part_size: partSize } = this.document;
    return Math.min(partSize, this.file.size - (number - 1) * partSize);
  }

  async run() {
    if (this.cancelled) return;
    try {
      for (let round = 1; ; round += 1) {
        try {
          await this.attempt();
          return;
        } catch (error) {
          if (!(error instanceof UploadGone) || round >= 3 || this.cancelled) throw error;
          this.startOver();
        }
      }
    } catch (error) {
      if (this.cancelled) return;
      // A server error or a lost connection: the family can retry, which resumes from the parts stored.
      this.failed = true;
      this.listener.failed(error.message);
    }
  }

  async attempt() {
    if (!(await this.resume())) await this.start();
    if (this.cancelled || this.rejected) return;
    await this.sendMissingParts();
    if (this.cancelled) return;
    await this.complete();
  }

  /** The upload is gone from storage: forget it (parts still in flight belong to it) and begin afresh. */
  startOver() {
    remember(this.key, null);
    this.generation += 1;
    for (const xhr of this.requests) xhr.abort();
    this.document = null;
    this.doneParts = new Map();
    this.inFlight = new Map();
    this.urls = new Map();
    this.checksums = new Map(); // a new upload may cut the file differently
    this.listener.state(_("The earlier upload of this file expired. Starting it again…"), "text-warning-emphasis");
    this.listener.progress();
  }

  async resume() {
    const saved = readStore()[this.key];
    if (!saved) return false;
    const response = await fetch(saved.parts_url, { credentials: "same-origin" });
    if (response.status === 410) {
      // Storage aborted it: the paused row goes, and the same file starts a fresh upload.
      remember(this.key, null);
      this.listener.resumed({ id: saved.id });
      return false;
    }
    if (!response.ok) {
      remember(this.key, null);
      return false;
    }
    const data = await response.json();
    if (data.status !== "pending") {
      remember(this.key, null);
      this.listener.resumed({ id: saved.id }); // a paused row for it is stale: this transfer replaces it
      return false;
    }
    this.document = data;
    for (const part of data.stored) {
      if (part.size === this.partSize(part.number)) this.doneParts.set(part.number, part.size);
    }
    this.listener.resumed(data);
    this.listener.state(format(_("Continuing from %(size)s already sent."), { size: humanSize(this.sentBytes()) }));
    this.listener.progress();
    return true;
  }

  async start() {
    this.listener.state(_("Starting…"));
    const { category, context, startUrl, csrf, reportType } = this.options;
    const { response, data } = await postJSON(startUrl, csrf, {
      name: this.file.name,
      relative_path: this.file.webkitRelativePath || "",
      size: this.file.size,
      category,
      report_type: reportType(),
      content_type: this.file.type || "",
      context,
    });
    if (response.status >= 500 || (!response.ok && !data.error)) throw new Error(_("The upload could not start."));
    if (!response.ok) {
      this.rejected = true;
      this.listener.refused(data.error || _("The upload could not start. Please try again."));
      return;
    }
    this.document = data;
    remember(this.key, { id: data.id, parts_url: data.parts_url });
  }

  // Each URL signs its part's CRC32, so a part's URL is asked for once its own checksum is computed (never
  // waiting for other parts' checksums); parts already checksummed whose URL expired ride along.
  async urlFor(number) {
    const cached = this.urls.get(number);
    if (cached && performance.now() - cached.at < URL_MAX_AGE_MS) return cached.url;
    const checksums = { [number]: await this.checksumOf(number) };
    for (let n = number + 1; n <= this.document.part_count && Object.keys(checksums).length < URL_BATCH; n += 1) {
      if (this.checksums.has(n) && !this.doneParts.has(n) && !this.inFlight.has(n)) checksums[n] = this.checksums.get(n);
    }
    const body = { parts: Object.keys(checksums).map(Number), checksums };
    const { response, data } = await postJSON(this.document.parts_url, this.options.csrf, body);
    if (!response.ok) throw new Error(data.error || _("Could not prepare the upload."));
    const at = performance.now();
    for (const [n, url] of Object.entries(data.urls)) this.urls.set(Number(n), { url, at });
    return this.urls.get(number).url;
  }

  async checksumOf(number) {
    if (!this.checksums.has(number)) this.checksums.set(number, await partChecksum(this.partBlob(number)));
    return this.checksums.get(number);
  }

  partBlob(number) {
    const start = (number - 1) * this.document.part_size;
    return this.file.slice(start, start + this.partSize(number));
  }

  async sendMissingParts() {
    const missing = [];
    for (let n = 1; n <= this.document.part_count; n += 1) if (!this.doneParts.has(n)) missing.push(n);
    this.listener.state(missing.length ? _("Uploading…") : _("Checking the file…"));
    await Promise.all(missing.map((n) => partPool.run(() => this.sendPart(n))));
  }

  async sendPart(number) {
    const generation = this.generation;
    for (let attempt = 1; ; attempt += 1) {
      if (this.cancelled || this.generation !== generation) return;
      await waitUntilOnline();
      try {
        const url = await this.urlFor(number);
        await this.put(number, url);
        this.inFlight.delete(number);
        this.doneParts.set(number, this.partSize(number));
        this.listener.progress();
        return;
      } catch (error) {
        this.inFlight.delete(number);
        if (this.cancelled || this.generation !== generation) return;
        if (error.status === 403) this.urls.delete(number); // expired URL: ask for a fresh one
        if (error.status === 400) {
          // Storage refused the bytes for their checksum (the file changed while it was read): read it again.
          this.checksums.delete(number);
          this.urls.delete(number);
        }
        // S3's NoSuchUpload (or, where its error lacks CORS headers, a repeated failure): was the upload aborted?
        if (error.status === 404 || attempt >= 2) await this.throwIfGone();
        if (attempt >= MAX_ATTEMPTS) throw new Error(_("The connection keeps failing."));
        const delay = Math.min(30000, 1000 * 2 ** (attempt - 1)) * (0.5 + Math.random());
        const seconds = Math.ceil(delay / 1000);
        this.listener.state(format(_("Connection problem: trying part %(number)s again in %(seconds)s s…"), { number, seconds }), "text-warning-emphasis");
        await sleep(delay);
      }
    }
  }

  async throwIfGone() {
    let response;
    try {
      response = await fetch(this.document.parts_url, { credentials: "same-origin" });
    } catch {
      return; // offline too: the part's own retries go on
    }
    if (response.status === 410) throw new UploadGone(_("This upload expired."));
  }

  // XMLHttpRequest rather than fetch: only it reports upload progress.
  put(number, url) {
    const blob = this.partBlob(number);
    const checksum = this.checksums.get(number);
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      this.requests.add(xhr);
      xhr.open("PUT", url);
      // Both headers: the URL signs them, and S3 checks the CRC32 against the bytes it receives.
      xhr.setRequestHeader("x-amz-checksum-crc32", checksum);
      xhr.setRequestHeader("x-amz-sdk-checksum-algorithm", "CRC32");
      xhr.upload.onprogress = (event) => {
        this.inFlight.set(number, event.loaded);
        this.listener.progress();
      };
      xhr.onload = () => {
        this.requests.delete(xhr);
        if (xhr.status >= 200 && xhr.status < 300) resolve();
        else reject(Object.assign(new Error(format(_("Part %(number)s failed (%(status)s)."), { number, status: xhr.status })), { status: xhr.status }));
      };
      xhr.onerror = xhr.onabort = xhr.ontimeout = () => {
        this.requests.delete(xhr);
        reject(Object.assign(new Error(format(_("Part %(number)s was interrupted."), { number })), { status: 0 }));
      };
      xhr.send(blob);
    });
  }

  async complete() {
    this.listener.state(_("Checking the file…"));
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const { response, data } = await postJSON(this.document.complete_url, this.options.csrf);
      if (response.status === 410) throw new UploadGone(data.error || _("This upload expired."));
      if (response.status === 409 && data.error) {
        // Storage is missing parts (one was lost): ask which, and send those again.
        const answer = await fetch(this.document.parts_url, { credentials: "same-origin" });
        if (answer.status === 410) throw new UploadGone(_("This upload expired."));
        const stored = await answer.json();
        this.doneParts = new Map(stored.stored.map((p) => [p.number, p.size]));
        await this.sendMissingParts();
        continue;
      }
      if (!response.ok) throw new Error(data.error || _("The file could not be checked."));
      this.document = { ...this.document, ...data };
      remember(this.key, null);
      if (data.status === "uploaded") {
        this.done = true;
        this.listener.uploaded(this.document);
      } else {
        this.rejected = true;
        this.listener.refused(data.rejection_reason || _("This file was not accepted."));
      }
      return;
    }
    throw new Error(_("The file could not be completed."));
  }

  /** Stop sending and forget the resume point (the caller removes the document on the server). */
  cancel() {
    this.cancelled = true;
    for (const xhr of this.requests) xhr.abort();
    remember(this.key, null);
  }

  /** A removal the server refused: the transfer is the family's again. */
  uncancel() {
    this.cancelled = false;
  }

  /** Queue a failed transfer again: it continues from what the server already has. */
  retry() {
    this.failed = false;
    return filePool.run(() => this.run());
  }
}
