// Amanat's web interface: the form's token on htmx requests, and adding a record with its
// files streamed in one request, in the order the server reads them (src/web/add.rs).
// Nothing here writes to the page as HTML: text is set with textContent only. Its words
// come from the form's data attributes, in the page's language.
"use strict";
(function () {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  document.addEventListener("htmx:configRequest", (e) => {
    e.detail.headers["X-CSRF-Token"] = token;
  });

  const form = document.getElementById("add");
  if (!form) return;
  const picker = form.querySelector("#attachments");
  const drop = form.querySelector("#drop");
  const chosen = form.querySelector("#chosen");
  const status = form.querySelector("#status");
  const bar = form.querySelector("#progress");
  let dropped = [];

  function attachments() {
    return Array.from(picker.files).concat(dropped);
  }
  function show() {
    chosen.replaceChildren();
    for (const f of attachments()) {
      const li = document.createElement("li");
      li.textContent = f.name + " (" + f.size + " " + form.dataset.bytes + ")";
      chosen.appendChild(li);
    }
  }
  picker.addEventListener("change", show);
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    dropped = dropped.concat(Array.from(e.dataTransfer.files));
    show();
  });
  drop.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); picker.click(); }
  });

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData();
    for (const name of ["title", "tags", "witness", "language", "place", "date", "interviewer", "note", "testimony_text", "identity_text", "consent", "consent_how", "consent_date", "consent_by"]) {
      data.append(name, form.elements[name].value);
    }
    for (const c of form.querySelectorAll("input[name=share_with]")) {
      if (c.type !== "checkbox" || c.checked) data.append("share_with", c.value);
    }
    const parts = [];
    const files = [];
    const t = form.elements["testimony_file"].files[0];
    if (t) { parts.push({ kind: "testimony", name: t.name }); files.push(t); }
    for (const f of attachments()) { parts.push({ kind: "attachment", name: f.name }); files.push(f); }
    data.append("parts", JSON.stringify(parts));
    files.forEach((f, i) => data.append("file" + i, f, f.name));

    const xhr = new XMLHttpRequest();
    xhr.open("POST", "add");
    xhr.setRequestHeader("X-CSRF-Token", token);
    bar.hidden = false;
    bar.value = 0;
    status.textContent = form.dataset.sealing;
    xhr.upload.addEventListener("progress", (p) => {
      if (p.lengthComputable) bar.value = Math.round((100 * p.loaded) / p.total);
    });
    xhr.addEventListener("load", () => {
      let next = null;
      try {
        if (xhr.status === 200) next = JSON.parse(xhr.responseText).next;
      } catch (_) {
        next = null;
      }
      if (typeof next === "string") {
        form.reset();
        window.location.assign(/^records(\/[0-9a-f]{32})?$/.test(next) ? next : "records");
      } else {
        bar.hidden = true;
        const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        const why = doc.querySelector(".error");
        status.textContent = form.dataset.notAdded + " " + (why ? why.textContent : xhr.statusText);
        status.className = "error";
      }
    });
    xhr.addEventListener("error", () => {
      bar.hidden = true;
      status.textContent = form.dataset.notAdded + " " + form.dataset.brokeOff;
      status.className = "error";
    });
    xhr.send(data);
  });
})();
