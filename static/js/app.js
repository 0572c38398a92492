'use strict';

// ClawOps browser behaviour: the campaign switcher's keys and search, and the
// theme toggle. Listeners are bound once on document or window and look their
// elements up per event, so markup swapped in by htmx needs no new binding.
(function () {
  if (window.clawopsApp) return;
  window.clawopsApp = true;

  var SWITCHER = '[data-switcher]';
  var SEARCH = '[data-switcher-search]';
  var OPTION = '[role="option"]';
  var restoreFocus = null;

  function options(d, shownOnly) {
    return Array.prototype.filter.call(d.querySelectorAll(OPTION), function (o) {
      return !shownOnly || !o.hidden;
    });
  }

  function active(d) {
    return d.querySelector(OPTION + '[data-active="true"]');
  }

  function setActive(d, option) {
    var box = d.querySelector(SEARCH);
    options(d).forEach(function (o) { o.removeAttribute('data-active'); });
    if (!option) return box.removeAttribute('aria-activedescendant');
    option.setAttribute('data-active', 'true');
    box.setAttribute('aria-activedescendant', option.id);
    option.scrollIntoView({ block: 'nearest' });
  }

  // Every word typed must appear in the name, company or slug.
  function filter(d) {
    var words = d.querySelector(SEARCH).value.toLowerCase().split(/\s+/).filter(Boolean);
    var all = options(d);
    all.forEach(function (o) {
      var text = [o.dataset.name, o.dataset.company, o.dataset.slug].join(' ').toLowerCase();
      o.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
    });
    var shown = options(d, true);
    var none = d.querySelector('[data-switcher-nomatch]');
    if (none) none.hidden = shown.length > 0 || all.length === 0;
    var current = active(d);
    if (!current || current.hidden) setActive(d, shown[0]);
  }

  function move(d, step) {
    var shown = options(d, true);
    var n = shown.length;
    if (n === 0) return;
    var i = shown.indexOf(active(d));
    setActive(d, shown[i < 0 ? (step > 0 ? 0 : n - 1) : (i + step + n) % n]);
  }

  // prepare empties the search and starts from the current campaign.
  function prepare(d) {
    var box = d.querySelector(SEARCH);
    box.value = '';
    filter(d);
    setActive(d, d.querySelector(OPTION + '[aria-selected="true"]') || options(d)[0]);
    box.setAttribute('aria-expanded', 'true');
    box.focus();
  }

  function open(d) {
    if (!d.open) {
      restoreFocus = document.activeElement;
      d.open = true;
      prepare(d);
    }
    d.querySelector(SEARCH).focus();
  }

  function close(d, refocus) {
    if (!d.open) return;
    d.open = false;
    d.querySelector(SEARCH).setAttribute('aria-expanded', 'false');
    var back = restoreFocus;
    restoreFocus = null;
    if (!refocus) return;
    if (!back || !back.isConnected || back === document.body) back = d.querySelector('summary');
    back.focus();
  }

  function closeOthers(target) {
    document.querySelectorAll(SWITCHER + '[open]').forEach(function (d) {
      if (!d.contains(target)) close(d, false);
    });
  }

  // toggle does not bubble, so it is caught on the way down. Opened by its
  // summary, the menu arrives here with focus still on the summary.
  document.addEventListener('toggle', function (e) {
    var d = e.target;
    var box = d.matches && d.matches(SWITCHER) && d.querySelector(SEARCH);
    if (!box) return;
    box.setAttribute('aria-expanded', String(d.open));
    if (!d.open) {
      restoreFocus = null;
    } else if (document.activeElement !== box) {
      restoreFocus = document.activeElement;
      prepare(d);
    }
  }, true);

  document.addEventListener('keydown', function (e) {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 'k' || e.key === 'K')) {
      var first = document.querySelector(SWITCHER);
      if (!first) return;
      e.preventDefault();
      return open(first);
    }
    var d = e.target.closest(SWITCHER);
    if (!d || !d.open || e.isComposing) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      return close(d, true);
    }
    if (!e.target.matches(SEARCH)) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      move(d, e.key === 'ArrowDown' ? 1 : -1);
    } else if (e.key === 'Enter') {
      var link = active(d) && active(d).querySelector('a[href]');
      if (!link) return;
      e.preventDefault();
      link.click();
    }
  });

  document.addEventListener('input', function (e) {
    var d = e.target.closest(SWITCHER);
    if (d && e.target.matches(SEARCH)) filter(d);
  });

  document.addEventListener('focusin', function (e) { closeOthers(e.target); });

  // Theme: "light" or "dark" is kept in localStorage.theme; no entry follows
  // the system. The layout's head script applies it before the first paint.
  var THEMES = ['light', 'dark', 'system'];
  var NAMES = { light: 'Light', dark: 'Dark', system: 'System' };
  var systemDark = window.matchMedia('(prefers-color-scheme: dark)');
  var theme = savedTheme();

  function savedTheme() {
    try {
      var t = localStorage.getItem('theme');
      if (t === 'light' || t === 'dark') return t;
    } catch (err) {}
    return 'system';
  }

  function nextTheme() {
    return THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
  }

  function applyTheme() {
    var dark = theme === 'dark' || (theme === 'system' && systemDark.matches);
    document.documentElement.classList.toggle('dark', dark);
    var label = 'Theme: ' + NAMES[theme] + '. Switch to ' + NAMES[nextTheme()].toLowerCase();
    document.querySelectorAll('[data-theme-toggle]').forEach(function (b) {
      b.setAttribute('aria-label', label);
      b.setAttribute('title', label);
      b.setAttribute('data-theme-mode', theme);
    });
    document.querySelectorAll('[data-theme-toggle] [data-theme-label]').forEach(function (l) {
      l.textContent = NAMES[theme];
    });
  }

  document.addEventListener('click', function (e) {
    closeOthers(e.target);
    if (!e.target.closest('[data-theme-toggle]')) return;
    theme = nextTheme();
    try {
      if (theme === 'system') localStorage.removeItem('theme');
      else localStorage.setItem('theme', theme);
    } catch (err) {}
    applyTheme();
  });

  systemDark.addEventListener('change', function () {
    if (theme === 'system') applyTheme();
  });

  // Toasts: errors stay until dismissed; others leave after a few seconds,
  // unless the pointer rests on them.
  var TOAST_MS = 6000;

  function dismiss(t) {
    if (t.isConnected) t.remove();
  }

  function armToast(t) {
    if (t.hasAttribute('data-toast-armed')) return;
    t.setAttribute('data-toast-armed', '');
    var close = t.querySelector('[data-toast-close]');
    if (close) close.hidden = false;
    if (t.getAttribute('data-toast') === 'error') {
      // A request that keeps failing, such as a progress poll, says so once, not once a try.
      var text = t.textContent.trim();
      document.querySelectorAll('[data-toast="error"][data-toast-armed]').forEach(function (o) {
        if (o !== t && o.textContent.trim() === text) dismiss(o);
      });
      return;
    }
    var timer = setTimeout(function () { dismiss(t); }, TOAST_MS);
    t.addEventListener('mouseenter', function () { clearTimeout(timer); });
    t.addEventListener('mouseleave', function () {
      timer = setTimeout(function () { dismiss(t); }, TOAST_MS / 2);
    });
  }

  // The table's "select all" box ticks every row of the page for the bulk bar.
  document.addEventListener('change', function (e) {
    if (!e.target.matches('[data-select-all]')) return;
    var table = e.target.closest('table');
    table.querySelectorAll('input[name="ids"]').forEach(function (box) {
      box.checked = e.target.checked;
    });
  });

  // A filter form ([data-filter-form]) refreshes its table through htmx on one event,
  // "filters-changed", which it gets 300 ms after typing stops in its search box, and at
  // once when a drop-down or a text filter changes (a text filter matches whole values, so
  // it waits for Enter or for the box to be left rather than asking after every letter).
  // A form asks again only when what it would ask differs from its last question.
  var filterTimer = null;
  function formQuery(form) {
    return new URLSearchParams(new FormData(form)).toString();
  }
  function filtersChanged(e, wait) {
    var form = e.target.closest && e.target.closest('[data-filter-form]');
    if (!form || !e.target.name) return;
    clearTimeout(filterTimer);
    filterTimer = setTimeout(function () {
      var q = formQuery(form);
      if (q === form.dataset.lastQuery) return;
      form.dataset.lastQuery = q;
      form.dispatchEvent(new CustomEvent('filters-changed'));
    }, wait);
  }
  document.addEventListener('input', function (e) {
    if (e.target.type === 'search') filtersChanged(e, 300);
  });
  document.addEventListener('change', function (e) {
    if (e.target.tagName === 'SELECT' || e.target.type === 'text') filtersChanged(e, 0);
  });

  // Going back or forward restores the page from htmx's history, whose copy holds the
  // fields as first rendered; set them from the address, which holds the filters.
  function syncFilters() {
    var params = new URLSearchParams(location.search);
    document.querySelectorAll('[data-filter-form]').forEach(function (form) {
      var seen = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.type === 'submit' || el.type === 'button') return;
        var values = params.getAll(el.name);
        var i = seen[el.name] || 0;
        seen[el.name] = i + 1;
        el.value = i < values.length ? values[i] : '';
      });
      form.dataset.lastQuery = formQuery(form);
    });
  }
  document.body.addEventListener('htmx:historyRestore', syncFilters);

  // A filter form leaves its empty fields out of the address it asks for and pushes, so
  // that the address holds only the filters in use.
  document.body.addEventListener('htmx:configRequest', function (e) {
    if (!e.detail.elt.matches || !e.detail.elt.matches('[data-filter-form]')) return;
    var params = e.detail.parameters;
    Object.keys(params).forEach(function (name) {
      var value = params[name];
      if (Array.isArray(value)) {
        var kept = value.filter(function (v) { return v !== ''; });
        if (kept.length !== value.length) params[name] = kept;
        if (kept.length === 0) delete params[name];
      } else if (value === '') {
        delete params[name];
      }
    });
  });

  // Choosing a colour in the picker chooses the custom colour over the presets.
  document.addEventListener('input', function (e) {
    if (!e.target.matches('input[name="color_custom"]')) return;
    var custom = e.target.form && e.target.form.querySelector('input[name="color"][value="custom"]');
    if (custom) custom.checked = true;
  });

  document.addEventListener('click', function (e) {
    var close = e.target.closest('[data-toast-close]');
    if (close) dismiss(close.closest('[data-toast]'));
  });

  // init brings newly rendered markup in line with the current state.
  function init() {
    document.querySelectorAll('[data-toast]').forEach(armToast);
    document.querySelectorAll('[data-filter-form]').forEach(function (form) {
      if (!form.dataset.lastQuery) form.dataset.lastQuery = formQuery(form);
    });
    document.querySelectorAll(SWITCHER).forEach(function (d) {
      var box = d.querySelector(SEARCH);
      if (box) box.setAttribute('aria-expanded', String(d.open));
    });
    applyTheme();
  }

  document.body.addEventListener('htmx:load', init);
  init();

  // Live events. When <body> carries data-events-url (campaign pages set it to
  // /api/campaigns/<id>/events), one EventSource is opened for the tab and every event of
  // the stream is re-dispatched on document.body as a CustomEvent named "clawops:" plus the
  // event's name with dots turned into dashes ("run.finished" -> "clawops:run-finished"),
  // whose detail is the event's parsed JSON. htmx elements refresh themselves with
  // hx-trigger="clawops:activity-created from:body".
  //
  // Two helpers build on it:
  // - run.log events, whose detail is {"runId", "line", "seq"}, append the line as text to
  //   every element [data-run-log="<runId>"], which stays scrolled to the bottom if it was
  //   there; a line whose seq an element has already shown is skipped.
  // - an element with an id, data-refresh-on="<event name>" (e.g. "metrics.updated") and
  //   data-refresh-every="<ms>" receives an htmx "refresh" event at most once per interval:
  //   the first at once, and one more at the end of the interval if others arrived meanwhile,
  //   so that the last change is never missed. Its hx-trigger is "refresh".
  // The stream closes when the page is hidden for good (pagehide) and reopens if the page
  // comes back from the back-forward cache.
  var stream = null;

  function eventName(type) {
    return 'clawops:' + type.replace(/\./g, '-');
  }

  function appendLog(detail) {
    if (!detail || typeof detail.runId !== 'string' || typeof detail.line !== 'string') return;
    var sel = '[data-run-log="' + CSS.escape(detail.runId) + '"]';
    document.querySelectorAll(sel).forEach(function (el) {
      var seq = Number(detail.seq);
      if (seq && Number(el.getAttribute('data-run-log-seq')) >= seq) return;
      var atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 4;
      el.appendChild(document.createTextNode(detail.line.replace(/\n?$/, '\n')));
      if (seq) el.setAttribute('data-run-log-seq', String(seq));
      if (atBottom) el.scrollTop = el.scrollHeight;
    });
  }

  // Throttle state by element id, so that an element swapped for its own refreshed copy keeps
  // the pace of the one it replaced.
  var refreshing = {};

  function refreshLater(el) {
    var key = el.id;
    if (!key) return;
    if (refreshing[key]) {
      refreshing[key].pending = true;
      return;
    }
    var every = Number(el.getAttribute('data-refresh-every')) || 0;
    var state = refreshing[key] = { pending: false };
    htmx.trigger(el, 'refresh');
    (function wait() {
      setTimeout(function () {
        var cur = document.getElementById(key);
        if (!state.pending || !cur) return delete refreshing[key];
        state.pending = false;
        htmx.trigger(cur, 'refresh');
        wait();
      }, every);
    })();
  }

  function dispatch(type, raw) {
    var detail = null;
    try {
      detail = JSON.parse(raw);
    } catch (err) {
      return;
    }
    if (type === 'run.log') appendLog(detail);
    document.body.dispatchEvent(new CustomEvent(eventName(type), { detail: detail }));
    document.querySelectorAll('[data-refresh-on]').forEach(function (el) {
      if (el.getAttribute('data-refresh-on') === type && window.htmx) refreshLater(el);
    });
  }

  // The stream's event names: an EventSource only reports the names it listens for, so this
  // list follows the events the server publishes (API.md, GET /api/campaigns/:id/events).
  var EVENTS = ['run.started', 'run.log', 'run.finished', 'activity.created',
    'metrics.updated', 'data.changed', 'import.progress'];

  function openStream() {
    var url = document.body.getAttribute('data-events-url');
    if (!url || stream || !window.EventSource) return;
    stream = new EventSource(url);
    EVENTS.forEach(function (type) {
      stream.addEventListener(type, function (e) { dispatch(type, e.data); });
    });
    stream.addEventListener('open', function () {
      document.body.setAttribute('data-events', 'open');
    });
    // The server ends the stream when the viewer's access ends (signed out, disabled, taken
    // out of the campaign); loading the page again shows where that leaves them.
    stream.addEventListener('closed', function () {
      stream.close();
      stream = null;
      window.location.reload();
    });
  }

  window.addEventListener('pagehide', function () {
    if (!stream) return;
    stream.close();
    stream = null;
    document.body.removeAttribute('data-events');
  });
  window.addEventListener('pageshow', function (e) {
    if (e.persisted) openStream();
  });
  openStream();

  // The phone navigation scrolls sideways; bring the current page's link into view.
  document.querySelectorAll('[data-nav-scroll] [aria-current="page"]').forEach(function (a) {
    var row = a.closest('[data-nav-scroll]');
    row.scrollLeft = a.offsetLeft - (row.clientWidth - a.offsetWidth) / 2;
  });
})();
