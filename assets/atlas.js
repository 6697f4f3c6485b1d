/* Pure UI of the atlas pages, run in the browser (no server round trip). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  atlas: {
    /* Play/pause the year slider: each tick moves to the next year that has data; stops at the end. */
    play: function (clicks, ticks, disabled, year, marks, min, max, step) {
      let years = Object.keys(marks || {}).map(Number).sort(function (a, b) { return a - b; });
      if (step === 1) {  // consecutive years, only some of them labelled
        years = [];
        for (let y = min; y <= max; y++) { years.push(y); }
      }
      const trigger = (dash_clientside.callback_context.triggered[0] || {}).prop_id || "";
      const stopped = ["▶ Zeitverlauf abspielen"];
      if (trigger.startsWith("atlas-abspielen")) {
        if (!disabled) { return [true, dash_clientside.no_update, stopped[0]]; }
        const start = (year === years[years.length - 1]) ? years[0] : year;
        return [false, start, "⏸ Anhalten"];
      }
      const next = years.find(function (y) { return y > year; });
      if (next === undefined) { return [true, dash_clientside.no_update, stopped[0]]; }
      const last = next === years[years.length - 1];
      return [last, next, last ? stopped[0] : "⏸ Anhalten"];
    },
    toggleControls: function (clicks, isOpen) {
      return [!isOpen, String(!isOpen)];
    }
  }
});

/* Dash 4's dcc.Slider renders its thumb (role="slider") without an accessible name and has no
   prop for one (axe: aria-input-field-name). A slider wrapped in an element with
   data-slider-label="<id of a visible label>" gets aria-labelledby on its thumb(s), and
   aria-valuetext so screen readers announce "2024", not a bare number. */
(function () {
  function label() {
    document.querySelectorAll("[data-slider-label]").forEach(function (host) {
      host.querySelectorAll('[role="slider"]').forEach(function (thumb) {
        const wanted = host.getAttribute("data-slider-label");
        if (thumb.getAttribute("aria-labelledby") !== wanted) { thumb.setAttribute("aria-labelledby", wanted); }
        const now = thumb.getAttribute("aria-valuenow");
        if (now && thumb.getAttribute("aria-valuetext") !== now) { thumb.setAttribute("aria-valuetext", now); }
      });
    });
  }
  new MutationObserver(label).observe(document.documentElement, {childList: true, subtree: true, attributes: true,
                                                                 attributeFilter: ["aria-valuenow"]});
})();
