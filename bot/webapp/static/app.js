/* The storefront page: the chat's catalog, cart and checkout inside Telegram (or, for
   development, any browser). Plain JavaScript, no build step. Every API call carries the
   initData Telegram signed; the server alone decides who the shopper is and what things cost,
   and words every message, so this file holds no shop rules. */
(() => {
  'use strict';

  const tg = window.Telegram && window.Telegram.WebApp;
  const hashData = new URLSearchParams(location.hash.slice(1)).get('tgWebAppData');
  const initData = (tg && tg.initData) || hashData || '';
  // Inside a Telegram client its own buttons are used; elsewhere the page draws them.
  const native = Boolean(tg && tg.initData && tg.platform && tg.platform !== 'unknown');

  const $ = (id) => document.getElementById(id);
  const view = $('view');
  const state = {
    stack: [], cart: null, categories: [], category: null, query: '', list: null, items: [],
    sort: 'name', inStock: false, categoriesInStock: null, saved: false,
    changes: null, mainAction: null, busy: false, paying: false, drawn: 0, revisit: null,
    closed: '',
    more: false,
    pressed: -Infinity, queue: Promise.resolve(),
  };
  // How the shopper lists a category (order, "In stock only"), kept on this device for this
  // shop (the page's address) so that the page opens again as they left it.
  const ORDERS = ['name', 'price', 'price_desc', 'newest', 'rating'];
  const LISTING_KEY = `listing:${location.origin}${location.pathname}`;
  try {
    const kept = JSON.parse(localStorage.getItem(LISTING_KEY) || '{}');
    if (ORDERS.includes(kept.sort)) state.sort = kept.sort;
    if (typeof kept.inStock === 'boolean') state.inStock = kept.inStock;
  } catch (_) { /* no storage, or not ours: as new */ }
  function keepListing() {
    try {
      localStorage.setItem(LISTING_KEY, JSON.stringify({ sort: state.sort, inStock: state.inStock }));
    } catch (_) { /* no storage: the choice lasts this visit */ }
  }
  // A double tap on the MainButton must not reach the action it turns into (View cart, then
  // Checkout): after a tap it rests this long.
  const MAIN_REST_MS = 600;
  const SLOW_MS = 20000; // an answer later than this is given up on
  // An order waiting for its payment's confirmation is asked about again after POLL_FIRST_MS,
  // then half as long again each time, up to POLL_MOST_MS: until it is settled or left.
  const POLL_FIRST_MS = 1500;
  const POLL_MOST_MS = 15000;

  // ------------------------------------------------------------------ small helpers

  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) {
        el.append(child instanceof Node ? child : String(child));
      }
    }
    return el;
  }

  // A price on sale as the chat's card shows it: the regular price struck through, then the
  // price and what it takes off ("$20.00 $16.00 · −20%"); else the price alone.
  function priceParts(item) {
    if (!item.compare_at_text) return [item.price_text];
    const off = item.off_text ? [` · ${item.off_text}`] : [];
    return [h('s', { class: 'was', text: item.compare_at_text }), ` ${item.price_text}`, ...off];
  }

  // A product without a photo (or one that does not load) shows a quiet picture frame.
  const NO_PHOTO = 'data:image/svg+xml,' + encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 24 24" fill="none" '
    + 'stroke="#8a8a8e" stroke-width="1.4" stroke-linejoin="round"><rect x="3" y="5" width="18" '
    + 'height="14" rx="2"/><circle cx="9" cy="10" r="1.6"/><path d="M21 16l-5-5-8 8"/></svg>');

  function photo(src, alt) {
    const img = h('img', { class: 'photo', alt: alt || '', loading: 'lazy' });
    img.addEventListener('error', () => { img.src = NO_PHOTO; img.classList.add('placeholder'); });
    setPhoto(img, src);
    return img;
  }

  function setPhoto(img, src) {
    img.dataset.want = src || '';
    img.classList.toggle('placeholder', !src);
    img.src = src || NO_PHOTO;
  }

  let toastTimer = 0;
  function toast(text) {
    if (!text) return;
    const el = $('toast');
    el.textContent = text;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.hidden = true; }, 2800);
  }

  const haptic = {
    impact(style) { tg && tg.HapticFeedback && tg.HapticFeedback.impactOccurred(style); },
    notify(type) { tg && tg.HapticFeedback && tg.HapticFeedback.notificationOccurred(type); },
    select() { tg && tg.HapticFeedback && tg.HapticFeedback.selectionChanged(); },
  };

  // The page's words in the shopper's language: GET api/texts gives the translations of
  // bot/webapp/texts.py (English, the msgids, when there are none); {name} is filled in.
  let words = {};
  function t(text, params) {
    let said = words[text] || text;
    for (const [key, value] of Object.entries(params || {})) said = said.split(`{${key}}`).join(value);
    return said;
  }

  class ApiError extends Error {
    constructor(status, message, data) { super(message); this.status = status; this.data = data || {}; }
  }

  async function api(method, path, body) {
    const headers = { Authorization: 'tma ' + initData };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    // A shop that does not answer is said so after a while, never a spinner forever.
    const patience = new AbortController();
    const timer = setTimeout(() => patience.abort(), SLOW_MS);
    let response;
    let data = {};
    try {
      response = await fetch('api/' + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        signal: patience.signal,
      });
      try { data = await response.json(); } catch (_) { /* not JSON: the status says enough */ }
    } catch (_) {
      throw new ApiError(0, patience.signal.aborted
        ? t('The shop is not answering. Please try again.')
        : t('The shop cannot be reached. Check your connection and try again.'));
    } finally {
      clearTimeout(timer);
    }
    if (patience.signal.aborted) throw new ApiError(0, t('The shop is not answering. Please try again.'));
    if (!response.ok) {
      throw new ApiError(response.status, data.error || t('The shop answered {status}.', { status: response.status }), data);
    }
    return data;
  }

  // ------------------------------------------------------------------ navigation

  const screens = { home, product, cart, order, orders };
  const top = () => state.stack[state.stack.length - 1] || ['home'];

  /** A word that stays (unlike a toast) until the shopper moves on: a payment's outcome. */
  function notice(text, bad) {
    $('notice').textContent = text || '';
    $('notice').hidden = !text;
    $('notice').classList.toggle('bad', Boolean(bad));
  }

  /** Moving on ends the last payment's word; an invoice still open keeps its own. */
  function movedOn() {
    if (!state.paying) notice('');
  }

  function go(name, arg) {
    movedOn();
    if (state.stack.length) top()[2] = window.scrollY; // back here, back to this spot
    state.stack.push([name, arg]);
    return draw();
  }

  function back() {
    if (state.stack.length < 2) return;
    movedOn();
    state.stack.pop();
    draw();
  }

  function goHome() {
    movedOn();
    state.stack = [['home']];
    draw();
  }

  async function draw() {
    const [name, arg] = top();
    const ticket = ++state.drawn;
    $('toast').hidden = true;
    setBack(state.stack.length > 1);
    updateBar();
    try {
      await screens[name](arg, ticket);
    } catch (error) {
      if (ticket === state.drawn) failed(error);
    }
    updateBar();
  }

  /** Put a screen's nodes on the page, unless the shopper has moved on meanwhile. */
  function show(ticket, title, ...nodes) {
    if (ticket !== state.drawn) return false;
    $('title').textContent = title;
    view.replaceChildren(...nodes.flat().filter(Boolean));
    const here = top();
    window.scrollTo(0, here[2] || 0);
    here[2] = 0;
    return true;
  }

  /** The MainButton's tap (Telegram's or the page's own): at most one per rest. */
  function pressMain() {
    const now = performance.now();
    if (now - state.pressed < MAIN_REST_MS || !state.mainAction) return;
    state.pressed = now;
    bar.rest(true);
    setTimeout(() => bar.rest(false), MAIN_REST_MS);
    state.mainAction();
  }

  /** Cart changes one after another, each from the cart the one before left: two quick taps
      on + make two more, never the same "one more" twice. */
  function queued(task) {
    const run = state.queue.then(task, task);
    state.queue = run.catch(() => {});
    return run;
  }

  function failed(error) {
    haptic.notify('error');
    const message = error instanceof ApiError ? error.message : t('Something went wrong.');
    // Not there any more (a product taken off sale): trying again cannot help, going back can.
    const gone = error instanceof ApiError && error.status === 404 && state.stack.length > 1;
    const again = gone
      ? h('button', { type: 'button', class: 'link', onclick: back }, t('‹ Back'))
      : h('button', { type: 'button', class: 'link', onclick: () => draw() }, t('Try again'));
    const reopen = error instanceof ApiError && error.status === 401;
    view.replaceChildren(h('div', { class: 'section' },
      h('p', { text: message }),
      reopen ? h('p', { class: 'hint', text: t('Close the shop and open it again from the chat.') }) : again));
  }

  // ------------------------------------------------------------------ Telegram's buttons

  // A bar `off` (checkout while sales are paused) shows its words but takes no tap.
  const bar = native ? {
    off: false,
    resting: false,
    set(text, off) {
      this.off = Boolean(off);
      this.able();
      if (!text) { tg.MainButton.hide(); return; }
      tg.MainButton.setText(text);
      tg.MainButton.show();
    },
    progress(on) { on ? tg.MainButton.showProgress() : tg.MainButton.hideProgress(); },
    rest(on) { this.resting = on; this.able(); },
    able() { this.resting || this.off ? tg.MainButton.disable() : tg.MainButton.enable(); },
  } : {
    off: false,
    busy: false,
    set(text, off) {
      this.off = Boolean(off);
      $('bar').hidden = !text;
      $('bar-button').textContent = text || '';
      if (off) $('bar-button').setAttribute('aria-describedby', 'closed');
      else $('bar-button').removeAttribute('aria-describedby');
      this.able();
    },
    progress(on) { this.busy = on; this.able(); },
    rest(on) { $('bar').classList.toggle('resting', on); },
    able() { $('bar-button').disabled = this.busy || this.off; },
  };

  function setBack(visible) {
    if (native) {
      visible ? tg.BackButton.show() : tg.BackButton.hide();
    } else {
      $('back').hidden = !visible;
    }
  }

  function updateBar() {
    const [name] = top();
    const basket = state.cart;
    const full = basket && basket.item_count > 0;
    let text = '';
    let off = false;
    state.mainAction = null;
    if (name === 'cart' && full) {
      text = t('Checkout · {total}', { total: basket.to_pay_text }); // after her promo code
      // sales are paused (the banner says why), short of the minimum order (the cart says),
      // goods to ship in a Telegram Stars shop (the cart says, as the chat's summary does),
      // or a delivery time still to choose (the picker above asks for one)
      off = Boolean(state.closed || basket.min_order_text || basket.unshippable_text
        || (basket.delivery && !basket.delivery.chosen));
      if (!off) state.mainAction = checkout;
    } else if (name === 'order') {
      text = t('Continue shopping');
      state.mainAction = goHome;
    } else if (full) {
      text = t('View cart · {items} · {total}', { items: basket.items_text, total: basket.to_pay_text }); // as Checkout says
      state.mainAction = () => go('cart');
    }
    bar.set(text, off);
  }

  /** Back in the page (Telegram's `activated`, or the tab shown again): the cart may have
      changed in the chat meanwhile, so it is asked for again and shown at once. */
  function cameBack() {
    if (document.visibilityState === 'hidden' || !initData) return;
    queued(async () => {
      if (top()[0] === 'cart') return draw();
      if (top()[0] === 'orders') { top()[2] = window.scrollY; return draw(); } // moved meanwhile?
      if (top()[0] === 'order') { top()[1].polls = 0; return draw(); } // paid meanwhile?
      if (top()[0] === 'product' && state.revisit) await state.revisit();
      return refreshCart();
    }).catch(() => {}); // offline for now: the next tap says so
  }

  /** While sales are paused (/pause) the shop's words for it (the chat's, with the admin's
      note: text, never markup) stay over every view and checkout is off; `closed` comes with
      each cart the shop sends (null: sales are open), so the banner goes once they open. */
  function setClosed(closed) {
    state.closed = closed || '';
    $('closed').textContent = state.closed;
    $('closed').hidden = !state.closed;
  }

  function setCart(basket) {
    if (basket.closed !== undefined) setClosed(basket.closed);
    if (basket.min_order_text === undefined && state.cart) { // a checkout answer's cart
      basket.min_order_text = state.cart.min_order_text;
      basket.free_shipping_text = state.cart.free_shipping_text;
      basket.delivery = state.cart.delivery;
      basket.unshippable_text = state.cart.unshippable_text;
    }
    state.cart = basket;
    $('cart-count').textContent = basket.item_count;
    $('cart-count').classList.remove('stale');
    $('to-cart').removeAttribute('title');
    updateBar();
  }

  /** The cart as the shop has it now, into the header's count. An answer the network or a
      busy shop loses is asked for again, less often the longer it takes (as an open order
      is), and the count says meanwhile that it is not up to date: after an order settles it
      would otherwise go on showing what was just bought. A hidden page stops asking;
      coming back (cameBack) asks again. */
  function refreshCart(tries = 0) {
    return api('GET', 'cart').then(setCart, (error) => {
      $('cart-count').classList.add('stale');
      $('to-cart').title = t('Your cart may have changed: asking the shop again…');
      if (!(error.status === 0 || error.status === 429 || error.status >= 500)) return;
      setTimeout(() => {
        if (document.visibilityState !== 'hidden') refreshCart(tries + 1);
      }, Math.min(POLL_FIRST_MS * 1.5 ** tries, POLL_MOST_MS));
    });
  }

  // ------------------------------------------------------------------ the catalog

  async function home(_, ticket) {
    if (!state.categories.length || state.categoriesInStock !== state.inStock) {
      // Counted as the shopper lists them: with "In stock only", what is in stock.
      const inStock = state.inStock;
      state.categories = (await api('GET', `categories?in_stock=${inStock ? 1 : 0}`)).categories;
      state.categoriesInStock = inStock;
    }
    const listed = state.categories.some((category) => category.id === state.category);
    if (!state.query && !state.saved && !listed && state.categories.length) {
      state.category = state.categories[0].id;  // none yet, or nothing left in stock in it
      state.list = null;
    }
    if (!state.list && (state.query || state.saved || state.category !== null)) await loadPage(0);
    show(ticket, t('Shop'), searchForm(), chips(), sorting(), listing());
  }

  /** A page of the list on show; one for a list the shopper has left meanwhile is dropped,
      and a product already shown (the catalog changed between pages) is not shown twice. */
  async function loadPage(page) {
    const which = listName();
    const list = state.query
      ? await api('GET', `search?q=${encodeURIComponent(state.query)}&page=${page}`)
      : state.saved ? await api('GET', `saved?page=${page}`)
      : await api('GET', `categories/${state.category}?page=${page}&sort=${state.sort}&in_stock=${state.inStock ? 1 : 0}`);
    if (which !== listName()) return;
    const shown = new Set(page === 0 ? [] : state.items.map((item) => item.id));
    state.items = (page === 0 ? [] : state.items).concat(list.items.filter((item) => !shown.has(item.id)));
    state.list = list;
  }

  const listName = () => (state.query ? `search:${state.query}` : state.saved ? 'saved'
    : `category:${state.category}:${state.sort}:${state.inStock}`);

  /** How to order a category and whether to hide what is sold out; a change lists it anew. */
  function sorting() {
    if (state.query || state.saved || state.category === null) return null;
    const labels = { name: t('Name'), price: t('Price ↑'), price_desc: t('Price ↓'), newest: t('Newest'), rating: t('★ Rating') };
    const select = h('select', {
      name: 'sort', 'aria-label': t('Sort by'),
      onchange: () => { haptic.select(); state.sort = select.value; keepListing(); state.list = null; draw(); },
    }, ORDERS.map((value) => h('option', { value, text: labels[value] })));
    select.value = state.sort;
    const box = h('input', {
      type: 'checkbox', name: 'in_stock',
      onchange: () => { haptic.select(); state.inStock = box.checked; keepListing(); state.list = null; draw(); },
    });
    box.checked = state.inStock;
    return h('div', { class: 'sorting' }, select, h('label', {}, box, ` ${t('In stock only')}`));
  }

  function searchForm() {
    const input = h('input', {
      type: 'search', name: 'q', placeholder: t('Search the shop'), value: state.query,
      enterkeyhint: 'search', 'aria-label': t('Search'),
    });
    return h('form', {
      class: 'search', role: 'search',
      onsubmit: (event) => {
        event.preventDefault();
        input.blur();
        state.query = input.value.trim();
        state.saved = false;
        state.list = null;
        draw();
      },
    }, input, h('button', { type: 'submit', class: 'chip' }, t('Search')));
  }

  function chips() {
    if (!state.categories.length) return null;
    // Her saved products (♡, in the chat or here) are one more list, as /saved is in the chat;
    // first, where a row of chips wider than the phone does not hide it.
    const saved = h('button', {
      type: 'button', class: !state.query && state.saved ? 'chip on' : 'chip',
      onclick: () => { haptic.select(); state.query = ''; state.saved = true; state.list = null; draw(); },
    }, t('♡ Saved'));
    return h('nav', { class: 'chips' }, saved, state.categories.map((category) => h('button', {
      type: 'button',
      class: !state.query && !state.saved && category.id === state.category ? 'chip on' : 'chip',
      onclick: () => {
        haptic.select();
        state.query = '';
        state.saved = false;
        state.category = category.id;
        state.list = null;
        draw();
      },
    }, category.title, h('span', { class: 'count', text: ` ${category.count}` }))));
  }

  function listing() {
    if (!state.categories.length && !state.query && !state.inStock) {
      return h('p', { class: 'hint', text: t('The shop is empty right now. Please come back soon!') });
    }
    if (!state.items.length && state.saved) {
      return h('p', { class: 'hint', text: t('Nothing saved yet: tap ♡ Save on a product to find it here.') });
    }
    if (!state.items.length && !state.query) {
      return h('p', { class: 'hint', text: t('Nothing here is in stock right now.') });
    }
    if (!state.items.length) {
      return h('p', { class: 'hint', text: t('Nothing found for “{query}”.', { query: state.query }) });
    }
    const cards = state.items.map((item) => h('button', {
      type: 'button', class: item.available > 0 ? 'card' : 'card sold',
      'data-product-id': item.id, onclick: () => go('product', item.id),
    }, photo(item.photo, item.title), h('span', { class: 'name', text: item.title }),
    h('span', { class: 'price' }, priceParts(item),
      item.available > 0 ? null : h('span', { class: 'sold-out', text: ` · ${t('Out of stock')}` }))));
    const head = state.query
      ? h('p', { class: 'hint', text: state.list.found_text }) : null;
    const more = state.list && state.list.has_next ? h('button', {
      type: 'button', class: 'more',
      onclick: async (event) => {
        event.currentTarget.disabled = true;
        if (state.more) return; // one "Show more" at a time
        state.more = true;
        try {
          await loadPage(state.list.page + 1);
          draw();
        } catch (error) {
          failed(error);
        } finally {
          state.more = false;
        }
      },
    }, t('Show more')) : null;
    return [head, h('div', { class: 'grid' }, cards), more];
  }

  // ------------------------------------------------------------------ one product

  async function product(id, ticket) {
    const p = await api('GET', `products/${id}`).catch((error) => {
      if (error.status === 404) state.items = state.items.filter((item) => item.id !== id); // gone
      throw error;
    });
    const variants = p.variants || [];
    let variant = variants.find((v) => v.id === p.variant_id) || variants[0] || null;
    let quantity = 1;
    let adding = false; // one Add at a time: a tap while it is on its way is not a second Add
    let gone = false; // taken off sale since the page showed it
    const picture = photo((variant || p).photo, p.title);
    // Its photos: the chosen variant's own (else the product's) first, then the product's
    // further ones; ‹ › or a swipe pages through them, going round at either end.
    let shown = 0;
    const photos = () => [now().photo, ...(p.photos || [])];
    const turn = (step) => {
      const count = photos().length;
      shown = (shown + step + count) % count;
      haptic.select();
      refresh();
    };
    const counter = h('span', { class: 'counter' });
    const previous = h('button', { type: 'button', class: 'turn previous', 'aria-label': t('Previous photo'), onclick: () => turn(-1) }, '‹');
    const next = h('button', { type: 'button', class: 'turn next', 'aria-label': t('Next photo'), onclick: () => turn(1) }, '›');
    const gallery = h('div', { class: 'gallery' }, picture, previous, counter, next);
    let swipeFrom = null;
    gallery.addEventListener('touchstart', (event) => { swipeFrom = event.touches[0].clientX; }, { passive: true });
    gallery.addEventListener('touchend', (event) => {
      const moved = swipeFrom === null ? 0 : event.changedTouches[0].clientX - swipeFrom;
      swipeFrom = null;
      if (Math.abs(moved) > 40 && photos().length > 1) turn(moved < 0 ? 1 : -1);
    });

    const price = h('div', { class: 'price' });
    const stock = h('div', { class: 'stock' });
    const count = h('span', { text: '1' });
    const add = h('button', { type: 'button', id: 'add', class: 'primary', onclick: addToCart });
    const more = h('button', { type: 'button', 'aria-label': t('One more'), onclick: () => { quantity += 1; haptic.select(); refresh(); } }, '+');
    const inCartLine = h('div', { class: 'in-cart' });
    const capLine = h('div', { class: 'hint cap' });
    const heldLine = h('div', { class: 'in-cart' });
    const options = variants.length ? h('div', { class: 'chips', role: 'radiogroup' }) : null;
    const heart = h('button', { type: 'button', id: 'save', class: 'chip', onclick: toggleSaved });

    const now = () => variant || p;
    const inCart = () => now().in_cart || 0;
    // The stepper's cap: what the shopper can still add of the chosen variant (or product),
    // as the shop counts it (can_add: what is left to her less what her cart holds, at most
    // 99 at once; the chat's picker stops at the same number). Its refusal stays the last word.
    const most = () => Math.max(0, now().can_add || 0);

    function refresh() {
      const item = now();
      price.replaceChildren(...priceParts(item));
      stock.textContent = item.stock_text || (item.available > 0 ? t('In stock') : t('Out of stock'));
      stock.className = item.stock_low ? 'stock low' : 'stock';
      quantity = Math.max(1, Math.min(quantity, most() || 1));
      count.textContent = quantity;
      // With quantity tiers the shop names what her cart grows by ("+$11.20"), as the chat's card.
      const grows = item.adding_texts && item.adding_texts[Math.min(quantity, item.adding_texts.length) - 1];
      const total = grows ? ` · ${grows}`
        : quantity > 1 ? ` · ${quantity} × ${item.price_text}` : ` · ${item.price_text}`;
      const all = item.available > 0 && most() <= 0; // in stock, all of it in her cart
      add.textContent = gone ? t('No longer on sale')
        : most() > 0 || all ? t('Add to cart') + (all ? '' : total) : t('Out of stock');
      add.disabled = adding || gone || most() <= 0;
      more.disabled = quantity >= most();
      if (gone) stock.textContent = t('No longer on sale');
      inCartLine.textContent = inCart() ? t('🛒 In your cart: {count}', { count: inCart() }) : '';
      const over = inCart() > Math.max(item.available, 0); // her cart holds more than is left
      capLine.textContent = gone ? ''
        : over || p.limit_full ? item.cap_text || '' // the shop's word, as her cart's line says it
        : all ? t('All {count} left are in your cart.', { count: item.available })
          : most() > 0 && quantity >= most() && (quantity > 1 || inCart() > 0)
            ? t('You can add up to {count}.', { count: most() }) : '';
      heldLine.textContent = item.held_text || '';
      heart.textContent = p.saved ? t('♥ Saved') : t('♡ Save');
      heart.setAttribute('aria-pressed', String(Boolean(p.saved)));
      const pictures = photos();
      shown = Math.min(shown, pictures.length - 1);
      if (picture.dataset.want !== (pictures[shown] || '')) setPhoto(picture, pictures[shown]);
      previous.hidden = next.hidden = counter.hidden = pictures.length < 2;
      counter.textContent = `${shown + 1}/${pictures.length}`;
      if (options) {
        options.replaceChildren(...variants.map((v) => h('button', {
          type: 'button', role: 'radio', 'aria-checked': String(v === variant),
          'data-variant-id': v.id,
          class: `chip${v === variant ? ' on' : ''}${v.available > 0 ? '' : ' off'}`,
          onclick: () => {
            haptic.select(); variant = v; shown = 0; refresh();
            toast(v.sold_out_text);
          },
        }, v.available > 0 ? v.title : `${v.title} ✕`)));
      }
    }

    /** What the shop says of this product now: after a refused Add, or back in the page. */
    async function recheck() {
      let fresh;
      try {
        fresh = await api('GET', `products/${p.id}`);
      } catch (error) {
        gone = gone || error.status === 404;
        return;
      }
      const { variants: now, ...card } = fresh;
      Object.assign(p, card);
      for (const v of variants) {
        Object.assign(v, (now || []).find((f) => f.id === v.id) || { available: 0, can_add: 0, stock_text: null });
      }
    }
    state.revisit = async () => {
      await recheck();
      if (ticket === state.drawn) refresh();
    };

    /** ♡: saved (or no longer) as in the chat; past the most one may save, the shop says why. */
    async function toggleSaved() {
      heart.disabled = true;
      haptic.select();
      try {
        const answer = await api(p.saved ? 'DELETE' : 'PUT', `saved/${p.id}`);
        p.saved = answer.saved;
        toast(answer.notice);
        if (state.saved) state.list = null; // the saved list on show is asked for again
      } catch (error) {
        haptic.notify('error');
        toast(error.message);
      }
      heart.disabled = false;
      refresh();
    }

    async function addToCart() {
      if (adding) return;
      adding = true;
      const item = now();
      const body = { product_id: p.id, quantity, shown_price: item.price };
      if (variant) body.variant_id = variant.id;
      add.disabled = true;
      haptic.impact('medium');
      try {
        const answer = await api('POST', 'cart/lines', body);
        setCart(answer.cart);
        const line = answer.cart.lines.find((l) => l.product_id === p.id
          && (l.variant_id || null) === (variant ? variant.id : null));
        if (line) Object.assign(item, { in_cart: line.quantity, can_add: line.can_add });
        haptic.notify(answer.done ? 'success' : 'error');
        toast(answer.notice);
        if (answer.done) bump();
        // Refused (sold out, off sale) or at a new price: the page learns what the shop has now.
        // A limited product: how many more (any size) one order may take is the shop's count.
        // With tiers, what the next Add costs depends on what her cart holds now.
        if (!answer.done || p.limit_text || p.tiers_text
          || (line && line.list_price !== item.price)) await recheck();
      } catch (error) {
        haptic.notify('error');
        toast(error.message);
      }
      adding = false;
      refresh();
    }

    const stepper = h('div', { class: 'stepper' },
      h('button', { type: 'button', 'aria-label': t('One less'), onclick: () => { quantity -= 1; haptic.select(); refresh(); } }, '−'),
      count, more);
    refresh();
    show(ticket, p.title, h('article', { class: 'product section', 'data-product-id': p.id },
      gallery, h('h2', { text: p.title }), price, stock,
      p.sale_ends_text ? h('div', { class: 'hint sale-ends', text: p.sale_ends_text }) : null,
      p.tiers_text ? h('div', { class: 'hint tiers', text: p.tiers_text }) : null,
      p.bundle ? h('div', { class: 'hint bundle', text: p.bundle.contents_text }) : null,
      p.bundle && p.bundle.saving_text ? h('div', { class: 'hint saving', text: p.bundle.saving_text }) : null,
      p.limit_text ? h('div', { class: 'hint limit', text: p.limit_text }) : null,
      p.rating_text ? h('p', { class: 'rating', text: p.rating_text }) : null, heart, options,
      h('div', { class: 'buy' }, stepper, add), capLine, inCartLine, heldLine,
      p.description ? h('p', { class: 'desc', text: p.description }) : null,
      alsoBought(p), reviewsOf(p)));
  }

  // "Often bought with this", as the chat's card offers it: each opens that product's page.
  function alsoBought(p) {
    if (!p.also_bought_text || !p.also_bought.length) return null;
    return h('section', { class: 'also-bought' }, h('h3', { text: p.also_bought_text }),
      p.also_bought.map((item) => h('button', {
        type: 'button', class: 'chip', 'data-product-id': item.id,
        onclick: () => go('product', item.id),
      }, `${item.title} · ${item.price_text}`)));
  }

  // The newest reviews, read-only (written and hidden in the chat); her words are text.
  function reviewsOf(p) {
    if (!p.reviews_text || !p.reviews.length) return null;
    return h('section', { class: 'reviews' }, h('h3', { text: p.reviews_text }),
      p.reviews.map((r) => h('div', { class: 'review' },
        h('p', { class: 'review-head', text: `${r.stars_text} ${r.name} · ${r.date}` }),
        h('p', { class: 'review-words', text: r.words }))));
  }

  function bump() {
    const button = $('to-cart');
    button.classList.remove('bump');
    void button.offsetWidth;
    button.classList.add('bump');
  }

  // ------------------------------------------------------------------ the cart

  async function cart(_, ticket) {
    setCart(await api('GET', 'cart'));
    drawCart(ticket);
  }

  function drawCart(ticket) {
    const basket = state.cart;
    const report = (top()[1] || {}).report; // what 🔁 Buy again could not bring back
    const changes = state.changes && state.changes.length ? h('div', { class: 'section changes' },
      h('b', { text: t('Some things changed since you added them:') }),
      h('ul', {}, state.changes.map((change) => h('li', { text: change }))),
      basket.lines.length ? h('p', { class: 'hint', text: t('Your cart is updated. Check out again to pay for it as it is now.') }) : null)
      : report && report.length ? h('div', { class: 'section changes' },
        h('ul', {}, report.map((missed) => h('li', { text: missed })))) : null;
    if (!basket.lines.length) {
      show(ticket, t('Your cart'), changes, h('div', { class: 'section' },
        h('p', { text: t('Your cart is empty.') }),
        h('button', { type: 'button', class: 'link', onclick: goHome }, t('Browse the shop'))));
      return;
    }
    const lines = basket.lines.map((line) => h('div', { class: 'line', 'data-product-id': line.product_id, 'data-variant-id': line.variant_id || '' },
      photo(line.photo, line.title),
      h('div', { class: 'what' },
        h('b', { text: line.title }),
        h('div', { class: 'sum', text: `${line.quantity} × ${line.unit_price_text}${line.tier_text ? ' ' + line.tier_text : ''} = ${line.line_total_text}` }),
        line.warning ? h('div', { class: 'warn', text: line.warning }) : null,
        line.nudge_text ? h('div', { class: 'hint nudge', text: line.nudge_text }) : null,
        !line.warning && line.available > 0 && line.quantity >= line.available
          ? h('div', { class: 'hint cap', text: t('All {count} left are in your cart.', { count: line.available }) }) : null,
        line.held_text ? h('div', { class: 'hint', text: line.held_text }) : null),
      h('div', { class: 'stepper' },
        h('button', { type: 'button', 'aria-label': t('One less'), onclick: () => step(line, -1) }, '−'),
        h('span', { text: line.quantity }),
        h('button', { type: 'button', 'aria-label': t('One more'), disabled: full(line), onclick: () => step(line, +1) }, '+')),
      h('button', { type: 'button', class: 'remove', 'aria-label': t('Remove {title}', { title: line.title }), onclick: () => setQuantity(line, 0) }, '✕')));
    const shipping = basket.unshippable_text // a Stars shop ships nothing: checkout is off
      ? h('p', { class: 'notice', id: 'cart-unshippable', role: 'status', text: basket.unshippable_text })
      : basket.needs_shipping
        ? h('p', { class: 'hint', text: t('Shipping address and method are chosen in the payment form.') }) : null;
    show(ticket, t('Your cart'), changes, h('div', { class: 'section' }, lines,
      h('div', { class: 'total' }, h('span', { text: t('Total') }), h('span', { id: 'cart-total', text: basket.total_text })),
      basket.saving_text ? h('p', { class: 'hint', id: 'cart-saving', text: basket.saving_text }) : null,
      basket.promo_text ? h('p', { class: 'hint', id: 'cart-promo', text: basket.promo_text }) : null, // why Checkout asks less
      (basket.tax_texts || []).map((text) => h('p', { class: 'hint tax', text })), // the VAT in what Checkout asks
      basket.free_shipping_text ? h('p', { class: 'hint', id: 'cart-free-shipping', text: basket.free_shipping_text }) : null,
      shipping,
      basket.delivery ? deliveryTime(basket.delivery) : null,
      basket.min_order_text ? h('p', { class: 'notice', id: 'cart-min-order', role: 'status', text: basket.min_order_text }) : null,
      h('button', { type: 'button', class: 'link', onclick: clearCart }, t('Clear cart'))));
  }

  /** Her delivery time (the chat's summary asks the same): the one chosen with 🕒 Change, or
      a button per window free now, or the words for none free. A refusal (the time filled up,
      here or at checkout) stays above the choice, in the shop's words, until she chooses. */
  function deliveryTime(d) {
    if (d.chosen) {
      return h('div', { class: 'section delivery', id: 'delivery-time' },
        h('p', { id: 'delivery-chosen', text: d.chosen_text }),
        h('button', { type: 'button', class: 'link', id: 'delivery-change', onclick: () => chooseTime(null) }, d.change_text));
    }
    return h('div', { class: 'section delivery', id: 'delivery-time' },
      state.timeRefused ? h('p', { class: 'notice bad', id: 'delivery-refused', role: 'alert', text: state.timeRefused }) : null,
      d.offered.length
        ? h('p', { id: 'delivery-ask', text: d.choose_text })
        : h('p', { class: 'notice', id: 'delivery-none', role: 'status', text: d.none_free_text }),
      h('div', { class: 'slots' }, d.offered.map((slot) => h('button', {
        type: 'button', class: 'slot', 'data-key': slot.key, onclick: () => chooseTime(slot),
      }, slot.label))));
  }

  /** Choose a delivery time (null: clear it, to choose another); the cart comes back. */
  const chooseTime = (slot) => queued(async () => {
    try {
      const answer = slot
        ? await api('POST', 'delivery_time', { day: slot.day, window: slot.window })
        : await api('DELETE', 'delivery_time');
      state.timeRefused = null;
      setCart(answer.cart);
      haptic.select();
    } catch (error) {
      haptic.notify('error');
      if (error.data && error.data.cart) { // not free any more: the choice as it is now
        state.timeRefused = error.message;
        setCart(error.data.cart);
      } else {
        toast(error.message);
      }
    }
    if (top()[0] === 'cart') drawCart(state.drawn);
  });

  async function changeCart(method, path, body) {
    try {
      const answer = await api(method, path, body);
      setCart(answer.cart);
      if (answer.done) haptic.select(); else { haptic.notify('error'); toast(answer.notice); }
    } catch (error) {
      toast(error.message);
    }
    state.changes = null;
    if (top()[0] === 'cart') drawCart(state.drawn);
  }

  const putLine = (line, quantity) => changeCart('PUT', `cart/lines/${line.product_id}`,
    line.variant_id ? { quantity, variant_id: line.variant_id } : { quantity });
  const setQuantity = (line, quantity) => queued(() => putLine(line, quantity));
  const clearCart = () => queued(() => changeCart('DELETE', 'cart'));

  /** A line holding all the shopper can have of it (max_quantity): its + is off. */
  const full = (line) => line.quantity >= line.max_quantity;

  /** One more (or less) than the line holds when the tap's turn comes, not when it was drawn;
      one more than the line can hold is not asked for (the shop would refuse it anyway). */
  const step = (line, by) => queued(() => {
    const same = (l) => l.product_id === line.product_id && (l.variant_id || null) === (line.variant_id || null);
    const now = state.cart && state.cart.lines.find(same);
    if (!now || (by > 0 && full(now))) return undefined; // taken out meanwhile, or full: done
    return putLine(line, now.quantity + by);
  });

  // ------------------------------------------------------------------ checkout and paying

  async function checkout() {
    if (state.busy || state.paying) return; // one invoice at a time
    state.busy = true;
    bar.progress(true);
    try {
      // The cart this page shows: a cart changed meanwhile (in the chat, say) is sent back.
      // `delivery`: this page chooses her delivery time itself (the one it shows chosen).
      const shown = state.cart ? {
        fingerprint: state.cart.fingerprint,
        delivery: state.cart.delivery && state.cart.delivery.chosen ? state.cart.delivery.chosen.key : null,
      } : undefined;
      const answer = await api('POST', 'checkout', shown);
      if (answer.status === 'invoice') {
        state.changes = null;
        pay(answer);
        return;
      }
      if (answer.status === 'paid') { // the gift card paid all of it: no invoice
        state.changes = null;
        haptic.notify('success');
        toast(answer.notice);
        go('order', { id: answer.order_id, polls: 0 });
        return;
      }
      haptic.notify('warning');
      if (answer.min_order_text && state.cart) { // below the minimum since the page last asked
        state.cart.min_order_text = answer.min_order_text;
        updateBar();
      }
      state.changes = answer.changes || null;
      if (answer.cart) setCart(answer.cart);
      if (answer.delivery && state.cart) { // no time chosen, or it filled up: choose again
        state.cart.delivery = answer.delivery;
        state.timeRefused = answer.notice;
        updateBar();
      }
      if (top()[0] === 'cart') drawCart(state.drawn); else await go('cart');
      toast(answer.notice);
    } catch (error) {
      haptic.notify('error');
      if (error.data && error.data.closed) { // paused since the page last asked: checkout off
        setClosed(error.data.closed);
        updateBar();
        if (top()[0] === 'cart') drawCart(state.drawn); else await go('cart');
      }
      toast(error.message);
    } finally {
      state.busy = false;
      bar.progress(false);
    }
  }

  function pay(answer) {
    if (native && tg.openInvoice) {
      state.paying = true;
      notice(t('Waiting for your payment for order #{order_id}…', { order_id: answer.order_id }));
      tg.openInvoice(answer.invoice_link, (status) => {
        state.paying = false;
        notice('');
        afterInvoice(answer.order_id, status);
      });
    } else {
      go('order', { id: answer.order_id, link: answer.invoice_link, polls: 0 });
    }
  }

  /** Telegram's word on the invoice is for show only: the order's own status is the truth. */
  function afterInvoice(orderId, status) {
    if (status === 'paid' || status === 'pending') {
      haptic.notify('success');
      go('order', { id: orderId, waiting: true, polls: 0 });
    } else if (status === 'cancelled') {
      notice(t('Payment cancelled. Your items are still in your cart.'));
    } else {
      haptic.notify('error');
      notice(t('The payment did not go through. Please try again.'), true);
    }
  }

  async function order(arg, ticket) {
    let o;
    try {
      o = await api('GET', `orders/${arg.id}`);
    } catch (error) {
      // The first look says what went wrong, and so does a page signed out meanwhile (401);
      // a later look the network or a busy shop lost just asks again.
      if (!arg.polls || !(error.status === 0 || error.status === 429 || error.status >= 500)) throw error;
      askAgain(arg, ticket);
      return;
    }
    const open = o.status === 'awaiting_payment';
    const gone = o.status === 'cancelled' || o.status === 'refunded';
    let note;
    if (o.status === 'refunded') {
      note = null; // its status and the refund say it
    } else if (!open && !gone) {
      note = t('Thank you! Your receipt is in the chat with the shop.');
    } else if (open && arg.waiting) {
      note = t('Payment sent: waiting for the shop to confirm it…');
    } else if (open && arg.link) {
      note = t('This page is open outside Telegram, where invoices cannot be paid. Its invoice link:');
    } else {
      note = o.status === 'cancelled' ? t('This order was cancelled.') : t('Waiting for payment.');
    }
    const shown = show(ticket, t('Order #{order_id}', { order_id: o.id }), h('div', { class: 'section', id: 'order', 'data-status': o.status },
      h('div', { class: `status${open || gone ? '' : ' paid'}`, text: o.status_label }),
      note ? h('p', { text: note }) : null,
      o.lines.map((line) => h('div', { class: 'sum', text: `${line.quantity} × ${line.title} — ${line.line_total_text}` })),
      o.discount_text ? h('div', { class: 'sum', id: 'discount', text: o.discount_text }) : null,
      o.pickup_text ? h('div', { class: 'sum', id: 'pickup', text: o.pickup_text }) : null,
      o.delivery_text ? h('div', { class: 'sum', id: 'delivery', text: o.delivery_text }) : null,
      o.gift_card_text ? h('div', { class: 'sum', id: 'gift-card', text: o.gift_card_text }) : null,
      o.shipping_text ? h('div', { class: 'sum', text: t('Shipping: {amount}', { amount: o.shipping_text }) }) : null,
      o.tip_text ? h('div', { class: 'sum', text: t('Tip: {amount}', { amount: o.tip_text }) }) : null,
      h('div', { class: 'total' }, h('span', { text: t('Total') }), h('span', { text: o.total_text })),
      (o.tax_texts || []).map((text) => h('div', { class: 'sum tax', text })),
      o.refunded_text ? h('div', { class: 'sum', id: 'refunded', text: t('Refunded: {amount}', { amount: o.refunded_text }) }) : null,
      o.refund_under_way_text ? h('div', { class: 'sum', id: 'refund-under-way', text: t('Refund on its way: {amount}', { amount: o.refund_under_way_text }) }) : null,
      o.tracking_number ? h('div', { class: 'sum', id: 'tracking', text: t('Tracking number: {number}', { number: o.tracking_number }) }) : null,
      o.tracking_url ? h('a', { id: 'track-parcel', class: 'link', href: o.tracking_url, target: '_blank', rel: 'noopener', onclick: openOutside }, t('📦 Track parcel')) : null,
      arg.link && open ? h('p', { class: 'hint', text: arg.link }) : null,
      (o.rateable || []).map((item) => stars(o, item)),
      o.can_buy_again ? h('button', { type: 'button', id: 'buy-again', class: 'primary', onclick: (event) => buyAgain(o, event.currentTarget) }, t('🔁 Buy again')) : null,
      o.cancel ? cancelling(o) : null,
      o.return && o.return.state ? h('p', { id: 'return-state', text: o.return.state }) : null,
      o.return && o.return.can_return ? returning(o) : null));
    if (shown && open && (arg.waiting || arg.link)) {
      askAgain(arg, ticket);
    } else if (shown && !open) {
      refreshCart(); // what was bought has left the cart
    }
  }

  /** A link to another site (the carrier's tracking page): Telegram opens it in its browser,
      leaving the shop's page as it is; a plain browser follows the link. */
  function openOutside(event) {
    if (!tg || !tg.openLink) return;
    event.preventDefault();
    tg.openLink(event.currentTarget.href);
  }

  /** 🔁 Buy again: the chat's reorder into the one cart; her cart then, with what fell short. */
  const buyAgain = (o, button) => queued(async () => {
    button.disabled = true;
    try {
      const answer = await api('POST', `orders/${o.id}/buy_again`);
      setCart(answer.cart);
      haptic.notify(answer.done ? 'success' : 'error');
      await go('cart', { report: answer.report || [] });
      notice(answer.notice);
    } catch (error) {
      haptic.notify('error');
      toast(error.message);
      button.disabled = false;
    }
  });

  /** ✖️ Cancel order, asked first in the page (the chat's question, worded by the server);
      Yes cancels it as the chat's Yes does, and the order is shown as it is then. A refusal
      (shipped or cancelled meanwhile, a second tap) is said, and the order shown anew. */
  function cancelling(o) {
    const box = h('div', { id: 'cancel-order' });
    const ask = () => box.replaceChildren(h('button', {
      type: 'button', class: 'link danger', onclick: sure,
    }, t('✖️ Cancel order')));
    function sure() {
      haptic.impact('light');
      box.replaceChildren(h('p', { class: 'question', text: o.cancel.question }),
        h('button', { type: 'button', id: 'cancel-yes', class: 'primary danger', onclick: (event) => yes(event.currentTarget) }, t('✖️ Yes, cancel it')),
        h('button', { type: 'button', id: 'cancel-no', class: 'link', onclick: ask }, t('⬅ No, keep it')));
    }
    const yes = (button) => queued(async () => {
      button.disabled = true;
      try {
        const answer = await api('POST', `orders/${o.id}/cancel`);
        haptic.notify('success');
        notice(answer.notice);
      } catch (error) {
        haptic.notify('error');
        notice(error.message, true);
      }
      await draw();
    });
    ask();
    return box;
  }

  /** ↩️ Return items: her lines to tick and a reason; the shop words what she would get
      back (the chat's question, asked again at each change, the latest answer kept), and
      📨 Send request sends it as the chat's does. A refusal is said, and the order shown anew. */
  function returning(o) {
    const box = h('div', { id: 'return-items' });
    const closed = () => box.replaceChildren(h('button', {
      type: 'button', id: 'return-open', class: 'link', onclick: form,
    }, t('↩️ Return items')));
    let asked = 0;
    function form() {
      haptic.impact('light');
      const ticks = o.return.lines.map((line) => h('input', { type: 'checkbox', value: line.id, onchange: quote }));
      const reason = h('select', { id: 'return-reason', onchange: quote },
        o.return.reasons.map((r) => h('option', { value: r.code }, r.label)));
      const question = h('p', { class: 'question', id: 'return-question' });
      const send = h('button', { type: 'button', id: 'return-send', class: 'primary', disabled: true, onclick: () => sent(send) }, t('📨 Send request'));
      const chosen = () => ticks.filter((tick) => tick.checked).map((tick) => Number(tick.value));
      async function quote() {
        const mine = ++asked;
        send.disabled = true;
        question.textContent = chosen().length ? '' : t('Choose at least one item to return.');
        if (!chosen().length) return;
        try {
          const answer = await api('GET', `orders/${o.id}/return?lines=${chosen().join(',')}&reason=${reason.value}`);
          if (mine !== asked) return; // a later tick's answer is the one to show
          question.textContent = answer.question;
          send.disabled = false;
        } catch (error) {
          if (mine === asked) question.textContent = error.message;
        }
      }
      const sent = (button) => queued(async () => {
        button.disabled = true;
        try {
          const answer = await api('POST', `orders/${o.id}/return`, { lines: chosen(), reason: reason.value });
          haptic.notify('success');
          notice(answer.notice);
        } catch (error) {
          haptic.notify('error');
          notice(error.message, true);
        }
        await draw();
      });
      box.replaceChildren(
        ...o.return.lines.map((line, i) => h('label', { class: 'return-line' }, ticks[i], ` ${line.quantity} × ${line.title} — ${line.amount_text}`)),
        h('label', { class: 'return-reason' }, h('span', { text: t('Why are you returning them?') }), reason),
        question, send,
        h('button', { type: 'button', id: 'return-back', class: 'link', onclick: closed }, t('⬅ Back to the order')));
      quote();
    }
    closed();
    return box;
  }

  /** ⭐ a product of her paid order: one to five stars, hers marked; the shop thanks her. */
  function stars(o, item) {
    const row = h('div', { class: 'rate', 'data-product-id': item.product_id });
    const paint = () => row.replaceChildren(h('span', { text: t('⭐ Rate {title}', { title: item.title }) }),
      h('span', { class: 'stars' }, [1, 2, 3, 4, 5].map((n) => h('button', {
        type: 'button', class: n <= (item.stars || 0) ? 'star on' : 'star', 'data-stars': n,
        'aria-label': `${n} ★`, onclick: () => give(n),
      }, '★'))));
    async function give(n) {
      haptic.select();
      try {
        const answer = await api('PUT', `orders/${o.id}/ratings/${item.product_id}`, { stars: n });
        item.stars = answer.stars;
        toast(answer.notice);
      } catch (error) {
        haptic.notify('error');
        toast(error.message);
      }
      paint();
    }
    paint();
    return row;
  }

  /** Her orders, newest first, ten at a time as /orders pages them; one opens its page.
      Drawn again (Back from an order, the page shown again) it asks for the newest page
      once more: an order paid, shipped or made meanwhile shows as it is now. */
  async function orders(arg, ticket) {
    const here = top(); // kept with this screen, for Back to find the orders already shown
    const pages = arg || { shown: [], page: -1, older: true };
    here[1] = pages;
    const first = await api('GET', 'orders?page=0');
    const fresh = new Set(first.orders.map((o) => o.id));
    Object.assign(pages, {
      shown: first.orders.concat(pages.shown.filter((o) => !fresh.has(o.id)))
        .sort((a, b) => b.id - a.id),
    });
    if (pages.page < 0) Object.assign(pages, { page: 0, older: first.has_older });
    const more = pages.older ? h('button', {
      type: 'button', class: 'more',
      onclick: async (event) => {
        event.currentTarget.disabled = true;
        const next = await api('GET', `orders?page=${pages.page + 1}`).catch(failed);
        if (!next) return;
        const known = new Set(pages.shown.map((o) => o.id));
        Object.assign(pages, {
          shown: pages.shown.concat(next.orders.filter((o) => !known.has(o.id))),
          page: next.page, older: next.has_older,
        });
        draw();
      },
    }, t('Show more')) : null;
    const rows = pages.shown.map((o) => h('button', {
      type: 'button', class: 'order-row', 'data-order-id': o.id,
      onclick: () => go('order', { id: o.id, polls: 0 }),
    }, h('b', { text: t('Order #{order_id}', { order_id: o.id }) }),
    h('span', { class: 'hint', text: o.status_label }), h('span', { text: o.total_text })));
    show(ticket, t('📦 My orders'), h('div', { class: 'section' },
      rows.length ? rows : h('p', { class: 'hint', text: t('📦 You have no orders yet. Everything you buy will be listed here.') }),
      more));
  }

  /** The order is still open: asked about again later, and less often the longer it takes,
      until the shopper moves on. A hidden page asks nothing; coming back (cameBack) asks. */
  function askAgain(arg, ticket) {
    const wait = Math.min(POLL_FIRST_MS * 1.5 ** arg.polls, POLL_MOST_MS);
    setTimeout(() => {
      if (ticket !== state.drawn || document.visibilityState === 'hidden') return;
      arg.polls += 1;
      draw();
    }, wait);
  }

  // ------------------------------------------------------------------ start

  function applyTheme() {
    const params = (tg && tg.themeParams) || {};
    for (const [key, value] of Object.entries(params)) {
      document.documentElement.style.setProperty(`--tg-theme-${key.replace(/_/g, '-')}`, value);
    }
  }

  /** Opened with no initData: the server worded this in the browser's language. */
  function outsideTelegram() {
    $('to-cart').hidden = true;
    $('to-orders').hidden = true;
    view.replaceChildren($('outside').content.cloneNode(true));
  }

  function start() {
    applyTheme();
    if (tg) {
      tg.ready();
      if (tg.expand) tg.expand();
      if (tg.onEvent) tg.onEvent('themeChanged', applyTheme);
      if (tg.onEvent) tg.onEvent('activated', cameBack);
    }
    if (native) {
      tg.MainButton.onClick(pressMain);
      tg.BackButton.onClick(back);
    }
    $('bar-button').addEventListener('click', pressMain);
    $('back').addEventListener('click', back);
    $('to-cart').addEventListener('click', () => { if (top()[0] !== 'cart') go('cart'); });
    $('to-orders').addEventListener('click', () => { if (top()[0] !== 'orders') go('orders'); });
    document.addEventListener('visibilitychange', cameBack);
    if (!initData) {
      outsideTelegram();
      return;
    }
    let shutOut = null;
    api('GET', 'texts').then((answer) => {
      words = answer.texts || {};
      document.documentElement.lang = answer.language || 'en';
      $('title').textContent = t('Shop');
      document.title = t('Shop');
      $('back').textContent = t('‹ Back');
      $('to-cart').setAttribute('aria-label', t('Your cart'));
      $('to-orders').setAttribute('aria-label', t('📦 My orders'));
    }, (error) => {
      // 403: the shop blocked her (/block); the page says so and asks nothing more.
      if (error instanceof ApiError && error.status === 403) shutOut = error;
    }).finally(() => {
      if (shutOut) {
        view.replaceChildren(h('div', { class: 'section' }, h('p', { id: 'refused', text: shutOut.message })));
        return;
      }
      refreshCart();
      goHome();
    });
  }

  start();
})();
