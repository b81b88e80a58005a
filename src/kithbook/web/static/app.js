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
