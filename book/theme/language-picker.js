// The language picker: a link in the menu bar to the same page in the
// book's other language.
//
// The English book is built into book/book/ and the Simplified Chinese one
// into book/book/zh-CN/ (`just book-build`), with the same file names, so
// the other language's page is found by moving the page's path between the
// two roots. `path_to_root` is set by mdbook on every page; the page's
// language is <html lang="...">, from book.language.
//
// tools/book-check checks that every page has its counterpart in the other
// book, and opens pages in headless Chromium to see this link point there.

(() => {
    const LANGUAGES = {
        // lang attribute: [label shown on the OTHER book's pages, root of this book relative to the English root]
        'en': ['English', ''],
        'zh-CN': ['简体中文', 'zh-CN/'],
    };

    const here = document.documentElement.lang === 'zh-CN' ? 'zh-CN' : 'en';
    const other = here === 'en' ? 'zh-CN' : 'en';

    // This book's root, as an absolute URL, and the page's path below it.
    // (A top-level page has path_to_root "", which would resolve to the
    // page itself; "./" is its directory.)
    const root = new URL(path_to_root || './', window.location.href);
    let page = window.location.href.slice(root.href.length).split('#')[0];
    if (page === '' || page.endsWith('/')) {
        page += 'index.html';
    }

    // The English root is this root for the English book, and one level up
    // for the Chinese one.
    const englishRoot = here === 'en' ? root : new URL('../', root);
    const target = new URL(LANGUAGES[other][1] + page, englishRoot);
    target.hash = window.location.hash;

    const link = document.createElement('a');
    link.id = 'language-picker';
    link.href = target.href;
    link.hreflang = other;
    link.lang = other;
    link.textContent = LANGUAGES[other][0];
    link.title = here === 'en' ? '这一页的简体中文版' : 'This page in English';
    link.setAttribute('aria-label', link.title);

    const buttons = document.querySelector('#mdbook-menu-bar .right-buttons')
        || document.querySelector('.right-buttons');
    if (buttons) {
        buttons.prepend(link);
    }
})();
