/** The console's one stylesheet: plain, high contrast, readable at 200% zoom (no fixed widths). */
export const consoleCss = `
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:100%;line-height:1.5;color:#1b1f24;background:#f6f7f9}
body{margin:0}
a{color:#0b5cad}
a:hover{color:#083f78}
:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
.skip{position:absolute;left:-999em}
.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:2}
header.top{background:#12324f;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center}
header.top a{color:#fff}
header.top .brand{font-weight:700;font-size:1.2rem;text-decoration:none}
header.top .who{margin-left:auto;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
header.top form{display:inline}
header.top button{background:transparent;color:#fff;border:1px solid #fff;padding:.2rem .6rem}
nav.main{background:#e4e9ef;padding:.25rem 1rem}
nav.main ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
nav.main a{display:inline-block;padding:.4rem .2rem;text-decoration:none;font-weight:600}
nav.main a[aria-current=page]{border-bottom:3px solid #12324f}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}
h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
table{border-collapse:collapse;width:100%;background:#fff;margin:.5rem 0}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #d5dbe2;vertical-align:top}
th{background:#eef1f5}
.table-wrap{overflow-x:auto}
form.stack{background:#fff;border:1px solid #d5dbe2;padding:1rem;max-width:40rem}
form.inline{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin:.5rem 0}
.field{margin-bottom:.9rem}
.field label,.field legend{display:block;font-weight:600}
.field .hint{color:#4a5561;font-size:.9rem}
input[type=text],input[type=password],input[type=email],input[type=date],input[type=search],input[type=number],select,textarea{font:inherit;padding:.4rem;border:1px solid #6b7785;border-radius:3px;width:100%;max-width:30rem;background:#fff}
form.inline input,form.inline select{width:auto}
textarea{min-height:4rem}
fieldset{border:1px solid #d5dbe2;margin:0 0 .9rem;padding:.5rem .75rem}
.check{display:flex;gap:.5rem;align-items:flex-start;margin:.25rem 0}
.check input{margin-top:.3rem}
button,.button{font:inherit;font-weight:600;background:#0b5cad;color:#fff;border:0;border-radius:3px;padding:.45rem 1rem;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#fff;color:#0b5cad;border:1px solid #0b5cad}
button.danger{background:#a4262c}
.field-error{color:#a4262c;font-weight:600;margin:.2rem 0}
.has-error input,.has-error select,.has-error textarea{border:2px solid #a4262c}
.alert{border-left:6px solid #a4262c;background:#fdecea;padding:.75rem 1rem;margin:0 0 1rem}
.notice{border-left:6px solid #1e7b34;background:#e8f5eb;padding:.75rem 1rem;margin:0 0 1rem}
.warn{border-left:6px solid #b35c00;background:#fff4e5;padding:.75rem 1rem;margin:0 0 1rem}
.badge{display:inline-block;padding:0 .4rem;border-radius:3px;font-size:.85rem;font-weight:600;background:#e4e9ef}
.badge.high,.badge.denied,.badge.failed,.badge.expired{background:#fdecea;color:#7a1c20}
.badge.pending,.badge.medium{background:#fff4e5;color:#6b3700}
.badge.provisioned,.badge.approved,.badge.ok{background:#e8f5eb;color:#145224}
.overdue{color:#a4262c;font-weight:700}
.cards{display:flex;flex-wrap:wrap;gap:1rem;margin:.5rem 0}
.card{background:#fff;border:1px solid #d5dbe2;padding:.75rem 1rem;min-width:12rem;flex:1 1 12rem}
.card .number{font-size:2rem;font-weight:700}
.pager{display:flex;gap:1rem;margin:.5rem 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;background:#fff;border:1px solid #d5dbe2;padding:.75rem 1rem}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
.chart{background:#fff;border:1px solid #d5dbe2;padding:.5rem;max-width:40rem;margin:.5rem 0}
.chart svg{width:100%;height:auto}
.chart figcaption{font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:flex-start}
.charts .chart{flex:1 1 24rem}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:.25rem 0;padding:0;font-size:.9rem}
.legend .swatch{width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-.05rem}
.actions{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
.actions form.stack{flex:1 1 18rem}
.demo{background:#fff;border:1px solid #d5dbe2;padding:.5rem 1rem;margin-top:1rem}
@media (max-width:40rem){main{padding:.5rem}dl.facts{grid-template-columns:1fr}}
`;
