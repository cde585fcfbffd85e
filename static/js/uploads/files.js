// The browser's side of the file policy: refuse a wrong file before any byte is sent (the server checks again),
// and turn a dropped folder into files.

import { _, format } from "../i18n.js";
import { humanSize } from "./protocol.js";

const SNIFF_BYTES = 4096;

function extensionOf(name) {
  const base = name.split("/").pop();
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return "";
  const ext = base.slice(dot).toLowerCase();
  // "1.2.840.113619.2.55.1" style DICOM names: a UID's last number is not an extension.
  return /^\.[a-z0-9]{1,5}$/.test(ext) && !/^\.\d+$/.test(ext) ? ext : "";
}

// The same first-bytes rules as requests_app/uploads/sniffing.py.
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

/** Why a category's policy ({acceptedText, extensions, types, allowsNoExtension}) refuses a file, or null. */
export async function refusal(file, policy, maxFileBytes) {
  const notAccepted = format(_("%(name)s is not a type we accept here. %(accepted)s"), { name: file.name, accepted: policy.acceptedText });
  if (file.size === 0) return format(_("%(name)s is empty."), { name: file.name });
  if (file.size > maxFileBytes) return format(_("%(name)s is too large (%(size)s). %(accepted)s"), {
      name: file.name,
      size: humanSize(file.size),
      accepted: policy.acceptedText,
    });
  const extension = extensionOf(file.name);
  if (extension && !policy.extensions.includes(extension)) return notAccepted;
  if (!extension && !policy.allowsNoExtension) return notAccepted;
  const kind = await sniff(file);
  if (!policy.types.includes(kind)) return notAccepted;
  return null;
}

// A dropped folder arrives as directory entries: walk them so a CD's folder works like the folder picker.
export async function filesFromDrop(dataTransfer) {
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
