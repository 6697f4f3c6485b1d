/* Skip plotly resizes that would change nothing.
 *
 * dcc.Graph watches every graph with a ResizeObserver (always mounted, whatever `responsive` is)
 * and calls Plotly.Plots.resize when the observer fires: once when the graph mounts and again
 * when the page around it settles. Each call waits 100 ms and then relayouts the whole chart,
 * although the size plotly would compute is the size the chart already has; on the Maßnahmen
 * page that kept four charts busy 150-300 ms after they were drawn (docs/performance.md).
 *
 * This wrapper answers such a call at once, using plotly's own rule (Plots.plotAutoSize: the
 * graph div's computed width/height, a change counts when it exceeds 1 px). Any real change of
 * size, a hidden graph or a resize still under way goes to plotly's resize unchanged.
 */
(function () {
    "use strict";
    if (!window.Plotly || !window.Plotly.Plots || !window.Plotly.Plots.resize) { return; }
    var plots = window.Plotly.Plots;
    var plotlyResize = plots.resize;

    function px(value) {
        return typeof value === "string" && value.slice(-2) === "px" ? parseFloat(value) : 0;
    }

    function sizeUnchanged(gd) {
        var full = gd._fullLayout;
        if (!full || !gd.layout || gd._resolveResize || gd.offsetParent === null) { return false; }
        var style = window.getComputedStyle(gd);
        var width = px(style.width) || px(style.maxWidth) || full.width;
        var height = px(style.height) || px(style.maxHeight) || full.height;
        var attrs = plots.layoutAttributes || {};
        width = Math.max(width, (attrs.width && attrs.width.min) || 10);
        height = Math.max(height, (attrs.height && attrs.height.min) || 10);
        return Math.abs(full.width - width) <= 1 && Math.abs(full.height - height) <= 1;
    }

    plots.resize = function (gd) {
        var div = typeof gd === "string" ? document.getElementById(gd) : gd;
        if (div && sizeUnchanged(div)) { return Promise.resolve(div); }
        return plotlyResize.apply(this, arguments);
    };
}());
