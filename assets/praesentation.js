/* Präsentationsmodus (pages/praesentation.py): slide show and speaker view.
 *
 * Dash loads every file in assets/ on every page, so this script does nothing unless
 *  - the page was opened with praesentation=1 (a slide's view inside the slide show's iframe):
 *    then it only adds class "praesentation" to <html> (assets/praesentation.css hides the chrome);
 *  - or the page shows #praesentation-show (slide show) or #sprecher-show (speaker view).
 * Dash renders pages after this script has run and replaces them on client-side navigation, so a
 * MutationObserver starts and stops the controller when such a root appears or goes away.
 *
 * Slides come from the root's data-folien (JSON: titel, rahmen = iframe address, adresse, qr,
 * qr_alt, notizen). Switching needs no server: the previous, current and next slide's iframes stay
 * mounted (hidden ones with visibility: hidden, so their charts are laid out at full size), "Weiter"
 * shows the prepared iframe and starts preparing the one after. Both windows keep each other in
 * step over the BroadcastChannel "sozialraum-praesentation".
 */
(function () {
  'use strict';

  var FLAG = 'praesentation';
  var CHANNEL = 'sozialraum-praesentation';

  var query = new URLSearchParams(window.location.search);
  if (query.get(FLAG) === '1') {
    document.documentElement.classList.add('praesentation');
    if (window !== window.top) return;   // a slide's view: nothing else to do
  }

  // ---- keys ----------------------------------------------------------------------------------------

  var NEXT = {ArrowRight: 1, ArrowDown: 1, PageDown: 1, ' ': 1, Spacebar: 1};
  var PREVIOUS = {ArrowLeft: 1, ArrowUp: 1, PageUp: 1};
  var OWN_KEYS = 'input, select, textarea, [contenteditable=""], [contenteditable="true"], [role="slider"], ' +
    '[role="listbox"], [role="combobox"], [role="spinbutton"], [role="grid"], [role="treegrid"], ' +
    '[role="menu"], [role="tablist"], [role="radiogroup"], .ag-root-wrapper';
  var ACTIVATES_ON_SPACE = 'button, a[href], summary, [role="button"], [role="link"], [role="checkbox"], [role="switch"]';

  /* What a key press asks for: "weiter", "zurueck", "erste", "letzte", "esc" or null (not ours). */
  function keyAction(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return null;
    var target = event.target;
    var element = target && target.nodeType === 1 ? target : null;
    if (element && element.closest && element.closest(OWN_KEYS)) return null;   // the control needs its keys
    var key = event.key;
    if ((key === ' ' || key === 'Spacebar') && element && element.closest && element.closest(ACTIVATES_ON_SPACE)) {
      return null;   // Space activates the focused button or link
    }
    if (NEXT[key]) return 'weiter';
    if (PREVIOUS[key]) return 'zurueck';
    if (key === 'Home') return 'erste';
    if (key === 'End') return 'letzte';
    if (key === 'Escape' || key === 'Esc') return 'esc';
    return null;
  }

  function readSlides(root) {
    try {
      var slides = JSON.parse(root.getAttribute('data-folien') || '[]');
      return Array.isArray(slides) ? slides : [];
    } catch (err) {
      return [];
    }
  }

  function startIndex(root, count) {
    var start = parseInt(root.getAttribute('data-start') || '0', 10);
    return isFinite(start) && start >= 0 && start < count ? start : 0;
  }

  function setFolieInAddress(number) {
    var url = new URL(window.location.href);
    url.searchParams.set('folie', String(number));
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  }

  function openChannel(onMessage) {
    if (typeof BroadcastChannel !== 'function') return null;
    var channel = new BroadcastChannel(CHANNEL);
    channel.onmessage = function (event) { onMessage(event.data || {}); };
    return channel;
  }

  function byId(id) { return document.getElementById(id); }

  function setText(id, text) {
    var el = byId(id);
    if (el && el.textContent !== text) el.textContent = text;
  }

  /* Attach `handler` to the keydown events of an iframe's document after every load (same origin). */
  function listenInFrame(frame, handler) {
    function attach() {
      try {
        var win = frame.contentWindow;
        if (win && !win.__praesentationKeys) {
          win.__praesentationKeys = true;
          win.addEventListener('keydown', handler);
        }
      } catch (err) { /* another origin: the presenter uses the buttons */ }
    }
    frame.addEventListener('load', attach);
    try {
      if (frame.contentDocument && frame.contentDocument.readyState === 'complete' &&
          frame.contentWindow.location.href !== 'about:blank') attach();
    } catch (err) { /* not readable */ }
  }

  /* Has the Dash app in this iframe loaded and answered its callbacks? */
  function frameSettled(frame) {
    try {
      var doc = frame.contentDocument;
      var win = frame.contentWindow;
      if (!doc || doc.readyState !== 'complete' || win.location.href === 'about:blank') return false;
      if (!win.store || !win.store.getState) return false;
      var state = win.store.getState();
      if (state.isLoading) return false;
      var callbacks = state.callbacks || {};
      return !['requested', 'prioritized', 'blocked', 'executing', 'watched'].some(function (k) {
        return callbacks[k] && callbacks[k].length;
      });
    } catch (err) {
      return true;   // not readable: do not wait for it
    }
  }

  /* Run `fn` once the next frame has been painted (a timer too: a background tab paints no frames). */
  function afterPaint(fn) {
    var done = false;
    function once() { if (!done) { done = true; fn(); } }
    requestAnimationFrame(function () { setTimeout(once, 0); });
    setTimeout(once, 250);
  }

  // ---- the slide show --------------------------------------------------------------------------------

  function SlideShow(root) {
    var slides = readSlides(root);
    var total = slides.length;
    var key = root.getAttribute('data-schluessel') || '';
    var stage = byId('praesentation-buehne');
    var frames = {};
    var index = -1;
    var channel = null;
    var destroyed = false;

    function onKey(event) {
      var action = keyAction(event);
      if (!action) return;
      event.preventDefault();
      act(action);
    }

    function act(action) {
      if (action === 'weiter') show(index + 1);
      else if (action === 'zurueck') show(index - 1);
      else if (action === 'erste') show(0);
      else if (action === 'letzte') show(total - 1);
      else if (action === 'esc') {
        if (document.fullscreenElement) document.exitFullscreen();
        else leave();
      } else if (action === 'vollbild') toggleFullscreen();
      else if (action === 'sprecher') openSpeaker();
    }

    function leave() {
      if (channel) channel.postMessage({typ: 'ende', schluessel: key});
      window.location.assign(root.getAttribute('data-ende') || '/praesentation');
    }

    function toggleFullscreen() {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else if (root.requestFullscreen) {
        root.requestFullscreen().catch(function () { /* refused (e.g. no user gesture): stay windowed */ });
      }
    }

    function onFullscreenChange() {
      var button = byId('praesentation-vollbild');
      if (button) button.setAttribute('aria-pressed', document.fullscreenElement ? 'true' : 'false');
    }

    function openSpeaker() {
      var href = (root.getAttribute('data-sprecher') || '/praesentation/sprecher?') + '&folie=' + (index + 1);
      var win = window.open(href, 'sozialraum-sprecher', 'popup,width=1200,height=800');
      if (win) win.focus();
    }

    function frameFor(i) {
      if (frames[i]) return frames[i];
      var frame = document.createElement('iframe');
      frame.className = 'praesentation-rahmen';
      frame.setAttribute('data-folie', String(i));
      frame.title = 'Folie ' + (i + 1) + ': ' + slides[i].titel;
      frame.src = slides[i].rahmen;
      listenInFrame(frame, onKey);
      stage.appendChild(frame);
      frames[i] = frame;
      return frame;
    }

    function mark(f, current) {
      f.classList.toggle('ist-aktuell', current);
      f.inert = !current;
      if (current) {
        f.removeAttribute('aria-hidden');
        f.removeAttribute('tabindex');
      } else {
        f.setAttribute('aria-hidden', 'true');
        f.setAttribute('tabindex', '-1');
      }
    }

    /* Keep the previous, current and next slide mounted. One view loads at a time, so the one the
       audience waits for gets the machine: the current slide, then the next, then the previous. */
    function prepareAround(i, tries) {
      if (i !== index || destroyed) return;
      tries = tries || 0;
      Object.keys(frames).forEach(function (k) {
        if (Math.abs(Number(k) - i) > 1) {
          frames[k].remove();
          delete frames[k];
        }
      });
      var wanted = [i, i + 1, i - 1].filter(function (n) { return n >= 0 && n < total; });
      for (var w = 0; w < wanted.length; w++) {
        var n = wanted[w];
        if (!frames[n]) mark(frameFor(n), false);
        if (!frameSettled(frames[n]) && tries < 100) {   // give up waiting after about 15 s
          setTimeout(function () { prepareAround(i, tries + 1); }, 150);
          return;
        }
      }
    }

    function show(i, options) {
      options = options || {};
      if (!total) return;
      i = Math.max(0, Math.min(total - 1, i));
      if (i === index) return;
      var first = index < 0;
      index = i;
      var slide = slides[i];
      var frame = frameFor(i);
      // A hidden iframe cannot keep the keyboard focus: hand it to the slide show first.
      var active = document.activeElement;
      if (active && active.tagName === 'IFRAME' && active !== frame) root.focus({preventScroll: true});
      // Show the slide now; prepare its neighbours (and drop frames further away) once it is painted.
      // Same-origin iframes share this page's main thread: starting the next view's Dash app in the
      // same task would delay the frame that shows the current one.
      Object.keys(frames).forEach(function (k) { mark(frames[k], Number(k) === i); });
      afterPaint(function () { prepareAround(i); });

      var label = 'Folie ' + (i + 1) + ' von ' + total;
      setText('praesentation-titel', slide.titel);
      setText('praesentation-zaehler', label);
      var qr = byId('praesentation-qr');
      if (qr) {
        if (qr.getAttribute('src') !== slide.qr) qr.setAttribute('src', slide.qr);
        qr.setAttribute('alt', slide.qr_alt);
      }
      var bar = byId('praesentation-fortschritt');
      if (bar) {
        bar.setAttribute('aria-valuenow', String(i + 1));
        bar.setAttribute('aria-valuetext', label);
      }
      var fill = byId('praesentation-balken');
      if (fill) fill.style.width = Math.round(100 * (i + 1) / total) + '%';
      var back = byId('praesentation-zurueck');
      var forward = byId('praesentation-weiter');
      if (back) back.disabled = i === 0;
      if (forward) forward.disabled = i === total - 1;
      // A disabled button drops the focus: keep it in the slide show so the keys keep working.
      if (document.activeElement === document.body || (document.activeElement && document.activeElement.disabled)) {
        root.focus({preventScroll: true});
      }
      document.title = slide.titel + ' – Präsentation – Sozialraum-Monitor';
      setFolieInAddress(i + 1);   // from the start: the address always names the slide shown
      if (!first) {
        var notices = byId('praesentation-hinweise');
        if (notices) notices.hidden = true;
        setText('praesentation-ansage', label + ': ' + slide.titel);
        if (channel && !options.quiet) channel.postMessage({typ: 'folie', index: i, schluessel: key});
      }
    }

    function onClick(event) {
      var button = event.target.closest ? event.target.closest('[data-aktion]') : null;
      if (!button || !root.contains(button)) return;
      act(button.getAttribute('data-aktion'));
    }

    // Start: adopt the server-rendered iframe of the starting slide.
    var start = startIndex(root, total);
    var first = stage ? stage.querySelector('iframe[data-folie]') : null;
    if (first && Number(first.getAttribute('data-folie')) === start) {
      frames[start] = first;
      listenInFrame(first, onKey);
    } else if (first) {
      first.remove();
    }
    if (stage && total) show(start);
    root.setAttribute('data-bereit', 'ja');

    channel = openChannel(function (message) {
      if (message.schluessel !== key) return;
      if (message.typ === 'folie' && typeof message.index === 'number') show(message.index, {quiet: true});
      else if (message.typ === 'hallo' && channel) channel.postMessage({typ: 'folie', index: index, schluessel: key});
    });

    document.addEventListener('keydown', onKey);
    document.addEventListener('fullscreenchange', onFullscreenChange);
    root.addEventListener('click', onClick);

    return {
      root: root,
      show: show,
      index: function () { return index; },
      destroy: function () {
        destroyed = true;
        document.removeEventListener('keydown', onKey);
        document.removeEventListener('fullscreenchange', onFullscreenChange);
        root.removeEventListener('click', onClick);
        if (channel) channel.close();
      },
    };
  }

  // ---- the speaker view ------------------------------------------------------------------------------

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  function SpeakerView(root) {
    var slides = readSlides(root);
    var total = slides.length;
    var key = root.getAttribute('data-schluessel') || '';
    var index = -1;
    var channel = null;
    var began = Date.now();
    var preview = byId('sprecher-vorschau');

    function fitPreview() {
      var frame = preview ? preview.querySelector('iframe') : null;
      if (frame) frame.style.transform = 'scale(' + (preview.clientWidth / 1280) + ')';
    }

    function onKey(event) {
      var action = keyAction(event);
      if (!action || action === 'esc') return;
      event.preventDefault();
      act(action);
    }

    function act(action) {
      if (action === 'weiter') show(index + 1);
      else if (action === 'zurueck') show(index - 1);
      else if (action === 'erste') show(0);
      else if (action === 'letzte') show(total - 1);
      else if (action === 'neustart') { began = Date.now(); tick(); }
    }

    function show(i, options) {
      options = options || {};
      if (!total) return;
      i = Math.max(0, Math.min(total - 1, i));
      if (i === index) return;
      var first = index < 0;
      index = i;
      var slide = slides[i];
      var following = slides[i + 1];
      setText('sprecher-titel', slide.titel);
      setText('sprecher-zaehler', 'Folie ' + (i + 1) + ' von ' + total);
      setText('sprecher-notizen', slide.notizen || 'Keine Notizen zu dieser Folie.');
      setText('sprecher-naechste-titel', following ? following.titel : 'Ende der Präsentation');
      // The preview reloads a whole view; it waits until the slide show (same main thread when both
      // windows share a process) has painted the new slide.
      if (first) updatePreview(i);
      else setTimeout(function () { updatePreview(i); }, 300);
      var back = byId('sprecher-zurueck');
      var forward = byId('sprecher-weiter');
      if (back) back.disabled = i === 0;
      if (forward) forward.disabled = i === total - 1;
      if (document.activeElement === document.body || (document.activeElement && document.activeElement.disabled)) {
        root.focus({preventScroll: true});
      }
      document.title = 'Sprecheransicht: ' + slide.titel + ' – Sozialraum-Monitor';
      setFolieInAddress(i + 1);
      if (!first) {
        var notices = byId('sprecher-hinweise');
        if (notices) notices.hidden = true;
        setText('sprecher-ansage', 'Folie ' + (i + 1) + ' von ' + total + ': ' + slide.titel);
        if (channel && !options.quiet) channel.postMessage({typ: 'folie', index: i, schluessel: key});
      }
    }

    function updatePreview(i) {
      var following = slides[i + 1];
      if (!preview || i !== index) return;
      var frame = preview.querySelector('iframe');
      if (following) {
        if (!frame) {
          frame = document.createElement('iframe');
          frame.className = 'sprecher-vorschau-rahmen';
          frame.setAttribute('tabindex', '-1');
          preview.appendChild(frame);
        }
        frame.inert = true;
        frame.title = 'Vorschau der nächsten Folie: ' + following.titel;
        if (frame.getAttribute('src') !== following.rahmen) frame.setAttribute('src', following.rahmen);
        fitPreview();
      } else if (frame) {
        frame.remove();
      }
    }

    function tick() {
      var now = new Date();
      setText('sprecher-uhrzeit', pad(now.getHours()) + ':' + pad(now.getMinutes()) + ' Uhr');
      var seconds = Math.floor((Date.now() - began) / 1000);
      setText('sprecher-dauer', Math.floor(seconds / 3600) + ':' + pad(Math.floor(seconds / 60) % 60) + ':' +
        pad(seconds % 60));
    }

    function onClick(event) {
      var button = event.target.closest ? event.target.closest('[data-aktion]') : null;
      if (!button || !root.contains(button)) return;
      act(button.getAttribute('data-aktion'));
    }

    show(startIndex(root, total));
    tick();
    var clock = setInterval(tick, 1000);
    window.addEventListener('resize', fitPreview);
    channel = openChannel(function (message) {
      if (message.schluessel !== key) return;
      if (message.typ === 'folie' && typeof message.index === 'number') show(message.index, {quiet: true});
      else if (message.typ === 'ende') window.close();
    });
    if (channel) channel.postMessage({typ: 'hallo', schluessel: key});   // the slide show answers with its slide
    document.addEventListener('keydown', onKey);
    root.addEventListener('click', onClick);
    root.setAttribute('data-bereit', 'ja');

    return {
      root: root,
      show: show,
      index: function () { return index; },
      destroy: function () {
        clearInterval(clock);
        window.removeEventListener('resize', fitPreview);
        document.removeEventListener('keydown', onKey);
        root.removeEventListener('click', onClick);
        if (channel) channel.close();
      },
    };
  }

  // ---- start and stop with the page ------------------------------------------------------------------

  var controller = null;

  function check() {
    var show = byId('praesentation-show');
    var speaker = show ? null : byId('sprecher-show');
    var root = show || speaker;
    if (controller && controller.root !== root) {
      controller.destroy();
      controller = null;
      window.praesentation = null;
    }
    if (root && !controller) {
      controller = show ? SlideShow(root) : SpeakerView(root);
      window.praesentation = controller;   // for the browser tests and the benchmark
    }
  }

  new MutationObserver(check).observe(document.documentElement, {childList: true, subtree: true});
  check();
})();
