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

// Keyboard users stay inside the open dialog; Escape means "Stay signed in".
function trapFocus(dialog, onEscape) {
  dialog.addEventListener("keydown", (event) => {
    const items = [...dialog.querySelectorAll("button")];
    const [first, last] = [items[0], items[items.length - 1]];
    if (event.key === "Escape") {
      event.preventDefault();
      onEscape();
    } else if (event.key === "Tab" && event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (event.key === "Tab" && !event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
}

async function keepAlive() {
  const csrf = document.querySelector("[data-sign-out-form] input[name=csrfmiddlewaretoken]").value;
  const response = await fetch(root.dataset.keepAliveUrl, {
    method: "POST",
    headers: { "X-CSRFToken": csrf },
    credentials: "same-origin",
  });
  return response.ok;
}

function setUpWarning() {
  const dialog = root.querySelector("[data-session-dialog]");
  const backdrop = root.querySelector("[data-session-dialog-backdrop]");
  const stay = root.querySelector("[data-session-stay]");
  const idleMs = Number(root.dataset.idleSeconds) * 1000;
  const warnMs = Math.min(Number(root.dataset.warningSeconds) * 1000, idleMs);
  const signedOut = () => window.location.assign(root.dataset.signedOutUrl);
  const timers = [];
  let returnFocus = null;

  const show = (visible) => {
    dialog.hidden = !visible;
    backdrop.hidden = !visible;
  };
  const restart = () => {
    timers.splice(0).forEach(clearTimeout);
    timers.push(
      setTimeout(() => {
        returnFocus = document.activeElement;
        show(true);
        stay.focus();
      }, idleMs - warnMs),
      // Past the limit the server has ended the session: show the page that says so.
      setTimeout(signedOut, idleMs),
    );
  };

  trapFocus(dialog, () => stay.click());
  stay.addEventListener("click", async () => {
    if (!(await keepAlive())) return signedOut();
    show(false);
    if (returnFocus) returnFocus.focus();
    restart();
  });
  document.querySelector("[data-sign-out-form]").addEventListener("submit", forgetAllKept);
  restart();
}

if (root) {
  keepTypedAnswers();
  setUpWarning();
}
