// Opens an emailed resume link: the token travels in the URL fragment (#t=…), which browsers never send
// to a server, so no access log or proxy sees it. This reads it, removes it from the address bar and
// history, and POSTs it with the page's CSRF token. Without JavaScript the family pastes the link instead.
const form = document.querySelector("[data-resume-form]");
const match = /(?:^|&)t=([A-Za-z0-9_-]+)/.exec(window.location.hash.slice(1));
if (form && match) {
  history.replaceState(null, "", window.location.pathname);
  form.querySelector("input[name=code]").value = match[1];
  const waiting = document.querySelector("[data-resume-waiting]");
  if (waiting) waiting.hidden = false;
  form.submit();
}
