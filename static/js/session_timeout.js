// Family sessions end after a while without a request (FAMILY_SESSION_IDLE_SECONDS). A minute before,
// an alert dialog offers "Stay signed in" (a keep-alive POST). Typed answers are never lost silently:
// every form on the page is copied to this tab's sessionStorage as it is typed, restored when the page
// is opened again, and forgotten once it is submitted or the family signs out.
const root = document.querySelector("[data-session-timeout]");
const KEPT = "portal-kept:";

function fieldsOf(form) {
  return [...form.elements].filter(
    (el) => el.name && el.name !== "csrfmiddlewaretoken" && !["file", "password", "submit", "button"].includes(el.type),
  );
}

function keyOf(form, index) {
  return `${KEPT}${window.location.pathname}#${index}`;
}

function save(form, index) {
  const values = {};
  for (const el of fieldsOf(form)) {
    if (el.type === "checkbox" || el.type === "radio") {
      values[`${el.name}=${el.value}`] = el.checked;
    } else if (el.tagName === "SELECT" && el.multiple) {
      values[el.name] = [...el.selectedOptions].map((o) => o.value);
    } else {
      values[el.name] = el.value;
    }
  }
  sessionStorage.setItem(keyOf(form, index), JSON.stringify(values));
}

function restore(form, index) {
  const stored = sessionStorage.getItem(keyOf(form, index));
  if (!stored) return;
  const values = JSON.parse(stored);
  for (const el of fieldsOf(form)) {
    if (el.type === "checkbox" || el.type === "radio") {
      const checked = values[`${el.name}=${el.value}`];
      if (checked !== undefined) el.checked = checked;
    } else if (el.tagName === "SELECT" && el.multiple && Array.isArray(values[el.name])) {
      for (const option of el.options) option.selected = values[el.name].includes(option.value);
    } else if (typeof values[el.name] === "string") {
      el.value = values[el.name];
    }
  }
}

function keepTypedAnswers() {
  const forms = [...document.querySelectorAll("main form[method='post']")];
  forms.forEach((form, index) => {
    restore(form, index);
    form.addEventListener("input", () => save(form, index));
    form.addEventListener("change", () => save(form, index));
    form.addEventListener("submit", () => sessionStorage.removeItem(keyOf(form, index)));
  });
}

function forgetAllKept() {
  for (const key of Object.keys(sessionStorage)) {
    if (key.startsWith(KEPT)) sessionStorage.removeItem(key);
  }
}

function setUpWarning() {
  const dialog = root.querySelector("[data-session-dialog]");
  const backdrop = root.querySelector("[data-session-dialog-backdrop]");
  const stay = root.querySelector("[data-session-stay]");
  const idleMs = Number(root.dataset.idleSeconds) * 1000;
  const warnMs = Math.min(Number(root.dataset.warningSeconds) * 1000, idleMs);
  const csrf = document.querySelector("[data-sign-out-form] input[name=csrfmiddlewaretoken]").value;
  let warnTimer;
  let endTimer;
  let returnFocus = null;

  const focusable = () => [...dialog.querySelectorAll("button")];
  const close = () => {
    dialog.hidden = true;
    backdrop.hidden = true;
    if (returnFocus) returnFocus.focus();
  };
  const open = () => {
    returnFocus = document.activeElement;
    dialog.hidden = false;
    backdrop.hidden = false;
    stay.focus();
  };
  const restart = () => {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(open, idleMs - warnMs);
    // Past the limit the server has ended the session: show the page that says so.
    endTimer = setTimeout(() => window.location.assign(root.dataset.signedOutUrl), idleMs);
  };

  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      stay.click();
    } else if (event.key === "Tab") {
      const items = focusable();
      const last = items[items.length - 1];
      if (event.shiftKey && document.activeElement === items[0]) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        items[0].focus();
      }
    }
  });
  stay.addEventListener("click", async () => {
    const response = await fetch(root.dataset.keepAliveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf },
      credentials: "same-origin",
    });
    if (!response.ok) {
      window.location.assign(root.dataset.signedOutUrl);
      return;
    }
    close();
    restart();
  });
  document.querySelector("[data-sign-out-form]").addEventListener("submit", forgetAllKept);
  restart();
}

if (root) {
  keepTypedAnswers();
  setUpWarning();
}
