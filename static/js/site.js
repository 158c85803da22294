/* jjjtalent portals: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
  function t(zhText, enText) { return zh ? zhText : enText; }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  /* --- header menu on small screens --------------------------------------------------------- */
  function initNav() {
    var btn = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (!btn || !nav) return;
    document.documentElement.classList.add("js");
    btn.addEventListener("click", function () {
      var open = btn.getAttribute("aria-expanded") === "true";
      btn.setAttribute("aria-expanded", open ? "false" : "true");
      nav.classList.toggle("open", !open);
    });
    $all("select[data-autosubmit]").forEach(function (s) {
      s.addEventListener("change", function () { s.form.submit(); });
    });
  }

  /* --- one submission per form (the server also refuses a reused form token) ------------------ */
  function initOnce() {
    $all("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        if (ev.defaultPrevented) return;
        if (form.dataset.sending) { ev.preventDefault(); return; }
        form.dataset.sending = "1";
        var sub = ev.submitter;
        if (sub && sub.name) {
          var keep = document.createElement("input");
          keep.type = "hidden"; keep.name = sub.name; keep.value = sub.value;
          form.appendChild(keep);
        }
        setTimeout(function () {
          $all("button[type=submit], input[type=submit]", form).forEach(function (b) {
            b.disabled = true; b.setAttribute("aria-busy", "true");
          });
          if (sub) sub.textContent = t("正在提交…", "Sending…");
        }, 0);
        // if the page stays (e.g. the network failed), allow another try after a while
        setTimeout(function () {
          delete form.dataset.sending;
          $all("button[type=submit]", form).forEach(function (b) { b.disabled = false; b.removeAttribute("aria-busy"); });
        }, 15000);
      });
    });
  }

  /* --- 统一社会信用代码 check, mirroring registry.identifiers.validate_credit_code ------------- */
  var CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  function creditCheck(raw) {
    var code = (raw || "").replace(/[\s\-()（）]/g, "").toUpperCase();
    if (!code) return { ok: null, msg: "" };
    var bad = [];
    for (var i = 0; i < code.length; i++) {
      if (CREDIT_ALPHABET.indexOf(code[i]) < 0 && bad.indexOf(code[i]) < 0) bad.push(code[i]);
    }
    if (bad.length) return { ok: false, msg: t("含有不允许的字符：" + bad.sort().join("、") + "（不使用I、O、Z、S、V）", "Characters not allowed: " + bad.join(", ") + " (I, O, Z, S, V are never used)") };
    if (code.length !== 18) return { ok: false, msg: t("应为18位，当前为" + code.length + "位", "Must be 18 characters, now " + code.length) };
    var total = 0;
    for (var j = 0; j < 17; j++) total += CREDIT_ALPHABET.indexOf(code[j]) * CREDIT_WEIGHTS[j];
    var expected = CREDIT_ALPHABET[(31 - total % 31) % 31];
    if (code[17] !== expected) return { ok: false, msg: t("校验位不正确，请核对后重新输入", "The check character is wrong; please check the code") };
    return { ok: true, msg: t("格式和校验位正确", "Format and check character are valid") };
  }
  window.jjjCreditCheck = creditCheck;
  function initCredit() {
    $all("input[data-credit-code]").forEach(function (input) {
      var out = document.getElementById("credit-check");
      if (out) input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " credit-check").trim());
      function run() {
        var r = creditCheck(input.value);
        if (!out) return;
        out.textContent = r.msg;
        out.className = "live-check" + (r.ok === true ? " ok" : r.ok === false ? " bad" : "");
        if (r.ok === false && input.value.replace(/\s/g, "").length >= 18) input.setAttribute("aria-invalid", "true");
        else if (r.ok === true) input.removeAttribute("aria-invalid");
      }
      input.addEventListener("input", run);
      input.addEventListener("blur", run);
      if (input.value) run();
    });
  }

  /* --- searchable pickers over the reference code trees ---------------------------------------- */
  var pickerSeq = 0;
  function initPicker(input) {
    var kind = input.dataset.picker, multiple = !!input.dataset.multiple;
    var labels = {};
    try { labels = JSON.parse(input.dataset.labels || "{}"); } catch (e) { labels = {}; }
    var id = input.id || ("picker" + (++pickerSeq));
    var codes = (input.value || "").split(",").map(function (s) { return s.trim(); }).filter(Boolean);

    var wrap = document.createElement("div");
    wrap.className = "picker";
    var chips = document.createElement("ul");
    chips.className = "chips";
    chips.setAttribute("aria-label", t("已选择", "Selected"));
    var box = document.createElement("input");
    box.type = "text";
    box.id = id;  // the visible search box takes the field's id so its <label for> names it
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("aria-controls", id + "-list");
    box.autocomplete = "off";
    if (input.getAttribute("aria-describedby")) box.setAttribute("aria-describedby", input.getAttribute("aria-describedby"));
    if (input.getAttribute("aria-invalid")) box.setAttribute("aria-invalid", input.getAttribute("aria-invalid"));
    box.placeholder = t("输入名称、拼音或代码搜索", "Type a name or code to search");
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.setAttribute("role", "listbox");
    list.className = "options";
    list.hidden = true;
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");

    input.id = id + "-codes";
    input.type = "hidden";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(chips); wrap.appendChild(box); wrap.appendChild(list); wrap.appendChild(live); wrap.appendChild(input);

    var results = [], active = -1, timer = null, seq = 0;

    function sync() {
      input.value = codes.join(",");
      chips.innerHTML = "";
      codes.forEach(function (code) {
        var li = document.createElement("li");
        li.className = "chip";
        var name = labels[code] || "";
        li.appendChild(document.createTextNode((name ? name + " " : "") + code));
        var rm = document.createElement("button");
        rm.type = "button";
        rm.className = "chip-x";
        rm.setAttribute("aria-label", t("移除 ", "Remove ") + (name || code));
        rm.textContent = "×";
        rm.addEventListener("click", function () { codes = codes.filter(function (c) { return c !== code; }); sync(); box.focus(); });
        li.appendChild(rm);
        chips.appendChild(li);
      });
      if (!multiple) box.value = codes.length ? "" : box.value;
      chips.hidden = !codes.length;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    input._pickerSet = function (newCodes, newLabels) {
      codes = newCodes.slice(0, multiple ? 50 : 1);
      Object.keys(newLabels || {}).forEach(function (k) { labels[k] = newLabels[k]; });
      sync();
    };
    input._pickerLabels = function () { return labels; };

    function close() { list.hidden = true; box.setAttribute("aria-expanded", "false"); box.removeAttribute("aria-activedescendant"); active = -1; }
    function choose(i) {
      var r = results[i];
      if (!r) return;
      labels[r.code] = r.name;
      if (multiple) { if (codes.indexOf(r.code) < 0) codes.push(r.code); }
      else codes = [r.code];
      box.value = "";
      close();
      sync();
      live.textContent = t("已选择 ", "Selected ") + r.name;
    }
    function highlight(i) {
      var items = $all("li", list);
      items.forEach(function (li, k) { li.setAttribute("aria-selected", k === i ? "true" : "false"); });
      active = i;
      if (items[i]) { box.setAttribute("aria-activedescendant", items[i].id); items[i].scrollIntoView({ block: "nearest" }); }
    }
    function render() {
      list.innerHTML = "";
      results.forEach(function (r, i) {
        var li = document.createElement("li");
        li.id = id + "-opt-" + i;
        li.setAttribute("role", "option");
        li.dataset.code = r.code;
        li.innerHTML = "";
        var strong = document.createElement("span"); strong.className = "opt-name"; strong.textContent = r.name;
        var small = document.createElement("span"); small.className = "opt-meta"; small.textContent = r.code + (r.context ? " · " + r.context : "");
        li.appendChild(strong); li.appendChild(small);
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = !results.length;
      box.setAttribute("aria-expanded", results.length ? "true" : "false");
      live.textContent = results.length ? t("找到 " + results.length + " 项，用上下键选择，回车确认", results.length + " results; use arrow keys and Enter") : t("没有匹配项", "No match");
      active = -1;
    }
    function search() {
      var q = box.value.trim();
      if (!q) { results = []; render(); close(); return; }
      var mine = ++seq;
      fetch("/portal/codes/" + encodeURIComponent(kind) + "/?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) { if (mine === seq) { results = data.results || []; render(); } })
        .catch(function () { live.textContent = t("搜索暂不可用，可直接输入代码", "Search unavailable; type the code"); });
    }
    box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 150); });
    box.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown") { ev.preventDefault(); if (list.hidden) search(); else highlight(Math.min(active + 1, results.length - 1)); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (ev.key === "Enter") { if (!list.hidden && results.length) { ev.preventDefault(); choose(active >= 0 ? active : 0); } }
      else if (ev.key === "Escape") { close(); }
      else if (ev.key === "Backspace" && !box.value && codes.length && multiple) { codes.pop(); sync(); }
    });
    box.addEventListener("blur", function () { setTimeout(close, 150); });
    sync();
  }
  function initPickers(root) { $all("input[data-picker]", root).forEach(initPicker); }

  /* --- drafts: a long form is kept in this browser until the server confirms it was saved -------- */
  var SECRET = /^(csrfmiddlewaretoken|form_token|id_number|mobile|password.*|new_password.*|old_password)$/;
  function draftKey(form) { return "jjj-draft:" + form.dataset.draft; }
  function collect(form) {
    var data = { fields: {}, labels: {}, at: Date.now() };
    $all("input, select, textarea", form).forEach(function (el) {
      if (!el.name || SECRET.test(el.name) || el.type === "submit" || el.type === "button" || el.type === "file") return;
      if (el.type === "checkbox" || el.type === "radio") {
        if (!data.fields[el.name]) data.fields[el.name] = [];
        if (el.checked) data.fields[el.name].push(el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        data.fields[el.name] = $all("option", el).filter(function (o) { return o.selected; }).map(function (o) { return o.value; });
      } else {
        data.fields[el.name] = el.value;
      }
      if (el._pickerLabels) data.labels[el.name] = el._pickerLabels();
    });
    return data;
  }
  function apply(form, data) {
    Object.keys(data.fields).forEach(function (name) {
      var value = data.fields[name];
      $all("[name='" + name + "']", form).forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") el.checked = value.indexOf(el.value) >= 0;
        else if (el._pickerSet) el._pickerSet(String(value).split(",").filter(Boolean), data.labels[name] || {});
        else if (el.type !== "hidden") el.value = value;
      });
    });
  }
  function initDrafts() {
    $all("[data-clear-draft]").forEach(function (msg) {
      try { localStorage.removeItem("jjj-draft:" + msg.dataset.clearDraft); } catch (e) { /* storage off */ }
    });
    $all("form[data-draft]").forEach(function (form) {
      var key = draftKey(form), timer = null;
      var stored = null;
      try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
      if (stored && form.hasAttribute("data-draft-restore")) {
        apply(form, stored);
        var note = document.createElement("div");
        note.className = "msg info draft-note";
        note.setAttribute("role", "status");
        var when = new Date(stored.at);
        note.appendChild(document.createTextNode(t("已恢复您在 " + when.toLocaleString("zh-CN") + " 未提交的内容（保存在本浏览器）。", "Restored what you typed at " + when.toLocaleString() + " (kept in this browser). ")));
        var discard = document.createElement("button");
        discard.type = "button"; discard.className = "link";
        discard.textContent = t("清空并重新填写", "Discard and start again");
        discard.addEventListener("click", function () { localStorage.removeItem(key); window.location.reload(); });
        note.appendChild(discard);
        form.parentNode.insertBefore(note, form);
      }
      function save() { try { localStorage.setItem(key, JSON.stringify(collect(form))); } catch (e) { /* full or off */ } }
      form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(save, 300); });
      form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(save, 300); });
      form.addEventListener("submit", save);
    });
  }

  /* --- the guided multi-step demand form ---------------------------------------------------- */
  function initSteps() {
    $all("form[data-steps]").forEach(function (form) {
      var steps = $all("fieldset.step", form);
      var labels = $all(".stepper li", form);
      form.classList.add("stepping");
      function missing(step) {
        var bad = [];
        $all(".field.required", step).forEach(function (f) {
          var boxes = $all("input[type=checkbox], input[type=radio]", f);
          var inputs = $all("input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea", f);
          var hidden = $all("input[type=hidden]", f);
          var filled;
          if (boxes.length) filled = boxes.some(function (b) { return b.checked; });
          else if (hidden.length) filled = hidden.some(function (h) { return h.value.trim(); });
          else filled = inputs.some(function (i) { return i.value.trim(); });
          if (!filled) bad.push(f);
        });
        return bad;
      }
      function show(n, focus) {
        steps.forEach(function (s) { s.hidden = s.dataset.step !== String(n); });
        labels.forEach(function (l) {
          if (l.dataset.stepLabel === String(n)) l.setAttribute("aria-current", "step"); else l.removeAttribute("aria-current");
          l.classList.toggle("done", Number(l.dataset.stepLabel) < n);
        });
        if (String(n) === "4") summarise();
        var cur = steps.filter(function (s) { return !s.hidden; })[0];
        if (focus && cur) { var leg = cur.querySelector("legend"); if (leg) { leg.tabIndex = -1; leg.focus(); } }
        form.dataset.current = n;
      }
      function summarise() {
        var box = form.querySelector("[data-summary]");
        if (!box) return;
        var dl = document.createElement("dl");
        dl.className = "facts";
        $all(".step .field", form).forEach(function (f) {
          var label = f.querySelector("label, legend");
          var hidden = f.querySelector("input[type=hidden][data-picker]");
          var text = "";
          if (hidden) {
            var map = hidden._pickerLabels ? hidden._pickerLabels() : {};
            text = hidden.value.split(",").filter(Boolean).map(function (c) { return (map[c] || "") + " " + c; }).join("、");
          } else {
            var checked = $all("input[type=checkbox]:checked, input[type=radio]:checked", f);
            if (checked.length) text = checked.map(function (c) { return c.parentNode.textContent.trim(); }).join("、");
            else {
              var el = f.querySelector("select, textarea, input:not([type=checkbox]):not([type=radio])");
              if (el && el.tagName === "SELECT") text = el.options[el.selectedIndex] ? el.options[el.selectedIndex].text : "";
              else if (el) text = el.value;
            }
          }
          if (!text || !label) return;
          var dt = document.createElement("dt"); dt.textContent = label.textContent.replace("*", "").replace(/（.*必填.*）|\(required\)/, "").trim();
          var dd = document.createElement("dd"); dd.textContent = text;
          dl.appendChild(dt); dl.appendChild(dd);
        });
        box.innerHTML = "";
        box.appendChild(dl);
      }
      $all("[data-next]", form).forEach(function (b) {
        b.addEventListener("click", function () {
          var step = b.closest("fieldset.step");
          var bad = missing(step);
          $all(".client-error", step).forEach(function (e) { e.remove(); });
          if (bad.length) {
            bad.forEach(function (f) {
              var p = document.createElement("p");
              p.className = "errors client-error";
              p.textContent = t("此项为必填项，请填写后再继续", "This field is required");
              f.appendChild(p);
            });
            var first = bad[0].querySelector("input:not([type=hidden]), select, textarea");
            // the message is read with the field
            bad.forEach(function (f) {
              var el = f.querySelector("input:not([type=hidden]), select, textarea");
              var msg = f.querySelector(".client-error");
              if (el && msg) { msg.id = (el.id || el.name) + "_client_error"; el.setAttribute("aria-invalid", "true"); el.setAttribute("aria-describedby", ((el.getAttribute("aria-describedby") || "") + " " + msg.id).trim()); }
            });
            if (first) first.focus();
            return;
          }
          show(Number(step.dataset.step) + 1, true);
        });
      });
      $all("[data-prev]", form).forEach(function (b) {
        b.addEventListener("click", function () { show(Number(b.closest("fieldset.step").dataset.step) - 1, true); });
      });
      // after a server-side error, open the first step that has one
      var firstError = form.querySelector(".field.has-error");
      var start = firstError ? firstError.closest("fieldset.step").dataset.step : (document.querySelector(".form-errors") ? "4" : "1");
      show(start, false);
    });
  }

  function initErrors() {
    var box = document.getElementById("form-errors");
    if (box) box.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    initNav();
    initPickers(document);
    initCredit();
    initDrafts();
    initSteps();
    initOnce();
    initErrors();
  });
})();
