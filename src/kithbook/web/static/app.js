// Small enhancements only: every page works without this file.
"use strict";
document.addEventListener("keydown", (event) => {
  // "/" jumps to the search box, as in many tools people already use.
  if (event.key !== "/" || event.target.closest("input, textarea, select")) return;
  const search = document.querySelector("[data-shortcut='/']");
  if (search) { event.preventDefault(); search.focus(); }
});
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("submit", (event) => {
  // A long import: say that it is working, and keep the button from being pressed twice.
  const form = event.target;
  if (!form.dataset || !form.dataset.busy || event.defaultPrevented) return;
  const status = form.querySelector(".busy");
  if (status) status.textContent = form.dataset.busy;
  const button = form.querySelector("button[type=submit]");
  if (button) setTimeout(() => { button.disabled = true; }, 0);
  // While the page waits for the answer, ask how far the import has come.
  if (!status || !form.dataset.status) return;
  const poll = () => fetch(form.dataset.status).then((r) => r.json()).then((p) => {
    if (!p.done) return;
    const of = p.total ? ` of about ${p.total.toLocaleString()}` : "";
    status.textContent = `Importing… ${p.done.toLocaleString()}${of} records read.`;
  }).catch(() => {});
  setInterval(poll, 500);
});
document.addEventListener("DOMContentLoaded", () => {
  // A map that pans on a phone opens with the member, its centre, in view.
  for (const pan of document.querySelectorAll("[data-pan]")) {
    pan.scrollLeft = (pan.scrollWidth - pan.clientWidth) / 2;
    pan.scrollTop = (pan.scrollHeight - pan.clientHeight) / 2;
  }
});
