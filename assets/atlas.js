/* Pure UI of the atlas pages, run in the browser (no server round trip). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  atlas: {
    /* Play/pause the year slider: each tick moves to the next year that has data; stops at the end. */
    play: function (clicks, ticks, disabled, position, last) {
      const trigger = (dash_clientside.callback_context.triggered[0] || {}).prop_id || "";
      const stopped = "▶ Zeitverlauf abspielen";
      if (trigger.startsWith("atlas-abspielen")) {
        if (!disabled) { return [true, dash_clientside.no_update, stopped]; }
        return [false, position >= last ? 0 : position, "⏸ Anhalten"];
      }
      if (position >= last) { return [true, dash_clientside.no_update, stopped]; }
      const next = position + 1;
      return [next >= last, next, next >= last ? stopped : "⏸ Anhalten"];
    },
    toggleControls: function (clicks, isOpen) {
      return [!isOpen, String(!isOpen)];
    }
  }
});

/* Dash 4's dcc.Slider renders its thumb (role="slider") without an accessible name and has no
   prop for one (axe: aria-input-field-name). A slider wrapped in an element with
   data-slider-label="<id of a visible label>" gets aria-labelledby on its thumb(s); with
   data-values="2012,2013,…" (the slider moves over positions) aria-valuetext names the value,
   so screen readers announce "2024", not "12". */
(function () {
  function label() {
    document.querySelectorAll("[data-slider-label]").forEach(function (host) {
      host.querySelectorAll('[role="slider"]').forEach(function (thumb) {
        const wanted = host.getAttribute("data-slider-label");
        if (thumb.getAttribute("aria-labelledby") !== wanted) { thumb.setAttribute("aria-labelledby", wanted); }
        const now = thumb.getAttribute("aria-valuenow");
        const values = (host.getAttribute("data-values") || "").split(",");
        const text = (now !== null && values[Number(now)]) ? values[Number(now)] : now;
        if (text && thumb.getAttribute("aria-valuetext") !== text) { thumb.setAttribute("aria-valuetext", text); }
      });
    });
  }
  new MutationObserver(label).observe(document.documentElement, {childList: true, subtree: true, attributes: true,
                                                                 attributeFilter: ["aria-valuenow", "data-values"]});
})();
