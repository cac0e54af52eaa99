// presswatch UI: small progressive enhancements; every page works without.
'use strict';
(function () {
  // Live rule preview: ask the server for the result fragment while the
  // officer types (debounced), same as pressing Preview.
  const editor = document.getElementById('rule-editor');
  const out = document.getElementById('preview-result');
  if (editor && out) {
    let timer = null;
    let seq = 0;
    const run = () => {
      const params = new URLSearchParams(new FormData(editor));
      if (!params.get('q').trim()) { return; }
      params.set('fragment', '1');
      const mine = ++seq;
      fetch('/rules/preview?' + params.toString(), { credentials: 'same-origin' })
        .then((r) => r.text())
        .then((html) => {
          if (mine !== seq) { return; }
          // The fragment is rendered by the server's templates (escaped).
          const doc = new DOMParser().parseFromString(html, 'text/html');
          out.replaceChildren(...doc.body.childNodes);
        })
        .catch(() => {});
    };
    editor.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(run, 400);
    });
  }
  // Inbox: a select-all box for bulk actions.
  const inbox = document.getElementById('inbox');
  const boxes = () => inbox.querySelectorAll('input[type=checkbox][name=id]');
  if (inbox) {
    const head = inbox.querySelector('thead th');
    if (boxes().length > 1 && head) {
      const all = document.createElement('input');
      all.type = 'checkbox';
      all.setAttribute('aria-label', document.documentElement.lang === 'vi' ? 'Chọn tất cả' : 'Select all');
      all.addEventListener('change', () => boxes().forEach((b) => { b.checked = all.checked; }));
      head.appendChild(all);
    }
  }
  // Inbox: live update. Every 15 s the rows are fetched again and swapped
  // in, unless the officer has ticked some (a bulk action in progress) or
  // the tab is hidden.
  const rows = document.getElementById('inbox-rows');
  if (rows && rows.dataset.poll) {
    const url = new URL(rows.dataset.poll, location.href);
    url.searchParams.set('partial', '1');
    setInterval(() => {
      if (document.hidden || Array.from(boxes()).some((b) => b.checked)) { return; }
      fetch(url, { credentials: 'same-origin' })
        .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
        .then((html) => {
          // The rows are rendered by the server's templates (escaped).
          const doc = new DOMParser().parseFromString('<table><tbody>' + html + '</tbody></table>', 'text/html');
          rows.replaceChildren(...doc.querySelector('tbody').childNodes);
          rows.dataset.updated = String(Date.now());
        })
        .catch(() => {});
    }, Number(rows.dataset.every || 15000));
  }
})();
