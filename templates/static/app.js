// Savoirs: suggestions while typing, and results that follow the search box on
// the results page. Every page works without this script; it only adds to the
// search forms. No framework, no external asset.
(function () {
  "use strict";

  var KINDS = {
    action: "Fiche action",
    method: "Méthode",
    resource: "Ressource",
    partner: "Partenaire",
    keyword: "Mot-clé"
  };

  function debounce(fn, ms) {
    var timer;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  // What changes without a page load is said aloud by screen readers through
  // one polite status region, outside <main> since instant results replace it.
  // It is in the page from the start: screen readers ignore a region that
  // appears with its text already in it.
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);
  function announce(text) {
    status.textContent = text;
  }

  // An ARIA combobox: the input owns a listbox of suggestions, navigated with
  // the arrow keys, chosen with Enter, closed with Escape.
  function combobox(input, n) {
    var list = document.createElement("ul");
    list.id = "suggestions-" + n;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    // Labels come from the page, in its language (data-label-… on the form).
    var labels = input.form.dataset;
    list.setAttribute("aria-label", labels.labelSuggestions || "Suggestions");
    list.hidden = true;
    input.form.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var items = [];
    var active = -1;
    var asked = 0;

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function select(i) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (o, j) {
        o.setAttribute("aria-selected", j === i ? "true" : "false");
      });
      active = i;
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", options[i].id);
      }
    }

    function render(suggestions) {
      // A late answer must not lose the option the keyboard is on.
      var kept = active >= 0 ? items[active].url : null;
      close();
      if (!suggestions.length) {
        return;
      }
      items = suggestions;
      suggestions.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var kind = document.createElement("span");
        kind.className = "kind";
        var key = "label" + s.kind.charAt(0).toUpperCase() + s.kind.slice(1);
        kind.textContent = labels[key] || KINDS[s.kind] || s.kind;
        li.appendChild(kind);
        li.appendChild(document.createTextNode(" " + s.label));
        li.addEventListener("mousedown", function (e) {
          e.preventDefault();
          window.location.href = s.url;
        });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      var n = suggestions.length;
      var count = n > 1 ? labels.labelCountMany || "{n} suggestions" : labels.labelCountOne || "1 suggestion";
      announce(count.replace("{n}", n));
      suggestions.forEach(function (s, i) {
        if (s.url === kept) {
          select(i);
        }
      });
    }

    var ask = debounce(function () {
      var q = input.value;
      if (q.trim().length < 2) {
        close();
        return;
      }
      var mine = ++asked;
      fetch("/api/v1/suggest?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" }
      })
        .then(function (r) {
          return r.ok ? r.json() : { suggestions: [] };
        })
        .then(function (data) {
          if (mine === asked) {
            render(data.suggestions || []);
          }
        })
        .catch(close);
    }, 120);

    input.addEventListener("input", ask);
    input.addEventListener("keydown", function (e) {
      if (list.hidden || !items.length) {
        // After Escape, the down arrow opens the list again.
        if (e.key === "ArrowDown" && input.value.trim().length >= 2) {
          e.preventDefault();
          ask();
        }
        return;
      }
      if (e.key === "ArrowDown") {
        e.preventDefault();
        select((active + 1) % items.length);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        select((active - 1 + items.length) % items.length);
      } else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        window.location.href = items[active].url;
      } else if (e.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
  }

  // On the results page, the results follow what is typed: the page for the new
  // query is fetched and its main content swapped in; filters are kept.
  function instantResults(input) {
    var form = input.form;
    var shown = input.value;
    var asked = 0;
    var refresh = debounce(function () {
      if (input.value === shown) {
        return;
      }
      var params = new URLSearchParams();
      params.set("q", input.value);
      new URLSearchParams(window.location.search).forEach(function (v, k) {
        if (k !== "q" && k !== "page") {
          params.append(k, v);
        }
      });
      var url = form.getAttribute("action") + "?" + params.toString();
      var mine = ++asked;
      fetch(url, { headers: { Accept: "text/html" } })
        .then(function (r) {
          return r.text();
        })
        .then(function (html) {
          if (mine !== asked) {
            return;
          }
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.querySelector("main");
          var main = document.querySelector("main");
          if (fresh && main) {
            main.replaceChildren.apply(main, Array.from(fresh.childNodes));
            foldFilters();

  // A printed record shows the partners' descriptions folded on screen.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.about").forEach(function (d) {
      d.setAttribute("open", "");
    });
  });
            document.title = page.title;
            var total = main.querySelector(".total");
            if (total) {
              announce(total.textContent.trim());
            }
            window.history.replaceState(null, "", url);
            shown = params.get("q");
          }
        })
        .catch(function () {});
    }, 250);
    input.addEventListener("input", refresh);
  }

  // On a phone the filters of a results page start folded, so that the results
  // come first; without this script they stay open.
  function foldFilters() {
    if (window.matchMedia("(max-width: 50rem)").matches) {
      document.querySelectorAll("details.refine[open]").forEach(function (d) {
        d.removeAttribute("open");
      });
    }
  }
  foldFilters();

  // Record forms. Partner rows: as many as needed, added without a round
  // trip, each completing from the base (names, acronyms, other names). The
  // keywords field completes its last keyword, not only the first. Without
  // this script the form keeps its empty rows and its lists of names.
  function partnerRows(fieldset) {
    var data = fieldset.dataset;
    var names = document.getElementById("partner-names");
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = data.labelAdd || "+";
    button.addEventListener("click", function () {
      var rows = fieldset.querySelectorAll(".partner-row");
      var last = rows[rows.length - 1];
      var row = last.cloneNode(true);
      var n = rows.length;
      row.querySelectorAll("input, select").forEach(function (field) {
        var base = field.id.replace(/-\d+$/, "");
        field.id = base + "-" + n;
        if (field.tagName === "INPUT") {
          field.value = "";
          completePartner(field, names);
        } else {
          field.selectedIndex = 0;
        }
      });
      row.querySelectorAll("label").forEach(function (label) {
        var base = label.htmlFor.replace(/-\d+$/, "");
        label.htmlFor = base + "-" + n;
        if (base === "p-name" && data.labelRow) {
          label.textContent = data.labelRow.replace("{n}", n + 1);
        }
      });
      last.after(row);
      row.querySelector("input").focus();
    });
    fieldset.appendChild(button);
    fieldset.querySelectorAll(".partner-row input").forEach(function (input) {
      completePartner(input, names);
    });
  }

  // The places field: cities of the gazetteer, suggested while a name is
  // typed, are added to the field one per line with their coordinates.
  function placePicker(picker) {
    var field = document.getElementById(picker.dataset.for);
    var input = picker.querySelector("input");
    var list = picker.querySelector("datalist");
    if (!field || !input || !list) {
      return;
    }
    picker.hidden = false;
    input.addEventListener("input", debounce(function () {
      var q = input.value.trim();
      if (q.length < 2 || q.indexOf(";") >= 0) {
        return;
      }
      fetch(picker.dataset.url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) {
          return r.ok ? r.json() : [];
        })
        .then(function (cities) {
          list.textContent = "";
          cities.forEach(function (c) {
            var option = document.createElement("option");
            option.value = c.line;
            option.label = c.name + " (" + c.country + ")";
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 150));
    function add() {
      var line = input.value.trim();
      if (!line) {
        return;
      }
      var text = field.value.replace(/\s+$/, "");
      field.value = text ? text + "\n" + line : line;
      input.value = "";
      list.textContent = "";
      input.focus();
    }
    picker.querySelector("button").addEventListener("click", add);
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        add();
      }
    });
  }

  // What the base suggests for `q` (records, partners, keywords), given to `use`.
  function suggest(q, use) {
    fetch("/api/v1/suggest?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.ok ? r.json() : { suggestions: [] };
      })
      .then(function (data) {
        use(data.suggestions || []);
      })
      .catch(function () {});
  }

  // Adds to the list of partner names those the base suggests for what is typed.
  function completePartner(input, names) {
    if (!names) {
      return;
    }
    input.addEventListener("input", debounce(function () {
      var q = input.value.trim();
      if (q.length < 2) {
        return;
      }
      suggest(q, function (suggestions) {
        suggestions.forEach(function (s) {
          var known = Array.prototype.some.call(names.options, function (o) {
            return o.value === s.label;
          });
          if (s.kind === "partner" && !known) {
            var option = document.createElement("option");
            option.value = s.label;
            option.label = KINDS.partner + " — " + s.label;
            names.appendChild(option);
          }
        });
      });
    }, 150));
  }

  // The keyword list offers, for the keyword being typed, the whole field:
  // the keywords already typed, then the label.
  function keywordList(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) {
      return;
    }
    var labels = Array.prototype.map.call(list.options, function (o) {
      return o.value;
    });
    input.addEventListener("input", function () {
      var cut = input.value.lastIndexOf(",");
      var before = cut < 0 ? "" : input.value.slice(0, cut + 1) + " ";
      var typed = input.value.slice(cut + 1).trim().toLowerCase();
      list.textContent = "";
      labels
        .filter(function (l) {
          return typed.length > 0 && l.toLowerCase().indexOf(typed) >= 0;
        })
        .slice(0, 20)
        .forEach(function (l) {
          var option = document.createElement("option");
          option.value = before.replace(/\s+$/, " ").replace(/^\s+/, "") + l;
          list.appendChild(option);
        });
    });
  }

  // Related documents: a field that completes titles, with their kind, and
  // adds the one chosen as a line of the list (which stays editable).
  function relatedPicker(textarea) {
    var labels = textarea.form.dataset;
    var input = document.createElement("input");
    input.type = "text";
    input.id = textarea.id + "-pick";
    var list = document.createElement("datalist");
    list.id = textarea.id + "-choices";
    input.setAttribute("list", list.id);
    var label = document.createElement("label");
    label.htmlFor = input.id;
    label.textContent = labels.labelAddRelated || "+";
    var found = {};
    input.addEventListener("input", debounce(function () {
      var q = input.value.trim();
      if (found[q]) {
        textarea.value = (textarea.value.replace(/\s+$/, "") + "\n" + found[q]).replace(/^\n/, "");
        input.value = "";
        announce(found[q]);
        return;
      }
      if (q.length < 2) {
        return;
      }
      suggest(q, function (suggestions) {
        list.textContent = "";
        found = {};
        suggestions.forEach(function (s) {
          if (s.kind === "keyword" || s.kind === "partner") {
            return;
          }
          var option = document.createElement("option");
          option.value = s.label;
          option.label = (KINDS[s.kind] || s.kind) + " — " + s.label;
          list.appendChild(option);
          found[s.label] = s.label;
        });
      });
    }, 150));
    textarea.after(label, input, list);
  }

  // Attaching a file: dropped on its field as well as chosen, and sent with a
  // progress bar. The server answers where to go next; a refusal comes back
  // as the page, with what was typed and why.
  function uploadForm(form) {
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector(".dropzone");
    var bar = form.querySelector("progress");
    if (!input || !zone || !bar || !window.FormData) {
      return;
    }
    zone.addEventListener("dragover", function (e) {
      e.preventDefault();
      zone.classList.add("dragging");
    });
    zone.addEventListener("dragleave", function () {
      zone.classList.remove("dragging");
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("dragging");
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
      }
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = form.querySelector("button[type=submit]");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      bar.hidden = false;
      bar.value = 0;
      if (button) {
        button.disabled = true;
      }
      xhr.upload.addEventListener("progress", function (p) {
        if (p.lengthComputable) {
          bar.value = Math.round((100 * p.loaded) / p.total);
        }
      });
      xhr.addEventListener("load", function () {
        var type = xhr.getResponseHeader("Content-Type") || "";
        if (xhr.status === 200 && type.indexOf("application/json") === 0) {
          window.location.assign(JSON.parse(xhr.responseText).location);
          return;
        }
        var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var main = page.querySelector("main");
        var here = document.querySelector("main");
        if (main && here) {
          here.replaceWith(main);
          main.querySelectorAll("form.upload").forEach(uploadForm);
          var alert = main.querySelector("[role=alert]");
          if (alert) {
            alert.scrollIntoView();
          }
        } else {
          window.location.reload();
        }
      });
      xhr.addEventListener("error", function () {
        bar.hidden = true;
        if (button) {
          button.disabled = false;
        }
      });
      xhr.send(new FormData(form));
    });
  }

  document.querySelectorAll("form.upload").forEach(uploadForm);
  document.querySelectorAll("fieldset.partners").forEach(partnerRows);
  document.querySelectorAll(".place-picker[data-for]").forEach(placePicker);
  document.querySelectorAll("form.record textarea[name=related]").forEach(relatedPicker);
  document.querySelectorAll("form.record input[name=keywords]").forEach(keywordList);

  document.querySelectorAll("form.search input[name=q]").forEach(function (input, n) {
    combobox(input, n);
    if (window.location.pathname === "/search" && input.id === "q") {
      instantResults(input);
    }
  });
})();
