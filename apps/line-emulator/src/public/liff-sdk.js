// Minimal LIFF SDK shim served by the LINE platform emulator at /liff/sdk.js.
// Same surface as the parts of @line/liff Careline uses; login goes through the emulator.
(function () {
  var script = document.currentScript;
  var EMU = script && script.src ? new URL(script.src).origin : location.origin;
  var state = { liffId: null, idToken: null, accessToken: null, ready: null };
  var readyResolve;
  var ready = new Promise(function (r) {
    readyResolve = r;
  });
  function key() {
    return 'liff-emu:' + state.liffId;
  }
  function decode(jwt) {
    try {
      var p = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      var json = decodeURIComponent(
        Array.prototype.map
          .call(atob(p), function (c) {
            return '%' + ('00' + c.charCodeAt(0).toString(16)).slice(-2);
          })
          .join(''),
      );
      return JSON.parse(json);
    } catch {
      return null;
    }
  }
  function isInClient() {
    try {
      return window.top !== window;
    } catch {
      return true;
    }
  }
  var liff = {
    id: null,
    ready: ready,
    init: function (config) {
      if (!config || !config.liffId) return Promise.reject(new Error('liffId is necessary for liff.init()'));
      state.liffId = config.liffId;
      liff.id = config.liffId;
      var h = new URLSearchParams(location.hash.slice(1));
      if (h.get('liff_emulator_id_token')) {
        sessionStorage.setItem(
          key(),
          JSON.stringify({
            idToken: h.get('liff_emulator_id_token'),
            accessToken: h.get('liff_emulator_access_token'),
          }),
        );
        history.replaceState(null, '', location.pathname + location.search);
      }
      var saved = sessionStorage.getItem(key());
      if (saved) {
        var s = JSON.parse(saved);
        var payload = decode(s.idToken);
        if (payload && payload.exp * 1000 > Date.now()) {
          state.idToken = s.idToken;
          state.accessToken = s.accessToken;
        }
      }
      if (!state.idToken && (isInClient() || config.withLoginOnExternalBrowser)) {
        liff.login();
        return new Promise(function () {});
      }
      readyResolve();
      return Promise.resolve();
    },
    isLoggedIn: function () {
      return !!state.idToken;
    },
    isInClient: isInClient,
    getOS: function () {
      return /iphone|ipad/i.test(navigator.userAgent)
        ? 'ios'
        : /android/i.test(navigator.userAgent)
          ? 'android'
          : 'web';
    },
    getLanguage: function () {
      return 'zh-TW';
    },
    getAppLanguage: function () {
      return 'zh-TW';
    },
    getVersion: function () {
      return '2.27.0-emulator';
    },
    getLineVersion: function () {
      return isInClient() ? '15.0.0' : null;
    },
    isApiAvailable: function () {
      return false;
    },
    login: function (opts) {
      var redirect = (opts && opts.redirectUri) || location.href;
      location.href =
        EMU +
        '/_emulator/liff-login?' +
        new URLSearchParams({ liffId: state.liffId || '', redirect: redirect }).toString();
    },
    logout: function () {
      sessionStorage.removeItem(key());
      state.idToken = null;
      state.accessToken = null;
    },
    getIDToken: function () {
      return state.idToken;
    },
    getDecodedIDToken: function () {
      return state.idToken ? decode(state.idToken) : null;
    },
    getAccessToken: function () {
      return state.accessToken;
    },
    getContext: function () {
      var p = state.idToken ? decode(state.idToken) : null;
      return {
        type: 'utou',
        userId: p ? p.sub : undefined,
        liffId: state.liffId,
        viewType: 'full',
        endpointUrl: location.origin,
        accessTokenHash: '',
        availability: {},
        scope: ['profile', 'openid'],
        menuColorSetting: {},
      };
    },
    getProfile: function () {
      if (!state.accessToken) return Promise.reject(new Error('Need access_token for this API'));
      return fetch(EMU + '/v2/profile', { headers: { authorization: 'Bearer ' + state.accessToken } }).then(
        function (r) {
          if (!r.ok) throw new Error('getProfile failed: ' + r.status);
          return r.json();
        },
      );
    },
    getFriendship: function () {
      return Promise.resolve({ friendFlag: true });
    },
    sendMessages: function () {
      return Promise.reject(new Error('sendMessages is not supported by the emulator'));
    },
    closeWindow: function () {
      if (isInClient()) window.parent.postMessage({ type: 'liff-close' }, '*');
      else window.close();
    },
    openWindow: function (p) {
      if (p && p.url) {
        if (p.external) window.open(p.url, '_blank');
        else location.href = p.url;
      }
    },
    use: function () {
      return liff;
    },
  };
  window.liff = liff;
})();
