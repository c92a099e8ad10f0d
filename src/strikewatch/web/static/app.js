/* strikewatch: small progressive enhancements of the server-rendered pages.
 *
 * Plain ES2017, no build step, no modules, no inline handlers: the pages run
 * under a strict Content-Security-Policy. Every behaviour applies only where
 * its elements exist, and every page works without this file.
 */
(function () {
  'use strict';

  var FLASH_MS = 2000;

  function all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  function reducedMotion() {
    return Boolean(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  }

  // a. Figures and their source spans on the incident page. A row
  // [data-span-target="doc-17-span-3"] points at <mark id="doc-17-span-3">
  // in the source text; a mark with data-figure lights up its rows on hover.
  function initSpans() {
    var rows = all('[data-span-target]');
    if (!rows.length) return;
    var timers = {};

    function flash(target) {
      var id = target.id;
      if (timers[id]) clearTimeout(timers[id]);
      target.classList.remove('flash');
      void target.offsetWidth; // restart the animation on a repeated click
      target.classList.add('flash');
      timers[id] = setTimeout(function () {
        target.classList.remove('flash');
        delete timers[id];
      }, FLASH_MS);
    }

    function activate(row) {
      var target = document.getElementById(row.getAttribute('data-span-target'));
      rows.forEach(function (other) {
        if (other !== row) other.classList.remove('active');
      });
      row.classList.add('active');
      if (!target) return;
      target.scrollIntoView({ behavior: reducedMotion() ? 'auto' : 'smooth', block: 'center' });
      flash(target);
    }

    rows.forEach(function (row) {
      if (!row.hasAttribute('tabindex')) row.setAttribute('tabindex', '0');
      row.addEventListener('click', function (event) {
        // Links, buttons and form fields inside the row keep their own job.
        if (event.target.closest && event.target.closest('a, button, input, select, textarea, label')) return;
        activate(row);
      });
      row.addEventListener('keydown', function (event) {
        if (event.key !== 'Enter' || event.target !== row) return;
        event.preventDefault();
        activate(row);
      });
    });

    function rowsFor(mark) {
      var id = mark.id;
      if (!id) return [];
      return rows.filter(function (row) { return row.getAttribute('data-span-target') === id; });
    }

    all('mark[data-figure]').forEach(function (mark) {
      mark.addEventListener('mouseenter', function () {
        rowsFor(mark).forEach(function (row) { row.classList.add('linked'); });
      });
      mark.addEventListener('mouseleave', function () {
        rowsFor(mark).forEach(function (row) { row.classList.remove('linked'); });
      });
    });
  }

  // b. Forms with data-confirm-field ask for a typed confirmation that the
  // server checks. Deliberately nothing here: no window.confirm() dialog.

  // c. The filter form submits itself when a select changes (it has a submit
  // button for use without JavaScript).
  function initFilters() {
    var form = document.getElementById('filters');
    if (!form || form.tagName !== 'FORM') return;
    form.addEventListener('change', function (event) {
      if (!event.target || event.target.tagName !== 'SELECT') return;
      if (typeof form.requestSubmit === 'function') {
        form.requestSubmit();
      } else {
        form.submit();
      }
    });
  }

  // d. The first [data-autofocus] element takes the focus.
  function initAutofocus() {
    var target = document.querySelector('[data-autofocus]');
    if (target && typeof target.focus === 'function') target.focus();
  }

  function init() {
    initSpans();
    initFilters();
    initAutofocus();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
