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

// ---- Quick capture on a phone ---------------------------------------------------------
// The service worker keeps the log screen for offline use (sw.js). A log written here is
// first put in this device's queue (localStorage), then sent; what could not be sent
// (no network) waits and goes when the device is back online. Each log has a random key
// that the server stores once, so a log sent again after a lost answer is not doubled.
// The session's token is asked for when the queue is sent (/log/csrf), never kept with
// a log: a session that ended since means "sign in again", and the logs wait for it.
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
}
const QUEUE = "kithbook.queue";
const readQueue = () => {
  try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
};
const changeQueue = (change) => localStorage.setItem(QUEUE, JSON.stringify(change(readQueue())));
const newKey = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
};
const localDay = () => {
  const d = new Date();
  return [d.getFullYear(), d.getMonth() + 1, d.getDate()]
    .map((n) => String(n).padStart(2, "0")).join("-");
};
let queueSay = "";

async function sessionToken() {
  const answer = await fetch("/log/csrf", {headers: {Accept: "application/json"}});
  if (answer.redirected || !answer.ok) return null;  // signed out: the sign-in page answered
  return answer.json();
}

async function sendLog(entry, token) {
  const body = new URLSearchParams(entry.fields);
  body.set("key", entry.key);
  body.set("as_of", entry.as_of);
  let answer;
  try {
    answer = await fetch("/log", {method: "POST", body,
      headers: {Accept: "application/json", "X-CSRF-Token": token.csrf}});
  } catch (e) { return {later: true}; }
  if (answer.redirected || answer.status === 401 || answer.status === 403) return {signIn: true};
  const said = await answer.json().catch(() => null);
  if (answer.ok && said) return {done: said};
  if (answer.status === 422 && said) return {refused: said.error.message};
  return {later: true};  // busy or failing for a while: try again later
}

function showQueue() {
  const list = document.querySelector("[data-queue-list]");
  const status = document.querySelector("[data-queue-status]");
  if (!list || !status) return;
  const waiting = readQueue();
  list.replaceChildren(...waiting.map((entry) => {
    const item = document.createElement("li");
    const what = `${entry.fields.who} · ${(entry.fields.kind || "met").replace(/_/g, " ")}` +
      ` · ${entry.fields.occurred_on || "today"} (written ${entry.as_of})`;
    item.append(what + (entry.refused ? ` — not sent: ${entry.refused}` : " — waiting"));
    if (entry.refused) {
      const fix = document.createElement("button");
      fix.type = "button"; fix.className = "secondary"; fix.textContent = "Put back in the form";
      fix.addEventListener("click", () => {
        const form = document.querySelector("form[data-queue]");
        for (const [name, value] of Object.entries(entry.fields)) {
          if (form.elements[name]) form.elements[name].value = value;
        }
        form.elements.key.value = entry.key;
        changeQueue((q) => q.filter((e) => e.key !== entry.key));
        showQueue();
      });
      item.append(" ", fix);
    }
    return item;
  }));
  const count = waiting.filter((e) => !e.refused).length;
  status.textContent = queueSay || (count ? `${count} ${count === 1 ? "log is" : "logs are"} ` +
    "waiting on this device; they are sent when it is back online." : "");
}

let flushing = false;
async function flushQueue() {
  if (flushing || !readQueue().some((e) => !e.refused)) { showQueue(); return; }
  flushing = true;
  queueSay = "";
  try {
    const token = await sessionToken().catch(() => undefined);
    if (token === null) queueSay = "Sign in again to send the logs waiting on this device.";
    if (!token) return;
    for (const entry of readQueue()) {
      if (entry.refused || (entry.member && entry.member !== token.member)) continue;
      const result = await sendLog(entry, token);
      if (result.later) break;
      if (result.signIn) { queueSay = "Sign in again to send the logs waiting on this device."; break; }
      changeQueue((q) => result.done ? q.filter((e) => e.key !== entry.key)
        : q.map((e) => e.key === entry.key ? {...e, refused: result.refused} : e));
    }
  } finally { flushing = false; showQueue(); }
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.matches || !form.matches("form[data-queue]") || event.defaultPrevented) return;
  event.preventDefault();
  const fields = Object.fromEntries(new FormData(form));
  delete fields.csrf_token; delete fields.key; delete fields.as_of;
  const entry = {key: form.elements.key.value, as_of: localDay(), member: form.dataset.member,
                 fields};
  changeQueue((q) => [...q.filter((e) => e.key !== entry.key), entry]);
  const status = document.querySelector("[data-queue-status]");
  if (status) status.textContent = "Sending…";
  const token = await sessionToken().catch(() => undefined);
  const result = token ? await sendLog(entry, token) : {later: token === undefined, signIn: token === null};
  if (result.done) {
    changeQueue((q) => q.filter((e) => e.key !== entry.key));
    window.location.assign(result.done.next);
    return;
  }
  if (result.refused) {
    // The server's own page says what to fix, with the form as it was typed.
    changeQueue((q) => q.filter((e) => e.key !== entry.key));
    HTMLFormElement.prototype.submit.call(form);
    return;
  }
  form.reset();
  form.elements.key.value = newKey();
  queueSay = result.signIn ? "Kept on this device: sign in again to send it."
    : "Kept on this device: it is sent when the device is back online.";
  showQueue();
  queueSay = "";
});

window.addEventListener("online", flushQueue);
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-queue]");
  if (form) {
    // A log screen kept offline holds the key of the day it was kept: each opening
    // writes a new log, so each gets a key of its own.
    form.elements.key.value = newKey();
    // Text shared while offline reaches the kept screen only in its address.
    const shared = new URLSearchParams(window.location.search);
    const note = form.elements.note;
    if (note && !note.value) {
      note.value = ["title", "text", "url"].map((p) => (shared.get(p) || "").trim())
        .filter(Boolean).join("\n");
    }
  }
  if (navigator.onLine) flushQueue(); else showQueue();
});
