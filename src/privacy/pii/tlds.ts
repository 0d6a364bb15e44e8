// A compact top-level-domain table for scheme-less URLs, e-mail addresses and handles. Not every delegated TLD: the
// common generic ones and all two-letter country codes, each with a weight that says how likely `word.tld` in a post
// is a real domain rather than a typo, a file name or two words joined by a full stop.

/** Generic TLDs that are almost always domains. */
const STRONG = 'com net org edu gov mil int info biz io co ai app dev xyz tv fm gg ly social cloud tech site online news blog page club shop store'.split(' ');

/** Two-letter codes that are also common English words or file extensions: `this.is`, `readme.md`, `main.py`. */
const WEAK = 'am an as at be by do go he hi if in is it me my no of on or pl pm ps py rs sh so to tt us we md cs sc'.split(' ');

// ISO 3166 two-letter country codes in use as ccTLDs (plus uk, eu).
const CCTLDS = (
  'ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz ca cc cd ' +
  'cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk fm fo fr ga gd ge gf ' +
  'gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km ' +
  'kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz ' +
  'na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg ' +
  'sh si sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ' +
  've vg vi vn vu wf ws ye yt za zm zw'
).split(' ');

export const TLD_STRONG = 0.8;
export const TLD_NORMAL = 0.6;
export const TLD_WEAK = 0.35;

const WEIGHT = new Map<string, number>();
for (const t of CCTLDS) WEIGHT.set(t, TLD_NORMAL);
for (const t of WEAK) WEIGHT.set(t, TLD_WEAK);
for (const t of STRONG) WEIGHT.set(t, TLD_STRONG);

/** The weight of a TLD (lower- or upper-case only: `great.Love` is a missing space, not a domain), or 0 if unknown. */
export function tldWeight(tld: string): number {
  const lower = tld.toLowerCase();
  if (tld !== lower && tld !== tld.toUpperCase()) return 0;
  return WEIGHT.get(lower) ?? 0;
}

/** Link shorteners and well-known hosts whose TLD alone would score weak (`youtu.be`, `amzn.to`). */
export const KNOWN_HOSTS = new Set(
  'youtu.be t.co bit.ly goo.gl amzn.to dlvr.it ift.tt lnkd.in trib.al buff.ly ow.ly spoti.fi apple.co wp.me fb.me tinyurl.com is.gd v.gd'.split(' '),
);
