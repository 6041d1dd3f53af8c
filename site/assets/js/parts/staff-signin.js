// The back office's sign-in: the e-mailed link (#t=TOKEN) opens the code step, enrolling an authenticator
// app on the first sign-in (the QR code drawn as one SVG path, no image from elsewhere), then the code.
import { fragment, request } from "../lib/api.js";
import { all, showErrors } from "../lib/dom.js";
import { keepSession } from "../lib/staff.js";

// The QR code's rows ("0101...") as one SVG path, inside a quiet zone of four modules.
export function qrPath(rows) {
  var d = "";
  rows.forEach(function (row, y) { for (var x = 0; x < row.length; x++) if (row[x] === "1") d += "M" + (x + 4) + " " + (y + 4) + "h1v1h-1z"; });
  return d;
}

// page: setState(name), errorOf(answer), start() once signed in. Returns openLink(token), submitCode(form).
export function createSignin(root, page) {
  var signinToken = null;
  var setState = page.setState, errorOf = page.errorOf;
  function one(sel) { return root.querySelector(sel); }

  function drawQr(rows) {
    var svg = one("[data-qr]"), size = rows.length + 8, ns = "http://www.w3.org/2000/svg";
    all(svg, "rect,path").forEach(function (n) { n.remove(); });
    svg.setAttribute("viewBox", "0 0 " + size + " " + size);
    var bg = document.createElementNS(ns, "rect");
    bg.setAttribute("width", size); bg.setAttribute("height", size); bg.setAttribute("fill", "#ffffff");
    svg.appendChild(bg);
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", qrPath(rows)); path.setAttribute("fill", "#000000");
    svg.appendChild(path);
  }

  function openLink(token) {
    signinToken = token;
    request("POST", "/staff/session", { token: token }, { token: "" }).then(function (answer) {
      if (answer.status === 200 && answer.body.enrol) {
        one("[data-field=secret]").textContent = answer.body.enrol.secret;
        drawQr(answer.body.enrol.qr || []);
        one("[data-enrol]").hidden = false;
        setState("code");
      } else if (answer.status === 401 && errorOf(answer).code === "code_required") {
        one("[data-enrol]").hidden = true;
        setState("code");
      } else {
        setState("link-invalid");
      }
      var code = one("#staff-code"); if (code && !one("[data-state=code]").hidden) code.focus();
    });
  }

  function submitCode(form) {
    var code = form.elements.code.value.replace(/\s+/g, "");
    request("POST", "/staff/session", { token: signinToken, code: code }, { token: "" }).then(function (answer) {
      if (answer.status === 200) {
        keepSession(answer.body.session);
        var after = fragment();
        history.replaceState(null, "", window.location.pathname + (after.get("b") ? "#b=" + after.get("b") : ""));
        page.start();
      } else {
        showErrors(form, errorOf(answer));
        form.elements.code.value = "";
        form.elements.code.focus();
      }
    });
  }

  return { openLink: openLink, submitCode: submitCode };
}
