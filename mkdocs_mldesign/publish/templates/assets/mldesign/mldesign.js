/*
 * mkdocs-mldesign: sorting and filtering for the designs overview.
 *
 * Enhances every table.mldesign-overview: reveals the filter controls (rendered
 * `hidden`, so without JavaScript the page is a plain table), sorts on a click on
 * any column header, filters rows by status and by free text, says how many
 * designs are shown, and, when the table is wider than the screen, names the
 * columns scrolled out of sight. No dependencies, no network. Works with
 * Material's instant navigation (document$) and does nothing on pages without
 * the table.
 */
(function () {
  "use strict";

  var collator = typeof Intl !== "undefined" && Intl.Collator
    ? new Intl.Collator(undefined, { numeric: true, sensitivity: "base" })
    : null;

  function sortValue(cell) {
    if (!cell) {
      return { empty: true, number: NaN, text: "" };
    }
    var raw = cell.getAttribute("data-sort");
    var text = (raw !== null ? raw : cell.textContent || "").trim();
    var number = raw !== null && text !== "" ? Number(text) : NaN;
    return { empty: text === "", number: number, text: text.toLowerCase() };
  }

  function compare(a, b) {
    // Empty cells always go last, whatever the direction (handled by the caller).
    if (!isNaN(a.number) && !isNaN(b.number)) {
      return a.number - b.number;
    }
    if (collator) {
      return collator.compare(a.text, b.text);
    }
    return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  }

  function sortBy(table, header) {
    var body = table.tBodies[0];
    if (!body) {
      return;
    }
    var index = header.cellIndex;
    var descending = header.getAttribute("aria-sort") === "ascending";
    var headers = header.parentNode.children;
    for (var i = 0; i < headers.length; i++) {
      if (headers[i] !== header) {
        headers[i].removeAttribute("aria-sort");
      }
    }
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");

    var rows = Array.prototype.slice.call(body.rows).map(function (row, position) {
      return { row: row, value: sortValue(row.cells[index]), position: position };
    });
    rows.sort(function (a, b) {
      if (a.value.empty !== b.value.empty) {
        return a.value.empty ? 1 : -1;
      }
      var order = compare(a.value, b.value);
      if (descending) {
        order = -order;
      }
      return order || a.position - b.position;
    });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (entry) {
      fragment.appendChild(entry.row);
    });
    body.appendChild(fragment);
  }

  // "3 of 10 designs shown", in the page's language: the overview writes the label's
  // two forms (data-mldesign-one, data-mldesign-other) and the language's plural rule
  // picks one by the total.
  var plurals = (function () {
    try {
      return new Intl.PluralRules(document.documentElement.lang || undefined);
    } catch (error) {
      return null; // no Intl, or a language code it does not know
    }
  })();

  function countText(output, shown, total) {
    var one = plurals ? plurals.select(total) === "one" : total === 1;
    var text = output.getAttribute(one ? "data-mldesign-one" : "data-mldesign-other") ||
      "{shown} of {count} designs shown";
    return text.replace("{shown}", String(shown)).replace("{count}", String(total));
  }

  function findControls(table) {
    var node = table.parentNode;
    while (node && node.nodeType === 1) {
      var controls = node.querySelector(".mldesign-overview__controls");
      if (controls) {
        return controls;
      }
      if (node.classList.contains("mldesign-index")) {
        break;
      }
      node = node.parentNode;
    }
    return null;
  }

  // A table wider than the screen scrolls sideways in its wrapper, under its first
  // columns (the stylesheet keeps them in place). A line above it names the columns out
  // of sight, from the wrapper's translated text (data-mldesign-more, with {columns}),
  // and is hidden when every column is in sight. Screen readers read every column
  // anyway, so it is aria-hidden.
  function nameHiddenColumns(table) {
    var wrapper = table.parentNode;
    var text = wrapper && wrapper.nodeType === 1 ? wrapper.getAttribute("data-mldesign-more") : null;
    var head = table.tHead;
    if (!text || !head || !head.rows.length) {
      return;
    }
    var headers = head.rows[head.rows.length - 1].cells;
    var hint = document.createElement("p");
    hint.className = "mldesign-scroll__more";
    hint.setAttribute("aria-hidden", "true");
    hint.hidden = true;
    wrapper.parentNode.insertBefore(hint, wrapper);

    function update() {
      var view = wrapper.getBoundingClientRect();
      var start = view.left + wrapper.clientLeft;
      var end = start + wrapper.clientWidth;
      // The columns that stay in place cover what scrolls under them.
      var fixed = Array.prototype.map.call(headers, function (header) {
        return window.getComputedStyle(header).position === "sticky";
      });
      var open = start;
      Array.prototype.forEach.call(headers, function (header, i) {
        if (fixed[i]) {
          open = Math.max(open, header.getBoundingClientRect().right);
        }
      });
      var names = [];
      Array.prototype.forEach.call(headers, function (header, i) {
        var box = header.getBoundingClientRect();
        if (box.width > 0 && (box.left < (fixed[i] ? start : open) - 1 || box.right > end + 1)) {
          names.push((header.textContent || "").trim());
        }
      });
      hint.hidden = names.length === 0;
      // A function, so a `$` in a column's name is not read as a pattern.
      hint.textContent = names.length ? text.replace("{columns}", function () {
        return names.join(", ");
      }) : "";
    }

    var pending = false;
    function schedule() {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(function () {
          pending = false;
          update();
        });
      }
    }

    wrapper.addEventListener("scroll", schedule, { passive: true });
    if (typeof window.ResizeObserver === "function") {
      // The window's width, and the table's, which filtering changes.
      var observer = new window.ResizeObserver(schedule);
      observer.observe(wrapper);
      observer.observe(table);
    } else {
      window.addEventListener("resize", schedule);
    }
    update();
  }

  function enhance(table) {
    if (table.getAttribute("data-mldesign-enhanced") === "true") {
      return;
    }
    table.setAttribute("data-mldesign-enhanced", "true");

    var head = table.tHead;
    if (head && head.rows.length) {
      var cells = head.rows[head.rows.length - 1].cells;
      Array.prototype.forEach.call(cells, function (header) {
        var button = header.querySelector("button.mldesign-sort");
        if (!button) {
          button = document.createElement("button");
          button.type = "button";
          button.className = "mldesign-sort";
          while (header.firstChild) {
            button.appendChild(header.firstChild);
          }
          header.appendChild(button);
        }
        // On the whole cell, not only the button: a click anywhere in the header
        // sorts, and the button's own click (Enter, Space) bubbles up to here.
        header.addEventListener("click", function () {
          sortBy(table, header);
        });
      });
    }
    nameHiddenColumns(table);

    var controls = findControls(table);
    if (!controls) {
      return;
    }
    // Each select filters on the row attribute it names: data-mldesign-filter="status"
    // keeps the rows whose data-mldesign-status is the chosen value.
    var selects = controls.querySelectorAll("select[data-mldesign-filter]");
    var search = controls.querySelector('[data-mldesign-filter="text"]');
    var count = controls.querySelector(".mldesign-overview__count");

    function filter() {
      var needle = search ? search.value.trim().toLowerCase() : "";
      var rows = table.tBodies.length ? table.tBodies[0].rows : [];
      var shown = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var chosen = Array.prototype.every.call(selects, function (select) {
          var attribute = "data-mldesign-" + select.getAttribute("data-mldesign-filter");
          return !select.value || row.getAttribute(attribute) === select.value;
        });
        var visible = chosen && (!needle || (row.textContent || "").toLowerCase().indexOf(needle) !== -1);
        row.hidden = !visible;
        if (visible) {
          shown += 1;
        }
      });
      if (count) {
        count.textContent = countText(count, shown, rows.length);
      }
    }

    Array.prototype.forEach.call(selects, function (select) {
      select.addEventListener("change", filter);
    });
    if (search) {
      search.addEventListener("input", filter);
    }
    controls.hidden = false;
    filter();
  }

  // Material's search dialog has no accessible name; give it the search field's own
  // (translated) label, so a screen reader says what the dialog is.
  function nameSearchDialog() {
    var dialog = document.querySelector('.md-search[role="dialog"]');
    var input = dialog && dialog.querySelector("input");
    if (dialog && input && !dialog.hasAttribute("aria-label") && !dialog.hasAttribute("aria-labelledby")) {
      dialog.setAttribute("aria-label", input.getAttribute("aria-label") || input.getAttribute("placeholder") || "Search");
    }
  }

  function init() {
    nameSearchDialog();
    var tables = document.querySelectorAll("table.mldesign-overview");
    Array.prototype.forEach.call(tables, enhance);
    // The coverage matrix is not sorted, but it is as wide: it names its columns out of
    // sight the same way.
    Array.prototype.forEach.call(document.querySelectorAll("table.mldesign-matrix"), function (matrix) {
      if (matrix.getAttribute("data-mldesign-enhanced") !== "true") {
        matrix.setAttribute("data-mldesign-enhanced", "true");
        nameHiddenColumns(matrix);
      }
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    // Material for MkDocs: fires on the first load and after every instant navigation.
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
